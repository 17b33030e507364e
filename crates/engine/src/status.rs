use bridge_model::{Connection, ObjectType};
use bridge_store::{connections, duplicate_groups, failed_records, records, sync_cursors};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Engine, Result};

/// One connection with how many live records of each object type it has mirrored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ConnectionStatus {
    pub connection: Connection,
    /// `[object type, count]` for each object type present, in object-type order.
    pub counts: Vec<(ObjectType, i64)>,
    pub total: i64,
    /// When a pull last finished for it (none before the first).
    pub last_pulled_at: Option<DateTime<Utc>>,
}

/// What the workspace holds, per connection (the CLI's `status`, the Connections screen).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Status {
    pub connections: Vec<ConnectionStatus>,
    pub total_records: i64,
}

/// The numbers the navigation shows beside each screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Overview {
    pub connections: i64,
    pub records: i64,
    pub open_duplicate_groups: i64,
    pub open_failed_records: i64,
    /// Fields both sides of a sync changed that wait for a person.
    pub open_conflicts: i64,
    pub database_path: Option<String>,
    /// The demo workspace is open (not the person's own).
    pub demo: bool,
    /// This build can open the demo (packages hold no emulator).
    pub demo_available: bool,
}

impl Engine {
    pub fn status(&self) -> Result<Status> {
        Ok(self.store.read(|conn| {
            let counts = records::counts(conn)?;
            let pulled = sync_cursors::last_pulled(conn)?;
            let connections = connections::list(conn)?
                .into_iter()
                .map(|connection| {
                    let counts: Vec<(ObjectType, i64)> = counts
                        .iter()
                        .filter(|c| c.connection_id == connection.id)
                        .map(|c| (c.object_type, c.count))
                        .collect();
                    ConnectionStatus {
                        last_pulled_at: pulled
                            .iter()
                            .find(|(id, _)| *id == connection.id)
                            .map(|(_, at)| *at),
                        total: counts.iter().map(|(_, n)| n).sum(),
                        counts,
                        connection,
                    }
                })
                .collect::<Vec<_>>();
            Ok(Status {
                total_records: connections.iter().map(|c| c.total).sum(),
                connections,
            })
        })?)
    }

    pub fn overview(&self) -> Result<Overview> {
        let status = self.status()?;
        Ok(self.store.read(|conn| {
            Ok(Overview {
                connections: status
                    .connections
                    .iter()
                    .filter(|c| c.connection.archived_at.is_none())
                    .count() as i64,
                records: status.total_records,
                open_duplicate_groups: duplicate_groups::count_open(conn)?,
                open_failed_records: failed_records::count_open(conn)?,
                open_conflicts: bridge_store::conflicts::count_open(conn)?,
                database_path: self.store.path().map(|p| p.display().to_string()),
                demo: self.demo,
                demo_available: cfg!(feature = "demo"),
            })
        })?)
    }
}
