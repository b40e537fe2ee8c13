//! Tokens and sentences: byte ranges into the document's text.
//!
//! The tokenizer is written for news English and keeps every token's byte
//! offsets. Possessive `'s` and `n't` become their own tokens ("Japan's" →
//! `Japan` `'s`; "didn't" → `did` `n't`), dotted acronyms stay whole
//! (`U.S.`), hyphenated words split at the hyphen (`visa-free` → `visa`
//! `free`), every other punctuation mark is a token of its own. Sentence
//! boundaries are found on the tokens, so "Mr.", "Jan. 14", "Art. 107" and
//! "U.S. Secretary" do not end a sentence.

use std::ops::Range;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokKind {
    Word,
    Number,
    Punct,
}

/// A token: a byte range into the document text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub start: u32,
    pub end: u32,
    pub kind: TokKind,
}

impl Token {
    pub fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn text<'a>(&self, doc: &'a str) -> &'a str {
        &doc[self.range()]
    }

    /// Starts with an uppercase letter.
    pub fn is_capitalized(&self, doc: &str) -> bool {
        self.text(doc).chars().next().is_some_and(char::is_uppercase)
    }
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// The character at byte `i` of `text[..end]` (a char boundary), without
/// decoding when it is ASCII.
#[inline]
fn char_at(text: &str, i: usize, end: usize) -> char {
    let b = text.as_bytes()[i];
    if b < 0x80 {
        b as char
    } else {
        decode_at(text, i, end)
    }
}

/// The non-ASCII character at byte `i`, out of line: most text is ASCII.
#[inline(never)]
fn decode_at(text: &str, i: usize, end: usize) -> char {
    text[i..end].chars().next().expect("in range")
}

/// ASCII letters and digits, by byte: the tokenizer's innermost test.
static ASCII_ALNUM: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    table
};

/// The end (at most `end`) of the run of ASCII letters and digits in
/// `bytes` from `i`, eight bytes at a time: a word is read in one or two
/// steps instead of a step per letter. The eight may reach past `end`
/// (into the next line, never past `bytes`); the run is cut there.
#[inline]
fn ascii_alnum_end(bytes: &[u8], mut i: usize, end: usize) -> usize {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGHS: u64 = ONES * 0x80;
    while i < end {
        let Some(chunk) = bytes.get(i..i + 8) else { break };
        let w = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        // Per byte, on its low seven bits (no carry crosses into the next
        // byte): `x + (0x80 - lo)` has its high bit set when x >= lo.
        let at_least = |x: u64, lo: u8| x.wrapping_add(ONES * u64::from(0x80 - lo));
        let low = w & !HIGHS;
        let digit = at_least(low, b'0') & !at_least(low, b'9' + 1);
        // `| 0x20` folds A–Z onto a–z (and nothing else into a–z).
        let folded = low | ONES * 0x20;
        let letter = at_least(folded, b'a') & !at_least(folded, b'z' + 1);
        // High bits of the bytes that end the run: not a letter or digit,
        // or not ASCII at all.
        let stop = (!(digit | letter) | w) & HIGHS;
        if stop != 0 {
            return (i + stop.trailing_zeros() as usize / 8).min(end);
        }
        i += 8;
    }
    while i < end && ASCII_ALNUM[bytes[i] as usize] {
        i += 1;
    }
    // A step of eight may have gone past `end`.
    i.min(end)
}

/// Appends the tokens of `text[range]` to `out`, with offsets into `text`.
pub fn tokenize(text: &str, range: Range<usize>, out: &mut Vec<Token>) {
    let bytes = &text.as_bytes()[..range.end];
    let end = range.end;
    let mut i = range.start;
    let push =
        |out: &mut Vec<Token>, s: usize, e: usize, kind| out.push(Token { start: s as u32, end: e as u32, kind });
    while i < end {
        // The commonest bytes first: a space, and an ASCII letter (which
        // starts a word, below).
        let b = bytes[i];
        if b == b' ' {
            i += 1;
            continue;
        }
        let c = char_at(text, i, end);
        let w = c.len_utf8();
        if !b.is_ascii_alphabetic() {
            if c.is_whitespace() || c == '\u{feff}' {
                i += w;
                continue;
            }
            if c.is_ascii_digit() {
                let s = i;
                i += 1;
                while i < end {
                    let b = bytes[i];
                    if b.is_ascii_digit() || ((b == b',' || b == b'.') && i + 1 < end && bytes[i + 1].is_ascii_digit())
                    {
                        i += 1;
                    } else if b.is_ascii_alphabetic() {
                        // "1950s", "10th", "5G"
                        i += 1;
                    } else {
                        break;
                    }
                }
                push(out, s, i, TokKind::Number);
                continue;
            }
        }
        if c.is_alphanumeric() {
            let s = i;
            i = ascii_alnum_end(text.as_bytes(), i, end);
            // Dotted acronyms: U.S., U.K., e.g. — single letters each
            // followed by a dot, so only a word whose ASCII run is one
            // letter long can be one.
            if i == s + 1 && i < end && bytes[i] == b'.' {
                let mut j = s;
                let mut units = 0;
                while j + 1 < end && bytes[j].is_ascii_alphabetic() && bytes[j + 1] == b'.' {
                    units += 1;
                    j += 2;
                }
                if units >= 2 {
                    push(out, s, j, TokKind::Word);
                    i = j;
                    continue;
                }
            }
            // The usual end of a word: an ASCII character, not an apostrophe.
            if i >= end || (bytes[i] < 0x80 && bytes[i] != b'\'') {
                push(out, s, i, TokKind::Word);
                continue;
            }
            loop {
                // ASCII letters and digits a byte at a time (the first run
                // was taken above); anything else but the other ASCII
                // characters (which end the word) is decided below.
                while i < end && ASCII_ALNUM[bytes[i] as usize] {
                    i += 1;
                }
                if i >= end || (bytes[i] < 0x80 && bytes[i] != b'\'') {
                    break;
                }
                let c = char_at(text, i, end);
                if c.is_alphanumeric() || c == '\u{00ad}' {
                    i += c.len_utf8();
                } else if is_apostrophe(c) {
                    // Inside a word unless it begins 's / 't (split below).
                    let rest = &text[i + c.len_utf8()..end];
                    let next = rest.chars().next();
                    let after = rest.chars().nth(1);
                    let clitic = matches!(next, Some('s' | 'S' | 't' | 'T' | 'd' | 'D' | 'm' | 'M'))
                        && !after.is_some_and(char::is_alphanumeric)
                        || rest
                            .get(..2)
                            .is_some_and(|two| ["ll", "re", "ve"].iter().any(|c| two.eq_ignore_ascii_case(c)))
                            && !rest[2..].chars().next().is_some_and(char::is_alphanumeric);
                    if clitic || !next.is_some_and(char::is_alphabetic) {
                        break;
                    }
                    i += c.len_utf8();
                } else {
                    break;
                }
            }
            // "didn't": the word ends in n, the clitic is 't → did + n't
            let word_end = i;
            if i < end && matches!(bytes[i], b'\'' | 0xe2) && text[i..end].starts_with(is_apostrophe) {
                let apos = text[i..end].chars().next().expect("apostrophe").len_utf8();
                let rest = &text[i + apos..end];
                if (rest.starts_with('t') || rest.starts_with('T'))
                    && word_end - s >= 2
                    && matches!(bytes[word_end - 1], b'n' | b'N')
                {
                    push(out, s, word_end - 1, TokKind::Word);
                    push(out, word_end - 1, i + apos + 1, TokKind::Word);
                    i = i + apos + 1;
                    continue;
                }
            }
            push(out, s, word_end, TokKind::Word);
            continue;
        }
        if is_apostrophe(c) {
            // Clitics: 's 'll 're 've 'd 'm
            let rest = &text[i + w..end];
            let len = rest.chars().take_while(|c| c.is_alphabetic()).map(char::len_utf8).sum::<usize>();
            let prev_is_word = out.last().is_some_and(|t| t.end as usize == i && t.kind != TokKind::Punct);
            if prev_is_word && (1..=2).contains(&len) {
                push(out, i, i + w + len, TokKind::Word);
                i += w + len;
                continue;
            }
        }
        if c == '-' && i > range.start && i + 1 < end {
            // Hyphen inside a word: drop it, the halves become two tokens.
            let prev = text[..i].chars().next_back().is_some_and(char::is_alphanumeric);
            let next = text[i + 1..].chars().next().is_some_and(char::is_alphanumeric);
            if prev && next {
                i += 1;
                continue;
            }
        }
        push(out, i, i + w, TokKind::Punct);
        i += w;
    }
}

/// Appends the matching form of a token: lowercase, typographic quotes
/// and dashes folded to ASCII. Dictionary phrases and document tokens are
/// normalised by this one function, so they compare equal.
pub fn push_normalized(s: &str, out: &mut String) {
    if s.is_ascii() {
        let start = out.len();
        out.push_str(s);
        out[start..].make_ascii_lowercase();
        return;
    }
    for c in s.chars() {
        match c {
            '\u{2019}' | '\u{2018}' | '\u{02bc}' => out.push('\''),
            '\u{201c}' | '\u{201d}' | '\u{00ab}' | '\u{00bb}' => out.push('"'),
            '\u{2013}' | '\u{2014}' | '\u{2212}' => out.push('-'),
            '\u{00ad}' => {}
            c => out.extend(c.to_lowercase()),
        }
    }
}

/// The matching form of a whole phrase: its tokens, normalised, joined by
/// single spaces ("Japan’s  Foreign-Ministry" → "japan 's foreign ministry").
pub fn normalize_phrase(phrase: &str) -> String {
    let mut toks = Vec::new();
    tokenize(phrase, 0..phrase.len(), &mut toks);
    let mut out = String::with_capacity(phrase.len());
    for (i, t) in toks.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        push_normalized(t.text(phrase), &mut out);
    }
    out
}

/// A fixed list of words (in matching form) asked "is this one of you?"
/// once per token: a hash set built on first use, so the rules can keep
/// their word lists as plain literals.
///
/// A set made with [`WordSet::class`] is also a word class: its bit is set
/// on its words in the dictionaries' word table (`dict::Words`), which the
/// sentence looks up once per token anyway, so the rules can ask of a token
/// with [`WordSet::of`] (one load and a mask) instead of hashing its text.
pub struct WordSet {
    words: &'static [&'static str],
    set: std::sync::OnceLock<WordSetIndex>,
    /// The class bit (0 for a set that is not a class).
    bit: u64,
}

struct WordSetIndex {
    /// Bits of the words' shapes (length, first and last byte): most
    /// words are turned away here without hashing.
    shapes: [u64; 4],
    set: rustc_hash::FxHashSet<&'static str>,
}

fn shape(w: &str) -> usize {
    let b = w.as_bytes();
    match (b.first(), b.last()) {
        (Some(&f), Some(&l)) => (b.len() * 31 + f as usize * 7 + l as usize) & 255,
        _ => 0,
    }
}

impl WordSet {
    pub const fn new(words: &'static [&'static str]) -> WordSet {
        WordSet { words, set: std::sync::OnceLock::new(), bit: 0 }
    }

    /// A set that is also word class number `n` (0–63).
    pub const fn class(n: u32, words: &'static [&'static str]) -> WordSet {
        WordSet { words, set: std::sync::OnceLock::new(), bit: 1 << n }
    }

    /// The class bit (0 for a plain set).
    pub fn bit(&self) -> u64 {
        self.bit
    }

    /// Whether a token whose word classes are `classes` (its
    /// `WordInfo::class`) is in this set. Only for a class.
    #[inline]
    pub fn of(&self, classes: u64) -> bool {
        debug_assert!(self.bit != 0, "WordSet::of on a set that is not a class");
        classes & self.bit != 0
    }

    #[inline]
    pub fn contains(&self, w: &&str) -> bool {
        let index = self.set.get_or_init(|| {
            let mut shapes = [0u64; 4];
            for w in self.words {
                let s = shape(w);
                shapes[s / 64] |= 1 << (s % 64);
            }
            WordSetIndex { shapes, set: self.words.iter().copied().collect() }
        });
        let s = shape(w);
        index.shapes[s / 64] & (1 << (s % 64)) != 0 && index.set.contains(w)
    }
}

impl std::ops::Deref for WordSet {
    type Target = [&'static str];
    fn deref(&self) -> &[&'static str] {
        self.words
    }
}

/// Words that end with a dot without ending a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm", "gov", "sen", "rep",
    "rev", "fr", "hon", "pres", "amb", "art", "arts", "no", "nos", "vol", "vols", "p", "pp", "para", "sec", "ch",
    "fig", "vs", "v", "etc", "approx", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "inc", "ltd", "co", "corp", "jr", "sr", "mt", "ft", "dept", "est", "cf", "al", "op", "govt", "min", "maj",
    "brig", "gens",
];

fn is_abbreviation(word: &str) -> bool {
    let w = word.trim_end_matches('.');
    if w.chars().count() == 1 && w.chars().all(char::is_uppercase) {
        return true; // an initial: "George W. Bush"
    }
    if w.contains('.') {
        return true; // "U.S." kept whole by the tokenizer
    }
    // `ABBREVIATIONS` asked case-insensitively: ASCII words of at most
    // six letters ("approx"), lowercased on the stack.
    let mut lower = [0u8; 6];
    if !w.is_ascii() || w.len() > lower.len() {
        return false;
    }
    for (l, b) in lower.iter_mut().zip(w.bytes()) {
        *l = b.to_ascii_lowercase();
    }
    ABBREVIATION_SET.contains(&std::str::from_utf8(&lower[..w.len()]).expect("ASCII"))
}

static ABBREVIATION_SET: WordSet = WordSet::new(ABBREVIATIONS);

/// Words that, capitalised after an abbreviation, start a new sentence.
const SENTENCE_OPENERS: &[&str] = &[
    "The", "It", "He", "She", "They", "We", "This", "In", "But", "A", "I", "There", "That", "These", "Its", "His",
    "Her", "Their", "On", "At",
];

fn is_closing(s: &str) -> bool {
    matches!(s, "\"" | "\u{201d}" | "\u{2019}" | "'" | ")" | "]" | "\u{00bb}")
}

fn is_terminal(s: &str) -> bool {
    matches!(s, "." | "!" | "?" | "\u{2026}")
}

/// Splits a run of tokens (one paragraph) into sentences, as ranges of
/// token indices into `tokens`.
pub fn split_sentences(text: &str, tokens: &[Token], within: Range<usize>, out: &mut Vec<Range<usize>>) {
    let mut start = within.start;
    let mut i = within.start;
    let bytes = text.as_bytes();
    let tokens = &tokens[..within.end];
    while i < within.end {
        let t = tokens[i];
        // Most tokens are turned away on their last or first byte.
        // "… in the U.K. The talks": the acronym took the full stop.
        if t.kind == TokKind::Word && t.end - t.start > 2 && bytes[t.end as usize - 1] == b'.' && i + 1 < within.end {
            let s = t.text(text);
            if s[..s.len() - 1].contains('.') {
                let n = tokens[i + 1].text(text);
                if SENTENCE_OPENERS.contains(&n) {
                    out.push(start..i + 1);
                    start = i + 1;
                }
            }
        }
        if t.kind == TokKind::Punct
            && matches!(bytes[t.start as usize], b'.' | b'!' | b'?' | 0xe2)
            && is_terminal(t.text(text))
        {
            let s = t.text(text);
            let mut end = i + 1;
            while end < within.end
                && tokens[end].kind == TokKind::Punct
                && (is_terminal(tokens[end].text(text)) || is_closing(tokens[end].text(text)))
            {
                end += 1;
            }
            let prev_abbrev = s == "."
                && i > start
                && tokens[i - 1].end == t.start
                && tokens[i - 1].kind == TokKind::Word
                && is_abbreviation(tokens[i - 1].text(text));
            let next_starts = end >= within.end || {
                let n = tokens[end].text(text);
                let c = n.chars().next().unwrap_or(' ');
                c.is_uppercase()
                    || c.is_ascii_digit()
                    || matches!(
                        c,
                        '"' | '\u{201c}' | '\'' | '\u{2018}' | '(' | '[' | '\u{00ab}' | '-' | '\u{2013}' | '\u{2014}'
                    )
            };
            // "Jan. 14" and "Art. 107": an abbreviation followed by a number never ends.
            if next_starts && !prev_abbrev {
                out.push(start..end);
                start = end;
                i = end;
                continue;
            }
            if next_starts && prev_abbrev && end < within.end {
                // "... in the U.K. The talks": an abbreviation can end a
                // sentence when what follows is a function word starting one.
                let n = tokens[end].text(text);
                let abbrev = tokens[i - 1].text(text).trim_end_matches('.');
                let is_title = [
                    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "sgt", "capt", "gov", "sen", "rep", "amb",
                    "pres", "st", "art", "no", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
                    "nov", "dec", "vs", "adm", "brig", "maj", "rev", "hon", "fr",
                ]
                .iter()
                .any(|a| a.eq_ignore_ascii_case(abbrev));
                let single_initial = abbrev.chars().count() == 1;
                if !is_title && !single_initial && SENTENCE_OPENERS.contains(&n) {
                    out.push(start..end);
                    start = end;
                    i = end;
                    continue;
                }
            }
        }
        i += 1;
    }
    if start < within.end {
        out.push(start..within.end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<&str> {
        let mut out = Vec::new();
        tokenize(s, 0..s.len(), &mut out);
        out.iter().map(|t| t.text(s)).collect()
    }

    fn sents(s: &str) -> Vec<&str> {
        let mut t = Vec::new();
        tokenize(s, 0..s.len(), &mut t);
        let mut out = Vec::new();
        split_sentences(s, &t, 0..t.len(), &mut out);
        out.iter().map(|r| &s[t[r.start].start as usize..t[r.end - 1].end as usize]).collect()
    }

    #[test]
    fn tokens_keep_offsets_and_split_clitics() {
        assert_eq!(toks("Japan's envoy didn't agree."), ["Japan", "'s", "envoy", "did", "n't", "agree", "."]);
        assert_eq!(toks("Japan’s U.S. ally"), ["Japan", "’s", "U.S.", "ally"]);
        assert_eq!(toks("visa-free travel, 1,500 troops"), ["visa", "free", "travel", ",", "1,500", "troops"]);
        assert_eq!(toks("O'Brien said: “no”"), ["O'Brien", "said", ":", "“", "no", "”"]);
        assert_eq!(toks("the 1950s – and"), ["the", "1950s", "–", "and"]);
        assert_eq!(toks("we'll see"), ["we", "'ll", "see"]);
        // An apostrophe before a letter and a two-byte one (this panicked once).
        assert_eq!(toks("N'Zérékoré d'Aé"), ["N'Zérékoré", "d'Aé"]);
    }

    #[test]
    fn ascii_runs_end_where_the_byte_loop_ends() {
        for b in 0..=255u8 {
            for at in 0..12 {
                let mut bytes = [b'x'; 12];
                bytes[at] = b;
                bytes[11] = b'Q';
                for (start, end) in [(0, 12), (1, 12), (0, 9), (2, 5), (0, 4)] {
                    let want = (start..end).find(|&k| !ASCII_ALNUM[bytes[k] as usize]).unwrap_or(end);
                    assert_eq!(ascii_alnum_end(&bytes, start, end), want, "{bytes:?} {start}..{end}");
                }
            }
        }
    }

    #[test]
    fn abbreviations_fit_their_lookup() {
        assert!(ABBREVIATIONS.iter().all(|a| a.len() <= 6 && a.bytes().all(|b| b.is_ascii_lowercase())));
        for (w, want) in [
            ("Mr", true),
            ("APPROX", true),
            ("Sept", true),
            ("approxi", false),
            ("Mr\u{0301}", false),
            ("Ms", true),
            ("", false),
        ] {
            assert_eq!(is_abbreviation(w), want, "{w}");
        }
    }

    #[test]
    fn sentences_survive_abbreviations() {
        let s = "Mr. Abe met U.S. Secretary Pompeo on Jan. 14 in Moscow. Art. 107 of the Charter applies. Is it? Yes!";
        assert_eq!(
            sents(s),
            [
                "Mr. Abe met U.S. Secretary Pompeo on Jan. 14 in Moscow.",
                "Art. 107 of the Charter applies.",
                "Is it?",
                "Yes!"
            ]
        );
        assert_eq!(sents("He said “we agree.” Then he left."), ["He said “we agree.”", "Then he left."]);
        assert_eq!(sents("George W. Bush spoke. It ended."), ["George W. Bush spoke.", "It ended."]);
        assert_eq!(
            sents("They met in the U.K. The talks went well."),
            ["They met in the U.K.", "The talks went well."]
        );
    }

    // The tokenizer and sentence splitter as they were before their ASCII
    // fast paths, kept as the reference the fast ones must agree with.
    mod reference {
        use super::super::{is_apostrophe, is_closing, is_terminal, TokKind, Token, ABBREVIATIONS, SENTENCE_OPENERS};
        use std::ops::Range;

        #[inline]
        fn char_at(text: &str, i: usize, end: usize) -> char {
            let b = text.as_bytes()[i];
            if b < 0x80 {
                b as char
            } else {
                text[i..end].chars().next().expect("in range")
            }
        }

        pub(super) fn tokenize(text: &str, range: Range<usize>, out: &mut Vec<Token>) {
            let bytes = text.as_bytes();
            let end = range.end;
            let mut i = range.start;
            let push = |out: &mut Vec<Token>, s: usize, e: usize, kind| {
                out.push(Token { start: s as u32, end: e as u32, kind })
            };
            while i < end {
                let c = char_at(text, i, end);
                let w = c.len_utf8();
                if c.is_whitespace() || c == '\u{feff}' {
                    i += w;
                    continue;
                }
                if c.is_ascii_digit() {
                    let s = i;
                    i += 1;
                    while i < end {
                        let b = bytes[i];
                        if b.is_ascii_digit()
                            || ((b == b',' || b == b'.') && i + 1 < end && bytes[i + 1].is_ascii_digit())
                        {
                            i += 1;
                        } else if b.is_ascii_alphabetic() {
                            // "1950s", "10th", "5G"
                            i += 1;
                        } else {
                            break;
                        }
                    }
                    push(out, s, i, TokKind::Number);
                    continue;
                }
                if c.is_alphanumeric() {
                    let s = i;
                    // Dotted acronyms: U.S., U.K., e.g. — single letters each followed by a dot.
                    let mut j = i;
                    let mut units = 0;
                    while j + 1 < end && bytes[j].is_ascii_alphabetic() && bytes[j + 1] == b'.' {
                        units += 1;
                        j += 2;
                    }
                    if units >= 2 {
                        push(out, s, j, TokKind::Word);
                        i = j;
                        continue;
                    }
                    while i < end {
                        let c = char_at(text, i, end);
                        if c.is_alphanumeric() || c == '\u{00ad}' {
                            i += c.len_utf8();
                        } else if is_apostrophe(c) {
                            // Inside a word unless it begins 's / 't (split below).
                            let rest = &text[i + c.len_utf8()..end];
                            let next = rest.chars().next();
                            let after = rest.chars().nth(1);
                            let clitic = matches!(next, Some('s' | 'S' | 't' | 'T' | 'd' | 'D' | 'm' | 'M'))
                                && !after.is_some_and(char::is_alphanumeric)
                                || rest
                                    .get(..2)
                                    .is_some_and(|two| ["ll", "re", "ve"].iter().any(|c| two.eq_ignore_ascii_case(c)))
                                    && !rest[2..].chars().next().is_some_and(char::is_alphanumeric);
                            if clitic || !next.is_some_and(char::is_alphabetic) {
                                break;
                            }
                            i += c.len_utf8();
                        } else {
                            break;
                        }
                    }
                    // "didn't": the word ends in n, the clitic is 't → did + n't
                    let word_end = i;
                    if i < end && text[i..end].starts_with(is_apostrophe) {
                        let apos = text[i..end].chars().next().expect("apostrophe").len_utf8();
                        let rest = &text[i + apos..end];
                        if (rest.starts_with('t') || rest.starts_with('T'))
                            && word_end - s >= 2
                            && matches!(bytes[word_end - 1], b'n' | b'N')
                        {
                            push(out, s, word_end - 1, TokKind::Word);
                            push(out, word_end - 1, i + apos + 1, TokKind::Word);
                            i = i + apos + 1;
                            continue;
                        }
                    }
                    push(out, s, word_end, TokKind::Word);
                    continue;
                }
                if is_apostrophe(c) {
                    // Clitics: 's 'll 're 've 'd 'm
                    let rest = &text[i + w..end];
                    let len = rest.chars().take_while(|c| c.is_alphabetic()).map(char::len_utf8).sum::<usize>();
                    let prev_is_word = out.last().is_some_and(|t| t.end as usize == i && t.kind != TokKind::Punct);
                    if prev_is_word && (1..=2).contains(&len) {
                        push(out, i, i + w + len, TokKind::Word);
                        i += w + len;
                        continue;
                    }
                }
                if c == '-' && i > range.start && i + 1 < end {
                    // Hyphen inside a word: drop it, the halves become two tokens.
                    let prev = text[..i].chars().next_back().is_some_and(char::is_alphanumeric);
                    let next = text[i + 1..].chars().next().is_some_and(char::is_alphanumeric);
                    if prev && next {
                        i += 1;
                        continue;
                    }
                }
                push(out, i, i + w, TokKind::Punct);
                i += w;
            }
        }

        fn is_abbreviation(word: &str) -> bool {
            let w = word.trim_end_matches('.');
            if w.chars().count() == 1 && w.chars().all(char::is_uppercase) {
                return true; // an initial: "George W. Bush"
            }
            if w.contains('.') {
                return true; // "U.S." kept whole by the tokenizer
            }
            ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(w))
        }

        pub(super) fn split_sentences(text: &str, tokens: &[Token], within: Range<usize>, out: &mut Vec<Range<usize>>) {
            let mut start = within.start;
            let mut i = within.start;
            while i < within.end {
                let t = tokens[i];
                let s = t.text(text);
                // "… in the U.K. The talks": the acronym took the full stop.
                if t.kind == TokKind::Word
                    && s.len() > 2
                    && s.ends_with('.')
                    && s[..s.len() - 1].contains('.')
                    && i + 1 < within.end
                {
                    let n = tokens[i + 1].text(text);
                    if SENTENCE_OPENERS.contains(&n) {
                        out.push(start..i + 1);
                        start = i + 1;
                    }
                }
                if t.kind == TokKind::Punct && is_terminal(s) {
                    let mut end = i + 1;
                    while end < within.end
                        && tokens[end].kind == TokKind::Punct
                        && (is_terminal(tokens[end].text(text)) || is_closing(tokens[end].text(text)))
                    {
                        end += 1;
                    }
                    let prev_abbrev = s == "."
                        && i > start
                        && tokens[i - 1].end == t.start
                        && tokens[i - 1].kind == TokKind::Word
                        && is_abbreviation(tokens[i - 1].text(text));
                    let next_starts = end >= within.end || {
                        let n = tokens[end].text(text);
                        let c = n.chars().next().unwrap_or(' ');
                        c.is_uppercase()
                            || c.is_ascii_digit()
                            || matches!(
                                c,
                                '"' | '\u{201c}'
                                    | '\''
                                    | '\u{2018}'
                                    | '('
                                    | '['
                                    | '\u{00ab}'
                                    | '-'
                                    | '\u{2013}'
                                    | '\u{2014}'
                            )
                    };
                    // "Jan. 14" and "Art. 107": an abbreviation followed by a number never ends.
                    if next_starts && !prev_abbrev {
                        out.push(start..end);
                        start = end;
                        i = end;
                        continue;
                    }
                    if next_starts && prev_abbrev && end < within.end {
                        // "... in the U.K. The talks": an abbreviation can end a
                        // sentence when what follows is a function word starting one.
                        let n = tokens[end].text(text);
                        let abbrev = tokens[i - 1].text(text).trim_end_matches('.');
                        let is_title = [
                            "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "sgt", "capt", "gov", "sen", "rep",
                            "amb", "pres", "st", "art", "no", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
                            "sept", "oct", "nov", "dec", "vs", "adm", "brig", "maj", "rev", "hon", "fr",
                        ]
                        .iter()
                        .any(|a| a.eq_ignore_ascii_case(abbrev));
                        let single_initial = abbrev.chars().count() == 1;
                        if !is_title && !single_initial && SENTENCE_OPENERS.contains(&n) {
                            out.push(start..end);
                            start = end;
                            i = end;
                            continue;
                        }
                    }
                }
                i += 1;
            }
            if start < within.end {
                out.push(start..within.end);
            }
        }
    }

    /// Pieces the generated texts are made of: the characters each branch
    /// of the tokenizer and splitter looks at.
    const PIECES: &[&str] = &[
        "Japan", "U.S.", "U.K.", "Mr", "Jan", "e.g", "did", "n", "s", "t", "ll", "RE", "x", "É", "é", "Ⅻ", "\u{0301}",
        "1", "1,500", "19.5", "1950s", "'", "’", "‘", "-", "–", "—", ".", "!", "?", "…", ",", ";", ":", "\"", "“", "”",
        "(", ")", "[", "»", " ", "  ", "\t", "\n", "\u{a0}", "\u{feff}", "\u{ad}", "\u{2003}", "The", "It", "a", "_",
        "😀",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]
        #[test]
        fn tokens_and_sentences_agree_with_the_reference(
            pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..24),
            cut in 0usize..4,
        ) {
            let text = pieces.concat();
            // Tokenize from a later start too (the hyphen rule looks before it).
            let start = text.char_indices().nth(cut).map_or(0, |(i, _)| i);
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            tokenize(&text, start..text.len(), &mut fast);
            reference::tokenize(&text, start..text.len(), &mut slow);
            assert_eq!(fast, slow, "{text:?}");
            let (mut fast_s, mut slow_s) = (Vec::new(), Vec::new());
            split_sentences(&text, &fast, 0..fast.len(), &mut fast_s);
            reference::split_sentences(&text, &slow, 0..slow.len(), &mut slow_s);
            assert_eq!(fast_s, slow_s, "{text:?}");
        }
    }
}
