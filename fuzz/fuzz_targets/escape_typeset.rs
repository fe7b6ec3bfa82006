//! Arbitrary text -> `escape_markup` -> typst -> PDF -> extracted text.
//!
//! Property: the markup compiles, and the text printed between the START and
//! END markers, white space removed, is the input with white space removed.
//!
//! The input is UTF-8 text with control characters other than newline and
//! tab dropped, cut to 200 characters. By default it is further restricted
//! to characters the embedded fonts cover (see `in_alphabet`); set
//! `CLERK_FUZZ_ANY_CHAR=1` to fuzz with every Unicode scalar instead.
#![no_main]

use std::sync::OnceLock;

use clerk::render::{Template, escape_markup};
use clerk::typeset::{Job, Typesetter, datetime};
use libfuzzer_sys::fuzz_target;

const MAX_CHARS: usize = 200;

static TYPESETTER: OnceLock<Typesetter> = OnceLock::new();
static ANY_CHAR: OnceLock<bool> = OnceLock::new();

fn typesetter() -> &'static Typesetter {
    TYPESETTER.get_or_init(|| Typesetter::new(std::path::Path::new("/nonexistent-templates"), clerk::settings::DEFAULT_TYPESET_TIMEOUT))
}

fn any_char() -> bool {
    *ANY_CHAR.get_or_init(|| std::env::var_os("CLERK_FUZZ_ANY_CHAR").is_some_and(|v| v == "1"))
}

/// Latin (Basic Latin, Latin-1 Supplement, Latin Extended-A), general
/// punctuation and common symbols: what a dossier is written in and what the
/// embedded fonts print.
fn in_alphabet(c: char) -> bool {
    matches!(c,
        '\u{20}'..='\u{7E}'            // Basic Latin (printable)
        | '\u{A0}'..='\u{AC}'          // Latin-1 punctuation and symbols, without the soft hyphen
        | '\u{AE}'..='\u{FF}'          // Latin-1 symbols and letters
        | '\u{100}'..='\u{17F}'        // Latin Extended-A
        | '\u{2010}'..='\u{2027}'      // General punctuation: dashes, quotes, bullets, ellipsis
        | '\u{2030}'..='\u{205E}'      // General punctuation: per mille, primes, guillemets, …
        | '\u{20AC}'                   // euro sign
        | '\u{2122}'                   // trade mark sign
        | '\u{2190}'..='\u{2193}'      // arrows
        | '\u{2212}'                   // minus sign
    ) || c == '\n' || c == '\t'
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let any = any_char();
    let text: String = text
        .chars()
        .filter(|&c| !c.is_control() || c == '\n' || c == '\t')
        .filter(|&c| any || in_alphabet(c))
        .take(MAX_CHARS)
        .collect();

    let template = Template::inline("fuzz");
    let markup = format!(
        "#set document(title: \"t\")\n#set text(lang: \"en\")\nSTART {} END\n",
        escape_markup(&text)
    );
    let pdf = typesetter()
        .pdf(&Job {
            markup: &markup,
            date: datetime(chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()).unwrap(),
            ident: "fuzz",
            template: &template,
            attachment: None,
        })
        .unwrap_or_else(|e| {
            let messages: Vec<_> = e.iter().map(|d| d.message.as_str()).collect();
            panic!("escaped markup did not compile: {messages:?}\ninput: {text:?}\nmarkup: {markup:?}")
        });
    let printed = pdf_extract::extract_text_from_mem(&pdf)
        .unwrap_or_else(|e| panic!("pdf-extract could not read the PDF: {e}\ninput: {text:?}"));
    let inner = printed
        .split_once("START")
        .and_then(|(_, rest)| rest.rsplit_once("END"))
        .map(|(inner, _)| inner)
        .unwrap_or_else(|| panic!("markers missing from {printed:?}\ninput: {text:?}"));
    assert_eq!(
        squash(inner),
        squash(&text),
        "printed text differs\ninput: {text:?}\nmarkup: {markup:?}\nprinted: {printed:?}"
    );
});
