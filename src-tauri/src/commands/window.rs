use super::State;

/// "Quit anyway" after closing the window while jobs ran: each job stops after the batch it is
/// sending, then the window closes (it asks no more).
#[tauri::command]
pub fn quit_anyway(state: State<'_>, window: tauri::Window) {
    state.quit_anyway();
    let _ = window.close();
}
