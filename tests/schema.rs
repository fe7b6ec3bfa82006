//! `clerk schema dossier|source`: the JSON Schemas editors validate TOML
//! with. They must accept every file clerk accepts (the bundled example,
//! every fixture, what `clerk init` writes), refuse what `clerk check`
//! refuses for its shape, and describe each key in docs/format.md's words.
//!
//! A TOML file is given to the schema as Taplo (the validator behind Even
//! Better TOML, Helix and Zed) gives it: as JSON, dates as their text.

mod common;

use std::path::{Path, PathBuf};

use common::Project;
use proptest::prelude::*;
use serde_json::Value;

fn repo(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// The schema `clerk schema <name>` prints.
fn schema(name: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let output = assert_cmd::Command::cargo_bin("clerk")
        .unwrap()
        .current_dir(dir.path())
        .args(["schema", name])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stderr.is_empty());
    serde_json::from_slice(&output.stdout).expect("clerk schema prints JSON")
}

fn validator(schema: &Value) -> jsonschema::Validator {
    assert!(
        jsonschema::draft7::meta::validator().is_valid(schema),
        "not a draft-07 schema"
    );
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("a usable schema")
}

/// A TOML document as Taplo presents it to a JSON Schema.
fn as_json(toml_text: &str) -> Value {
    fn convert(value: toml::Value) -> Value {
        match value {
            toml::Value::String(s) => Value::String(s),
            toml::Value::Integer(i) => Value::from(i),
            toml::Value::Float(f) => Value::from(f),
            toml::Value::Boolean(b) => Value::Bool(b),
            toml::Value::Datetime(d) => Value::String(d.to_string()),
            toml::Value::Array(items) => Value::Array(items.into_iter().map(convert).collect()),
            toml::Value::Table(table) => {
                Value::Object(table.into_iter().map(|(k, v)| (k, convert(v))).collect())
            }
        }
    }
    let table: toml::Table = toml::from_str(toml_text).expect("valid TOML");
    convert(toml::Value::Table(table))
}

/// The schema's complaints about a TOML text, one line each.
fn problems(validator: &jsonschema::Validator, toml_text: &str) -> Vec<String> {
    let instance = as_json(toml_text);
    validator
        .iter_errors(&instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// The TOML files under `folder` (recursively when `deep`).
fn toml_files(folder: &Path, deep: bool) -> Vec<PathBuf> {
    let walk = walkdir::WalkDir::new(folder).max_depth(if deep { usize::MAX } else { 1 });
    let mut found: Vec<PathBuf> = walk
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "toml"))
        .map(|e| e.into_path())
        .collect();
    found.sort();
    found
}

#[test]
fn the_bundled_example_and_every_fixture_are_valid() {
    let dossiers = validator(&schema("dossier"));
    let sources = validator(&schema("source"));
    let mut roots = vec![repo(".")];
    for entry in std::fs::read_dir(repo("tests/fixtures")).unwrap() {
        let root = entry.unwrap().path();
        // Fixture projects only: `schemas/` holds vendored JSON schemas.
        if root.join("dossiers").is_dir() {
            roots.push(root);
        }
    }
    let mut seen = (0, 0);
    for root in &roots {
        for file in toml_files(&root.join("dossiers"), false) {
            let found = problems(&dossiers, &std::fs::read_to_string(&file).unwrap());
            assert!(found.is_empty(), "{}: {found:#?}", file.display());
            seen.0 += 1;
        }
        for file in toml_files(&root.join("sources"), true) {
            let found = problems(&sources, &std::fs::read_to_string(&file).unwrap());
            assert!(found.is_empty(), "{}: {found:#?}", file.display());
            seen.1 += 1;
        }
    }
    assert!(seen.0 >= 3 && seen.1 >= 12, "too few files found: {seen:?}");
}

#[test]
fn a_new_project_is_valid_and_carries_the_schemas_clerk_prints() {
    let dir = tempfile::tempdir().unwrap();
    let status = assert_cmd::Command::cargo_bin("clerk")
        .unwrap()
        .current_dir(dir.path())
        .arg("init")
        .output()
        .unwrap()
        .status;
    assert!(status.success());
    for (name, file, toml_file) in [
        (
            "dossier",
            "schemas/dossier.schema.json",
            "dossiers/fernhill-library.toml",
        ),
        (
            "source",
            "schemas/source.schema.json",
            "sources/fernhill-minutes-2025-03-04.toml",
        ),
    ] {
        let written: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join(file)).unwrap()).unwrap();
        assert_eq!(written, schema(name));
        let text = std::fs::read_to_string(dir.path().join(toml_file)).unwrap();
        // The directive, resolved from the file's folder, names that schema.
        let directive = text
            .lines()
            .next()
            .unwrap()
            .strip_prefix("#:schema ")
            .unwrap();
        let folder = dir.path().join(toml_file);
        let target = folder.parent().unwrap().join(directive);
        assert_eq!(
            target.canonicalize().unwrap(),
            dir.path().join(file).canonicalize().unwrap()
        );
        let found = problems(&validator(&written), &text);
        assert!(found.is_empty(), "{toml_file}: {found:#?}");
    }
}

/// Edits the basic fixture, and returns `clerk check`'s first error line and
/// the schema's complaints about the edited file (`None` when the file is
/// no longer TOML, and so cannot be given to a schema).
fn both_refuse(file: &str, from: &str, to: &str, name: &str) -> (String, Option<Vec<String>>) {
    let project = Project::fixture("basic");
    let text = project.read(file);
    assert!(text.contains(from), "`{from}` not in {file}");
    // Pins are checked against the file's digest: only the edited line may
    // be at fault, so edit a dossier, or re-pin after editing a record.
    project.write(file, text.replacen(from, to, 1));
    let (code, _, stderr) = project.run(&["check"]);
    assert_eq!(code, 1, "{stderr}");
    let first = stderr.lines().next().unwrap_or_default().to_string();
    let edited = project.read(file);
    let found = toml::from_str::<toml::Table>(&edited)
        .is_ok()
        .then(|| problems(&validator(&schema(name)), &edited));
    (first, found)
}

#[test]
fn what_check_refuses_for_its_shape_the_schema_refuses() {
    let cases = [
        // (file, from, to, schema, check's first line, the schema's complaint)
        (
            "dossiers/harbour.toml",
            "marking = ",
            "markign = ",
            "dossier",
            "error[syntax]: unknown field `markign`, expected one of `title`, `subtitle`, `date`, `authors`, `marking`, `language`, `template`, `translated-by`, `citation-style`, `summary`, `sources`, `claims`",
            ": Additional properties are not allowed ('markign' was unexpected)",
        ),
        (
            "dossiers/harbour.toml",
            "kind = \"denial\"",
            "kind = \"rebuttal\"",
            "dossier",
            "error[syntax]: unknown kind `rebuttal`, expected one of `allegation`, `denial`, `official-position`",
            "/claims/1/kind: \"rebuttal\" is not one of \"allegation\", \"denial\" or \"official-position\"",
        ),
        (
            "dossiers/harbour.toml",
            "beta = \"sha256:411f",
            "beta = \"sha256:411F",
            "dossier",
            "error[syntax]: malformed pin for source `beta`",
            "/sources/beta: \"sha256:411F25ae9a0d6e06781e252c21c2afd6f5a285b0eb93ac0698b5d20685585570\" does not match \"^sha256:[0-9a-f]{64}$\"",
        ),
        (
            "dossiers/harbour.toml",
            "id = \"ceo-denial\"",
            "id = \"CEO_denial\"",
            "dossier",
            "error[bad-id]: invalid claim id `CEO_denial`",
            "/claims/1/id: \"CEO_denial\" does not match \"^[a-z0-9][a-z0-9-]*$\"",
        ),
        (
            "dossiers/harbour.toml",
            "date = 2025-02-01",
            "date = 2025-02-30",
            "dossier",
            "error[syntax]: invalid date, expected day between 01 and 28",
            "",
        ),
        (
            "dossiers/harbour.toml",
            "title = \"Harbour contract\"",
            "title = \"  \"",
            "dossier",
            "error[syntax]: `title` is empty",
            "/title: \"  \" does not match \"\\S\"",
        ),
        (
            "dossiers/harbour.toml",
            "[[claims.evidence]]\nsource = \"alpha\"\nquote = \"The company's chief executive called the allegations \\\"entirely baseless\\\".\"\n",
            "evidence = []\n",
            "dossier",
            "error[syntax]: claim `ceo-denial` has no evidence",
            "",
        ),
        (
            "sources/beta.toml",
            "kind = \"parliamentary\"",
            "kind = \"parliament\"",
            "source",
            "error[syntax]: unknown kind `parliament`, expected one of `parliamentary`, `government`, `press`, `ngo`, `social`, `forum`, `court`, `academic`, `other`",
            "/kind: \"parliament\" is not one of \"parliamentary\", \"government\" or 7 other candidates",
        ),
        (
            "sources/beta.toml",
            "language = \"fr\"",
            "language = \"fr_FR\"",
            "source",
            "error[syntax]: `fr_FR` is not a BCP 47 language tag",
            "/language: \"fr_FR\" does not match \"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$\"",
        ),
        (
            "sources/beta.toml",
            "publisher = \"Assemblée de test\"\n",
            "",
            "source",
            "error[syntax]: missing field `publisher`",
            ": \"publisher\" is a required property",
        ),
    ];
    for (file, from, to, name, check_says, schema_says) in cases {
        let (first, found) = both_refuse(file, from, to, name);
        assert_eq!(first, check_says, "{file}: {from} -> {to}");
        // An impossible date (2025-02-30) is no TOML date at all: the file
        // is not TOML, for clerk as for Taplo, so no schema is consulted.
        let Some(found) = found else {
            assert!(from.starts_with("date = "), "{file}: {from} -> {to}");
            continue;
        };
        assert!(
            !found.is_empty(),
            "the schema accepts {file}: {from} -> {to}"
        );
        if from.starts_with("[[claims.evidence]]") {
            assert_eq!(found, ["/claims/1/evidence: [] has less than 1 item"]);
            continue;
        }
        assert_eq!(found, [schema_says], "{file}: {from} -> {to}");
    }
}

#[test]
fn a_quoted_date_is_a_limit_of_the_schema_that_check_covers() {
    // Taplo gives a TOML date to the schema as its text, so the schema
    // cannot tell `2025-02-01` from `"2025-02-01"`: `clerk check` does.
    let (first, found) = both_refuse(
        "dossiers/harbour.toml",
        "date = 2025-02-01",
        "date = \"2025-02-01\"",
        "dossier",
    );
    assert_eq!(
        first,
        "error[syntax]: invalid type for `date`: expected a TOML local date such as 2025-04-01"
    );
    assert_eq!(found, Some(vec![]));
    // But a string that is not a date is refused by both.
    let (_, found) = both_refuse(
        "dossiers/harbour.toml",
        "date = 2025-02-01",
        "date = \"1 February 2025\"",
        "dossier",
    );
    assert_eq!(
        found,
        Some(vec![
            "/date: \"1 February 2025\" is not a \"date\"".to_string()
        ])
    );
}

/// docs/format.md's key tables: (table heading, key, meaning), with the
/// meaning's Markdown links reduced to their text.
fn format_md_keys() -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(repo("docs/format.md")).unwrap();
    let mut heading = String::new();
    let mut rows = Vec::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        if let Some(h) = line.strip_prefix('#') {
            heading = h.trim_start_matches('#').trim().to_string();
            continue;
        }
        // | `key` | required | type | meaning |
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if let ["", key, _, _, meaning, ""] = cells.as_slice()
            && key.starts_with('`')
        {
            let key = key.trim_matches('`');
            let key = key.trim_start_matches('[').trim_end_matches(']');
            rows.push((heading.clone(), key.to_string(), without_links(meaning)));
        }
    }
    rows
}

/// `[text](target)` becomes `text`.
fn without_links(markdown: &str) -> String {
    let mut out = String::new();
    let mut rest = markdown;
    while let Some(start) = rest.find('[') {
        let Some((text, after)) = rest[start + 1..].split_once("](") else {
            break;
        };
        let Some(end) = after.find(')') else { break };
        if text.contains('[') || text.contains('`') {
            out.push_str(&rest[..=start]);
            rest = &rest[start + 1..];
            continue;
        }
        out.push_str(&rest[..start]);
        out.push_str(text);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn every_key_is_described_in_the_words_of_format_md() {
    let dossier = schema("dossier");
    let source = schema("source");
    let claim = &dossier["properties"]["claims"]["items"];
    let evidence = &claim["properties"]["evidence"]["items"];
    let tables = [
        ("Source records", &source),
        ("Top-level keys", &dossier),
        ("Claims", claim),
        ("Evidence", evidence),
    ];
    let rows = format_md_keys();
    for (heading, object) in tables {
        let properties = object["properties"].as_object().unwrap();
        let documented: Vec<&(String, String, String)> =
            rows.iter().filter(|(h, _, _)| h == heading).collect();
        let mut keys: Vec<&str> = documented
            .iter()
            .map(|(_, key, _)| key.rsplit('.').next().unwrap().trim_start_matches('['))
            .collect();
        let mut schema_keys: Vec<&str> = properties.keys().map(String::as_str).collect();
        keys.sort();
        schema_keys.sort();
        assert_eq!(keys, schema_keys, "the keys of `{heading}`");
        assert_eq!(object["additionalProperties"], false, "{heading}");
        for (_, key, meaning) in documented {
            let key = key.rsplit('.').next().unwrap().trim_start_matches('[');
            assert_eq!(
                properties[key]["description"].as_str(),
                Some(meaning.as_str()),
                "the description of `{key}` ({heading})"
            );
        }
    }
}

#[test]
fn schemas_are_pinned() {
    insta::assert_snapshot!(
        "dossier_schema",
        serde_json::to_string_pretty(&schema("dossier")).unwrap()
    );
    insta::assert_snapshot!(
        "source_schema",
        serde_json::to_string_pretty(&schema("source")).unwrap()
    );
}

fn pattern_validator(pattern: &str) -> jsonschema::Validator {
    jsonschema::draft7::new(&serde_json::json!({ "type": "string", "pattern": pattern })).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// The schema's patterns say what clerk's own tests of ids, pins and
    /// language tags say.
    #[test]
    fn patterns_agree_with_clerk(
        id in "[a-zA-Z0-9_ -]{0,6}",
        hex in "[0-9a-fA-F]{62,66}",
        tag in "[a-zA-Z0-9_-]{0,12}",
    ) {
        let ids = pattern_validator(clerk::spec::ID_PATTERN);
        prop_assert_eq!(ids.is_valid(&Value::from(id.clone())), clerk::spec::is_valid_id(&id));
        let pins = pattern_validator(clerk::spec::PIN_PATTERN);
        let pin = format!("sha256:{hex}");
        prop_assert_eq!(pins.is_valid(&Value::from(pin.clone())), clerk::spec::parse_pin(&pin).is_some());
        let tags = pattern_validator(clerk::spec::LANGUAGE_PATTERN);
        prop_assert_eq!(tags.is_valid(&Value::from(tag.clone())), clerk::spec::is_language_tag(&tag));
    }
}

/// `taplo check FILES` in `dir`: (success, what it printed). `None` when
/// taplo is not installed, which only CI must not be (.ci/run installs it).
fn taplo(dir: &Path, files: &[&str]) -> Option<(bool, String)> {
    let output = std::process::Command::new("taplo")
        .args(["check", "--colors", "never", "--no-auto-config"])
        .args(files)
        .current_dir(dir)
        .env("RUST_LOG", "error")
        .output();
    if std::env::var_os("CI").is_some() {
        assert!(
            output.is_ok(),
            "taplo is not installed (.ci/run installs it)"
        );
    }
    let output = output.ok()?;
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    Some((output.status.success(), printed))
}

#[test]
fn taplo_validates_what_init_writes_through_its_directives() {
    let dir = tempfile::tempdir().unwrap();
    assert!(
        assert_cmd::Command::cargo_bin("clerk")
            .unwrap()
            .current_dir(dir.path())
            .arg("init")
            .output()
            .unwrap()
            .status
            .success()
    );
    let files = [
        "dossiers/fernhill-library.toml",
        "sources/fernhill-minutes-2025-03-04.toml",
    ];
    let Some((ok, printed)) = taplo(dir.path(), &files) else {
        eprintln!("taplo is not installed: skipped");
        return;
    };
    assert!(ok, "{printed}");
    // The directive is what tells taplo the schema: a wrong kind and an
    // unknown key are found with no other configuration.
    let dossier = dir.path().join(files[0]);
    let text = std::fs::read_to_string(&dossier).unwrap();
    std::fs::write(
        &dossier,
        text.replacen("kind = \"denial\"", "kind = \"rebuttal\"", 1)
            .replacen("marking = ", "markign = ", 1),
    )
    .unwrap();
    let (ok, printed) = taplo(dir.path(), &files[..1]).unwrap();
    assert!(!ok);
    for expected in [
        "\"rebuttal\" is not one of [\"allegation\",\"denial\",\"official-position\"]",
        "Additional properties are not allowed ('markign' was unexpected)",
    ] {
        assert!(
            printed.contains(expected),
            "`{expected}` not in:\n{printed}"
        );
    }
}
