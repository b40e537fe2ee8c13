//! The dashboard's files, embedded in the binary at build time (in debug
//! builds too: `debug-embed`), so `attache serve` needs nothing on disk and
//! nothing from a CDN.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "assets/"]
struct Assets;

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "text/plain; charset=utf-8",
    }
}

fn file(path: &str) -> Response {
    match Assets::get(path) {
        Some(f) => (
            [
                (header::CONTENT_TYPE, content_type(path)),
                (header::CACHE_CONTROL, if path.ends_with(".html") { "no-cache" } else { "public, max-age=3600" }),
            ],
            f.data.into_owned(),
        )
            .into_response(),
        None => not_found_response(),
    }
}

fn not_found_response() -> Response {
    (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "not found").into_response()
}

pub async fn index() -> Response {
    file("index.html")
}

pub async fn asset(Path(path): Path<String>) -> Response {
    // Embedded names never contain "..": a traversal simply finds nothing.
    if path.ends_with(".md") || path.split('/').any(|p| p == "..") {
        return not_found_response();
    }
    file(&path)
}

pub async fn not_found() -> Response {
    not_found_response()
}
