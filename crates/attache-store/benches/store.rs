//! Event store benchmarks (numbers and how to read them: docs/BENCHMARKS.md).
//!
//! - `ingest`: `Store::write` of generated coded documents into a new file
//!   store, 512 documents (10,240 events) per transaction, with the dyad
//!   index kept up to date (`write_200k_events`) or as a bulk load that
//!   builds it at the end (`bulk_200k_events`, what `attache ingest` does
//!   for a large input into a small store). Throughput is events per
//!   second; the goal is ≥ 200,000.
//! - `series`: the monthly series (count, mean Goldstein) of one dyad over
//!   a generated store of `ATTACHE_BENCH_EVENTS` events (default
//!   10,000,000; the store is built once and kept in
//!   `target/bench-store/`). The goal is ≤ 200 ms at 10M.
//!
//! Each benchmark checks its answer (event counts), so one that silently
//! stops doing the work fails instead of getting faster.
//!
//! ```text
//! cargo bench -p attache-store --bench store
//! ATTACHE_BENCH_EVENTS=1000000 cargo bench -p attache-store --bench store -- series
//! ```

use std::path::PathBuf;
use std::time::{Duration, Instant};

use attache_store::synthetic::{self, Generator, Summary, EVENTS_PER_DOC};
use attache_store::{Filter, Period, RunConfig, Store};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};

const BATCH: usize = 512;

fn bench_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("bench-store");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A new, empty store in a directory of its own, and a run to write to.
fn new_store() -> (tempfile::TempDir, Store, i64) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("bench.db")).unwrap();
    let config = RunConfig {
        attache_version: "bench".into(),
        dict_hash: "bench".into(),
        dict_files: vec![],
        options: serde_json::json!({}),
    };
    let run = store.run_for(&config).unwrap();
    (dir, store, run)
}

fn ingest(c: &mut Criterion) {
    // 200,000 events: 10,000 documents of 10 sentences and 20 events.
    let docs = 10_000;
    let mut gen = Generator::new(7);
    let corpus: Vec<_> = (0..docs).map(|i| gen.document(i)).collect();
    let events = (docs * EVENTS_PER_DOC) as u64;
    let mut g = c.benchmark_group("ingest");
    g.sample_size(10).measurement_time(Duration::from_secs(20)).throughput(Throughput::Elements(events));
    g.bench_function("write_200k_events", |b| {
        b.iter_batched(
            new_store,
            |(dir, mut store, run)| {
                let mut written = 0;
                for chunk in corpus.chunks(BATCH) {
                    written += store.write(run, chunk).unwrap().events;
                }
                assert_eq!(written, events);
                (dir, store)
            },
            BatchSize::PerIteration,
        )
    });
    // The same into a new store as a bulk load: no dyad index while
    // writing, one sort to build it at the end (timed too).
    g.bench_function("bulk_200k_events", |b| {
        b.iter_batched(
            new_store,
            |(dir, mut store, run)| {
                assert!(store.begin_bulk(events).unwrap());
                let mut written = 0;
                for chunk in corpus.chunks(BATCH) {
                    written += store.write(run, chunk).unwrap().events;
                }
                store.finish_bulk().unwrap();
                assert_eq!(written, events);
                (dir, store)
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

/// The generated store of `n` events, built on first use.
fn generated_store(n: u64) -> (PathBuf, Summary) {
    let path = bench_dir().join(format!("events-{n}.db"));
    let meta = path.with_extension("json");
    if let (true, Ok(text)) = (path.exists(), std::fs::read_to_string(&meta)) {
        return (path, serde_json::from_str(&text).unwrap());
    }
    for p in [path.clone(), path.with_extension("db-wal"), path.with_extension("db-shm"), meta.clone()] {
        let _ = std::fs::remove_file(p);
    }
    eprintln!("generating {n} events into {} (once; kept for later runs)", path.display());
    let t = Instant::now();
    let mut last = Instant::now();
    let summary = synthetic::build(&path, n, BATCH, |done| {
        if last.elapsed() > Duration::from_secs(10) {
            eprintln!("  {done} events, {:.0} s", t.elapsed().as_secs_f64());
            last = Instant::now();
        }
    })
    .unwrap();
    eprintln!(
        "generated {} events in {} documents: writing took {:.1} s = {:.0} events/s (generation included: {:.1} s)",
        summary.events,
        summary.documents,
        summary.write_seconds,
        summary.events_per_second,
        t.elapsed().as_secs_f64()
    );
    std::fs::write(&meta, serde_json::to_string_pretty(&summary).unwrap()).unwrap();
    (path, summary)
}

fn series(c: &mut Criterion) {
    let n: u64 =
        std::env::var("ATTACHE_BENCH_EVENTS").ok().and_then(|v| v.replace('_', "").parse().ok()).unwrap_or(10_000_000);
    let (path, summary) = generated_store(n);
    let store = Store::open_read_only(&path).unwrap();
    let rus_usa = Filter { source: Some("RUS".into()), target: Some("USA".into()), ..Filter::default() };
    let mut g = c.benchmark_group("series");
    g.sample_size(20);
    g.bench_function(format!("monthly_dyad_rus_usa_{}M", n as f64 / 1e6), |b| {
        b.iter(|| {
            let s = store.series(&rus_usa, Period::Month).unwrap();
            assert_eq!(s.iter().map(|p| p.count).sum::<u64>(), summary.rus_usa);
            s
        })
    });
    // A small dyad: few index entries to read.
    let small = Filter { source: Some("GEO".into()), target: Some("CUB".into()), ..Filter::default() };
    g.bench_function(format!("monthly_dyad_geo_cub_{}M", n as f64 / 1e6), |b| {
        b.iter(|| store.series(&small, Period::Month).unwrap())
    });
    g.finish();
}

criterion_group!(benches, ingest, series);
criterion_main!(benches);
