//! `clerk find`: passages found in a text, an HTML and a PDF source, each
//! offered as an evidence block that passes `check` once pasted; near
//! misses ranked after exact hits; JSON for editors; the bad cases.

mod common;

use common::Project;

/// Runs `clerk find SOURCE WORDS…` and returns (status, stdout, stderr).
fn find(project: &Project, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["find"];
    all.extend_from_slice(args);
    project.run(&all)
}

/// The first `[[claims.evidence]]` block of `find`'s output, as printed.
fn first_block(stdout: &str) -> String {
    let start = stdout
        .find("[[claims.evidence]]")
        .expect("an evidence block");
    let block = &stdout[start..];
    let end = block.find("\n\n").map_or(block.len(), |e| e + 1);
    block[..end].to_string()
}

/// Appends a claim whose evidence is `block` (as `find` printed it) to
/// `dossier`, which must already pin the source.
fn paste(project: &Project, dossier: &str, block: &str) {
    let text = project.read(dossier);
    project.write(
        dossier,
        format!(
            "{text}\n[[claims]]\nid = \"pasted\"\nkind = \"official-position\"\nby = \"X\"\nstatement = \"S\"\nresponds-to = [\"{}\"]\n\n{block}",
            if dossier.contains("harbour") { "rigged-tender" } else { "committee-finding" }
        ),
    );
}

/// Pastes `block` and asserts that `check` passes with no error and no
/// new warning.
fn assert_pasted_block_checks(project: &Project, dossier: &str, block: &str) {
    paste(project, dossier, block);
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 0, "pasting\n{block}\ngave:\n{stderr}");
    assert!(stderr.ends_with("0 errors, 0 warnings\n"), "{stderr}");
}

#[test]
fn a_text_passage_pastes_into_a_dossier_that_checks() {
    let project = Project::fixture("basic");
    let (status, stdout, stderr) = find(&project, &["alpha", "rigged", "in", "favour"]);
    assert_eq!(status, 0, "{stderr}");
    // The passage runs over a line break of the source, folded into a
    // space; the whole sentence is offered.
    assert_eq!(
        stdout,
        "# 1. exact: sources/press/alpha.txt line 6, ¶3\n\
         [[claims.evidence]]\n\
         source = \"alpha\"\n\
         quote = \"Opposition members alleged that the tender had been rigged in favour of a single bidder, citing internal e-mails.\"\n"
    );
    assert_eq!(
        stderr,
        "found 1 exact passage and 0 near misses for \"rigged in favour\" in source `alpha`\n"
    );
    assert_pasted_block_checks(&project, "dossiers/harbour.toml", &first_block(&stdout));
}

#[test]
fn quotation_marks_of_the_source_are_kept_and_balanced() {
    let project = Project::fixture("basic");
    let (status, stdout, _) = find(&project, &["alpha", "entirely", "baseless"]);
    assert_eq!(status, 0);
    let block = first_block(&stdout);
    assert_eq!(
        block,
        "[[claims.evidence]]\nsource = \"alpha\"\nquote = \"The company’s chief executive called the allegations “entirely baseless”.\"\n"
    );
    assert_pasted_block_checks(&project, "dossiers/harbour.toml", &block);
}

#[test]
fn an_html_passage_pastes_into_a_dossier_that_checks() {
    let project = Project::fixture("documents");
    // The page's no-break spaces inside the guillemets are kept as they are.
    let (status, stdout, _) = find(&project, &["article", "FULLY", "lawful"]);
    assert_eq!(status, 0);
    assert_eq!(
        stdout,
        "# 1. exact but for case: sources/article.html ¶2\n\
         [[claims.evidence]]\n\
         source = \"article\"\n\
         quote = \"The minister’s office said the contract was «\u{a0}fully lawful\u{a0}» and that the tender “followed every rule”.\"\n"
    );
    assert_pasted_block_checks(&project, "dossiers/papers.toml", &first_block(&stdout));
}

#[test]
fn a_pdf_passage_with_line_end_hyphens_pastes_into_a_dossier_that_checks() {
    let project = Project::fixture("documents");
    // The source breaks `justifica-⏎tion` and `recom-⏎mends` at line ends:
    // the quote joins them, and still matches.
    let (status, stdout, _) = find(
        &project,
        &["committee-report", "sufficient", "justification"],
    );
    assert_eq!(status, 0);
    assert_eq!(
        stdout,
        "# 1. exact: sources/committee-report.pdf page 1\n\
         [[claims.evidence]]\n\
         source = \"committee-report\"\n\
         quote = \"The committee finds that the official briefings offered sufficient justification for the effort.\"\n"
    );
    let block = first_block(&stdout);
    let (status, stdout, _) = find(
        &project,
        &["committee-report", "recommends", "strengthening"],
    );
    assert_eq!(status, 0);
    let second = first_block(&stdout);
    assert!(
        second.contains(
            "between parliamentary reports, which the committee recommends strengthening.\""
        ),
        "{second}"
    );
    assert_pasted_block_checks(
        &project,
        "dossiers/papers.toml",
        &format!("{block}\n{second}"),
    );
}

#[test]
fn a_pdf_passage_on_a_later_page_names_its_page() {
    let project = Project::fixture("documents");
    let (status, stdout, _) = find(&project, &["committee-report", "yearly", "assessment"]);
    assert_eq!(status, 0);
    assert!(
        stdout.starts_with("# 1. exact: sources/committee-report.pdf page 2\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("quote = \"First, the government should publish a yearly assessment of influence operations affecting the overseas territories.\""),
        "{stdout}"
    );
    assert_pasted_block_checks(&project, "dossiers/papers.toml", &first_block(&stdout));
}

#[test]
fn near_misses_come_after_exact_hits_ranked_by_closeness() {
    let project = Project::fixture("basic");
    project.write(
        "sources/gamma.txt",
        "The tender was rigged from the start.\n\nNobody says the tender was rigged, really.\n\nA rigged game.\n",
    );
    let (status, stdout, stderr) = find(&project, &["gamma", "tender", "was", "rigged", "from"]);
    assert_eq!(status, 0, "{stderr}");
    let headers: Vec<&str> = stdout.lines().filter(|l| l.starts_with("# ")).collect();
    assert_eq!(
        headers,
        [
            "# 1. exact: sources/gamma.txt line 1, ¶1",
            "# 2. 3 of 4 words: sources/gamma.txt line 3, ¶2",
        ],
        "{stdout}"
    );
    assert_eq!(
        stderr,
        "found 1 exact passage and 1 near miss for \"tender was rigged from\" in source `gamma`\n"
    );
    // A misremembered phrase: only the closest passage, by edit distance.
    let (status, stdout, _) = find(&project, &["gamma", "The tender was riged from the stat"]);
    assert_eq!(status, 0);
    assert!(
        stdout.starts_with("# 1. 94% similar: sources/gamma.txt line 1, ¶1\n"),
        "{stdout}"
    );
    // `--limit` keeps the best.
    let (_, stdout, _) = find(&project, &["gamma", "rigged", "--limit", "2"]);
    assert_eq!(stdout.matches("[[claims.evidence]]").count(), 2, "{stdout}");
}

#[test]
fn json_gives_each_passage_and_a_summary() {
    let project = Project::fixture("documents");
    let (status, stdout, stderr) = project.run(&[
        "find",
        "--format",
        "json",
        "committee-report",
        "sufficient",
        "justification",
    ]);
    assert_eq!(status, 0);
    assert_eq!(stderr, "");
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    let passage = &lines[0];
    assert_eq!(passage["type"], "passage");
    assert_eq!(passage["rank"], 1);
    assert_eq!(passage["match"], "exact");
    assert_eq!(passage["page"], 1);
    assert_eq!(passage["line"], 4);
    assert_eq!(passage["paragraph"], 2);
    assert_eq!(
        passage["quote"],
        "The committee finds that the official briefings offered sufficient justification for the effort."
    );
    assert_eq!(
        passage["evidence"],
        "[[claims.evidence]]\nsource = \"committee-report\"\nquote = \"The committee finds that the official briefings offered sufficient justification for the effort.\"\n"
    );
    assert_eq!(
        lines[1],
        serde_json::json!({"type": "summary", "source": "committee-report",
            "words": "sufficient justification", "exact": 1, "near": 0})
    );
}

#[test]
fn nothing_alike_exits_1() {
    let project = Project::fixture("basic");
    let (status, stdout, stderr) = find(&project, &["beta", "xylophone", "quartz"]);
    assert_eq!(status, 1);
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        "no passage of source `beta` resembles \"xylophone quartz\"; `clerk text beta` shows its whole text\n"
    );
}

#[test]
fn an_unknown_source_exits_2_with_a_suggestion() {
    let project = Project::fixture("basic");
    let (status, stdout, stderr) = find(&project, &["alpa", "tender"]);
    assert_eq!(status, 2);
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        "error: no source `alpa` (no record `sources/**/alpa.toml`)\nhelp: did you mean `alpha`?\n"
    );
    let (status, _, stderr) = find(&project, &["alpha"]);
    assert_eq!(status, 2, "words are required");
    assert!(stderr.contains("<WORDS>..."), "{stderr}");
}

#[test]
fn an_unreadable_pdf_has_no_passages() {
    let project = Project::fixture("documents");
    project.write(
        "sources/locked.toml",
        "file = \"locked.pdf\"\ntitle = \"T\"\npublisher = \"P\"\nkind = \"other\"\n",
    );
    let (status, stdout, stderr) = find(&project, &["locked", "investigation"]);
    assert_eq!(status, 1);
    assert_eq!(stdout, "");
    assert!(
        stderr.starts_with(
            "error[empty-text]: cannot read the text of `sources/locked.pdf` (the PDF is encrypted with a password)"
        ),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("no text for source `locked` (sources/locked.toml)\n"),
        "{stderr}"
    );
}
