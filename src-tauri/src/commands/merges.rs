use bridge_engine::{
    BulkMergePreview, BulkMergeSummary, MergeChoice, MergeEntry, MergePage, MergePreview,
};

use super::{Answer, State};

/// What merging a group would do, with the person's picks; writes nothing.
#[tauri::command(async)]
pub fn merge_preview(state: State<'_>, group: i64, choice: MergeChoice) -> Answer<MergePreview> {
    Ok(state.engine()?.merge_preview(group, &choice)?)
}

#[tauri::command(async)]
pub async fn merge_group(state: State<'_>, group: i64, choice: MergeChoice) -> Answer<MergeEntry> {
    Ok(state.engine()?.merge_group(group, &choice).await?)
}

#[tauri::command(async)]
pub fn bulk_merge_preview(state: State<'_>) -> Answer<BulkMergePreview> {
    Ok(state.engine()?.bulk_merge_preview()?)
}

#[tauri::command(async)]
pub async fn merge_all_safe(app: tauri::AppHandle, state: State<'_>) -> Answer<BulkMergeSummary> {
    let engine = state.engine()?;
    let merged = engine.merge_all_safe().await?;
    let body = format!(
        "{} groups merged, {} could not be.",
        merged.merged,
        merged.failed.len()
    );
    crate::notify::job_done(&app, &engine, "Merge all safe finished", &body);
    Ok(merged)
}

#[tauri::command(async)]
pub fn merges(state: State<'_>, offset: i64, limit: i64) -> Answer<MergePage> {
    Ok(state.engine()?.merges(offset, limit)?)
}

/// Undoes a merge; a survivor changed in its CRM since is refused (`changed_since`) unless
/// `overwrite_changed`.
#[tauri::command(async)]
pub async fn undo_merge(state: State<'_>, id: i64, overwrite_changed: bool) -> Answer<MergeEntry> {
    Ok(state.engine()?.undo_merge(id, overwrite_changed).await?)
}
