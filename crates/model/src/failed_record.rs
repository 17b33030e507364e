use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{ConnectionId, ObjectType};

/// Why a write failed, as a person would sort the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCategory {
    Validation,
    Auth,
    Permission,
    RateLimit,
    NotFound,
    Conflict,
    Server,
    Network,
}

impl ErrorCategory {
    pub const ALL: [ErrorCategory; 8] = [
        ErrorCategory::Validation,
        ErrorCategory::Auth,
        ErrorCategory::Permission,
        ErrorCategory::RateLimit,
        ErrorCategory::NotFound,
        ErrorCategory::Conflict,
        ErrorCategory::Server,
        ErrorCategory::Network,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCategory::Validation => "validation",
            ErrorCategory::Auth => "auth",
            ErrorCategory::Permission => "permission",
            ErrorCategory::RateLimit => "rate_limit",
            ErrorCategory::NotFound => "not_found",
            ErrorCategory::Conflict => "conflict",
            ErrorCategory::Server => "server",
            ErrorCategory::Network => "network",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        ErrorCategory::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Transient failures retry by themselves; the others wait for a person.
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            ErrorCategory::RateLimit | ErrorCategory::Server | ErrorCategory::Network
        )
    }
}

/// The kind of write that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum WriteOperation {
    Create,
    Update,
    Upsert,
    Delete,
    Merge,
}

impl WriteOperation {
    pub const ALL: [WriteOperation; 5] = [
        WriteOperation::Create,
        WriteOperation::Update,
        WriteOperation::Upsert,
        WriteOperation::Delete,
        WriteOperation::Merge,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WriteOperation::Create => "create",
            WriteOperation::Update => "update",
            WriteOperation::Upsert => "upsert",
            WriteOperation::Delete => "delete",
            WriteOperation::Merge => "merge",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        WriteOperation::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// A write that did not succeed and waits in the queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FailedRecord {
    pub id: i64,
    pub connection_id: ConnectionId,
    pub object_type: ObjectType,
    pub remote_id: Option<String>,
    pub operation: WriteOperation,
    #[ts(type = "{ [key in string]?: unknown }")]
    pub payload: serde_json::Value,
    pub category: ErrorCategory,
    /// The CRM's own message.
    pub message: String,
    /// The field the CRM named, if it named one.
    pub field: Option<String>,
    pub attempts: i64,
    pub created_at: DateTime<Utc>,
}

/// Failed writes with one cause: the same problem, CRM, object, operation and field. The CRM's
/// message often quotes the refused value, so it is shown (the first one) but not grouped on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FailedGroup {
    pub category: ErrorCategory,
    pub connection_id: ConnectionId,
    pub object_type: ObjectType,
    pub operation: WriteOperation,
    pub field: Option<String>,
    /// The first write's message, as an example.
    pub message: String,
    /// How many different messages the group holds.
    pub messages: i64,
    pub count: i64,
    /// The writes in the group, oldest first.
    pub ids: Vec<i64>,
}

/// What is needed to queue a failed write.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFailedRecord {
    pub connection_id: ConnectionId,
    pub object_type: ObjectType,
    pub remote_id: Option<String>,
    pub operation: WriteOperation,
    pub payload: serde_json::Value,
    pub category: ErrorCategory,
    pub message: String,
    pub field: Option<String>,
}
