use bridge_engine::{
    ConnectRequest, ConnectionCheck, DisconnectPreview, Login, MirroredObject, PullSummary,
};
use bridge_model::{Connection, ConnectionId, ObjectType, Provider};

use super::{Answer, State};

#[tauri::command(async)]
pub async fn connect_with_key(
    state: State<'_>,
    provider: Provider,
    base_url: String,
    api_key: String,
) -> Answer<Connection> {
    let request = ConnectRequest {
        provider,
        base_url,
        login: Login::ApiKey(api_key),
        label: None,
    };
    Ok(state
        .engine()?
        .connect(request, |_| async { Ok(()) })
        .await?)
}

/// Opens the system browser on the CRM's sign-in page and waits for the approval to come back.
#[tauri::command(async)]
pub async fn connect_with_browser(
    state: State<'_>,
    provider: Provider,
    base_url: String,
) -> Answer<Connection> {
    state.connect_with_browser(provider, base_url).await
}

/// Gives up the browser sign-in being waited for.
#[tauri::command(async)]
pub fn cancel_sign_in(state: State<'_>) {
    state.cancel_sign_in()
}

/// What removing the connection keeps and lets go, for the confirmation.
#[tauri::command(async)]
pub fn disconnect_preview(state: State<'_>, id: ConnectionId) -> Answer<DisconnectPreview> {
    Ok(state.engine()?.disconnect_preview(id)?)
}

/// Archives the connection (its history stays); its records leave the mirror unless kept.
#[tauri::command(async)]
pub fn disconnect(
    state: State<'_>,
    id: ConnectionId,
    keep_records: bool,
) -> Answer<DisconnectPreview> {
    Ok(state.engine()?.disconnect(id, keep_records)?)
}

/// Signs in again on a connection with a new API key or token (the same account only).
#[tauri::command(async)]
pub async fn reconnect_with_key(
    state: State<'_>,
    id: ConnectionId,
    api_key: String,
) -> Answer<Connection> {
    Ok(state
        .engine()?
        .reconnect(id, Login::ApiKey(api_key), |_| async { Ok(()) })
        .await?)
}

/// Signs in again on a connection with the system browser (the same account only).
#[tauri::command(async)]
pub async fn reconnect_with_browser(state: State<'_>, id: ConnectionId) -> Answer<Connection> {
    state.reconnect_with_browser(id).await
}

#[tauri::command(async)]
pub async fn check_connection(state: State<'_>, id: ConnectionId) -> Answer<ConnectionCheck> {
    Ok(state.engine()?.check_connection(id).await?)
}

/// Opens the demo workspace, beside (never in) the person's own.
#[tauri::command(async)]
pub async fn open_demo(app: tauri::AppHandle, state: State<'_>) -> Answer<Vec<Connection>> {
    state.open_demo(&app).await
}

/// Back to the person's own workspace.
#[tauri::command(async)]
pub fn leave_demo(app: tauri::AppHandle, state: State<'_>) -> Answer<()> {
    state.leave_demo(&app)
}

/// Pulls one connection; progress arrives as `pull-progress` events after every page.
#[tauri::command(async)]
pub async fn pull(
    app: tauri::AppHandle,
    state: State<'_>,
    id: ConnectionId,
    full: bool,
) -> Answer<PullSummary> {
    state.pull(&app, id, full).await
}

#[tauri::command(async)]
pub fn cancel_pull(state: State<'_>, id: ConnectionId) {
    state.cancel_pull(id)
}

/// The custom objects a connection's CRM listed at its last pull, with the CRM's names for them.
#[tauri::command(async)]
pub fn custom_objects(
    state: State<'_>,
    connection: ConnectionId,
) -> Answer<Vec<bridge_model::CustomObjectInfo>> {
    Ok(state.engine()?.custom_objects(connection)?)
}

/// The custom fields of each object type of a connection's CRM, and which the mirror holds.
#[tauri::command(async)]
pub async fn mirrored_fields(
    state: State<'_>,
    connection: ConnectionId,
) -> Answer<Vec<MirroredObject>> {
    Ok(state.engine()?.mirrored_fields(connection).await?)
}

/// Mirrors only these custom fields of an object type (null: every one); what a mapping or a
/// sync pair needs stays. Returns the keys now mirrored.
#[tauri::command(async)]
pub fn choose_mirrored_fields(
    state: State<'_>,
    connection: ConnectionId,
    object_type: ObjectType,
    keys: Option<Vec<String>>,
) -> Answer<Option<Vec<String>>> {
    Ok(state
        .engine()?
        .choose_mirrored_fields(connection, object_type, keys)?)
}
