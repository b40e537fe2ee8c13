//! The event-store commands: `ingest`, `recode`, `query`, `diff`, `runs`
//! and `serve`. Flags in, `attache-store` / `attache-server` calls out.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use attache_core::document::Document;
use attache_core::ingest::{InputFormat, JsonlReader};
use attache_core::output::{EventWriter, OutputFormat};
use attache_core::pipeline::Options;
use attache_core::InputError;
use attache_store::{
    code_document, document_hash, CodedDocument, Filter, Group, Grouped, Order, RunConfig, RunDiff, Store, StoredEvent,
    WriteStats,
};
use clap::{Args, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::{inputs, DictArgs};

#[derive(Subcommand)]
pub enum StoreCommand {
    /// Code documents and keep their events in an event store (SQLite).
    /// A document already coded with the same dictionaries is skipped.
    Ingest(IngestArgs),
    /// Code a store's documents again with the current dictionaries, as a
    /// new run (compare the two with `attache diff`).
    Recode(RecodeArgs),
    /// Events from a store: filtered, or grouped by period, dyad or code
    /// with count and mean Goldstein.
    Query(QueryArgs),
    /// Compare two coding runs: events added, removed and changed.
    Diff(DiffArgs),
    /// List a store's coding runs.
    Runs(RunsArgs),
    /// Serve the JSON API and the dashboard of a store.
    Serve(ServeArgs),
}

pub fn run(c: StoreCommand) -> anyhow::Result<ExitCode> {
    match c {
        StoreCommand::Ingest(a) => ingest(a),
        StoreCommand::Recode(a) => recode(a),
        StoreCommand::Query(a) => query(a),
        StoreCommand::Diff(a) => diff(a),
        StoreCommand::Runs(a) => runs(a),
        StoreCommand::Serve(a) => serve(a),
    }
}

#[derive(Args)]
pub struct DbArg {
    /// The event store (an SQLite file; created by `ingest`).
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
}

fn open_existing(db: &DbArg) -> anyhow::Result<Store> {
    anyhow::ensure!(
        db.db.exists(),
        "{} does not exist (create it with `attache ingest FILE... --db {}`)",
        db.db.display(),
        db.db.display()
    );
    Ok(Store::open_read_only(&db.db)?)
}

fn progress(len: Option<u64>, what: &str) -> ProgressBar {
    let bar = match len {
        Some(n) => ProgressBar::new(n),
        None => ProgressBar::new_spinner(),
    };
    let template = if len.is_some() {
        "{spinner} [{elapsed_precise}] {wide_bar} {percent:>3}% {msg}"
    } else {
        "{spinner} [{elapsed_precise}] {msg}"
    };
    bar.set_style(ProgressStyle::with_template(template).expect("valid template"));
    bar.set_message(what.to_string());
    bar
}

// ---- ingest --------------------------------------------------------------

#[derive(Args)]
pub struct IngestArgs {
    /// Files or directories to code; `-` reads standard input. A directory
    /// stands for every file below it, depth-first in name order; names
    /// starting with `.` (.git, .DS_Store) are passed over. Gzip-compressed
    /// inputs (.gz) are decompressed.
    #[arg(required = true, value_name = "FILE")]
    pub inputs: Vec<String>,
    #[command(flatten)]
    pub db: DbArg,
    /// auto (by extension and content), text, html or jsonl.
    #[arg(long, default_value = "auto")]
    pub input_format: InputFormat,
    /// The date of every document (YYYY-MM-DD); wins over dates in the text or records.
    #[arg(long)]
    pub date: Option<String>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// No progress bar.
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    pub dicts: DictArgs,
}

/// Input bytes per coded event, roughly (transcripts and news): to guess
/// whether an ingest is large next to the store it goes into.
const BYTES_PER_EVENT: u64 = 400;

/// Documents are coded and written this many at a time: one transaction
/// per batch keeps the writes fast, and memory stays flat.
const BATCH_DOCS: usize = 512;
const BATCH_BYTES: usize = 16 << 20;

/// Codes what `run` has not coded yet and writes it in one transaction.
struct Ingester<'a> {
    store: Store,
    run: i64,
    dicts: &'a attache_core::dict::Dictionaries,
    opts: Options,
    stats: WriteStats,
    failed: usize,
    bar: ProgressBar,
}

impl Ingester<'_> {
    fn flush(&mut self, batch: &mut Vec<Result<Document, InputError>>) -> anyhow::Result<()> {
        let mut todo = Vec::with_capacity(batch.len());
        for d in batch.drain(..) {
            match d {
                Ok(d) => {
                    if let Some(note) = inputs::decoding_note(&d) {
                        self.bar.suspend(|| eprintln!("{note}"));
                    }
                    todo.push(d)
                }
                Err(e) => {
                    self.failed += 1;
                    self.bar.suspend(|| eprintln!("attache: skipped {e}"));
                }
            }
        }
        // Skip documents this run already holds before spending time coding them.
        let mut fresh = Vec::with_capacity(todo.len());
        for d in todo {
            let bytes = d.text.len() as u64;
            if self.store.is_coded(self.run, &document_hash(&d))? {
                self.stats.unchanged += 1;
            } else {
                fresh.push(d);
            }
            self.bar.inc(bytes);
        }
        let (dicts, opts) = (self.dicts, &self.opts);
        let results: Vec<Result<CodedDocument, InputError>> =
            fresh.into_par_iter().map(|d| code_guarded(dicts, d, opts)).collect();
        let coded = keep_coded(results, &self.bar, &mut self.failed);
        self.stats += self.store.write(self.run, &coded)?;
        self.bar.set_message(format!(
            "{} documents, {} events",
            self.stats.new_documents + self.stats.recoded,
            self.stats.events
        ));
        Ok(())
    }
}

/// The documents coded; the others are counted in `failed` and reported.
fn keep_coded(
    results: Vec<Result<CodedDocument, InputError>>,
    bar: &ProgressBar,
    failed: &mut usize,
) -> Vec<CodedDocument> {
    let mut coded = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(c) => coded.push(c),
            Err(e) => {
                *failed += 1;
                bar.suspend(|| eprintln!("attache: skipped {e}"));
            }
        }
    }
    coded
}

/// Codes one document for the store; a panic while coding it (a bug)
/// becomes its error, as in `attache code`.
fn code_guarded(
    dicts: &attache_core::dict::Dictionaries,
    d: Document,
    opts: &Options,
) -> Result<CodedDocument, InputError> {
    let id = d.id.clone();
    crate::code::guarded(&id, move || code_document(dicts, d, opts))
}

fn set_threads(n: Option<usize>) -> anyhow::Result<()> {
    if let Some(n) = n {
        rayon::ThreadPoolBuilder::new().num_threads(n).build_global().context("setting up threads")?;
    }
    Ok(())
}

fn ingest(a: IngestArgs) -> anyhow::Result<ExitCode> {
    set_threads(a.threads)?;
    let dicts = a.dicts.load()?;
    let opts = Options { date: a.date.as_deref().map(crate::parse_date).transpose()?, ..Options::default() };
    let mut store = Store::open(&a.db.db).with_context(|| format!("opening {}", a.db.db.display()))?;
    let run = store.run_for(&RunConfig::new(&dicts, &opts))?;
    // Progress in bytes of input: known for plain files, not for stdin, a
    // directory (not walked twice) or a compressed file.
    let total: Option<u64> = if inputs::any_directory(&a.inputs) {
        None
    } else {
        a.inputs.iter().map(|p| if p == "-" { None } else { inputs::plain_size(p) }).sum()
    };
    let bar = if a.quiet { ProgressBar::hidden() } else { progress(total, "reading") };
    // A large load into a small store builds the dyad index once at the end
    // instead of inserting into it event by event.
    let bulk = store.begin_bulk(total.unwrap_or(0) / BYTES_PER_EVENT)?;
    let mut ing = Ingester { store, run, dicts: &dicts, opts, stats: WriteStats::default(), failed: 0, bar };
    let mut batch: Vec<Result<Document, InputError>> = Vec::new();
    let mut batch_bytes = 0;
    for input in inputs::open(&a.inputs, a.input_format) {
        let docs: Box<dyn Iterator<Item = Result<Document, InputError>>> = match input {
            Ok(input) if input.format == InputFormat::Jsonl => Box::new(JsonlReader::new(input.name, input.reader)),
            Ok(input) => Box::new(std::iter::once(input.read_document().0)),
            // Reported and counted with the documents that fail.
            Err(e) => Box::new(std::iter::once(Err(e))),
        };
        for d in docs {
            batch_bytes += d.as_ref().map(|d| d.text.len()).unwrap_or(0);
            batch.push(d);
            if batch.len() >= BATCH_DOCS || batch_bytes >= BATCH_BYTES {
                ing.flush(&mut batch)?;
                batch_bytes = 0;
            }
        }
    }
    ing.flush(&mut batch)?;
    if bulk {
        ing.bar.set_message("indexing");
        ing.store.finish_bulk()?;
    }
    ing.bar.finish_and_clear();
    ing.store.optimize()?;
    let s = ing.stats;
    eprintln!(
        "attache: run {}: {} new documents, {} coded again, {} already stored; {} events written to {}",
        run,
        s.new_documents,
        s.recoded,
        s.unchanged,
        s.events,
        a.db.db.display()
    );
    if ing.failed > 0 {
        eprintln!("attache: {} inputs could not be read or coded (listed above)", ing.failed);
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

// ---- recode --------------------------------------------------------------

#[derive(Args)]
pub struct RecodeArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// Only the documents of this run (default: every document in the store).
    #[arg(long)]
    pub run: Option<i64>,
    /// The date of every document (YYYY-MM-DD).
    #[arg(long)]
    pub date: Option<String>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// No progress bar.
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    pub dicts: DictArgs,
}

fn recode(a: RecodeArgs) -> anyhow::Result<ExitCode> {
    set_threads(a.threads)?;
    open_existing(&a.db)?;
    let dicts = a.dicts.load()?;
    let opts = Options { date: a.date.as_deref().map(crate::parse_date).transpose()?, ..Options::default() };
    let mut store = Store::open(&a.db.db)?;
    let total = match a.run {
        Some(r) => store.run(r)?.documents,
        None => store.counts()?.0,
    };
    let run = store.run_for(&RunConfig::new(&dicts, &opts))?;
    let reader = Store::open_read_only(&a.db.db)?;
    let bar = if a.quiet { ProgressBar::hidden() } else { progress(Some(total), "recoding") };
    let mut stats = WriteStats::default();
    let mut failed = 0;
    let mut after = 0;
    loop {
        let docs = reader.documents(a.run, after, BATCH_DOCS)?;
        let Some(last) = docs.last() else { break };
        after = last.id;
        let n = docs.len() as u64;
        let results: Vec<Result<CodedDocument, InputError>> =
            docs.into_par_iter().map(|d| code_guarded(&dicts, d.doc, &opts)).collect();
        let coded = keep_coded(results, &bar, &mut failed);
        stats += store.write(run, &coded)?;
        bar.inc(n);
        bar.set_message(format!("{} events", stats.events));
    }
    bar.finish_and_clear();
    store.optimize()?;
    eprintln!(
        "attache: run {run}: {} documents coded again, {} already coded by this run; {} events (compare: attache diff --db {} {} {run})",
        stats.recoded + stats.new_documents,
        stats.unchanged,
        stats.events,
        a.db.db.display(),
        a.run.map(|r| r.to_string()).unwrap_or_else(|| "OLD_RUN".into()),
    );
    if failed > 0 {
        eprintln!("attache: {failed} documents could not be coded (listed above)");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

// ---- query ---------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SortBy {
    /// By the group keys (periods in time order).
    Keys,
    /// Largest groups first.
    Count,
}

#[derive(Args)]
pub struct FilterArgs {
    /// Source actor: a country (RUS) or an actor code prefix (RUSGOV).
    #[arg(long)]
    pub source: Option<String>,
    /// Target actor: a country (JPN) or an actor code prefix.
    #[arg(long)]
    pub target: Option<String>,
    /// CAMEO root code (12).
    #[arg(long)]
    pub root: Option<String>,
    /// CAMEO code prefix (125, 0211).
    #[arg(long)]
    pub cameo: Option<String>,
    /// PLOVER category (REJECT).
    #[arg(long)]
    pub plover: Option<String>,
    /// QuadClass 1-4.
    #[arg(long = "quad", value_name = "N")]
    pub quad_class: Option<u8>,
    /// First day (YYYY-MM-DD), included.
    #[arg(long)]
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD), included.
    #[arg(long)]
    pub to: Option<String>,
    /// Part of the speaker's name, any case.
    #[arg(long)]
    pub speaker: Option<String>,
    /// Words the sentence contains, any case.
    #[arg(long)]
    pub text: Option<String>,
    /// The events of this coding run (default: each document's latest coding).
    #[arg(long)]
    pub run: Option<i64>,
}

impl FilterArgs {
    fn filter(&self) -> anyhow::Result<Filter> {
        Ok(Filter {
            source: self.source.clone(),
            target: self.target.clone(),
            root: self.root.clone(),
            cameo: self.cameo.clone(),
            plover: self.plover.clone(),
            quad_class: self.quad_class,
            from: self.from.as_deref().map(crate::parse_date).transpose()?,
            to: self.to.as_deref().map(crate::parse_date).transpose()?,
            speaker: self.speaker.clone(),
            text: self.text.clone(),
            run: self.run,
            doc: None,
        })
    }
}

#[derive(Args)]
pub struct QueryArgs {
    #[command(flatten)]
    pub db: DbArg,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Group by (comma-separated): day, week, month, year, dyad, source,
    /// target, source-code, target-code, root, cameo, plover, quad, speaker.
    /// Without it, the events themselves are listed.
    #[arg(long, value_delimiter = ',', value_name = "KEYS")]
    pub by: Vec<Group>,
    /// Order of grouped rows.
    #[arg(long, default_value = "keys")]
    pub sort: SortBy,
    /// At most this many rows.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Skip this many events (listing only).
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// table, csv, or json (events: one record per line, as `attache code`
    /// writes them; groups: one JSON array).
    #[arg(long, default_value = "table")]
    pub format: Format,
}

fn query(a: QueryArgs) -> anyhow::Result<ExitCode> {
    let store = open_existing(&a.db)?;
    let filter = a.filter.filter()?.validate()?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if a.by.is_empty() {
        list_events(&store, &filter, &a, &mut out)?;
    } else {
        let order = if a.sort == SortBy::Count { Order::CountDesc } else { Order::Keys };
        let g = store.aggregate(&filter, &a.by, order, a.limit)?;
        write_grouped(&g, a.format, &mut out)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Events are read a page at a time, so any number can be listed.
const PAGE: usize = 10_000;

fn list_events<W: Write>(store: &Store, f: &Filter, a: &QueryArgs, out: &mut W) -> anyhow::Result<()> {
    enum Sink<'a, W: Write> {
        Csv(EventWriter<&'a mut W>),
        Json(&'a mut W),
        Table(&'a mut W, Vec<Vec<String>>),
    }
    let mut sink = match a.format {
        Format::Csv => Sink::Csv(EventWriter::new(out, OutputFormat::Csv)),
        Format::Json => Sink::Json(out),
        Format::Table => Sink::Table(out, Vec::new()),
    };
    let mut offset = a.offset;
    let mut left = a.limit.unwrap_or(usize::MAX);
    let total = loop {
        let page = store.events(f, PAGE.min(left), offset)?;
        let n = page.events.len();
        for e in &page.events {
            match &mut sink {
                Sink::Csv(w) => w.write(&e.event)?,
                Sink::Json(w) => {
                    serde_json::to_writer(&mut **w, e)?;
                    w.write_all(b"\n")?;
                }
                Sink::Table(_, rows) => rows.push(event_row(e)),
            }
        }
        offset += n;
        left -= n;
        if n == 0 || left == 0 || offset as u64 >= page.total {
            break page.total;
        }
    };
    if let Sink::Table(out, rows) = sink {
        let headers = ["date", "source", "target", "cameo", "plover", "goldstein", "speaker", "sentence"];
        write_table(out, &headers, &rows, &[5])?;
        writeln!(out, "{} of {} events", rows.len(), total)?;
    }
    Ok(())
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

fn event_row(e: &StoredEvent) -> Vec<String> {
    let ev = &e.event;
    vec![
        ev.date.clone().unwrap_or_else(|| "-".into()),
        ev.source.code.clone(),
        ev.target.as_ref().map(|t| t.code.clone()).unwrap_or_else(|| "-".into()),
        ev.cameo.clone(),
        ev.plover.clone().unwrap_or_else(|| "-".into()),
        format!("{:.1}", ev.goldstein),
        ev.speaker.clone().unwrap_or_else(|| "-".into()),
        truncate(&ev.sentence.replace('\n', " "), 90),
    ]
}

/// Columns padded to their widest cell; `right` lists right-aligned columns.
fn write_table(out: &mut impl Write, headers: &[&str], rows: &[Vec<String>], right: &[usize]) -> std::io::Result<()> {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |out: &mut dyn Write, cells: &mut dyn Iterator<Item = &str>| -> std::io::Result<()> {
        let mut s = String::new();
        for (i, c) in cells.enumerate() {
            let pad = widths[i].saturating_sub(c.chars().count());
            let last = i + 1 == widths.len();
            if right.contains(&i) {
                s.push_str(&" ".repeat(pad));
                s.push_str(c);
            } else {
                s.push_str(c);
                if !last {
                    s.push_str(&" ".repeat(pad));
                }
            }
            if !last {
                s.push_str("  ");
            }
        }
        writeln!(out, "{}", s.trim_end())
    };
    line(out, &mut headers.iter().copied())?;
    for r in rows {
        line(out, &mut r.iter().map(String::as_str))?;
    }
    Ok(())
}

fn write_grouped(g: &Grouped, format: Format, out: &mut impl Write) -> anyhow::Result<()> {
    let mean = |m: Option<f64>| m.map(|m| format!("{m:.4}").trim_end_matches('0').trim_end_matches('.').to_string());
    match format {
        Format::Table => {
            let mut headers: Vec<&str> = g.columns.iter().map(String::as_str).collect();
            headers.extend(["count", "mean_goldstein"]);
            let rows: Vec<Vec<String>> = g
                .rows
                .iter()
                .map(|r| {
                    let mut v: Vec<String> = r.keys.iter().map(|k| k.clone().unwrap_or_else(|| "-".into())).collect();
                    v.push(r.count.to_string());
                    v.push(mean(r.mean_goldstein).unwrap_or_else(|| "-".into()));
                    v
                })
                .collect();
            let n = g.columns.len();
            write_table(out, &headers, &rows, &[n, n + 1])?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            let mut headers = g.columns.clone();
            headers.extend(["count".to_string(), "mean_goldstein".to_string()]);
            w.write_record(&headers)?;
            for r in &g.rows {
                let mut v: Vec<String> = r.keys.iter().map(|k| k.clone().unwrap_or_default()).collect();
                v.push(r.count.to_string());
                v.push(mean(r.mean_goldstein).unwrap_or_default());
                w.write_record(&v)?;
            }
            w.flush()?;
        }
        Format::Json => {
            // Written by hand so each object keeps the column order.
            writeln!(out, "[")?;
            for (i, r) in g.rows.iter().enumerate() {
                let mut fields: Vec<String> = Vec::new();
                for (c, k) in g.columns.iter().zip(&r.keys) {
                    fields.push(format!("{}: {}", serde_json::to_string(c)?, serde_json::to_string(k)?));
                }
                fields.push(format!("\"count\": {}", r.count));
                fields.push(format!("\"mean_goldstein\": {}", serde_json::to_string(&r.mean_goldstein)?));
                writeln!(out, "  {{{}}}{}", fields.join(", "), if i + 1 < g.rows.len() { "," } else { "" })?;
            }
            writeln!(out, "]")?;
        }
    }
    Ok(())
}

// ---- diff and runs ---------------------------------------------------------

#[derive(Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// The earlier run.
    pub run_a: i64,
    /// The later run.
    pub run_b: i64,
    /// table (one line per event) or json.
    #[arg(long, default_value = "table")]
    pub format: Format,
}

fn describe(e: &StoredEvent) -> String {
    let ev = &e.event;
    format!(
        "{} #{}  {} → {}  {}  {}",
        ev.doc,
        ev.sentence_index,
        ev.source.code,
        ev.target.as_ref().map(|t| t.code.as_str()).unwrap_or("-"),
        ev.cameo,
        truncate(&ev.sentence.replace('\n', " "), 80)
    )
}

fn diff(a: DiffArgs) -> anyhow::Result<ExitCode> {
    let store = open_existing(&a.db)?;
    let d: RunDiff = store.diff(a.run_a, a.run_b)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match a.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &d)?;
            writeln!(out)?;
        }
        Format::Table | Format::Csv => {
            writeln!(
                out,
                "run {} → run {}: {} documents compared ({} only in run {}, {} only in run {})",
                d.run_a, d.run_b, d.documents, d.only_in_a, d.run_a, d.only_in_b, d.run_b
            )?;
            writeln!(
                out,
                "{} unchanged, {} added, {} removed, {} changed",
                d.unchanged,
                d.added.len(),
                d.removed.len(),
                d.changed.len()
            )?;
            for e in &d.added {
                writeln!(out, "+ {}", describe(e))?;
            }
            for e in &d.removed {
                writeln!(out, "- {}", describe(e))?;
            }
            for c in &d.changed {
                let (b, n) = (&c.before.event, &c.after.event);
                let side = |e: &attache_core::output::Event| {
                    format!(
                        "{} → {} {}",
                        e.source.code,
                        e.target.as_ref().map(|t| t.code.as_str()).unwrap_or("-"),
                        e.cameo
                    )
                };
                writeln!(
                    out,
                    "~ {} #{}  {}  ⇒  {}  {}",
                    b.doc,
                    b.sentence_index,
                    side(b),
                    side(n),
                    truncate(&n.sentence.replace('\n', " "), 60)
                )?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct RunsArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// table or json.
    #[arg(long, default_value = "table")]
    pub format: Format,
}

fn runs(a: RunsArgs) -> anyhow::Result<ExitCode> {
    let store = open_existing(&a.db)?;
    let runs = store.runs()?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if a.format == Format::Json {
        serde_json::to_writer_pretty(&mut out, &runs)?;
        writeln!(out)?;
    } else {
        let rows: Vec<Vec<String>> = runs
            .iter()
            .map(|r| {
                vec![
                    r.id.to_string(),
                    r.started.clone(),
                    r.config.attache_version.clone(),
                    r.config.dict_hash.clone(),
                    r.config.options.to_string(),
                    r.documents.to_string(),
                    r.events.to_string(),
                ]
            })
            .collect();
        write_table(
            &mut out,
            &["run", "started", "attache", "dictionaries", "options", "documents", "events"],
            &rows,
            &[0, 5, 6],
        )?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

// ---- serve ---------------------------------------------------------------

#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// Address to listen on. The default is this machine only; anything
    /// else exposes the store, unauthenticated, to the network.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
}

fn serve(a: ServeArgs) -> anyhow::Result<ExitCode> {
    open_existing(&a.db)?;
    let state = attache_server::AppState::open(&a.db.db)?;
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("ATTACHE_LOG").unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    if !a.addr.ip().is_loopback() {
        eprintln!(
            "attache: warning: listening on {}, reachable from other machines; the API has no authentication",
            a.addr.ip()
        );
    }
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the async runtime")?;
    let db = a.db.db.display().to_string();
    rt.block_on(attache_server::serve(state, a.addr, |bound| {
        eprintln!("attache: serving {db} at http://{bound}/ (Ctrl-C stops)");
    }))
    .with_context(|| format!("serving on {}", a.addr))?;
    Ok(ExitCode::SUCCESS)
}
