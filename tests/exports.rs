//! The exports beside each PDF (`clerk build --emit json,annotations,csl`):
//! each validated against its published schema with a real JSON Schema
//! validator, every passage found again where its selectors say, the bytes
//! reproducible, stamped for freshness, listed in the provenance and
//! checked by `clerk verify`.

mod common;

use std::collections::BTreeMap;

use common::Project;
use jsonschema::{Draft, Registry};
use serde_json::{Value, json};

/// Where the published schemas are: `../shared/vendor/schemas/`, beside the
/// project (its README says what each is and where it comes from).
fn schemas() -> std::path::PathBuf {
    common::shared("vendor/schemas")
}

/// The base URI the annotation-model definitions are registered under: their
/// ids (`annotations.json`, …) and references are relative to it.
const WPT: &str = "https://wpt.invalid/annotation-model/definitions/";

const EXPORTS: [&str; 3] = ["json", "annotations.jsonld", "csl.json"];

fn build(project: &Project, args: &[&str]) -> String {
    let (status, _, stderr) = project.run(&[&["build"], args].concat());
    assert_eq!(status, 0, "{stderr}");
    stderr
}

fn closing(stderr: &str) -> &str {
    stderr.lines().last().unwrap_or_default()
}

fn read_json(project: &Project, relative: &str) -> Value {
    serde_json::from_slice(&std::fs::read(project.path(relative)).unwrap()).unwrap()
}

/// Every error `validator` finds in `instance`, with its place.
fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// The text `clerk text ID` prints, without its columns: one line of text
/// per row, joined by line feeds; and the page column of each line.
fn printed_text(project: &Project, id: &str) -> (String, Vec<Option<usize>>) {
    let (status, stdout, stderr) = project.run(&["text", id]);
    assert_eq!(status, 0, "{stderr}");
    let mut lines = Vec::new();
    let mut pages = Vec::new();
    for row in stdout.lines().skip(1) {
        let (columns, text) = row.split_once('|').unwrap();
        let columns: Vec<&str> = columns.split_whitespace().collect();
        // A PDF's page furniture is shown, marked `·`, but is no line of
        // the text.
        if columns.get(1) == Some(&"\u{b7}") {
            continue;
        }
        lines.push(text.strip_prefix(' ').unwrap_or(text));
        // `page line ¶` for a PDF, `line ¶` otherwise (¶ blank on a blank line).
        let paged = stdout.starts_with("page");
        pages.push(paged.then(|| columns[0].parse().unwrap()));
    }
    (lines.join("\n"), pages)
}

fn chars(text: &[char], from: usize, to: usize) -> String {
    text[from..to].iter().collect()
}

#[test]
fn the_json_export_validates_against_the_schema_clerk_prints() {
    let project = Project::example();
    build(&project, &["--emit", "json"]);
    let (status, schema, stderr) = project.run(&["schema", "brief"]);
    assert_eq!(status, 0, "{stderr}");
    let schema: Value = serde_json::from_str(&schema).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .offline()
        .build(&schema)
        .unwrap();
    let brief = read_json(&project, "output/nc-azerbaijan.json");
    assert_eq!(errors(&validator, &brief), Vec::<String>::new());

    assert_eq!(brief["clerk_brief"], 1);
    assert_eq!(brief["dossier"]["id"], "nc-azerbaijan");
    assert_eq!(brief["dossier"]["file"], "dossiers/nc-azerbaijan.toml");
    let claims = brief["claims"].as_array().unwrap();
    assert_eq!(claims.len(), 22);
    // In section order, numbered within their kind.
    let kinds: Vec<&str> = claims.iter().map(|c| c["kind"].as_str().unwrap()).collect();
    let mut sorted = kinds.clone();
    sorted.sort_by_key(|k| {
        ["allegation", "denial", "official-position"]
            .iter()
            .position(|x| x == k)
    });
    assert_eq!(kinds, sorted);
    assert_eq!(claims[0]["number"], "A1");
    let darmanin = claims
        .iter()
        .find(|c| c["id"] == "darmanin-reality")
        .unwrap();
    let quote = &darmanin["quotes"][0];
    assert_eq!(quote["source"], "lemonde-2024-05-17-web");
    assert_eq!(quote["citation"], "[6, ¶5]");
    assert_eq!(
        quote["locator"],
        json!({ "line": 9, "paragraph": 5, "page": null })
    );
    assert!(
        quote["passage"]["exact"]
            .as_str()
            .unwrap()
            .starts_with("It's not a fantasy, it's a reality.")
    );
    // A web page's text is extracted: it has no bytes in the file.
    assert_eq!(quote["file_bytes"], Value::Null);
    assert!(quote["passage"]["prefix"].as_str().unwrap().chars().count() == 32);
    let references = brief["references"].as_array().unwrap();
    assert_eq!(references.len(), 7);
    let print = references.iter().find(|r| r["format"] == "pdf").unwrap();
    assert_eq!(print["id"], "an-resolution-2025-03-28-print");
    assert_eq!(print["published"], "2025-03-28");

    // The schema holds the format: a broken copy fails it.
    let mut broken = brief.clone();
    broken["references"][0]["sha256"] = json!("not a digest");
    broken["claims"][0]["quotes"][0]["passage"]
        .as_object_mut()
        .unwrap()
        .remove("start");
    broken["dossier"]["date"] = json!("1 April 2025");
    let found = errors(&validator, &broken);
    assert_eq!(found.len(), 3, "{found:#?}");
}

#[test]
fn the_schema_of_the_brief_is_stable() {
    let project = Project::fixture("basic");
    let (status, schema, stderr) = project.run(&["schema", "brief"]);
    assert_eq!(status, 0, "{stderr}");
    insta::assert_snapshot!("schema_brief", schema);
}

/// The Web Annotation Working Group's definitions of the annotation model,
/// by their ids.
fn annotation_model() -> Registry<'static> {
    let names = [
        "annotations.json",
        "bodyTarget.json",
        "choiceSet.json",
        "collections.json",
        "id.json",
        "otherProperties.json",
        "specificResource.json",
    ];
    let mut registry = Registry::new().draft(Draft::Draft4);
    for name in names {
        let path = schemas().join("web-annotation/definitions").join(name);
        let contents: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        registry = registry.add(format!("{WPT}{name}"), contents).unwrap();
    }
    registry.prepare().unwrap()
}

/// What `instance` breaks among the annotation-model `definitions` (as
/// `file.json#/definitions/name`), each reported with `what` it is.
fn model_errors(
    registry: &Registry<'_>,
    definitions: &[&str],
    instance: &Value,
    what: &str,
) -> Vec<String> {
    let mut found = Vec::new();
    for definition in definitions {
        let validator = jsonschema::options()
            .with_draft(Draft::Draft4)
            .with_registry(registry)
            .should_validate_formats(true)
            .offline()
            .build(&json!({ "$ref": format!("{WPT}{definition}") }))
            .unwrap();
        found.extend(
            errors(&validator, instance)
                .into_iter()
                .map(|e| format!("{what}: {definition}: {e}")),
        );
    }
    found
}

/// The MUSTs of the Web Annotation model that the web-platform-tests
/// assertions check (annotationMusts, collectionMusts, pageMusts, bodyMusts,
/// targetMusts, specificResourceMusts), applied to a collection.
fn annotation_model_errors(registry: &Registry<'_>, collection: &Value) -> Vec<String> {
    let mut found = model_errors(
        registry,
        &["collections.json#/definitions/contextValueFound"],
        &collection["@context"],
        "@context",
    );
    found.extend(model_errors(
        registry,
        &[
            "collections.json#/definitions/annotationCollectionTypeValueFound",
            "id.json#/definitions/idValueFound",
            "collections.json#/definitions/labelDefinition",
            "collections.json#/definitions/totalDefinition",
            "collections.json#/definitions/firstValidIfPresent",
            "collections.json#/definitions/firstRequiredIfTotalMoreThanZero",
            "collections.json#/definitions/lastValidIfPresent",
            "otherProperties.json#/definitions/createdValidIfPresent",
            "otherProperties.json#/definitions/modifiedValidIfPresent",
            "otherProperties.json#/definitions/rightsValidIfPresent",
        ],
        collection,
        "collection",
    ));
    let page = &collection["first"];
    found.extend(model_errors(
        registry,
        &[
            "collections.json#/definitions/annotationPageTypeValueFound",
            "id.json#/definitions/idValueFound",
            "collections.json#/definitions/itemsFound",
            "collections.json#/definitions/startIndexDefinition",
            "collections.json#/definitions/partOfValidIfPresent",
            "collections.json#/definitions/nextValidIfPresent",
            "collections.json#/definitions/prevValidIfPresent",
        ],
        page,
        "page",
    ));
    for (n, annotation) in page["items"].as_array().into_iter().flatten().enumerate() {
        found.extend(annotation_errors(
            registry,
            annotation,
            &format!("annotation {n}"),
        ));
    }
    found
}

fn annotation_errors(registry: &Registry<'_>, annotation: &Value, what: &str) -> Vec<String> {
    let mut found = model_errors(
        registry,
        &[
            "annotations.json#/definitions/annotationTypeValueFound",
            "id.json#/definitions/idValueFound",
            "annotations.json#/definitions/motivationRecognizedIfPresent",
            "annotations.json#/definitions/bodyValueValidIfPresent",
            "otherProperties.json#/definitions/createdValidIfPresent",
            "otherProperties.json#/definitions/modifiedValidIfPresent",
            "otherProperties.json#/definitions/generatedValidIfPresent",
            "otherProperties.json#/definitions/creatorValidIfPresent",
            "otherProperties.json#/definitions/generatorValidIfPresent",
            "otherProperties.json#/definitions/rightsValidIfPresent",
            "otherProperties.json#/definitions/canonicalValidIfPresent",
            "otherProperties.json#/definitions/viaValidIfPresent",
        ],
        annotation,
        what,
    );
    // A target, and a body or a bodyValue but not both (model 3.1, 3.2.5).
    if annotation.get("target").is_none() {
        found.push(format!("{what}: has no target"));
    }
    if annotation.get("body").is_some() == annotation.get("bodyValue").is_some() {
        found.push(format!("{what}: needs exactly one of body and bodyValue"));
    }
    let body = &annotation["body"];
    found.extend(model_errors(
        registry,
        &[
            "bodyTarget.json#/definitions/bodyResourcesFound",
            "bodyTarget.json#/definitions/embeddedTextTypeIncludesTextualBody",
            "bodyTarget.json#/definitions/optionalBodyPropertiesMust",
            "bodyTarget.json#/definitions/optionalBodyPropertiesShould",
            "bodyTarget.json#/definitions/optionalBodyPurposePropertyShould",
        ],
        body,
        &format!("{what} body"),
    ));
    let target = &annotation["target"];
    found.extend(model_errors(
        registry,
        &[
            "bodyTarget.json#/definitions/targetResourcesFound",
            "specificResource.json#/definitions/specificeResourceDetected",
            "specificResource.json#/definitions/selectorDetected",
            "bodyTarget.json#/definitions/optionalTargetPropertiesMust",
            "bodyTarget.json#/definitions/optionalTargetPropertiesShould",
        ],
        target,
        &format!("{what} target"),
    ));
    found.extend(model_errors(
        registry,
        &[
            "bodyTarget.json#/definitions/externalWebResourceDetected",
            "bodyTarget.json#/definitions/optionalTargetPropertiesShould",
        ],
        &target["source"],
        &format!("{what} source"),
    ));
    for (n, selector) in target["selector"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let mut definitions = vec![
            "specificResource.json#/definitions/textQuoteSelectorTypeValidIfPresent",
            "specificResource.json#/definitions/textPositionSelectorTypeValidIfPresent",
            "specificResource.json#/definitions/fragmentSelectorTypeValidIfPresent",
        ];
        match selector["type"].as_str() {
            Some("TextQuoteSelector") => definitions.extend([
                "specificResource.json#/definitions/prefixPropertyFound",
                "specificResource.json#/definitions/suffixPropertyFound",
            ]),
            Some("FragmentSelector") => {
                definitions.push("specificResource.json#/definitions/conformsToPropertyFound")
            }
            _ => {}
        }
        found.extend(model_errors(
            registry,
            &definitions,
            selector,
            &format!("{what} selector {n}"),
        ));
    }
    found
}

#[test]
fn the_annotations_conform_to_the_web_annotation_model() {
    let project = Project::example();
    build(&project, &["--emit", "annotations,json"]);
    let collection = read_json(&project, "output/nc-azerbaijan.annotations.jsonld");
    let registry = annotation_model();
    assert_eq!(
        annotation_model_errors(&registry, &collection),
        Vec::<String>::new()
    );

    assert_eq!(collection["@context"], "http://www.w3.org/ns/anno.jsonld");
    assert_eq!(collection["type"], "AnnotationCollection");
    let brief = read_json(&project, "output/nc-azerbaijan.json");
    let quotes: usize = brief["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["quotes"].as_array().unwrap().len())
        .sum();
    assert_eq!(collection["total"], quotes);
    let items = collection["first"]["items"].as_array().unwrap();
    assert_eq!(items.len(), quotes);
    // Ids are distinct URNs; the body carries the claim and the dossier.
    let ids: std::collections::BTreeSet<&str> =
        items.iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), quotes);
    let darmanin = items
        .iter()
        .find(|a| a["body"]["schema:identifier"] == "darmanin-reality")
        .unwrap();
    assert_eq!(darmanin["body"]["schema:genre"], "official-position");
    assert_eq!(
        darmanin["body"]["schema:author"],
        "Gérald Darmanin, Minister of the Interior and Overseas"
    );
    assert_eq!(
        darmanin["body"]["schema:isPartOf"]["schema:identifier"],
        "nc-azerbaijan"
    );
    assert_eq!(
        darmanin["target"]["source"],
        json!({
            "id": "urn:sha256:c6d4779d7b509b2e0f7f7ecd5bf11012bd0f44e2e8e0ff56db4a1da456c75e55",
            "type": "Text",
            "format": "text/html",
            "language": "en"
        })
    );

    // The checks can fail: an annotation with no target, a negative
    // position and an unknown motivation are each reported.
    let mut broken = collection.clone();
    let items = broken["first"]["items"].as_array_mut().unwrap();
    items[0].as_object_mut().unwrap().remove("target");
    items[1]["target"]["selector"][1]["start"] = json!(-4);
    items[2]["motivation"] = json!("evidencing");
    let found = annotation_model_errors(&registry, &broken);
    assert!(
        found.iter().any(|e| e == "annotation 0: has no target"),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|e| e.starts_with("annotation 1 selector 1: ")),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|e| e.starts_with(
            "annotation 2: annotations.json#/definitions/motivationRecognizedIfPresent: "
        )),
        "{found:#?}"
    );
}

#[test]
fn every_selector_finds_its_passage_in_the_text_clerk_prints() {
    let project = Project::example();
    build(&project, &["--emit", "annotations,json"]);
    let brief = read_json(&project, "output/nc-azerbaijan.json");
    let collection = read_json(&project, "output/nc-azerbaijan.annotations.jsonld");
    let sources: BTreeMap<String, &Value> = brief["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let iri = match r["url"].as_str() {
                Some(url) => url.to_string(),
                None => format!("urn:sha256:{}", r["sha256"].as_str().unwrap()),
            };
            (iri, r)
        })
        .collect();
    let mut texts = BTreeMap::new();
    let mut pdf_quotes = 0;
    for annotation in collection["first"]["items"].as_array().unwrap() {
        let target = &annotation["target"];
        let reference = sources[target["source"]["id"].as_str().unwrap()];
        let id = reference["id"].as_str().unwrap();
        let (text, pages) = texts
            .entry(id.to_string())
            .or_insert_with(|| printed_text(&project, id));
        let text: Vec<char> = text.chars().collect();
        let selectors = target["selector"].as_array().unwrap();
        let (quote, position) = (&selectors[0], &selectors[1]);
        assert_eq!(quote["type"], "TextQuoteSelector");
        assert_eq!(position["type"], "TextPositionSelector");
        let start = position["start"].as_u64().unwrap() as usize;
        let end = position["end"].as_u64().unwrap() as usize;
        let exact = quote["exact"].as_str().unwrap();
        assert_eq!(chars(&text, start, end), exact, "{id} {start}..{end}");
        let before = start.saturating_sub(32);
        let after = (end + 32).min(text.len());
        assert_eq!(quote["prefix"], chars(&text, before, start), "{id}");
        assert_eq!(quote["suffix"], chars(&text, end, after), "{id}");
        if reference["format"] == "pdf" {
            pdf_quotes += 1;
            let line = text[..start].iter().filter(|&&c| c == '\n').count();
            assert_eq!(selectors[2]["type"], "FragmentSelector");
            assert_eq!(
                selectors[2]["conformsTo"],
                "http://tools.ietf.org/rfc/rfc3778"
            );
            assert_eq!(
                selectors[2]["value"],
                format!("page={}", pages[line].unwrap())
            );
        } else {
            assert_eq!(selectors.len(), 2, "{id}");
        }
    }
    assert!(pdf_quotes > 0);

    // A text source's byte range holds the passage as the file stores it:
    // the same text but for the white space `clerk text` does not print at
    // line ends.
    let mut ranges = 0;
    for quote in brief["claims"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["quotes"].as_array().unwrap())
    {
        let reference = brief["references"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == quote["source"])
            .unwrap();
        let Some(range) = quote["file_bytes"].as_object() else {
            assert_ne!(reference["format"], "text");
            continue;
        };
        ranges += 1;
        let file = std::fs::read(
            project.path(&format!("sources/{}", reference["file"].as_str().unwrap())),
        )
        .unwrap();
        let (start, end) = (
            range["start"].as_u64().unwrap() as usize,
            range["end"].as_u64().unwrap() as usize,
        );
        let stored = std::str::from_utf8(&file[start..end]).unwrap();
        let printed: Vec<&str> = stored.split('\n').map(str::trim_end).collect();
        assert_eq!(
            printed.join("\n"),
            quote["passage"]["exact"].as_str().unwrap()
        );
    }
    assert!(ranges > 0);
}

#[test]
fn a_text_source_with_a_byte_order_mark_and_crlf_line_ends_is_located_exactly() {
    let project = Project::fixture("basic");
    let file = "\u{feff}Préface  \r\nLe ministre a déclaré :  \r\n« L’appel d’offres était régulier »,\r\nselon le communiqué.\r\n";
    project.write("sources/note.txt", file);
    project.write(
        "sources/note.toml",
        "file = \"note.txt\"\ntitle = \"Note\"\npublisher = \"Ministère\"\nkind = \"government\"\nlanguage = \"fr\"\n",
    );
    let sha = clerk::files::sha256_hex(file.as_bytes());
    project.edit(
        "dossiers/harbour.toml",
        "[sources]\n",
        &format!("[sources]\nnote = \"sha256:{sha}\"\n"),
    );
    project.edit(
        "dossiers/harbour.toml",
        "note = \"The ministry gave no documents.\"\n",
        "note = \"The ministry gave no documents.\"\n\n[[claims.evidence]]\nsource = \"note\"\nquote = \"a déclaré : « L'appel d'offres était régulier\"\n",
    );
    build(&project, &["--emit", "json,annotations"]);
    let brief = read_json(&project, "output/harbour.json");
    let quote = brief["claims"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["quotes"].as_array().unwrap())
        .find(|q| q["source"] == "note")
        .unwrap();
    let exact = "a déclaré :\n« L’appel d’offres était régulier";
    assert_eq!(quote["passage"]["exact"], exact);
    assert_eq!(quote["passage"]["prefix"], "Préface\nLe ministre ");
    assert_eq!(quote["passage"]["suffix"], " »,\nselon le communiqué.\n");
    let (start, end) = (
        quote["passage"]["start"].as_u64().unwrap() as usize,
        quote["passage"]["end"].as_u64().unwrap() as usize,
    );
    let (text, _) = printed_text(&project, "note");
    let text: Vec<char> = text.chars().collect();
    assert_eq!((start, end), (20, 65));
    assert_eq!(chars(&text, start, end), exact);
    // The byte range counts the mark, the carriage return and the spaces
    // before it: it is a range of the file as stored.
    let range = &quote["file_bytes"];
    let (from, to) = (
        range["start"].as_u64().unwrap() as usize,
        range["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(
        &file.as_bytes()[from..to],
        "a déclaré :  \r\n« L’appel d’offres était régulier".as_bytes()
    );
    assert_eq!(from, file.find("a déclaré").unwrap());
}

/// The CSL-JSON schema of the Citation Style Language project.
fn csl_schema() -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_slice(&std::fs::read(schemas().join("csl/csl-data.json")).unwrap())
            .unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .offline()
        .build(&schema)
        .unwrap()
}

#[test]
fn the_csl_export_validates_against_csl_data_json() {
    let project = Project::example();
    build(&project, &["--emit", "csl"]);
    let items = read_json(&project, "output/nc-azerbaijan.csl.json");
    let validator = csl_schema();
    assert_eq!(errors(&validator, &items), Vec::<String>::new());

    let items = items.as_array().unwrap();
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "lemonde-2024-05-17",
            "lexpress-2024-05",
            "an-resolution-2025-03-28",
            "live-qa-2024-05-16",
            "an-question-1274",
            "lemonde-2024-05-17-web",
            "an-resolution-2025-03-28-print",
        ]
    );
    assert_eq!(
        items[0],
        json!({
            "id": "lemonde-2024-05-17",
            "type": "article-newspaper",
            "title": "Azerbaijan interference in New Caledonia is just part of the story",
            "container-title": "Le Monde",
            "publisher": "Le Monde",
            "issued": { "date-parts": [[2024, 5, 17]] },
            "accessed": { "date-parts": [[2025, 4, 1]] },
            "language": "en",
            "custom": {
                "sha256": "381da4ea24955599b6d262be006324cc9d924b8865506892fe670b52112798cb",
                "file": "lemonde-2024-05-17.txt"
            }
        })
    );
    let question = &items[4];
    assert_eq!(question["type"], "legislation");
    assert_eq!(question["authority"], "Assemblée nationale");
    assert_eq!(
        question["author"],
        json!([{ "literal": "Nicolas Metzdorf" }])
    );
    assert_eq!(items[3]["type"], "post");

    // The schema admits no key of its own: a digest at the top level fails.
    let mut broken = items[0].clone();
    broken["sha256"] = json!("381da4ea");
    assert_eq!(errors(&validator, &json!([broken])).len(), 1);
}

#[test]
fn exports_are_reproducible_and_leave_the_pdf_as_it_was() {
    let project = Project::example();
    let out = |name: &str| project.path(name).to_str().unwrap().to_string();
    build(&project, &["--out", &out("plain")]);
    build(
        &project,
        &["--out", &out("first"), "--emit", "json,annotations,csl"],
    );
    build(
        &project,
        &[
            "--out",
            &out("second"),
            "--emit",
            "csl,json",
            "--emit",
            "annotations",
        ],
    );
    let pdf = std::fs::read(project.path("plain/nc-azerbaijan.pdf")).unwrap();
    for out in ["first", "second"] {
        assert!(std::fs::read(project.path(&format!("{out}/nc-azerbaijan.pdf"))).unwrap() == pdf);
    }
    for export in EXPORTS {
        let name = format!("nc-azerbaijan.{export}");
        let first = std::fs::read(project.path(&format!("first/{name}"))).unwrap();
        let second = std::fs::read(project.path(&format!("second/{name}"))).unwrap();
        assert!(first == second, "{name} differs between two builds");
        assert!(first.ends_with(b"}\n") || first.ends_with(b"]\n"), "{name}");
        assert!(!project.path(&format!("plain/{name}")).exists());
    }
}

#[test]
fn the_provenance_names_the_pdf_and_each_export() {
    let project = Project::fixture("basic");
    build(&project, &["--emit", "json,annotations,csl"]);
    let statement = read_json(&project, "output/harbour.provenance.json");
    let digest = |name: &str| {
        clerk::files::sha256_hex(&std::fs::read(project.path(&format!("output/{name}"))).unwrap())
    };
    let expected: Vec<Value> = [
        "harbour.pdf",
        "harbour.json",
        "harbour.annotations.jsonld",
        "harbour.csl.json",
    ]
    .iter()
    .map(|name| json!({ "name": name, "digest": { "sha256": digest(name) } }))
    .collect();
    assert_eq!(statement["subject"], json!(expected));

    build(&project, &["--force"]);
    let statement = read_json(&project, "output/harbour.provenance.json");
    // Exports left by an earlier build are kept up to date, and listed.
    assert_eq!(statement["subject"].as_array().unwrap().len(), 4);
}

#[test]
fn an_export_asked_for_makes_a_brief_stale_and_is_then_kept_up_to_date() {
    let project = Project::fixture("basic");
    let stderr = build(&project, &[]);
    assert!(closing(&stderr).starts_with("built 1, fresh 0"), "{stderr}");
    let stderr = build(&project, &["--emit", "json"]);
    assert!(closing(&stderr).starts_with("built 1, fresh 0"), "{stderr}");
    let written = std::fs::read(project.path("output/harbour.json")).unwrap();
    let stderr = build(&project, &["--emit", "json"]);
    assert!(closing(&stderr).starts_with("built 0, fresh 1"), "{stderr}");
    let stderr = build(&project, &[]);
    assert!(closing(&stderr).starts_with("built 0, fresh 1"), "{stderr}");

    // An export edited by hand is stale: the next build writes it again,
    // asked for or not.
    project.edit(
        "output/harbour.json",
        "\"clerk_brief\": 1",
        "\"clerk_brief\": 2",
    );
    let stderr = build(&project, &[]);
    assert!(closing(&stderr).starts_with("built 1, fresh 0"), "{stderr}");
    assert!(std::fs::read(project.path("output/harbour.json")).unwrap() == written);

    // One not asked for and not there is not written.
    std::fs::remove_file(project.path("output/harbour.json")).unwrap();
    let stderr = build(&project, &[]);
    assert!(closing(&stderr).starts_with("built 0, fresh 1"), "{stderr}");
    assert!(!project.path("output/harbour.json").exists());
    let stderr = build(&project, &["--emit", "csl"]);
    assert!(closing(&stderr).starts_with("built 1, fresh 0"), "{stderr}");
    assert!(project.path("output/harbour.csl.json").is_file());
}

#[test]
fn emit_takes_a_comma_separated_list_and_may_repeat() {
    let project = Project::fixture("basic");
    build(&project, &["--emit", "typ,json", "--emit", "csl"]);
    for name in ["harbour.typ", "harbour.json", "harbour.csl.json"] {
        assert!(project.path(&format!("output/{name}")).is_file(), "{name}");
    }
    assert!(!project.path("output/harbour.annotations.jsonld").exists());

    let (status, _, stderr) = project.run(&["build", "--emit", "json,pdf"]);
    assert_eq!(status, 2, "{stderr}");
    assert!(
        stderr.starts_with("error: invalid value 'pdf' for '--emit <WHAT>'\n  [possible values: typ, json, annotations, csl, html, docx]\n"),
        "{stderr}"
    );
}

#[test]
fn verify_compares_each_export_beside_the_pdf() {
    let project = Project::fixture("basic");
    build(&project, &["--emit", "json,annotations,csl"]);
    let pdf = project.path("output/harbour.pdf");
    let (status, stdout, stderr) = project.run(&["verify", pdf.to_str().unwrap()]);
    assert_eq!(status, 0, "{stdout}{stderr}");
    for export in EXPORTS {
        let path = project.path(&format!("output/harbour.{export}"));
        let size = std::fs::metadata(&path).unwrap().len();
        let line = format!(
            "       ok  export        {}: byte-identical to the rebuild ({size} bytes)",
            path.display()
        );
        assert!(stdout.lines().any(|l| l == line), "{line}\n{stdout}");
    }

    // One changed byte is reported, with where it is.
    let csl = project.path("output/harbour.csl.json");
    let text = project.read("output/harbour.csl.json");
    let at = text.find("Harbour").unwrap();
    let mut bytes = text.into_bytes();
    bytes[at] ^= 0x20;
    std::fs::write(&csl, &bytes).unwrap();
    let (status, stdout, _) = project.run(&["verify", pdf.to_str().unwrap()]);
    assert_eq!(status, 1, "{stdout}");
    let line = format!(
        "  CHANGED  export        {}: differs from the rebuild at byte {at} ({n} bytes, rebuild {n} bytes): the inputs match those recorded, so this file was altered after it was built or comes from another build",
        csl.display(),
        n = bytes.len()
    );
    assert!(stdout.lines().any(|l| l == line), "{line}\n{stdout}");
    assert!(
        stdout.ends_with(&format!("NOT VERIFIED: {} (1 difference)\n", pdf.display())),
        "{stdout}"
    );
}

#[test]
fn verify_follows_a_renamed_brief_to_its_renamed_exports() {
    let project = Project::fixture("basic");
    build(&project, &["--emit", "json"]);
    std::fs::create_dir(project.path("mail")).unwrap();
    std::fs::copy(
        project.path("output/harbour.pdf"),
        project.path("mail/brief.pdf"),
    )
    .unwrap();
    std::fs::copy(
        project.path("output/harbour.json"),
        project.path("mail/brief.json"),
    )
    .unwrap();
    let (status, stdout, stderr) =
        project.run(&["verify", project.path("mail/brief.pdf").to_str().unwrap()]);
    assert_eq!(status, 0, "{stdout}{stderr}");
    let json = project.path("mail/brief.json");
    assert!(
        stdout.contains(&format!(
            "       ok  export        {}: byte-identical",
            json.display()
        )),
        "{stdout}"
    );
    // An export that is not there is not asked about.
    assert!(!stdout.contains("brief.csl.json"), "{stdout}");
}
