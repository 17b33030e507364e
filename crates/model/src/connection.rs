use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{ConnectionId, Provider};

/// One connected CRM account. The secret itself lives in the OS keyring; `secret_ref` only names the
/// keyring entry, so this type is safe to store, log and send to the webview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Connection {
    pub id: ConnectionId,
    pub provider: Provider,
    pub label: String,
    pub base_url: String,
    pub account_id: Option<String>,
    pub secret_ref: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Set when the connection was removed: its history stays, its secret and (by choice) records went.
    pub archived_at: Option<DateTime<Utc>>,
}

/// What is needed to add a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConnection {
    pub provider: Provider,
    pub label: String,
    pub base_url: String,
    pub account_id: Option<String>,
    pub secret_ref: Option<String>,
}
