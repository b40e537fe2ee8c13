//! A document as the store keeps it: the text and what the caller gave,
//! its content hash, and one coding (turns, sentences, events).

use attache_core::dict::Dictionaries;
use attache_core::document::{Document, SourceFormat};
use attache_core::output::Event;
use attache_core::pipeline::{self, Options};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One sentence of a coding: its byte range in the document and who said it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SentenceRow {
    pub index: usize,
    pub span: [usize; 2],
    pub turn: Option<usize>,
    pub speaker: Option<String>,
    pub speaker_code: Option<String>,
}

/// One speaker turn of a coding.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TurnRow {
    pub index: usize,
    pub span: [usize; 2],
    /// The label as written ("Sergey Lavrov"); `None` for an opening statement.
    pub label: Option<String>,
    pub speaker: Option<String>,
    pub speaker_code: Option<String>,
    /// A question from the press.
    pub press: bool,
}

/// A document with one coding of it, ready to be written.
#[derive(Clone, Debug)]
pub struct CodedDocument {
    pub doc: Document,
    /// [`document_hash`] of `doc`.
    pub hash: String,
    /// The date the pipeline settled on.
    pub date: Option<NaiveDate>,
    pub place: Option<String>,
    pub turns: Vec<TurnRow>,
    pub sentences: Vec<SentenceRow>,
    pub events: Vec<Event>,
}

/// The identity of a document: a SHA-256 of its text and of everything the
/// caller said about it (date, title, speaker…), but not of its name, so
/// the same file ingested from two paths is one document, while the same
/// text given two different dates is two.
pub fn document_hash(doc: &Document) -> String {
    let g = &doc.given;
    let mut h = Sha256::new();
    let mut field = |tag: &str, v: Option<&str>| {
        // Length-prefixed, so no two different field lists hash alike.
        h.update(tag.as_bytes());
        match v {
            Some(v) => {
                h.update((v.len() as u64).to_le_bytes());
                h.update(v.as_bytes());
            }
            None => h.update(u64::MAX.to_le_bytes()),
        }
    };
    let date = g.date.map(|d| d.to_string());
    field("format", Some(format_name(doc.format)));
    field("date", date.as_deref());
    field("title", g.title.as_deref());
    field("url", g.url.as_deref());
    field("source", g.source.as_deref());
    field("speaker", g.speaker.as_deref());
    field("speaker_code", g.speaker_code.as_deref());
    field("text", Some(&doc.text));
    let digest = h.finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn format_name(f: SourceFormat) -> &'static str {
    match f {
        SourceFormat::Text => "text",
        SourceFormat::Html => "html",
        SourceFormat::Jsonl => "jsonl",
    }
}

pub(crate) fn format_from_name(s: &str) -> SourceFormat {
    match s {
        "html" => SourceFormat::Html,
        "jsonl" => SourceFormat::Jsonl,
        _ => SourceFormat::Text,
    }
}

/// Runs the pipeline on `doc` and keeps what the store needs: the events,
/// and the turns and sentences that let a reader see them in context.
pub fn code_document(dicts: &Dictionaries, doc: Document, opts: &Options) -> CodedDocument {
    let a = pipeline::analyze(dicts, &doc, opts);
    let events = pipeline::events_of(dicts, &doc, &a);
    let text = doc.text.as_str();
    let turns = a
        .turns
        .iter()
        .enumerate()
        .map(|(index, t)| TurnRow {
            index,
            span: [t.span.start, t.span.end],
            label: t.label.as_ref().map(|l| text[l.clone()].to_string()),
            speaker: t.speaker.clone(),
            speaker_code: t.speaker_code.clone(),
            press: t.press,
        })
        .collect();
    let sentences = a
        .sentences
        .iter()
        .map(|s| SentenceRow {
            index: s.index,
            span: [s.span.start, s.span.end],
            turn: s.turn,
            speaker: s.speaker.clone(),
            speaker_code: s.speaker_code.clone(),
        })
        .collect();
    CodedDocument { hash: document_hash(&doc), date: a.date, place: a.place.clone(), turns, sentences, events, doc }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_covers_text_and_given_fields_not_the_name() {
        let a = Document::new("a.txt", "Russia condemned Japan.");
        let b = Document::new("elsewhere/a.txt", "Russia condemned Japan.");
        assert_eq!(document_hash(&a), document_hash(&b));
        let mut c = a.clone();
        c.given.date = NaiveDate::from_ymd_opt(2019, 1, 14);
        assert_ne!(document_hash(&a), document_hash(&c));
        let mut d = a.clone();
        d.given.title = Some(String::new());
        assert_ne!(document_hash(&a), document_hash(&d), "an empty title is not no title");
        assert_eq!(document_hash(&a).len(), 64);
    }
}
