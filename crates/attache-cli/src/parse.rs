//! `attache parse`: the debugging view of one document.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::Context;
use attache_core::dict::Dictionaries;
use attache_core::ingest::{self, InputFormat};
use attache_core::pipeline::{self, Analysis};
use clap::Args;

use crate::DictArgs;

#[derive(Args)]
pub struct ParseArgs {
    /// The document (`-` for standard input).
    pub input: String,
    #[arg(long, default_value = "auto")]
    pub input_format: InputFormat,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub coding: crate::CodingArgs,
    #[command(flatten)]
    pub dicts: DictArgs,
}

pub fn run(a: ParseArgs) -> anyhow::Result<ExitCode> {
    let dicts = a.dicts.load()?;
    let mut bytes = Vec::new();
    if a.input == "-" {
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)?;
    } else {
        bytes = std::fs::read(&a.input).with_context(|| format!("reading {}", a.input))?;
    }
    let format = if a.input_format == InputFormat::Auto { ingest::detect(&a.input, &bytes) } else { a.input_format };
    let doc = if format == InputFormat::Jsonl {
        // The first record.
        let line = String::from_utf8_lossy(&bytes).lines().find(|l| !l.trim().is_empty()).unwrap_or("").to_string();
        ingest::from_json_line(&a.input, 1, &line, 0)?
    } else {
        ingest::from_bytes(&a.input, &bytes, format)?
    };
    if let Some(note) = crate::inputs::decoding_note(&doc) {
        eprintln!("{note}");
    }
    let opts = a.coding.options()?;
    let analysis = pipeline::analyze(&dicts, &doc, &opts);
    let out = if a.json {
        let events = pipeline::events_of(&dicts, &doc, &analysis);
        serde_json::to_string_pretty(&serde_json::json!({ "analysis": analysis, "events": events }))? + "\n"
    } else {
        render(&dicts, &doc.text, &analysis)
    };
    std::io::Write::write_all(&mut std::io::stdout().lock(), out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// The human-readable view. Deterministic, so it can be snapshot-tested.
pub fn render(dicts: &Dictionaries, text: &str, a: &Analysis) -> String {
    let mut o = String::new();
    let opt = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".into());
    let _ = writeln!(o, "document   {}", a.doc);
    let _ = writeln!(
        o,
        "date       {} (from {})",
        a.date.map(|d| d.to_string()).unwrap_or_else(|| "-".into()),
        a.date_from
    );
    let _ = writeln!(o, "place      {}", opt(&a.place));
    if let Some(h) = &a.headline {
        let _ = writeln!(o, "headline   {}", &text[h.clone()]);
    }
    if let Some(d) = &a.dateline {
        let _ = writeln!(o, "dateline   {}", text[d.clone()].trim());
    }
    let _ = writeln!(o, "speaker    {} {}", opt(&a.main_speaker), opt(&a.main_speaker_code));
    let _ = writeln!(o, "counterpart {}", opt(&a.counterpart));
    for d in &a.dropped {
        let _ = writeln!(o, "dropped    [{}..{}] {}: {}", d.span.start, d.span.end, d.reason, &text[d.span.clone()]);
    }
    let _ = writeln!(o, "\nturns");
    for (i, t) in a.turns.iter().enumerate() {
        let label = t.label.as_ref().map(|l| &text[l.clone()]).unwrap_or("(opening)");
        let _ = writeln!(
            o,
            "  {i}. {label} → {} {}{}",
            opt(&t.speaker),
            opt(&t.speaker_code),
            if t.press { " [press]" } else { "" }
        );
    }
    let _ = writeln!(o, "\nsentences");
    for s in &a.sentences {
        let toks = &a.tokens[s.tokens.clone()];
        let words = |r: &std::ops::Range<usize>| &text[toks[r.start].start as usize..toks[r.end - 1].end as usize];
        let _ = writeln!(
            o,
            "  [{}] turn {} speaker {} — {}",
            s.index,
            s.turn.map(|t| t.to_string()).unwrap_or_else(|| "-".into()),
            opt(&s.speaker_code),
            &text[s.span.clone()]
        );
        for np in &s.actors {
            let code = np.code.clone().unwrap_or_else(|| "(uncoded)".into());
            let _ = writeln!(
                o,
                "      actor  {:<40} {}{}",
                words(&np.tokens),
                code,
                if np.place { " [place]" } else { "" }
            );
        }
        for v in &s.verbs {
            let p = &dicts.verbs.patterns[v.pattern as usize];
            let flags: Vec<&str> =
                [(v.passive, "passive"), (v.negated, "negated"), (v.future, "future"), (v.modal, "modal")]
                    .iter()
                    .filter(|f| f.0)
                    .map(|f| f.1)
                    .collect();
            let fate = v.suppressed.map(|r| format!("not coded: {r}")).unwrap_or_else(|| "coded".into());
            let _ = writeln!(
                o,
                "      verb   {:<40} {} «{}» {}:{} {} — {}",
                words(&v.tokens),
                p.code,
                p.text,
                p.loc.file,
                p.loc.line,
                flags.join(","),
                fate
            );
        }
        for e in &s.events {
            let t = e.target.as_ref().map(|t| t.code.as_str()).unwrap_or("-");
            let _ = writeln!(o, "      event  {} → {} {}  ({})", e.source.code, t, e.code, e.rule);
        }
    }
    o
}
