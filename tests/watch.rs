//! `clerk watch`: the real binary builds, rebuilds after an edit, keeps
//! the last good PDF through a broken edit, and stops cleanly on SIGINT
//! with no temporary file left. Synchronisation is by polling what clerk
//! prints, with generous time limits, never by sleeping alone.
#![cfg(unix)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use common::Project;

/// How long one round may take on a loaded machine.
const ROUND: Duration = Duration::from_secs(120);

/// A running `clerk watch` and the lines it prints on stderr.
struct Watch {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Watch {
    fn start(project: &Project, args: &[&str]) -> Watch {
        let mut child = Command::new(env!("CARGO_BIN_EXE_clerk"))
            .args([
                "--root",
                project.root().to_str().unwrap(),
                "--color",
                "never",
                "watch",
            ])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (sender, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Watch {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits for a line for which `wanted` holds, and returns it.
    fn wait_for(&mut self, what: &str, wanted: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + ROUND;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if wanted(&line) {
                        return line;
                    }
                }
                Err(_) => {
                    let _ = self.child.kill();
                    panic!(
                        "no {what} within {ROUND:?}; clerk printed:\n{}",
                        self.seen.join("\n")
                    );
                }
            }
        }
    }

    /// Waits for a round's closing line (`built …`), then for the line
    /// that says clerk watches again.
    fn round(&mut self) -> String {
        let closing = self.wait_for("closing line", |l| l.starts_with("built "));
        self.wait_for("watching line", |l| l.starts_with("watching "));
        closing
    }

    /// Asserts that clerk prints nothing for `time`.
    fn assert_quiet(&mut self, time: Duration) {
        if let Ok(line) = self.lines.recv_timeout(time) {
            panic!("clerk printed `{line}` after {:?}", self.seen);
        }
    }

    fn interrupt(&mut self) -> std::process::ExitStatus {
        let pid = libc::pid_t::try_from(self.child.id()).unwrap();
        // SAFETY: sends a signal to the child this test started.
        assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
        let deadline = Instant::now() + ROUND;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // What it printed after the signal.
                while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
                    self.seen.push(line);
                }
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "clerk watch did not stop on SIGINT"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn digest(project: &Project, relative: &str) -> String {
    clerk::files::sha256_hex(&std::fs::read(project.path(relative)).unwrap())
}

/// Files clerk's atomic writes leave while they are under way.
fn temporaries(project: &Project) -> Vec<String> {
    walkdir::WalkDir::new(project.root())
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(clerk::output::TEMP_PREFIX))
        .collect()
}

#[test]
fn watch_rebuilds_after_edits_keeps_the_last_good_pdf_and_stops_on_sigint() {
    let project = Project::fixture("basic");
    let mut watch = Watch::start(&project, &[]);
    let closing = watch.round();
    assert!(
        closing.starts_with("built 1, fresh 0, failed 0 in "),
        "{closing}"
    );
    assert_eq!(
        watch.seen.last().unwrap(),
        "watching dossiers/, sources/ for changes (Ctrl-C to stop)"
    );
    let original = digest(&project, "output/harbour.pdf");

    // An edit to the dossier: that brief is rebuilt.
    project.edit(
        "dossiers/harbour.toml",
        "title = \"Harbour contract\"",
        "title = \"Harbour contract, revised\"",
    );
    watch.wait_for("change line", |l| l == "changed: dossiers/harbour.toml");
    let closing = watch.round();
    assert!(
        closing.starts_with("built 1, fresh 0, failed 0 in "),
        "{closing}"
    );
    let revised = digest(&project, "output/harbour.pdf");
    assert_ne!(revised, original);

    // A source's record edited: rebuilt too.
    project.edit(
        "sources/beta.toml",
        "title = \"Compte rendu de séance\"",
        "title = \"Compte rendu\"",
    );
    watch.wait_for("change line", |l| l == "changed: sources/beta.toml");
    let closing = watch.round();
    assert!(
        closing.starts_with("built 1, fresh 0, failed 0 in "),
        "{closing}"
    );
    let good = digest(&project, "output/harbour.pdf");
    assert_ne!(good, revised);

    // A broken edit: the round reports it, and the last good PDF stays.
    project.edit(
        "dossiers/harbour.toml",
        "rigged in favour of a single bidder",
        "rigged for one bidder",
    );
    watch.wait_for("diagnostic", |l| {
        l == "error[quote-not-found]: quote is not in source `alpha`"
    });
    let closing = watch.round();
    assert!(
        closing.starts_with("built 0, fresh 0, failed 1 in ")
            && closing.ends_with("(1 error, 0 warnings)"),
        "{closing}"
    );
    assert_eq!(digest(&project, "output/harbour.pdf"), good);

    // Mended (and retitled, so the brief differs from the last good one),
    // then interrupted while that round may still be running: the round
    // finishes its writes, then clerk stops.
    let mended = project
        .read("dossiers/harbour.toml")
        .replace(
            "rigged for one bidder",
            "rigged in favour of a single bidder",
        )
        .replace("contract, revised", "contract, final");
    project.write("dossiers/harbour.toml", mended);
    watch.wait_for("change line", |l| l == "changed: dossiers/harbour.toml");
    let status = watch.interrupt();
    assert_eq!(status.code(), Some(0), "{:?}", watch.seen);
    assert_eq!(
        watch.seen.last().map(String::as_str),
        Some("stopped watching")
    );
    let last_closing = watch
        .seen
        .iter()
        .rev()
        .find(|l| l.starts_with("built "))
        .unwrap();
    assert!(
        last_closing.starts_with("built 1, fresh 0, failed 0 in "),
        "{:?}",
        watch.seen
    );
    assert_ne!(digest(&project, "output/harbour.pdf"), good);
    assert_eq!(temporaries(&project), Vec::<String>::new());
}

#[test]
fn a_new_template_folder_is_watched_and_an_idle_watch_stops_at_once() {
    let project = Project::fixture("basic");
    let mut watch = Watch::start(&project, &["harbour"]);
    watch.round();
    // templates/ did not exist: it is watched once it appears.
    let template = format!(
        "{}\n// edited\n",
        clerk::builtin::template("brief").unwrap()
    );
    project.write("templates/brief.typ.hbs", &template);
    watch.wait_for("change line", |l| {
        l.starts_with("changed: ") && l.contains("templates")
    });
    let closing = watch.round();
    assert!(
        closing.starts_with("built 1, fresh 0, failed 0 in "),
        "{closing}"
    );
    assert_eq!(
        watch.seen.last().unwrap(),
        "watching dossiers/, sources/, templates/ for changes (Ctrl-C to stop)"
    );
    // Reading files (a build, a `clerk check`) is no change: nothing
    // happens for well over the debounce time.
    let (status, _, _) = project.run(&["check"]);
    assert_eq!(status, 0);
    watch.assert_quiet(Duration::from_secs(3));
    let status = watch.interrupt();
    assert_eq!(status.code(), Some(0));
    assert_eq!(
        watch
            .seen
            .iter()
            .filter(|l| l.starts_with("built "))
            .count(),
        2,
        "{:?}",
        watch.seen
    );
    assert_eq!(temporaries(&project), Vec::<String>::new());
}

#[test]
fn an_unknown_dossier_stops_watch_before_it_starts() {
    let project = Project::fixture("basic");
    let (status, _, stderr) = project.run(&["watch", "nowhere"]);
    assert_eq!(status, 2);
    assert_eq!(
        stderr,
        "error: no dossier `nowhere` (no `dossiers/nowhere.toml`)\n"
    );
}
