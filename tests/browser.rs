//! The HTML edition in a real browser: headless Chromium (Debian's
//! `chromium`), driven over WebDriver by `chromedriver`, opens each brief
//! of the bundled example, follows every link within the page, runs
//! axe-core (the npm package) against WCAG 2.1 AA in light and dark mode,
//! and checks that a 320 px wide screen needs no horizontal scrolling.
//!
//! `.ci/run` installs what this needs. Elsewhere, a missing browser, driver
//! or axe-core is reported and the test passes, except under CI (`CI` set),
//! where it fails: CI must never pass without having looked.
//!
//! With `DOCS_BLESS=1` it also saves the screenshot README shows
//! (`docs/example-html.png`).

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Project;
use serde_json::{Value, json};

/// What the test needs from the machine: the browser, its driver and
/// axe-core's script.
struct Tools {
    chromium: PathBuf,
    chromedriver: PathBuf,
    axe: String,
}

fn find_tools() -> Result<Tools, String> {
    let program = |variable: &str, default: &str| {
        let path = std::env::var_os(variable)
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(default));
        if path.is_file() {
            Ok(path)
        } else {
            Err(format!(
                "{} not found (install Debian's chromium and chromium-driver, or set {variable})",
                path.display()
            ))
        }
    };
    let chromium = program("CHROMIUM", "/usr/bin/chromium")?;
    let chromedriver = program("CHROMEDRIVER", "/usr/bin/chromedriver")?;
    let axe_path = std::env::var_os("AXE_CORE_JS")
        .map(PathBuf::from)
        .or_else(|| {
            let root = Command::new("npm").args(["root", "-g"]).output().ok()?;
            let root = String::from_utf8(root.stdout).ok()?;
            Some(Path::new(root.trim()).join("axe-core/axe.min.js"))
        })
        .filter(|path| path.is_file())
        .ok_or("axe-core not found (`npm install -g axe-core`, or set AXE_CORE_JS)")?;
    let axe = std::fs::read_to_string(&axe_path).map_err(|e| e.to_string())?;
    Ok(Tools {
        chromium,
        chromedriver,
        axe,
    })
}

/// The tools, or `None` after saying why the test cannot run (a failure
/// under CI).
fn tools_or_skip() -> Option<Tools> {
    match find_tools() {
        Ok(tools) => Some(tools),
        Err(why) if std::env::var_os("CI").is_some() => {
            panic!("the browser test cannot run under CI: {why}")
        }
        Err(why) => {
            eprintln!("SKIPPED: the browser test cannot run here: {why}");
            None
        }
    }
}

/// A chromedriver process and one headless Chromium session, ended on drop.
struct Browser {
    driver: Child,
    base: String,
    session: String,
}

impl Browser {
    fn start(tools: &Tools) -> Browser {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(&tools.chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let base = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while ureq::get(&format!("{base}/status")).call().is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "chromedriver did not answer within 30 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let mut browser = Browser {
            driver,
            base,
            session: String::new(),
        };
        let created = browser.send(
            "POST",
            "/session",
            json!({"capabilities": {"alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": tools.chromium,
                    "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                             "--disable-dev-shm-usage", "--window-size=1280,1000",
                             "--force-color-profile=srgb", "--hide-scrollbars"],
                },
            }}}),
        );
        browser.session = created["sessionId"].as_str().unwrap().to_string();
        browser.command("/timeouts", json!({"script": 120_000}));
        browser
    }

    fn send(&self, method: &str, path: &str, body: Value) -> Value {
        let url = format!("{}{path}", self.base);
        let response = match method {
            "GET" => ureq::get(&url).call(),
            _ => ureq::request(method, &url).send_json(body),
        };
        match response {
            Ok(response) => response.into_json::<Value>().unwrap()["value"].clone(),
            Err(ureq::Error::Status(code, response)) => {
                panic!(
                    "WebDriver {method} {path}: {code} {}",
                    response.into_string().unwrap()
                )
            }
            Err(error) => panic!("WebDriver {method} {path}: {error}"),
        }
    }

    fn command(&self, path: &str, body: Value) -> Value {
        self.send("POST", &format!("/session/{}{path}", self.session), body)
    }

    fn open(&self, file: &Path) {
        let url = format!("file://{}", file.display());
        self.command("/url", json!({ "url": url }));
    }

    fn run(&self, script: &str) -> Value {
        self.command("/execute/sync", json!({"script": script, "args": []}))
    }

    fn run_async(&self, script: &str) -> Value {
        self.command("/execute/async", json!({"script": script, "args": []}))
    }

    /// A Chrome DevTools command, through chromedriver.
    fn devtools(&self, cmd: &str, params: Value) -> Value {
        self.command("/goog/cdp/execute", json!({"cmd": cmd, "params": params}))
    }

    fn screenshot(&self) -> Vec<u8> {
        use base64::Engine;
        let png = self.send(
            "GET",
            &format!("/session/{}/screenshot", self.session),
            json!({}),
        );
        base64::engine::general_purpose::STANDARD
            .decode(png.as_str().unwrap())
            .unwrap()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = ureq::delete(&format!("{}/session/{}", self.base, self.session)).call();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Follows every link within the page and returns how many there were and
/// those that do not land on an element.
const FOLLOW_LINKS: &str = r##"
const links = [...document.querySelectorAll('a[href^="#"]')];
const broken = [];
for (const link of links) {
  link.click();
  const id = decodeURIComponent(link.getAttribute('href').slice(1));
  const target = document.querySelector(':target');
  if (!target || target.id !== id) broken.push(link.getAttribute('href'));
}
return {
  links: links.length,
  citations: document.querySelectorAll('.citation a').length,
  responses: document.querySelectorAll('.links a').length,
  broken,
  external: performance.getEntriesByType('resource').map(r => r.name),
  scripts: document.scripts.length,
};
"##;

/// axe-core against WCAG 2.0 and 2.1, levels A and AA: the violations,
/// each with the first few elements it names.
const RUN_AXE: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
  .then(result => done({
    passes: result.passes.length,
    violations: result.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary),
    })),
  }))
  .catch(error => done({ error: String(error) }));
"#;

/// axe-core's findings on the page as it is now.
fn run_axe(browser: &Browser, tools: &Tools) -> Value {
    browser.run(&format!("{}\nreturn true;", tools.axe));
    let result = browser.run_async(RUN_AXE);
    assert!(result.get("error").is_none(), "axe failed: {result}");
    assert!(result["passes"].as_u64().unwrap() > 10, "{result}");
    result
}

fn axe(browser: &Browser, tools: &Tools, scheme: &str) {
    let result = run_axe(browser, tools);
    assert_eq!(
        result["violations"],
        json!([]),
        "axe found WCAG 2.1 AA violations in {scheme} mode:\n{:#}",
        result["violations"]
    );
}

#[test]
fn the_html_edition_is_navigable_accessible_and_fits_a_phone() {
    let Some(tools) = tools_or_skip() else {
        return;
    };
    let project = Project::example();
    let (status, _, stderr) = project.run(&["build", "--emit", "html"]);
    assert_eq!(status, 0, "{stderr}");
    let pages: Vec<PathBuf> = std::fs::read_dir(project.path("output"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    assert!(!pages.is_empty());
    let browser = Browser::start(&tools);
    for page in &pages {
        browser.open(page);
        let title = browser.run("return document.title;");
        assert!(!title.as_str().unwrap().is_empty(), "{}", page.display());

        let links = browser.run(FOLLOW_LINKS);
        assert_eq!(links["broken"], json!([]), "{}: {links}", page.display());
        assert!(links["citations"].as_u64().unwrap() > 0, "{links}");
        assert!(links["responses"].as_u64().unwrap() > 0, "{links}");
        assert!(
            links["links"].as_u64().unwrap()
                >= links["citations"].as_u64().unwrap() + links["responses"].as_u64().unwrap()
        );
        assert_eq!(
            links["external"],
            json!([]),
            "the page requested other files"
        );
        assert_eq!(links["scripts"], 0);

        // The figure is drawn, with its text alternative.
        let figure = browser.run(
            "const svg = document.querySelector('svg.timeline');
             return { role: svg.getAttribute('role'), name: svg.querySelector('title').textContent,
                      desc: svg.querySelector('desc').textContent.length,
                      markers: svg.querySelectorAll('.marker').length,
                      width: svg.getBoundingClientRect().width };",
        );
        assert_eq!(figure["role"], "img");
        assert!(figure["markers"].as_u64().unwrap() > 0, "{figure}");
        assert!(figure["desc"].as_u64().unwrap() > 20, "{figure}");

        axe(&browser, &tools, "light");
        browser.devtools(
            "Emulation.setEmulatedMedia",
            json!({"features": [{"name": "prefers-color-scheme", "value": "dark"}]}),
        );
        let background = browser.run("return getComputedStyle(document.body).backgroundColor;");
        assert_eq!(background, "rgb(22, 24, 28)", "dark mode is not applied");
        axe(&browser, &tools, "dark");
        browser.devtools("Emulation.setEmulatedMedia", json!({"features": []}));

        // A 320 px wide phone: nothing wider than the screen.
        browser.devtools(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": 320, "height": 640, "deviceScaleFactor": 2, "mobile": true}),
        );
        let fit = browser.run(
            "const root = document.documentElement;
             const wide = [...document.querySelectorAll('body *')]
               .filter(e => e.getBoundingClientRect().right > root.clientWidth + 0.5
                            && !e.closest('.timeline-scroll'))
               .slice(0, 5).map(e => e.tagName + '.' + e.className);
             return { viewport: root.clientWidth, scroll: root.scrollWidth, wide };",
        );
        assert_eq!(fit["viewport"], 320, "{fit}");
        assert!(
            fit["scroll"].as_u64() <= fit["viewport"].as_u64() && fit["wide"] == json!([]),
            "{}: horizontal scroll at 320 px: {fit}",
            page.display()
        );
        axe(&browser, &tools, "narrow");
        browser.devtools("Emulation.clearDeviceMetricsOverride", json!({}));
    }
    // The checks can fail: a broken link, an image without a text
    // alternative and low-contrast text added to the page are all caught.
    browser.open(&pages[0]);
    browser.run(
        "const p = document.createElement('p');
         p.innerHTML = '<a href=\"#nowhere\">gone</a> <img src=\"data:,\"> <span style=\"color:#ddd\">faint</span>';
         document.querySelector('main').appendChild(p);",
    );
    let links = browser.run(FOLLOW_LINKS);
    assert_eq!(links["broken"], json!(["#nowhere"]), "{links}");
    let found = run_axe(&browser, &tools);
    let ids: Vec<&str> = found["violations"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v["id"].as_str())
        .collect();
    assert!(
        ids.contains(&"image-alt") && ids.contains(&"color-contrast"),
        "{ids:?}"
    );

    if std::env::var_os("DOCS_BLESS").is_some() {
        browser.devtools(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": 900, "height": 1700, "deviceScaleFactor": 1, "mobile": false}),
        );
        browser.open(&pages[0]);
        let png = browser.screenshot();
        assert!(png.starts_with(b"\x89PNG"));
        let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/example-html.png");
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, png).unwrap();
    }
}

#[test]
fn the_diff_redline_page_is_accessible() {
    let Some(tools) = tools_or_skip() else {
        return;
    };
    let project = Project::fixture("basic");
    let (status, _, stderr) = project.run(&["build", "--emit", "json"]);
    assert_eq!(status, 0, "{stderr}");
    std::fs::copy(
        project.path("output/harbour.json"),
        project.path("approved.json"),
    )
    .unwrap();
    // A change of each group: metadata, claim, quote, translation, record.
    project.edit(
        "dossiers/harbour.toml",
        "marking = \"OFFICIAL\"",
        "marking = \"OFFICIAL-SENSITIVE\"",
    );
    project.edit(
        "dossiers/harbour.toml",
        "statement = \"The tender was rigged in favour of one bidder.\"",
        "statement = \"The tender was arranged <b>in favour</b> of one bidder.\"",
    );
    project.edit(
        "dossiers/harbour.toml",
        "translation = \"The contract was awarded in accordance with the law.\"",
        "translation = \"The contract was awarded lawfully.\"",
    );
    project.edit(
        "dossiers/harbour.toml",
        "quote = \"alleged that the tender had been rigged in favour of a single bidder\"",
        "quote = \"alleged that the tender had been rigged\"",
    );
    project.edit(
        "sources/beta.toml",
        "title = \"Compte rendu de séance\"",
        "title = \"Compte rendu intégral\"",
    );
    let page = project.path("redline.html");
    let (status, _, stderr) = project.run(&[
        "diff",
        "--emit",
        "html",
        "--out",
        page.to_str().unwrap(),
        project.path("approved.json").to_str().unwrap(),
        "harbour",
    ]);
    assert_eq!(status, 1, "{stderr}");
    let browser = Browser::start(&tools);
    browser.open(&page);
    let found = browser.run(
        "return { del: document.querySelectorAll('del').length,
                  ins: document.querySelectorAll('ins').length,
                  sections: document.querySelectorAll('main section h2').length,
                  bold: document.querySelectorAll('main b').length,
                  strike: getComputedStyle(document.querySelector('del')).textDecorationLine,
                  underline: getComputedStyle(document.querySelector('ins')).textDecorationLine,
                  announced: getComputedStyle(document.querySelector('ins'), '::before').content,
                  external: performance.getEntriesByType('resource').length,
                  scripts: document.scripts.length };",
    );
    assert!(found["del"].as_u64().unwrap() >= 4, "{found}");
    assert!(found["ins"].as_u64().unwrap() >= 4, "{found}");
    assert_eq!(found["sections"], 5, "{found}");
    assert_eq!(
        found["bold"], 0,
        "the dossier's markup is shown, not applied: {found}"
    );
    assert_eq!(found["strike"], "line-through");
    assert_eq!(found["underline"], "underline");
    assert_eq!(found["announced"], "\" [inserted: \"");
    assert_eq!(found["external"], 0);
    assert_eq!(found["scripts"], 0);
    axe(&browser, &tools, "light");
    browser.devtools(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 320, "height": 640, "deviceScaleFactor": 2, "mobile": true}),
    );
    let fit = browser.run(
        "const root = document.documentElement;
         return { viewport: root.clientWidth, scroll: root.scrollWidth };",
    );
    assert!(fit["scroll"].as_u64() <= fit["viewport"].as_u64(), "{fit}");
    axe(&browser, &tools, "narrow");
}
