//! The Word edition (`clerk build --emit docx`): the brief's content and
//! numbering in named styles, links to bookmarks, fields in the footer,
//! the timeline as a picture with alternative text; read back by
//! LibreOffice and pandoc (both installed under CI); reproducible, fresh,
//! listed in the provenance, verified; restyled by templates/reference.docx
//! and by nothing else.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::Path;
use std::process::Command;

use common::Project;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

fn build(project: &Project, args: &[&str]) -> String {
    let (status, _, stderr) = project.run(&[&["build"], args].concat());
    assert_eq!(status, 0, "{stderr}");
    stderr
}

fn closing(stderr: &str) -> &str {
    stderr.lines().last().unwrap_or_default()
}

/// The parts of a package, in the order they are stored.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut file = zip.by_index(i).unwrap();
            let mut content = Vec::new();
            file.read_to_end(&mut content).unwrap();
            (file.name().unwrap().into_owned(), content)
        })
        .collect()
}

fn part(parts: &[(String, Vec<u8>)], name: &str) -> String {
    let (_, bytes) = parts
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no part {name}"));
    String::from_utf8(bytes.clone()).unwrap()
}

/// The package with part `name` replaced by `content`.
fn rezip(bytes: &[u8], name: &str, content: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (part_name, part_bytes) in unzip(bytes) {
        let bytes = if part_name == name {
            content
        } else {
            &part_bytes
        };
        zip.start_file(part_name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn fold(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of every `w:t` of each paragraph, with its style.
fn paragraphs(xml: &str) -> Vec<(String, String)> {
    let document = roxmltree::Document::parse(xml).unwrap();
    document
        .descendants()
        .filter(|n| n.has_tag_name((W, "p")))
        .map(|p| {
            let style = p
                .descendants()
                .find(|n| n.has_tag_name((W, "pStyle")))
                .and_then(|s| s.attribute((W, "val")))
                .unwrap_or("")
                .to_string();
            let text: String = p
                .descendants()
                .filter(|n| n.has_tag_name((W, "t")))
                .filter_map(|n| n.text())
                .collect();
            (style, text)
        })
        .collect()
}

/// The brief as data (`--emit json`), whose quotes, citations and
/// references every edition must carry.
fn data(project: &Project) -> serde_json::Value {
    serde_json::from_str(&project.read("output/harbour.json")).unwrap()
}

fn quotes_and_citations(data: &serde_json::Value) -> Vec<(String, String)> {
    data["claims"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["quotes"].as_array().unwrap().clone())
        .map(|q| {
            (
                q["text"].as_str().unwrap().to_string(),
                q["citation"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_word_edition_has_the_briefs_content_in_named_styles() {
    let project = Project::fixture("basic");
    build(&project, &["--emit", "docx,json"]);
    let docx = std::fs::read(project.path("output/harbour.docx")).unwrap();
    let parts = unzip(&docx);
    assert_eq!(parts[0].0, "[Content_Types].xml");
    for (name, bytes) in &parts {
        if name.ends_with(".xml") || name.ends_with(".rels") {
            let text = std::str::from_utf8(bytes).unwrap();
            assert!(roxmltree::Document::parse(text).is_ok(), "{name}");
        }
    }
    let document = part(&parts, "word/document.xml");
    let paragraphs = paragraphs(&document);
    let styled = |style: &str| -> Vec<String> {
        paragraphs
            .iter()
            .filter(|(s, _)| s == style)
            .map(|(_, t)| t.clone())
            .collect()
    };
    assert_eq!(styled("Title"), ["Harbour contract"]);
    assert_eq!(styled("Subtitle"), ["A test brief"]);
    assert_eq!(
        styled("Byline"),
        ["1 February 2025 · Prepared by Test Unit"]
    );
    assert_eq!(
        styled("Heading1"),
        [
            "Summary",
            "The debate at a glance",
            "Allegations",
            "Denials",
            "Official positions",
            "References",
            "Source integrity"
        ]
    );
    assert_eq!(
        styled("ClaimHeading"),
        [
            "A1 · Opposition members, 16 May 2024",
            "D1 · The company's chief executive",
            "P1 · The ministry"
        ]
    );
    assert_eq!(
        styled("ClaimNote"),
        ["Note. The ministry gave no documents."]
    );
    assert_eq!(
        styled("Translation"),
        [
            "Translation (translated by Policy Unit): The contract was awarded in accordance with the law."
        ]
    );
    // Every quote in the Quote style, ending with its citation, as in the
    // PDF; the references in the Bibliography style, numbered.
    let data = data(&project);
    let quotes = styled("Quote");
    let expected = quotes_and_citations(&data);
    assert_eq!(quotes.len(), expected.len());
    for ((quote, citation), paragraph) in expected.iter().zip(&quotes) {
        assert_eq!(paragraph, &format!("{quote} {citation}"));
    }
    let bibliography = styled("Bibliography");
    assert_eq!(bibliography.len(), 3);
    for (n, entry) in bibliography.iter().enumerate() {
        assert!(entry.starts_with(&format!("[{}]", n + 1)), "{entry}");
        assert!(entry.contains("fingerprint "), "{entry}");
    }
    // Named styles, not direct formatting: no sizes, colours, fonts or
    // alignment in the body (the citation style's italics are the
    // entries' own).
    for direct in [
        "<w:sz ",
        "<w:color ",
        "<w:rFonts ",
        "<w:jc ",
        "<w:u ",
        "<w:highlight ",
    ] {
        assert!(!document.contains(direct), "{direct} in the body");
    }
    // Every link to a claim or reference lands on a bookmark, and every
    // citation links to its reference.
    let parsed = roxmltree::Document::parse(&document).unwrap();
    let bookmarks: BTreeSet<&str> = parsed
        .descendants()
        .filter(|n| n.has_tag_name((W, "bookmarkStart")))
        .filter_map(|n| n.attribute((W, "name")))
        .collect();
    let anchors: Vec<&str> = parsed
        .descendants()
        .filter(|n| n.has_tag_name((W, "hyperlink")))
        .filter_map(|n| n.attribute((W, "anchor")))
        .collect();
    assert!(anchors.len() >= 5 + 2 + 2, "{anchors:?}");
    for anchor in &anchors {
        assert!(bookmarks.contains(anchor), "{anchor} has no bookmark");
    }
    assert!(bookmarks.contains("claim_rigged_tender") && bookmarks.contains("ref_1"));
    for node in parsed
        .descendants()
        .filter(|n| n.has_tag_name((W, "hyperlink")))
    {
        let style = node
            .descendants()
            .find(|n| n.has_tag_name((W, "rStyle")))
            .and_then(|s| s.attribute((W, "val")));
        if style == Some("Citation") {
            let text: String = node.descendants().filter_map(|n| n.text()).collect();
            let number = text.trim_start_matches('[').split(',').next().unwrap();
            assert_eq!(
                node.attribute((W, "anchor")),
                Some(format!("ref_{number}").as_str())
            );
        }
    }
    // The French quote says its language; the document says its own.
    assert!(document.contains("<w:lang w:val=\"fr\"/>"));
    let styles = part(&parts, "word/styles.xml");
    assert!(styles.contains("<w:lang w:val=\"en\"/>"));
    let core = part(&parts, "docProps/core.xml");
    assert!(
        core.contains("<dc:title>Harbour contract</dc:title>"),
        "{core}"
    );
    assert!(core.contains("<dc:language>en</dc:language>"), "{core}");
    // The timeline, a picture with the figure in words as its alternative
    // text; the tables' header rows marked as such.
    let picture = parsed
        .descendants()
        .find(|n| n.tag_name().name() == "docPr")
        .expect("the timeline picture");
    let description = picture.attribute("descr").unwrap();
    assert!(
        description.contains("A1") && description.contains("D1"),
        "{description}"
    );
    let png = parts
        .iter()
        .find(|(n, _)| n == "word/media/timeline.png")
        .unwrap();
    assert!(png.1.starts_with(b"\x89PNG"));
    let tables: Vec<_> = parsed
        .descendants()
        .filter(|n| n.has_tag_name((W, "tbl")))
        .collect();
    assert_eq!(tables.len(), 2);
    for table in tables {
        let first_row = table
            .children()
            .find(|n| n.has_tag_name((W, "tr")))
            .unwrap();
        assert!(
            first_row
                .descendants()
                .any(|n| n.has_tag_name((W, "tblHeader")))
        );
    }
    // Marking in the header, page x of y as fields in the footer.
    let header = part(&parts, "word/header1.xml");
    assert!(header.contains(">OFFICIAL<") && header.contains("Harbour contract"));
    let footer = part(&parts, "word/footer1.xml");
    assert!(
        footer.contains(" PAGE ") && footer.contains(" NUMPAGES "),
        "{footer}"
    );
    assert!(footer.contains(">OFFICIAL<") && footer.contains("Page "));
}

#[test]
fn a_french_brief_has_french_words_and_language() {
    let project = Project::fixture("french");
    build(&project, &["--emit", "docx"]);
    let parts = unzip(&std::fs::read(project.path("output/renseignement.docx")).unwrap());
    let document = part(&parts, "word/document.xml");
    let headings: Vec<String> = paragraphs(&document)
        .into_iter()
        .filter(|(s, _)| s == "Heading1")
        .map(|(_, t)| t)
        .collect();
    assert_eq!(headings[0], "Synthèse");
    assert!(part(&parts, "word/styles.xml").contains("<w:lang w:val=\"fr\"/>"));
    assert!(part(&parts, "docProps/core.xml").contains("<dc:language>fr</dc:language>"));
    assert!(part(&parts, "word/footer1.xml").contains("Page "));
    assert!(part(&parts, "word/footer1.xml").contains(" sur "));
}

/// Runs a program the test relies on; `None` (after a notice) when it is
/// not installed, except under CI, where that fails the test.
fn tool(program: &str, args: &[&str], package: &str) -> Option<std::process::Output> {
    match Command::new(program).args(args).output() {
        Ok(output) => Some(output),
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("{program} is not installed: this test cannot run under CI")
        }
        Err(_) => {
            eprintln!("SKIPPED: {program} is not installed (apt-get install {package})");
            None
        }
    }
}

/// LibreOffice, headless, with a profile of its own so that tests running
/// at once do not share one; converts `file` into `dir` as `to`.
fn soffice(file: &Path, dir: &Path, to: &str) -> Option<std::process::Output> {
    let profile = tempfile::tempdir().unwrap();
    let profile = format!("-env:UserInstallation=file://{}", profile.path().display());
    let output = tool(
        "soffice",
        &[
            &profile,
            "--headless",
            "--convert-to",
            to,
            "--outdir",
            dir.to_str().unwrap(),
            file.to_str().unwrap(),
        ],
        "libreoffice-writer",
    )?;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(output)
}

#[test]
fn libreoffice_opens_it_and_finds_every_quote_citation_and_reference() {
    let project = Project::fixture("basic");
    build(&project, &["--emit", "docx,json"]);
    let out = tempfile::tempdir().unwrap();
    let docx = project.path("output/harbour.docx");
    if soffice(&docx, out.path(), "txt:Text (encoded):UTF8").is_none() {
        return;
    }
    let text = fold(&std::fs::read_to_string(out.path().join("harbour.txt")).unwrap());
    let data = data(&project);
    for (quote, citation) in quotes_and_citations(&data) {
        assert!(
            text.contains(&fold(&format!("{quote} {citation}"))),
            "{quote} {citation} not in:\n{text}"
        );
    }
    for reference in data["references"].as_array().unwrap() {
        // The citation style may change a title's case.
        let title = reference["title"].as_str().unwrap().to_lowercase();
        assert!(text.to_lowercase().contains(&title), "{title}");
        let sha256 = reference["sha256"].as_str().unwrap();
        let number = reference["number"].as_u64().unwrap();
        assert!(text.contains(&format!("[{number}] ")), "[{number}]");
        assert!(
            text.contains(&format!("fingerprint {}", &sha256[..16])),
            "{sha256}"
        );
        assert!(text.contains(sha256), "{sha256}");
    }
    // And lays it out as pages: a PDF with the same text.
    soffice(&docx, out.path(), "pdf").unwrap();
    let pdf = common::pdf_text(&std::fs::read(out.path().join("harbour.pdf")).unwrap());
    assert!(
        pdf.contains("Harbour contract") && pdf.contains("Page 1 of"),
        "{pdf}"
    );
    assert!(pdf.contains("[1, ¶1]") || pdf.contains("[1, ¶"), "{pdf}");
}

#[test]
fn pandoc_finds_the_same_text_and_the_heading_structure() {
    let project = Project::fixture("basic");
    build(&project, &["--emit", "docx,json"]);
    let docx = project.path("output/harbour.docx");
    let docx = docx.to_str().unwrap();
    let Some(plain) = tool(
        "pandoc",
        &["-f", "docx", "-t", "plain", "--wrap=none", docx],
        "pandoc",
    ) else {
        return;
    };
    assert!(plain.status.success());
    let text = fold(&String::from_utf8(plain.stdout).unwrap());
    for (quote, citation) in quotes_and_citations(&data(&project)) {
        assert!(
            text.contains(&fold(&format!("{quote} {citation}"))),
            "{quote} {citation} not in:\n{text}"
        );
    }
    let json = tool(
        "pandoc",
        &["-f", "docx+styles", "-t", "json", docx],
        "pandoc",
    )
    .unwrap();
    assert!(json.status.success());
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let mut headers = Vec::new();
    let mut custom = BTreeSet::new();
    walk(&json["blocks"], &mut headers, &mut custom);
    let level = |n: u64| -> Vec<String> {
        headers
            .iter()
            .filter(|(l, _)| *l == n)
            .map(|(_, t)| t.clone())
            .collect()
    };
    assert_eq!(
        level(1),
        [
            "Summary",
            "The debate at a glance",
            "Allegations",
            "Denials",
            "Official positions",
            "References",
            "Source integrity"
        ]
    );
    assert_eq!(level(2).len(), 3, "{headers:?}");
    assert!(level(2)[0].starts_with("A1"), "{headers:?}");
    // clerk's own styles are there by name.
    for style in [
        "Citation",
        "Claim Note",
        "Translation",
        "Fingerprint",
        "Hash",
        "Marking",
    ] {
        if style != "Marking" {
            assert!(custom.contains(style), "{style} not in {custom:?}");
        }
    }
}

/// Headers (level, text) and custom style names in pandoc's JSON.
fn walk(
    value: &serde_json::Value,
    headers: &mut Vec<(u64, String)>,
    custom: &mut BTreeSet<String>,
) {
    match value {
        serde_json::Value::Object(map) => {
            if map.get("t").and_then(|t| t.as_str()) == Some("Header") {
                let content = &map["c"];
                let mut words = String::new();
                inline_text(&content[2], &mut words);
                headers.push((content[0].as_u64().unwrap(), fold(&words)));
            }
            if let Some(serde_json::Value::Array(attributes)) =
                map.get("c").and_then(|c| c.get(0)).and_then(|a| a.get(2))
            {
                for pair in attributes {
                    if pair[0] == "custom-style" {
                        custom.insert(pair[1].as_str().unwrap_or_default().to_string());
                    }
                }
            }
            for child in map.values() {
                walk(child, headers, custom);
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                walk(item, headers, custom);
            }
        }
        _ => {}
    }
}

fn inline_text(value: &serde_json::Value, out: &mut String) {
    match value {
        serde_json::Value::Object(map) => match map.get("t").and_then(|t| t.as_str()) {
            Some("Str") => out.push_str(map["c"].as_str().unwrap_or_default()),
            Some("Space") => out.push(' '),
            _ => {
                if let Some(c) = map.get("c") {
                    inline_text(c, out);
                }
            }
        },
        serde_json::Value::Array(items) => {
            for item in items {
                inline_text(item, out);
            }
        }
        _ => {}
    }
}

#[test]
fn the_word_edition_is_reproducible_listed_fresh_and_verified() {
    let project = Project::fixture("basic");
    build(&project, &["--emit", "docx"]);
    let first = std::fs::read(project.path("output/harbour.docx")).unwrap();
    let pdf = std::fs::read(project.path("output/harbour.pdf")).unwrap();
    std::fs::remove_dir_all(project.path("output")).unwrap();
    build(&project, &["--emit", "docx"]);
    assert_eq!(
        std::fs::read(project.path("output/harbour.docx")).unwrap(),
        first
    );
    // The PDF is the same with or without its Word edition.
    std::fs::remove_dir_all(project.path("output")).unwrap();
    build(&project, &[]);
    assert_eq!(
        std::fs::read(project.path("output/harbour.pdf")).unwrap(),
        pdf
    );
    build(&project, &["--emit", "docx"]);
    // Every entry dated the brief's date.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&first)).unwrap();
    for i in 0..zip.len() {
        let file = zip.by_index(i).unwrap();
        let date = file.last_modified().unwrap();
        assert_eq!(
            (date.year(), date.month(), date.day()),
            (2025, 2, 1),
            "{:?}",
            file.name()
        );
    }
    let provenance = project.read("output/harbour.provenance.json");
    assert!(provenance.contains("\"harbour.docx\""), "{provenance}");
    // Kept up to date once written, asked for or not.
    assert!(closing(&build(&project, &[])).starts_with("built 0, fresh 1"));

    // verify rebuilds the .docx as it does a PDF, by the manifest it carries.
    let docx_path = project.path("output/harbour.docx");
    let docx_path = docx_path.to_str().unwrap();
    let (status, stdout, stderr) = project.run(&["verify", docx_path]);
    assert_eq!(status, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("ok  docx          rebuilt in memory: byte-identical"),
        "{stdout}"
    );
    assert!(
        stdout.contains("ok  dossier       dossiers/harbour.toml"),
        "{stdout}"
    );
    // Beside the PDF it is compared too.
    let pdf_path = project.path("output/harbour.pdf");
    let (status, stdout, _) = project.run(&["verify", pdf_path.to_str().unwrap()]);
    assert_eq!(status, 0, "{stdout}");
    assert!(stdout.contains("harbour.docx: byte-identical"), "{stdout}");
    // A .docx opened and saved elsewhere is not the one clerk built.
    let tampered = rezip(
        &first,
        "word/document.xml",
        part(&unzip(&first), "word/document.xml")
            .replace("rigged", "fixed")
            .as_bytes(),
    );
    std::fs::write(project.path("output/harbour.docx"), tampered).unwrap();
    let (status, stdout, _) = project.run(&["verify", docx_path]);
    assert_eq!(status, 1, "{stdout}");
    assert!(stdout.contains("CHANGED  docx"), "{stdout}");
    assert!(stdout.contains("altered after it was built"), "{stdout}");
    // And one without clerk's manifest cannot be judged.
    std::fs::write(
        project.path("output/harbour.docx"),
        rezip(&first, "customXml/item1.xml", b"<other/>"),
    )
    .unwrap();
    let (status, stdout, _) = project.run(&["verify", docx_path]);
    assert_eq!(status, 1, "{stdout}");
    assert!(
        stdout.contains("MISSING  manifest      customXml: the .docx carries no clerk manifest"),
        "{stdout}"
    );
    // A damaged one is reported as such.
    std::fs::write(
        project.path("output/harbour.docx"),
        &first[..first.len() / 2],
    )
    .unwrap();
    let (status, stdout, _) = project.run(&["verify", docx_path]);
    assert_eq!(status, 1, "{stdout}");
    assert!(
        stdout.contains("FAILED  docx          structure: the .docx is damaged"),
        "{stdout}"
    );
}

/// `word/styles.xml`'s style elements by id.
fn styles_by_id(xml: &str) -> BTreeMap<String, String> {
    let document = roxmltree::Document::parse(xml).unwrap();
    document
        .root_element()
        .children()
        .filter(|n| n.has_tag_name((W, "style")))
        .map(|n| {
            (
                n.attribute((W, "styleId")).unwrap().to_string(),
                xml[n.range()].to_string(),
            )
        })
        .collect()
}

#[test]
fn a_reference_docx_restyles_the_word_edition_and_nothing_else() {
    let project = Project::fixture("basic");
    build(&project, &["--emit", "docx"]);
    let builtin = std::fs::read(project.path("output/harbour.docx")).unwrap();
    let pdf = std::fs::read(project.path("output/harbour.pdf")).unwrap();

    // clerk's own reference document gives the same document and styles.
    let output = project
        .clerk(&["template", "reference-docx"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let reference = output.stdout;
    assert!(reference.starts_with(b"PK\x03\x04"));
    project.write("templates/reference.docx", &reference);
    let stderr = build(&project, &[]);
    assert!(closing(&stderr).starts_with("built 1, fresh 0"), "{stderr}");
    let same = std::fs::read(project.path("output/harbour.docx")).unwrap();
    for name in [
        "word/document.xml",
        "word/styles.xml",
        "word/header1.xml",
        "word/footer1.xml",
    ] {
        assert_eq!(
            part(&unzip(&same), name),
            part(&unzip(&builtin), name),
            "{name}"
        );
    }
    assert_eq!(
        std::fs::read(project.path("output/harbour.pdf")).unwrap(),
        pdf
    );

    // A Heading 1 made larger and red in the reference document changes
    // the Heading 1 of the brief, and nothing else.
    let styles = part(&unzip(&reference), "word/styles.xml");
    let heading = &styles_by_id(&styles)["Heading1"];
    let restyled = heading
        .replace("<w:sz w:val=\"28\"/>", "<w:sz w:val=\"40\"/>")
        .replace("1F3A5F", "C00000");
    assert_ne!(&restyled, heading);
    let edited = rezip(
        &reference,
        "word/styles.xml",
        styles.replace(heading.as_str(), &restyled).as_bytes(),
    );
    project.write("templates/reference.docx", &edited);
    let stderr = build(&project, &[]);
    assert!(closing(&stderr).starts_with("built 1, fresh 0"), "{stderr}");
    let after = unzip(&std::fs::read(project.path("output/harbour.docx")).unwrap());
    let before = unzip(&same);
    let (old, new) = (
        styles_by_id(&part(&before, "word/styles.xml")),
        styles_by_id(&part(&after, "word/styles.xml")),
    );
    let changed: Vec<&String> = new
        .keys()
        .filter(|id| old.get(*id) != new.get(*id))
        .collect();
    assert_eq!(changed, ["Heading1"]);
    assert_eq!(new["Heading1"], restyled);
    for name in [
        "word/document.xml",
        "word/header1.xml",
        "word/footer1.xml",
        "word/settings.xml",
    ] {
        assert_eq!(part(&after, name), part(&before, name), "{name}");
    }
    // The PDF is untouched: its inputs do not include the reference.
    assert_eq!(
        std::fs::read(project.path("output/harbour.pdf")).unwrap(),
        pdf
    );
    assert!(closing(&build(&project, &[])).starts_with("built 0, fresh 1"));
    let pdf_path = project.path("output/harbour.pdf");
    let (status, stdout, _) = project.run(&["verify", pdf_path.to_str().unwrap()]);
    assert_eq!(status, 0, "{stdout}");

    // The .docx's manifest records the reference document: an edit since
    // is named.
    let docx_path = project.path("output/harbour.docx");
    let (status, stdout, _) = project.run(&["verify", docx_path.to_str().unwrap()]);
    assert_eq!(status, 0, "{stdout}");
    assert!(
        stdout.contains("ok  reference doc templates/reference.docx"),
        "{stdout}"
    );
    project.write("templates/reference.docx", &reference);
    let (status, stdout, _) = project.run(&["verify", docx_path.to_str().unwrap()]);
    assert_eq!(status, 1, "{stdout}");
    assert!(
        stdout.contains("CHANGED  reference doc templates/reference.docx"),
        "{stdout}"
    );
}

#[test]
fn an_unusable_reference_docx_fails_the_word_edition_naming_it() {
    let project = Project::fixture("basic");
    project.write("templates/reference.docx", "not a Word document");
    let (status, _, stderr) = project.run(&["build", "--emit", "docx"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("the reference document `templates/reference.docx` cannot be used: it is not a Word document"), "{stderr}");
    assert!(
        stderr.contains("clerk template reference-docx > templates/reference.docx"),
        "{stderr}"
    );
    assert!(!project.path("output/harbour.pdf").exists());
    // Without --emit docx it is not read at all.
    build(&project, &[]);
    // And clerk does not write a Word document to a terminal: it is a
    // file (tested where stdout is not one, so only the JSON form here).
    let (status, stdout, _) = project.run(&["--format", "json", "template", "reference-docx"]);
    assert_eq!(status, 0);
    assert!(stdout.contains("\"name\":\"reference-docx\""), "{stdout}");
}

#[test]
fn any_text_a_dossier_holds_is_written_as_text() {
    let project = Project::fixture("basic");
    let hostile = "</w:t><w:p>& \"quoted\" 'single' <b>bold</b>\u{1}\u{b} ]]>";
    project.edit(
        "dossiers/harbour.toml",
        "title = \"Harbour contract\"",
        &format!("title = {}", toml_string(&format!("Harbour {hostile}"))),
    );
    project.edit(
        "dossiers/harbour.toml",
        "note = \"The ministry gave no documents.\"",
        &format!("note = {}", toml_string(hostile)),
    );
    build(&project, &["--emit", "docx"]);
    let parts = unzip(&std::fs::read(project.path("output/harbour.docx")).unwrap());
    let clean = hostile.replace(['\u{1}', '\u{b}'], "");
    let document = part(&parts, "word/document.xml");
    let paragraphs = paragraphs(&document);
    assert!(
        paragraphs.contains(&("Title".to_string(), format!("Harbour {clean}"))),
        "{paragraphs:?}"
    );
    assert!(
        paragraphs.contains(&("ClaimNote".to_string(), format!("Note. {clean}"))),
        "{paragraphs:?}"
    );
    for name in ["word/header1.xml", "docProps/core.xml"] {
        let text = part(&parts, name);
        let parsed = roxmltree::Document::parse(&text).unwrap();
        let all: String = parsed.descendants().filter_map(|n| n.text()).collect();
        assert!(all.contains(&clean), "{name}: {all}");
    }
}

/// `text` as a TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
