//! The WARC file format (ISO 28500, WARC/1.1): writing the records of an
//! exchange clerk made, and reading the records of a file made elsewhere
//! (plain, or gzip-compressed record by record as `.warc.gz`).

use std::io::Read;

use sha2::{Digest, Sha256};

/// One WARC record: its named fields, in order, and its block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub fields: Vec<(String, String)>,
    pub block: Vec<u8>,
    /// Where the record starts in the (uncompressed) file, for messages.
    pub offset: usize,
}

impl Record {
    /// The value of a field, by case-insensitive name.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `WARC-Type`, lowercased.
    pub fn kind(&self) -> String {
        self.field("WARC-Type").unwrap_or("").to_ascii_lowercase()
    }

    /// The record's text as a WARC file holds it.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = b"WARC/1.1\r\n".to_vec();
        for (name, value) in &self.fields {
            out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", self.block.len()).as_bytes());
        out.extend_from_slice(&self.block);
        out.extend_from_slice(b"\r\n\r\n");
        out
    }
}

/// `sha256:<hex>`, the digest form clerk writes (the pin's form).
pub fn sha256_label(bytes: &[u8]) -> String {
    format!("sha256:{}", hex(&Sha256::digest(bytes)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Why a capture cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Malformed {
    /// The gzip stream is damaged or ends early.
    Gzip(String),
    /// The file does not start a WARC record where one must start.
    NotWarc { offset: usize },
    /// A record's header ends early or lacks `Content-Length`.
    BadHeader { offset: usize, cause: String },
    /// The file ends inside a record's header.
    CutHeader { offset: usize },
    /// A record's block is shorter than its `Content-Length`.
    Truncated {
        offset: usize,
        declared: usize,
        found: usize,
    },
    /// Uncompressed, the capture is larger than the limit.
    TooLarge { limit: u64 },
}

impl std::fmt::Display for Malformed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Malformed::Gzip(cause) => write!(f, "its gzip compression is damaged ({cause})"),
            Malformed::NotWarc { offset } => {
                write!(f, "no WARC record starts at byte {offset}")
            }
            Malformed::CutHeader { offset } => write!(
                f,
                "it is truncated: the record at byte {offset} ends inside its header"
            ),
            Malformed::BadHeader { offset, cause } => {
                write!(f, "the record at byte {offset} has a bad header ({cause})")
            }
            Malformed::Truncated {
                offset,
                declared,
                found,
            } => write!(
                f,
                "it is truncated: the record at byte {offset} declares {declared} bytes, {found} follow"
            ),
            Malformed::TooLarge { limit } => write!(
                f,
                "uncompressed, it is larger than the limit of {}",
                crate::files::human_size(*limit)
            ),
        }
    }
}

/// Reads every record of a WARC file's bytes (gzip-compressed or not),
/// uncompressing to at most `limit` bytes.
pub fn parse(bytes: &[u8], limit: u64) -> Result<Vec<Record>, Malformed> {
    let plain;
    let data: &[u8] = if bytes.starts_with(&[0x1f, 0x8b]) {
        plain = gunzip_members(bytes, limit)?;
        &plain
    } else {
        bytes
    };
    let mut records = Vec::new();
    let mut at = 0;
    loop {
        // Records are separated by two line ends; tolerate any run of them
        // (and the odd bare LF some writers leave).
        while at < data.len() && (data[at] == b'\r' || data[at] == b'\n') {
            at += 1;
        }
        if at >= data.len() {
            break;
        }
        let (record, next) = parse_record(data, at)?;
        records.push(record);
        at = next;
    }
    if records.is_empty() {
        return Err(Malformed::NotWarc { offset: 0 });
    }
    Ok(records)
}

/// Every gzip member of a `.warc.gz`, uncompressed and concatenated.
fn gunzip_members(bytes: &[u8], limit: u64) -> Result<Vec<u8>, Malformed> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .take(limit.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|error| Malformed::Gzip(error.to_string()))?;
    if out.len() as u64 > limit {
        return Err(Malformed::TooLarge { limit });
    }
    Ok(out)
}

fn parse_record(data: &[u8], offset: usize) -> Result<(Record, usize), Malformed> {
    let rest = &data[offset..];
    if !rest.starts_with(b"WARC/") {
        return Err(Malformed::NotWarc { offset });
    }
    let Some(head_len) = find(rest, b"\r\n\r\n")
        .map(|i| i + 4)
        .or_else(|| find(rest, b"\n\n").map(|i| i + 2))
    else {
        return Err(Malformed::CutHeader { offset });
    };
    let head = String::from_utf8_lossy(&rest[..head_len]);
    let mut fields = Vec::new();
    for line in head.lines().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        match line.split_once(':') {
            Some((name, value)) => fields.push((name.trim().to_string(), value.trim().to_string())),
            None => {
                return Err(Malformed::BadHeader {
                    offset,
                    cause: format!(
                        "`{}` is no field",
                        line.chars().take(60).collect::<String>()
                    ),
                });
            }
        }
    }
    let mut record = Record {
        fields,
        block: Vec::new(),
        offset,
    };
    let declared: usize = record
        .field("Content-Length")
        .ok_or_else(|| Malformed::BadHeader {
            offset,
            cause: "no `Content-Length`".into(),
        })?
        .parse()
        .map_err(|_| Malformed::BadHeader {
            offset,
            cause: "`Content-Length` is no number".into(),
        })?;
    let found = rest.len() - head_len;
    if found < declared {
        return Err(Malformed::Truncated {
            offset,
            declared,
            found,
        });
    }
    record.block = rest[head_len..head_len + declared].to_vec();
    record
        .fields
        .retain(|(n, _)| !n.eq_ignore_ascii_case("Content-Length"));
    Ok((record, offset + head_len + declared))
}

/// Where `needle` first occurs in `haystack`.
pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(block: &[u8]) -> Record {
        Record {
            fields: vec![
                ("WARC-Type".into(), "resource".into()),
                ("WARC-Record-ID".into(), "<urn:uuid:0>".into()),
            ],
            block: block.to_vec(),
            offset: 0,
        }
    }

    #[test]
    fn records_written_read_back_the_same() {
        let mut file = record(b"one").to_bytes();
        file.extend(record(b"two\r\n\r\n").to_bytes());
        let read = parse(&file, 1 << 20).unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].block, b"one");
        assert_eq!(read[1].block, b"two\r\n\r\n");
        assert_eq!(read[1].kind(), "resource");
    }

    #[test]
    fn a_truncated_or_foreign_file_is_refused() {
        let file = record(b"a longer block").to_bytes();
        let cut = &file[..file.len() - 10];
        assert!(matches!(
            parse(cut, 1 << 20),
            Err(Malformed::Truncated { declared: 14, .. })
        ));
        assert_eq!(
            parse(&file[..20], 1 << 20),
            Err(Malformed::CutHeader { offset: 0 })
        );
        assert_eq!(
            parse(b"<html>", 1 << 20),
            Err(Malformed::NotWarc { offset: 0 })
        );
        assert!(matches!(
            parse(&[0x1f, 0x8b, 8, 0, 1], 1 << 20),
            Err(Malformed::Gzip(_))
        ));
    }
}
