//! The log file: a line per request to a CRM (method, path without its query, status, time, retries)
//! and per job start and end, never a secret or a record's values. Daily files, the last seven kept,
//! in the OS log folder; the level follows Settings at once.

use std::{
    path::{Path, PathBuf},
    sync::OnceLock,
    time::Instant,
};

use bridge_model::LogLevel;
use tracing_subscriber::{
    Registry,
    filter::{LevelFilter, Targets},
    prelude::*,
    reload,
};

use crate::APP_IDENTIFIER;

/// The log file names start with this; a day's file is `crm-bridge.2026-12-05.log`.
pub const LOG_PREFIX: &str = "crm-bridge";
const KEPT_DAYS: usize = 7;

/// Our own lines (targets `crm`, `job`, `settings`, `notification`, `tray-menu`, `desktop-app`, and
/// our crates' module paths; a target matches by prefix, so none may begin another crate's name): Settings' level applies to them; the libraries beneath (HTTP, D-Bus, the webview)
/// log warnings only, whatever the level, since their debug lines may carry headers or bodies.
const OURS: [&str; 7] = [
    "crm",
    "job",
    "settings",
    "notification",
    "tray-menu",
    "desktop-app",
    "bridge_",
];

static LEVEL: OnceLock<reload::Handle<Targets, Registry>> = OnceLock::new();
static DIR: OnceLock<PathBuf> = OnceLock::new();

/// Where logs go: `CRM_BRIDGE_LOG_DIR`, else the OS's per-user state folder (on Linux
/// `~/.local/state/com.crmbridge.desktop/logs/`), else the local data folder.
pub fn default_log_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CRM_BRIDGE_LOG_DIR") {
        return PathBuf::from(dir);
    }
    dirs::state_dir()
        .or_else(dirs::data_local_dir)
        .unwrap_or_else(|| PathBuf::from("."))
        .join(APP_IDENTIFIER)
        .join("logs")
}

/// Starts logging into `dir` (once per process; later calls keep the first). Without it nothing is
/// logged, as in tests.
pub fn start_logging(dir: &Path, level: LogLevel) -> crate::Result<()> {
    if LEVEL.get().is_some() {
        set_level(level);
        return Ok(());
    }
    bridge_store::Store::prepare_directory(dir, false)?;
    let file = tracing_appender::rolling::RollingFileAppender::builder()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix(LOG_PREFIX)
        .filename_suffix("log")
        .max_log_files(KEPT_DAYS)
        .build(dir)
        .map_err(|e| crate::Error::Io {
            path: dir.display().to_string(),
            message: e.to_string(),
        })?;
    let (filter, handle) = reload::Layer::new(filter_of(level));
    let lines = tracing_subscriber::fmt::layer()
        .with_writer(file)
        .with_ansi(false)
        .with_target(true);
    if tracing_subscriber::registry()
        .with(filter)
        .with(lines)
        .try_init()
        .is_ok()
    {
        let _ = LEVEL.set(handle);
        let _ = DIR.set(dir.to_owned());
    }
    Ok(())
}

/// The folder this process logs into, once logging started.
pub fn log_dir() -> Option<&'static Path> {
    DIR.get().map(PathBuf::as_path)
}

pub(crate) fn set_level(level: LogLevel) {
    if let Some(handle) = LEVEL.get() {
        let _ = handle.modify(|f| *f = filter_of(level));
    }
}

fn filter_of(level: LogLevel) -> Targets {
    let ours = match level {
        LogLevel::Error => LevelFilter::ERROR,
        LogLevel::Warn => LevelFilter::WARN,
        LogLevel::Info => LevelFilter::INFO,
        LogLevel::Debug => LevelFilter::DEBUG,
        LogLevel::Trace => LevelFilter::TRACE,
    };
    Targets::new()
        .with_default(ours.min(LevelFilter::WARN))
        .with_targets(OURS.map(|target| (target, ours)))
}

/// The last `lines` lines of the newest log files, oldest first (for diagnostics).
pub fn log_tail(dir: &Path, lines: usize) -> Vec<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(LOG_PREFIX))
        })
        .collect();
    // Daily names sort by date.
    files.sort();
    let mut tail: Vec<String> = Vec::new();
    for file in files.iter().rev() {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let mut older: Vec<String> = text.lines().map(str::to_owned).collect();
        older.append(&mut tail);
        tail = older;
        if tail.len() >= lines {
            break;
        }
    }
    let skip = tail.len().saturating_sub(lines);
    tail.split_off(skip)
}

/// A job's start in the log, and its end with how long it took.
pub(crate) struct Job {
    name: &'static str,
    started: Instant,
}

impl Job {
    pub(crate) fn start(name: &'static str, what: &str) -> Job {
        tracing::info!(target: "job", job = name, what, "started");
        Job {
            name,
            started: Instant::now(),
        }
    }

    /// Logs the end: `outcome` says how it went in counts, never in record values.
    pub(crate) fn end<T>(self, result: &crate::Result<T>, outcome: impl FnOnce(&T) -> String) {
        let ms = self.started.elapsed().as_millis() as u64;
        match result {
            Ok(value) => {
                tracing::info!(target: "job", job = self.name, ms, outcome = %outcome(value), "finished")
            }
            Err(e) => {
                tracing::warn!(target: "job", job = self.name, ms, code = ?e.code(), "failed")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use tracing::Level;

    use super::*;

    #[test]
    fn the_libraries_beneath_log_warnings_only_whatever_the_level() {
        let loud = filter_of(LogLevel::Trace);
        assert!(loud.would_enable("crm", &Level::TRACE));
        assert!(loud.would_enable("bridge_engine::pull", &Level::DEBUG));
        assert!(!loud.would_enable("hyper::proto::h1", &Level::DEBUG));
        assert!(!loud.would_enable("tray_icon", &Level::INFO));
        assert!(loud.would_enable("zbus", &Level::WARN));
        let quiet = filter_of(LogLevel::Error);
        assert!(!quiet.would_enable("crm", &Level::WARN));
        assert!(!quiet.would_enable("zbus", &Level::WARN));
        assert!(quiet.would_enable("job", &Level::ERROR));
    }
}
