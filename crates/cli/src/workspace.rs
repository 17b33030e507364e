//! Connections' life and the workspace's safety nets: disconnect (archive), reconnect, the audit log,
//! backups and restore.

use std::path::Path;

use bridge_engine::{AuditQuery, Engine, Login};
use bridge_model::ConnectionId;

use crate::{json, login};

pub fn disconnect(
    engine: &Engine,
    id: ConnectionId,
    keep_records: bool,
) -> bridge_engine::Result<()> {
    let kept = engine.disconnect(id, keep_records)?;
    println!(
        "Connection #{} “{}” removed: its sign-in left the keyring.",
        id.0, kept.label
    );
    if keep_records {
        println!("  Kept: its {} records in the mirror.", kept.records);
    } else {
        println!("  Removed from the mirror: {} records.", kept.records);
    }
    println!(
        "  Kept: {} merges (undo), {} migrations (rollback), {} sync pairs, {} failed records.",
        kept.merges, kept.migrations, kept.sync_pairs, kept.failed_records
    );
    println!("  `crm-bridge reconnect {}` signs it in again.", id.0);
    Ok(())
}

pub async fn reconnect(
    engine: &Engine,
    id: ConnectionId,
    login: Login,
) -> bridge_engine::Result<()> {
    let connection = engine.reconnect(id, login, login::open_browser).await?;
    println!(
        "Signed in again: #{} {} — {} ({})",
        connection.id,
        connection.provider.label(),
        connection.label,
        connection.base_url
    );
    Ok(())
}

pub fn log(engine: &Engine, query: &AuditQuery, as_json: bool) -> bridge_engine::Result<()> {
    let entries = engine.audit_log(query)?;
    if as_json {
        println!("{}", json(&entries));
    } else if entries.is_empty() {
        println!("Nothing in the audit log yet.");
    } else {
        for e in entries {
            let connection = e
                .connection_id
                .map(|c| format!("#{}", c.0))
                .unwrap_or_default();
            println!(
                "{}  {:<12} {:<19} {:>4} {:>6}  {}",
                e.at.format("%Y-%m-%d %H:%M:%S"),
                e.actor,
                e.action,
                connection,
                e.count,
                e.subject
            );
        }
    }
    Ok(())
}

pub fn backups(engine: &Engine, as_json: bool) -> bridge_engine::Result<()> {
    let backups = engine.backups()?;
    if as_json {
        println!("{}", json(&backups));
    } else if backups.is_empty() {
        println!("No backups yet: one is taken before every schema upgrade and bulk change.");
    } else {
        for b in backups {
            println!(
                "{}  {:<26} {:>10} bytes  {}",
                b.taken_at.format("%Y-%m-%d %H:%M:%S"),
                b.reason,
                b.bytes,
                b.path
            );
        }
    }
    Ok(())
}

pub fn restore(engine: &Engine, file: &Path) -> bridge_engine::Result<()> {
    let saved = engine.restore_backup(file)?;
    println!(
        "Restored {}. What it replaced is kept in {} (restore that to go back).",
        file.display(),
        saved.path
    );
    Ok(())
}

#[derive(clap::Subcommand)]
pub enum ConfigAction {
    /// Every setting with its value, or one setting's value.
    Get { key: Option<String> },
    /// Set a setting; it takes effect at once (in the app too).
    Set { key: String, value: String },
}

pub fn config(engine: &Engine, action: ConfigAction) -> bridge_engine::Result<()> {
    match action {
        ConfigAction::Get { key: Some(key) } => {
            let value = engine
                .settings()?
                .get(&key)
                .ok_or(bridge_engine::Error::InvalidInput {
                    field: "setting",
                    message: format!(
                        "`{key}` is not a setting; the settings are: {}",
                        bridge_model::SETTING_KEYS.join(", ")
                    ),
                })?;
            println!("{value}");
        }
        ConfigAction::Get { key: None } => {
            let settings = engine.settings()?;
            for key in bridge_model::SETTING_KEYS {
                println!("{key:<22} {}", settings.get(key).unwrap_or_default());
            }
        }
        ConfigAction::Set { key, value } => {
            let settings = engine.set_setting(&key, &value)?;
            println!("{key} = {}", settings.get(&key).unwrap_or_default());
        }
    }
    Ok(())
}
