//! The event record (the stable contract of `DESIGN.md`) and its writers:
//! JSON lines and CSV.

use std::io::Write;

use serde::{Deserialize, Serialize};

/// One side of an event as written out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActorOut {
    pub text: String,
    pub code: String,
    pub country: Option<String>,
    pub role: Option<String>,
}

impl ActorOut {
    pub fn new(code: String, text: String) -> ActorOut {
        let igo = crate::dict::is_igo_prefix(&code);
        let country = if igo { Some(code.get(..6).unwrap_or(&code).to_string()) } else { code.get(..3).map(str::to_string) };
        let role = if igo { None } else { code.get(3..6).map(str::to_string) };
        ActorOut { text, code, country, role }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VerbOut {
    pub text: String,
    pub span: [usize; 2],
}

/// One coded event. Field names are a contract: add, never rename.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: String,
    pub doc: String,
    pub date: Option<String>,
    pub sentence_index: usize,
    pub sentence: String,
    pub speaker: Option<String>,
    pub source: ActorOut,
    pub target: Option<ActorOut>,
    pub cameo: String,
    pub root: String,
    pub plover: Option<String>,
    pub quad_class: u8,
    pub goldstein: f32,
    pub location: Option<String>,
    /// Byte range of the evidence (the sentence) in the document text.
    pub span: [usize; 2],
    pub rule: String,
    /// The words that matched the verb pattern.
    pub verb: VerbOut,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum OutputFormat {
    #[default]
    Jsonl,
    Csv,
}

impl std::str::FromStr for OutputFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "jsonl" | "json" => Ok(OutputFormat::Jsonl),
            "csv" => Ok(OutputFormat::Csv),
            _ => Err(format!("unknown output format {s:?} (jsonl, csv)")),
        }
    }
}

/// Writes events in one format; CSV gets its header once.
pub struct EventWriter<W: Write> {
    out: W,
    format: OutputFormat,
    header_done: bool,
}

pub const CSV_HEADER: &[&str] = &[
    "id", "doc", "date", "sentence_index", "speaker", "source_text", "source_code", "target_text", "target_code", "cameo",
    "root", "plover", "quad_class", "goldstein", "location", "span_start", "span_end", "rule", "sentence",
];

impl<W: Write> EventWriter<W> {
    pub fn new(out: W, format: OutputFormat) -> Self {
        EventWriter { out, format, header_done: false }
    }

    /// A writer for records that follow a header written elsewhere: many
    /// of them can serialize documents in parallel for one [`EventWriter`]
    /// to [`write_serialized`](EventWriter::write_serialized) in order.
    pub fn continuing(out: W, format: OutputFormat) -> Self {
        EventWriter { out, format, header_done: true }
    }

    /// Writes records serialized by a [`continuing`](EventWriter::continuing)
    /// writer of the same format (the CSV header first, once).
    pub fn write_serialized(&mut self, records: &[u8]) -> std::io::Result<()> {
        if records.is_empty() {
            return Ok(());
        }
        if self.format == OutputFormat::Csv && !self.header_done {
            let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(&mut self.out);
            w.write_record(CSV_HEADER)?;
            w.flush()?;
            self.header_done = true;
        }
        self.out.write_all(records)
    }

    pub fn write(&mut self, e: &Event) -> std::io::Result<()> {
        match self.format {
            OutputFormat::Jsonl => {
                serde_json::to_writer(&mut self.out, e)?;
                self.out.write_all(b"\n")
            }
            OutputFormat::Csv => {
                let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(&mut self.out);
                if !self.header_done {
                    w.write_record(CSV_HEADER)?;
                    self.header_done = true;
                }
                let opt = |s: &Option<String>| s.clone().unwrap_or_default();
                w.write_record([
                    e.id.clone(),
                    e.doc.clone(),
                    opt(&e.date),
                    e.sentence_index.to_string(),
                    opt(&e.speaker),
                    e.source.text.clone(),
                    e.source.code.clone(),
                    e.target.as_ref().map(|t| t.text.clone()).unwrap_or_default(),
                    e.target.as_ref().map(|t| t.code.clone()).unwrap_or_default(),
                    e.cameo.clone(),
                    e.root.clone(),
                    opt(&e.plover),
                    e.quad_class.to_string(),
                    e.goldstein.to_string(),
                    opt(&e.location),
                    e.span[0].to_string(),
                    e.span[1].to_string(),
                    e.rule.clone(),
                    e.sentence.clone(),
                ])?;
                w.flush()
            }
        }
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}
