//! Typed errors, each carrying where the problem is: a dictionary problem
//! names its file and line, a bad input names its document and byte offset.

use std::fmt;
use std::path::PathBuf;

/// A problem in a dictionary file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}:{line}: {kind}")]
pub struct DictError {
    pub file: String,
    pub line: usize,
    pub kind: DictErrorKind,
}

impl DictError {
    pub fn new(file: impl Into<String>, line: usize, kind: DictErrorKind) -> DictError {
        DictError { file: file.into(), line, kind }
    }

    /// Warnings are reported by `dict check` but do not stop a load.
    pub fn is_warning(&self) -> bool {
        matches!(self.kind, DictErrorKind::Duplicate(_) | DictErrorKind::Overlap(_) | DictErrorKind::Unreachable(_))
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum DictErrorKind {
    #[error("cannot read: {0}")]
    Io(String),
    #[error("{0}")]
    Syntax(String),
    #[error("unknown code: {0}")]
    UnknownCode(String),
    #[error("bad date: {0}")]
    BadDate(String),
    #[error("duplicate entry: {0}")]
    Duplicate(String),
    #[error("overlapping date ranges: {0}")]
    Overlap(String),
    #[error("pattern can never match: {0}")]
    Unreachable(String),
}

/// A document that could not be read or coded. The rest of the batch goes on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{doc}{}: {kind}", .offset.map(|o| format!(" at byte {o}")).unwrap_or_default())]
pub struct InputError {
    /// The document: a file name, `file:line` for a JSONL record, or `-`.
    pub doc: String,
    /// Byte offset of the problem in the document (or in the file, for JSONL).
    pub offset: Option<usize>,
    pub kind: InputErrorKind,
}

impl InputError {
    pub fn new(doc: impl Into<String>, offset: Option<usize>, kind: InputErrorKind) -> InputError {
        InputError { doc: doc.into(), offset, kind }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum InputErrorKind {
    #[error("cannot read: {0}")]
    Io(String),
    #[error("binary data (byte {byte:#04x}), not text")]
    Binary { byte: u8 },
    #[error("empty document")]
    Empty,
    #[error("line of {len} bytes is longer than the limit of {limit}")]
    LineTooLong { len: usize, limit: usize },
    #[error("document of {len} bytes is larger than the limit of {limit}")]
    TooLarge { len: usize, limit: usize },
    #[error("not a JSON record: {0}")]
    Json(String),
    #[error("record has no {0:?} field")]
    MissingField(&'static str),
    #[error("bad date {0:?} (expected YYYY-MM-DD)")]
    BadDate(String),
    /// The coder failed on this document (a bug: please report it with the
    /// document); the rest of the batch is coded.
    #[error("internal error while coding: {0}")]
    Internal(String),
}

/// Errors of the library as a whole, for callers that handle both kinds.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error(transparent)]
    Dict(#[from] DictError),
    #[error(transparent)]
    Input(#[from] InputError),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

/// A list of dictionary problems, shown one per line.
#[derive(Debug, Clone, Default)]
pub struct DictProblems(pub Vec<DictError>);

impl fmt::Display for DictProblems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.0 {
            writeln!(f, "{e}")?;
        }
        Ok(())
    }
}
