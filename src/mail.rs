//! E-mail sources (`.eml`, RFC 5322 with MIME): the header block that
//! dates and attributes a message, then its body as the reader sees it
//! (the `text/plain` part, else the HTML part through the HTML reader),
//! and what the message says about itself for `clerk add` (FORMAT.md,
//! "Documents: Word, OpenDocument and e-mail sources").
//!
//! MIME, transfer encodings, charsets and RFC 2047 headers are decoded by
//! `mail-parser`. Messages are refused before parsing when their header
//! block is larger than any real one, and after it when they hold more
//! parts than any real one, so a hostile file is an error, not a stall.

use std::borrow::Cow;

use mail_parser::{Address, HeaderValue, MessageParser, MimeHeaders, PartType};

use crate::documents::Extracted;
use crate::metadata::{Metadata, Read};

/// Largest header block read: real ones are a few kilobytes, long
/// `Received` chains some tens.
pub const MAX_HEADER: usize = 1024 * 1024;

/// Most MIME parts read: real messages have a handful, a long thread with
/// attachments some tens.
pub const MAX_PARTS: usize = 1000;

/// Why an e-mail gave no text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailError {
    /// Not an e-mail at all.
    NotMail,
    /// Beyond a limit: what.
    TooLarge(String),
}

impl std::fmt::Display for MailError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MailError::NotMail => write!(
                f,
                "it has no `From`, `Date` or `Subject` header: it is no e-mail message"
            ),
            MailError::TooLarge(what) => write!(f, "{what}"),
        }
    }
}

/// The header block's end, checked against [`MAX_HEADER`].
fn check_header(bytes: &[u8]) -> Result<(), MailError> {
    let window = &bytes[..bytes.len().min(MAX_HEADER + 4)];
    let blank = window
        .windows(2)
        .position(|w| w == b"\n\n")
        .into_iter()
        .chain(window.windows(4).position(|w| w == b"\r\n\r\n"))
        .min();
    match blank {
        Some(end) if end <= MAX_HEADER => Ok(()),
        None if bytes.len() <= MAX_HEADER => Ok(()),
        _ => Err(MailError::TooLarge(format!(
            "its header block is larger than {} (real ones are a few kilobytes)",
            crate::files::human_size(MAX_HEADER as u64)
        ))),
    }
}

fn parse(bytes: &[u8]) -> Result<mail_parser::Message<'_>, MailError> {
    check_header(bytes)?;
    let message = MessageParser::default()
        .parse(bytes)
        .ok_or(MailError::NotMail)?;
    if message.parts.len() > MAX_PARTS {
        return Err(MailError::TooLarge(format!(
            "it has {} MIME parts, more than the {MAX_PARTS} clerk reads",
            message.parts.len()
        )));
    }
    if message.from().is_none() && message.date().is_none() && message.subject().is_none() {
        return Err(MailError::NotMail);
    }
    Ok(message)
}

/// Addresses as a message shows them: `Name <address>`, or the address.
fn addresses(address: Option<&Address<'_>>) -> Option<String> {
    let shown: Vec<String> = address?
        .iter()
        .map(|a| match (a.name(), a.address()) {
            (Some(name), Some(address)) if !name.trim().is_empty() => {
                format!("{} <{address}>", name.trim())
            }
            (_, Some(address)) => address.to_string(),
            (Some(name), None) => name.trim().to_string(),
            (None, None) => String::new(),
        })
        .filter(|s| !s.is_empty())
        .collect();
    (!shown.is_empty()).then(|| shown.join(", "))
}

fn folded(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of an e-mail: the header block (From, To, Date, Subject,
/// Message-ID, one per line) as its first paragraph, then the body.
pub fn eml(bytes: &[u8]) -> Result<Extracted, MailError> {
    let message = parse(bytes)?;
    let mut header = Vec::new();
    let mut line = |name: &str, value: Option<String>| {
        if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
            header.push(format!("{name}: {}", folded(&value)));
        }
    };
    line("From", addresses(message.from()));
    line("To", addresses(message.to()));
    line("Date", message.header_raw("Date").map(str::to_string));
    line("Subject", message.subject().map(str::to_string));
    line(
        "Message-ID",
        message.message_id().map(|id| format!("<{id}>")),
    );
    let mut text = header.join("\n");
    let body = body(&message);
    if !body.trim().is_empty() {
        text.push_str("\n\n");
        text.push_str(&body);
    }
    Ok(Extracted {
        text,
        page_starts: None,
        numbers: Vec::new(),
        notes: Vec::new(),
        ..Extracted::default()
    })
}

/// The body the reader sees: the plain-text parts, else the HTML parts'
/// visible text; white space at line ends and runs of blank lines (which
/// would make empty paragraphs) dropped.
fn body(message: &mail_parser::Message<'_>) -> String {
    let plain: Vec<Cow<'_, str>> = message
        .text_body
        .iter()
        .filter_map(|id| message.parts.get(*id as usize))
        .filter_map(|part| match &part.body {
            PartType::Text(text) => Some(Cow::Borrowed(text.as_ref())),
            _ => None,
        })
        .collect();
    let texts: Vec<String> = if !plain.is_empty() {
        plain.iter().map(|t| t.replace("\r\n", "\n")).collect()
    } else {
        message
            .html_body
            .iter()
            .filter_map(|id| message.parts.get(*id as usize))
            .filter_map(|part| match &part.body {
                PartType::Html(html) => Some(crate::documents::html(html).text),
                _ => None,
            })
            .collect()
    };
    let mut out = String::new();
    let mut blank = true;
    for text in texts {
        for line in text.lines() {
            let line = line.trim_end();
            if line.is_empty() {
                if !blank {
                    out.push('\n');
                }
                blank = true;
                continue;
            }
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(line);
            blank = false;
        }
        if !blank {
            out.push('\n');
            blank = true;
        }
    }
    out.trim_end().to_string()
}

/// A file attached to a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// Its file name, as the message gives it (`attachment-N` when none).
    pub name: String,
    /// Its MIME type: `application/pdf`.
    pub mime: String,
    pub bytes: Vec<u8>,
}

/// The files attached to a message, in order.
pub fn attachments(bytes: &[u8]) -> Result<Vec<Attachment>, MailError> {
    let message = parse(bytes)?;
    Ok(message
        .attachments()
        .enumerate()
        .map(|(i, part)| {
            let mime = part.content_type().map_or_else(
                || "application/octet-stream".to_string(),
                |t| match t.subtype() {
                    Some(sub) => format!("{}/{sub}", t.ctype()),
                    None => t.ctype().to_string(),
                },
            );
            Attachment {
                name: part
                    .attachment_name()
                    .map(str::to_string)
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or_else(|| format!("attachment-{}", i + 1)),
                mime: mime.to_ascii_lowercase(),
                bytes: part.contents().to_vec(),
            }
        })
        .collect())
}

/// What an e-mail says about itself: Subject as title, From as author
/// (the name, else the address), Date as published, `Content-Language`
/// as language, and its Message-ID.
pub fn metadata(bytes: &[u8]) -> Metadata {
    let Ok(message) = parse(bytes) else {
        return Metadata::default();
    };
    let read = |value: String, from: &str| {
        let value = folded(&value);
        (!value.is_empty()).then(|| Read {
            value,
            from: from.to_string(),
        })
    };
    let author = message.from().and_then(|from| from.first()).and_then(|a| {
        a.name()
            .filter(|n| !n.trim().is_empty())
            .or(a.address())
            .map(str::to_string)
    });
    let language = match message.content_language() {
        HeaderValue::Text(tag) => Some(tag.to_string()),
        HeaderValue::TextList(tags) => tags.first().map(|t| t.to_string()),
        _ => None,
    };
    Metadata {
        title: message
            .subject()
            .and_then(|s| read(s.to_string(), "Subject")),
        author: author.and_then(|a| read(a, "From")),
        published: message.date().and_then(|d| {
            Some(Read {
                value: chrono::NaiveDate::from_ymd_opt(
                    i32::from(d.year),
                    u32::from(d.month),
                    u32::from(d.day),
                )?,
                from: "Date".into(),
            })
        }),
        language: language
            .and_then(|l| crate::metadata::parse_language(&l))
            .map(|value| Read {
                value,
                from: "Content-Language".into(),
            }),
        message_id: message
            .message_id()
            .and_then(|id| read(format!("<{id}>"), "Message-ID")),
        ..Metadata::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MESSAGE: &str = "From: =?UTF-8?Q?Ren=C3=A9e_Dupr=C3=A9?= <press@example.gov>\r\n\
To: desk@example.org\r\n\
Date: Tue, 4 Mar 2025 09:15:00 +1100\r\n\
Subject: =?UTF-8?B?U3RhdGVtZW50IG9uIHRoZSBoYXJib3VyIGNvbnRyYWN0?=\r\n\
Message-ID: <abc.123@example.gov>\r\n\
Content-Language: en-AU\r\n\
MIME-Version: 1.0\r\n\
Content-Type: text/plain; charset=iso-8859-1\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\
\r\n\
The Minister d=E9nies the claim.\r\n\
\r\n\
> Did the Minister meet the tenderer?\r\n\
> Yes or no.\r\n";

    #[test]
    fn header_block_then_body_decoded() {
        let text = eml(MESSAGE.as_bytes()).unwrap().text;
        assert_eq!(
            text,
            "From: Renée Dupré <press@example.gov>\nTo: desk@example.org\nDate: Tue, 4 Mar 2025 09:15:00 +1100\nSubject: Statement on the harbour contract\nMessage-ID: <abc.123@example.gov>\n\nThe Minister dénies the claim.\n\n> Did the Minister meet the tenderer?\n> Yes or no."
        );
        let found = metadata(MESSAGE.as_bytes());
        assert_eq!(
            found.title.unwrap().value,
            "Statement on the harbour contract"
        );
        assert_eq!(found.author.unwrap().value, "Renée Dupré");
        assert_eq!(found.published.unwrap().value.to_string(), "2025-03-04");
        assert_eq!(found.language.unwrap().value, "en-AU");
        assert_eq!(found.message_id.unwrap().value, "<abc.123@example.gov>");
    }

    #[test]
    fn html_only_goes_through_the_html_reader() {
        let message = "From: a@example.org\nSubject: S\nContent-Type: text/html\n\n<html><body><p>One &amp; two</p><p>Three</p></body></html>\n";
        assert_eq!(
            eml(message.as_bytes()).unwrap().text,
            "From: a@example.org\nSubject: S\n\nOne & two\n\nThree"
        );
    }

    #[test]
    fn a_huge_header_or_too_many_parts_is_refused() {
        let mut huge = b"From: a@example.org\nX-Junk: ".to_vec();
        huge.extend(std::iter::repeat_n(b'x', 100 * 1024 * 1024));
        huge.extend_from_slice(b"\n\nbody\n");
        let error = eml(&huge).unwrap_err();
        assert_eq!(
            error.to_string(),
            "its header block is larger than 1 MiB (real ones are a few kilobytes)"
        );
        let mut many = String::from(
            "From: a@example.org\nSubject: parts\nContent-Type: multipart/mixed; boundary=b\n\n",
        );
        for i in 0..10_000 {
            many.push_str(&format!("--b\nContent-Type: text/plain\n\npart {i}\n"));
        }
        many.push_str("--b--\n");
        let error = eml(many.as_bytes()).unwrap_err();
        assert!(
            error.to_string().starts_with("it has 10001 MIME parts"),
            "{error}"
        );
    }

    #[test]
    fn text_that_is_no_mail_is_refused() {
        assert_eq!(eml(b"just some words\n").unwrap_err(), MailError::NotMail);
    }
}
