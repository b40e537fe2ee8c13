//! The document: it owns the text; everything downstream is a byte range
//! into it. Also what the caller knows about it (a record's date, title,
//! speaker), which wins over anything guessed from the text.

use chrono::NaiveDate;
use serde::Serialize;

/// How the text was obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    Text,
    /// Main text extracted from HTML; offsets are into the extracted text.
    Html,
    Jsonl,
}

/// What the caller says about a document.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Given {
    pub date: Option<NaiveDate>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub source: Option<String>,
    /// Who "we" and "I" are in the whole text.
    pub speaker: Option<String>,
    pub speaker_code: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Document {
    /// File name or record id.
    pub id: String,
    pub text: String,
    pub format: SourceFormat,
    pub given: Given,
    /// How the input's bytes became `text`, when they were not plain UTF-8
    /// ([`crate::ingest`]). Offsets are into `text`, the decoded text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decoding: Option<Decoding>,
}

impl Document {
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Document {
        Document {
            id: id.into(),
            text: text.into(),
            format: SourceFormat::Text,
            given: Given::default(),
            decoding: None,
        }
    }
}

/// How bytes that were not plain UTF-8 were read as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decoding {
    /// A byte-order mark named the encoding (UTF-16LE or UTF-16BE).
    Bom(&'static str),
    /// The HTML page declared the encoding (`<meta charset>`).
    Declared(&'static str),
    /// Not UTF-8, with fewer well-formed multi-byte UTF-8 sequences than
    /// ill-formed ones: read as windows-1252, which has ISO-8859-1's
    /// letters and the curly quotes and dashes of Windows text.
    Legacy,
    /// UTF-8 but for this many ill-formed sequences, each replaced by
    /// U+FFFD.
    Repaired(usize),
}

impl std::fmt::Display for Decoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Decoding::Bom(e) => write!(f, "read as {e} (byte-order mark)"),
            Decoding::Declared(e) => write!(f, "read as {e} (declared by the page)"),
            Decoding::Legacy => write!(f, "not UTF-8; read as windows-1252"),
            Decoding::Repaired(1) => write!(f, "one invalid UTF-8 sequence replaced by U+FFFD"),
            Decoding::Repaired(n) => write!(f, "{n} invalid UTF-8 sequences replaced by U+FFFD"),
        }
    }
}
