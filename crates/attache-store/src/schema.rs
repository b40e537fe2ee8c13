//! The schema and its migrations.
//!
//! `PRAGMA user_version` holds the number of migrations applied. Opening a
//! database applies the missing ones, in order, in one transaction; a
//! database from a newer attache is refused rather than misread. A
//! migration, once released, is never edited: changes are new entries.
//!
//! Why the tables look as they do:
//! - `events` keeps the record as narrow columns (not a JSON blob), and
//!   nothing that can be derived: text is the document's (sentences and
//!   verbs are byte ranges into it), every other string is an id into
//!   `strings`, countries are packed into integers. An all-integer row and
//!   an all-integer index are what make ingest fast; every filter is still
//!   a column.
//! - An event's id is `doc << 20 | n`, so a document's events (in every
//!   run) are one range of the table: no index is needed to find them.
//! - Dates are stored as `day` (days since 1970-01-01), so filtering and
//!   grouping by day or week is integer arithmetic; months and years come
//!   from two small SQL functions of ours (`attache_month`, `attache_year`).
//!   Goldstein scores are integer hundredths (`goldstein100`): one or two
//!   bytes instead of eight in the row and in the dyad index.
//! - Writes are what the store optimises for (≥ 200k events/s): two
//!   B-trees per event (the table and `events_dyad`) and no more.
//!   Foreign keys are declared for the reader but not enforced
//!   (`configure` turns them off: the bundled SQLite is built with them
//!   on): every row is written by [`crate::Store::write`], which creates
//!   parents first, and checking them was a parent-table lookup per
//!   foreign key, ten per event, a third of ingest's instructions.
//! - `current` marks the events of each document's latest coding. Queries
//!   read current events through partial indexes (`WHERE current = 1`);
//!   older runs stay for `attache diff`.

use rusqlite::Connection;

use crate::error::{Result, StoreError};

/// Every migration, oldest first. Index + 1 is the schema version.
const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    r#"
    CREATE TABLE runs (
        id              INTEGER PRIMARY KEY,
        started         TEXT NOT NULL,              -- RFC 3339, UTC
        attache_version TEXT NOT NULL,
        dict_hash       TEXT NOT NULL,
        dict_files      TEXT NOT NULL,              -- JSON array of file names
        options         TEXT NOT NULL,              -- JSON object
        UNIQUE (attache_version, dict_hash, options)
    );

    CREATE TABLE documents (
        id           INTEGER PRIMARY KEY,
        hash         TEXT NOT NULL UNIQUE,          -- sha256 of text and given metadata
        name         TEXT NOT NULL,                 -- file name or record id
        format       TEXT NOT NULL,                 -- text, html, jsonl
        text         TEXT NOT NULL,
        given_date   TEXT,
        title        TEXT,
        url          TEXT,
        source       TEXT,
        speaker      TEXT,
        speaker_code TEXT,
        added        TEXT NOT NULL
    );
    CREATE INDEX documents_name ON documents (name);

    -- Which run coded which document, and what it found there.
    CREATE TABLE codings (
        run       INTEGER NOT NULL REFERENCES runs (id),
        doc       INTEGER NOT NULL REFERENCES documents (id),
        coded     TEXT NOT NULL,
        date      TEXT,
        place     TEXT,
        events    INTEGER NOT NULL,
        PRIMARY KEY (run, doc)
    ) WITHOUT ROWID;
    CREATE INDEX codings_doc ON codings (doc);

    -- Every string an event holds (speaker, actor texts and codes, CAMEO
    -- code, PLOVER category, rule) is stored once here; events hold ids,
    -- so an event row is integers only and cheap to write.
    CREATE TABLE strings (
        id INTEGER PRIMARY KEY,
        s  TEXT NOT NULL UNIQUE
    );

    -- A sentence's text is documents.text at its byte range.
    CREATE TABLE sentences (
        doc          INTEGER NOT NULL REFERENCES documents (id),
        start        INTEGER NOT NULL,              -- byte range in documents.text
        end          INTEGER NOT NULL,
        idx          INTEGER NOT NULL,
        turn         INTEGER,
        speaker      INTEGER REFERENCES strings (id),
        speaker_code TEXT,
        PRIMARY KEY (doc, start, end)
    ) WITHOUT ROWID;

    CREATE TABLE turns (
        doc          INTEGER NOT NULL REFERENCES documents (id),
        start        INTEGER NOT NULL,
        end          INTEGER NOT NULL,
        idx          INTEGER NOT NULL,
        label        TEXT,
        speaker      TEXT,
        speaker_code TEXT,
        press        INTEGER NOT NULL,
        PRIMARY KEY (doc, start, end)
    ) WITHOUT ROWID;

    -- One row per event, integers only. What the record holds and this
    -- row does not is derived on reading: the sentence and the verb's
    -- words are the document's text at their spans, country and role come
    -- from the actor code (as in ActorOut::new), the location is the
    -- coding's place.
    CREATE TABLE events (
        id             INTEGER PRIMARY KEY,         -- doc << 20 | n: a document's events are one range
        run            INTEGER NOT NULL REFERENCES runs (id),
        doc            INTEGER NOT NULL REFERENCES documents (id),
        current        INTEGER NOT NULL,
        record_id      TEXT,                        -- the record's "id" when it is not the document name
        sentence_index INTEGER NOT NULL,
        span_start     INTEGER NOT NULL,
        span_end       INTEGER NOT NULL,
        day            INTEGER,
        speaker        INTEGER REFERENCES strings (id),
        src_text       INTEGER NOT NULL REFERENCES strings (id),
        src_code       INTEGER NOT NULL REFERENCES strings (id),
        src_country    INTEGER,                     -- packed country code (codes.rs)
        tgt_text       INTEGER REFERENCES strings (id),
        tgt_code       INTEGER REFERENCES strings (id),
        tgt_country    INTEGER,
        cameo          INTEGER NOT NULL REFERENCES strings (id),
        root           INTEGER NOT NULL,            -- 1–20
        plover         INTEGER REFERENCES strings (id),
        quad_class     INTEGER NOT NULL,
        goldstein100   INTEGER NOT NULL,            -- Goldstein score × 100
        rule           INTEGER NOT NULL REFERENCES strings (id),
        verb_start     INTEGER NOT NULL,
        verb_end       INTEGER NOT NULL
    );
    -- Dyad series: see DYAD_INDEX (created by `migrate`).
    "#,
];

/// Dyad series: covering, so the day-by-day count and Goldstein sum of one
/// dyad (rolled up into weeks, months, years) read only this index. Kept
/// apart from the migrations because a bulk load drops it and builds it
/// again at the end (see [`crate::Store::begin_bulk`]); opening a store for
/// writing makes sure it exists, so a load that died half-way heals.
pub(crate) const DYAD_INDEX: &str =
    "CREATE INDEX IF NOT EXISTS events_dyad ON events (src_country, tgt_country, day, goldstein100) WHERE current = 1";

/// The schema version this attache writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Sets the connection up the way the store works: WAL, so readers (the
/// server) never wait for a writer (an ingest); `synchronous = NORMAL`,
/// which in WAL mode loses at most the last transactions on power loss,
/// never consistency.
pub(crate) fn configure(conn: &Connection, read_only: bool) -> Result<()> {
    if !read_only {
        conn.pragma_update(None, "journal_mode", "WAL")?;
    }
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // SQLite leaves foreign keys unenforced, but rusqlite's bundled build
    // (SQLITE_DEFAULT_FOREIGN_KEYS=1) turns them on; the store relies on
    // its write path instead (see the module docs).
    conn.pragma_update(None, "foreign_keys", false)?;
    // A checkpoint copies the WAL into the database; every 16k pages (64 MB
    // at most) instead of SQLite's 1k keeps a large ingest from spending a
    // third of its time there. The WAL file is cut back after each one.
    conn.pragma_update(None, "wal_autocheckpoint", 16_384)?;
    conn.pragma_update(None, "journal_size_limit", 64i64 << 20)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // 256 MB of page cache (negative = KiB): index pages of a large store stay hot.
    conn.pragma_update(None, "cache_size", -262_144)?;
    conn.pragma_update(None, "mmap_size", 1i64 << 32)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    register_functions(conn)?;
    Ok(())
}

/// `attache_month(day)` → `yyyymm`, `attache_year(day)` → `yyyy`, from
/// days since 1970-01-01 (NULL stays NULL).
fn register_functions(conn: &Connection) -> Result<()> {
    use rusqlite::functions::FunctionFlags;
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC | FunctionFlags::SQLITE_INNOCUOUS;
    for (name, month) in [("attache_month", true), ("attache_year", false)] {
        conn.create_scalar_function(name, 1, flags, move |ctx| {
            let day: Option<i64> = ctx.get(0)?;
            Ok(day.and_then(crate::store::date_of_day).map(|d| {
                use chrono::Datelike;
                if month {
                    d.year() as i64 * 100 + d.month() as i64
                } else {
                    d.year() as i64
                }
            }))
        })?;
    }
    Ok(())
}

/// Applies the migrations this database lacks.
pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew { found, known: SCHEMA_VERSION });
    }
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction()?;
    for sql in &MIGRATIONS[found as usize..] {
        tx.execute_batch(sql)?;
    }
    tx.execute_batch(DYAD_INDEX)?;
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}

/// The schema version of an open database.
pub(crate) fn version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}
