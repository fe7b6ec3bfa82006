//! Property: any plain text, Typst and Handlebars syntax included, comes out
//! of the PDF as itself once escaped by the renderer.

mod common;

use clerk::render::{Template, escape_markup};
use clerk::typeset::{Job, Typesetter, datetime};
use proptest::prelude::*;

fn typeset(text: &str) -> String {
    let template = Template::inline("test");
    let markup = format!(
        "#set document(title: \"t\")\n#set text(font: \"Libertinus Serif\", lang: \"en\")\nSTART {} END\n",
        escape_markup(text)
    );
    let typesetter = Typesetter::new(
        std::path::Path::new("/nonexistent-templates"),
        clerk::settings::DEFAULT_TYPESET_TIMEOUT,
    );
    let pdf = typesetter
        .pdf(&Job {
            markup: &markup,
            date: datetime(chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()).unwrap(),
            ident: "test",
            template: &template,
            attachments: Vec::new(),
            readable: &[],
        })
        .unwrap_or_else(|e| panic!("markup did not compile: {e:?}\n{markup}"));
    common::pdf_text(&pdf)
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn escaped_text_prints_verbatim(text in r#"[a-zA-Z0-9 #*_`$@<>\[\]~=+/"'.:{}%&^|;\\\-éèàçœ’«»“”…!?()]{1,60}"#) {
        let printed = typeset(&text);
        let inner = printed
            .split_once("START")
            .and_then(|(_, rest)| rest.rsplit_once("END"))
            .map(|(inner, _)| inner.to_string())
            .unwrap_or_default();
        prop_assert_eq!(squash(&inner), squash(&text), "printed: {}", printed);
    }
}
