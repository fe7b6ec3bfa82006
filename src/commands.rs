//! One function per command, and the one place anything is printed and
//! the exit code is decided: findings about the inputs exit 1, operational
//! failures (bad arguments, unwritable output, unreadable files) exit 2.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Context;

use crate::build::{BriefStatus, Event};
use crate::cli::{Cli, Color, Command, Format, SchemaName};
use crate::diag::{Diagnostic, Fatal, Tally, render_error};
use crate::project::Project;
use crate::selection::Plan;
use crate::settings::BuildSettings;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything passed (warnings allowed): exit 0.
    Success,
    /// A dossier has errors, or a check failed: exit 1.
    Failure,
    /// The command could not run, or an operation failed (reported as
    /// `error:` lines): exit 2.
    Broken,
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::Failure => 1,
            Outcome::Broken => 2,
        }
    }

    fn from_ok(ok: bool) -> Self {
        if ok {
            Outcome::Success
        } else {
            Outcome::Failure
        }
    }
}

/// Runs a parsed command line, printing what it finds and any error that
/// stops it.
pub fn run(cli: Cli) -> Outcome {
    let printer = Printer::new(cli.format, cli.color);
    match dispatch(cli, &printer) {
        Ok(outcome) => outcome,
        // The reader went away (`clerk text x | head`): what it wanted was
        // printed, so stop quietly, as `cat` does.
        Err(error) if is_broken_pipe(&error) => Outcome::Success,
        Err(error) => {
            printer.error(&error);
            Outcome::Broken
        }
    }
}

/// Whether `error` comes from writing to a pipe whose reader has closed it.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn dispatch(cli: Cli, printer: &Printer) -> anyhow::Result<Outcome> {
    crate::batch::set_jobs(cli.jobs.unwrap_or(0));
    let open = || Project::open(&cli.root, cli.max_source_size);
    match cli.command {
        Command::Check { dossiers } => check(printer, open()?, &dossiers),
        Command::Build {
            dossiers,
            out,
            emit,
            force,
            shard,
            typeset_timeout,
            sign,
            sign_passphrase_file,
        } => {
            // The key is read before anything is built: a key that cannot
            // sign stops the build rather than leave unsigned briefs.
            let signer = match crate::sign::KeySource::from_flag_or_env(sign) {
                Some(source) => Some(std::sync::Arc::new(crate::sign::Signer::load(
                    &source,
                    sign_passphrase_file.as_deref(),
                )?)),
                None if sign_passphrase_file.is_some() => {
                    return Err(Fatal::new(
                        "`--sign-passphrase-file` is given, but no signing key",
                    )
                    .help(format!(
                        "name the key with `--sign KEY` or in `{}`",
                        crate::sign::KEY_VARIABLE
                    ))
                    .into());
                }
                None => None,
            };
            let settings = BuildSettings {
                out,
                force,
                typeset_timeout: std::time::Duration::from_secs(typeset_timeout),
                emit: emit.into_iter().map(Into::into).collect(),
                shard,
                signer,
            };
            build(printer, open()?, &dossiers, &settings)
        }
        Command::Pin { dossier, sources } => pin(printer, open()?, &dossier, &sources),
        Command::Watch {
            dossiers,
            out,
            emit,
            typeset_timeout,
        } => {
            let settings = BuildSettings {
                out,
                typeset_timeout: std::time::Duration::from_secs(typeset_timeout),
                emit: emit.into_iter().map(Into::into).collect(),
                ..BuildSettings::default()
            };
            watch(printer, open()?, &dossiers, &settings)
        }
        Command::Schema { name } => schema(name),
        Command::Init { dir, bare } => init(
            printer,
            dir.as_deref().unwrap_or(&cli.root),
            match bare {
                true => crate::init::Start::Bare,
                false => crate::init::Start::Example,
            },
        ),
        Command::New { id, title } => new(printer, open()?, &id, title.as_deref()),
        Command::TypesetWorker {
            templates,
            typeset_timeout,
        } => {
            crate::typeset::serve_worker(
                &templates,
                std::time::Duration::from_secs(typeset_timeout),
            )?;
            Ok(Outcome::Success)
        }
        Command::Completions { shell } => {
            std::io::stdout().write_all(&crate::cli::completions(shell))?;
            Ok(Outcome::Success)
        }
        Command::Template { name } => template(printer, &name),
        Command::Diff {
            old,
            new,
            emit,
            out,
        } => diff(
            printer,
            (&old, &new),
            (&cli.root, cli.max_source_size),
            (emit, out.as_deref()),
            cli.color,
        ),
        Command::Text { source, normalised } => text(printer, open()?, &source, normalised),
        Command::Find {
            source,
            words,
            limit,
        } => find(printer, open()?, &source, &words, limit),
        Command::Verify {
            pdfs,
            allowed_signers,
            require_signature,
            signed_by,
        } => {
            let project = open()?;
            let allowed = allowed_signers_of(&project, allowed_signers)?;
            if require_signature && allowed.is_none() {
                return Err(Fatal::new(
                    "`--require-signature` needs an allowed signers file, and there is none",
                )
                .help(format!(
                    "write the unit's keys in `{}` or give `--allowed-signers FILE` (docs/audit.md, section 6)",
                    crate::sign::ALLOWED_SIGNERS
                ))
                .into());
            }
            let asked = SignatureCheck {
                trusted: crate::sign::Trusted {
                    allowed: allowed.as_ref(),
                    identity: signed_by.as_deref(),
                },
                required: require_signature,
            };
            verify(printer, project, &pdfs, &asked)
        }
        Command::Sign {
            files,
            key,
            passphrase_file,
        } => sign(printer, &files, key, passphrase_file.as_deref()),
        Command::Add {
            files,
            update,
            fill,
            id,
            title,
            publisher,
            kind,
            author,
            published,
            language,
            url,
            to,
            attachments,
            timeout,
        } => {
            let given = crate::add::Given {
                attachments,
                timeout: Some(timeout),
                kind: kind
                    .map(|k| k.parse())
                    .transpose()
                    .map_err(anyhow::Error::msg)?,
                id,
                title,
                publisher,
                author,
                published,
                language,
                url,
                to,
            };
            match update {
                Some(source) => update_record(printer, open()?, &source, &given, fill),
                None => add(printer, open()?, &files, &given),
            }
        }
    }
}

/// Prints diagnostics and status lines in the chosen format.
struct Printer {
    format: Format,
    color: bool,
}

impl Printer {
    fn new(format: Format, color: Color) -> Self {
        let color = match color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
            }
        };
        Printer { format, color }
    }

    fn diagnostics(&self, diagnostics: &[Diagnostic]) {
        match self.format {
            Format::Human => {
                let mut err = std::io::stderr().lock();
                for d in diagnostics {
                    let _ = writeln!(err, "{}\n", d.render(self.color));
                }
            }
            Format::Json => {
                let mut out = std::io::stdout().lock();
                for d in diagnostics {
                    let _ = writeln!(out, "{}", d.to_json());
                }
            }
        }
    }

    /// An error that stopped a command or one of its operations: `error:`
    /// and `help:` lines on stderr, or in JSON a `{"type": "error"}` record.
    fn error(&self, error: &anyhow::Error) {
        match self.format {
            Format::Human => eprintln!("{}", render_error(error)),
            Format::Json => {
                let help: Vec<&String> = error
                    .chain()
                    .filter_map(|cause| cause.downcast_ref::<Fatal>())
                    .flat_map(|fatal| &fatal.help)
                    .collect();
                self.record(serde_json::json!({
                    "type": "error",
                    "message": format!("{error:#}"),
                    "help": help,
                }));
            }
        }
    }

    /// One JSON record on stdout (JSON format only): a brief built, a
    /// verification, a command's closing summary.
    fn record(&self, record: serde_json::Value) {
        if self.format == Format::Json {
            // A reader that went away (`| head`) ends the output, not clerk.
            let _ = writeln!(std::io::stdout().lock(), "{record}");
        }
    }

    /// A status line for people (stderr, human format only).
    fn status(&self, line: &str) {
        if self.format == Format::Human {
            eprintln!("{line}");
        }
    }
}

fn summary(verb: &str, dossiers: usize, tally: Tally) -> String {
    format!(
        "{verb} {dossiers} dossier{}: {} error{}, {} warning{}",
        plural(dossiers),
        tally.errors,
        plural(tally.errors),
        tally.warnings,
        plural(tally.warnings)
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn check(printer: &Printer, project: Project, args: &[String]) -> anyhow::Result<Outcome> {
    // A stream: each chunk's findings are printed as soon as it is checked,
    // and only the counts are kept, so a batch of any size fits in memory.
    let plan = Plan::read(project, args, |_, _, _| ())?;
    let mut tally = Tally::default();
    let mut dossiers = 0;
    let streamed = plan.stream(
        |_| true,
        None,
        |chunk| {
            let mut found: Vec<Diagnostic> = chunk
                .checked
                .iter()
                .flat_map(|c| c.diagnostics.iter().cloned())
                .collect();
            crate::diag::sort(&mut found);
            printer.diagnostics(&found);
            tally.add(&found);
            dossiers += chunk.checked.len();
        },
    );
    printer.diagnostics(&streamed.unattached);
    tally.add(&streamed.unattached);
    printer.status(&summary("checked", dossiers, tally));
    printer.record(serde_json::json!({
        "type": "summary",
        "command": "check",
        "dossiers": dossiers,
        "errors": tally.errors,
        "warnings": tally.warnings,
    }));
    Ok(Outcome::from_ok(tally.errors == 0))
}

fn build(
    printer: &Printer,
    project: Project,
    args: &[String],
    settings: &BuildSettings,
) -> anyhow::Result<Outcome> {
    let bar = (printer.format == Format::Human && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} building [{bar:30}] {pos}/{len} {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar
    });
    let out = settings
        .out
        .clone()
        .unwrap_or_else(|| project.output.clone());
    let shown_root = project.clone();
    let shown_out = shown_path(&project, &out);
    // Without a terminal (a CI log), one line per brief as it finishes.
    let progress = |event: Event<'_>| match (&bar, event) {
        (_, Event::Waiting(folder)) => eprintln!(
            "waiting for another clerk build writing to `{}`",
            folder.display()
        ),
        (Some(bar), Event::Start(total)) => bar.set_length(total as u64),
        (Some(bar), Event::Done(id, _)) => {
            bar.set_message(id.to_string());
            bar.inc(1);
        }
        (None, Event::Done(id, status)) => {
            printer.status(&format!("{:>8} {shown_out}/{id}.pdf", status_word(status)));
        }
        (None, Event::Start(_)) => {}
        (Some(bar), Event::Found(found)) => bar.suspend(|| printer.diagnostics(found)),
        (None, Event::Found(found)) => printer.diagnostics(found),
    };
    let report = crate::build::build(project, args, settings, &progress)?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    for (id, status, pdf) in &report.results {
        printer.record(serde_json::json!({
            "type": "brief",
            "dossier": id,
            "status": status_word(*status).to_ascii_lowercase(),
            "pdf": shown_path(&shown_root, pdf),
        }));
    }
    for failure in &report.write_failures {
        let error = anyhow::anyhow!("{:#}", failure.error).context(format!(
            "cannot write the brief of dossier `{}`",
            failure.dossier
        ));
        printer.error(&error);
    }
    let tally = report.tally;
    let failed = report.count(BriefStatus::Failed);
    if let Some(signer) = &settings.signer {
        let n = report.signed.len();
        printer.status(&format!(
            "signed {n} file{} with {} key {} (each `<file>.sig`, and the provenance as `<id>.intoto.jsonl`)",
            plural(n),
            signer.kind(),
            signer.fingerprint
        ));
    }
    printer.status(&format!(
        "built {}, fresh {}, failed {} in {:.2} s ({} error{}, {} warning{})",
        report.count(BriefStatus::Built),
        report.count(BriefStatus::Fresh),
        failed,
        report.elapsed.as_secs_f64(),
        tally.errors,
        plural(tally.errors),
        tally.warnings,
        plural(tally.warnings)
    ));
    let mut summary = serde_json::json!({
        "type": "summary",
        "command": "build",
        "built": report.count(BriefStatus::Built),
        "fresh": report.count(BriefStatus::Fresh),
        "failed": failed,
        "errors": tally.errors,
        "warnings": tally.warnings,
        "seconds": (report.elapsed.as_secs_f64() * 100.0).round() / 100.0,
    });
    if settings.signer.is_some() {
        let signed: Vec<String> = report
            .signed
            .iter()
            .map(|p| shown_path(&shown_root, p))
            .collect();
        summary["signed"] = signed.into();
    }
    printer.record(summary);
    if !report.write_failures.is_empty() {
        return Ok(Outcome::Broken);
    }
    Ok(Outcome::from_ok(tally.errors == 0 && failed == 0))
}

fn status_word(status: BriefStatus) -> &'static str {
    match status {
        BriefStatus::Built => "built",
        BriefStatus::Fresh => "fresh",
        BriefStatus::Failed => "FAILED",
    }
}

fn shown_path(project: &Project, path: &std::path::Path) -> String {
    match path.strip_prefix(&project.root) {
        Ok(relative) => project.display(&project.root.join(relative)),
        Err(_) => path.display().to_string(),
    }
}

fn pin(
    printer: &Printer,
    project: Project,
    dossier: &str,
    only: &[String],
) -> anyhow::Result<Outcome> {
    let report = crate::pin::pin(&project, dossier, only)?;
    print_pin_report(printer, &report)?;
    Ok(Outcome::from_ok(report.is_clean()))
}

/// What `pin` (or `add --to`) did: one line per source and per quote that
/// changed status, or in JSON one object per source and a summary.
fn print_pin_report(printer: &Printer, report: &crate::pin::PinReport) -> anyhow::Result<()> {
    printer.diagnostics(&report.diagnostics);
    if printer.format == Format::Json {
        return print_pin_json(report);
    }
    if report.added_table {
        printer.status(&format!("   added `[sources]` to `{}`", report.file));
    }
    for repin in &report.repins {
        let line = match &repin.old {
            Some(old) if *old == repin.new => {
                format!("unchanged `{}` ({})", repin.source, short(&repin.new))
            }
            Some(old) => format!(
                "  pinned `{}`: {} -> {}",
                repin.source,
                short(old),
                short(&repin.new)
            ),
            None => format!(
                "  pinned `{}`: {} (new pin)",
                repin.source,
                short(&repin.new)
            ),
        };
        printer.status(&line);
        let changed = repin.old.as_deref() != Some(repin.new.as_str());
        for (claim, outcome) in &repin.quotes {
            match outcome {
                Ok(place) if changed => {
                    printer.status(&format!("      ok claim `{claim}`: quote found at {place}"))
                }
                Ok(_) => {}
                Err(why) => printer.status(&format!(
                    "  NO MATCH claim `{claim}`: quote no longer in `{}` ({why})",
                    repin.source
                )),
            }
        }
    }
    if report.is_clean() {
        printer.status(&format!(
            "pinned {} source(s) of `{}`",
            report.repins.len(),
            report.file
        ));
    } else {
        printer.status(&format!(
            "pinned `{}`, but some quotes no longer match or some sources could not be pinned; run `clerk check {}`",
            report.file, report.dossier
        ));
    }
    Ok(())
}

/// `pin --format json`: a `pin` object per source, with each quote citing
/// it, then a `summary` object (docs/format.md, "JSON output of pin").
fn print_pin_json(report: &crate::pin::PinReport) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    let (mut quotes, mut matching) = (0, 0);
    for repin in &report.repins {
        let listed: Vec<serde_json::Value> = repin
            .quotes
            .iter()
            .map(|(claim, outcome)| match outcome {
                Ok(at) => serde_json::json!({"claim": claim, "matches": true, "at": at}),
                Err(why) => serde_json::json!({"claim": claim, "matches": false, "why": why}),
            })
            .collect();
        quotes += listed.len();
        matching += repin.quotes.iter().filter(|(_, q)| q.is_ok()).count();
        let object = serde_json::json!({
            "type": "pin",
            "dossier": report.dossier,
            "source": repin.source,
            "old": repin.old,
            "new": repin.new,
            "changed": repin.old.as_deref() != Some(repin.new.as_str()),
            "quotes": listed,
        });
        writeln!(out, "{object}")?;
    }
    let summary = serde_json::json!({
        "type": "summary",
        "dossier": report.dossier,
        "file": report.file,
        "pinned": report.repins.len(),
        "changed": report.repins.iter().filter(|r| r.old.as_deref() != Some(r.new.as_str())).count(),
        "quotes": quotes,
        "matching": matching,
        "not_matching": quotes - matching,
        "errors": Tally::of(&report.diagnostics).errors,
        "written": report.written,
        "clean": report.is_clean(),
    });
    writeln!(out, "{summary}")?;
    Ok(())
}

/// What `verify` was asked about signatures.
struct SignatureCheck<'a> {
    trusted: crate::sign::Trusted<'a>,
    /// `--require-signature`.
    required: bool,
}

/// The allowed signers file `verify` judges signatures with: the one
/// given, else the project's when it has one.
fn allowed_signers_of(
    project: &Project,
    given: Option<PathBuf>,
) -> anyhow::Result<Option<crate::sign::AllowedSigners>> {
    let (path, shown) = match given {
        Some(path) => {
            let shown = path.display().to_string();
            (path, shown)
        }
        None => {
            let path = project.root.join(crate::sign::ALLOWED_SIGNERS);
            if !path.is_file() {
                return Ok(None);
            }
            let shown = project.display(&path);
            (path, shown)
        }
    };
    crate::sign::read_allowed_signers(&path, &shown).map(Some)
}

fn verify(
    printer: &Printer,
    project: Project,
    pdfs: &[PathBuf],
    asked: &SignatureCheck<'_>,
) -> anyhow::Result<Outcome> {
    let mut verified = 0;
    let mut unreadable = 0;
    let mut unjudged = 0;
    let mut unsigned = 0;
    for pdf in pdfs {
        let mut report = match crate::verify::verify(&project, pdf) {
            Ok(report) => report,
            Err(error) => {
                // Report it and go on with the others; exit 2 at the end.
                printer.error(&error);
                unreadable += 1;
                continue;
            }
        };
        let signatures = crate::verify::signatures(pdf, &asked.trusted);
        // Briefs nobody signs, in a unit with no allowed signers, are
        // reported as before.
        let shown = asked.trusted.allowed.is_some()
            || asked.required
            || signatures
                .iter()
                .any(|c| c.status != crate::sign::Status::Unsigned);
        if shown {
            report.signatures = signatures;
        }
        let signed = signature_requirement_met(&report.signatures);
        if asked.required && !signed {
            unsigned += 1;
        }
        verified += usize::from(report.verified && (signed || !asked.required));
        if report.is_unjudged() {
            unjudged += 1;
        }
        match printer.format {
            Format::Json => {
                let mut record = serde_json::to_value(&report)?;
                record["type"] = "verification".into();
                if shown {
                    record["signed"] = signed.into();
                }
                printer.record(record);
            }
            Format::Human => print_report(&mut std::io::stdout().lock(), &report, asked.required)?,
        }
    }
    let mut summary = serde_json::json!({
        "type": "summary",
        "command": "verify",
        "pdfs": pdfs.len(),
        "verified": verified,
        "not_verified": pdfs.len() - verified - unreadable - unjudged,
        "unreadable": unreadable,
        "unjudged": unjudged,
    });
    if asked.required {
        summary["not_signed"] = unsigned.into();
    }
    printer.record(summary);
    if unreadable > 0 {
        // In JSON the summary already counts them.
        if printer.format == Format::Human {
            printer.error(&anyhow::anyhow!(
                "could not read {unreadable} of the {} PDFs",
                pdfs.len()
            ));
        }
    }
    if unjudged > 0 {
        let error = Fatal::new(format!(
            "cannot judge {unjudged} of the {} PDFs: their manifests are of a newer format than this clerk reads",
            pdfs.len()
        ))
        .help("verify them with the clerk version each report names (the `clerk_version` of the manifest) or a later one");
        printer.error(&error.into());
    }
    if unreadable > 0 || unjudged > 0 {
        return Ok(Outcome::Broken);
    }
    Ok(Outcome::from_ok(verified == pdfs.len()))
}

/// Whether every file checked carries a good signature by an allowed
/// signer and no bad one (`--require-signature`).
fn signature_requirement_met(checks: &[crate::sign::Check]) -> bool {
    let mut files: Vec<&str> = checks.iter().map(|c| c.file.as_str()).collect();
    files.dedup();
    !checks.is_empty()
        && files.iter().all(|file| {
            let of_file: Vec<crate::sign::Check> =
                checks.iter().filter(|c| c.file == *file).cloned().collect();
            crate::sign::meets_requirement(&of_file)
        })
}

/// The signature lines of a report.
fn print_signatures(
    out: &mut impl Write,
    report: &crate::verify::Verification,
) -> std::io::Result<()> {
    use crate::sign::Status;
    for check in &report.signatures {
        let label = match (check.status, &check.principals, &check.fingerprint) {
            (Status::Signed, Some(who), Some(key)) => format!("SIGNED by {who} ({key})"),
            (_, _, Some(key)) => format!("{} ({key})", check.status.label()),
            _ => check.status.label().to_string(),
        };
        let mut line = format!(
            "  signature  {}: {label}",
            check.signature.as_deref().unwrap_or(&check.file)
        );
        if let Some(detail) = &check.detail {
            line.push_str(&format!(": {detail}"));
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// What a report's signatures add up to, on the line after its verdict.
fn print_signature_summary(
    out: &mut impl Write,
    report: &crate::verify::Verification,
    required: bool,
) -> std::io::Result<()> {
    use crate::sign::Status;
    let count = |status: Status| {
        report
            .signatures
            .iter()
            .filter(|c| c.status == status)
            .count()
    };
    let good = count(Status::Signed);
    let problems: Vec<String> = [
        (Status::BadSignature, "bad signature"),
        (Status::UnknownSigner, "by an unknown signer"),
        (Status::Expired, "expired"),
        (Status::Unsigned, "file unsigned"),
    ]
    .into_iter()
    .filter_map(|(status, words)| {
        let n = count(status);
        (n > 0).then(|| format!("{n} {words}"))
    })
    .collect();
    let met = signature_requirement_met(&report.signatures);
    let state = if met && problems.is_empty() {
        "SIGNED".to_string()
    } else if required && !met {
        "SIGNATURE REQUIRED".to_string()
    } else if count(Status::BadSignature) > 0 {
        "BAD SIGNATURE".to_string()
    } else {
        "signatures".to_string()
    };
    let mut line = format!("{state}: {good} good signature{}", plural(good));
    for problem in &problems {
        line.push_str(&format!(", {problem}"));
    }
    // The bytes and the signatures are separate questions: a brief that
    // matches its project whose signature fails was not altered.
    if report.verified && count(Status::BadSignature) > 0 {
        line.push_str(
            " (the brief matches its project byte for byte: the signature, not the brief, fails)",
        );
    }
    writeln!(out, "{line}")
}

fn print_report(
    out: &mut impl Write,
    report: &crate::verify::Verification,
    required: bool,
) -> std::io::Result<()> {
    use crate::verify::Verdict as Status;
    match &report.dossier {
        Some(id) => writeln!(out, "verify {} (dossier `{id}`)", report.pdf)?,
        None => writeln!(out, "verify {}", report.pdf)?,
    }
    for item in &report.items {
        let status = match item.status {
            Status::Ok => "ok",
            Status::Changed => "CHANGED",
            Status::Missing => "MISSING",
            Status::Failed => "FAILED",
            Status::Unknown => "UNKNOWN",
        };
        let mut line = format!("  {status:>7}  {:<13} {}", item.what, item.name);
        if let Some(detail) = &item.detail {
            line.push_str(&format!(": {detail}"));
        }
        writeln!(out, "{line}")?;
        if item.status != Status::Ok {
            match (&item.recorded, &item.found) {
                // For the PDF, the two digests are of the file given and of
                // its rebuild, not of a recording and a finding.
                (Some(old), Some(new)) if old != new && item.what == "pdf" => {
                    println!("           this PDF sha256:{old}");
                    println!("           rebuilt  sha256:{new}");
                }
                (Some(old), Some(new)) if old != new => {
                    writeln!(out, "           recorded sha256:{old}")?;
                    writeln!(out, "           found    sha256:{new}")?;
                }
                (Some(old), None) if item.status == Status::Missing => {
                    writeln!(out, "           recorded sha256:{old}, file not found")?
                }
                _ => {}
            }
        }
    }
    let differences = report
        .items
        .iter()
        .filter(|i| !matches!(i.status, Status::Ok | Status::Unknown))
        .count();
    print_signatures(out, report)?;
    if report.verified {
        writeln!(out, "verified: {} matches its project exactly", report.pdf)?;
    } else if report.is_unjudged() {
        writeln!(
            out,
            "CANNOT VERIFY: {} (this clerk cannot read its manifest)",
            report.pdf
        )?;
    } else {
        writeln!(
            out,
            "NOT VERIFIED: {} ({differences} difference{})",
            report.pdf,
            plural(differences)
        )?;
    }
    if !report.signatures.is_empty() {
        print_signature_summary(out, report, required)?;
    }
    Ok(())
}

fn short(pin: &str) -> String {
    pin.chars().take(7 + 16).collect::<String>() + "…"
}

fn template(printer: &Printer, name: &str) -> anyhow::Result<Outcome> {
    if name == "styles" {
        return styles(printer);
    }
    if name == "reference-docx" {
        return reference_docx(printer);
    }
    let locale = name
        .strip_prefix("locale-")
        .and_then(crate::locale::builtin);
    let text = crate::builtin::printable(name).or(locale).ok_or_else(|| {
        Fatal::new(format!("no built-in template `{name}`")).help(format!(
            "built-in templates: {}, reference-docx; built-in locales: {}",
            crate::builtin::names().join(", "),
            crate::locale::BUILTIN_TAGS
                .iter()
                .map(|tag| format!("locale-{tag}"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    match printer.format {
        Format::Human => std::io::stdout().lock().write_all(text.as_bytes())?,
        Format::Json => printer.record(serde_json::json!({
            "type": "template",
            "name": name,
            "text": text,
        })),
    }
    Ok(Outcome::Success)
}

/// `clerk template reference-docx`: the Word edition's built-in reference
/// document, a binary file, so never written to a terminal.
fn reference_docx(printer: &Printer) -> anyhow::Result<Outcome> {
    use std::io::IsTerminal;
    let bytes = crate::docx::builtin_reference()
        .map_err(|e| anyhow::anyhow!("cannot write the reference document ({e})"))?;
    match printer.format {
        Format::Human => {
            let mut out = std::io::stdout().lock();
            if out.is_terminal() {
                return Err(Fatal::new(
                    "`clerk template reference-docx` writes a Word document, not text",
                )
                .help("redirect it into a file: `clerk template reference-docx > templates/reference.docx`")
                .into());
            }
            out.write_all(&bytes)?;
        }
        Format::Json => {
            use base64::Engine;
            printer.record(serde_json::json!({
                "type": "template",
                "name": "reference-docx",
                "base64": base64::engine::general_purpose::STANDARD.encode(&bytes),
            }));
        }
    }
    Ok(Outcome::Success)
}

/// `clerk template styles`: the citation styles bundled with clerk.
fn styles(printer: &Printer) -> anyhow::Result<Outcome> {
    let styles = crate::style::bundled_styles();
    match printer.format {
        Format::Human => {
            let mut out = std::io::stdout().lock();
            let width = styles.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
            for (name, title) in styles {
                writeln!(out, "{name:width$}  {title}")?;
            }
        }
        Format::Json => {
            for (name, title) in styles {
                printer.record(serde_json::json!({"type": "style", "name": name, "title": title}));
            }
        }
    }
    Ok(Outcome::Success)
}

/// `clerk text`: the text a source's quotes are held to, with locators.
fn text(
    printer: &Printer,
    project: Project,
    id: &str,
    normalised: bool,
) -> anyhow::Result<Outcome> {
    let index = crate::selection::read_source(&project, id)?;
    let Some(text) = source_text(printer, &index, id) else {
        return Ok(Outcome::Failure);
    };
    if printer.format == Format::Json {
        for entry in crate::sources::entries(text, normalised) {
            printer.record(serde_json::to_value(&entry)?);
        }
        return Ok(Outcome::Success);
    }
    let mut out = std::io::stdout().lock();
    for line in crate::sources::listing(text, normalised) {
        writeln!(out, "{line}")?;
    }
    Ok(Outcome::Success)
}

/// The text of source `id` of `index`, or, printed, why it has none.
fn source_text<'a>(
    printer: &Printer,
    index: &'a crate::sources::SourceIndex,
    id: &str,
) -> Option<&'a crate::sources::SourceText> {
    let source = &index.sources[id];
    let text = source.text();
    if text.is_none() {
        let mut problems = source.problems.clone();
        crate::diag::sort(&mut problems);
        printer.diagnostics(&problems);
        printer.status(&format!(
            "no text for source `{id}` ({})",
            source.record_file.display
        ));
    }
    text
}

/// `clerk find`: the passages of a source that best match some words, as
/// evidence blocks to paste.
fn find(
    printer: &Printer,
    project: Project,
    id: &str,
    words: &[String],
    limit: usize,
) -> anyhow::Result<Outcome> {
    let index = crate::selection::read_source(&project, id)?;
    let Some(text) = source_text(printer, &index, id) else {
        return Ok(Outcome::Failure);
    };
    let phrase = words.join(" ");
    let passages = crate::find::find(&index.sources[id], text, &phrase, limit);
    let mut out = std::io::stdout().lock();
    for (rank, passage) in passages.iter().enumerate() {
        match printer.format {
            Format::Human => {
                if rank > 0 {
                    writeln!(out)?;
                }
                writeln!(
                    out,
                    "# {}. {}: {}",
                    rank + 1,
                    passage.closeness.describe(),
                    passage.at
                )?;
                write!(out, "{}", passage.evidence(id))?;
            }
            Format::Json => {
                let closeness = passage.closeness;
                let object = serde_json::json!({
                    "type": "passage",
                    "rank": rank + 1,
                    "source": id,
                    "match": closeness.kind(),
                    "score": (closeness.score() * 100.0).round() / 100.0,
                    "describe": closeness.describe(),
                    "at": passage.at,
                    "line": passage.locator.line,
                    "paragraph": passage.locator.paragraph,
                    "page": passage.locator.page,
                    "quote": passage.quote,
                    "evidence": passage.evidence(id),
                });
                writeln!(out, "{object}")?;
            }
        }
    }
    let exact = passages.iter().filter(|p| p.closeness.is_exact()).count();
    let near = passages.len() - exact;
    if printer.format == Format::Json {
        let summary = serde_json::json!({
            "type": "summary", "source": id, "words": phrase, "exact": exact, "near": near,
        });
        writeln!(out, "{summary}")?;
    }
    if passages.is_empty() {
        printer.status(&format!(
            "no passage of source `{id}` resembles \"{phrase}\"; `clerk text {id}` shows its whole text"
        ));
        return Ok(Outcome::Failure);
    }
    printer.status(&format!(
        "found {exact} exact passage{} and {near} near miss{} for \"{phrase}\" in source `{id}`",
        plural(exact),
        if near == 1 { "" } else { "es" }
    ));
    Ok(Outcome::Success)
}

/// `clerk add`: checks every file, asks on a terminal for what neither the
/// flags nor the documents give, writes, prints each record's fields for
/// review, and pins the new sources with `--to`.
fn add(
    printer: &Printer,
    project: Project,
    files: &[PathBuf],
    given: &crate::add::Given,
) -> anyhow::Result<Outcome> {
    let today = chrono::Local::now().date_naive();
    let mut additions = crate::add::plan(&project, files, given, today)?;
    let interactive = printer.format == Format::Human
        && std::io::stdin().is_terminal()
        && std::io::stderr().is_terminal();
    if interactive {
        ask_missing(&mut additions)?;
    }
    crate::add::write(&project, &additions)?;
    let mut out = std::io::stdout().lock();
    for addition in &additions {
        let file = project.display(&addition.file);
        let record = project.display(&addition.record);
        match printer.format {
            Format::Human => {
                match &addition.capture {
                    Some(capture) => {
                        let how = match capture.hops {
                            0 => "imported to".to_string(),
                            1 => "captured to".to_string(),
                            2 => "captured (1 redirect) to".to_string(),
                            n => format!("captured ({} redirects) to", n - 1),
                        };
                        let kept = if capture.copy { "" } else { " (kept)" };
                        writeln!(
                            out,
                            "added source `{}`: {how} {file}, capture {}{kept}, record {record}",
                            addition.id,
                            project.display(&capture.path)
                        )?;
                    }
                    None => {
                        let how = if addition.copy {
                            "copied to"
                        } else {
                            "kept at"
                        };
                        writeln!(
                            out,
                            "added source `{}`: {how} {file}, record {record}",
                            addition.id
                        )?;
                    }
                }
                for field in &addition.fields {
                    writeln!(
                        out,
                        " {:>10}  {}  ({})",
                        field.key, field.value, field.origin
                    )?;
                }
                for attachment in &addition.attachments {
                    writeln!(out, " {:>10}  {attachment}", "attached")?;
                }
            }
            Format::Json => {
                let fields: Vec<serde_json::Value> = addition
                    .fields
                    .iter()
                    .map(|f| {
                        let read = matches!(f.origin, crate::add::Origin::Document(_));
                        serde_json::json!({"key": f.key, "value": f.value, "from": f.origin.to_string(), "read": read})
                    })
                    .collect();
                let object = serde_json::json!({
                    "type": "added", "source": addition.id, "file": file, "record": record,
                    "copied": addition.copy, "fields": fields,
                    "capture": addition.capture.as_ref().map(|c| project.display(&c.path)),
                    "attachments": addition.attachments,
                });
                writeln!(out, "{object}")?;
            }
        }
    }
    drop(out);
    let ids: Vec<String> = additions.iter().map(|a| a.id.clone()).collect();
    let Some(dossier) = &given.to else {
        printer.status(&format!(
            "review the fields read from the documents; quote a source with `clerk find {} WORDS…`",
            ids.first().map_or("SOURCE-ID", String::as_str)
        ));
        return Ok(Outcome::Success);
    };
    let report = crate::pin::pin_new(&project, dossier, &ids)?;
    print_pin_report(printer, &report)?;
    Ok(Outcome::from_ok(report.is_clean()))
}

/// `clerk add --update`: corrects a record, printing each key changed (and
/// with `--fill`, each kept), then pins it with `--to`.
fn update_record(
    printer: &Printer,
    project: Project,
    id: &str,
    given: &crate::add::Given,
    fill: bool,
) -> anyhow::Result<Outcome> {
    let today = chrono::Local::now().date_naive();
    let update = crate::add::plan_update(&project, id, given, fill, today)?;
    crate::add::write_update(&update)?;
    let record = project.display(&update.record);
    let file = project.display(&update.file);
    match printer.format {
        Format::Human => {
            let mut out = std::io::stdout().lock();
            match update.changes.is_empty() {
                true => writeln!(out, "nothing to change in source `{id}` ({record})")?,
                false => writeln!(out, "updated source `{id}`: record {record}")?,
            }
            for change in &update.changes {
                writeln!(out, "  {}", change.describe())?;
            }
            for kept in &update.kept {
                writeln!(out, "  {}", kept.describe())?;
            }
        }
        Format::Json => {
            let changes: Vec<serde_json::Value> = update
                .changes
                .iter()
                .map(|c| {
                    let read = matches!(c.new.origin, crate::add::Origin::Document(_));
                    serde_json::json!({"key": c.key, "old": c.old.as_ref().map(|(v, _)| v),
                        "new": c.new.value, "from": c.new.origin.to_string(), "read": read})
                })
                .collect();
            let kept: Vec<serde_json::Value> = update
                .kept
                .iter()
                .map(|k| {
                    serde_json::json!({"key": k.key, "value": k.value,
                    "document": k.document.value, "from": k.document.origin.to_string()})
                })
                .collect();
            printer.record(serde_json::json!({
                "type": "updated", "source": id, "record": record, "file": file,
                "written": !update.changes.is_empty(), "changes": changes, "kept": kept,
                "unfilled": update.unfilled, "stale-pins": update.stale_pins,
            }));
        }
    }
    if !update.unfilled.is_empty() {
        let keys: Vec<String> = update.unfilled.iter().map(|k| format!("`{k}`")).collect();
        printer.status(&format!(
            "the document also gives {}, which the record lacks: `--fill` writes {}",
            keys.join(", "),
            if keys.len() == 1 { "it" } else { "them" }
        ));
    }
    for dossier in &update.stale_pins {
        printer.status(&format!(
            "`{file}` has changed since dossier `{dossier}` pinned it: `clerk pin {dossier}` repins it"
        ));
    }
    let Some(dossier) = &given.to else {
        return Ok(Outcome::Success);
    };
    let report = crate::pin::pin_new(&project, dossier, &[id.to_string()])?;
    print_pin_report(printer, &report)?;
    Ok(Outcome::from_ok(report.is_clean()))
}

/// Asks on the terminal for each required field that neither a flag nor
/// the document gave; an empty answer leaves it missing.
fn ask_missing(additions: &mut [crate::add::Addition]) -> anyhow::Result<()> {
    let stdin = std::io::stdin();
    for addition in additions.iter_mut() {
        for (key, _) in crate::add::REQUIRED {
            if !addition.missing().contains(&format!("--{key}").as_str()) {
                continue;
            }
            let choices = match key {
                "kind" => format!(" ({})", crate::spec::SourceKind::names()),
                _ => String::new(),
            };
            loop {
                eprint!("{key} of `{}`{choices}: ", addition.input.display());
                let mut answer = String::new();
                if stdin.read_line(&mut answer)? == 0 || answer.trim().is_empty() {
                    break;
                }
                match addition.answer(key, &answer) {
                    Ok(()) => break,
                    Err(why) => eprintln!("{why}"),
                }
            }
        }
    }
    Ok(())
}

/// `clerk watch`: a build, then another after each change to the inputs,
/// each printed as `build` prints it, until Ctrl-C.
fn watch(
    printer: &Printer,
    project: Project,
    args: &[String],
    settings: &BuildSettings,
) -> anyhow::Result<Outcome> {
    use crate::watch::Wake;
    // Named dossiers must exist now; later, a round that cannot run is
    // reported and the watch goes on.
    let selected = project.select(args)?;
    let out = settings
        .out
        .clone()
        .unwrap_or_else(|| project.output.clone());
    // Watching starts before the first build, so no edit made during it
    // is missed.
    let mut watcher = crate::watch::Watcher::start(&project, &selected, &out)?;
    loop {
        if let Err(error) = build(printer, project.clone(), args, settings) {
            printer.error(&error);
        }
        printer.status(&format!(
            "watching {} for changes (Ctrl-C to stop)",
            watcher.describe()
        ));
        match watcher.wait() {
            Wake::Changed(paths) => printer.status(&format!("changed: {}", paths.join(", "))),
            Wake::Interrupted => {
                printer.status("stopped watching");
                return Ok(Outcome::Success);
            }
            Wake::Failed(error) => anyhow::bail!("the file watcher failed: {error}"),
        }
    }
}

/// `clerk init`: a project with a worked example.
fn init(
    printer: &Printer,
    root: &std::path::Path,
    start: crate::init::Start,
) -> anyhow::Result<Outcome> {
    let created = crate::init::init(root, start)?;
    for file in &created.files {
        let verb = match file.as_str() {
            ".gitignore" if created.gitignore_extended => "extended",
            _ => "created",
        };
        printer.status(&format!(
            "{verb:>9} {}",
            crate::init::shown(&created.root, file)
        ));
    }
    let here = crate::init::shown(&created.root, "").is_empty();
    let (place, next) = if here {
        ("here".to_string(), "clerk build".to_string())
    } else {
        let shown = created.root.display();
        (
            format!("in `{shown}`"),
            format!("cd {shown} && clerk build"),
        )
    };
    if start == crate::init::Start::Bare {
        let next = match here {
            true => "clerk new DOSSIER-ID".to_string(),
            false => format!("cd {} && clerk new DOSSIER-ID", created.root.display()),
        };
        printer.status(&format!("made an empty clerk project {place}"));
        printer.status(&format!(
            "next: `clerk add FILE` brings a source in, `{next}` starts a dossier"
        ));
        return Ok(Outcome::Success);
    }
    printer.status(&format!(
        "made a clerk project {place} with the example dossier `{}`",
        crate::init::EXAMPLE_DOSSIER
    ));
    printer.status(&format!(
        "next: `{next}`, then open output/{}.pdf; `clerk new DOSSIER-ID` starts a dossier of your own",
        crate::init::EXAMPLE_DOSSIER
    ));
    Ok(Outcome::Success)
}

/// `clerk new`: a dossier to fill in.
fn new(
    printer: &Printer,
    project: Project,
    id: &str,
    title: Option<&str>,
) -> anyhow::Result<Outcome> {
    let path = crate::new::new_dossier(&project, id, title)?;
    printer.status(&format!("  created {}", project.display(&path)));
    printer.status(&format!(
        "next: write its summary and claims, add their sources under sources/, then `clerk pin {id}` and `clerk check {id}`"
    ));
    Ok(Outcome::Success)
}

/// `clerk schema`: a JSON Schema, for editors.
fn schema(name: SchemaName) -> anyhow::Result<Outcome> {
    let text = match name {
        SchemaName::Dossier => crate::schema::to_text(&crate::schema::dossier()),
        SchemaName::Source => crate::schema::to_text(&crate::schema::source()),
        SchemaName::Brief => serde_json::to_string_pretty(&crate::export::brief_schema())? + "\n",
        SchemaName::Diff => serde_json::to_string_pretty(&crate::diff::schema())? + "\n",
    };
    print!("{text}");
    Ok(Outcome::Success)
}

/// `clerk diff`: the changes from one version of a brief to another, as a
/// report (coloured when standard output is a terminal), JSON lines, or a
/// redline page. Exit 0 when there are none, 1 when there are.
fn diff(
    printer: &Printer,
    (old, new): (&str, &str),
    (root, max_source_size): (&std::path::Path, u64),
    (emit, out): (Option<crate::cli::DiffEmit>, Option<&std::path::Path>),
    color: Color,
) -> anyhow::Result<Outcome> {
    let old_side = crate::diff::load(old, root, max_source_size)?;
    let new_side = crate::diff::load(new, root, max_source_size)?;
    let holds = |source: &str, quotes: &[&str]| new_side.holds(source, quotes);
    let compared = crate::diff::compare(&old_side.brief, &new_side.brief, &holds);
    let outcome = Outcome::from_ok(compared.changes.is_empty());
    if emit.is_some() {
        let page = crate::diff::html::page(&compared, old, new, &new_side.brief.dossier.language);
        match out {
            Some(path) => {
                crate::output::write_atomic(path, page.as_bytes())?;
                printer.status(&format!("  wrote {}", path.display()));
            }
            None => std::io::stdout().write_all(page.as_bytes())?,
        }
        return Ok(outcome);
    }
    let mut stdout = std::io::stdout().lock();
    match printer.format {
        Format::Json => {
            for change in &compared.changes {
                writeln!(stdout, "{}", serde_json::to_string(&change.line())?)?;
            }
            let summary = crate::diff::Summary::of(&compared.changes, old, new);
            writeln!(stdout, "{}", serde_json::to_string(&summary)?)?;
        }
        Format::Human => {
            let color = match color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => {
                    std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
                }
            };
            stdout.write_all(crate::diff::text::report(&compared, old, new, color).as_bytes())?;
        }
    }
    Ok(outcome)
}

/// `clerk sign`: a signature beside each file, by one key.
fn sign(
    printer: &Printer,
    files: &[PathBuf],
    key: Option<PathBuf>,
    passphrase_file: Option<&std::path::Path>,
) -> anyhow::Result<Outcome> {
    let Some(source) = crate::sign::KeySource::from_flag_or_env(key) else {
        return Err(Fatal::new("no signing key")
            .help(format!(
                "name an OpenSSH private key with `--key KEY`, or put it (or its path) in `{}`",
                crate::sign::KEY_VARIABLE
            ))
            .into());
    };
    let signer = crate::sign::Signer::load(&source, passphrase_file)?;
    let mut failed = 0;
    for file in files {
        let signed = crate::files::read_limited(file, crate::sign::MAX_SIGNED_FILE)
            .map_err(crate::files::io_error)
            .with_context(|| format!("cannot read `{}` to sign it", file.display()))
            .and_then(|bytes| signer.sign_file(file, &bytes));
        match signed {
            Ok(signature) => {
                printer.status(&format!(
                    "  signed {}: {}",
                    file.display(),
                    signature.display()
                ));
                printer.record(serde_json::json!({
                    "type": "signed",
                    "file": file.display().to_string(),
                    "signature": signature.display().to_string(),
                    "key": signer.fingerprint,
                }));
            }
            Err(error) => {
                // Go on with the others; exit 2 at the end.
                printer.error(&error);
                failed += 1;
            }
        }
    }
    let done = files.len() - failed;
    printer.status(&format!(
        "signed {done} file{} with {} key {}",
        plural(done),
        signer.kind(),
        signer.fingerprint
    ));
    printer.record(serde_json::json!({
        "type": "summary",
        "command": "sign",
        "signed": done,
        "failed": failed,
        "key": signer.fingerprint,
    }));
    Ok(if failed > 0 {
        Outcome::Broken
    } else {
        Outcome::Success
    })
}
