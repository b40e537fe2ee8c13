//! The JSON endpoints and their parameters.

use attache_store::{Filter, Group, Order, Period};
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::Json;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::state::AppState;

pub const DEFAULT_EVENTS: usize = 50;
pub const MAX_EVENTS: usize = 500;
/// Deep pages cost a scan each; nobody reads 100k events a page at a time.
pub const MAX_OFFSET: usize = 100_000;
pub const DEFAULT_DYADS: usize = 20;
pub const MAX_DYADS: usize = 200;

/// Every query parameter any endpoint takes, as strings: each is parsed
/// and checked by hand so a bad value gets a message that names it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    pub source: Option<String>,
    pub target: Option<String>,
    pub root: Option<String>,
    pub cameo: Option<String>,
    pub plover: Option<String>,
    pub quad_class: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub speaker: Option<String>,
    pub text: Option<String>,
    pub run: Option<String>,
    pub limit: Option<String>,
    pub offset: Option<String>,
    pub interval: Option<String>,
    pub by: Option<String>,
    pub event: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        Query::<Params>::try_from_uri(&parts.uri).map(|q| q.0).map_err(|e| AppError::BadRequest(e.body_text()))
    }
}

fn blank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn number<T: std::str::FromStr>(name: &str, v: &Option<String>) -> Result<Option<T>, AppError> {
    blank(v)
        .map(|s| s.parse::<T>().map_err(|_| AppError::BadRequest(format!("{name} must be a number, not {s:?}"))))
        .transpose()
}

fn day(name: &str, v: &Option<String>) -> Result<Option<NaiveDate>, AppError> {
    blank(v)
        .map(|s| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| AppError::BadRequest(format!("{name} must be a date YYYY-MM-DD, not {s:?}")))
        })
        .transpose()
}

fn bounded(name: &str, v: &Option<String>, default: usize, max: usize) -> Result<usize, AppError> {
    let n = number::<usize>(name, v)?.unwrap_or(default);
    if n > max {
        return Err(AppError::BadRequest(format!("{name} must be at most {max}")));
    }
    Ok(n)
}

impl Params {
    /// The filter, checked by the store's own rules.
    pub fn filter(&self) -> Result<Filter, AppError> {
        let f = Filter {
            source: blank(&self.source).map(str::to_string),
            target: blank(&self.target).map(str::to_string),
            root: blank(&self.root).map(str::to_string),
            cameo: blank(&self.cameo).map(str::to_string),
            plover: blank(&self.plover).map(str::to_string),
            quad_class: number("quad_class", &self.quad_class)?,
            from: day("from", &self.from)?,
            to: day("to", &self.to)?,
            speaker: blank(&self.speaker).map(str::to_string),
            text: blank(&self.text).map(str::to_string),
            run: number("run", &self.run)?,
            doc: None,
        };
        Ok(f.validate()?)
    }
}

pub async fn events(State(state): State<AppState>, p: Params) -> Result<Json<attache_store::EventPage>, AppError> {
    let f = p.filter()?;
    let limit = bounded("limit", &p.limit, DEFAULT_EVENTS, MAX_EVENTS)?;
    let offset = bounded("offset", &p.offset, 0, MAX_OFFSET)?;
    Ok(Json(state.with_store(move |s| Ok(s.events(&f, limit, offset)?)).await?))
}

#[derive(Serialize)]
pub struct Series {
    pub interval: Period,
    pub points: Vec<attache_store::SeriesPoint>,
}

pub async fn series(State(state): State<AppState>, p: Params) -> Result<Json<Series>, AppError> {
    let f = p.filter()?;
    let interval: Period = blank(&p.interval).unwrap_or("month").parse().map_err(AppError::BadRequest)?;
    let points = state.with_store(move |s| Ok(s.series(&f, interval)?)).await?;
    Ok(Json(Series { interval, points }))
}

#[derive(Serialize)]
pub struct Dyad {
    pub source: Option<String>,
    pub target: Option<String>,
    pub count: u64,
    pub mean_goldstein: Option<f64>,
}

pub async fn dyads(State(state): State<AppState>, p: Params) -> Result<Json<Vec<Dyad>>, AppError> {
    let f = p.filter()?;
    let limit = bounded("limit", &p.limit, DEFAULT_DYADS, MAX_DYADS)?;
    let g = state.with_store(move |s| Ok(s.aggregate(&f, &[Group::Dyad], Order::CountDesc, Some(limit))?)).await?;
    Ok(Json(
        g.rows
            .into_iter()
            .map(|mut r| Dyad {
                target: r.keys.pop().flatten(),
                source: r.keys.pop().flatten(),
                count: r.count,
                mean_goldstein: r.mean_goldstein,
            })
            .collect(),
    ))
}

#[derive(Serialize)]
pub struct Bucket {
    pub key: Option<String>,
    pub count: u64,
    pub mean_goldstein: Option<f64>,
}

#[derive(Serialize)]
pub struct Distribution {
    pub by: String,
    pub buckets: Vec<Bucket>,
}

pub async fn distribution(State(state): State<AppState>, p: Params) -> Result<Json<Distribution>, AppError> {
    let f = p.filter()?;
    let by = blank(&p.by).unwrap_or("root").to_string();
    let group = match by.as_str() {
        "root" => Group::Root,
        "plover" => Group::Plover,
        "quad_class" => Group::QuadClass,
        "cameo" => Group::Cameo,
        other => {
            return Err(AppError::BadRequest(format!("by must be root, plover, quad_class or cameo, not {other:?}")))
        }
    };
    let g = state.with_store(move |s| Ok(s.aggregate(&f, &[group], Order::Keys, Some(500))?)).await?;
    let buckets = g
        .rows
        .into_iter()
        .map(|mut r| Bucket { key: r.keys.pop().flatten(), count: r.count, mean_goldstein: r.mean_goldstein })
        .collect();
    Ok(Json(Distribution { by, buckets }))
}

pub async fn runs(State(state): State<AppState>, p: Params) -> Result<Json<Vec<attache_store::Run>>, AppError> {
    if p.filter()? != Filter::default() {
        return Err(AppError::BadRequest("/api/runs takes no filters".into()));
    }
    Ok(Json(state.with_store(|s| Ok(s.runs()?)).await?))
}

pub async fn not_found() -> AppError {
    AppError::NotFound("no such endpoint".into())
}
