//! The limit baseline: one Aho-Corasick pass over the corpus bytes with
//! the same actor and verb vocabulary the coder uses. Whatever the coder
//! does beyond finding those words (sentences, chunking, clauses, rules,
//! JSON) is what the ratio between the two measures.

use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::Path;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use attache_core::dict::{DictSource, Dictionaries};

/// One automaton over every actor phrase, role word, person name and verb
/// form, matched leftmost-longest and ASCII case-insensitively.
pub struct ScanBaseline {
    ac: AhoCorasick,
    pub patterns: usize,
}

impl ScanBaseline {
    /// The vocabulary of `src` (as written) plus the verb forms `dicts` compiled.
    pub fn new(src: &DictSource, dicts: &Dictionaries) -> ScanBaseline {
        let mut words: Vec<String> = Vec::new();
        words.extend(src.actors.iter().map(|a| a.phrase.to_lowercase()));
        words.extend(src.roles.iter().map(|r| r.phrase.to_lowercase()));
        words.extend(src.people.iter().flat_map(|p| p.names.iter().map(|n| n.to_lowercase())));
        words.extend(src.not_actors.iter().map(|(p, _)| p.to_lowercase()));
        words.extend(dicts.verbs.vocab.keys().cloned());
        words.retain(|w| !w.is_empty());
        words.sort();
        words.dedup();
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .build(&words)
            .expect("the vocabulary compiles");
        ScanBaseline { ac, patterns: words.len() }
    }

    /// Matches in `haystack`.
    pub fn count(&self, haystack: &[u8]) -> usize {
        self.ac.find_iter(haystack).count()
    }

    /// Reads `path` line by line (the way the coder reads JSONL) and counts
    /// matches: (bytes, matches).
    pub fn scan_file(&self, path: &Path) -> io::Result<(u64, usize)> {
        let mut r = BufReader::with_capacity(1 << 16, File::open(path)?);
        let mut line = Vec::with_capacity(1 << 16);
        let (mut bytes, mut matches) = (0u64, 0usize);
        loop {
            line.clear();
            let n = r.read_until(b'\n', &mut line)?;
            if n == 0 {
                return Ok((bytes, matches));
            }
            bytes += n as u64;
            matches += self.count(&line);
        }
    }
}
