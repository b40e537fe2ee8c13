//! `*.actors.txt`: phrases with date-restricted actor codes (see the
//! parent module for what is honoured).

use chrono::NaiveDate;

use rustc_hash::FxHashSet;

use super::{push_title_case, strip_comment, unmatchable, words};
use crate::dict::is_igo_prefix;
use crate::dict::source::{ActorPhrase, DictSource, Loc, PersonTerm, PhraseKind};
use crate::error::{DictError, DictErrorKind};

/// Sector codes that may stand alone, without a country (`REUTERS [MED]`).
const SECTOR_CODES: &[&str] = &[
    "GOV", "MIL", "REB", "OPP", "PTY", "COP", "JUD", "SPY", "MED", "EDU", "BUS", "CRM", "CVL", "LAB", "LEG", "HLH",
    "REF", "MOD", "RAD", "AGR", "ENV", "HRI", "DEV", "UAF", "REL", "ELI", "CHR", "MUS", "JEW", "BUD", "HIN", "PPL",
    "SET", "NGM", "INS",
];

/// One code group: `[CODE]`, `[CODE d1-d2]`, `[CODE >d]`, `[CODE <d]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CodeGroup {
    /// `None` for `---`, "not an actor".
    pub code: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// An entry being read: its phrases and codes.
struct Entry {
    names: Vec<(String, Loc)>,
    codes: Vec<(CodeGroup, Loc)>,
    /// A `[---]` was seen: a phrase that is not an actor.
    null_code: bool,
    /// The entry line itself was malformed: drop the whole entry.
    broken: bool,
    /// The last physical line that belonged to the entry.
    last_line: usize,
}

pub(crate) fn read(src: &mut DictSource, problems: &mut Vec<DictError>, file: &str, text: &str) {
    let file_loc = Loc::new(file, 0);
    let mut current: Option<Entry> = None;
    // The same phrase for the same code is often listed twice: keep the first.
    let mut seen: FxHashSet<(String, PhraseKind, String)> = FxHashSet::default();
    for (n, raw) in text.lines().enumerate() {
        let line_no = n + 1;
        let line = strip_comment(raw).trim();
        if line.is_empty() || line.starts_with("<!") {
            continue;
        }
        let loc = file_loc.at(line_no);
        if line.starts_with('[') {
            let Some(entry) = current.as_mut() else {
                problems.push(loc.error(DictErrorKind::Syntax("code line before any entry".into())));
                continue;
            };
            entry.last_line = line_no;
            match split_groups(line) {
                Ok(groups) => add_groups(entry, groups, &loc, problems),
                Err(msg) => problems.push(loc.error(DictErrorKind::Syntax(msg))),
            }
            continue;
        }
        if let Some(synonym) = line.strip_prefix('+') {
            let Some(entry) = current.as_mut() else {
                problems.push(loc.error(DictErrorKind::Syntax("synonym before any entry".into())));
                continue;
            };
            entry.last_line = line_no;
            if synonym.contains(['[', ']', '{', '}']) {
                problems.push(loc.error(DictErrorKind::Syntax(format!("bracket in synonym {:?}", synonym.trim()))));
            } else if words(synonym).next().is_none() {
                problems.push(loc.error(DictErrorKind::Syntax("'+' without a phrase".into())));
            } else {
                entry.names.push((synonym.trim().to_string(), loc));
            }
            continue;
        }
        // An entry line. Name variants on consecutive lines without a code
        // are one entry: they share the codes that follow.
        let (phrase, groups) = match line.find('[') {
            Some(i) => (line[..i].trim(), split_groups(&line[i..])),
            None => (line, Ok(Vec::new())),
        };
        let joins = current
            .as_ref()
            .is_some_and(|e| e.codes.is_empty() && !e.null_code && !e.broken && e.last_line + 1 == line_no);
        if !joins {
            if let Some(done) = current.take() {
                finish(src, problems, &mut seen, done);
            }
        }
        let entry = current.get_or_insert_with(|| Entry {
            names: Vec::new(),
            codes: Vec::new(),
            null_code: false,
            broken: false,
            last_line: line_no,
        });
        entry.last_line = line_no;
        match groups {
            Ok(groups) => {
                entry.names.push((phrase.to_string(), loc.clone()));
                add_groups(entry, groups, &loc, problems);
            }
            Err(msg) => {
                problems.push(loc.error(DictErrorKind::Syntax(msg)));
                entry.broken = true;
            }
        }
    }
    if let Some(done) = current.take() {
        finish(src, problems, &mut seen, done);
    }
}

fn add_groups(entry: &mut Entry, groups: Vec<&str>, loc: &Loc, problems: &mut Vec<DictError>) {
    for g in groups {
        match parse_group(g) {
            Ok(CodeGroup { code: None, .. }) => entry.null_code = true,
            Ok(group) => entry.codes.push((group, loc.clone())),
            Err(e) => problems.push(loc.error(e)),
        }
    }
}

/// `[A][B 1-2]  [C]` → the insides of the groups; only blanks may come
/// between and after them.
fn split_groups(s: &str) -> Result<Vec<&str>, String> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let Some(inner) = rest.strip_prefix('[') else {
            return Err(format!("unexpected {:?} after the codes", rest));
        };
        let Some(close) = inner.find(']') else {
            return Err("code group without ']'".into());
        };
        if inner[..close].contains('[') {
            return Err("code group without ']'".into());
        }
        out.push(&inner[..close]);
        rest = inner[close + 1..].trim_start();
    }
    Ok(out)
}

/// The inside of one code group.
pub(crate) fn parse_group(inner: &str) -> Result<CodeGroup, DictErrorKind> {
    let mut parts = inner.split_whitespace();
    let Some(code) = parts.next() else {
        return Err(DictErrorKind::Syntax("empty code group []".into()));
    };
    let dates: String = parts.collect();
    if code == "---" {
        return Ok(CodeGroup { code: None, from: None, to: None });
    }
    if !is_actor_code(code) {
        return Err(DictErrorKind::UnknownCode(format!("{code:?} is not an actor code")));
    }
    let date = |s: &str| {
        parse_date(s)
            .ok_or_else(|| DictErrorKind::BadDate(format!("{s:?} in [{}] (expected YYMMDD or YYYYMMDD)", inner.trim())))
    };
    let (from, to) = if dates.is_empty() {
        (None, None)
    } else if let Some(d) = dates.strip_prefix('>') {
        (Some(date(d)?), None)
    } else if let Some(d) = dates.strip_prefix('<') {
        (None, Some(date(d)?))
    } else if let Some((a, b)) = dates.split_once('-') {
        let (a, b) = (date(a)?, date(b)?);
        if a >= b {
            return Err(DictErrorKind::BadDate(format!("range {a} to {b} in [{}] is empty", inner.trim())));
        }
        (Some(a), Some(b))
    } else {
        // A bare single date: from that date on (PETRARCH's quirk of
        // dropping its first digit is not reproduced).
        (Some(date(&dates)?), None)
    };
    Ok(CodeGroup { code: Some(code.to_string()), from, to })
}

/// `YYMMDD` (YY ≤ 30 → 20YY, else 19YY) or `YYYYMMDD`.
pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    let (y, m, d) = match s.len() {
        6 => {
            let yy = num(0..2)? as i32;
            (if yy <= 30 { 2000 + yy } else { 1900 + yy }, num(2..4)?, num(4..6)?)
        }
        8 => (num(0..4)? as i32, num(4..6)?, num(6..8)?),
        _ => return None,
    };
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Uppercase letters and digits, starting with a letter, 3 to 15 long.
fn is_actor_code(s: &str) -> bool {
    (3..=15).contains(&s.len())
        && s.as_bytes()[0].is_ascii_uppercase()
        && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// Maps one complete entry to actor phrases or person terms.
fn finish(
    src: &mut DictSource,
    problems: &mut Vec<DictError>,
    seen: &mut FxHashSet<(String, PhraseKind, String)>,
    entry: Entry,
) {
    if entry.broken {
        return;
    }
    let Some((_, first)) = entry.names.first() else { return };
    if entry.codes.is_empty() && !entry.null_code {
        problems.push(first.error(DictErrorKind::Syntax(format!("entry {:?} has no [CODE]", entry.names[0].0))));
        return;
    }
    let mut names: Vec<(Vec<&str>, &Loc)> = Vec::new();
    for (phrase, loc) in &entry.names {
        if let Some(why) = unmatchable(phrase) {
            problems.push(loc.error(DictErrorKind::Unreachable(format!("{phrase:?} {why}"))));
            continue;
        }
        let w: Vec<&str> = words(phrase).collect();
        if !w.is_empty() {
            names.push((w, loc));
        }
    }
    if names.is_empty() {
        return;
    }
    if entry.codes.is_empty() {
        // Only `[---]`: a phrase that is not an actor ("Indian Ocean"); it
        // hides the names inside it.
        for (w, loc) in &names {
            src.not_actors.push((title_words(w), (*loc).clone()));
        }
        return;
    }
    let single_undated = match entry.codes.as_slice() {
        [(CodeGroup { code: Some(c), from: None, to: None }, _)] => Some(c.as_str()),
        _ => None,
    };
    let phrase_kind = single_undated.and_then(|c| {
        if is_igo_prefix(c) || SECTOR_CODES.contains(&c) {
            Some(PhraseKind::Organisation)
        } else if c.len() == 3 {
            Some(PhraseKind::CountryName)
        } else {
            None
        }
    });
    if let (Some(kind), Some(code)) = (phrase_kind, single_undated) {
        for (w, loc) in &names {
            let phrase = phrase_surface(w, kind);
            if seen.insert((phrase.to_lowercase(), kind, code.to_string())) {
                src.actors.push(ActorPhrase { phrase, kind, code: code.into(), loc: (*loc).clone() });
            }
        }
        return;
    }
    let person_names: Vec<String> = names.iter().map(|(w, _)| title_words(w)).collect();
    for (group, loc) in entry.codes {
        let Some(code) = group.code else { continue };
        // PETRARCH has no office: the code stands for it (and names the
        // term in overlap warnings).
        src.people.push(PersonTerm {
            names: person_names.clone(),
            code: code.as_str().into(),
            office: code,
            from: group.from,
            to: group.to,
            loc,
        });
    }
}

/// How an actor phrase is written for our compiler: short words and
/// acronyms stay in capitals (matched only in capitals), the rest in title
/// case (matched in any case).
fn phrase_surface(w: &[&str], kind: PhraseKind) -> String {
    if let [one] = w {
        let letters = one.chars().filter(|c| c.is_alphabetic()).count();
        let acronym_len = if kind == PhraseKind::Organisation { 5 } else { 3 };
        if letters <= acronym_len || one.contains('.') {
            return one.to_string();
        }
    }
    title_words(w)
}

/// The words in title case, joined by single spaces.
fn title_words(w: &[&str]) -> String {
    let mut out = String::with_capacity(w.iter().map(|x| x.len() + 1).sum());
    for x in w {
        if !out.is_empty() {
            out.push(' ');
        }
        push_title_case(x, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dict::{Dictionaries, EntryKind};

    fn read_actors(text: &str) -> (DictSource, Vec<DictError>) {
        let mut src = DictSource::default();
        let mut p = Vec::new();
        read(&mut src, &mut p, "t.actors.txt", text);
        (src, p)
    }

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn dates_in_both_widths() {
        assert_eq!(parse_date("991231"), d(1999, 12, 31));
        assert_eq!(parse_date("300101"), d(2030, 1, 1));
        assert_eq!(parse_date("310101"), d(1931, 1, 1));
        assert_eq!(parse_date("20121204"), d(2012, 12, 4));
        for bad in ["2004017", "1231", "990231", "abcdef", ""] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        let g = parse_group("ZZZGOV > 140608").unwrap();
        assert_eq!((g.from, g.to), (d(2014, 6, 8), None));
        let g = parse_group("ZZZGOV <900823").unwrap();
        assert_eq!((g.from, g.to), (None, d(1990, 8, 23)));
        // The bare single date: from that date on.
        let g = parse_group("ZZZGOV 20121204").unwrap();
        assert_eq!((g.from, g.to), (d(2012, 12, 4), None));
        assert_eq!(parse_group("---").unwrap().code, None);
    }

    #[test]
    fn entries_map_to_phrases_and_terms() {
        let text = "\
# invented actors
FREEDONIA_  [FRD]
+FREEDONIAN_
+GRAND_FENWICK_CITY
FREEDONIAN_NAVY_ [FRDMIL]
RUFUS_FIREFLY_  # a leader
+PRESIDENT_FIREFLY
\t[FRDGOV 330101-351231]
\t[FRDGOV >20200101]
\t[FRDELI]
ZORB_MONITOR_\t[NGOZRB] #  an NGO
NATO_ZED [IGOZED]
ZNN\t[MED]
";
        let (s, p) = read_actors(text);
        assert!(p.is_empty(), "{p:?}");
        let phrases: Vec<(&str, PhraseKind, &str, usize)> =
            s.actors.iter().map(|a| (a.phrase.as_str(), a.kind, a.code.as_str(), a.loc.line)).collect();
        assert_eq!(
            phrases,
            [
                ("Freedonia", PhraseKind::CountryName, "FRD", 2),
                ("Freedonian", PhraseKind::CountryName, "FRD", 3),
                ("Grand Fenwick City", PhraseKind::CountryName, "FRD", 4),
                ("Zorb Monitor", PhraseKind::Organisation, "NGOZRB", 11),
                ("Nato Zed", PhraseKind::Organisation, "IGOZED", 12),
                ("ZNN", PhraseKind::Organisation, "MED", 13),
            ]
        );
        let terms: Vec<(&str, Option<NaiveDate>, Option<NaiveDate>, usize)> =
            s.people.iter().map(|t| (t.code.as_str(), t.from, t.to, t.loc.line)).collect();
        assert_eq!(
            terms,
            [
                ("FRDMIL", None, None, 5),
                ("FRDGOV", d(1933, 1, 1), d(1935, 12, 31), 8),
                ("FRDGOV", d(2020, 1, 1), None, 9),
                ("FRDELI", None, None, 10),
            ]
        );
        assert_eq!(s.people[0].names, ["Freedonian Navy"]);
        assert_eq!(s.people[1].names, ["Rufus Firefly", "President Firefly"]);
    }

    #[test]
    fn consecutive_uncoded_lines_share_the_codes() {
        let text = "\
RUFUS_FIREFLY_
+PRESIDENT_FIREFLY
RUFUS_T._FIREFLY
\t[FRDGOV 330101-351231]
LOOSE_NAME_

OTHER_NAME [FRDELI]
";
        let (s, p) = read_actors(text);
        assert_eq!(s.people.len(), 2);
        assert_eq!(s.people[0].names, ["Rufus Firefly", "President Firefly", "Rufus T. Firefly"]);
        assert_eq!(s.people[1].names, ["Other Name"]);
        // LOOSE_NAME_ is followed by a blank line: an entry without a code.
        assert_eq!(p.len(), 1);
        assert_eq!((p[0].file.as_str(), p[0].line), ("t.actors.txt", 5));
        assert!(matches!(p[0].kind, DictErrorKind::Syntax(_)));
    }

    #[test]
    fn malformed_lines_name_file_and_line() {
        let text = "\
+ORPHAN_SYNONYM
\t[FRDGOV]
FREEDONIA_ [FRD] Capital: Fredville
+FREEDONIAN_
SYLVANIA_ [SYL]
+SYLVA]NIA_
PINKY_TUSCADERO
\t[FRDGOV 2004017-20061201]
\t[FRDGOV 990101-980101]
\t[frdgov]
\t[FRDGOV 990101
\t[FRDELI]
Z\u{1a}ORBA [FRDELI]
NOBODY_ [---]
";
        let (s, p) = read_actors(text);
        let got: Vec<(usize, &str)> = p
            .iter()
            .map(|e| {
                (
                    e.line,
                    match e.kind {
                        DictErrorKind::Syntax(_) => "syntax",
                        DictErrorKind::BadDate(_) => "date",
                        DictErrorKind::UnknownCode(_) => "code",
                        DictErrorKind::Unreachable(_) => "unreachable",
                        _ => "other",
                    },
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (1, "syntax"),
                (2, "syntax"),
                (3, "syntax"),
                (6, "syntax"),
                (8, "date"),
                (9, "date"),
                (10, "code"),
                (11, "syntax"),
                (13, "unreachable")
            ]
        );
        assert!(p.iter().all(|e| e.file == "t.actors.txt"));
        // The broken Freedonia entry is dropped with its synonym; Sylvania
        // keeps its good lines; Pinky keeps the one good code; the [---]
        // entry is "not an actor".
        let phrases: Vec<&str> = s.actors.iter().map(|a| a.phrase.as_str()).collect();
        assert_eq!(phrases, ["Sylvania"]);
        assert_eq!(s.people.len(), 1);
        assert_eq!(
            (s.people[0].names[0].as_str(), s.people[0].code.as_str(), s.people[0].loc.line),
            ("Pinky Tuscadero", "FRDELI", 12)
        );
        assert_eq!(s.not_actors.iter().map(|(p, l)| (p.as_str(), l.line)).collect::<Vec<_>>(), [("Nobody", 14)]);
    }

    #[test]
    fn dated_codes_resolve_by_date() {
        let text = "\
RUFUS_FIREFLY_
\t[FRDGOV 330101-351231]
\t[SYLGOV 360101-391231]
\t[FRDELI]
";
        let (s, p) = read_actors(text);
        assert!(p.is_empty(), "{p:?}");
        let dicts = Dictionaries::compile(s).expect("compiles");
        let id = dicts
            .actors
            .entries
            .iter()
            .flatten()
            .find_map(|e| match e.kind {
                EntryKind::Person(id) => Some(id),
                _ => None,
            })
            .expect("a person entry");
        let person = &dicts.actors.people[id as usize];
        assert_eq!(person.code_on(d(1934, 6, 1)), Some("FRDGOV"));
        assert_eq!(person.code_on(d(1937, 6, 1)), Some("SYLGOV"));
        // Outside both ranges the undated code applies; the end is excluded.
        assert_eq!(person.code_on(d(1935, 12, 31)), Some("FRDELI"));
        assert_eq!(person.code_on(d(1950, 1, 1)), Some("FRDELI"));
    }

    #[test]
    fn acronyms_stay_in_capitals() {
        assert_eq!(phrase_surface(&["US"], PhraseKind::CountryName), "US");
        assert_eq!(phrase_surface(&["U.S.A."], PhraseKind::CountryName), "U.S.A.");
        assert_eq!(phrase_surface(&["FREEDONIA"], PhraseKind::CountryName), "Freedonia");
        assert_eq!(phrase_surface(&["ZNATO"], PhraseKind::Organisation), "ZNATO");
        assert_eq!(phrase_surface(&["UN", "ZED"], PhraseKind::Organisation), "Un Zed");
    }
}
