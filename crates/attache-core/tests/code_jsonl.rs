//! `Coder::code_jsonl` (records written straight from the coder, the path
//! `attache code` takes for JSON lines) writes exactly the lines of
//! `pipeline::code`'s events, on every development, golden and example
//! document, with and without statements.

use attache_core::dict::Dictionaries;
use attache_core::document::{Document, Given};
use attache_core::output::write_json_line;
use attache_core::pipeline::{self, Coder, Options};

fn documents() -> Vec<Document> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let mut docs = Vec::new();
    for file in ["testdata/dev-gold.jsonl", "testdata/golden/sentences.jsonl"] {
        let text = std::fs::read_to_string(format!("{root}/{file}")).expect("test data");
        for (k, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
            let v: serde_json::Value = serde_json::from_str(line).expect("JSON line");
            let mut doc = Document::new(format!("{file}:{k}"), v["text"].as_str().expect("text"));
            doc.given = Given {
                date: v["date"].as_str().and_then(attache_core::ingest::parse_given_date),
                speaker: v["speaker"].as_str().map(str::to_string),
                speaker_code: v["speaker_code"].as_str().map(str::to_string),
                ..Given::default()
            };
            docs.push(doc);
        }
    }
    for entry in std::fs::read_dir(format!("{root}/examples")).expect("examples") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "txt") {
            docs.push(Document::new(path.display().to_string(), std::fs::read_to_string(&path).expect("example")));
        }
    }
    docs
}

#[test]
fn code_jsonl_writes_the_events_lines() {
    let dicts = Dictionaries::builtin().expect("built-in dictionaries compile");
    let docs = documents();
    assert!(docs.len() > 100, "only {} documents", docs.len());
    let mut total = 0;
    for statements in [false, true] {
        let opts = Options { statements, ..Options::default() };
        // One coder for all documents, as each worker keeps one.
        let mut coder = Coder::default();
        for doc in &docs {
            let mut want = Vec::new();
            let events = pipeline::code(&dicts, doc, &opts);
            for e in &events {
                write_json_line(e, &mut want);
            }
            let mut got = b"earlier output\n".to_vec();
            let (_, n) = coder.code_jsonl(&dicts, doc, &opts, &mut got);
            assert_eq!(n, events.len(), "{}", doc.id);
            assert_eq!(String::from_utf8_lossy(&got[15..]), String::from_utf8_lossy(&want), "{}", doc.id);
            total += n;
        }
    }
    assert!(total > 100, "only {total} records");
}
