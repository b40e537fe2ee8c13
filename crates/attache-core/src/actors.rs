//! Actor mentions and actor phrases in one sentence.
//!
//! Mentions come from one leftmost-longest pass over the sentence's
//! normalised tokens, each run of whole tokens looked up in the phrase table
//! (countries, adjectives, capitals, organisations, people, role words).
//! Adjacent mentions and the words that glue them ("of", "'s", "the", a
//! name after a title) are chunked into actor phrases, each resolved to one
//! CAMEO actor code: "the Ambassador of Japan" → JPNGOV, "Japanese police"
//! → JPNCOP, "Tokyo" → JPNGOV, "Foreign Minister of Japan Taro Kono" →
//! JPNGOV on 2019-01-14. First-person "we/I/us/our side" is the sentence's
//! speaker when there is one.

use std::ops::Range;

use chrono::NaiveDate;
use compact_str::format_compact;
use serde::Serialize;

pub use crate::dict::Code;
use crate::dict::{Dictionaries, EntryKind, PhraseKind, WordInfo, Words};
use crate::text::{push_normalized, TokKind, Token, WordSet};

/// One sentence's tokens in matching form.
#[derive(Debug, Default)]
pub struct Normalized {
    /// Normalised tokens joined by single spaces, then
    /// [`Words::PADDING`] NUL bytes (for the dictionaries' lookups; see
    /// [`Normalized::text`]).
    padded: String,
    /// Per token: its range in the text.
    pub spans: Vec<Range<u32>>,
    /// Per token: what the dictionaries know of it.
    pub words: Vec<WordInfo>,
}

/// What follows a sentence's normalised text: [`Words::PADDING`] NULs.
const PADDING: &str = "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";
const _: () = assert!(PADDING.len() == Words::PADDING);

impl Normalized {
    pub fn build(words: &Words, doc: &str, tokens: &[Token], out: &mut Normalized) {
        out.padded.clear();
        out.spans.clear();
        out.words.clear();
        let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else {
            out.padded.push_str(PADDING);
            return;
        };
        let region = &doc[first.start as usize..last.end as usize];
        out.padded.reserve(region.len() + tokens.len() + Words::PADDING);
        out.spans.reserve(tokens.len());
        // A sentence all in ASCII (most are) is lowercased in one pass at
        // the end, not token by token.
        let ascii = region.is_ascii();
        for (i, t) in tokens.iter().enumerate() {
            if i > 0 {
                out.padded.push(' ');
            }
            let s = out.padded.len() as u32;
            if ascii {
                out.padded.push_str(t.text(doc));
            } else {
                push_normalized(t.text(doc), &mut out.padded);
            }
            out.spans.push(s..out.padded.len() as u32);
        }
        if ascii {
            out.padded.make_ascii_lowercase();
        }
        out.padded.push_str(PADDING);
        let padded = out.padded.as_str();
        out.words.extend(out.spans.iter().map(|r| words.get_within(padded, r.start as usize..r.end as usize)));
    }

    /// The normalised tokens joined by single spaces.
    pub fn text(&self) -> &str {
        &self.padded[..self.padded.len().saturating_sub(Words::PADDING)]
    }

    /// The text with [`Words::PADDING`] NUL bytes after it, for
    /// [`crate::dict::ActorLexicon::longest_at`].
    pub fn padded(&self) -> &str {
        &self.padded
    }

    pub fn token(&self, i: usize) -> &str {
        let r = &self.spans[i];
        &self.padded[r.start as usize..r.end as usize]
    }
}

/// What a mention is, once the dictionary entry is chosen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MentionKind {
    Country {
        code: Code,
        as_: &'static str,
    },
    Organisation {
        code: Code,
    },
    Person {
        name: Code,
        code: Option<Code>,
        country: Option<Code>,
    },
    Role {
        role: Code,
    },
    /// we, I, us, our side: the speaker.
    FirstPerson,
    /// A phrase that hides a name ("South China Sea"); dropped before chunking.
    NotActor,
}

#[derive(Clone, Debug, Serialize)]
pub struct Mention {
    /// Token range within the sentence.
    pub tokens: Range<usize>,
    pub kind: MentionKind,
    #[serde(skip)]
    pub person: Option<u32>,
}

/// An actor phrase: chunked mentions resolved to one code.
#[derive(Clone, Debug, Serialize)]
pub struct ActorNp {
    pub tokens: Range<usize>,
    /// The CAMEO actor code; `None` when the phrase names only a role with
    /// nobody to attach it to ("the government" in a news report).
    pub code: Option<Code>,
    pub country: Option<Code>,
    pub role: Option<Code>,
    pub first_person: bool,
    /// A bare place ("in Moscow"): a location, not a participant.
    pub place: bool,
    /// A city or region of `places.txt` ("Kherson"), wherever it stands.
    pub locality: bool,
    /// A role whose country is where the sentence happens, not in its
    /// words ("police" in "police arrested … in Dhaka").
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub placed: bool,
    /// Indices into the sentence's mentions.
    pub mentions: Range<usize>,
}

/// What the actor stage needs to know about the sentence's context.
pub struct ActorContext<'a> {
    pub date: Option<NaiveDate>,
    /// The speaker's actor code, when the sentence has a speaker.
    pub speaker_code: Option<&'a str>,
    /// People already named in the document (for surnames alone).
    pub named_people: &'a [u32],
    /// The country of the document's dateline ("DHAKA, May 1 (Reuters) -"),
    /// where a sentence that names no place happens.
    pub place_country: Option<&'a str>,
}

/// Word classes (their bits set in the word table, see
/// [`crate::events::WORD_CLASSES`]).
pub(crate) static FIRST_PERSON: WordSet = WordSet::class(20, &["we", "us", "i", "me"]);
pub(crate) static FIRST_PERSON_POSSESSIVE: WordSet = WordSet::class(21, &["our", "my"]);
/// What "our" makes the speaker's country: "near our borders", "our people".
const OWN_WORDS: &[&str] = &[
    "border", "borders", "territory", "territories", "airspace", "waters", "soil", "people", "citizens", "cities",
    "towns", "villages",
];
const SIDE_WORDS: &[&str] = &["side", "country", "government", "delegation", "state", "nation", "leadership"];
const PLACE_PREPOSITIONS: &[&str] =
    &["in", "at", "near", "across", "throughout", "outside", "inside", "around", "within"];

fn role_default_code(kind: PhraseKind) -> Option<&'static str> {
    match kind {
        PhraseKind::Capital => Some("GOV"),
        PhraseKind::Demonym => Some("CVL"),
        _ => None,
    }
}

/// Finds the mentions of one sentence.
pub fn find_mentions(
    dicts: &Dictionaries,
    doc: &str,
    tokens: &[Token],
    norm: &Normalized,
    ctx: &ActorContext<'_>,
    out: &mut Vec<Mention>,
) {
    out.clear();
    let lex = &dicts.actors;
    let mut next = 0;
    while next < tokens.len() {
        let a = next;
        let lengths = WordInfo::phrase_lengths_at(&norm.words, a);
        let found = if lengths == 0 { None } else { lex.longest_at(norm.padded(), &norm.spans, a, lengths) };
        let Some((len, entries)) = found else {
            next += 1;
            continue;
        };
        let b = a + len - 1;
        next = b + 1;
        let surface_capitalized = tokens[a].is_capitalized(doc);
        let surface = &doc[tokens[a].start as usize..tokens[b].end as usize];
        let mut best: Option<(u8, MentionKind, Option<u32>)> = None;
        for e in entries {
            if let Some(exact) = &e.exact {
                if !same_exact(surface, exact) {
                    continue;
                }
            }
            if e.capitalized && !surface_capitalized {
                continue;
            }
            let cand = match &e.kind {
                EntryKind::Person(id) => {
                    let p = &lex.people[*id as usize];
                    let active = ctx.date.is_none_or(|d| p.has_term_on(d));
                    Some((if active { 10 } else { 8 }, person_kind(p, ctx.date), Some(*id)))
                }
                EntryKind::Surname { people: ids, needs_antecedent } => {
                    // "President Bush", "Mr Price": a title licenses a surname that is also a word.
                    // "the Bush administration": so does the government the person heads.
                    let titled = a > 0 && TITLES.contains(&norm.token(a - 1))
                        || b + 1 < tokens.len() && norm.token(b + 1) == "administration";
                    // "San Francisco", "Kono Gakuen": a capitalised word right
                    // after makes the surname part of a name we do not know.
                    let longer_name = !titled
                        && tokens.get(b + 1).is_some_and(|t| {
                            t.kind == TokKind::Word
                                && t.is_capitalized(doc)
                                && !CALENDAR_WORDS.contains(&norm.token(b + 1))
                        });
                    if longer_name {
                        continue;
                    }
                    // "Judge Alejandro Rivera": a capitalised word no dictionary
                    // knows (a first name) right before makes it someone else.
                    let unknown_first_name = !titled
                        && a > 1
                        && tokens[a - 1].kind == TokKind::Word
                        && tokens[a - 1].is_capitalized(doc)
                        && norm.words[a - 1].verb.is_none()
                        && !CALENDAR_WORDS.contains(&norm.token(a - 1))
                        && out.last().is_none_or(|m| m.tokens.end < a);
                    if unknown_first_name {
                        continue;
                    }
                    // "Kim Jong Un met Xi …, and Kim said": a full name earlier in
                    // the sentence is an antecedent too.
                    let chosen = ids
                        .iter()
                        .find(|i| ctx.named_people.contains(i) || out.iter().any(|m| m.person == Some(**i)))
                        .copied()
                        .or_else(|| {
                            if *needs_antecedent && !titled {
                                return None;
                            }
                            // Several people, one code (two Presidents Bush): any of them will do.
                            let codes: Vec<Option<Code>> =
                                ids.iter().map(|&i| person_code(&lex.people[i as usize], ctx.date)).collect();
                            if codes.iter().all(|c| c.is_some() && *c == codes[0]) {
                                return Some(ids[0]);
                            }
                            // Alone, a surname is trusted when it is unique, or unique among people in office.
                            if ids.len() == 1 {
                                Some(ids[0])
                            } else {
                                let active: Vec<u32> = ids
                                    .iter()
                                    .copied()
                                    .filter(|&i| ctx.date.is_some_and(|d| lex.people[i as usize].has_term_on(d)))
                                    .collect();
                                (active.len() == 1).then(|| active[0])
                            }
                        });
                    chosen.map(|id| (7, person_kind(&lex.people[id as usize], ctx.date), Some(id)))
                }
                EntryKind::NotActor => Some((20, MentionKind::NotActor, None)),
                EntryKind::Phrase { kind, code } => {
                    let rank = match kind {
                        PhraseKind::Organisation => 6,
                        PhraseKind::CountryName => 5,
                        PhraseKind::Capital | PhraseKind::Place => 4,
                        PhraseKind::Adjective => 3,
                        PhraseKind::Demonym => 2,
                    };
                    let k = if *kind == PhraseKind::Organisation {
                        MentionKind::Organisation { code: code.clone() }
                    } else {
                        MentionKind::Country { code: code.clone(), as_: kind_name(*kind) }
                    };
                    Some((rank, k, None))
                }
                EntryKind::Role { role, .. } => Some((1, MentionKind::Role { role: role.clone() }, None)),
            };
            if let Some(c) = cand {
                if best.as_ref().is_none_or(|b| c.0 > b.0) {
                    best = Some(c);
                }
            }
        }
        // "pro-Iranian", "anti-Syria": a stance, not the country itself.
        let stance = a > 0
            && matches!(norm.token(a - 1), "pro" | "anti")
            && tokens[a].start == tokens[a - 1].end + 1
            && doc.as_bytes()[tokens[a - 1].end as usize] == b'-';
        // "Iran-backed Houthis", "a UN-brokered deal", "a Qatar-based
        // broadcaster": the backer, broker or base is not the actor.
        // ("U.S.-drafted": after a dot the hyphen is a token of its own.)
        let dash_token = b + 2 < tokens.len()
            && norm.token(b + 1) == "-"
            && tokens[b + 1].start == tokens[b].end
            && tokens[b + 2].start == tokens[b + 1].end;
        let backer = if dash_token {
            BACKER_WORDS.contains(&norm.token(b + 2))
        } else {
            b + 1 < tokens.len()
                && tokens[b + 1].start == tokens[b].end + 1
                && doc.as_bytes()[tokens[b].end as usize] == b'-'
                && BACKER_WORDS.contains(&norm.token(b + 1))
        };
        if let Some((_, kind, person)) = best.filter(|_| !stance && !backer) {
            if kind != MentionKind::NotActor {
                out.push(Mention { tokens: a..b + 1, kind, person });
            }
        }
    }
    {
        // First person, merged in token order (resolved to the speaker, if
        // any): pushed after the dictionary's mentions, which are `out[..found]`.
        let mut found = out.len();
        for i in 0..tokens.len() {
            let c = norm.words[i].class;
            let (person, possessive) = (FIRST_PERSON.of(c), FIRST_PERSON_POSSESSIVE.of(c));
            if !person && !possessive {
                continue;
            }
            let w = norm.token(i);
            let pronoun = person
                && (w != "i" || doc.as_bytes()[tokens[i].start as usize] == b'I')
                && (w != "us" || &doc[tokens[i].range()] != "US");
            let our_side = possessive && i + 1 < tokens.len() && SIDE_WORDS.contains(&norm.token(i + 1));
            // "our borders", "our western borders", "our people": the speaker's country.
            let own = possessive
                .then(|| {
                    (1..=2).find(|&k| {
                        i + k < tokens.len()
                            && OWN_WORDS.contains(&norm.token(i + k))
                            && tokens[i + 1].kind == TokKind::Word
                    })
                })
                .flatten();
            if pronoun || our_side || own.is_some() {
                if !out[..found].iter().any(|m| m.tokens.contains(&i)) {
                    let end = if let Some(k) = own {
                        i + k + 1
                    } else if our_side {
                        i + 2
                    } else {
                        i + 1
                    };
                    out.push(Mention { tokens: i..end, kind: MentionKind::FirstPerson, person: None });
                }
            }
        }
        if out.len() > found {
            // A dictionary mention that overlaps a first person gives way to it.
            let mut k = 0;
            while k < found {
                let m = &out[k];
                if out[found..].iter().any(|f| f.tokens.start < m.tokens.end && m.tokens.start < f.tokens.end) {
                    out.remove(k);
                    found -= 1;
                } else {
                    k += 1;
                }
            }
            out.sort_by_key(|m| m.tokens.start);
        }
    }
}

fn kind_name(k: PhraseKind) -> &'static str {
    match k {
        PhraseKind::CountryName => "name",
        PhraseKind::Adjective => "adjective",
        PhraseKind::Demonym => "demonym",
        PhraseKind::Capital => "capital",
        PhraseKind::Place => "place",
        PhraseKind::Organisation => "organisation",
    }
}

/// Capitalised words that may follow a name without extending it
/// ("Lavrov Tuesday said").
static CALENDAR_WORDS: WordSet = WordSet::new(&[
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october", "november", "december", "i",
]);

/// "X-backed", "X-brokered", "X-made": X stands behind the thing named, it
/// is not it. ("X-drafted" and "X-owned" are left alone: rejecting a
/// US-drafted plan rejects the US, and an Israeli-owned ship is Israel's.)
const BACKER_WORDS: &[&str] = &[
    "backed", "sponsored", "funded", "financed", "based", "allied", "aligned", "friendly", "inspired", "trained",
    "armed", "supplied", "brokered", "mediated", "made", "built", "manufactured", "designed",
];

/// Verb forms that modify a role like an adjective ("Algeria's leading
/// activist", "Russian jailed journalists").
const MODIFIER_PARTICIPLES: &[&str] =
    &["leading", "ruling", "exiled", "ousted", "displaced", "striking", "protesting", "retired", "veteran"];
/// Words that never modify a role: they join, report or relate.
const NOT_MODIFIERS: &[&str] = &[
    "and", "or", "but", "nor", "to", "of", "for", "with", "by", "in", "on", "at", "from", "as", "than", "not", "that",
    "who", "which", "whose", "said", "says", "say", "told", "tells", "also", "then", "is", "are", "was", "were", "has",
    "have", "had", "will", "would",
];

/// Titles before a surname: "President Bush", "Mr Abe".
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "dr", "president", "minister", "secretary", "chancellor", "premier", "king", "queen", "prince",
    "general", "gen", "ambassador", "senator", "sen", "governor", "sheikh", "emir", "ayatollah", "pm", "leader",
];

/// The code a person has on a date (the country's elite outside office).
fn person_code(p: &crate::dict::Person, date: Option<NaiveDate>) -> Option<Code> {
    p.code_on(date).map(Code::from).or_else(|| p.country().map(|c| format_compact!("{c}ELI")))
}

fn person_kind(p: &crate::dict::Person, date: Option<NaiveDate>) -> MentionKind {
    let code = person_code(p, date);
    MentionKind::Person { name: p.name.clone(), code, country: p.country().map(Code::from) }
}

fn same_exact(surface: &str, exact: &str) -> bool {
    // Exact entries are short acronyms; compare ignoring spacing differences.
    fn unspaced(s: &str) -> impl Iterator<Item = char> + '_ {
        s.chars().filter(|c| !c.is_whitespace())
    }
    unspaced(surface).eq(unspaced(exact))
}

/// Words that may sit inside an actor phrase between two mentions.
fn is_glue(w: &str) -> bool {
    matches!(w, "of" | "'s" | "the" | "for" | "and" | "to" | "on")
}

/// Chunks mentions into actor phrases and resolves each to a code.
pub fn chunk(
    doc: &str,
    tokens: &[Token],
    norm: &Normalized,
    mentions: &[Mention],
    ctx: &ActorContext<'_>,
    out: &mut Vec<ActorNp>,
) {
    out.clear();
    let mut i = 0;
    while i < mentions.len() {
        let start_m = i;
        let mut end_tok = mentions[i].tokens.end;
        let mut j = i + 1;
        // Extend over adjacent mentions and glue words, and over the
        // capitalised name after a title ("Special Adviser Katsuyuki Kawai").
        loop {
            if j < mentions.len() {
                let gap = &tokens[end_tok.min(tokens.len())..mentions[j].tokens.start];
                let glue_ok = gap.len() <= 2
                    && gap.iter().enumerate().all(|(k, t)| {
                        let w = norm.token(end_tok + k);
                        // "and" joins two actors, it does not make one ("Russia and Japan"),
                        // except inside a title ("Minister of Foreign Affairs and Trade").
                        is_glue(w) && w != "and" && w != "to" && w != "on" && t.kind == TokKind::Word
                    });
                let prev_is_role = matches!(mentions[j - 1].kind, MentionKind::Role { .. });
                let next_is_role = matches!(mentions[j].kind, MentionKind::Role { .. });
                // "French paper workers", "Ibo traditional elders", "Algeria's
                // leading activist": a country's adjective (or "X's") and a role
                // with one plain word between them are one phrase.
                let modifier = next_is_role && j == start_m + 1 && {
                    let possessive = gap.len() == 2
                        && norm.token(end_tok) == "'s"
                        && matches!(mentions[j - 1].kind, MentionKind::Country { .. });
                    let adjective =
                        gap.len() == 1 && matches!(mentions[j - 1].kind, MentionKind::Country { as_: "adjective", .. });
                    let k = mentions[j].tokens.start - 1;
                    let w = norm.token(k);
                    // Not a verb form ("the French arrested activists") nor a joining word.
                    let plain = MODIFIER_PARTICIPLES.contains(&w)
                        || !(w.ends_with("ed") || w.ends_with("ing") || NOT_MODIFIERS.contains(&w));
                    (possessive || adjective)
                        && tokens[k].kind == TokKind::Word
                        && norm.words[k].phrase_lengths == 0
                        && plain
                };
                let both_places = !prev_is_role && !next_is_role && !gap.is_empty();
                // "Japan and Russia": two actors. "Russia's Foreign Ministry": one.
                let joins = (glue_ok && !both_places || modifier)
                    && !(matches!(mentions[j].kind, MentionKind::FirstPerson)
                        || matches!(mentions[j - 1].kind, MentionKind::FirstPerson));
                // Never join two people, or two organisations/countries without a role between.
                let two_people = matches!(mentions[j].kind, MentionKind::Person { .. })
                    && mentions[start_m..j].iter().any(|m| matches!(m.kind, MentionKind::Person { .. }));
                let two_countries = gap.is_empty()
                    && matches!(mentions[j].kind, MentionKind::Country { .. } | MentionKind::Organisation { .. })
                    && matches!(mentions[j - 1].kind, MentionKind::Country { .. } | MentionKind::Organisation { .. })
                    && !matches!(mentions[j - 1].kind, MentionKind::Country { as_: "adjective", .. });
                if joins && !two_people && !two_countries {
                    end_tok = mentions[j].tokens.end;
                    j += 1;
                    continue;
                }
            }
            break;
        }
        // Apposition: "Japan's foreign minister, Yoko Kamikawa," → the person.
        if j < mentions.len()
            && end_tok < tokens.len()
            && norm.token(end_tok) == ","
            && mentions[j].tokens.start == end_tok + 1
            && matches!(mentions[j].kind, MentionKind::Person { .. })
            && mentions[start_m..j].iter().any(|m| matches!(m.kind, MentionKind::Role { .. }))
            && !mentions[start_m..j].iter().any(|m| matches!(m.kind, MentionKind::Person { .. }))
        {
            end_tok = mentions[j].tokens.end;
            j += 1;
        }
        // A title followed by an unknown capitalised name: take the name in.
        let has_role = mentions[start_m..j].iter().any(|m| matches!(m.kind, MentionKind::Role { .. }));
        let has_person = mentions[start_m..j].iter().any(|m| matches!(m.kind, MentionKind::Person { .. }));
        if has_role && !has_person {
            let mut k = end_tok;
            while k < tokens.len()
                && k - end_tok < 3
                && tokens[k].kind == TokKind::Word
                && tokens[k].is_capitalized(doc)
                && (j >= mentions.len() || mentions[j].tokens.start > k)
                && !matches!(norm.token(k), "i")
            {
                k += 1;
            }
            end_tok = k;
        }
        let start_tok = mentions[start_m].tokens.start;
        out.push(resolve(doc, tokens, norm, &mentions[start_m..j], start_m..j, start_tok..end_tok, ctx));
        i = j;
    }
    // (Asked only when some role has no country: locate_roles codes
    // phrases, it never uncodes one.)
    let unplaced = out.iter().any(|np| np.code.is_none() && np.role.is_some());
    let places = if unplaced { country_of_places(out) } else { Places::Many };
    let country = match places {
        // A dateline is often abroad ("VILNIUS - Belarus freed …"): only
        // a sentence that names no other country happens in its country.
        Places::None => ctx
            .place_country
            .filter(|c| {
                out.iter().all(|np| np.country.as_deref().is_none_or(|o| o == *c || crate::dict::is_igo_prefix(o)))
            })
            .map(Code::from),
        Places::One(c) => Some(c),
        Places::Many => None,
    };
    locate_roles(norm, out);
    if let Some(c) = country {
        roles_where_they_act(norm, c, out);
    }
    possessed_roles(norm, out);
    place_ethnic_groups(norm, out);
    // "around Kharkiv and Kyiv": the places of a list after a preposition
    // are all places.
    for i in 1..out.len() {
        let (a, b) = (&out[i - 1], &out[i]);
        let joined = || (a.tokens.end..b.tokens.start).all(|k| matches!(norm.token(k), "and" | ","));
        if a.place
            && joined()
            && b.mentions.len() == 1
            && !b.first_person
            && b.role.as_deref().is_none_or(|r| r == "GOV")
            && b.country.as_deref().is_some_and(|c| c.len() == 3)
        {
            out[i].place = true;
        }
    }
}

/// "Ethnic Albanians demonstrated in Serbia": an ethnic group is not its
/// namesake country's; it belongs to the other country the sentence places
/// it in (the next one named, else the one before). Left as it is when the
/// sentence names no other.
fn place_ethnic_groups(norm: &Normalized, out: &mut [ActorNp]) {
    for i in 0..out.len() {
        let np = &out[i];
        let Some(own) = np.country.as_deref().filter(|c| c.len() == 3 && !crate::dict::is_igo_prefix(c)) else {
            continue;
        };
        if np.tokens.start == 0 || norm.token(np.tokens.start - 1) != "ethnic" || np.first_person {
            continue;
        }
        let other = |j: &usize| {
            out[*j].country.as_deref().is_some_and(|c| c.len() == 3 && c != own && !crate::dict::is_igo_prefix(c))
        };
        if let Some(j) = (i + 1..out.len()).find(other).or_else(|| (0..i).rev().find(other)) {
            let c = out[j].country.clone().unwrap_or_default();
            let np = &mut out[i];
            np.code = Some(format_compact!("{c}{}", np.role.as_deref().unwrap_or("")));
            np.country = Some(c);
        }
    }
}

/// "Rebels in the Ivory Coast", "authorities in Croatia": a role with no
/// country of its own takes the country of the place it is in (one phrase).
/// Only the roles that belong where they are, not people who may be
/// anyone's ("hostages in Gaza", "reporters in Moscow"). Troops or
/// peacekeepers "in Lebanon" are often foreign: they code as the bare
/// country, like a place ("deployed forces in Lebanon" → LBN).
const LOCAL_ROLES: &[&str] = &["GOV", "COP", "JUD", "LEG", "OPP", "REB", "SPY", "MIL"];

fn locate_roles(norm: &Normalized, out: &mut Vec<ActorNp>) {
    let mut i = 0;
    while i + 1 < out.len() {
        let (a, b) = (&out[i], &out[i + 1]);
        let gap = a.tokens.end..b.tokens.start;
        let in_place = matches!(gap.len(), 1 | 2)
            && norm.token(gap.start) == "in"
            && (gap.len() == 1 || norm.token(gap.start + 1) == "the");
        let country = b
            .country
            .as_deref()
            .filter(|c| c.len() == 3 && !crate::dict::is_igo_prefix(c) && b.mentions.len() == 1 && !b.first_person);
        let role = a.role.as_deref().filter(|r| LOCAL_ROLES.contains(r));
        if let (true, None, false, Some(role), Some(c)) = (in_place, &a.code, a.first_person, role, country) {
            let code = if role == "MIL" { Code::from(c) } else { format_compact!("{c}{role}") };
            let role = (role != "MIL").then(|| Code::from(role));
            let (end, mentions_end, c) = (b.tokens.end, b.mentions.end, Code::from(c));
            let a = &mut out[i];
            a.code = Some(code);
            a.role = role;
            a.country = Some(c);
            a.tokens.end = end;
            a.mentions.end = mentions_end;
            out.remove(i + 1);
        }
        i += 1;
    }
}

/// Where a sentence's places are ("in Dhaka", "outside the parliament in
/// Tbilisi").
enum Places {
    None,
    /// All in one country.
    One(Code),
    /// In several, or somewhere with no country.
    Many,
}

fn country_of_places(out: &[ActorNp]) -> Places {
    let mut country: Option<&str> = None;
    for np in out.iter().filter(|np| np.place || np.locality) {
        match (country, np.country.as_deref().filter(|c| c.len() == 3 && !crate::dict::is_igo_prefix(c))) {
            (_, None) => return Places::Many,
            (None, Some(c)) => country = Some(c),
            (Some(a), Some(c)) if a != c => return Places::Many,
            _ => {}
        }
    }
    country.map_or(Places::None, |c| Places::One(Code::from(c)))
}

/// "Police arrested dozens of opposition supporters in Dhaka": a local
/// role with no country of its own, in a sentence whose places are all in
/// one country (or, naming none, under a dateline), is that country's (the
/// rule of [`locate_roles`], read over the sentence). Not troops, who are
/// often abroad ("soldiers raided a village in the West Bank"), nor
/// officials who travel ("the two presidents met in San Francisco"), nor
/// anyone's "our colleagues".
fn roles_where_they_act(norm: &Normalized, c: Code, out: &mut [ActorNp]) {
    let ours = |np: &ActorNp| {
        (np.tokens.start.saturating_sub(2)..np.tokens.start).any(|k| FIRST_PERSON_POSSESSIVE.of(norm.words[k].class))
    };
    // Of the government, its institutions: "the two presidents met in San
    // Francisco" are anyone's.
    let institution = |np: &ActorNp| {
        np.tokens.clone().any(|t| {
            matches!(
                norm.token(t),
                "government" | "authorities" | "administration" | "regime" | "junta" | "ministry" | "cabinet"
            )
        })
    };
    for np in out.iter_mut().filter(|np| np.code.is_none() && !np.first_person && !ours(np)) {
        let local = |r: &&str| *r != "MIL" && LOCAL_ROLES.contains(r) && (*r != "GOV" || institution(np));
        if let Some(role) = np.role.as_deref().filter(local) {
            np.code = Some(format_compact!("{c}{role}"));
            np.country = Some(c.clone());
            np.placed = true;
        }
    }
}

/// "Russia's defence ministry said its air defences had shot down …",
/// "China and its navy": a role after "its" or "their" with no country of
/// its own is that of the nearest actor before it (not a place, not one in
/// an aside between commas).
fn possessed_roles(norm: &Normalized, out: &mut [ActorNp]) {
    for i in 1..out.len() {
        let np = &out[i];
        let possessed = np.tokens.start > 0 && matches!(norm.token(np.tokens.start - 1), "its" | "their");
        if np.code.is_some() || np.first_person || !possessed {
            continue;
        }
        let Some(role) = np.role.clone() else { continue };
        // Not one inside an aside: "Pakistan, a key U.S. ally in the war,
        // has urged its citizens …" are Pakistan's.
        let comma = |k: usize| norm.token(k) == ",";
        let aside = |o: &ActorNp| {
            (o.tokens.end..np.tokens.start).any(comma) && (o.tokens.start.saturating_sub(6)..o.tokens.start).any(comma)
        };
        let owner =
            out[..i].iter().rev().filter(|o| !o.place && !o.first_person && !aside(o)).find_map(|o| o.country.clone());
        if let Some(c) = owner.filter(|c| c.len() == 3 && !crate::dict::is_igo_prefix(c)) {
            let np = &mut out[i];
            np.code = Some(format_compact!("{c}{role}"));
            np.country = Some(c);
        }
    }
}

fn resolve(
    _doc: &str,
    _tokens: &[Token],
    norm: &Normalized,
    ms: &[Mention],
    idx: Range<usize>,
    toks: Range<usize>,
    ctx: &ActorContext<'_>,
) -> ActorNp {
    let role = ms.iter().find_map(|m| match &m.kind {
        MentionKind::Role { role } => Some(role.clone()),
        _ => None,
    });
    let mut np = ActorNp {
        tokens: toks.clone(),
        code: None,
        country: None,
        role: role.clone(),
        first_person: false,
        place: false,
        locality: false,
        placed: false,
        mentions: idx,
    };
    if let Some(MentionKind::Person { code, country, .. }) =
        ms.iter().map(|m| &m.kind).find(|k| matches!(k, MentionKind::Person { .. }))
    {
        np.code = code.clone();
        np.country = country.clone().or_else(|| code.as_ref().map(|c| Code::from(&c[..3])));
        np.role =
            code.as_ref().filter(|c| c.len() >= 6 && !crate::dict::is_igo_prefix(c)).map(|c| Code::from(&c[3..6]));
        return np;
    }
    if ms.iter().any(|m| m.kind == MentionKind::FirstPerson) {
        np.first_person = true;
        np.code = ctx.speaker_code.map(Code::from);
        np.country = ctx.speaker_code.map(|c| Code::from(&c[..3.min(c.len())]));
        return np;
    }
    // "in Gaza", and "in the Gaza Strip" too.
    let after_the = toks.start > 1 && norm.token(toks.start - 1) == "the";
    let place_like = ms.len() == 1
        && toks.start > 0
        && PLACE_PREPOSITIONS.contains(&norm.token(toks.start - 1 - usize::from(after_the)));
    let base = ms.iter().find_map(|m| match &m.kind {
        MentionKind::Country { code, as_ } => Some((code.clone(), Some(*as_))),
        MentionKind::Organisation { code } => Some((code.clone(), None)),
        _ => None,
    });
    match base {
        Some((code, as_)) => {
            let is_org = as_.is_none();
            np.country = Some(if is_org { code.clone() } else { Code::from(&code[..3]) });
            let kind = match as_ {
                Some("capital") => Some(PhraseKind::Capital),
                Some("demonym") => Some(PhraseKind::Demonym),
                _ => None,
            };
            let role = role.or_else(|| kind.and_then(role_default_code).map(Code::from));
            np.code = Some(match (&role, is_org) {
                (Some(r), false) => format_compact!("{code}{r}"),
                _ => code,
            });
            np.role = if is_org { None } else { role };
            np.place = place_like && matches!(as_, Some("name" | "capital" | "place"));
            np.locality = as_ == Some("place");
        }
        None => {
            // A role alone: the speaker's own institutions in a transcript.
            // Only institutions ("the Foreign Ministry", "the government"):
            // "the president" alone may be anyone's.
            let institution = ms.iter().any(|m| {
                m.tokens.clone().any(|t| matches!(norm.token(t), "ministry" | "government" | "cabinet" | "kremlin"))
            });
            // "Our military", "our prosecutors": the speaker's country's.
            let ours = toks.start > 0 && FIRST_PERSON_POSSESSIVE.of(norm.words[toks.start - 1].class);
            if let (Some(r), Some(sp), true) = (&np.role, ctx.speaker_code, institution || ours) {
                if ours || r == "GOV" || r == "MIL" || r == "COP" || r == "SPY" {
                    let c = &sp[..3.min(sp.len())];
                    if !crate::dict::is_igo_prefix(sp) {
                        np.code = Some(format_compact!("{c}{r}"));
                        np.country = Some(Code::from(c));
                    }
                }
            }
        }
    }
    np
}
