//! Golden sentences: `testdata/golden/sentences.jsonl`, cases we wrote, each
//! with the exact set of events it must code (`SOURCE TARGET CODE`, each a
//! prefix of the coded value; `-` for no target). Every case is run and all
//! failures are listed together.

use attache_core::dict::Dictionaries;
use attache_core::document::{Document, Given};
use attache_core::pipeline::{self, Options};
use serde::Deserialize;

#[path = "support/golden.rs"]
mod support;

#[derive(Deserialize)]
struct Case {
    name: String,
    text: String,
    date: Option<String>,
    speaker: Option<String>,
    speaker_code: Option<String>,
    expect: Vec<String>,
}

#[test]
fn golden_sentences() {
    let dicts = Dictionaries::builtin().expect("built-in dictionaries compile");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/golden/sentences.jsonl");
    let text = std::fs::read_to_string(path).expect("golden file");
    let mut failures = Vec::new();
    let mut n = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let c: Case = serde_json::from_str(line).expect("golden case is JSON");
        n += 1;
        let mut doc = Document::new(c.name.clone(), c.text.clone());
        doc.given = Given {
            date: c.date.as_deref().and_then(attache_core::ingest::parse_given_date),
            speaker: c.speaker.clone(),
            speaker_code: c.speaker_code.clone(),
            ..Given::default()
        };
        let events = pipeline::code(&dicts, &doc, &Options::default());
        let events: Vec<serde_json::Value> = events.iter().map(|e| serde_json::to_value(e).unwrap()).collect();
        if let Some(why) = support::compare(&c.expect, &events) {
            failures.push(format!("{}: {why}\n    «{}»", c.name, c.text));
        }
    }
    assert!(n >= 30, "only {n} golden cases");
    assert!(failures.is_empty(), "{} of {n} golden sentences fail:\n{}", failures.len(), failures.join("\n"));
}
