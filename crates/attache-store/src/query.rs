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
use crate::error::{Result, StoreError};
use crate::store::{date_of_day, epoch_day, Store};

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
    if !(3..=15).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) || !code.as_bytes()[0].is_ascii_uppercase() {
        return Err(bad(format!("{name} must be a country or actor code such as RUS or RUSGOV, not {v:?}")));
    }
    // The same rule as `ActorOut::new`: organisations are known by six letters.
    let country = if attache_core::dict::is_igo_prefix(&code) { code.get(..6).unwrap_or(&code).to_string() } else { code[..3].to_string() };
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
    /// The text filter needs the sentence.
    pub needs_sentence: bool,
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
            args.push(country.into());
            if let Some(p) = prefix {
                sql.push(if side == "src" { "e.src_code >= ? AND e.src_code < ?" } else { "e.tgt_code >= ? AND e.tgt_code < ?" });
                // Codes are capitals and digits; '~' sorts after all of them.
                let upper = format!("{p}~");
                args.push(p.into());
                args.push(upper.into());
            }
        }
        if let Some(r) = f.root {
            sql.push("e.root = ?");
            args.push(r.into());
        }
        if let Some(c) = f.cameo {
            // Codes are digits; '~' sorts after every digit.
            sql.push("e.cameo >= ? AND e.cameo < ?");
            args.push(Value::Text(c.clone()));
            args.push(Value::Text(format!("{c}~")));
        }
        if let Some(p) = f.plover {
            sql.push("e.plover = ?");
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
            sql.push("e.speaker LIKE ? ESCAPE '\\'");
            args.push(like_pattern(s).into());
        }
        if let Some(t) = &f.text {
            sql.push("s.text LIKE ? ESCAPE '\\'");
            args.push(like_pattern(t).into());
        }
        if let Some(d) = f.doc {
            sql.push("e.doc = ?");
            args.push(d.into());
        }
        Ok(Where { sql: sql.join(" AND "), args, needs_sentence: f.text.is_some() })
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
    fn sql(self) -> &'static str {
        match self {
            Period::Day => "e.day",
            // 1970-01-01 was a Thursday: (day + 3) mod 7 is days since Monday.
            Period::Week => "(e.day - (((e.day + 3) % 7) + 7) % 7)",
            Period::Month => "e.month",
            Period::Year => "(e.month / 100)",
        }
    }

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

impl Group {
    fn columns(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Group::Period(Period::Day) => &[("day", "e.day")],
            Group::Period(Period::Week) => &[("week", "(e.day - (((e.day + 3) % 7) + 7) % 7)")],
            Group::Period(Period::Month) => &[("month", "e.month")],
            Group::Period(Period::Year) => &[("year", "(e.month / 100)")],
            Group::Dyad => &[("source", "e.src_country"), ("target", "e.tgt_country")],
            Group::Source => &[("source", "e.src_country")],
            Group::Target => &[("target", "e.tgt_country")],
            Group::SourceCode => &[("source_code", "e.src_code")],
            Group::TargetCode => &[("target_code", "e.tgt_code")],
            Group::Root => &[("root", "e.root")],
            Group::Cameo => &[("cameo", "e.cameo")],
            Group::Plover => &[("plover", "e.plover")],
            Group::QuadClass => &[("quad_class", "e.quad_class")],
            Group::Speaker => &[("speaker", "e.speaker")],
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

pub(crate) const EVENT_COLUMNS: &str = "e.id, e.doc, e.run, d.name, e.record_id, e.sentence_index, e.span_start, e.span_end, e.day, e.speaker,
    e.src_text, e.src_code, e.src_country, e.src_role, e.tgt_text, e.tgt_code, e.tgt_country, e.tgt_role,
    e.cameo, e.root, e.plover, e.quad_class, e.goldstein, e.location, e.rule, e.verb_text, e.verb_start, e.verb_end,
    coalesce(s.text, '')";

pub(crate) const EVENT_FROM: &str = "events e JOIN documents d ON d.id = e.doc
    LEFT JOIN sentences s ON s.doc = e.doc AND s.start = e.span_start AND s.end = e.span_end";

pub(crate) fn event_of_row(r: &Row<'_>) -> rusqlite::Result<StoredEvent> {
    let doc: String = r.get(3)?;
    let record_id: Option<String> = r.get(4)?;
    let day: Option<i64> = r.get(8)?;
    let tgt_code: Option<String> = r.get(15)?;
    let target = match tgt_code {
        Some(code) => Some(ActorOut { text: r.get::<_, Option<String>>(14)?.unwrap_or_default(), code, country: r.get(16)?, role: r.get(17)? }),
        None => None,
    };
    let goldstein: f64 = r.get(22)?;
    Ok(StoredEvent {
        event_id: r.get(0)?,
        doc_id: r.get(1)?,
        run: r.get(2)?,
        event: Event {
            id: record_id.unwrap_or_else(|| doc.clone()),
            doc,
            date: day.and_then(date_of_day).map(|d| d.to_string()),
            sentence_index: r.get::<_, i64>(5)? as usize,
            sentence: r.get(28)?,
            speaker: r.get(9)?,
            source: ActorOut { text: r.get(10)?, code: r.get(11)?, country: r.get(12)?, role: r.get(13)? },
            target,
            cameo: r.get(18)?,
            root: r.get(19)?,
            plover: r.get(20)?,
            quad_class: r.get::<_, i64>(21)? as u8,
            goldstein: goldstein as f32,
            location: r.get(23)?,
            span: [r.get::<_, i64>(6)? as usize, r.get::<_, i64>(7)? as usize],
            rule: r.get(24)?,
            verb: VerbOut { text: r.get(25)?, span: [r.get::<_, i64>(26)? as usize, r.get::<_, i64>(27)? as usize] },
        },
    })
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

    /// How many events match.
    pub fn count(&self, f: &Filter) -> Result<u64> {
        let w = self.where_of(f)?;
        let join = if w.needs_sentence { " JOIN sentences s ON s.doc = e.doc AND s.start = e.span_start AND s.end = e.span_end" } else { "" };
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
        let events = stmt.query_map(params_from_iter(args), event_of_row)?.collect::<Result<Vec<_>, _>>()?;
        Ok(EventPage { total, limit, offset, events })
    }

    /// One event by its store id.
    pub fn event(&self, id: i64) -> Result<Option<StoredEvent>> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM {EVENT_FROM} WHERE e.id = ?1");
        Ok(self.conn.prepare_cached(&sql)?.query_row([id], event_of_row).optional()?)
    }

    /// Count and mean Goldstein of the matching events, grouped.
    pub fn aggregate(&self, f: &Filter, groups: &[Group], order: Order, limit: Option<usize>) -> Result<Grouped> {
        let w = self.where_of(f)?;
        let cols: Vec<(&str, &str)> = groups.iter().flat_map(|g| g.columns().iter().copied()).collect();
        let mut names: Vec<&str> = Vec::new();
        for (n, _) in &cols {
            if names.contains(n) {
                return Err(bad(format!("{n} is grouped by twice")));
            }
            names.push(n);
        }
        let keys: Vec<&str> = cols.iter().map(|(_, e)| *e).collect();
        let select = if keys.is_empty() { String::new() } else { format!("{}, ", keys.join(", ")) };
        let group_by = if keys.is_empty() { String::new() } else { format!(" GROUP BY {}", (1..=keys.len()).map(|i| i.to_string()).collect::<Vec<_>>().join(", ")) };
        let by_keys = (1..=keys.len()).map(|i| i.to_string()).collect::<Vec<_>>();
        let order_by = match order {
            _ if keys.is_empty() => String::new(),
            Order::Keys => format!(" ORDER BY {}", by_keys.join(", ")),
            Order::CountDesc => format!(" ORDER BY {} DESC, {}", keys.len() + 1, by_keys.join(", ")),
        };
        let join = if w.needs_sentence { " JOIN sentences s ON s.doc = e.doc AND s.start = e.span_start AND s.end = e.span_end" } else { "" };
        // Only grouping by a period needs a date; the others keep undated events.
        let dated = if groups.iter().any(|g| matches!(g, Group::Period(_))) { " AND e.day IS NOT NULL" } else { "" };
        let limit_sql = if limit.is_some() { " LIMIT ?" } else { "" };
        let sql = format!("SELECT {select}count(*), avg(e.goldstein) FROM events e{join} WHERE {}{dated}{group_by}{order_by}{limit_sql}", w.sql);
        let mut args = w.args;
        if let Some(l) = limit {
            args.push((l as i64).into());
        }
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let n = keys.len();
        let periods: Vec<Option<Period>> = groups
            .iter()
            .flat_map(|g| {
                let p = match g {
                    Group::Period(p) => Some(*p),
                    _ => None,
                };
                g.columns().iter().map(move |_| p)
            })
            .collect();
        let rows = stmt.query_map(params_from_iter(args), |r| {
            let mut keys = Vec::with_capacity(n);
            for (i, p) in periods.iter().enumerate() {
                let v: Value = r.get(i)?;
                keys.push(match (v, p) {
                    (Value::Null, _) => None,
                    (Value::Integer(k), Some(p)) => Some(p.label(k)),
                    (Value::Integer(k), None) => Some(k.to_string()),
                    (Value::Text(s), _) => Some(s),
                    (Value::Real(x), _) => Some(x.to_string()),
                    (Value::Blob(_), _) => None,
                });
            }
            let count = r.get::<_, i64>(n)? as u64;
            let mean: Option<f64> = r.get(n + 1)?;
            Ok(GroupRow { keys, count, mean_goldstein: mean.map(round4) })
        })?;
        let rows = rows.collect::<Result<Vec<_>, _>>()?;
        Ok(Grouped { columns: names.iter().map(|s| s.to_string()).collect(), rows })
    }

    /// A time series of count and mean Goldstein, with empty periods
    /// between the first and the last filled in (count 0, no mean).
    /// `from`/`to` in the filter widen the series to those dates.
    pub fn series(&self, f: &Filter, period: Period) -> Result<Vec<SeriesPoint>> {
        let g = self.aggregate(f, &[Group::Period(period)], Order::Keys, None)?;
        // Re-key by period number to fill the gaps.
        let w = self.where_of(f)?;
        let join = if w.needs_sentence { " JOIN sentences s ON s.doc = e.doc AND s.start = e.span_start AND s.end = e.span_end" } else { "" };
        let sql = format!("SELECT min({p}), max({p}) FROM events e{join} WHERE {} AND e.day IS NOT NULL", w.sql, p = period.sql());
        let (lo, hi): (Option<i64>, Option<i64>) = self.conn.prepare_cached(&sql)?.query_row(params_from_iter(w.args), |r| Ok((r.get(0)?, r.get(1)?)))?;
        let lo = match (f.from.map(|d| period.key_of(d)), lo) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let hi = match (f.to.map(|d| period.key_of(d)), hi) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        let (Some(lo), Some(hi)) = (lo, hi) else { return Ok(Vec::new()) };
        let mut by_label: std::collections::HashMap<String, GroupRow> = g.rows.into_iter().filter_map(|r| r.keys[0].clone().map(|k| (k, r))).collect();
        let mut out = Vec::new();
        let mut k = lo;
        // A bound on the number of points: 200 years of days.
        while k <= hi && out.len() < 73_100 {
            let label = period.label(k);
            let row = by_label.remove(&label);
            out.push(SeriesPoint {
                count: row.as_ref().map(|r| r.count).unwrap_or(0),
                mean_goldstein: row.and_then(|r| r.mean_goldstein),
                period: label,
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
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get(4)?, r.get(5)?, r.get::<_, String>(6)?))
            })
            .optional()?;
        let Some((id, name, hash, format, title, url, text)) = head else { return Ok(None) };
        let mut runs_stmt = self.conn.prepare_cached("SELECT run, date, place FROM codings WHERE doc = ?1 ORDER BY coded, run")?;
        let codings: Vec<(i64, Option<String>, Option<String>)> =
            runs_stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
        // The coding shown: the run asked for, or the latest.
        let shown = match run {
            Some(r) => codings.iter().find(|c| c.0 == r),
            None => codings.last(),
        };
        let (date, place) = shown.map(|c| (c.1.clone(), c.2.clone())).unwrap_or_default();
        let mut turns_stmt = self.conn.prepare_cached("SELECT idx, start, end, label, speaker, speaker_code, press FROM turns WHERE doc = ?1 ORDER BY start, end")?;
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
        let mut sent_stmt = self.conn.prepare_cached("SELECT idx, start, end, turn, speaker, speaker_code, text FROM sentences WHERE doc = ?1 ORDER BY start, end")?;
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
                    text: r.get(6)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let filter = Filter { doc: Some(id), run: shown.filter(|_| run.is_some()).map(|c| c.0), ..Filter::default() };
        let w = filter.to_where()?;
        let sql = format!("SELECT {EVENT_COLUMNS} FROM {EVENT_FROM} WHERE {} ORDER BY e.span_start, e.verb_start, e.id", w.sql);
        let events = self.conn.prepare_cached(&sql)?.query_map(params_from_iter(w.args), event_of_row)?.collect::<Result<Vec<_>, _>>()?;
        Ok(Some(DocumentView { id, name, hash, format, title, url, date, place, text, turns, sentences, events, runs: codings.iter().map(|c| c.0).collect() }))
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
        let f = Filter { source: Some("rus".into()), target: Some("igouno".into()), root: Some("5".into()), plover: Some("reject".into()), ..Default::default() };
        let v = f.validate().unwrap();
        assert_eq!((v.source.as_deref(), v.target.as_deref(), v.root.as_deref(), v.plover.as_deref()), (Some("RUS"), Some("IGOUNO"), Some("05"), Some("REJECT")));
        for bad in [
            Filter { source: Some("R".into()), ..Default::default() },
            Filter { source: Some("RUS' OR 1=1 --".into()), ..Default::default() },
            Filter { root: Some("21".into()), ..Default::default() },
            Filter { cameo: Some("1a".into()), ..Default::default() },
            Filter { quad_class: Some(5), ..Default::default() },
            Filter { from: NaiveDate::from_ymd_opt(2020, 1, 2), to: NaiveDate::from_ymd_opt(2020, 1, 1), ..Default::default() },
            Filter { text: Some("x".repeat(201)), ..Default::default() },
            Filter { run: Some(0), ..Default::default() },
        ] {
            assert!(matches!(bad.validate(), Err(StoreError::BadQuery(_))), "{bad:?}");
        }
        assert_eq!(like_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
    }
}
