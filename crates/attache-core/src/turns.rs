//! Speaker turns in transcripts: "Question:", "Q:", "Sergey Lavrov:",
//! "MR PRICE:" open a turn that runs to the next label.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

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

const PRESS: &[&str] = &["question", "q", "questioner", "journalist", "reporter", "audience", "voice", "press", "participant", "media"];
const NOT_SPEAKERS: &[&str] = &[
    "note", "update", "editor's note", "photo", "source", "sources", "related", "tags", "read more", "see also", "warning",
    "disclaimer", "background", "context", "summary", "translation", "transcript", "video", "audio", "watch", "location",
    "date", "time", "subject", "re", "attention", "important", "breaking", "exclusive", "analysis", "opinion", "comment",
];

static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<label>(?:[A-Z][\p{L}.'’-]*|de|van|von|al|bin|la|le|da|di|of|the)(?:\s+(?:[A-Z][\p{L}.'’-]*|de|van|von|al|bin|la|le|da|di|of|the)){0,5})\s*:\s+\S").unwrap()
});

/// A label's speaker resolved by the caller (actor lookup by name).
pub trait ResolveSpeaker {
    /// The actor code for a speaker label, if the name is known.
    fn speaker_code(&self, label: &str) -> Option<String>;
}

/// Finds the turns of `text` among its paragraph `lines`. The opening text
/// before the first label belongs to `main_speaker` (when there is one).
pub fn split(text: &str, lines: &[Range<usize>], main_speaker: Option<(&str, Option<&str>)>, resolve: &dyn ResolveSpeaker) -> Vec<Turn> {
    let mut labels: Vec<(Range<usize>, Range<usize>, usize)> = Vec::new();
    for r in lines {
        let line = &text[r.clone()];
        // A label needs a colon: most lines are turned away before the regex.
        if !line.contains(':') {
            continue;
        }
        if let Some(c) = LABEL.captures(line) {
            let l = c.name("label").expect("label");
            let lower = l.as_str().to_lowercase();
            if NOT_SPEAKERS.contains(&lower.as_str()) {
                continue;
            }
            let colon = line[l.end()..].find(':').map(|i| l.end() + i + 1).unwrap_or(l.end());
            labels.push((r.clone(), r.start + l.start()..r.start + l.end(), r.start + colon));
        }
    }
    let mut turns = Vec::new();
    let first_start = labels.first().map(|l| l.0.start).unwrap_or(text.len());
    if main_speaker.is_some() || labels.is_empty() {
        let (name, code) = main_speaker.map(|(n, c)| (Some(n.to_string()), c.map(str::to_string))).unwrap_or((None, None));
        if first_start > 0 || labels.is_empty() {
            turns.push(Turn { span: 0..first_start, label: None, body_start: 0, speaker: name, speaker_code: code, press: false });
        }
    } else if first_start > 0 {
        turns.push(Turn { span: 0..first_start, label: None, body_start: 0, speaker: None, speaker_code: None, press: false });
    }
    for (k, (line, label, body_start)) in labels.iter().enumerate() {
        let end = labels.get(k + 1).map(|l| l.0.start).unwrap_or(text.len());
        let name = &text[label.clone()];
        let lower = name.to_lowercase();
        let press = PRESS.contains(&lower.as_str());
        let (speaker, code) = if press {
            (None, None)
        } else {
            let code = resolve.speaker_code(name).or_else(|| {
                // The main speaker's surname or full name.
                main_speaker.and_then(|(n, c)| {
                    let last = n.split_whitespace().last().unwrap_or(n).to_lowercase();
                    (lower.contains(&last)).then(|| c.map(str::to_string)).flatten()
                })
            });
            (Some(name.to_string()), code)
        };
        turns.push(Turn { span: line.start..end, label: Some(label.clone()), body_start: *body_start, speaker, speaker_code: code, press });
    }
    turns
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::lines;

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
        assert_eq!(who, [(Some("Ivan Petrov"), false), (None, true), (Some("Ivan Petrov"), false), (Some("MR SMITH"), false)]);
        assert_eq!(turns[2].speaker_code.as_deref(), Some("RUSGOV"));
        assert_eq!(&t[turns[2].body_start..turns[2].span.end], " We stand firm.\nMore from him.\n");
        assert_eq!(turns[3].speaker_code, None);
        assert!(t[turns[3].span.clone()].contains("Note: this is not a turn."));
    }
}
