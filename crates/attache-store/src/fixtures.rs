//! The store's test corpus, `testdata/store/`, for this crate's tests and
//! the server's (feature `fixtures`): its documents, its small dictionary,
//! and the hand-coded events of `events.tsv` whose figures the query tests
//! check by hand.

use std::path::PathBuf;

use attache_core::dict::{DictSource, Dictionaries};
use attache_core::document::Document;
use attache_core::ingest::{self, InputFormat, JsonlReader};
use attache_core::output::{ActorOut, Event, VerbOut};
use attache_core::pipeline::Options;

use crate::coded::{code_document, CodedDocument};
use crate::store::{RunConfig, Store};

/// `testdata/store` of this repository.
pub fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/store")
}

/// Only the corpus's own dictionary (`testdata/store/dict`), so what the
/// documents code as does not move with the built-in dictionaries.
pub fn dictionaries() -> Dictionaries {
    let (src, problems) = Dictionaries::read_dir(&dir().join("dict"));
    assert!(problems.iter().all(|p| p.is_warning()), "testdata/store/dict: {problems:?}");
    let mut all = DictSource::default();
    all.extend(src);
    Dictionaries::compile(all).expect("testdata/store/dict compiles")
}

/// Every document, in file-name order; a text file is named by its file
/// name, a JSONL record by its id.
pub fn documents() -> Vec<Document> {
    let mut names: Vec<String> = std::fs::read_dir(dir())
        .expect("testdata/store exists")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt") || n.ends_with(".jsonl"))
        .collect();
    names.sort();
    let mut docs = Vec::new();
    for name in names {
        let bytes = std::fs::read(dir().join(&name)).expect("readable");
        if name.ends_with(".jsonl") {
            docs.extend(JsonlReader::new(name.as_str(), &bytes[..]).map(|d| d.expect("valid record")));
        } else {
            docs.push(ingest::from_bytes(&name, &bytes, InputFormat::Auto).expect("valid document"));
        }
    }
    docs
}

/// The documents as the pipeline codes them with [`dictionaries`].
pub fn pipeline_coded() -> Vec<CodedDocument> {
    let dicts = dictionaries();
    documents().into_iter().map(|d| code_document(&dicts, d, &Options::default())).collect()
}

/// The documents with the pipeline's turns and sentences but the events
/// of `events.tsv`, written by hand.
pub fn hand_coded() -> Vec<CodedDocument> {
    let mut coded = pipeline_coded();
    for c in &mut coded {
        c.events.clear();
    }
    let tsv = std::fs::read_to_string(dir().join("events.tsv")).expect("events.tsv");
    for (n, line) in tsv.lines().enumerate().filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 11, "events.tsv:{}: 11 columns", n + 1);
        let c = coded
            .iter_mut()
            .find(|c| c.doc.id == f[0])
            .unwrap_or_else(|| panic!("events.tsv:{}: no document {}", n + 1, f[0]));
        let text = c.doc.text.as_str();
        let s = c
            .sentences
            .iter()
            .find(|s| text[s.span[0]..s.span[1]].contains(f[1]))
            .unwrap_or_else(|| panic!("events.tsv:{}: no sentence with {:?}", n + 1, f[1]));
        let sentence = &text[s.span[0]..s.span[1]];
        let verb_at =
            s.span[0] + sentence.find(f[2]).unwrap_or_else(|| panic!("events.tsv:{}: no verb {:?}", n + 1, f[2]));
        let cameo = f[7].to_string();
        c.events.push(Event {
            id: c.doc.id.clone(),
            doc: c.doc.id.clone(),
            date: c.date.map(|d| d.to_string()),
            sentence_index: s.index,
            sentence: sentence.to_string(),
            speaker: s.speaker.clone(),
            source: ActorOut::new(f[3].to_string(), f[4].to_string()),
            target: Some(ActorOut::new(f[5].to_string(), f[6].to_string())),
            root: cameo[..2].to_string(),
            cameo,
            plover: (!f[8].is_empty()).then(|| f[8].to_string()),
            quad_class: f[9].parse().expect("quad_class"),
            goldstein: f[10].parse().expect("goldstein"),
            location: c.place.clone(),
            span: s.span,
            rule: "events.tsv".to_string(),
            verb: VerbOut { text: f[2].to_string(), span: [verb_at, verb_at + f[2].len()] },
        });
    }
    coded
}

/// A run configuration that names itself (`dict_hash` = `tag`).
pub fn run_config(tag: &str) -> RunConfig {
    RunConfig {
        attache_version: "test".into(),
        dict_hash: tag.into(),
        dict_files: vec!["events.tsv".into()],
        options: serde_json::json!({}),
    }
}

/// An in-memory store holding [`hand_coded`] in one run, and that run's id.
pub fn hand_coded_store() -> (Store, i64) {
    let mut store = Store::open_in_memory().expect("in-memory store");
    let run = store.run_for(&run_config("hand")).expect("run");
    store.write(run, &hand_coded()).expect("write");
    (store, run)
}
