//! `attache code`: documents in, event records out, in input order, on all
//! cores, with bounded memory (documents are read and coded in batches).

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use attache_core::document::Document;
use attache_core::ingest::{self, InputFormat, JsonlReader};
use attache_core::output::{EventWriter, OutputFormat};
use attache_core::pipeline;
use attache_core::InputError;
use clap::Args;
use rayon::prelude::*;

use crate::DictArgs;

#[derive(Args)]
pub struct CodeArgs {
    /// Files to code; `-` reads standard input.
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
    #[command(flatten)]
    pub dicts: DictArgs,
}

/// Documents are coded this many at a time: enough to keep every core
/// busy, few enough that memory stays flat on any corpus size.
const BATCH_DOCS: usize = 512;
const BATCH_BYTES: usize = 16 << 20;

pub fn run(a: CodeArgs) -> anyhow::Result<ExitCode> {
    if let Some(n) = a.threads {
        rayon::ThreadPoolBuilder::new().num_threads(n).build_global().context("setting up threads")?;
    }
    let dicts = a.dicts.load()?;
    let opts = a.coding.options()?;
    let out: Box<dyn Write> = match &a.output {
        Some(p) => Box::new(File::create(p).with_context(|| format!("creating {}", p.display()))?),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut writer = EventWriter::new(BufWriter::with_capacity(1 << 16, out), a.output_format);
    let failed = std::cell::Cell::new(0usize);
    let mut coded = 0usize;
    let mut batch: Vec<Result<Document, InputError>> = Vec::new();
    let mut batch_bytes = 0;
    let mut flush = |batch: &mut Vec<Result<Document, InputError>>, writer: &mut EventWriter<_>| -> anyhow::Result<()> {
        let results: Vec<Result<Vec<attache_core::output::Event>, InputError>> =
            batch.par_iter().map(|d| d.as_ref().map(|d| pipeline::code(&dicts, d, &opts)).map_err(Clone::clone)).collect();
        for r in results {
            match r {
                Ok(events) => {
                    coded += 1;
                    for e in &events {
                        writer.write(e)?;
                    }
                }
                Err(e) => {
                    failed.set(failed.get() + 1);
                    eprintln!("attache: skipped {e}");
                }
            }
        }
        batch.clear();
        Ok(())
    };
    for input in &a.inputs {
        let name = if input == "-" { "-".to_string() } else { input.clone() };
        let mut reader: Box<dyn std::io::BufRead> = if input == "-" {
            Box::new(BufReader::new(std::io::stdin().lock()))
        } else {
            match File::open(input) {
                Ok(f) => Box::new(BufReader::with_capacity(1 << 16, f)),
                Err(e) => {
                    failed.set(failed.get() + 1);
                    eprintln!("attache: skipped {input}: cannot read: {e}");
                    continue;
                }
            }
        };
        let format = match a.input_format {
            InputFormat::Auto => {
                let head = reader.fill_buf().map(|b| b.to_vec()).unwrap_or_default();
                ingest::detect(&name, &head)
            }
            f => f,
        };
        if format == InputFormat::Jsonl {
            for rec in JsonlReader::new(name.clone(), reader) {
                batch_bytes += rec.as_ref().map(|d| d.text.len()).unwrap_or(0);
                batch.push(rec);
                if batch.len() >= BATCH_DOCS || batch_bytes >= BATCH_BYTES {
                    flush(&mut batch, &mut writer)?;
                    batch_bytes = 0;
                }
            }
        } else {
            let mut bytes = Vec::new();
            let doc = match reader.take((ingest::MAX_DOCUMENT + 1) as u64).read_to_end(&mut bytes) {
                Ok(_) => ingest::from_bytes(&name, &bytes, format),
                Err(e) => Err(InputError::new(&name, None, attache_core::error::InputErrorKind::Io(e.to_string()))),
            };
            batch_bytes += bytes.len();
            batch.push(doc);
            if batch.len() >= BATCH_DOCS || batch_bytes >= BATCH_BYTES {
                flush(&mut batch, &mut writer)?;
                batch_bytes = 0;
            }
        }
    }
    flush(&mut batch, &mut writer)?;
    writer.flush()?;
    let failed = failed.get();
    if failed > 0 {
        eprintln!("attache: coded {coded} documents; {failed} could not be read (listed above)");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
