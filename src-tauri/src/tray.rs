//! The tray (menu-bar) icon: says when a scheduled sync runs, opens the window, pauses schedules.

use tauri::{
    Manager,
    menu::{CheckMenuItem, Menu, MenuItem},
    tray::TrayIconBuilder,
};

use crate::AppState;

const TRAY: &str = "main";
const IDLE: &str = "CRM Bridge";

/// Adds the icon. A desktop without a tray shows none; the app works the same.
pub fn add(app: &tauri::App) {
    if let Err(e) = try_add(app) {
        tracing::warn!(target: "tray-menu", error = %e, "no tray icon");
    }
}

fn try_add(app: &tauri::App) -> tauri::Result<()> {
    let open = MenuItem::with_id(app, "open", "Open CRM Bridge", true, None::<&str>)?;
    let pause = CheckMenuItem::with_id(
        app,
        "pause",
        "Pause scheduled syncs",
        true,
        false,
        None::<&str>,
    )?;
    let quit = MenuItem::with_id(app, "quit", "Quit CRM Bridge", true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&open, &pause, &quit])?;
    let mut tray = TrayIconBuilder::with_id(TRAY)
        .tooltip(IDLE)
        .menu(&menu)
        .on_menu_event(move |app, event| match event.id.as_ref() {
            "open" => {
                if let Some(window) = app.get_webview_window("main") {
                    let _ = window.unminimize();
                    let _ = window.show();
                    let _ = window.set_focus();
                }
            }
            "pause" => {
                let paused = pause.is_checked().unwrap_or(false);
                app.state::<AppState>().pause_schedules(paused);
                tracing::info!(target: "tray-menu", paused, "scheduled syncs paused or resumed");
            }
            "quit" => app.exit(0),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    Ok(())
}

/// Shows what the scheduler is doing beside the icon (`None`: idle again).
pub fn busy(app: &tauri::AppHandle, doing: Option<&str>) {
    if let Some(tray) = app.tray_by_id(TRAY) {
        let _ = tray.set_tooltip(Some(doing.unwrap_or(IDLE)));
        let _ = tray.set_title(doing);
    }
}
