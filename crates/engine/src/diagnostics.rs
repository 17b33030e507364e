//! "Copy diagnostics" and `crm-bridge diagnostics`: what support asks first, as text to paste.
//! Versions, the OS, connections (never a secret), counts, the last errors (by kind and field, never a
//! record's values) and the log's tail.

use std::fmt::Write as _;

use crate::{Engine, FailedQuery, Result, logging};

/// The log lines diagnostics end with.
const LOG_LINES: usize = 40;
/// The newest failed records and sync runs shown.
const LAST: i64 = 5;

impl Engine {
    /// Diagnostics of this workspace; `shell` names what asks (`desktop app`, `command line`).
    pub fn diagnostics(&self, shell: &str) -> Result<String> {
        let mut out = String::new();
        let w = &mut out;
        let _ = writeln!(w, "CRM Bridge {} ({shell})", env!("CARGO_PKG_VERSION"));
        let _ = writeln!(
            w,
            "OS: {} ({} {})",
            os_name(),
            std::env::consts::OS,
            std::env::consts::ARCH
        );
        let _ = writeln!(
            w,
            "Workspace: {}{} (schema {})",
            self.store
                .path()
                .map_or_else(|| "in memory".into(), |p| p.display().to_string()),
            if self.demo { ", the demo" } else { "" },
            bridge_store::SCHEMA_VERSION
        );
        match logging::log_dir() {
            Some(dir) => drop(writeln!(w, "Logs: {}", dir.display())),
            None => drop(writeln!(w, "Logs: not written by this process")),
        }

        let status = self.status()?;
        let overview = self.overview()?;
        let _ = writeln!(w, "\nConnections:");
        if status.connections.is_empty() {
            let _ = writeln!(w, "  none");
        }
        for c in &status.connections {
            let conn = &c.connection;
            let host = url::Url::parse(&conn.base_url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_owned))
                .unwrap_or_else(|| "(no host)".into());
            let _ = writeln!(
                w,
                "  #{} {} at {host}: {} records{}",
                conn.id.0,
                conn.provider.label(),
                c.total,
                if conn.archived_at.is_some() {
                    ", removed"
                } else {
                    ""
                }
            );
        }
        let _ = writeln!(
            w,
            "\nCounts: {} records, {} open duplicate groups, {} failed records, {} conflicts",
            overview.records,
            overview.open_duplicate_groups,
            overview.open_failed_records,
            overview.open_conflicts
        );

        let _ = writeln!(w, "\nLast errors:");
        let total = overview.open_failed_records;
        let failed = self
            .failed_page(&FailedQuery::default(), (total - LAST).max(0), LAST)?
            .rows;
        let runs: Vec<_> = self
            .sync_runs(None, 20)?
            .into_iter()
            .filter(|r| r.error.is_some() || r.counts.failed > 0)
            .take(LAST as usize)
            .collect();
        if failed.is_empty() && runs.is_empty() {
            let _ = writeln!(w, "  none");
        }
        for f in failed.iter().rev() {
            let _ = writeln!(
                w,
                "  {} failed record #{}: {:?} {} on connection #{}{}",
                f.created_at.format("%Y-%m-%d %H:%M"),
                f.id,
                f.category,
                f.object_type,
                f.connection_id.0,
                f.field
                    .as_deref()
                    .map(|field| format!(", field {field}"))
                    .unwrap_or_default()
            );
        }
        for r in &runs {
            let _ = writeln!(
                w,
                "  {} sync run #{} of pair {}: {:?}, {} failed",
                r.started_at.format("%Y-%m-%d %H:%M"),
                r.id,
                r.pair_id,
                r.status,
                r.counts.failed
            );
        }

        let _ = writeln!(w, "\nLog (last {LOG_LINES} lines):");
        match logging::log_dir() {
            Some(dir) => {
                for line in logging::log_tail(dir, LOG_LINES) {
                    let _ = writeln!(w, "  {line}");
                }
            }
            None => drop(writeln!(w, "  (none)")),
        }
        Ok(out)
    }
}

/// The OS's own name for itself (`Debian GNU/Linux 12 (bookworm)`), where it says one.
fn os_name() -> String {
    std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                .map(|v| v.trim_matches('"').to_owned())
        })
        .unwrap_or_else(|| std::env::consts::OS.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_of_an_empty_workspace_say_so_and_name_the_version() {
        let engine = Engine::open_in_memory().unwrap();
        let text = engine.diagnostics("test").unwrap();
        assert!(text.starts_with(&format!("CRM Bridge {} (test)", env!("CARGO_PKG_VERSION"))));
        assert!(text.contains("Connections:\n  none"), "{text}");
        assert!(text.contains("Last errors:\n  none"), "{text}");
    }
}
