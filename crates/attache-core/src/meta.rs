//! Metadata from the text itself: the headline, the dateline (date and
//! place), and boilerplate lines that are not part of the article.

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

const MONTHS: &str = "(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)";

fn month_number(m: &str) -> Option<u32> {
    let m = m.trim_end_matches('.').to_ascii_lowercase();
    let names = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    names.iter().position(|n| m.starts_with(n)).map(|i| i as u32 + 1)
}

// The patterns, each compiled the first time it is needed: their Unicode
// classes under bounded repeats take milliseconds to compile, and most
// documents never reach `HEADLINE_TAIL`, `ANY_DATE` or `ISO` (see the
// cheap tests below).

/// "…, Moscow, January 14, 2019" at the end of a headline.
static HEADLINE_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r",\s*(?P<place>[A-Z][\p{{L}}.'’ -]{{1,40}}?),\s*(?P<month>{MONTHS})\.?\s+(?P<day>[0-9]{{1,2}}),\s*(?P<year>[0-9]{{4}})\s*$")).unwrap()
});

/// The longest agency name a dateline's parentheses hold.
const AGENCY_MAX_CHARS: usize = 31;

/// "MOSCOW, Jan. 14 (Reuters) -" at the start of the text.
static WIRE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^\s*(?P<place>[A-Z][A-Z.'’ -]{{1,40}}?)(?:,\s*[A-Z][\p{{L}}.]+)?\s*,?\s*(?:\(?(?P<month>{MONTHS})\.?\s+(?P<day>[0-9]{{1,2}})(?:,?\s*(?P<year>[0-9]{{4}}))?\)?)?\s*(?:\((?P<agency>[A-Za-z][\w .&-]*)\))?\s*(?:[-–—]+|:)\s+"
    ))
    .unwrap()
});

/// "January 14, 2019" or "14 January 2019" anywhere.
static ANY_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b(?:(?P<month>{MONTHS})\.?\s+(?P<day>[0-9]{{1,2}}),?\s+(?P<year>[0-9]{{4}})|(?P<day2>[0-9]{{1,2}})\s+(?P<month2>{MONTHS})\.?,?\s+(?P<year2>[0-9]{{4}}))\b"
    ))
    .unwrap()
});

static ISO: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b(?P<y>(?:19|20)[0-9]{2})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})\b").unwrap());

/// Share/nav lines.
static CHROME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(share( this)?|tweet|print|email|e-mail|subscribe|follow us|related( articles| posts| stories| news)?|read more|read also|see also|advertisement|sign up|log ?in|tags?|categories|posted in|comments?|leave a (comment|reply)|click here|back to top|home|menu|you may also like|recommended|more from|cookie|skip to content)\b[^.!?]{0,60}$",
    )
    .unwrap()
});

fn ymd(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y.parse().ok()?, month_number(m)?, d.parse().ok()?)
}

fn ends_sentence(line: &str) -> bool {
    let t = line.trim_end();
    t.ends_with(['.', '!', '?', '"', '\u{201d}', ')', ':', '\u{2026}', ';'])
}

// Cheap tests that a line can match a pattern at all, true whenever it
// can: the patterns' Unicode classes under bounded repeats make their
// capture searches cost tens of thousands of instructions per line, and
// most lines are prose that fails them at once.

/// `HEADLINE_TAIL` ends with a digit (`[0-9]`) before trailing
/// white space (`\s` and `trim_end` agree on White_Space).
fn may_end_with_date(line: &str) -> bool {
    line.trim_end().chars().next_back().is_some_and(char::is_numeric)
}

/// `WIRE` opens (after white space) with `[A-Z]` then `[A-Z.'’ -]`.
fn may_open_dateline(line: &str) -> bool {
    let mut cs = line.trim_start().chars();
    cs.next().is_some_and(|c| c.is_ascii_uppercase()) && cs.next().is_some_and(|c| c.is_ascii_uppercase() || matches!(c, '.' | '\'' | '’' | ' ' | '-'))
}

/// `ANY_DATE` and `ISO` need four digits in a row (`[0-9]{4}`).
fn has_four_digits(line: &str) -> bool {
    let mut run = 0;
    for c in line.chars() {
        run = if c.is_numeric() { run + 1 } else { 0 };
        if run == 4 {
            return true;
        }
    }
    false
}

/// Paragraph lines of the text: (range without the line break).
pub fn lines(text: &str) -> Vec<Range<usize>> {
    let mut v = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            v.push(start..i);
            start = i + 1;
        }
    }
    v.push(start..text.len());
    v.into_iter()
        .map(|r| {
            let s = &text[r.clone()];
            let lead = s.len() - s.trim_start().len();
            let trail = s.len() - s.trim_end().len();
            r.start + lead..r.end - trail
        })
        .filter(|r| r.start < r.end)
        .collect()
}

/// Finds headline, dateline, date, place and boilerplate in `text`.
/// `year_hint` completes a wire dateline that has no year.
pub fn read(text: &str, year_hint: Option<i32>) -> (TextMeta, Vec<Dropped>) {
    let ls = lines(text);
    let mut meta = TextMeta::default();
    let mut dropped = Vec::new();
    // Navigation and share lines anywhere.
    for r in &ls {
        let line = &text[r.clone()];
        if line.len() < 80 && CHROME.is_match(line) {
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
    let body: Vec<&Range<usize>> = ls.iter().filter(|r| !dropped.iter().any(|d| d.span == **r)).collect();
    if let Some(first) = body.first() {
        let line = &text[(*first).clone()];
        let is_headline = body.len() > 1 && !ends_sentence(line) && line.len() < 400;
        if is_headline {
            meta.headline = Some((*first).clone());
            let tail = if may_end_with_date(line) { HEADLINE_TAIL.captures(line) } else { None };
            if let Some(c) = tail {
                meta.place = Some(c["place"].trim().to_string());
                meta.date = ymd(&c["year"], &c["month"], &c["day"]);
            }
        }
        // A wire dateline on the first prose line.
        let prose = if is_headline { body.get(1) } else { Some(first) };
        if let Some(r) = prose {
            let line = &text[(*r).clone()];
            let dateline = if may_open_dateline(line) { WIRE.captures(line) } else { None };
            if let Some(c) = dateline {
                let place = c["place"].trim();
                let words_upper = place.split_whitespace().all(|w| w.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase));
                // The agency's length is checked here, not by a bounded
                // repeat in the pattern: `\w{0,30}` compiles to thirty copies
                // of the Unicode word class, which made every search slow.
                let agency_ok = c.name("agency").is_none_or(|a| a.as_str().chars().count() <= AGENCY_MAX_CHARS);
                if agency_ok && words_upper && place.chars().filter(|c| c.is_alphabetic()).count() >= 3 {
                    let m = c.get(0).expect("whole match");
                    meta.dateline = Some(r.start..r.start + m.end());
                    meta.place = Some(title_case(place));
                    meta.agency = c.name("agency").map(|a| a.as_str().to_string());
                    if let (Some(mo), Some(d)) = (c.name("month"), c.name("day")) {
                        let y = c.name("year").and_then(|y| y.as_str().parse().ok()).or(year_hint);
                        if let Some(y) = y {
                            meta.date = meta.date.or_else(|| ymd(&y.to_string(), mo.as_str(), d.as_str()));
                        }
                    }
                }
            }
        }
        // Otherwise any full date in the first lines.
        if meta.date.is_none() {
            for r in body.iter().take(3) {
                let line = &text[(*r).clone()];
                if !has_four_digits(line) {
                    continue;
                }
                if let Some(c) = ANY_DATE.captures(line) {
                    meta.date = match (c.name("year"), c.name("year2")) {
                        (Some(y), _) => ymd(y.as_str(), &c["month"], &c["day"]),
                        (_, Some(y)) => ymd(y.as_str(), &c["month2"], &c["day2"]),
                        _ => None,
                    };
                } else if let Some(c) = ISO.captures(line) {
                    meta.date = NaiveDate::from_ymd_opt(c["y"].parse().unwrap_or(0), c["m"].parse().unwrap_or(0), c["d"].parse().unwrap_or(0));
                }
                if meta.date.is_some() {
                    break;
                }
            }
        }
    }
    dropped.sort_by_key(|d| d.span.start);
    (meta, dropped)
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
    }

    #[test]
    fn share_lines_are_dropped() {
        let (_, d) = read("Share this:\nJapan protested against the move on Monday, officials said.\nTweet", None);
        assert_eq!(d.len(), 2);
    }
}
