//! Domain types shared by every CRM Bridge crate. No I/O lives here.

mod activity;
mod audit;
mod connection;
mod failed_record;
mod ids;
mod migration;
mod new_field;
mod object_type;
mod provider;
mod query;
mod record;
mod review;
mod settings;
mod sync;

pub use activity::{
    ActivityKind, OUTCOMES, TimelineEntry, activity_field, direction as activity_direction,
    outcome as activity_outcome,
};
pub use audit::{AuditEntry, NewAuditEntry};
pub use connection::{Connection, NewConnection};
pub use failed_record::{
    ErrorCategory, FailedGroup, FailedRecord, NewFailedRecord, WriteOperation,
};
pub use ids::{ConnectionId, RecordId};
pub use migration::{
    DryRun, ExistingRecords, FieldMapping, FieldProblem, MappedField, MappedOwner, MappedStage,
    MigrationAction, MigrationPlan, MigrationReport, MigrationResult, MissingField, PlannedItem,
    SourceCount, Transform,
};
pub use new_field::{FieldType, NewField};
pub use object_type::{CustomObject, CustomObjectInfo, ObjectType};
pub use provider::Provider;
pub use query::{ObjectCount, RecordPage, RecordQuery};
pub use record::{Fields, NewRecord, Record, RecordRow, display_name_of, field};
pub use review::{DuplicateGroupRow, FieldMappingRow, MigrationRow, MigrationStatus};
pub use settings::{LOWEST_REVIEW_THRESHOLD, LogLevel, SETTING_KEYS, Settings, Theme};
pub use sync::{
    ConflictField, ConflictPolicy, DeleteRule, FieldAcross, FieldRule, NewSyncPair, ObjectSync,
    RunStatus, ScopeCondition, Side, SyncCounts, SyncDeletion, SyncPair, SyncRun,
};

/// A value that did not parse as one of our domain words, e.g. an unknown provider name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} `{value}`; expected one of: {expected}")]
pub struct ParseError {
    pub kind: &'static str,
    pub value: String,
    pub expected: &'static str,
}
