//! `attache code`: documents in, event records out, in input order, on all
//! cores, with bounded memory: records are read in batches; each batch is
//! parsed, coded and serialized in parallel (one [`Coder`] and its buffers
//! per worker) and written in input order.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use attache_core::document::Document;
use attache_core::ingest::{InputFormat, JsonlLine, JsonlReader};
use attache_core::output::{EventWriter, OutputFormat};
use attache_core::pipeline::Coder;
use attache_core::InputError;
use clap::Args;
use rayon::prelude::*;

use crate::{inputs, DictArgs};

#[derive(Args)]
pub struct CodeArgs {
    /// Files or directories to code; `-` reads standard input. A directory
    /// stands for every file below it, depth-first in name order; names
    /// starting with `.` (.git, .DS_Store) are passed over. Gzip-compressed
    /// inputs (.gz) are decompressed.
    #[arg(required = true, value_name = "FILE")]
    pub inputs: Vec<String>,
    /// auto (by extension and content), text, html or jsonl.
    #[arg(long, default_value = "auto")]
    pub input_format: InputFormat,
    /// jsonl or csv.
    #[arg(long, default_value = "jsonl")]
    pub output_format: OutputFormat,
    /// Write events here instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub coding: crate::CodingArgs,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Print counts and timings to standard error when done (documents,
    /// sentences, events, bytes read, dictionary load time).
    #[arg(long)]
    pub stats: bool,
    #[command(flatten)]
    pub dicts: DictArgs,
}

/// Documents are coded this many at a time: enough to keep every core
/// busy, few enough that memory stays flat on any corpus size.
const BATCH_DOCS: usize = 512;
const BATCH_BYTES: usize = 16 << 20;

/// A document waiting in a batch: a JSONL line still to parse (parsed by
/// the worker that codes it), or a document read whole.
enum Pending {
    Line { file: Arc<str>, line: JsonlLine },
    Read(Result<Document, InputError>),
}

/// What a worker made of one document: its records, serialized in the
/// output format, and its counts.
struct Coded {
    records: Vec<u8>,
    sentences: usize,
    events: usize,
    /// How its bytes were decoded, when they were not UTF-8: said on
    /// standard error, since the text coded is not the bytes given.
    note: Option<String>,
}

/// Runs `f` for the document `id`; a panic (a bug in the coder) becomes
/// that document's error, so the rest of the batch is still coded.
pub(crate) fn guarded<T>(id: &str, f: impl FnOnce() -> T) -> Result<T, InputError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|p| {
        let msg = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        InputError::new(id, None, attache_core::error::InputErrorKind::Internal(msg))
    })
}

pub fn run(a: CodeArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    if let Some(n) = a.threads {
        rayon::ThreadPoolBuilder::new().num_threads(n).build_global().context("setting up threads")?;
    }
    // Leaked: the process ends when coding does, and the operating system
    // takes the pages back at once, where dropping would walk and free every
    // entry (a tenth of a one-document run's instructions).
    let dicts: &'static _ = Box::leak(Box::new(a.dicts.load()?));
    let load_ms = started.elapsed().as_secs_f64() * 1e3;
    let opts = a.coding.options()?;
    let out_file = match &a.output {
        Some(p) => Some(File::create(p).with_context(|| format!("creating {}", p.display()))?),
        None => None,
    };
    let format = a.output_format;
    // Records are written on a thread of their own, a batch behind: the
    // workers code the next batch meanwhile instead of waiting.
    let (to_writer, batches) = std::sync::mpsc::sync_channel::<Vec<Result<Coded, InputError>>>(1);
    let writing = std::thread::spawn(move || -> anyhow::Result<Stats> {
        let out: Box<dyn Write> = match out_file {
            Some(f) => Box::new(f),
            None => Box::new(std::io::stdout().lock()),
        };
        let mut writer = EventWriter::new(BufWriter::with_capacity(1 << 16, out), format);
        let mut stats = Stats::default();
        for results in batches {
            let mut records = Vec::with_capacity(results.len());
            for r in &results {
                match r {
                    Ok(c) => {
                        if let Some(note) = &c.note {
                            eprintln!("{note}");
                        }
                        stats.documents += 1;
                        stats.sentences += c.sentences;
                        stats.events += c.events;
                        records.push(c.records.as_slice());
                    }
                    Err(e) => {
                        stats.failed += 1;
                        eprintln!("attache: skipped {e}");
                    }
                }
            }
            writer.write_serialized(&records)?;
        }
        writer.flush()?;
        Ok(stats)
    });
    let read = read_and_code(&a, dicts, &opts, format, &to_writer);
    drop(to_writer);
    // The writer's own error (a closed pipe) explains a reading loop that
    // stopped because the writer was gone.
    let written = writing.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
    let mut stats = read?;
    stats.documents = written.documents;
    stats.sentences = written.sentences;
    stats.events = written.events;
    stats.failed += written.failed;
    if a.stats {
        let secs = started.elapsed().as_secs_f64();
        eprintln!(
            "attache: stats documents={} failed={} sentences={} events={} bytes={} load_ms={load_ms:.1} seconds={secs:.3} threads={}",
            stats.documents,
            stats.failed,
            stats.sentences,
            stats.events,
            stats.bytes,
            rayon::current_num_threads()
        );
    }
    if stats.failed > 0 {
        eprintln!("attache: coded {} documents; {} could not be read (listed above)", stats.documents, stats.failed);
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads the inputs in batches, codes each batch on every core and hands
/// its results to the writer; counts what it read (documents and events
/// are the writer's to count).
fn read_and_code(
    a: &CodeArgs,
    dicts: &attache_core::dict::Dictionaries,
    opts: &attache_core::pipeline::Options,
    format: OutputFormat,
    to_writer: &std::sync::mpsc::SyncSender<Vec<Result<Coded, InputError>>>,
) -> anyhow::Result<Stats> {
    let mut stats = Stats::default();
    let mut batch: Vec<Pending> = Vec::new();
    let mut batch_bytes = 0;
    // Parse, code and serialize on every core; the writer writes in input order.
    let flush = |batch: &mut Vec<Pending>| -> anyhow::Result<()> {
        let results: Vec<Result<Coded, InputError>> = batch
            .par_drain(..)
            .map_init(
                || (Coder::default(), Vec::new()),
                |(coder, events), item| {
                    let doc = match item {
                        Pending::Line { file, line } => line.parse(&file)?,
                        Pending::Read(doc) => doc?,
                    };
                    let note = inputs::decoding_note(&doc);
                    let coded = guarded(&doc.id, || {
                        if format == OutputFormat::Jsonl {
                            let mut records = Vec::new();
                            let (sentences, events) = coder.code_jsonl(dicts, &doc, opts, &mut records);
                            return Coded { records, sentences, events, note };
                        }
                        events.clear();
                        let sentences = coder.code(dicts, &doc, opts, events);
                        let mut w = EventWriter::continuing(Vec::new(), format);
                        for e in events.iter() {
                            w.write(e).expect("writing to memory");
                        }
                        Coded { records: w.into_inner(), sentences, events: events.len(), note }
                    });
                    if coded.is_err() {
                        // Its buffers may be half-written: start afresh.
                        *coder = Coder::default();
                    }
                    coded
                },
            )
            .collect();
        to_writer.send(results).map_err(|_| anyhow::anyhow!("the output closed"))
    };
    for input in inputs::open(&a.inputs, a.input_format) {
        let input = match input {
            Ok(input) => input,
            Err(e) => {
                stats.failed += 1;
                eprintln!("attache: skipped {e}");
                continue;
            }
        };
        if input.format == InputFormat::Jsonl {
            let mut lines = JsonlReader::new(input.name, input.reader);
            let file: Arc<str> = Arc::from(lines.file());
            while let Some(line) = lines.next_line() {
                batch_bytes += line.as_ref().map(|l| l.text.len()).unwrap_or(0);
                batch.push(match line {
                    Ok(line) => Pending::Line { file: file.clone(), line },
                    Err(e) => Pending::Read(Err(e)),
                });
                if batch.len() >= BATCH_DOCS || batch_bytes >= BATCH_BYTES {
                    flush(&mut batch)?;
                    batch_bytes = 0;
                }
            }
            stats.bytes += lines.bytes_read();
        } else {
            let (doc, bytes) = input.read_document();
            stats.bytes += bytes;
            batch_bytes += bytes;
            batch.push(Pending::Read(doc));
            if batch.len() >= BATCH_DOCS || batch_bytes >= BATCH_BYTES {
                flush(&mut batch)?;
                batch_bytes = 0;
            }
        }
    }
    flush(&mut batch)?;
    Ok(stats)
}

/// Counts for `--stats`.
#[derive(Default)]
struct Stats {
    documents: usize,
    failed: usize,
    sentences: usize,
    events: usize,
    bytes: usize,
}

#[cfg(test)]
mod tests {
    use super::guarded;

    #[test]
    fn a_panic_becomes_the_documents_error() {
        assert_eq!(guarded("doc-1", || 7).unwrap(), 7);
        let e = guarded("doc-2", || -> usize { panic!("index out of range") }).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("doc-2") && msg.contains("internal error") && msg.contains("index out of range"), "{msg}");
    }
}
