//! Summaries the Duplicates, Mappings and Migration screens list.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{ConnectionId, ObjectType, Provider};

/// A candidate group of duplicate records awaiting review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DuplicateGroupRow {
    pub id: i64,
    pub object_type: ObjectType,
    pub score: f64,
    pub size: i64,
    /// Display names of the members, in id order.
    pub names: Vec<String>,
    /// The CRM of each member, in the same order (a group across CRMs shows several).
    pub providers: Vec<Provider>,
    pub created_at: DateTime<Utc>,
}

/// The current version of a saved field mapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FieldMappingRow {
    pub id: i64,
    pub name: String,
    pub version: i64,
    pub source_provider: Provider,
    pub source_object: String,
    pub target_provider: Provider,
    pub target_object: String,
    pub rule_count: i64,
    pub created_at: DateTime<Utc>,
}

/// Where a migration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MigrationStatus {
    Draft,
    DryRun,
    Running,
    Paused,
    Completed,
    Failed,
    RolledBack,
}

impl MigrationStatus {
    pub const ALL: [MigrationStatus; 7] = [
        MigrationStatus::Draft,
        MigrationStatus::DryRun,
        MigrationStatus::Running,
        MigrationStatus::Paused,
        MigrationStatus::Completed,
        MigrationStatus::Failed,
        MigrationStatus::RolledBack,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MigrationStatus::Draft => "draft",
            MigrationStatus::DryRun => "dry_run",
            MigrationStatus::Running => "running",
            MigrationStatus::Paused => "paused",
            MigrationStatus::Completed => "completed",
            MigrationStatus::Failed => "failed",
            MigrationStatus::RolledBack => "rolled_back",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        MigrationStatus::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// A migration as the Migration screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MigrationRow {
    pub id: i64,
    pub name: String,
    pub source_connection_id: ConnectionId,
    pub target_connection_id: ConnectionId,
    pub status: MigrationStatus,
    pub items_done: i64,
    pub items_failed: i64,
    pub items_total: i64,
    pub updated_at: DateTime<Utc>,
}
