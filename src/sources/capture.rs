//! Holding a captured source to its capture: the record's `capture` must
//! resolve inside `sources/`, parse (`bad-capture`), and hold a response
//! for the record's address whose payload is exactly the source file
//! (`capture-mismatch`).

use std::path::Path;

use super::{CaptureFile, Source, resolve};
use crate::capture::{self, Packing};
use crate::diag::{Diagnostic, Rule};
use crate::files::{self, display_path};
use crate::project::Project;

/// Checks the capture of `source` (whose file hashed to `sha256`), if its
/// record names one; the problems found join the source's.
pub(super) fn check(project: &Project, source: &mut Source, sha256: &str) {
    let Some(record) = source.record.as_ref() else {
        return;
    };
    let Some(named) = record.capture.as_ref() else {
        return;
    };
    let site = source.record_file.site(named.span());
    let address = record
        .final_url
        .as_ref()
        .or(record.url.as_ref())
        .map(|u| u.get_ref().clone());
    let found = match resolve::resolve(
        project,
        &source.record_file.display,
        "capture",
        named.get_ref(),
    ) {
        Ok(resolved) => {
            let display = display_path(&project.root, &resolved.lexical);
            match read(project, &resolved.canonical, &display) {
                Ok(bytes) => {
                    source.capture = Some(CaptureFile {
                        display: display.clone(),
                        sha256: files::sha256_hex(&bytes),
                    });
                    compare(
                        project,
                        &bytes,
                        &resolved.canonical,
                        &display,
                        address,
                        sha256,
                    )
                }
                Err(problem) => Some(*problem),
            }
        }
        Err(problem) => Some(*problem),
    };
    if let Some(problem) = found {
        let problem = problem.at(site).source(source.id.clone());
        source.problems.push(problem);
    }
}

/// The capture's bytes, within the size limit.
fn read(project: &Project, path: &Path, display: &str) -> Result<Vec<u8>, Box<Diagnostic>> {
    files::read_limited(path, project.max_source_size).map_err(|error| {
        Box::new(
            Diagnostic::new(
                Rule::MissingFile,
                format!("cannot read capture `{display}` ({})", files::cause(&error)),
            )
            .help("raise the limit with `--max-source-size` if the capture is larger"),
        )
    })
}

/// The capture's response for `address` against the source file's
/// digest: the problem, if any.
fn compare(
    project: &Project,
    bytes: &[u8],
    path: &Path,
    display: &str,
    address: Option<String>,
    sha256: &str,
) -> Option<Diagnostic> {
    let bad = |message: String| Diagnostic::new(Rule::BadCapture, message);
    let Some(packing) = Packing::of(path) else {
        return Some(bad(format!(
            "`{display}` is no capture clerk reads (`.warc`, `.warc.gz`, `.wacz`)"
        )));
    };
    let responses = match capture::read(bytes, packing, project.max_source_size) {
        Ok(responses) => responses,
        Err(cause) => return Some(bad(format!("capture `{display}` cannot be read: {cause}"))),
    };
    let Some(address) = address else {
        return Some(
            bad(format!(
                "the record names capture `{display}` but no `url` to find in it"
            ))
            .help("write the captured address in `url` (or `final-url`)"),
        );
    };
    let Ok(response) = capture::pick(&responses, Some(&address)) else {
        let pages = capture::pages(&responses);
        let mut d = bad(format!(
            "capture `{display}` holds no response for `{address}`"
        ));
        if !pages.is_empty() {
            d = d.note(format!("it holds {}", pages.join(", ")));
        }
        return Some(d.help(
            "the address in `final-url` (or `url`) must be the capture's `WARC-Target-URI`",
        ));
    };
    let payload = match response.payload(project.max_source_size) {
        Ok(payload) => payload,
        Err(cause) => return Some(bad(format!("capture `{display}` cannot be read: {cause}"))),
    };
    let captured = files::sha256_hex(&payload);
    (captured != sha256).then(|| {
        Diagnostic::new(
            Rule::CaptureMismatch,
            format!(
                "the source file is not the payload of capture `{display}` for `{address}`: the file is sha256:{sha256}, the capture's payload sha256:{captured}"
            ),
        )
        .help("the source file must be the capture's payload byte for byte: restore it from the capture, or capture the page again with `clerk add URL`")
    })
}
