//! Property tests over generated input: whatever the text, bytes or JSON
//! line, the pipeline does not panic, and every span it reports is a valid
//! range of the document at character boundaries. The generators favour what
//! trips byte-offset code: apostrophes before multi-byte letters, combining
//! marks, typographic quotes and dashes, emoji, lone punctuation, digits,
//! markup, and real actor and verb words so that the event rules run.

use attache_core::dict::Dictionaries;
use attache_core::document::Document;
use attache_core::ingest::{self, InputFormat};
use attache_core::pipeline::{self, Options};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

const PIECES: &[&str] = &[
    " ", " ", " ", "\n", "\n\n", ".", ",", "?", "!", ";", ":", "'", "’", "‘", "\"", "“", "”", "-", "–", "—", "(", ")",
    "N'", "d'", "l'", "é", "É", "ß", "ø", "ğ", "\u{0301}", "\u{00ad}", "\u{feff}", "\u{200b}", "🙂", "中国", "Россия",
    "2019", "1,500", "3.5", "Jan.", "U.S.", "Mr.", "Russia", "Japan", "Kherson", "Lavrov", "Taro Kono",
    "the government", "police", "we", "our", "Ukrainian", "condemned", "met", "agreed", "will", "not", "talks with",
    "sanctions on", "each other", "and", "that", "said", "must", "in 2008", "years ago", "MOSCOW, Jan 14 (Reuters) - ",
    "Sergey Lavrov: ", "Question: ", "<p>", "</p>", "<script>", "&amp;", "Zérékoré", "Côte d'Ivoire",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..60).prop_map(|v| v.concat())
}

fn runner() -> TestRunner {
    TestRunner::new(Config { cases: 400, failure_persistence: None, ..Config::default() })
}

fn check_spans(doc: &Document, dicts: &Dictionaries, opts: &Options) -> Result<(), TestCaseError> {
    for e in pipeline::code(dicts, doc, opts) {
        let [a, b] = e.span;
        prop_assert!(doc.text.get(a..b).is_some(), "event span {a}..{b} is not a range of {:?}", doc.text);
        let [va, vb] = e.verb.span;
        prop_assert!(doc.text.get(va..vb).is_some(), "verb span {va}..{vb} is not a range of {:?}", doc.text);
    }
    Ok(())
}

#[test]
fn generated_text_codes_without_panic_and_with_valid_spans() {
    let dicts = Dictionaries::builtin().expect("built-in dictionaries compile");
    let with_all = Options { statements: true, ..Options::default() };
    runner()
        .run(&text(), |t| {
            let doc = Document::new("generated", t);
            check_spans(&doc, &dicts, &Options::default())?;
            check_spans(&doc, &dicts, &with_all)?;
            let _ = pipeline::analyze(&dicts, &doc, &with_all);
            Ok(())
        })
        .unwrap();
}

#[test]
fn arbitrary_unicode_codes_without_panic() {
    let dicts = Dictionaries::builtin().expect("built-in dictionaries compile");
    runner()
        .run(&"\\PC{0,300}", |t| {
            let doc = Document::new("arbitrary", t);
            check_spans(&doc, &dicts, &Options::default())
        })
        .unwrap();
}

#[test]
fn arbitrary_bytes_are_read_or_refused_without_panic() {
    let dicts = Dictionaries::builtin().expect("built-in dictionaries compile");
    let bytes = prop::collection::vec(any::<u8>(), 0..400);
    runner()
        .run(&(bytes, text()), |(raw, t)| {
            for input in [raw.as_slice(), t.as_bytes()] {
                for format in [InputFormat::Auto, InputFormat::Text, InputFormat::Html] {
                    match ingest::from_bytes("generated.html", input, format) {
                        // What is read (decoded, if it was not UTF-8) is coded.
                        Ok(doc) => check_spans(&doc, &dicts, &Options::default())?,
                        Err(e) => prop_assert!(
                            e.to_string().contains("generated.html"),
                            "the error does not name the document: {e}"
                        ),
                    }
                }
                let line = String::from_utf8_lossy(input);
                let _ = ingest::from_json_line("generated.jsonl", 1, &line, 0);
                let _ = ingest::from_json_line(
                    "generated.jsonl",
                    1,
                    &format!("{{\"id\": 1, \"text\": {:?}, \"date\": {:?}}}", t, t),
                    0,
                );
            }
            Ok(())
        })
        .unwrap();
}
