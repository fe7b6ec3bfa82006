//! `clerk diff`: what changed between two versions of a brief, claim by
//! claim, with the sources that moved under it.
//!
//! Every kind of input (a built PDF, a `--emit json` export, a dossier in
//! the project, a dossier at a git revision) is first turned into the same
//! thing, the brief as data ([`crate::export::Brief`]), by [`load()`]; the
//! comparison ([`compare()`]) then works on two such briefs only, keyed by
//! claim and source ids, so the order of claims in the files never matters.
//! [`text`] prints the result for people, [`html`] as a redline page; the
//! JSON lines are the [`Change`]s and the [`Summary`] serialised.

pub mod compare;
pub mod html;
pub mod load;
pub mod text;

pub use compare::{Change, Compared, Holds, RepinnedQuote, Summary, Word, compare};
pub use load::{Side, load};

/// How similar (0 to 1, `similar`'s ratio over the words) a claim's
/// statement or a source's title must be for an id that disappears while
/// another appears to be reported as a rename rather than a removal and an
/// addition (docs/audit.md, "Reviewing a new version").
pub const RENAME_THRESHOLD: f32 = 0.8;

/// How similar two quotes of the same claim must be to be reported as one
/// quote changed (or moved to another source) rather than evidence removed
/// and added.
pub const QUOTE_THRESHOLD: f32 = 0.5;

/// The JSON Schema (draft 2020-12) of one line of `clerk diff --format
/// json`: a change or the closing summary.
pub fn schema() -> serde_json::Value {
    #[derive(schemars::JsonSchema)]
    #[allow(dead_code)]
    #[serde(untagged)]
    /// One line of `clerk diff --format json`: a change, or the summary
    /// that closes the output.
    enum Line {
        Change(compare::ChangeLine),
        Summary(Summary),
    }
    schemars::generate::SchemaSettings::draft2020_12()
        .for_serialize()
        .with_transform(schemars::transform::RecursiveTransform(
            crate::export::drop_integer_formats,
        ))
        .into_generator()
        .into_root_schema_for::<Line>()
        .to_value()
}
