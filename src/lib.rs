//! clerk compiles declarative TOML dossiers, whose claims are backed by
//! verbatim quotes from SHA-256-pinned sources, into consistently cited PDF
//! briefs.
//!
//! # Stages
//! Data flows one way: each module imports only those listed before it
//! (docs/architecture.md draws the graph).
//!
//! Foundations, which import nothing of the pipeline:
//! - [`files`]: bounded reads, hashing, decoding, confinement of paths.
//! - [`diag`]: the one diagnostic type, its printers, and [`diag::Fatal`]
//!   errors with their hints.
//! - [`quote`]: quote normalisation, matching and locators.
//! - [`batch`]: worker threads (`--jobs`).
//! - [`output`]: atomic writes and the output folder's lock.
//! - [`sign`]: signing keys, SSH signatures beside each file, the signed
//!   provenance statement (DSSE), and `allowed_signers`.
//! - [`settings`]: what a command was asked, checked once; [`cli`] parses
//!   the command line into it.
//! - [`builtin`]: the templates compiled into the binary.
//!
//! The pipeline:
//! - [`spec`]: parse dossiers and source records, keeping spans.
//! - [`schema`]: the JSON Schemas of dossiers and records, for editors.
//! - [`style`]: the CSL citation style a dossier names, loaded and checked.
//! - [`documents`]: the text of HTML and PDF sources.
//! - [`metadata`]: what a document says about itself (title, publisher,
//!   dates, language), for the records `clerk add` writes.
//! - [`office`]: the text and metadata of Word and OpenDocument sources.
//! - [`mail`]: the text, metadata and attachments of e-mail sources.
//! - [`capture`]: web pages fetched into WARC files, and captures made
//!   elsewhere (WARC, WACZ) read back to the payload a source holds.
//! - [`project`]: the project's folders and its dossier files.
//! - [`fonts`]: the fonts a brief can use and the characters they cover.
//! - [`locale`]: the fixed words of each language, built in or the
//!   project's own.
//! - [`sources`]: find records, resolve and hash source files, read text.
//! - [`find`]: the passages of a source that match some words, as quotes
//!   to paste (`clerk find`).
//! - [`check`]: apply every rule of the format, producing diagnostics and
//!   the quote matches.
//! - [`selection`]: the dossiers a command works on, read, parsed and
//!   checked against the sources they rely on.
//! - [`model`]: the brief as data: sections, numbered citations, references
//!   (the template context).
//! - [`export`]: the brief as data beside its PDF: JSON, W3C Web
//!   Annotations, CSL-JSON.
//! - [`render`]: Handlebars templates to Typst markup, with Typst escaping.
//! - [`cite`]: the references in the dossier's citation style, as Typst
//!   markup and HTML.
//! - [`docx`]: the Word edition, Office Open XML styled by the unit's
//!   reference document.
//! - [`typeset`]: an in-memory typst `World`, PDF export, and the Word
//!   edition's timeline picture.
//! - [`manifest`]: the inputs every PDF carries, and its provenance.
//! - [`fresh`]: stamps and remembered digests: which briefs need no rebuild.
//! - [`build`]: the batch: freshness, typesetting, writing each brief.
//! - [`pin`]: rewriting a dossier's pins.
//! - [`add`]: bringing documents into `sources/` with their records
//!   (`clerk add`).
//! - [`init`]: a new project with a worked example; [`new`]: a new dossier.
//! - [`verify`]: checking a built brief against the project.
//! - [`diff`]: what changed between two versions of a brief (`clerk
//!   diff`).
//! - [`watch`]: the file watcher behind `clerk watch`.
//! - [`manual`]: the manual pages, generated from the clap definitions of
//!   [`cli`] with each command's exit status and examples.
//!
//! [`run`] dispatches the commands; it alone prints.

pub mod add;
pub mod batch;
pub mod build;
pub mod builtin;
pub mod capture;
pub mod check;
pub mod cite;
pub mod cli;
pub mod diag;
pub mod diff;
pub mod documents;
pub mod docx;
pub mod export;
pub mod files;
pub mod find;
pub mod fonts;
pub mod fresh;
pub mod init;
pub mod locale;
pub mod mail;
pub mod manifest;
pub mod manual;
pub mod markdown;
pub mod metadata;
pub mod model;
pub mod new;
pub mod office;
pub mod output;
pub mod pin;
pub mod project;
pub mod quote;
pub mod render;
pub mod schema;
pub mod selection;
pub mod settings;
pub mod sign;
pub mod sources;
pub mod spec;
pub mod style;
pub mod typeset;
pub mod verify;
pub mod watch;

mod commands;

pub use commands::{Outcome, run};

/// The clerk version, printed in briefs and manifests.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
