//! The application's Rust API: every use case of CRM Bridge, over the sync database (`store`), the CRM
//! clients (`crm`) and duplicate detection (`dedupe`). The desktop app and the CLI are thin shells over it.

mod about;
mod audit;
mod backups;
mod bindings;
mod connections;
mod csv_cells;
mod custom_objects;
mod dedupe_csv;
mod demo;
mod diagnostics;
mod duplicates;
mod error;
mod failed;
mod field_path;
mod fields;
mod identity;
mod logging;
mod mapping_files;
mod mappings;
mod merges;
mod migrate;
mod mirrored;
mod oauth_apps;
mod pull;
mod queues;
mod records;
mod secrets;
mod settings;
mod status;
mod sync;

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use bridge_store::Store;

pub use about::{About, Licence};
pub use audit::AuditQuery;
pub use backups::BackupFile;
pub use bindings::export_bindings;
pub use bridge_crm::{Account, CrmError};
pub use bridge_dedupe::FieldKind;
pub use connections::{ConnectRequest, ConnectionCheck, DisconnectPreview, Login, OAuthClient};
pub use dedupe_csv::{CsvDedupe, CsvDedupeReport, dedupe_csv};
pub use demo::{DEMO_KEYRING_SERVICE, DEMO_PEOPLE, DemoCrms, demo_database_path, start_demo_crms};
pub use duplicates::{
    DedupeSummary, DuplicateGroup, DuplicateMember, MatchEvidence, PairExplanation,
};
pub use error::{Error, ErrorCode, ErrorPayload, Result};
pub use failed::{FailedQuery, ResyncSummary, retry_delay};
pub use fields::CreatedField;
pub use identity::LinkSummary;
pub use logging::{LOG_PREFIX, default_log_dir, log_dir, log_tail, start_logging};
pub use mapping_files::{FieldMappingFile, ImportedMapping, MAPPING_FILE_FORMAT};
pub use mappings::{SavedMappingRow, SavedMappings, StageOwnerMapping};
pub use merges::{
    BulkMergeFailure, BulkMergePreview, BulkMergeSummary, Child, KeepRule, MergeChoice, MergeEntry,
    MergePage, MergePreview, MergedMember, PlannedField,
};
pub use migrate::{
    ChangedRecord, FieldChoices, MigrationOptions, MigrationProgress, MigrationStep, OwnerChoice,
    PipelineChoice, RollbackPreview, StageChoice, check_migration_plan,
};
pub use mirrored::{MirroredField, MirroredObject};
pub use oauth_apps::oauth_app;
pub use pull::{Cancel, PullOptions, PullPhase, PullProgress, PullSummary};
pub use queues::{DuplicateGroupPage, FailedRecordPage};
pub use secrets::{ENTRY_BYTES, Keyring, SecretStore, part_name};
pub use status::{ConnectionStatus, Overview, Status};
pub use sync::{Conflict, IdField, RECORD_PICK, SyncPhase, SyncProgress, SyncReport};

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

/// The file naming the workspace a person opened last from Settings ("Open another workspace…").
fn chosen_workspace_file() -> PathBuf {
    dirs::config_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join(APP_IDENTIFIER)
        .join("workspace")
}

/// The workspace the app and the CLI open when none is named: the one last opened from Settings, else
/// [`default_database_path`].
pub fn chosen_workspace_path() -> PathBuf {
    std::fs::read_to_string(chosen_workspace_file())
        .ok()
        .map(|text| PathBuf::from(text.trim()))
        .filter(|path| path.is_absolute())
        .unwrap_or_else(default_database_path)
}

/// Remembers `path` as the workspace to open next time.
pub fn remember_workspace(path: &Path) -> Result<()> {
    let file = chosen_workspace_file();
    let io = |e: std::io::Error| Error::Io {
        path: file.display().to_string(),
        message: e.to_string(),
    };
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    std::fs::write(&file, path.display().to_string()).map_err(io)
}

/// One open workspace: a sync database and what acts on it.
pub struct Engine {
    store: Store,
    secrets: Arc<dyn SecretStore>,
    /// A demo workspace (its own file and keyring service, the emulated CRMs' connections).
    demo: bool,
    /// When undo last read each connection's records of a type (see `merges::changed`).
    recent_pulls: std::sync::Mutex<
        std::collections::HashMap<
            (bridge_model::ConnectionId, bridge_model::ObjectType),
            std::time::Instant,
        >,
    >,
    /// Per connection, the lock its clients take to refresh its sign-in.
    refresh_locks: std::sync::Mutex<
        std::collections::HashMap<bridge_model::ConnectionId, Arc<tokio::sync::Mutex<()>>>,
    >,
}

impl Engine {
    /// Opens (creating if needed) the sync database at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        Self::open_with_secrets(path, Arc::new(Keyring::new(APP_IDENTIFIER)))
    }

    /// Opens a workspace whose secrets live in `secrets` (a keyring under another service name).
    pub fn open_with_secrets(path: &Path, secrets: Arc<dyn SecretStore>) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            // The app's own directory is made private even if it exists; another is only made so
            // when created here (never a shared one such as /tmp).
            let own = default_database_path().parent() == Some(dir);
            Store::prepare_directory(dir, own)?;
        }
        Ok(Engine {
            store: Store::open(path)?,
            secrets,
            demo: false,
            recent_pulls: Default::default(),
            refresh_locks: Default::default(),
        })
    }

    /// A throw-away in-memory workspace.
    pub fn open_in_memory() -> Result<Self> {
        Ok(Engine {
            store: Store::open_in_memory()?,
            secrets: Arc::new(Keyring::new(APP_IDENTIFIER)),
            demo: false,
            recent_pulls: Default::default(),
            refresh_locks: Default::default(),
        })
    }

    /// The sync database, for callers that seed or inspect it (tests, benchmarks, the demo).
    pub fn store(&self) -> &Store {
        &self.store
    }
}
