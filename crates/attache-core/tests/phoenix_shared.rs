//! Reads the shared reference copy of the Phoenix (TABARI/PETRARCH)
//! dictionaries, when it is there, and checks that they load and compile.
//! The files are not part of the project; CI has them beside the repository.

use std::collections::HashSet;
use std::path::Path;

use attache_core::dict::phoenix::{self, FileKind};
use attache_core::dict::Dictionaries;

const PHOENIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/dictionaries/phoenix");

#[test]
#[ignore = "reads ../shared; run by .ci/shared-checks"]
fn shared_phoenix_set_loads_and_compiles() {
    let dir = Path::new(PHOENIX);
    if !dir.is_dir() {
        eprintln!("note: {PHOENIX} is absent; skipping the shared Phoenix test");
        return;
    }
    assert!(phoenix::looks_like_phoenix(dir));
    let (src, problems) = Dictionaries::read_dir(dir);

    // Every kind of file was read.
    for kind in [FileKind::Actors, FileKind::Agents, FileKind::Verbs, FileKind::Discards] {
        assert!(src.files.iter().any(|f| FileKind::of(f) == Some(kind)), "no {kind:?} file read: {:?}", src.files);
    }

    let mut names: HashSet<String> = src.actors.iter().map(|a| a.phrase.to_lowercase()).collect();
    names.extend(src.people.iter().flat_map(|t| t.names.iter().map(|n| n.to_lowercase())));
    assert!(names.len() > 10_000, "{} actor names", names.len());
    assert!(src.people.len() > 10_000, "{} dated or sector codes", src.people.len());
    assert!(src.actors.iter().any(|a| a.code == "JPN"), "no JPN country phrase");
    assert!(src.roles.len() > 1_000, "{} role words", src.roles.len());
    assert!(src.verbs.len() > 10_000, "{} verb patterns", src.verbs.len());
    assert!(src.discards.len() > 100, "{} discards", src.discards.len());
    assert!(src.irregular.len() > 50, "{} irregular verbs", src.irregular.len());

    // Problems name a file that was read and a line in it; constructs we
    // cannot express are summed up, not listed one by one.
    let files: HashSet<&str> = src.files.iter().map(String::as_str).collect();
    for p in &problems {
        assert!(p.line > 0, "{p}");
        assert!(files.contains(p.file.as_str()) || FileKind::of(&p.file) == Some(FileKind::Issues), "{p}");
    }
    assert!(problems.len() < 200, "{} problems: too many to be real", problems.len());

    let dicts = match Dictionaries::compile(src) {
        Ok(d) => d,
        Err(errors) => panic!("{} compile errors, first: {}", errors.len(), errors[0]),
    };
    assert!(dicts.verbs.patterns.len() > 10_000);
    assert!(dicts.actors.people.len() > 10_000);
}
