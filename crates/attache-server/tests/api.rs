//! The API through the router, without a server: the figures of
//! `testdata/store/events.tsv` (see crates/attache-store/tests/store.rs for
//! how they are worked out), parameter checks, documents, errors, assets.

use attache_server::{app, AppState};
use attache_store::fixtures::{hand_coded, run_config};
use attache_store::Store;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

struct Fixture {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    app: Router,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.db");
    let mut store = Store::open(&path).unwrap();
    let run = store.run_for(&run_config("hand")).unwrap();
    store.write(run, &hand_coded()).unwrap();
    drop(store);
    let app = app(AppState::open(&path).unwrap());
    Fixture { _dir: dir, path, app }
}

async fn get(app: &Router, uri: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let res = app.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, headers, body)
}

async fn json(app: &Router, uri: &str) -> (StatusCode, Value) {
    let (status, headers, body) = get(app, uri).await;
    assert_eq!(headers[header::CONTENT_TYPE], "application/json", "{uri}");
    (status, serde_json::from_slice(&body).unwrap())
}

async fn ok(app: &Router, uri: &str) -> Value {
    let (status, v) = json(app, uri).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {v}");
    v
}

#[tokio::test]
async fn series_dyads_and_distribution_match_the_hand_figures() {
    let f = fixture();
    let s = ok(&f.app, "/api/series?source=RUS&target=JPN&interval=month").await;
    assert_eq!(s["interval"], "month");
    assert_eq!(
        s["points"],
        serde_json::json!([
            {"period": "2019-02", "count": 4, "mean_goldstein": 3.0},
            {"period": "2019-03", "count": 4, "mean_goldstein": -0.25},
        ])
    );
    let s = ok(&f.app, "/api/series?source=rus&target=jpn&from=2019-01-01&interval=month").await;
    assert_eq!(s["points"][0], serde_json::json!({"period": "2019-01", "count": 0, "mean_goldstein": null}));
    let weeks = ok(&f.app, "/api/series?interval=week").await;
    let counts: Vec<u64> = weeks["points"].as_array().unwrap().iter().map(|p| p["count"].as_u64().unwrap()).collect();
    // 11 Feb … 25 Mar: 7 weeks, empty ones filled.
    assert_eq!(counts, [5, 2, 0, 0, 0, 6, 1]);

    let d = ok(&f.app, "/api/dyads?limit=2").await;
    assert_eq!(
        d,
        serde_json::json!([
            {"source": "RUS", "target": "JPN", "count": 8, "mean_goldstein": 1.375},
            {"source": "RUS", "target": "USA", "count": 3, "mean_goldstein": -3.5},
        ])
    );
    let p = ok(&f.app, "/api/distribution?by=plover&quad_class=3").await;
    assert_eq!(
        p["buckets"],
        serde_json::json!([{"key": "ACCUSE", "count": 6, "mean_goldstein": -3.5}, {"key": "REJECT", "count": 1, "mean_goldstein": -3.5}])
    );
    let r = ok(&f.app, "/api/distribution?by=root&speaker=Kono").await;
    assert_eq!(
        r["buckets"],
        serde_json::json!([{"key": "02", "count": 1, "mean_goldstein": 1.0}, {"key": "11", "count": 1, "mean_goldstein": -3.0}])
    );
}

#[tokio::test]
async fn events_are_paged_and_filtered() {
    let f = fixture();
    let page = ok(&f.app, "/api/events?limit=5&offset=10").await;
    assert_eq!(
        (page["total"].as_u64(), page["limit"].as_u64(), page["offset"].as_u64()),
        (Some(14), Some(5), Some(10))
    );
    assert_eq!(page["events"].as_array().unwrap().len(), 4);
    let e = ok(&f.app, "/api/events?source=RUS&target=USA&text=missile%20defence").await;
    assert_eq!(e["total"], 1);
    let ev = &e["events"][0];
    assert_eq!(
        (ev["source"]["code"].as_str(), ev["target"]["code"].as_str(), ev["cameo"].as_str()),
        (Some("RUSGOV"), Some("USA"), Some("111"))
    );
    assert_eq!(ev["speaker"], "Sergey Lavrov");
    assert_eq!(ev["date"], "2019-02-12");
    assert!(ev["sentence"].as_str().unwrap().contains("missile defence systems"));
    assert!(ev["event_id"].as_i64().unwrap() > 0 && ev["doc_id"].as_i64().unwrap() > 0);
    let dated = ok(&f.app, "/api/events?from=2019-03-22&to=2019-12-31").await;
    assert_eq!(dated["total"], 1);
    assert_eq!(dated["events"][0]["doc"], "xss-2019-03-25");
}

#[tokio::test]
async fn bad_parameters_are_400_with_a_message() {
    let f = fixture();
    for (uri, says) in [
        ("/api/events?limit=501", "limit must be at most 500"),
        ("/api/events?limit=ten", "limit must be a number"),
        ("/api/events?offset=100001", "offset must be at most"),
        ("/api/events?source=RUS%27%20OR%201%3D1", "source must be a country or actor code"),
        ("/api/events?root=42", "root must be 01"),
        ("/api/events?quad_class=7", "quad_class must be 1"),
        ("/api/events?from=14%2F01%2F2019", "from must be a date"),
        ("/api/events?from=2019-03-01&to=2019-02-01", "is after"),
        ("/api/events?colour=red", "unknown field"),
        ("/api/series?interval=fortnight", "unknown period"),
        ("/api/distribution?by=speaker", "by must be root"),
        ("/api/dyads?limit=1000", "limit must be at most 200"),
        ("/api/documents/abc", "document id must be a positive number"),
        ("/api/documents/1?event=x", "event must be a number"),
        ("/api/documents/1?source=RUS", "only `event` and `run`"),
        ("/api/events?run=0", "run must be a positive id"),
        ("/api/events?run=77", "no coding run 77"),
    ] {
        let (status, v) = json(&f.app, uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {v}");
        assert!(v["error"].as_str().unwrap().contains(says), "{uri}: {v}");
    }
    let (status, v) = json(&f.app, "/api/documents/999").await;
    assert_eq!((status, v["error"].as_str()), (StatusCode::NOT_FOUND, Some("no document 999")));
    let (status, _) = json(&f.app, "/api/nothing").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The Tokyo document's id and the id of its missile-defence event.
async fn missile_event(app: &Router) -> (i64, i64) {
    let e = ok(app, "/api/events?text=missile").await;
    (e["events"][0]["doc_id"].as_i64().unwrap(), e["events"][0]["event_id"].as_i64().unwrap())
}

#[tokio::test]
async fn a_document_comes_as_turns_with_the_evidence_marked() {
    let f = fixture();
    let (doc, event) = missile_event(&f.app).await;
    let d = ok(&f.app, &format!("/api/documents/{doc}?event={event}")).await;
    assert_eq!(d["name"], "lavrov-tokyo-2019-02-12.txt");
    assert_eq!(d["date"], "2019-02-12");
    assert_eq!(d["event"]["event_id"], event);
    assert_eq!(d["events"].as_array().unwrap().len(), 5);
    let turns = d["turns"].as_array().unwrap();
    let who: Vec<(Option<&str>, bool)> =
        turns.iter().map(|t| (t["speaker"].as_str(), t["press"].as_bool().unwrap())).collect();
    assert_eq!(
        who,
        [
            (Some("Sergey Lavrov"), false),
            (None, true),
            (Some("Sergey Lavrov"), false),
            (None, true),
            (Some("Sergey Lavrov"), false)
        ]
    );
    // The pieces put back together are the document.
    let all: String =
        turns.iter().flat_map(|t| t["pieces"].as_array().unwrap()).map(|p| p["text"].as_str().unwrap()).collect();
    let original = std::fs::read_to_string(attache_store::fixtures::dir().join("lavrov-tokyo-2019-02-12.txt")).unwrap();
    assert_eq!(all, original);
    let marked: Vec<(&str, &str)> = turns
        .iter()
        .flat_map(|t| t["pieces"].as_array().unwrap())
        .filter(|p| !p["mark"].is_null())
        .map(|p| (p["mark"].as_str().unwrap(), p["text"].as_str().unwrap()))
        .collect();
    assert_eq!(
        marked,
        [
            ("evidence", "We "),
            ("verb", "criticised"),
            ("evidence", " the United States for deploying missile defence systems in Japan.")
        ]
    );
    // An event of another document is not this document's.
    let other = ok(&f.app, "/api/events?speaker=Kono&limit=1").await;
    let (status, _) = json(&f.app, &format!("/api/documents/{doc}?event={}", other["events"][0]["event_id"])).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn markup_in_documents_is_data() {
    let f = fixture();
    let e = ok(&f.app, "/api/events?from=2019-03-25").await;
    let d = ok(&f.app, &format!("/api/documents/{}", e["events"][0]["doc_id"])).await;
    assert_eq!(d["title"], "<script>alert(1)</script> \"><img src=x onerror=alert(2)>");
    let all: String = d["turns"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["pieces"].as_array().unwrap())
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert!(all.contains("<script>window.__xss = 1</script>"));
    assert!(all.contains("\"><img src=x onerror=\"window.__xss = 2\">"));
}

#[tokio::test]
async fn the_dashboard_and_its_assets_are_embedded() {
    let f = fixture();
    let (status, headers, body) = get(&f.app, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && csp.contains("default-src 'self'"));
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains("/assets/vendor/uplot/uPlot.iife.min.js") && html.contains("/assets/app.js"));
    // Nothing from outside.
    assert!(!html.contains("http://") && !html.contains("https://"));
    for (path, ty) in [
        ("/assets/app.js", "text/javascript; charset=utf-8"),
        ("/assets/style.css", "text/css; charset=utf-8"),
        ("/assets/vendor/uplot/uPlot.iife.min.js", "text/javascript; charset=utf-8"),
        ("/assets/vendor/uplot/uPlot.min.css", "text/css; charset=utf-8"),
        ("/assets/vendor/uplot/LICENSE", "text/plain; charset=utf-8"),
    ] {
        let (status, headers, body) = get(&f.app, path).await;
        assert_eq!((status, headers[header::CONTENT_TYPE].to_str().unwrap()), (StatusCode::OK, ty), "{path}");
        assert!(!body.is_empty());
    }
    let (_, _, js) = get(&f.app, "/assets/app.js").await;
    let js = String::from_utf8(js).unwrap();
    assert!(
        !js.contains("innerHTML") && !js.contains("insertAdjacentHTML") && !js.contains("document.write"),
        "the dashboard builds DOM from text only"
    );
    for path in ["/assets/nothing.js", "/assets/../Cargo.toml", "/assets/vendor/uplot/README.md", "/elsewhere"] {
        assert_eq!(get(&f.app, path).await.0, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn internal_errors_are_logged_not_shown() {
    let f = fixture();
    // Break the store under the server's feet.
    rusqlite::Connection::open(&f.path).unwrap().execute_batch("DROP TABLE events").unwrap();
    let (status, v) = json(&f.app, "/api/events").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(v, serde_json::json!({"error": "internal error"}));
}
