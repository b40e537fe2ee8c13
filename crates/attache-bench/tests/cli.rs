//! The bench binary's own commands on a small corpus it writes: the
//! baseline's runs as `throughput` reads them, and a coder that fails.

use std::path::Path;
use std::process::{Command, Output};

fn bench(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_attache-bench")).args(args).output().expect("attache-bench runs")
}

fn corpus(dir: &Path) -> String {
    let path = dir.join("corpus.jsonl").to_str().expect("utf-8 path").to_string();
    let out = bench(&["corpus", "--sentences", "300", "-o", &path]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    path
}

#[test]
fn raw_scan_runs_agree_and_count_the_whole_vocabulary() {
    let dir = tempfile::tempdir().unwrap();
    let path = corpus(dir.path());
    let out = bench(&["scan", "--raw", "--runs", "2", "--corpus", &path]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let runs: Vec<Vec<&str>> = stdout.lines().map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(runs.len(), 2, "{stdout}");
    for r in &runs {
        assert_eq!(r.len(), 3, "{stdout}");
        assert!(r[0].parse::<f64>().unwrap() > 0.0);
    }
    // The same matches each run, some in every few words; the vocabulary
    // of the built-in dictionaries runs to thousands of phrases.
    assert_eq!(runs[0][1], runs[1][1]);
    let matches: usize = runs[0][1].parse().unwrap();
    assert!(matches > 300, "{matches} matches in 300 sentences");
    assert!(runs[0][2].parse::<usize>().unwrap() > 10_000);

    let summary = bench(&["scan", "--runs", "1", "--corpus", &path]);
    let summary = String::from_utf8(summary.stdout).unwrap();
    assert!(
        summary.starts_with("baseline: Aho-Corasick scan, ") && summary.contains(&format!(" {matches} matches: ")),
        "{summary}"
    );
}

#[test]
fn throughput_names_a_coder_that_fails() {
    let dir = tempfile::tempdir().unwrap();
    let path = corpus(dir.path());
    let out = bench(&["throughput", "--runs", "1", "--threads", "1", "--attache", "/bin/false", "--corpus", &path]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("attache code failed"), "{stderr}");
}
