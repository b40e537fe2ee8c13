//! `attache ingest`, `query`, `recode`, `diff` and `runs` end to end on the
//! corpus of `testdata/store`, coded with its own dictionary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/store")
}

fn inputs() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt") || n.ends_with(".jsonl"))
        .collect();
    v.sort();
    v
}

/// Runs attache in the corpus directory, so documents are named by file name.
fn attache(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_attache")).current_dir(corpus()).args(args).output().unwrap();
    assert!(out.status.success(), "attache {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn ingest_query_recode_diff() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("events.db");
    let db = db.to_str().unwrap();
    let dict = corpus().join("dict");
    let dict = dict.to_str().unwrap();
    let mut ingest: Vec<&str> = vec!["ingest", "--db", db, "--quiet", "--no-builtin-dicts", "--dict-dir", dict];
    let files = inputs();
    ingest.extend(files.iter().map(String::as_str));
    let first = attache(&ingest);
    assert!(stderr(&first).contains("run 1: 4 new documents, 0 coded again, 0 already stored"), "{}", stderr(&first));
    // Again: nothing new.
    let again = attache(&ingest);
    assert!(
        stderr(&again).contains("run 1: 0 new documents, 0 coded again, 4 already stored; 0 events"),
        "{}",
        stderr(&again)
    );

    // RUS → USA: the missile-defence criticism, as event records.
    let q = attache(&["query", "--db", db, "--source", "RUS", "--target", "USA", "--format", "json"]);
    let events: Vec<serde_json::Value> = stdout(&q).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let missile = events
        .iter()
        .find(|e| e["sentence"].as_str().unwrap().contains("missile defence"))
        .expect("the missile-defence event");
    assert_eq!(
        (missile["cameo"].as_str(), missile["root"].as_str(), missile["doc"].as_str()),
        (Some("111"), Some("11"), Some("lavrov-tokyo-2019-02-12.txt"))
    );
    assert_eq!(missile["speaker"], "Sergey Lavrov");
    // The table and CSV forms of a grouped query.
    let t = stdout(&attache(&["query", "--db", db, "--source", "RUS", "--target", "USA", "--by", "month"]));
    assert_eq!(t, "month    count  mean_goldstein\n2019-02      1            -3.5\n2019-03      1            -3.5\n");
    let csv = stdout(&attache(&["query", "--db", db, "--text", "missile", "--by", "dyad,root", "--format", "csv"]));
    assert_eq!(csv, "source,target,root,count,mean_goldstein\nRUS,USA,11,1,-3.5\n");
    let listed = stdout(&attache(&["query", "--db", db, "--speaker", "kono", "--limit", "1"]));
    // Header, one event, and how many there are in all.
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 3, "{listed}");
    assert!(
        lines[0].starts_with("date  ") && lines[1].contains("Taro Kono") && lines[2].starts_with("1 of "),
        "{listed}"
    );

    // New dictionaries: the same, without praise. Recode, compare.
    let newdict = tmp.path().join("dict");
    std::fs::create_dir(&newdict).unwrap();
    for e in std::fs::read_dir(corpus().join("dict")).unwrap() {
        let p = e.unwrap().path();
        let text = std::fs::read_to_string(&p).unwrap();
        let text: String = text.lines().filter(|l| !l.starts_with("PRAISE")).map(|l| format!("{l}\n")).collect();
        std::fs::write(newdict.join(p.file_name().unwrap()), text).unwrap();
    }
    let r = attache(&["recode", "--db", db, "--quiet", "--no-builtin-dicts", "--dict-dir", newdict.to_str().unwrap()]);
    assert!(stderr(&r).contains("run 2: 4 documents coded again"), "{}", stderr(&r));
    let runs = stdout(&attache(&["runs", "--db", db, "--format", "json"]));
    let runs: Vec<serde_json::Value> = serde_json::from_str(&runs).unwrap();
    assert_eq!(runs.len(), 2);
    assert_ne!(runs[0]["dict_hash"], runs[1]["dict_hash"]);
    let d = stdout(&attache(&["diff", "--db", db, "1", "2"]));
    let removed: Vec<&str> = d.lines().filter(|l| l.starts_with("- ")).collect();
    assert!(!removed.is_empty() && removed.iter().all(|l| l.contains("051") && l.contains("praised")), "{d}");
    assert!(d.lines().next().unwrap().contains("4 documents compared"), "{d}");
    let dj: serde_json::Value =
        serde_json::from_str(&stdout(&attache(&["diff", "--db", db, "1", "2", "--format", "json"]))).unwrap();
    assert_eq!(dj["removed"].as_array().unwrap().len(), removed.len());
    // Queries now read run 2 unless asked for run 1.
    let praise_now = stdout(&attache(&[
        "query", "--db", db, "--cameo", "051", "--text", "praised", "--by", "root", "--format", "csv",
    ]));
    assert_eq!(praise_now, "root,count,mean_goldstein\n");
    let praise_then = stdout(&attache(&[
        "query", "--db", db, "--cameo", "051", "--text", "praised", "--run", "1", "--by", "root", "--format", "csv",
    ]));
    assert!(praise_then.starts_with("root,count,mean_goldstein\n05,"), "{praise_then}");
}

#[test]
fn store_commands_explain_their_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("none.db");
    let out = Command::new(env!("CARGO_BIN_EXE_attache"))
        .args(["query", "--db", missing.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist (create it with `attache ingest"));
    let db = tmp.path().join("x.db");
    let dict = corpus().join("dict");
    let o = Command::new(env!("CARGO_BIN_EXE_attache"))
        .current_dir(corpus())
        .args([
            "ingest",
            "--quiet",
            "--no-builtin-dicts",
            "--dict-dir",
            dict.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
            "kono-statement-2019-02-20.txt",
        ])
        .output()
        .unwrap();
    assert!(o.status.success());
    let out = Command::new(env!("CARGO_BIN_EXE_attache"))
        .args(["query", "--db", db.to_str().unwrap(), "--root", "99"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("root must be 01–20"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
