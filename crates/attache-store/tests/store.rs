//! The store against the corpus of `testdata/store`: round trip,
//! idempotency, runs and diffs, and query figures worked out by hand from
//! `testdata/store/events.tsv`.

use attache_core::output::Event;
use attache_store::fixtures::{self, hand_coded, hand_coded_store, run_config};
use attache_store::{Filter, Group, Order, Period, Store, StoreError};
use chrono::NaiveDate;

fn date(s: &str) -> Option<NaiveDate> {
    Some(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
}

fn key(e: &Event) -> (String, [usize; 2], String) {
    (e.doc.clone(), e.verb.span, e.source.code.clone())
}

/// Rows of a grouped query as (keys joined by " ", count, mean).
fn rows(g: &attache_store::Grouped) -> Vec<(String, u64, Option<f64>)> {
    g.rows
        .iter()
        .map(|r| {
            (
                r.keys.iter().map(|k| k.as_deref().unwrap_or("-")).collect::<Vec<_>>().join(" "),
                r.count,
                r.mean_goldstein,
            )
        })
        .collect()
}

#[test]
fn events_come_back_as_they_went_in() {
    let (store, _) = hand_coded_store();
    let mut written: Vec<Event> = hand_coded().into_iter().flat_map(|c| c.events).collect();
    let page = store.events(&Filter::default(), 1000, 0).unwrap();
    assert_eq!(page.total, 14);
    let mut read: Vec<Event> = page.events.into_iter().map(|e| e.event).collect();
    written.sort_by_key(key);
    read.sort_by_key(key);
    assert_eq!(read, written);
    // Date, document, text order.
    let page = store.events(&Filter::default(), 3, 0).unwrap();
    assert_eq!(
        page.events.iter().map(|e| e.event.verb.text.as_str()).collect::<Vec<_>>(),
        ["held", "praised", "criticised"]
    );
    let page2 = store.events(&Filter::default(), 3, 12).unwrap();
    assert_eq!((page2.total, page2.events.len()), (14, 2));
}

#[test]
fn pipeline_documents_round_trip_with_turns_and_sentences() {
    let mut store = Store::open_in_memory().unwrap();
    let run = store.run_for(&run_config("pipeline")).unwrap();
    let coded = fixtures::pipeline_coded();
    let stats = store.write(run, &coded).unwrap();
    assert_eq!(stats.new_documents, 4);
    let tokyo = coded.iter().find(|c| c.doc.id == "lavrov-tokyo-2019-02-12.txt").unwrap();
    let id = store.documents_named("lavrov-tokyo-2019-02-12.txt").unwrap()[0].0;
    let view = store.document(id, None).unwrap().unwrap();
    assert_eq!(view.text, tokyo.doc.text);
    assert_eq!(view.turns, tokyo.turns);
    assert_eq!(view.sentences.iter().map(|s| s.row.clone()).collect::<Vec<_>>(), tokyo.sentences);
    assert_eq!(view.date.as_deref(), Some("2019-02-12"));
    // Two press questions, three turns of the minister.
    assert_eq!(view.turns.iter().filter(|t| t.press).count(), 2);
    assert_eq!(view.events.len(), tokyo.events.len());
    assert!(view.sentences.iter().all(|s| s.text == tokyo.doc.text[s.row.span[0]..s.row.span[1]]));
}

#[test]
fn ingesting_the_same_documents_again_changes_nothing() {
    let (mut store, run) = hand_coded_store();
    let before = store.counts().unwrap();
    let again = store.write(run, &hand_coded()).unwrap();
    assert_eq!((again.new_documents, again.recoded, again.unchanged, again.events), (0, 0, 4, 0));
    assert_eq!(store.counts().unwrap(), before);
    // Same run config → same run.
    assert_eq!(store.run_for(&run_config("hand")).unwrap(), run);
    // A duplicate inside one batch is written once.
    let mut fresh = Store::open_in_memory().unwrap();
    let r = fresh.run_for(&run_config("hand")).unwrap();
    let mut twice = hand_coded();
    twice.extend(hand_coded());
    let s = fresh.write(r, &twice).unwrap();
    assert_eq!((s.new_documents, s.unchanged, s.events), (4, 4, 14));
    assert!(fresh.is_coded(r, &twice[0].hash).unwrap());
}

#[test]
fn dyad_series_by_month() {
    let (store, _) = hand_coded_store();
    let rus_jpn = Filter { source: Some("RUS".into()), target: Some("JPN".into()), ..Filter::default() };
    let g = store.aggregate(&rus_jpn, &[Group::Period(Period::Month)], Order::Keys, None).unwrap();
    assert_eq!(g.columns, ["month"]);
    // February: 4.0, 3.5, 1.0, 3.5 → 12.0 / 4. March: 3.5, -3.5, 2.5, -3.5 → -1.0 / 4.
    assert_eq!(rows(&g), [("2019-02".into(), 4, Some(3.0)), ("2019-03".into(), 4, Some(-0.25))]);
    // The series fills the empty January when asked from January on.
    let from_jan = Filter { from: date("2019-01-01"), ..rus_jpn.clone() };
    let s = store.series(&from_jan, Period::Month).unwrap();
    let points: Vec<(&str, u64, Option<f64>)> =
        s.iter().map(|p| (p.period.as_str(), p.count, p.mean_goldstein)).collect();
    assert_eq!(points, [("2019-01", 0, None), ("2019-02", 4, Some(3.0)), ("2019-03", 4, Some(-0.25))]);
    // Every dyad, month by month.
    let g =
        store.aggregate(&Filter::default(), &[Group::Period(Period::Month), Group::Dyad], Order::Keys, None).unwrap();
    assert_eq!(g.columns, ["month", "source", "target"]);
    assert_eq!(
        rows(&g),
        [
            ("2019-02 JPN RUS".into(), 2, Some(-1.0)),
            ("2019-02 RUS JPN".into(), 4, Some(3.0)),
            ("2019-02 RUS USA".into(), 1, Some(-3.5)),
            ("2019-03 RUS JPN".into(), 4, Some(-0.25)),
            ("2019-03 RUS USA".into(), 2, Some(-3.5)),
            ("2019-03 USA RUS".into(), 1, Some(-4.0)),
        ]
    );
}

#[test]
fn grouping_by_week_year_root_and_plover() {
    let (store, _) = hand_coded_store();
    let all = Filter::default();
    let by = |g: Group| rows(&store.aggregate(&all, &[g], Order::Keys, None).unwrap());
    // 12 Feb (Tue) → week of 11 Feb; 20 Feb (Wed) → 18 Feb; 21 Mar (Thu) → 18 Mar; 25 Mar is a Monday.
    assert_eq!(
        by(Group::Period(Period::Week)).iter().map(|r| (r.0.as_str(), r.1)).collect::<Vec<_>>(),
        [("2019-02-11", 5), ("2019-02-18", 2), ("2019-03-18", 6), ("2019-03-25", 1)]
    );
    // Tokyo 8.5, Kono -2.0, Moscow -8.5, the record -3.5: -5.5 / 14.
    assert_eq!(by(Group::Period(Period::Year)), [("2019".into(), 14, Some(-0.3929))]);
    assert_eq!(
        by(Group::Root),
        [
            ("02".into(), 2, Some(1.0)),
            ("03".into(), 1, Some(2.5)),
            ("04".into(), 1, Some(4.0)),
            ("05".into(), 3, Some(3.5)),
            ("11".into(), 6, Some(-3.5)), // 111 ×4, 114, 112: -14 - 3 - 4 = -21
            ("12".into(), 1, Some(-3.5)),
        ]
    );
    let plover = store.aggregate(&all, &[Group::Plover], Order::CountDesc, None).unwrap();
    assert_eq!(
        rows(&plover),
        [
            ("ACCUSE".into(), 6, Some(-3.5)),
            ("SUPPORT".into(), 3, Some(3.5)),
            ("-".into(), 2, Some(1.0)), // 020 has no PLOVER category
            ("AGREE".into(), 1, Some(2.5)),
            ("CONSULT".into(), 1, Some(4.0)),
            ("REJECT".into(), 1, Some(-3.5)),
        ]
    );
    let top = store.aggregate(&all, &[Group::Dyad], Order::CountDesc, Some(2)).unwrap();
    assert_eq!(rows(&top), [("RUS JPN".into(), 8, Some(1.375)), ("RUS USA".into(), 3, Some(-3.5))]);
}

#[test]
fn filters() {
    let (store, _) = hand_coded_store();
    let count = |f: Filter| store.count(&f).unwrap();
    assert_eq!(count(Filter::default()), 14);
    // A code is a prefix: RUSGOV leaves out the plain "Russia" of the last record.
    assert_eq!(count(Filter { source: Some("RUSGOV".into()), ..Filter::default() }), 10);
    assert_eq!(count(Filter { source: Some("RUS".into()), ..Filter::default() }), 11);
    assert_eq!(count(Filter { target: Some("usagov".into()), ..Filter::default() }), 1);
    assert_eq!(count(Filter { root: Some("11".into()), ..Filter::default() }), 6);
    assert_eq!(count(Filter { cameo: Some("11".into()), ..Filter::default() }), 6);
    assert_eq!(count(Filter { cameo: Some("111".into()), ..Filter::default() }), 4);
    assert_eq!(count(Filter { plover: Some("support".into()), ..Filter::default() }), 3);
    assert_eq!(count(Filter { quad_class: Some(3), ..Filter::default() }), 7);
    assert_eq!(count(Filter { from: date("2019-02-15"), to: date("2019-03-21"), ..Filter::default() }), 8);
    assert_eq!(count(Filter { speaker: Some("lavrov".into()), ..Filter::default() }), 11);
    assert_eq!(count(Filter { speaker: Some("Kono".into()), ..Filter::default() }), 2);
    assert_eq!(count(Filter { text: Some("missile defence".into()), ..Filter::default() }), 1);
    let missile = store
        .events(
            &Filter {
                source: Some("RUS".into()),
                target: Some("USA".into()),
                text: Some("MISSILE".into()),
                ..Filter::default()
            },
            10,
            0,
        )
        .unwrap();
    assert_eq!(missile.events.len(), 1);
    assert!(missile.events[0]
        .event
        .sentence
        .starts_with("We criticised the United States for deploying missile defence systems"));
    assert_eq!(missile.events[0].event.speaker.as_deref(), Some("Sergey Lavrov"));
    // Values are data, never SQL; LIKE's wildcards are taken literally.
    assert_eq!(count(Filter { text: Some("%' OR 1=1 --".into()), ..Filter::default() }), 0);
    assert_eq!(count(Filter { text: Some("%".into()), ..Filter::default() }), 0);
    assert!(matches!(
        store.count(&Filter { source: Some("RUS' --".into()), ..Filter::default() }),
        Err(StoreError::BadQuery(_))
    ));
}

#[test]
fn recoding_in_a_new_run_and_the_diff() {
    let (mut store, a) = hand_coded_store();
    // "New dictionaries": 120 becomes 125, the XSS record's event goes, and
    // Kono's regret becomes an event.
    let mut recoded = hand_coded();
    for c in &mut recoded {
        c.events.retain(|e| e.doc != "xss-2019-03-25");
        for e in &mut c.events {
            if e.cameo == "120" {
                e.cameo = "125".into();
            }
        }
        if c.doc.id == "kono-statement-2019-02-20.txt" {
            let mut regret = c.events[0].clone();
            let at = c.doc.text.find("We regret").unwrap();
            let s = c.sentences.iter().find(|s| s.span[0] <= at && at < s.span[1]).unwrap();
            regret.sentence_index = s.index;
            regret.span = s.span;
            regret.sentence = c.doc.text[s.span[0]..s.span[1]].to_string();
            regret.verb.span = [at + 3, at + 9];
            regret.verb.text = "regret".into();
            regret.cameo = "012".into();
            regret.root = "01".into();
            c.events.push(regret);
        }
    }
    let b = store.run_for(&run_config("recoded")).unwrap();
    assert_ne!(a, b);
    let stats = store.write(b, &recoded).unwrap();
    assert_eq!((stats.new_documents, stats.recoded, stats.events), (0, 4, 14));
    // Queries read the current coding: run b.
    assert_eq!(store.count(&Filter::default()).unwrap(), 14);
    assert_eq!(store.count(&Filter { cameo: Some("120".into()), ..Filter::default() }).unwrap(), 0);
    assert_eq!(store.count(&Filter { cameo: Some("120".into()), run: Some(a), ..Filter::default() }).unwrap(), 1);
    let runs = store.runs().unwrap();
    assert_eq!(runs.iter().map(|r| (r.id, r.documents, r.events)).collect::<Vec<_>>(), [(a, 4, 14), (b, 4, 14)]);

    let d = store.diff(a, b).unwrap();
    assert_eq!((d.documents, d.only_in_a, d.only_in_b, d.unchanged), (4, 0, 0, 12));
    assert_eq!(d.added.len(), 1);
    assert_eq!(d.added[0].event.cameo, "012");
    assert_eq!(d.removed.len(), 1);
    assert_eq!(d.removed[0].event.doc, "xss-2019-03-25");
    assert_eq!(d.changed.len(), 1);
    assert_eq!(d.changed[0].fields, ["cameo"]);
    assert_eq!((d.changed[0].before.event.cameo.as_str(), d.changed[0].after.event.cameo.as_str()), ("120", "125"));
    // The other way round.
    let back = store.diff(b, a).unwrap();
    assert_eq!((back.added.len(), back.removed.len(), back.changed.len()), (1, 1, 1));
    assert!(matches!(store.diff(a, 99), Err(StoreError::NoSuchRun(99))));
}

#[test]
fn a_file_store_is_wal_migrated_and_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.db");
    {
        let mut store = Store::open(&path).unwrap();
        let run = store.run_for(&run_config("hand")).unwrap();
        store.write(run, &hand_coded()).unwrap();
        assert_eq!(store.schema_version().unwrap(), attache_store::schema::SCHEMA_VERSION);
    }
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    drop(conn);
    let reader = Store::open_read_only(&path).unwrap();
    assert_eq!(reader.count(&Filter::default()).unwrap(), 14);
    // Reopening for writing migrates nothing and loses nothing.
    let store = Store::open(&path).unwrap();
    assert_eq!(store.counts().unwrap(), (4, 14, 14));
    drop((store, reader));
    // A database from a newer attache is refused, not misread.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    assert!(matches!(Store::open(&path), Err(StoreError::SchemaTooNew { found: 99, .. })));
    // A file that is not a store is refused by readers.
    let empty = dir.path().join("empty.db");
    rusqlite::Connection::open(&empty).unwrap().execute_batch("CREATE TABLE x (y)").unwrap();
    assert!(Store::open_read_only(&empty).is_err());
}

#[test]
fn a_bulk_load_drops_the_dyad_index_and_builds_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.db");
    let has_index = |p: &std::path::Path| {
        rusqlite::Connection::open(p)
            .unwrap()
            .query_row("SELECT count(*) FROM sqlite_master WHERE name = 'events_dyad'", [], |r| r.get::<_, i64>(0))
            .unwrap()
            == 1
    };
    let mut store = Store::open(&path).unwrap();
    let run = store.run_for(&run_config("hand")).unwrap();
    assert!(store.begin_bulk(14).unwrap());
    assert!(!has_index(&path));
    store.write(run, &hand_coded()).unwrap();
    // Correct without the index, only slower.
    let rus_jpn = Filter { source: Some("RUS".into()), target: Some("JPN".into()), ..Filter::default() };
    assert_eq!(store.series(&rus_jpn, Period::Month).unwrap().iter().map(|p| p.count).collect::<Vec<_>>(), [4, 4]);
    store.finish_bulk().unwrap();
    assert!(has_index(&path));
    // A store already holding as many events as are coming is loaded normally.
    assert!(!store.begin_bulk(14).unwrap());
    // A load that died before finishing heals when the store is opened.
    assert!(store.begin_bulk(1000).unwrap());
    drop(store);
    assert!(!has_index(&path));
    drop(Store::open(&path).unwrap());
    assert!(has_index(&path));
}
