//! The brief as data, beside its PDF: the machine-readable exports that
//! `clerk build --emit json,annotations,csl` writes and `clerk verify`
//! rebuilds and compares (docs/exports.md describes each).
//!
//! - [`brief`]: `<id>.json`, the brief as typeset: claims, quotes located
//!   in their sources, references (format `clerk_brief` 1, with a JSON
//!   Schema generated from its types).
//! - [`annotations`]: `<id>.annotations.jsonld`, a W3C Web Annotation
//!   collection, one annotation per quote.
//! - [`csl`]: `<id>.csl.json`, the references as CSL-JSON.
//!
//! The annotations and the CSL items are made from the [`Brief`], so the
//! three exports always agree. Each is a pure function of the brief, so the
//! same inputs give the same bytes.

pub mod annotations;
pub mod brief;
pub mod csl;

pub use brief::Brief;

use crate::settings::Emit;

/// The kinds of file `--emit` asks for that are exports of this module, in
/// the order they are written and listed.
pub const KINDS: [Emit; 3] = [Emit::Json, Emit::Annotations, Emit::Csl];

/// Whether `emit` is one of [`KINDS`].
pub fn is_export(emit: Emit) -> bool {
    KINDS.contains(&emit)
}

/// The bytes of export `kind` of `brief` (pretty JSON, ending in a line
/// break); `None` when `kind` is not an export.
pub fn render(kind: Emit, brief: &Brief) -> Option<Vec<u8>> {
    match kind {
        Emit::Json => Some(pretty(brief)),
        Emit::Annotations => Some(pretty(&annotations::collection(brief))),
        Emit::Csl => Some(pretty(&csl::items(brief))),
        Emit::Typ | Emit::Html | Emit::Docx => None,
    }
}

/// `value` as pretty JSON and a line break. The types serialised here have
/// string keys only, so serialising cannot fail.
fn pretty(value: &impl serde::Serialize) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// The JSON Schema (draft 2020-12) of `<id>.json`, generated from the types
/// that write it.
pub fn brief_schema() -> serde_json::Value {
    schemars::generate::SchemaSettings::draft2020_12()
        .for_serialize()
        .with_transform(schemars::transform::RecursiveTransform(
            drop_integer_formats,
        ))
        .into_generator()
        .into_root_schema_for::<Brief>()
        .to_value()
}

/// Drops the `format` schemars gives Rust integers (`uint`, `uint32`):
/// JSON Schema defines no such format, and `minimum` already says it.
pub fn drop_integer_formats(schema: &mut schemars::Schema) {
    if schema
        .get("format")
        .and_then(serde_json::Value::as_str)
        .is_some_and(|f| f.starts_with("uint") || f.starts_with("int"))
    {
        schema.remove("format");
    }
}
