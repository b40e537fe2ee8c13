//! `attache eval`: score events against sentence gold. Reading files and
//! coding the gold's sentences happen here; the scoring is
//! `attache_core::eval`.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use attache_core::eval::{self, LabelChoice, SystemEvent};
use attache_core::pipeline::{self, Options};
use clap::Args;
use rayon::prelude::*;

use crate::DictArgs;

#[derive(Args)]
pub struct EvalArgs {
    /// Sentence gold, one JSON record per line:
    /// {"id", "text", "date"?, "speaker"?, "speaker_code"?, "events": [{"source", "target", "cameo"|"plover"}]}.
    #[arg(long, value_name = "GOLD.jsonl")]
    pub gold: PathBuf,
    /// Events already coded (JSONL event records, matched to the gold by
    /// "id"; `-` reads standard input). Without it, each gold record's text
    /// is coded here, as its own document.
    #[arg(long, value_name = "EVENTS.jsonl")]
    pub events: Option<PathBuf>,
    /// What to compare as the event label: auto (PLOVER when the gold has
    /// no CAMEO codes), root or plover.
    #[arg(long, default_value = "auto")]
    pub label: LabelChoice,
    /// List every miss and false positive, with its sentence and the rule
    /// that produced the false positive.
    #[arg(short, long)]
    pub verbose: bool,
    /// Print the whole report as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub dicts: DictArgs,
}

fn read_text(path: &PathBuf) -> anyhow::Result<String> {
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin().read_to_end(&mut bytes).context("reading standard input")?;
    } else {
        bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    }
    String::from_utf8(bytes)
        .map_err(|e| anyhow::anyhow!("{}: invalid UTF-8 at byte {}", path.display(), e.utf8_error().valid_up_to()))
}

pub fn run(a: EvalArgs) -> anyhow::Result<ExitCode> {
    let gold_name = a.gold.display().to_string();
    let gold = eval::read_gold(&gold_name, &read_text(&a.gold)?)?;
    let events = match &a.events {
        Some(path) => eval::read_events(&path.display().to_string(), &read_text(path)?)?,
        None => {
            let dicts = a.dicts.load()?;
            let opts = Options::default();
            let coded: Vec<Vec<SystemEvent>> = gold
                .records()
                .par_iter()
                .map(|rec| match rec.document(&gold_name) {
                    // Keyed by the gold id whatever the record's id looks like.
                    Ok(doc) => pipeline::code(&dicts, &doc, &opts)
                        .iter()
                        .map(|e| SystemEvent { id: Some(rec.id.clone()), ..SystemEvent::from_event(e) })
                        .collect(),
                    Err(e) => {
                        eprintln!("attache: not coded (scored as no events): {e}");
                        Vec::new()
                    }
                })
                .collect();
            coded.into_iter().flatten().collect()
        }
    };
    let report = eval::score(&gold, &events, a.label);
    let out =
        if a.json { serde_json::to_string_pretty(&report)? + "\n" } else { eval::render_text(&report, a.verbose) };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}
