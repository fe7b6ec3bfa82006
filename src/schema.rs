//! JSON Schemas (draft-07) of the files a person writes, generated from the
//! very types that parse them ([`crate::spec`]), for editors that validate
//! and complete TOML as you type (Taplo, and Even Better TOML, Helix and Zed,
//! which use it).
//!
//! A schema says what an editor can know from one file: keys, types, the
//! values of `kind`, the id, pin and language patterns, keys that may not be
//! empty, unknown keys refused. What needs other files (does the source
//! exist, is the quote in it, is the pin the file's digest) is `clerk
//! check`'s. Editors give a TOML date to the schema as its text, so a date
//! is a string of format `date` here; a quoted `"2024-05-17"` passes the
//! schema but not `clerk check`.

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema};

use crate::spec::{Dossier, Record};

/// File name of the dossier schema in a project's `schemas/`.
pub const DOSSIER_FILE: &str = "dossier.schema.json";

/// File name of the source-record schema in a project's `schemas/`.
pub const SOURCE_FILE: &str = "source.schema.json";

/// The folder of a project that holds the schemas `clerk init` writes.
pub const FOLDER: &str = "schemas";

/// The JSON Schema of a dossier, `dossiers/<id>.toml`.
pub fn dossier() -> serde_json::Value {
    generate::<Dossier>()
}

/// The JSON Schema of a source record, `sources/**/<id>.toml`.
pub fn source() -> serde_json::Value {
    generate::<Record>()
}

/// A schema as written to a file or printed: pretty JSON and a final line
/// break, the same bytes every time.
pub fn to_text(schema: &serde_json::Value) -> String {
    // A `Value` always serialises.
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}

/// The Taplo directive that opens a TOML file written by clerk: it points
/// editors at `schema` (a relative path, resolved from the file's folder).
pub fn directive(schema: &str) -> String {
    format!("#:schema {schema}\n")
}

fn generate<T: JsonSchema>() -> serde_json::Value {
    let mut settings = SchemaSettings::draft07();
    // One self-contained tree: editors show a key's own description, with no
    // `$ref` to follow.
    settings.inline_subschemas = true;
    let mut schema = settings.into_generator().into_root_schema_for::<T>();
    drop_null(&mut schema);
    schema.to_value()
}

/// TOML has no null: an optional key is one that is absent, so `Option<T>`
/// is described as `T` (schemars adds `null`, as JSON would need).
fn drop_null(schema: &mut Schema) {
    if let Some(serde_json::Value::Array(types)) = schema.get_mut("type") {
        types.retain(|t| t != "null");
        if let [only] = types.as_slice() {
            let only = only.clone();
            schema.insert("type".into(), only);
        }
    }
    schemars::transform::transform_subschemas(&mut drop_null, schema);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_types_and_patterns() {
        let schema = dossier();
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
        assert_eq!(schema["additionalProperties"], false);
        assert_eq!(schema["properties"]["date"]["format"], "date");
        assert_eq!(schema["properties"]["subtitle"]["type"], "string");
        let claim = &schema["properties"]["claims"]["items"];
        assert_eq!(claim["additionalProperties"], false);
        assert_eq!(
            claim["properties"]["kind"]["enum"],
            serde_json::json!(["allegation", "denial", "official-position"])
        );
        assert_eq!(
            claim["properties"]["id"]["pattern"],
            crate::spec::ID_PATTERN
        );
        let pins = &schema["properties"]["sources"]["patternProperties"];
        assert_eq!(
            pins[crate::spec::ID_PATTERN]["pattern"],
            crate::spec::PIN_PATTERN
        );
        let record = source();
        assert_eq!(
            record["required"],
            serde_json::json!(["file", "title", "publisher", "kind"])
        );
    }
}
