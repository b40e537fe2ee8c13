//! # attache-store
//!
//! The event store: coded documents and their events in one SQLite file
//! (WAL mode, no server), queried by dyad, code, period, speaker and text.
//!
//! ```text
//! Document ──code_document──▶ CodedDocument ──Store::write──▶ documents, turns,
//!   (attache-core pipeline)    (turns, sentences, events)      sentences, events,
//!                                                              codings, runs
//! Store ──events / aggregate / series / document──▶ pages, grouped rows, series
//! Store ──diff(run_a, run_b)──▶ RunDiff (added, removed, changed)
//! ```
//!
//! Main types:
//! - [`Store`]: one connection; [`Store::open`] creates and migrates
//!   ([`schema`] has the tables and why they look as they do),
//!   [`Store::open_read_only`] is for readers such as the server.
//! - [`RunConfig`] / [`Run`]: a coding run is one attache version, one
//!   dictionary hash and one set of options. Writing a document a run has
//!   already coded does nothing; coding a known document in a new run makes
//!   that run's events the document's *current* ones, which queries read.
//! - [`CodedDocument`] and [`code_document`]: the pipeline's output as the
//!   store keeps it; [`document_hash`] is a document's identity.
//! - [`Filter`], [`Group`], [`Period`]: queries; [`Store::aggregate`] gives
//!   count and mean Goldstein per group, [`Store::series`] a gap-filled
//!   time series, [`Store::events`] pages of full event records.
//! - [`RunDiff`]: [`Store::diff`] compares two runs.
//! - [`StoreError`]: the one error type.
//!
//! ```
//! use attache_core::{dict::Dictionaries, document::Document, pipeline::Options};
//! use attache_store::{code_document, Filter, Group, Order, Period, RunConfig, Store};
//!
//! # let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/store/dict"));
//! # let dicts = Dictionaries::compile(Dictionaries::read_dir(dir).0).unwrap();
//! // let dicts = Dictionaries::builtin()?;
//! let opts = Options::default();
//! let mut store = Store::open_in_memory()?;  // or Store::open("events.db")
//! let run = store.run_for(&RunConfig::new(&dicts, &opts))?;
//! let doc = Document::new("note.txt", "Moscow, January 14, 2019\n\nRussia criticised Japan.");
//! let stats = store.write(run, &[code_document(&dicts, doc.clone(), &opts)])?;
//! assert_eq!(stats.new_documents, 1);
//! // The same document again: nothing to do.
//! assert_eq!(store.write(run, &[code_document(&dicts, doc, &opts)])?.unchanged, 1);
//! let f = Filter { source: Some("RUS".into()), ..Filter::default() };
//! let by_month = store.aggregate(&f, &[Group::Period(Period::Month), Group::Dyad], Order::Keys, None)?;
//! assert_eq!(by_month.columns, ["month", "source", "target"]);
//! assert_eq!(by_month.rows[0].keys, [Some("2019-01".into()), Some("RUS".into()), Some("JPN".into())]);
//! # Ok::<(), attache_store::StoreError>(())
//! ```

mod coded;
mod codes;
mod diff;
mod error;
#[cfg(feature = "fixtures")]
pub mod fixtures;
mod query;
pub mod schema;
mod store;
#[cfg(feature = "fixtures")]
pub mod synthetic;

pub use coded::{code_document, document_hash, CodedDocument, SentenceRow, TurnRow};
pub use diff::{diff_document, EventChange, RunDiff};
pub use error::{Result, StoreError};
pub use query::{
    DocumentView, EventPage, Filter, Group, GroupRow, Grouped, Order, Period, SeriesPoint, StoredEvent, StoredSentence,
    MAX_TEXT_FILTER,
};
pub use store::{Run, RunConfig, Store, StoredDocument, WriteStats};
