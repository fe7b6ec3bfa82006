//! Fetching a web page for `clerk add URL`: one GET per hop, redirects
//! followed by clerk (at most [`MAX_REDIRECTS`]) so that every hop is
//! recorded, no compression asked for, a time limit over the whole fetch
//! and a size limit on the body. Proxies come from the environment
//! (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`).

use std::time::{Duration, Instant};

// ureq 3, renamed in Cargo.toml (the browser test depends on ureq 2).
use http_client as ureq;

use super::{Exchange, Hop};

/// The most redirects followed before giving up.
pub const MAX_REDIRECTS: usize = 10;

/// How a payload is stored, by its media type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    Html,
    Pdf,
    Text,
}

impl Stored {
    /// The way a response of this media type is stored, if clerk reads it.
    pub fn of(media_type: &str) -> Option<Stored> {
        match media_type {
            "text/html" | "application/xhtml+xml" => Some(Stored::Html),
            "application/pdf" => Some(Stored::Pdf),
            "text/plain" => Some(Stored::Text),
            _ => None,
        }
    }

    /// The source file's extension.
    pub fn extension(self) -> &'static str {
        match self {
            Stored::Html => "html",
            Stored::Pdf => "pdf",
            Stored::Text => "txt",
        }
    }
}

/// Why a fetch failed, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    BadAddress(String),
    NoSuchHost(String),
    Refused(String),
    Tls(String),
    TimedOut(Duration),
    /// An HTTP error status, with the address that answered it.
    Status {
        url: String,
        status: u16,
        reason: String,
    },
    TooManyRedirects,
    /// A redirect without a usable `Location`.
    BadRedirect {
        url: String,
        status: u16,
    },
    TooLarge(u64),
    Other(String),
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::BadAddress(cause) => write!(f, "not an address clerk can fetch: {cause}"),
            FetchError::NoSuchHost(host) => write!(f, "no such host `{host}`"),
            FetchError::Refused(host) => write!(f, "the connection to `{host}` was refused"),
            FetchError::Tls(cause) => write!(f, "the TLS connection failed ({cause})"),
            FetchError::TimedOut(limit) => {
                write!(f, "no complete answer within {} s", limit.as_secs_f64())
            }
            FetchError::Status {
                url,
                status,
                reason,
            } => write!(f, "the server answered HTTP {status} {reason} for `{url}`"),
            FetchError::TooManyRedirects => {
                write!(f, "more than {MAX_REDIRECTS} redirects")
            }
            FetchError::BadRedirect { url, status } => write!(
                f,
                "`{url}` answered HTTP {status}, a redirect, without a usable `Location`"
            ),
            FetchError::TooLarge(limit) => write!(
                f,
                "the body is larger than the limit of {}",
                crate::files::human_size(*limit)
            ),
            FetchError::Other(cause) => write!(f, "{cause}"),
        }
    }
}

/// What a fetch may take.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The whole fetch, every hop together.
    pub timeout: Duration,
    /// The largest body of one response.
    pub max_size: u64,
}

/// Fetches `address`, following redirects, and returns every hop. HTTP
/// errors are failures; any final status other than 200 is one too.
pub fn fetch(address: &str, limits: Limits) -> Result<Exchange, FetchError> {
    let started = Instant::now();
    let user_agent = format!("clerk/{}", crate::VERSION);
    let agent = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .max_redirects(0)
            .http_status_as_error(false)
            .user_agent(user_agent.as_str())
            .accept_encoding("identity")
            .build(),
    );
    let mut url = parse(address)?;
    let mut hops: Vec<Hop> = Vec::new();
    loop {
        let remaining = limits
            .timeout
            .checked_sub(started.elapsed())
            .filter(|d| !d.is_zero())
            .ok_or(FetchError::TimedOut(limits.timeout))?;
        let host = url.host_str().unwrap_or("").to_string();
        let response = agent
            .get(url.as_str())
            .header("Accept", "*/*")
            .config()
            .timeout_global(Some(remaining))
            .build()
            .call()
            .map_err(|error| failure(error, &host, limits))?;
        let (status, reason, headers) = head_of(&response);
        let body = response
            .into_body()
            .with_config()
            .limit(limits.max_size)
            .read_to_vec()
            .map_err(|error| failure(error, &host, limits))?;
        // The request as ureq writes it, header for header.
        let request = format!(
            "GET {} HTTP/1.1\r\naccept-encoding: identity\r\nuser-agent: {user_agent}\r\nhost: {}\r\naccept: */*\r\n\r\n",
            &url[url::Position::BeforePath..url::Position::AfterQuery],
            &url[url::Position::BeforeHost..url::Position::AfterPort],
        )
        .into_bytes();
        let hop = Hop {
            url: url.to_string(),
            time: now(),
            request,
            status,
            reason,
            headers,
            body,
        };
        let code = hop.status;
        let location = hop.header("location").map(str::to_string);
        hops.push(hop);
        match code {
            200 => {
                return Ok(Exchange {
                    asked: address.to_string(),
                    hops,
                });
            }
            301 | 302 | 303 | 307 | 308 => {
                if hops.len() > MAX_REDIRECTS {
                    return Err(FetchError::TooManyRedirects);
                }
                let next = location.and_then(|l| url.join(&l).ok()).ok_or_else(|| {
                    FetchError::BadRedirect {
                        url: url.to_string(),
                        status: code,
                    }
                })?;
                url = next;
            }
            _ => {
                let last = hops.last().expect("just pushed");
                return Err(FetchError::Status {
                    url: last.url.clone(),
                    status: code,
                    reason: last.reason.clone(),
                });
            }
        }
    }
}

/// A response's status, reason and headers, as a capture records them.
fn head_of(response: &ureq::http::Response<ureq::Body>) -> (u16, String, Vec<(String, String)>) {
    let status = response.status();
    let reason = status.canonical_reason().unwrap_or("").to_string();
    let mut headers = Vec::new();
    for (name, value) in response.headers() {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        // ureq undoes chunking: the record says so rather than declaring
        // an encoding its body no longer has.
        let name = match name.as_str() {
            "transfer-encoding" => "x-clerk-undone-transfer-encoding".to_string(),
            other => other.to_string(),
        };
        headers.push((name, value));
    }
    (status.as_u16(), reason, headers)
}

/// The time now, in whole seconds: what a capture records.
fn now() -> chrono::DateTime<chrono::Utc> {
    let now = chrono::Utc::now();
    chrono::DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now)
}

/// An `http` or `https` address.
fn parse(address: &str) -> Result<url::Url, FetchError> {
    let url =
        url::Url::parse(address).map_err(|error| FetchError::BadAddress(error.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(FetchError::BadAddress(
            "clerk fetches `http` and `https` addresses".into(),
        ));
    }
    Ok(url)
}

/// A ureq error in words.
fn failure(error: ureq::Error, host: &str, limits: Limits) -> FetchError {
    match error {
        ureq::Error::HostNotFound => FetchError::NoSuchHost(host.to_string()),
        ureq::Error::Timeout(_) => FetchError::TimedOut(limits.timeout),
        ureq::Error::BodyExceedsLimit(_) => FetchError::TooLarge(limits.max_size),
        ureq::Error::Tls(cause) => FetchError::Tls(cause.to_string()),
        ureq::Error::Rustls(cause) => FetchError::Tls(cause.to_string()),
        ureq::Error::ConnectionFailed => FetchError::Refused(host.to_string()),
        ureq::Error::Io(error) => match error.kind() {
            std::io::ErrorKind::ConnectionRefused => FetchError::Refused(host.to_string()),
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
                FetchError::TimedOut(limits.timeout)
            }
            // The system resolver's failure has no kind of its own: std
            // words it so (getaddrinfo's answer follows).
            _ if error.to_string().starts_with("failed to lookup address") => {
                FetchError::NoSuchHost(host.to_string())
            }
            _ => {
                let inner = error.get_ref();
                // rustls reports a failed handshake through the stream's
                // reads.
                if let Some(tls) = inner.and_then(|i| i.downcast_ref::<rustls::Error>()) {
                    return FetchError::Tls(tls.to_string());
                }
                match inner.and_then(|i| i.downcast_ref::<ureq::Error>()) {
                    Some(ureq::Error::BodyExceedsLimit(_)) => FetchError::TooLarge(limits.max_size),
                    Some(ureq::Error::Timeout(_)) => FetchError::TimedOut(limits.timeout),
                    _ => FetchError::Other(error.to_string()),
                }
            }
        },
        ureq::Error::BadUri(cause) => FetchError::BadAddress(cause),
        other => FetchError::Other(other.to_string()),
    }
}
