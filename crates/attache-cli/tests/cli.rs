//! The `attache` binary end to end: real files in, events and exit codes out.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_attache"))
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(args: &[&str]) -> Output {
    bin().args(args).current_dir(root()).output().expect("attache runs")
}

fn events(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

#[test]
fn codes_the_bundled_example() {
    let out = run(&["code", "examples/wong-wang-2024-03-20.txt"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let ev = events(&out);
    assert!(ev.len() >= 4, "{} events", ev.len());
    for e in &ev {
        assert_eq!(e["date"], "2024-03-20");
        assert_eq!(e["location"], "Canberra");
        let span = e["span"].as_array().unwrap();
        let text = std::fs::read_to_string(root().join("examples/wong-wang-2024-03-20.txt")).unwrap();
        let (a, b) = (span[0].as_u64().unwrap() as usize, span[1].as_u64().unwrap() as usize);
        assert_eq!(&text[a..b], e["sentence"].as_str().unwrap(), "span points at the evidence");
    }
    // Talks with the counterpart, and no event from the press questions or the trailing links.
    assert!(ev.iter().any(|e| e["source"]["code"] == "AUSGOV"
        && e["target"]["code"].as_str().is_some_and(|t| t.starts_with("CHN"))
        && e["root"] == "04"));
    assert!(ev.iter().all(|e| !e["sentence"].as_str().unwrap().contains("Will you visit Beijing")));
    assert!(ev.iter().all(|e| !e["sentence"].as_str().unwrap().contains("Share this page")));
    // Deterministic: the same bytes twice.
    assert_eq!(out.stdout, run(&["code", "examples/wong-wang-2024-03-20.txt", "--threads", "1"]).stdout);
}

#[test]
fn bad_documents_are_reported_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let w = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_string_lossy().into_owned()
    };
    let good = w("good.txt", "Russia condemned Japan on Monday, January 14, 2019.".as_bytes());
    let latin1 = w("latin1.txt", b"Russia condemned Japan on Monday, January 14, 2019, \xe9nergiquement.");
    let empty = w("empty.txt", b"   \n\n");
    let binary = w("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR");
    let long = w("long.txt", format!("Russia condemned Japan.\n{}", "a".repeat(300_000)).as_bytes());
    let jsonl = w("records.jsonl", b"{\"id\": \"ok-1\", \"text\": \"Russia condemned Japan.\", \"date\": \"2019-01-14\"}\n{broken\n{\"id\": \"ok-2\", \"text\": \"China criticised Japan.\"}\n");
    let missing = dir.path().join("missing.txt").to_string_lossy().into_owned();
    let out = bin().args(["code", &good, &latin1, &empty, &binary, &long, &jsonl, &missing]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    // Not refused: decoded, and said so.
    assert!(stderr.contains("latin1.txt: not UTF-8; read as windows-1252"), "{stderr}");
    assert!(stderr.contains("empty.txt: empty document"), "{stderr}");
    assert!(stderr.contains("image.txt at byte 8: binary data"), "{stderr}");
    assert!(stderr.contains("long.txt at byte 24: line of 300000 bytes"), "{stderr}");
    assert!(stderr.contains("records.jsonl:2"), "{stderr}");
    assert!(stderr.contains("missing.txt: cannot read"), "{stderr}");
    let ids: Vec<String> = events(&out).iter().map(|e| e["id"].as_str().unwrap().to_string()).collect();
    assert!(ids.contains(&good), "{ids:?}");
    let latin1_event = events(&out).into_iter().find(|e| e["id"] == latin1.as_str()).expect("latin1.txt coded");
    assert!(latin1_event["sentence"].as_str().unwrap().ends_with("énergiquement."), "{latin1_event}");
    assert!(ids.contains(&"ok-1".to_string()) && ids.contains(&"ok-2".to_string()), "{ids:?}");
}

#[test]
fn html_boilerplate_is_not_coded() {
    let out = run(&["code", "testdata/inputs/article-with-chrome.html"]);
    assert!(out.status.success());
    let ev = events(&out);
    assert!(
        ev.iter().any(|e| e["source"]["code"].as_str().unwrap().starts_with("JPN")
            && e["target"]["code"].as_str().is_some_and(|t| t.starts_with("CHN"))
            && e["root"] == "11"),
        "{ev:?}"
    );
    for e in &ev {
        let s = e["sentence"].as_str().unwrap();
        for junk in ["Russia", "Iran", "Reader comment", "Related"] {
            assert!(!s.contains(junk), "boilerplate coded: {s}");
        }
        assert_eq!(e["date"], "2023-03-28");
    }
}

#[test]
fn stdin_csv_and_output_file() {
    let mut child = bin()
        .args(["code", "-", "--output-format", "csv", "--date", "2019-01-14"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), b"Russia condemned Japan on Monday.").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let csv = String::from_utf8(out.stdout).unwrap();
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().starts_with("id,doc,date,sentence_index,speaker,source_text,source_code"));
    let row = lines.next().expect("one event");
    assert!(row.starts_with("-,-,2019-01-14,0,,Russia,RUS,Japan,JPN,11"), "{row}");

    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("events.jsonl");
    let out = run(&["code", "testdata/inputs/wire-story.txt", "--date", "2022-11-03", "-o", dest.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(&dest).unwrap();
    assert!(written.lines().count() >= 2, "{written}");
}

#[test]
fn parse_shows_turns_actors_and_verbs() {
    let out = run(&["parse", "examples/wong-wang-2024-03-20.txt"]);
    assert!(out.status.success());
    insta::assert_snapshot!("parse_example_transcript", String::from_utf8(out.stdout).unwrap());
    let out = run(&["parse", "--json", "examples/wong-wang-2024-03-20.txt"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["analysis"]["turns"].as_array().unwrap().len(), 5);
    assert_eq!(v["analysis"]["main_speaker"], "Penny Wong");
}

#[test]
fn dict_check_and_stats_on_our_dictionaries() {
    let out = run(&["dict", "check"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("0 errors"), "{text}");
    let out = run(&["dict", "stats", "--json"]);
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(s["countries"].as_u64().unwrap() >= 250);
    assert!(s["organisations"].as_u64().unwrap() >= 100);
    assert!(s["office_terms"].as_u64().unwrap() >= 1500);
    assert!(s["verb_patterns"].as_u64().unwrap() >= 2000);
    assert_eq!(s["patterns_per_root"].as_object().unwrap().len(), 20);
}

#[test]
fn dict_check_reports_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("countries.txt"), "JPN | Japan | Japanese | Japanese | Tokyo\nXX | Nowhere | | |\n")
        .unwrap();
    std::fs::write(dir.path().join("verbs.txt"), "[042] Make a visit\nVISIT +\n[999] nothing\nVISIT +\n").unwrap();
    let out = bin().args(["dict", "check", dir.path().to_str().unwrap()]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("countries.txt:2: unknown code"), "{text}");
    assert!(text.contains("verbs.txt:4: unknown code: CAMEO code \"999\""), "{text}");
}

#[path = "../../attache-core/tests/support/golden.rs"]
mod golden;

/// The golden sentences again, through the CLI's JSONL path.
#[test]
fn golden_sentences_through_the_cli() {
    let text = std::fs::read_to_string(root().join("testdata/golden/sentences.jsonl")).unwrap();
    let mut input = String::new();
    let mut expect = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let mut c: serde_json::Value = serde_json::from_str(line).unwrap();
        c["id"] = c["name"].clone();
        expect.push((
            c["name"].as_str().unwrap().to_string(),
            c["expect"].as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect::<Vec<_>>(),
        ));
        input.push_str(&c.to_string());
        input.push('\n');
    }
    let mut child = bin()
        .args(["code", "--input-format", "jsonl", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let ev = events(&out);
    let failures: Vec<String> = expect
        .iter()
        .filter_map(|(id, x)| {
            let mine: Vec<serde_json::Value> = ev.iter().filter(|e| e["id"] == id.as_str()).cloned().collect();
            golden::compare(x, &mine).map(|why| format!("{id}: {why}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
