//! `clerk add URL` and `clerk add CAPTURE`: pages fetched from a server
//! this test starts on 127.0.0.1 (a redirect chain, errors, a slow
//! answer, a body over the limit, a Latin-1 page, a PDF, a server that
//! compresses whatever it is asked), the WARC written read back by an
//! independent reader (`warcio`, from PyPI; always under CI), a capture
//! written by `wget --warc-file` imported, and `check`, `build` and
//! `verify` holding a source to its capture.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::Project;

const PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Port authority audit | The Harbour Times</title>
<meta property="og:site_name" content="The Harbour Times">
<meta property="article:published_time" content="2024-06-03T09:30:00+02:00">
</head><body><article><h1>Port authority audit</h1>
<p>The auditors found that the port authority kept no minutes of the tender board.</p>
</article></body></html>
"#;

/// One canned answer: status line, headers, body, and a delay before it.
struct Answer {
    status: &'static str,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    delay: Duration,
}

fn answer(status: &'static str, headers: &[(&str, &str)], body: impl Into<Vec<u8>>) -> Answer {
    Answer {
        status,
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        body: body.into(),
        delay: Duration::ZERO,
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn bulletin_pdf() -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/documents/sources/bulletin.pdf"),
    )
    .unwrap()
}

/// The fixtures, by path.
fn route(path: &str) -> Answer {
    let html = [("Content-Type", "text/html; charset=utf-8")];
    match path {
        "/old" => answer("301 Moved Permanently", &[("Location", "/moved")], ""),
        "/moved" => answer("302 Found", &[("Location", "/news/port-audit.html")], ""),
        "/news/port-audit.html" => answer("200 OK", &html, PAGE),
        "/missing" => answer("404 Not Found", &html, "<p>no such page</p>"),
        "/broken" => answer("500 Internal Server Error", &html, "<p>oops</p>"),
        "/loop" => answer("302 Found", &[("Location", "/loop")], ""),
        "/slow" => Answer {
            delay: Duration::from_secs(3),
            ..answer("200 OK", &html, PAGE)
        },
        "/big" => answer(
            "200 OK",
            &html,
            format!("<p>{}</p>", "a".repeat(2 * 1024 * 1024)),
        ),
        "/latin1" => answer(
            "200 OK",
            &[("Content-Type", "text/html; charset=ISO-8859-1")],
            b"<html><head><title>Caf\xe9 cr\xe8me</title></head><body><p>Le caf\xe9 est ferm\xe9.</p></body></html>".to_vec(),
        ),
        "/report.pdf" => answer("200 OK", &[("Content-Type", "application/pdf")], bulletin_pdf()),
        "/compressed" => answer(
            "200 OK",
            &[
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Encoding", "gzip"),
            ],
            gzip(PAGE.as_bytes()),
        ),
        "/chunked" => answer(
            "200 OK",
            &[
                ("Content-Type", "text/html; charset=utf-8"),
                ("Transfer-Encoding", "chunked"),
            ],
            PAGE,
        ),
        "/logo.png" => answer("200 OK", &[("Content-Type", "image/png")], "\u{89}PNG"),
        _ => answer("404 Not Found", &html, ""),
    }
}

/// A small HTTP/1.1 server on 127.0.0.1 serving [`route`], one thread per
/// connection, stopped when dropped.
struct Server {
    port: u16,
    stop: Arc<AtomicBool>,
    /// Every request head received, as received.
    requests: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let received = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    let received = received.clone();
                    std::thread::spawn(move || serve(stream, &received));
                }
            }
        });
        Server {
            port,
            stop,
            requests,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(stream: TcpStream, received: &Mutex<Vec<Vec<u8>>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut head = line.clone().into_bytes();
        let target = line.split_whitespace().nth(1).unwrap_or("/").to_string();
        // A proxy is asked for the absolute address.
        let path = match target.strip_prefix("http://") {
            Some(rest) => rest
                .find('/')
                .map_or("/".to_string(), |i| rest[i..].to_string()),
            None => target,
        };
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            head.extend_from_slice(header.as_bytes());
            if header.trim().is_empty() {
                break;
            }
        }
        received.lock().unwrap().push(head);
        // ureq tunnels through a proxy: this server is the tunnel's other
        // end too.
        if line.starts_with("CONNECT ") {
            if writer
                .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                .is_err()
            {
                return;
            }
            continue;
        }
        let answer = route(&path);
        std::thread::sleep(answer.delay);
        let mut head = format!("HTTP/1.1 {}\r\n", answer.status);
        for (name, value) in &answer.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        let chunked = answer.headers.iter().any(|(n, _)| n == "Transfer-Encoding");
        let body = if chunked {
            head.push_str("\r\n");
            let mut body = Vec::new();
            for chunk in answer.body.chunks(100) {
                body.extend(format!("{:x}\r\n", chunk.len()).as_bytes());
                body.extend(chunk);
                body.extend(b"\r\n");
            }
            body.extend(b"0\r\n\r\n");
            body
        } else {
            head.push_str(&format!("Content-Length: {}\r\n\r\n", answer.body.len()));
            answer.body
        };
        if writer.write_all(head.as_bytes()).is_err() || writer.write_all(&body).is_err() {
            return;
        }
        let _ = writer.flush();
    }
}

/// The variables that name proxies.
const PROXIES: [&str; 8] = [
    "http_proxy",
    "https_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// Runs `clerk add ARGS…` from the project folder, with no proxy.
fn add(project: &Project, args: &[&str]) -> (i32, String, String) {
    let mut command = project.clerk(&[&["add"], args].concat());
    for proxy in PROXIES {
        command.env_remove(proxy);
    }
    let output = command.current_dir(project.root()).output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Every file under `sources/`, by name.
fn sources(project: &Project) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(project.path("sources"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Runs an independent tool; `None` (with a notice) when it is not
/// installed outside CI, a failure under CI.
fn tool(name: &str, args: &[&str]) -> Option<std::process::Output> {
    match std::process::Command::new(name).args(args).output() {
        Ok(output) => Some(output),
        Err(_) if std::env::var_os("CI").is_none() => {
            eprintln!("SKIPPED: `{name}` is not installed (.ci/run installs it)");
            None
        }
        Err(error) => panic!("`{name}` is not installed under CI ({error})"),
    }
}

/// `warcio check` and `warcio index` on a WARC: the records it lists.
fn warcio_index(path: &std::path::Path) -> Option<String> {
    let path = path.to_str().unwrap();
    let check = tool("warcio", &["check", "-v", path])?;
    assert!(
        check.status.success(),
        "warcio check failed:\n{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    let report = String::from_utf8_lossy(&check.stdout);
    assert!(
        report.contains("digest pass")
            && !report.contains("fail")
            && !report.contains("not checked"),
        "{report}"
    );
    let index = tool(
        "warcio",
        &["index", "-f", "warc-type,warc-target-uri,http:status", path],
    )?;
    assert!(index.status.success());
    Some(String::from_utf8_lossy(&index.stdout).into_owned())
}

#[test]
fn a_page_behind_two_redirects_is_captured_with_every_hop() {
    let server = Server::start();
    let project = Project::fixture("basic");
    let address = server.url("/old");
    let (status, stdout, stderr) = add(&project, &[&address, "--kind", "press"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stdout.starts_with(
            "added source `old`: captured (2 redirects) to sources/old.html, capture sources/old.warc, record sources/old.toml\n"
        ),
        "{stdout}"
    );
    assert_eq!(project.read("sources/old.html"), PAGE);
    // Each request record holds the request as the server received it,
    // byte for byte.
    let warc = std::fs::read(project.path("sources/old.warc")).unwrap();
    let requests = server.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert!(
            warc.windows(request.len()).any(|w| w == request.as_slice()),
            "{}",
            String::from_utf8_lossy(request)
        );
    }
    let record = project.read("sources/old.toml");
    let captured = record
        .lines()
        .find_map(|l| l.strip_prefix("captured = "))
        .expect("a capture time")
        .to_string();
    assert_eq!(
        record,
        format!(
            "file = \"old.html\"\n\
             title = \"Port authority audit\"\n\
             publisher = \"The Harbour Times\"\n\
             kind = \"press\"\n\
             published = 2024-06-03\n\
             accessed = {}\n\
             language = \"en\"\n\
             url = \"{address}\"\n\
             final-url = \"{}\"\n\
             captured = {captured}\n\
             capture = \"old.warc\"\n",
            &captured[..10],
            server.url("/news/port-audit.html"),
        )
    );
    let (status, stdout, stderr) = project.run(&["check"]);
    assert_eq!(status, 0, "{stdout}{stderr}");
    let Some(index) = warcio_index(&project.path("sources/old.warc")) else {
        return;
    };
    let lines: Vec<&str> = index.lines().collect();
    let expected = [
        r#"{"warc-type": "warcinfo"}"#.to_string(),
        format!(r#"{{"warc-type": "request", "warc-target-uri": "{address}"}}"#),
        format!(
            r#"{{"warc-type": "response", "warc-target-uri": "{address}", "http:status": "301"}}"#
        ),
        format!(
            r#"{{"warc-type": "request", "warc-target-uri": "{}"}}"#,
            server.url("/moved")
        ),
        format!(
            r#"{{"warc-type": "response", "warc-target-uri": "{}", "http:status": "302"}}"#,
            server.url("/moved")
        ),
        format!(
            r#"{{"warc-type": "request", "warc-target-uri": "{}"}}"#,
            server.url("/news/port-audit.html")
        ),
        format!(
            r#"{{"warc-type": "response", "warc-target-uri": "{}", "http:status": "200"}}"#,
            server.url("/news/port-audit.html")
        ),
        format!(
            r#"{{"warc-type": "metadata", "warc-target-uri": "{}"}}"#,
            server.url("/news/port-audit.html")
        ),
    ];
    assert_eq!(lines, expected, "{index}");
}

#[test]
fn a_pdf_and_a_latin_1_page_are_stored_as_sent() {
    let server = Server::start();
    let project = Project::fixture("basic");
    let (status, stdout, stderr) = add(
        &project,
        &[
            &server.url("/report.pdf"),
            "--kind",
            "government",
            "--publisher",
            "Port",
        ],
    );
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stdout.contains("captured to sources/report.pdf"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read(project.path("sources/report.pdf")).unwrap(),
        bulletin_pdf()
    );
    // The charset is only in the header: the record keeps it, so that the
    // bytes stored as sent read as the server meant.
    let (status, _, stderr) = add(
        &project,
        &[
            &server.url("/latin1"),
            "--kind",
            "press",
            "--publisher",
            "Le Journal",
        ],
    );
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(
        std::fs::read(project.path("sources/latin1.html")).unwrap(),
        route("/latin1").body
    );
    let record = project.read("sources/latin1.toml");
    assert!(record.contains("title = \"Café crème\"\n"), "{record}");
    assert!(record.contains("charset = \"windows-1252\"\n"), "{record}");
    let (status, stdout, stderr) = project.run(&["text", "latin1"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(stdout.contains("Le café est fermé."), "{stdout}");
    // Its record is corrected as any other: the page read in its charset.
    let (status, stdout, stderr) = add(&project, &["--update", "latin1", "--title", "Café"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stdout.contains("title: \"Café crème\" -> \"Café\" (--title)"),
        "{stdout}"
    );
    for warc in ["sources/report.warc", "sources/latin1.warc"] {
        if warcio_index(&project.path(warc)).is_none() {
            return;
        }
    }
}

#[test]
fn a_server_that_compresses_anyway_gives_the_page_and_keeps_what_it_sent() {
    let server = Server::start();
    let project = Project::fixture("basic");
    let (status, _, stderr) = add(&project, &[&server.url("/compressed"), "--kind", "press"]);
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(project.read("sources/compressed.html"), PAGE);
    let warc = std::fs::read(project.path("sources/compressed.warc")).unwrap();
    let gzipped = gzip(PAGE.as_bytes());
    assert!(
        warc.windows(gzipped.len()).any(|w| w == gzipped),
        "the capture keeps the compressed body"
    );
    let (status, stdout, stderr) = project.run(&["check"]);
    assert_eq!(status, 0, "{stdout}{stderr}");
    warcio_index(&project.path("sources/compressed.warc"));
}

#[test]
fn a_page_sent_in_chunks_is_recorded_whole() {
    let server = Server::start();
    let project = Project::fixture("basic");
    let (status, _, stderr) = add(&project, &[&server.url("/chunked"), "--kind", "press"]);
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(project.read("sources/chunked.html"), PAGE);
    let warc = std::fs::read(project.path("sources/chunked.warc")).unwrap();
    let text = String::from_utf8_lossy(&warc);
    assert!(
        text.contains("x-clerk-undone-transfer-encoding: chunked\r\n") && text.contains(PAGE),
        "{text}"
    );
    let (status, stdout, stderr) = project.run(&["check"]);
    assert_eq!(status, 0, "{stdout}{stderr}");
    warcio_index(&project.path("sources/chunked.warc"));
}

#[test]
fn every_failure_names_the_address_and_the_cause_and_writes_nothing() {
    let server = Server::start();
    let project = Project::fixture("basic");
    let before = sources(&project);
    let closed = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        format!("http://127.0.0.1:{port}/")
    };
    // A server that answers in plain HTTP whatever it is sent: no TLS.
    let not_tls = TcpListener::bind("127.0.0.1:0").unwrap();
    let plain = not_tls.try_clone().unwrap();
    std::thread::spawn(move || {
        for mut stream in plain.incoming().flatten().take(1) {
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        }
    });
    let not_tls = not_tls.local_addr().unwrap();
    let cases: Vec<(String, Vec<&str>, String)> = vec![
        (
            server.url("/missing"),
            vec![],
            "the server answered HTTP 404 Not Found".into(),
        ),
        (
            server.url("/broken"),
            vec![],
            "the server answered HTTP 500 Internal Server Error".into(),
        ),
        (server.url("/loop"), vec![], "more than 10 redirects".into()),
        (
            server.url("/slow"),
            vec!["--timeout", "1"],
            "no complete answer within 1 s".into(),
        ),
        (
            server.url("/big"),
            vec!["--max-source-size", "1MiB"],
            "the body is larger than the limit of 1 MiB".into(),
        ),
        (
            server.url("/logo.png"),
            vec![],
            "the page is `image/png`, which clerk cannot read".into(),
        ),
        (closed.clone(), vec![], "was refused".into()),
        (
            format!("https://127.0.0.1:{}/", not_tls.port()),
            vec![],
            "the TLS connection failed (received corrupt message".into(),
        ),
        (
            "http://no-such-host.invalid/".into(),
            vec![],
            "no such host `no-such-host.invalid`".into(),
        ),
    ];
    for (address, extra, cause) in cases {
        let mut args = vec![address.as_str(), "--kind", "press", "--publisher", "P"];
        args.extend(extra);
        let (status, stdout, stderr) = add(&project, &args);
        assert_eq!(status, 2, "{address}: {stdout}{stderr}");
        assert!(
            stderr.contains(&format!("error: cannot add `{address}`: ")) && stderr.contains(&cause),
            "{address}: {stderr}"
        );
        assert!(stderr.contains("nothing was written"), "{stderr}");
        assert_eq!(sources(&project), before, "{address}");
    }
}

#[test]
fn an_address_is_fetched_through_the_proxy_the_environment_names() {
    let server = Server::start();
    let project = Project::fixture("basic");
    // The host does not exist: only the proxy can answer for it.
    let address = "http://harbour-times.invalid/news/port-audit.html";
    let mut command = project.clerk(&["add", address, "--kind", "press"]);
    for proxy in PROXIES {
        command.env_remove(proxy);
    }
    let output = command.env("HTTP_PROXY", server.url("")).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(project.read("sources/port-audit.html"), PAGE);
    assert!(
        project
            .read("sources/port-audit.toml")
            .contains(&format!("url = \"{address}\"\n"))
    );
    // NO_PROXY names the host: clerk goes direct, and finds no such host.
    let mut command = project.clerk(&["add", address, "--kind", "press", "--id", "direct"]);
    for proxy in PROXIES {
        command.env_remove(proxy);
    }
    let output = command
        .env("HTTP_PROXY", server.url(""))
        .env("NO_PROXY", "harbour-times.invalid")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no such host `harbour-times.invalid`"),
        "{stderr}"
    );
}

#[test]
fn check_holds_a_source_to_its_capture() {
    let server = Server::start();
    let project = Project::fixture("basic");
    let (status, _, stderr) = add(
        &project,
        &[
            &server.url("/news/port-audit.html"),
            "--kind",
            "press",
            "--to",
            "harbour",
        ],
    );
    assert_eq!(status, 0, "{stderr}");
    let (status, stdout, stderr) = project.run(&["check"]);
    assert_eq!(status, 0, "{stdout}{stderr}");
    // The page changed after its capture, and was pinned again.
    let original = project.read("sources/port-audit.html");
    project.write(
        "sources/port-audit.html",
        original.replace("no minutes", "full minutes"),
    );
    // `pin` pins it, and reports the finding (status 1).
    let (status, _, stderr) = project.run(&["pin", "harbour"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("error[capture-mismatch]"), "{stderr}");
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 1, "{stderr}");
    let file = format!(
        "sha256:{}",
        sha256(project.read("sources/port-audit.html").as_bytes())
    );
    let payload = format!("sha256:{}", sha256(original.as_bytes()));
    assert!(
        stderr.contains(&format!(
            "error[capture-mismatch]: the source file is not the payload of capture `sources/port-audit.warc` for `{}`: the file is {file}, the capture's payload {payload}",
            server.url("/news/port-audit.html")
        )),
        "{stderr}"
    );
    // A capture cut short does not parse.
    project.write("sources/port-audit.html", &original);
    project.run(&["pin", "harbour"]);
    let warc = std::fs::read(project.path("sources/port-audit.warc")).unwrap();
    project.write("sources/port-audit.warc", &warc[..warc.len() - 200]);
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains(
            "error[bad-capture]: capture `sources/port-audit.warc` cannot be read: it is truncated"
        ),
        "{stderr}"
    );
}

#[test]
fn a_brief_cites_the_archived_copy_and_verify_covers_the_capture() {
    let server = Server::start();
    let project = Project::fixture("basic");
    let (status, _, stderr) = add(
        &project,
        &[
            &server.url("/news/port-audit.html"),
            "--kind",
            "press",
            "--to",
            "harbour",
        ],
    );
    assert_eq!(status, 0, "{stderr}");
    let archived = "https://perma.cc/ABCD-1234";
    let record = project.read("sources/port-audit.toml");
    project.write(
        "sources/port-audit.toml",
        format!("{record}archived-url = \"{archived}\"\n"),
    );
    project.edit(
        "dossiers/harbour.toml",
        "[[claims.evidence]]\nsource = \"gamma\"",
        "[[claims.evidence]]\nsource = \"port-audit\"\nquote = \"kept no minutes of the tender board\"\n\n[[claims.evidence]]\nsource = \"gamma\"",
    );
    let (status, stdout, stderr) = project.run(&["build", "--emit", "csl,html"]);
    assert_eq!(status, 0, "{stdout}{stderr}");
    let pdf = std::fs::read(project.path("output/harbour.pdf")).unwrap();
    let text = common::pdf_text(&pdf);
    assert!(text.contains(&format!("archived at {archived}")), "{text}");
    let html = project.read("output/harbour.html");
    assert!(
        html.contains(&format!(
            "archived at <a href=\"{archived}\">{archived}</a>"
        )),
        "{html}"
    );
    let csl = project.read("output/harbour.csl.json");
    assert!(
        csl.contains(&format!("\"archive_location\": \"{archived}\"")),
        "{csl}"
    );
    // The Citation Style Language's own schema admits it.
    // Read where it is published, beside the project (../shared/vendor).
    let schema_path = common::shared("vendor/schemas/csl/csl-data.json");
    let schema: serde_json::Value =
        serde_json::from_slice(&std::fs::read(schema_path).unwrap()).unwrap();
    let validator = jsonschema::options().offline().build(&schema).unwrap();
    let items: serde_json::Value = serde_json::from_str(&csl).unwrap();
    assert!(validator.is_valid(&items), "{csl}");
    let pdf_path = project.path("output/harbour.pdf");
    let (status, stdout, stderr) = project.run(&["verify", pdf_path.to_str().unwrap()]);
    assert_eq!(status, 0, "{stdout}{stderr}");
    // A capture changed since the build is a difference verify reports.
    let mut warc = std::fs::read(project.path("sources/port-audit.warc")).unwrap();
    warc.extend_from_slice(b"\r\n");
    project.write("sources/port-audit.warc", &warc);
    let (status, stdout, stderr) = project.run(&["verify", pdf_path.to_str().unwrap()]);
    assert_eq!(status, 1, "{stdout}{stderr}");
    assert!(stdout.contains("sources/port-audit.warc"), "{stdout}");
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `wget --warc-file` against the test server: the capture it writes.
fn wget_capture(server: &Server, dir: &std::path::Path, path: &str) -> Option<std::path::PathBuf> {
    let base = dir.join("wget");
    let output = tool(
        "wget",
        &[
            "--quiet",
            "--no-proxy",
            "--tries=1",
            "--output-document",
            dir.join("page.out").to_str().unwrap(),
            "--warc-file",
            base.to_str().unwrap(),
            &server.url(path),
        ],
    )?;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(dir.join("wget.warc.gz"))
}

#[test]
fn a_capture_written_by_wget_is_imported() {
    let server = Server::start();
    let project = Project::fixture("basic");
    let dir = tempfile::tempdir().unwrap();
    let Some(capture) = wget_capture(&server, dir.path(), "/old") else {
        return;
    };
    let inbox = project.path("inbox/harbour-times.warc.gz");
    std::fs::create_dir_all(inbox.parent().unwrap()).unwrap();
    std::fs::copy(&capture, &inbox).unwrap();
    let (status, stdout, stderr) = add(
        &project,
        &["inbox/harbour-times.warc.gz", "--kind", "press"],
    );
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stdout.starts_with("added source `harbour-times`: imported to sources/harbour-times.html, capture sources/harbour-times.warc.gz, record sources/harbour-times.toml\n"),
        "{stdout}"
    );
    assert_eq!(project.read("sources/harbour-times.html"), PAGE);
    assert_eq!(
        std::fs::read(project.path("sources/harbour-times.warc.gz")).unwrap(),
        std::fs::read(&capture).unwrap(),
        "the capture is kept byte for byte"
    );
    let record = project.read("sources/harbour-times.toml");
    assert!(
        record.contains(&format!(
            "url = \"{}\"\n",
            server.url("/news/port-audit.html")
        )),
        "{record}"
    );
    assert!(
        record.contains("capture = \"harbour-times.warc.gz\"\n"),
        "{record}"
    );
    let (status, stdout, stderr) = project.run(&["check"]);
    assert_eq!(status, 0, "{stdout}{stderr}");

    // A capture already under `sources/` stays where it is, the page
    // beside it; `--format json` names both.
    std::fs::create_dir_all(project.path("sources/captures")).unwrap();
    std::fs::copy(&capture, project.path("sources/captures/again.warc.gz")).unwrap();
    let (status, stdout, stderr) = add(
        &project,
        &[
            "--format",
            "json",
            "sources/captures/again.warc.gz",
            "--kind",
            "press",
        ],
    );
    assert_eq!(status, 0, "{stderr}");
    let added: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(added["file"], "sources/captures/again.html");
    assert_eq!(added["capture"], "sources/captures/again.warc.gz");
    assert!(
        project
            .read("sources/captures/again.toml")
            .contains("capture = \"again.warc.gz\"\n")
    );

    // The compressing server, through wget, as a WACZ.
    let dir = tempfile::tempdir().unwrap();
    let capture = wget_capture(&server, dir.path(), "/compressed").unwrap();
    let wacz = project.path("inbox/compressed.wacz");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&wacz).unwrap());
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("datapackage.json", stored).unwrap();
    zip.write_all(br#"{"profile": "data-package", "wacz_version": "1.1.1"}"#)
        .unwrap();
    zip.start_file("archive/data.warc.gz", stored).unwrap();
    zip.write_all(&std::fs::read(&capture).unwrap()).unwrap();
    zip.finish().unwrap();
    let (status, stdout, stderr) = add(&project, &["inbox/compressed.wacz", "--kind", "press"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stdout.contains("capture sources/compressed.wacz"),
        "{stdout}"
    );
    assert_eq!(project.read("sources/compressed.html"), PAGE);
    let (status, stdout, stderr) = project.run(&["check"]);
    assert_eq!(status, 0, "{stdout}{stderr}");
}

#[test]
fn a_capture_of_several_pages_asks_which_and_a_bad_one_is_refused() {
    let server = Server::start();
    let project = Project::fixture("basic");
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("two");
    let Some(output) = tool(
        "wget",
        &[
            "--quiet",
            "--no-proxy",
            "--tries=1",
            "--output-document",
            dir.path().join("out").to_str().unwrap(),
            "--warc-file",
            base.to_str().unwrap(),
            "--no-warc-compression",
            &server.url("/news/port-audit.html"),
            &server.url("/report.pdf"),
        ],
    ) else {
        return;
    };
    assert!(output.status.success());
    let capture = dir.path().join("two.warc");
    let before = sources(&project);
    let (status, _, stderr) = add(&project, &[capture.to_str().unwrap(), "--kind", "press"]);
    assert_eq!(status, 2, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "holds 2 pages: `{}`, `{}`",
            server.url("/news/port-audit.html"),
            server.url("/report.pdf")
        )) && stderr.contains("choose one with `--url URL`"),
        "{stderr}"
    );
    let (status, _, stderr) = add(
        &project,
        &[
            capture.to_str().unwrap(),
            "--kind",
            "press",
            "--url",
            &server.url("/nowhere"),
        ],
    );
    assert_eq!(status, 2, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "it holds no response for `{}`",
            server.url("/nowhere")
        )),
        "{stderr}"
    );
    let bytes = std::fs::read(&capture).unwrap();
    let cut = dir.path().join("cut.warc");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let (status, _, stderr) = add(&project, &[cut.to_str().unwrap(), "--kind", "press"]);
    assert_eq!(status, 2, "{stderr}");
    assert!(stderr.contains("it is truncated"), "{stderr}");
    assert_eq!(sources(&project), before);
    let (status, _, stderr) = add(
        &project,
        &[
            capture.to_str().unwrap(),
            "--kind",
            "government",
            "--publisher",
            "Port",
            "--url",
            &server.url("/report.pdf"),
        ],
    );
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(
        std::fs::read(project.path("sources/two.pdf")).unwrap(),
        bulletin_pdf()
    );
}
