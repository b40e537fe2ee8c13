//! Criterion benches per pipeline stage and end to end, on a fixed
//! generated corpus (seed 7, 2,000 sentences of wire stories and
//! transcripts). Each bench asserts the count it produces, so a stage that
//! silently stops working fails the bench instead of getting faster.
//!
//! When a change to the dictionaries or the rules moves a count on purpose,
//! update the `EXPECT_*` constant it names (the failure prints the new
//! figure).

use std::hint::black_box;

use attache_bench::corpus;
use attache_core::actors::{chunk, find_mentions, ActorContext, ActorNp, Mention, Normalized};
use attache_core::dict::Dictionaries;
use attache_core::document::Document;
use attache_core::events::{code_sentence, SentenceInput, Work};
use attache_core::ingest::JsonlReader;
use attache_core::output::{EventWriter, OutputFormat};
use attache_core::pipeline::{self, Options};
use attache_core::text::{split_sentences, tokenize, Token};
use chrono::Datelike;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// The allocator the `attache` binary uses, so the figures are its figures.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SEED: u64 = 7;
const SENTENCES: usize = 2_000;

/// Documents in the corpus (ingest).
const EXPECT_DOCS: usize = 95;
/// Sentences and tokens found by `tokenize` + `split_sentences` on every line.
const EXPECT_SENTENCES: usize = 2_102;
const EXPECT_TOKENS: usize = 35_393;
/// Actor mentions and actor phrases (date-aware, no speaker context).
const EXPECT_MENTIONS: usize = 5_677;
const EXPECT_ACTOR_PHRASES: usize = 4_251;
/// Sentences the pipeline codes (headlines, datelines and labels apart).
const EXPECT_PIPELINE_SENTENCES: usize = 2_102;
/// Events of `code_sentence` over the pipeline's own sentences.
const EXPECT_RAW_EVENTS: usize = 1_366;
/// Event records written by the whole pipeline (JSONL lines).
const EXPECT_EVENTS: usize = 1_366;

fn expect(what: &str, got: usize, want: usize) {
    assert_eq!(got, want, "the {what} count changed: {got}, expected {want} (update EXPECT_* in benches/stages.rs if the change is intended)");
}

/// One sentence of the corpus, tokenized, with what the actor stage needs.
struct Sentence {
    doc: usize,
    tokens: Vec<Token>,
}

fn sentences_of(doc: &Document, di: usize, out: &mut Vec<Sentence>) -> usize {
    let text = doc.text.as_str();
    let mut toks = Vec::new();
    let mut ranges = Vec::new();
    let mut n = 0;
    for line in attache_core::meta::lines(text) {
        toks.clear();
        ranges.clear();
        tokenize(text, line, &mut toks);
        split_sentences(text, &toks, 0..toks.len(), &mut ranges);
        for r in &ranges {
            out.push(Sentence { doc: di, tokens: toks[r.clone()].to_vec() });
            n += 1;
        }
    }
    n
}

fn stages(c: &mut Criterion) {
    let dicts = Dictionaries::builtin().expect("built-in dictionaries");
    let (bytes, _) = corpus::jsonl(SEED, SENTENCES);
    let opts = Options::default();

    let mut g = c.benchmark_group("stages");
    g.sample_size(20);

    // Ingest: JSONL lines to validated documents.
    let docs: Vec<Document> = JsonlReader::new("bench", &bytes[..]).map(|d| d.expect("valid record")).collect();
    expect("document", docs.len(), EXPECT_DOCS);
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("ingest", |b| {
        b.iter(|| {
            let n = JsonlReader::new("bench", black_box(&bytes[..])).filter(|d| d.is_ok()).count();
            assert_eq!(n, EXPECT_DOCS);
        })
    });

    // Sentences and tokens: every paragraph line tokenized and split.
    let mut sents = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        sentences_of(d, i, &mut sents);
    }
    expect("sentence", sents.len(), EXPECT_SENTENCES);
    expect("token", sents.iter().map(|s| s.tokens.len()).sum(), EXPECT_TOKENS);
    g.throughput(Throughput::Elements(EXPECT_SENTENCES as u64));
    g.bench_function("sentences+tokens", |b| {
        let mut toks = Vec::new();
        let mut ranges = Vec::new();
        b.iter(|| {
            let (mut ns, mut nt) = (0, 0);
            for d in &docs {
                let text = d.text.as_str();
                for line in attache_core::meta::lines(text) {
                    toks.clear();
                    ranges.clear();
                    tokenize(text, line, &mut toks);
                    split_sentences(text, &toks, 0..toks.len(), &mut ranges);
                    ns += ranges.len();
                    nt += toks.len();
                }
            }
            assert_eq!((ns, nt), (EXPECT_SENTENCES, EXPECT_TOKENS));
        })
    });

    // Actors: normalising, matching and chunking every sentence.
    let count_actors = |norm: &mut Normalized, mentions: &mut Vec<Mention>, nps: &mut Vec<ActorNp>| {
        let (mut nm, mut nn) = (0, 0);
        for s in &sents {
            let d = &docs[s.doc];
            let ctx = ActorContext { date: d.given.date, speaker_code: None, named_people: &[], place_country: None };
            Normalized::build(&dicts.words, &d.text, &s.tokens, norm);
            find_mentions(&dicts, &d.text, &s.tokens, norm, &ctx, mentions);
            chunk(&d.text, &s.tokens, norm, mentions, &ctx, nps);
            nm += mentions.len();
            nn += nps.len();
        }
        (nm, nn)
    };
    {
        let (nm, nn) = count_actors(&mut Normalized::default(), &mut Vec::new(), &mut Vec::new());
        expect("mention", nm, EXPECT_MENTIONS);
        expect("actor phrase", nn, EXPECT_ACTOR_PHRASES);
    }
    g.bench_function("actors", |b| {
        let (mut norm, mut mentions, mut nps) = (Normalized::default(), Vec::new(), Vec::new());
        b.iter(|| {
            let counts = count_actors(&mut norm, &mut mentions, &mut nps);
            assert_eq!(counts, (EXPECT_MENTIONS, EXPECT_ACTOR_PHRASES));
        })
    });

    // Events: verb patterns, clauses and rules over the pipeline's own
    // sentences and actor phrases (speakers and turns included).
    let analyses: Vec<pipeline::Analysis> = docs.iter().map(|d| pipeline::analyze(&dicts, d, &opts)).collect();
    let pipeline_sentences: usize = analyses.iter().map(|a| a.sentences.len()).sum();
    expect("pipeline sentence", pipeline_sentences, EXPECT_PIPELINE_SENTENCES);
    g.throughput(Throughput::Elements(pipeline_sentences as u64));
    let norms: Vec<Vec<Normalized>> = analyses
        .iter()
        .zip(&docs)
        .map(|(a, d)| {
            a.sentences
                .iter()
                .map(|s| {
                    let mut n = Normalized::default();
                    Normalized::build(&dicts.words, &d.text, &a.tokens[s.tokens.clone()], &mut n);
                    n
                })
                .collect()
        })
        .collect();
    let code_all = |verbs: &mut Vec<_>, events: &mut Vec<_>| {
        let mut n = 0;
        let mut work = Work::default();
        for ((a, d), norms) in analyses.iter().zip(&docs).zip(&norms) {
            for (s, norm) in a.sentences.iter().zip(norms) {
                let input = SentenceInput {
                    doc: &d.text,
                    tokens: &a.tokens[s.tokens.clone()],
                    norm,
                    nps: &s.actors,
                    speaker_code: s.speaker_code.as_deref(),
                    counterpart: a.counterpart.as_deref(),
                    press: s.turn.is_some_and(|t| a.turns[t].press),
                    headline: a.headline.as_ref().is_some_and(|h| h.start <= s.span.start && s.span.end <= h.end),
                    statements: opts.statements,
                    joint_compounds: !opts.no_joint_compounds,
                    year: a.date.map(|d| d.year()),
                    pronoun: None,
                };
                code_sentence(&dicts, &input, verbs, events, &mut work);
                n += events.len();
            }
        }
        n
    };
    expect("raw event", code_all(&mut Vec::new(), &mut Vec::new()), EXPECT_RAW_EVENTS);
    g.bench_function("events", |b| {
        let (mut verbs, mut events) = (Vec::new(), Vec::new());
        b.iter(|| assert_eq!(code_all(&mut verbs, &mut events), EXPECT_RAW_EVENTS))
    });

    // End to end on one thread: JSONL bytes in, JSONL events out.
    let end_to_end = |out: &mut Vec<u8>| {
        out.clear();
        let mut w = EventWriter::new(out, OutputFormat::Jsonl);
        let mut n = 0;
        for d in JsonlReader::new("bench", &bytes[..]) {
            for e in pipeline::code(&dicts, &d.expect("valid record"), &opts) {
                w.write(&e).expect("writing to memory");
                n += 1;
            }
        }
        n
    };
    let mut out = Vec::new();
    expect("event", end_to_end(&mut out), EXPECT_EVENTS);
    expect("JSONL line", out.iter().filter(|&&b| b == b'\n').count(), EXPECT_EVENTS);
    g.bench_function("end-to-end", |b| b.iter(|| assert_eq!(end_to_end(&mut out), EXPECT_EVENTS)));
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
