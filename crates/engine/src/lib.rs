//! The application's Rust API: every use case of CRM Bridge, over the sync database (`store`), the CRM
//! clients (`crm`) and duplicate detection (`dedupe`). The desktop app and the CLI are thin shells over it.

mod bindings;
mod error;
mod queues;
mod records;
mod status;

use std::path::{Path, PathBuf};

use bridge_store::Store;

pub use bindings::export_bindings;
pub use error::{Error, ErrorCode, ErrorPayload, Result};
pub use queues::{DuplicateGroupPage, FailedRecordPage};
pub use status::{ConnectionStatus, Overview, Status};

/// The application identifier; the OS app-data directory of the app is named after it.
pub const APP_IDENTIFIER: &str = "com.crmbridge.desktop";

/// Where the desktop app keeps its sync database: `<OS app-data dir>/com.crmbridge.desktop/` (on Linux
/// `~/.local/share/com.crmbridge.desktop/`), the directory Tauri calls `app_data_dir`. The CLI uses the
/// same file by default, so both see one workspace.
pub fn default_database_path() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join(APP_IDENTIFIER)
        .join("crm-bridge.sqlite3")
}

/// One open workspace: a sync database and what acts on it.
pub struct Engine {
    store: Store,
}

impl Engine {
    /// Opens (creating if needed) the sync database at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::Io {
                path: dir.display().to_string(),
                message: e.to_string(),
            })?;
        }
        Ok(Engine {
            store: Store::open(path)?,
        })
    }

    /// A throw-away in-memory workspace.
    pub fn open_in_memory() -> Result<Self> {
        Ok(Engine {
            store: Store::open_in_memory()?,
        })
    }

    /// The sync database, for callers that seed or inspect it (tests, benchmarks, the demo).
    pub fn store(&self) -> &Store {
        &self.store
    }
}
