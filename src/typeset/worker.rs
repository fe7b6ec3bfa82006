//! Typesetting in worker processes: with `--jobs N`, N > 1, each brief is
//! typeset by one of N copies of clerk itself (`clerk typeset-worker`, a
//! hidden subcommand), fed over its standard input and output.
//!
//! Threads of one process share typst's memo cache and the allocator, and
//! measured slower than as many processes; a process of its own also means
//! a brief that crashes typst, or runs away, costs only that brief. Each
//! worker keeps its fonts and typst's library for the whole batch.
//!
//! The protocol is a frame per message, both ways: a little-endian `u32`
//! length and that much JSON (the header), then a little-endian `u64`
//! length and that many raw bytes (the attachments one way, the PDF the
//! other), so no file is ever encoded as JSON.

use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{Attachment, Job, Typesetter};
use crate::diag::{Diagnostic, Rule};

/// The hidden subcommand that makes a process a worker.
pub const SUBCOMMAND: &str = "typeset-worker";

/// Whether this process may start workers: only the `clerk` binary, which
/// says so when it starts; a program using clerk as a library typesets on
/// its own threads, since its executable is no clerk.
static ENABLED: AtomicBool = AtomicBool::new(false);

/// Lets this process start workers (called by the `clerk` binary).
pub fn enable() {
    ENABLED.store(true, Ordering::Relaxed);
}

pub(super) fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Largest header and payload a frame may carry: far above any brief,
/// and a bound on what a broken peer can make the other allocate.
const MAX_HEADER: u32 = 256 * 1024 * 1024;
const MAX_PAYLOAD: u64 = 4 * 1024 * 1024 * 1024;

/// Extra time the parent allows a worker beyond the typesetting limit
/// (which the worker enforces itself) before it deems it hung.
const GRACE: Duration = Duration::from_secs(5);

/// A brief to typeset, as sent to a worker.
#[derive(Serialize, Deserialize)]
struct Request {
    markup: String,
    /// Year, month and day of the brief's date.
    date: (i32, u8, u8),
    ident: String,
    template_name: String,
    template_display: String,
    template_text: String,
    /// Each attachment's name, relationship, MIME type, description and
    /// length: the payload is their bytes, one after the other.
    attachments: Vec<(String, String, String, String, usize)>,
    readable: Vec<String>,
}

/// A worker's answer and the PDF that comes with it.
type Answer = (Response, Vec<u8>);

/// A worker's answer.
#[derive(Serialize, Deserialize)]
struct Response {
    /// The PDF is the payload.
    ok: bool,
    warnings: Vec<Diagnostic>,
    errors: Vec<Diagnostic>,
    /// Whether a typesetting thread was left running (a timeout): the
    /// worker is then retired, so that it does not slow the next briefs.
    tainted: bool,
}

fn write_frame(
    to: &mut impl Write,
    header: &impl Serialize,
    payload: &[u8],
) -> std::io::Result<()> {
    let header = serde_json::to_vec(header)?;
    let length = u32::try_from(header.len())
        .ok()
        .filter(|n| *n <= MAX_HEADER)
        .ok_or_else(|| std::io::Error::other("message too large"))?;
    to.write_all(&length.to_le_bytes())?;
    to.write_all(&header)?;
    to.write_all(&(payload.len() as u64).to_le_bytes())?;
    to.write_all(payload)?;
    to.flush()
}

/// Reads a frame; `None` at the end of the stream, between frames.
fn read_frame<H: for<'de> Deserialize<'de>>(
    from: &mut impl Read,
) -> std::io::Result<Option<(H, Vec<u8>)>> {
    let mut length = [0u8; 4];
    match from.read_exact(&mut length) {
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        result => result?,
    }
    let length = u32::from_le_bytes(length);
    if length > MAX_HEADER {
        return Err(std::io::Error::other("frame header too large"));
    }
    let mut header = vec![0u8; length as usize];
    from.read_exact(&mut header)?;
    let mut payload_length = [0u8; 8];
    from.read_exact(&mut payload_length)?;
    let payload_length = u64::from_le_bytes(payload_length);
    if payload_length > MAX_PAYLOAD {
        return Err(std::io::Error::other("frame payload too large"));
    }
    let mut payload = Vec::new();
    from.take(payload_length).read_to_end(&mut payload)?;
    if payload.len() as u64 != payload_length {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    let header = serde_json::from_slice(&header).map_err(std::io::Error::other)?;
    Ok(Some((header, payload)))
}

/// Runs a worker: typesets each request read from standard input with one
/// in-process [`Typesetter`] and answers on standard output, until its
/// input ends (the parent is done, or gone).
pub fn serve(templates: &Path, timeout: Duration) -> std::io::Result<()> {
    exit_with_parent();
    let typesetter = Typesetter::new(templates, timeout);
    let mut input = BufReader::new(std::io::stdin().lock());
    let mut output = BufWriter::new(std::io::stdout().lock());
    while let Some((request, attachment)) = read_frame::<Request>(&mut input)? {
        let request: Request = request;
        let (year, month, day) = request.date;
        let template = crate::render::Template::described(
            &request.template_name,
            request.template_display.clone(),
            request.template_text.clone(),
        );
        let Some(date) = typst::foundations::Datetime::from_ymd(year, month, day) else {
            return Err(std::io::Error::other("a request with no valid date"));
        };
        let mut rest = &attachment[..];
        let mut attachments = Vec::new();
        for (name, relationship, mime_type, description, length) in &request.attachments {
            if *length > rest.len() {
                return Err(std::io::Error::other("attachments longer than the payload"));
            }
            let (bytes, after) = rest.split_at(*length);
            rest = after;
            attachments.push(Attachment {
                name,
                relationship,
                mime_type,
                description,
                bytes,
            });
        }
        let job = Job {
            markup: &request.markup,
            date,
            ident: &request.ident,
            template: &template,
            attachments,
            readable: &request.readable,
        };
        let (response, pdf) = match typesetter.pdf_in_process(&job) {
            Ok((pdf, warnings)) => (
                Response {
                    ok: true,
                    warnings,
                    errors: Vec::new(),
                    tainted: false,
                },
                pdf,
            ),
            Err((errors, tainted)) => (
                Response {
                    ok: false,
                    warnings: Vec::new(),
                    errors,
                    tainted,
                },
                Vec::new(),
            ),
        };
        write_frame(&mut output, &response, &pdf)?;
        if response.tainted {
            // A runaway compilation is still running on a thread of this
            // process; the parent starts a fresh worker instead.
            return Ok(());
        }
    }
    Ok(())
}

/// Ends this process when its parent ends, even in the middle of a brief:
/// a parent stopped by a signal it cannot handle (Ctrl-C sent to it alone,
/// `kill`) runs no clean-up, and its workers must not outlive it.
fn exit_with_parent() {
    #[cfg(unix)]
    {
        let parent = std::os::unix::process::parent_id();
        let _ = std::thread::Builder::new()
            .name("typeset-worker-watchdog".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(Duration::from_millis(100));
                    if std::os::unix::process::parent_id() != parent {
                        std::process::exit(3);
                    }
                }
            });
    }
}

/// A running worker: its input, and the answers its reader thread
/// receives.
struct Worker {
    child: Child,
    input: BufWriter<ChildStdin>,
    answers: Receiver<std::io::Result<Option<Answer>>>,
}

impl Worker {
    fn start(templates: &Path, timeout: Duration) -> std::io::Result<Worker> {
        let exe = std::env::current_exe()?;
        let mut child = Command::new(exe)
            .arg(SUBCOMMAND)
            .arg("--templates")
            .arg(templates)
            .arg("--typeset-timeout")
            .arg(timeout.as_secs().to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            return Err(std::io::Error::other("the worker has no pipes"));
        };
        let (sender, answers) = channel();
        std::thread::Builder::new()
            .name("typeset-worker-reader".into())
            .spawn(move || {
                let mut stdout = BufReader::new(stdout);
                loop {
                    let answer = read_frame::<Response>(&mut stdout);
                    let last = !matches!(answer, Ok(Some(_)));
                    if sender.send(answer).is_err() || last {
                        break;
                    }
                }
            })?;
        Ok(Worker {
            child,
            input: BufWriter::new(stdin),
            answers,
        })
    }

    /// How the worker ended, once it has: its exit status or signal.
    fn end(mut self) -> String {
        let _ = self.child.kill();
        match self.child.wait() {
            Ok(status) => describe_exit(status),
            Err(error) => format!("cannot be waited for ({error})"),
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Killed rather than asked: its input closing stops an idle worker
        // anyway, and a busy one has nothing left worth finishing.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn describe_exit(status: std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return format!("was killed by signal {signal}");
        }
    }
    match status.code() {
        Some(code) => format!("exited with code {code}"),
        None => "ended".to_string(),
    }
}

/// Idle workers, started on demand and replaced when one fails.
pub(super) struct Pool {
    templates: PathBuf,
    timeout: Duration,
    idle: Mutex<Vec<Worker>>,
}

impl Pool {
    pub(super) fn new(templates: &Path, timeout: Duration) -> Arc<Pool> {
        Arc::new(Pool {
            templates: templates.to_path_buf(),
            timeout,
            idle: Mutex::new(Vec::new()),
        })
    }

    /// Typesets `job` in an idle worker (or a new one). A worker that
    /// crashes, hangs or runs away fails only this brief, with the cause,
    /// and is not reused.
    pub(super) fn pdf(&self, job: &Job<'_>) -> Result<(Vec<u8>, Vec<Diagnostic>), Vec<Diagnostic>> {
        let failed = |cause: String| {
            vec![
                Diagnostic::new(Rule::Template, format!("the typesetting process {cause}"))
                    .in_file(job.template.display.clone())
                    .help("the other briefs are not affected; if it happens again, build this dossier alone with `--jobs 1` to see typst's own error"),
            ]
        };
        let taken = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut worker = match taken {
            Some(worker) => worker,
            None => Worker::start(&self.templates, self.timeout)
                .map_err(|e| failed(format!("could not be started ({e})")))?,
        };
        let request = Request {
            markup: job.markup.to_string(),
            date: (
                job.date.year().unwrap_or_default(),
                job.date.month().unwrap_or(1),
                job.date.day().unwrap_or(1),
            ),
            ident: job.ident.to_string(),
            template_name: job.template.name.clone(),
            template_display: job.template.display.clone(),
            template_text: job.template.text.clone(),
            attachments: job
                .attachments
                .iter()
                .map(|a| {
                    (
                        a.name.to_string(),
                        a.relationship.to_string(),
                        a.mime_type.to_string(),
                        a.description.to_string(),
                        a.bytes.len(),
                    )
                })
                .collect(),
            readable: job.readable.to_vec(),
        };
        let payload: Vec<u8> = job
            .attachments
            .iter()
            .flat_map(|a| a.bytes)
            .copied()
            .collect();
        if let Err(error) = write_frame(&mut worker.input, &request, &payload) {
            let how = worker.end();
            return Err(failed(format!("stopped ({how}; {error})")));
        }
        match worker.answers.recv_timeout(self.timeout + GRACE) {
            Ok(Ok(Some((response, pdf)))) => {
                if !response.tainted {
                    self.idle
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(worker);
                }
                if response.ok {
                    Ok((pdf, response.warnings))
                } else {
                    Err(response.errors)
                }
            }
            Ok(Ok(None)) | Err(RecvTimeoutError::Disconnected) => {
                let how = worker.end();
                Err(failed(format!("stopped while typesetting ({how})")))
            }
            Ok(Err(error)) => {
                let how = worker.end();
                Err(failed(format!(
                    "sent an unreadable answer ({error}; it {how})"
                )))
            }
            Err(RecvTimeoutError::Timeout) => {
                let how = worker.end();
                Err(failed(format!(
                    "did not answer within {} s and was stopped (it {how})",
                    (self.timeout + GRACE).as_secs()
                )))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_end_cleanly() {
        let mut wire = Vec::new();
        let response = Response {
            ok: true,
            warnings: vec![Diagnostic::new(Rule::Template, "a warning")],
            errors: Vec::new(),
            tainted: false,
        };
        write_frame(&mut wire, &response, b"%PDF-1.7 bytes").unwrap();
        write_frame(&mut wire, &response, b"").unwrap();
        let mut reader = &wire[..];
        let (first, payload) = read_frame::<Response>(&mut reader).unwrap().unwrap();
        assert_eq!(payload, b"%PDF-1.7 bytes");
        assert_eq!(first.warnings[0].message, "a warning");
        let (_, payload) = read_frame::<Response>(&mut reader).unwrap().unwrap();
        assert!(payload.is_empty());
        assert!(read_frame::<Response>(&mut reader).unwrap().is_none());
    }

    #[test]
    fn a_truncated_frame_is_an_error_not_an_end() {
        let mut wire = Vec::new();
        write_frame(&mut wire, &"header", b"0123456789").unwrap();
        let mut reader = &wire[..wire.len() - 3];
        assert!(read_frame::<String>(&mut reader).is_err());
        let huge = (MAX_HEADER + 1).to_le_bytes();
        assert!(read_frame::<String>(&mut &huge[..]).is_err());
    }
}
