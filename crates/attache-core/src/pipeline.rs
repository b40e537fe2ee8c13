//! The pipeline: a [`Document`] in, an [`Analysis`] (everything the stages
//! saw, as ranges into the text) and [`Event`]s out. Each stage is a plain
//! function; nothing here keeps state between documents.

use std::borrow::Cow;
use std::ops::Range;

use chrono::{Datelike, NaiveDate};
use compact_str::format_compact;
use serde::Serialize;

use crate::actors::{chunk, find_mentions, ActorContext, ActorNp, Code, Mention, MentionKind, Normalized};
use crate::dict::Dictionaries;
use crate::document::Document;
use crate::events::{code_sentence, RawEvent, SentenceInput, VerbMatch, Work};
use crate::meta::{self, Dropped};
use crate::ontology::CameoCode;
use crate::output::{country_and_role, write_json_fields, ActorFields, DocFields, Event, EventFields};
use crate::text::{split_sentences, tokenize, Token};
use crate::turns::{self, ResolveSpeaker, Turn};

/// Caller's options for coding.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// A date that wins over any other (`--date`).
    pub date: Option<NaiveDate>,
    /// Also code statements (CAMEO root 01: "X said", "X expressed optimism").
    pub statements: bool,
    /// Code "X and Y agreed/met" with no target for each (PLOVER's
    /// annotators' habit) instead of X→Y and Y→X.
    pub no_joint_compounds: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct SentenceAnalysis {
    pub index: usize,
    pub span: Range<usize>,
    /// Range into [`Analysis::tokens`].
    pub tokens: Range<usize>,
    pub turn: Option<usize>,
    pub speaker: Option<String>,
    pub speaker_code: Option<String>,
    pub mentions: Vec<Mention>,
    pub actors: Vec<ActorNp>,
    pub verbs: Vec<VerbMatch>,
    pub events: Vec<RawEvent>,
}

/// What the pipeline saw in one document.
#[derive(Clone, Debug, Serialize)]
pub struct Analysis {
    pub doc: String,
    pub date: Option<NaiveDate>,
    /// Where the date came from: "option", "record", "text" or "none".
    pub date_from: &'static str,
    pub place: Option<String>,
    pub headline: Option<Range<usize>>,
    pub dateline: Option<Range<usize>>,
    pub dropped: Vec<Dropped>,
    pub main_speaker: Option<String>,
    pub main_speaker_code: Option<String>,
    pub counterpart: Option<String>,
    pub turns: Vec<Turn>,
    #[serde(skip)]
    pub tokens: Vec<Token>,
    pub sentences: Vec<SentenceAnalysis>,
}

const TRANSCRIPT_WORDS: &[&str] = &[
    "statement", "remarks", "news conference", "press conference", "interview", "briefing", "speech", "answers",
    "address", "comments", "transcript", "opening remarks", "press availability", "joint press", "q&a",
];

struct LabelResolver<'a> {
    dicts: &'a Dictionaries,
    date: Option<NaiveDate>,
}

impl ResolveSpeaker for LabelResolver<'_> {
    fn speaker_code(&self, label: &str) -> Option<String> {
        let ctx = ActorContext { date: self.date, speaker_code: None, named_people: &[], place_country: None };
        let (mentions, nps) = actors_of(self.dicts, label, &ctx);
        if let Some(np) = nps.iter().find(|np| np.code.is_some() && !np.first_person) {
            return np.code.as_deref().map(str::to_string);
        }
        let _ = mentions;
        // "MR PRICE", "SECRETARY BLINKEN": a surname among the people in office.
        let last = label.split_whitespace().last()?.trim_end_matches('.').to_lowercase();
        let hits: Vec<&crate::dict::Person> = self
            .dicts
            .actors
            .people
            .iter()
            .filter(|p| p.name.split_whitespace().last().is_some_and(|w| w.to_lowercase() == last))
            .filter(|p| self.date.is_none_or(|d| p.has_term_on(d)))
            .collect();
        (hits.len() == 1).then(|| hits[0].code_on(self.date).map(str::to_string)).flatten()
    }
}

/// Mentions and actor phrases of a short standalone text (a label, a headline).
fn actors_of(dicts: &Dictionaries, text: &str, ctx: &ActorContext<'_>) -> (Vec<Mention>, Vec<ActorNp>) {
    // About a token per five bytes of a headline or label.
    let mut toks = Vec::with_capacity(text.len() / 4 + 1);
    tokenize(text, 0..text.len(), &mut toks);
    let mut norm = Normalized::default();
    Normalized::build(&dicts.words, text, &toks, &mut norm);
    let mut mentions = Vec::new();
    find_mentions(dicts, text, &toks, &norm, ctx, &mut mentions);
    let mut nps = Vec::new();
    chunk(text, &toks, &norm, &mentions, ctx, &mut nps);
    (mentions, nps)
}

/// What is decided about a document before its sentences are coded.
struct Prepared {
    date: Option<NaiveDate>,
    date_from: &'static str,
    meta: meta::TextMeta,
    dropped: Vec<Dropped>,
    main_speaker: Option<(String, Option<String>)>,
    counterpart: Option<Code>,
    turns: Vec<Turn>,
    /// The country of the dateline's place.
    place_country: Option<Code>,
}

/// Working buffers of the sentence stages, kept from one sentence and one
/// document to the next so that coding allocates little per sentence.
#[derive(Default)]
pub struct Scratch {
    tokens: Vec<Token>,
    /// Token ranges of the sentences, with their turn.
    sentences: Vec<(Range<usize>, Option<usize>)>,
    split: Vec<Range<usize>>,
    /// Per sentence of a batch ([`BATCH`]): its normalised tokens,
    /// mentions and actor phrases.
    norms: Vec<Normalized>,
    mentions: Vec<Vec<Mention>>,
    nps: Vec<Vec<ActorNp>>,
    /// Per sentence of a batch: its verb matches and events.
    verbs: Vec<Vec<VerbMatch>>,
    events: Vec<Vec<RawEvent>>,
    work: Work,
    named_people: Vec<u32>,
    records: Vec<Event>,
}

/// One sentence as the stages saw it (views into the [`Scratch`]).
struct Sentence<'a> {
    index: usize,
    span: Range<usize>,
    tokens: Range<usize>,
    /// The sentence's tokens (`tokens` of the document's).
    toks: &'a [Token],
    turn: Option<usize>,
    speaker: Option<&'a str>,
    speaker_code: Option<&'a str>,
    mentions: &'a mut Vec<Mention>,
    nps: &'a mut Vec<ActorNp>,
    verbs: &'a mut Vec<VerbMatch>,
    events: &'a mut Vec<RawEvent>,
}

/// Runs every stage on `doc`.
pub fn analyze(dicts: &Dictionaries, doc: &Document, opts: &Options) -> Analysis {
    let mut s = Scratch::default();
    let p = prepare(dicts, doc, opts, &mut s);
    let mut sentences = Vec::with_capacity(s.sentences.len());
    code_sentences(dicts, doc, opts, &p, &mut s, |c| {
        sentences.push(SentenceAnalysis {
            index: c.index,
            span: c.span,
            tokens: c.tokens,
            turn: c.turn,
            speaker: c.speaker.map(str::to_string),
            speaker_code: c.speaker_code.map(str::to_string),
            mentions: std::mem::take(c.mentions),
            actors: std::mem::take(c.nps),
            verbs: std::mem::take(c.verbs),
            events: std::mem::take(c.events),
        })
    });
    Analysis {
        doc: doc.id.clone(),
        date: p.date,
        date_from: p.date_from,
        place: p.meta.place,
        headline: p.meta.headline,
        dateline: p.meta.dateline,
        dropped: p.dropped,
        main_speaker: p.main_speaker.as_ref().map(|m| m.0.clone()),
        main_speaker_code: p.main_speaker.and_then(|m| m.1),
        counterpart: p.counterpart.map(String::from),
        turns: p.turns,
        tokens: s.tokens,
        sentences,
    }
}

/// Metadata, participants, turns, and the document's tokens and sentences
/// (into `s.tokens` and `s.sentences`).
fn prepare(dicts: &Dictionaries, doc: &Document, opts: &Options, s: &mut Scratch) -> Prepared {
    let text = doc.text.as_str();
    let year_hint = opts.date.or(doc.given.date).map(|d| d.year());
    let meta::Reading { meta: tm, dropped, lines } = meta::read_document(text, year_hint);
    let (date, date_from) = match (opts.date, doc.given.date, tm.date) {
        (Some(d), _, _) => (Some(d), "option"),
        (None, Some(d), _) => (Some(d), "record"),
        (None, None, Some(d)) => (Some(d), "text"),
        _ => (None, "none"),
    };

    // Participants: the main speaker and the counterpart from the headline.
    let mut main_speaker: Option<(String, Option<String>)> = None;
    let mut counterpart = None;
    let base_ctx = ActorContext { date, speaker_code: None, named_people: &[], place_country: None };
    if let Some(h) = &tm.headline {
        let head = &text[h.clone()];
        let lower = head.to_lowercase();
        // Only a transcript's headline names its main speaker (the first
        // person it names), and only then its counterpart: a news headline's
        // actors are not read here.
        let transcript = TRANSCRIPT_WORDS.iter().any(|w| lower.contains(w));
        let (mentions, nps) = if transcript { actors_of(dicts, head, &base_ctx) } else { (Vec::new(), Vec::new()) };
        let first_named = mentions.iter().find_map(|m| match &m.kind {
            MentionKind::Person { name, code, .. } => Some((name, code)),
            _ => None,
        });
        if let Some((name, code)) = first_named {
            main_speaker = Some((name.to_string(), code.as_deref().map(str::to_string)));
        }
        let main_country = main_speaker.as_ref().and_then(|(_, c)| c.as_deref()).map(|c| &c[..3.min(c.len())]);
        if main_country.is_some() {
            counterpart = nps
                .iter()
                .filter(|np| !np.place)
                .filter_map(|np| np.code.as_ref().map(|c| (c, np)))
                .find(|(c, _)| Some(&c[..3.min(c.len())]) != main_country)
                .map(|(c, np)| if np.role.is_some() || c.len() > 3 { c.clone() } else { format_compact!("{c}GOV") });
        }
    }
    if let Some(sp) = &doc.given.speaker {
        let code = doc.given.speaker_code.clone().or_else(|| LabelResolver { dicts, date }.speaker_code(sp));
        main_speaker = Some((sp.clone(), code));
    } else if let Some(code) = &doc.given.speaker_code {
        main_speaker = Some((code.clone(), Some(code.clone())));
    }
    let resolver = LabelResolver { dicts, date };
    let turns = turns::split(text, &lines, main_speaker.as_ref().map(|(n, c)| (n.as_str(), c.as_deref())), &resolver);

    // Sentences and tokens, line by line; labels and datelines are not prose.
    let tokens = &mut s.tokens;
    let sentence_ranges = &mut s.sentences;
    let scratch = &mut s.split;
    tokens.clear();
    sentence_ranges.clear();
    for r in &lines {
        let mut start = r.start;
        let turn = turns.iter().position(|t| t.span.start <= r.start && r.start < t.span.end.max(t.span.start + 1));
        if let Some(t) = turn.map(|i| &turns[i]) {
            if t.label.as_ref().is_some_and(|l| l.start >= r.start && l.start < r.end) {
                start = start.max(t.body_start);
            }
        }
        if let Some(d) = &tm.dateline {
            if d.start >= r.start && d.start < r.end {
                start = start.max(d.end);
            }
        }
        let first = tokens.len();
        tokenize(text, start..r.end, tokens);
        scratch.clear();
        split_sentences(text, tokens, first..tokens.len(), scratch);
        for r in scratch.iter() {
            sentence_ranges.push((r.clone(), turn));
        }
    }
    // "DHAKA, May 1 (Reuters) -": the country a sentence that names no
    // place happens in. Only a wire dateline's: a transcript's place
    // ("Moscow, January 14") is where the speakers met.
    let place_country = tm
        .dateline
        .as_ref()
        .and(tm.place.as_deref())
        .and_then(|p| actors_of(dicts, p, &base_ctx).1.into_iter().find_map(|np| np.country))
        .filter(|c| c.len() == 3 && !crate::dict::is_igo_prefix(c));
    Prepared { date, date_from, meta: tm, dropped, main_speaker, counterpart, turns, place_country }
}

/// Sentences coded stage by stage: normalising, mentions, actor phrases,
/// events, then what the caller does with each (writing its records), each
/// run over this many sentences before the next starts, so that a stage's
/// code stays in the instruction cache from one sentence to the next (the
/// stages together are larger than it), while what a batch keeps stays
/// small however long the document.
const BATCH: usize = 32;

/// Actors and events of each prepared sentence, in order; `f` sees each.
fn code_sentences(
    dicts: &Dictionaries,
    doc: &Document,
    opts: &Options,
    p: &Prepared,
    s: &mut Scratch,
    mut f: impl FnMut(Sentence<'_>),
) {
    let text = doc.text.as_str();
    let Scratch { tokens, sentences: sentence_ranges, norms, mentions, nps, verbs, events, work, named_people, .. } = s;
    let (date, tm, turns, main_speaker, counterpart) = (p.date, &p.meta, &p.turns, &p.main_speaker, &p.counterpart);
    let place_country = &p.place_country;
    // Who speaks a sentence of a turn (or of none), before attribution.
    let speaker_of = |turn: Option<usize>| -> (Option<&str>, Option<&str>) {
        match turn.map(|i| &turns[i]) {
            Some(t) => (t.speaker.as_deref(), t.speaker_code.as_deref()),
            None => (main_speaker.as_ref().map(|m| m.0.as_str()), main_speaker.as_ref().and_then(|m| m.1.as_deref())),
        }
    };
    named_people.clear();
    // Per sentence of a batch: its byte span, and who speaks it once
    // attribution is done.
    let mut spoken: Vec<(Range<usize>, Option<&str>, Option<Cow<'_, str>>)> = Vec::with_capacity(BATCH);
    // Per sentence of a batch: how many people were named before it, and
    // whom "he" or "she" opening it means: the first person named in the
    // last sentence that names one (its subject, most often).
    let mut named_before: Vec<usize> = Vec::with_capacity(BATCH);
    let mut last_before: Vec<Option<u32>> = Vec::with_capacity(BATCH);
    let mut last_person: Option<u32> = None;

    for (b, batch) in sentence_ranges.chunks(BATCH).enumerate() {
        if norms.len() < batch.len() {
            norms.resize_with(batch.len(), Normalized::default);
            mentions.resize_with(batch.len(), Vec::new);
            nps.resize_with(batch.len(), Vec::new);
            verbs.resize_with(batch.len(), Vec::new);
            events.resize_with(batch.len(), Vec::new);
        }
        for ((tr, _), norm) in batch.iter().zip(norms.iter_mut()) {
            Normalized::build(&dicts.words, text, &tokens[tr.clone()], norm);
        }
        // The people named so far are those of the sentences before.
        named_before.clear();
        last_before.clear();
        for (j, (tr, turn)) in batch.iter().enumerate() {
            named_before.push(named_people.len());
            last_before.push(last_person);
            let toks = &tokens[tr.clone()];
            let ctx = ActorContext {
                date,
                speaker_code: speaker_of(*turn).1,
                named_people: named_people.as_slice(),
                place_country: place_country.as_deref(),
            };
            find_mentions(dicts, text, toks, &norms[j], &ctx, &mut mentions[j]);
            if let Some(p) = mentions[j].iter().find_map(|m| m.person) {
                last_person = Some(p);
            }
            for m in mentions[j].iter() {
                if let Some(p) = m.person {
                    if !named_people.contains(&p) {
                        named_people.push(p);
                    }
                }
            }
        }
        for (j, (tr, turn)) in batch.iter().enumerate() {
            let ctx = ActorContext {
                date,
                speaker_code: speaker_of(*turn).1,
                named_people: &named_people[..named_before[j]],
                place_country: place_country.as_deref(),
            };
            chunk(text, &tokens[tr.clone()], &norms[j], &mentions[j], &ctx, &mut nps[j]);
        }
        spoken.clear();
        for (j, (tr, turn)) in batch.iter().cloned().enumerate() {
            let (norm, nps) = (&norms[j], &mut nps[j]);
            let toks = &tokens[tr.clone()];
            let span = toks[0].start as usize..toks[toks.len() - 1].end as usize;
            let (mut speaker, speaker_code) = speaker_of(turn);
            let mut speaker_code = speaker_code.map(Cow::Borrowed);
            let press = turn.is_some_and(|i| turns[i].press);
            // "…, Lavrov said.": the quoted sentence's speaker.
            if speaker_code.is_none() && !press {
                if let Some(i) = attribution(norm, nps) {
                    speaker_code = nps[i].code.as_deref().map(|c| Cow::Owned(c.to_string()));
                    speaker =
                        Some(&text[toks[nps[i].tokens.start].start as usize..toks[nps[i].tokens.end - 1].end as usize]);
                    for np in nps.iter_mut().filter(|np| np.first_person) {
                        np.code = speaker_code.as_deref().map(Code::from);
                        np.country = speaker_code.as_ref().map(|c| Code::from(&c[..3.min(c.len())]));
                    }
                }
            }
            let own_counterpart =
                counterpart.as_deref().filter(|c| speaker_code.as_deref().is_none_or(|s| s.get(..3) != c.get(..3)));
            let input = SentenceInput {
                doc: text,
                tokens: toks,
                norm,
                nps,
                speaker_code: speaker_code.as_deref(),
                counterpart: own_counterpart,
                press,
                headline: tm.headline.as_ref().is_some_and(|h| h.start <= span.start && span.end <= h.end),
                statements: opts.statements,
                joint_compounds: !opts.no_joint_compounds,
                year: date.map(|d| d.year()),
                pronoun: last_before[j].and_then(|p| dicts.actors.people[p as usize].code_on(date)),
            };
            code_sentence(dicts, &input, &mut verbs[j], &mut events[j], work);
            spoken.push((span, speaker, speaker_code));
        }
        for (j, ((tr, turn), (span, speaker, speaker_code))) in batch.iter().cloned().zip(spoken.iter()).enumerate() {
            let toks = &tokens[tr.clone()];
            let span = span.clone();
            let (mentions, nps, verbs, events) = (&mut mentions[j], &mut nps[j], &mut verbs[j], &mut events[j]);
            let index = b * BATCH + j;
            f(Sentence {
                index,
                span,
                tokens: tr,
                toks,
                turn,
                speaker: *speaker,
                speaker_code: speaker_code.as_deref(),
                mentions,
                nps,
                verbs,
                events,
            });
        }
    }
}

const ATTRIBUTION: &[&str] = &[
    "said", "says", "told", "added", "stated", "noted", "stressed", "insisted", "declared", "explained", "wrote",
    "announced",
];

/// The actor phrase a sentence is attributed to: ", X said", ", said X",
/// "according to X".
fn attribution(norm: &Normalized, nps: &[ActorNp]) -> Option<usize> {
    let n = norm.spans.len();
    for k in (1..n).rev() {
        let w = norm.token(k);
        if w == "according" && k + 1 < n && norm.token(k + 1) == "to" {
            return nps.iter().position(|np| np.tokens.start == k + 2 || np.tokens.start == k + 3);
        }
        if !ATTRIBUTION.contains(&w) {
            continue;
        }
        let quote_or_comma = |i: usize| matches!(norm.token(i), "," | "\"" | "'");
        // ", X said"
        if let Some(i) = nps.iter().position(|np| {
            np.tokens.end == k || np.tokens.end + 1 == k && matches!(norm.token(k - 1), "has" | "had" | "also")
        }) {
            let s = nps[i].tokens.start;
            let mut b = s;
            while b > 0 && matches!(norm.token(b - 1), "the" | "a") {
                b -= 1;
            }
            if b > 0 && quote_or_comma(b - 1) {
                return Some(i);
            }
        }
        // ", said X"
        if quote_or_comma(k - 1) {
            if let Some(i) = nps.iter().position(|np| np.tokens.start == k + 1 || np.tokens.start == k + 2) {
                return Some(i);
            }
        }
    }
    None
}

/// The events of a document, in sentence and span order.
pub fn code(dicts: &Dictionaries, doc: &Document, opts: &Options) -> Vec<Event> {
    let mut out = Vec::new();
    Coder::default().code(dicts, doc, opts, &mut out);
    out
}

/// Codes documents one after another, reusing its buffers: keep one per
/// thread. The events are those of [`code`].
#[derive(Default)]
pub struct Coder {
    scratch: Scratch,
    /// [`Coder::code_jsonl`]: the document's records as JSON lines, in
    /// the order they were coded, and what sorts and dedups them.
    lines: Vec<u8>,
    pending: Vec<PendingLine>,
}

/// A record written to [`Coder::lines`], with the fields that order and
/// deduplicate records ([`sort_records`]).
struct PendingLine {
    sentence_index: usize,
    verb_span: [usize; 2],
    source: Code,
    target: Option<Code>,
    code: CameoCode,
    line: Range<usize>,
}

impl Coder {
    /// Appends the events of `doc` to `out`, in sentence and span order,
    /// and returns how many sentences were coded.
    pub fn code(&mut self, dicts: &Dictionaries, doc: &Document, opts: &Options, out: &mut Vec<Event>) -> usize {
        let s = &mut self.scratch;
        let p = prepare(dicts, doc, opts, s);
        let n = s.sentences.len();
        let mut records = std::mem::take(&mut s.records);
        records.clear();
        let date = p.date.map(|d| d.to_string());
        let shared = DocFields::new(&doc.id, &doc.id, date.as_deref(), p.meta.place.as_deref());
        code_sentences(dicts, doc, opts, &p, s, |c| {
            for e in c.events.drain(..) {
                records.push(record(dicts, &doc.text, &shared, c.index, &c.span, c.speaker, c.toks, &e));
            }
        });
        sort_records(&mut records);
        out.append(&mut records);
        s.records = records;
        n
    }
}

impl Coder {
    /// Appends the event records of `doc` to `out` as JSON lines, exactly
    /// the lines [`Coder::code`]'s events make with
    /// [`write_json_line`](crate::output::write_json_line), without
    /// building them as [`Event`]s; returns how many sentences were coded
    /// and how many records written.
    pub fn code_jsonl(
        &mut self,
        dicts: &Dictionaries,
        doc: &Document,
        opts: &Options,
        out: &mut Vec<u8>,
    ) -> (usize, usize) {
        let Coder { scratch: s, lines, pending } = self;
        let p = prepare(dicts, doc, opts, s);
        let n = s.sentences.len();
        lines.clear();
        pending.clear();
        let date = p.date.map(|d| d.to_string());
        let shared = DocFields::new(&doc.id, &doc.id, date.as_deref(), p.meta.place.as_deref());
        code_sentences(dicts, doc, opts, &p, s, |c| {
            for e in c.events.drain(..) {
                let start = lines.len();
                let verb_span = write_record(dicts, &doc.text, &shared, c.index, &c.span, c.speaker, c.toks, &e, lines);
                pending.push(PendingLine {
                    sentence_index: c.index,
                    verb_span,
                    source: e.source.code,
                    target: e.target.map(|t| t.code),
                    code: e.code,
                    line: start..lines.len(),
                });
            }
        });
        // As `sort_records`: a stable sort, then adjacent duplicates dropped.
        pending.sort_by(|a, b| {
            (a.sentence_index, a.verb_span, &a.source).cmp(&(b.sentence_index, b.verb_span, &b.source))
        });
        pending.dedup_by(|a, b| {
            a.sentence_index == b.sentence_index && a.source == b.source && a.target == b.target && a.code == b.code
        });
        out.reserve(pending.iter().map(|r| r.line.len()).sum());
        for r in pending.iter() {
            out.extend_from_slice(&lines[r.line.clone()]);
        }
        (n, pending.len())
    }
}

/// The record of raw event `e` of sentence `index`, borrowed from the
/// document's text and shared fields, the dictionaries and the event: what
/// both [`write_record`] and [`record`] write out.
#[allow(clippy::too_many_arguments)]
fn fields<'a>(
    dicts: &'a Dictionaries,
    text: &'a str,
    d: &'a DocFields<'a>,
    index: usize,
    span: &Range<usize>,
    speaker: Option<&'a str>,
    toks: &[Token],
    e: &'a RawEvent,
) -> EventFields<'a> {
    let span_of = |r: &Range<usize>| toks[r.start].start as usize..toks[r.end - 1].end as usize;
    let info = dicts.ontology.info(e.code);
    let actor = |p: &'a crate::events::Party| -> ActorFields<'a> {
        let (country, role) = country_and_role(&p.code);
        let text = match &p.tokens {
            Some(r) => ["", &text[span_of(r)], ""],
            None => ["(", p.via, ")"],
        };
        ActorFields { text, code: &p.code, country, role }
    };
    let verb_span = span_of(&e.verb);
    EventFields {
        shared: d,
        sentence_index: index,
        sentence: &text[span.clone()],
        speaker,
        source: actor(&e.source),
        target: e.target.as_ref().map(actor),
        cameo: e.code.as_str(),
        root: &e.code.as_str()[..2],
        plover: info.plover.as_deref(),
        quad_class: info.quad_class,
        goldstein: info.goldstein,
        // (A code missing from the ontology borrows its root's facts, not its JSON.)
        type_json: (info.code == e.code).then_some(&*info.record_json),
        span: [span.start, span.end],
        rule: &e.rule,
        verb_text: &text[verb_span.clone()],
        verb_span: [verb_span.start, verb_span.end],
    }
}

/// Writes the record of `e` as a JSON line; returns the verb's byte span.
#[allow(clippy::too_many_arguments)]
fn write_record(
    dicts: &Dictionaries,
    text: &str,
    d: &DocFields<'_>,
    index: usize,
    span: &Range<usize>,
    speaker: Option<&str>,
    toks: &[Token],
    e: &RawEvent,
    out: &mut Vec<u8>,
) -> [usize; 2] {
    let f = fields(dicts, text, d, index, span, speaker, toks, e);
    write_json_fields(&f, out);
    f.verb_span
}

/// One event record: the raw event of sentence `index` written out.
#[allow(clippy::too_many_arguments)]
fn record(
    dicts: &Dictionaries,
    text: &str,
    d: &DocFields<'_>,
    index: usize,
    span: &Range<usize>,
    speaker: Option<&str>,
    toks: &[Token],
    e: &RawEvent,
) -> Event {
    fields(dicts, text, d, index, span, speaker, toks, e).to_event()
}

/// Sentence, verb and source order; one record per sentence, dyad and code.
fn sort_records(out: &mut Vec<Event>) {
    out.sort_by(|a, b| {
        (a.sentence_index, a.verb.span, &a.source.code).cmp(&(b.sentence_index, b.verb.span, &b.source.code))
    });
    out.dedup_by(|a, b| {
        a.sentence_index == b.sentence_index
            && a.source.code == b.source.code
            && a.target.as_ref().map(|t| &t.code) == b.target.as_ref().map(|t| &t.code)
            && a.cameo == b.cameo
    });
}

/// Event records from an analysis.
pub fn events_of(dicts: &Dictionaries, doc: &Document, a: &Analysis) -> Vec<Event> {
    let date = a.date.map(|d| d.to_string());
    let d = DocFields::new(&doc.id, &doc.id, date.as_deref(), a.place.as_deref());
    let mut out = Vec::new();
    for s in &a.sentences {
        let toks = &a.tokens[s.tokens.clone()];
        for e in &s.events {
            out.push(record(dicts, &doc.text, &d, s.index, &s.span, s.speaker.as_deref(), toks, e));
        }
    }
    sort_records(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_named_batches_earlier_is_still_the_antecedent() {
        // "Wang" alone names nobody until "Wang Yi" has been named; forty
        // sentences on, past a batch, it still names him, and every
        // sentence keeps its index in the document.
        let dicts = Dictionaries::builtin().expect("built-in dictionaries");
        let filler: Vec<String> = (0..40).map(|i| format!("Talks continued on item {i}.")).collect();
        let opts = Options { date: NaiveDate::from_ymd_opt(2024, 3, 1), ..Options::default() };
        let named = Document::new(
            "named",
            &format!("Wang Yi visited Tokyo on Monday. {} Wang criticized Japan on Tuesday.", filler.join(" ")),
        );
        let events = code(&dicts, &named, &opts);
        let last = events.last().expect("events");
        assert_eq!((last.sentence_index, last.source.text.as_str(), last.source.code.as_str()), (41, "Wang", "CHNGOV"));
        assert_eq!(last.sentence, "Wang criticized Japan on Tuesday.");
        let unnamed = Document::new("unnamed", &format!("{} Wang criticized Japan on Tuesday.", filler.join(" ")));
        assert!(code(&dicts, &unnamed, &opts).is_empty());
    }

    #[test]
    fn he_or_she_opening_a_sentence_is_the_last_named_subject() {
        let dicts = Dictionaries::builtin().expect("built-in dictionaries");
        let opts = Options { date: NaiveDate::from_ymd_opt(2023, 9, 4), ..Options::default() };
        let sources = |text: &str| -> Vec<(usize, String, String)> {
            code(&dicts, &Document::new("d", text), &opts)
                .into_iter()
                .map(|e| (e.sentence_index, e.source.text.clone(), e.source.code.to_string()))
                .collect()
        };
        let met = "Russian President Vladimir Putin met Turkish President Recep Tayyip Erdogan in Sochi on Monday.";
        // The first person named in the sentence before, not the last.
        let he = sources(&format!("{met} He accused the West of blocking grain exports."));
        assert_eq!(he.last(), Some(&(1, "He".to_string(), "RUSGOV".to_string())), "{he:?}");
        // Past sentences that name nobody, and past a batch.
        let filler: Vec<String> = (0..40).map(|i| format!("Talks continued on item {i}.")).collect();
        let far = sources(&format!("{met} {} She condemned the strike on Odesa.", filler.join(" ")));
        assert_eq!(far.last(), Some(&(41, "She".to_string(), "RUSGOV".to_string())), "{far:?}");
        // Nobody named before: nobody.
        assert!(sources("He accused the West of blocking grain exports.").is_empty());
        // An actor before the verb is the subject, not the pronoun's antecedent.
        let own = sources(&format!("{met} He said Turkey condemned the strike on Odesa."));
        assert_eq!(own.last().map(|e| e.2.as_str()), Some("TUR"), "{own:?}");
    }
}
