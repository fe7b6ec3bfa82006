//! `clerk find`: passages found in a text, an HTML and a PDF source, each
//! offered as an evidence block that passes `check` once pasted; near
//! misses ranked after exact hits; case and accents folded; long sentences
//! cut at clauses; JSON for editors; the bad cases.

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

/// Adds `block` as evidence of the last claim of the French fixture's
/// dossier and asserts that `check` still passes, with no new warning.
fn assert_pasted_french_block_checks(project: &Project, block: &str) {
    let (_, _, before) = project.run(&["check"]);
    let dossier = "dossiers/renseignement.toml";
    let text = project.read(dossier);
    project.write(dossier, format!("{text}\n{block}"));
    let (status, _, after) = project.run(&["check"]);
    assert_eq!(status, 0, "pasting\n{block}\ngave:\n{after}");
    assert_eq!(
        after.lines().last(),
        before.lines().last(),
        "pasting\n{block}\ngave:\n{after}"
    );
}

#[test]
fn words_typed_without_accents_find_the_passages_that_have_them() {
    let project = Project::fixture("french");
    let (status, stdout, stderr) = find(&project, &["decision", "boites", "noires"]);
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(
        stdout,
        "# 1. exact but for accents: sources/decision.txt line 5, ¶3\n\
         [[claims.evidence]]\n\
         source = \"decision\"\n\
         quote = \"Les députés requérants contestent l'article 2 de la loi, qui autorise la mise en œuvre de traitements automatisés, dits « boîtes noires », sur les réseaux des opérateurs.\"\n\
         \n\
         # 2. both words: sources/decision.txt line 10, ¶4\n\
         [[claims.evidence]]\n\
         source = \"decision\"\n\
         quote = \"Le législateur a prévu que chaque Boîte noire est autorisée pour une durée de deux mois.\"\n"
    );
    assert_eq!(
        stderr,
        "found 1 exact passage and 1 near miss for \"boites noires\" in source `decision`\n"
    );
    assert_pasted_french_block_checks(&project, &first_block(&stdout));
    // Typed with its accents, in another case: the singular, then the
    // plural as a near miss.
    let (status, stdout, _) = find(&project, &["decision", "boîte", "noire"]);
    assert_eq!(status, 0);
    let headers: Vec<&str> = stdout.lines().filter(|l| l.starts_with("# ")).collect();
    assert_eq!(
        headers,
        [
            "# 1. exact but for case: sources/decision.txt line 10, ¶4",
            "# 2. both words: sources/decision.txt line 5, ¶3",
        ],
        "{stdout}"
    );
    // Upper case, no accents: folded the same way.
    let (status, stdout, _) = find(&project, &["decision", "PREVU", "QUE", "CHAQUE"]);
    assert_eq!(status, 0);
    assert!(
        stdout.starts_with("# 1. exact but for accents: sources/decision.txt line 10, ¶4\n"),
        "{stdout}"
    );
    // JSON names the match.
    let (_, stdout, _) = find(&project, &["--format", "json", "decision", "boites noires"]);
    let first: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["match"], "accents");
    assert_eq!(first["describe"], "exact but for accents");
}

#[test]
fn a_long_sentence_is_offered_as_whole_clauses_with_elisions() {
    let project = Project::fixture("french");
    let (status, stdout, stderr) = find(
        &project,
        &["decision", "contraires", "à", "la", "Constitution"],
    );
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(
        stdout,
        "# 1. exact: sources/decision.txt line 22, ¶5\n\
         [[claims.evidence]]\n\
         source = \"decision\"\n\
         quote = \"[…] que, toutefois, en permettant que ces traitements soient mis en œuvre sans que les personnes concernées en soient jamais informées, y compris après la fin de la surveillance, et sans prévoir de recours effectif devant une juridiction, les dispositions contestées portent au droit au respect de la vie privée une atteinte disproportionnée ; qu'elles sont, dès lors, contraires à la Constitution, sans qu'il soit besoin d'examiner les autres griefs […]\"\n"
    );
    assert_pasted_french_block_checks(&project, &first_block(&stdout));
    // Near the end of the sentence: the passage ends where it ends.
    let (status, stdout, _) = find(&project, &["decision", "autorité", "qui", "s'attache"]);
    assert_eq!(status, 0);
    let block = first_block(&stdout);
    assert!(
        block.contains("quote = \"[…] ")
            && block.ends_with("de l'article 62 de la Constitution.\"\n"),
        "{block}"
    );
    assert_pasted_french_block_checks(&project, &block);
    // A shorter sentence is offered whole, without elision.
    let (_, stdout, _) = find(&project, &["decision", "reste", "de", "la", "loi"]);
    assert!(
        stdout.contains("quote = \"Le reste de la loi est conforme à la Constitution.\"\n"),
        "{stdout}"
    );
}
