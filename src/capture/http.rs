//! HTTP/1.x messages as a WARC record holds them: the status line and
//! headers, and the payload with its transfer and content encodings
//! (chunked; gzip, deflate, br) undone.

use std::io::Read;

/// An HTTP response read from a WARC `response` record's block.
#[derive(Debug, Clone)]
pub struct Message {
    pub status: u16,
    pub reason: String,
    /// The headers, in order, names as written.
    pub headers: Vec<(String, String)>,
    /// The body as the record holds it (transfer encoding included).
    pub body: Vec<u8>,
}

impl Message {
    /// The value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The media type, lowercased, without parameters.
    pub fn media_type(&self) -> Option<String> {
        self.header("Content-Type").map(media_type)
    }
}

/// `text/html` of `text/HTML; charset=iso-8859-1`.
pub fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The `charset` parameter of a `Content-Type` value, as the encoding's
/// name, when it names one `encoding_rs` knows.
pub fn charset(content_type: &str) -> Option<&'static encoding_rs::Encoding> {
    content_type.split(';').skip(1).find_map(|parameter| {
        let (name, value) = parameter.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        encoding_rs::Encoding::for_label(value.trim().trim_matches(['"', '\'']).as_bytes())
    })
}

/// Parses an HTTP response message; `None` when it is not one.
pub fn parse_response(block: &[u8]) -> Option<Message> {
    let head_end = super::warc::find(block, b"\r\n\r\n")
        .map(|i| (i, i + 4))
        .or_else(|| super::warc::find(block, b"\n\n").map(|i| (i, i + 2)))?;
    let head = String::from_utf8_lossy(&block[..head_end.0]);
    let mut lines = head.lines();
    let status_line = lines.next()?;
    let mut parts = status_line.splitn(3, ' ');
    if !parts.next()?.starts_with("HTTP/") {
        return None;
    }
    let status = parts.next()?.trim().parse().ok()?;
    let reason = parts.next().unwrap_or("").trim().to_string();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Some(Message {
        status,
        reason,
        headers,
        body: block[head_end.1..].to_vec(),
    })
}

/// Why a payload cannot be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadEncoding(pub String);

/// The payload of a response: its body with the transfer encoding and then
/// the content encodings undone, at most `limit` bytes.
///
/// Captures made in a browser (Webrecorder's) record the body the browser
/// had already decoded under the headers the server sent. As pywb and
/// warcio read them, a body that is plainly not in its declared encoding
/// (chunks without a chunk size, gzip without its magic number, deflate
/// or brotli that does not decode) is taken as already decoded; a gzip
/// stream that starts as one and breaks off is an error.
pub fn payload(message: &Message, limit: u64) -> Result<Vec<u8>, BadEncoding> {
    let mut body = message.body.clone();
    for coding in codings(message.header("Transfer-Encoding")) {
        body = match coding.as_str() {
            "chunked" => match dechunk(&body) {
                Ok(plain) => plain,
                Err(_) if !starts_with_chunk_size(&body) => body,
                Err(error) => return Err(error),
            },
            other => decode_or_keep(other, body, limit)?,
        };
    }
    for coding in codings(message.header("Content-Encoding")).iter().rev() {
        body = decode_or_keep(coding, body, limit)?;
    }
    if body.len() as u64 > limit {
        return Err(BadEncoding(format!(
            "the payload is larger than the limit of {}",
            crate::files::human_size(limit)
        )));
    }
    Ok(body)
}

/// The codings a header lists, lowercased, `identity` left out.
fn codings(header: Option<&str>) -> Vec<String> {
    header
        .unwrap_or("")
        .split(',')
        .map(|c| c.trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty() && c != "identity")
        .collect()
}

/// Undoes one content coding, or keeps a body that is plainly decoded
/// already (see [`payload`]).
fn decode_or_keep(coding: &str, body: Vec<u8>, limit: u64) -> Result<Vec<u8>, BadEncoding> {
    match decode(coding, &body, limit) {
        Ok(plain) => Ok(plain),
        Err(error) => {
            let known = matches!(coding, "gzip" | "x-gzip" | "deflate" | "br");
            let looks_encoded =
                matches!(coding, "gzip" | "x-gzip") && body.starts_with(&[0x1f, 0x8b]);
            if known && !looks_encoded {
                Ok(body)
            } else {
                Err(error)
            }
        }
    }
}

/// Whether a body opens with a hexadecimal chunk size and a line end, as
/// a chunked one does.
fn starts_with_chunk_size(body: &[u8]) -> bool {
    let digits = body.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    digits > 0 && matches!(body.get(digits), Some(b'\r' | b'\n' | b';' | b' '))
}

/// Undoes one content coding.
fn decode(coding: &str, body: &[u8], limit: u64) -> Result<Vec<u8>, BadEncoding> {
    let mut out = Vec::new();
    let result = match coding {
        "gzip" | "x-gzip" => flate2::read::MultiGzDecoder::new(body)
            .take(limit.saturating_add(1))
            .read_to_end(&mut out),
        // `deflate` is zlib-wrapped by the standard, raw by some servers.
        "deflate" => match flate2::read::ZlibDecoder::new(body)
            .take(limit.saturating_add(1))
            .read_to_end(&mut out)
        {
            Ok(n) => Ok(n),
            Err(_) => {
                out.clear();
                flate2::read::DeflateDecoder::new(body)
                    .take(limit.saturating_add(1))
                    .read_to_end(&mut out)
            }
        },
        "br" => brotli_decompressor::Decompressor::new(body, 4096)
            .take(limit.saturating_add(1))
            .read_to_end(&mut out),
        other => {
            return Err(BadEncoding(format!(
                "the payload's encoding `{other}` is not one clerk can undo (chunked, gzip, deflate, br)"
            )));
        }
    };
    result.map_err(|error| BadEncoding(format!("its `{coding}` encoding is damaged ({error})")))?;
    Ok(out)
}

/// Undoes `Transfer-Encoding: chunked`.
fn dechunk(body: &[u8]) -> Result<Vec<u8>, BadEncoding> {
    let mut out = Vec::new();
    let mut at = 0;
    loop {
        let line_end = super::warc::find(&body[at..], b"\n")
            .ok_or_else(|| BadEncoding("its chunked encoding ends early".into()))?;
        let line = String::from_utf8_lossy(&body[at..at + line_end]);
        let size_text = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| {
            BadEncoding(format!(
                "its chunked encoding has a bad chunk size (`{size_text}`)"
            ))
        })?;
        at += line_end + 1;
        if size == 0 {
            return Ok(out);
        }
        let chunk = body
            .get(at..at.saturating_add(size))
            .ok_or_else(|| BadEncoding("its chunked encoding ends early".into()))?;
        out.extend_from_slice(chunk);
        at += size;
        // The line end after the chunk.
        if body.get(at) == Some(&b'\r') {
            at += 1;
        }
        if body.get(at) == Some(&b'\n') {
            at += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn chunked_gzip_is_undone() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b"<p>hello</p>").unwrap();
        let gz = gz.finish().unwrap();
        let mut block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=ISO-8859-1\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
        let (a, b) = gz.split_at(5);
        block.extend(format!("{:x}\r\n", a.len()).as_bytes());
        block.extend(a);
        block.extend(format!("\r\n{:X};ext=1\r\n", b.len()).as_bytes());
        block.extend(b);
        block.extend(b"\r\n0\r\n\r\n");
        let message = parse_response(&block).unwrap();
        assert_eq!((message.status, message.reason.as_str()), (200, "OK"));
        assert_eq!(message.media_type().unwrap(), "text/html");
        assert_eq!(
            charset(message.header("content-type").unwrap()),
            Some(encoding_rs::WINDOWS_1252)
        );
        assert_eq!(payload(&message, 1 << 20).unwrap(), b"<p>hello</p>");
        assert!(payload(&message, 4).is_err());
    }

    #[test]
    fn damaged_encodings_are_errors_not_panics() {
        let mut broken_gzip = vec![0x1f, 0x8b, 8, 0];
        broken_gzip.extend(b"zz");
        for (headers, body) in [
            ("Transfer-Encoding: chunked", b"5\r\nab".to_vec()),
            (
                "Transfer-Encoding: chunked",
                b"ffffffffffffffff\r\nab".to_vec(),
            ),
            ("Content-Encoding: gzip", broken_gzip),
            ("Content-Encoding: compress", b"abc".to_vec()),
        ] {
            let mut block = format!("HTTP/1.1 200 OK\r\n{headers}\r\n\r\n").into_bytes();
            block.extend(body);
            let message = parse_response(&block).unwrap();
            assert!(payload(&message, 1 << 20).is_err(), "{headers}");
        }
        assert!(parse_response(b"GET / HTTP/1.1\r\n\r\n").is_none());
    }

    #[test]
    fn a_body_a_browser_decoded_already_is_taken_as_it_is() {
        for headers in [
            "Transfer-Encoding: chunked",
            "Content-Encoding: gzip",
            "Content-Encoding: br",
            "Transfer-Encoding: chunked\r\nContent-Encoding: deflate",
        ] {
            let block = format!("HTTP/1.1 200 OK\r\n{headers}\r\n\r\n<p>page</p>");
            let message = parse_response(block.as_bytes()).unwrap();
            assert_eq!(
                payload(&message, 1 << 20).unwrap(),
                b"<p>page</p>",
                "{headers}"
            );
        }
    }
}
