//! `/api/documents/{id}`: a document as its speaker turns, each cut into
//! pieces of plain text, so the dashboard can show who said what and mark
//! an event's evidence without ever parsing document text as HTML.
//!
//! Byte offsets stay on this side: the client gets strings, not offsets
//! into a UTF-8 text it would index as UTF-16.

use attache_store::{DocumentView, StoredEvent};
use axum::extract::{Path, State};
use axum::Json;
use serde::Serialize;

use crate::api::Params;
use crate::error::AppError;
use crate::state::AppState;

/// A stretch of text with one set of attributes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Piece {
    pub text: String,
    /// The sentence it belongs to (index), if any.
    pub sentence: Option<usize>,
    /// How many current events that sentence has.
    pub events: usize,
    /// `"evidence"` inside the marked event's span, `"verb"` on its verb.
    pub mark: Option<&'static str>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TurnPage {
    pub label: Option<String>,
    pub speaker: Option<String>,
    pub speaker_code: Option<String>,
    pub press: bool,
    pub pieces: Vec<Piece>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DocumentPage {
    pub id: i64,
    pub name: String,
    pub title: Option<String>,
    pub url: Option<String>,
    pub date: Option<String>,
    pub place: Option<String>,
    pub runs: Vec<i64>,
    pub turns: Vec<TurnPage>,
    pub events: Vec<StoredEvent>,
    /// The event whose evidence is marked.
    pub event: Option<StoredEvent>,
}

fn boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Cuts the document into turns and pieces.
pub fn page(view: DocumentView, event: Option<StoredEvent>) -> DocumentPage {
    let text = view.text.as_str();
    let len = text.len();
    // Turns sorted, with any uncovered stretch as a turn of nobody.
    let mut turn_ranges: Vec<(usize, usize, Option<usize>)> = Vec::new();
    let mut at = 0;
    let mut turns: Vec<&attache_store::TurnRow> = view.turns.iter().collect();
    turns.sort_by_key(|t| t.span);
    for (i, t) in turns.iter().enumerate() {
        let (a, b) = (boundary(text, t.span[0].max(at)), boundary(text, t.span[1]));
        if a > at {
            turn_ranges.push((at, a, None));
        }
        if b > a {
            turn_ranges.push((a, b, Some(i)));
            at = b;
        }
    }
    if at < len {
        turn_ranges.push((at, len, None));
    }
    let evidence = event.as_ref().map(|e| (boundary(text, e.event.span[0]), boundary(text, e.event.span[1])));
    let verb = event.as_ref().map(|e| (boundary(text, e.event.verb.span[0]), boundary(text, e.event.verb.span[1])));
    let sentences: Vec<(usize, usize, usize, usize)> = view
        .sentences
        .iter()
        .map(|s| {
            let n = view.events.iter().filter(|e| e.event.span == s.row.span).count();
            (boundary(text, s.row.span[0]), boundary(text, s.row.span[1]), s.row.index, n)
        })
        .collect();
    let mut out = Vec::new();
    for (a, b, turn) in turn_ranges {
        let mut cuts = vec![a, b];
        for &(s, e, _, _) in &sentences {
            cuts.extend([s, e]);
        }
        for (s, e) in evidence.into_iter().chain(verb) {
            cuts.extend([s, e]);
        }
        cuts.retain(|&c| c >= a && c <= b);
        cuts.sort_unstable();
        cuts.dedup();
        let mut pieces: Vec<Piece> = Vec::new();
        for w in cuts.windows(2) {
            let (s, e) = (w[0], w[1]);
            let inside = |r: Option<(usize, usize)>| r.is_some_and(|(x, y)| x <= s && e <= y);
            let sent = sentences.iter().find(|&&(x, y, _, _)| x <= s && e <= y);
            let mark = if inside(verb) {
                Some("verb")
            } else if inside(evidence) {
                Some("evidence")
            } else {
                None
            };
            let piece = Piece {
                text: text[s..e].to_string(),
                sentence: sent.map(|x| x.2),
                events: sent.map(|x| x.3).unwrap_or(0),
                mark,
            };
            match pieces.last_mut() {
                Some(last) if (last.sentence, last.mark) == (piece.sentence, piece.mark) => {
                    last.text.push_str(&piece.text)
                }
                _ => pieces.push(piece),
            }
        }
        let t = turn.map(|i| turns[i]);
        out.push(TurnPage {
            label: t.and_then(|t| t.label.clone()),
            speaker: t.and_then(|t| t.speaker.clone()),
            speaker_code: t.and_then(|t| t.speaker_code.clone()),
            press: t.is_some_and(|t| t.press),
            pieces,
        });
    }
    DocumentPage {
        id: view.id,
        name: view.name,
        title: view.title,
        url: view.url,
        date: view.date,
        place: view.place,
        runs: view.runs,
        turns: out,
        events: view.events,
        event,
    }
}

pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
    p: Params,
) -> Result<Json<DocumentPage>, AppError> {
    let id: i64 = id
        .parse()
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(|| AppError::BadRequest(format!("document id must be a positive number, not {id:?}")))?;
    let f = p.filter()?;
    if f != (attache_store::Filter { run: f.run, ..Default::default() }) {
        return Err(AppError::BadRequest("a document takes only `event` and `run`".into()));
    }
    let event: Option<i64> = blank_number("event", &p.event)?;
    let run = f.run;
    let page = state
        .with_store(move |s| {
            let view = s.document(id, run)?.ok_or_else(|| AppError::NotFound(format!("no document {id}")))?;
            let event = match event {
                None => None,
                Some(e) => {
                    let ev = s
                        .event(e)?
                        .filter(|ev| ev.doc_id == id)
                        .ok_or_else(|| AppError::NotFound(format!("no event {e} in document {id}")))?;
                    Some(ev)
                }
            };
            Ok(page(view, event))
        })
        .await?;
    Ok(Json(page))
}

fn blank_number(name: &str, v: &Option<String>) -> Result<Option<i64>, AppError> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| AppError::BadRequest(format!("{name} must be a number, not {s:?}"))),
    }
}
