//! `attache eval` end to end, and against the reference scorer
//! `../shared/eval/score.py` (or `$ATTACHE_SCORE_PY`): on the same gold and
//! events, the header, the four rows and the headline line must be the
//! same bytes.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn attache(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_attache"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("attache runs");
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or_default()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn stdout(out: &Output) -> String {
    assert!(out.status.success(), "attache failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// The lines score.py prints too: the first five and the last.
fn score_py_lines(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut keep: Vec<String> = lines.iter().take(5).map(|l| l.to_string()).collect();
    keep.push(lines.last().unwrap().to_string());
    keep
}

/// The reference scorer, or `None` (with a note) when it cannot run here.
fn score_py() -> Option<PathBuf> {
    let script = std::env::var_os("ATTACHE_SCORE_PY")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/eval/score.py"));
    if !script.exists() {
        eprintln!("note: {} not found; skipping the comparison with score.py", script.display());
        return None;
    }
    if Command::new("python3").arg("--version").output().map(|o| !o.status.success()).unwrap_or(true) {
        eprintln!("note: python3 is missing; skipping the comparison with score.py");
        return None;
    }
    Some(script)
}

fn run_score_py(script: &Path, gold: &str, events: &Path, label: &str) -> String {
    let out = Command::new("python3")
        .arg(script)
        .args(["sentences", "--gold", gold, "--events"])
        .arg(events)
        .args(["--label", label])
        .current_dir(root())
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "score.py failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

const PAIRS: &[&str] = &["hand", "plover", "edge"];

#[test]
#[ignore = "runs ../shared/eval/score.py; run by .ci/shared-checks"]
fn agrees_with_score_py() {
    let Some(script) = score_py() else { return };
    for name in PAIRS {
        let gold = format!("testdata/eval/{name}-gold.jsonl");
        let events = format!("testdata/eval/{name}-events.jsonl");
        for label in ["auto", "root", "plover"] {
            let reference = run_score_py(&script, &gold, &root().join(&events), label);
            for verbose in [false, true] {
                let mut args = vec!["eval", "--gold", &gold, "--events", &events, "--label", label];
                if verbose {
                    args.push("-v");
                }
                let ours = stdout(&attache(&args, None));
                assert_eq!(
                    score_py_lines(&ours),
                    reference.lines().collect::<Vec<_>>(),
                    "{name} --label {label} verbose={verbose}"
                );
            }
        }
    }
}

/// testdata/eval/hand-*.jsonl: the figures worked by hand in
/// `attache_core::eval`'s tests. testdata/eval/plover-*.jsonl, by hand:
///
/// ```text
/// p1 gold CZE>- AGREE, SVK>- AGREE    system CZE>- AGREE, SVK>CZE CONSULT
/// p2 gold USA>IRN THREATEN            system USA>IRN ACCUSE
/// p3 gold IGO>JAP AGREE               system IGOSEA>JPN AGREE
/// p4 gold -                           system NOR>- (no PLOVER)
/// p5 gold ISR>PSE ASSAULT, EGY>ISR ACCUSE   system the same + EGY>ISR ACCUSE again
/// + p9 (not in the gold)
/// detect       p1 p2 p3 p5 tp, p4 fp                          tp 4 fp 1 fn 0
/// plover       p1 1/1/1, p2 0/1/1, p3 1, p4 fp, p5 2/1/0       tp 4 fp 4 fn 2
/// dyad         p1 1/1/1, p2 1, p3 0/1/1, p4 fp, p5 2/1/0       tp 4 fp 4 fn 2
/// dyad+plover  p1 1/1/1, p2 0/1/1, p3 0/1/1, p4 fp, p5 2/1/0   tp 3 fp 5 fn 3
/// ```
#[test]
fn hand_computed_figures() {
    let out = stdout(&attache(
        &["eval", "--gold", "testdata/eval/hand-gold.jsonl", "--events", "testdata/eval/hand-events.jsonl"],
        None,
    ));
    assert_eq!(
        score_py_lines(&out),
        [
            "sentences: 4  gold events: 5  system events: 6  with unknown id: 0",
            "detect      P 0.667  R 0.667  F1 0.667  (tp 2 fp 1 fn 1)",
            "root        P 0.333  R 0.400  F1 0.364  (tp 2 fp 4 fn 3)",
            "dyad        P 0.500  R 0.600  F1 0.545  (tp 3 fp 3 fn 2)",
            "dyad+root   P 0.333  R 0.400  F1 0.364  (tp 2 fp 4 fn 3)",
            "sentences: F1 dyad+root 0.364",
        ]
    );
    let out = stdout(&attache(
        &["eval", "--gold", "testdata/eval/plover-gold.jsonl", "--events", "testdata/eval/plover-events.jsonl"],
        None,
    ));
    assert_eq!(
        score_py_lines(&out),
        [
            "sentences: 5  gold events: 6  system events: 9  with unknown id: 1",
            "detect      P 0.800  R 1.000  F1 0.889  (tp 4 fp 1 fn 0)",
            "plover      P 0.500  R 0.667  F1 0.571  (tp 4 fp 4 fn 2)",
            "dyad        P 0.500  R 0.667  F1 0.571  (tp 4 fp 4 fn 2)",
            "dyad+plover P 0.375  R 0.500  F1 0.429  (tp 3 fp 5 fn 3)",
            "sentences: F1 dyad+plover 0.429",
        ]
    );
    // Per label: AGREE gold 3 system 2, label-only tp 2 (p1, p3), dyad+label tp 1 (p1).
    let agree = out.lines().find(|l| l.starts_with("AGREE ")).unwrap();
    assert_eq!(
        agree.split_whitespace().collect::<Vec<_>>(),
        ["AGREE", "3", "2", "1.000", "0.667", "0.800", "2", "0", "1", "0.500", "0.333", "0.400", "1", "1", "2"]
    );
    // Confusion: THREATEN coded as ACCUSE on the right dyad; two AGREEs whose dyad the system missed.
    let threaten =
        out.lines().skip_while(|l| !l.starts_with("gold\\system")).find(|l| l.starts_with("THREATEN")).unwrap();
    assert_eq!(threaten.split_whitespace().collect::<Vec<_>>(), ["THREATEN", "1", ".", ".", ".", ".", ".", "."]);
}

#[test]
fn verbose_lists_misses_and_false_positives_with_rules() {
    let out = stdout(&attache(
        &["eval", "--gold", "testdata/eval/plover-gold.jsonl", "--events", "testdata/eval/plover-events.jsonl", "-v"],
        None,
    ));
    let list: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("misses and false positives"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    let expected = [
        "p1  «Czech and Slovak ministers agreed on Monday to coordinate their gas purchases.»",
        "  miss            SVK->-           AGREE",
        "  false positive  SVK->CZE         CONSULT  cameo 040  rule t.agree-with",
        "p2  «Washington warned Tehran of serious consequences.»",
        "  miss            USA->IRN         THREATEN  (system: ACCUSE)",
        "  false positive  USA->IRN         ACCUSE  cameo 112  rule t.warn  (gold: THREATEN)",
        "p3  «The ASEAN secretariat agreed to open a disaster-relief liaison office in Osaka.»",
        "  miss            IGO->JAP         AGREE",
        "  false positive  IGOSEA->JPN      AGREE  cameo 030  rule t.agree",
        "p4  «Nothing happened in Oslo today.»",
        "  false positive  NOR->-           -  cameo 010  rule t.statement",
        "p5  «Israeli troops fired on Palestinian protesters, and Egypt condemned Israel.»",
        "  false positive  EGY->ISR         ACCUSE  cameo 111  rule t.condemn-dup",
        "events with an id not in the gold: p9",
    ];
    assert_eq!(list, expected);
}

#[test]
fn json_report() {
    let out = stdout(&attache(
        &["eval", "--gold", "testdata/eval/hand-gold.jsonl", "--events", "testdata/eval/hand-events.jsonl", "--json"],
        None,
    ));
    let r: serde_json::Value = serde_json::from_str(&out).expect("one JSON document");
    assert_eq!(r["label"], "root");
    assert_eq!(r["rows"][3]["name"], "dyad+root");
    assert_eq!(
        (r["rows"][3]["tp"].as_u64(), r["rows"][3]["fp"].as_u64(), r["rows"][3]["fn"].as_u64()),
        (Some(2), Some(4), Some(3))
    );
    assert_eq!(r["rows"][2]["precision"], 0.5);
    assert_eq!(r["by_label"].as_array().unwrap().len(), 5);
    assert_eq!(r["confusion"]["labels"][5], "none");
    assert_eq!(r["errors"][2]["false_positives"][0]["rule"], "hand.fight");
}

#[test]
fn inputs_and_errors() {
    let out = attache(&["eval", "--gold", "-", "--events", "testdata/eval/hand-events.jsonl"], None);
    assert!(out.status.success(), "empty gold is zero sentences");
    let out = attache(
        &[
            "eval", "--gold", "testdata/eval/hand-events.jsonl", "--events", "testdata/eval/hand-gold.jsonl",
            "--label", "cameo",
        ],
        None,
    );
    assert!(out.status.success());
    let out = attache(
        &["eval", "--gold", "testdata/eval/hand-gold.jsonl", "--events", "-"],
        Some(b"{\"id\": \"s1\"}\n{oops\n"),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("-:2 at byte 13: not a JSON record"), "{err}");
}

/// Without --events the gold's own sentences are coded, each record a
/// document with its date and speaker: the same events `attache code`
/// writes for the gold file, so the same report as scoring those.
#[test]
fn codes_the_gold_like_attache_code() {
    let gold = "testdata/eval/coded-gold.jsonl";
    let coded = attache(&["code", gold], None);
    // The record with empty text cannot be coded; the rest are.
    assert_eq!(coded.status.code(), Some(1), "{}", String::from_utf8_lossy(&coded.stderr));
    let events = coded.stdout;
    let by_code = stdout(&attache(&["eval", "--gold", gold, "--events", "-", "-v"], Some(&events)));
    let itself = attache(&["eval", "--gold", gold, "-v"], None);
    assert!(String::from_utf8_lossy(&itself.stderr).contains("not coded (scored as no events)"));
    let itself = stdout(&itself);
    assert_eq!(itself, by_code);
    assert!(itself.starts_with("sentences: 5  gold events: 5  system events: "), "{itself}");
    // The speaker's code makes "We" Russia.
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&attache(&["eval", "--gold", gold, "--json"], None))).unwrap();
    let c2_wrong = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["id"] == "c2" && !e["misses"].as_array().unwrap().is_empty());
    assert!(!c2_wrong, "c2 coded as RUS>JPN 11: {}", json["errors"]);

    if let Some(script) = score_py() {
        let path = std::env::temp_dir().join(format!("attache-eval-test-{}.jsonl", std::process::id()));
        std::fs::write(&path, &events).unwrap();
        let reference = run_score_py(&script, gold, &path, "auto");
        let _ = std::fs::remove_file(&path);
        assert_eq!(score_py_lines(&itself), reference.lines().collect::<Vec<_>>());
    }
}
