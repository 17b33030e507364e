//! The workspace holds customer data and before-images: its directory is the user's alone (0700) and
//! its files (database, `-wal`, `-shm`, backups) are read and written by the user only (0600).

use std::{fs, path::Path};

use crate::{Error, Result};

fn io(path: &Path, e: std::io::Error) -> Error {
    Error::File {
        path: path.to_owned(),
        message: e.to_string(),
    }
}

/// Creates `dir` (and its parents) if missing; the directory itself is made 0700.
pub(crate) fn private_dir(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(|e| io(dir, e))?;
    }
    Ok(())
}

/// Creates an empty file readable by the user only; refuses one that exists.
pub(crate) fn create_private(path: &Path) -> Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map(drop).map_err(|e| io(path, e))
}

/// The database file, made the user's alone before SQLite opens it. SQLite gives the `-wal` and `-shm`
/// files it creates the database file's mode, so they follow.
pub(crate) fn private_database(path: &Path) -> Result<()> {
    if !path.exists() {
        return create_private(path);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for file in [
            path.to_owned(),
            suffixed(path, "-wal"),
            suffixed(path, "-shm"),
        ] {
            if file.exists() {
                fs::set_permissions(&file, fs::Permissions::from_mode(0o600))
                    .map_err(|e| io(&file, e))?;
            }
        }
    }
    Ok(())
}

fn suffixed(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    name.into()
}
