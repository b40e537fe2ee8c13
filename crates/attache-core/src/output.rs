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
        let (country, role) = country_and_role(&code);
        let (country, role) = (country.map(str::to_string), role.map(str::to_string));
        ActorOut { text, code, country, role }
    }
}

/// The `country` and `role` fields of an actor code: the first three
/// letters and the next three, or an IGO/NGO prefix (six letters) and none.
pub fn country_and_role(code: &str) -> (Option<&str>, Option<&str>) {
    if crate::dict::is_igo_prefix(code) {
        (Some(code.get(..6).unwrap_or(code)), None)
    } else {
        (code.get(..3), code.get(3..6))
    }
}

/// One side of an event, borrowed: what [`write_json_fields`] writes.
pub struct ActorFields<'a> {
    /// Concatenated: the text is written in pieces ("(", "speaker", ")").
    pub text: [&'a str; 3],
    pub code: &'a str,
    pub country: Option<&'a str>,
    pub role: Option<&'a str>,
}

/// What every record of a document repeats, with its JSON written once:
/// a record copies it instead of escaping the same strings again.
pub struct DocFields<'a> {
    pub id: &'a str,
    pub doc: &'a str,
    pub date: Option<&'a str>,
    pub location: Option<&'a str>,
    /// The record up to the `sentence_index` value:
    /// `{"id":…,"doc":…,"date":…,"sentence_index":`.
    head: Vec<u8>,
    /// From `goldstein`'s value to `span`'s: `,"location":…,"span":`.
    location_json: Vec<u8>,
}

impl<'a> DocFields<'a> {
    pub fn new(id: &'a str, doc: &'a str, date: Option<&'a str>, location: Option<&'a str>) -> Self {
        let mut head = b"{\"id\":".to_vec();
        json_str(id, &mut head);
        head.extend_from_slice(b",\"doc\":");
        json_str(doc, &mut head);
        head.extend_from_slice(b",\"date\":");
        json_opt_str(date, &mut head);
        head.extend_from_slice(b",\"sentence_index\":");
        let mut location_json = b",\"location\":".to_vec();
        json_opt_str(location, &mut location_json);
        location_json.extend_from_slice(b",\"span\":");
        DocFields { id, doc, date, location, head, location_json }
    }
}

/// An event record, borrowed from wherever its parts are: the coder
/// writes records without building an [`Event`] and its strings.
pub struct EventFields<'a> {
    /// The fields the document's records share.
    pub shared: &'a DocFields<'a>,
    pub sentence_index: usize,
    pub sentence: &'a str,
    pub speaker: Option<&'a str>,
    pub source: ActorFields<'a>,
    pub target: Option<ActorFields<'a>>,
    pub cameo: &'a str,
    pub root: &'a str,
    pub plover: Option<&'a str>,
    pub quad_class: u8,
    pub goldstein: f32,
    /// `cameo` to `goldstein` as JSON, when written already
    /// ([`CodeInfo::record_json`](crate::ontology::CodeInfo::record_json)).
    pub type_json: Option<&'a [u8]>,
    pub span: [usize; 2],
    pub rule: &'a str,
    pub verb_text: &'a str,
    pub verb_span: [usize; 2],
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

impl ActorFields<'_> {
    pub fn to_actor(&self) -> ActorOut {
        ActorOut {
            text: self.text.concat(),
            code: self.code.to_string(),
            country: self.country.map(str::to_string),
            role: self.role.map(str::to_string),
        }
    }
}

impl EventFields<'_> {
    /// The record as an owned [`Event`].
    pub fn to_event(&self) -> Event {
        let d = self.shared;
        Event {
            id: d.id.to_string(),
            doc: d.doc.to_string(),
            date: d.date.map(str::to_string),
            sentence_index: self.sentence_index,
            sentence: self.sentence.to_string(),
            speaker: self.speaker.map(str::to_string),
            source: self.source.to_actor(),
            target: self.target.as_ref().map(ActorFields::to_actor),
            cameo: self.cameo.to_string(),
            root: self.root.to_string(),
            plover: self.plover.map(str::to_string),
            quad_class: self.quad_class,
            goldstein: self.goldstein,
            location: d.location.map(str::to_string),
            span: self.span,
            rule: self.rule.to_string(),
            verb: VerbOut { text: self.verb_text.to_string(), span: self.verb_span },
        }
    }
}

/// Appends `e` as one JSON line, byte for byte what `serde_json` writes for
/// the derived `Serialize` (same field order, escapes and number formats;
/// checked by the tests below) without its per-field machinery: writing
/// records is a large share of coding time.
pub fn write_json_line(e: &Event, out: &mut Vec<u8>) {
    fn actor(a: &ActorOut) -> ActorFields<'_> {
        ActorFields { text: ["", &a.text, ""], code: &a.code, country: a.country.as_deref(), role: a.role.as_deref() }
    }
    let shared = DocFields::new(&e.id, &e.doc, e.date.as_deref(), e.location.as_deref());
    let fields = EventFields {
        shared: &shared,
        sentence_index: e.sentence_index,
        sentence: &e.sentence,
        speaker: e.speaker.as_deref(),
        source: actor(&e.source),
        target: e.target.as_ref().map(actor),
        cameo: &e.cameo,
        root: &e.root,
        plover: e.plover.as_deref(),
        quad_class: e.quad_class,
        goldstein: e.goldstein,
        type_json: None,
        span: e.span,
        rule: &e.rule,
        verb_text: &e.verb.text,
        verb_span: e.verb.span,
    };
    write_json_fields(&fields, out);
}

/// Appends the record `e` as one JSON line (see [`write_json_line`]).
pub fn write_json_fields(e: &EventFields<'_>, out: &mut Vec<u8>) {
    out.extend_from_slice(&e.shared.head);
    out.extend_from_slice(itoa::Buffer::new().format(e.sentence_index).as_bytes());
    out.extend_from_slice(b",\"sentence\":");
    json_str(e.sentence, out);
    out.extend_from_slice(b",\"speaker\":");
    json_opt_str(e.speaker, out);
    out.extend_from_slice(b",\"source\":");
    json_actor(&e.source, out);
    out.extend_from_slice(b",\"target\":");
    match &e.target {
        Some(t) => json_actor(t, out),
        None => out.extend_from_slice(b"null"),
    }
    match e.type_json {
        Some(j) => out.extend_from_slice(j),
        None => write_type_fields(e.cameo, e.root, e.plover, e.quad_class, e.goldstein, out),
    }
    out.extend_from_slice(&e.shared.location_json);
    json_span(e.span, out);
    out.extend_from_slice(b",\"rule\":");
    json_str(e.rule, out);
    out.extend_from_slice(b",\"verb\":{\"text\":");
    json_str(e.verb_text, out);
    out.extend_from_slice(b",\"span\":");
    json_span(e.verb_span, out);
    out.extend_from_slice(b"}}\n");
}

/// A record's event-type fields, `cameo` to `goldstein`, as
/// [`write_json_fields`] writes them.
pub(crate) fn write_type_fields(
    cameo: &str,
    root: &str,
    plover: Option<&str>,
    quad_class: u8,
    goldstein: f32,
    out: &mut Vec<u8>,
) {
    out.extend_from_slice(b",\"cameo\":");
    json_str(cameo, out);
    out.extend_from_slice(b",\"root\":");
    json_str(root, out);
    out.extend_from_slice(b",\"plover\":");
    json_opt_str(plover, out);
    out.extend_from_slice(b",\"quad_class\":");
    out.extend_from_slice(itoa::Buffer::new().format(quad_class).as_bytes());
    out.extend_from_slice(b",\"goldstein\":");
    // serde_json's own float format (shortest round trip; null if not finite).
    serde_json::to_writer(&mut *out, &goldstein).expect("writing to memory");
}

fn json_actor(a: &ActorFields<'_>, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"text\":");
    json_strs(&a.text, out);
    out.extend_from_slice(b",\"code\":");
    json_str(a.code, out);
    out.extend_from_slice(b",\"country\":");
    json_opt_str(a.country, out);
    out.extend_from_slice(b",\"role\":");
    json_opt_str(a.role, out);
    out.push(b'}');
}

fn json_span(span: [usize; 2], out: &mut Vec<u8>) {
    out.push(b'[');
    out.extend_from_slice(itoa::Buffer::new().format(span[0]).as_bytes());
    out.push(b',');
    out.extend_from_slice(itoa::Buffer::new().format(span[1]).as_bytes());
    out.push(b']');
}

fn json_opt_str(s: Option<&str>, out: &mut Vec<u8>) {
    match s {
        Some(s) => json_str(s, out),
        None => out.extend_from_slice(b"null"),
    }
}

/// A JSON string as `serde_json` escapes it: `"`, `\\` and the control
/// characters below U+0020 (`\b \t \n \f \r` short, the others
/// `\u00xx`); everything else, non-ASCII included, as is.
fn json_str(s: &str, out: &mut Vec<u8>) {
    json_strs(&[s], out);
}

/// The JSON string of the concatenation of `parts` (escaping is per byte).
fn json_strs(parts: &[&str], out: &mut Vec<u8>) {
    out.push(b'"');
    for s in parts {
        escape_into(s.as_bytes(), out);
    }
    out.push(b'"');
}

/// Whether one of sixteen bytes is below 0x20, `"` or `\\`. It has no
/// early exit, so it compiles to a few vector compares (SSE2 on x86-64)
/// where a loop would test a byte at a time.
fn needs_escape(chunk: &[u8; 16]) -> bool {
    chunk.iter().fold(false, |any, &b| any | (b < 0x20) | (b == b'"') | (b == b'\\'))
}

fn escape_into(bytes: &[u8], out: &mut Vec<u8>) {
    // Text is almost always clean: it is checked sixteen bytes at a time (a
    // short string padded with spaces, a long one's last sixteen overlapping
    // the ones before) and copied whole.
    let clean = match bytes.last_chunk::<16>() {
        Some(last) => {
            !bytes.chunks_exact(16).any(|c| needs_escape(c.try_into().expect("sixteen bytes"))) && !needs_escape(last)
        }
        None => {
            let mut padded = [b' '; 16];
            padded[..bytes.len()].copy_from_slice(bytes);
            !needs_escape(&padded)
        }
    };
    if clean {
        out.extend_from_slice(bytes);
        return;
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x09 => out.extend_from_slice(b"\\t"),
            0x0a => out.extend_from_slice(b"\\n"),
            0x0c => out.extend_from_slice(b"\\f"),
            0x0d => out.extend_from_slice(b"\\r"),
            _ => out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[(b >> 4) as usize], HEX[(b & 15) as usize]]),
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
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
    /// The JSON line being written (kept between records).
    line: Vec<u8>,
}

pub const CSV_HEADER: &[&str] = &[
    "id", "doc", "date", "sentence_index", "speaker", "source_text", "source_code", "target_text", "target_code",
    "cameo", "root", "plover", "quad_class", "goldstein", "location", "span_start", "span_end", "rule", "sentence",
];

impl<W: Write> EventWriter<W> {
    pub fn new(out: W, format: OutputFormat) -> Self {
        EventWriter { out, format, header_done: false, line: Vec::new() }
    }

    /// A writer for records that follow a header written elsewhere: many
    /// of them can serialize documents in parallel for one [`EventWriter`]
    /// to [`write_serialized`](EventWriter::write_serialized) in order.
    pub fn continuing(out: W, format: OutputFormat) -> Self {
        EventWriter { out, format, header_done: true, line: Vec::new() }
    }

    /// Writes records serialized by [`continuing`](EventWriter::continuing)
    /// writers of the same format, in order (the CSV header first, once).
    /// They go to the output as they are, in vectored writes: a buffered
    /// output passes writes larger than its buffer straight through, so
    /// the bytes are not copied into it first.
    pub fn write_serialized(&mut self, records: &[&[u8]]) -> std::io::Result<()> {
        let mut slices: Vec<std::io::IoSlice<'_>> =
            records.iter().filter(|r| !r.is_empty()).map(|r| std::io::IoSlice::new(r)).collect();
        if slices.is_empty() {
            return Ok(());
        }
        if self.format == OutputFormat::Csv && !self.header_done {
            let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(&mut self.out);
            w.write_record(CSV_HEADER)?;
            w.flush()?;
            self.header_done = true;
        }
        // At most IOV_MAX (1024 on Linux) slices a call.
        let mut rest = &mut slices[..];
        while !rest.is_empty() {
            let n = rest.len().min(1024);
            match self.out.write_vectored(&rest[..n]) {
                Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
                Ok(written) => std::io::IoSlice::advance_slices(&mut rest, written),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    pub fn write(&mut self, e: &Event) -> std::io::Result<()> {
        match self.format {
            OutputFormat::Jsonl => {
                self.line.clear();
                write_json_line(e, &mut self.line);
                self.out.write_all(&self.line)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn event(text: &str, goldstein: f32, target: bool) -> Event {
        let actor = |t: &str, code: &str| ActorOut::new(code.to_string(), t.to_string());
        Event {
            id: format!("id {text}"),
            doc: "d\u{7f}\u{2028}".to_string(),
            date: (!target).then(|| "2019-01-14".to_string()),
            sentence_index: usize::MAX,
            sentence: text.to_string(),
            speaker: target.then(|| format!("«{text}»")),
            source: actor(text, "RUSGOV"),
            target: target.then(|| actor("\\", "IGOUNO")),
            cameo: "0231".to_string(),
            root: "02".to_string(),
            plover: None,
            quad_class: 255,
            goldstein,
            location: Some(text.to_string()),
            span: [0, 1 << 40],
            rule: format!("verbs.txt:1 {text}"),
            verb: VerbOut { text: text.to_string(), span: [7, 0] },
        }
    }

    /// The hand-written line is `serde_json`'s, byte for byte.
    #[test]
    fn json_lines_are_serde_jsons() {
        let mut controls: String = (0u8..0x20).map(char::from).collect();
        controls.push_str("\"\\/\u{7f}é—😀");
        // Every character that needs escaping at every offset of an
        // eight-byte word, between runs that need none.
        let long: Vec<String> = (0..40)
            .map(|k| {
                format!(
                    "{}{}é—😀 0123456789 rst",
                    &"abcdefghijklmnopq"[..k % 17],
                    ['"', '\\', '\n', '\u{1f}', '\u{0}', 'é'][k % 6]
                )
            })
            .collect();
        // And as the last byte of strings of every length up to 48, where
        // only the overlapping last sixteen bytes are checked.
        let ends: Vec<String> = (0..48).flat_map(|k| ['"', '\x01'].map(|c| format!("{}{c}", "x".repeat(k)))).collect();
        let mut texts = vec!["", "Russia urged Japan", "say \"no\"", "a\\b", controls.as_str(), "tab\there\r\n"];
        texts.extend(long.iter().chain(&ends).map(String::as_str));
        let floats =
            [0.0, -0.0, 1.0, -10.0, 3.4, 7.000001, 1e-7, 1e30, f32::MAX, f32::MIN_POSITIVE, f32::NAN, f32::INFINITY];
        let mut line = Vec::new();
        for t in texts {
            for &g in &floats {
                for target in [false, true] {
                    let e = event(t, g, target);
                    line.clear();
                    write_json_line(&e, &mut line);
                    let mut want = serde_json::to_vec(&e).unwrap();
                    want.push(b'\n');
                    assert_eq!(String::from_utf8_lossy(&line), String::from_utf8_lossy(&want));
                }
            }
        }
    }

    /// An output that takes at most a few bytes a call (a pipe can), and
    /// counts its calls.
    struct Trickle {
        got: Vec<u8>,
        calls: usize,
    }

    impl Write for Trickle {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.write_vectored(&[std::io::IoSlice::new(buf)])
        }

        fn write_vectored(&mut self, bufs: &[std::io::IoSlice<'_>]) -> std::io::Result<usize> {
            assert!(bufs.len() <= 1024, "more slices than IOV_MAX");
            self.calls += 1;
            let mut room = 7;
            for b in bufs {
                let n = b.len().min(room);
                self.got.extend_from_slice(&b[..n]);
                room -= n;
            }
            Ok(7 - room)
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// Serialized records reach the output whole and in order, however
    /// the output cuts the writes and however many records there are.
    #[test]
    fn serialized_records_are_written_whole_in_order() {
        let records: Vec<String> =
            (0..2500).map(|k| if k % 3 == 0 { String::new() } else { format!("{{\"record\":{k}}}\n") }).collect();
        let slices: Vec<&[u8]> = records.iter().map(|r| r.as_bytes()).collect();
        let mut w = EventWriter::continuing(Trickle { got: Vec::new(), calls: 0 }, OutputFormat::Jsonl);
        w.write_serialized(&slices).unwrap();
        w.write_serialized(&[]).unwrap();
        let out = w.out;
        assert_eq!(String::from_utf8(out.got).unwrap(), records.concat());
        assert!(out.calls >= records.concat().len() / 7);
        // Through a buffer, a batch larger than it passes straight through.
        let mut w = EventWriter::new(std::io::BufWriter::with_capacity(64, Vec::new()), OutputFormat::Csv);
        w.write_serialized(&slices).unwrap();
        w.flush().unwrap();
        let got = String::from_utf8(w.out.into_inner().unwrap()).unwrap();
        assert_eq!(got, format!("{}\n{}", CSV_HEADER.join(","), records.concat()));
    }
}
