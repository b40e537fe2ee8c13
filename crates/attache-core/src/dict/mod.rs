//! Dictionaries: read from files, checked, compiled once into an immutable
//! [`Dictionaries`] value that every stage borrows (and threads share).
//!
//! - [`source`]: the entries as read, with file and line ([`DictSource`]).
//! - [`native`]: our format (`dictionaries/README.md`).
//! - [`phoenix`]: the TABARI/PETRARCH formats analysts already have.
//! - [`inflect`]: verb forms for patterns.
//! - this module: compilation into the actor and verb matchers, and `check`.

pub mod inflect;
mod inline;
pub mod native;
pub mod phoenix;
pub mod source;
mod words;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::Path;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use chrono::NaiveDate;
use rustc_hash::{FxHashMap, FxHashSet, FxHasher};

use crate::error::{DictError, DictErrorKind};
use crate::ontology::{CameoCode, Ontology};
use crate::text::normalize_phrase;
use inflect::Irregulars;
use source::{ActorPhrase, PersonTerm, RoleWord, VerbPattern};
pub use source::{DictSource, Example, Loc, PatternToken, PhraseKind};
pub use words::Words;
use words::WordsBuilder;

include!(concat!(env!("OUT_DIR"), "/embedded_dictionaries.rs"));

/// An interned word of the verb vocabulary.
pub type Sym = u32;

/// One compiled pattern element: eight bytes, so that a pattern's
/// elements share a cache line or two.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Elem {
    Word(Sym),
    /// One of the words [`VerbLexicon::alternatives`] lists (alike lists
    /// share an id).
    Alt(u32),
    Opt(Sym),
    Verb(u32),
    Gap,
    Target,
    Source,
}

#[derive(Clone, Debug)]
pub struct Pattern {
    pub code: CameoCode,
    pub elems: Vec<Elem>,
    /// Index of the head element in `elems`: 1 when the pattern opens with
    /// the source (`$ condemnation of +`), else 0.
    pub head: usize,
    pub speaker_judgement: bool,
    /// The pattern itself contains a negation ("BE not subject to discussion").
    pub negated: bool,
    /// Some element is a verb lemma (`Elem::Verb`): a verb pattern, not a
    /// noun one ("condemnation of"). Kept beside the pattern's other fields
    /// so that asking does not read its elements.
    pub has_verb: bool,
    /// Literal words and slots: the more, the more specific.
    pub specificity: u16,
    pub text: String,
    pub loc: Loc,
}

/// An actor code, role code or name as the coder passes it along: kept
/// inline up to 24 bytes (every CAMEO code, most names), so copying one
/// for each mention, phrase and event allocates nothing.
pub type Code = compact_str::CompactString;

/// A person and their dated codes.
#[derive(Clone, Debug)]
pub struct Person {
    pub name: Code,
    pub terms: Vec<Term>,
}

#[derive(Clone, Debug)]
pub struct Term {
    pub code: Code,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub office: String,
    pub loc: Loc,
}

impl Term {
    fn covers(&self, d: NaiveDate) -> bool {
        self.from.is_none_or(|f| f <= d) && self.to.is_none_or(|t| d < t)
    }
}

/// Which code a person has on `date`: the first term (in file order) that
/// covers it; outside every term the country plus `ELI`; with no date the
/// most recent term. `None` for people of an organisation out of office.
impl Person {
    pub fn code_on(&self, date: Option<NaiveDate>) -> Option<&str> {
        match date {
            Some(d) => match self.terms.iter().find(|t| t.covers(d)) {
                Some(t) => Some(&t.code),
                None => None,
            },
            None => self.terms.iter().max_by_key(|t| t.from).map(|t| t.code.as_str()),
        }
    }

    /// The country the person belongs to (first three letters of their
    /// codes), if they are a national figure.
    pub fn country(&self) -> Option<&str> {
        let c = &self.terms.first()?.code;
        (!is_igo_prefix(c)).then(|| &c[..3])
    }

    pub fn has_term_on(&self, date: NaiveDate) -> bool {
        self.terms.iter().any(|t| t.covers(date))
    }
}

pub fn is_igo_prefix(code: &str) -> bool {
    ["IGO", "NGO", "IMG", "MNC"].iter().any(|p| code.starts_with(p))
}

/// What an actor phrase in the matcher stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryKind {
    Phrase {
        kind: PhraseKind,
        code: Code,
    },
    Role {
        role: Code,
        prefix: bool,
    },
    Person(u32),
    /// A surname alone: resolved against the people named earlier in the
    /// document, or (unless it is also a common word or name) to the only
    /// person with that surname.
    Surname {
        people: Vec<u32>,
        needs_antecedent: bool,
    },
    /// A phrase that contains an actor name but is not an actor ("South
    /// China Sea", "New York Times"): it hides the name inside it.
    NotActor,
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub kind: EntryKind,
    /// Case-sensitive entries: the exact surface form required.
    pub exact: Option<String>,
    /// Names of people match only when capitalised in the text.
    pub capitalized: bool,
}

/// Actor phrases, looked up by whole tokens: a phrase is its normalised
/// tokens joined by single spaces, and a sentence is matched leftmost-longest
/// by trying, at each token that starts some phrase, the longest run of
/// tokens first (see [`ActorLexicon::longest_at`]; which lengths start at a
/// word is [`WordInfo::phrase_lengths`]).
#[derive(Debug)]
pub struct ActorLexicon {
    /// Phrase → its index in `entries` (looked up at most tokens, so kept
    /// inline: [`inline`]).
    phrases: inline::InlineMap<24, u32>,
    /// Per phrase: its entries.
    pub entries: Vec<Vec<Entry>>,
    pub people: Vec<Person>,
}

impl ActorLexicon {
    /// The longest phrase starting at token `i` of a sentence whose
    /// normalised tokens are `token(0..n)`, joined by single spaces in
    /// `text` at `spans`, given the phrase lengths its first word starts
    /// ([`WordInfo::phrase_lengths`]): its length in tokens and its entries.
    /// (A `text` with [`Words::PADDING`] bytes after its last token is
    /// looked up fastest: [`inline::InlineMap::get_within`].)
    pub fn longest_at(
        &self,
        text: &str,
        spans: &[std::ops::Range<u32>],
        i: usize,
        lengths: u64,
    ) -> Option<(usize, &[Entry])> {
        let first = &spans[i];
        // Only the lengths some phrase has, longest first, as far as the sentence goes.
        let room = (spans.len() - i).min(63);
        let mut lengths = lengths & (u64::MAX >> (63 - room));
        while lengths != 0 {
            let len = 63 - lengths.leading_zeros() as usize;
            lengths &= !(1 << len);
            if let Some(&id) = self.phrases.get_within(text, first.start as usize..spans[i + len - 1].end as usize) {
                return Some((len, self.entries[id as usize].as_slice()));
            }
        }
        None
    }
}

/// What the matchers need to know of one word, looked up once per token
/// (when the sentence is normalised) for both of them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WordInfo {
    /// The word's symbol in the verb patterns' vocabulary.
    pub verb: Option<Sym>,
    /// The lengths in tokens of the actor phrases the word starts (bit `n`
    /// for `n` tokens; longer than 63 counts as 63).
    pub phrase_lengths: u64,
    /// The word classes of the event rules it belongs to (a bit per
    /// [`crate::text::WordSet::class`], from [`crate::events::WORD_CLASSES`]).
    pub class: u64,
}

impl WordInfo {
    /// A bit of [`WordInfo::class`] that is no rule's word class: the word
    /// is the second or a later word of some actor phrase. A phrase can
    /// only run as far as the words after its first have this bit, which
    /// spares looking up the longer lengths its first word starts.
    pub const CONTINUES_PHRASE: u64 = 1 << 63;
    /// A bit of [`WordInfo::class`]: the word heads some verb pattern
    /// ([`VerbLexicon::candidates_of`] its symbol is not empty).
    pub const HEADS_PATTERN: u64 = 1 << 62;
    /// A bit of [`WordInfo::class`]: [`VerbLexicon::is_verb_head`].
    pub const VERB_HEAD: u64 = 1 << 61;
    /// The bits no word class may take.
    const RESERVED: u64 = Self::CONTINUES_PHRASE | Self::HEADS_PATTERN | Self::VERB_HEAD;

    /// [`phrase_lengths`](WordInfo::phrase_lengths) of the word at `i` of
    /// `words`, less those longer than the run of words after it that
    /// continue some phrase.
    pub fn phrase_lengths_at(words: &[WordInfo], i: usize) -> u64 {
        let lengths = words[i].phrase_lengths;
        if lengths < 1 << 2 {
            return lengths;
        }
        let run = words[i + 1..].iter().take(62).take_while(|w| w.class & WordInfo::CONTINUES_PHRASE != 0).count();
        lengths & u64::MAX >> (62 - run)
    }
}

/// Verb patterns indexed by their first element.
#[derive(Debug)]
pub struct VerbLexicon {
    pub vocab: FxHashMap<String, Sym>,
    /// Per symbol: the verb lemmas it is a form of.
    pub lemmas_of: Vec<Vec<u32>>,
    /// Per symbol: what kind of verb form it is ([`VerbLexicon::FORM`],
    /// [`VerbLexicon::PARTICIPLE`], [`VerbLexicon::GERUND`]), in one byte:
    /// the verb group asks all three of a head, from a table that stays
    /// in cache.
    forms: Vec<u8>,
    pub lemma_names: Vec<String>,
    pub by_head: FxHashMap<u64, Vec<u32>>,
    pub patterns: Vec<Pattern>,
    /// The word lists of [`Elem::Alt`]s.
    alternatives: Vec<Box<[Sym]>>,
    /// The elements after the head of every pattern, one pattern's after
    /// another's ([`VerbLexicon::steps`]): what matching a candidate reads,
    /// without reading its [`Pattern`].
    steps: Vec<Elem>,
    /// Per symbol (and one past the last): where its lists start, side by
    /// side so that a head's bounds are read together: `[candidate, loose,
    /// followed, next words]`. `head_patterns[starts[sym][0]..starts[sym + 1][0]]`
    /// is what [`VerbLexicon::candidates_of`] returns, computed once. The
    /// last is the [`next_bit`]s of the words its `followed` candidates
    /// need next: most heads are followed by none of them, and then the
    /// list is not searched.
    starts: Vec<[u32; 4]>,
    head_patterns: Vec<Candidate>,
    /// Per symbol, its candidates that need no particular next word
    /// (`loose[starts[sym][1]..starts[sym + 1][1]]`, each a [`Loose`]), and
    /// the others by next word (`followed`, sorted by word, then position,
    /// holds the rest of its candidates).
    ///
    /// A head with more than [`INDEXED_LOOSE`] loose candidates ("hold",
    /// "make", "take": a few heads, but a fifth of the heads met in text
    /// and nine tenths of the bytes a scan would read) has them grouped by one
    /// word each requires, so that a sentence reads only the groups of the
    /// words it has. Its list then opens with a header, a [`Loose`] whose
    /// bits are those the groups are keyed by and whose position is where
    /// its group ends start in `loose_groups`. Its candidates follow: first
    /// those that require no word, then a group per key bit in ascending
    /// order, each in candidate order.
    loose: Vec<Loose>,
    /// The group ends of every indexed head, one head's after another's:
    /// the end of the group that requires nothing, then of each key's
    /// group, counted from the head's first loose candidate.
    loose_groups: Vec<u32>,
    followed: Vec<(Sym, u32)>,
}

/// Loose lists longer than this are grouped (see
/// [`VerbLexicon::loose`]); shorter ones are scanned whole, a line or two
/// of memory.
const INDEXED_LOOSE: usize = 16;

/// A loose candidate as a sentence first sees it: its
/// [`Candidate::required_words`] and its position in its head's candidate
/// list, in 20 bytes. A sentence skips the candidates it cannot match by
/// scanning these, without reading the candidates; the position is in the
/// line its bits are read from.
#[derive(Clone, Copy, Debug)]
#[repr(C, packed(4))]
struct Loose {
    bits: u128,
    pos: u32,
}

impl Loose {
    fn new(pos: u32, bits: u128) -> Loose {
        Loose { bits, pos }
    }

    fn pos(self) -> u32 {
        self.pos
    }

    fn bits(self) -> u128 {
        self.bits
    }

    /// The candidate may match a sentence whose words after the head have
    /// the bits `words`.
    fn passes(self, words: u128) -> bool {
        self.bits & !words == 0
    }
}

/// A pattern as the matcher first sees it: what decides whether to try
/// it, next to each other in memory.
#[derive(Clone, Copy, Debug)]
pub struct Candidate {
    /// The [`word_bit`]s of the literal words the pattern requires after
    /// its head: a sentence whose words lack one of them cannot match it.
    pub required_words: u128,
    pub pattern: u32,
    /// The word the head must be followed by, when the pattern says so
    /// ("AGREE to"); `NO_WORD` otherwise.
    next_word: Sym,
    pub specificity: u16,
    /// [`Pattern::head`].
    pub head: u8,
    /// The head element is a verb lemma (`Elem::Verb`), not a word.
    pub head_is_verb: bool,
    /// Where its pattern's elements after the head are in
    /// [`VerbLexicon::steps`]: the start shifted by 8, then the count.
    steps: u32,
}

/// Ascending positions of candidates (see
/// [`VerbLexicon::candidates_followed_by`]).
pub struct FollowedBy<'a> {
    /// The loose candidates the words after the head let through.
    loose: &'a [u32],
    followed: &'a [(Sym, u32)],
}

impl Iterator for FollowedBy<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        let take_loose = match (self.loose.first(), self.followed.first()) {
            (Some(&a), Some(&(_, b))) => a < b,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return None,
        };
        if take_loose {
            let (&p, rest) = self.loose.split_first()?;
            self.loose = rest;
            Some(p as usize)
        } else {
            let (&(_, p), rest) = self.followed.split_first()?;
            self.followed = rest;
            Some(p as usize)
        }
    }
}

impl Candidate {
    /// The pattern can match at a head followed by the word `next`, in a
    /// sentence whose words' [`word_bit`]s are `words`. `false` is
    /// certain; `true` means "try it".
    pub fn may_match(&self, words: u128, next: Option<Sym>) -> bool {
        self.required_words & !words == 0 && (self.next_word == NO_WORD || next == Some(self.next_word))
    }
}

/// A word's bit in a 128-bit set of words (a one-hash Bloom filter).
pub fn word_bit(sym: Sym) -> u128 {
    1 << (sym.wrapping_mul(0x9e37_79b9) >> 25)
}

/// A word's bit in a 32-bit set of the words that follow a head (see
/// [`VerbLexicon::starts`]).
fn next_bit(sym: Sym) -> u32 {
    1 << (sym.wrapping_mul(0x9e37_79b9) >> 27)
}

/// [`Candidate::next_word`] of a pattern whose head is not followed by a word.
const NO_WORD: Sym = Sym::MAX;

fn head_key(is_lemma: bool, id: u32) -> u64 {
    ((is_lemma as u64) << 32) | id as u64
}

impl VerbLexicon {
    /// The patterns whose first element matches the token `sym`: the
    /// patterns headed by the word itself, then those headed by each verb
    /// it is a form of, each group most specific first.
    pub fn candidates_of(&self, sym: Sym) -> &[Candidate] {
        let s = sym as usize;
        &self.head_patterns[self.starts[s][0] as usize..self.starts[s + 1][0] as usize]
    }

    /// The symbol heads a pattern and is a form of a pattern verb (a verb
    /// head, for clause splitting).
    pub fn is_verb_head(&self, sym: Sym) -> bool {
        !self.candidates_of(sym).is_empty() && !self.lemmas_of[sym as usize].is_empty()
    }

    /// Positions in [`candidates_of`](VerbLexicon::candidates_of)`(sym)`,
    /// in order, of the candidates that may match when the head is
    /// followed by the word `next`, and the words after it have the
    /// [`word_bit`]s `words`: all the others need another next word, and
    /// of those that need none, those left out need a word not there.
    /// `passing` holds the latter (it is kept by the caller from one head
    /// to the next).
    pub fn candidates_followed_by<'a>(
        &'a self,
        sym: Sym,
        next: Option<Sym>,
        words: u128,
        passing: &'a mut Vec<u32>,
    ) -> FollowedBy<'a> {
        let s = sym as usize;
        let ([_, loose_at, followed_at, nexts], [_, loose_end, followed_end, _]) = (self.starts[s], self.starts[s + 1]);
        let (loose_at, loose_end, followed_at, followed_end) =
            (loose_at as usize, loose_end as usize, followed_at as usize, followed_end as usize);
        let loose = &self.loose[loose_at..loose_end];
        let passed = |l: &'a [Loose]| l.iter().filter(move |l| l.passes(words)).map(|l| l.pos());
        passing.clear();
        // Most loose candidates need a word missing after the head: passed
        // here on their bits alone.
        if loose.len() <= INDEXED_LOOSE {
            passing.extend(passed(loose));
        } else {
            let (keys, ends) = (loose[0].bits(), &self.loose_groups[loose[0].pos() as usize..]);
            let loose = &loose[1..];
            passing.extend(loose[..ends[0] as usize].iter().map(|l| l.pos()));
            let mut present = keys & words;
            while present != 0 {
                let group = (keys & ((1 << present.trailing_zeros()) - 1)).count_ones() as usize;
                passing.extend(passed(&loose[ends[group] as usize..ends[group + 1] as usize]));
                present &= present - 1;
            }
            passing.sort_unstable();
        }
        let followed = &self.followed[followed_at..followed_end];
        let followed = match next.filter(|&w| nexts & next_bit(w) != 0) {
            Some(w) => {
                let from = followed.partition_point(|&(x, _)| x < w);
                let to = followed.partition_point(|&(x, _)| x <= w);
                &followed[from..to]
            }
            None => &[],
        };
        FollowedBy { loose: passing, followed }
    }

    fn index_heads(&mut self) {
        self.steps = Vec::with_capacity(self.patterns.iter().map(|p| p.elems.len() - p.head - 1).sum());
        let mut steps_at = Vec::with_capacity(self.patterns.len());
        for p in &self.patterns {
            let after = &p.elems[p.head + 1..];
            assert!(self.steps.len() < 1 << 24 && after.len() <= MAX_PATTERN_ELEMS, "too many pattern elements");
            steps_at.push((self.steps.len() as u32) << 8 | after.len() as u32);
            self.steps.extend_from_slice(after);
        }
        let candidate: Vec<Candidate> = self
            .patterns
            .iter()
            .enumerate()
            .map(|(i, p)| Candidate {
                required_words: p.elems[p.head + 1..].iter().fold(0, |bits, e| match e {
                    Elem::Word(s) => bits | word_bit(*s),
                    _ => bits,
                }),
                pattern: i as u32,
                next_word: match p.elems.get(p.head + 1) {
                    Some(Elem::Word(s)) => *s,
                    _ => NO_WORD,
                },
                specificity: p.specificity,
                head: p.head as u8,
                head_is_verb: matches!(p.elems.get(p.head), Some(Elem::Verb(_))),
                steps: steps_at[i],
            })
            .collect();
        // Each symbol's lists of patterns, found first: copied into
        // `head_patterns` (a verb's list once for each of its forms: several
        // megabytes) they are not copied again as it grows.
        let n = self.vocab.len();
        let mut heads = Vec::with_capacity(n + 1);
        let mut lists: Vec<&[u32]> = Vec::with_capacity(n);
        let mut total = 0;
        for sym in 0..n as Sym {
            heads.push(total as u32);
            let lemmas = self.lemmas_of[sym as usize].iter().map(|&l| head_key(true, l));
            for v in std::iter::once(head_key(false, sym)).chain(lemmas).filter_map(|k| self.by_head.get(&k)) {
                lists.push(v);
                total += v.len();
            }
        }
        heads.push(total as u32);
        self.head_patterns = Vec::with_capacity(total);
        for v in lists {
            self.head_patterns.extend(v.iter().map(|&p| candidate[p as usize]));
        }
        // A loose candidate goes to `loose`, another to `followed`; a head
        // whose loose ones are grouped has a header too.
        let loose = self.head_patterns.iter().filter(|c| c.next_word == NO_WORD).count();
        self.loose = Vec::with_capacity(loose + loose / (INDEXED_LOOSE + 1));
        self.loose_groups.clear();
        self.starts = Vec::with_capacity(n + 1);
        self.followed = Vec::with_capacity(total - loose);
        // A loose candidate is filed under the word bit it requires that
        // fewest patterns require: "with" or "to" are in most sentences,
        // "ceasefire" in few.
        let bits = |mut r: u128| {
            std::iter::from_fn(move || {
                let bit = (r != 0).then(|| r.trailing_zeros() as usize)?;
                r &= r - 1;
                Some(bit)
            })
        };
        let mut required_by = [0u32; 128];
        for c in candidate.iter().filter(|c| c.next_word == NO_WORD) {
            bits(c.required_words).for_each(|bit| required_by[bit] += 1);
        }
        let key = |r: u128| bits(r).min_by_key(|&bit| (required_by[bit], bit));
        let (mut slots, mut grouped) = (Vec::new(), Vec::new());
        for sym in 0..n {
            let loose_at = self.loose.len();
            self.starts.push([heads[sym], loose_at as u32, self.followed.len() as u32, 0]);
            let list = &self.head_patterns[heads[sym] as usize..heads[sym + 1] as usize];
            let start = self.followed.len();
            for (pos, c) in list.iter().enumerate() {
                if c.next_word == NO_WORD {
                    self.loose.push(Loose::new(pos as u32, c.required_words));
                } else {
                    self.followed.push((c.next_word, pos as u32));
                }
            }
            self.followed[start..].sort_unstable();
            self.starts[sym][3] = self.followed[start..].iter().fold(0, |bits, &(w, _)| bits | next_bit(w));
            if self.loose.len() - loose_at > INDEXED_LOOSE {
                // Grouped, in candidate order within a group (a counting
                // sort): those that require nothing, then by key.
                // Each one's group: 0 for none, else its key bit + 1.
                slots.clear();
                slots.extend(self.loose[loose_at..].iter().map(|l| key(l.bits()).map_or(0, |bit| bit as u8 + 1)));
                let mut ends = [0u32; 129];
                for &slot in &slots {
                    ends[usize::from(slot)] += 1;
                }
                let mut keys = 0u128;
                let mut at = 0;
                let groups = self.loose_groups.len() as u32;
                for (s, n) in ends.iter_mut().enumerate() {
                    at += *n;
                    if s == 0 || *n > 0 {
                        self.loose_groups.push(at);
                        keys |= if s == 0 { 0 } else { 1 << (s - 1) };
                    }
                    *n = at;
                }
                grouped.clear();
                grouped.resize(self.loose.len() - loose_at, Loose::new(0, 0));
                for (&l, &slot) in self.loose[loose_at..].iter().zip(&slots).rev() {
                    let end = &mut ends[usize::from(slot)];
                    *end -= 1;
                    grouped[*end as usize] = l;
                }
                self.loose.truncate(loose_at);
                self.loose.push(Loose::new(groups, keys));
                self.loose.extend_from_slice(&grouped);
            }
        }
        self.starts.push([heads[n], self.loose.len() as u32, self.followed.len() as u32, 0]);
    }

    /// [`VerbLexicon::forms`]: a form of some pattern verb.
    pub const FORM: u8 = 1;
    /// A past participle of some pattern verb.
    pub const PARTICIPLE: u8 = 2;
    /// An -ing form of some pattern verb.
    pub const GERUND: u8 = 4;

    /// Whether the symbol is a verb form of every kind in `kinds`.
    pub fn is(&self, sym: Sym, kinds: u8) -> bool {
        self.forms[sym as usize] & kinds == kinds
    }

    /// The words of the alternatives `Elem::Alt(id)`.
    pub fn alternatives(&self, id: u32) -> &[Sym] {
        &self.alternatives[id as usize]
    }

    /// The elements of `c`'s pattern after its head.
    pub fn steps(&self, c: &Candidate) -> &[Elem] {
        let start = (c.steps >> 8) as usize;
        &self.steps[start..start + (c.steps & 0xff) as usize]
    }

    pub fn is_form_of(&self, sym: Sym, lemma: u32) -> bool {
        self.lemmas_of[sym as usize].contains(&lemma)
    }
}

/// The compiled dictionaries. Immutable; share by reference.
#[derive(Debug)]
pub struct Dictionaries {
    pub ontology: Ontology,
    pub actors: ActorLexicon,
    pub verbs: VerbLexicon,
    /// The words of both, for one lookup per token.
    pub words: Words,
    pub examples: Vec<Example>,
    /// Sentences containing one of these phrases are not coded.
    pub discards: Option<AhoCorasick>,
    pub files: Vec<String>,
    /// A hash of everything that was compiled, for the coding-run record.
    pub fingerprint: u64,
}

/// Counts for `dict stats`.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Stats {
    pub countries: usize,
    pub organisations: usize,
    pub places: usize,
    pub actor_phrases: usize,
    pub people: usize,
    pub office_terms: usize,
    pub role_words: usize,
    pub verb_patterns: usize,
    pub examples: usize,
    pub irregular_verbs: usize,
    pub patterns_per_root: BTreeMap<String, usize>,
}

impl Dictionaries {
    /// attache's own dictionaries, embedded in the binary.
    ///
    /// The same as [`compile`](Self::compile) of
    /// [`builtin_source`](Self::builtin_source), sooner: the actor files
    /// are read and compiled on one thread while the verb files are read
    /// and compiled on another, where the two steps would each wait for
    /// the slower half.
    pub fn builtin() -> Result<Dictionaries, Vec<DictError>> {
        let files = builtin_files();
        let names = files.iter().map(|(name, _, _)| name.to_string()).collect();
        let (actor_files, verb_files): (Vec<_>, Vec<_>) =
            files.into_iter().partition(|(_, _, kind)| kind.is_actor_side());
        let ontology = Ontology::embedded();
        let ((actors, words, actor_fp, mut problems), (verbs, verb_fp, examples, discards, verb_problems)) =
            std::thread::scope(|scope| {
                let actor_side = scope.spawn(|| {
                    let (src, mut problems) = read_in_order(&actor_files);
                    assert!(
                        src.verbs.is_empty()
                            && src.examples.is_empty()
                            && src.irregular.is_empty()
                            && src.discards.is_empty()
                    );
                    let DictSource { actors, roles, people, not_actors, .. } = src;
                    let fp = actor_fingerprint(&actors, &roles, &people, &not_actors);
                    let (lex, words, compiled) = compile_actors(actors, roles, people, not_actors);
                    problems.extend(compiled);
                    (lex, words, fp, problems)
                });
                let (src, mut problems) = read_in_order(&verb_files);
                assert!(
                    src.actors.is_empty() && src.roles.is_empty() && src.people.is_empty() && src.not_actors.is_empty()
                );
                let DictSource { verbs, examples, irregular, discards, .. } = src;
                let fp = verb_fingerprint(&verbs);
                let discards = compile_discards(discards);
                let (verbs, compiled) = compile_verbs(verbs, irregular, &ontology);
                problems.extend(compiled);
                (joined(actor_side.join()), (verbs, fp, examples, discards, problems))
            });
        problems.extend(verb_problems);
        let fingerprint = fingerprint(actor_fp, verb_fp);
        let (d, problems) =
            Self::assemble(ontology, actors, words, verbs, examples, discards, names, fingerprint, problems);
        if problems.iter().any(|p| !p.is_warning()) {
            return Err(problems);
        }
        Ok(d)
    }

    /// Reads the embedded dictionary files.
    pub fn builtin_source() -> Result<DictSource, (DictSource, Vec<DictError>)> {
        let files = builtin_files();
        let mut src = DictSource::default();
        let mut problems = Vec::new();
        let read = read_files(&files);
        src.reserve_for(read.iter().map(|(s, _)| s));
        for ((name, _, _), (s, p)) in files.iter().zip(read) {
            src.extend(s);
            src.files.push(name.to_string());
            problems.extend(p);
        }
        if problems.iter().any(|p| !p.is_warning()) {
            Err((src, problems))
        } else {
            Ok(src)
        }
    }

    /// Reads a directory: our format, or the TABARI/PETRARCH files if it
    /// holds them (`*.actors.txt`, `*agents*.txt`, `CAMEO*.txt`, discards).
    pub fn read_dir(dir: &Path) -> (DictSource, Vec<DictError>) {
        if phoenix::looks_like_phoenix(dir) {
            phoenix::read_dir(dir)
        } else {
            native::read_dir(dir)
        }
    }

    /// Compiles a source; fails on errors (warnings are `check`'s business).
    pub fn compile(src: DictSource) -> Result<Dictionaries, Vec<DictError>> {
        let (d, problems) = Self::compile_checked(src);
        let errors: Vec<DictError> = problems.into_iter().filter(|p| !p.is_warning()).collect();
        if errors.is_empty() {
            Ok(d)
        } else {
            Err(errors)
        }
    }

    /// Compiles a source and reports every problem found on the way,
    /// warnings included.
    ///
    /// The actor phrases and the verb patterns do not depend on each
    /// other, so they are compiled side by side; each side drops the source
    /// entries it consumed on its own thread.
    pub fn compile_checked(src: DictSource) -> (Dictionaries, Vec<DictError>) {
        let fingerprint = fingerprint(
            actor_fingerprint(&src.actors, &src.roles, &src.people, &src.not_actors),
            verb_fingerprint(&src.verbs),
        );
        let DictSource { actors, roles, people, verbs, examples, irregular, discards, not_actors, files } = src;
        let ontology = Ontology::embedded();
        let ((actors, words, mut problems), (verbs, verb_problems), discards) = std::thread::scope(|scope| {
            let actors = scope.spawn(move || compile_actors(actors, roles, people, not_actors));
            let discards = scope.spawn(move || compile_discards(discards));
            let verbs = compile_verbs(verbs, irregular, &ontology);
            (joined(actors.join()), verbs, joined(discards.join()))
        });
        problems.extend(verb_problems);
        Self::assemble(ontology, actors, words, verbs, examples, discards, files, fingerprint, problems)
    }

    /// The compiled halves made one: the verbs' symbols and the word
    /// classes added to the word table, the examples' codes checked.
    #[allow(clippy::too_many_arguments)]
    fn assemble(
        ontology: Ontology,
        actors: ActorLexicon,
        mut words: WordsBuilder,
        verbs: VerbLexicon,
        examples: Vec<Example>,
        discards: Option<AhoCorasick>,
        files: Vec<String>,
        fingerprint: u64,
        mut problems: Vec<DictError>,
    ) -> (Dictionaries, Vec<DictError>) {
        words.add_verbs(&verbs);
        words.add_classes(&crate::events::WORD_CLASSES);
        let words = words.build();
        for e in &examples {
            if ontology.code(&e.code).is_none() {
                problems
                    .push(e.loc.error(DictErrorKind::UnknownCode(format!("example expects CAMEO code {:?}", e.code))));
            }
        }
        let d = Dictionaries { ontology, actors, verbs, words, examples, discards, files, fingerprint };
        (d, problems)
    }

    pub fn stats(&self, src: &DictSource) -> Stats {
        let codes_of = |kind: PhraseKind| {
            src.actors.iter().filter(|a| a.kind == kind).map(|a| &a.code).collect::<FxHashSet<_>>().len()
        };
        let mut s = Stats {
            countries: codes_of(PhraseKind::CountryName),
            organisations: codes_of(PhraseKind::Organisation),
            places: src.actors.iter().filter(|a| a.kind == PhraseKind::Place).count(),
            actor_phrases: self.actors.entries.len(),
            people: self.actors.people.len(),
            office_terms: self.actors.people.iter().map(|p| p.terms.len()).sum(),
            role_words: src.roles.len(),
            verb_patterns: self.verbs.patterns.len(),
            examples: self.examples.len(),
            irregular_verbs: src.irregular.len(),
            patterns_per_root: BTreeMap::new(),
        };
        for p in &self.verbs.patterns {
            *s.patterns_per_root.entry(p.code.root().to_string()).or_default() += 1;
        }
        s
    }
}

/// Reads each file into a source of its own, on two threads (largest
/// files first), in the order given.
fn read_files(files: &[(&str, &str, native::FileKind)]) -> Vec<(DictSource, Vec<DictError>)> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(files[i].1.len()));
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
            let (name, text, kind) = files[i];
            let mut src = DictSource::default();
            let mut problems = Vec::new();
            native::read_text(&mut src, &mut problems, kind, name, text);
            done.push((i, src, problems));
        }
        done
    };
    let mut done = std::thread::scope(|scope| {
        let other = scope.spawn(work);
        let mut mine = work();
        mine.extend(joined(other.join()));
        mine
    });
    done.sort_by_key(|d| d.0);
    done.into_iter().map(|(_, s, p)| (s, p)).collect()
}

/// A scoped thread's result; its panic goes on in the caller.
fn joined<T>(r: std::thread::Result<T>) -> T {
    r.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// A hash of everything compiled, in source order (the coding-run record).
fn fingerprint(actor_side: u64, verb_side: u64) -> u64 {
    let mut hasher = FxHasher::default();
    actor_side.hash(&mut hasher);
    verb_side.hash(&mut hasher);
    hasher.finish()
}

/// The actor half of a source's [`fingerprint`].
fn actor_fingerprint(
    actors: &[ActorPhrase],
    roles: &[RoleWord],
    people: &[PersonTerm],
    not_actors: &[(String, Loc)],
) -> u64 {
    let mut hasher = FxHasher::default();
    for a in actors {
        a.phrase.hash(&mut hasher);
        a.code.hash(&mut hasher);
    }
    for r in roles {
        r.phrase.hash(&mut hasher);
        r.role.hash(&mut hasher);
    }
    for t in people {
        t.names.hash(&mut hasher);
        t.code.hash(&mut hasher);
        t.from.hash(&mut hasher);
        t.to.hash(&mut hasher);
    }
    for (p, _) in not_actors {
        p.hash(&mut hasher);
    }
    hasher.finish()
}

/// The verb half of a source's [`fingerprint`].
fn verb_fingerprint(verbs: &[VerbPattern]) -> u64 {
    let mut hasher = FxHasher::default();
    for v in verbs {
        v.text.hash(&mut hasher);
        v.code.hash(&mut hasher);
    }
    hasher.finish()
}

/// The embedded files we read, in their order, with their kinds.
fn builtin_files() -> Vec<(&'static str, &'static str, native::FileKind)> {
    EMBEDDED.iter().filter_map(|(name, text)| native::FileKind::of(name).map(|k| (*name, *text, k))).collect()
}

/// Reads `files` one after another into one source, as
/// [`Dictionaries::builtin_source`] does with all of them.
fn read_in_order(files: &[(&str, &str, native::FileKind)]) -> (DictSource, Vec<DictError>) {
    let mut src = DictSource::default();
    let mut problems = Vec::new();
    native::reserve_for(&mut src, files.iter().map(|&(_, text, kind)| (kind, text)));
    for &(name, text, kind) in files {
        native::read_text(&mut src, &mut problems, kind, name, text);
    }
    (src, problems)
}

/// [`normalize_phrase`], without tokenizing what is plain already: ASCII
/// letters in words separated by single spaces only need lowercasing.
/// Borrowed when the phrase is in matching form already.
fn normalized(phrase: &str) -> Cow<'_, str> {
    let b = phrase.as_bytes();
    // One pass: letters and single inner spaces only, and any capital.
    let (mut plain, mut upper, mut prev_space) = (!b.is_empty(), false, true);
    for &c in b {
        let space = c == b' ';
        plain &= c.is_ascii_alphabetic() || space && !prev_space;
        upper |= c.is_ascii_uppercase();
        prev_space = space;
    }
    plain &= !prev_space;
    if !plain {
        Cow::Owned(normalize_phrase(phrase))
    } else if upper {
        Cow::Owned(phrase.to_ascii_lowercase())
    } else {
        Cow::Borrowed(phrase)
    }
}

/// Actor phrases into the whole-token phrase table and their entries.
/// The actor lexicon, and the words that start its phrases (their
/// [`WordInfo::phrase_lengths`]; the verbs' symbols are added later).
fn compile_actors(
    actors: Vec<ActorPhrase>,
    roles: Vec<RoleWord>,
    people_src: Vec<PersonTerm>,
    not_actors: Vec<(String, Loc)>,
) -> (ActorLexicon, WordsBuilder, Vec<DictError>) {
    let mut problems = Vec::new();
    let mut phrases: FxHashMap<Box<str>, u32> = FxHashMap::default();
    // Room for about every phrase (plurals and names included), so that
    // the list of lists is not copied again and again as it grows. (The
    // map is left to grow as before: the order it is read in is the order
    // the word and phrase tables are filled in, which places their keys.)
    let names: usize = people_src.iter().map(|t| t.names.len()).sum();
    let mut entries: Vec<Vec<Entry>> =
        Vec::with_capacity(actors.len() + 2 * roles.len() + names + people_src.len() + not_actors.len());
    // `norm` is the phrase in matching form.
    let add = |norm: &str, entry: Entry, phrases: &mut FxHashMap<Box<str>, u32>, entries: &mut Vec<Vec<Entry>>| {
        if norm.is_empty() {
            return;
        }
        match phrases.get(norm) {
            Some(&id) => {
                let id = id as usize;
                if !entries[id].iter().any(|e| e.kind == entry.kind && e.exact == entry.exact) {
                    entries[id].push(entry);
                }
            }
            None => {
                phrases.insert(norm.into(), entries.len() as u32);
                entries.push(vec![entry]);
            }
        }
    };
    let exact_form = |p: &str| -> Option<String> {
        let letters = p.chars().filter(|c| c.is_alphabetic()).count();
        let all_caps = letters > 0 && !p.chars().any(char::is_lowercase);
        (all_caps && (letters <= 5 || p.contains('.'))).then(|| p.to_string())
    };
    // A phrase listed twice with different codes: the first listing, and
    // (built at the first repeat) where each line's phrases are.
    let norms: Vec<Cow<str>> = actors.iter().map(|a| normalized(&a.phrase)).collect();
    let mut seen_phrase_code: FxHashMap<(&str, PhraseKind), usize> = FxHashMap::default();
    let mut by_loc: Option<FxHashMap<&Loc, Vec<usize>>> = None;
    for (i, a) in actors.iter().enumerate() {
        match seen_phrase_code.get(&(&*norms[i], a.kind)) {
            Some(&first) => {
                let by_loc = by_loc.get_or_insert_with(|| {
                    let mut m: FxHashMap<&Loc, Vec<usize>> = FxHashMap::default();
                    for (k, x) in actors.iter().enumerate() {
                        m.entry(&x.loc).or_default().push(k);
                    }
                    m
                });
                let prev = &actors[first].loc;
                let other = by_loc[prev]
                    .iter()
                    .map(|&k| (k, &actors[k]))
                    .find(|(k, x)| norms[*k] == norms[i] && x.code != a.code);
                if let Some((_, o)) = other {
                    problems.push(
                        a.loc
                            .error(DictErrorKind::Duplicate(format!("{:?} is also {} at {}", a.phrase, o.code, o.loc))),
                    );
                }
            }
            None => {
                seen_phrase_code.insert((&*norms[i], a.kind), i);
            }
        }
        let entry = Entry {
            kind: EntryKind::Phrase { kind: a.kind, code: a.code.clone() },
            exact: exact_form(&a.phrase),
            // Places are always proper names; the others only where the
            // name is also a word ("Chad", "Turkey").
            capitalized: a.phrase.chars().next().is_some_and(char::is_uppercase)
                && (a.kind == PhraseKind::Place
                    || matches!(a.kind, PhraseKind::CountryName | PhraseKind::Capital | PhraseKind::Organisation)
                        && is_common_word(&a.phrase)),
        };
        add(&norms[i], entry, &mut phrases, &mut entries);
        if a.kind == PhraseKind::Demonym {
            for p in plurals(&a.phrase) {
                add(
                    &normalized(&p),
                    Entry {
                        kind: EntryKind::Phrase { kind: a.kind, code: a.code.clone() },
                        exact: None,
                        capitalized: false,
                    },
                    &mut phrases,
                    &mut entries,
                );
            }
        }
    }
    for r in &roles {
        let kind = EntryKind::Role { role: r.role.clone(), prefix: r.prefix };
        add(
            &normalized(&r.phrase),
            Entry { kind: kind.clone(), exact: exact_form(&r.phrase), capitalized: false },
            &mut phrases,
            &mut entries,
        );
        if r.plural {
            for p in plurals(&r.phrase) {
                add(
                    &normalized(&p),
                    Entry { kind: kind.clone(), exact: None, capitalized: false },
                    &mut phrases,
                    &mut entries,
                );
            }
        }
    }
    // People: grouped by full name.
    let mut people: Vec<Person> = Vec::new();
    let mut person_ids: FxHashMap<String, u32> = FxHashMap::default();
    for t in people_src {
        // The full name, normalised once: the key and the first phrase.
        let full = normalized(&t.names[0]);
        let id = match person_ids.get(&*full) {
            Some(&id) => id,
            None => {
                people.push(Person { name: Code::from(t.names[0].as_str()), terms: Vec::new() });
                person_ids.insert(full.to_string(), (people.len() - 1) as u32);
                (people.len() - 1) as u32
            }
        };
        let p = &mut people[id as usize];
        for prev in &p.terms {
            let overlap = prev.office.eq_ignore_ascii_case(&t.office)
                && prev.code == t.code
                && t.from.is_none_or(|f| prev.to.is_none_or(|pt| f < pt))
                && prev.from.is_none_or(|pf| t.to.is_none_or(|tt| pf < tt))
                && !(t.from.is_none() && t.to.is_none());
            if overlap {
                problems.push(
                    t.loc
                        .error(DictErrorKind::Overlap(format!("{} as {} overlaps {}", t.names[0], t.office, prev.loc))),
                );
            }
        }
        add(&full, Entry { kind: EntryKind::Person(id), exact: None, capitalized: true }, &mut phrases, &mut entries);
        for n in &t.names[1..] {
            add(
                &normalized(n),
                Entry { kind: EntryKind::Person(id), exact: None, capitalized: true },
                &mut phrases,
                &mut entries,
            );
        }
        p.terms.push(Term { code: t.code, from: t.from, to: t.to, office: t.office, loc: t.loc });
    }
    // Surnames, derived.
    let mut surnames: BTreeMap<String, (String, Vec<u32>)> = BTreeMap::new();
    for (id, p) in people.iter().enumerate() {
        for s in surname_candidates(&p.name, p.country()) {
            let e = surnames.entry(normalized(&s).into_owned()).or_insert_with(|| (s, Vec::new()));
            if !e.1.contains(&(id as u32)) {
                e.1.push(id as u32);
            }
        }
    }
    let surnames: Vec<(String, Vec<u32>)> = surnames
        .into_iter()
        .filter(|(norm, _)| !phrases.contains_key(norm.as_str()) && norm.len() >= 2) // not a country, role or full name already
        .map(|(norm, (_, ids))| (norm, ids))
        .collect();
    // A set: thousands of surnames are looked up in it.
    let stop: FxHashSet<&str> = SURNAME_STOP.iter().copied().collect();
    for (norm, ids) in surnames {
        let needs_antecedent = stop.contains(norm.as_str()) || norm.len() < 3;
        add(
            &norm,
            Entry { kind: EntryKind::Surname { people: ids, needs_antecedent }, exact: None, capitalized: true },
            &mut phrases,
            &mut entries,
        );
    }
    for (p, _) in &not_actors {
        add(
            &normalized(p),
            Entry { kind: EntryKind::NotActor, exact: None, capitalized: false },
            &mut phrases,
            &mut entries,
        );
    }
    let mut words = WordsBuilder::default();
    words.reserve(phrases.len());
    for p in phrases.keys() {
        let mut ws = p.split(' ');
        let first = ws.next().unwrap_or(p);
        let mut len = 1;
        for w in ws {
            len += 1;
            words.entry(w).class |= WordInfo::CONTINUES_PHRASE;
        }
        words.entry(first).phrase_lengths |= 1 << len.min(63);
    }
    let mut inline = inline::InlineMap::default();
    inline.reserve(phrases.len());
    for (p, id) in phrases {
        inline.insert(&p, id);
    }
    (ActorLexicon { phrases: inline, entries, people }, words, problems)
}

/// Discard phrases into one automaton.
fn compile_discards(discards: Vec<(String, Loc)>) -> Option<AhoCorasick> {
    if discards.is_empty() {
        return None;
    }
    let ps: FxHashSet<String> = discards.iter().map(|(p, _)| normalize_phrase(p)).filter(|p| !p.is_empty()).collect();
    let mut ps: Vec<String> = ps.into_iter().collect();
    ps.sort();
    Some(AhoCorasickBuilder::new().match_kind(MatchKind::LeftmostLongest).build(&ps).expect("discards compile"))
}

/// Verb patterns into elements over interned words, indexed by head.
fn compile_verbs(
    src: Vec<VerbPattern>,
    irregular: Vec<(inflect::Forms, Loc)>,
    ontology: &Ontology,
) -> (VerbLexicon, Vec<DictError>) {
    let mut problems = Vec::new();
    let mut irregulars = Irregulars::default();
    for (f, _) in irregular {
        irregulars.insert(f);
    }
    let mut vocab: FxHashMap<String, Sym> = FxHashMap::default();
    let mut alternatives: Vec<Box<[Sym]>> = Vec::new();
    let mut alternative_ids: FxHashMap<Vec<Sym>, u32> = FxHashMap::default();
    let mut lemmas_of: Vec<Vec<u32>> = Vec::new();
    let mut participle: Vec<bool> = Vec::new();
    let intern = |w: &str,
                  vocab: &mut FxHashMap<String, Sym>,
                  lemmas_of: &mut Vec<Vec<u32>>,
                  participle: &mut Vec<bool>|
     -> Sym {
        if let Some(&s) = vocab.get(w) {
            return s;
        }
        let s = vocab.len() as Sym;
        vocab.insert(w.to_string(), s);
        lemmas_of.push(Vec::new());
        participle.push(false);
        s
    };
    let mut lemma_ids: FxHashMap<String, u32> = FxHashMap::default();
    let mut gerund_forms: Vec<String> = Vec::new();
    let mut lemma_names: Vec<String> = Vec::new();
    let mut patterns: Vec<Pattern> = Vec::with_capacity(src.len());
    let mut by_head: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
    // Patterns already compiled, by a hash of (elements, speaker judgement);
    // a different pattern with the same hash takes the next free key.
    let mut seen_patterns: FxHashMap<u64, u32> = FxHashMap::with_capacity_and_hasher(src.len(), Default::default());
    // A section's patterns come one after another: its code is looked up
    // once, not once a pattern.
    let mut last_code: Option<(Code, Option<CameoCode>)> = None;
    for v in src {
        let code = match &last_code {
            Some((c, code)) if *c == v.code => *code,
            _ => last_code.insert((v.code.clone(), ontology.code(&v.code))).1,
        };
        let Some(code) = code else {
            problems.push(v.loc.error(DictErrorKind::UnknownCode(format!("CAMEO code {:?}", v.code))));
            continue;
        };
        let mut elems = Vec::with_capacity(v.tokens.len());
        let mut negated = false;
        let mut specificity = 0u16;
        let mut bad = None;
        for t in &v.tokens {
            fn word(w: &str) -> Option<Cow<'_, str>> {
                let n = normalized(w);
                (!n.is_empty() && !n.contains(' ')).then_some(n)
            }
            let e = match t {
                PatternToken::Word(w) => {
                    // A literal of several tokens ("n't", "u.s.") splits into words.
                    let n = normalized(w);
                    if n.is_empty() {
                        bad = Some(format!("{w:?} has no word in it"));
                        break;
                    }
                    for p in n.split(' ') {
                        negated |= NEGATIONS.contains(&p);
                        specificity += 1;
                        elems.push(Elem::Word(intern(p, &mut vocab, &mut lemmas_of, &mut participle)));
                    }
                    continue;
                }
                PatternToken::Alternatives(ws) => {
                    let mut syms = Vec::with_capacity(ws.len());
                    for w in ws {
                        match word(w) {
                            Some(n) => {
                                negated |= NEGATIONS.contains(&&*n);
                                syms.push(intern(&n, &mut vocab, &mut lemmas_of, &mut participle));
                            }
                            None => bad = Some(format!("alternative {w:?} is not one word")),
                        }
                    }
                    specificity += 1;
                    let next = alternatives.len() as u32;
                    Elem::Alt(*alternative_ids.entry(syms).or_insert_with_key(|syms| {
                        alternatives.push(syms.clone().into());
                        next
                    }))
                }
                PatternToken::Optional(w) => match word(w) {
                    Some(n) => Elem::Opt(intern(&n, &mut vocab, &mut lemmas_of, &mut participle)),
                    None => {
                        bad = Some(format!("optional {w:?} is not one word"));
                        break;
                    }
                },
                PatternToken::Verb(base) => {
                    specificity += 1;
                    // A verb's forms are interned once, at its first pattern.
                    let l = match lemma_ids.get(base.as_str()) {
                        Some(&l) => l,
                        None => {
                            let l = lemma_names.len() as u32;
                            lemma_ids.insert(base.to_string(), l);
                            lemma_names.push(base.to_string());
                            let forms = irregulars.forms(base);
                            for f in forms.all() {
                                let n = normalized(f);
                                if n.contains(' ') {
                                    continue;
                                }
                                let s = intern(&n, &mut vocab, &mut lemmas_of, &mut participle);
                                if !lemmas_of[s as usize].contains(&l) {
                                    lemmas_of[s as usize].push(l);
                                }
                            }
                            for f in &forms.participle {
                                let s = intern(&normalized(f), &mut vocab, &mut lemmas_of, &mut participle);
                                participle[s as usize] = true;
                            }
                            for f in &forms.gerund {
                                gerund_forms.push(normalized(f).into_owned());
                            }
                            l
                        }
                    };
                    Elem::Verb(l)
                }
                PatternToken::Gap => Elem::Gap,
                PatternToken::Target => {
                    specificity += 1;
                    Elem::Target
                }
                PatternToken::Source => {
                    specificity += 1;
                    Elem::Source
                }
            };
            elems.push(e);
        }
        if let Some(msg) = bad {
            problems.push(v.loc.error(DictErrorKind::Unreachable(msg)));
            continue;
        }
        // A candidate counts its pattern's elements in a byte.
        if elems.len() > MAX_PATTERN_ELEMS {
            problems.push(v.loc.error(DictErrorKind::Unreachable(format!(
                "{} elements; a pattern has at most {MAX_PATTERN_ELEMS}",
                elems.len()
            ))));
            continue;
        }
        let key = {
            let mut h = FxHasher::default();
            elems.hash(&mut h);
            v.speaker_judgement.hash(&mut h);
            h.finish()
        };
        let mut key = key;
        let mut same = None;
        while let Some(&i) = seen_patterns.get(&key) {
            let o = &patterns[i as usize];
            if o.elems == elems && o.speaker_judgement == v.speaker_judgement {
                same = Some(o);
                break;
            }
            key = key.wrapping_add(1);
        }
        if let Some(other) = same {
            let msg = if other.code == code {
                format!("{:?} repeats {}", v.text, other.loc)
            } else {
                format!("{:?} is also coded {} at {}; the first wins", v.text, other.code, other.loc)
            };
            problems.push(v.loc.error(DictErrorKind::Duplicate(msg)));
            continue;
        }
        let id = patterns.len() as u32;
        seen_patterns.insert(key, id);
        let head_at = usize::from(elems[0] == Elem::Source);
        match &elems[head_at] {
            Elem::Word(s) => by_head.entry(head_key(false, *s)).or_default().push(id),
            Elem::Verb(l) => by_head.entry(head_key(true, *l)).or_default().push(id),
            Elem::Alt(a) => {
                for s in alternatives[*a as usize].iter() {
                    by_head.entry(head_key(false, *s)).or_default().push(id);
                }
            }
            _ => unreachable!("parse_pattern requires a word, alternatives or a verb first"),
        }
        let has_verb = elems.iter().any(|e| matches!(e, Elem::Verb(_)));
        patterns.push(Pattern {
            code,
            elems,
            head: head_at,
            speaker_judgement: v.speaker_judgement,
            negated,
            has_verb,
            specificity,
            text: v.text,
            loc: v.loc,
        });
    }
    // Most specific first, then file order: the first full match wins.
    for ids in by_head.values_mut() {
        ids.sort_by_key(|&i| (std::cmp::Reverse(patterns[i as usize].specificity), i));
    }
    let mut forms: Vec<u8> = lemmas_of
        .iter()
        .zip(&participle)
        .map(|(lemmas, &p)| if lemmas.is_empty() { 0 } else { VerbLexicon::FORM } | if p { VerbLexicon::PARTICIPLE } else { 0 })
        .collect();
    for f in &gerund_forms {
        if let Some(&s) = vocab.get(f) {
            forms[s as usize] |= VerbLexicon::GERUND;
        }
    }
    let mut verbs = VerbLexicon {
        vocab,
        lemmas_of,
        forms,
        lemma_names,
        by_head,
        patterns,
        alternatives,
        steps: Vec::new(),
        starts: Vec::new(),
        head_patterns: Vec::new(),
        loose: Vec::new(),
        loose_groups: Vec::new(),
        followed: Vec::new(),
    };
    verbs.index_heads();
    (verbs, problems)
}

/// The most elements a verb pattern may have.
const MAX_PATTERN_ELEMS: usize = 255;

/// Negation words: a pattern containing one is itself about a negation.
pub const NEGATIONS: &[&str] = &["not", "n't", "never", "no", "neither", "nor", "without"];

/// Surnames that are also common words or months: never matched alone.
const SURNAME_STOP: &[&str] = &[
    "may", "march", "june", "august", "long", "young", "brown", "white", "black", "green", "love", "hope", "will",
    "grant", "rich", "price", "rice", "king", "little", "bush", "major", "strong", "new", "good", "best", "hill",
    "wood", "ford", "field", "page", "cook", "lee", "li", "wang", "zhang", "liu", "chen", "kim", "park", "khan", "ali",
    "singh", "shah", "ahmed", "hassan", "hussein", "mohammed", "muhammad", "abdullah", "said", "rahman", "de", "van",
    "von", "al", "bin", "da", "di", "le", "la", "jr", "sr", "ii", "iii", "the", "smith", "jones", "johnson", "thomas",
    "martin", "duke", "french", "english", "power", "trust", "ball", "short", "sharp", "may's", "north", "south",
    "east", "west", "day", "rose", "faith", "bolton's",
    // people-states.txt: surnames that are words ("Key", "Friday", "Meta",
    // "Horn", "Bird", "Parts", "Gross", "Win", "Saw", "Tatar"), common given
    // names ("Paul", "Joseph", "Henry", "Jean", "Arthur", "Dan", "Charles"),
    // common family names ("Davis", "Clark", "Peters", "Ivanov", "Thompson",
    // "Chan", "Tan", "Lin") or names shared across countries ("Lai": Taiwan's
    // president and Hong Kong's Jimmy Lai; "Mao", "Tang", "Chang";
    // "Sabah": a Malaysian state and Kuwait's ruling family)
    "dan", "gross", "roman", "parts", "horn", "meta", "mock", "coelho", "tatar", "lasso", "valencia", "sol", "campbell",
    "franco", "davis", "christie", "arthur", "thompson", "stuart", "mason", "manning", "richards", "bird", "spencer",
    "james", "douglas", "mitchell", "drew", "lewis", "anthony", "pierre", "friday", "paul", "joseph", "henry", "jean",
    "alexandre", "voltaire", "fils", "key", "clark", "palmer", "peters", "philip", "skate", "tong", "chan", "mao",
    "lin", "lai", "tang", "chang", "tan", "wee", "nathan", "win", "saw", "ibrahim", "hasan", "hamid", "sabah", "tariq",
    "saleh", "saeed", "yadav", "dow", "mohamad", "ivanov", "charles",
];

/// East Asian names are written family name first.
/// Not Singapore: its office holders are as often known by a Western or
/// Indian given name first (Lawrence Wong, Vivian Balakrishnan).
const FAMILY_FIRST: &[&str] = &["CHN", "TWN", "HKG", "MAC", "KOR", "PRK", "VNM", "KHM", "MMR", "MNG"];

fn surname_candidates(full: &str, country: Option<&str>) -> Vec<String> {
    let words: Vec<&str> = full.split_whitespace().collect();
    if words.len() < 2 {
        return Vec::new();
    }
    let mut v = Vec::new();
    let last = words[words.len() - 1].trim_end_matches(',');
    if !matches!(last, "Jr." | "Sr." | "II" | "III" | "Jr") {
        v.push(last.to_string());
    } else if words.len() >= 3 {
        v.push(words[words.len() - 2].to_string());
    }
    if country.is_some_and(|c| FAMILY_FIRST.contains(&c)) {
        v.push(words[0].to_string());
    }
    // "al-Sharaa": also "Sharaa"
    if let Some(rest) =
        last.strip_prefix("al-").or_else(|| last.strip_prefix("Al-")).or_else(|| last.strip_prefix("el-"))
    {
        v.push(rest.to_string());
    }
    v
}

/// Single-word names that are also everyday words ("Chad", "Jordan" are
/// not; "Turkey" and "Guinea" are): require a capital letter.
fn is_common_word(phrase: &str) -> bool {
    !phrase.contains(' ')
}

/// Plural forms of a role word or demonym, by the usual rules.
pub fn plurals(phrase: &str) -> Vec<String> {
    let (head, last) = match phrase.rsplit_once(' ') {
        Some((h, l)) => (format!("{h} "), l),
        None => (String::new(), phrase),
    };
    let lower = last.to_lowercase();
    let mut v = Vec::new();
    if lower.ends_with("man") && !lower.ends_with("german") && !lower.ends_with("oman") {
        v.push(format!("{head}{}men", &last[..last.len() - 3]));
    } else if lower.ends_with("ese")
        || lower.ends_with("ss") && lower.ends_with("swiss")
        || lower.ends_with("ch") && lower.ends_with("french")
    {
        return v; // Japanese, Swiss, French: the plural is the same word
    } else if lower.ends_with('y') && !lower.ends_with("ay") && !lower.ends_with("ey") && !lower.ends_with("oy") {
        v.push(format!("{head}{}ies", &last[..last.len() - 1]));
    } else if lower.ends_with('s') || lower.ends_with('x') || lower.ends_with("ch") || lower.ends_with("sh") {
        v.push(format!("{head}{last}es"));
    } else if lower.ends_with("fe") {
        v.push(format!("{head}{}ves", &last[..last.len() - 2]));
    } else {
        v.push(format!("{head}{last}s"));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_rules() {
        assert_eq!(plurals("soldier"), ["soldiers"]);
        assert_eq!(plurals("army"), ["armies"]);
        assert_eq!(plurals("policeman"), ["policemen"]);
        assert_eq!(plurals("armed force"), ["armed forces"]);
        assert_eq!(plurals("embassy"), ["embassies"]);
        assert!(plurals("Japanese").is_empty());
        assert_eq!(plurals("German"), ["Germans"]);
        assert_eq!(plurals("boss"), ["bosses"]);
    }

    #[test]
    fn candidates_left_out_are_those_that_cannot_match() {
        // For every head of the built-in patterns, every next word one of
        // its patterns names (and none), and sentences lacking one word or
        // another: what `candidates_followed_by` gives, ascending, holds
        // every candidate `may_match` lets through.
        let d = Dictionaries::builtin().expect("built-in dictionaries");
        let v = &d.verbs;
        let mut passing = Vec::new();
        let mut checked = 0;
        for sym in 0..v.vocab.len() as Sym {
            let cands = v.candidates_of(sym);
            // Dense sets of words, and sparse ones as text has: the words
            // some of its own candidates require (of an indexed head, these
            // pass some groups and skip others).
            let own = |k: usize| cands.iter().map(|c| c.required_words).filter(|&r| r != 0).nth(k).unwrap_or(0);
            let masks = [
                0,
                u128::MAX,
                !1,
                !(1 << 77),
                0x5555_5555_5555_5555_5555_5555_5555_5555,
                own(0),
                own(1) | own(5),
                own(2) | 1 << 9 | 1 << 100,
            ];
            // Next words its candidates name, none, and words they may not
            // name (whose bit may or may not be the head's).
            let named = cands.iter().filter(|c| c.next_word != NO_WORD).map(|c| Some(c.next_word));
            let nexts: Vec<Option<Sym>> =
                [None, Some(0), Some(sym), Some(sym / 2 + 7)].into_iter().chain(named).collect();
            for &next in &nexts {
                for &words in &masks {
                    let given: Vec<usize> = v.candidates_followed_by(sym, next, words, &mut passing).collect();
                    assert!(given.windows(2).all(|w| w[0] < w[1]), "ascending");
                    let wanted: Vec<usize> = (0..cands.len()).filter(|&p| cands[p].may_match(words, next)).collect();
                    let kept: Vec<usize> = given.iter().copied().filter(|&p| cands[p].may_match(words, next)).collect();
                    assert_eq!(kept, wanted, "head {sym}, next {next:?}, words {words:x}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 10_000, "{checked}");
    }

    #[test]
    fn candidates_carry_their_patterns_elements() {
        // What matching reads from a candidate is its pattern's elements
        // after the head, for every candidate of every head; alike
        // alternatives share one list (patterns that repeat another are
        // found by comparing elements).
        let d = Dictionaries::builtin().expect("built-in dictionaries");
        let v = &d.verbs;
        let mut checked = 0;
        for sym in 0..v.vocab.len() as Sym {
            for c in v.candidates_of(sym) {
                let p = &v.patterns[c.pattern as usize];
                assert_eq!(v.steps(c), &p.elems[p.head + 1..], "{}", p.text);
                assert_eq!((c.head as usize, c.specificity), (p.head, p.specificity));
                checked += 1;
            }
        }
        assert!(checked > 15_000, "{checked}");
        let lists: std::collections::HashSet<&[Sym]> = v.alternatives.iter().map(|a| &a[..]).collect();
        assert_eq!(lists.len(), v.alternatives.len());
        assert!(v.patterns.iter().flat_map(|p| &p.elems).any(|e| matches!(e, Elem::Alt(_))));
    }

    #[test]
    fn a_pattern_too_long_is_skipped_where_it_is_written() {
        let long = vec!["peace"; 300].join(" ");
        let text = format!("[036] Express intent to meet or negotiate\nMEET +\nMEET + {long}\n");
        let (mut src, mut problems) = (DictSource::default(), Vec::new());
        native::read_text(&mut src, &mut problems, native::FileKind::Verbs, "verbs.txt", &text);
        assert!(problems.is_empty(), "{problems:?}");
        let (verbs, problems) = compile_verbs(src.verbs, src.irregular, &Ontology::embedded());
        assert_eq!(verbs.patterns.len(), 1);
        let msgs: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(msgs, ["verbs.txt:3: pattern can never match: 302 elements; a pattern has at most 255"]);
    }

    #[test]
    fn word_classes_are_set_on_their_words() {
        // Class n has bit n, so no two classes share one.
        for (n, set) in crate::events::WORD_CLASSES.iter().enumerate() {
            assert_eq!(set.bit(), 1 << n, "class {n}");
        }
        let mut words = WordsBuilder::default();
        words.add_classes(&crate::events::WORD_CLASSES);
        let words = words.build();
        // Every word of every class carries the class's bit, and a token's
        // classes answer exactly what the sets' own lookups answer.
        for set in crate::events::WORD_CLASSES {
            for w in set.iter() {
                assert!(set.of(words.get(w).class), "{w:?} lacks its class bit");
            }
        }
        for w in ["will", "said", "the", ";", "\u{2014}", "in", "may", "Will", "signed", "nothing", ""] {
            let classes = words.get(w).class;
            for set in crate::events::WORD_CLASSES {
                assert_eq!(set.of(classes), set.contains(&w), "{w:?}");
            }
        }
        assert_eq!(words.get("nothing").class, 0);
    }

    #[test]
    fn surnames_follow_naming_order() {
        assert_eq!(surname_candidates("Taro Kono", Some("JPN")), ["Kono"]);
        assert_eq!(surname_candidates("Xi Jinping", Some("CHN")), ["Jinping", "Xi"]);
        assert_eq!(surname_candidates("Ahmed al-Sharaa", Some("SYR")), ["al-Sharaa", "Sharaa"]);
        assert!(surname_candidates("Madonna", None).is_empty());
    }

    /// The actor lexicon and word table of one country line, Bosnia's.
    fn bosnia() -> (ActorLexicon, Words) {
        let mut src = DictSource::default();
        let mut problems = Vec::new();
        let line = "BIH | Bosnia; Bosnia and Herzegovina | Bosnian | Bosnian | Sarajevo\n";
        native::read_text(&mut src, &mut problems, native::FileKind::Countries, "c.txt", line);
        assert!(problems.is_empty(), "{problems:?}");
        let (lex, words, problems) = compile_actors(src.actors, src.roles, src.people, src.not_actors);
        assert!(problems.is_empty(), "{problems:?}");
        (lex, words.build())
    }

    #[test]
    fn actor_phrases_match_whole_tokens_longest_first() {
        let (lex, words) = bosnia();
        let text = "in bosnia and herzegovina bosnia and sarajevos bosnians";
        let mut spans = Vec::new();
        let mut at = 0u32;
        for w in text.split(' ') {
            spans.push(at..at + w.len() as u32);
            at += w.len() as u32 + 1;
        }
        let at = |i: usize| {
            let first = &text[spans[i].start as usize..spans[i].end as usize];
            lex.longest_at(text, &spans, i, words.get(first).phrase_lengths)
        };
        let found: Vec<Option<usize>> = (0..spans.len()).map(|i| at(i).map(|(len, _)| len)).collect();
        // "bosnia and herzegovina" whole; "bosnia" alone before "and
        // sarajevos"; no part of a longer word ("sarajevos"); the plural
        // of the demonym.
        assert_eq!(found, [None, Some(3), None, None, Some(1), None, None, Some(1)]);
        assert_eq!(at(1).unwrap().1.len(), 1);
    }

    #[test]
    fn builtin_in_halves_compiles_what_the_source_does() {
        // `builtin` reads and compiles the actor and verb files side by
        // side; `compile(builtin_source())` reads all, then compiles.
        let halves = Dictionaries::builtin().expect("built-in dictionaries");
        let whole = Dictionaries::compile(Dictionaries::builtin_source().expect("built-in source")).expect("compiles");
        assert_eq!(halves.fingerprint, whole.fingerprint);
        assert_eq!(halves.files, whole.files);
        assert_eq!(halves.words.len(), whole.words.len());
        assert_eq!(halves.actors.entries.len(), whole.actors.entries.len());
        assert_eq!(halves.actors.people.len(), whole.actors.people.len());
        assert_eq!(halves.verbs.patterns.len(), whole.verbs.patterns.len());
        assert_eq!(halves.examples.len(), whole.examples.len());
        assert!(halves.files.len() >= 10 && halves.verbs.patterns.len() > 10_000);
        for (a, b) in halves.verbs.patterns.iter().zip(&whole.verbs.patterns) {
            assert_eq!((&a.text, a.code), (&b.text, b.code));
        }
        for w in ["russia", "the", "agreed", "minister", "bosnia", "herzegovina"] {
            assert_eq!(halves.words.get(w), whole.words.get(w), "{w}");
        }
    }

    #[test]
    fn phrase_lengths_stop_where_no_phrase_continues() {
        let (_, words) = bosnia();
        let at = |sentence: &str, i: usize| {
            let infos: Vec<WordInfo> = sentence.split(' ').map(|w| words.get(w)).collect();
            WordInfo::phrase_lengths_at(&infos, i)
        };
        // "bosnia" starts phrases of one and three words; "and herzegovina"
        // continue one, "said" and "sarajevo" none.
        assert_eq!(words.get("bosnia").phrase_lengths, 1 << 1 | 1 << 3);
        assert_eq!(at("bosnia and herzegovina said", 0), 1 << 1 | 1 << 3);
        assert_eq!(at("bosnia and sarajevo", 0), 1 << 1);
        assert_eq!(at("bosnia said", 0), 1 << 1);
        assert_eq!(at("bosnia", 0), 1 << 1);
        assert_eq!(at("said bosnia", 0), 0);
    }

    #[test]
    fn person_codes_follow_dates() {
        let d = |s| source::parse_date(s);
        let loc = Loc::new("t", 1);
        let p = Person {
            name: "Taro Kono".into(),
            terms: vec![
                Term {
                    code: "JPNGOV".into(),
                    from: d("2017-08-03"),
                    to: d("2019-09-11"),
                    office: "fm".into(),
                    loc: loc.clone(),
                },
                Term { code: "JPNGOV".into(), from: d("2019-09-11"), to: d("2020-09-16"), office: "dm".into(), loc },
            ],
        };
        assert_eq!(p.code_on(d("2019-01-14")), Some("JPNGOV"));
        assert_eq!(p.code_on(d("2024-01-01")), None);
        assert_eq!(p.code_on(None), Some("JPNGOV"));
        assert_eq!(p.country(), Some("JPN"));
    }
}
