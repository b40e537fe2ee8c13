//! Opening a store, coding runs, and the write path.

use rustc_hash::FxHashMap as HashMap;
use std::path::{Path, PathBuf};

use attache_core::dict::Dictionaries;
use attache_core::document::{Document, Given};
use attache_core::pipeline::Options;
use chrono::NaiveDate;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::coded::{format_from_name, format_name, CodedDocument};
use crate::codes;
use crate::error::{Result, StoreError};
use crate::schema;

/// An open event store. One per thread: it wraps one SQLite connection.
/// Any number of readers and one writer may have the same file open.
pub struct Store {
    pub(crate) conn: Connection,
    path: Option<PathBuf>,
    /// Ids of the `strings` already in the database.
    names: HashMap<String, i64>,
}

/// Events per document (in all runs): the low bits of an event id.
pub(crate) const DOC_SHIFT: u32 = 20;

/// The event ids of document `doc`: `doc << 20 ..`.
pub(crate) fn doc_event_range(doc: i64) -> (i64, i64) {
    (doc << DOC_SHIFT, (doc + 1) << DOC_SHIFT)
}

/// What identifies a coding run: the same attache, dictionaries and
/// options code a document the same way, so they share one run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunConfig {
    pub attache_version: String,
    /// Hex of the compiled dictionaries' fingerprint.
    pub dict_hash: String,
    pub dict_files: Vec<String>,
    /// The pipeline options, as a JSON object.
    pub options: serde_json::Value,
}

impl RunConfig {
    /// The run that coding with `dicts` and `opts` belongs to.
    pub fn new(dicts: &Dictionaries, opts: &Options) -> RunConfig {
        RunConfig {
            attache_version: env!("CARGO_PKG_VERSION").to_string(),
            dict_hash: format!("{:016x}", dicts.fingerprint),
            dict_files: dicts.files.clone(),
            // Every option is part of the run, including ones added later:
            // `all` is their debug form, stable within one attache version.
            options: serde_json::json!({ "date": opts.date.map(|d| d.to_string()), "all": format!("{opts:?}") }),
        }
    }
}

/// A coding run as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Run {
    pub id: i64,
    /// When the run was first used (RFC 3339, UTC).
    pub started: String,
    #[serde(flatten)]
    pub config: RunConfig,
    pub documents: u64,
    pub events: u64,
}

/// What one [`Store::write`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WriteStats {
    /// Documents seen for the first time.
    pub new_documents: u64,
    /// Known documents coded again in this run (their older events are no
    /// longer current).
    pub recoded: u64,
    /// Documents this run had already coded: nothing was written.
    pub unchanged: u64,
    pub events: u64,
}

impl std::ops::AddAssign for WriteStats {
    fn add_assign(&mut self, o: WriteStats) {
        self.new_documents += o.new_documents;
        self.recoded += o.recoded;
        self.unchanged += o.unchanged;
        self.events += o.events;
    }
}

/// A stored document, as handed back for re-coding.
#[derive(Clone, Debug)]
pub struct StoredDocument {
    pub id: i64,
    pub doc: Document,
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// `YYYY-MM-DD` → days since 1970-01-01.
pub(crate) fn day_of(date: &str) -> Option<i64> {
    NaiveDate::parse_from_str(date, "%Y-%m-%d").ok().map(epoch_day)
}

/// A Goldstein score in hundredths: scores are written with one decimal.
pub(crate) fn goldstein100(g: f32) -> i64 {
    (g as f64 * 100.0).round() as i64
}

pub(crate) fn epoch_day(d: NaiveDate) -> i64 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days()
}

pub(crate) fn date_of_day(day: i64) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_signed(chrono::TimeDelta::try_days(day)?)
}

impl Store {
    /// Opens (creating if needed) a store and brings its schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref();
        let mut conn = Connection::open(path).map_err(|source| StoreError::Open { path: path.to_owned(), source })?;
        schema::configure(&conn, false)?;
        schema::migrate(&mut conn)?;
        // A bulk load that died before rebuilding the index heals here.
        conn.execute_batch(schema::DYAD_INDEX)?;
        Ok(Store { conn, path: Some(path.to_owned()), names: HashMap::default() })
    }

    /// Opens an existing store for reading only (the server's connections).
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref();
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(path, flags)
            .map_err(|source| StoreError::Open { path: path.to_owned(), source })?;
        schema::configure(&conn, true)?;
        let found = schema::version(&conn)?;
        if found > schema::SCHEMA_VERSION {
            return Err(StoreError::SchemaTooNew { found, known: schema::SCHEMA_VERSION });
        }
        if found < schema::SCHEMA_VERSION {
            // Read-only connections cannot migrate; an old or empty file is
            // not a store we can read.
            return Err(StoreError::Open {
                path: path.to_owned(),
                source: rusqlite::Error::InvalidParameterName(format!(
                    "not an attache store of schema version {} (found {found}); run `attache ingest` on it first",
                    schema::SCHEMA_VERSION
                )),
            });
        }
        Ok(Store { conn, path: Some(path.to_owned()), names: HashMap::default() })
    }

    /// A store in memory, for tests.
    pub fn open_in_memory() -> Result<Store> {
        let mut conn = Connection::open_in_memory()?;
        schema::configure(&conn, false)?;
        schema::migrate(&mut conn)?;
        Ok(Store { conn, path: None, names: HashMap::default() })
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn schema_version(&self) -> Result<i64> {
        schema::version(&self.conn)
    }

    /// The run for `config`, created on first use.
    pub fn run_for(&mut self, config: &RunConfig) -> Result<i64> {
        let options = serde_json::to_string(&config.options)?;
        let find = |conn: &Connection| {
            conn.query_row(
                "SELECT id FROM runs WHERE attache_version = ?1 AND dict_hash = ?2 AND options = ?3",
                params![config.attache_version, config.dict_hash, options],
                |r| r.get::<_, i64>(0),
            )
            .optional()
        };
        if let Some(id) = find(&self.conn)? {
            return Ok(id);
        }
        self.conn.execute(
            "INSERT INTO runs (started, attache_version, dict_hash, dict_files, options) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                now(),
                config.attache_version,
                config.dict_hash,
                serde_json::to_string(&config.dict_files)?,
                options
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Every run, oldest first, with how much it coded.
    pub fn runs(&self) -> Result<Vec<Run>> {
        let mut stmt = self.conn.prepare(
            "SELECT r.id, r.started, r.attache_version, r.dict_hash, r.dict_files, r.options,
                    (SELECT count(*) FROM codings c WHERE c.run = r.id),
                    (SELECT coalesce(sum(events), 0) FROM codings c WHERE c.run = r.id)
             FROM runs r ORDER BY r.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, i64>(7)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, started, attache_version, dict_hash, files, options, documents, events) = row?;
            out.push(Run {
                id,
                started,
                config: RunConfig {
                    attache_version,
                    dict_hash,
                    dict_files: serde_json::from_str(&files)?,
                    options: serde_json::from_str(&options)?,
                },
                documents: documents as u64,
                events: events as u64,
            });
        }
        Ok(out)
    }

    pub fn run(&self, id: i64) -> Result<Run> {
        self.runs()?.into_iter().find(|r| r.id == id).ok_or(StoreError::NoSuchRun(id))
    }

    /// Whether `run` has already coded the document with this hash; the
    /// caller skips coding it again.
    pub fn is_coded(&self, run: i64, hash: &str) -> Result<bool> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT 1 FROM documents d JOIN codings c ON c.doc = d.id WHERE d.hash = ?1 AND c.run = ?2",
        )?;
        Ok(stmt.exists(params![hash, run])?)
    }

    /// Writes a batch of coded documents into `run`, in one transaction.
    /// A document the run has already coded is skipped, so ingesting the
    /// same input twice changes nothing. A document another run coded
    /// gets this run's events as its current ones.
    pub fn write(&mut self, run: i64, docs: &[CodedDocument]) -> Result<WriteStats> {
        let result = self.write_batch(run, docs);
        if result.is_err() {
            // A rolled-back transaction takes its new names with it.
            self.names.clear();
        }
        result
    }

    fn write_batch(&mut self, run: i64, docs: &[CodedDocument]) -> Result<WriteStats> {
        let mut stats = WriteStats::default();
        let names = &mut self.names;
        let tx = self.conn.transaction()?;
        {
            let mut find_doc = tx.prepare_cached("SELECT id FROM documents WHERE hash = ?1")?;
            let mut coded = tx.prepare_cached("SELECT 1 FROM codings WHERE run = ?1 AND doc = ?2")?;
            let mut insert_doc = tx.prepare_cached(
                "INSERT INTO documents (hash, name, format, text, given_date, title, url, source, speaker, speaker_code, added)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?;
            let mut insert_turn = tx.prepare_cached(
                "INSERT OR IGNORE INTO turns (doc, start, end, idx, label, speaker, speaker_code, press) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            let mut insert_sentence = tx.prepare_cached(
                "INSERT OR IGNORE INTO sentences (doc, start, end, idx, turn, speaker, speaker_code) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            let mut last_event = tx.prepare_cached("SELECT max(id) FROM events WHERE id >= ?1 AND id < ?2")?;
            let mut retire =
                tx.prepare_cached("UPDATE events SET current = 0 WHERE id >= ?1 AND id < ?2 AND current = 1")?;
            let mut insert_coding = tx.prepare_cached(
                "INSERT INTO codings (run, doc, coded, date, place, events) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            let mut insert_event = tx.prepare_cached(
                "INSERT INTO events (id, run, doc, current, sentence_index, span_start, span_end, day, speaker,
                    src_text, src_code, src_country, tgt_text, tgt_code, tgt_country,
                    cameo, root, plover, quad_class, goldstein100, rule, verb_start, verb_end, record_id)
                 VALUES (?1, ?2, ?3, 1, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)",
            )?;
            let added = now();
            // Events of one document nearly always share a date: parse it once.
            let mut last_date: Option<(String, Option<i64>)> = None;
            for cd in docs {
                let existing: Option<i64> = find_doc.query_row([&cd.hash], |r| r.get(0)).optional()?;
                let (doc_id, mut next_event) = match existing {
                    Some(id) => {
                        if coded.exists(params![run, id])? {
                            stats.unchanged += 1;
                            continue;
                        }
                        let (lo, hi) = doc_event_range(id);
                        retire.execute([lo, hi])?;
                        let last: Option<i64> = last_event.query_row([lo, hi], |r| r.get(0))?;
                        stats.recoded += 1;
                        (id, last.map(|l| l + 1).unwrap_or(lo))
                    }
                    None => {
                        let d = &cd.doc;
                        let g = &d.given;
                        insert_doc.execute(params![
                            cd.hash,
                            d.id,
                            format_name(d.format),
                            d.text,
                            g.date.map(|x| x.to_string()),
                            g.title,
                            g.url,
                            g.source,
                            g.speaker,
                            g.speaker_code,
                            added
                        ])?;
                        stats.new_documents += 1;
                        let id = tx.last_insert_rowid();
                        (id, doc_event_range(id).0)
                    }
                };
                for t in &cd.turns {
                    insert_turn.execute(params![
                        doc_id, t.span[0] as i64, t.span[1] as i64, t.index as i64, t.label, t.speaker, t.speaker_code,
                        t.press
                    ])?;
                }
                for s in &cd.sentences {
                    let speaker = intern(&tx, names, s.speaker.as_deref())?;
                    insert_sentence.execute(params![
                        doc_id,
                        s.span[0] as i64,
                        s.span[1] as i64,
                        s.index as i64,
                        s.turn.map(|t| t as i64),
                        speaker,
                        s.speaker_code
                    ])?;
                }
                if next_event + cd.events.len() as i64 > doc_event_range(doc_id).1 {
                    return Err(StoreError::TooManyEvents { doc: cd.doc.id.clone() });
                }
                for e in &cd.events {
                    let day = match &e.date {
                        None => None,
                        Some(date) => match &last_date {
                            Some((s, day)) if s == date => *day,
                            _ => {
                                let day = day_of(date);
                                if day.is_none() {
                                    return Err(StoreError::BadEventDate {
                                        doc: cd.doc.id.clone(),
                                        date: date.clone(),
                                    });
                                }
                                last_date = Some((date.clone(), day));
                                day
                            }
                        },
                    };
                    let mut id = |s: Option<&str>| intern(&tx, names, s);
                    let t = e.target.as_ref();
                    let record_id = (e.id != cd.doc.id).then_some(e.id.as_str());
                    // Bound one by one with their concrete types: the
                    // generic `params!` path costs a third of the insert.
                    let row: [Option<i64>; 22] = [
                        Some(next_event),
                        Some(run),
                        Some(doc_id),
                        Some(e.sentence_index as i64),
                        Some(e.span[0] as i64),
                        Some(e.span[1] as i64),
                        day,
                        id(e.speaker.as_deref())?,
                        id(Some(&e.source.text))?,
                        id(Some(&e.source.code))?,
                        e.source.country.as_deref().and_then(codes::pack),
                        id(t.map(|t| t.text.as_str()))?,
                        id(t.map(|t| t.code.as_str()))?,
                        t.and_then(|t| t.country.as_deref()).and_then(codes::pack),
                        id(Some(&e.cameo))?,
                        e.root.parse::<i64>().ok(),
                        id(e.plover.as_deref())?,
                        Some(e.quad_class as i64),
                        Some(goldstein100(e.goldstein)),
                        id(Some(&e.rule))?,
                        Some(e.verb.span[0] as i64),
                        Some(e.verb.span[1] as i64),
                    ];
                    for (i, v) in row.iter().enumerate() {
                        insert_event.raw_bind_parameter(i + 1, v)?;
                    }
                    insert_event.raw_bind_parameter(23, record_id)?;
                    insert_event.raw_execute()?;
                    next_event += 1;
                }
                stats.events += cd.events.len() as u64;
                insert_coding.execute(params![
                    run,
                    doc_id,
                    added,
                    cd.date.map(|d| d.to_string()),
                    cd.place,
                    cd.events.len() as i64
                ])?;
            }
        }
        tx.commit()?;
        Ok(stats)
    }

    /// Documents in id order, `limit` at a time after `after_id`: those a
    /// run coded, or all of them. For re-coding a run with new dictionaries.
    pub fn documents(&self, run: Option<i64>, after_id: i64, limit: usize) -> Result<Vec<StoredDocument>> {
        let sql = "SELECT d.id, d.name, d.format, d.text, d.given_date, d.title, d.url, d.source, d.speaker, d.speaker_code
                   FROM documents d
                   WHERE d.id > ?1 AND (?2 IS NULL OR EXISTS (SELECT 1 FROM codings c WHERE c.run = ?2 AND c.doc = d.id))
                   ORDER BY d.id LIMIT ?3";
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map(params![after_id, run, limit as i64], |r| {
            let given_date: Option<String> = r.get(4)?;
            Ok(StoredDocument {
                id: r.get(0)?,
                doc: Document {
                    id: r.get(1)?,
                    format: format_from_name(&r.get::<_, String>(2)?),
                    text: r.get(3)?,
                    given: Given {
                        date: given_date.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
                        title: r.get(5)?,
                        url: r.get(6)?,
                        source: r.get(7)?,
                        speaker: r.get(8)?,
                        speaker_code: r.get(9)?,
                    },
                    // Stored text is the decoded text.
                    decoding: None,
                },
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Starts a bulk load: when the store holds fewer current events than
    /// `expected` (what the caller is about to write), the dyad index is
    /// dropped, so writes do not pay for its random inserts, and
    /// [`Store::finish_bulk`] builds it again with one sort. Returns whether
    /// it did. Queries stay correct meanwhile, only dyad series are slower.
    pub fn begin_bulk(&mut self, expected: u64) -> Result<bool> {
        let current: i64 = self.conn.query_row("SELECT count(*) FROM events WHERE current = 1", [], |r| r.get(0))?;
        if (current as u64) >= expected {
            return Ok(false);
        }
        self.conn.execute_batch("DROP INDEX IF EXISTS events_dyad")?;
        Ok(true)
    }

    /// Ends a bulk load: builds the dyad index if it is missing.
    pub fn finish_bulk(&mut self) -> Result<()> {
        self.conn.execute_batch(schema::DYAD_INDEX)?;
        Ok(())
    }

    /// Counts: documents, events (all runs), current events.
    pub fn counts(&self) -> Result<(u64, u64, u64)> {
        let q = |sql: &str| self.conn.query_row(sql, [], |r| r.get::<_, i64>(0)).map(|n| n as u64);
        Ok((
            q("SELECT count(*) FROM documents")?,
            q("SELECT count(*) FROM events")?,
            q("SELECT count(*) FROM events WHERE current = 1")?,
        ))
    }

    /// Updates the planner's statistics; worth running after a large ingest.
    pub fn optimize(&self) -> Result<()> {
        self.conn.execute_batch("PRAGMA optimize;")?;
        Ok(())
    }
}

/// The id of a string in `strings`, added on first sight.
fn intern(tx: &rusqlite::Transaction<'_>, cache: &mut HashMap<String, i64>, s: Option<&str>) -> Result<Option<i64>> {
    let Some(s) = s else { return Ok(None) };
    if let Some(&id) = cache.get(s) {
        return Ok(Some(id));
    }
    tx.prepare_cached("INSERT INTO strings (s) VALUES (?1) ON CONFLICT (s) DO NOTHING")?.execute([s])?;
    let id: i64 = tx.prepare_cached("SELECT id FROM strings WHERE s = ?1")?.query_row([s], |r| r.get(0))?;
    cache.insert(s.to_string(), id);
    Ok(Some(id))
}
