use bridge_engine::{About, Licence};
use bridge_model::Settings;

use super::{Answer, State};

#[tauri::command(async)]
pub fn settings(state: State<'_>) -> Answer<Settings> {
    Ok(state.engine()?.settings()?)
}

/// Sets one setting (as `crm-bridge config set` names it); answers with every setting after.
#[tauri::command(async)]
pub fn set_setting(state: State<'_>, key: String, value: String) -> Answer<Settings> {
    Ok(state.engine()?.set_setting(&key, &value)?)
}

/// Versions, OS, connections (no secrets), counts, last errors and the log's tail, as text.
#[tauri::command(async)]
pub fn diagnostics(state: State<'_>) -> Answer<String> {
    Ok(state.engine()?.diagnostics("desktop app")?)
}

#[tauri::command(async)]
pub fn about(state: State<'_>) -> Answer<About> {
    Ok(state.engine()?.about(licences())?)
}

/// Opens another workspace file (`create`: a new one) in place of the open one.
#[tauri::command(async)]
pub fn open_workspace(
    app: tauri::AppHandle,
    state: State<'_>,
    path: String,
    create: bool,
) -> Answer<()> {
    state.open_other_workspace(&app, std::path::Path::new(&path), create)
}

/// The libraries this build bundles, as `build.rs` listed them.
fn licences() -> Vec<Licence> {
    let listed: serde_json::Value =
        serde_json::from_str(include_str!(concat!(env!("OUT_DIR"), "/licences.json")))
            .unwrap_or_default();
    ["rust", "npm"]
        .into_iter()
        .flat_map(|ecosystem| {
            listed[ecosystem]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(move |entry| {
                    let [name, version, licence] = [0, 1, 2].map(|i| entry[i].as_str());
                    Some(Licence {
                        ecosystem: ecosystem.into(),
                        name: name?.into(),
                        version: version?.into(),
                        licence: licence?.into(),
                    })
                })
        })
        .collect()
}
