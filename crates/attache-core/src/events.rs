//! Events in one sentence: verb patterns matched on tokens, clauses, the
//! verb group (voice, negation, future, modality), and the rules that pick
//! source and target.
//!
//! Every decision has a name that ends up in the event's `rule` field or,
//! for a match that codes nothing, in the reason `attache parse` shows.

use std::ops::Range;

use compact_str::format_compact;
use serde::Serialize;

use crate::actors::{ActorNp, Code, Normalized};
use crate::dict::{Dictionaries, Elem, Pattern, VerbLexicon, WordInfo};
use crate::ontology::CameoCode;
use crate::text::{TokKind, Token, WordSet};

/// The context one sentence is coded in.
pub struct SentenceInput<'a> {
    pub doc: &'a str,
    pub tokens: &'a [Token],
    pub norm: &'a Normalized,
    pub nps: &'a [ActorNp],
    /// The speaker's code (turn speaker, or the person quoted).
    pub speaker_code: Option<&'a str>,
    /// The other party of a bilateral transcript (default target of the
    /// speaker's statements).
    pub counterpart: Option<&'a str>,
    /// The sentence belongs to a press question.
    pub press: bool,
    /// The sentence is the document's headline (noun patterns such as
    /// "talks with" take the headline's first actor as their source).
    pub headline: bool,
    /// Code statements (CAMEO root 01: "said", "expressed optimism"); off
    /// by default, since they swamp the events analysts look for and PLOVER
    /// has no such category.
    pub statements: bool,
    /// Code "X and Y agreed" as X→Y and Y→X (otherwise each with no target,
    /// as PLOVER's annotators do).
    pub joint_compounds: bool,
    /// The document's year: clauses dated two or more years before it
    /// ("in 2008") are background, not news.
    pub year: Option<i32>,
    /// Whom a clause opening with "he" or "she" and no other subject is
    /// about: the first person named in the last sentence before that names
    /// one ("Putin met Erdogan in Sochi. He accused the West of …").
    pub pronoun: Option<&'a str>,
}

/// A matched pattern and what became of it.
#[derive(Clone, Debug, Serialize)]
pub struct VerbMatch {
    pub pattern: u32,
    /// Tokens of the match, within the sentence.
    pub tokens: Range<usize>,
    pub head: usize,
    pub clause: usize,
    pub passive: bool,
    pub negated: bool,
    pub future: bool,
    pub modal: bool,
    pub nonfinite: bool,
    /// A noun pattern that is the object of a support verb ("began a
    /// hunger strike", "went on strike"): the verb's token. The clause
    /// around that verb gives the source, voice and negation, as for a
    /// verb pattern.
    pub support: Option<usize>,
    /// `None` when it coded events; otherwise why not.
    pub suppressed: Option<&'static str>,
}

/// One side of an event, as found in the sentence.
#[derive(Clone, Debug, Serialize)]
pub struct Party {
    pub code: Code,
    /// Token range of the phrase in the sentence; `None` for a party that is
    /// not written in it (the speaker of a turn, the counterpart).
    pub tokens: Option<Range<usize>>,
    /// How it was found ("subject", "first-person", "by-agent", …).
    pub via: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct RawEvent {
    pub source: Party,
    pub target: Option<Party>,
    pub code: CameoCode,
    pub pattern: u32,
    pub verb: Range<usize>,
    pub rule: String,
}

/// Verbs after which "that" opens a reported clause.
static REPORTING: WordSet = WordSet::class(
    0,
    &[
        "said", "say", "says", "saying", "stated", "noted", "notes", "stressed", "stresses", "added", "adds", "told",
        "tells", "announced", "announces", "declared", "declares", "claimed", "claims", "insisted", "insists",
        "argued", "argues", "believe", "believes", "believed", "think", "thinks", "thought", "confirmed", "confirms",
        "reported", "explained", "recalled", "emphasized", "emphasised", "underlined", "underscored", "asserted",
        "maintained", "acknowledged", "remarked", "observed", "indicated", "suggested", "wrote", "writes", "warned",
        "warns", "hoped", "expects", "expected", "agreed", "pointed", "reiterated", "reaffirmed", "assured",
        "informed", "reminded",
    ],
);

/// Verbs that open a reported clause even without "that" ("Lavrov said
/// Moscow would respond"). Verbs that also head events ("declared a
/// ceasefire", "recalled its ambassador") are not among them.
static SAY_VERBS: WordSet = WordSet::class(
    1,
    &[
        "said", "say", "says", "saying", "added", "adds", "noted", "stressed", "believe", "believes", "believed",
        "think", "thinks", "thought", "insisted", "insists", "argued", "argues", "claimed", "claims", "explained",
        "emphasized", "emphasised", "underlined", "asserted", "remarked", "observed", "suggested", "wrote", "told",
        "hope", "hopes", "hoped", "wish", "wishes", "wished",
    ],
);

static THAT_NOUNS: WordSet = WordSet::class(
    2,
    &[
        "statement", "statements", "remark", "remarks", "claim", "claims", "allegation", "allegations", "assertion",
        "fact", "understanding", "hope", "belief", "view", "assurance", "assurances", "confident", "sure", "convinced",
        "aware", "clear", "concluded", "agreed", "out", "position", "conviction", "impression", "sign", "news",
        "reports", "evidence", "proof", "indication", "signs",
    ],
);

static CLAUSE_WORDS: WordSet = WordSet::class(
    3,
    &[
        "which", "who", "whom", "whose", "while", "how", "why", "what", "whereas", "although", "though", "because",
        "since", "if", "unless", "whether", "when", "after", "before", "once", "until", "where", "so",
    ],
);

static AUX: WordSet = WordSet::class(
    4,
    &[
        "will", "wo", "would", "shall", "should", "can", "could", "may", "might", "must", "'ll", "'d", "is", "are",
        "was", "were", "cannot", "be", "been", "being", "am", "'re", "'m", "has", "have", "had", "'ve", "do", "does",
        "did", "not", "n't", "never", "also", "already", "still", "just", "once", "again", "further", "jointly",
        "today", "yesterday", "now", "then", "to", "going", "no", "longer", "both", "all", "each", "even", "only",
        "thus", "therefore", "reportedly", "allegedly", "subsequently", "themselves", "itself", "himself", "herself",
        "ourselves", "later", "soon", "first", "recently", "ready", "willing", "prepared", "plan", "plans", "planned",
        "planning", "intend", "intends", "intended", "want", "wants", "wanted", "hope", "hopes", "hoped", "seek",
        "seeks", "sought", "aim", "aims", "expect", "expects", "expected", "likely", "set", "about", "due", "like",
        "continue", "continues", "continued", "continuing",
        // Aspect: "resumed shelling", "began deporting".
        "resume", "resumes", "resumed", "begin", "begins", "began", "start", "starts", "started", "keep", "keeps",
        "kept",
    ],
);

/// Verbs that turn a noun naming an act into the act itself: "began a
/// hunger strike", "staged a general strike", "went on strike", "called a
/// boycott". Verbs that end or refuse the act ("ended", "called off") are
/// not among them. Ordering an act is the act: "ordered the call-up of
/// reservists".
static SUPPORT_VERBS: WordSet = WordSet::class(
    5,
    &[
        "begin", "begins", "began", "begun", "beginning", "start", "starts", "started", "starting", "stage", "stages",
        "staged", "staging", "hold", "holds", "held", "holding", "launch", "launches", "launched", "launching", "call",
        "calls", "called", "calling", "organise", "organises", "organised", "organising", "organize", "organizes",
        "organized", "organizing", "continue", "continues", "continued", "continuing", "mount", "mounts", "mounted",
        "mounting", "declare", "declares", "declared", "declaring", "join", "joins", "joined", "joining", "lead",
        "leads", "led", "leading", "go", "goes", "went", "gone", "going", "remain", "remains", "remained", "remaining",
        "resume", "resumes", "resumed", "resuming", "carry", "carried", "carries", "carrying", "embark", "embarked",
        "embarks", "embarking", "observe", "observed", "observes", "observing", "enforce", "enforced", "enforces",
        "enforcing", "order", "orders", "ordered", "ordering",
    ],
);

/// Words that may stand between a support verb and its noun: determiners,
/// possessives, the particle of "go on", and a few modifiers of duration.
static SUPPORT_GAP: WordSet = WordSet::class(
    6,
    &[
        "a", "an", "the", "his", "her", "their", "its", "our", "my", "your", "this", "these", "another", "new",
        "fresh", "second", "third", "renewed", "on", "out", "week-long", "day-long", "month-long", "indefinite",
        "open-ended", "one-day", "two-day", "three-day", "24-hour", "48-hour", "symbolic", "mass", "nationwide",
        "national", "massive", "large", "huge", "peaceful", "silent", "largest", "biggest", "ever", "latest", "annual",
        "major", "first",
    ],
);

/// Nouns naming a message, after which a participle says what it does
/// ("a statement demanding", "a letter accusing").
static COMMUNICATION_NOUNS: WordSet = WordSet::class(
    7,
    &[
        "statement", "statements", "declaration", "letter", "message", "communique", "note", "resolution", "appeal",
        "petition", "ultimatum", "decree", "case", "complaint", "lawsuit", "motion",
    ],
);

/// Words of time that may follow a reporting verb ("said on Tuesday",
/// "said today").
static TIME_WORDS: WordSet = WordSet::class(
    8,
    &[
        "today", "yesterday", "tonight", "earlier", "later", "again", "also", "monday", "tuesday", "wednesday",
        "thursday", "friday", "saturday", "sunday", "repeatedly", "publicly",
    ],
);

/// Verbs whose -ing complement is the act they begin, go on with or take
/// up again.
static ASPECTUAL: WordSet = WordSet::class(
    9,
    &[
        "resume", "resumes", "resumed", "resuming", "continue", "continues", "continued", "continuing", "begin",
        "begins", "began", "begun", "start", "starts", "started", "keep", "keeps", "kept",
    ],
);

/// Verbs that put out a message ("issued a statement demanding …").
static ISSUING_VERBS: WordSet = WordSet::class(
    10,
    &[
        "issue", "issued", "issues", "release", "released", "releases", "adopt", "adopted", "adopts", "pass", "passed",
        "passes", "send", "sent", "sends", "publish", "published", "publishes", "deliver", "delivered", "delivers",
        "submit", "submitted", "submits", "circulate", "circulated", "circulates", "sign", "signed", "signs", "file",
        "filed", "files", "lodge", "lodged", "lodges", "bring", "brought", "brings",
    ],
);

/// Words before an adjective: "the alleged", "its proposed".
static DETERMINERS: WordSet =
    WordSet::class(11, &["the", "a", "an", "his", "her", "its", "their", "our", "my", "your"]);

static BE: WordSet = WordSet::class(12, &["is", "are", "was", "were", "be", "been", "being", "am", "'re", "'m"]);
static NEG: WordSet = WordSet::class(13, &["not", "n't", "never", "no", "cannot"]);
static FUTURE: WordSet = WordSet::class(
    14,
    &[
        "will", "'ll", "wo", "shall", "would", "going", "ready", "willing", "prepared", "plan", "plans", "planned",
        "planning", "intend", "intends", "intended", "want", "wants", "wanted", "hope", "hopes", "hoped", "seek",
        "seeks", "sought", "aim", "aims", "expect", "expects", "expected", "likely", "set", "about", "due", "like",
    ],
);
static MODAL: WordSet = WordSet::class(15, &["can", "could", "may", "might", "should", "must", "'d", "cannot"]);
static PREPOSITIONS: WordSet = WordSet::class(
    16,
    &[
        "of", "in", "at", "with", "to", "for", "from", "by", "on", "about", "after", "before", "during", "against",
        "between", "among", "over", "under", "toward", "towards", "into", "than", "despite", "through", "across",
        "via", "regarding", "including", "like", "upon", "within", "without", "following", "amid",
    ],
);

/// Punctuation that ends a clause.
static BOUNDARY_PUNCT: WordSet =
    WordSet::class(18, &[";", ":", "(", ")", "[", "]", "-", "\u{2013}", "\u{2014}", "?", "!"]);

/// The other words that may open a clause, on conditions [`clauses`]
/// reads word by word.
static CLAUSE_JOINERS: WordSet = WordSet::class(19, &["that", "and", "but", "or", "as", ","]);

/// The word classes of the event and actor rules (each a
/// [`WordSet::class`] with bit `n` at index `n`): their bits are set on
/// their words in the dictionaries' word table.
pub(crate) static WORD_CLASSES: [&WordSet; 22] = [
    &REPORTING,
    &SAY_VERBS,
    &THAT_NOUNS,
    &CLAUSE_WORDS,
    &AUX,
    &SUPPORT_VERBS,
    &SUPPORT_GAP,
    &COMMUNICATION_NOUNS,
    &TIME_WORDS,
    &ASPECTUAL,
    &ISSUING_VERBS,
    &DETERMINERS,
    &BE,
    &NEG,
    &FUTURE,
    &MODAL,
    &PREPOSITIONS,
    &MONTHS,
    &BOUNDARY_PUNCT,
    &CLAUSE_JOINERS,
    &crate::actors::FIRST_PERSON,
    &crate::actors::FIRST_PERSON_POSSESSIVE,
];

/// Assigns each token a clause number. Clauses split at semicolons, dashes
/// and brackets, at subordinating and relative words, at "that" after a
/// reporting verb or noun, after reporting verbs, and at "and/but" that
/// start a new verb phrase.
pub fn clauses(input: &SentenceInput<'_>, is_verb_head: &[bool], out: &mut Vec<usize>) {
    out.clear();
    let n = input.tokens.len();
    let norm = input.norm;
    let mut c = 0;
    let mut next_id = 0;
    // ", which …," : the relative clause ends at its closing comma and the
    // outer clause resumes.
    let mut outer: Option<usize> = None;
    let in_np = |i: usize| input.nps.iter().any(|np| np.tokens.start < i && i < np.tokens.end);
    // "The Chilean Dockworkers' Union (UPCh) halted loading": a short aside in
    // brackets with no verb (an acronym, a gloss) leaves the clause whole.
    let short_aside =
        |open: usize, close: usize| close > open && close - open <= 7 && !(open + 1..close).any(|k| is_verb_head[k]);
    let bracket_aside = |i: usize| match norm.token(i) {
        "(" => (i + 1..(i + 8).min(n)).find(|&k| norm.token(k) == ")").is_some_and(|c| short_aside(i, c)),
        ")" => (i.saturating_sub(7)..i).rev().find(|&k| norm.token(k) == "(").is_some_and(|o| short_aside(o, i)),
        _ => false,
    };
    // "drone, tank, and sniper fire": the last "and" of a list of
    // short items (another comma a few words back) joins words, not clauses.
    let list_end = |i: usize| {
        i >= 3
            && (i.saturating_sub(4)..i - 2).any(|k| norm.token(k) == ",")
            && !(i.saturating_sub(4)..i - 1).any(|k| is_verb_head[k])
    };
    let class = |k: usize| norm.words[k].class;
    // "Azerbaijan is releasing 32 servicemen and Armenia is releasing two":
    // after the clause's verb, "and/but" + an actor + a verb (past its
    // auxiliaries) starts a new clause with a subject of its own.
    let new_subject = |i: usize| {
        let np = input.nps.iter().find(|np| {
            np.code.is_some() && (np.tokens.start == i + 1 || np.tokens.start == i + 2 && DETERMINERS.of(class(i + 1)))
        });
        np.is_some_and(|np| {
            let mut k = np.tokens.end;
            while k < n && k < np.tokens.end + 4 && AUX.of(class(k)) && norm.token(k) != "to" {
                k += 1;
            }
            k < n && is_verb_head[k]
        })
    };
    for i in 0..n {
        let cw = class(i);
        // Most words open no clause: only punctuation, clause words and
        // joiners can, and a word after a verb of saying.
        if !(BOUNDARY_PUNCT.of(cw)
            || CLAUSE_WORDS.of(cw)
            || CLAUSE_JOINERS.of(cw)
            || i > 0 && SAY_VERBS.of(class(i - 1)))
        {
            out.push(c);
            continue;
        }
        let w = norm.token(i);
        let prev = if i > 0 { norm.token(i - 1) } else { "" };
        let next = if i + 1 < n { norm.token(i + 1) } else { "" };
        // (`in_np` walks the actor phrases: asked last.)
        let starts = i > 0
            && (BOUNDARY_PUNCT.of(cw) && !bracket_aside(i)
                || CLAUSE_WORDS.of(cw) && !(w == "so" && next == "that") && !(w == "once" && next == "again")
                || w == "that" && (THAT_NOUNS.of(class(i - 1)) || prev == "," || is_verb_head[i - 1] || (i.saturating_sub(6)..i).any(|k| REPORTING.of(class(k))))
                || matches!(w, "and" | "but" | "or") && (prev == "," && !list_end(i) || i + 1 < n && (is_verb_head[i + 1] || AUX.of(class(i + 1)) && !matches!(next, "to" | "all" | "both" | "each")))
                || matches!(w, "and" | "but" | "as") && (i.saturating_sub(12)..i).any(|k| is_verb_head[k] && out[k] == c && !input.nps.iter().any(|np| np.tokens.contains(&k))) && !list_end(i) && new_subject(i)
                || SAY_VERBS.of(class(i - 1)) && !in_np(i - 1) && !input.nps.iter().any(|np| np.tokens.end == i) && w != "that" && w != "," && !PREPOSITIONS.of(cw) && !matches!(w, "it" | "this" | "so" | "in" | "on" | "reporters" | "journalists")
                    // "said today it had expelled": the clause opens after the time word.
                    && !TIME_WORDS.of(cw)
                || w == "," && matches!(next, "which" | "who" | "but" | "while" | "whereas" | "although" | "though")
                // "…, this is an outrageous statement": a new subject and verb.
                || w == "," && matches!(next, "this" | "it" | "that") && i + 2 < n && BE.of(class(i + 2)))
            && !in_np(i);
        if starts {
            next_id += 1;
            let relative = matches!(w, "which" | "who" | "whom" | "whose") && prev == ",";
            if relative && outer.is_none() {
                outer = Some(c);
            } else if !relative && w != "," {
                outer = None;
            }
            c = next_id;
        }
        out.push(c);
        if w == "," && !starts && i > 0 {
            if let Some(o) = outer.take() {
                if out[i - 1] == c && c != o {
                    c = o;
                }
            }
        }
    }
}

struct Ctx<'a> {
    input: &'a SentenceInput<'a>,
    /// The head being matched is in the passive (its target is the subject).
    passive: std::cell::Cell<bool>,
    syms: &'a [Option<u32>],
    clause: &'a [usize],
    dicts: &'a Dictionaries,
}

#[derive(Clone, Copy, Default)]
struct Binding {
    target: Option<usize>,
    source: Option<usize>,
    /// Slots left empty: a pattern scores its specificity less these.
    unfilled: u16,
}

/// The actor phrase starting within a few words of `pos`, inside the clause.
fn np_near(ctx: &Ctx<'_>, pos: usize) -> Option<usize> {
    let clause = *ctx.clause.get(pos)?;
    ctx.input.nps.iter().position(|np| {
        np.tokens.start >= pos
            && np.tokens.start <= pos + 3
            && (pos..np.tokens.start).all(|k| {
                ctx.clause[k] == clause
                    && ctx.input.tokens[k].kind == TokKind::Word
                    && !matches!(ctx.input.norm.token(k), "and" | "but" | "that" | "which")
            })
    })
}

/// Matches `steps[e..]` (a pattern's elements after its head) from token `pos`.
fn match_elems(
    ctx: &Ctx<'_>,
    steps: &[Elem],
    e: usize,
    pos: usize,
    b: Binding,
    head_clause: usize,
) -> Option<(usize, Binding)> {
    let n = ctx.input.tokens.len();
    let Some(elem) = steps.get(e) else { return Some((pos, b)) };
    let sym_at = |k: usize| if k < n { ctx.syms[k] } else { None };
    match elem {
        Elem::Word(s) => {
            (sym_at(pos) == Some(*s)).then(|| match_elems(ctx, steps, e + 1, pos + 1, b, head_clause)).flatten()
        }
        Elem::Alt(a) => sym_at(pos)
            .filter(|s| ctx.dicts.verbs.alternatives(*a).contains(s))
            .and_then(|_| match_elems(ctx, steps, e + 1, pos + 1, b, head_clause)),
        Elem::Opt(s) => {
            if sym_at(pos) == Some(*s) {
                if let Some(r) = match_elems(ctx, steps, e + 1, pos + 1, b, head_clause) {
                    return Some(r);
                }
            }
            match_elems(ctx, steps, e + 1, pos, b, head_clause)
        }
        Elem::Verb(l) => sym_at(pos)
            .filter(|&s| ctx.dicts.verbs.is_form_of(s, *l))
            .and_then(|_| match_elems(ctx, steps, e + 1, pos + 1, b, head_clause)),
        Elem::Gap => {
            // A word the next element needs is looked for before trying the
            // rest of the pattern at a position (the same answer, without
            // a call per skipped word).
            let fits = |q: usize| match steps.get(e + 1) {
                Some(Elem::Word(s)) => sym_at(q) == Some(*s),
                Some(Elem::Alt(a)) => sym_at(q).is_some_and(|s| ctx.dicts.verbs.alternatives(*a).contains(&s)),
                Some(Elem::Verb(l)) => sym_at(q).is_some_and(|s| ctx.dicts.verbs.is_form_of(s, *l)),
                _ => true,
            };
            for k in 0..=5 {
                let q = pos + k;
                if q > n {
                    break;
                }
                if k > 0 {
                    let t = q - 1;
                    if pos >= n
                        || ctx.clause[t] != ctx.clause[pos]
                        || ctx.input.tokens[t].kind == TokKind::Punct && ctx.input.norm.token(t) != "'s"
                    {
                        break;
                    }
                }
                if !fits(q) {
                    continue;
                }
                if let Some(r) = match_elems(ctx, steps, e + 1, q, b, head_clause) {
                    return Some(r);
                }
            }
            None
        }
        Elem::Target | Elem::Source => {
            if let Some(i) = np_near(ctx, pos) {
                let mut b2 = b;
                if *elem == Elem::Target {
                    b2.target = Some(i);
                } else {
                    b2.source = Some(i);
                }
                // "said that Sudan and the rebels must …": the slot may hold
                // a whole compound, and the pattern goes on after it.
                let last = compound(ctx, i).last().filter(|&l| l > i);
                for end in std::iter::once(i).chain(last).map(|k| ctx.input.nps[k].tokens.end) {
                    if let Some(r) = match_elems(ctx, steps, e + 1, end, b2, head_clause) {
                        return Some(r);
                    }
                }
            }
            // An unfilled slot: the actor may be elsewhere (passive voice,
            // or a phrase we do not know); let a short gap stand for it. An
            // active target slot must hold at least a word ("want + to" is
            // not "want to").
            let min = usize::from(*elem == Elem::Target && !ctx.passive.get());
            let b = Binding { unfilled: b.unfilled + 1, ..b };
            for k in min..=2 {
                let q = pos + k;
                if q > n
                    || k > 0
                        && (pos >= n
                            || ctx.clause[q - 1] != ctx.clause[pos]
                            || ctx.input.tokens[q - 1].kind == TokKind::Punct)
                {
                    break;
                }
                if let Some(r) = match_elems(ctx, steps, e + 1, q, b, head_clause) {
                    return Some(r);
                }
            }
            None
        }
    }
}

/// The support verb whose object is the noun pattern headed at `head`
/// ("began a hunger strike", "went on strike"), in the same clause and
/// separated from it by at most three determiners, possessives or particles.
fn support_verb(ctx: &Ctx<'_>, head: usize) -> Option<usize> {
    let norm = ctx.input.norm;
    let clause = ctx.clause[head];
    let mut k = head;
    for _ in 0..4 {
        if k == 0 {
            return None;
        }
        k -= 1;
        if ctx.clause[k] != clause
            || ctx.input.tokens[k].kind != TokKind::Word
            || ctx.input.nps.iter().any(|np| np.tokens.start <= k && k < np.tokens.end)
        {
            return None;
        }
        let c = norm.words[k].class;
        // "be on strike", "remained on hunger strike"
        if SUPPORT_VERBS.of(c) || BE.of(c) && norm.token(k + 1) == "on" {
            return Some(k);
        }
        if !SUPPORT_GAP.of(c) {
            return None;
        }
    }
    None
}

/// The verb group before the head: auxiliaries, adverbs, negation.
struct Group {
    /// An -ing form without a form of "be" before it: a gerund or
    /// participle phrase ("aimed at introducing"), not a finite verb.
    nonfinite: bool,
    passive: bool,
    negated: bool,
    future: bool,
    modal: bool,
}

fn verb_group(ctx: &Ctx<'_>, head: usize) -> Group {
    let norm = ctx.input.norm;
    let mut g = Group { nonfinite: false, passive: false, negated: false, future: false, modal: false };
    let mut be = false;
    let mut k = head;
    let mut steps = 0;
    while k > 0 && steps < 7 {
        k -= 1;
        steps += 1;
        let c = norm.words[k].class;
        let adverb = || {
            let w = norm.token(k);
            w.ends_with("ly") && w.len() > 4 && ctx.input.tokens[k].kind == TokKind::Word
        };
        if !(AUX.of(c) || adverb()) || ctx.clause[k] != ctx.clause[head] {
            break;
        }
        g.negated |= NEG.of(c);
        g.future |= FUTURE.of(c);
        g.modal |= MODAL.of(c);
        be |= BE.of(c);
    }
    // "Russia could cut gas supplies": a modal or negation a few words
    // before a head that is not itself the verb.
    if !g.modal && !g.negated {
        let mut k = head;
        let mut steps = 0;
        while k > 0 && steps < 4 {
            k -= 1;
            steps += 1;
            if ctx.clause[k] != ctx.clause[head]
                || ctx.input.tokens[k].kind == TokKind::Punct
                || ctx.input.nps.iter().any(|np| np.tokens.end == k + 1)
            {
                break;
            }
            let w = norm.token(k);
            g.modal |= MODAL.of(norm.words[k].class);
            g.negated |= matches!(w, "not" | "n't" | "never" | "cannot");
        }
    }
    // "no longer", "not" right after a copula head ("is not subject to").
    if head + 1 < ctx.input.tokens.len() && matches!(norm.token(head + 1), "not" | "n't" | "never") {
        g.negated = true;
    }
    // A pattern headed by an adverb ("sexually ABUSE"): the verb follows it.
    // ("rally", "supply" and "apply" are verbs themselves.)
    let is_verb_form = |k: usize| ctx.syms[k].is_some_and(|s| ctx.dicts.verbs.is(s, VerbLexicon::FORM));
    let adverb_head = norm.token(head).ends_with("ly")
        && ctx.input.tokens[head].kind == TokKind::Word
        && head + 1 < ctx.input.tokens.len()
        && !is_verb_form(head);
    let verb = if adverb_head { head + 1 } else { head };
    let head_is_participle = ctx.syms[verb].is_some_and(|s| ctx.dicts.verbs.is(s, VerbLexicon::PARTICIPLE));
    // "resumed shelling", "continued deporting": the -ing form after an
    // aspectual verb is the act itself.
    let aspect = verb > 0 && ASPECTUAL.of(norm.words[verb - 1].class);
    g.nonfinite = !be && !aspect && ctx.syms[verb].is_some_and(|s| ctx.dicts.verbs.is(s, VerbLexicon::GERUND));
    g.passive = be && head_is_participle && !BE.of(norm.words[head].class);
    // "Border guards were involved in the smuggling": a participle that is
    // an adjective of taking part leaves its subject the doer.
    if g.passive
        && matches!(norm.token(verb), "engaged" | "involved")
        && verb + 1 < ctx.input.tokens.len()
        && norm.token(verb + 1) == "in"
    {
        g.passive = false;
    }
    // "were killed or wounded": a participle coordinated with a passive
    // one shares its voice (and its verb group).
    if !be
        && head_is_participle
        && verb >= 2
        && matches!(norm.token(verb - 1), "and" | "or")
        && ctx.syms[verb - 2].is_some_and(|s| ctx.dicts.verbs.is(s, VerbLexicon::PARTICIPLE))
    {
        let first = verb_group(ctx, verb - 2);
        if first.passive {
            return first;
        }
    }
    g
}

/// Buffers [`code_sentence`] keeps from one sentence to the next (their
/// contents mean nothing between calls).
#[derive(Debug, Default)]
pub struct Work {
    syms: Vec<Option<u32>>,
    is_head: Vec<bool>,
    clause: Vec<usize>,
    bound: Vec<(Option<usize>, Option<usize>)>,
    clause_done: Vec<usize>,
    after: Vec<u128>,
    /// The loose candidates of a head that the words after it let through.
    loose_passing: Vec<u32>,
    /// A match's rule: its pattern and what changed its code.
    rule: String,
    /// An event's rule: its match's, then how source and target were found
    /// (written here, then copied into the event at its exact size: fewer
    /// instructions than writing each event's into a fresh string).
    event_rule: String,
    /// A match's parties.
    sources: Vec<Party>,
    targets: Vec<Party>,
    /// Per coded match: its clause and the range of `subjects` holding its
    /// grammatical subject (what a later "… and will resign" shares).
    clause_subject: Vec<(usize, Range<usize>)>,
    subjects: Vec<Party>,
    /// Clauses that complete an appeal, demand, intent or threat.
    complements: Vec<usize>,
    /// Clauses dated years before the document.
    background: Vec<usize>,
}

/// Codes one sentence: the verb matches (with their fate) and the events.
pub fn code_sentence(
    dicts: &Dictionaries,
    input: &SentenceInput<'_>,
    matches: &mut Vec<VerbMatch>,
    events: &mut Vec<RawEvent>,
    work: &mut Work,
) {
    matches.clear();
    events.clear();
    let n = input.tokens.len();
    if n == 0 {
        return;
    }
    let norm = input.norm;
    let Work {
        syms,
        is_head,
        clause,
        bound,
        clause_done,
        after,
        loose_passing,
        rule,
        event_rule,
        sources,
        targets,
        clause_subject,
        subjects,
        complements,
        background,
    } = work;
    syms.clear();
    syms.extend(norm.words.iter().map(|w| w.verb));
    // No word that heads a pattern: nothing can match, so no events.
    if !norm.words.iter().any(|w| w.class & WordInfo::HEADS_PATTERN != 0) {
        return;
    }
    // Which tokens are pattern heads at all (for clause splitting).
    is_head.clear();
    is_head.extend(norm.words.iter().map(|w| w.class & WordInfo::VERB_HEAD != 0));
    // The words after each token, for skipping the patterns headed there
    // that need a word missing from the rest of the sentence.
    after.clear();
    after.resize(n, 0);
    for k in (1..n).rev() {
        after[k - 1] = after[k] | syms[k].map_or(0, crate::dict::word_bit);
    }
    clauses(input, is_head, clause);
    let (syms, is_head, clause) = (&*syms, &*is_head, &*clause);
    let ctx = Ctx { input, passive: std::cell::Cell::new(false), syms, clause, dicts };

    let question = norm.token(n - 1) == "?" || (n >= 2 && norm.token(n - 2) == "?");
    let conditional = (0..n).any(|i| {
        CLAUSE_WORDS.of(norm.words[i].class)
            && matches!(norm.token(i), "if" | "unless" | "whether")
            && (i == 0 || clause[i] != clause[i - 1])
    });
    // Whether a discard phrase occurs is asked only of a sentence with matches.
    let discarded = || dicts.discards.as_ref().is_some_and(|ac| ac.is_match(norm.text()));
    background_clauses(input, clause, background);
    let sentence_block = || {
        if input.press {
            Some("press question")
        } else if question {
            Some("question")
        } else if conditional {
            Some("conditional")
        } else if discarded() {
            Some("discard phrase")
        } else {
            None
        }
    };

    // 1. Match: at each token, the most specific pattern that matches.
    bound.clear();
    let mut i = 0;
    while i < n {
        // A word that heads no pattern ("the", "to") is passed at once.
        let Some(s) = syms[i].filter(|_| norm.words[i].class & WordInfo::HEADS_PATTERN != 0) else {
            i += 1;
            continue;
        };
        // "visa-free": the second half of a hyphenated word heads nothing.
        if i > 0
            && input.tokens[i].start == input.tokens[i - 1].end + 1
            && input.doc.as_bytes()[input.tokens[i - 1].end as usize] == b'-'
        {
            i += 1;
            continue;
        }
        // "riot police", "strike force": a word inside an actor's name heads nothing.
        if input.nps.iter().any(|np| np.tokens.contains(&i) && np.tokens.len() > 1) {
            i += 1;
            continue;
        }
        // "the banned movement", "his alleged part", "during the fight":
        // a verb form after a determiner or possessive is an adjective or a
        // noun; only noun patterns may start here.
        let after_determiner = i > 0 && DETERMINERS.of(norm.words[i - 1].class)
            // "after Iran's attack", "any new sanctions": a possessive (not
            // "it's", "he's") or a quantifier before it makes it a noun too.
            || i > 1 && norm.token(i - 1) == "'s" && !matches!(norm.token(i - 2), "it" | "he" | "she" | "that" | "there" | "what" | "who" | "here" | "where" | "this")
            || i > 0 && matches!(norm.token(i - 1), "any" | "new" | "additional" | "fresh");
        // The verb group is read once a pattern is worth trying here.
        let mut group: Option<Group> = None;
        let mut source_before: Option<Option<usize>> = None;
        let next = syms.get(i + 1).copied().flatten();
        let mut found = None;
        let cands = dicts.verbs.candidates_of(s);
        let words = after[i];
        let mut likely = dicts.verbs.candidates_followed_by(s, next, words, loose_passing);
        let mut k = 0;
        loop {
            // Until a pattern matches, nothing can end the search early, so
            // the candidates that need another next word go unvisited.
            let at = if found.is_none() { likely.next() } else { Some(k) };
            let Some(c) = at.and_then(|at| cands.get(at)) else { break };
            k = at.expect("a position") + 1;
            let pid = c.pattern;
            let mut b = Binding::default();
            if c.head == 1 {
                // "$ condemnation of +": the source ends right before the head ("Russia's").
                let before =
                    |np: &ActorNp| np.tokens.end == i || np.tokens.end + 1 == i && norm.token(np.tokens.end) == "'s";
                match *source_before.get_or_insert_with(|| input.nps.iter().position(before)) {
                    Some(s) => b.source = Some(s),
                    None => continue,
                }
            }
            // Candidates come most specific first; stop once nothing left can beat the best.
            if found.as_ref().is_some_and(|(_, _, _, score)| *score >= c.specificity) {
                break;
            }
            if !c.may_match(words, next) {
                continue;
            }
            if after_determiner && c.head_is_verb {
                continue;
            }
            if group.is_none() {
                let g = verb_group(&ctx, i);
                ctx.passive.set(g.passive);
                group = Some(g);
            }
            // (The candidate has what matching needs: its pattern is read
            // only once one matches.)
            if let Some((end, b)) = match_elems(&ctx, dicts.verbs.steps(c), 0, i + 1, b, clause[i]) {
                let score = c.specificity.saturating_sub(b.unfilled);
                if found.as_ref().is_none_or(|(_, _, _, best)| score > *best) {
                    found = Some((pid, end, b, score));
                }
            }
        }
        let found = found.map(|(pid, end, b, _)| (pid, end, b));
        if let Some((pid, end, b)) = found {
            let p = &dicts.verbs.patterns[pid as usize];
            // A noun pattern as the object of a support verb is read as that verb.
            let support = (p.head == 0 && !p.has_verb).then(|| support_verb(&ctx, i)).flatten();
            let support_group = support.map(|v| verb_group(&ctx, v));
            let g = support_group.as_ref().or(group.as_ref()).expect("a pattern was tried");
            matches.push(VerbMatch {
                pattern: pid,
                tokens: i..end,
                head: i,
                clause: clause[i],
                passive: g.passive,
                negated: g.negated,
                future: g.future,
                modal: g.modal,
                nonfinite: g.nonfinite,
                support,
                suppressed: None,
            });
            // The slots' bindings, alongside the match (same index).
            bound.push((b.target, b.source));
        }
        i += 1;
    }

    // Clauses that complete an appeal, demand, intent or threat ("urged
    // that Iran release …") describe what is wanted, not what happened; an
    // accusation's ("determined that the military committed genocide")
    // what is alleged.
    complements.clear();
    for m in matches.iter() {
        let root = dicts.verbs.patterns[m.pattern as usize].code.root_number();
        if matches!(root, 2 | 3 | 10 | 11 | 13) {
            for t in [m.tokens.end - 1, m.tokens.end] {
                if t < n && clause[t] != m.clause {
                    complements.push(clause[t]);
                }
            }
            // "warned NATO on Wednesday that Russia would …": the that-clause
            // a few words on, past the addressee and a time.
            let that = (m.tokens.end..(m.tokens.end + 4).min(n))
                .take_while(|&k| clause[k] == m.clause || norm.token(k) == "that")
                .find(|&k| norm.token(k) == "that" && clause[k] != m.clause);
            if let Some(t) = that {
                complements.push(clause[t]);
            }
            // "urged the Philippines to stop its provocations and return to
            // dialogue", "threatened to close the strait and attack …": a
            // conjunct with no subject of its own continues the wanted act.
            let infinitive =
                m.tokens.clone().any(|k| norm.token(k) == "to" && (k + 1 == m.tokens.end || is_head[k + 1]));
            if infinitive {
                let next = (m.tokens.end..n).find(|&k| clause[k] != m.clause);
                if let Some(k) = next.filter(|&k| matches!(norm.token(k), "and" | "or")) {
                    let verb = (k + 1..n).take_while(|&j| clause[j] == clause[k]).find(|&j| is_head[j]);
                    if verb.is_some_and(|v| !input.nps.iter().any(|np| np.tokens.start > k && np.tokens.start < v)) {
                        complements.push(clause[k]);
                    }
                }
            }
        }
    }

    // 2. One event family per clause: the first match in the clause.
    let sentence_block = if matches.is_empty() { None } else { sentence_block() };
    clause_done.clear();
    clause_subject.clear();
    subjects.clear();
    for mi in 0..matches.len() {
        let m = matches[mi].clone();
        // The first token of the match's clause (the head is in it).
        let clause_first = clause.iter().position(|&c| c == m.clause).unwrap_or(0);
        let p = &dicts.verbs.patterns[m.pattern as usize];
        let (slot_target, slot_source) = bound[mi];
        let threat = p.code.root_number() == 13;
        // "Iran will not renegotiate the deal": a cooperative act refused
        // for the future is a rejection.
        let refusal = m.negated
            && !p.negated
            && m.future
            && will_before(&ctx, m.head)
            && matches!(p.code.root_number(), 3..=8)
            && !m.modal;
        // ", accusing the opposition of …", "issued a statement demanding
        // that …", "filed a complaint accusing …": a participle that adds a
        // speech act (appeal, demand, accusation, rejection, threat) by the
        // clause's subject is an act of its own.
        // (Threats only by name: ", giving him 72 hours to leave" is a
        // detail of the expulsion.)
        let message = |k: usize| {
            COMMUNICATION_NOUNS.of(norm.words[k].class)
                && (k.saturating_sub(3)..k).any(|j| ISSUING_VERBS.of(norm.words[j].class))
        };
        // "filed a case at the International Court of Justice accusing
        // Israel of …": the message, then where or to whom it went.
        let before_whom = |k: usize| {
            (k + 1..m.head).all(|j| {
                matches!(norm.token(j), "at" | "before" | "with" | "to" | "in" | "the")
                    || input.nps.iter().any(|np| np.tokens.contains(&j))
            })
        };
        let speech_participle = m.nonfinite
            && p.has_verb
            && (matches!(p.code.root_number(), 2 | 10..=12)
                || threat && matches!(head_lemma(dicts, p), "threaten" | "warn"))
            && m.head > 0
            && (norm.token(m.head - 1) == ","
                || (m.head.saturating_sub(2)..m.head).any(message)
                || (m.head.saturating_sub(10)..m.head.saturating_sub(2)).any(|k| message(k) && before_whom(k)));
        // "Nigeria will withdraw its force from Chad unless …": a forceful
        // or punitive act promised on a condition is an ultimatum, a threat.
        let ultimatum = m.future
            && !threat
            && will_before(&ctx, m.head)
            && dicts.ontology.intent_of(p.code).root_number() == 13
            && !clause_starts_with(&ctx, m.clause, "if")
            && !clause_starts_with(&ctx, m.clause, "unless");
        let embedded = complements
            .contains(&m.clause)
            .then_some("complement of an appeal, demand, intent or threat")
            .or_else(|| {
                // "asked how Japan would address …": an indirect question asserts nothing.
                let asked = clause_first > 0
                    && matches!(
                        norm.token(clause_first - 1),
                        "about"
                            | "asked"
                            | "ask"
                            | "asks"
                            | "asking"
                            | "wonder"
                            | "wondered"
                            | "know"
                            | "knows"
                            | "unclear"
                            | "questions"
                            | "inquired"
                            | "inquire"
                            | "to"
                    );
                (asked && matches!(norm.token(clause_first), "how" | "why" | "what" | "whether"))
                    .then_some("indirect question")
            })
            .or_else(|| {
                // "We hope the U.S. side will work with China …": what is
                // hoped for has not happened.
                let verb = norm.token(clause_first.checked_sub(1)?);
                matches!(verb, "hope" | "hopes" | "hoped" | "hoping" | "wish" | "wishes" | "wished")
                    .then_some("hoped for")
            })
            .or_else(|| {
                // "there was no evidence that Damascus had used …", "we have not
                // seen any sign that Russia has pulled back": what is denied.
                let evidence = clause_first > 0
                    && norm.token(clause_first) == "that"
                    && (clause_first.saturating_sub(4)..clause_first).any(|k| {
                        matches!(norm.token(k), "evidence" | "proof" | "sign" | "signs" | "indication" | "indications")
                    });
                let denied = (clause_first.saturating_sub(8)..clause_first)
                    .any(|k| matches!(norm.token(k), "no" | "not" | "n't" | "never" | "without"));
                (evidence && denied).then_some("denied (no evidence that …)")
            });
        // ", which the militia had seized in March": a relative clause in
        // the past perfect recalls the setting of the news.
        let pluperfect = || {
            (m.head.saturating_sub(4)..m.head).any(|k| clause[k] == m.clause && norm.token(k) == "had")
                && ["which", "who", "whom"].iter().any(|&w| clause_starts_with(&ctx, m.clause, w))
        };
        // "The United States has long supported …": a standing position, not an act.
        let long_standing = m.head >= 2
            && norm.token(m.head - 1) == "long"
            && matches!(norm.token(m.head - 2), "has" | "have" | "had" | "'ve");
        let reason = if let Some(r) = embedded {
            Some(r)
        } else if let Some(r) = sentence_block.filter(|r| !((threat || ultimatum) && *r == "conditional")) {
            Some(r)
        } else if background.contains(&m.clause) {
            Some("background: dated years before the document")
        } else if pluperfect() {
            Some("background: past perfect in a relative clause")
        } else if long_standing {
            Some("standing position (has long …)")
        } else if clause_done.contains(&m.clause) && !speech_participle {
            Some("clause already coded")
        } else if m.negated && !p.negated && !refusal {
            Some("negated")
        } else if m.nonfinite && (p.has_verb || m.support.is_some()) && !speech_participle {
            Some("-ing form without an auxiliary (gerund or participle phrase)")
        } else if m.modal && !m.future {
            Some("modal (can/could/may/might/should/must)")
        } else if !input.statements && p.code.root_number() == 1 {
            Some("statement (CAMEO 01x; see --statements)")
        } else {
            None
        };
        if reason.is_some() {
            // "Hungary has not ratified Sweden's bid to join NATO": what
            // follows a negated verb in its clause is negated with it.
            if reason == Some("negated") {
                clause_done.push(m.clause);
            }
            matches[mi].suppressed = reason;
            continue;
        }
        let mut code = p.code;
        // Written piece by piece: `format!` here was a measurable share of
        // coding time.
        rule.clear();
        rule.push_str(&p.loc.file);
        rule.push(':');
        rule.push_str(itoa::Buffer::new().format(p.loc.line));
        rule.push(' ');
        rule.push_str(&p.text);
        // "Navy drones dropping glide bombs hit …": a
        // participle phrase in the clause that names the same kind of act
        // more precisely gives its code.
        let refinement = matches
            .iter()
            .filter(|o| o.clause == m.clause && o.nonfinite && !o.negated && o.head != m.head)
            .map(|o| &dicts.verbs.patterns[o.pattern as usize])
            .find(|o| {
                o.has_verb && o.code.root_number() == code.root_number() && o.code.as_str().len() > code.as_str().len()
            });
        if let Some(o) = refinement {
            rule.push_str(" +participle:");
            rule.push_str(itoa::Buffer::new().format(o.loc.line));
            rule.push(':');
            rule.push_str(o.code.as_str());
            code = o.code;
        }
        // "killed hundreds of people", "killed more than 400 civilians":
        // killing non-combatants on a mass scale is a mass killing.
        if matches!(code.root_number(), 18 | 19)
            && head_lemma(dicts, p) == "kill"
            && p.text.rsplit(' ').next().is_some_and(|w| NONCOMBATANTS.contains(&w))
            && mass_scale(norm, &clause, &m)
        {
            if let Some(c) = dicts.ontology.code("202") {
                rule.push_str(" +mass-scale");
                code = c;
            }
        }
        // "deported more than a million Ukrainians": expelling people by
        // the thousand is a mass expulsion.
        if code.starts_with("174")
            && matches!(head_lemma(dicts, p), "deport" | "expel")
            && mass_expulsion(norm, &clause, &m)
        {
            if let Some(c) = dicts.ontology.code("201") {
                rule.push_str(" +mass-scale");
                code = c;
            }
        }
        // "Protesters set fire to police vehicles" is a riot (145); "settlers
        // torched homes" destroys property (1712): arson is told apart by who
        // sets the fire.
        if matches!(head_lemma(dicts, p), "set" | "torch" | "burn" | "firebomb")
            && (code.starts_with("1712") || code.starts_with("145"))
        {
            let rioters = (clause_first..m.head).any(|k| PROTESTERS.contains(&norm.token(k)));
            let want = if rioters { "145" } else { "1712" };
            if let Some(c) = dicts.ontology.code(want).filter(|_| !code.starts_with(want)) {
                rule.push_str(if rioters { " +arson-by-protesters" } else { " +arson" });
                code = c;
            }
        }
        // The act itself, before a future turns it into an intent or threat
        // ("will impose a curfew" is a threat, but the curfew's target is
        // still the country's own people).
        let act = code;
        if refusal {
            let c = dicts.ontology.refusal_of(code);
            rule.push_str(" +refused");
            code = c;
        } else if m.future && !performative(&ctx, dicts, p, m.head) {
            let c = dicts.ontology.intent_of(code);
            if c != code {
                rule.push_str(" +future→intent");
                code = c;
            }
        }
        // Sources.
        sources.clear();
        targets.clear();
        let party = |i: usize, via: &'static str| -> Option<Party> {
            let np = &input.nps[i];
            // A place ("around Kyiv and Chernihiv") is its country, not its government.
            let code = if np.place { np.country.clone() } else { np.code.clone() };
            code.map(|code| Party { code, tokens: Some(np.tokens.clone()), via })
        };
        let speaker = || input.speaker_code.map(|c| Party { code: Code::from(c), tokens: None, via: "speaker" });
        let subject = subject_np(&ctx, m.head, m.clause);
        if p.speaker_judgement && input.speaker_code.is_some() && slot_source.is_none() {
            sources.extend(speaker());
            if let Some(t) = slot_target {
                targets.extend(compound(&ctx, t).filter_map(|i| party(i, "target-slot")));
            }
        } else if m.passive {
            // The subject is the target; the agent is the source.
            if let Some(s) = subject {
                targets.extend(compound(&ctx, s).filter_map(|i| party(i, "passive-subject")));
            }
            if let Some(s) = slot_source {
                sources.extend(compound(&ctx, s).filter_map(|i| party(i, "source-slot")));
            } else if let Some(a) = by_agent(&ctx, m.head + 1, m.clause) {
                // ("was attacked by militiamen armed with machetes": the agent
                // may stand inside the words the pattern spans.)
                sources.extend(compound(&ctx, a).filter_map(|i| party(i, "by-agent")));
            } else if let Some(a) = institution_after(&ctx, m.head, m.clause) {
                // "was summoned to the (Russian) Foreign Ministry": the ministry acted.
                sources.extend(party(a, "passive-institution"));
            }
            rule.push_str(" +passive");
        } else {
            if let Some(s) = slot_source {
                sources.extend(compound(&ctx, s).filter_map(|i| party(i, "source-slot")));
            } else if p.speaker_judgement {
                sources.extend(speaker());
                if sources.is_empty() {
                    if let Some(s) = subject {
                        sources.extend(compound(&ctx, s).filter_map(|i| party(i, "subject")));
                    }
                }
            } else if let Some(v) = m.support {
                // "Workers went on strike": the support verb's subject.
                rule.push_str(" +support-verb");
                if let Some(s) = subject_np(&ctx, v, m.clause) {
                    sources.extend(compound(&ctx, s).filter_map(|i| {
                        let via = if input.nps[i].first_person { "first-person" } else { "subject" };
                        party(i, via)
                    }));
                }
            } else if !p.has_verb {
                // A noun pattern ("talks with +", "joint exercises") reports an
                // event only with its actor at hand: right before it
                // ("Russia's condemnation"), or as a headline's subject.
                let adjacent = input.nps.iter().position(|np| {
                    np.tokens.end == m.head || np.tokens.end + 1 == m.head && norm.token(np.tokens.end) == "'s"
                });
                let first = input.nps.iter().position(|np| np.tokens.end <= m.head && np.code.is_some() && !np.place);
                // "The Houthis claimed responsibility for an attack on …":
                // the one who claims the act.
                let claimant = (m.head.saturating_sub(4).max(1)..m.head)
                    .find(|&k| {
                        norm.token(k) == "responsibility"
                            && norm.token(k + 1) == "for"
                            && matches!(norm.token(k - 1), "claimed" | "claims" | "claim" | "claiming")
                            // "has not claimed responsibility"
                            && !((k - 1).saturating_sub(3)..k - 1)
                                .any(|j| matches!(norm.token(j), "not" | "n't" | "never" | "no"))
                    })
                    .and_then(|k| subject_np(&ctx, k - 1, clause[k - 1]));
                let pick = adjacent.or(claimant).or(if input.headline { first } else { None });
                // "Experts say a Chinese blockade of Taiwan would …": the noun
                // phrase that opens a hypothetical clause is what it imagines,
                // not an act it reports.
                let hypothetical = (m.tokens.end..(m.tokens.end + 8).min(n))
                    .take_while(|&k| clause[k] == m.clause)
                    .any(|k| matches!(norm.token(k), "would" | "could" | "might" | "may"));
                let topic = !input.headline
                    && hypothetical
                    && adjacent.is_some_and(|s| {
                        (clause_first..input.nps[s].tokens.start)
                            .all(|j| !PREPOSITIONS.of(norm.words[j].class) && !is_head[j])
                    });
                if topic {
                    matches[mi].suppressed = Some("noun phrase opening a hypothetical clause");
                    continue;
                }
                if let Some(s) = pick {
                    let via = if adjacent.is_none() && claimant.is_some() { "claimant" } else { "noun-subject" };
                    sources.extend(compound(&ctx, s).filter_map(|i| party(i, via)));
                }
            } else if let Some(s) = subject {
                sources.extend(compound(&ctx, s).filter_map(|i| {
                    let via = if input.nps[i].first_person { "first-person" } else { "subject" };
                    party(i, via)
                }));
            } else if let Some(r) = reporter_of_pronoun(&ctx, clause_first) {
                sources.extend(compound(&ctx, r).filter_map(|i| party(i, "reporter-pronoun")));
            } else if let Some((k, code)) = person_pronoun(&ctx, clause_first, m.head) {
                sources.push(Party { code: Code::from(code), tokens: Some(k..k + 1), via: "pronoun" });
            } else if clause_starts_with(&ctx, m.clause, "who") {
                // ", who met Putin": the person the relative clause is about
                // (asked before the conjunction rule, which its comma triggers).
                if let Some(i) =
                    input.nps.iter().rposition(|np| clause.get(np.tokens.start).is_some_and(|&c| c < m.clause))
                {
                    sources.extend(party(i, "relative-who"));
                }
            } else if ["whom", "which", "whose"].iter().any(|&w| clause_starts_with(&ctx, m.clause, w)) {
                // ", whom authorities blame for …": the relative clause has a
                // subject of its own, even one we do not know.
            } else if starts_with_conjunction(&ctx, m.clause) {
                // "… and agreed that": the subject of the previous clause.
                if let Some((_, prev)) = clause_subject.iter().rev().find(|(c, _)| *c < m.clause) {
                    sources.extend(subjects[prev.clone()].iter().cloned().map(|mut p| {
                        p.via = "shared-subject";
                        p
                    }));
                } else if clause_first > 0 {
                    // The previous clause coded nothing, but its subject is still the subject here.
                    if let Some(s) = subject_np(&ctx, clause_first, clause[clause_first - 1]) {
                        sources.extend(compound(&ctx, s).filter_map(|i| {
                            let via = if input.nps[i].first_person { "first-person" } else { "shared-subject" };
                            party(i, via)
                        }));
                    }
                }
            }
            if let Some(t) = slot_target {
                targets.extend(compound(&ctx, t).filter_map(|i| party(i, "target-slot")));
            }
        }
        if sources.is_empty() && code.root_number() == 14 && p.has_verb {
            // "Thousands of students across Indonesia demonstrated": protesters
            // no one names are the people of the place they protest in.
            let place = input.nps.iter().find(|np| np.place && clause[np.tokens.start] == m.clause);
            if let Some(np) = place.filter(|np| np.country.as_deref().is_some_and(|c| c.len() == 3)) {
                let code = format_compact!("{}CVL", np.country.as_deref().unwrap_or_default());
                sources.push(Party { code, tokens: Some(np.tokens.clone()), via: "protest-place" });
            }
        }
        if sources.is_empty() {
            matches[mi].suppressed = Some(if m.passive { "passive without an agent" } else { "no source actor" });
            continue;
        }
        // "Peacekeeping troops arrived in Bosnia": troops arriving are
        // deployed, not visiting.
        let troops = |r: &Range<usize>| {
            r.clone().any(|k| {
                matches!(
                    norm.token(k),
                    "troops"
                        | "soldiers"
                        | "forces"
                        | "peacekeepers"
                        | "peacekeeping"
                        | "contingent"
                        | "battalion"
                        | "marines"
                )
            })
        };
        if code.root_number() == 4
            && head_lemma(dicts, p) == "arrive"
            && sources.iter().any(|s| s.tokens.as_ref().is_some_and(troops))
        {
            matches[mi].suppressed = Some("troops arriving are deployed, not visiting");
            continue;
        }
        // What a later "… and will resign" shares is the grammatical
        // subject: in the passive, the one acted on, not the agent.
        let start = subjects.len();
        if !m.passive {
            subjects.extend_from_slice(sources);
        } else if let Some(s) = subject {
            subjects.extend(compound(&ctx, s).filter_map(|i| party(i, "subject")));
        }
        clause_subject.push((m.clause, start..subjects.len()));
        // "vetoed a U.S.-drafted resolution": a veto of a resolution is cast
        // at the UN, whoever drafted it or whatever it condemns.
        let resolution =
            || (m.head + 1..(m.head + 8).min(n)).any(|k| matches!(norm.token(k), "resolution" | "resolutions"));
        if head_lemma(dicts, p) == "veto"
            && resolution()
            && !input.nps.iter().any(|np| np.code.as_deref().is_some_and(|c| c.starts_with("IGOEUR")))
        {
            targets.clear();
            targets.push(Party { code: Code::const_new("IGOUNO"), tokens: None, via: "veto-at-the-un" });
        }
        // Parties distinct enough to be source and target of this act.
        let distinct = |a: &str, b: &str| distinct(a, b) || domestic_act(act) && a != b;
        if targets.is_empty() {
            // First actor phrase after the verb, in the clause, before the next verb.
            // A participle phrase ("…, citing the need to …", "by sending
            // troops to …") is not the object; an -ing word inside the object
            // is part of it ("the bombing suspects from Libya", "a common
            // understanding with Moscow", "rail links running into Kherson").
            let opens_phrase =
                |k: usize| k == m.head + 1 || norm.token(k - 1) == "," || PREPOSITIONS.of(norm.words[k - 1].class);
            let next_verb = (m.tokens.end..n)
                .find(|&k| {
                    is_head[k]
                        && clause[k] == m.clause
                        && syms[k].is_some_and(|s| dicts.verbs.is(s, VerbLexicon::GERUND))
                        && opens_phrase(k)
                })
                .unwrap_or(n);
            let candidate = |np: &ActorNp, places: bool| {
                np.tokens.start > m.head
                    && np.tokens.start < next_verb
                    && clause[np.tokens.start] == m.clause
                    && (places || !np.place)
                    // "displaced by Israeli strikes": an agent, not the object
                    // ("the launch by North Korea" is another matter).
                    && !preceded_by(norm, np.tokens.start, "by").is_some_and(|k| k > 0 && syms[k - 1].is_some_and(|s| dicts.verbs.is(s, VerbLexicon::PARTICIPLE)))
                    && (np.code.as_deref().is_some_and(|c| sources.iter().all(|s| distinct(&s.code, c)))
                        // "killed hundreds of civilians in West Darfur": violence
                        // lands on a city or region of the source's own country too.
                        || places && np.locality && act.root_number() >= 18)
                    // "… in North Darfur, the United Nations said": the subject
                    // of a trailing reporting verb is no object.
                    && !(np.tokens.end < n && SAY_VERBS.of(norm.words[np.tokens.end].class) && preceded_by(norm, np.tokens.start, ",").is_some())
                    // "an investigation into the leaks on the pipelines off
                    // Bornholm": what is investigated follows its first
                    // preposition; a party further in only qualifies it.
                    && !(act.root_number() == 9
                        && (m.tokens.end - 1..np.tokens.start).find(|&k| matches!(norm.token(k), "into" | "of" | "against" | "over")).is_some_and(|into| {
                            (into + 1..np.tokens.start).any(|k| PREPOSITIONS.of(norm.words[k].class) && !matches!(norm.token(k), "of" | "by"))
                        }))
            };
            // "demanded that the US cancel …": who is asked, warned or
            // accused is the subject of the clause the verb opens.
            let complement = (m.tokens.end - 1..(m.tokens.end + 1).min(n))
                .map(|k| clause[k])
                .find(|&c| c != m.clause)
                .or_else(|| {
                    // "demand guarantees that NATO will not expand": a
                    // that-clause right after the object noun.
                    (m.tokens.end..(m.tokens.end + 4).min(n))
                        .take_while(|&k| clause[k] == m.clause || norm.token(k) == "that")
                        .find(|&k| norm.token(k) == "that" && clause[k] != m.clause)
                        .map(|k| clause[k])
                });
            let opener = complement.filter(|_| matches!(code.root_number(), 2 | 10 | 11 | 12 | 13)).and_then(|c| {
                input.nps.iter().position(|np| {
                    clause[np.tokens.start] == c
                        && !np.place
                        && np.code.as_deref().is_some_and(|x| sources.iter().all(|s| distinct(&s.code, x)))
                })
            });
            let other_party = |np: &ActorNp| {
                !np.place && np.code.as_deref().is_some_and(|x| sources.iter().all(|s| distinct(&s.code, x)))
            };
            // "condemned the attack organised by the Kyiv regime", "rejected
            // the plan put forward by Moscow": what is condemned or rejected
            // is the agent's act, so the agent is the target.
            let maker = || {
                input.nps.iter().position(|np| {
                    np.tokens.start > m.head
                        && np.tokens.start < next_verb
                        && clause[np.tokens.start] == m.clause
                        && other_party(np)
                        && preceded_by(norm, np.tokens.start, "by").is_some_and(|k| {
                            (k.saturating_sub(2)..k).any(|j| {
                                j > m.head && syms[j].is_some_and(|s| dicts.verbs.is(s, VerbLexicon::PARTICIPLE))
                            })
                        })
                })
            };
            // "fired on and seized three Ukrainian navy ships": two verbs
            // sharing one object, which follows the second.
            let coordinated = || {
                let k = (m.head + 1..(m.head + 3).min(n))
                    .find(|&k| matches!(norm.token(k), "and" | "or") && k + 1 < n && is_head[k + 1])?;
                input.nps.iter().position(|np| {
                    np.tokens.start > k + 1 && clause[np.tokens.start] == clause[k + 1] && other_party(np)
                })
            };
            if let Some(t) = input.nps.iter().position(|np| candidate(np, false)) {
                targets.extend(compound(&ctx, t).filter_map(|i| party(i, "object")));
            } else if let Some(t) = opener {
                targets.extend(compound(&ctx, t).filter_map(|i| party(i, "complement-subject")));
            } else if let Some(t) = matches!(code.root_number(), 9 | 11 | 12).then(maker).flatten() {
                targets.extend(compound(&ctx, t).filter_map(|i| party(i, "agent-of-object")));
            } else if let Some(t) = p.has_verb.then(coordinated).flatten() {
                targets.extend(compound(&ctx, t).filter_map(|i| party(i, "coordinated-object")));
            } else if act.root_number() >= 13 || act.starts_with("087") || act.root_number() == 8 && domestic_act(act) {
                // Force lands somewhere: "exercises around Taiwan", "strikes in
                // Gaza"; and so does its de-escalation ("reduced its activity
                // around Kyiv"), and the easing of a curfew or an emergency
                // ("lifted the curfew in Montenegro"); and a threat lands where
                // it is aimed ("threatened to resume attacks in Israel").
                if let Some(t) = input.nps.iter().position(|np| candidate(np, true)) {
                    // A place is the country, not its government.
                    let np = &input.nps[t];
                    let code = if np.place { np.country.clone() } else { np.code.clone() };
                    if let Some(code) = code.filter(|c| {
                        np.locality && act.root_number() >= 18 || sources.iter().all(|s| distinct(&s.code, c))
                    }) {
                        targets.push(Party { code, tokens: Some(np.tokens.clone()), via: "place" });
                    }
                } else if act.root_number() >= 18 {
                    // "In Bucha, Russian soldiers shot civilians": violence
                    // lands on the place the sentence opens with.
                    let fronted = input.nps.iter().find(|np| {
                        np.place
                            && np.tokens.start <= 2
                            && preceded_by(norm, np.tokens.start, "in") == Some(0)
                            && np.tokens.end < n
                            && norm.token(np.tokens.end) == ","
                    });
                    if let Some(np) = fronted {
                        if let Some(code) =
                            np.country.clone().filter(|c| np.locality || sources.iter().all(|s| distinct(&s.code, c)))
                        {
                            targets.push(Party { code, tokens: Some(np.tokens.clone()), via: "fronted-place" });
                        }
                    }
                }
            }
            if targets.is_empty() && code.root_number() == 15 {
                // A show of force names its opponent after "against", even
                // inside a phrase of its own ("massed tank units ready for an
                // offensive against Armenia").
                let against = input.nps.iter().position(|np| {
                    np.tokens.start > m.head
                        && np.tokens.start > 1
                        && (norm.token(np.tokens.start - 1) == "against"
                            || norm.token(np.tokens.start - 2) == "against" && norm.token(np.tokens.start - 1) == "the")
                        && clause[np.tokens.start] == m.clause
                        && !np.place
                        && np.code.as_deref().is_some_and(|c| sources.iter().all(|s| distinct(&s.code, c)))
                });
                if let Some(t) = against {
                    targets.extend(compound(&ctx, t).filter_map(|i| party(i, "against")));
                }
            }
            if targets.is_empty() && code.root_number() == 13 {
                // "threatened to leave the fisheries talks if Norway presses
                // ahead": the threat is against whoever the condition names.
                let condition = (m.head + 1..n).find(|&k| {
                    clause[k] != m.clause && matches!(norm.token(k), "if" | "unless") && clause[k - 1] != clause[k]
                });
                let named = condition.and_then(|k| {
                    input
                        .nps
                        .iter()
                        .position(|np| np.tokens.start > k && clause[np.tokens.start] == clause[k] && other_party(np))
                });
                if let Some(t) = named {
                    targets.extend(compound(&ctx, t).filter_map(|i| party(i, "condition-subject")));
                }
            }
            if targets.is_empty() && matches!(code.root_number(), 10..=13) {
                // "I told Minister Le Drian that Iran will not renegotiate":
                // a demand, rejection or threat reported to someone is
                // addressed to them.
                // ("made clear to Moscow that any further invasion would be
                // met with severe costs": the one it is made clear to.)
                let teller = (clause_first.saturating_sub(7)..clause_first).rev().find(|&k| {
                    matches!(
                        norm.token(k),
                        "told" | "tell" | "tells" | "informed" | "assured" | "warned" | "reminded" | "clear"
                    )
                });
                let addressee = teller.and_then(|k| {
                    input.nps.iter().position(|np| {
                        np.tokens.start > k
                            && (k + 1..np.tokens.start)
                                .all(|j| norm.token(j) == "the" || norm.token(j) == "to" && norm.token(k) == "clear")
                            && other_party(np)
                    })
                });
                if let Some(t) = addressee {
                    targets.extend(compound(&ctx, t).filter_map(|i| party(i, "addressee")));
                }
            }
            if targets.is_empty() {
                // "the government", "the police" alone: the source's own
                // country's (or the country where it happens).
                let country = sources[0].code.get(..3).filter(|_| !crate::dict::is_igo_prefix(&sources[0].code));
                if let Some(c) = country {
                    let bare = input.nps.iter().find(|np| {
                        (np.code.is_none() || np.placed)
                            && np.role.as_deref().is_some_and(|r| INSTITUTIONS.contains(&r))
                            && np.tokens.start > m.head && np.tokens.start < next_verb && clause[np.tokens.start] == m.clause
                            // "surrendered following a government offensive": a
                            // circumstance, not the party acted on.
                            && !["following", "after", "during", "despite", "amid", "before"].iter().any(|w| preceded_by(norm, np.tokens.start, w).is_some())
                    });
                    if let Some(np) = bare {
                        let code = match &np.code {
                            Some(placed) => placed.clone(),
                            None => format_compact!("{c}{}", np.role.as_deref().unwrap_or("")),
                        };
                        if sources.iter().all(|s| distinct(&s.code, &code)) {
                            targets.push(Party { code, tokens: Some(np.tokens.clone()), via: "bare-role" });
                        }
                    }
                }
            }
            if targets.is_empty() {
                // Arrests and curfews by a state fall on its own people;
                // protests with no one named are against their own government.
                let s0 = &sources[0].code;
                let state = s0.len() == 3 || s0.len() == 6 && matches!(&s0[3..], "COP" | "GOV" | "MIL" | "JUD" | "SPY");
                let domestic = match act.root_number() {
                    17 if state => Some(("CVL", "domestic-repression")),
                    // "Sudan lifted the state of emergency": easing falls on
                    // the state's own people too.
                    8 if state && sources.len() == 1 && (act.starts_with("081") || act.starts_with("082")) => {
                        Some(("CVL", "domestic-easing"))
                    }
                    // "Belarus freed 14 prisoners": a state frees its own prisoners.
                    8 if state && sources.len() == 1 && act.starts_with("0841") => Some(("CVL", "domestic-release")),
                    14 => Some(("GOV", "domestic-protest")),
                    _ => None,
                };
                if let Some((role, via)) = domestic.filter(|_| s0.len() >= 3 && !crate::dict::is_igo_prefix(s0)) {
                    targets.push(Party { code: format_compact!("{}{role}", &s0[..3]), tokens: None, via });
                }
            }
        }
        let sc = sources[0].code.get(..3).unwrap_or("");
        let other = |np: &ActorNp| {
            !np.place && !np.first_person && np.code.is_some() && np.country.as_deref().is_some_and(|c| c != sc)
        };
        if targets.is_empty() && p.speaker_judgement {
            // A judgement on someone named in the same clause.
            if let Some(t) = input.nps.iter().position(|np| other(np) && clause[np.tokens.start] == m.clause) {
                targets.extend(party(t, "named-in-clause"));
            }
        }
        // An "object" behind a preposition other than "with" or "to" ("a
        // setback for North Korea") is no partner of a compound's members.
        let aside = |t: &Party| {
            t.via == "object"
                && t.tokens
                    .as_ref()
                    .is_some_and(|r| PREPOSITIONS_APART.iter().any(|w| preceded_by(norm, r.start, w).is_some()))
        };
        let partners = sources.iter().any(|a| sources.iter().any(|b| distinct(&a.code, &b.code)));
        // "accused each other": whatever the act, the partners are its targets.
        let mutual = (m.head + 1..(m.tokens.end + 3).min(n)).any(|k| {
            k + 1 < n
                && clause[k] == m.clause
                && matches!((norm.token(k), norm.token(k + 1)), ("each", "other") | ("one", "another"))
        });
        if partners && (mutual || input.joint_compounds && targets.iter().all(aside) && is_reciprocal(dicts, p)) {
            // "Russia and China held joint drills": each with the other.
            let all = sources.clone();
            let mut pairs = Vec::new();
            for s in &all {
                for t in all.iter().filter(|t| distinct(&s.code, &t.code)) {
                    pairs.push((s.clone(), t.clone()));
                }
            }
            for (s, t) in pairs {
                events.push(RawEvent {
                    source: s,
                    target: Some(t),
                    code,
                    pattern: m.pattern,
                    verb: m.tokens.clone(),
                    rule: format!("{rule} +compound-each-other"),
                });
            }
            clause_done.push(m.clause);
            continue;
        }
        let speaker_side = sources.iter().any(|s| {
            matches!(s.via, "first-person" | "speaker")
                || input.speaker_code.is_some_and(|c| c.get(..3) == s.code.get(..3))
        });
        if targets.is_empty() && speaker_side {
            if let Some(c) = input.counterpart {
                targets.push(Party { code: Code::from(c), tokens: None, via: "counterpart" });
            }
        }
        if targets.is_empty() && p.speaker_judgement {
            if let Some(t) = input.nps.iter().position(other) {
                targets.extend(party(t, "named-in-sentence"));
            }
        }
        if targets.is_empty() && (act.starts_with("042") || act.starts_with("043")) {
            // "Voters went to the polls": a visit with no one visited or hosted.
            matches[mi].suppressed = Some("visit with no one visited");
            continue;
        }
        if speech_participle && targets.is_empty() {
            // ", saying he must resign": a side remark with no one named.
            matches[mi].suppressed = Some("participle with no one it addresses");
            continue;
        }
        clause_done.push(m.clause);
        let we = sources.iter().any(|s| {
            s.via == "first-person" && s.tokens.as_ref().is_some_and(|r| matches!(norm.token(r.start), "we" | "our"))
        });
        // A place in the source's own country ("bombs on Douma") is a
        // domestic target; any other party of the source's own is none.
        let locality =
            |t: &Party| t.tokens.as_ref().is_some_and(|r| input.nps.iter().any(|np| np.locality && np.tokens == *r));
        let own = |s: &Party, t: &Party| !distinct(&s.code, &t.code) && !t.via.starts_with("domestic") && !locality(t);
        for s in sources.iter() {
            // The targets not of the source's own side, or none.
            let mut ts = targets.iter().filter(|t| !own(s, t)).map(Some).peekable();
            let alone = ts.peek().is_none().then_some(None);
            for t in ts.chain(alone) {
                // "in Melitopol and Kherson": two phrases, one party.
                let same = |e: &RawEvent| {
                    e.verb == m.tokens
                        && e.source.code == s.code
                        && e.target.as_ref().map(|x| &x.code) == t.map(|x| &x.code)
                };
                if events.iter().any(same) {
                    continue;
                }
                let r = &mut *event_rule;
                r.clear();
                r.push_str(rule);
                r.push_str(" source:");
                r.push_str(s.via);
                if let Some(t) = t {
                    r.push_str(" target:");
                    r.push_str(t.via);
                }
                events.push(RawEvent {
                    source: s.clone(),
                    target: t.cloned(),
                    code,
                    pattern: m.pattern,
                    verb: m.tokens.clone(),
                    rule: r.clone(),
                });
                // Joint first person: "we agreed/discussed" binds both sides.
                let joint =
                    we && t.is_some_and(|t| t.via == "counterpart" || t.tokens.is_some()) && is_agreement(dicts, p);
                if joint {
                    let t = t.expect("joint needs a target");
                    events.push(RawEvent {
                        source: Party { code: t.code.clone(), tokens: t.tokens.clone(), via: t.via },
                        target: Some(Party { code: s.code.clone(), tokens: s.tokens.clone(), via: s.via }),
                        code,
                        pattern: m.pattern,
                        verb: m.tokens.clone(),
                        rule: format!("{r} +joint-we"),
                    });
                }
            }
        }
    }
}

/// People whose arson is a riot, not the destruction of property.
static PROTESTERS: WordSet = WordSet::new(&[
    "protesters", "protestors", "demonstrators", "rioters", "crowd", "crowds", "mob", "mobs", "students", "youths",
    "marchers",
]);

/// "Want to thank", "would like to welcome": saying it is doing it.
fn performative(ctx: &Ctx<'_>, dicts: &Dictionaries, p: &Pattern, head: usize) -> bool {
    let norm = ctx.input.norm;
    matches!(
        head_lemma(dicts, p),
        "thank"
            | "congratulate"
            | "welcome"
            | "commend"
            | "praise"
            | "express"
            | "extend"
            | "salute"
            | "applaud"
            | "condemn"
            | "apologise"
            | "apologize"
    ) && (head.saturating_sub(4)..head)
        .any(|k| ctx.clause[k] == ctx.clause[head] && matches!(norm.token(k), "want" | "wants" | "like" | "wish"))
        && !will_before(ctx, head)
}

/// Victims whose killing on a mass scale is a mass killing (202).
const NONCOMBATANTS: &[&str] = &["people", "civilians", "villagers"];

/// A count of a hundred or more inside the match ("hundreds of", "more
/// than 400"), or "by the hundreds/thousands" right after it.
fn mass_scale(norm: &Normalized, clause: &[usize], m: &VerbMatch) -> bool {
    let large =
        |w: &str| matches!(w, "hundreds" | "thousands" | "millions") || written_number(w).is_some_and(|x| x >= 100);
    let inside = (m.head + 1..m.tokens.end).any(|k| large(norm.token(k)));
    let after = m.tokens.end + 2 < clause.len()
        && clause[m.tokens.end + 2] == m.clause
        && norm.token(m.tokens.end) == "by"
        && norm.token(m.tokens.end + 1) == "the"
        && matches!(norm.token(m.tokens.end + 2), "hundreds" | "thousands");
    inside || after
}

/// Thousands or more in the few words after the verb ("deported more
/// than a million Ukrainians", "expelled tens of thousands").
fn mass_expulsion(norm: &Normalized, clause: &[usize], m: &VerbMatch) -> bool {
    (m.head + 1..(m.head + 6).min(clause.len())).take_while(|&k| clause[k] == m.clause).any(|k| {
        let w = norm.token(k);
        // Four digits with no comma are a year, not a count.
        matches!(w, "thousands" | "million" | "millions")
            || written_number(w).is_some_and(|x| x >= 1000) && !(w.len() == 4 && !w.contains(','))
    })
}

/// A number written in digits, with or without thousands commas ("400",
/// "1,200").
fn written_number(w: &str) -> Option<u64> {
    let digits =
        w.bytes().next().is_some_and(|b| b.is_ascii_digit()) && w.bytes().all(|b| b.is_ascii_digit() || b == b',');
    digits
        .then(|| {
            w.bytes()
                .filter(u8::is_ascii_digit)
                .try_fold(0u64, |n, b| n.checked_mul(10)?.checked_add(u64::from(b - b'0')))
        })
        .flatten()
}

/// Two actors are distinct parties: other countries, or the same country
/// in two different roles (police and opposition).
fn distinct(a: &str, b: &str) -> bool {
    fn country(c: &str) -> &str {
        if crate::dict::is_igo_prefix(c) {
            c.get(..6).unwrap_or(c)
        } else {
            c.get(..3).unwrap_or(c)
        }
    }
    fn role(c: &str) -> Option<&str> {
        c.get(3..6).filter(|_| !crate::dict::is_igo_prefix(c))
    }
    if country(a) != country(b) {
        return true;
    }
    matches!((role(a), role(b)), (Some(x), Some(y)) if x != y)
}

/// Acts a state does to its own country as readily as to another: reform
/// and its promise (034, 081–083), administrative sanctions and their
/// threat (132, 172), arrests (173) and repression (175). For these, the
/// country named as the object ("promised to democratise Serbia", "imposed
/// a curfew on Colombo") is a party distinct from the government acting.
fn domestic_act(code: CameoCode) -> bool {
    ["034", "081", "082", "083", "132", "172", "173", "175"].iter().any(|f| code.starts_with(f))
}

/// Acts that "we" do together with the other side: talks, agreements, and
/// fighting each other ("Indian and Chinese troops clashed").
fn is_joint_act(dicts: &Dictionaries, p: &Pattern) -> bool {
    if p.code.root_number() == 4 {
        return true;
    }
    let head = head_lemma(dicts, p);
    matches!(head, "agree" | "sign" | "conclude" | "clash" | "fight" | "battle" | "skirmish")
}

/// What two parties named together do with each other: talks, agreements,
/// material cooperation, relations established or restored, exchanges, clashes.
fn is_reciprocal(dicts: &Dictionaries, p: &Pattern) -> bool {
    let head = head_lemma(dicts, p);
    is_joint_act(dicts, p)
        || p.code.root_number() == 6
        || matches!(
            head,
            "establish"
                | "restore"
                | "normalize"
                | "normalise"
                | "upgrade"
                | "resume"
                | "renew"
                | "exchange"
                | "swap"
                | "clash"
                | "reconcile"
        )
}

/// Roles that, named alone ("the government", "the police"), are the
/// acting country's own; people ("reporters", "hostages") may be anyone's.
const INSTITUTIONS: &[&str] = &["GOV", "LEG", "JUD", "COP", "MIL", "OPP", "SPY"];

/// Prepositions that set a phrase apart from a compound's partners.
const PREPOSITIONS_APART: &[&str] = &[
    "for", "in", "at", "on", "of", "by", "from", "over", "against", "about", "after", "during", "despite", "amid",
    "between",
];

/// The position of `word` right before token `k`, past determiners.
fn preceded_by(norm: &Normalized, k: usize, word: &str) -> Option<usize> {
    let mut j = k;
    while j > 0 {
        j -= 1;
        match norm.token(j) {
            "the" | "a" | "an" => continue,
            w if w == word => return Some(j),
            _ => return None,
        }
    }
    None
}

/// Clauses dated well before the document: "in 2008", "in May 1993", "on
/// 12 March 1999", "in the 1990s" (two or more years before the document's
/// year), "ten years ago", "decades ago".
fn background_clauses(input: &SentenceInput<'_>, clause: &[usize], out: &mut Vec<usize>) {
    let norm = input.norm;
    let tok = |k: usize| norm.token(k);
    let is_month = |k: usize| MONTHS.of(norm.words[k].class);
    let is_day = |k: usize| tok(k).len() <= 2 && tok(k).bytes().all(|b| b.is_ascii_digit());
    out.clear();
    for k in 0..input.tokens.len() {
        // Only "ago" and years (numbers) date a clause.
        if input.tokens[k].kind != TokKind::Number && norm.spans[k].len() != 3 {
            continue;
        }
        let w = tok(k);
        let past = if w == "ago" {
            k > 0 && matches!(tok(k - 1), "years" | "decades")
        } else if let (Some(y), Some(doc)) = (year_of(w), input.year) {
            let dated = if w.ends_with('s') {
                k >= 2 && tok(k - 1) == "the" && tok(k - 2) == "in"
            } else {
                k >= 1 && tok(k - 1) == "in"
                    || k >= 2 && is_month(k - 1) && tok(k - 2) == "in"
                    || k >= 3 && is_month(k - 1) && is_day(k - 2) && tok(k - 3) == "on"
                    || k >= 4 && tok(k - 1) == "," && is_day(k - 2) && is_month(k - 3) && tok(k - 4) == "on"
            };
            dated && y <= doc - 2
        } else {
            false
        };
        if past && !out.contains(&clause[k]) {
            out.push(clause[k]);
        }
    }
}

static MONTHS: WordSet = WordSet::class(
    17,
    &[
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
        "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    ],
);

/// "2008" → 2008; a decade ("1990s") → its last year.
fn year_of(w: &str) -> Option<i32> {
    let digits = w.strip_suffix('s').unwrap_or(w);
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y: i32 = digits.parse().ok()?;
    let y = if digits.len() < w.len() { y + 9 } else { y };
    (1900..=2100).contains(&y).then_some(y)
}

/// "We agreed", "we signed": what the speaker's side and the other side did together.
fn is_agreement(dicts: &Dictionaries, p: &Pattern) -> bool {
    matches!(head_lemma(dicts, p), "agree" | "sign" | "conclude")
}

/// The lemma of a pattern's head verb ("" for a noun pattern).
fn head_lemma<'a>(dicts: &'a Dictionaries, p: &Pattern) -> &'a str {
    match &p.elems[p.head] {
        Elem::Verb(l) => dicts.verbs.lemma_names[*l as usize].as_str(),
        _ => "",
    }
}

/// An institution named after a passive verb ("to the Foreign Ministry").
fn institution_after(ctx: &Ctx<'_>, head: usize, clause: usize) -> Option<usize> {
    let norm = ctx.input.norm;
    ctx.input.nps.iter().position(|np| {
        np.tokens.start > head
            && ctx.clause[np.tokens.start] == clause
            && np.code.is_some()
            && np.tokens.clone().any(|k| matches!(norm.token(k), "ministry" | "kremlin" | "government" | "department"))
    })
}

/// "will" in the verb group before `head`, or "would" reported ("said it
/// would not …", the reported form of "will"): a firm commitment, not a
/// hypothetical ("Israel would strike, analysts say").
fn will_before(ctx: &Ctx<'_>, head: usize) -> bool {
    let norm = ctx.input.norm;
    let group = || (head.saturating_sub(6)..head).rev().take_while(|&k| ctx.clause[k] == ctx.clause[head]);
    let reported = || (0..head).any(|k| REPORTING.of(norm.words[k].class));
    group().any(|k| matches!(norm.token(k), "will" | "'ll" | "shall" | "wo"))
        || group().any(|k| norm.token(k) == "would") && reported()
}

fn clause_starts_with(ctx: &Ctx<'_>, clause: usize, word: &str) -> bool {
    let norm = ctx.input.norm;
    // ", who met Putin": the clause opens at its comma.
    ctx.clause.iter().position(|&c| c == clause).is_some_and(|i| {
        norm.token(i) == word
            || norm.token(i) == ","
                && i + 1 < ctx.clause.len()
                && ctx.clause[i + 1] == clause
                && norm.token(i + 1) == word
    })
}

fn starts_with_conjunction(ctx: &Ctx<'_>, clause: usize) -> bool {
    ctx.clause.iter().position(|&c| c == clause).is_some_and(|i| {
        let w = ctx.input.norm.token(i);
        matches!(w, "and" | "but" | "or" | ",") || i > 0 && matches!(ctx.input.norm.token(i - 1), "and" | "but" | ",")
    })
}

/// "Iraq said it would allow …": the pronoun that opens a reported clause
/// is the one who reports it (the subject of the reporting verb).
fn reporter_of_pronoun(ctx: &Ctx<'_>, first: usize) -> Option<usize> {
    let norm = ctx.input.norm;
    let k = subject_slot(norm, first);
    if first == 0 || k >= ctx.clause.len() || !matches!(norm.token(k), "it" | "they" | "he" | "she") {
        return None;
    }
    let outer = ctx.clause[first - 1];
    let verb = (first.saturating_sub(6)..first)
        .rev()
        .find(|&j| ctx.clause[j] == outer && REPORTING.of(norm.words[j].class))?;
    subject_np(ctx, verb, outer)
}

/// "He accused …" opening the sentence or a clause of it with no actor
/// before the verb: [`SentenceInput::pronoun`] (there is no telling "he"
/// from "she").
fn person_pronoun<'a>(ctx: &Ctx<'a>, first: usize, head: usize) -> Option<(usize, &'a str)> {
    let code = ctx.input.pronoun?;
    let k = subject_slot(ctx.input.norm, first);
    (k < head && matches!(ctx.input.norm.token(k), "he" | "she")).then_some((k, code))
}

/// Where the subject of the clause opening at `first` stands: its first
/// word, or the one after an opening "that".
fn subject_slot(norm: &Normalized, first: usize) -> usize {
    if norm.token(first) == "that" {
        first + 1
    } else {
        first
    }
}

/// The subject: in the clause, before the head, the first actor phrase not
/// inside a prepositional phrase (or the first at all).
fn subject_np(ctx: &Ctx<'_>, head: usize, clause: usize) -> Option<usize> {
    let nps = ctx.input.nps;
    let norm = ctx.input.norm;
    let before = || {
        (0..nps.len()).filter(|&i| {
            let np = &nps[i];
            np.tokens.end <= head && ctx.clause[np.tokens.start] == clause && np.code.is_some() && !np.place
        })
    };
    let free = before().find(|&i| {
        let s = nps[i].tokens.start;
        // Skip determiners and adjectives back to a preposition, if any.
        let mut k = s;
        while k > 0 && ctx.clause[k - 1] == clause {
            let w = norm.token(k - 1);
            if PREPOSITIONS.of(norm.words[k - 1].class) {
                return false;
            }
            if matches!(w, "the" | "a" | "an" | "our" | "their" | "his" | "her" | "its" | "both" | "all") {
                k -= 1;
                continue;
            }
            break;
        }
        true
    });
    // "A war between the United States and Iran would be catastrophic,
    // economists warned": when the words right before the verb, after a
    // comma, are a subject we do not know, the phrases in a preposition's
    // object are not it.
    let unknown_subject = || {
        let mut k = head;
        while k > 0 && ctx.clause[k - 1] == clause && AUX.of(norm.words[k - 1].class) {
            k -= 1;
        }
        let in_np = |j: usize| nps.iter().any(|np| np.tokens.start <= j && j < np.tokens.end);
        // Lowercase nouns ("economists", "senior officials"), not an
        // adverb ("meanwhile") or a name in apposition.
        let common = |j: usize| {
            let t = &ctx.input.tokens[j];
            let w = norm.token(j);
            t.kind == TokKind::Word
                && !in_np(j)
                && ctx.clause[j] == clause
                && ctx.input.doc.as_bytes().get(t.start as usize).is_some_and(u8::is_ascii_lowercase)
                && !w.ends_with("ly")
                && !matches!(
                    w,
                    "meanwhile"
                        | "however"
                        | "too"
                        | "also"
                        | "though"
                        | "instead"
                        | "then"
                        | "now"
                        | "in"
                        | "turn"
                        | "both"
                        | "all"
                        | "for"
                        | "its"
                        | "part"
                )
        };
        k >= 2
            && common(k - 1)
            && (k.saturating_sub(4)..k - 1)
                .rev()
                .find(|&j| norm.token(j) == ",")
                .is_some_and(|c| (c + 1..k).all(common))
    };
    if unknown_subject() {
        return None;
    }
    free.or_else(|| before().next())
}

/// Actor phrases joined to `i` by "and" or commas (always a run of
/// neighbours, `i` among them): one event each.
fn compound(ctx: &Ctx<'_>, i: usize) -> Range<usize> {
    let nps = ctx.input.nps;
    let norm = ctx.input.norm;
    let mut j = i;
    while j + 1 < nps.len() {
        let gap = nps[j].tokens.end..nps[j + 1].tokens.start;
        let joined = matches!(
            few_words(gap.map(|k| norm.token(k)).filter(|w| !matches!(*w, "the" | "its" | "their"))),
            Some((["and", ..], 1) | ([",", ..], 1) | ([",", "and", ..], 2) | (["as", "well", "as"], 3))
        );
        // "… along the border with Guyana, Brazil's defence ministry said":
        // the next phrase is the subject of a reporting verb, not a member.
        let reporter =
            nps[j + 1].tokens.end < ctx.input.tokens.len() && SAY_VERBS.of(norm.words[nps[j + 1].tokens.end].class);
        // "releasing 32 Armenian servicemen and the Republic of Armenia is
        // releasing …": an "and" that opened a clause joins no members.
        let split = ctx.clause[nps[j + 1].tokens.start] != ctx.clause[nps[j].tokens.start]
            && !gap_has_comma(norm, nps[j].tokens.end..nps[j + 1].tokens.start);
        if !joined || reporter || split {
            break;
        }
        j += 1;
    }
    // "Russia and Japan" seen from the second member: take the first too.
    let mut first = i;
    if i > 0 {
        let gap = nps[i - 1].tokens.end..nps[i].tokens.start;
        if matches!(few_words(gap.map(|k| norm.token(k))), Some((["and", ..], 1)))
            && ctx.clause[nps[i - 1].tokens.start] == ctx.clause[nps[i].tokens.start]
        {
            first = i - 1;
        }
    }
    first..j + 1
}

fn gap_has_comma(norm: &Normalized, gap: Range<usize>) -> bool {
    gap.into_iter().any(|k| norm.token(k) == ",")
}

/// Up to three words and how many there are; `None` for more (the
/// joining words between compound members, without collecting them).
fn few_words<'a>(words: impl Iterator<Item = &'a str>) -> Option<([&'a str; 3], usize)> {
    let mut out = [""; 3];
    let mut n = 0;
    for w in words {
        *out.get_mut(n)? = w;
        n += 1;
    }
    Some((out, n))
}

/// The agent of a passive: "by X" after the verb, in the clause.
fn by_agent(ctx: &Ctx<'_>, from: usize, clause: usize) -> Option<usize> {
    let n = ctx.input.tokens.len();
    (from..n)
        .take_while(|&k| ctx.clause[k] == clause)
        .find(|&k| ctx.input.norm.token(k) == "by")
        .and_then(|k| np_near(ctx, k + 1))
}
