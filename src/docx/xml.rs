//! The XML of the Word edition's parts: elements, attributes and text,
//! escaped by quick-xml, with the characters XML 1.0 cannot carry dropped
//! (a dossier string may hold any character TOML allows).

use std::borrow::Cow;

/// One XML part being written.
pub struct Xml {
    out: String,
}

/// The declaration every part of a Word package opens with.
const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

impl Xml {
    /// A part, declaration written.
    pub fn new() -> Xml {
        Xml {
            out: DECLARATION.to_string(),
        }
    }

    fn start(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attributes {
            self.out.push(' ');
            self.out.push_str(key);
            self.out.push_str("=\"");
            self.out.push_str(&quick_xml::escape::escape(clean(value)));
            self.out.push('"');
        }
    }

    /// Opens element `name`.
    pub fn open(&mut self, name: &str, attributes: &[(&str, &str)]) -> &mut Xml {
        self.start(name, attributes);
        self.out.push('>');
        self
    }

    /// Writes element `name` with no content.
    pub fn empty(&mut self, name: &str, attributes: &[(&str, &str)]) -> &mut Xml {
        self.start(name, attributes);
        self.out.push_str("/>");
        self
    }

    /// Closes element `name`.
    pub fn close(&mut self, name: &str) -> &mut Xml {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
        self
    }

    /// Writes text content, escaped.
    pub fn text(&mut self, text: &str) -> &mut Xml {
        self.out.push_str(&quick_xml::escape::escape(clean(text)));
        self
    }

    /// Element `name` holding `text`.
    pub fn element(&mut self, name: &str, attributes: &[(&str, &str)], text: &str) -> &mut Xml {
        self.open(name, attributes).text(text).close(name)
    }

    /// Writes XML that is already well formed (a part of a reference
    /// document, clerk's own style definitions).
    pub fn raw(&mut self, xml: &str) -> &mut Xml {
        self.out.push_str(xml);
        self
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// `text` without the characters XML 1.0 forbids (most C0 controls and
/// the two non-characters U+FFFE and U+FFFF).
pub fn clean(text: &str) -> Cow<'_, str> {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{fffe}' && c != '\u{ffff}')
    };
    if text.chars().all(allowed) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().filter(|&c| allowed(c)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped_and_forbidden_characters_dropped() {
        let mut xml = Xml::new();
        xml.open("a", &[("v", "\"<&>'")])
            .text("x < y & \u{1}z")
            .close("a");
        let out = xml.finish();
        assert!(
            out.ends_with("<a v=\"&quot;&lt;&amp;&gt;&apos;\">x &lt; y &amp; z</a>"),
            "{out}"
        );
        assert!(roxmltree::Document::parse(&out).is_ok());
    }
}
