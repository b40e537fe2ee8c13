//! The schema and its migrations.
//!
//! `PRAGMA user_version` holds the number of migrations applied. Opening a
//! database applies the missing ones, in order, in one transaction; a
//! database from a newer attache is refused rather than misread. A
//! migration, once released, is never edited: changes are new entries.
//!
//! Why the tables look as they do:
//! - `events` keeps the whole record as columns (not a JSON blob): 10M
//!   events stay around 1.5 GB and every filter is a column. The sentence
//!   text lives once in `sentences`; an event finds it by its span.
//! - Dates are stored as `day` (days since 1970-01-01) and `month`
//!   (`yyyymm`), so grouping by day, week, month or year is integer
//!   arithmetic, never date parsing per row.
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

    CREATE TABLE sentences (
        doc          INTEGER NOT NULL REFERENCES documents (id),
        start        INTEGER NOT NULL,              -- byte range in documents.text
        end          INTEGER NOT NULL,
        idx          INTEGER NOT NULL,
        turn         INTEGER,
        speaker      TEXT,
        speaker_code TEXT,
        text         TEXT NOT NULL,
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

    CREATE TABLE events (
        id             INTEGER PRIMARY KEY,
        run            INTEGER NOT NULL REFERENCES runs (id),
        doc            INTEGER NOT NULL REFERENCES documents (id),
        current        INTEGER NOT NULL,
        record_id      TEXT,                        -- the record's "id" when it is not the document name
        sentence_index INTEGER NOT NULL,
        span_start     INTEGER NOT NULL,
        span_end       INTEGER NOT NULL,
        day            INTEGER,
        month          INTEGER,
        speaker        TEXT,
        src_text       TEXT NOT NULL,
        src_code       TEXT NOT NULL,
        src_country    TEXT,
        src_role       TEXT,
        tgt_text       TEXT,
        tgt_code       TEXT,
        tgt_country    TEXT,
        tgt_role       TEXT,
        cameo          TEXT NOT NULL,
        root           TEXT NOT NULL,
        plover         TEXT,
        quad_class     INTEGER NOT NULL,
        goldstein      REAL NOT NULL,
        location       TEXT,
        rule           TEXT NOT NULL,
        verb_text      TEXT NOT NULL,
        verb_start     INTEGER NOT NULL,
        verb_end       INTEGER NOT NULL
    );
    -- Dyad series: covering, so a month-by-month count and mean Goldstein
    -- for one dyad reads only this index.
    CREATE INDEX events_dyad ON events (src_country, tgt_country, day, month, goldstein) WHERE current = 1;
    CREATE INDEX events_doc ON events (doc, span_start) WHERE current = 1;
    CREATE INDEX events_run ON events (run, doc);
    "#,
];

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
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // 256 MB of page cache (negative = KiB): index pages of a large store stay hot.
    conn.pragma_update(None, "cache_size", -262_144)?;
    conn.pragma_update(None, "mmap_size", 1i64 << 32)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
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
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}

/// The schema version of an open database.
pub(crate) fn version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}
