//! Generated documents and events for the benchmarks (feature `fixtures`):
//! deterministic, shaped like coded news (a few large dyads, many small
//! ones, 25 years of dates), and as many as asked for.

use std::path::Path;
use std::time::{Duration, Instant};

use attache_core::document::Document;
use attache_core::output::{ActorOut, Event, VerbOut};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::coded::{document_hash, CodedDocument, SentenceRow, TurnRow};
use crate::error::Result;
use crate::store::{RunConfig, Store};

/// Sentences per generated document, and events per sentence.
pub const SENTENCES: usize = 10;
pub const EVENTS_PER_SENTENCE: usize = 2;
pub const EVENTS_PER_DOC: usize = SENTENCES * EVENTS_PER_SENTENCE;

/// Countries, most reported first: the weight of rank r is 1 / r.
const COUNTRIES: &[(&str, &str)] = &[
    ("USA", "the United States"),
    ("RUS", "Russia"),
    ("CHN", "China"),
    ("UKR", "Ukraine"),
    ("GBR", "Britain"),
    ("FRA", "France"),
    ("DEU", "Germany"),
    ("JPN", "Japan"),
    ("IND", "India"),
    ("IRN", "Iran"),
    ("ISR", "Israel"),
    ("TUR", "Turkey"),
    ("SYR", "Syria"),
    ("PRK", "North Korea"),
    ("KOR", "South Korea"),
    ("SAU", "Saudi Arabia"),
    ("PAK", "Pakistan"),
    ("AFG", "Afghanistan"),
    ("IRQ", "Iraq"),
    ("EGY", "Egypt"),
    ("BRA", "Brazil"),
    ("CAN", "Canada"),
    ("AUS", "Australia"),
    ("ITA", "Italy"),
    ("ESP", "Spain"),
    ("POL", "Poland"),
    ("BLR", "Belarus"),
    ("KAZ", "Kazakhstan"),
    ("VNM", "Vietnam"),
    ("PHL", "the Philippines"),
    ("IDN", "Indonesia"),
    ("MEX", "Mexico"),
    ("VEN", "Venezuela"),
    ("CUB", "Cuba"),
    ("NGA", "Nigeria"),
    ("ZAF", "South Africa"),
    ("ETH", "Ethiopia"),
    ("QAT", "Qatar"),
    ("ARE", "the Emirates"),
    ("GEO", "Georgia"),
];

/// (code, PLOVER, QuadClass, Goldstein, verb)
const CODES: &[(&str, Option<&str>, u8, f32, &str)] = &[
    ("010", None, 1, 0.0, "spoke about"),
    ("020", None, 1, 1.0, "urged"),
    ("036", Some("AGREE"), 1, 2.5, "offered talks to"),
    ("040", Some("CONSULT"), 1, 1.0, "consulted"),
    ("042", Some("CONSULT"), 1, 1.9, "visited"),
    ("046", Some("CONSULT"), 1, 4.0, "negotiated with"),
    ("051", Some("SUPPORT"), 1, 3.5, "praised"),
    ("057", Some("AGREE"), 1, 8.0, "signed a treaty with"),
    ("061", Some("COOPERATE"), 2, 6.4, "traded with"),
    ("071", Some("AID"), 2, 7.4, "sent aid to"),
    ("111", Some("ACCUSE"), 3, -3.5, "criticised"),
    ("112", Some("ACCUSE"), 3, -4.0, "accused"),
    ("114", Some("ACCUSE"), 3, -3.0, "protested to"),
    ("120", Some("REJECT"), 3, -3.5, "rejected"),
    ("130", Some("THREATEN"), 3, -4.4, "threatened"),
    ("163", Some("SANCTION"), 4, -8.0, "imposed an embargo on"),
    ("172", Some("COERCE"), 4, -5.0, "expelled diplomats of"),
    ("190", Some("ASSAULT"), 4, -10.0, "attacked"),
];

/// A small fast generator (xorshift64*): the same seed, the same corpus.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A country index, rank-weighted (1/r).
    fn country(&mut self, cumulative: &[f64]) -> usize {
        let x = (self.next() >> 11) as f64 / (1u64 << 53) as f64 * cumulative[cumulative.len() - 1];
        cumulative.partition_point(|&c| c < x).min(cumulative.len() - 1)
    }
}

/// Generates documents `first..first + n` of the corpus of `seed`.
pub struct Generator {
    rng: Rng,
    cumulative: Vec<f64>,
    start: NaiveDate,
    days: usize,
    /// Documents per day, in date order; `None`: dates at random.
    per_day: Option<usize>,
}

impl Generator {
    pub fn new(seed: u64) -> Generator {
        let mut acc = 0.0;
        let cumulative = (1..=COUNTRIES.len())
            .map(|r| {
                acc += 1.0 / r as f64;
                acc
            })
            .collect();
        let start = NaiveDate::from_ymd_opt(2000, 1, 1).expect("date");
        let days = (NaiveDate::from_ymd_opt(2025, 1, 1).expect("date") - start).num_days() as usize;
        Generator { rng: Rng(seed.wrapping_mul(2_654_435_761).max(1)), cumulative, start, days, per_day: None }
    }

    /// Documents in date order, `per_day` a day from 2000-01-01 on (as an
    /// archive is read or a daily feed arrives), instead of random dates.
    pub fn chronological(seed: u64, per_day: usize) -> Generator {
        Generator { per_day: Some(per_day.max(1)), ..Generator::new(seed) }
    }

    /// Document number `i`.
    pub fn document(&mut self, i: usize) -> CodedDocument {
        let day = match self.per_day {
            Some(n) => i / n,
            None => self.rng.below(self.days),
        };
        let date = self.start + chrono::TimeDelta::days(day as i64);
        let date_s = date.to_string();
        let name = format!("synthetic-{i:09}.txt");
        let mut text = String::with_capacity(SENTENCES * 64);
        let mut sentences = Vec::with_capacity(SENTENCES);
        let mut events = Vec::with_capacity(EVENTS_PER_DOC);
        for s in 0..SENTENCES {
            let a = self.rng.country(&self.cumulative);
            let mut b = self.rng.country(&self.cumulative);
            if b == a {
                b = (a + 1 + self.rng.below(COUNTRIES.len() - 1)) % COUNTRIES.len();
            }
            let (code, plover, quad, goldstein, verb) = CODES[self.rng.below(CODES.len())];
            let start = text.len();
            text.push_str(COUNTRIES[a].1);
            text.push(' ');
            let verb_at = text.len();
            text.push_str(verb);
            text.push(' ');
            text.push_str(COUNTRIES[b].1);
            text.push_str(&format!(" (item {i}.{s})."));
            let end = text.len();
            text.push(' ');
            sentences.push(SentenceRow {
                index: s,
                span: [start, end],
                turn: Some(0),
                speaker: None,
                speaker_code: None,
            });
            for k in 0..EVENTS_PER_SENTENCE {
                // The second event of a sentence: the reaction, the other way round.
                let (src, tgt) = if k == 0 { (a, b) } else { (b, a) };
                let role = if self.rng.below(2) == 0 { "GOV" } else { "" };
                events.push(Event {
                    id: name.clone(),
                    doc: name.clone(),
                    date: Some(date_s.clone()),
                    sentence_index: s,
                    sentence: text[start..end].to_string(),
                    speaker: None,
                    source: ActorOut::new(format!("{}{role}", COUNTRIES[src].0), COUNTRIES[src].1.to_string()),
                    target: Some(ActorOut::new(COUNTRIES[tgt].0.to_string(), COUNTRIES[tgt].1.to_string())),
                    cameo: code.to_string(),
                    root: code[..2].to_string(),
                    plover: plover.map(str::to_string),
                    quad_class: quad,
                    goldstein,
                    location: None,
                    span: [start, end],
                    rule: "synthetic".to_string(),
                    verb: VerbOut { text: verb.to_string(), span: [verb_at, verb_at + verb.len()] },
                });
            }
        }
        let len = text.len();
        let doc = Document::new(name, text);
        CodedDocument {
            hash: document_hash(&doc),
            doc,
            date: Some(date),
            place: None,
            turns: vec![TurnRow {
                index: 0,
                span: [0, len],
                label: None,
                speaker: None,
                speaker_code: None,
                press: false,
            }],
            sentences,
            events,
        }
    }
}

/// What a generated store holds, for benchmarks to check their answers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub documents: u64,
    pub events: u64,
    /// Events from Russia to the United States (the largest dyad but one).
    pub rus_usa: u64,
    /// How long writing took, and the rate.
    pub write_seconds: f64,
    pub events_per_second: f64,
}

/// Writes `events` generated events (rounded up to whole documents) into
/// a new store at `path`, `batch` documents per transaction.
pub fn build(path: &Path, events: u64, batch: usize, mut progress: impl FnMut(u64)) -> Result<Summary> {
    let mut store = Store::open(path)?;
    let run = store.run_for(&RunConfig {
        attache_version: env!("CARGO_PKG_VERSION").into(),
        dict_hash: "synthetic".into(),
        dict_files: vec![],
        options: serde_json::json!({}),
    })?;
    let docs = events.div_ceil(EVENTS_PER_DOC as u64) as usize;
    let mut gen = Generator::new(1);
    let mut summary = Summary::default();
    let mut spent = Duration::ZERO;
    let mut i = 0;
    while i < docs {
        let n = batch.min(docs - i);
        let coded: Vec<CodedDocument> = (i..i + n).map(|k| gen.document(k)).collect();
        for c in &coded {
            summary.rus_usa += c
                .events
                .iter()
                .filter(|e| {
                    e.source.country.as_deref() == Some("RUS")
                        && e.target.as_ref().and_then(|t| t.country.as_deref()) == Some("USA")
                })
                .count() as u64;
        }
        let t = Instant::now();
        let s = store.write(run, &coded)?;
        spent += t.elapsed();
        summary.documents += s.new_documents;
        summary.events += s.events;
        i += n;
        progress(summary.events);
    }
    let t = Instant::now();
    store.optimize()?;
    spent += t.elapsed();
    summary.write_seconds = spent.as_secs_f64();
    summary.events_per_second = summary.events as f64 / summary.write_seconds;
    Ok(summary)
}
