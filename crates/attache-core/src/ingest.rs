//! Ingest: bytes from files, stdin or JSONL records become [`Document`]s, or
//! an [`InputError`] that names the document and the byte offset.
//!
//! Validation refuses what cannot be text (invalid UTF-8, binary data,
//! empty documents, absurdly long lines) so that one bad file never stops a
//! batch. HTML is reduced to its main text in [`crate::html`].

use std::io::BufRead;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::document::{Document, Given, SourceFormat};
use crate::error::{InputError, InputErrorKind};

/// Longest line accepted, in bytes. News paragraphs are a few KB; a line of
/// a megabyte is a minified script or a dump, not prose.
pub const MAX_LINE: usize = 200_000;
/// Largest document accepted, in bytes.
pub const MAX_DOCUMENT: usize = 64 << 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum InputFormat {
    #[default]
    Auto,
    Text,
    Html,
    Jsonl,
}

impl std::str::FromStr for InputFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "auto" => Ok(InputFormat::Auto),
            "text" | "txt" => Ok(InputFormat::Text),
            "html" | "htm" => Ok(InputFormat::Html),
            "jsonl" | "json" => Ok(InputFormat::Jsonl),
            _ => Err(format!("unknown input format {s:?} (auto, text, html, jsonl)")),
        }
    }
}

/// Decides the format from the name and the first bytes.
pub fn detect(name: &str, head: &[u8]) -> InputFormat {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") {
        return InputFormat::Jsonl;
    }
    if lower.ends_with(".html") || lower.ends_with(".htm") || lower.ends_with(".xhtml") {
        return InputFormat::Html;
    }
    if lower.ends_with(".txt") || lower.ends_with(".text") {
        return InputFormat::Text;
    }
    let start = String::from_utf8_lossy(&head[..head.len().min(2048)]).to_ascii_lowercase();
    let trimmed = start.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') {
        InputFormat::Jsonl
    } else if trimmed.starts_with("<!doctype html")
        || trimmed.starts_with("<html")
        || start.contains("<body")
        || start.contains("<p>")
    {
        InputFormat::Html
    } else {
        InputFormat::Text
    }
}

/// Checks that `bytes` are prose-shaped UTF-8 and returns the text.
pub fn validate(doc: &str, bytes: &[u8]) -> Result<String, InputError> {
    let long_line = check_bytes(doc, bytes)?;
    let text = std::str::from_utf8(bytes)
        .map_err(|e| InputError::new(doc, Some(e.valid_up_to()), InputErrorKind::InvalidUtf8))?;
    check_text(doc, text, long_line)?;
    Ok(text.to_string())
}

/// [`validate`] for text that is a `String` already (a JSON record's):
/// the same checks, and the text kept, not copied.
pub fn validate_string(doc: &str, text: String) -> Result<String, InputError> {
    let long_line = check_bytes(doc, text.as_bytes())?;
    check_text(doc, &text, long_line)?;
    Ok(text)
}

/// The checks on raw bytes, in one pass: size, NUL bytes, a sample
/// thick with control characters. Returns the first line over
/// [`MAX_LINE`] (offset, length), which is reported only after the
/// encoding and emptiness checks.
fn check_bytes(doc: &str, bytes: &[u8]) -> Result<Option<(usize, usize)>, InputError> {
    const SAMPLE: usize = 8192;
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let err = |offset, kind| InputError::new(doc, Some(offset), kind);
    if bytes.len() > MAX_DOCUMENT {
        return Err(err(0, InputErrorKind::TooLarge { len: bytes.len(), limit: MAX_DOCUMENT }));
    }
    // Control characters other than tab, newline, carriage return and form
    // feed, counted in the sample.
    let (mut controls, mut first_control) = (0usize, None);
    let mut long_line = None;
    let mut line_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Eight bytes at a time while none is below 0x20; then straight to
        // the first that is (the lowest marked byte is one; those above
        // it may be marked by the borrow and are asked one by one).
        if let Some(w) = bytes.get(i..i + 8) {
            let w = u64::from_le_bytes(w.try_into().expect("eight bytes"));
            let low = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
            if low == 0 {
                i += 8;
                continue;
            }
            i += low.trailing_zeros() as usize / 8;
        }
        match bytes[i] {
            0 => return Err(err(i, InputErrorKind::Binary { byte: 0 })),
            b'\n' => {
                if long_line.is_none() && i - line_start > MAX_LINE {
                    long_line = Some((line_start, i - line_start));
                }
                line_start = i + 1;
            }
            b'\t' | b'\r' | 0x0c => {}
            b if b < 0x20 && i < SAMPLE => {
                controls += 1;
                first_control.get_or_insert(i);
            }
            _ => {}
        }
        i += 1;
    }
    if long_line.is_none() && bytes.len() - line_start > MAX_LINE {
        long_line = Some((line_start, bytes.len() - line_start));
    }
    if let Some(at) = first_control.filter(|_| controls > 8 && controls * 50 > bytes.len().min(SAMPLE)) {
        return Err(err(at, InputErrorKind::Binary { byte: bytes[at] }));
    }
    Ok(long_line)
}

/// The checks on decoded text: not blank, no line too long.
fn check_text(doc: &str, text: &str, long_line: Option<(usize, usize)>) -> Result<(), InputError> {
    if text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}').is_empty() {
        return Err(InputError::new(doc, None, InputErrorKind::Empty));
    }
    match long_line {
        Some((offset, len)) => {
            Err(InputError::new(doc, Some(offset), InputErrorKind::LineTooLong { len, limit: MAX_LINE }))
        }
        None => Ok(()),
    }
}

/// Reads one file's bytes (text or HTML) into a document.
pub fn from_bytes(name: &str, bytes: &[u8], format: InputFormat) -> Result<Document, InputError> {
    let format = if format == InputFormat::Auto { detect(name, bytes) } else { format };
    match format {
        InputFormat::Html => {
            // HTML may be minified onto one line: validate the extracted text instead.
            if let Some(p) = bytes.iter().position(|&b| b == 0) {
                return Err(InputError::new(name, Some(p), InputErrorKind::Binary { byte: 0 }));
            }
            let raw = match std::str::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => return Err(InputError::new(name, Some(e.valid_up_to()), InputErrorKind::InvalidUtf8)),
            };
            let page = crate::html::extract(raw);
            let text = validate(name, page.text.as_bytes())?;
            let mut d = Document::new(name, text);
            d.format = SourceFormat::Html;
            d.given.title = page.title;
            d.given.date = page.date;
            Ok(d)
        }
        _ => Ok(Document::new(name, validate(name, bytes)?)),
    }
}

#[derive(Deserialize)]
struct Record {
    id: Option<serde_json::Value>,
    text: Option<String>,
    date: Option<String>,
    title: Option<String>,
    url: Option<String>,
    source: Option<String>,
    speaker: Option<String>,
    speaker_code: Option<String>,
}

/// Parses a date as given by a caller: `YYYY-MM-DD`, optionally followed by
/// a time (`2019-01-14T10:00:00Z`), or `YYYYMMDD`.
pub fn parse_given_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let day = s.get(..10).unwrap_or(s);
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok().or_else(|| NaiveDate::parse_from_str(s, "%Y%m%d").ok())
}

/// One JSONL line into a document. `file` and `line` name it in errors.
pub fn from_json_line(file: &str, line_no: usize, line: &str, file_offset: usize) -> Result<Document, InputError> {
    let here = format!("{file}:{line_no}");
    let rec: Record = serde_json::from_str(line)
        .map_err(|e| InputError::new(&here, Some(file_offset), InputErrorKind::Json(e.to_string())))?;
    let id = match rec.id {
        Some(serde_json::Value::String(s)) => s,
        Some(serde_json::Value::Number(n)) => n.to_string(),
        Some(_) | None => here.clone(),
    };
    let text = rec.text.ok_or_else(|| InputError::new(&id, None, InputErrorKind::MissingField("text")))?;
    let text = validate_string(&id, text)?;
    let date = match rec.date.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(d) => Some(
            parse_given_date(d).ok_or_else(|| InputError::new(&id, None, InputErrorKind::BadDate(d.to_string())))?,
        ),
    };
    Ok(Document {
        id,
        text,
        format: SourceFormat::Jsonl,
        given: Given {
            date,
            title: rec.title,
            url: rec.url,
            source: rec.source,
            speaker: rec.speaker,
            speaker_code: rec.speaker_code,
        },
    })
}

/// Streams the records of a JSONL input, one result per non-blank line.
pub struct JsonlReader<R> {
    reader: R,
    file: String,
    line_no: usize,
    offset: usize,
    /// Set after an I/O error: the reader is not read again (a failing
    /// stream, a corrupt compressed one, may fail the same way forever).
    failed: bool,
}

/// One record line as read, before its JSON is parsed (which
/// [`JsonlLine::parse`] does, on any thread).
#[derive(Clone, Debug)]
pub struct JsonlLine {
    pub line_no: usize,
    /// Byte offset of the line in the file.
    pub offset: usize,
    /// The line, valid UTF-8, line break included.
    pub text: String,
}

impl JsonlLine {
    /// The record of this line of `file`.
    pub fn parse(&self, file: &str) -> Result<Document, InputError> {
        from_json_line(file, self.line_no, self.text.trim(), self.offset)
    }
}

impl<R: BufRead> JsonlReader<R> {
    pub fn new(file: impl Into<String>, reader: R) -> Self {
        JsonlReader { reader, file: file.into(), line_no: 0, offset: 0, failed: false }
    }

    pub fn file(&self) -> &str {
        &self.file
    }

    /// Bytes read so far.
    pub fn bytes_read(&self) -> usize {
        self.offset
    }

    /// The next non-blank line, checked for size and UTF-8 but not parsed.
    /// An I/O error is returned once, named by the line being read, and
    /// ends the input.
    pub fn next_line(&mut self) -> Option<Result<JsonlLine, InputError>> {
        if self.failed {
            return None;
        }
        loop {
            let mut buf = Vec::new();
            let start = self.offset;
            // Read at most a bounded line: a runaway line is an error, not an OOM.
            let n = match std::io::Read::take(self.reader.by_ref(), (MAX_DOCUMENT + 2) as u64)
                .read_until(b'\n', &mut buf)
            {
                Ok(0) => return None,
                Ok(n) => n,
                Err(e) => {
                    self.failed = true;
                    let here = format!("{}:{}", self.file, self.line_no + 1);
                    return Some(Err(InputError::new(here, Some(start), InputErrorKind::Io(e.to_string()))));
                }
            };
            self.offset += n;
            self.line_no += 1;
            let here = || format!("{}:{}", self.file, self.line_no);
            if buf.len() > MAX_DOCUMENT {
                // Skip the rest of this line.
                let mut sink = Vec::new();
                let _ = self.reader.read_until(b'\n', &mut sink);
                self.offset += sink.len();
                return Some(Err(InputError::new(
                    here(),
                    Some(start),
                    InputErrorKind::TooLarge { len: buf.len() + sink.len(), limit: MAX_DOCUMENT },
                )));
            }
            let text = match String::from_utf8(buf) {
                Ok(l) => l,
                Err(e) => {
                    return Some(Err(InputError::new(
                        here(),
                        Some(start + e.utf8_error().valid_up_to()),
                        InputErrorKind::InvalidUtf8,
                    )))
                }
            };
            if text.trim().is_empty() {
                continue;
            }
            return Some(Ok(JsonlLine { line_no: self.line_no, offset: start, text }));
        }
    }
}

impl<R: BufRead> Iterator for JsonlReader<R> {
    type Item = Result<Document, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        let line = self.next_line()?;
        Some(line.and_then(|l| l.parse(&self.file)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_inputs_name_the_offset() {
        let e = validate("a.txt", b"Fine text \xff\xfe then junk").unwrap_err();
        assert_eq!((e.offset, e.kind.clone()), (Some(10), InputErrorKind::InvalidUtf8));
        assert_eq!(e.to_string(), "a.txt at byte 10: invalid UTF-8");
        let e = validate("b.bin", b"PK\x03\x04\x00\x00").unwrap_err();
        assert!(matches!(e.kind, InputErrorKind::Binary { byte: 0 }));
        assert_eq!(e.offset, Some(4));
        let e = validate("c.txt", b" \n\t\n").unwrap_err();
        assert_eq!(e.kind, InputErrorKind::Empty);
        let long = format!("ok\n{}", "x".repeat(MAX_LINE + 1));
        let e = validate("d.txt", long.as_bytes()).unwrap_err();
        assert_eq!(e.offset, Some(3));
        assert!(matches!(e.kind, InputErrorKind::LineTooLong { .. }));
    }

    /// The checks in their order of precedence, at the edges of each
    /// threshold, and the same answers for text given as bytes or as a
    /// `String`.
    #[test]
    fn validation_precedence_and_thresholds() {
        let line = "x".repeat(MAX_LINE);
        let over = "x".repeat(MAX_LINE + 1);
        // Nine control bytes (0x01) in 300 bytes: 9 * 50 > 300, binary; in 600, not.
        let dense = format!("{}{}", "\u{1}".repeat(9), "a".repeat(291));
        let sparse = format!("{}{}", "\u{1}".repeat(9), "a".repeat(591));
        // Eight are never enough.
        let eight = format!("{}a", "\u{1}".repeat(8));
        let cases: Vec<(&str, Vec<u8>, Option<(Option<usize>, InputErrorKind)>)> = vec![
            ("plain", b"Japan protested.".to_vec(), None),
            ("tabs, CR, form feed", b"a\tb\r\n\x0cc".to_vec(), None),
            ("a line of exactly the limit", line.clone().into_bytes(), None),
            (
                "the last line over the limit",
                format!("ok\n{over}").into_bytes(),
                Some((Some(3), InputErrorKind::LineTooLong { len: MAX_LINE + 1, limit: MAX_LINE })),
            ),
            (
                "the first of two long lines",
                format!("{over}\n{over}x").into_bytes(),
                Some((Some(0), InputErrorKind::LineTooLong { len: MAX_LINE + 1, limit: MAX_LINE })),
            ),
            (
                "NUL after a long line",
                format!("{over}\n\0").into_bytes(),
                Some((Some(MAX_LINE + 2), InputErrorKind::Binary { byte: 0 })),
            ),
            (
                "NUL after dense controls",
                format!("{dense}\0").into_bytes(),
                Some((Some(300), InputErrorKind::Binary { byte: 0 })),
            ),
            ("dense controls", dense.clone().into_bytes(), Some((Some(0), InputErrorKind::Binary { byte: 1 }))),
            ("sparse controls", sparse.clone().into_bytes(), None),
            ("eight controls", eight.clone().into_bytes(), None),
            (
                "bad UTF-8 before a long line",
                [b"\xff\n".as_slice(), over.as_bytes()].concat(),
                Some((Some(0), InputErrorKind::InvalidUtf8)),
            ),
            ("blank with a BOM", "\u{feff} \n".as_bytes().to_vec(), Some((None, InputErrorKind::Empty))),
        ];
        for (name, bytes, want) in cases {
            let got = validate(name, &bytes).map_err(|e| (e.offset, e.kind));
            match &want {
                None => assert_eq!(got.as_deref().ok().map(str::as_bytes), Some(bytes.as_slice()), "{name}"),
                Some(w) => assert_eq!(got.as_ref().err(), Some(w), "{name}"),
            }
            if let Ok(text) = String::from_utf8(bytes.clone()) {
                let owned = validate_string(name, text).map_err(|e| (e.offset, e.kind));
                assert_eq!(owned.err(), want, "{name} as a String");
            }
        }
    }

    #[test]
    fn jsonl_records_and_their_errors() {
        let input = b"{\"id\": \"r1\", \"text\": \"Japan protested.\", \"date\": \"2019-01-14\", \"speaker\": \"Sergey Lavrov\"}\n\nnot json\n{\"id\": 7, \"text\": \"\"}\n{\"id\": \"r4\"}\n{\"id\": \"r5\", \"text\": \"x\", \"date\": \"14/01/2019\"}\n";
        let out: Vec<_> = JsonlReader::new("in.jsonl", &input[..]).collect();
        assert_eq!(out.len(), 5);
        let d = out[0].as_ref().unwrap();
        assert_eq!(d.id, "r1");
        assert_eq!(d.given.date, NaiveDate::from_ymd_opt(2019, 1, 14));
        assert_eq!(d.given.speaker.as_deref(), Some("Sergey Lavrov"));
        let e = out[1].as_ref().unwrap_err();
        assert_eq!(e.doc, "in.jsonl:3");
        assert!(matches!(e.kind, InputErrorKind::Json(_)));
        assert_eq!(out[2].as_ref().unwrap_err().kind, InputErrorKind::Empty);
        assert_eq!(out[2].as_ref().unwrap_err().doc, "7");
        assert_eq!(out[3].as_ref().unwrap_err().kind, InputErrorKind::MissingField("text"));
        assert!(matches!(out[4].as_ref().unwrap_err().kind, InputErrorKind::BadDate(_)));
    }

    /// Gives `good`, then fails on every read after it.
    struct Failing {
        good: &'static [u8],
        reads_after: usize,
    }

    impl std::io::Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if !self.good.is_empty() {
                let n = self.good.len().min(buf.len());
                buf[..n].copy_from_slice(&self.good[..n]);
                self.good = &self.good[n..];
                return Ok(n);
            }
            self.reads_after += 1;
            Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "corrupt deflate stream"))
        }
    }

    #[test]
    fn an_io_error_is_reported_once_and_ends_the_input() {
        let mut failing =
            Failing { good: b"{\"id\": \"r1\", \"text\": \"Japan protested.\"}\n\n{\"id\": \"r2\"", reads_after: 0 };
        let mut lines = JsonlReader::new("in.jsonl.gz", std::io::BufReader::with_capacity(8, &mut failing));
        assert_eq!(lines.next_line().unwrap().unwrap().line_no, 1);
        let e = lines.next_line().unwrap().unwrap_err();
        // Line 2 was blank; line 3 was being read when the stream failed.
        assert_eq!(e.to_string(), "in.jsonl.gz:3 at byte 42: cannot read: corrupt deflate stream");
        assert!(lines.next_line().is_none());
        assert!(lines.next_line().is_none());
        drop(lines);
        assert_eq!(failing.reads_after, 1, "the reader is not read again after its error");
        // The iterator of documents ends the same way.
        let docs: Vec<_> =
            JsonlReader::new("x.jsonl", std::io::BufReader::new(Failing { good: b"", reads_after: 0 })).collect();
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].as_ref().unwrap_err().kind, InputErrorKind::Io("corrupt deflate stream".into()));
        assert_eq!(docs[0].as_ref().unwrap_err().doc, "x.jsonl:1");
    }

    #[test]
    fn format_detection() {
        assert_eq!(detect("x.jsonl", b""), InputFormat::Jsonl);
        assert_eq!(detect("-", b"  {\"id\":1}"), InputFormat::Jsonl);
        assert_eq!(detect("-", b"<!DOCTYPE html><html>"), InputFormat::Html);
        assert_eq!(detect("page", b"Moscow, Jan. 14 - text"), InputFormat::Text);
        assert_eq!(parse_given_date("2019-01-14T09:00:00Z"), NaiveDate::from_ymd_opt(2019, 1, 14));
        assert_eq!(parse_given_date("20190114"), NaiveDate::from_ymd_opt(2019, 1, 14));
    }
}
