//! # attache-bench
//!
//! Throughput tooling for attache, kept out of the `attache` binary:
//!
//! - [`corpus`]: a seeded generator of wire stories and diplomatic
//!   transcripts (templates and vocabulary written here), scalable to
//!   millions of sentences; `attache-bench corpus` writes it as JSONL.
//! - [`baseline`]: the limit baseline, one Aho-Corasick pass over the same
//!   bytes with the same actor and verb vocabulary.
//! - `attache-bench throughput`: runs the real `attache code` on a corpus
//!   (reading the file, writing JSONL) at one or more thread counts, reads
//!   its sentence/event counts and peak memory, runs the baseline over the
//!   same file, and prints the figures and their ratio.
//! - `benches/`: criterion benches per stage and end to end, and for
//!   loading the dictionaries; each asserts the counts it expects.
//!
//! ```
//! let (bytes, summary) = attache_bench::corpus::jsonl(7, 100);
//! assert!(summary.sentences >= 100 && bytes.ends_with(b"\n"));
//! ```

pub mod baseline;
pub mod corpus;
