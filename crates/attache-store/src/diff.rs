//! Comparing two coding runs of the same documents: which events a new
//! dictionary added, removed or coded differently.
//!
//! Events are matched by their verb: the same byte range of the same
//! document is the same occurrence, whatever the sentence splitter or the
//! dictionaries made of it. At one verb, events with the same source,
//! target and code are unchanged; the rest pair up in order as changed;
//! what is left over was added or removed.

use std::collections::BTreeMap;

use rusqlite::params_from_iter;
use serde::{Deserialize, Serialize};

use crate::error::{Result, StoreError};
use crate::query::{event_of_row, Filter, StoredEvent};
use crate::store::Store;

/// An event coded differently by the two runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventChange {
    /// Which of `source`, `target`, `cameo` differ.
    pub fields: Vec<String>,
    pub before: StoredEvent,
    pub after: StoredEvent,
}

/// What changed from run `a` to run `b`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RunDiff {
    pub run_a: i64,
    pub run_b: i64,
    /// Documents both runs coded: only these are compared.
    pub documents: u64,
    pub only_in_a: u64,
    pub only_in_b: u64,
    pub unchanged: u64,
    pub added: Vec<StoredEvent>,
    pub removed: Vec<StoredEvent>,
    pub changed: Vec<EventChange>,
}

fn coding(e: &StoredEvent) -> (&str, Option<&str>, &str) {
    (&e.event.source.code, e.event.target.as_ref().map(|t| t.code.as_str()), &e.event.cameo)
}

/// Adds the comparison of one document's events to `out`.
pub fn diff_document(a: Vec<StoredEvent>, b: Vec<StoredEvent>, out: &mut RunDiff) {
    type Groups = BTreeMap<[usize; 2], Vec<StoredEvent>>;
    let group = |events: Vec<StoredEvent>| {
        let mut m: Groups = BTreeMap::new();
        for e in events {
            m.entry(e.event.verb.span).or_default().push(e);
        }
        m
    };
    let mut ga = group(a);
    let mut gb = group(b);
    let verbs: std::collections::BTreeSet<[usize; 2]> = ga.keys().chain(gb.keys()).copied().collect();
    for v in verbs {
        let mut xs = ga.remove(&v).unwrap_or_default();
        let mut ys = gb.remove(&v).unwrap_or_default();
        xs.retain(|x| match ys.iter().position(|y| coding(y) == coding(x)) {
            Some(i) => {
                ys.remove(i);
                out.unchanged += 1;
                false
            }
            None => true,
        });
        let paired = xs.len().min(ys.len());
        let rest_a = xs.split_off(paired);
        let rest_b = ys.split_off(paired);
        for (x, y) in xs.into_iter().zip(ys) {
            let (cx, cy) = (coding(&x), coding(&y));
            let mut fields = Vec::new();
            if cx.0 != cy.0 {
                fields.push("source".to_string());
            }
            if cx.1 != cy.1 {
                fields.push("target".to_string());
            }
            if cx.2 != cy.2 {
                fields.push("cameo".to_string());
            }
            out.changed.push(EventChange { fields, before: x, after: y });
        }
        out.removed.extend(rest_a);
        out.added.extend(rest_b);
    }
}

impl Store {
    /// Compares run `a` with run `b` over the documents both coded.
    pub fn diff(&self, a: i64, b: i64) -> Result<RunDiff> {
        for r in [a, b] {
            if !self.conn.prepare_cached("SELECT 1 FROM runs WHERE id = ?1")?.exists([r])? {
                return Err(StoreError::NoSuchRun(r));
            }
        }
        let mut out = RunDiff { run_a: a, run_b: b, ..RunDiff::default() };
        let count = |sql: &str| self.conn.query_row(sql, [a, b], |r| r.get::<_, i64>(0)).map(|n| n as u64);
        out.only_in_a = count("SELECT count(*) FROM codings x WHERE x.run = ?1 AND NOT EXISTS (SELECT 1 FROM codings y WHERE y.run = ?2 AND y.doc = x.doc)")?;
        out.only_in_b = count("SELECT count(*) FROM codings x WHERE x.run = ?2 AND NOT EXISTS (SELECT 1 FROM codings y WHERE y.run = ?1 AND y.doc = x.doc)")?;
        let mut docs_stmt = self.conn.prepare("SELECT x.doc FROM codings x JOIN codings y ON y.doc = x.doc AND y.run = ?2 WHERE x.run = ?1 ORDER BY x.doc")?;
        let docs: Vec<i64> = docs_stmt.query_map([a, b], |r| r.get(0))?.collect::<Result<_, _>>()?;
        let events_of = |run: i64, doc: i64| -> Result<Vec<StoredEvent>> {
            let w = Filter { run: Some(run), doc: Some(doc), ..Filter::default() }.to_where()?;
            let sql = format!(
                "SELECT {} FROM {} WHERE {} ORDER BY e.verb_start, e.verb_end, e.id",
                crate::query::EVENT_COLUMNS,
                crate::query::EVENT_FROM,
                w.sql
            );
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let mut rows: Vec<StoredEvent> =
                stmt.query_map(params_from_iter(w.args), event_of_row)?.collect::<Result<_, _>>()?;
            self.fill_texts(&mut rows)?;
            Ok(rows)
        };
        for doc in docs {
            out.documents += 1;
            diff_document(events_of(a, doc)?, events_of(b, doc)?, &mut out);
        }
        Ok(out)
    }
}
