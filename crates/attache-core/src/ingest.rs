//! Ingest: bytes from files, stdin or JSONL records become [`Document`]s, or
//! an [`InputError`] that names the document and the byte offset.
//!
//! Validation refuses what cannot be text (binary data, empty documents,
//! absurdly long lines) so that one bad file never stops a batch. Text that
//! is not UTF-8 is decoded, not refused ([`decode`]): a UTF-16 byte-order
//! mark, an HTML page's declared charset, else windows-1252 for legacy
//! single-byte text and U+FFFD for stray bytes in UTF-8; the document
//! records which ([`Document::decoding`]). HTML is reduced to its main text
//! in [`crate::html`].

use std::borrow::Cow;
use std::io::BufRead;

use encoding_rs::Encoding;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::document::{Decoding, Document, Given, SourceFormat};
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

/// Checks that `bytes` are prose-shaped and returns them as text, decoded
/// ([`decode`]) when they are not UTF-8.
pub fn validate(doc: &str, bytes: &[u8]) -> Result<(String, Option<Decoding>), InputError> {
    if let Some((text, how)) = utf16(bytes) {
        // UTF-16 is full of NULs: check its text, not its bytes.
        let long_line = check_bytes(doc, text.as_bytes())?;
        check_text(doc, &text, long_line)?;
        return Ok((text, Some(how)));
    }
    let long_line = check_bytes(doc, bytes)?;
    let (text, decoding) = decode(bytes, None);
    check_text(doc, &text, long_line)?;
    Ok((text.into_owned(), decoding))
}

/// The text of bytes that open with a UTF-16 byte-order mark.
fn utf16(bytes: &[u8]) -> Option<(String, Decoding)> {
    let (enc, bom) = Encoding::for_bom(bytes).filter(|(enc, _)| *enc != encoding_rs::UTF_8)?;
    Some((enc.decode_without_bom_handling(&bytes[bom..]).0.into_owned(), Decoding::Bom(enc.name())))
}

/// The text of bytes that carry no UTF-16 byte-order mark: UTF-8 as it is;
/// otherwise in the encoding the page declared; otherwise, when the bytes
/// hold fewer well-formed multi-byte UTF-8 sequences than ill-formed ones,
/// as windows-1252 (legacy Latin text: "d\xe9marche", "\x93quoted\x94"),
/// else as UTF-8 with each ill-formed sequence replaced by U+FFFD (a
/// truncated or spliced UTF-8 file).
pub fn decode<'a>(bytes: &'a [u8], declared: Option<&'static Encoding>) -> (Cow<'a, str>, Option<Decoding>) {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (Cow::Borrowed(text), None);
    }
    if let Some(enc) = declared.filter(|e| *e != encoding_rs::UTF_8) {
        return (enc.decode_without_bom_handling(bytes).0, Some(Decoding::Declared(enc.name())));
    }
    let (mut multibyte, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        multibyte += chunk.valid().bytes().filter(|b| b & 0xc0 == 0xc0).count();
        invalid += usize::from(!chunk.invalid().is_empty());
    }
    if multibyte >= invalid {
        (String::from_utf8_lossy(bytes), Some(Decoding::Repaired(invalid)))
    } else {
        (encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0, Some(Decoding::Legacy))
    }
}

/// The encoding an HTML page declares in its first 1,024 bytes
/// (`<meta charset="…">` or `content="text/html; charset=…"`), if any and
/// if known.
pub fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let at = head.windows(8).position(|w| w.eq_ignore_ascii_case(b"charset="))?;
    let rest = &head[at + 8..];
    let rest = rest.strip_prefix(b"\"").or_else(|| rest.strip_prefix(b"'")).unwrap_or(rest);
    let end = rest.iter().position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.')))?;
    Encoding::for_label(&rest[..end])
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
            // HTML may be minified onto one line: validate the extracted text
            // instead. UTF-16 is full of NULs: only other bytes are refused
            // for one.
            let (raw, decoding) = match utf16(bytes) {
                Some((text, how)) => (Cow::Owned(text), Some(how)),
                None => {
                    if let Some(p) = bytes.iter().position(|&b| b == 0) {
                        return Err(InputError::new(name, Some(p), InputErrorKind::Binary { byte: 0 }));
                    }
                    decode(bytes, declared_charset(bytes))
                }
            };
            let page = crate::html::extract(&raw);
            let (text, _) = validate(name, page.text.as_bytes())?;
            let mut d = Document::new(name, text);
            d.format = SourceFormat::Html;
            d.given.title = page.title;
            d.given.date = page.date;
            d.decoding = decoding;
            Ok(d)
        }
        _ => {
            let (text, decoding) = validate(name, bytes)?;
            let mut d = Document::new(name, text);
            d.decoding = decoding;
            Ok(d)
        }
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
        decoding: None,
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
    /// The line, line break included, decoded when it was not UTF-8.
    pub text: String,
    pub decoding: Option<Decoding>,
}

impl JsonlLine {
    /// The record of this line of `file`.
    pub fn parse(&self, file: &str) -> Result<Document, InputError> {
        let mut doc = from_json_line(file, self.line_no, self.text.trim(), self.offset)?;
        doc.decoding = self.decoding;
        Ok(doc)
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

    /// The next non-blank line, checked for size and decoded, not parsed.
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
            // A line that is not UTF-8 is decoded on its own (JSON's own
            // characters are ASCII in every encoding [`decode`] picks).
            let (text, decoding) = match String::from_utf8(buf) {
                Ok(l) => (l, None),
                Err(e) => {
                    let (text, decoding) = decode(e.as_bytes(), None);
                    (text.into_owned(), decoding)
                }
            };
            if text.trim().is_empty() {
                continue;
            }
            return Some(Ok(JsonlLine { line_no: self.line_no, offset: start, text, decoding }));
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
                "not UTF-8, then a long line",
                [b"\xff\n".as_slice(), over.as_bytes()].concat(),
                Some((Some(2), InputErrorKind::LineTooLong { len: MAX_LINE + 1, limit: MAX_LINE })),
            ),
            ("not UTF-8, then NUL", b"d\xe9marche\n\0".to_vec(), Some((Some(9), InputErrorKind::Binary { byte: 0 }))),
            ("blank with a BOM", "\u{feff} \n".as_bytes().to_vec(), Some((None, InputErrorKind::Empty))),
        ];
        for (name, bytes, want) in cases {
            let got = validate(name, &bytes).map_err(|e| (e.offset, e.kind));
            match &want {
                None => assert_eq!(got.ok().map(|(t, d)| (t.into_bytes(), d)), Some((bytes.clone(), None)), "{name}"),
                Some(w) => assert_eq!(got.as_ref().err(), Some(w), "{name}"),
            }
            if let Ok(text) = String::from_utf8(bytes.clone()) {
                let owned = validate_string(name, text).map_err(|e| (e.offset, e.kind));
                assert_eq!(owned.err(), want, "{name} as a String");
            }
        }
    }

    /// Bytes that are not UTF-8 are decoded, and the document says how.
    #[test]
    fn encodings_are_decoded_and_named() {
        let utf16 = |text: &str, le: bool| {
            let mut b = if le { vec![0xff, 0xfe] } else { vec![0xfe, 0xff] };
            for u in text.encode_utf16() {
                b.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
            }
            b
        };
        let cases: Vec<(&str, Vec<u8>, &str, Option<Decoding>)> = vec![
            ("UTF-8", "Zürich protested.".into(), "Zürich protested.", None),
            ("UTF-8 with its BOM, kept", "\u{feff}Japan protested.".into(), "\u{feff}Japan protested.", None),
            (
                "ISO-8859-1",
                b"France protested the d\xe9marche.".to_vec(),
                "France protested the démarche.",
                Some(Decoding::Legacy),
            ),
            (
                "windows-1252 quotes and dash",
                b"\x93Unacceptable,\x94 Lavrov said \x96 twice.".to_vec(),
                "“Unacceptable,” Lavrov said – twice.",
                Some(Decoding::Legacy),
            ),
            (
                "UTF-8 with a stray byte",
                b"Z\xc3\xbcrich and M\xc3\xbcnchen \xff agreed.".to_vec(),
                "Zürich and München \u{fffd} agreed.",
                Some(Decoding::Repaired(1)),
            ),
            (
                "UTF-8 cut inside its last letter",
                b"Caf\xc3\xa9 owners protested \xc3".to_vec(),
                "Café owners protested \u{fffd}",
                Some(Decoding::Repaired(1)),
            ),
            (
                "UTF-16LE",
                utf16("Japan protested to Россия.", true),
                "Japan protested to Россия.",
                Some(Decoding::Bom("UTF-16LE")),
            ),
            ("UTF-16BE", utf16("Japan protested.", false), "Japan protested.", Some(Decoding::Bom("UTF-16BE"))),
        ];
        for (name, bytes, text, decoding) in cases {
            assert_eq!(validate(name, &bytes).unwrap(), (text.to_string(), decoding), "{name}");
            let doc = from_bytes(name, &bytes, InputFormat::Text).unwrap();
            assert_eq!((doc.text.as_str(), doc.decoding), (text, decoding), "{name}: from_bytes");
        }
        // A UTF-16 file is checked as text: blank is still empty.
        assert_eq!(validate("blank", &utf16(" \n", true)).unwrap_err().kind, InputErrorKind::Empty);
        assert_eq!(Decoding::Legacy.to_string(), "not UTF-8; read as windows-1252");
        assert_eq!(Decoding::Repaired(2).to_string(), "2 invalid UTF-8 sequences replaced by U+FFFD");
    }

    #[test]
    fn html_pages_are_read_in_their_declared_charset() {
        let page = |meta: &str, body: &[u8]| {
            let mut b = format!("<html><head>{meta}<title>T</title></head><body><p>").into_bytes();
            b.extend_from_slice(body);
            b.extend_from_slice(b" protested on Monday.</p></body></html>");
            b
        };
        // "Лавров" in windows-1251, then in KOI8-R.
        let cp1251 = b"\xcb\xe0\xe2\xf0\xee\xe2";
        let cases: Vec<(&str, Vec<u8>, Option<Decoding>)> = vec![
            ("windows-1251", page("<meta charset=\"windows-1251\">", cp1251), Some(Decoding::Declared("windows-1251"))),
            (
                "KOI8-R, http-equiv",
                page(
                    "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=koi8-r\">",
                    b"\xec\xc1\xd7\xd2\xcf\xd7",
                ),
                Some(Decoding::Declared("KOI8-R")),
            ),
            ("UTF-8 though it says ISO-8859-1", page("<meta charset='iso-8859-1'>", "Лавров".as_bytes()), None),
            ("no charset", page("", "Лавров".as_bytes()), None),
        ];
        for (name, bytes, decoding) in cases {
            let doc = from_bytes("p.html", &bytes, InputFormat::Html).unwrap();
            assert_eq!((doc.text.trim(), doc.decoding), ("Лавров protested on Monday.", decoding), "{name}");
        }
        // UTF-16 by its byte-order mark, NULs and all.
        let mut utf16le = vec![0xff, 0xfe];
        for u in String::from_utf8(page("", "Лавров".as_bytes())).unwrap().encode_utf16() {
            utf16le.extend(u.to_le_bytes());
        }
        let doc = from_bytes("p.html", &utf16le, InputFormat::Html).unwrap();
        assert_eq!((doc.text.trim(), doc.decoding), ("Лавров protested on Monday.", Some(Decoding::Bom("UTF-16LE"))));
        // An unknown label falls back to the bytes: here legacy Latin.
        let doc = from_bytes("p.html", &page("<meta charset=bogus>", b"Fran\xe7ois"), InputFormat::Html).unwrap();
        assert_eq!((doc.text.trim(), doc.decoding), ("François protested on Monday.", Some(Decoding::Legacy)));
        assert_eq!(declared_charset(b"<meta charset=\"UTF-8\">"), Some(encoding_rs::UTF_8));
        assert_eq!(declared_charset(b"<META CHARSET=ISO-8859-1>"), Some(encoding_rs::WINDOWS_1252));
        assert_eq!(declared_charset(b"<p>charset=</p>"), None);
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
    fn a_jsonl_line_that_is_not_utf8_is_decoded_on_its_own() {
        let input = b"{\"id\": \"a\", \"text\": \"France protested the d\xe9marche.\"}\n{\"id\": \"b\", \"text\": \"Z\xc3\xbcrich agreed.\"}\n";
        let docs: Vec<Document> = JsonlReader::new("in.jsonl", &input[..]).map(Result::unwrap).collect();
        assert_eq!(
            (docs[0].text.as_str(), docs[0].decoding),
            ("France protested the démarche.", Some(Decoding::Legacy))
        );
        assert_eq!((docs[1].text.as_str(), docs[1].decoding), ("Zürich agreed.", None));
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
