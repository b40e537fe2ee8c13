//! Shared state: read-only connections to the store, lent one request at
//! a time and used on tokio's blocking threads (SQLite calls block).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use attache_store::{Store, StoreError};

use crate::error::AppError;

/// Connections kept open between requests; more are opened under load and
/// dropped when the pool is full.
const KEEP: usize = 4;

#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    idle: Mutex<Vec<Store>>,
}

impl AppState {
    /// Opens the store at `path` for reading; fails now, not on the first
    /// request, if it is not an attache store.
    pub fn open(path: impl AsRef<Path>) -> Result<AppState, StoreError> {
        let path = path.as_ref().to_owned();
        let first = Store::open_read_only(&path)?;
        Ok(AppState { inner: Arc::new(Inner { path, idle: Mutex::new(vec![first]) }) })
    }

    /// Runs `f` with a connection, off the async threads.
    pub async fn with_store<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T, AppError> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let store = inner.idle.lock().map_err(|_| AppError::Internal("pool lock poisoned".into()))?.pop();
            let store = match store {
                Some(s) => s,
                None => Store::open_read_only(&inner.path).map_err(|e| AppError::Internal(e.to_string()))?,
            };
            let out = f(&store);
            if let Ok(mut idle) = inner.idle.lock() {
                if idle.len() < KEEP {
                    idle.push(store);
                }
            }
            out
        })
        .await
        .map_err(|e| AppError::Internal(format!("query task failed: {e}")))?
    }
}
