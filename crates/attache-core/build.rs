//! Embeds every file of `dictionaries/` into the library, so the `attache`
//! binary carries its dictionaries and needs no data directory at run time.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../dictionaries");
    let dir = dir.canonicalize().expect("the dictionaries/ directory exists");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("dictionaries/ is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    names.sort();
    let mut out = String::from("/// Our dictionary files, embedded at build time: (file name, text).\npub static EMBEDDED: &[(&str, &str)] = &[\n");
    for p in &names {
        println!("cargo:rerun-if-changed={}", p.display());
        let name = p.file_name().unwrap().to_string_lossy();
        out.push_str(&format!("    ({name:?}, include_str!({:?})),\n", p.display().to_string()));
    }
    out.push_str("];\n");
    let dest = PathBuf::from(env::var("OUT_DIR").unwrap()).join("embedded_dictionaries.rs");
    fs::write(dest, out).expect("OUT_DIR is writable");
}
