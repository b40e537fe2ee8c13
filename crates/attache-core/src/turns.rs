//! Speaker turns in transcripts: "Question:", "Q:", "Sergey Lavrov:",
//! "MR PRICE:" open a turn that runs to the next label.

use std::ops::Range;

use serde::Serialize;

use crate::meta::{is_letter, skip_space};

#[derive(Clone, Debug, Serialize)]
pub struct Turn {
    /// The whole turn, label included.
    pub span: Range<usize>,
    /// The label ("Sergey Lavrov"); `None` for the opening statement.
    pub label: Option<Range<usize>>,
    /// Text after the label.
    pub body_start: usize,
    /// The speaker's name as written (or the main speaker's, for the opening).
    pub speaker: Option<String>,
    pub speaker_code: Option<String>,
    /// A question from the press.
    pub press: bool,
}

const PRESS: &[&str] =
    &["question", "q", "questioner", "journalist", "reporter", "audience", "voice", "press", "participant", "media"];
const NOT_SPEAKERS: &[&str] = &[
    "note", "update", "editor's note", "photo", "source", "sources", "related", "tags", "read more", "see also",
    "warning", "disclaimer", "background", "context", "summary", "translation", "transcript", "video", "audio",
    "watch", "location", "date", "time", "subject", "re", "attention", "important", "breaking", "exclusive",
    "analysis", "opinion", "comment",
];

/// Lowercase words a name can hold ("Ursula von der Leyen").
const PARTICLES: &[&str] = &["de", "van", "von", "al", "bin", "la", "le", "da", "di", "of", "the"];

/// One word of a label at `i`: `[A-Z][\p{L}.'’-]*` or a particle; its end.
fn name_word(line: &str, i: usize) -> Option<usize> {
    let rest = &line[i..];
    let bytes = rest.as_bytes();
    if bytes.first().is_some_and(u8::is_ascii_uppercase) {
        // ASCII a byte at a time, other characters as characters.
        let mut n = 1;
        while let Some(&b) = bytes.get(n) {
            if b.is_ascii_alphabetic() || matches!(b, b'.' | b'\'' | b'-') {
                n += 1;
            } else if b < 0x80 {
                break;
            } else {
                let c = rest[n..].chars().next().expect("char boundary");
                if !(is_letter(c) || c == '’') {
                    break;
                }
                n += c.len_utf8();
            }
        }
        return Some(i + n);
    }
    PARTICLES.iter().find(|p| rest.starts_with(*p)).map(|p| i + p.len())
}

/// The speaker label opening `line`: the end of the name and the position
/// after its colon. The language and match of
/// `^(?P<label>WORD(?:\s+WORD){0,5})\s*:\s+\S` where WORD is
/// `(?:[A-Z][\p{L}.'’-]*|de|van|von|al|bin|la|le|da|di|of|the)`. A word
/// never starts with white space or a colon, so taking as many words as
/// there are (up to six) is the only way the colon can follow; a
/// capitalised word runs as far as its class does for the same reason.
fn label(line: &str) -> Option<(usize, usize)> {
    let mut end = name_word(line, 0)?;
    for _ in 0..5 {
        let next = skip_space(line, end);
        match name_word(line, next) {
            Some(e) if next > end => end = e,
            _ => break,
        }
    }
    let colon = skip_space(line, end);
    if line.as_bytes().get(colon) != Some(&b':') {
        return None;
    }
    let body = skip_space(line, colon + 1);
    (body > colon + 1 && body < line.len()).then_some((end, colon + 1))
}

/// `name` lowercased (Unicode) is one of `words`.
fn lowercase_is_one_of(name: &str, words: &[&str]) -> bool {
    if name.is_ascii() {
        words.iter().any(|w| w.eq_ignore_ascii_case(name))
    } else {
        words.contains(&name.to_lowercase().as_str())
    }
}

/// A label's speaker resolved by the caller (actor lookup by name).
pub trait ResolveSpeaker {
    /// The actor code for a speaker label, if the name is known.
    fn speaker_code(&self, label: &str) -> Option<String>;
}

/// Finds the turns of `text` among its paragraph `lines`. The opening text
/// before the first label belongs to `main_speaker` (when there is one).
pub fn split(
    text: &str,
    lines: &[Range<usize>],
    main_speaker: Option<(&str, Option<&str>)>,
    resolve: &dyn ResolveSpeaker,
) -> Vec<Turn> {
    let mut labels: Vec<(Range<usize>, Range<usize>, usize)> = Vec::new();
    for r in lines {
        let line = &text[r.clone()];
        if let Some((name_end, after_colon)) = label(line) {
            if lowercase_is_one_of(&line[..name_end], NOT_SPEAKERS) {
                continue;
            }
            labels.push((r.clone(), r.start..r.start + name_end, r.start + after_colon));
        }
    }
    let mut turns = Vec::new();
    let first_start = labels.first().map(|l| l.0.start).unwrap_or(text.len());
    if main_speaker.is_some() || labels.is_empty() {
        let (name, code) =
            main_speaker.map(|(n, c)| (Some(n.to_string()), c.map(str::to_string))).unwrap_or((None, None));
        if first_start > 0 || labels.is_empty() {
            turns.push(Turn {
                span: 0..first_start,
                label: None,
                body_start: 0,
                speaker: name,
                speaker_code: code,
                press: false,
            });
        }
    } else if first_start > 0 {
        turns.push(Turn {
            span: 0..first_start,
            label: None,
            body_start: 0,
            speaker: None,
            speaker_code: None,
            press: false,
        });
    }
    for (k, (line, label, body_start)) in labels.iter().enumerate() {
        let end = labels.get(k + 1).map(|l| l.0.start).unwrap_or(text.len());
        let name = &text[label.clone()];
        let press = lowercase_is_one_of(name, PRESS);
        let (speaker, code) = if press {
            (None, None)
        } else {
            let code = resolve.speaker_code(name).or_else(|| {
                // The main speaker's surname or full name.
                main_speaker.and_then(|(n, c)| {
                    let last = n.split_whitespace().last().unwrap_or(n).to_lowercase();
                    (name.to_lowercase().contains(&last)).then(|| c.map(str::to_string)).flatten()
                })
            });
            (Some(name.to_string()), code)
        };
        turns.push(Turn {
            span: line.start..end,
            label: Some(label.clone()),
            body_start: *body_start,
            speaker,
            speaker_code: code,
            press,
        });
    }
    turns
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::lines;
    use proptest::prelude::*;

    struct Names;
    impl ResolveSpeaker for Names {
        fn speaker_code(&self, label: &str) -> Option<String> {
            (label == "Ivan Petrov").then(|| "RUSGOV".to_string())
        }
    }

    #[test]
    fn labels_open_turns() {
        let t = "Opening words by the minister.\n\nQuestion: What about the islands?\n\nIvan Petrov: We stand firm.\nMore from him.\nMR SMITH: Next question.\nNote: this is not a turn.";
        let turns = split(t, &lines(t), Some(("Ivan Petrov", Some("RUSGOV"))), &Names);
        let who: Vec<_> = turns.iter().map(|t| (t.speaker.as_deref(), t.press)).collect();
        assert_eq!(
            who,
            [(Some("Ivan Petrov"), false), (None, true), (Some("Ivan Petrov"), false), (Some("MR SMITH"), false)]
        );
        assert_eq!(turns[2].speaker_code.as_deref(), Some("RUSGOV"));
        assert_eq!(&t[turns[2].body_start..turns[2].span.end], " We stand firm.\nMore from him.\n");
        assert_eq!(turns[3].speaker_code, None);
        assert!(t[turns[3].span.clone()].contains("Note: this is not a turn."));
    }
    /// The expression [`label`] implements, compiled with the `regex` crate.
    static LABEL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^(?P<label>(?:[A-Z][\p{L}.'’-]*|de|van|von|al|bin|la|le|da|di|of|the)(?:\s+(?:[A-Z][\p{L}.'’-]*|de|van|von|al|bin|la|le|da|di|of|the)){0,5})\s*:\s+\S").unwrap()
    });

    fn agree(line: &str) {
        let want = LABEL.captures(line).map(|c| {
            let end = c.name("label").unwrap().end();
            (end, end + line[end..].find(':').unwrap() + 1)
        });
        assert_eq!(label(line), want, "label of {line:?}");
    }

    #[test]
    fn labels_agree_with_their_expression_on_edge_cases() {
        let lines = [
            "Sergey Lavrov: Thank you.", "MR PRICE: Next.", "Ursula von der Leyen: We agree.",
            "Ursula von der Leyen :  We agree.", "José Martí: x", "Ⅻ Lavrov: x", "Lavrovⅻ: x", "Lavrov\u{0301}: x",
            "O’Neill-Smith Jr.: x", "A B C D E F: x", "A B C D E F G: x", "de la Cruz: x", "della Cruz: x", "Lavrov:x",
            "Lavrov: ", "Lavrov:\u{a0}x", "Lavrov (RUS): x", "Article 5: x", "Q: x", "the\u{2003}Minister\t: x",
            "Minister devan: x", "",
        ];
        for line in lines {
            agree(line);
        }
    }

    const PIECES: &[&str] = &[
        "Sergey", "Lavrov", "MR", "Q", "de", "della", "von", "the", "of", "x", " ", "  ", "\t", "\u{a0}", ":", ".",
        "'", "’", "-", "é", "É", "Ⅻ", "\u{0301}", "\u{2003}", "5", "(", "İ", "\u{212a}",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        #[test]
        fn labels_agree_with_their_expression(
            line in prop::collection::vec(prop::sample::select(PIECES), 0..12).prop_map(|v| v.concat())
        ) {
            agree(&line);
        }
    }
}
