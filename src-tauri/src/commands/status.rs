use bridge_engine::{Overview, Status};

use super::{Answer, State};

#[tauri::command(async)]
pub fn overview(state: State<'_>) -> Answer<Overview> {
    Ok(state.engine()?.overview()?)
}

#[tauri::command(async)]
pub fn status(state: State<'_>) -> Answer<Status> {
    Ok(state.engine()?.status()?)
}
