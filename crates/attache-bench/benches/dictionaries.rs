//! Loading dictionaries: our built-in set (embedded files read and
//! compiled) and the Phoenix set read from disk and compiled, when a copy
//! is present next to the project (`../shared/dictionaries/phoenix`).
//! Each asserts what it compiled.

use std::hint::black_box;
use std::path::Path;

use attache_core::dict::Dictionaries;
use criterion::{criterion_group, criterion_main, Criterion};

/// The allocator the `attache` binary uses, so the figures are its figures.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PHOENIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/dictionaries/phoenix");

/// Our verb patterns and people: a dictionary that fails to load, or loads
/// half, fails the bench.
const BUILTIN_MIN_PATTERNS: usize = 10_000;
const BUILTIN_MIN_PEOPLE: usize = 1_000;
const PHOENIX_MIN_PATTERNS: usize = 10_000;

fn dictionaries(c: &mut Criterion) {
    let mut g = c.benchmark_group("dictionaries");
    g.sample_size(20);
    // `iter_with_large_drop`: freeing the dictionaries (at exit, for the
    // CLI) is not part of loading them, and is left out of the timing.
    g.bench_function("builtin", |b| {
        b.iter_with_large_drop(|| {
            let d = Dictionaries::builtin().expect("built-in dictionaries");
            assert!(d.verbs.patterns.len() >= BUILTIN_MIN_PATTERNS && d.actors.people.len() >= BUILTIN_MIN_PEOPLE);
            black_box(d)
        })
    });
    let dir = Path::new(PHOENIX);
    if dir.is_dir() {
        g.sample_size(10);
        g.bench_function("phoenix", |b| {
            b.iter_with_large_drop(|| {
                let (src, _) = Dictionaries::read_dir(dir);
                let (d, _) = Dictionaries::compile_checked(src);
                assert!(d.verbs.patterns.len() >= PHOENIX_MIN_PATTERNS, "{} Phoenix patterns", d.verbs.patterns.len());
                black_box(d)
            })
        });
    } else {
        eprintln!("dictionaries/phoenix: skipped, no {}", dir.display());
    }
    g.finish();
}

criterion_group!(benches, dictionaries);
criterion_main!(benches);
