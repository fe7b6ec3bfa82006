//! Web captures: a page fetched with every hop recorded ([`fetch`]), the
//! exchange written as a WARC/1.1 file ([`Exchange::to_warc`]), and the
//! captures made elsewhere (WARC, `.warc.gz`, WACZ) read back to the
//! response a source file holds the payload of ([`read`], [`pick`]).
//!
//! A capture is kept byte for byte: what clerk checks is that the source
//! file is exactly the payload of the capture's response for the record's
//! address, once its transfer and content encodings are undone.

pub mod fetch;
pub mod http;
pub mod warc;

use std::io::{Cursor, Read};
use std::path::Path;

use chrono::{DateTime, Utc};

use self::warc::{Malformed, Record, sha256_label};

/// How a capture file is packed, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Packing {
    /// `.warc` or `.warc.gz`.
    Warc,
    /// `.wacz`: a zip of WARC files with an index (Webrecorder).
    Wacz,
}

impl Packing {
    /// The packing of a file named `path`, if it is a capture.
    pub fn of(path: &Path) -> Option<Packing> {
        let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
        if name.ends_with(".warc") || name.ends_with(".warc.gz") {
            Some(Packing::Warc)
        } else if name.ends_with(".wacz") {
            Some(Packing::Wacz)
        } else {
            None
        }
    }

    /// The extension a capture of this packing keeps: `warc`, `warc.gz`,
    /// `wacz`.
    pub fn extension(path: &Path) -> &'static str {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if name.ends_with(".warc.gz") {
            "warc.gz"
        } else if name.ends_with(".wacz") {
            "wacz"
        } else {
            "warc"
        }
    }
}

/// One HTTP response a capture holds.
#[derive(Debug, Clone)]
pub struct Response {
    /// `WARC-Target-URI`.
    pub target: String,
    /// `WARC-Date`, as the record writes it.
    pub date: String,
    pub message: http::Message,
}

impl Response {
    /// The payload: the body with its encodings undone.
    pub fn payload(&self, limit: u64) -> Result<Vec<u8>, String> {
        http::payload(&self.message, limit)
            .map_err(|error| format!("the response for `{}`: {}", self.target, error.0))
    }

    /// The capture time as a UTC time, when `WARC-Date` is RFC 3339.
    pub fn time(&self) -> Option<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(&self.date)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }

    /// Whether this is a page a source can be: status 200, HTML, PDF or
    /// plain text.
    pub fn is_page(&self) -> bool {
        self.message.status == 200
            && self
                .message
                .media_type()
                .is_some_and(|t| fetch::Stored::of(&t).is_some())
    }
}

/// Every `response` record of a capture, in the order it holds them.
pub fn read(bytes: &[u8], packing: Packing, limit: u64) -> Result<Vec<Response>, String> {
    let records = match packing {
        Packing::Warc => warc::parse(bytes, limit).map_err(|m| m.to_string())?,
        Packing::Wacz => wacz_records(bytes, limit)?,
    };
    let mut responses = Vec::new();
    for record in records {
        if record.kind() != "response" {
            continue;
        }
        let Some(target) = record.field("WARC-Target-URI") else {
            continue;
        };
        // Some writers wrap the address in angle brackets (WARC/1.0's
        // grammar did).
        let target = target.trim_matches(['<', '>']).to_string();
        let Some(message) = http::parse_response(&record.block) else {
            // A response record of another protocol (DNS, a screenshot).
            continue;
        };
        responses.push(Response {
            target,
            date: record.field("WARC-Date").unwrap_or("").to_string(),
            message,
        });
    }
    Ok(responses)
}

/// The records of every WARC file inside a WACZ's `archive/` folder.
fn wacz_records(bytes: &[u8], limit: u64) -> Result<Vec<Record>, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|error| {
        format!("it is not a WACZ (a zip package), or a truncated one ({error})")
    })?;
    let mut records = Vec::new();
    let mut budget = limit;
    let mut warcs = 0;
    for index in 0..zip.len() {
        let mut entry = zip
            .by_index(index)
            .map_err(|error| format!("its zip package is damaged ({error})"))?;
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        if !name.starts_with("archive/") || Packing::of(Path::new(&name)) != Some(Packing::Warc) {
            continue;
        }
        warcs += 1;
        let mut packed = Vec::new();
        (&mut entry)
            .take(budget.saturating_add(1))
            .read_to_end(&mut packed)
            .map_err(|error| format!("cannot unpack `{name}` ({error})"))?;
        if packed.len() as u64 > budget {
            return Err(Malformed::TooLarge { limit }.to_string());
        }
        budget -= packed.len() as u64;
        records.extend(warc::parse(&packed, limit).map_err(|m| format!("`{name}`: {m}"))?);
    }
    if warcs == 0 {
        return Err("it holds no WARC file under `archive/`, as a WACZ must".into());
    }
    Ok(records)
}

/// Why no response could be picked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoPick {
    /// No response for the address asked.
    NoSuchAddress { url: String, pages: Vec<String> },
    /// Several pages, and no address to choose one.
    Several(Vec<String>),
    /// No response that is a page.
    NoPage,
}

/// The response for `url` (the first, if the capture holds several);
/// without an address, the capture's only page (an HTML, PDF or text
/// response with status 200: every response of that address, when it
/// was captured more than once, counts as one page).
pub fn pick<'a>(responses: &'a [Response], url: Option<&str>) -> Result<&'a Response, NoPick> {
    let pages = pages(responses);
    match url {
        Some(url) => responses
            .iter()
            .find(|r| same_address(&r.target, url))
            .ok_or_else(|| NoPick::NoSuchAddress {
                url: url.to_string(),
                pages,
            }),
        None => match pages.as_slice() {
            [] => Err(NoPick::NoPage),
            [only] => responses
                .iter()
                .find(|r| r.is_page() && &r.target == only)
                .ok_or(NoPick::NoPage),
            _ => Err(NoPick::Several(pages)),
        },
    }
}

/// The addresses of the pages a capture holds, each once, in order.
pub fn pages(responses: &[Response]) -> Vec<String> {
    let mut pages: Vec<String> = Vec::new();
    for response in responses.iter().filter(|r| r.is_page()) {
        if !pages.contains(&response.target) {
            pages.push(response.target.clone());
        }
    }
    pages
}

/// Whether two addresses are the same, as `url` parses them (so that
/// `https://Example.org` and `https://example.org/` are).
pub fn same_address(a: &str, b: &str) -> bool {
    a == b
        || match (url::Url::parse(a), url::Url::parse(b)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
}

/// One request and its response, as clerk made and received them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    /// The address asked.
    pub url: String,
    /// When the response arrived (whole seconds, UTC).
    pub time: DateTime<Utc>,
    /// The request message as clerk sent it.
    pub request: Vec<u8>,
    pub status: u16,
    pub reason: String,
    /// The response headers, as received.
    pub headers: Vec<(String, String)>,
    /// The body, its transfer encoding undone.
    pub body: Vec<u8>,
}

impl Hop {
    /// The response message: status line, headers, body.
    fn response(&self) -> Vec<u8> {
        let mut out = format!("HTTP/1.1 {} {}\r\n", self.status, self.reason).into_bytes();
        for (name, value) in &self.headers {
            out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&self.body);
        out
    }

    /// The header's value, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A page fetched: the address asked and every hop to the final response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    pub asked: String,
    /// At least one; the last is the page.
    pub hops: Vec<Hop>,
}

/// What the `warcinfo` record says of the software and format.
fn warcinfo_block() -> Vec<u8> {
    format!(
        "software: clerk/{}\r\nformat: WARC File Format 1.1\r\nconformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n",
        crate::VERSION
    )
    .into_bytes()
}

/// WARC-Date's form: RFC 3339, UTC, whole seconds.
pub fn warc_date(time: &DateTime<Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

impl Exchange {
    /// The final response.
    pub fn last(&self) -> &Hop {
        self.hops.last().expect("an exchange has a hop")
    }

    /// The exchange as a WARC/1.1 file: `warcinfo`, then each hop's
    /// `request` and `response`, then a `metadata` record listing the
    /// redirect chain. Record ids are UUID v5 of what the record holds
    /// and when, so the file is a function of the exchange alone.
    pub fn to_warc(&self) -> Vec<u8> {
        let last = self.last();
        let payload = sha256_label(&last.body);
        let id = |kind: &str, url: &str, time: &DateTime<Utc>, index: usize| {
            let name = format!("clerk {kind} {index} {url} {} {payload}", warc_date(time));
            format!(
                "<urn:uuid:{}>",
                uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, name.as_bytes())
            )
        };
        let info_id = id("warcinfo", &self.asked, &last.time, 0);
        let info = warcinfo_block();
        let mut records = vec![Record {
            fields: vec![
                ("WARC-Type".into(), "warcinfo".into()),
                ("WARC-Record-ID".into(), info_id.clone()),
                ("WARC-Date".into(), warc_date(&self.hops[0].time)),
                ("Content-Type".into(), "application/warc-fields".into()),
                ("WARC-Block-Digest".into(), sha256_label(&info)),
            ],
            block: info,
            offset: 0,
        }];
        let mut response_id = String::new();
        for (index, hop) in self.hops.iter().enumerate() {
            let date = warc_date(&hop.time);
            response_id = id("response", &hop.url, &hop.time, index);
            let response = hop.response();
            records.push(Record {
                fields: vec![
                    ("WARC-Type".into(), "request".into()),
                    (
                        "WARC-Record-ID".into(),
                        id("request", &hop.url, &hop.time, index),
                    ),
                    ("WARC-Date".into(), date.clone()),
                    ("WARC-Target-URI".into(), hop.url.clone()),
                    ("WARC-Warcinfo-ID".into(), info_id.clone()),
                    ("WARC-Concurrent-To".into(), response_id.clone()),
                    (
                        "Content-Type".into(),
                        "application/http;msgtype=request".into(),
                    ),
                    ("WARC-Block-Digest".into(), sha256_label(&hop.request)),
                ],
                block: hop.request.clone(),
                offset: 0,
            });
            records.push(Record {
                fields: vec![
                    ("WARC-Type".into(), "response".into()),
                    ("WARC-Record-ID".into(), response_id.clone()),
                    ("WARC-Date".into(), date),
                    ("WARC-Target-URI".into(), hop.url.clone()),
                    ("WARC-Warcinfo-ID".into(), info_id.clone()),
                    (
                        "Content-Type".into(),
                        "application/http;msgtype=response".into(),
                    ),
                    ("WARC-Block-Digest".into(), sha256_label(&response)),
                    ("WARC-Payload-Digest".into(), sha256_label(&hop.body)),
                ],
                block: response,
                offset: 0,
            });
        }
        records.push(self.chain_record(
            id("metadata", &self.asked, &last.time, 0),
            info_id,
            response_id,
        ));
        records.iter().flat_map(Record::to_bytes).collect()
    }
}

impl Exchange {
    /// The `metadata` record listing the redirect chain, hop by hop.
    fn chain_record(&self, id: String, info_id: String, response_id: String) -> Record {
        let last = self.last();
        let mut chain = format!("requested: {}\r\n", self.asked);
        for hop in &self.hops {
            let to = hop
                .header("Location")
                .filter(|_| hop.status / 100 == 3)
                .map(|l| format!(" -> {l}"))
                .unwrap_or_default();
            chain.push_str(&format!(
                "hop: {} {} {}{to}\r\n",
                hop.status, hop.reason, hop.url
            ));
        }
        chain.push_str(&format!("final-url: {}\r\n", last.url));
        let chain = chain.into_bytes();
        Record {
            fields: vec![
                ("WARC-Type".into(), "metadata".into()),
                ("WARC-Record-ID".into(), id),
                ("WARC-Date".into(), warc_date(&last.time)),
                ("WARC-Target-URI".into(), last.url.clone()),
                ("WARC-Warcinfo-ID".into(), info_id),
                ("WARC-Refers-To".into(), response_id),
                ("Content-Type".into(), "application/warc-fields".into()),
                ("WARC-Block-Digest".into(), sha256_label(&chain)),
            ],
            block: chain,
            offset: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange() -> Exchange {
        let time = DateTime::parse_from_rfc3339("2025-04-01T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let hop =
            |url: &str, status: u16, reason: &str, headers: &[(&str, &str)], body: &[u8]| Hop {
                url: url.into(),
                time,
                request: format!("GET {url} HTTP/1.1\r\n\r\n").into_bytes(),
                status,
                reason: reason.into(),
                headers: headers
                    .iter()
                    .map(|(n, v)| (n.to_string(), v.to_string()))
                    .collect(),
                body: body.to_vec(),
            };
        Exchange {
            asked: "http://a.test/old".into(),
            hops: vec![
                hop(
                    "http://a.test/old",
                    301,
                    "Moved Permanently",
                    &[("Location", "/new")],
                    b"",
                ),
                hop(
                    "http://a.test/new",
                    200,
                    "OK",
                    &[("Content-Type", "text/html")],
                    b"<p>page</p>",
                ),
            ],
        }
    }

    #[test]
    fn the_same_exchange_writes_the_same_bytes_and_reads_back() {
        let warc = exchange().to_warc();
        assert_eq!(warc, exchange().to_warc());
        let mut other = exchange();
        other.hops[1].body = b"<p>other</p>".to_vec();
        assert_ne!(warc, other.to_warc());
        let records = warc::parse(&warc, 1 << 20).unwrap();
        let kinds: Vec<String> = records.iter().map(Record::kind).collect();
        assert_eq!(
            kinds,
            [
                "warcinfo", "request", "response", "request", "response", "metadata"
            ]
        );
        let responses = read(&warc, Packing::Warc, 1 << 20).unwrap();
        let page = pick(&responses, None).unwrap();
        assert_eq!(page.target, "http://a.test/new");
        assert_eq!(page.payload(1 << 20).unwrap(), b"<p>page</p>");
        assert_eq!(
            page.time().map(|t| warc_date(&t)).as_deref(),
            Some("2025-04-01T10:00:00Z")
        );
        assert!(matches!(
            pick(&responses, Some("http://a.test/none")),
            Err(NoPick::NoSuchAddress { .. })
        ));
        let chain = String::from_utf8(records[5].block.clone()).unwrap();
        assert!(chain.contains("hop: 301 Moved Permanently http://a.test/old -> /new"));
    }

    #[test]
    fn a_capture_cut_anywhere_is_an_error_not_a_panic() {
        let warc = exchange().to_warc();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gz, &warc).unwrap();
        let gz = gz.finish().unwrap();
        for cut in 0..warc.len() {
            if let Ok(responses) = read(&warc[..cut], Packing::Warc, 1 << 20) {
                for response in &responses {
                    let _ = response.payload(1 << 20);
                }
            }
        }
        for cut in 0..gz.len() {
            let _ = read(&gz[..cut], Packing::Warc, 1 << 20);
            let _ = read(&gz[..cut], Packing::Wacz, 1 << 20);
        }
        // A limit at the top of the range does not overflow.
        assert!(read(&gz, Packing::Warc, u64::MAX).is_ok());
    }

    #[test]
    fn several_pages_need_an_address() {
        let mut two = exchange();
        two.hops[0].status = 200;
        two.hops[0].headers = vec![("Content-Type".into(), "application/pdf".into())];
        let warc = two.to_warc();
        let responses = read(&warc, Packing::Warc, 1 << 20).unwrap();
        assert_eq!(
            pick(&responses, None).unwrap_err(),
            NoPick::Several(vec!["http://a.test/old".into(), "http://a.test/new".into()])
        );
        assert_eq!(
            pick(&responses, Some("http://a.test/old")).unwrap().target,
            "http://a.test/old"
        );
    }
}
