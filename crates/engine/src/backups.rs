//! Backups of the workspace: taken before anything that could lose data, listed, restored. A restore
//! first backs up what it replaces, so it can be undone the same way.

use std::path::Path;

use chrono::Utc;

use crate::{Engine, Error, Result};

/// One backup file, for the CLI and Settings.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct BackupFile {
    pub path: String,
    /// `before-bulk-merge`, `before-migration-run`, `before-schema-9`, ...
    pub reason: String,
    pub taken_at: chrono::DateTime<Utc>,
    pub bytes: u64,
}

impl From<bridge_store::backups::Backup> for BackupFile {
    fn from(b: bridge_store::backups::Backup) -> Self {
        BackupFile {
            path: b.path.display().to_string(),
            reason: b.reason,
            taken_at: b.taken_at,
            bytes: b.bytes,
        }
    }
}

impl Engine {
    /// Backs the workspace up before `reason` (`bulk-merge`, `migration-run`, ...).
    pub(crate) fn back_up_before(&self, reason: &str) -> Result<Option<BackupFile>> {
        Ok(self
            .store
            .back_up(&format!("before-{reason}"), Utc::now(), None)?
            .map(BackupFile::from))
    }

    /// The workspace's backups, newest first.
    pub fn backups(&self) -> Result<Vec<BackupFile>> {
        Ok(self
            .store
            .backups()?
            .into_iter()
            .map(BackupFile::from)
            .collect())
    }

    /// Restores one of [`Engine::backups`], named by its file name (what the app offers).
    pub fn restore_listed_backup(&self, name: &str) -> Result<BackupFile> {
        let listed = self
            .backups()?
            .into_iter()
            .find(|b| Path::new(&b.path).file_name().and_then(|n| n.to_str()) == Some(name))
            .ok_or_else(|| Error::NotFound {
                what: "backup",
                id: name.to_owned(),
            })?;
        self.restore_backup(Path::new(&listed.path))
    }

    /// Replaces the workspace with a backup, after backing up what it replaces.
    pub fn restore_backup(&self, file: &Path) -> Result<BackupFile> {
        let Some(db) = self.store.path() else {
            return Err(Error::InvalidInput {
                field: "backup",
                message: "an in-memory workspace has no backups".into(),
            });
        };
        let file = file.canonicalize().map_err(|e| Error::Io {
            path: file.display().to_string(),
            message: e.to_string(),
        })?;
        if file == db.canonicalize().unwrap_or_default() {
            return Err(Error::InvalidInput {
                field: "backup",
                message: "that is the workspace itself, not a backup of it".into(),
            });
        }
        // The backup being restored may be the oldest kept: it must outlive this one's pruning.
        let saved = self
            .store
            .back_up("before-restore", Utc::now(), Some(&file))?
            .map(BackupFile::from)
            .ok_or_else(|| Error::Io {
                path: db.display().to_string(),
                message: "no backup of the current workspace could be taken".into(),
            })?;
        self.store.restore_backup(&file)?;
        self.audit(
            "restore_backup",
            None,
            format!(
                "restored {}; what it replaced is in {}",
                file.display(),
                saved.path
            ),
            0,
        )?;
        Ok(saved)
    }
}
