//! The named styles of the Word edition: clerk's built-in `styles.xml`
//! (Word's own Title, Heading 1–3, Quote, Caption, Bibliography, Header,
//! Footer and table styles, and clerk's Claim Heading, Citation, Claim
//! Note, Marking and the rest), and fitting a reference document's styles
//! to a brief: the styles it lacks are added, its default language set.

use std::collections::BTreeSet;

/// The namespace of WordprocessingML.
pub const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// Style ids the body writes: Word's built-in ids, and clerk's own.
pub mod id {
    pub const TITLE: &str = "Title";
    pub const SUBTITLE: &str = "Subtitle";
    pub const BYLINE: &str = "Byline";
    pub const HEADING1: &str = "Heading1";
    pub const HEADING3: &str = "Heading3";
    pub const CLAIM_HEADING: &str = "ClaimHeading";
    pub const BODY_TEXT: &str = "BodyText";
    pub const QUOTE: &str = "Quote";
    pub const TRANSLATION: &str = "Translation";
    pub const CLAIM_NOTE: &str = "ClaimNote";
    pub const CLAIM_LINKS: &str = "ClaimLinks";
    pub const CAPTION: &str = "Caption";
    pub const FIGURE: &str = "Figure";
    pub const BIBLIOGRAPHY: &str = "Bibliography";
    pub const HEADER: &str = "Header";
    pub const FOOTER: &str = "Footer";
    pub const TABLE: &str = "GridTable1Light";
    pub const HYPERLINK: &str = "Hyperlink";
    pub const CITATION: &str = "Citation";
    pub const STRONG: &str = "Strong";
    pub const EMPHASIS: &str = "Emphasis";
    pub const MARKING: &str = "Marking";
    pub const FINGERPRINT: &str = "Fingerprint";
    pub const HASH: &str = "Hash";
}

/// The default run and paragraph properties of the built-in styles; the
/// language is the brief's, set by [`fit`].
const DOC_DEFAULTS: &str = concat!(
    r#"<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Cambria" w:hAnsi="Cambria" w:eastAsia="Cambria" w:cs="Cambria"/>"#,
    r#"<w:sz w:val="21"/><w:szCs w:val="21"/><w:lang w:val="en"/></w:rPr></w:rPrDefault>"#,
    r#"<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="264" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>"#,
);

/// Accent colour of the built-in styles (the PDF's).
macro_rules! accent {
    () => {
        "1F3A5F"
    };
}

/// Every style clerk writes with, as `(id, definition)`: the built-in
/// `styles.xml` is these, and a reference document gets those it lacks.
pub const STYLES: &[(&str, &str)] = &[
    (
        "Normal",
        r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>"#,
    ),
    (
        "DefaultParagraphFont",
        r#"<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>"#,
    ),
    (
        "TableNormal",
        r#"<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>"#,
    ),
    (
        id::TITLE,
        concat!(
            r#"<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Subtitle"/><w:uiPriority w:val="10"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:after="120"/></w:pPr><w:rPr><w:b/><w:bCs/><w:color w:val=""#,
            accent!(),
            r#""/><w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr></w:style>"#
        ),
    ),
    (
        id::SUBTITLE,
        r#"<w:style w:type="paragraph" w:styleId="Subtitle"><w:name w:val="Subtitle"/><w:basedOn w:val="Normal"/><w:next w:val="Byline"/><w:uiPriority w:val="11"/><w:qFormat/><w:pPr><w:keepNext/></w:pPr><w:rPr><w:i/><w:iCs/><w:sz w:val="26"/><w:szCs w:val="26"/></w:rPr></w:style>"#,
    ),
    (
        id::BYLINE,
        concat!(
            r#"<w:style w:type="paragraph" w:customStyle="1" w:styleId="Byline"><w:name w:val="Byline"/><w:basedOn w:val="Normal"/><w:next w:val="BodyText"/><w:qFormat/><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="12" w:space="6" w:color=""#,
            accent!(),
            r#""/></w:pBdr><w:spacing w:after="240"/></w:pPr><w:rPr><w:color w:val="595959"/><w:sz w:val="19"/><w:szCs w:val="19"/></w:rPr></w:style>"#
        ),
    ),
    (
        id::HEADING1,
        concat!(
            r#"<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="BodyText"/><w:uiPriority w:val="9"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:pBdr><w:bottom w:val="single" w:sz="6" w:space="2" w:color=""#,
            accent!(),
            r#""/></w:pBdr><w:spacing w:before="360" w:after="180"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:bCs/><w:color w:val=""#,
            accent!(),
            r#""/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>"#
        ),
    ),
    (
        "Heading2",
        concat!(
            r#"<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="BodyText"/><w:uiPriority w:val="9"/><w:unhideWhenUsed/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="260" w:after="120"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:bCs/><w:color w:val=""#,
            accent!(),
            r#""/><w:sz w:val="22"/><w:szCs w:val="22"/></w:rPr></w:style>"#
        ),
    ),
    (
        id::HEADING3,
        concat!(
            r#"<w:style w:type="paragraph" w:styleId="Heading3"><w:name w:val="heading 3"/><w:basedOn w:val="Normal"/><w:next w:val="BodyText"/><w:uiPriority w:val="9"/><w:unhideWhenUsed/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="200" w:after="80"/><w:outlineLvl w:val="2"/></w:pPr><w:rPr><w:b/><w:bCs/><w:color w:val=""#,
            accent!(),
            r#""/></w:rPr></w:style>"#
        ),
    ),
    (
        id::CLAIM_HEADING,
        r#"<w:style w:type="paragraph" w:customStyle="1" w:styleId="ClaimHeading"><w:name w:val="Claim Heading"/><w:basedOn w:val="Heading2"/><w:next w:val="BodyText"/><w:qFormat/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>"#,
    ),
    (
        id::BODY_TEXT,
        r#"<w:style w:type="paragraph" w:styleId="BodyText"><w:name w:val="Body Text"/><w:basedOn w:val="Normal"/><w:qFormat/></w:style>"#,
    ),
    (
        id::QUOTE,
        r#"<w:style w:type="paragraph" w:styleId="Quote"><w:name w:val="Quote"/><w:basedOn w:val="Normal"/><w:next w:val="BodyText"/><w:uiPriority w:val="29"/><w:qFormat/><w:pPr><w:pBdr><w:left w:val="single" w:sz="12" w:space="8" w:color="AFAFAF"/></w:pBdr><w:ind w:left="284" w:right="113"/></w:pPr></w:style>"#,
    ),
    (
        id::TRANSLATION,
        r#"<w:style w:type="paragraph" w:customStyle="1" w:styleId="Translation"><w:name w:val="Translation"/><w:basedOn w:val="Normal"/><w:next w:val="BodyText"/><w:qFormat/><w:pPr><w:ind w:left="567"/></w:pPr><w:rPr><w:color w:val="595959"/><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>"#,
    ),
    (
        id::CLAIM_NOTE,
        r#"<w:style w:type="paragraph" w:customStyle="1" w:styleId="ClaimNote"><w:name w:val="Claim Note"/><w:basedOn w:val="Normal"/><w:next w:val="BodyText"/><w:qFormat/><w:rPr><w:color w:val="595959"/><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>"#,
    ),
    (
        id::CLAIM_LINKS,
        r#"<w:style w:type="paragraph" w:customStyle="1" w:styleId="ClaimLinks"><w:name w:val="Claim Links"/><w:basedOn w:val="Normal"/><w:next w:val="BodyText"/><w:qFormat/><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>"#,
    ),
    (
        id::CAPTION,
        r#"<w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="35"/><w:unhideWhenUsed/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="120" w:after="80"/></w:pPr><w:rPr><w:b/><w:bCs/><w:sz w:val="19"/><w:szCs w:val="19"/></w:rPr></w:style>"#,
    ),
    (
        id::FIGURE,
        r#"<w:style w:type="paragraph" w:customStyle="1" w:styleId="Figure"><w:name w:val="Figure"/><w:basedOn w:val="Normal"/><w:next w:val="BodyText"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="120" w:after="120"/></w:pPr></w:style>"#,
    ),
    (
        id::BIBLIOGRAPHY,
        r#"<w:style w:type="paragraph" w:styleId="Bibliography"><w:name w:val="Bibliography"/><w:basedOn w:val="Normal"/><w:next w:val="Bibliography"/><w:uiPriority w:val="37"/><w:unhideWhenUsed/><w:pPr><w:tabs><w:tab w:val="left" w:pos="624"/></w:tabs><w:spacing w:after="80"/><w:ind w:left="624" w:hanging="624"/></w:pPr></w:style>"#,
    ),
    (
        id::HEADER,
        r#"<w:style w:type="paragraph" w:styleId="Header"><w:name w:val="header"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="4" w:space="4" w:color="AAAAAA"/></w:pBdr><w:tabs><w:tab w:val="center" w:pos="4536"/><w:tab w:val="right" w:pos="9072"/></w:tabs><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:color w:val="595959"/><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr></w:style>"#,
    ),
    (
        id::FOOTER,
        r#"<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/><w:pPr><w:tabs><w:tab w:val="center" w:pos="4536"/><w:tab w:val="right" w:pos="9072"/></w:tabs><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:color w:val="595959"/><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr></w:style>"#,
    ),
    (
        id::TABLE,
        r#"<w:style w:type="table" w:styleId="GridTable1Light"><w:name w:val="Grid Table 1 Light"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="46"/><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr><w:tblPr><w:tblStyleRowBandSize w:val="1"/><w:tblStyleColBandSize w:val="1"/><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="BFBFBF"/><w:left w:val="single" w:sz="4" w:space="0" w:color="BFBFBF"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="BFBFBF"/><w:right w:val="single" w:sz="4" w:space="0" w:color="BFBFBF"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="BFBFBF"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="BFBFBF"/></w:tblBorders><w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:bottom w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/></w:rPr><w:tcPr><w:tcBorders><w:bottom w:val="single" w:sz="12" w:space="0" w:color="7F7F7F"/></w:tcBorders></w:tcPr></w:tblStylePr></w:style>"#,
    ),
    (
        id::HYPERLINK,
        concat!(
            r#"<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/><w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/><w:rPr><w:color w:val=""#,
            accent!(),
            r#""/><w:u w:val="single"/></w:rPr></w:style>"#
        ),
    ),
    (
        id::CITATION,
        concat!(
            r#"<w:style w:type="character" w:customStyle="1" w:styleId="Citation"><w:name w:val="Citation"/><w:basedOn w:val="DefaultParagraphFont"/><w:qFormat/><w:rPr><w:color w:val=""#,
            accent!(),
            r#""/><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>"#
        ),
    ),
    (
        id::STRONG,
        r#"<w:style w:type="character" w:styleId="Strong"><w:name w:val="Strong"/><w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="22"/><w:qFormat/><w:rPr><w:b/><w:bCs/></w:rPr></w:style>"#,
    ),
    (
        id::EMPHASIS,
        r#"<w:style w:type="character" w:styleId="Emphasis"><w:name w:val="Emphasis"/><w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="20"/><w:qFormat/><w:rPr><w:i/><w:iCs/></w:rPr></w:style>"#,
    ),
    (
        id::MARKING,
        r#"<w:style w:type="character" w:customStyle="1" w:styleId="Marking"><w:name w:val="Marking"/><w:basedOn w:val="DefaultParagraphFont"/><w:qFormat/><w:rPr><w:b/><w:bCs/><w:color w:val="000000"/></w:rPr></w:style>"#,
    ),
    (
        id::FINGERPRINT,
        r#"<w:style w:type="character" w:customStyle="1" w:styleId="Fingerprint"><w:name w:val="Fingerprint"/><w:basedOn w:val="DefaultParagraphFont"/><w:qFormat/><w:rPr><w:color w:val="595959"/><w:sz w:val="17"/><w:szCs w:val="17"/></w:rPr></w:style>"#,
    ),
    (
        id::HASH,
        r#"<w:style w:type="character" w:customStyle="1" w:styleId="Hash"><w:name w:val="Hash"/><w:basedOn w:val="DefaultParagraphFont"/><w:qFormat/><w:rPr><w:rFonts w:ascii="Consolas" w:hAnsi="Consolas" w:cs="Consolas"/><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr></w:style>"#,
    ),
];

/// clerk's built-in `styles.xml`.
pub fn builtin() -> String {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles xmlns:w=\"{W}\">{DOC_DEFAULTS}"
    );
    for (_, style) in STYLES {
        xml.push_str(style);
    }
    xml.push_str("</w:styles>");
    xml
}

/// A reference document's `styles.xml` fitted to a brief in `language`:
/// the styles of [`STYLES`] it does not define are added (so a reference
/// document need define only those it changes), and its default language
/// becomes the brief's. Everything else is kept as it is.
pub fn fit(styles: &str, language: &str) -> Result<String, String> {
    let document = roxmltree::Document::parse(styles)
        .map_err(|e| format!("its styles (word/styles.xml) are not well-formed XML ({e})"))?;
    let root = document.root_element();
    if !root.has_tag_name((W, "styles")) {
        return Err("word/styles.xml is not a WordprocessingML styles part".into());
    }
    // Text is spliced in with the `w` prefix, which must name the
    // WordprocessingML namespace at the root.
    if root.lookup_namespace_uri(Some("w")) != Some(W) {
        return Err("word/styles.xml does not use the usual `w:` prefix".into());
    }
    let defined: BTreeSet<&str> = root
        .children()
        .filter(|n| n.has_tag_name((W, "style")))
        .filter_map(|n| n.attribute((W, "styleId")))
        .collect();
    // Edits as (range replaced, text), applied from the end.
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let lang = format!(
        "<w:lang w:val=\"{}\"/>",
        quick_xml::escape::escape(language)
    );
    let defaults = root.children().find(|n| n.has_tag_name((W, "docDefaults")));
    let run_defaults = defaults
        .and_then(|d| d.children().find(|n| n.has_tag_name((W, "rPrDefault"))))
        .and_then(|d| d.children().find(|n| n.has_tag_name((W, "rPr"))));
    match (defaults, run_defaults) {
        (_, Some(rpr)) => match rpr.children().find(|n| n.has_tag_name((W, "lang"))) {
            Some(old) => edits.push((old.range(), lang)),
            None => {
                let range = rpr.range();
                let source = &styles[range.clone()];
                if source.ends_with("/>") {
                    edits.push((range, format!("<w:rPr>{lang}</w:rPr>")));
                } else {
                    let at = range.end - "</w:rPr>".len();
                    edits.push((at..at, lang));
                }
            }
        },
        (Some(d), None) => {
            let at = open_tag_end(styles, d.range());
            let rpr = format!("<w:rPrDefault><w:rPr>{lang}</w:rPr></w:rPrDefault>");
            match at {
                Some(at) => edits.push((at..at, rpr)),
                None => edits.push((d.range(), format!("<w:docDefaults>{rpr}</w:docDefaults>"))),
            }
        }
        (None, None) => {
            let at =
                open_tag_end(styles, root.range()).ok_or("word/styles.xml has no styles in it")?;
            edits.push((
                at..at,
                format!("<w:docDefaults><w:rPrDefault><w:rPr>{lang}</w:rPr></w:rPrDefault></w:docDefaults>"),
            ));
        }
    }
    let missing: String = STYLES
        .iter()
        .filter(|(id, _)| !defined.contains(id))
        .map(|(_, style)| *style)
        .collect();
    if !missing.is_empty() {
        let end = root.range().end;
        let close = styles[..end]
            .rfind("</")
            .filter(|_| !styles[..end].ends_with("/>"))
            .ok_or("word/styles.xml has no styles in it")?;
        edits.push((close..close, missing));
    }
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut out = styles.to_string();
    for (range, text) in edits {
        out.replace_range(range, &text);
    }
    Ok(out)
}

/// Where the start tag of the element spanning `range` ends (after its
/// `>`), unless it is an empty element.
fn open_tag_end(text: &str, range: std::ops::Range<usize>) -> Option<usize> {
    let source = &text[range.clone()];
    if source.ends_with("/>") && !source.contains("</") {
        return None;
    }
    // A `>` inside an attribute value is escaped in XML written by Word,
    // but may not be: skip quoted values.
    let mut quote = None;
    for (i, c) in source.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(range.start + i + 1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_styles_parse_and_fit_themselves_but_the_language() {
        let builtin = builtin();
        let fitted = fit(&builtin, "fr-CA").unwrap();
        assert_eq!(
            fitted,
            builtin.replace("<w:lang w:val=\"en\"/>", "<w:lang w:val=\"fr-CA\"/>")
        );
        assert!(roxmltree::Document::parse(&fitted).is_ok());
    }

    #[test]
    fn a_reference_keeps_its_styles_and_gets_the_missing_ones() {
        let reference = format!(
            "<?xml version=\"1.0\"?><w:styles xmlns:w=\"{W}\"><w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/><w:rPr><w:sz w:val=\"60\"/></w:rPr></w:style></w:styles>"
        );
        let fitted = fit(&reference, "de").unwrap();
        let document = roxmltree::Document::parse(&fitted).unwrap();
        let ids: Vec<&str> = document
            .descendants()
            .filter_map(|n| n.attribute((W, "styleId")))
            .collect();
        assert_eq!(ids.iter().filter(|id| **id == "Heading1").count(), 1);
        assert!(ids.contains(&"ClaimHeading") && ids.contains(&"Quote"));
        assert!(fitted.contains("<w:sz w:val=\"60\"/>"));
        assert!(fitted.contains("<w:docDefaults><w:rPrDefault><w:rPr><w:lang w:val=\"de\"/>"));
        assert!(fit("<a/>", "en").is_err());
    }
}
