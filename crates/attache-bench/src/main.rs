//! `attache-bench`: write a generated corpus, or measure `attache code` on
//! one against the Aho-Corasick scan baseline.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use attache_bench::baseline::ScanBaseline;
use attache_bench::corpus;
use attache_core::dict::Dictionaries;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "attache-bench", about = "Corpus generator and throughput measurement for attache")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Write a seeded corpus of wire stories and transcripts as JSONL.
    Corpus {
        /// Write documents until this many sentences are written.
        #[arg(long, default_value_t = 100_000)]
        sentences: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output file (default: standard output).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Code a corpus with the real `attache code` (file in, JSONL out) at
    /// each thread count, then scan the same bytes with the baseline.
    Throughput {
        /// A JSONL corpus (see `corpus`).
        #[arg(long)]
        corpus: PathBuf,
        /// Thread counts to run, comma-separated.
        #[arg(long, default_value = "1,2", value_delimiter = ',')]
        threads: Vec<usize>,
        /// Runs per configuration; the median is reported.
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// The attache binary (default: next to this one).
        #[arg(long)]
        attache: Option<PathBuf>,
        /// Where `attache code` writes its events.
        #[arg(long, default_value = "/dev/null")]
        events_out: PathBuf,
    },
    /// Only the baseline: one Aho-Corasick pass over a corpus.
    Scan {
        #[arg(long)]
        corpus: PathBuf,
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Print each run as "seconds matches patterns" (how `throughput`
        /// reads the runs it asks of a process of its own).
        #[arg(long, hide = true)]
        raw: bool,
    },
}

fn main() -> ExitCode {
    let r = match Cli::parse().command {
        Cmd::Corpus { sentences, seed, output } => write_corpus(sentences, seed, output.as_deref()),
        Cmd::Throughput { corpus, threads, runs, attache, events_out } => {
            throughput(&corpus, &threads, runs.max(1), attache, &events_out)
        }
        Cmd::Scan { corpus, runs, raw } => scan(&corpus, runs.max(1), raw),
    };
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("attache-bench: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn write_corpus(sentences: usize, seed: u64, output: Option<&Path>) -> anyhow::Result<()> {
    let out: Box<dyn Write> = match output {
        Some(p) => Box::new(File::create(p).with_context(|| format!("creating {}", p.display()))?),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = BufWriter::with_capacity(1 << 20, out);
    let s = corpus::write_jsonl(seed, sentences, &mut out)?;
    out.flush()?;
    eprintln!("attache-bench: {} documents, {} sentences, {} bytes (seed {seed})", s.documents, s.sentences, s.bytes);
    Ok(())
}

/// What one `attache code --stats` run reported, and what we measured.
#[derive(Clone, Debug, Default)]
struct Run {
    wall: Duration,
    max_rss_kb: u64,
    documents: u64,
    sentences: u64,
    events: u64,
    bytes: u64,
    load_ms: f64,
}

fn median<T: Copy + PartialOrd>(mut v: Vec<T>) -> T {
    v.sort_by(|a, b| a.partial_cmp(b).expect("comparable"));
    v[v.len() / 2]
}

fn run_attache(attache: &Path, corpus: &Path, threads: usize, events_out: &Path) -> anyhow::Result<Run> {
    let mut cmd = Command::new(attache);
    cmd.arg("code")
        .arg("--stats")
        .arg("--threads")
        .arg(threads.to_string())
        .arg("--output")
        .arg(events_out)
        .arg(corpus)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if threads == 1 {
        // "One core" means one: the coder's reading, writing and loading
        // threads share the CPU its worker runs on.
        use std::os::unix::process::CommandExt;
        // SAFETY: between fork and exec the closure only calls
        // sched_setaffinity on the child itself, which is async-signal-safe.
        unsafe {
            cmd.pre_exec(|| {
                let mut set: libc::cpu_set_t = std::mem::zeroed();
                libc::CPU_SET(0, &mut set);
                if libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    let start = Instant::now();
    let mut child = cmd.spawn().with_context(|| format!("running {}", attache.display()))?;
    let mut stderr = String::new();
    child.stderr.take().expect("piped").read_to_string(&mut stderr)?;
    // wait4, not Child::wait: the child's own peak resident memory comes with it.
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the pid is our child's, not yet reaped; status and usage are valid for writes.
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    if pid < 0 {
        bail!("waiting for attache: {}", std::io::Error::last_os_error());
    }
    if !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        bail!("attache code failed ({status}):\n{stderr}");
    }
    let line = stderr
        .lines()
        .find(|l| l.starts_with("attache: stats "))
        .with_context(|| format!("no stats line from attache:\n{stderr}"))?;
    let mut r = Run { wall, max_rss_kb: usage.ru_maxrss as u64, ..Run::default() };
    for kv in line["attache: stats ".len()..].split_whitespace() {
        let Some((k, v)) = kv.split_once('=') else { continue };
        match k {
            "documents" => r.documents = v.parse()?,
            "sentences" => r.sentences = v.parse()?,
            "events" => r.events = v.parse()?,
            "bytes" => r.bytes = v.parse()?,
            "load_ms" => r.load_ms = v.parse()?,
            _ => {}
        }
    }
    Ok(r)
}

fn throughput(
    corpus: &Path,
    threads: &[usize],
    runs: usize,
    attache: Option<PathBuf>,
    events_out: &Path,
) -> anyhow::Result<()> {
    let attache = match attache {
        Some(p) => p,
        None => std::env::current_exe()?.with_file_name("attache"),
    };
    let size = std::fs::metadata(corpus).with_context(|| format!("reading {}", corpus.display()))?.len();
    let mb = size as f64 / 1e6;
    // Runs take turns: each round runs attache at every thread count and
    // the baseline right after the one-thread run, so that all of them meet
    // the same machine (its speed comes and goes by a tenth and more here).
    // The baseline runs in a process of its own: a child forked from a
    // process holding the automaton would count it in attache's peak memory.
    let base = Baseline { corpus, size };
    println!("corpus {} ({mb:.1} MB); attache {}; {runs} rounds, medians", corpus.display(), attache.display());
    println!(
        "{:>8} {:>9} {:>12} {:>9} {:>11} {:>9} {:>9}",
        "threads", "wall s", "sentences/s", "MB/s", "events/s", "peak MB", "load ms"
    );
    let mut one_thread_mbs = None;
    let mut base_runs = Vec::new();
    let mut by_threads: Vec<Vec<Run>> = vec![Vec::new(); threads.len()];
    for _ in 0..runs {
        for (&t, rs) in threads.iter().zip(&mut by_threads) {
            rs.push(run_attache(&attache, corpus, t, events_out)?);
            if t == 1 {
                base_runs.push(base.run()?);
            }
        }
    }
    let mut per_threads = Vec::new();
    for (&t, rs) in threads.iter().zip(by_threads) {
        let first = rs[0].clone();
        if rs.iter().any(|r| (r.sentences, r.events, r.documents) != (first.sentences, first.events, first.documents)) {
            bail!("runs disagree on counts: {rs:?}");
        }
        let wall = median(rs.iter().map(|r| r.wall.as_secs_f64()).collect());
        let peak = rs.iter().map(|r| r.max_rss_kb).max().unwrap_or(0) as f64 / 1024.0;
        let load = median(rs.iter().map(|r| r.load_ms).collect());
        let sps = first.sentences as f64 / wall;
        let mbs = mb / wall;
        println!(
            "{t:>8} {wall:>9.2} {sps:>12.0} {mbs:>9.2} {:>11.0} {peak:>9.1} {load:>9.1}",
            first.events as f64 / wall
        );
        if t == 1 {
            one_thread_mbs = Some(mbs);
        }
        per_threads.push((t, sps, first.clone()));
    }
    if let Some((_, _, r)) = per_threads.first() {
        println!(
            "coded {} documents, {} sentences, {} events ({:.0} bytes/sentence)",
            r.documents,
            r.sentences,
            r.events,
            size as f64 / r.sentences.max(1) as f64
        );
    }
    if let (Some((_, s1, _)), true) = (per_threads.iter().find(|p| p.0 == 1), per_threads.len() > 1) {
        for (t, s, _) in per_threads.iter().filter(|p| p.0 != 1) {
            println!("speed-up on {t} threads: {:.2}x", s / s1);
        }
    }
    if base_runs.is_empty() {
        // No one-thread runs to pair with: the baseline alone.
        for _ in 0..runs {
            base_runs.push(base.run()?);
        }
    }
    let base_mbs = base.report(base_runs);
    if let Some(m) = one_thread_mbs {
        println!("ratio (attache on 1 thread / baseline, runs alternated): {:.3}", m / base_mbs);
        println!("(one-thread runs are pinned to one CPU, every thread of the process with them: their load ms is the two-thread load on one core)");
    }
    Ok(())
}

/// The limit baseline over one corpus, each run in a process of its own.
struct Baseline<'a> {
    corpus: &'a Path,
    size: u64,
}

/// One run of the baseline.
struct ScanRun {
    wall: f64,
    matches: usize,
    patterns: usize,
}

impl Baseline<'_> {
    fn run(&self) -> anyhow::Result<ScanRun> {
        let exe = std::env::current_exe()?;
        let out = Command::new(&exe)
            .args(["scan", "--raw", "--runs", "1", "--corpus"])
            .arg(self.corpus)
            .stdin(Stdio::null())
            .output()?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        anyhow::ensure!(out.status.success(), "the baseline failed: {}", String::from_utf8_lossy(&out.stderr));
        let fields: Vec<&str> = stdout.split_whitespace().collect();
        match fields[..] {
            [wall, matches, patterns] => {
                Ok(ScanRun { wall: wall.parse()?, matches: matches.parse()?, patterns: patterns.parse()? })
            }
            _ => bail!("the baseline printed {stdout:?}"),
        }
    }

    /// Prints the median of `runs` and returns it as MB/s.
    fn report(&self, runs: Vec<ScanRun>) -> f64 {
        let (matches, patterns) = runs.first().map_or((0, 0), |r| (r.matches, r.patterns));
        let wall = median(runs.iter().map(|r| r.wall).collect());
        let mbs = self.size as f64 / 1e6 / wall;
        println!("baseline: Aho-Corasick scan, {patterns} patterns, {matches} matches: {wall:.2} s, {mbs:.1} MB/s");
        mbs
    }
}

/// Runs the baseline `runs` times over `corpus` in this process; prints the
/// median MB/s, or with `raw` each run's seconds, matches and patterns.
fn scan(corpus: &Path, runs: usize, raw: bool) -> anyhow::Result<()> {
    let size = std::fs::metadata(corpus).with_context(|| format!("reading {}", corpus.display()))?.len();
    let src = Dictionaries::builtin_source()
        .map_err(|(_, p)| anyhow::anyhow!("built-in dictionaries: {} problems", p.len()))?;
    let dicts =
        Dictionaries::compile(src.clone()).map_err(|p| anyhow::anyhow!("built-in dictionaries: {} errors", p.len()))?;
    let scan = ScanBaseline::new(&src, &dicts);
    let mut runs_done = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let (bytes, matches) = scan.scan_file(corpus)?;
        let wall = t.elapsed().as_secs_f64();
        anyhow::ensure!(bytes == size, "read {bytes} of {size} bytes");
        if raw {
            println!("{wall} {matches} {}", scan.patterns);
        }
        runs_done.push(ScanRun { wall, matches, patterns: scan.patterns });
    }
    if !raw {
        Baseline { corpus, size }.report(runs_done);
    }
    Ok(())
}
