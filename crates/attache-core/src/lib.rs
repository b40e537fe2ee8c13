//! # attache-core
//!
//! The attache pipeline: diplomatic transcripts and news in, CAMEO/PLOVER
//! events out, each pointing at the exact words it came from.
//!
//! ```text
//! bytes ──ingest──▶ Document ──meta──▶ date, place, headline, boilerplate
//!                      │      ──turns──▶ speaker turns
//!                      │      ──text───▶ tokens, sentences (byte ranges)
//!                      │      ──actors─▶ mentions → actor phrases → codes
//!                      └──────events──▶ verb patterns → clause rules → Event
//! ```
//!
//! The [`Document`](document::Document) owns the text; tokens, sentences,
//! turns, mentions and events are ranges into it. The
//! [`Dictionaries`](dict::Dictionaries) are compiled once and borrowed
//! immutably by every stage, so documents can be coded on many threads.
//!
//! Main types:
//! - [`ingest`]: [`InputFormat`](ingest::InputFormat), validation,
//!   [`JsonlReader`](ingest::JsonlReader); [`html`]: main text of a page.
//! - [`meta`], [`turns`], [`text`], [`actors`], [`events`]: the stages.
//! - [`pipeline`]: [`analyze`](pipeline::analyze) (what `attache parse`
//!   shows) and [`code`](pipeline::code) (what `attache code` writes).
//! - [`output`]: the [`Event`](output::Event) record and its writers.
//! - [`ontology`]: typed [`CameoCode`](ontology::CameoCode)s with Goldstein,
//!   QuadClass and PLOVER.
//!
//! ```
//! use attache_core::{dict::Dictionaries, document::Document, pipeline};
//! let dicts = Dictionaries::builtin().expect("our dictionaries compile");
//! let mut doc = Document::new("example", "Russia condemned Japan on Monday.");
//! doc.given.date = chrono::NaiveDate::from_ymd_opt(2019, 1, 14);
//! let events = pipeline::code(&dicts, &doc, &Default::default());
//! assert!(events.iter().any(|e| e.source.code == "RUS" && e.root == "11"));
//! ```

pub mod actors;
pub mod dict;
pub mod document;
pub mod error;
pub mod eval;
pub mod events;
pub mod html;
pub mod ingest;
pub mod meta;
pub mod ontology;
pub mod output;
pub mod pipeline;
pub mod text;
pub mod turns;

pub use error::{DictError, Error, InputError};
