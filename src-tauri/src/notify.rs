//! Telling the person through the OS (Settings turn each kind off): a scheduled sync that failed or
//! left failed records, and a long job that finished while the window was in the background. A
//! notification says counts, never a record's values; each is also a line in the log.

use bridge_engine::{Engine, ErrorPayload, SyncReport};
use tauri::Manager;
use tauri_plugin_notification::NotificationExt;

/// A long job (pull, find duplicates, migration, merge all safe) finished: told only when the window
/// is not the one in front.
pub fn job_done(app: &tauri::AppHandle, engine: &Engine, title: &str, body: &str) {
    let focused = app
        .get_webview_window("main")
        .and_then(|w| w.is_focused().ok())
        .unwrap_or(false);
    let wanted = engine.settings().is_ok_and(|s| s.notify_long_jobs);
    if wanted && !focused {
        show(app, title, body);
    }
}

/// A scheduled sync ended: told when it failed or queued failed records.
pub fn scheduled_sync(
    app: &tauri::AppHandle,
    engine: &Engine,
    pair: i64,
    synced: &Result<SyncReport, ErrorPayload>,
) {
    if !engine.settings().is_ok_and(|s| s.notify_sync_failures) {
        return;
    }
    let body = match synced {
        // The reason stays in the app: a CRM's message may quote a record's values, and a
        // notification server may keep a history.
        Err(_) => format!("The scheduled sync of pair {pair} failed: Sync in CRM Bridge says why."),
        Ok(r) if r.counts.failed > 0 => format!(
            "The scheduled sync of pair {pair} left {} failed records to fix in Failed records.",
            r.counts.failed
        ),
        Ok(_) => return,
    };
    show(app, "Scheduled sync needs you", &body);
}

fn show(app: &tauri::AppHandle, title: &str, body: &str) {
    tracing::info!(target: "notification", title, "notification sent");
    if let Err(e) = app.notification().builder().title(title).body(body).show() {
        tracing::warn!(target: "notification", title, error = %e, "the OS did not take the notification");
    }
}
