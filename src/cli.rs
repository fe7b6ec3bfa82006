//! Command-line arguments: clap types whose doc comments are the help text.
//! Values are parsed by the parsers of [`crate::settings`]; nothing here
//! reaches the pipeline.

// The doc comments below are help text for a terminal (`<out>`, `[sources]`
// mean what they say there), not rustdoc markup.
#![allow(rustdoc::invalid_html_tags, rustdoc::broken_intra_doc_links)]

use std::path::PathBuf;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use crate::settings::{Shard, parse_jobs, parse_limit, parse_size};

/// Compile sourced, hash-pinned policy dossiers into cited PDF briefs.
///
/// A clerk project holds dossiers/ (one TOML file per brief), sources/ (the
/// evidence, each file with a TOML record pinning it) and optionally
/// templates/. clerk checks every quote against its pinned source, then
/// typesets consistently cited PDF briefs into output/.
///
/// New here? `clerk init my-briefs` makes a project with an example that builds.
#[derive(Debug, Parser)]
#[command(name = "clerk", version, max_term_width = 100)]
pub struct Cli {
    /// The project folder (holding dossiers/ and sources/)
    #[arg(long, global = true, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,

    /// How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)
    #[arg(long, global = true, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)
    #[arg(long, short = 'j', global = true, value_name = "N", value_parser = parse_jobs)]
    pub jobs: Option<usize>,

    /// Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error
    #[arg(long, global = true, value_name = "SIZE", default_value = "256MiB", value_parser = parse_size)]
    pub max_source_size: u64,

    /// When to colour human output
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a project, with a worked example that builds
    ///
    /// Writes dossiers/, sources/, templates/ (empty, with a README), a
    /// .gitignore ignoring output/, the JSON Schemas of dossiers and source
    /// records in schemas/ (every TOML file written names its schema, for
    /// editors), and an example: one text source with its record and one
    /// pinned dossier with a claim of each kind, so that `clerk build` works
    /// at once. Refuses a folder that already has dossiers/ or sources/.
    Init {
        /// The folder to make a project of, created if missing (default: --root, the current folder)
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,

        /// Start empty: the folders, schemas and .gitignore, without the example
        #[arg(long)]
        bare: bool,
    },

    /// Start a dossier: write dossiers/<id>.toml to fill in
    ///
    /// The dossier has a title, today's date, a summary to write, an empty
    /// [sources] and, in comments, an example of each kind of claim with its
    /// evidence. It checks without errors as it is.
    New {
        /// The new dossier's id: lowercase letters, digits and hyphens (`harbour-contract`)
        #[arg(value_name = "DOSSIER-ID")]
        id: String,

        /// The brief's title (default: made from the id)
        #[arg(long, value_name = "TITLE")]
        title: Option<String>,
    },

    /// Check dossiers against their sources: hashes, quotes, ids, links, balance
    ///
    /// Reports every problem in one run. Exits 0 when there are no errors
    /// (warnings allowed), 1 when a dossier has errors, 2 when the check
    /// could not run (no project, no such dossier).
    Check {
        /// Dossiers to check, as ids (`nc-azerbaijan`) or paths; default: all of dossiers/
        #[arg(value_name = "DOSSIER")]
        dossiers: Vec<String>,
    },

    /// Check, then typeset a PDF brief for every dossier without errors
    ///
    /// Writes <out>/<dossier-id>.pdf atomically: a dossier with errors writes
    /// nothing and leaves an earlier PDF as it was. Exits 0 when every brief
    /// was built or was fresh, 1 when a dossier has errors, 2 when the build
    /// could not run or a brief could not be written.
    Build {
        /// Dossiers to build, as ids or paths; default: all of dossiers/
        #[arg(value_name = "DOSSIER")]
        dossiers: Vec<String>,

        /// Folder to write PDFs to (default: <root>/output)
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,

        /// Also write these files beside each PDF (comma-separated, repeatable; see docs/exports.md)
        #[arg(long, value_enum, value_name = "WHAT", value_delimiter = ',')]
        emit: Vec<Emit>,

        /// Rebuild every brief, even those whose inputs have not changed
        #[arg(long)]
        force: bool,

        /// Give up on a brief whose typesetting takes longer than this many seconds
        #[arg(long, value_name = "SECONDS", default_value_t = 60)]
        typeset_timeout: u64,

        /// Build only part K of N of the dossiers (e.g. `2/8`), to spread a batch over CI machines
        #[arg(long, value_name = "K/N")]
        shard: Option<Shard>,

        /// Sign each brief with this OpenSSH private key: an SSH signature beside each file (`<file>.sig`) and the provenance signed as `<id>.intoto.jsonl` (default: the key in CLERK_SIGNING_KEY, a path or the key itself; see docs/audit.md)
        #[arg(long, value_name = "KEY")]
        sign: Option<PathBuf>,

        /// The file holding the passphrase of a signing key that has one (its first line)
        #[arg(long, value_name = "FILE")]
        sign_passphrase_file: Option<PathBuf>,
    },

    /// Build, then rebuild whenever a dossier, source, record or template changes
    ///
    /// Builds as `clerk build` does, then watches dossiers/, sources/ and
    /// templates/: after each change (edits close together count as one)
    /// it builds again, which rebuilds only the briefs the change affects,
    /// and prints the round's diagnostics and closing line. A dossier left
    /// with errors keeps its last good PDF. Ctrl-C lets the round under way
    /// finish writing, then stops (exit 0).
    Watch {
        /// Dossiers to build, as ids or paths; default: all of dossiers/
        #[arg(value_name = "DOSSIER")]
        dossiers: Vec<String>,

        /// Folder to write PDFs to (default: <root>/output)
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,

        /// Also write these files beside each PDF (comma-separated, repeatable; see docs/exports.md)
        #[arg(long, value_enum, value_name = "WHAT", value_delimiter = ',')]
        emit: Vec<Emit>,

        /// Give up on a brief whose typesetting takes longer than this many seconds
        #[arg(long, value_name = "SECONDS", default_value_t = 60)]
        typeset_timeout: u64,
    },

    /// Write the current SHA-256 of sources into a dossier's [sources]
    ///
    /// Only the pin strings change; comments and layout are kept. For each
    /// re-pinned source, reports which quotes still match and which do not.
    Pin {
        /// The dossier to pin, as an id or a path
        #[arg(value_name = "DOSSIER")]
        dossier: String,

        /// Re-pin only this source (repeatable); default: every source the dossier pins or cites
        #[arg(long = "source", value_name = "ID")]
        sources: Vec<String>,
    },

    /// Add documents to sources/, each with a record read from the document for review
    ///
    /// Copies each FILE byte for byte into sources/ (a file already under
    /// sources/ stays where it is) and writes its record beside it. What the
    /// flags do not give is read from the document: an HTML page's title,
    /// site name, publication date, language and canonical address; a PDF's
    /// XMP and Info metadata (title, author, creation date, language); a
    /// text file's first line as the title. `accessed` is today. Each field
    /// is printed with where it came from, for review. `--kind` and
    /// `--publisher` are required when the document does not give them (on a
    /// terminal, clerk asks). Nothing is ever overwritten, and nothing is
    /// written when a file cannot be added.
    ///
    /// To correct a record, `clerk add --update SOURCE-ID` with the flags of
    /// the fields to change rewrites those keys only, keeping the record's
    /// comments and layout, and prints what changed; `--fill` also writes
    /// what the document says and the record lacks.
    ///
    /// An address (`https://…`) is fetched: the page is stored as
    /// sources/<id>.html, .pdf or .txt by its content type and the exchange,
    /// every redirect included, as sources/<id>.warc (WARC/1.1). A capture
    /// made elsewhere (`.warc`, `.warc.gz`, `.wacz`) is imported: its page
    /// is stored the same way and the capture kept byte for byte.
    Add {
        /// The documents to add (`.txt`, `.md`, `.html`, `.htm`, `.pdf`,
        /// `.docx`, `.odt`, `.eml`), addresses to capture (`https://…`) or
        /// captures to import (`.warc`, `.warc.gz`, `.wacz`)
        #[arg(value_name = "FILE", required_unless_present = "update")]
        files: Vec<PathBuf>,

        /// Correct the record of this source instead: set the keys the flags give
        #[arg(long, value_name = "SOURCE-ID", conflicts_with_all = ["files", "id"])]
        update: Option<String>,

        /// With --update, also write the keys the document gives and the record lacks
        #[arg(long, requires = "update")]
        fill: bool,

        /// The source id (default: from the file name: lower case, hyphens)
        #[arg(long, value_name = "ID")]
        id: Option<String>,

        /// The document's title
        #[arg(long, value_name = "TITLE")]
        title: Option<String>,

        /// Who published it: a newspaper, a parliament, a ministry, a website
        #[arg(long, value_name = "NAME")]
        publisher: Option<String>,

        /// What kind of document it is
        #[arg(long, value_name = "KIND", value_parser = clap::builder::PossibleValuesParser::new(crate::spec::SOURCE_KINDS))]
        kind: Option<String>,

        /// Its author
        #[arg(long, value_name = "NAME")]
        author: Option<String>,

        /// When it was published (YYYY-MM-DD)
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        published: Option<chrono::NaiveDate>,

        /// Its language, as a BCP 47 tag (`en`, `fr`, `fr-CA`)
        #[arg(long, value_name = "LANG")]
        language: Option<String>,

        /// Where it can be found; for a capture, the address of the page to take from it
        #[arg(long, value_name = "URL")]
        url: Option<String>,

        /// The longest fetching an address may take, in seconds
        #[arg(long, value_name = "SECONDS", default_value = "30", value_parser = parse_seconds)]
        timeout: std::time::Duration,

        /// Also pin the new sources in this dossier (an id or a path), as `clerk pin` does
        #[arg(long, value_name = "DOSSIER")]
        to: Option<String>,

        /// For an e-mail, also add each attachment clerk can read as a source of its own (`part-of` the message)
        #[arg(long, conflicts_with = "update")]
        attachments: bool,
    },

    /// Verify built briefs against the project: inputs, quotes and bytes
    ///
    /// Reads the manifest attached to each PDF, re-hashes the dossier,
    /// template, records and sources it names, re-checks every quote,
    /// rebuilds the PDF in memory and compares it byte for byte. Exits 0 only
    /// when everything matches; 1 when a file differs or is no brief clerk
    /// can judge (not a PDF, damaged, no manifest), 2 when a file cannot be
    /// opened (or its manifest is of a newer format than this clerk reads).
    ///
    /// Then checks the signatures beside the PDF and each file verified
    /// with it (`x.pdf.sig`, `x.pdf.2.sig`, …, and the signed provenance
    /// `x.intoto.jsonl`) against the allowed signers: SIGNED by a
    /// principal, BAD SIGNATURE, UNKNOWN SIGNER or EXPIRED. Signatures
    /// change the exit code only with --require-signature.
    Verify {
        /// The PDFs to verify (they may have been moved or renamed)
        #[arg(value_name = "PDF", required = true)]
        pdfs: Vec<PathBuf>,

        /// The OpenSSH allowed_signers file naming whose keys may sign briefs (default: <root>/.clerk/allowed_signers when it exists)
        #[arg(long, value_name = "FILE")]
        allowed_signers: Option<PathBuf>,

        /// Fail (exit 1) unless the PDF and every file verified with it carry a good signature by an allowed signer and no bad one
        #[arg(long)]
        require_signature: bool,

        /// Count only signatures by this principal of the allowed signers (as `ssh-keygen -Y verify -I`)
        #[arg(long, value_name = "PRINCIPAL")]
        signed_by: Option<String>,
    },

    /// Sign built briefs with an OpenSSH key, beside each file
    ///
    /// Writes an SSH signature (namespace `clerk-brief`) of each FILE beside
    /// it: `FILE.sig`, or for a second key `FILE.2.sig`, and so on; signing
    /// again with a key that already signed FILE replaces its signature.
    /// The files themselves are not changed. `ssh-keygen -Y verify -n
    /// clerk-brief` checks each signature, and so does `clerk verify`. Run
    /// `clerk verify` first: a signature vouches for the bytes, whatever
    /// they are.
    Sign {
        /// The files to sign: a brief's PDF, and its HTML edition and exports
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,

        /// The OpenSSH private key to sign with (default: the key in CLERK_SIGNING_KEY, a path or the key itself)
        #[arg(long, value_name = "KEY")]
        key: Option<PathBuf>,

        /// The file holding the passphrase of a key that has one (its first line)
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
    },

    /// Compare two versions of a brief, claim by claim, with the sources under it
    ///
    /// Each side is a built PDF (the brief as data it carries; no project
    /// needed), a `--emit json` export, a dossier of the project (id or
    /// path, checked against its sources), or REV:DOSSIER, the dossier and
    /// its sources as committed at a git revision (`HEAD~3:nc-azerbaijan`).
    /// Reports, keyed by id: metadata; claims added, removed, renamed,
    /// changed in kind, author, date, statement (word by word) or
    /// responds-to; evidence added or removed; quotes changed or moved;
    /// translations; sources added, removed, renamed or re-pinned (with the
    /// old quotes that still hold); records changed. Exits 0 when the
    /// briefs say the same, 1 when they differ, 2 when they cannot be
    /// compared.
    Diff {
        /// The old version: a PDF, a `.json` export, a dossier, or REV:DOSSIER
        #[arg(value_name = "OLD")]
        old: String,

        /// The new version: a PDF, a `.json` export, a dossier, or REV:DOSSIER
        #[arg(value_name = "NEW")]
        new: String,

        /// Write a redline page instead of the report: `html` (to --out, or standard output)
        #[arg(long, value_enum, value_name = "WHAT")]
        emit: Option<DiffEmit>,

        /// With --emit html: the file to write the page to
        #[arg(long, short = 'o', value_name = "FILE", requires = "emit")]
        out: Option<PathBuf>,
    },

    /// Print the text a source's quotes are held to, with line, paragraph and page numbers
    ///
    /// For a text file, its lines; for an HTML page, the text a reader sees,
    /// one paragraph per block; for a PDF, its text layer page by page.
    /// Each line is prefixed with its line number, its paragraph (¶) and, for
    /// a PDF, its page. With --normalised, the text as quotes are compared
    /// with it (quotation marks dropped, apostrophes, dashes and white space
    /// folded, line-end hyphens of a PDF taken out: such a line runs on into
    /// the next with no space).
    Text {
        /// The source's id (its record's file stem)
        #[arg(value_name = "SOURCE-ID")]
        source: String,

        /// Print the normalised text instead of the text as read
        #[arg(long)]
        normalised: bool,
    },

    /// Find the passages of a source that best match some words, as evidence to paste
    ///
    /// Searches the text quotes are held to (see `clerk text`): first the
    /// words as a phrase (after normalisation, then in any case), then near
    /// misses (sentences holding most of the words, the closest passage by
    /// edit distance). Each passage is printed with its line and ¶ (or
    /// page) as a `[[claims.evidence]]` block whose quote is the passage as
    /// the source writes it: pasted into a dossier that pins the source, it
    /// passes `clerk check` unchanged. Exits 1 when nothing resembles the
    /// words.
    Find {
        /// The source's id (its record's file stem)
        #[arg(value_name = "SOURCE-ID")]
        source: String,

        /// The words to look for
        #[arg(value_name = "WORDS", required = true)]
        words: Vec<String>,

        /// Most passages to print (1 or more)
        #[arg(long, value_name = "N", default_value_t = crate::find::DEFAULT_LIMIT, value_parser = parse_limit)]
        limit: usize,
    },

    /// Print a built-in template or locale, to start a project's own
    ///
    /// Save a template as templates/<name>.typ.hbs and edit it; dossiers
    /// choose it with `template = "<name>"`. The HTML edition's template
    /// (`brief-html`) goes in templates/<name>.html.hbs, beside the Typst
    /// template of the same name. Save a locale (`locale-fr`,
    /// the fixed words of French briefs) as templates/locales/<tag>.toml to
    /// change a language's words or add one. `clerk template styles` lists
    /// the citation styles a dossier's `citation-style` may name.
    /// `clerk template reference-docx > templates/reference.docx` writes the
    /// Word edition's reference document, to restyle in Word.
    Template {
        /// The template's name
        #[arg(value_name = "NAME", default_value = "brief")]
        name: String,
    },

    /// Typeset briefs sent on standard input (started by `build --jobs N`)
    #[command(hide = true, name = "typeset-worker")]
    TypesetWorker {
        /// The project's templates folder
        #[arg(long, value_name = "DIR")]
        templates: PathBuf,
        /// Longest a brief may take, in seconds
        #[arg(long, value_name = "SECONDS")]
        typeset_timeout: u64,
    },

    /// Print the JSON Schema of a dossier, a source record or the brief as data
    ///
    /// Draft-07, generated from the types clerk parses and writes the files
    /// with. Save the dossier's or the record's and name it on the first line
    /// of a TOML file (`#:schema ../schemas/dossier.schema.json`) so that
    /// editors using Taplo (VS Code's Even Better TOML, Helix, Zed) validate
    /// and complete the file as you type; `brief` describes `clerk build
    /// --emit json`.
    Schema {
        /// Which file's schema
        #[arg(value_enum, value_name = "NAME")]
        name: SchemaName,
    },

    /// Print a shell completion script
    ///
    /// For example `clerk completions bash > ~/.local/share/bash-completion/completions/clerk`,
    /// or `clerk completions zsh > "${fpath[1]}/_clerk"`.
    Completions {
        /// The shell to complete for
        #[arg(value_enum, value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
}

/// The files `clerk schema` describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaName {
    /// A dossier, `dossiers/<id>.toml`
    Dossier,
    /// A source record, `sources/**/<id>.toml`
    Source,
    /// The brief as data: `clerk build --emit json`
    Brief,
    /// One line of `clerk diff --format json`
    Diff,
}

/// What `clerk diff --emit` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffEmit {
    /// A self-contained, accessible redline page
    Html,
}

/// The completion script of `shell` for the `clerk` command.
pub fn completions(shell: clap_complete::Shell) -> Vec<u8> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "clerk", &mut script);
    script
}

/// A date as `--published` takes it: `2024-05-17`.
fn parse_seconds(text: &str) -> Result<std::time::Duration, String> {
    text.trim()
        .trim_end_matches('s')
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0 && *s <= 86_400.0)
        .map(std::time::Duration::from_secs_f64)
        .ok_or_else(|| format!("`{text}` is not a number of seconds such as 30"))
}

fn parse_date(text: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a date such as 2024-05-17"))
}

/// Extra files `build` can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Emit {
    /// The rendered Typst markup: `<id>.typ`
    Typ,
    /// The brief as data: `<id>.json`
    Json,
    /// W3C Web Annotations of the quotes: `<id>.annotations.jsonld`
    Annotations,
    /// The references as CSL-JSON: `<id>.csl.json`
    Csl,
    /// The HTML edition, a self-contained web page: `<id>.html`
    Html,
    /// The Word edition, styled by templates/reference.docx: `<id>.docx`
    Docx,
}

impl From<Emit> for crate::settings::Emit {
    fn from(emit: Emit) -> Self {
        match emit {
            Emit::Typ => crate::settings::Emit::Typ,
            Emit::Json => crate::settings::Emit::Json,
            Emit::Annotations => crate::settings::Emit::Annotations,
            Emit::Csl => crate::settings::Emit::Csl,
            Emit::Html => crate::settings::Emit::Html,
            Emit::Docx => crate::settings::Emit::Docx,
        }
    }
}

/// Output format for diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

/// Colour choice for human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[cfg(test)]
mod tests {
    #[test]
    fn kinds_are_the_formats() {
        let names = crate::spec::SourceKind::ALL.map(crate::spec::SourceKind::name);
        assert_eq!(crate::spec::SOURCE_KINDS, names);
    }
}
