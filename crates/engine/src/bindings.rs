//! The TypeScript side of every type that crosses IPC, generated with ts-rs into `ui/src/bindings/`.

use std::path::Path;

use ts_rs::{Config, ExportError, TS};

/// Writes the bindings of every IPC type (and the types they use) into `dir`.
pub fn export_bindings(dir: &Path) -> Result<(), ExportError> {
    // Local ids and counts stay far below 2^53, so `number` is exact and easier to use than bigint.
    let cfg = Config::new().with_out_dir(dir).with_large_int("number");
    crate::Overview::export_all(&cfg)?;
    crate::Status::export_all(&cfg)?;
    crate::ErrorPayload::export_all(&cfg)?;
    crate::FailedRecordPage::export_all(&cfg)?;
    crate::DuplicateGroupPage::export_all(&cfg)?;
    crate::DuplicateGroup::export_all(&cfg)?;
    crate::DedupeSummary::export_all(&cfg)?;
    crate::ConnectionCheck::export_all(&cfg)?;
    crate::DisconnectPreview::export_all(&cfg)?;
    crate::RollbackPreview::export_all(&cfg)?;
    crate::BackupFile::export_all(&cfg)?;
    crate::About::export_all(&cfg)?;
    bridge_model::Settings::export_all(&cfg)?;
    crate::AuditQuery::export_all(&cfg)?;
    bridge_model::AuditEntry::export_all(&cfg)?;
    crate::FailedQuery::export_all(&cfg)?;
    crate::ResyncSummary::export_all(&cfg)?;
    bridge_model::FailedRecord::export_all(&cfg)?;
    bridge_model::FailedGroup::export_all(&cfg)?;
    crate::MergeChoice::export_all(&cfg)?;
    crate::MergePreview::export_all(&cfg)?;
    crate::MergeEntry::export_all(&cfg)?;
    crate::MergePage::export_all(&cfg)?;
    crate::BulkMergePreview::export_all(&cfg)?;
    crate::BulkMergeSummary::export_all(&cfg)?;
    crate::PullProgress::export_all(&cfg)?;
    crate::PullSummary::export_all(&cfg)?;
    bridge_model::Connection::export_all(&cfg)?;
    bridge_model::CustomObjectInfo::export_all(&cfg)?;
    bridge_model::RecordQuery::export_all(&cfg)?;
    bridge_model::RecordPage::export_all(&cfg)?;
    bridge_model::Record::export_all(&cfg)?;
    bridge_model::TimelineEntry::export_all(&cfg)?;
    bridge_model::FieldMappingRow::export_all(&cfg)?;
    bridge_model::MigrationRow::export_all(&cfg)?;
    bridge_model::SyncPair::export_all(&cfg)?;
    bridge_model::NewSyncPair::export_all(&cfg)?;
    bridge_model::SyncRun::export_all(&cfg)?;
    bridge_model::Side::export_all(&cfg)?;
    crate::SyncProgress::export_all(&cfg)?;
    crate::SyncReport::export_all(&cfg)?;
    crate::Conflict::export_all(&cfg)?;
    bridge_model::SyncDeletion::export_all(&cfg)?;
    crate::CreatedField::export_all(&cfg)?;
    bridge_model::NewField::export_all(&cfg)?;
    crate::IdField::export_all(&cfg)?;
    bridge_model::MigrationPlan::export_all(&cfg)?;
    bridge_model::DryRun::export_all(&cfg)?;
    bridge_model::MigrationReport::export_all(&cfg)?;
    bridge_model::MigrationResult::export_all(&cfg)?;
    crate::MigrationProgress::export_all(&cfg)?;
    crate::MirroredObject::export_all(&cfg)?;
    crate::MigrationOptions::export_all(&cfg)?;
    crate::SavedMappings::export_all(&cfg)?;
    crate::ImportedMapping::export_all(&cfg)?;
    crate::FieldMappingFile::export_all(&cfg)?;
    crate::StageOwnerMapping::export_all(&cfg)?;
    Ok(())
}
