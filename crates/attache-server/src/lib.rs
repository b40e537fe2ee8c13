//! # attache-server
//!
//! The web face of the event store: a JSON API and a dashboard, one axum
//! [`Router`] built by [`app`] so tests drive it with `oneshot` and no
//! socket, and [`serve`] to put it on an address (loopback by default).
//!
//! ```text
//! GET /                          the dashboard (assets/ embedded in the binary)
//! GET /assets/{file}             its scripts, styles and vendored uPlot 1.6.32
//! GET /api/events                a page of events       (filters, limit ≤ 500, offset)
//! GET /api/series                count + mean Goldstein by day/week/month/year
//! GET /api/dyads                 the largest dyads       (limit ≤ 200)
//! GET /api/distribution          counts by root, PLOVER, QuadClass or CAMEO code
//! GET /api/documents/{id}        a document as speaker turns, with an event's
//!                                evidence marked (?event=ID)
//! GET /api/runs                  the coding runs
//! ```
//!
//! Every endpoint takes the same filter parameters (`source`, `target`,
//! `root`, `cameo`, `plover`, `quad_class`, `from`, `to`, `speaker`, `text`,
//! `run`); unknown or malformed parameters are a 400 with a message.
//! Internal errors are logged with `tracing` and answered with a bare 500.
//!
//! The dashboard never puts document text into HTML: it builds the page
//! with `textContent`, and the server's Content-Security-Policy allows
//! scripts only from itself, so a document holding `<script>` shows it as
//! text.
//!
//! Main types: [`AppState`] (a small pool of read-only store connections),
//! [`AppError`] (the error → response mapping), [`DocumentPage`] (a
//! document cut into turns and marked pieces).

mod api;
mod assets;
mod document;
mod error;
mod state;

use std::net::SocketAddr;

use axum::http::{header, HeaderValue};
use axum::routing::get;
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use document::{DocumentPage, Piece, TurnPage};
pub use error::AppError;
pub use state::AppState;

/// The vendored chart library, for the record.
pub const UPLOT_VERSION: &str = "1.6.32";

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
                   connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The whole application: API, dashboard and security headers.
pub fn app(state: AppState) -> Router {
    let api = Router::new()
        .route("/events", get(api::events))
        .route("/series", get(api::series))
        .route("/dyads", get(api::dyads))
        .route("/distribution", get(api::distribution))
        .route("/documents/{id}", get(document::get))
        .route("/runs", get(api::runs))
        .fallback(api::not_found);
    Router::new()
        .route("/", get(assets::index))
        .route("/assets/{*path}", get(assets::asset))
        .nest("/api", api)
        .fallback(assets::not_found)
        .with_state(state)
        .layer(SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(TraceLayer::new_for_http())
}

/// Serves [`app`] on `addr` until Ctrl-C. `on_bound` is told the address
/// actually bound (port 0 picks a free one).
pub async fn serve(state: AppState, addr: SocketAddr, on_bound: impl FnOnce(SocketAddr)) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    on_bound(listener.local_addr()?);
    axum::serve(listener, app(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
