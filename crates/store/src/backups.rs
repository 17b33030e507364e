//! Copies of the workspace file, taken before anything that could lose data (a schema migration, a bulk
//! merge, a migration run or rollback, removing a connection): `VACUUM INTO` a timestamped file in the
//! backups folder (Settings; by default `backups` next to the database), private to the user, the newest
//! few kept (Settings; by default five).

use std::{
    fs,
    path::{Path, PathBuf},
};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags};

use crate::{Error, Result, files, schema};

/// How many backups are kept where Settings do not say; the oldest beyond are deleted after each new one.
pub const KEPT: usize = 5;

/// Where a workspace's backups go and how many are kept, as its settings say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub dir: PathBuf,
    pub kept: usize,
    /// The workspace file's stem: every backup's name starts with it.
    stem: String,
}

impl Policy {
    /// The policy of the database at `db`, read from its `settings` (defaults where it has none).
    pub(crate) fn of(conn: &Connection, db: &Path) -> Policy {
        let dir = crate::settings::get_if_any(conn, "backups-dir")
            .filter(|d| !d.is_empty())
            .map_or_else(|| dir_of(db), PathBuf::from);
        let kept = crate::settings::get_if_any(conn, "backups-kept")
            .and_then(|k| k.parse().ok())
            .unwrap_or(KEPT);
        let stem = db
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "workspace".into());
        Policy { dir, kept, stem }
    }
}

/// One backup file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    pub path: PathBuf,
    /// Why it was taken, from its name: `before-migration`, `before-bulk-merge`, ...
    pub reason: String,
    pub taken_at: DateTime<Utc>,
    pub bytes: u64,
}

/// The directory the backups of the database at `db` go to where Settings do not say.
pub fn dir_of(db: &Path) -> PathBuf {
    db.parent().unwrap_or(Path::new(".")).join("backups")
}

fn io(path: &Path, e: std::io::Error) -> Error {
    Error::File {
        path: path.to_owned(),
        message: e.to_string(),
    }
}

/// Copies `conn`'s database into a new backup file in its backups folder; prunes to the newest its
/// policy keeps, never deleting `keep` (the backup a restore is about to read).
pub(crate) fn take(
    conn: &Connection,
    db: &Path,
    reason: &str,
    now: DateTime<Utc>,
    keep: Option<&Path>,
) -> Result<Backup> {
    let policy = Policy::of(conn, db);
    files::private_dir(&policy.dir)?;
    let stamp = now.format("%Y%m%dT%H%M%S%.3fZ");
    let path = policy
        .dir
        .join(format!("{}-{stamp}-{reason}.sqlite3", policy.stem));
    // Created empty and private first: VACUUM INTO fills an empty file, and would create one with the
    // default (often world-readable) mode.
    files::create_private(&path)?;
    if let Err(e) = conn.execute("VACUUM INTO ?1", [path.to_string_lossy()]) {
        let _ = fs::remove_file(&path);
        return Err(e.into());
    }
    prune(&policy, keep)?;
    let bytes = fs::metadata(&path).map_err(|e| io(&path, e))?.len();
    Ok(Backup {
        path,
        reason: reason.to_owned(),
        taken_at: now,
        bytes,
    })
}

/// Before a schema migration: a copy through a read-only connection, so a failed migration leaves a
/// way back. Nothing to copy for a new file.
pub(crate) fn before_migration(db: &Path, now: DateTime<Utc>) -> Result<Option<Backup>> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found == 0 || found >= schema::SCHEMA_VERSION {
        return Ok(None);
    }
    take(
        &conn,
        db,
        &format!("before-schema-{}", schema::SCHEMA_VERSION),
        now,
        None,
    )
    .map(Some)
}

/// Every backup a policy's folder holds of its workspace, newest first.
pub fn list(policy: &Policy) -> Result<Vec<Backup>> {
    let (dir, stem) = (&policy.dir, &policy.stem);
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(dir, e)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((taken_at, reason)) = parse_name(&name, stem) else {
            continue;
        };
        let bytes = entry.metadata().map_err(|e| io(&entry.path(), e))?.len();
        out.push(Backup {
            path: entry.path(),
            reason,
            taken_at,
            bytes,
        });
    }
    out.sort_by_key(|b| std::cmp::Reverse(b.taken_at));
    Ok(out)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// `<stem>-20261205T031200.123Z-<reason>.sqlite3` → (time, reason).
fn parse_name(name: &str, stem: &str) -> Option<(DateTime<Utc>, String)> {
    let rest = name.strip_prefix(stem)?.strip_prefix('-')?;
    let rest = rest.strip_suffix(".sqlite3")?;
    let (stamp, reason) = rest.split_once('-')?;
    let taken_at = chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M%S%.3fZ")
        .ok()?
        .and_utc();
    Some((taken_at, reason.to_owned()))
}

fn prune(policy: &Policy, keep: Option<&Path>) -> Result<()> {
    let kept = |path: &Path| keep.is_some_and(|k| same_file(k, path));
    for old in list(policy)?
        .into_iter()
        .skip(policy.kept)
        .filter(|b| !kept(&b.path))
    {
        fs::remove_file(&old.path).map_err(|e| io(&old.path, e))?;
    }
    Ok(())
}

/// Copies `backup` over the open database `into` (SQLite's online backup, which a reader sees whole or
/// not at all), then brings an older schema up to date. A backup from a newer binary is refused.
pub(crate) fn restore(into: &mut Connection, backup: &Path) -> Result<()> {
    if !backup.is_file() {
        return Err(Error::File {
            path: backup.to_owned(),
            message: "no such backup file".into(),
        });
    }
    schema::refuse_newer(backup)?;
    into.restore(
        rusqlite::MAIN_DB,
        backup,
        None::<fn(rusqlite::backup::Progress)>,
    )?;
    schema::migrate(into)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backup_name_reads_back_its_time_and_reason() {
        let (at, reason) = parse_name(
            "crm-bridge-20261205T031200.123Z-before-bulk-merge.sqlite3",
            "crm-bridge",
        )
        .unwrap();
        assert_eq!(reason, "before-bulk-merge");
        assert_eq!(at.to_rfc3339(), "2026-12-05T03:12:00.123+00:00");
        assert!(parse_name("other-20261205T031200.123Z-x.sqlite3", "crm-bridge").is_none());
        assert!(parse_name("crm-bridge-notatime-x.sqlite3", "crm-bridge").is_none());
    }
}
