//! Shared by the golden tests of the library and of the CLI: expected
//! events (`SOURCE TARGET CODE`, each a prefix; `-` = no target) against
//! coded ones, as JSON records.

use serde_json::Value;

/// An expected event: source, target (None = no target) and code prefixes.
pub fn matches(expect: &str, e: &Value) -> bool {
    let f: Vec<&str> = expect.split_whitespace().collect();
    assert_eq!(f.len(), 3, "expectation {expect:?} is not 'SOURCE TARGET CODE'");
    let code = |v: &Value| v["code"].as_str().unwrap_or("").to_string();
    let target_ok = match (f[1], e["target"].is_null()) {
        ("-", true) => true,
        ("-", false) => false,
        (_, true) => false,
        (t, false) => code(&e["target"]).starts_with(t),
    };
    code(&e["source"]).starts_with(f[0]) && target_ok && e["cameo"].as_str().unwrap_or("").starts_with(f[2])
}

/// Compares coded events with expectations; `None` when they agree.
pub fn compare(expect: &[String], events: &[Value]) -> Option<String> {
    let mut used = vec![false; events.len()];
    let mut missing = Vec::new();
    for x in expect {
        match (0..events.len()).find(|&i| !used[i] && matches(x, &events[i])) {
            Some(i) => used[i] = true,
            None => missing.push(x.clone()),
        }
    }
    let extra: Vec<String> = events
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(e, _)| format!("{} {} {} ({})", e["source"]["code"], e["target"]["code"], e["cameo"], e["rule"]))
        .collect();
    (!missing.is_empty() || !extra.is_empty()).then(|| format!("missing {missing:?}, unexpected {extra:?}"))
}
