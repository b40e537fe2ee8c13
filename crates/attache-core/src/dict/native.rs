//! Reader for attache's own dictionary format (`dictionaries/README.md`).

use std::path::Path;

use crate::dict::inflect::Forms;
use crate::dict::source::{
    parse_date, parse_pattern, ActorPhrase, DictSource, Example, Loc, PersonTerm, PhraseKind, RoleWord, VerbPattern,
};
use crate::error::{DictError, DictErrorKind};

/// The kinds of file, by the start of their name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Countries,
    Organisations,
    Roles,
    People,
    Verbs,
    Irregular,
    NotActors,
    Places,
}

impl FileKind {
    /// Whether the file holds actors (countries, organisations, places,
    /// roles, people, phrases that are not actors) rather than verbs.
    pub fn is_actor_side(self) -> bool {
        !matches!(self, FileKind::Verbs | FileKind::Irregular)
    }

    pub fn of(name: &str) -> Option<FileKind> {
        if !name.ends_with(".txt") {
            return None;
        }
        // "irregular-verbs" before "verbs", which it does not start with anyway.
        [
            ("countries", FileKind::Countries),
            ("organisations", FileKind::Organisations),
            ("organizations", FileKind::Organisations),
            ("places", FileKind::Places),
            ("roles", FileKind::Roles),
            ("people", FileKind::People),
            ("verbs", FileKind::Verbs),
            ("irregular-verbs", FileKind::Irregular),
            ("not-actors", FileKind::NotActors),
        ]
        .into_iter()
        .find(|(p, _)| name.starts_with(p))
        .map(|(_, k)| k)
    }
}

/// Reads every dictionary file of `dir` (in name order). Problems are
/// collected, not fatal: the caller decides (a load refuses errors; `dict
/// check` lists them all).
pub fn read_dir(dir: &Path) -> (DictSource, Vec<DictError>) {
    let mut src = DictSource::default();
    let mut problems = Vec::new();
    let names = match crate::dict::source::file_names(dir) {
        Ok(n) => n,
        Err(e) => {
            problems.push(e);
            return (src, problems);
        }
    };
    for name in names {
        let Some(kind) = FileKind::of(&name) else { continue };
        let path = dir.join(&name);
        match std::fs::read_to_string(&path) {
            Ok(text) => read_text(&mut src, &mut problems, kind, &name, &text),
            Err(e) => problems.push(DictError::new(name.clone(), 0, DictErrorKind::Io(e.to_string()))),
        }
        src.files.push(name);
    }
    (src, problems)
}

/// The `N` fields of a line split on `|`, trimmed; or how many it has.
fn fields<const N: usize>(line: &str) -> Result<[&str; N], usize> {
    let mut out = [""; N];
    let mut n = 0;
    let mut start = 0;
    // `|` is ASCII: a byte equal to it is the character, never part of one.
    for (i, &b) in line.as_bytes().iter().enumerate() {
        if b == b'|' {
            if let Some(slot) = out.get_mut(n) {
                *slot = line[start..i].trim();
            }
            n += 1;
            start = i + 1;
        }
    }
    if let Some(slot) = out.get_mut(n) {
        *slot = line[start..].trim();
    }
    n += 1;
    if n == N {
        Ok(out)
    } else {
        Err(n)
    }
}

/// Room in `src` for the entries of `files`, so that reading them one
/// after another into one source does not grow its lists again and again.
/// Counting the entries would cost a pass over the text: the room is
/// guessed from its length instead, at about twice as many entries a byte
/// as our files have (a denser file only grows a list, as without this).
pub fn reserve_for<'a>(src: &mut DictSource, files: impl Iterator<Item = (FileKind, &'a str)>) {
    let (mut actors, mut roles, mut people, mut verbs, mut irregular, mut not_actors) = (0, 0, 0, 0, 0, 0);
    for (kind, text) in files {
        let n = text.len();
        match kind {
            FileKind::Countries | FileKind::Organisations | FileKind::Places => actors += n / 8,
            FileKind::Roles => roles += n / 8,
            FileKind::People => people += n / 48,
            FileKind::Verbs => verbs += n / 16,
            FileKind::Irregular => irregular += n / 32,
            FileKind::NotActors => not_actors += n / 8,
        }
    }
    src.actors.reserve(actors);
    src.roles.reserve(roles);
    src.people.reserve(people);
    src.verbs.reserve(verbs);
    src.irregular.reserve(irregular);
    src.not_actors.reserve(not_actors);
}

/// The items of a `;`-separated field, trimmed, empty ones left out
/// (borrowed: most go straight into an entry, without a list of their own).
fn list(field: &str) -> impl Iterator<Item = &str> {
    field.split(';').map(str::trim).filter(|s| !s.is_empty())
}

fn strip_comment(raw: &str) -> &str {
    // `#` starts a comment, except in an example line ("No. #1" is not ours to care about).
    match raw.find('#') {
        Some(i) => &raw[..i],
        None => raw,
    }
}

/// Reads one file's text as `kind`, appending to `src`.
pub fn read_text(src: &mut DictSource, problems: &mut Vec<DictError>, kind: FileKind, file: &str, text: &str) {
    let file_loc = Loc::new(file, 0);
    let mut section: Option<(crate::dict::Code, usize)> = None;
    for (n, raw) in text.lines().enumerate() {
        let line = strip_comment(raw).trim();
        if line.is_empty() {
            continue;
        }
        let loc = file_loc.at(n + 1);
        let mut syntax = |msg: String| problems.push(loc.error(DictErrorKind::Syntax(msg)));
        match kind {
            FileKind::Countries => {
                let f = match fields::<5>(line) {
                    Ok(f) => f,
                    Err(found) => {
                        syntax(format!(
                            "expected 5 fields (CODE | names | adjectives | demonyms | capitals), found {found}"
                        ));
                        continue;
                    }
                };
                if !is_code(f[0], 3, 3) {
                    problems.push(
                        loc.error(DictErrorKind::UnknownCode(format!("{:?} is not a three-letter country code", f[0]))),
                    );
                    continue;
                }
                for (i, kind) in [
                    (1, PhraseKind::CountryName),
                    (2, PhraseKind::Adjective),
                    (3, PhraseKind::Demonym),
                    (4, PhraseKind::Capital),
                ] {
                    for p in list(f[i]) {
                        src.actors.push(ActorPhrase {
                            phrase: p.to_string(),
                            kind,
                            code: f[0].into(),
                            loc: loc.clone(),
                        });
                    }
                }
            }
            FileKind::Organisations | FileKind::Places => {
                let f = match fields::<2>(line) {
                    Ok(f) => f,
                    Err(found) => {
                        syntax(format!("expected 2 fields (CODE | names), found {found}"));
                        continue;
                    }
                };
                let (kind, code_ok) = match kind {
                    FileKind::Places => (PhraseKind::Place, is_code(f[0], 3, 3)),
                    _ => (PhraseKind::Organisation, is_code(f[0], 3, 15)),
                };
                if !code_ok {
                    problems.push(loc.error(DictErrorKind::UnknownCode(format!("{:?} is not an actor code", f[0]))));
                    continue;
                }
                for p in list(f[1]) {
                    src.actors.push(ActorPhrase { phrase: p.to_string(), kind, code: f[0].into(), loc: loc.clone() });
                }
            }
            FileKind::Roles => {
                let f = match fields::<2>(line) {
                    Ok(f) => f,
                    Err(found) => {
                        syntax(format!("expected 2 fields (ROLE | words), found {found}"));
                        continue;
                    }
                };
                if !is_code(f[0], 3, 3) {
                    problems.push(
                        loc.error(DictErrorKind::UnknownCode(format!("{:?} is not a three-letter role code", f[0]))),
                    );
                    continue;
                }
                for p in list(f[1]) {
                    src.roles.push(RoleWord {
                        phrase: p.to_string(),
                        role: f[0].into(),
                        prefix: false,
                        plural: true,
                        loc: loc.clone(),
                    });
                }
            }
            FileKind::People => {
                let f = match fields::<5>(line) {
                    Ok(f) => f,
                    Err(found) => {
                        syntax(format!("expected 5 fields (names | CODE | from | to | office), found {found}"));
                        continue;
                    }
                };
                let names: Vec<String> = list(f[0]).map(str::to_string).collect();
                if names.is_empty() {
                    syntax("no name".into());
                    continue;
                }
                if !is_code(f[1], 3, 15) {
                    problems.push(loc.error(DictErrorKind::UnknownCode(format!("{:?} is not an actor code", f[1]))));
                    continue;
                }
                let date = |s: &str| -> Result<Option<chrono::NaiveDate>, DictError> {
                    if s.is_empty() {
                        Ok(None)
                    } else {
                        parse_date(s).map(Some).ok_or_else(|| {
                            loc.error(DictErrorKind::BadDate(format!("{s:?} (expected YYYY, YYYY-MM or YYYY-MM-DD)")))
                        })
                    }
                };
                let (from, to) = match (date(f[2]), date(f[3])) {
                    (Ok(a), Ok(b)) => (a, b),
                    (Err(e), _) | (_, Err(e)) => {
                        problems.push(e);
                        continue;
                    }
                };
                if let (Some(a), Some(b)) = (from, to) {
                    if a >= b {
                        problems.push(loc.error(DictErrorKind::BadDate(format!("range {a} to {b} is empty"))));
                        continue;
                    }
                }
                src.people.push(PersonTerm {
                    names,
                    code: f[1].into(),
                    from,
                    to,
                    office: f[4].to_string(),
                    loc: loc.clone(),
                });
            }
            FileKind::Verbs => {
                if let Some(rest) = line.strip_prefix('[') {
                    let Some(close) = rest.find(']') else {
                        syntax("section header without ']'".into());
                        continue;
                    };
                    section = Some((rest[..close].trim().into(), n + 1));
                    continue;
                }
                let Some((code, _)) = &section else {
                    syntax("pattern before the first [CODE] section".into());
                    continue;
                };
                if line.starts_with('>') {
                    // Examples may contain '#'; read them from the raw line.
                    let ex = raw.trim().trim_start_matches('>');
                    let Some((sentence, expect)) = ex.rsplit_once("=>") else {
                        syntax("example without '=> SOURCE TARGET CODE'".into());
                        continue;
                    };
                    let e: Vec<&str> = expect.split_whitespace().collect();
                    if e.len() != 3 {
                        syntax(format!("example expects 'SOURCE TARGET CODE', found {:?}", expect.trim()));
                        continue;
                    }
                    let opt = |s: &str| (s != "-").then(|| s.to_string());
                    src.examples.push(Example {
                        sentence: sentence.trim().to_string(),
                        source: opt(e[0]),
                        target: opt(e[1]),
                        code: e[2].to_string(),
                        loc: loc.clone(),
                    });
                    continue;
                }
                match parse_pattern(line) {
                    Ok((tokens, speaker_judgement)) => src.verbs.push(VerbPattern {
                        code: code.clone(),
                        tokens,
                        speaker_judgement,
                        text: line.to_string(),
                        loc: loc.clone(),
                    }),
                    Err(msg) => syntax(msg),
                }
            }
            FileKind::NotActors => {
                for p in list(line) {
                    src.not_actors.push((p.to_string(), loc.clone()));
                }
            }
            FileKind::Irregular => {
                let f = match fields::<5>(line) {
                    Ok(f) => f,
                    Err(found) => {
                        syntax(format!(
                            "expected 5 fields (base | past | participle | third person | -ing), found {found}"
                        ));
                        continue;
                    }
                };
                let l = |s: &str| list(s).map(str::to_lowercase).collect::<Vec<_>>();
                let forms =
                    Forms { base: l(f[0]), past: l(f[1]), participle: l(f[2]), third: l(f[3]), gerund: l(f[4]) };
                if forms.base.is_empty() || forms.past.is_empty() || forms.participle.is_empty() {
                    syntax("base, past and participle are required".into());
                    continue;
                }
                src.irregular.push((forms, loc.clone()));
            }
        }
    }
}

/// An actor or role code: uppercase letters (and digits, for a few IGO codes).
fn is_code(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && s.as_bytes()[0].is_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(kind: FileKind, text: &str) -> (DictSource, Vec<DictError>) {
        let mut src = DictSource::default();
        let mut p = Vec::new();
        read_text(&mut src, &mut p, kind, "t.txt", text);
        (src, p)
    }

    #[test]
    fn good_lines_of_each_kind() {
        let (s, p) = read(FileKind::Countries, "# c\nJPN | Japan; Nippon | Japanese | Japanese | Tokyo\n");
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(s.actors.len(), 5);
        assert_eq!(s.actors[4].kind, PhraseKind::Capital);
        let (s, p) =
            read(FileKind::People, "Taro Kono; Kono Taro | JPNGOV | 2017-08-03 | 2019-09-11 | foreign minister\n");
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(s.people[0].names, ["Taro Kono", "Kono Taro"]);
        let (s, p) =
            read(FileKind::Verbs, "[042] Make a visit\n> Abe visited Moscow. => JPN RUS 042\nVISIT + # comment\n");
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(s.verbs.len(), 1);
        assert_eq!(s.examples[0].target.as_deref(), Some("RUS"));
        let (s, p) = read(FileKind::Places, "UKR | Kherson; Odesa\n");
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(
            s.actors.iter().map(|a| (a.phrase.as_str(), a.kind)).collect::<Vec<_>>(),
            [("Kherson", PhraseKind::Place), ("Odesa", PhraseKind::Place)]
        );
    }

    #[test]
    fn malformed_lines_name_file_and_line() {
        let (_, p) = read(FileKind::Countries, "JPN | Japan\njapan | x | | |\n");
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].file.as_str(), p[0].line), ("t.txt", 1));
        assert_eq!(p[1].line, 2);
        assert!(matches!(p[1].kind, DictErrorKind::UnknownCode(_)));
        let (_, p) = read(FileKind::People, "A B | JPNGOV | 2019-13-01 | | x\nC D | JPNGOV | 2020 | 2019 | x\n");
        assert_eq!(p.len(), 2);
        assert!(p.iter().all(|e| matches!(e.kind, DictErrorKind::BadDate(_))));
        let (_, p) = read(FileKind::Places, "IGOUNO | Geneva\nUKR Kherson\n");
        assert_eq!(p.iter().map(|e| e.line).collect::<Vec<_>>(), [1, 2]);
        assert!(matches!(p[0].kind, DictErrorKind::UnknownCode(_)));
        let (_, p) = read(FileKind::Verbs, "VISIT +\n[042] x\n> no arrow\nHOLD MEET\n");
        assert_eq!(p.iter().map(|e| e.line).collect::<Vec<_>>(), [1, 3, 4]);
    }
}
