//! Every example sentence in our verb dictionaries (`> sentence => SOURCE
//! TARGET CODE`) is coded, and must yield an event with exactly that code
//! whose source and target match at country level (`-` = any target).

use attache_core::dict::Dictionaries;
use attache_core::document::Document;
use attache_core::pipeline::{self, Options};

fn country(code: &str) -> &str {
    let n = if attache_core::dict::is_igo_prefix(code) { 6 } else { 3 };
    code.get(..n).unwrap_or(code)
}

#[test]
fn every_dictionary_example_codes_its_event() {
    let dicts = Dictionaries::builtin().expect("built-in dictionaries compile");
    let mut failures = Vec::new();
    for ex in &dicts.examples {
        let doc = Document::new(format!("{}:{}", ex.loc.file, ex.loc.line), ex.sentence.clone());
        // Statement families (01x) are opt-in; their examples switch them on.
        let events = pipeline::code(&dicts, &doc, &Options { statements: true, ..Options::default() });
        let ok = events.iter().any(|e| {
            e.cameo == ex.code
                && ex.source.as_deref().is_none_or(|s| country(&e.source.code) == country(s))
                && ex
                    .target
                    .as_deref()
                    .is_none_or(|t| e.target.as_ref().is_some_and(|a| country(&a.code) == country(t)))
        });
        if !ok {
            let got: Vec<String> = events
                .iter()
                .map(|e| {
                    format!(
                        "{} {} {}",
                        e.source.code,
                        e.target.as_ref().map(|t| t.code.as_str()).unwrap_or("-"),
                        e.cameo
                    )
                })
                .collect();
            failures.push(format!(
                "{}:{}: expected {} {} {}, got {:?}\n    «{}»",
                ex.loc.file,
                ex.loc.line,
                ex.source.as_deref().unwrap_or("-"),
                ex.target.as_deref().unwrap_or("-"),
                ex.code,
                got,
                ex.sentence
            ));
        }
    }
    let total = dicts.examples.len();
    assert!(total >= 500, "only {total} examples");
    assert!(
        failures.is_empty(),
        "{} of {total} dictionary examples do not code their event:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
