//! CPU cost of the ingest benchmark's work, for comparing versions on a
//! shared machine where wall time swings with other load: the same
//! writes as `benches/store.rs` (`ingest`), timed by this thread's CPU
//! time (SQLite runs on the calling thread) as well as by the clock.
//!
//! ```text
//! cargo run --release -p attache-store --example ingest_cpu [write|bulk] [REPS]
//! ```
//!
//! `DOCS=2500` writes fewer documents (20 events each), e.g. to count
//! instructions under `valgrind --tool=callgrind`, which is exact where
//! CPU time still wavers with the machine's load.

use std::time::Instant;

use attache_store::synthetic::{Generator, EVENTS_PER_DOC};
use attache_store::{RunConfig, Store};

/// Nanoseconds this thread has spent on a CPU (Linux).
fn thread_cpu_ns() -> u64 {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").expect("Linux schedstat");
    s.split_whitespace().next().and_then(|n| n.parse().ok()).expect("schedstat field")
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "bulk".into());
    let reps: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(5);
    let docs: usize = std::env::var("DOCS").ok().and_then(|d| d.parse().ok()).unwrap_or(10_000);
    let mut gen = Generator::new(7);
    let corpus: Vec<_> = (0..docs).map(|i| gen.document(i)).collect();
    let events = (docs * EVENTS_PER_DOC) as u64;
    let mut cpu = Vec::new();
    let mut wall = Vec::new();
    let mut index_cpu = Vec::new();
    for _ in 0..reps {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path().join("bench.db")).unwrap();
        let run = store
            .run_for(&RunConfig {
                attache_version: "bench".into(),
                dict_hash: "bench".into(),
                dict_files: vec![],
                options: serde_json::json!({}),
            })
            .unwrap();
        let (c0, t0) = (thread_cpu_ns(), Instant::now());
        let bulk = mode == "bulk" && store.begin_bulk(events).unwrap();
        let mut written = 0;
        for chunk in corpus.chunks(512) {
            written += store.write(run, chunk).unwrap().events;
        }
        let c1 = thread_cpu_ns();
        if bulk {
            store.finish_bulk().unwrap();
        }
        index_cpu.push((thread_cpu_ns() - c1) as f64 / 1e9);
        let (c, t) = ((thread_cpu_ns() - c0) as f64 / 1e9, t0.elapsed().as_secs_f64());
        assert_eq!(written, events);
        cpu.push(events as f64 / c);
        wall.push(events as f64 / t);
        drop(store);
    }
    let best = |v: &[f64]| v.iter().cloned().fold(0.0, f64::max);
    let median = |v: &mut Vec<f64>| {
        v.sort_by(|a, b| a.total_cmp(b));
        v[v.len() / 2]
    };
    println!(
        "{mode}: {:.0} events per CPU-second (best; median {:.0}), {:.0} events/s wall (best; median {:.0}), {reps} runs",
        best(&cpu),
        median(&mut cpu.clone()),
        best(&wall),
        median(&mut wall.clone())
    );
    println!("  of which finish_bulk: {:.3} CPU-s (median)", median(&mut index_cpu));
}
