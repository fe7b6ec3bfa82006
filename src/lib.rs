//! clerk compiles declarative TOML dossiers, whose claims are backed by
//! verbatim quotes from SHA-256-pinned sources, into consistently cited PDF
//! briefs.
//!
//! # Stages
//! Data flows one way:
//! - [`spec`]: parse dossiers and source records, keeping spans.
//! - [`sources`]: find records, resolve and hash source files, read text
//!   (through [`documents`] for HTML and PDF).
//! - [`check`]: apply every rule of the format, producing [`diag`]nostics
//!   and the quote matches.
//! - [`model`]: the brief as data: sections, numbered citations, references
//!   (the template context).
//! - [`render`]: Handlebars templates to Typst markup, with Typst escaping.
//! - [`typeset`]: an in-memory typst `World` and PDF export.
//! - [`output`]: atomic writes.
//!
//! [`project`] ties the stages together for a selection of dossiers;
//! [`digests`] lets a build with nothing to do skip rereading files;
//! [`pin`] rewrites a dossier's pins; [`run`] dispatches the commands.

pub mod audit;
pub mod batch;
pub mod build;
pub mod check;
pub mod cli;
pub mod diag;
pub mod digests;
pub mod documents;
pub mod model;
pub mod output;
pub mod pin;
pub mod project;
pub mod quote;
pub mod render;
pub mod sources;
pub mod spec;
pub mod typeset;
pub mod verify;

mod commands;

pub use commands::{Outcome, run};

/// The clerk version, printed in briefs and manifests.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
