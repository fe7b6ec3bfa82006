//! Arbitrary bytes -> dossier and source-record parsing and validation.
//! Property: nothing panics, and every diagnostic site lies inside the file.
#![no_main]

use clerk::check::parse;
use clerk::project::DossierFile;
use clerk::diag::{Diagnostic, TextFile};
use clerk::spec::{self, Dossier, Record};
use libfuzzer_sys::fuzz_target;

fn check_sites(diagnostics: &[Diagnostic], file: &TextFile) {
    for d in diagnostics {
        // Rendering exercises the snippet code (annotate-snippets) too.
        let _ = d.render(false);
        let _ = d.to_json();
        if let Some(site) = &d.site {
            assert!(site.line >= 1, "site line 0: {d:?}");
            assert!(
                site.highlight.start <= site.highlight.end
                    && site.highlight.end <= site.line_text.len(),
                "highlight outside its line: {d:?}\nfile: {:?}",
                file.text
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = TextFile::new("dossiers/fuzz.toml", text);

    match spec::parse::<Dossier>(&file) {
        Ok(dossier) => {
            let found = spec::validate_dossier(&dossier, &file);
            check_sites(&found, &file);
        }
        Err(errors) => check_sites(&errors, &file),
    }
    match spec::parse::<Record>(&file) {
        Ok(record) => {
            let found = spec::validate_record(&record, &file);
            check_sites(&found, &file);
        }
        Err(errors) => check_sites(&errors, &file),
    }

    // The id comes from the file name; derive an odd one from the text too.
    let id: String = text.chars().take(12).collect();
    for id in ["fuzz", id.as_str()] {
        let parsed = parse(DossierFile {
            id: id.to_string(),
            file: file.clone(),
            sha256: "0".repeat(64),
        });
        check_sites(&parsed.diagnostics, &file);
    }
});
