//! PDFs as LibreOffice and typst make them: running headers, footers and
//! page numbers left out of the text quotes are held to (and shown marked
//! by `clerk text`), quotes across page breaks, superscripts and
//! subscripts joined to their words; and damaged PDFs (cut short, a broken
//! cross-reference table, missing pages), which `add` refuses and `check`
//! reports. The fixtures are described in tests/fixtures/furniture/README.md.

mod common;

use common::{Project, pdf_text};

fn furniture() -> Project {
    Project::fixture("furniture")
}

/// The rows of `clerk text ID` that show line text `text`, exactly.
fn rows_with<'a>(listing: &'a str, text: &str) -> Vec<&'a str> {
    listing
        .lines()
        .filter(|row| row.split_once(" | ").is_some_and(|(_, t)| t == text))
        .collect()
}

#[test]
fn quotes_run_across_page_breaks_past_headers_and_footers() {
    let project = furniture();
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(stderr.contains("0 errors, 0 warnings"), "{stderr}");
}

#[test]
fn text_marks_libreoffice_headers_and_footers_as_furniture() {
    let project = furniture();
    let (status, stdout, stderr) = project.run(&["text", "decision"]);
    assert_eq!(status, 0, "{stderr}");
    // Between pages 3 and 4: page 3's footer, then page 4's header, neither
    // numbered; the considérant runs on from the last line of page 3 to the
    // first of page 4 in one paragraph.
    let at = stdout.rfind("| 25. Au surplus").expect(&stdout);
    let start = stdout[..at].rfind('\n').unwrap() + 1;
    let rows: Vec<&str> = stdout[start..].lines().take(4).collect();
    assert!(rows[0].starts_with("   3 "), "{rows:?}");
    assert_eq!(
        rows[1..3],
        [
            "   3     ·       | [page furniture] Page 3 sur 4",
            "   4     ·       | [page furniture] Décision n° 2025-1 QPC du 3 avril 2025 – Conseil constitutionnel",
        ]
    );
    assert!(
        rows[3].starts_with("   4 ")
            && rows[3].ends_with("| candidats évincés d'en connaître les motifs et, le cas échéant, de saisir le juge compétent de la"),
        "{}",
        rows[3]
    );
    let paragraph = |row: &str| row[10..16].trim().to_string();
    assert_eq!(paragraph(rows[3]), paragraph(rows[0]));
    // Every page's furniture is listed, and none of it is a line of text.
    for page in 1..=4 {
        assert_eq!(
            rows_with(&stdout, &format!("[page furniture] Page {page} sur 4")).len(),
            1,
            "{stdout}"
        );
        assert!(rows_with(&stdout, &format!("Page {page} sur 4")).is_empty());
    }
    assert_eq!(
        stdout
            .matches("[page furniture] Décision n° 2025-1 QPC du 3 avril 2025 – Conseil")
            .count(),
        4
    );
    // The title on page 1 is text, not the running header.
    assert_eq!(
        rows_with(&stdout, "Décision n° 2025-1 QPC du 3 avril 2025").len(),
        1,
        "{stdout}"
    );
}

#[test]
fn text_marks_typst_page_numbers_and_a_header_from_page_two() {
    let project = furniture();
    let (status, stdout, stderr) = project.run(&["text", "report"]);
    assert_eq!(status, 0, "{stderr}");
    let furniture: Vec<&str> = stdout
        .lines()
        .filter(|row| row.contains("[page furniture]"))
        .collect();
    assert_eq!(
        furniture,
        [
            "   1     ·       | [page furniture] – 1 –",
            "   2     ·       | [page furniture] Committee on Transport Report on harbour emissions, HC 412",
            "   2     ·       | [page furniture] – 2 –",
            "   3     ·       | [page furniture] Committee on Transport Report on harbour emissions, HC 412",
            "   3     ·       | [page furniture] – 3 –",
        ],
        "{stdout}"
    );
    // The first line of page 2 continues item 5 of page 1.
    let first_of_2 = stdout
        .lines()
        .find(|row| row.starts_with("   2 ") && !row.contains("[page furniture]"))
        .unwrap();
    assert!(
        first_of_2
            .ends_with("| recorded near the eastern quays exceeded the guideline values of the"),
        "{first_of_2}"
    );
    // JSON: the same rows, furniture as its own records.
    let (status, stdout, _) = project.run(&["text", "report", "--format", "json"]);
    assert_eq!(status, 0);
    let records: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let furniture: Vec<&serde_json::Value> = records
        .iter()
        .filter(|r| r["type"] == "furniture")
        .collect();
    assert_eq!(furniture.len(), 5);
    assert_eq!(
        furniture[0],
        &serde_json::json!({"type": "furniture", "page": 1, "text": "– 1 –"})
    );
    assert!(
        records
            .iter()
            .all(|r| r["type"] == "furniture" || r["type"] == "line")
    );
    let lines = records.iter().filter(|r| r["type"] == "line").count();
    assert_eq!(records.last().unwrap()["type"], "furniture");
    assert_eq!(
        records.iter().rev().find(|r| r["type"] == "line").unwrap()["line"],
        lines
    );
}

#[test]
fn superscripts_and_subscripts_join_their_words() {
    let project = furniture();
    let (_, decision, _) = project.run(&["text", "decision"]);
    assert!(
        decision.contains("| Article 1er. - L'article 1er de la loi n° 2024-301 du 3 mars 2024 relative au contrôle des\n"),
        "{decision}"
    );
    assert!(
        decision.contains("conformité aux droits et libertés que la Constitution garantit de l'article 1er de la loi du 3\n"),
        "{decision}"
    );
    let (_, report, _) = project.run(&["text", "report"]);
    assert!(
        report
            .contains("| The committee held its 1st session on the harbour on 3 March 2025 and\n"),
        "{report}"
    );
    assert!(report.contains("emissions of CO2\n"), "{report}");
    assert!(
        report.contains("| and NOx from vessels at berth.\n"),
        "{report}"
    );
}

#[test]
fn a_quote_across_pages_is_cited_with_both_pages() {
    let project = furniture();
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 0, "{stderr}");
    let text = pdf_text(&std::fs::read(project.path("output/furniture.pdf")).unwrap());
    assert!(
        text.contains("World Health Organization [1, pp. 1–2]"),
        "{text}"
    );
    assert!(
        text.contains("d'en connaître les motifs [2, pp. 3–4]"),
        "{text}"
    );
}

/// Runs `clerk add FILE --kind other --publisher P` from the project folder.
fn add(project: &Project, file: &str) -> (i32, String, String) {
    let output = project
        .clerk(&["add", file, "--kind", "other", "--publisher", "P"])
        .current_dir(project.root())
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

const DOWNLOAD_AGAIN: &str = "help: download it again, or ask whoever sent it for a new copy: clerk pins no PDF that opens only after repair, as what a reader makes of it may not be the document\n";

/// A copy of a fixture PDF damaged by `damage`, added from `inbox/`: the
/// error `clerk add` prints, after checking it wrote nothing.
fn refused(damage: impl Fn(&mut Vec<u8>)) -> String {
    let project = furniture();
    let mut bytes = std::fs::read(project.path("sources/decision.pdf")).unwrap();
    damage(&mut bytes);
    project.write("inbox/damaged.pdf", &bytes);
    let (status, stdout, stderr) = add(&project, "inbox/damaged.pdf");
    assert_eq!((status, stdout.as_str()), (2, ""), "{stderr}");
    assert!(!project.path("sources/damaged.pdf").exists());
    assert!(!project.path("sources/damaged.toml").exists());
    let (message, help) = stderr.split_at(stderr.find("help: ").expect(&stderr));
    assert_eq!(help, DOWNLOAD_AGAIN);
    message.to_string()
}

#[test]
fn add_refuses_a_pdf_cut_short() {
    let length = std::fs::read("tests/fixtures/furniture/sources/decision.pdf")
        .unwrap()
        .len();
    for cut in [length / 4, length / 2, 3 * length / 4, length - 8] {
        let message = refused(|bytes| bytes.truncate(cut));
        assert_eq!(
            message,
            format!(
                "error: `inbox/damaged.pdf` is damaged (it does not end with the end-of-file marker `%%EOF`: it was cut short after {cut} bytes, as a partial download is)\n"
            ),
            "cut at {cut}"
        );
    }
}

/// The byte offset `startxref` gives, and where that number stands.
fn startxref(bytes: &[u8]) -> (usize, std::ops::Range<usize>) {
    let at = bytes.windows(9).rposition(|w| w == b"startxref").unwrap() + 9;
    let start = at + bytes[at..].iter().position(u8::is_ascii_digit).unwrap();
    let end = start
        + bytes[start..]
            .iter()
            .position(|b| !b.is_ascii_digit())
            .unwrap();
    let offset = std::str::from_utf8(&bytes[start..end])
        .unwrap()
        .parse()
        .unwrap();
    (offset, start..end)
}

#[test]
fn add_refuses_a_pdf_whose_cross_reference_table_is_broken() {
    // `startxref` points ten bytes too far.
    let message = refused(|bytes| {
        let (offset, digits) = startxref(bytes);
        let moved = format!("{:0width$}", offset + 10, width = digits.len());
        bytes.splice(digits, moved.into_bytes());
    });
    assert!(
        message.starts_with("error: `inbox/damaged.pdf` is damaged (its cross-reference table is not where `startxref` says (byte "),
        "{message}"
    );
    // An entry of the table points into the middle of another object.
    let message = refused(|bytes| {
        let (offset, _) = startxref(bytes);
        let table = &bytes[offset..];
        let entry = table.windows(3).position(|w| w == b" n ").unwrap() - 16;
        let at = offset + entry;
        bytes[at + 9] = if bytes[at + 9] == b'9' {
            b'0'
        } else {
            bytes[at + 9] + 1
        };
    });
    assert!(
        message.starts_with("error: `inbox/damaged.pdf` is damaged (its cross-reference table does not point at object "),
        "{message}"
    );
}

#[test]
fn add_refuses_a_pdf_with_fewer_pages_than_it_declares() {
    let message = refused(|bytes| {
        let at = bytes.windows(8).position(|w| w == b"/Count 4").unwrap();
        bytes[at + 7] = b'5';
    });
    assert_eq!(
        message,
        "error: `inbox/damaged.pdf` is damaged (it declares 5 pages but holds 4)\n"
    );
}

#[test]
fn check_reports_a_damaged_pdf_with_what_to_do() {
    let project = furniture();
    let bytes = std::fs::read(project.path("sources/report.pdf")).unwrap();
    let cut = bytes.len() / 4;
    project.write("sources/report.pdf", &bytes[..cut]);
    let pin = clerk::files::sha256_hex(&bytes[..cut]);
    project.edit(
        "dossiers/furniture.toml",
        "report = \"sha256:b1557edf97e2454a5deb64ef2e5d8a9c874b383b6560ddd7b905651da3cc86fb\"",
        &format!("report = \"sha256:{pin}\""),
    );
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "error[empty-text]: `sources/report.pdf` is damaged (it does not end with the end-of-file marker `%%EOF`: it was cut short after {cut} bytes, as a partial download is)\n"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("  = {DOWNLOAD_AGAIN}")),
        "{stderr}"
    );
    // Whole, the fixtures are accepted.
    let project = furniture();
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 0, "{stderr}");
}
