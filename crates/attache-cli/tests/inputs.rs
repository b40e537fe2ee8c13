//! The inputs of `attache code` and `attache ingest`: directories (walked
//! in name order, hidden entries passed over), gzip-compressed files, and
//! the errors of inputs that cannot be read.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const JAPAN: &str = "Japan protested to China on Monday over the detention of its diplomat.\n";
const RUSSIA: &str = "Russia accused Ukraine of shelling a nuclear power plant.\n";
const GERMANY: &str = "Germany pledged aid to Turkey after the earthquake.\n";
const EGYPT: &str = "Egypt hosted talks between Israel and Hamas on Tuesday.\n";
const RECORDS: &str = "{\"id\": \"j1\", \"text\": \"France condemned Iran for the missile test.\"}\n\n{\"id\": \"j2\", \"text\": \"India and Pakistan agreed to resume talks.\"}\n";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs attache in `dir`; a run that has not ended after two minutes (an
/// input read forever) is killed and fails the test.
fn attache(dir: &Path, args: &[&str]) -> Run {
    let out = tempfile::NamedTempFile::new().unwrap();
    let err = tempfile::NamedTempFile::new().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_attache"))
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .stdout(out.reopen().unwrap())
        .stderr(err.reopen().unwrap())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(120) {
            child.kill().unwrap();
            panic!("attache {args:?} did not end");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code().unwrap(),
        stdout: std::fs::read_to_string(out.path()).unwrap(),
        stderr: std::fs::read_to_string(err.path()).unwrap(),
    }
}

/// A run that must succeed, quietly.
fn ok(dir: &Path, args: &[&str]) -> String {
    let r = attache(dir, args);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "attache {args:?}");
    assert!(!r.stdout.is_empty(), "attache {args:?} gave no events");
    r.stdout
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

/// The ids of the event records in `out`, in order.
fn ids(out: &str) -> Vec<String> {
    out.lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_directory_is_its_visible_files_depth_first_in_name_order() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // Written out of order, so an order the filesystem keeps would show.
    write(d, "tree/b/y.txt", GERMANY.as_bytes());
    write(d, "tree/b/e.jsonl", RECORDS.as_bytes());
    write(d, "tree/b/c/z.txt", JAPAN.as_bytes());
    write(d, "tree/a/b.txt", RUSSIA.as_bytes());
    write(d, "tree/B.txt", RUSSIA.as_bytes());
    // Hidden: passed over, directories and files alike, at any depth.
    write(d, "tree/.git/HEAD.txt", EGYPT.as_bytes());
    write(d, "tree/.hidden.txt", EGYPT.as_bytes());
    write(d, "tree/b/c/.DS_Store", EGYPT.as_bytes());
    std::fs::create_dir_all(d.join("tree/empty")).unwrap();
    let sorted = ["tree/B.txt", "tree/a/b.txt", "tree/b/c/z.txt", "tree/b/e.jsonl", "tree/b/y.txt"];

    let walked = ok(d, &["code", "tree"]);
    let mut explicit = vec!["code"];
    explicit.extend(sorted);
    assert_eq!(walked, ok(d, &explicit));
    assert!(!walked.contains("Egypt"), "a hidden entry was coded");
    assert_eq!(
        ids(&walked),
        ["tree/B.txt", "tree/a/b.txt", "tree/b/c/z.txt", "j1", "j2", "j2", "tree/b/y.txt"],
        "{walked}"
    );
    // The order is the walk's: the same files in another order differ.
    let mut reversed = vec!["code"];
    reversed.extend(sorted.iter().rev());
    assert_ne!(walked, ok(d, &reversed));
    // A trailing slash, and a directory among files and standard input.
    assert_eq!(ok(d, &["code", "tree/"]), walked);
    let mixed = ok(d, &["code", "tree/b/y.txt", "tree/b/c", "tree/a/b.txt"]);
    assert_eq!(ids(&mixed), ["tree/b/y.txt", "tree/b/c/z.txt", "tree/a/b.txt"]);
    // The directory given is walked whatever its name.
    assert_eq!(ids(&ok(&d.join("tree/b/c"), &["code", "."])), ["./z.txt"]);
}

#[cfg(unix)]
#[test]
fn symlinks_are_followed_and_a_loop_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "elsewhere/japan.txt", JAPAN.as_bytes());
    write(d, "tree/a/russia.txt", RUSSIA.as_bytes());
    write(d, "tree/c/germany.txt", GERMANY.as_bytes());
    std::os::unix::fs::symlink(d.join("elsewhere"), d.join("tree/b")).unwrap();
    std::os::unix::fs::symlink("..", d.join("tree/a/up")).unwrap();
    let r = attache(d, &["code", "tree"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("attache: skipped tree/a/up: cannot read: "), "{}", r.stderr);
    assert!(r.stderr.contains("coded 3 documents; 1 could not be read"), "{}", r.stderr);
    assert_eq!(ids(&r.stdout), ["tree/a/russia.txt", "tree/b/japan.txt", "tree/c/germany.txt"]);
}

#[test]
fn gzip_inputs_code_as_their_plain_versions() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "japan.txt", JAPAN.as_bytes());
    write(d, "japan.txt.gz", &gzip(JAPAN.as_bytes()));
    write(d, "corpus.jsonl", RECORDS.as_bytes());
    write(d, "corpus.jsonl.gz", &gzip(RECORDS.as_bytes()));
    let plain = ok(d, &["code", "japan.txt"]);
    // The document keeps the real path as its name.
    assert_eq!(ok(d, &["code", "japan.txt.gz"]), plain.replace("\"japan.txt\"", "\"japan.txt.gz\""));
    assert_eq!(ids(&plain), ["japan.txt"]);
    let records = ok(d, &["code", "corpus.jsonl"]);
    assert_eq!(ok(d, &["code", "corpus.jsonl.gz"]), records);
    assert_eq!(
        ok(d, &["code", "--output-format", "csv", "corpus.jsonl.gz"]),
        ok(d, &["code", "--output-format", "csv", "corpus.jsonl"])
    );

    // Concatenated members are one stream.
    let mut two = gzip(b"{\"id\": \"j1\", \"text\": \"France condemned Iran for the missile test.\"}\n");
    two.extend(gzip(b"\n{\"id\": \"j2\", \"text\": \"India and Pakistan agreed to resume talks.\"}\n"));
    write(d, "two.jsonl.gz", &two);
    assert_eq!(ok(d, &["code", "two.jsonl.gz"]), records);
    // Detection looks at the decompressed bytes (no extension: by content)...
    write(d, "records.gz", &gzip(RECORDS.as_bytes()));
    assert_eq!(ok(d, &["code", "records.gz"]), records);
    // ...and at the name without .gz: text that opens with a brace is text.
    let braced = format!("{{Update}} {JAPAN}");
    write(d, "braced.txt", braced.as_bytes());
    write(d, "braced.txt.gz", &gzip(braced.as_bytes()));
    assert_eq!(
        ok(d, &["code", "braced.txt.gz"]),
        ok(d, &["code", "braced.txt"]).replace("braced.txt", "braced.txt.gz")
    );
    // A forced format, and gzip by content on standard input.
    assert_eq!(ok(d, &["code", "--input-format", "jsonl", "records.gz"]), records);
    let out = Command::new(env!("CARGO_BIN_EXE_attache"))
        .current_dir(d)
        .args(["code", "-"])
        .stdin(std::fs::File::open(d.join("corpus.jsonl.gz")).unwrap())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), records);
}

#[test]
fn a_corrupt_gzip_is_an_error_naming_it_and_the_rest_is_coded() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "a.txt", JAPAN.as_bytes());
    write(d, "z.txt", RUSSIA.as_bytes());
    write(d, "bad.txt.gz", b"\x1f\x8bnot a deflate stream at all");
    write(d, "bad.jsonl.gz", b"\x1f\x8bnot a deflate stream at all");
    // A long corpus cut short: its first records are read, then the error.
    let line = "{\"id\": \"r\", \"text\": \"France condemned Iran for the missile test.\"}\n";
    let mut long = gzip(line.repeat(20_000).as_bytes());
    long.truncate(long.len() / 2);
    write(d, "cut.jsonl.gz", &long);
    let good = ok(d, &["code", "a.txt", "z.txt"]);

    let r = attache(d, &["code", "a.txt", "bad.txt.gz", "bad.jsonl.gz", "z.txt"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stdout, good);
    assert!(r.stderr.contains("attache: skipped bad.txt.gz: cannot read: "), "{}", r.stderr);
    assert!(r.stderr.contains("attache: skipped bad.jsonl.gz:1 at byte 0: cannot read: "), "{}", r.stderr);
    assert!(r.stderr.contains("coded 2 documents; 2 could not be read"), "{}", r.stderr);

    let r = attache(d, &["code", "cut.jsonl.gz", "z.txt"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let errors: Vec<&str> = r.stderr.lines().filter(|l| l.starts_with("attache: skipped")).collect();
    assert_eq!(errors.len(), 1, "{}", r.stderr);
    let reached: usize = errors[0]
        .strip_prefix("attache: skipped cut.jsonl.gz:")
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no line number: {}", errors[0]));
    assert!(reached > 1 && reached <= 20_000, "{}", errors[0]);
    // The records before the line reached are coded, then z.txt.
    let ids = ids(&r.stdout);
    assert_eq!(ids.iter().filter(|i| *i == "r").count(), reached - 1);
    assert_eq!(ids.last().map(String::as_str), Some("z.txt"));
}

#[test]
fn a_missing_path_is_an_error_as_before() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "a.txt", JAPAN.as_bytes());
    write(d, "dir/b.txt", RUSSIA.as_bytes());
    let r = attache(d, &["code", "missing.txt", "a.txt", "missing-dir/", "dir"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stdout, ok(d, &["code", "a.txt", "dir/b.txt"]));
    assert!(r.stderr.contains("attache: skipped missing.txt: cannot read: No such file or directory"), "{}", r.stderr);
    assert!(r.stderr.contains("attache: skipped missing-dir/: cannot read: "), "{}", r.stderr);
    assert!(r.stderr.contains("coded 2 documents; 2 could not be read"), "{}", r.stderr);
}

#[test]
fn ingest_accepts_a_directory_and_gzip() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "tree/a/japan.txt.gz", &gzip(JAPAN.as_bytes()));
    write(d, "tree/b/corpus.jsonl", RECORDS.as_bytes());
    write(d, "tree/b/germany.txt", GERMANY.as_bytes());
    write(d, "tree/.cache/egypt.txt", EGYPT.as_bytes());
    let db = d.join("events.db");
    let db = db.to_str().unwrap();
    let r = attache(d, &["ingest", "--db", db, "--quiet", "tree"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("run 1: 4 new documents, 0 coded again, 0 already stored"), "{}", r.stderr);
    // The store holds the events `attache code` gives for the same tree.
    let stored = ok(d, &["query", "--db", db, "--format", "json"]);
    let key = |out: &str| -> Vec<(String, String, String)> {
        let mut v: Vec<_> = out
            .lines()
            .map(|l| {
                let e: serde_json::Value = serde_json::from_str(l).unwrap();
                (e["id"].to_string(), e["sentence"].to_string(), e["cameo"].to_string())
            })
            .collect();
        v.sort();
        v
    };
    let coded = ok(d, &["code", "tree"]);
    assert_eq!(key(&stored), key(&coded));
    assert!(coded.contains("\"tree/a/japan.txt.gz\"") && !coded.contains("Egypt"), "{coded}");

    // A corrupt input among them is reported and counted; the rest is stored.
    write(d, "more/bad.txt.gz", b"\x1f\x8b garbage");
    write(d, "more/russia.txt", RUSSIA.as_bytes());
    let r = attache(d, &["ingest", "--db", db, "--quiet", "more", "missing.txt"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("attache: skipped more/bad.txt.gz: cannot read: "), "{}", r.stderr);
    assert!(r.stderr.contains("attache: skipped missing.txt: cannot read: "), "{}", r.stderr);
    assert!(r.stderr.contains("1 new documents"), "{}", r.stderr);
    assert!(r.stderr.contains("2 inputs could not be read"), "{}", r.stderr);
}
