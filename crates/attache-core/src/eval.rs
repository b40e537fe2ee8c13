//! Scoring coded events against sentence gold: what `attache eval` prints.
//!
//! Gold is one JSON record per sentence, `{"id", "text", "date"?,
//! "speaker"?, "speaker_code"?, "events": [{"source", "target",
//! "cameo"|"plover"}]}`; system events are event records
//! ([`Event`](crate::output::Event), or any JSON object with `id`, `source`,
//! `target`, `cameo`/`root` and `plover`), matched to gold by `id`.
//!
//! The four headline rows (detect, label, dyad, dyad+label) are those of
//! `score.py sentences` in `../shared/eval`, and must stay equal to them on
//! any file: every key is computed with that script's Python semantics
//! (truthiness of `or`, `str()`, `zfill`, first three characters of an
//! actor code or six for IGO/NGO/IMG/MNC), and each sentence's gold and
//! system keys are compared as multisets. On top of that the report has a
//! per-label breakdown, a confusion table and the list of misses and false
//! positives with the rule that produced each false positive.
//!
//! Everything here is a pure function of the parsed records:
//! [`read_gold`] and [`read_events`] parse text, [`score`] computes a
//! [`Report`], [`render_text`] lays it out.
//!
//! ```
//! use attache_core::eval::{read_events, read_gold, render_text, score, LabelChoice};
//! let gold = read_gold("gold.jsonl", r#"{"id": "s1", "text": "Russia condemned Japan.", "events": [{"source": "RUSGOV", "target": "JPN", "cameo": "111"}]}"#).unwrap();
//! let events = read_events("events.jsonl", r#"{"id": "s1", "source": {"code": "RUS"}, "target": {"code": "JPNGOV"}, "cameo": "112"}"#).unwrap();
//! let report = score(&gold, &events, LabelChoice::Auto);
//! assert_eq!(report.rows[3].name, "dyad+root");
//! assert_eq!(report.rows[3].figures.tp, 1);
//! assert!(render_text(&report, false).ends_with("sentences: F1 dyad+root 1.000\n"));
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::document::Document;
use crate::error::{InputError, InputErrorKind};
use crate::output::Event;

/// What is compared as the event label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum LabelChoice {
    /// PLOVER when no gold event has a CAMEO code, else the CAMEO root.
    #[default]
    Auto,
    Root,
    Plover,
}

impl std::str::FromStr for LabelChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "auto" => Ok(LabelChoice::Auto),
            "root" | "cameo" => Ok(LabelChoice::Root),
            "plover" => Ok(LabelChoice::Plover),
            _ => Err(format!("unknown label {s:?} (auto, root, plover)")),
        }
    }
}

/// The label actually compared, once `auto` is resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LabelKind {
    Root,
    Plover,
}

impl LabelKind {
    pub fn name(self) -> &'static str {
        match self {
            LabelKind::Root => "root",
            LabelKind::Plover => "plover",
        }
    }
}

/// How an event without a label is shown.
pub const NO_LABEL: &str = "-";
/// The confusion table's row and column for "no event with that dyad".
pub const NONE: &str = "none";

/// An event reduced to what is compared: normalised actors and both labels.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct EventKeys {
    pub source: Option<String>,
    pub target: Option<String>,
    /// Two-digit CAMEO root.
    pub root: Option<String>,
    pub plover: Option<String>,
}

impl EventKeys {
    /// The keys of one JSON event object, as `score.py` computes them.
    pub fn from_json(ev: &Map<String, Value>) -> EventKeys {
        EventKeys {
            source: actor_key(ev.get("source")),
            target: actor_key(ev.get("target")),
            root: root_key(ev),
            plover: plover_key(ev),
        }
    }

    pub fn label(&self, kind: LabelKind) -> Option<&str> {
        match kind {
            LabelKind::Root => self.root.as_deref(),
            LabelKind::Plover => self.plover.as_deref(),
        }
    }

    fn dyad(&self) -> (Option<&str>, Option<&str>) {
        (self.source.as_deref(), self.target.as_deref())
    }
}

/// One gold sentence.
#[derive(Clone, Debug)]
pub struct GoldRecord {
    /// `str(id)` in Python's terms: the key system events name.
    pub id: String,
    pub text: String,
    pub events: Vec<EventKeys>,
    /// Where the record is, to code it as a document.
    pub line_no: usize,
    pub offset: usize,
    line: String,
}

impl GoldRecord {
    /// The record as a document to code, with its date, speaker and
    /// speaker code (read by [`crate::ingest::from_json_line`]).
    pub fn document(&self, file: &str) -> Result<Document, InputError> {
        crate::ingest::from_json_line(file, self.line_no, &self.line, self.offset)
    }
}

/// The gold sentences in file order. A repeated id replaces the earlier
/// record in its place, as a Python dict does.
#[derive(Clone, Debug, Default)]
pub struct GoldSet {
    records: Vec<GoldRecord>,
    index: HashMap<String, usize>,
}

impl GoldSet {
    pub fn records(&self) -> &[GoldRecord] {
        &self.records
    }

    pub fn get(&self, id: &str) -> Option<&GoldRecord> {
        self.index.get(id).map(|&i| &self.records[i])
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub fn insert(&mut self, rec: GoldRecord) {
        match self.index.get(&rec.id) {
            Some(&i) => self.records[i] = rec,
            None => {
                self.index.insert(rec.id.clone(), self.records.len());
                self.records.push(rec);
            }
        }
    }
}

/// One system event as scored.
#[derive(Clone, Debug, PartialEq)]
pub struct SystemEvent {
    /// The gold record it belongs to; `None` for an event without an id.
    pub id: Option<String>,
    pub keys: EventKeys,
    pub cameo: Option<String>,
    pub rule: Option<String>,
}

impl SystemEvent {
    /// `None` when `v` is not a JSON object.
    pub fn from_json(v: &Value) -> Option<SystemEvent> {
        let ev = v.as_object()?;
        let id = ev.get("id").filter(|v| !v.is_null()).map(py_str);
        let cameo = ev.get("cameo").filter(|v| !v.is_null()).map(py_str);
        let rule = ev.get("rule").filter(|v| !v.is_null()).map(py_str);
        Some(SystemEvent { id, keys: EventKeys::from_json(ev), cameo, rule })
    }

    /// An event coded by the pipeline, keyed exactly as its JSON record would be.
    pub fn from_event(e: &Event) -> SystemEvent {
        let v = serde_json::to_value(e).expect("an Event always serializes");
        SystemEvent::from_json(&v).expect("an Event serializes to an object")
    }
}

/// Lines of a JSONL text with their 1-based number and byte offset; blank
/// lines are skipped (Python's `line.strip()`).
fn jsonl_lines(text: &str) -> impl Iterator<Item = (usize, usize, &str)> {
    let mut offset = 0;
    text.split_inclusive('\n').enumerate().filter_map(move |(i, raw)| {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_matches(py_space);
        (!line.is_empty()).then_some((i + 1, start, line))
    })
}

fn json_error(file: &str, line_no: usize, offset: usize, msg: impl Into<String>) -> InputError {
    InputError::new(format!("{file}:{line_no}"), Some(offset), InputErrorKind::Json(msg.into()))
}

/// Parses sentence gold (JSONL). `file` names the input in errors.
pub fn read_gold(file: &str, text: &str) -> Result<GoldSet, InputError> {
    let mut set = GoldSet::default();
    for (line_no, offset, line) in jsonl_lines(text) {
        let err = |msg: String| json_error(file, line_no, offset, msg);
        let v: Value = serde_json::from_str(line).map_err(|e| err(e.to_string()))?;
        let rec = v.as_object().ok_or_else(|| err("not a JSON object".into()))?;
        let id = rec.get("id").ok_or_else(|| {
            InputError::new(format!("{file}:{line_no}"), Some(offset), InputErrorKind::MissingField("id"))
        })?;
        let text = match rec.get("text") {
            None | Some(Value::Null) => String::new(),
            Some(t) => py_str(t),
        };
        // score.py would stop on `"events": null`; an absent list is no events.
        let events = match rec.get("events") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(evs)) => evs
                .iter()
                .map(|e| {
                    e.as_object()
                        .map(EventKeys::from_json)
                        .ok_or_else(|| err(format!("gold event {e} is not a JSON object")))
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(err("\"events\" is not a list".into())),
        };
        set.insert(GoldRecord { id: py_str(id), text, events, line_no, offset, line: line.to_string() });
    }
    Ok(set)
}

/// Parses event records (JSONL). `file` names the input in errors.
pub fn read_events(file: &str, text: &str) -> Result<Vec<SystemEvent>, InputError> {
    jsonl_lines(text)
        .map(|(line_no, offset, line)| {
            let v: Value = serde_json::from_str(line).map_err(|e| json_error(file, line_no, offset, e.to_string()))?;
            SystemEvent::from_json(&v).ok_or_else(|| json_error(file, line_no, offset, "not a JSON object"))
        })
        .collect()
}

// ---------------------------------------------------------------------------
// The keys, with score.py's Python semantics.

/// `actor()`: the code (or an object's `code`, else its `country`), upper
/// case, cut to the country: three characters, six for IGO/NGO/IMG/MNC.
pub fn actor_key(v: Option<&Value>) -> Option<String> {
    let v = match v? {
        Value::Object(o) => py_or(o.get("code"), o.get("country"))?,
        v => v,
    };
    if v.is_null() {
        return None;
    }
    let a = py_str(v).trim_matches(py_space).to_uppercase();
    if a.is_empty() {
        return None;
    }
    let head = take_chars(&a, 3);
    Some(if matches!(head.as_str(), "IGO" | "NGO" | "IMG" | "MNC") { take_chars(&a, 6) } else { head })
}

/// `root()`: `root` zero-filled to two characters, else the first two of
/// `cameo`, `code` or `event_code` (zero-filled to three when shorter).
pub fn root_key(ev: &Map<String, Value>) -> Option<String> {
    if let Some(r) = ev.get("root").filter(|r| py_truthy(r)) {
        return Some(take_chars(&zfill(&py_str(r), 2), 2));
    }
    let c = py_or(py_or(ev.get("cameo"), ev.get("code")), ev.get("event_code"));
    let c = c.filter(|c| !c.is_null())?;
    let c = py_str(c);
    let c = c.trim_matches(py_space);
    Some(if c.chars().count() < 3 { take_chars(&zfill(c, 3), 2) } else { take_chars(c, 2) })
}

/// The PLOVER label: stripped, upper case.
pub fn plover_key(ev: &Map<String, Value>) -> Option<String> {
    ev.get("plover").filter(|p| py_truthy(p)).map(|p| py_str(p).trim_matches(py_space).to_uppercase())
}

/// Python's `a or b` on `dict.get` results.
fn py_or<'a>(a: Option<&'a Value>, b: Option<&'a Value>) -> Option<&'a Value> {
    match a {
        Some(v) if py_truthy(v) => a,
        _ => b,
    }
}

fn py_truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|x| x != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// Python's `str.isspace()`: Unicode white space plus the four ASCII
/// separators U+001C–U+001F.
fn py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

fn take_chars(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// Python's `str.zfill`: zeros after a leading sign.
fn zfill(s: &str, width: usize) -> String {
    let len = s.chars().count();
    if len >= width {
        return s.to_string();
    }
    let zeros = "0".repeat(width - len);
    match s.chars().next() {
        Some(c @ ('+' | '-')) => format!("{c}{zeros}{}", &s[1..]),
        _ => format!("{zeros}{s}"),
    }
}

/// Python's `str()` of a value `json.loads` returned.
fn py_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        v => py_repr(v),
    }
}

fn py_repr(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) if n.is_f64() => py_float(n.as_f64().unwrap_or(f64::NAN)),
        Value::Number(n) => n.to_string(),
        Value::String(s) => py_str_repr(s),
        Value::Array(a) => format!("[{}]", a.iter().map(py_repr).collect::<Vec<_>>().join(", ")),
        Value::Object(o) => format!(
            "{{{}}}",
            o.iter().map(|(k, v)| format!("{}: {}", py_str_repr(k), py_repr(v))).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// `repr()` of a string, for the printable strings that occur in practice.
fn py_str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// `repr()` of a float: shortest round-trip digits, positional from 1e-4
/// up to 1e16, scientific with a two-digit exponent otherwise.
fn py_float(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let sci = format!("{x:e}");
    let (mantissa, exp) = sci.split_once('e').expect("{:e} has an exponent");
    let exp: i32 = exp.parse().expect("{:e} exponent is an integer");
    let (sign, mantissa) = mantissa.strip_prefix('-').map_or(("", mantissa), |m| ("-", m));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if (-4..16).contains(&exp) {
        let body = if exp < 0 {
            format!("0.{}{digits}", "0".repeat((-exp - 1) as usize))
        } else {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                format!("{digits}{}.0", "0".repeat(int_len - digits.len()))
            } else {
                format!("{}.{}", &digits[..int_len], &digits[int_len..])
            }
        };
        format!("{sign}{body}")
    } else {
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{mantissa}e{esign}{:02}", exp.abs())
    }
}

// ---------------------------------------------------------------------------
// Scoring.

/// Precision, recall and F1 from counts, computed as score.py does.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Figures {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub tp: usize,
    pub fp: usize,
    #[serde(rename = "fn")]
    pub fn_: usize,
}

impl Figures {
    pub fn from_counts(tp: usize, fp: usize, fn_: usize) -> Figures {
        let p = if tp + fp > 0 { tp as f64 / (tp + fp) as f64 } else { 0.0 };
        let r = if tp + fn_ > 0 { tp as f64 / (tp + fn_) as f64 } else { 0.0 };
        let f1 = if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) };
        Figures { precision: p, recall: r, f1, tp, fp, fn_ }
    }
}

/// One line of the headline table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    pub name: String,
    #[serde(flatten)]
    pub figures: Figures,
}

/// The figures of one label (events labelled so in the gold or the system).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LabelRow {
    /// The label, or [`NO_LABEL`] for events without one.
    pub label: String,
    pub gold: usize,
    pub system: usize,
    /// Matching on the label alone (as the label row).
    pub label_only: Figures,
    /// Matching on dyad and label (as the dyad+label row).
    pub dyad_label: Figures,
}

/// Gold label × system label for the events whose dyad matches. Row and
/// column [`NONE`] hold the misses and false positives with no partner of
/// that dyad; the diagonal is the dyad+label true positives.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Confusion {
    /// Labels of both axes, sorted, with [`NONE`] last.
    pub labels: Vec<String>,
    /// `matrix[gold][system]`.
    pub matrix: Vec<Vec<usize>>,
}

/// A gold event the system did not code (on dyad and label).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Miss {
    pub source: Option<String>,
    pub target: Option<String>,
    pub label: String,
    /// The system's label when it coded this dyad with another one.
    pub system_label: Option<String>,
}

/// A system event with no gold event of its dyad and label.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FalsePositive {
    pub source: Option<String>,
    pub target: Option<String>,
    pub label: String,
    pub cameo: Option<String>,
    pub rule: Option<String>,
    /// The gold label when the gold has this dyad with another one.
    pub gold_label: Option<String>,
}

/// The misses and false positives of one sentence.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SentenceErrors {
    pub id: String,
    pub text: String,
    pub misses: Vec<Miss>,
    pub false_positives: Vec<FalsePositive>,
}

/// Everything `attache eval` reports.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub sentences: usize,
    pub gold_events: usize,
    pub system_events: usize,
    /// System events whose id names no gold sentence (not scored).
    pub unknown_ids: usize,
    /// Those ids, each once, in input order ("None" for a missing id).
    pub unknown_id_values: Vec<String>,
    pub label: LabelKind,
    /// detect, label, dyad, dyad+label — score.py's rows.
    pub rows: Vec<Row>,
    pub by_label: Vec<LabelRow>,
    pub confusion: Confusion,
    /// Sentences with a miss or a false positive, in gold order.
    pub errors: Vec<SentenceErrors>,
}

impl Report {
    /// The headline figure: F1 of dyad+label.
    pub fn headline(&self) -> &Row {
        &self.rows[3]
    }
}

/// The label kind `choice` means for this gold.
pub fn resolve_label(gold: &GoldSet, choice: LabelChoice) -> LabelKind {
    match choice {
        LabelChoice::Root => LabelKind::Root,
        LabelChoice::Plover => LabelKind::Plover,
        LabelChoice::Auto if gold.records.iter().flat_map(|r| &r.events).any(|e| e.root.is_some()) => LabelKind::Root,
        LabelChoice::Auto => LabelKind::Plover,
    }
}

/// tp, fp, fn of two multisets.
fn multiset_counts<K: Ord>(
    gold: impl IntoIterator<Item = K>,
    system: impl IntoIterator<Item = K>,
) -> (usize, usize, usize) {
    let mut m: BTreeMap<K, (usize, usize)> = BTreeMap::new();
    for k in gold {
        m.entry(k).or_default().0 += 1;
    }
    for k in system {
        m.entry(k).or_default().1 += 1;
    }
    m.values().fold((0, 0, 0), |(tp, fp, fn_), &(g, s)| {
        let hit = g.min(s);
        (tp + hit, fp + s - hit, fn_ + g - hit)
    })
}

fn label_name(l: Option<&str>) -> String {
    l.unwrap_or(NO_LABEL).to_string()
}

/// How one sentence's gold and system events pair up on dyad+label, then
/// (among the rest) on dyad alone. Greedy in input order: with equality as
/// the match, that pairs as many as the multiset intersection.
struct Pairing {
    /// For each gold event: its system partner and whether the labels agree.
    gold: Vec<Option<(usize, bool)>>,
    system: Vec<Option<(usize, bool)>>,
}

fn pair(gold: &[&EventKeys], system: &[&EventKeys], kind: LabelKind) -> Pairing {
    let mut p = Pairing { gold: vec![None; gold.len()], system: vec![None; system.len()] };
    for exact in [true, false] {
        for (si, s) in system.iter().enumerate() {
            if p.system[si].is_some() {
                continue;
            }
            let found = gold.iter().enumerate().position(|(gi, g)| {
                p.gold[gi].is_none() && g.dyad() == s.dyad() && (!exact || g.label(kind) == s.label(kind))
            });
            if let Some(gi) = found {
                let same = gold[gi].label(kind) == s.label(kind);
                p.gold[gi] = Some((si, same));
                p.system[si] = Some((gi, same));
            }
        }
    }
    p
}

/// Scores `events` against `gold`.
pub fn score(gold: &GoldSet, events: &[SystemEvent], choice: LabelChoice) -> Report {
    let kind = resolve_label(gold, choice);
    let mut by_record: Vec<Vec<&SystemEvent>> = vec![Vec::new(); gold.records.len()];
    let mut unknown_ids = 0;
    let mut unknown_id_values: Vec<String> = Vec::new();
    for e in events {
        match e.id.as_deref().and_then(|id| gold.index.get(id)) {
            Some(&i) => by_record[i].push(e),
            None => {
                unknown_ids += 1;
                let id = e.id.clone().unwrap_or_else(|| "None".into());
                if !unknown_id_values.contains(&id) {
                    unknown_id_values.push(id);
                }
            }
        }
    }

    let (mut detect, mut label, mut dyad, mut dyad_label) = ((0, 0, 0), (0, 0, 0), (0, 0, 0), (0, 0, 0));
    let add = |acc: &mut (usize, usize, usize), c: (usize, usize, usize)| {
        acc.0 += c.0;
        acc.1 += c.1;
        acc.2 += c.2;
    };
    // label → (gold, system, label-only tp, dyad+label tp)
    let mut per_label: BTreeMap<Option<String>, [usize; 4]> = BTreeMap::new();
    let mut cells: BTreeMap<(Option<Option<String>>, Option<Option<String>>), usize> = BTreeMap::new();
    let mut errors = Vec::new();
    for (rec, sys) in gold.records.iter().zip(&by_record) {
        let g: Vec<&EventKeys> = rec.events.iter().collect();
        let s: Vec<&EventKeys> = sys.iter().map(|e| &e.keys).collect();
        let (has_g, has_s) = (!g.is_empty(), !s.is_empty());
        add(&mut detect, ((has_g && has_s) as usize, (has_s && !has_g) as usize, (has_g && !has_s) as usize));
        add(&mut label, multiset_counts(g.iter().map(|e| e.label(kind)), s.iter().map(|e| e.label(kind))));
        add(&mut dyad, multiset_counts(g.iter().map(|e| e.dyad()), s.iter().map(|e| e.dyad())));
        add(
            &mut dyad_label,
            multiset_counts(g.iter().map(|e| (e.dyad(), e.label(kind))), s.iter().map(|e| (e.dyad(), e.label(kind)))),
        );

        let mut label_counts: BTreeMap<Option<&str>, (usize, usize)> = BTreeMap::new();
        for e in &g {
            label_counts.entry(e.label(kind)).or_default().0 += 1;
        }
        for e in &s {
            label_counts.entry(e.label(kind)).or_default().1 += 1;
        }
        for (l, (gn, sn)) in label_counts {
            let t = per_label.entry(l.map(str::to_string)).or_default();
            t[0] += gn;
            t[1] += sn;
            t[2] += gn.min(sn);
        }

        let p = pair(&g, &s, kind);
        let owned = |e: &EventKeys| Some(e.label(kind).map(str::to_string));
        let mut misses = Vec::new();
        let mut false_positives = Vec::new();
        for (gi, e) in g.iter().enumerate() {
            match p.gold[gi] {
                Some((si, same)) => {
                    *cells.entry((owned(e), owned(s[si]))).or_default() += 1;
                    if same {
                        per_label.entry(e.label(kind).map(str::to_string)).or_default()[3] += 1;
                    }
                }
                None => *cells.entry((owned(e), None)).or_default() += 1,
            }
            if !matches!(p.gold[gi], Some((_, true))) {
                misses.push(Miss {
                    source: e.source.clone(),
                    target: e.target.clone(),
                    label: label_name(e.label(kind)),
                    system_label: p.gold[gi].map(|(si, _)| label_name(s[si].label(kind))),
                });
            }
        }
        for (si, e) in s.iter().enumerate() {
            if p.system[si].is_none() {
                *cells.entry((None, owned(e))).or_default() += 1;
            }
            if !matches!(p.system[si], Some((_, true))) {
                false_positives.push(FalsePositive {
                    source: e.source.clone(),
                    target: e.target.clone(),
                    label: label_name(e.label(kind)),
                    cameo: sys[si].cameo.clone(),
                    rule: sys[si].rule.clone(),
                    gold_label: p.system[si].map(|(gi, _)| label_name(g[gi].label(kind))),
                });
            }
        }
        if !misses.is_empty() || !false_positives.is_empty() {
            errors.push(SentenceErrors { id: rec.id.clone(), text: rec.text.clone(), misses, false_positives });
        }
    }

    let by_label = per_label
        .iter()
        .map(|(l, &[gn, sn, tp, dtp])| {
            // Matches on dyad+label are a subset of those on label, so
            // dyad+label fp/fn never underflow.
            LabelRow {
                label: label_name(l.as_deref()),
                gold: gn,
                system: sn,
                label_only: Figures::from_counts(tp, sn - tp, gn - tp),
                dyad_label: Figures::from_counts(dtp, sn - dtp, gn - dtp),
            }
        })
        .collect::<Vec<_>>();
    // Sorted by label with "no label" last (BTreeMap puts None first).
    let mut by_label = by_label;
    by_label.sort_by_key(|r| (r.label == NO_LABEL, r.label.clone()));

    let name_of = |c: &Option<Option<String>>| c.as_ref().map_or(NONE.to_string(), |l| label_name(l.as_deref()));
    let mut labels: Vec<String> = cells.keys().flat_map(|(a, b)| [a, b]).filter(|c| c.is_some()).map(name_of).collect();
    labels.sort_by_key(|l| (l == NO_LABEL, l.clone()));
    labels.dedup();
    labels.push(NONE.to_string());
    let at = |name: String| labels.iter().position(|l| *l == name).expect("every label is listed");
    let mut matrix = vec![vec![0; labels.len()]; labels.len()];
    for ((gl, sl), n) in &cells {
        matrix[at(name_of(gl))][at(name_of(sl))] += n;
    }

    let name = kind.name();
    let row = |n: String, c: (usize, usize, usize)| Row { name: n, figures: Figures::from_counts(c.0, c.1, c.2) };
    Report {
        sentences: gold.records.len(),
        gold_events: gold.records.iter().map(|r| r.events.len()).sum(),
        system_events: events.len(),
        unknown_ids,
        unknown_id_values,
        label: kind,
        rows: vec![
            row("detect".into(), detect),
            row(name.into(), label),
            row("dyad".into(), dyad),
            row(format!("dyad+{name}"), dyad_label),
        ],
        by_label,
        confusion: Confusion { labels, matrix },
        errors,
    }
}

// ---------------------------------------------------------------------------
// Text.

fn fmt_figures(f: &Figures) -> String {
    format!("{:.3}  {:.3}  {:.3}  {:>5} {:>5} {:>5}", f.precision, f.recall, f.f1, f.tp, f.fp, f.fn_)
}

fn fmt_dyad(source: &Option<String>, target: &Option<String>) -> String {
    format!("{}->{}", source.as_deref().unwrap_or("-"), target.as_deref().unwrap_or("-"))
}

/// The report as text. The first five lines and the last are exactly those
/// of `score.py sentences`; the last line is the headline figure.
pub fn render_text(r: &Report, verbose: bool) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "sentences: {}  gold events: {}  system events: {}  with unknown id: {}",
        r.sentences, r.gold_events, r.system_events, r.unknown_ids
    );
    for row in &r.rows {
        let f = &row.figures;
        let _ = writeln!(
            o,
            "{:<11} P {:.3}  R {:.3}  F1 {:.3}  (tp {} fp {} fn {})",
            row.name, f.precision, f.recall, f.f1, f.tp, f.fp, f.fn_
        );
    }

    let name = r.label.name();
    let w = r.by_label.iter().map(|l| l.label.chars().count()).max().unwrap_or(0).max(name.len() + 3);
    let group = "P      R      F1        tp    fp    fn";
    let _ = writeln!(o, "\nby {name}:");
    let _ = writeln!(o, "{:<w$}  {:>5} {:>5}   {:<38}   dyad+{name}", "", "", "", name);
    let _ = writeln!(o, "{:<w$}  {:>5} {:>5}   {group}   {group}", "label", "gold", "sys");
    for l in &r.by_label {
        let _ = writeln!(
            o,
            "{:<w$}  {:>5} {:>5}   {}   {}",
            l.label,
            l.gold,
            l.system,
            fmt_figures(&l.label_only),
            fmt_figures(&l.dyad_label)
        );
    }

    // Columns are headed by the shortest prefix (four characters or more)
    // that tells the labels apart, so PLOVER's long names fit.
    let c = &r.confusion;
    let longest = c.labels.iter().map(|l| l.chars().count()).max().unwrap_or(4);
    let k = (4..=longest.max(4)).find(|&k| {
        let mut heads: Vec<String> = c.labels.iter().map(|l| take_chars(l, k)).collect();
        heads.sort();
        heads.windows(2).all(|p| p[0] != p[1])
    });
    let k = k.unwrap_or(longest.max(4));
    let widest = c.matrix.iter().flatten().max().map_or(1, |n| n.to_string().len());
    let cw = k.max(widest);
    let rw = c.labels.iter().map(|l| l.chars().count()).max().unwrap_or(4).max("gold\\system".len());
    let _ = writeln!(
        o,
        "\nconfusion (rows gold, columns system; events whose dyad matches; {NONE}: no event of that dyad):"
    );
    let _ = write!(o, "{:<rw$}", "gold\\system");
    for l in &c.labels {
        let _ = write!(o, " {:>cw$}", take_chars(l, k));
    }
    o.push('\n');
    for (l, cells) in c.labels.iter().zip(&c.matrix) {
        let _ = write!(o, "{l:<rw$}");
        for n in cells {
            let _ = write!(o, " {:>cw$}", if *n == 0 { ".".to_string() } else { n.to_string() });
        }
        o.push('\n');
    }

    if verbose {
        let _ = writeln!(o, "\nmisses and false positives (dyad+{name}):");
        for s in &r.errors {
            let _ = writeln!(o, "{}  «{}»", s.id, s.text);
            for m in &s.misses {
                let also = m.system_label.as_ref().map(|l| format!("  (system: {l})")).unwrap_or_default();
                let _ = writeln!(o, "  miss            {:<16} {}{also}", fmt_dyad(&m.source, &m.target), m.label);
            }
            for f in &s.false_positives {
                let cameo = f.cameo.as_ref().map(|c| format!("  cameo {c}")).unwrap_or_default();
                let rule = f.rule.as_ref().map(|r| format!("  rule {r}")).unwrap_or_default();
                let also = f.gold_label.as_ref().map(|l| format!("  (gold: {l})")).unwrap_or_default();
                let _ = writeln!(
                    o,
                    "  false positive  {:<16} {}{cameo}{rule}{also}",
                    fmt_dyad(&f.source, &f.target),
                    f.label
                );
            }
        }
        if !r.unknown_id_values.is_empty() {
            let _ = writeln!(o, "events with an id not in the gold: {}", r.unknown_id_values.join(", "));
        }
    }
    let _ = writeln!(o, "\nsentences: F1 {} {:.3}", r.headline().name, r.headline().figures.f1);
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn keys(v: Value) -> EventKeys {
        EventKeys::from_json(v.as_object().unwrap())
    }

    #[test]
    fn keys_follow_score_py() {
        let k =
            keys(json!({"source": "usagov", "target": {"code": "IGOUNOWFP"}, "cameo": "0231", "plover": " agree "}));
        assert_eq!(k.source.as_deref(), Some("USA"));
        assert_eq!(k.target.as_deref(), Some("IGOUNO"));
        assert_eq!(k.root.as_deref(), Some("02"));
        assert_eq!(k.plover.as_deref(), Some("AGREE"));
        // An object's empty code falls back to its country; null and "" are no actor.
        assert_eq!(actor_key(Some(&json!({"code": "", "country": "JPN"}))).as_deref(), Some("JPN"));
        assert_eq!(actor_key(Some(&json!({"code": null}))), None);
        assert_eq!(actor_key(Some(&json!("  "))), None);
        assert_eq!(actor_key(Some(&json!("NGOXYZ123"))).as_deref(), Some("NGOXYZ"));
        // root wins over cameo; short codes are zero-filled; numbers are str()'d.
        assert_eq!(keys(json!({"root": 4, "cameo": "111"})).root.as_deref(), Some("04"));
        assert_eq!(keys(json!({"cameo": 42})).root.as_deref(), Some("04"));
        assert_eq!(keys(json!({"cameo": "", "code": "190"})).root.as_deref(), Some("19"));
        assert_eq!(keys(json!({"cameo": "", "event_code": ""})).root.as_deref(), Some("00"));
        assert_eq!(keys(json!({"cameo": null})).root, None);
        assert_eq!(keys(json!({"plover": ""})).plover, None);
        assert_eq!(zfill("-4", 3), "-04");
    }

    #[test]
    fn python_str_of_values() {
        assert_eq!(py_str(&json!(7)), "7");
        assert_eq!(py_str(&json!(null)), "None");
        assert_eq!(py_str(&json!(true)), "True");
        assert_eq!(py_str(&json!(1.0)), "1.0");
        assert_eq!(py_str(&json!(0.5)), "0.5");
        assert_eq!(py_str(&json!(1e16)), "1e+16");
        assert_eq!(py_str(&json!(1.5e-7)), "1.5e-07");
        assert_eq!(py_str(&json!(0.0001)), "0.0001");
        assert_eq!(py_str(&json!(123.25)), "123.25");
        assert_eq!(py_str(&json!(-0.0)), "-0.0");
        assert_eq!(py_str(&json!(["a", 1])), "['a', 1]");
        assert_eq!(py_str(&json!({"k": "it's"})), "{'k': \"it's\"}");
    }

    /// testdata/eval/hand-gold.jsonl and hand-events.jsonl, worked by hand.
    ///
    /// ```text
    /// s1 gold  RUS>JPN 11, RUS>JPN 04          system RUS>JPN 11, JPN>RUS 11
    /// s2 gold  USA>CHN 04, CHN>USA 04           system USA>CHN 04, USA>CHN 03, CHN>USA 19
    /// s3 gold  (none)                           system RUS>UKR 19
    /// s4 gold  FRA>DEU 05                       system (none)
    /// 5 gold events, 6 system events, 4 sentences.
    ///
    /// detect      s1 s2 tp, s3 fp, s4 fn                 tp 2 fp 1 fn 1  P 2/3   R 2/3   F1 0.667
    /// root        s1 {11,04}∩{11,11}=1 fp1 fn1; s2 {04,04}∩{04,03,19}=1 fp2 fn1;
    ///             s3 fp1; s4 fn1                          tp 2 fp 4 fn 3  P 2/6   R 2/5   F1 0.364
    /// dyad        s1 {RJ,RJ}∩{RJ,JR}=1 fp1 fn1; s2 {UC,CU}∩{UC,UC,CU}=2 fp1;
    ///             s3 fp1; s4 fn1                          tp 3 fp 3 fn 2  P 3/6   R 3/5   F1 0.545
    /// dyad+root   s1 RJ11 tp, fp JR11, fn RJ04; s2 UC04 tp, fp UC03 CU19, fn CU04;
    ///             s3 fp1; s4 fn1                          tp 2 fp 4 fn 3  P 2/6   R 2/5   F1 0.364
    /// ```
    #[test]
    fn hand_computed_small_set() {
        let root = env!("CARGO_MANIFEST_DIR").to_string() + "/../../testdata/eval/";
        let gold =
            read_gold("hand-gold.jsonl", &std::fs::read_to_string(root.clone() + "hand-gold.jsonl").unwrap()).unwrap();
        let events =
            read_events("hand-events.jsonl", &std::fs::read_to_string(root + "hand-events.jsonl").unwrap()).unwrap();
        let r = score(&gold, &events, LabelChoice::Auto);
        assert_eq!((r.sentences, r.gold_events, r.system_events, r.unknown_ids), (4, 5, 6, 0));
        assert_eq!(r.label, LabelKind::Root);
        let counts: Vec<(&str, usize, usize, usize)> =
            r.rows.iter().map(|x| (x.name.as_str(), x.figures.tp, x.figures.fp, x.figures.fn_)).collect();
        assert_eq!(counts, [("detect", 2, 1, 1), ("root", 2, 4, 3), ("dyad", 3, 3, 2), ("dyad+root", 2, 4, 3)]);
        let f = |i: usize| {
            let x = &r.rows[i].figures;
            (x.precision, x.recall, x.f1)
        };
        assert_eq!(f(0), (2.0 / 3.0, 2.0 / 3.0, 2.0 * (2.0 / 3.0) * (2.0 / 3.0) / (4.0 / 3.0)));
        assert_eq!(f(1), (2.0 / 6.0, 2.0 / 5.0, 2.0 * (2.0 / 6.0) * (2.0 / 5.0) / (2.0 / 6.0 + 2.0 / 5.0)));
        assert_eq!(f(2), (3.0 / 6.0, 3.0 / 5.0, 2.0 * (3.0 / 6.0) * (3.0 / 5.0) / (3.0 / 6.0 + 3.0 / 5.0)));
        let text = render_text(&r, false);
        let head: Vec<&str> = text.lines().take(5).collect();
        assert_eq!(
            head,
            [
                "sentences: 4  gold events: 5  system events: 6  with unknown id: 0",
                "detect      P 0.667  R 0.667  F1 0.667  (tp 2 fp 1 fn 1)",
                "root        P 0.333  R 0.400  F1 0.364  (tp 2 fp 4 fn 3)",
                "dyad        P 0.500  R 0.600  F1 0.545  (tp 3 fp 3 fn 2)",
                "dyad+root   P 0.333  R 0.400  F1 0.364  (tp 2 fp 4 fn 3)",
            ]
        );
        assert_eq!(text.lines().last(), Some("sentences: F1 dyad+root 0.364"));

        // Per root, label only: 03 g0 s1 tp0; 04 g3 s1 tp1; 05 g1 s0; 11 g1 s2 tp1; 19 g0 s2.
        // Dyad+root: 04 tp1 (s2 USA>CHN), 11 tp1 (s1 RUS>JPN).
        let per: Vec<(&str, usize, usize, usize, usize)> =
            r.by_label.iter().map(|l| (l.label.as_str(), l.gold, l.system, l.label_only.tp, l.dyad_label.tp)).collect();
        assert_eq!(
            per,
            [("03", 0, 1, 0, 0), ("04", 3, 1, 1, 1), ("05", 1, 0, 0, 0), ("11", 1, 2, 1, 1), ("19", 0, 2, 0, 0)]
        );
        let l04 = &r.by_label[1];
        assert_eq!((l04.label_only.precision, l04.label_only.recall), (1.0, 1.0 / 3.0));

        // Confusion, dyad-matched pairs: s1 RJ 11→11, RJ 04 ↔ nothing left of RJ (JR11 is
        // another dyad) → 04/none, JR11 → none/11; s2 UC 04→04, CU 04→19, UC03 → none/03;
        // s3 → none/19; s4 05 → 05/none.
        let c = &r.confusion;
        assert_eq!(c.labels, ["03", "04", "05", "11", "19", "none"]);
        let cell = |g: &str, s: &str| {
            c.matrix[c.labels.iter().position(|l| l == g).unwrap()][c.labels.iter().position(|l| l == s).unwrap()]
        };
        assert_eq!((cell("11", "11"), cell("04", "04"), cell("04", "19")), (1, 1, 1));
        assert_eq!(
            (cell("04", "none"), cell("05", "none"), cell("none", "11"), cell("none", "03"), cell("none", "19")),
            (1, 1, 1, 1, 1)
        );
        assert_eq!(c.matrix.iter().flatten().sum::<usize>(), 8);

        // Errors: s1 miss RJ04, fp JR11; s2 miss CU04 (system 19), fp UC03, CU19 (gold 04); s3 fp; s4 miss.
        let ids: Vec<(&str, usize, usize)> =
            r.errors.iter().map(|e| (e.id.as_str(), e.misses.len(), e.false_positives.len())).collect();
        assert_eq!(ids, [("s1", 1, 1), ("s2", 1, 2), ("s3", 0, 1), ("s4", 1, 0)]);
        assert_eq!(r.errors[1].misses[0].system_label.as_deref(), Some("19"));
        assert_eq!(r.errors[1].false_positives[1].gold_label.as_deref(), Some("04"));
        assert_eq!(r.errors[2].false_positives[0].rule.as_deref(), Some("hand.fight"));
    }

    /// PLOVER-only gold: auto scores PLOVER labels; a duplicate id replaces
    /// the earlier record in place; events with unknown or missing ids are
    /// counted, not scored.
    ///
    /// ```text
    /// p1 gold HUN>- AGREE, ROU>- AGREE     system HUN>- AGREE, ROU>HUN CONSULT
    /// p2 gold (replaced by the later p2) USA>IRN THREATEN    system USA>IRN ACCUSE
    /// p3 gold (none)                      system (none)
    /// + 1 event id "zz", 1 event without id
    /// detect     tp 2 fp 0 fn 0                  P 1     R 1     F1 1
    /// plover     p1 {AG,AG}∩{AG,CO}=1 fp1 fn1; p2 fp1 fn1   tp 1 fp 2 fn 2  P 1/3 R 1/3
    /// dyad       p1 {H-,R-}∩{H-,RH}=1 fp1 fn1; p2 tp1      tp 2 fp 1 fn 1  P 2/3 R 2/3
    /// dyad+plover p1 tp1 fp1 fn1; p2 fp1 fn1     tp 1 fp 2 fn 2
    /// ```
    #[test]
    fn plover_gold_duplicates_and_unknown_ids() {
        let gold = read_gold(
            "g",
            r#"{"id": "p1", "text": "a", "events": [{"source": "HUNGOV", "target": null, "plover": "AGREE"}, {"source": "ROUGOV", "target": null, "plover": "AGREE"}]}
{"id": "p2", "text": "old", "events": []}

{"id": "p3", "text": "c", "events": []}
{"id": "p2", "text": "b", "events": [{"source": "USA", "target": "IRN", "plover": "THREATEN"}]}
"#,
        )
        .unwrap();
        assert_eq!(gold.records().iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["p1", "p2", "p3"]);
        assert_eq!(gold.get("p2").unwrap().text, "b");
        assert_eq!(gold.get("p2").unwrap().line_no, 5);
        let events = read_events(
            "e",
            r#"{"id": "p1", "source": {"code": "HUNGOV"}, "target": null, "cameo": "030", "plover": "AGREE"}
{"id": "p1", "source": {"code": "ROU"}, "target": {"code": "HUN"}, "cameo": "040", "plover": "CONSULT"}
{"id": "p2", "source": "USAGOV", "target": "IRNMIL", "cameo": "112", "plover": "ACCUSE"}
{"id": "zz", "source": "USA", "target": "IRN", "cameo": "112", "plover": "ACCUSE"}
{"source": "USA", "target": "IRN", "cameo": "112", "plover": "ACCUSE"}
"#,
        )
        .unwrap();
        let r = score(&gold, &events, LabelChoice::Auto);
        assert_eq!(r.label, LabelKind::Plover);
        assert_eq!((r.sentences, r.gold_events, r.system_events, r.unknown_ids), (3, 3, 5, 2));
        assert_eq!(r.unknown_id_values, ["zz", "None"]);
        let counts: Vec<(&str, usize, usize, usize)> =
            r.rows.iter().map(|x| (x.name.as_str(), x.figures.tp, x.figures.fp, x.figures.fn_)).collect();
        assert_eq!(counts, [("detect", 2, 0, 0), ("plover", 1, 2, 2), ("dyad", 2, 1, 1), ("dyad+plover", 1, 2, 2)]);
        assert_eq!(r.rows[0].figures.f1, 1.0);
        // Root labels on the same files: gold has none ("-"), the system 03, 04, 11.
        let r = score(&gold, &events, LabelChoice::Root);
        assert_eq!(r.rows[1].name, "root");
        assert_eq!((r.rows[1].figures.tp, r.rows[1].figures.fp, r.rows[1].figures.fn_), (0, 3, 3));
        assert_eq!(r.by_label.last().unwrap().label, NO_LABEL);
        assert_eq!(r.confusion.labels, ["03", "04", "11", "-", "none"]);
    }

    #[test]
    fn bad_lines_name_file_and_line() {
        let e = read_gold("g.jsonl", "{\"id\": 1, \"text\": \"x\"}\nnot json\n").unwrap_err();
        assert_eq!(e.doc, "g.jsonl:2");
        assert_eq!(e.offset, Some(23));
        let e = read_gold("g.jsonl", "{\"text\": \"x\"}\n").unwrap_err();
        assert_eq!(e.kind, InputErrorKind::MissingField("id"));
        let e = read_events("e.jsonl", "\n[1, 2]\n").unwrap_err();
        assert_eq!(e.doc, "e.jsonl:2");
        // Numeric ids are str()'d on both sides. A two-character "cameo" is
        // read as a code that lost its leading zero ("11" → "011" → root 01),
        // as score.py does: write roots in "root", or codes in full.
        let g = read_gold(
            "g",
            "{\"id\": 7, \"text\": \"x\", \"events\": [{\"source\": \"A\", \"target\": \"B\", \"cameo\": \"11\"}]}",
        )
        .unwrap();
        let s = read_events("e", "{\"id\": 7, \"source\": \"A\", \"target\": \"B\", \"cameo\": \"0111\"}").unwrap();
        assert_eq!(score(&g, &s, LabelChoice::Auto).headline().figures.tp, 1);
    }

    #[test]
    fn pipeline_events_key_like_their_json() {
        let dicts = crate::dict::Dictionaries::builtin().unwrap();
        let g = read_gold("g.jsonl", r#"{"id": "r1", "text": "Russia condemned Japan on Monday.", "date": "2019-01-14", "events": [{"source": "RUS", "target": "JPN", "cameo": "111"}]}"#).unwrap();
        let doc = g.records()[0].document("g.jsonl").unwrap();
        assert_eq!(doc.id, "r1");
        assert_eq!(doc.given.date, chrono::NaiveDate::from_ymd_opt(2019, 1, 14));
        let events: Vec<SystemEvent> =
            crate::pipeline::code(&dicts, &doc, &Default::default()).iter().map(SystemEvent::from_event).collect();
        assert!(events.iter().any(|e| e.id.as_deref() == Some("r1")
            && e.keys.source.as_deref() == Some("RUS")
            && e.keys.root.as_deref() == Some("11")));
        assert!(events.iter().all(|e| e.rule.is_some()));
    }
}
