//! Reading events back: filters, event pages, grouped aggregates (count
//! and mean Goldstein by period, dyad, code…), time series and documents.
//!
//! Every value from a caller reaches SQLite as a bound parameter; the only
//! text spliced into SQL is chosen here from fixed strings.

use attache_core::output::{ActorOut, Event, VerbOut};
use chrono::{Datelike, NaiveDate};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::coded::{SentenceRow, TurnRow};
use crate::codes;
use crate::error::{Result, StoreError};
use crate::store::{date_of_day, doc_event_range, epoch_day, Store};

/// Which events a query looks at. Empty fields do not filter.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Filter {
    /// Source actor: a country (`RUS`), or any actor code as a prefix
    /// (`RUSGOV`, `IGOUNO`).
    pub source: Option<String>,
    /// Target actor, as `source`.
    pub target: Option<String>,
    /// CAMEO root code (`12`).
    pub root: Option<String>,
    /// CAMEO code, as a prefix (`12` = the root, `125`, `0211`).
    pub cameo: Option<String>,
    /// PLOVER category (`REJECT`).
    pub plover: Option<String>,
    /// QuadClass 1–4.
    pub quad_class: Option<u8>,
    /// First day included.
    pub from: Option<NaiveDate>,
    /// Last day included.
    pub to: Option<NaiveDate>,
    /// Part of the speaker's name, any case (`lavrov`).
    pub speaker: Option<String>,
    /// Words the sentence contains, any case.
    pub text: Option<String>,
    /// The events of this run; without it, each document's current coding.
    pub run: Option<i64>,
    /// Only this document (store id).
    pub doc: Option<i64>,
}

/// How long a free-text filter may be.
pub const MAX_TEXT_FILTER: usize = 200;

fn bad(msg: impl Into<String>) -> StoreError {
    StoreError::BadQuery(msg.into())
}

/// An actor filter: upper-cased, checked, and split into the country the
/// `events_dyad` index is on plus, for a longer code, the code prefix.
fn actor_filter(name: &str, v: &str) -> Result<(String, Option<String>)> {
    let code = v.trim().to_ascii_uppercase();
    if !(3..=15).contains(&code.len())
        || !code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        || !code.as_bytes()[0].is_ascii_uppercase()
    {
        return Err(bad(format!("{name} must be a country or actor code such as RUS or RUSGOV, not {v:?}")));
    }
    // The same rule as `ActorOut::new`: organisations are known by six letters.
    let country = if attache_core::dict::is_igo_prefix(&code) {
        code.get(..6).unwrap_or(&code).to_string()
    } else {
        code[..3].to_string()
    };
    let prefix = (country != code).then_some(code);
    Ok((country, prefix))
}

fn digits(name: &str, v: &str, lens: std::ops::RangeInclusive<usize>) -> Result<String> {
    let s = v.trim();
    if !lens.contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(format!("{name} must be {}–{} digits, not {v:?}", lens.start(), lens.end())));
    }
    Ok(s.to_string())
}

fn free_text(name: &str, v: &str) -> Result<String> {
    let s = v.trim();
    if s.is_empty() || s.chars().count() > MAX_TEXT_FILTER {
        return Err(bad(format!("{name} must be 1–{MAX_TEXT_FILTER} characters")));
    }
    Ok(s.to_string())
}

/// `%x%` for LIKE, with LIKE's own wildcards taken literally.
fn like_pattern(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('%');
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// A WHERE clause and its parameters.
pub(crate) struct Where {
    pub sql: String,
    pub args: Vec<Value>,
    /// The text filter needs the document's text.
    pub needs_text: bool,
}

impl Filter {
    /// Checks every field and returns the normalised filter (codes upper-cased).
    pub fn validate(&self) -> Result<Filter> {
        let mut f = self.clone();
        if let Some(v) = &self.source {
            let (country, prefix) = actor_filter("source", v)?;
            f.source = Some(prefix.unwrap_or(country));
        }
        if let Some(v) = &self.target {
            let (country, prefix) = actor_filter("target", v)?;
            f.target = Some(prefix.unwrap_or(country));
        }
        if let Some(v) = &self.root {
            let d = digits("root", v, 1..=2)?;
            let n: u8 = d.parse().expect("digits");
            if !(1..=20).contains(&n) {
                return Err(bad(format!("root must be 01–20, not {v:?}")));
            }
            f.root = Some(format!("{n:02}"));
        }
        if let Some(v) = &self.cameo {
            f.cameo = Some(digits("cameo", v, 2..=4)?);
        }
        if let Some(v) = &self.plover {
            let p = v.trim().to_ascii_uppercase();
            if p.is_empty() || p.len() > 32 || !p.bytes().all(|b| b.is_ascii_uppercase() || b == b'_' || b == b'-') {
                return Err(bad(format!("plover must be a PLOVER category such as REJECT, not {v:?}")));
            }
            f.plover = Some(p);
        }
        if let Some(q) = self.quad_class {
            if !(1..=4).contains(&q) {
                return Err(bad(format!("quad_class must be 1–4, not {q}")));
            }
        }
        if let (Some(a), Some(b)) = (self.from, self.to) {
            if a > b {
                return Err(bad(format!("from ({a}) is after to ({b})")));
            }
        }
        if let Some(v) = &self.speaker {
            f.speaker = Some(free_text("speaker", v)?);
        }
        if let Some(v) = &self.text {
            f.text = Some(free_text("text", v)?);
        }
        for (name, v) in [("run", self.run), ("doc", self.doc)] {
            if v.is_some_and(|v| v < 1) {
                return Err(bad(format!("{name} must be a positive id")));
            }
        }
        Ok(f)
    }

    pub(crate) fn to_where(&self) -> Result<Where> {
        let f = self.validate()?;
        let mut sql: Vec<&str> = Vec::new();
        let mut args: Vec<Value> = Vec::new();
        // A literal `current = 1` (not a parameter), so SQLite can use the
        // partial indexes.
        match f.run {
            Some(r) => {
                sql.push("e.run = ?");
                args.push(r.into());
            }
            None => sql.push("e.current = 1"),
        }
        for (side, v) in [("src", &f.source), ("tgt", &f.target)] {
            let Some(v) = v else { continue };
            let (country, prefix) = actor_filter(side, v)?;
            sql.push(if side == "src" { "e.src_country = ?" } else { "e.tgt_country = ?" });
            // A code that cannot be packed matches nothing (-1 is no code).
            args.push(codes::pack(&country).unwrap_or(-1).into());
            if let Some(p) = prefix {
                sql.push(if side == "src" {
                    "e.src_code IN (SELECT id FROM strings WHERE s >= ? AND s < ?)"
                } else {
                    "e.tgt_code IN (SELECT id FROM strings WHERE s >= ? AND s < ?)"
                });
                // Codes are capitals and digits; '~' sorts after all of them.
                let upper = format!("{p}~");
                args.push(p.into());
                args.push(upper.into());
            }
        }
        if let Some(r) = f.root {
            sql.push("e.root = ?");
            args.push(r.parse::<i64>().unwrap_or(0).into());
        }
        if let Some(c) = f.cameo {
            // Codes are digits; '~' sorts after every digit.
            sql.push("e.cameo IN (SELECT id FROM strings WHERE s >= ? AND s < ?)");
            args.push(Value::Text(c.clone()));
            args.push(Value::Text(format!("{c}~")));
        }
        if let Some(p) = f.plover {
            sql.push("e.plover = (SELECT id FROM strings WHERE s = ?)");
            args.push(p.into());
        }
        if let Some(q) = f.quad_class {
            sql.push("e.quad_class = ?");
            args.push((q as i64).into());
        }
        if let Some(d) = f.from {
            sql.push("e.day >= ?");
            args.push(epoch_day(d).into());
        }
        if let Some(d) = f.to {
            sql.push("e.day <= ?");
            args.push(epoch_day(d).into());
        }
        if let Some(s) = &f.speaker {
            sql.push("e.speaker IN (SELECT id FROM strings WHERE s LIKE ? ESCAPE '\\')");
            args.push(like_pattern(s).into());
        }
        if let Some(t) = &f.text {
            sql.push("CAST(substr(CAST(d.text AS BLOB), e.span_start + 1, e.span_end - e.span_start) AS TEXT) LIKE ? ESCAPE '\\'");
            args.push(like_pattern(t).into());
        }
        if let Some(d) = f.doc {
            // A document's events are a range of ids.
            let (lo, hi) = doc_event_range(d);
            sql.push("e.id >= ? AND e.id < ?");
            args.push(lo.into());
            args.push(hi.into());
        }
        Ok(Where { sql: sql.join(" AND "), args, needs_text: f.text.is_some() })
    }
}

/// A period to group dates by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Day,
    /// ISO weeks, labelled by their Monday.
    Week,
    Month,
    Year,
}

impl Period {
    /// The label of a period key: `2019-01-14`, `2019-01`, `2019`.
    pub fn label(self, key: i64) -> String {
        match self {
            Period::Day | Period::Week => date_of_day(key).map(|d| d.to_string()).unwrap_or_else(|| key.to_string()),
            Period::Month => format!("{:04}-{:02}", key / 100, key % 100),
            Period::Year => format!("{key:04}"),
        }
    }

    /// The key of the period after `key`.
    fn next(self, key: i64) -> i64 {
        match self {
            Period::Day => key + 1,
            Period::Week => key + 7,
            Period::Month if key % 100 >= 12 => (key / 100 + 1) * 100 + 1,
            Period::Month => key + 1,
            Period::Year => key + 1,
        }
    }

    /// The key of the period holding `d`.
    pub fn key_of(self, d: NaiveDate) -> i64 {
        let day = epoch_day(d);
        match self {
            Period::Day => day,
            Period::Week => day - (((day + 3) % 7) + 7) % 7,
            Period::Month => d.year() as i64 * 100 + d.month() as i64,
            Period::Year => d.year() as i64,
        }
    }
}

impl std::str::FromStr for Period {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "day" => Ok(Period::Day),
            "week" => Ok(Period::Week),
            "month" => Ok(Period::Month),
            "year" => Ok(Period::Year),
            _ => Err(format!("unknown period {s:?} (day, week, month, year)")),
        }
    }
}

/// What to group events by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    Period(Period),
    /// Source and target country: two columns.
    Dyad,
    Source,
    Target,
    SourceCode,
    TargetCode,
    Root,
    Cameo,
    Plover,
    QuadClass,
    Speaker,
}

impl std::str::FromStr for Group {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "day" | "week" | "month" | "year" => Group::Period(s.parse()?),
            "dyad" => Group::Dyad,
            "source" => Group::Source,
            "target" => Group::Target,
            "source-code" | "source_code" => Group::SourceCode,
            "target-code" | "target_code" => Group::TargetCode,
            "root" => Group::Root,
            "cameo" => Group::Cameo,
            "plover" => Group::Plover,
            "quad" | "quad_class" => Group::QuadClass,
            "speaker" => Group::Speaker,
            _ => {
                return Err(format!(
                    "unknown grouping {s:?} (day, week, month, year, dyad, source, target, source-code, target-code, root, cameo, plover, quad, speaker)"
                ))
            }
        })
    }
}

/// How a group column's values read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Decode {
    Plain,
    Period(Period),
    Country,
    /// An id into `strings`.
    Str,
    /// A root number, written `05`.
    Root,
}

impl Group {
    fn columns(self) -> &'static [(&'static str, &'static str, Decode)] {
        use Decode::{Country, Plain, Root, Str};
        match self {
            Group::Period(Period::Day) => &[("day", "e.day", Decode::Period(Period::Day))],
            Group::Period(Period::Week) => {
                &[("week", "(e.day - (((e.day + 3) % 7) + 7) % 7)", Decode::Period(Period::Week))]
            }
            Group::Period(Period::Month) => &[("month", "attache_month(e.day)", Decode::Period(Period::Month))],
            Group::Period(Period::Year) => &[("year", "attache_year(e.day)", Decode::Period(Period::Year))],
            Group::Dyad => &[("source", "e.src_country", Country), ("target", "e.tgt_country", Country)],
            Group::Source => &[("source", "e.src_country", Country)],
            Group::Target => &[("target", "e.tgt_country", Country)],
            Group::SourceCode => &[("source_code", "e.src_code", Str)],
            Group::TargetCode => &[("target_code", "e.tgt_code", Str)],
            Group::Root => &[("root", "e.root", Root)],
            Group::Cameo => &[("cameo", "e.cameo", Str)],
            Group::Plover => &[("plover", "e.plover", Str)],
            Group::QuadClass => &[("quad_class", "e.quad_class", Plain)],
            Group::Speaker => &[("speaker", "e.speaker", Str)],
        }
    }
}

/// How grouped rows are ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Order {
    /// By the group keys (periods in time order).
    #[default]
    Keys,
    /// Largest groups first, then by keys.
    CountDesc,
}

/// One row of a grouped query.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupRow {
    /// One value per column of [`Grouped::columns`]; `None` for no date,
    /// no target…
    pub keys: Vec<Option<String>>,
    pub count: u64,
    /// Rounded to 4 decimals; `None` for an empty period.
    pub mean_goldstein: Option<f64>,
}

/// The result of a grouped query.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Grouped {
    pub columns: Vec<String>,
    pub rows: Vec<GroupRow>,
}

/// One point of a time series.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeriesPoint {
    pub period: String,
    pub count: u64,
    pub mean_goldstein: Option<f64>,
}

/// A stored event with its place in the store.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredEvent {
    /// The event's id in the store (`/api/events`, `/api/documents/{doc}?event=`).
    pub event_id: i64,
    /// The document's id in the store.
    pub doc_id: i64,
    pub run: i64,
    #[serde(flatten)]
    pub event: Event,
}

/// A page of events.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventPage {
    /// How many events match, in all pages.
    pub total: u64,
    pub limit: usize,
    pub offset: usize,
    pub events: Vec<StoredEvent>,
}

/// A stored sentence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredSentence {
    #[serde(flatten)]
    pub row: SentenceRow,
    pub text: String,
}

/// A document with its turns, sentences and current events.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocumentView {
    pub id: i64,
    pub name: String,
    pub hash: String,
    pub format: String,
    pub title: Option<String>,
    pub url: Option<String>,
    /// The date of its latest coding.
    pub date: Option<String>,
    pub place: Option<String>,
    pub text: String,
    pub turns: Vec<TurnRow>,
    pub sentences: Vec<StoredSentence>,
    pub events: Vec<StoredEvent>,
    /// The runs that coded it, oldest first.
    pub runs: Vec<i64>,
}

pub(crate) const EVENT_COLUMNS: &str =
    "e.id, e.doc, e.run, d.name, e.record_id, e.sentence_index, e.span_start, e.span_end, e.day, sp.s,
    st.s, sc.s, tt.s, tc.s, cm.s, pl.s, e.quad_class, e.goldstein100, c.place, r.s,
    e.verb_start, e.verb_end";

/// `d.name` comes before `d.text` in the row, so naming a document does not
/// read its text.
pub(crate) const EVENT_FROM: &str = "events e JOIN documents d ON d.id = e.doc
    LEFT JOIN strings sp ON sp.id = e.speaker
    LEFT JOIN strings st ON st.id = e.src_text
    LEFT JOIN strings sc ON sc.id = e.src_code
    LEFT JOIN strings tt ON tt.id = e.tgt_text
    LEFT JOIN strings tc ON tc.id = e.tgt_code
    LEFT JOIN strings cm ON cm.id = e.cameo
    LEFT JOIN strings pl ON pl.id = e.plover
    LEFT JOIN strings r ON r.id = e.rule
    LEFT JOIN codings c ON c.run = e.run AND c.doc = e.doc";

/// An event from a row of [`EVENT_COLUMNS`]; its sentence and verb words
/// are filled in by [`Store::fill_texts`].
pub(crate) fn event_of_row(r: &Row<'_>) -> rusqlite::Result<StoredEvent> {
    let doc: String = r.get(3)?;
    let record_id: Option<String> = r.get(4)?;
    let day: Option<i64> = r.get(8)?;
    let tgt_code: Option<String> = r.get(13)?;
    let target =
        tgt_code.map(|code| ActorOut::new(code, r.get::<_, Option<String>>(12).ok().flatten().unwrap_or_default()));
    let cameo: String = r.get::<_, Option<String>>(14)?.unwrap_or_default();
    let goldstein100: i64 = r.get(17)?;
    Ok(StoredEvent {
        event_id: r.get(0)?,
        doc_id: r.get(1)?,
        run: r.get(2)?,
        event: Event {
            id: record_id.unwrap_or_else(|| doc.clone()),
            doc,
            date: day.and_then(date_of_day).map(|d| d.to_string()),
            sentence_index: r.get::<_, i64>(5)? as usize,
            sentence: String::new(),
            speaker: r.get(9)?,
            source: ActorOut::new(
                r.get::<_, Option<String>>(11)?.unwrap_or_default(),
                r.get::<_, Option<String>>(10)?.unwrap_or_default(),
            ),
            target,
            root: cameo.get(..2).unwrap_or(&cameo).to_string(),
            cameo,
            plover: r.get(15)?,
            quad_class: r.get::<_, i64>(16)? as u8,
            goldstein: (goldstein100 as f64 / 100.0) as f32,
            location: r.get(18)?,
            span: [r.get::<_, i64>(6)? as usize, r.get::<_, i64>(7)? as usize],
            rule: r.get::<_, Option<String>>(19)?.unwrap_or_default(),
            verb: VerbOut { text: String::new(), span: [r.get::<_, i64>(20)? as usize, r.get::<_, i64>(21)? as usize] },
        },
    })
}

/// `text[span]`, or "" for a range that does not fit the text.
fn slice(text: &str, span: [usize; 2]) -> String {
    text.get(span[0]..span[1]).unwrap_or_default().to_string()
}

/// The join a text filter needs.
fn text_join(w: &Where) -> &'static str {
    if w.needs_text {
        " JOIN documents d ON d.id = e.doc"
    } else {
        ""
    }
}

fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

impl Store {
    /// The WHERE clause of a filter, checked, including that its run exists.
    pub(crate) fn where_of(&self, f: &Filter) -> Result<Where> {
        let w = f.to_where()?;
        if let Some(r) = f.run {
            if !self.conn.prepare_cached("SELECT 1 FROM runs WHERE id = ?1")?.exists([r])? {
                return Err(StoreError::NoSuchRun(r));
            }
        }
        Ok(w)
    }

    /// Sentences and verb words: slices of their documents' text, each
    /// document read once.
    pub(crate) fn fill_texts(&self, events: &mut [StoredEvent]) -> Result<()> {
        let mut stmt = self.conn.prepare_cached("SELECT text FROM documents WHERE id = ?1")?;
        let mut texts: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
        for e in events.iter_mut() {
            if !texts.contains_key(&e.doc_id) {
                let t: String = stmt.query_row([e.doc_id], |r| r.get(0)).optional()?.unwrap_or_default();
                texts.insert(e.doc_id, t);
            }
            let text = &texts[&e.doc_id];
            e.event.sentence = slice(text, e.event.span);
            e.event.verb.text = slice(text, e.event.verb.span);
        }
        Ok(())
    }

    /// How many events match.
    pub fn count(&self, f: &Filter) -> Result<u64> {
        let w = self.where_of(f)?;
        let join = text_join(&w);
        let sql = format!("SELECT count(*) FROM events e{join} WHERE {}", w.sql);
        Ok(self.conn.prepare_cached(&sql)?.query_row(params_from_iter(w.args), |r| r.get::<_, i64>(0))? as u64)
    }

    /// A page of matching events, in date, document and text order.
    pub fn events(&self, f: &Filter, limit: usize, offset: usize) -> Result<EventPage> {
        let total = self.count(f)?;
        let w = self.where_of(f)?;
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM {EVENT_FROM} WHERE {} ORDER BY e.day, e.doc, e.span_start, e.verb_start, e.id LIMIT ? OFFSET ?",
            w.sql
        );
        let mut args = w.args;
        args.push((limit as i64).into());
        args.push((offset as i64).into());
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut events = stmt.query_map(params_from_iter(args), event_of_row)?.collect::<Result<Vec<_>, _>>()?;
        self.fill_texts(&mut events)?;
        Ok(EventPage { total, limit, offset, events })
    }

    /// One event by its store id.
    pub fn event(&self, id: i64) -> Result<Option<StoredEvent>> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM {EVENT_FROM} WHERE e.id = ?1");
        let mut events: Vec<StoredEvent> =
            self.conn.prepare_cached(&sql)?.query_row([id], event_of_row).optional()?.into_iter().collect();
        self.fill_texts(&mut events)?;
        Ok(events.pop())
    }

    /// Count and mean Goldstein of the matching events, grouped.
    pub fn aggregate(&self, f: &Filter, groups: &[Group], order: Order, limit: Option<usize>) -> Result<Grouped> {
        let w = self.where_of(f)?;
        let cols: Vec<(&str, &str, Decode)> = groups.iter().flat_map(|g| g.columns().iter().copied()).collect();
        let mut names: Vec<&str> = Vec::new();
        for (n, _, _) in &cols {
            if names.contains(n) {
                return Err(bad(format!("{n} is grouped by twice")));
            }
            names.push(n);
        }
        let keys: Vec<&str> = cols.iter().map(|(_, e, _)| *e).collect();
        let select = if keys.is_empty() { String::new() } else { format!("{}, ", keys.join(", ")) };
        let group_by = if keys.is_empty() {
            String::new()
        } else {
            format!(" GROUP BY {}", (1..=keys.len()).map(|i| i.to_string()).collect::<Vec<_>>().join(", "))
        };
        let by_keys = (1..=keys.len()).map(|i| i.to_string()).collect::<Vec<_>>();
        let order_by = match order {
            _ if keys.is_empty() => String::new(),
            Order::Keys => format!(" ORDER BY {}", by_keys.join(", ")),
            Order::CountDesc => format!(" ORDER BY {} DESC, {}", keys.len() + 1, by_keys.join(", ")),
        };
        let join = text_join(&w);
        // Only grouping by a period needs a date; the others keep undated events.
        let dated = if groups.iter().any(|g| matches!(g, Group::Period(_))) { " AND e.day IS NOT NULL" } else { "" };
        let limit_sql = if limit.is_some() { " LIMIT ?" } else { "" };
        let sql = format!("SELECT {select}count(*), avg(e.goldstein100) / 100.0 FROM events e{join} WHERE {}{dated}{group_by}{order_by}{limit_sql}", w.sql);
        let mut args = w.args;
        if let Some(l) = limit {
            args.push((l as i64).into());
        }
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let n = keys.len();
        let decode: Vec<Decode> = cols.iter().map(|c| c.2).collect();
        let rows = stmt.query_map(params_from_iter(args), |r| {
            let mut keys = Vec::with_capacity(n);
            for (i, d) in decode.iter().enumerate() {
                let v: Value = r.get(i)?;
                keys.push(match (v, d) {
                    (Value::Null, _) => None,
                    (Value::Integer(k), Decode::Period(p)) => Some(p.label(k)),
                    (Value::Integer(k), Decode::Country) => Some(codes::unpack(k)),
                    (Value::Integer(k), Decode::Root) => Some(format!("{k:02}")),
                    // Resolved to strings below.
                    (Value::Integer(k), Decode::Str) => Some(k.to_string()),
                    (Value::Integer(k), Decode::Plain) => Some(k.to_string()),
                    (Value::Text(s), _) => Some(s),
                    (Value::Real(x), _) => Some(x.to_string()),
                    (Value::Blob(_), _) => None,
                });
            }
            let count = r.get::<_, i64>(n)? as u64;
            let mean: Option<f64> = r.get(n + 1)?;
            Ok(GroupRow { keys, count, mean_goldstein: mean.map(round4) })
        })?;
        let mut rows = rows.collect::<Result<Vec<_>, _>>()?;
        let mut string = self.conn.prepare_cached("SELECT s FROM strings WHERE id = ?1")?;
        for (i, _) in decode.iter().enumerate().filter(|(_, d)| **d == Decode::Str) {
            for r in &mut rows {
                if let Some(id) = r.keys[i].as_ref().and_then(|k| k.parse::<i64>().ok()) {
                    r.keys[i] = string.query_row([id], |x| x.get(0)).optional()?;
                }
            }
        }
        // Ids sort by first sight, not by text: put string keys in order.
        if decode.contains(&Decode::Str) {
            match order {
                Order::Keys => rows.sort_by(|a, b| a.keys.cmp(&b.keys)),
                Order::CountDesc => rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.keys.cmp(&b.keys))),
            }
        }
        Ok(Grouped { columns: names.iter().map(|s| s.to_string()).collect(), rows })
    }

    /// A time series of count and mean Goldstein, with empty periods
    /// between the first and the last filled in (count 0, no mean).
    /// `from`/`to` in the filter widen the series to those dates.
    pub fn series(&self, f: &Filter, period: Period) -> Result<Vec<SeriesPoint>> {
        // One pass over the matching rows, by day (for a dyad: a walk along
        // the covering `events_dyad` index, already in day order), rolled
        // up into periods here.
        let w = self.where_of(f)?;
        let join = text_join(&w);
        let sql = format!("SELECT e.day, count(*), sum(e.goldstein100) FROM events e{join} WHERE {} AND e.day IS NOT NULL GROUP BY 1 ORDER BY 1", w.sql);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(params_from_iter(w.args))?;
        // (period key, count, Goldstein sum in hundredths)
        let mut totals: Vec<(i64, u64, i64)> = Vec::new();
        let mut last_day: Option<(i64, i64)> = None;
        while let Some(r) = rows.next()? {
            let (day, n, sum): (i64, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
            let key = match last_day {
                // Consecutive days mostly share a period: skip the date arithmetic.
                Some((d, k)) if period == Period::Day && d == day => k,
                _ => date_of_day(day).map(|d| period.key_of(d)).unwrap_or(day),
            };
            last_day = Some((day, key));
            match totals.last_mut() {
                Some(t) if t.0 == key => {
                    t.1 += n as u64;
                    t.2 += sum;
                }
                _ => totals.push((key, n as u64, sum)),
            }
        }
        let lo = [f.from.map(|d| period.key_of(d)), totals.first().map(|r| r.0)].into_iter().flatten().min();
        let hi = [f.to.map(|d| period.key_of(d)), totals.last().map(|r| r.0)].into_iter().flatten().max();
        let (Some(lo), Some(hi)) = (lo, hi) else { return Ok(Vec::new()) };
        let mut out = Vec::new();
        let mut next = totals.iter().peekable();
        let mut k = lo;
        // A bound on the number of points: 200 years of days.
        while k <= hi && out.len() < 73_100 {
            while next.peek().is_some_and(|r| r.0 < k) {
                next.next();
            }
            let row = next.peek().filter(|r| r.0 == k);
            out.push(SeriesPoint {
                period: period.label(k),
                count: row.map(|r| r.1).unwrap_or(0),
                mean_goldstein: row.map(|r| round4(r.2 as f64 / r.1 as f64 / 100.0)),
            });
            k = period.next(k);
        }
        Ok(out)
    }

    /// A document with its turns, sentences and the events of its current
    /// coding (or of `run`).
    pub fn document(&self, id: i64, run: Option<i64>) -> Result<Option<DocumentView>> {
        let head = self
            .conn
            .query_row("SELECT id, name, hash, format, title, url, text FROM documents WHERE id = ?1", [id], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get::<_, String>(6)?,
                ))
            })
            .optional()?;
        let Some((id, name, hash, format, title, url, text)) = head else { return Ok(None) };
        let mut runs_stmt =
            self.conn.prepare_cached("SELECT run, date, place FROM codings WHERE doc = ?1 ORDER BY coded, run")?;
        let codings: Vec<(i64, Option<String>, Option<String>)> =
            runs_stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
        // The coding shown: the run asked for, or the latest.
        let shown = match run {
            Some(r) => codings.iter().find(|c| c.0 == r),
            None => codings.last(),
        };
        let (date, place) = shown.map(|c| (c.1.clone(), c.2.clone())).unwrap_or_default();
        let mut turns_stmt = self.conn.prepare_cached(
            "SELECT idx, start, end, label, speaker, speaker_code, press FROM turns WHERE doc = ?1 ORDER BY start, end",
        )?;
        let turns = turns_stmt
            .query_map([id], |r| {
                Ok(TurnRow {
                    index: r.get::<_, i64>(0)? as usize,
                    span: [r.get::<_, i64>(1)? as usize, r.get::<_, i64>(2)? as usize],
                    label: r.get(3)?,
                    speaker: r.get(4)?,
                    speaker_code: r.get(5)?,
                    press: r.get(6)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut sent_stmt = self.conn.prepare_cached("SELECT s.idx, s.start, s.end, s.turn, sp.s, s.speaker_code FROM sentences s LEFT JOIN strings sp ON sp.id = s.speaker
             WHERE s.doc = ?1 ORDER BY s.start, s.end")?;
        let sentences = sent_stmt
            .query_map([id], |r| {
                Ok(StoredSentence {
                    row: SentenceRow {
                        index: r.get::<_, i64>(0)? as usize,
                        span: [r.get::<_, i64>(1)? as usize, r.get::<_, i64>(2)? as usize],
                        turn: r.get::<_, Option<i64>>(3)?.map(|t| t as usize),
                        speaker: r.get(4)?,
                        speaker_code: r.get(5)?,
                    },
                    text: String::new(),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let filter = Filter { doc: Some(id), run: shown.filter(|_| run.is_some()).map(|c| c.0), ..Filter::default() };
        let w = filter.to_where()?;
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM {EVENT_FROM} WHERE {} ORDER BY e.span_start, e.verb_start, e.id",
            w.sql
        );
        let mut events: Vec<StoredEvent> = self
            .conn
            .prepare_cached(&sql)?
            .query_map(params_from_iter(w.args), event_of_row)?
            .collect::<Result<Vec<_>, _>>()?;
        for e in &mut events {
            e.event.sentence = slice(&text, e.event.span);
            e.event.verb.text = slice(&text, e.event.verb.span);
        }
        let mut sentences = sentences;
        for s in &mut sentences {
            s.text = slice(&text, s.row.span);
        }
        Ok(Some(DocumentView {
            id,
            name,
            hash,
            format,
            title,
            url,
            date,
            place,
            text,
            turns,
            sentences,
            events,
            runs: codings.iter().map(|c| c.0).collect(),
        }))
    }

    /// Documents by name (exact), newest first: `(id, hash)`.
    pub fn documents_named(&self, name: &str) -> Result<Vec<(i64, String)>> {
        let mut stmt = self.conn.prepare_cached("SELECT id, hash FROM documents WHERE name = ?1 ORDER BY id DESC")?;
        let rows = stmt.query_map(params![name], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_label_and_step() {
        let d = NaiveDate::from_ymd_opt(2019, 1, 16).unwrap(); // a Wednesday
        assert_eq!(Period::Week.label(Period::Week.key_of(d)), "2019-01-14");
        assert_eq!(Period::Month.label(Period::Month.key_of(d)), "2019-01");
        assert_eq!(Period::Month.next(201912), 202001);
        assert_eq!(Period::Year.label(Period::Year.key_of(d)), "2019");
        // Before 1970 too (negative day numbers).
        let old = NaiveDate::from_ymd_opt(1956, 10, 19).unwrap(); // a Friday
        assert_eq!(Period::Week.label(Period::Week.key_of(old)), "1956-10-15");
    }

    #[test]
    fn filters_are_checked_and_normalised() {
        let f = Filter {
            source: Some("rus".into()),
            target: Some("igouno".into()),
            root: Some("5".into()),
            plover: Some("reject".into()),
            ..Default::default()
        };
        let v = f.validate().unwrap();
        assert_eq!(
            (v.source.as_deref(), v.target.as_deref(), v.root.as_deref(), v.plover.as_deref()),
            (Some("RUS"), Some("IGOUNO"), Some("05"), Some("REJECT"))
        );
        for bad in [
            Filter { source: Some("R".into()), ..Default::default() },
            Filter { source: Some("RUS' OR 1=1 --".into()), ..Default::default() },
            Filter { root: Some("21".into()), ..Default::default() },
            Filter { cameo: Some("1a".into()), ..Default::default() },
            Filter { quad_class: Some(5), ..Default::default() },
            Filter {
                from: NaiveDate::from_ymd_opt(2020, 1, 2),
                to: NaiveDate::from_ymd_opt(2020, 1, 1),
                ..Default::default()
            },
            Filter { text: Some("x".repeat(201)), ..Default::default() },
            Filter { run: Some(0), ..Default::default() },
        ] {
            assert!(matches!(bad.validate(), Err(StoreError::BadQuery(_))), "{bad:?}");
        }
        assert_eq!(like_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
    }
}
