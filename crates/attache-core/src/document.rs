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
}

impl Document {
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Document {
        Document { id: id.into(), text: text.into(), format: SourceFormat::Text, given: Given::default() }
    }
}
