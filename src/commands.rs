//! One function per command, and the one place anything is printed and
//! the exit code is decided: findings about the inputs exit 1, operational
//! failures (bad arguments, unwritable output, unreadable files) exit 2.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use crate::build::{BriefStatus, Event};
use crate::cli::{Cli, Color, Command, Emit, Format, SchemaName};
use crate::diag::{Diagnostic, Fatal, Tally, render_error};
use crate::project::Project;
use crate::selection::CheckedSelection;
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
        Err(error) => {
            printer.error(&error);
            Outcome::Broken
        }
    }
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
        } => {
            let settings = BuildSettings {
                out,
                force,
                typeset_timeout: std::time::Duration::from_secs(typeset_timeout),
                emit_typ: emit.contains(&Emit::Typ),
                shard,
            };
            build(printer, open()?, &dossiers, &settings)
        }
        Command::Pin { dossier, sources } => pin(printer, open()?, &dossier, &sources),
        Command::Template { name } => template(&name),
        Command::Text { source, normalised } => text(printer, open()?, &source, normalised),
        Command::Verify { pdfs } => verify(printer, open()?, &pdfs),
        Command::Init { dir } => init(printer, dir.as_deref().unwrap_or(&cli.root)),
        Command::New { id, title } => new(printer, open()?, &id, title.as_deref()),
        Command::Schema { name } => schema(name),
        Command::Completions { shell } => {
            std::io::stdout().write_all(&crate::cli::completions(shell))?;
            Ok(Outcome::Success)
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

    /// An error that stopped a command or one of its operations (stderr,
    /// whatever the format).
    fn error(&self, error: &anyhow::Error) {
        eprintln!("{}", render_error(error));
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
    let selection = CheckedSelection::check(project, args)?;
    let diagnostics = selection.diagnostics();
    printer.diagnostics(&diagnostics);
    let tally = Tally::of(&diagnostics);
    printer.status(&summary("checked", selection.checked.len(), tally));
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
            let word = match status {
                BriefStatus::Built => "built",
                BriefStatus::Fresh => "fresh",
                BriefStatus::Failed => "FAILED",
            };
            printer.status(&format!("{word:>8} {shown_out}/{id}.pdf"));
        }
        (None, Event::Start(_)) => {}
    };
    let report = crate::build::build(project, args, settings, &progress)?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    printer.diagnostics(&report.diagnostics);
    for failure in &report.write_failures {
        let error = anyhow::anyhow!("{:#}", failure.error).context(format!(
            "cannot write the brief of dossier `{}`",
            failure.dossier
        ));
        printer.error(&error);
    }
    let tally = Tally::of(&report.diagnostics);
    let failed = report.count(BriefStatus::Failed);
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
    if !report.write_failures.is_empty() {
        return Ok(Outcome::Broken);
    }
    Ok(Outcome::from_ok(tally.errors == 0 && failed == 0))
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
    printer.diagnostics(&report.diagnostics);
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
    Ok(Outcome::from_ok(report.is_clean()))
}

fn verify(printer: &Printer, project: Project, pdfs: &[PathBuf]) -> anyhow::Result<Outcome> {
    let mut all = true;
    let mut unreadable = 0;
    for pdf in pdfs {
        let report = match crate::verify::verify(&project, pdf) {
            Ok(report) => report,
            Err(error) => {
                // Report it and go on with the others; exit 2 at the end.
                printer.error(&error);
                unreadable += 1;
                continue;
            }
        };
        all &= report.verified;
        match printer.format {
            Format::Json => println!("{}", serde_json::to_string(&report)?),
            Format::Human => print_report(&report),
        }
    }
    if unreadable > 0 {
        printer.error(&anyhow::anyhow!(
            "could not read {unreadable} of the {} PDFs",
            pdfs.len()
        ));
        return Ok(Outcome::Broken);
    }
    Ok(Outcome::from_ok(all))
}

fn print_report(report: &crate::verify::Verification) {
    use crate::verify::Verdict as Status;
    match &report.dossier {
        Some(id) => println!("verify {} (dossier `{id}`)", report.pdf),
        None => println!("verify {}", report.pdf),
    }
    for item in &report.items {
        let status = match item.status {
            Status::Ok => "ok",
            Status::Changed => "CHANGED",
            Status::Missing => "MISSING",
            Status::Failed => "FAILED",
        };
        let mut line = format!("  {status:>7}  {:<13} {}", item.what, item.name);
        if let Some(detail) = &item.detail {
            line.push_str(&format!(": {detail}"));
        }
        println!("{line}");
        if item.status != Status::Ok {
            match (&item.recorded, &item.found) {
                (Some(old), Some(new)) if old != new => {
                    println!("           recorded sha256:{old}");
                    println!("           found    sha256:{new}");
                }
                (Some(old), None) if item.status == Status::Missing => {
                    println!("           recorded sha256:{old}, file not found")
                }
                _ => {}
            }
        }
    }
    let differences = report
        .items
        .iter()
        .filter(|i| i.status != Status::Ok)
        .count();
    if report.verified {
        println!("verified: {} matches its project exactly", report.pdf);
    } else {
        println!(
            "NOT VERIFIED: {} ({differences} difference{})",
            report.pdf,
            plural(differences)
        );
    }
}

fn short(pin: &str) -> String {
    pin.chars().take(7 + 16).collect::<String>() + "…"
}

fn template(name: &str) -> anyhow::Result<Outcome> {
    let text = crate::builtin::template(name).ok_or_else(|| {
        Fatal::new(format!("no built-in template `{name}`")).help(format!(
            "built-in templates: {}",
            crate::builtin::names().join(", ")
        ))
    })?;
    print!("{text}");
    Ok(Outcome::Success)
}

/// `clerk text`: the text a source's quotes are held to, with locators.
fn text(
    printer: &Printer,
    project: Project,
    id: &str,
    normalised: bool,
) -> anyhow::Result<Outcome> {
    let mut index = crate::sources::SourceIndex::scan(&project);
    let Some(known) = index.sources.get(id) else {
        let mut error = Fatal::new(format!(
            "no source `{id}` (no record `sources/**/{id}.toml`)"
        ));
        if let Some(close) = crate::check::closest(id, index.sources.keys().map(String::as_str)) {
            error = error.help(format!("did you mean `{close}`?"));
        }
        return Err(error.into());
    };
    let display = known.record_file.display.clone();
    let wanted = std::collections::BTreeSet::from([id.to_string()]);
    index.read(&project, Some(&wanted), &Default::default(), true, None);
    let source = &index.sources[id];
    let Some(text) = source.text() else {
        let mut problems = source.problems.clone();
        crate::diag::sort(&mut problems);
        printer.diagnostics(&problems);
        printer.status(&format!("no text for source `{id}` ({display})"));
        return Ok(Outcome::Failure);
    };
    let mut out = std::io::stdout().lock();
    let listing = crate::sources::listing(text, normalised);
    for line in listing {
        writeln!(out, "{line}")?;
    }
    Ok(Outcome::Success)
}

/// `clerk init`: a project with a worked example.
fn init(printer: &Printer, root: &std::path::Path) -> anyhow::Result<Outcome> {
    let created = crate::init::init(root)?;
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
    let schema = match name {
        SchemaName::Dossier => crate::schema::dossier(),
        SchemaName::Source => crate::schema::source(),
    };
    print!("{}", crate::schema::to_text(&schema));
    Ok(Outcome::Success)
}
