//! Dictionary sources: the entries read from files, before compilation.
//!
//! Every reader (our format in [`crate::dict::native`], TABARI/PETRARCH in
//! [`crate::dict::phoenix`]) produces a [`DictSource`]; one compiler turns any
//! source into the matchers. Entries remember the file and line they came
//! from, so every problem and every coded event can point back to it.

use chrono::NaiveDate;
use compact_str::CompactString;

use std::sync::Arc;

use crate::dict::inflect::Forms;
use crate::error::{DictError, DictErrorKind};

/// Where an entry was written.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Loc {
    /// Shared by every entry of the file: one allocation a file, not an
    /// entry (a dictionary set has tens of thousands of entries).
    pub file: Arc<str>,
    pub line: usize,
}

impl Loc {
    pub fn new(file: &str, line: usize) -> Loc {
        Loc { file: file.into(), line }
    }

    /// Another line of the same file.
    pub fn at(&self, line: usize) -> Loc {
        Loc { file: Arc::clone(&self.file), line }
    }

    pub fn error(&self, kind: DictErrorKind) -> DictError {
        DictError::new(&*self.file, self.line, kind)
    }
}

impl std::fmt::Display for Loc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// What an actor phrase stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PhraseKind {
    /// The country itself: "Japan" → JPN.
    CountryName,
    /// "Japanese": the country, and with a role word the country's agent.
    Adjective,
    /// "the Japanese": the country's civilians.
    Demonym,
    /// "Tokyo": the government, by metonymy.
    Capital,
    /// An international organisation or non-state group with its own code.
    Organisation,
    /// "Kherson", "Gaza": a place in the country (not its capital); it
    /// codes as the country.
    Place,
}

#[derive(Clone, Debug)]
pub struct ActorPhrase {
    pub phrase: String,
    pub kind: PhraseKind,
    /// Inline, as the compiled entry's: copied without an allocation.
    pub code: crate::dict::Code,
    pub loc: Loc,
}

/// A role word: "ambassador" → GOV. `prefix` roles come before the country
/// code (PETRARCH's `IGO~`), the others after it.
#[derive(Clone, Debug)]
pub struct RoleWord {
    pub phrase: String,
    pub role: crate::dict::Code,
    pub prefix: bool,
    /// Generate the plural ("soldier" → "soldiers").
    pub plural: bool,
    pub loc: Loc,
}

/// One office term of one person (or any dated code, for PETRARCH actors).
#[derive(Clone, Debug)]
pub struct PersonTerm {
    /// All names; the first is the full name.
    pub names: Vec<String>,
    pub code: crate::dict::Code,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub office: String,
    pub loc: Loc,
}

/// A pattern token, as written. Its words are kept inline (nearly every
/// word fits): tens of thousands of them are read at each start, and then
/// dropped once compiled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PatternToken {
    Word(CompactString),
    Alternatives(Vec<CompactString>),
    Optional(CompactString),
    /// A verb with all its forms.
    Verb(CompactString),
    Gap,
    Target,
    Source,
}

#[derive(Clone, Debug)]
pub struct VerbPattern {
    /// Inline (a CAMEO code is a few bytes): the code of a section is
    /// copied to each of its patterns without an allocation apiece.
    pub code: crate::dict::Code,
    pub tokens: Vec<PatternToken>,
    /// `@`: the speaker's judgement; the source is the speaker.
    pub speaker_judgement: bool,
    pub text: String,
    pub loc: Loc,
}

/// An example sentence that must code an event.
#[derive(Clone, Debug)]
pub struct Example {
    pub sentence: String,
    pub source: Option<String>,
    pub target: Option<String>,
    pub code: String,
    pub loc: Loc,
}

/// Everything read from one dictionary set, before compilation.
#[derive(Clone, Debug, Default)]
pub struct DictSource {
    pub actors: Vec<ActorPhrase>,
    pub roles: Vec<RoleWord>,
    pub people: Vec<PersonTerm>,
    pub verbs: Vec<VerbPattern>,
    pub examples: Vec<Example>,
    pub irregular: Vec<(Forms, Loc)>,
    /// Phrases whose sentence is not coded (PETRARCH discards).
    pub discards: Vec<(String, Loc)>,
    /// Phrases that hide the actor names inside them ("South China Sea").
    pub not_actors: Vec<(String, Loc)>,
    /// Files read, for the coding-run record.
    pub files: Vec<String>,
}

impl DictSource {
    /// Room for the entries of `others`, to [`extend`](Self::extend) by
    /// them without growing the lists again and again.
    pub fn reserve_for<'a>(&mut self, others: impl Iterator<Item = &'a DictSource> + Clone) {
        let total = |f: fn(&DictSource) -> usize| others.clone().map(f).sum::<usize>();
        self.actors.reserve(total(|s| s.actors.len()));
        self.roles.reserve(total(|s| s.roles.len()));
        self.people.reserve(total(|s| s.people.len()));
        self.verbs.reserve(total(|s| s.verbs.len()));
        self.examples.reserve(total(|s| s.examples.len()));
        self.irregular.reserve(total(|s| s.irregular.len()));
        self.discards.reserve(total(|s| s.discards.len()));
        self.not_actors.reserve(total(|s| s.not_actors.len()));
    }

    /// Adds another source on top of this one (`--dict-dir` over ours).
    pub fn extend(&mut self, other: DictSource) {
        self.actors.extend(other.actors);
        self.roles.extend(other.roles);
        self.people.extend(other.people);
        self.verbs.extend(other.verbs);
        self.examples.extend(other.examples);
        self.irregular.extend(other.irregular);
        self.discards.extend(other.discards);
        self.not_actors.extend(other.not_actors);
        self.files.extend(other.files);
    }
}

/// The names of the entries of a dictionary directory, sorted (files are
/// read in name order, so a split dictionary reads the same everywhere).
pub fn file_names(dir: &std::path::Path) -> Result<Vec<String>, DictError> {
    let rd = std::fs::read_dir(dir)
        .map_err(|e| DictError::new(dir.display().to_string(), 0, crate::error::DictErrorKind::Io(e.to_string())))?;
    let mut names: Vec<String> =
        rd.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    Ok(names)
}

/// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (the first day of the period).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    // Up to three parts; a fourth makes the date bad, as more parts do.
    let mut parts = s.split('-');
    let y = parts.next()?;
    let (m, d) = (parts.next(), parts.next());
    if parts.next().is_some() || y.len() != 4 {
        return None;
    }
    let num = |p: &str| p.parse::<u32>().ok();
    NaiveDate::from_ymd_opt(num(y)? as i32, m.map_or(Some(1), num)?, d.map_or(Some(1), num)?)
}

/// Lowercase, without the Unicode tables for ASCII (nearly every pattern word).
fn lowercase(w: &str) -> CompactString {
    if w.is_ascii() {
        let mut s = CompactString::from(w);
        s.make_ascii_lowercase();
        s
    } else {
        w.to_lowercase().into()
    }
}

/// An UPPERCASE verb: two letters or more, none lowercase.
fn is_verb_token(w: &str) -> bool {
    if w.is_ascii() {
        let mut letters = 0;
        for &c in w.as_bytes() {
            if c.is_ascii_lowercase() {
                return false;
            }
            letters += usize::from(c.is_ascii_uppercase());
        }
        letters > 1
    } else {
        !w.chars().any(char::is_lowercase) && w.chars().filter(|c| c.is_alphabetic()).count() > 1
    }
}

/// Parses one verb pattern as written in `verbs*.txt`.
pub fn parse_pattern(text: &str) -> Result<(Vec<PatternToken>, bool), String> {
    // An ASCII text without a vertical tab (Unicode whitespace, not ASCII
    // whitespace) splits the same at ASCII whitespace, byte by byte.
    if text.is_ascii() && !text.as_bytes().contains(&0x0b) {
        parse_words(text.split_ascii_whitespace())
    } else {
        parse_words(text.split_whitespace())
    }
}

fn parse_words<'a>(words: impl Iterator<Item = &'a str>) -> Result<(Vec<PatternToken>, bool), String> {
    let mut speaker = false;
    let mut tokens = Vec::with_capacity(8);
    let mut verbs = 0;
    for (i, w) in words.enumerate() {
        let tok = match w {
            "@" if i == 0 => {
                speaker = true;
                continue;
            }
            "*" => PatternToken::Gap,
            "+" => PatternToken::Target,
            "$" => PatternToken::Source,
            _ if w.as_bytes().contains(&b'|') => {
                // Alternatives are words; an UPPERCASE one, a verb anywhere
                // else in a pattern, would silently match only its base form.
                if let Some(v) = w.split('|').find(|a| is_verb_token(a)) {
                    return Err(format!(
                        "{v:?} in {w:?}: alternatives are words, not verbs (write one pattern per verb)"
                    ));
                }
                let mut alts = Vec::with_capacity(w.bytes().filter(|&b| b == b'|').count() + 1);
                for a in w.split('|') {
                    if a.is_empty() {
                        return Err(format!("empty alternative in {w:?}"));
                    }
                    alts.push(lowercase(a));
                }
                PatternToken::Alternatives(alts)
            }
            _ if w.len() > 1 && w.ends_with('?') => PatternToken::Optional(lowercase(&w[..w.len() - 1])),
            _ if is_verb_token(w) => {
                verbs += 1;
                PatternToken::Verb(lowercase(w))
            }
            _ if w.chars().any(|c| c.is_alphanumeric() || c == '\'' || c == '-' || c == '.') => {
                PatternToken::Word(lowercase(w))
            }
            _ => return Err(format!("unexpected token {w:?}")),
        };
        tokens.push(tok);
    }
    if verbs > 1 {
        return Err("more than one UPPERCASE verb".into());
    }
    // A leading `$` names the source just before the head ("$ condemnation of +").
    let head = usize::from(matches!(tokens.first(), Some(PatternToken::Source)));
    match tokens.get(head) {
        None => return Err("empty pattern".into()),
        Some(PatternToken::Word(_) | PatternToken::Verb(_) | PatternToken::Alternatives(_)) => {}
        Some(_) => return Err("a pattern must start with a word, alternatives or a verb (or `$` and then one)".into()),
    }
    if matches!(tokens.last(), Some(PatternToken::Gap)) {
        return Err("a pattern cannot end with a gap".into());
    }
    Ok((tokens, speaker))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_at_three_precisions() {
        assert_eq!(parse_date("2019"), NaiveDate::from_ymd_opt(2019, 1, 1));
        assert_eq!(parse_date("2019-09"), NaiveDate::from_ymd_opt(2019, 9, 1));
        assert_eq!(parse_date("2019-09-11"), NaiveDate::from_ymd_opt(2019, 9, 11));
        for bad in ["19", "2019-13", "2019-02-30", "soon", ""] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn patterns_parse_into_tokens() {
        let (t, s) = parse_pattern("@ HOLD a|the talks? * with +").unwrap();
        assert!(s);
        assert_eq!(
            t,
            [
                PatternToken::Verb("hold".into()),
                PatternToken::Alternatives(vec!["a".into(), "the".into()]),
                PatternToken::Optional("talks".into()),
                PatternToken::Gap,
                PatternToken::Word("with".into()),
                PatternToken::Target,
            ]
        );
        assert!(parse_pattern("HOLD MEET").is_err());
        // An UPPERCASE alternative would be read as the word, not the verb.
        let e = parse_pattern("SAY|TELL that +").unwrap_err();
        assert!(e.contains("\"SAY\"") && e.contains("one pattern per verb"), "{e}");
        assert!(parse_pattern("DENOUNCE the|a regime").is_ok());
        assert!(parse_pattern("+ VISIT").is_err());
        assert_eq!(parse_pattern("$ condemnation of +").unwrap().0[0], PatternToken::Source);
        assert!(parse_pattern("$ * VISIT").is_err());
        assert!(parse_pattern("VISIT *").is_err());
        assert!(parse_pattern("").is_err());
        // A single capital letter is a word, not a verb.
        assert_eq!(parse_pattern("plan B").unwrap().0[1], PatternToken::Word("b".into()));
    }
}
