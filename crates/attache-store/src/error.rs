//! The store's one error type.

use std::path::PathBuf;

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// SQLite said no (I/O, corruption, a locked database, a bug in our SQL).
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The database could not be opened.
    #[error("cannot open {path}: {source}")]
    Open { path: PathBuf, source: rusqlite::Error },
    /// The file was written by a newer attache.
    #[error("the database has schema version {found}; this attache knows up to {known} (upgrade attache)")]
    SchemaTooNew { found: i64, known: i64 },
    /// A stored JSON value (run options, file lists) did not parse.
    #[error("stored value is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A query parameter that cannot be right (a bad code, a reversed date range).
    #[error("{0}")]
    BadQuery(String),
    /// An event whose date is not `YYYY-MM-DD`.
    #[error("event in {doc} has date {date:?}, expected YYYY-MM-DD")]
    BadEventDate { doc: String, date: String },
    /// More events for one document, over all its codings, than an event id holds.
    #[error("{doc}: more than a million events for one document")]
    TooManyEvents { doc: String },
    /// A run id that is not in the database.
    #[error("no coding run {0} in this database (see `attache runs`)")]
    NoSuchRun(i64),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
