//! What a document says about itself: its title, author, publisher, date,
//! language and address, read from an HTML page's head, a PDF's XMP
//! metadata and Info dictionary, or a text file's first line. `clerk add`
//! offers these for review in the record it writes; each value says where
//! it was read.
//!
//! Reading is lenient: a value that is missing, empty or malformed (a date
//! that is no date, a language that is no tag) is simply not offered.

use chrono::NaiveDate;
use scraper::{Html, Selector};

/// A value read from a document, and where it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read<T> {
    pub value: T,
    /// For people: `<title>`, `og:site_name`, `PDF Info Title`, `XMP dc:title`.
    pub from: String,
}

/// Everything a document says about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    pub title: Option<Read<String>>,
    pub publisher: Option<Read<String>>,
    pub author: Option<Read<String>>,
    pub published: Option<Read<NaiveDate>>,
    pub language: Option<Read<String>>,
    pub url: Option<Read<String>>,
    /// How its passages are best cited (`paragraph-number` for a document
    /// that numbers its paragraphs).
    pub cite_by: Option<Read<String>>,
}

/// Longest title offered, in characters: a first line longer than this is
/// a paragraph, cut at a word.
const MAX_TITLE: usize = 150;

fn read<T>(value: T, from: impl Into<String>) -> Option<Read<T>> {
    Some(Read {
        value,
        from: from.into(),
    })
}

/// The first of several candidate values that is present.
fn first<T>(candidates: impl IntoIterator<Item = Option<Read<T>>>) -> Option<Read<T>> {
    candidates.into_iter().flatten().next()
}

/// White space folded, trimmed; `None` when nothing is left.
fn clean(text: &str) -> Option<String> {
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!folded.is_empty()).then_some(folded)
}

/// A date at the start of `text`: `2024-05-17` (what ISO 8601 date-times
/// and HTML's `datetime` start with) or a PDF date, `D:20240517…`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    if let Some(pdf) = text.strip_prefix("D:") {
        let digits = pdf.get(..8)?;
        return NaiveDate::parse_from_str(digits, "%Y%m%d").ok();
    }
    NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()
}

/// A language tag as records write it (`en_GB` and `en-gb` become
/// `en-GB`); `None` when it is no tag.
pub fn parse_language(text: &str) -> Option<String> {
    let tag = text.trim().replace('_', "-");
    let mut parts = tag.split('-');
    let mut out = parts.next()?.to_ascii_lowercase();
    for part in parts {
        out.push('-');
        // A two-letter subtag after the language is a region: upper case.
        if part.len() == 2 && part.bytes().all(|b| b.is_ascii_alphabetic()) {
            out.push_str(&part.to_ascii_uppercase());
        } else {
            out.push_str(part);
        }
    }
    crate::spec::is_language_tag(&out).then_some(out)
}

/// Metadata from a document's own key-value pairs (a Markdown file's front
/// matter), by the keys static-site generators use; `from` says where the
/// pairs were read ("the YAML front matter").
pub fn from_fields(fields: &[(String, String)], from: &str) -> Metadata {
    let pick = |keys: &[&'static str]| -> Option<(&'static str, String)> {
        keys.iter().find_map(|key| {
            fields
                .iter()
                .find(|(k, _)| k == key)
                .and_then(|(_, value)| Some((*key, clean(value)?)))
        })
    };
    let text = |keys: &[&'static str]| {
        pick(keys).and_then(|(key, value)| read(value, format!("{from} `{key}`")))
    };
    Metadata {
        title: text(&["title"]),
        publisher: text(&["publisher", "site", "site_name"]),
        author: text(&["author", "authors", "creator"]),
        published: pick(&["date", "published", "pubdate", "publishdate"])
            .and_then(|(key, value)| read(parse_date(&value)?, format!("{from} `{key}`"))),
        language: pick(&["lang", "language", "languagecode", "locale"])
            .and_then(|(key, value)| read(parse_language(&value)?, format!("{from} `{key}`"))),
        url: text(&[
            "url",
            "link",
            "canonical",
            "canonical_url",
            "permalink",
            "source",
        ])
        .filter(|url| url.value.starts_with("http://") || url.value.starts_with("https://")),
        cite_by: None,
    }
}

/// A language read off a text by its words, and how sure the reading is.
#[derive(Debug, Clone, PartialEq)]
pub struct Detected {
    /// The ISO 639-1 tag (`fr`).
    pub tag: &'static str,
    /// From 0 to 1.
    pub confidence: f64,
}

impl Detected {
    /// Whether the reading is sure enough to act on: a warning, a record.
    pub fn is_confident(&self) -> bool {
        self.confidence >= CONFIDENT
    }
}

/// How sure a detected language must be before clerk warns about it.
const CONFIDENT: f64 = 0.8;

/// How much of a text language detection reads: enough for a sure
/// reading, little enough to stay cheap on a large source.
const DETECTION_SAMPLE: usize = 20_000;

/// The language a text is written in, by its words (whatlang's trigram
/// model), for languages with a two-letter ISO 639-1 tag; `None` for a text
/// too short or in a script it cannot tell.
pub fn detect_language(text: &str) -> Option<Detected> {
    let end = text
        .char_indices()
        .nth(DETECTION_SAMPLE)
        .map_or(text.len(), |(at, _)| at);
    let info = whatlang::detect(&text[..end])?;
    let tag = iso_639_1(info.lang().code())?;
    Some(Detected {
        tag,
        confidence: info.confidence(),
    })
}

/// The two-letter tag of a language whatlang names by its three-letter
/// ISO 639-3 code.
fn iso_639_1(code: &str) -> Option<&'static str> {
    #[rustfmt::skip]
    const TAGS: &[(&str, &str)] = &[
        ("afr", "af"), ("aka", "ak"), ("amh", "am"), ("ara", "ar"), ("aze", "az"),
        ("bel", "be"), ("ben", "bn"), ("bul", "bg"), ("cat", "ca"), ("ces", "cs"),
        ("cmn", "zh"), ("cym", "cy"), ("dan", "da"), ("deu", "de"), ("ell", "el"),
        ("eng", "en"), ("epo", "eo"), ("est", "et"), ("fin", "fi"), ("fra", "fr"),
        ("guj", "gu"), ("heb", "he"), ("hin", "hi"), ("hrv", "hr"), ("hun", "hu"),
        ("hye", "hy"), ("ind", "id"), ("ita", "it"), ("jav", "jv"), ("jpn", "ja"),
        ("kan", "kn"), ("kat", "ka"), ("khm", "km"), ("kor", "ko"), ("lat", "la"),
        ("lav", "lv"), ("lit", "lt"), ("mal", "ml"), ("mar", "mr"), ("mkd", "mk"),
        ("mya", "my"), ("nep", "ne"), ("nld", "nl"), ("nob", "nb"), ("ori", "or"),
        ("pan", "pa"), ("pes", "fa"), ("pol", "pl"), ("por", "pt"), ("ron", "ro"),
        ("rus", "ru"), ("sin", "si"), ("slk", "sk"), ("slv", "sl"), ("sna", "sn"),
        ("spa", "es"), ("srp", "sr"), ("swe", "sv"), ("tam", "ta"), ("tel", "te"),
        ("tgl", "tl"), ("tha", "th"), ("tuk", "tk"), ("tur", "tr"), ("ukr", "uk"),
        ("urd", "ur"), ("uzb", "uz"), ("vie", "vi"), ("yid", "yi"), ("zul", "zu"),
    ];
    TAGS.iter()
        .find(|(three, _)| *three == code)
        .map(|(_, two)| *two)
}

/// The metadata of an HTML page (already decoded).
pub fn html(page: &str) -> Metadata {
    let document = Html::parse_document(page);
    let metas: Vec<(String, String)> = select(&document, "meta")
        .filter_map(|element| {
            let key = element
                .attr("property")
                .or_else(|| element.attr("name"))
                .or_else(|| element.attr("http-equiv"))?;
            Some((
                key.to_ascii_lowercase(),
                element.attr("content")?.to_string(),
            ))
        })
        .collect();
    let meta = |key: &str| {
        metas
            .iter()
            .find(|(k, v)| k == key && clean(v).is_some())
            .map(|(_, v)| v.as_str())
    };
    let text = |key: &str| read(clean(meta(key)?)?, key);
    let date = |key: &str| read(parse_date(meta(key)?)?, key);
    let title_element = select(&document, "title")
        .next()
        .and_then(|t| clean(&t.text().collect::<String>()))
        .and_then(|t| read(t, "<title>"));
    let time = select(&document, "time").find_map(|t| {
        let date = t
            .attr("datetime")
            .and_then(parse_date)
            .or_else(|| parse_date(&t.text().collect::<String>()))?;
        read(date, "<time>")
    });
    let lang = select(&document, "html")
        .next()
        .and_then(|h| h.attr("lang"))
        .and_then(parse_language)
        .and_then(|l| read(l, "<html lang>"));
    let canonical = select(&document, "link")
        .find(|l| {
            l.attr("rel").is_some_and(|r| {
                r.split_whitespace()
                    .any(|r| r.eq_ignore_ascii_case("canonical"))
            })
        })
        .and_then(|l| clean(l.attr("href")?))
        .and_then(|href| read(href, "<link rel=canonical>"));
    // `article:author` is often the address of an author page.
    let author = first(
        ["author", "article:author", "dc.creator", "dcterms.creator"].map(|k| {
            text(k).filter(|a| !a.value.starts_with("http://") && !a.value.starts_with("https://"))
        }),
    );
    Metadata {
        title: first([
            text("og:title"),
            text("dc.title"),
            text("dcterms.title"),
            title_element,
        ]),
        publisher: first(
            [
                "og:site_name",
                "publisher",
                "dc.publisher",
                "dcterms.publisher",
            ]
            .map(text),
        ),
        author,
        published: first([
            date("article:published_time"),
            date("dcterms.issued"),
            date("dc.date"),
            date("dcterms.date"),
            time,
        ]),
        language: first([
            lang,
            meta("content-language")
                .and_then(parse_language)
                .and_then(|l| read(l, "content-language")),
            meta("og:locale")
                .and_then(parse_language)
                .and_then(|l| read(l, "og:locale")),
        ]),
        url: first([canonical, text("og:url")]),
        cite_by: None,
    }
}

fn select<'a>(
    document: &'a Html,
    selector: &'static str,
) -> impl Iterator<Item = scraper::ElementRef<'a>> {
    let selector = Selector::parse(selector).ok();
    selector
        .map(|s| document.select(&s).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
}

/// The metadata of a text file: its first line that holds text (a
/// Markdown heading's `#` left out) as the title.
pub fn text(text: &str) -> Metadata {
    let title = text
        .lines()
        .map(|l| l.trim().trim_start_matches('#').trim())
        .find(|l| !l.is_empty())
        .and_then(|line| read(shorten(line), "the first line"));
    Metadata {
        title,
        ..Metadata::default()
    }
}

/// A title cut at a word before [`MAX_TITLE`] characters, with `…`.
fn shorten(line: &str) -> String {
    let line = clean(line).unwrap_or_default();
    if line.chars().count() <= MAX_TITLE {
        return line;
    }
    let cut: String = line.chars().take(MAX_TITLE).collect();
    let at = cut.rfind(' ').unwrap_or(cut.len());
    format!("{}…", cut[..at].trim_end_matches([',', ';', ':']))
}

/// The metadata of a PDF: XMP first (the form PDF 2.0 keeps), then the
/// Info dictionary; the catalog's `/Lang`. A PDF that cannot be parsed
/// has none (its text is checked separately).
pub fn pdf(bytes: &[u8]) -> Metadata {
    crate::documents::quietly(|| pdf_metadata(bytes)).unwrap_or_default()
}

fn pdf_metadata(bytes: &[u8]) -> Metadata {
    let Ok(document) = lopdf::Document::load_mem(bytes) else {
        return Metadata::default();
    };
    let info = document
        .trailer
        .get_deref(b"Info", &document)
        .and_then(lopdf::Object::as_dict)
        .ok();
    let info_text = |key: &str| {
        let object = info?.get_deref(key.as_bytes(), &document).ok()?;
        let text = lopdf::decode_text_string(object).ok()?;
        read(
            clean(text.trim_start_matches('\u{feff}'))?,
            format!("PDF Info {key}"),
        )
    };
    let catalog = document.catalog().ok();
    let xmp = catalog
        .and_then(|c| c.get_deref(b"Metadata", &document).ok())
        .and_then(|m| m.as_stream().ok())
        .and_then(|s| {
            s.decompressed_content()
                .ok()
                .or_else(|| Some(s.content.clone()))
        })
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .map(|xml| xmp(&xml))
        .unwrap_or_default();
    let lang = catalog
        .and_then(|c| c.get_deref(b"Lang", &document).ok())
        .and_then(|l| lopdf::decode_text_string(l).ok())
        .and_then(|l| parse_language(&l))
        .and_then(|l| read(l, "PDF /Lang"));
    let created = info_text("CreationDate")
        .and_then(|d| read(parse_date(&d.value)?, "PDF Info CreationDate"));
    Metadata {
        title: first([xmp.title, info_text("Title")]),
        publisher: xmp.publisher,
        author: first([xmp.author, info_text("Author")]),
        published: first([xmp.published, created]),
        language: first([xmp.language, lang]),
        url: xmp.url,
        cite_by: None,
    }
}

/// The Dublin Core and XMP basic properties of an XMP packet.
fn xmp(xml: &str) -> Metadata {
    const DC: &str = "http://purl.org/dc/elements/1.1/";
    const XMP: &str = "http://ns.adobe.com/xap/1.0/";
    const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    let Ok(tree) = roxmltree::Document::parse(xml) else {
        return Metadata::default();
    };
    // A property is an element (`<dc:title><rdf:Alt><rdf:li>…`) or an
    // attribute of `rdf:Description` (`xmp:CreateDate="…"`).
    let property = |namespace: &str, name: &str| -> Option<String> {
        for node in tree.descendants() {
            if let Some(value) = node.attribute((namespace, name)) {
                return clean(value);
            }
            if node.tag_name().namespace() == Some(namespace) && node.tag_name().name() == name {
                let items: Vec<roxmltree::Node<'_, '_>> = node
                    .descendants()
                    .filter(|n| {
                        n.tag_name().namespace() == Some(RDF) && n.tag_name().name() == "li"
                    })
                    .collect();
                // Of alternatives in several languages, the default one.
                let chosen = items
                    .iter()
                    .find(|li| {
                        li.attribute(("http://www.w3.org/XML/1998/namespace", "lang"))
                            == Some("x-default")
                    })
                    .or(items.first());
                let text = match chosen {
                    Some(li) => li.text().unwrap_or_default().to_string(),
                    None => node.text().unwrap_or_default().to_string(),
                };
                return clean(&text);
            }
        }
        None
    };
    let from = |name: &str| format!("XMP {name}");
    Metadata {
        title: property(DC, "title").and_then(|t| read(t, from("dc:title"))),
        publisher: property(DC, "publisher").and_then(|p| read(p, from("dc:publisher"))),
        author: property(DC, "creator").and_then(|a| read(a, from("dc:creator"))),
        published: first([
            property(DC, "date")
                .and_then(|d| parse_date(&d))
                .and_then(|d| read(d, from("dc:date"))),
            property(XMP, "CreateDate")
                .and_then(|d| parse_date(&d))
                .and_then(|d| read(d, from("xmp:CreateDate"))),
        ]),
        language: property(DC, "language")
            .and_then(|l| parse_language(&l))
            .and_then(|l| read(l, from("dc:language"))),
        url: property(DC, "identifier")
            .filter(|i| i.starts_with("http://") || i.starts_with("https://"))
            .and_then(|i| read(i, from("dc:identifier"))),
        cite_by: None,
    }
}

/// A title without the site's name after it (`Harbour deal – The Gazette`
/// with publisher `The Gazette`), as pages title themselves.
pub fn without_site_name(title: &str, publisher: &str) -> String {
    for separator in [" – ", " — ", " - ", " | ", " · ", " : "] {
        if let Some(head) = title.strip_suffix(&format!("{separator}{publisher}"))
            && !head.trim().is_empty()
        {
            return head.trim().to_string();
        }
    }
    title.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_html_head_gives_its_metadata() {
        let page = r#"<!doctype html><html lang="en_gb"><head>
            <title>Harbour deal &ndash; The Gazette</title>
            <meta property="og:site_name" content="The Gazette">
            <meta name="author" content=" A.  Writer ">
            <meta property="article:author" content="https://example.org/writer">
            <meta property="article:published_time" content="2024-05-16T08:00:00+02:00">
            <link rel="canonical" href="https://example.org/harbour">
            </head><body><time datetime="2020-01-01">then</time></body></html>"#;
        let found = html(page);
        assert_eq!(
            found.title,
            read("Harbour deal – The Gazette".to_string(), "<title>")
        );
        assert_eq!(
            found.publisher,
            read("The Gazette".to_string(), "og:site_name")
        );
        assert_eq!(found.author, read("A. Writer".to_string(), "author"));
        assert_eq!(
            found.published,
            read(
                NaiveDate::from_ymd_opt(2024, 5, 16).unwrap(),
                "article:published_time"
            )
        );
        assert_eq!(found.language, read("en-GB".to_string(), "<html lang>"));
        assert_eq!(
            found.url,
            read(
                "https://example.org/harbour".to_string(),
                "<link rel=canonical>"
            )
        );
        assert_eq!(
            without_site_name(&found.title.unwrap().value, "The Gazette"),
            "Harbour deal"
        );
    }

    #[test]
    fn og_title_and_time_stand_in() {
        let page = r#"<html><head><title>x</title><meta property="og:title" content="The title">
            </head><body><time>2023-02-03</time></body></html>"#;
        let found = html(page);
        assert_eq!(found.title, read("The title".to_string(), "og:title"));
        assert_eq!(
            found.published,
            read(NaiveDate::from_ymd_opt(2023, 2, 3).unwrap(), "<time>")
        );
        assert_eq!(found.language, None);
    }

    #[test]
    fn xmp_properties_are_read() {
        let packet = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
            <rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreateDate="2025-01-15T10:00:00Z">
            <dc:title><rdf:Alt><rdf:li xml:lang="fr">Titre</rdf:li><rdf:li xml:lang="x-default">Title</rdf:li></rdf:Alt></dc:title>
            <dc:creator><rdf:Seq><rdf:li>An Author</rdf:li></rdf:Seq></dc:creator>
            <dc:language><rdf:Bag><rdf:li>fr-ca</rdf:li></rdf:Bag></dc:language>
            </rdf:Description></rdf:RDF></x:xmpmeta>"#;
        let found = xmp(packet);
        assert_eq!(found.title, read("Title".to_string(), "XMP dc:title"));
        assert_eq!(
            found.author,
            read("An Author".to_string(), "XMP dc:creator")
        );
        assert_eq!(found.language, read("fr-CA".to_string(), "XMP dc:language"));
        assert_eq!(
            found.published,
            read(
                NaiveDate::from_ymd_opt(2025, 1, 15).unwrap(),
                "XMP xmp:CreateDate"
            )
        );
    }

    #[test]
    fn dates_languages_and_first_lines() {
        assert_eq!(
            parse_date("D:20240517093000+01'00'"),
            NaiveDate::from_ymd_opt(2024, 5, 17)
        );
        assert_eq!(parse_date("17 May 2024"), None);
        assert_eq!(parse_language("english"), None);
        assert_eq!(
            text("\n\n# Question écrite n° 1274\nbody")
                .title
                .unwrap()
                .value,
            "Question écrite n° 1274"
        );
        let long = "word ".repeat(100);
        let title = text(&long).title.unwrap().value;
        assert!(
            title.ends_with("word…") && title.chars().count() <= MAX_TITLE + 1,
            "{title}"
        );
        assert_eq!(pdf(b"not a pdf"), Metadata::default());
    }
}
