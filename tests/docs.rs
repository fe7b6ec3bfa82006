//! The documentation's examples, run: every ```console block of README.md
//! and docs/*.md is a shell session against the bundled example project,
//! and the output it shows must be what clerk prints, so the docs cannot
//! drift from the binary.
//!
//! In a block, a line starting with `$ ` is a command (a line ending in `\`
//! continues it); the lines up to the next command are its output, stdout
//! and stderr together. `...` on a line of its own stands for any lines and
//! `[..]` for any text within a line (snapbox's wildcards). Each document
//! runs in a sandbox of its own, its blocks in order in one `bash` per
//! block, with `HOME` set to the sandbox:
//!
//! - `~/project`: a copy of the bundled example (dossiers/, sources/,
//!   templates/), where README.md, format.md and templates.md start;
//! - `~/audit`: what an auditor receives, where audit.md starts:
//!   `brief.pdf` and `brief.provenance.json` built from `project/`, a copy
//!   of the example beside them.
//!
//! A code block right after `<!-- saved as PATH -->` is written to PATH
//! (from the start folder) when the session reaches it, as a reader would
//! save it. `clerk` on the `PATH` is the binary under test. With `DOCS_BLESS=1`, a
//! command whose output does not match, or is shown as a lone `...`, has
//! the output it printed written into the document instead (timings as
//! `[..]`), for review.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The documents whose examples are run, with the folder (under the
/// sandbox's home) their sessions start in.
const DOCUMENTS: &[(&str, &str)] = &[
    ("README.md", "project"),
    ("docs/format.md", "project"),
    ("docs/templates.md", "project"),
    ("docs/audit.md", "audit"),
];

/// Tools the auditor's guide uses besides clerk (CI installs them).
const AUDIT_TOOLS: &[&str] = &[
    "qpdf",
    "pdftotext",
    "pdfdetach",
    "pdfinfo",
    "pdffonts",
    "jq",
    "python3",
];

/// Whether every tool in `tools` is on the `PATH`; if not, the examples
/// that use them cannot run: skipped on a developer's machine, a failure
/// under CI.
fn tools_present(document: &str, tools: &[&str]) -> bool {
    let missing: Vec<&str> = tools
        .iter()
        .copied()
        .filter(|tool| {
            !Command::new("sh")
                .args(["-c", &format!("command -v {tool}")])
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{document} needs {} (.ci/run installs them)",
        missing.join(", ")
    );
    eprintln!("skipping {document}: {} not installed", missing.join(", "));
    false
}

/// One command of a console block and the output shown for it.
#[derive(Debug)]
struct Example {
    /// The command as written, continuation lines joined.
    command: String,
    /// Line range of the shown output in the document (0-based, end
    /// exclusive).
    output_lines: std::ops::Range<usize>,
    /// Line of the command in the document (1-based), for messages.
    line: usize,
}

/// The console blocks of `text`, each a list of examples.
fn console_blocks(text: &str) -> Vec<Vec<Example>> {
    let lines: Vec<&str> = text.lines().collect();
    let mut blocks = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        // `<!-- saved as PATH -->` before a code block: the reader is told
        // to save it, so the session does.
        if let Some(path) = lines[index]
            .trim()
            .strip_prefix("<!-- saved as ")
            .and_then(|rest| rest.strip_suffix(" -->"))
        {
            let start = index + 2;
            let end = start
                + lines[start..]
                    .iter()
                    .position(|l| l.trim_end() == "```")
                    .unwrap();
            let content = lines[start..end].join("\n");
            blocks.push(vec![Example {
                command: format!("cat > {path} <<'CLERK_DOCS_EOF'\n{content}\nCLERK_DOCS_EOF"),
                output_lines: end..end,
                line: index + 1,
            }]);
            index = end + 1;
            continue;
        }
        if lines[index].trim_end() != "```console" {
            index += 1;
            continue;
        }
        index += 1;
        let mut block: Vec<Example> = Vec::new();
        while index < lines.len() && lines[index].trim_end() != "```" {
            let line = lines[index];
            if let Some(command) = line.strip_prefix("$ ") {
                let start = index + 1;
                let mut command = command.to_string();
                index += 1;
                // A `\` at the end, or a quote left open, continues the
                // command on the next line, as in a shell.
                while (command.ends_with('\\') || open_quote(&command)) && index < lines.len() {
                    command.push('\n');
                    command.push_str(lines[index]);
                    index += 1;
                }
                block.push(Example {
                    command,
                    output_lines: index..index,
                    line: start,
                });
            } else {
                match block.last_mut() {
                    Some(example) => example.output_lines.end = index + 1,
                    None => panic!("line {}: output before any `$ ` command", index + 1),
                }
                index += 1;
            }
        }
        index += 1;
        blocks.push(block);
    }
    blocks
}

/// Whether `command` leaves a single or double quote open.
fn open_quote(command: &str) -> bool {
    let mut quote = None;
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '\\') | (Some('"'), '\\') => {
                chars.next();
            }
            (None, '\'' | '"') => quote = Some(c),
            (Some(open), c) if c == open => quote = None,
            _ => {}
        }
    }
    quote.is_some()
}

/// A sandbox with the example project laid out for the docs.
struct Sandbox {
    home: tempfile::TempDir,
    bin: PathBuf,
}

impl Sandbox {
    fn new() -> Sandbox {
        let home = tempfile::tempdir().unwrap();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        for place in ["project", "audit/project"] {
            for folder in ["dossiers", "sources", "templates"] {
                copy_tree(&repo.join(folder), &home.path().join(place).join(folder));
            }
        }
        let bin = home.path().join(".bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_clerk"), bin.join("clerk")).unwrap();
        let sandbox = Sandbox { home, bin };
        let built = sandbox.run(
            "audit",
            "clerk build --root project --out .built >/dev/null 2>&1 \
             && cp .built/nc-azerbaijan.pdf brief.pdf \
             && cp .built/nc-azerbaijan.provenance.json brief.provenance.json \
             && rm -r .built",
        );
        assert!(built.1, "the audit layout could not be built: {}", built.0);
        sandbox
    }

    /// Runs `script` in `bash` from `~/<start>`; its output (stdout and
    /// stderr together) and whether it exited 0.
    fn run(&self, start: &str, script: &str) -> (String, bool) {
        let path = format!(
            "{}:{}",
            self.bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let output = Command::new("bash")
            .arg("-c")
            .arg(format!("exec 2>&1\n{script}"))
            .current_dir(self.home.path().join(start))
            .env("HOME", self.home.path())
            .env("PATH", path)
            .env("NO_COLOR", "1")
            .env("COLUMNS", "100")
            .env_remove("CLICOLOR_FORCE")
            .output()
            .unwrap();
        (
            String::from_utf8_lossy(&output.stdout).into_owned(),
            output.status.success(),
        )
    }

    /// Runs a block's commands in one shell, returning each one's output.
    fn run_block(&self, start: &str, block: &[Example]) -> Vec<String> {
        const MARK: &str = "\u{1e}clerk-docs-command\u{1e}";
        let mut script = String::from("set +e\n");
        for example in block {
            // The marker must not change `$?`, which a documented
            // `echo $?` reads.
            script.push_str(&format!(
                "__status=$?; printf '%s\\n' '{MARK}'; (exit $__status)\n{}\n",
                example.command
            ));
        }
        let (output, _) = self.run(start, &script);
        let home = self.home.path().display().to_string();
        let canonical = std::fs::canonicalize(self.home.path())
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| home.clone());
        let output = output.replace(&canonical, "~").replace(&home, "~");
        let mut parts: Vec<String> = output
            .split(&format!("{MARK}\n"))
            .map(str::to_string)
            .collect();
        parts.remove(0);
        assert_eq!(
            parts.len(),
            block.len(),
            "a command ended the shell:\n{output}"
        );
        parts
    }
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The actual output, trimmed as `expected` was: each run of lines between
/// `...` elisions is replaced by the run of actual lines that matches it
/// best with digits ignored (line numbers and digests move when the
/// example changes), so a bless keeps the document's trims.
fn keep_elisions(expected: &str, actual: &str) -> String {
    let expected: Vec<&str> = expected.lines().collect();
    if !expected.contains(&"...") {
        return actual.to_string();
    }
    let actual: Vec<&str> = actual.lines().collect();
    let shape =
        |line: &str| -> String { line.chars().filter(|c| !c.is_ascii_hexdigit()).collect() };
    let mut out: Vec<&str> = Vec::new();
    let mut from = 0;
    for (index, segment) in expected.split(|l| *l == "...").enumerate() {
        if index > 0 {
            out.push("...");
        }
        if segment.is_empty() {
            continue;
        }
        let score = |at: usize| -> usize {
            segment
                .iter()
                .zip(&actual[at..])
                .filter(|(e, a)| shape(e) == shape(a))
                .count()
        };
        let last = actual.len().saturating_sub(segment.len());
        let best = (from..=last.max(from)).max_by_key(|&at| (score(at), usize::MAX - at));
        match best {
            Some(at) if at + segment.len() <= actual.len() => {
                out.extend(&actual[at..at + segment.len()]);
                from = at + segment.len();
            }
            _ => out.extend(segment),
        }
    }
    out.join("\n")
}

/// Replaces timings (`0.12 s`) with a wildcard, for blessed output.
fn redact_timings(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(" s") {
        let before = &rest[..at];
        let digits = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_digit() || *c == '.')
            .last()
            .map(|(i, _)| i);
        match digits {
            Some(start) if before[start..].contains('.') => {
                out.push_str(&before[..start]);
                out.push_str("[..] s");
            }
            _ => out.push_str(&rest[..at + 2]),
        }
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
    out
}

/// snapbox's matching, without its path normalisation (`\` is not a
/// path separator in clerk's output: it escapes quotes in JSON).
fn assert() -> snapbox::Assert {
    snapbox::Assert::new().normalize_paths(false)
}

fn check_document(name: &str, start: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let blocks = console_blocks(&text);
    assert!(!blocks.is_empty(), "{name} has no ```console block");
    let bless = std::env::var_os("DOCS_BLESS").is_some();
    let sandbox = Sandbox::new();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut replacements: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    for block in &blocks {
        let outputs = sandbox.run_block(start, block);
        for (example, actual) in block.iter().zip(outputs) {
            let expected = lines[example.output_lines.clone()].join("\n");
            let actual = actual.trim_end().to_string();
            let matches = assert()
                .try_eq(None, actual.clone().into(), expected.clone().into())
                .is_ok();
            // A lone `...` is a placeholder a bless fills in.
            let placeholder = expected.trim() == "...";
            if matches && !(bless && placeholder) {
                continue;
            }
            if bless {
                let blessed = if placeholder {
                    actual.clone()
                } else {
                    keep_elisions(&expected, &actual)
                };
                replacements.push((example.output_lines.clone(), redact_timings(&blessed)));
                continue;
            }
            eprintln!(
                "{name}:{}: `{}` printed something else",
                example.line, example.command
            );
            assert().eq(actual, expected);
        }
    }
    if bless && !replacements.is_empty() {
        for (range, actual) in replacements.into_iter().rev() {
            let new: Vec<String> = if actual.is_empty() {
                Vec::new()
            } else {
                actual.lines().map(str::to_string).collect()
            };
            lines.splice(range, new);
        }
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        panic!("{name}: blessed; review the diff");
    }
}

#[test]
fn readme_examples_print_what_they_show() {
    check_document(DOCUMENTS[0].0, DOCUMENTS[0].1);
}

#[test]
fn format_examples_print_what_they_show() {
    check_document(DOCUMENTS[1].0, DOCUMENTS[1].1);
}

#[test]
fn templates_examples_print_what_they_show() {
    check_document(DOCUMENTS[2].0, DOCUMENTS[2].1);
}

#[test]
fn audit_examples_print_what_they_show() {
    if tools_present(DOCUMENTS[3].0, AUDIT_TOOLS) {
        check_document(DOCUMENTS[3].0, DOCUMENTS[3].1);
    }
}

#[test]
fn console_blocks_parse_commands_continuations_and_output() {
    let text = "intro\n```console\n$ clerk check\nline one\n...\n$ echo a \\\n  b\na b\n```\n";
    let blocks = console_blocks(text);
    assert_eq!(blocks.len(), 1);
    assert_eq!(blocks[0][0].command, "clerk check");
    assert_eq!(blocks[0][0].output_lines, 3..5);
    assert_eq!(blocks[0][1].command, "echo a \\\n  b");
    assert_eq!(blocks[0][1].output_lines, 7..8);
    let quoted = console_blocks("```console\n$ jq '.a\n  | .b' f\nout\n```\n");
    assert_eq!(quoted[0][0].command, "jq '.a\n  | .b' f");
    assert_eq!(quoted[0][0].output_lines, 3..4);
    assert_eq!(
        keep_elisions(
            "...\nerror at line 12\n...\nchecked 1",
            "warning\nerror at line 14\nnote\nchecked 1"
        ),
        "...\nerror at line 14\n...\nchecked 1"
    );
    assert_eq!(
        redact_timings("built 1 in 0.12 s (0 errors)"),
        "built 1 in [..] s (0 errors)"
    );
}
