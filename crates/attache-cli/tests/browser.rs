//! The dashboard in a real browser: `attache ingest` the corpus of
//! `testdata/store`, `attache serve` it on a loopback port, drive Debian's
//! chromium through chromedriver, and check what a person would see: the
//! chart drawn, the figures and the event table matching the store, an
//! event's evidence marked in its document, and markup in a document shown
//! as text. Screenshots go to `target/browser-test/`.
//!
//! Needs `chromium` and `chromium-driver` (`.ci/browser-deps` installs
//! them); without them the test says so and passes.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use attache_store::{Filter, Group, Order, Period, Store};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

fn which(names: &[&str], env: &str) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|n| std::env::split_paths(&path).map(|d| d.join(n)).find(|p| p.is_file()))
}

/// Children killed however the test ends.
struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn screenshot_dir() -> PathBuf {
    let dir = std::env::var_os("ATTACHE_SCREENSHOT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target/browser-test"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `attache serve` on a free loopback port; returns the process and its URL.
fn serve(db: &Path) -> (Kill, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_attache"))
        .args(["serve", "--db"])
        .arg(db)
        .args(["--addr", "127.0.0.1:0"])
        .env("ATTACHE_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let guard = Kill(child);
    let mut line = String::new();
    let mut reader = BufReader::new(stderr);
    reader.read_line(&mut line).unwrap();
    let url = line
        .split(" at ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_else(|| panic!("attache serve said {line:?}"))
        .to_string();
    // Keep draining stderr so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in reader.lines() {});
    (guard, url)
}

async fn wait_ready(c: &Client, selector: &str) {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(selector))
        .await
        .unwrap_or_else(|e| panic!("waiting for {selector}: {e}"));
}

async fn texts(c: &Client, selector: &str) -> Vec<String> {
    let v = c
        .execute("return [...document.querySelectorAll(arguments[0])].map(e => e.textContent)", vec![json!(selector)])
        .await
        .unwrap();
    serde_json::from_value(v).unwrap()
}

fn mean(m: Option<f64>) -> String {
    m.map(|m| format!("{m:.2}")).unwrap_or_else(|| "–".into())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboard_in_chromium() {
    let (Some(chromium), Some(driver)) = (
        which(&["chromium", "chromium-browser"], "ATTACHE_CHROMIUM"),
        which(&["chromedriver"], "ATTACHE_CHROMEDRIVER"),
    ) else {
        eprintln!("browser test skipped: chromium and chromedriver are not installed (apt-get install chromium chromium-driver, or .ci/browser-deps)");
        return;
    };

    // A store of the test corpus, coded with the corpus's own dictionary.
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("events.db");
    let corpus = repo().join("testdata/store");
    let mut inputs: Vec<String> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt") || n.ends_with(".jsonl"))
        .collect();
    inputs.sort();
    // Run in the corpus directory, so documents are named by file name.
    let status = Command::new(env!("CARGO_BIN_EXE_attache"))
        .current_dir(&corpus)
        .arg("ingest")
        .args(&inputs)
        .arg("--db")
        .arg(&db)
        .args(["--quiet", "--no-builtin-dicts", "--dict-dir"])
        .arg(corpus.join("dict"))
        .status()
        .unwrap();
    assert!(status.success());
    let store = Store::open_read_only(&db).unwrap();
    let (_server, url) = serve(&db);

    let port = free_port();
    let _driver = Kill(
        Command::new(&driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let profile = tempfile::tempdir().unwrap();
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--window-size=1400,1000", format!("--user-data-dir={}", profile.path().display()),
            ],
        }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let started = Instant::now();
    let c = loop {
        match ClientBuilder::new(connector.clone())
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => break c,
            Err(e) if started.elapsed() < Duration::from_secs(30) => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("chromedriver did not start: {e}"),
        }
    };
    let result = check_dashboard(&c, &url, &store).await;
    let _ = c.close().await;
    result.unwrap();
}

async fn check_dashboard(c: &Client, url: &str, store: &Store) -> Result<(), String> {
    // ---- RUS → JPN, month by month.
    let rus_jpn = Filter { source: Some("RUS".into()), target: Some("JPN".into()), ..Filter::default() };
    c.goto(&format!("{url}?source=RUS&target=JPN")).await.map_err(|e| e.to_string())?;
    wait_ready(c, "body[data-ready='1']").await;
    let series = store.series(&rus_jpn, Period::Month).unwrap();
    assert!(series.len() >= 2, "the corpus has RUS→JPN events in February and March 2019");
    let rows = texts(c, "#series-table tbody tr").await;
    let expected: Vec<String> =
        series.iter().map(|p| format!("{}{}{}", p.period, p.count, mean(p.mean_goldstein))).collect();
    assert_eq!(rows, expected, "the series figures");
    // The chart: a canvas with something drawn on it.
    let drawn = c
        .execute(
            "const cv = document.querySelector('#chart canvas'); if (!cv || !cv.width) return 0;
             const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
             let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n;",
            vec![],
        )
        .await
        .unwrap();
    assert!(drawn.as_u64().unwrap_or(0) > 1000, "the chart drew {drawn} pixels");
    // Event table: the count and the first rows as the store has them.
    let total = store.count(&rus_jpn).unwrap();
    let shown = c.find(Locator::Css("#events-section")).await.unwrap().attr("data-total").await.unwrap();
    assert_eq!(shown, Some(total.to_string()));
    let first = store.events(&rus_jpn, 50, 0).unwrap();
    let cells = texts(c, "#events tbody tr:first-child td").await;
    let e = &first.events[0].event;
    assert_eq!(
        cells,
        [
            e.date.clone().unwrap(),
            e.source.code.clone(),
            e.target.as_ref().unwrap().code.clone(),
            e.cameo.clone(),
            e.plover.clone().unwrap_or("–".into()),
            format!("{:.1}", e.goldstein),
            e.speaker.clone().unwrap_or("–".into()),
            e.sentence.clone()
        ]
    );
    assert_eq!(texts(c, "#events tbody tr").await.len(), first.events.len());
    // Distribution by root.
    let roots = store.aggregate(&rus_jpn, &[Group::Root], Order::Keys, None).unwrap();
    let counts = texts(c, "#dist-root td.count").await;
    assert_eq!(counts, roots.rows.iter().map(|r| r.count.to_string()).collect::<Vec<_>>());
    std::fs::write(screenshot_dir().join("dashboard.png"), c.screenshot().await.unwrap()).unwrap();

    // ---- RUS → USA: the missile-defence criticism, opened in its document.
    c.goto(&format!("{url}?source=RUS&target=USA")).await.unwrap();
    wait_ready(c, "body[data-ready='1']").await;
    let sentences = texts(c, "#events td.sentence").await;
    let i = sentences
        .iter()
        .position(|s| s.contains("missile defence"))
        .ok_or("no missile-defence event in the RUS→USA table")?;
    let rows = c.find_all(Locator::Css("#events tbody tr")).await.unwrap();
    rows[i].click().await.unwrap();
    wait_ready(c, "#document[data-ready='1']").await;
    let verb = texts(c, "#document mark.verb").await;
    assert_eq!(verb.len(), 1);
    assert!(verb[0].starts_with("criticised"), "verb marked: {verb:?}");
    let evidence: String = c
        .execute("return [...document.querySelectorAll('#document mark')].map(e => e.textContent).join('')", vec![])
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(evidence, sentences[i], "the evidence marked is the event's sentence");
    let who = texts(c, "#document .turn .who").await;
    assert!(
        who.iter().any(|w| w.starts_with("Sergey Lavrov")) && who.iter().any(|w| w == "Press"),
        "speaker turns: {who:?}"
    );
    std::fs::write(screenshot_dir().join("evidence.png"), c.screenshot().await.unwrap()).unwrap();

    // ---- A document holding markup shows it as text.
    c.goto(&format!("{url}?text=script")).await.unwrap();
    wait_ready(c, "body[data-ready='1']").await;
    let cells = texts(c, "#events td.sentence").await;
    assert_eq!(cells.len(), 1);
    assert!(cells[0].contains("<script>window.__xss = 1</script>"), "{cells:?}");
    c.find(Locator::Css("#events tbody tr")).await.unwrap().click().await.unwrap();
    wait_ready(c, "#document[data-ready='1']").await;
    let title = texts(c, "#doc-title").await;
    assert_eq!(title, ["<script>alert(1)</script> \"><img src=x onerror=alert(2)>"]);
    let body: String = texts(c, "#doc-turns").await.concat();
    assert!(
        body.contains("\"><img src=x onerror=\"window.__xss = 2\">") && body.contains("<b>bold</b> & more"),
        "{body}"
    );
    let injected: Value = c
        .execute(
            "return { xss: window.__xss === undefined ? null : window.__xss,
                      img: document.querySelectorAll('#document img, #events img').length,
                      script: document.querySelectorAll('#document script, #events script').length,
                      b: document.querySelectorAll('#document b').length }",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(injected, json!({"xss": null, "img": 0, "script": 0, "b": 0}));
    std::fs::write(screenshot_dir().join("markup-as-text.png"), c.screenshot().await.unwrap()).unwrap();
    Ok(())
}
