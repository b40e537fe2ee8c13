//! Metadata from the text itself: the headline, the dateline (date and
//! place), and boilerplate lines that are not part of the article.
//!
//! The dateline, date and share-line forms are read by small hand-written
//! parsers, one per form. Each one's comment gives the regular expression
//! whose language it accepts and whose match (leftmost-first, as the
//! `regex` crate finds it) it returns; the tests hold each parser to its
//! expression on tables of edge cases and on generated lines. As compiled
//! regexes they cost ~80 M instructions to build in every process and
//! thousands per line to run; as parsers, a few hundred per document.

use std::ops::Range;
use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;
use serde::Serialize;

/// A span of the document left out of coding, and why.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Dropped {
    pub span: Range<usize>,
    pub reason: &'static str,
}

/// What the text says about itself.
#[derive(Clone, Debug, Default, Serialize)]
pub struct TextMeta {
    /// The headline line, when the document opens with one.
    pub headline: Option<Range<usize>>,
    pub date: Option<NaiveDate>,
    pub place: Option<String>,
    /// The dateline prefix ("MOSCOW, Jan. 14 (Reuters) -"), not coded.
    pub dateline: Option<Range<usize>>,
    pub agency: Option<String>,
}

fn month_number(m: &str) -> Option<u32> {
    let m = m.trim_end_matches('.').to_ascii_lowercase();
    let names = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    names.iter().position(|n| m.starts_with(n)).map(|i| i as u32 + 1)
}

// ---- Character classes as the `regex` crate defines them (Unicode mode).

/// One character class asked of a compiled regex, for the rare characters
/// the fast tests below cannot decide; compiled the first time one turns up.
fn in_class(class: &Regex, c: char) -> bool {
    class.is_match(c.encode_utf8(&mut [0; 4]))
}

static LETTER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\p{L}").expect("letter class"));
static WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\w").expect("word class"));

/// `\p{L}` (general category Letter).
pub(crate) fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    // Every letter is Alphabetic. Up to U+024F (Latin-1 and Latin
    // Extended) the converse holds too; beyond, Alphabetic also has letter
    // numbers and combining marks that are not letters (and `char` may
    // know a newer Unicode than the regex crate's tables).
    c.is_alphabetic() && (c <= '\u{024f}' || in_class(&LETTER, c))
}

/// `\w` (Alphabetic, marks, decimal digits, connector punctuation, joiners).
fn is_word_char(c: char) -> bool {
    match c {
        '\0'..='\u{7f}' => c.is_ascii_alphanumeric() || c == '_',
        // Latin-1 and Latin Extended, and General Punctuation (dashes,
        // quotes, ellipsis): the usual non-ASCII characters in news text.
        '\u{80}'..='\u{24f}' => c.is_alphabetic(),
        '\u{2000}'..='\u{206f}' => matches!(c, '\u{200c}' | '\u{200d}' | '\u{203f}' | '\u{2040}' | '\u{2054}'),
        _ => in_class(&WORD, c),
    }
}

// ---- Scanning: positions are byte offsets into one line, always at
// character boundaries.

/// The character at `i`, if any.
#[inline]
fn char_at(s: &str, i: usize) -> Option<char> {
    match s.as_bytes().get(i) {
        Some(&b) if b < 0x80 => Some(b as char),
        Some(_) => s[i..].chars().next(),
        None => None,
    }
}

fn byte_is(s: &str, i: usize, b: u8) -> bool {
    s.as_bytes().get(i) == Some(&b)
}

/// The end of the run of characters satisfying `f` from `i`.
fn scan_while(s: &str, mut i: usize, f: impl Fn(char) -> bool) -> usize {
    while let Some(c) = char_at(s, i) {
        if !f(c) {
            break;
        }
        i += c.len_utf8();
    }
    i
}

/// The end of the white space from `i` (`\s*`: Unicode White_Space, which
/// is what `char::is_whitespace` tests).
pub(crate) fn skip_space(s: &str, i: usize) -> usize {
    scan_while(s, i, char::is_whitespace)
}

/// How many ASCII digits (`[0-9]`) start at `i`.
fn digits_at(s: &str, i: usize) -> usize {
    s.as_bytes().get(i..).map_or(0, |b| b.iter().take_while(|b| b.is_ascii_digit()).count())
}

/// `\b` at `i` where the character at `i` is a word character: the one
/// before is not.
fn word_starts(s: &str, i: usize) -> bool {
    !s[..i].chars().next_back().is_some_and(is_word_char)
}

/// `\b` at `i` where the character before `i` is a word character: the
/// one at `i` is not.
fn word_ends(s: &str, i: usize) -> bool {
    !char_at(s, i).is_some_and(is_word_char)
}

/// The month names of `(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)`
/// that start with `abbr`, in the order that pattern tries them.
fn month_names(abbr: &[u8]) -> &'static [&'static str] {
    match abbr {
        b"Jan" => &["January", "Jan"],
        b"Feb" => &["February", "Feb"],
        b"Mar" => &["March", "Mar"],
        b"Apr" => &["April", "Apr"],
        b"May" => &["May"],
        b"Jun" => &["June", "Jun"],
        b"Jul" => &["July", "Jul"],
        b"Aug" => &["August", "Aug"],
        b"Sep" => &["September", "Sept", "Sep"],
        b"Oct" => &["October", "Oct"],
        b"Nov" => &["November", "Nov"],
        b"Dec" => &["December", "Dec"],
        _ => &[],
    }
}

/// The ends of the month names at `i`, in the order the pattern tries them.
fn months_at(s: &str, i: usize) -> impl Iterator<Item = usize> + '_ {
    let rest = &s[i..];
    let names = rest.as_bytes().get(..3).map_or(&[][..], month_names);
    names.iter().filter(move |m| rest.starts_with(*m)).map(move |m| i + m.len())
}

/// The ends of `[0-9]{1,2}` at `i`, longest first.
fn days_at(s: &str, i: usize) -> impl Iterator<Item = usize> {
    (i + 1..=i + digits_at(s, i).min(2)).rev()
}

/// After `\.?` at `i` (a dot is taken when there is one: what follows
/// never starts with a dot).
fn after_dot(s: &str, i: usize) -> usize {
    i + usize::from(byte_is(s, i, b'.'))
}

/// After `,?` at `i`, likewise.
fn after_comma(s: &str, i: usize) -> usize {
    i + usize::from(byte_is(s, i, b','))
}

// A note on white space: every `\s*` and `\s+` in these patterns is
// followed by something that cannot start with white space, so the
// longest run is the only one that can lead to a match, and the parsers
// take it without trying shorter ones.

/// A date as matched: byte ranges of its month name, day and year.
#[derive(Clone, Debug, PartialEq, Eq)]
struct DateMatch {
    month: Range<usize>,
    day: Range<usize>,
    year: Option<Range<usize>>,
}

impl DateMatch {
    fn date(&self, s: &str, year_hint: Option<i32>) -> Option<NaiveDate> {
        let y = self.year.as_ref().and_then(|y| s[y.clone()].parse().ok()).or(year_hint)?;
        ymd(&y.to_string(), &s[self.month.clone()], &s[self.day.clone()])
    }
}

/// "…, Moscow, January 14, 2019" at the end of a headline: the place and
/// the date of
/// `,\s*(?P<place>[A-Z][\p{L}.'’ -]{1,40}?),\s*(?P<month>MONTHS)\.?\s+(?P<day>[0-9]{1,2}),\s*(?P<year>[0-9]{4})\s*$`.
fn headline_tail(line: &str) -> Option<(Range<usize>, DateMatch)> {
    // The match starts at the leftmost comma that leads to one.
    for (comma, _) in line.match_indices(',') {
        let start = skip_space(line, comma + 1);
        if !char_at(line, start).is_some_and(|c| c.is_ascii_uppercase()) {
            continue;
        }
        // The place, lazily: the shortest that the rest accepts.
        let mut end = start + 1;
        for _ in 0..40 {
            match char_at(line, end) {
                Some(c) if is_letter(c) || matches!(c, '.' | '\'' | '’' | ' ' | '-') => end += c.len_utf8(),
                _ => break,
            }
            if byte_is(line, end, b',') {
                if let Some(date) = headline_date(line, end + 1) {
                    return Some((start..end, date));
                }
            }
        }
    }
    None
}

/// `\s*MONTH\.?\s+DAY,\s*YEAR\s*$` at `i`.
fn headline_date(line: &str, i: usize) -> Option<DateMatch> {
    let m = skip_space(line, i);
    for month_end in months_at(line, m) {
        let d = skip_space(line, after_dot(line, month_end));
        if d == after_dot(line, month_end) {
            continue;
        }
        for day_end in days_at(line, d) {
            if !byte_is(line, day_end, b',') {
                continue;
            }
            let y = skip_space(line, day_end + 1);
            if digits_at(line, y) >= 4 && skip_space(line, y + 4) == line.len() {
                return Some(DateMatch { month: m..month_end, day: d..day_end, year: Some(y..y + 4) });
            }
        }
    }
    None
}

/// The longest agency name a dateline's parentheses hold.
const AGENCY_MAX_CHARS: usize = 31;

/// A wire dateline as matched: byte ranges into its line.
#[derive(Clone, Debug, PartialEq, Eq)]
struct WireMatch {
    place: Range<usize>,
    date: Option<DateMatch>,
    agency: Option<Range<usize>>,
    /// The end of the whole match (after the white space that follows the dash).
    end: usize,
}

/// "MOSCOW, Jan. 14 (Reuters) - " at the start of a line: the match of
/// `^\s*(?P<place>[A-Z][A-Z.'’ -]{1,40}?)(?:,\s*[A-Z][\p{L}.]+)?\s*,?\s*(?:\(?(?P<month>MONTHS)\.?\s+(?P<day>[0-9]{1,2})(?:,?\s*(?P<year>[0-9]{4}))?\)?)?\s*(?:\((?P<agency>[A-Za-z][\w .&-]*)\))?\s*(?:[-–—]+|:)\s+`.
/// The agency's length is checked by the caller, not by a bounded repeat.
fn wire_dateline(line: &str) -> Option<WireMatch> {
    let start = skip_space(line, 0);
    if !char_at(line, start).is_some_and(|c| c.is_ascii_uppercase()) {
        return None;
    }
    // The place, lazily: the shortest that the rest accepts.
    let mut end = start + 1;
    for _ in 0..40 {
        match char_at(line, end) {
            Some(c) if c.is_ascii_uppercase() || matches!(c, '.' | '\'' | '’' | ' ' | '-') => end += c.len_utf8(),
            _ => return None,
        }
        if let Some((date, agency, match_end)) = wire_after_place(line, end) {
            return Some(WireMatch { place: start..end, date, agency, end: match_end });
        }
    }
    None
}

type WireRest = (Option<DateMatch>, Option<Range<usize>>, usize);

/// `(?:,\s*[A-Z][\p{L}.]+)?` (a region: "WASHINGTON, D.C.") then the rest, at `i`.
fn wire_after_place(line: &str, i: usize) -> Option<WireRest> {
    if byte_is(line, i, b',') {
        let r = skip_space(line, i + 1);
        if char_at(line, r).is_some_and(|c| c.is_ascii_uppercase()) {
            let first = r + 1;
            let run_end = scan_while(line, first, |c| is_letter(c) || c == '.');
            // Greedy: the whole run first, then one character shorter, …
            if run_end > first {
                if let Some(rest) = wire_after_region(line, run_end) {
                    return Some(rest);
                }
                for (k, _) in line[first..run_end].char_indices().rev() {
                    if k == 0 {
                        break;
                    }
                    if let Some(rest) = wire_after_region(line, first + k) {
                        return Some(rest);
                    }
                }
            }
        }
    }
    // … and then without the region.
    wire_after_region(line, i)
}

/// `\s*,?\s*(?:\(?MONTH\.?\s+DAY(?:,?\s*YEAR)?\)?)?` then the tail, at `i`.
fn wire_after_region(line: &str, i: usize) -> Option<WireRest> {
    let at = skip_space(line, after_comma(line, skip_space(line, i)));
    // The date, tried before going without it; `\(?` and `\)?` take their
    // parenthesis when there is one (nothing after them starts with one).
    let m = at + usize::from(byte_is(line, at, b'('));
    for month_end in months_at(line, m) {
        let dot = after_dot(line, month_end);
        let d = skip_space(line, dot);
        if d == dot {
            continue;
        }
        for day_end in days_at(line, d) {
            let y = skip_space(line, after_comma(line, day_end));
            if digits_at(line, y) >= 4 {
                let close = y + 4 + usize::from(byte_is(line, y + 4, b')'));
                if let Some((agency, end)) = wire_tail(line, close) {
                    return Some((
                        Some(DateMatch { month: m..month_end, day: d..day_end, year: Some(y..y + 4) }),
                        agency,
                        end,
                    ));
                }
            }
            let close = day_end + usize::from(byte_is(line, day_end, b')'));
            if let Some((agency, end)) = wire_tail(line, close) {
                return Some((Some(DateMatch { month: m..month_end, day: d..day_end, year: None }), agency, end));
            }
        }
    }
    wire_tail(line, at).map(|(agency, end)| (None, agency, end))
}

/// `\s*(?:\((?P<agency>[A-Za-z][\w .&-]*)\))?\s*(?:[-–—]+|:)\s+` at `i`:
/// the agency and the end of the match.
fn wire_tail(line: &str, i: usize) -> Option<(Option<Range<usize>>, usize)> {
    let at = skip_space(line, i);
    let mut agency = None;
    let mut p = at;
    if byte_is(line, at, b'(') && line.as_bytes().get(at + 1).is_some_and(u8::is_ascii_alphabetic) {
        let end = scan_while(line, at + 2, |c| is_word_char(c) || matches!(c, ' ' | '.' | '&' | '-'));
        if byte_is(line, end, b')') {
            agency = Some(at + 1..end);
            p = skip_space(line, end + 1);
        }
    }
    let dash_start = p;
    while let Some(c @ ('-' | '–' | '—')) = char_at(line, p) {
        p += c.len_utf8();
    }
    if p == dash_start {
        if !byte_is(line, p, b':') {
            return None;
        }
        p += 1;
    }
    let end = skip_space(line, p);
    (end > p).then_some((agency, end))
}

/// "January 14, 2019" or "14 January 2019" anywhere: the leftmost match of
/// `\b(?:(?P<month>MONTHS)\.?\s+(?P<day>[0-9]{1,2}),?\s+(?P<year>[0-9]{4})|(?P<day2>[0-9]{1,2})\s+(?P<month2>MONTHS)\.?,?\s+(?P<year2>[0-9]{4}))\b`.
fn any_date(line: &str) -> Option<DateMatch> {
    let bytes = line.as_bytes();
    for (s, b) in bytes.iter().enumerate() {
        if !(b.is_ascii_uppercase() || b.is_ascii_digit()) || !word_starts(line, s) {
            continue;
        }
        for month_end in months_at(line, s) {
            let dot = after_dot(line, month_end);
            let d = skip_space(line, dot);
            if d == dot {
                continue;
            }
            for day_end in days_at(line, d) {
                let comma = after_comma(line, day_end);
                let y = skip_space(line, comma);
                if y > comma && digits_at(line, y) >= 4 && word_ends(line, y + 4) {
                    return Some(DateMatch { month: s..month_end, day: d..day_end, year: Some(y..y + 4) });
                }
            }
        }
        for day_end in days_at(line, s) {
            let m = skip_space(line, day_end);
            if m == day_end {
                continue;
            }
            for month_end in months_at(line, m) {
                let comma = after_comma(line, after_dot(line, month_end));
                let y = skip_space(line, comma);
                if y > comma && digits_at(line, y) >= 4 && word_ends(line, y + 4) {
                    return Some(DateMatch { month: m..month_end, day: s..day_end, year: Some(y..y + 4) });
                }
            }
        }
    }
    None
}

/// "2019-01-14" anywhere: the leftmost match of
/// `\b(?P<y>(?:19|20)[0-9]{2})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})\b`, as
/// (year, month, day) text.
fn iso_date(line: &str) -> Option<(&str, &str, &str)> {
    let b = line.as_bytes();
    (0..b.len().saturating_sub(9)).find_map(|s| {
        let shape =
            (b[s..s + 10].iter().enumerate())
                .all(|(k, &c)| if k == 4 || k == 7 { c == b'-' } else { c.is_ascii_digit() });
        let century = matches!(&b[s..s + 2], b"19" | b"20");
        (shape && century && word_starts(line, s) && word_ends(line, s + 10))
            .then(|| (&line[s..s + 4], &line[s + 5..s + 7], &line[s + 8..s + 10]))
    })
}

/// The openings of a share or navigation line, every form of
/// `share( this)?|tweet|print|email|e-mail|subscribe|follow us|related( articles| posts| stories| news)?|read more|read also|see also|advertisement|sign up|log ?in|tags?|categories|posted in|comments?|leave a (comment|reply)|click here|back to top|home|menu|you may also like|recommended|more from|cookie|skip to content`.
const CHROME_OPENINGS: &[&str] = &[
    "share", "share this", "tweet", "print", "email", "e-mail", "subscribe", "follow us", "related",
    "related articles", "related posts", "related stories", "related news", "read more", "read also", "see also",
    "advertisement", "sign up", "login", "log in", "tag", "tags", "categories", "posted in", "comment", "comments",
    "leave a comment", "leave a reply", "click here", "back to top", "home", "menu", "you may also like",
    "recommended", "more from", "cookie", "skip to content",
];

/// A share or navigation line: the language of
/// `(?i)^\s*(OPENINGS)\b[^.!?]{0,60}$`.
fn is_chrome(line: &str) -> bool {
    let start = skip_space(line, 0);
    // Only the openings with the line's first letter can match.
    let first = match char_at(line, start) {
        Some(c) if c.is_ascii() => c.to_ascii_lowercase(),
        Some('\u{212a}') => 'k',
        Some('\u{017f}') => 's',
        _ => return false,
    };
    CHROME_OPENINGS.iter().filter(|o| o.starts_with(first)).any(|opening| {
        starts_with_ignore_case(&line[start..], opening).is_some_and(|n| {
            let rest = &line[start + n..];
            word_ends(rest, 0) && !rest.contains(['.', '!', '?']) && rest.chars().count() <= 60
        })
    })
}

/// The length of the prefix of `s` that equals `lower` (lowercase ASCII)
/// case-insensitively as `(?i)` reads it, with Unicode simple case folding:
/// the Kelvin sign is a `k` and the long s an `s`.
fn starts_with_ignore_case(s: &str, lower: &str) -> Option<usize> {
    let mut n = 0;
    for want in lower.chars() {
        let c = char_at(s, n)?;
        let same =
            c.to_ascii_lowercase() == want || (want == 'k' && c == '\u{212a}') || (want == 's' && c == '\u{017f}');
        if !same {
            return None;
        }
        n += c.len_utf8();
    }
    Some(n)
}

fn ymd(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y.parse().ok()?, month_number(m)?, d.parse().ok()?)
}

fn ends_sentence(line: &str) -> bool {
    let t = line.trim_end();
    t.ends_with(['.', '!', '?', '"', '\u{201d}', ')', ':', '\u{2026}', ';'])
}

/// `ANY_DATE` and `ISO` need four digits in a row (`[0-9]{4}`).
fn has_four_digits(line: &str) -> bool {
    line.as_bytes().windows(4).any(|w| w.iter().all(u8::is_ascii_digit))
}

/// Paragraph lines of the text: (range without the line break).
pub fn lines(text: &str) -> Vec<Range<usize>> {
    let mut v = Vec::new();
    let mut start = 0;
    loop {
        let end = next_newline(text.as_bytes(), start).unwrap_or(text.len());
        let line = &text[start..end];
        let trimmed = line.trim_start();
        let lead = line.len() - trimmed.len();
        let trimmed = trimmed.trim_end();
        if !trimmed.is_empty() {
            v.push(start + lead..start + lead + trimmed.len());
        }
        if end == text.len() {
            return v;
        }
        start = end + 1;
    }
}

/// The first `\n` in `bytes` from `from`, eight bytes at a time: a word
/// XORed with eight newlines has a zero byte where a newline was, and
/// `(w - 0x01…01) & !w & 0x80…80` marks the lowest zero byte (and maybe
/// some above it, which the lowest set bit ignores).
fn next_newline(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let w = u64::from_le_bytes(chunk.try_into().expect("eight bytes")) ^ (ONES * u64::from(b'\n'));
        let zeros = w.wrapping_sub(ONES) & !w & HIGHS;
        if zeros != 0 {
            return Some(i + zeros.trailing_zeros() as usize / 8);
        }
        i += 8;
    }
    bytes[i.min(bytes.len())..].iter().position(|&b| b == b'\n').map(|k| i + k)
}

/// What [`read_document`] finds.
#[derive(Clone, Debug, Default)]
pub struct Reading {
    pub meta: TextMeta,
    /// Dropped lines, in text order.
    pub dropped: Vec<Dropped>,
    /// The paragraph [`lines`] that were not dropped.
    pub lines: Vec<Range<usize>>,
}

/// Finds headline, dateline, date, place and boilerplate in `text`.
/// `year_hint` completes a wire dateline that has no year.
pub fn read(text: &str, year_hint: Option<i32>) -> (TextMeta, Vec<Dropped>) {
    let r = read_document(text, year_hint);
    (r.meta, r.dropped)
}

/// [`read`], also keeping the lines left to code.
pub fn read_document(text: &str, year_hint: Option<i32>) -> Reading {
    let mut ls = lines(text);
    let mut meta = TextMeta::default();
    let mut dropped = Vec::new();
    // Navigation and share lines anywhere.
    for r in &ls {
        let line = &text[r.clone()];
        if line.len() < 80 && is_chrome(line) {
            dropped.push(Dropped { span: r.clone(), reason: "navigation or share line" });
        }
    }
    // Trailing lines after the last paragraph that ends a sentence: a
    // scraped page's sidebar ("The Essential Saker IV: …").
    if let Some(last_prose) = ls.iter().rposition(|r| ends_sentence(&text[r.clone()]) && text[r.clone()].len() > 60) {
        for r in &ls[last_prose + 1..] {
            if !ends_sentence(&text[r.clone()]) && !dropped.iter().any(|d| d.span == *r) {
                dropped.push(Dropped { span: r.clone(), reason: "trailing lines after the article" });
            }
        }
    }
    if !dropped.is_empty() {
        ls.retain(|r| !dropped.iter().any(|d| d.span == *r));
    }
    let body = &ls;
    if let Some(first) = body.first() {
        let line = &text[first.clone()];
        let is_headline = body.len() > 1 && !ends_sentence(line) && line.len() < 400;
        if is_headline {
            meta.headline = Some(first.clone());
            if let Some((place, date)) = headline_tail(line) {
                meta.place = Some(line[place].trim().to_string());
                meta.date = date.date(line, None);
            }
        }
        // A wire dateline on the first prose line.
        let prose = if is_headline { body.get(1) } else { Some(first) };
        if let Some(r) = prose {
            let line = &text[r.clone()];
            if let Some(m) = wire_dateline(line) {
                let place = line[m.place.clone()].trim();
                let words_upper =
                    place.split_whitespace().all(|w| w.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase));
                let agency_ok = m.agency.as_ref().is_none_or(|a| line[a.clone()].chars().count() <= AGENCY_MAX_CHARS);
                if agency_ok && words_upper && place.chars().filter(|c| c.is_alphabetic()).count() >= 3 {
                    meta.dateline = Some(r.start..r.start + m.end);
                    meta.place = Some(title_case(place));
                    meta.agency = m.agency.map(|a| line[a].to_string());
                    if let Some(d) = &m.date {
                        meta.date = meta.date.or_else(|| d.date(line, year_hint));
                    }
                }
            }
        }
        // Otherwise any full date in the first lines.
        if meta.date.is_none() {
            for r in body.iter().take(3) {
                let line = &text[r.clone()];
                if !has_four_digits(line) {
                    continue;
                }
                if let Some(d) = any_date(line) {
                    meta.date = d.date(line, None);
                } else if let Some((y, m, d)) = iso_date(line) {
                    meta.date =
                        NaiveDate::from_ymd_opt(y.parse().unwrap_or(0), m.parse().unwrap_or(0), d.parse().unwrap_or(0));
                }
                if meta.date.is_some() {
                    break;
                }
            }
        }
    }
    dropped.sort_by_key(|d| d.span.start);
    Reading { meta, dropped, lines: ls }
}

fn title_case(s: &str) -> String {
    s.split_whitespace()
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(f) => f.to_uppercase().chain(cs.flat_map(char::to_lowercase)).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn headline_dateline() {
        let t = "Remarks by the Minister at talks with the Foreign Minister of Ruritania, Moscow, January 14, 2019\n\nText of the remarks follows here at some length, long enough to be prose.\nBook One: a title\nBook Two: another";
        let (m, d) = read(t, None);
        assert_eq!(m.date, NaiveDate::from_ymd_opt(2019, 1, 14));
        assert_eq!(m.place.as_deref(), Some("Moscow"));
        assert_eq!(&t[m.headline.clone().unwrap()][..10], "Remarks by");
        assert_eq!(d.len(), 2);
        assert!(d.iter().all(|d| d.reason.starts_with("trailing")));
    }

    #[test]
    fn wire_datelines() {
        let t = "MOSCOW, Jan. 14 (Reuters) - Russia said on Monday it would continue talks.";
        let (m, _) = read(t, Some(2019));
        assert_eq!(m.date, NaiveDate::from_ymd_opt(2019, 1, 14));
        assert_eq!(m.place.as_deref(), Some("Moscow"));
        assert_eq!(m.agency.as_deref(), Some("Reuters"));
        assert_eq!(&t[m.dateline.unwrap()], "MOSCOW, Jan. 14 (Reuters) - ");
        let (m, _) = read("UNITED NATIONS (AP) — The council met.", None);
        assert_eq!(m.place.as_deref(), Some("United Nations"));
        assert_eq!(m.date, None);
        let (m, _) = read("Japan protested on 3 March 2021 against the move, officials said.", None);
        assert_eq!(m.date, NaiveDate::from_ymd_opt(2021, 3, 3));
        assert_eq!(m.dateline, None);
    }

    #[test]
    fn dateline_agencies_are_unicode_words_of_at_most_31_characters() {
        let (m, _) = read("BUENOS AIRES, Jan 5 (Télam) - Argentina said it would vote.", Some(2020));
        assert_eq!(m.agency.as_deref(), Some("Télam"));
        let ok = format!("PARIS ({}) - France said it would vote.", "A".repeat(31));
        assert_eq!(read(&ok, None).0.agency.map(|a| a.len()), Some(31));
        let long = format!("PARIS ({}) - France said it would vote.", "A".repeat(32));
        let (m, _) = read(&long, None);
        assert_eq!((m.dateline, m.agency), (None, None));
        // Characters, not bytes: 31 two-byte letters are fine.
        let ok = format!("PARIS (T{}) - France said it would vote.", "é".repeat(30));
        assert_eq!(read(&ok, None).0.agency.map(|a| a.chars().count()), Some(31));
        let long = format!("PARIS (T{}) - France said it would vote.", "é".repeat(31));
        assert_eq!(read(&long, None).0.agency, None);
        // `\w` is Unicode: digits of other scripts, marks and joiners too.
        let (m, _) = read("DELHI (PTI\u{0966}\u{0301}_x\u{200d}) - India said it would vote.", None);
        assert_eq!(m.agency.as_deref(), Some("PTI\u{0966}\u{0301}_x\u{200d}"));
        assert_eq!(read("DELHI (PTI²) - India said it would vote.", None).0.agency, None);
    }

    #[test]
    fn dates_in_every_accepted_form() {
        let date = |line: &str, hint| read(line, hint).0.date.map(|d| d.to_string());
        let cases: &[(&str, Option<i32>, Option<&str>)] = &[
            ("MOSCOW, Jan. 14 (Reuters) - Talks went on.", Some(2019), Some("2019-01-14")),
            ("MOSCOW, January 14, 2019 (Reuters) - Talks went on.", None, Some("2019-01-14")),
            ("MOSCOW, Jan 14 2019 - Talks went on.", None, Some("2019-01-14")),
            ("MOSCOW (Jan 14) - Talks went on.", Some(2020), Some("2020-01-14")),
            ("MOSCOW, Russia, Sept. 3 (AP) - Talks went on.", Some(2020), Some("2020-09-03")),
            ("WASHINGTON, D.C., Sep 3: Talks went on.", Some(2020), Some("2020-09-03")),
            ("MOSCOW, Jan 14 (Reuters) - Talks went on.", None, None),
            ("Talks went on on 14 January 2019, officials said.", None, Some("2019-01-14")),
            ("Talks went on on 14 Jan., 2019, officials said.", None, Some("2019-01-14")),
            ("Talks went on on June 4, 2019, officials said.", None, Some("2019-06-04")),
            ("Talks went on on June 4,  2019 officials said.", None, Some("2019-06-04")),
            ("Talks went on on June 4 20195, officials said.", None, None),
            ("Talks went on on June 44, 2019, officials said.", None, None),
            ("Talks went on on xJune 4, 2019, officials said.", None, None),
            ("Talks went on on éJune 4, 2019, officials said.", None, None),
            ("Talks went on on February 30, 2019, officials said.", None, None),
            ("Talks went on (2019-01-14), officials said.", None, Some("2019-01-14")),
            ("Talks went on 2019-01-14T10:00, officials said.", None, None),
            ("Talks went on 2019-01-14 10:00, officials said.", None, Some("2019-01-14")),
            ("Talks went on 2019-01-145, officials said.", None, None),
            ("Talks went on 1819-01-14, officials said.", None, None),
            ("Talks went on 2019-13-14, officials said.", None, None),
        ];
        for (line, hint, want) in cases {
            assert_eq!(date(line, *hint).as_deref(), *want, "{line}");
        }
    }

    #[test]
    fn lines_are_trimmed_and_non_empty() {
        let text =
            "  Headline here \r\n\n\t\nFirst paragraph, long enough to cross eight bytes.\n\u{a0}Second\u{a0}\n\nlast";
        let got: Vec<&str> = lines(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(got, ["Headline here", "First paragraph, long enough to cross eight bytes.", "Second", "last"]);
        assert!(lines("").is_empty() && lines("\n\n \n").is_empty());
        for n in 0..40 {
            let text = format!("{}\n{}", "x".repeat(n), "y".repeat(n % 9));
            let want: Vec<&str> = text.split('\n').filter(|l| !l.is_empty()).collect();
            let got: Vec<&str> = lines(&text).into_iter().map(|r| &text[r]).collect();
            assert_eq!(got, want);
        }
    }

    #[test]
    fn month_names_are_the_patterns_in_its_order() {
        let all: Vec<&str> = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            .iter()
            .flat_map(|a| month_names(a.as_bytes()).iter().copied())
            .collect();
        let alternation = Regex::new(&format!("^(?:{MONTHS})")).unwrap();
        for name in &all {
            // Each name is a whole match of the alternation, and where two
            // start alike the longer comes first, as greedy `?` tries it.
            assert_eq!(alternation.find(name).map(|m| m.as_str()), Some(*name));
        }
        assert_eq!(all.len(), 24);
        assert!(all.windows(2).all(|w| !w[1].starts_with(w[0])));
    }

    #[test]
    fn share_lines_are_dropped() {
        let (_, d) = read("Share this:\nJapan protested against the move on Monday, officials said.\nTweet", None);
        assert_eq!(d.len(), 2);
        for line in
            ["LOG IN", "log in to comment", "Related stories: more", "\u{212a}ategory", "Tags: Russia, Japan", "ſhare"]
        {
            assert_eq!(is_chrome(line), line != "\u{212a}ategory", "{line}");
        }
        for line in ["Sharing is caring", "Print this page.", "Home of the brave!"] {
            assert!(!is_chrome(line), "{line}");
        }
    }

    // The parsers against the expressions they implement, compiled with
    // the `regex` crate.

    const MONTHS: &str = "(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)";

    static HEADLINE_TAIL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(r",\s*(?P<place>[A-Z][\p{{L}}.'’ -]{{1,40}}?),\s*(?P<month>{MONTHS})\.?\s+(?P<day>[0-9]{{1,2}}),\s*(?P<year>[0-9]{{4}})\s*$")).unwrap()
    });
    static WIRE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(
            r"^\s*(?P<place>[A-Z][A-Z.'’ -]{{1,40}}?)(?:,\s*[A-Z][\p{{L}}.]+)?\s*,?\s*(?:\(?(?P<month>{MONTHS})\.?\s+(?P<day>[0-9]{{1,2}})(?:,?\s*(?P<year>[0-9]{{4}}))?\)?)?\s*(?:\((?P<agency>[A-Za-z][\w .&-]*)\))?\s*(?:[-–—]+|:)\s+"
        ))
        .unwrap()
    });
    static ANY_DATE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(
            r"\b(?:(?P<month>{MONTHS})\.?\s+(?P<day>[0-9]{{1,2}}),?\s+(?P<year>[0-9]{{4}})|(?P<day2>[0-9]{{1,2}})\s+(?P<month2>{MONTHS})\.?,?\s+(?P<year2>[0-9]{{4}}))\b"
        ))
        .unwrap()
    });
    static ISO: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\b(?P<y>(?:19|20)[0-9]{2})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})\b").unwrap());
    static CHROME: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)^\s*(share( this)?|tweet|print|email|e-mail|subscribe|follow us|related( articles| posts| stories| news)?|read more|read also|see also|advertisement|sign up|log ?in|tags?|categories|posted in|comments?|leave a (comment|reply)|click here|back to top|home|menu|you may also like|recommended|more from|cookie|skip to content)\b[^.!?]{0,60}$",
        )
        .unwrap()
    });

    fn range(m: Option<regex::Match<'_>>) -> Option<Range<usize>> {
        m.map(|m| m.range())
    }

    fn agree(line: &str) {
        let want = HEADLINE_TAIL.captures(line).map(|c| {
            (
                c["place"].len(),
                DateMatch {
                    month: range(c.name("month")).unwrap(),
                    day: range(c.name("day")).unwrap(),
                    year: range(c.name("year")),
                },
            )
        });
        let got = headline_tail(line).map(|(p, d)| (p.len(), d));
        assert_eq!(got, want, "headline tail of {line:?}");
        if let Some((place, _)) = headline_tail(line) {
            assert_eq!(Some(&line[place]), HEADLINE_TAIL.captures(line).map(|c| c.name("place").unwrap().as_str()));
        }

        let want = WIRE.captures(line).map(|c| WireMatch {
            place: range(c.name("place")).unwrap(),
            date: c.name("month").map(|m| DateMatch {
                month: m.range(),
                day: range(c.name("day")).unwrap(),
                year: range(c.name("year")),
            }),
            agency: range(c.name("agency")),
            end: c.get(0).unwrap().end(),
        });
        assert_eq!(wire_dateline(line), want, "wire dateline of {line:?}");

        let want = ANY_DATE.captures(line).map(|c| match c.name("month") {
            Some(m) => DateMatch { month: m.range(), day: range(c.name("day")).unwrap(), year: range(c.name("year")) },
            None => DateMatch {
                month: range(c.name("month2")).unwrap(),
                day: range(c.name("day2")).unwrap(),
                year: range(c.name("year2")),
            },
        });
        assert_eq!(any_date(line), want, "date of {line:?}");

        let want = ISO
            .captures(line)
            .map(|c| (c.name("y").unwrap().as_str(), c.name("m").unwrap().as_str(), c.name("d").unwrap().as_str()));
        assert_eq!(iso_date(line), want, "ISO date of {line:?}");

        assert_eq!(is_chrome(line), CHROME.is_match(line), "share line {line:?}");
    }

    #[test]
    fn parsers_agree_with_their_expressions_on_edge_cases() {
        let lines = [
            "Remarks by the Minister, Moscow, January 14, 2019",
            "Remarks, by the Minister, Moscow, January 14, 2019  ",
            "Remarks by the Minister,Moscow,January 14,2019",
            "Talks, Addis Ababa, Sept. 3, 2020",
            "Talks, São Tomé, Sep 3, 2020",
            "Talks, Xⅻ, Sep 3, 2020",
            "Talks, AB, Sep 3, 2020 x",
            "Talks, O’Neill-Town, Dec  31,   1999\t",
            "Talks, A, May 1, 2020",
            "MOSCOW, Jan. 14 (Reuters) - Russia said.",
            "MOSCOW, Jan 12019 (Reuters) - Russia said.",
            "MOSCOW (Jan 14) x - y",
            "MOSCOW, RussiaJan 14 - y",
            "MOSCOW, D.C.Jan 14 - y",
            "UNITED NATIONS (AP) — The council met.",
            "UNITED NATIONS  (AP) —— The council met.",
            "U.N. : x",
            "  KYIV, Ukraine (Ukrinform) -- Talks.",
            "KYIV, Ukraine(Ukrinform)-Talks.",
            "O'HARE, Feb 2, 2020, (AP) - x",
            "ABC (Jan. 2, 2020) - x",
            "ABC (X_Y & Z. co-op) : x",
            "ABC (Télam) - x",
            "ABC (T\u{0301}) - x",
            "ABC -x",
            "MOSCOW, Jan. 14",
            "14 January 2019 and January 15, 2019",
            "On 1 Sept. 2019, x",
            "On 1 Sept., 2019, x",
            "On 1 Sept.,2019, x",
            "Jan 1, 20190",
            "_Jan 1, 2019",
            "Ⅻ1 May 2019",
            "2019-01-14 and 2020-02-15",
            "x2019-01-14",
            "2019-01-14_",
            "Share this",
            "share this story: on Facebook",
            "SHARE THIS.",
            "Loggin",
            "log  in",
            "comments (3)",
            "Leave a reply",
            "Leave a repl",
            "Follow us on Twitter and Facebook and Instagram and everywhere else too",
            "Home\u{00a0}",
            "tags\u{200d}",
            "",
        ];
        for line in lines {
            agree(line);
        }
    }

    /// Pieces the generated lines are made of: the patterns' literals and
    /// the characters at the edges of their classes.
    const PIECES: &[&str] = &[
        "MOSCOW", "Moscow", "UN", "D.C.", "Russia", "Jan", "January", "Jun", "June", "Sept", "Sep", "Septem", "May",
        "Dec", "14", "1", "2019", "20195", "1999-12-31", "19", "-", "–", "—", ":", ",", ".", " ", "  ", "\t", "\u{a0}",
        "\u{2003}", "(", ")", "Reuters", "Télam", "AP", "&", "'", "’", "é", "É", "Ⅻ", "\u{0301}", "\u{0966}", "²", "_",
        "\u{200d}", "\u{212a}", "\u{017f}", "İ", "x", "share", "Share this", "LOG IN", "login", "tags", "comment", "!",
        "?", "a", "the", "de", "Mr", "Ivan", "Q",
    ];

    /// Lines shaped like the patterns, part by part, each part drawn from
    /// forms that match and near misses.
    const DATELINE_PARTS: &[&[&str]] = &[
        &["", " ", "MOSCOW", "UNITED NATIONS", "O'HARE", "U.N.", "KYIV ", "AB", "Moscow", "M", "A’B-C"],
        &["", ", Russia", ",D.C.", ", RussiaJan", ", Ⅻx", ", Ru.", ",  São", ", D.C.Sep", ","],
        &["", " ", ",", " , ", "\t", "  "],
        &[
            "", "Jan 14", "(Jan. 14)", "January 14, 2019", "Sept 3 2020", "Jan 12019", "Jan 1", "May 44", "(Jan 14",
            "Jan 14)", "Jan14", "Sep. 3,2019", "Jun 3, 20190",
        ],
        &["", " ", "(Reuters)", " (AP)", " (Télam)", "(X_Y & Z)", "(Reuters", "(1AP)", " ( AP)", "(A²)"],
        &[" - ", " -- ", " — ", ": ", "-", " :x", " – ", "", " -–- ", ":"],
        &["x", "Talks went on.", "", "  y", " Jan 14, 2019"],
    ];
    const HEADLINE_PARTS: &[&[&str]] = &[
        &["", "Talks", "Talks, again", "Remarks,", "14 May 2019,"],
        &[",", ", ", ",\t", " "],
        &["Moscow", "Addis Ababa", "São Tomé", "Xⅻ", "A", "AB", "O’Neill-Town", "moscow", "Ab1"],
        &[",", ", ", " ,", ",,"],
        &["January", "Jan.", "Sept.", "Sep", "Mayo", "May", "Dec"],
        &[" ", "  ", ""],
        &["14", "1", "144", "07"],
        &[",", ", ", " ,", ""],
        &["2019", "19", "20195", "2019 x"],
        &["", " ", "\u{a0}", "."],
    ];

    fn parts(table: &'static [&'static [&'static str]]) -> impl Strategy<Value = String> {
        table.iter().map(|options| prop::sample::select(*options)).collect::<Vec<_>>().prop_map(|v| v.concat())
    }

    fn line() -> impl Strategy<Value = String> {
        let pieces = prop::collection::vec(prop::sample::select(PIECES), 0..14).prop_map(|v| v.concat());
        let noise = prop::collection::vec(prop::sample::select(PIECES), 0..3).prop_map(|v| v.concat());
        prop_oneof![
            pieces,
            (noise.clone(), parts(DATELINE_PARTS)).prop_map(|(a, b)| a + &b),
            (parts(HEADLINE_PARTS), noise.clone()).prop_map(|(a, b)| a + &b),
            (noise.clone(), parts(HEADLINE_PARTS)).prop_map(|(a, b)| a + &b),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        #[test]
        fn parsers_agree_with_their_expressions(line in line()) {
            agree(&line);
        }
    }

    #[test]
    fn character_classes_agree_with_the_regex_crate() {
        let letter = Regex::new(r"^\p{L}$").unwrap();
        let word = Regex::new(r"^\w$").unwrap();
        let space = Regex::new(r"^\s$").unwrap();
        let mut buf = [0; 4];
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let s = c.encode_utf8(&mut buf);
            assert_eq!(is_letter(c), letter.is_match(s), "{c:?} letter");
            assert_eq!(is_word_char(c), word.is_match(s), "{c:?} word");
            assert_eq!(c.is_whitespace(), space.is_match(s), "{c:?} space");
        }
    }
}
