//! How many times typst lays out a brief: `cargo bench --bench passes`.
//!
//! Typst lays a document out again until what it introspects (where each
//! label, counter and link target is) stops changing, at most five times.
//! Each pass shows as one of typst's timing scopes (`iter (1)`, `iter
//! (2)`, …), which this counts for the example brief built with the
//! built-in template. The target is at most 2: one pass to place every
//! label, one to lay out the links to them.

use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scratch = tempdir();
    let built = std::process::Command::new(env!("CARGO_BIN_EXE_clerk"))
        .arg("--root")
        .arg(root)
        .args(["build", "--force", "--emit", "typ", "--out"])
        .arg(&scratch)
        .output()
        .expect("clerk runs");
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    // CLERK_PASSES_MARKUP=file.typ counts the passes of other markup (to
    // find out which part of a template costs a pass).
    let markup = match std::env::var_os("CLERK_PASSES_MARKUP") {
        Some(file) => std::fs::read_to_string(file).expect("the markup given"),
        None => std::fs::read_to_string(scratch.join("nc-azerbaijan.typ")).expect("the markup"),
    };
    let template = clerk::render::Template::inline("brief");
    let typesetter = clerk::typeset::Typesetter::new(
        &root.join("templates"),
        clerk::settings::DEFAULT_TYPESET_TIMEOUT,
    );
    let job = clerk::typeset::Job {
        markup: &markup,
        date: clerk::typeset::datetime(chrono::NaiveDate::from_ymd_opt(2025, 4, 1).unwrap())
            .unwrap(),
        ident: "passes",
        template: &template,
        attachments: Vec::new(),
        readable: &[],
    };
    typst_timing::enable();
    typesetter.pdf(&job).expect("the example typesets");
    typst_timing::disable();
    let mut events = Vec::new();
    typst_timing::export_json(&mut events, |_| (String::new(), 0)).expect("timing events");
    let events: Vec<serde_json::Value> = serde_json::from_slice(&events).expect("JSON events");
    // Each scope is a begin and an end event.
    let passes = events
        .iter()
        .filter(|e| e["ph"] == "B" && e["name"].as_str().is_some_and(|n| n.starts_with("iter (")))
        .count();
    let verdict = if passes <= 2 {
        "ok"
    } else {
        "MORE THAN TARGET"
    };
    println!("layout passes of the example brief: {passes} (target: at most 2) {verdict}");
    let _ = std::fs::remove_dir_all(&scratch);
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("clerk-passes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    dir
}
