//! `clerk watch`: a debounced file watcher over a project's inputs
//! (dossiers, source files and their records, templates) that wakes the
//! command when one changes, and Ctrl-C handling that lets the round under
//! way finish its writes before the command stops.
//!
//! The rebuild itself is `clerk build`'s ([`crate::build::build`]), which
//! skips every brief whose inputs have not changed: what an edit affects
//! is exactly what is rebuilt.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use anyhow::Context;
use notify_debouncer_full::notify::event::{EventKind, ModifyKind};
use notify_debouncer_full::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::project::Project;

/// How long the files must stay quiet before a change wakes a rebuild: an
/// editor's save (a temporary file, a rename) or a script's several writes
/// are one change.
const DEBOUNCE: Duration = Duration::from_millis(300);

/// Why [`Watcher::wait`] returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wake {
    /// These inputs changed (paths relative to the project root).
    Changed(Vec<String>),
    /// Ctrl-C: stop.
    Interrupted,
    /// The watcher itself failed.
    Failed(String),
}

/// What the watcher's threads send.
enum Message {
    Paths(Vec<PathBuf>),
    Interrupted,
    Failed(String),
}

/// A watch over a project's inputs.
pub struct Watcher {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    messages: Receiver<Message>,
    project: Project,
    /// The canonical output folder, whose writes are the watch's own.
    out: PathBuf,
    /// Dossier files named outside `dossiers/`.
    outside: Vec<PathBuf>,
    /// Whether `sources/` and `templates/` are watched (they may appear
    /// later).
    sources: bool,
    templates: bool,
}

impl Watcher {
    /// Starts watching `project` (and the dossier files `selected`, which
    /// may lie outside `dossiers/`); writes under `out` are ignored. From
    /// now on, Ctrl-C no longer ends the process: it wakes [`Watcher::wait`].
    pub fn start(project: &Project, selected: &[PathBuf], out: &Path) -> anyhow::Result<Watcher> {
        let (sender, messages) = channel();
        let interrupt = sender.clone();
        ctrlc::set_handler(move || {
            let _ = interrupt.send(Message::Interrupted);
        })
        .context("cannot catch Ctrl-C")?;
        let debouncer = new_debouncer(DEBOUNCE, None, forward(sender))
            .context("cannot start watching files")?;
        let out = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
        let out = std::fs::canonicalize(&out).unwrap_or(out);
        let outside = selected
            .iter()
            .filter(|path| !path.starts_with(&project.dossiers))
            .cloned()
            .collect();
        let mut watcher = Watcher {
            debouncer,
            messages,
            project: project.clone(),
            out,
            outside,
            sources: false,
            templates: false,
        };
        watcher.watch(&project.root.clone(), RecursiveMode::NonRecursive)?;
        watcher.watch(&project.dossiers.clone(), RecursiveMode::NonRecursive)?;
        watcher.watch_new_folders()?;
        for file in watcher.outside.clone() {
            if let Some(folder) = file.parent() {
                watcher.watch(folder, RecursiveMode::NonRecursive)?;
            }
        }
        Ok(watcher)
    }

    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> anyhow::Result<()> {
        self.debouncer
            .watch(path, mode)
            .with_context(|| format!("cannot watch `{}`", path.display()))
    }

    /// Watches `sources/` and `templates/` once they exist.
    fn watch_new_folders(&mut self) -> anyhow::Result<()> {
        if !self.sources && self.project.sources.is_dir() {
            self.watch(&self.project.sources.clone(), RecursiveMode::Recursive)?;
            self.sources = true;
        }
        if !self.templates && self.project.templates.is_dir() {
            self.watch(&self.project.templates.clone(), RecursiveMode::Recursive)?;
            self.templates = true;
        }
        Ok(())
    }

    /// The folders watched, for people.
    pub fn describe(&self) -> String {
        let mut folders = vec!["dossiers/"];
        if self.sources {
            folders.push("sources/");
        }
        if self.templates {
            folders.push("templates/");
        }
        folders.join(", ")
    }

    /// Waits for a change to an input (changes that arrive together are
    /// one), or for Ctrl-C.
    pub fn wait(&mut self) -> Wake {
        let mut changed: Vec<String> = Vec::new();
        loop {
            let message = match changed.is_empty() {
                true => self.messages.recv().ok(),
                // Take what else is already there, then rebuild.
                false => self.messages.try_recv().ok(),
            };
            match message {
                None if changed.is_empty() => {
                    return Wake::Failed("the file watcher stopped".to_string());
                }
                None => return Wake::Changed(changed),
                Some(Message::Interrupted) => return Wake::Interrupted,
                Some(Message::Failed(error)) => return Wake::Failed(error),
                Some(Message::Paths(paths)) => {
                    // A `sources/` or `templates/` made since the start.
                    if let Err(error) = self.watch_new_folders() {
                        return Wake::Failed(format!("{error:#}"));
                    }
                    for path in paths.iter().filter(|p| self.is_input(p)) {
                        let shown = self.project.display(path);
                        if !changed.contains(&shown) {
                            changed.push(shown);
                        }
                    }
                }
            }
        }
    }

    /// Whether a change to `path` may change a brief: a dossier, anything
    /// under `sources/` or `templates/`, not clerk's own output, not an
    /// editor's temporary file.
    fn is_input(&self, path: &Path) -> bool {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') || name.ends_with('~') {
            return false;
        }
        let canonical = path
            .parent()
            .and_then(|p| std::fs::canonicalize(p).ok())
            .map_or_else(|| path.to_path_buf(), |p| p.join(&name));
        if canonical.starts_with(&self.out) || path.starts_with(&self.project.output) {
            return false;
        }
        let project = &self.project;
        (path.starts_with(&project.dossiers) && path.extension().is_some_and(|e| e == "toml"))
            || path.starts_with(&project.sources)
            || path.starts_with(&project.templates)
            || self.outside.iter().any(|file| file == path)
    }
}

/// The debouncer's handler: the paths of each batch of changes, or its
/// errors, to the channel [`Watcher::wait`] reads. Reading a file (as a
/// build does) or touching its metadata changes nothing a brief is made of.
fn forward(sender: Sender<Message>) -> impl FnMut(DebounceEventResult) + Send + 'static {
    move |result: DebounceEventResult| {
        let message = match result {
            Ok(events) => Message::Paths(
                events
                    .into_iter()
                    .filter(|e| {
                        !matches!(
                            e.event.kind,
                            EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_))
                        )
                    })
                    .flat_map(|e| e.event.paths)
                    .collect(),
            ),
            Err(errors) => Message::Failed(
                errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        };
        let _ = sender.send(message);
    }
}
