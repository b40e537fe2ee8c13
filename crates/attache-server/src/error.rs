//! Errors as HTTP answers: what the client got wrong is said plainly; what
//! went wrong inside is logged and answered with a bare 500.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

#[derive(Debug)]
pub enum AppError {
    /// A parameter the client can fix.
    BadRequest(String),
    NotFound(String),
    /// Logged, never shown.
    Internal(String),
}

impl From<attache_store::StoreError> for AppError {
    fn from(e: attache_store::StoreError) -> AppError {
        match e {
            attache_store::StoreError::BadQuery(m) => AppError::BadRequest(m),
            attache_store::StoreError::NoSuchRun(r) => AppError::BadRequest(format!("no coding run {r}")),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            AppError::BadRequest(m) => (StatusCode::BAD_REQUEST, m),
            AppError::NotFound(m) => (StatusCode::NOT_FOUND, m),
            AppError::Internal(m) => {
                tracing::error!(error = %m, "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal error".to_string())
            }
        };
        (status, Json(serde_json::json!({ "error": message }))).into_response()
    }
}
