//! The sync database. SQL lives here and only here: one module per table, `?N` parameters, and callers
//! compose transactions with [`Store::write`].

pub mod audit_log;
pub mod backups;
mod checkpoint;
pub mod conflicts;
pub mod connections;
pub mod custom_objects;
pub mod duplicate_groups;
pub mod failed_records;
pub mod field_mappings;
mod files;
pub mod links;
mod mapping_versions;
pub mod merges;
pub mod migrations;
pub mod mirrored_fields;
pub mod outbox;
pub mod owner_mappings;
pub mod records;
mod schema;
pub mod search_index;
pub mod settings;
pub mod stage_mappings;
pub mod sync_cursors;
pub mod sync_deletions;
pub mod sync_pairs;
pub mod sync_runs;
pub mod sync_state;
mod time;

use std::{
    path::{Path, PathBuf},
    sync::{Mutex, MutexGuard},
};

use rusqlite::{Connection, OpenFlags, Transaction};

pub use schema::SCHEMA_VERSION;

/// Everything that can go wrong in the sync database.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error(
        "the database {path} was written by a newer CRM Bridge (schema {found}, this version knows {supported}); \
         it was left untouched: update CRM Bridge to open it"
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("stored {what} is corrupt: {detail}")]
    Corrupt { what: String, detail: String },
    #[error("cannot use {path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("could not start the database's background checkpoint thread: {0}")]
    Thread(#[source] std::io::Error),
}

/// A sync pair's side as its tables keep it (`'a'`, `'b'`).
pub(crate) fn side_sql(side: bridge_model::Side) -> &'static str {
    match side {
        bridge_model::Side::A => "a",
        bridge_model::Side::B => "b",
    }
}

/// A side read back (the tables' checks allow only `'a'` and `'b'`).
pub(crate) fn side_of(text: &str) -> bridge_model::Side {
    if text == "a" {
        bridge_model::Side::A
    } else {
        bridge_model::Side::B
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A JSON column read back into its type; `what` names the column and row for the error.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| Error::Corrupt {
        what: what.to_owned(),
        detail: e.to_string(),
    })
}

/// The sync database: one writer connection and a pool of readers. In WAL mode a reader never waits for
/// the writer, so the UI stays responsive during a long pull.
pub struct Store {
    /// Declared first so it is dropped first (fields drop in order): its thread and connection end
    /// before the writer closes, and the writer's close makes the last checkpoint.
    checkpointer: Option<checkpoint::Checkpointer>,
    path: Option<PathBuf>,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date. A database
    /// whose schema is newer than this binary is refused and left byte-for-byte untouched.
    pub fn open(path: &Path) -> Result<Self> {
        if path.exists() {
            schema::refuse_newer(path)?;
            backups::before_migration(path, chrono::Utc::now())?;
        }
        files::private_database(path)?;
        let mut writer = Connection::open(path)?;
        configure(&writer)?;
        writer.pragma_update(None, "journal_mode", "WAL")?;
        // A pull's batch rewrites index pages that the batch before wrote too; checkpointing every
        // 4 MiB (the default) copied them into the database after nearly every batch. The
        // checkpointer thread copies the log once a second on the other core; the writer's own
        // checkpoint, at 400 MiB of log, bounds the file and finds little left to copy. The file is
        // cut back to 64 MiB after one.
        writer.pragma_update(None, "wal_autocheckpoint", 100_000)?;
        writer.pragma_update(None, "journal_size_limit", 64_i64 << 20)?;
        schema::migrate(&mut writer)?;
        Ok(Store {
            path: Some(path.to_owned()),
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
            checkpointer: Some(checkpoint::Checkpointer::start(path)?),
        })
    }

    /// A private in-memory database (tests, dry runs). Reads share the writer connection.
    pub fn open_in_memory() -> Result<Self> {
        let mut writer = Connection::open_in_memory()?;
        configure(&writer)?;
        schema::migrate(&mut writer)?;
        Ok(Store {
            path: None,
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
            checkpointer: None,
        })
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Creates the directory a workspace lives in, private to the user (0700). `tighten` also makes an
    /// existing one private: the app's own directory, never a shared one such as `/tmp`.
    pub fn prepare_directory(dir: &Path, tighten: bool) -> Result<()> {
        if tighten || !dir.exists() {
            files::private_dir(dir)?;
        }
        Ok(())
    }

    /// A consistent copy of the database in its `backups` directory, named after `reason`; of the
    /// older ones the newest are kept, and `keep` whatever its age. An in-memory database has nothing
    /// to back up.
    pub fn back_up(
        &self,
        reason: &str,
        now: chrono::DateTime<chrono::Utc>,
        keep: Option<&Path>,
    ) -> Result<Option<backups::Backup>> {
        let Some(path) = &self.path else {
            return Ok(None);
        };
        backups::take(&lock(&self.writer), path, reason, now, keep).map(Some)
    }

    /// Where backups go and how many are kept, as the settings say (none for an in-memory workspace).
    fn backup_policy(&self) -> Result<Option<backups::Policy>> {
        let Some(path) = &self.path else {
            return Ok(None);
        };
        self.read(|c| Ok(Some(backups::Policy::of(c, path))))
    }

    /// The workspace's backups, newest first (none for an in-memory one).
    pub fn backups(&self) -> Result<Vec<backups::Backup>> {
        match self.backup_policy()? {
            Some(policy) => backups::list(&policy),
            None => Ok(Vec::new()),
        }
    }

    /// The folder the workspace's backups go to (none for an in-memory one).
    pub fn backups_dir(&self) -> Result<Option<PathBuf>> {
        Ok(self.backup_policy()?.map(|p| p.dir))
    }

    /// Replaces the whole database with `backup`'s content (an older schema is brought up to date).
    pub fn restore_backup(&self, backup: &Path) -> Result<()> {
        backups::restore(&mut lock(&self.writer), backup)
    }

    /// Runs `f` on a read connection. It sees the last committed state and never blocks on a writer.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let Some(path) = &self.path else {
            return f(&lock(&self.writer));
        };
        let pooled = lock(&self.readers).pop();
        let conn = match pooled {
            Some(conn) => conn,
            None => {
                let conn = Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                configure(&conn)?;
                conn.pragma_update(None, "query_only", true)?;
                conn
            }
        };
        let result = f(&conn);
        lock(&self.readers).push(conn);
        result
    }

    /// Runs `f` in one write transaction: it commits if `f` returns `Ok`, and rolls back otherwise.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        if let Some(checkpointer) = &self.checkpointer {
            checkpointer.wake();
        }
        Ok(value)
    }
}

fn configure(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // Searches read thousands of rows by id; a larger page cache and memory-mapped reads keep them
    // from going through a read() call each. 64 MiB cache, up to 1 GiB mapped. The writer's too:
    // what a pull touches again (the one name index) fits, and a million new records store as fast
    // as with the 512 MiB it had when a pull also wrote four name indexes and the search index.
    conn.pragma_update(None, "cache_size", -65_536)?;
    conn.pragma_update(None, "mmap_size", 1_i64 << 30)?;
    conn.set_prepared_statement_cache_capacity(64);
    search_index::register(conn)?;
    Ok(())
}

/// A poisoned lock only means another thread panicked mid-call; SQLite rolled its transaction back.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
