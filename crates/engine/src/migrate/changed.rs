//! Before a rollback writes: the target records someone changed after the run wrote them. They are
//! listed apart and left alone unless the person says to overwrite them.

use std::collections::HashSet;

use bridge_model::{MigrationPlan, ObjectType};
use bridge_store::{migrations, migrations::MigrationItem, records};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::run::undoable;
use crate::{Cancel, Engine, Error, PullOptions, Result};

/// How far a CRM's clock may run ahead of ours before its modified time counts as a later change.
const CLOCK_SLACK: Duration = Duration::seconds(2);

/// A target record changed after the run wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ChangedRecord {
    pub object_type: ObjectType,
    pub remote_id: String,
    pub display_name: String,
    pub written_at: DateTime<Utc>,
    pub changed_at: DateTime<Utc>,
}

/// What a rollback would do, read before it writes anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RollbackPreview {
    pub migration_id: i64,
    /// Records it would delete or write back.
    pub records: i64,
    /// Of those, the ones changed in the target since the run: left alone unless overwritten.
    pub changed_since: Vec<ChangedRecord>,
}

impl Engine {
    pub(super) fn stored_plan(&self, id: i64) -> Result<MigrationPlan> {
        self.store
            .read(|c| migrations::plan(c, id))?
            .ok_or_else(|| Error::NotFound {
                what: "migration",
                id: id.to_string(),
            })
            .and_then(|v| {
                serde_json::from_value(v).map_err(|e| Error::InvalidInput {
                    field: "plan",
                    message: e.to_string(),
                })
            })
    }

    /// How many records a rollback would write, and which of them changed since the run (the target
    /// is pulled first, so its modified times are the CRM's own now).
    pub async fn rollback_preview(&self, id: i64) -> Result<RollbackPreview> {
        let plan = self.stored_plan(id)?;
        let items = self.store.read(|c| migrations::items(c, id))?;
        let changed_since = self.changed_since_run(id, &plan, &items).await?;
        Ok(RollbackPreview {
            migration_id: id,
            records: items.iter().filter(|i| undoable(i)).count() as i64,
            changed_since,
        })
    }

    pub(super) async fn changed_since_run(
        &self,
        id: i64,
        plan: &MigrationPlan,
        items: &[MigrationItem],
    ) -> Result<Vec<ChangedRecord>> {
        let mut target_types: Vec<ObjectType> =
            plan.objects.iter().map(|m| m.target_object).collect();
        target_types.dedup();
        let options = PullOptions {
            object_types: target_types,
            full: false,
        };
        self.pull(plan.target, &options, &|_| {}, &Cancel::default())
            .await?;
        let written = self.store.read(|c| migrations::written_at(c, id))?;
        let mut out = Vec::new();
        for item in items.iter().filter(|i| undoable(i)) {
            let (Some(target_id), Some(mapping)) = (
                item.target_remote_id.as_deref(),
                plan.objects
                    .iter()
                    .find(|m| m.source_object == item.object_type),
            ) else {
                continue;
            };
            let Some(written_at) = written
                .get(&(item.object_type, item.source_remote_id.clone()))
                .copied()
            else {
                continue;
            };
            let record = self.store.read(|c| {
                match records::id_of(c, plan.target, mapping.target_object, target_id)? {
                    Some(local) => records::get(c, local),
                    None => Ok(None),
                }
            })?;
            if let Some(record) = record
                && let Some(changed_at) = record.remote_modified_at
                && changed_at > written_at + CLOCK_SLACK
            {
                out.push(ChangedRecord {
                    object_type: mapping.target_object,
                    remote_id: target_id.to_owned(),
                    display_name: record.display_name,
                    written_at,
                    changed_at,
                });
            }
        }
        Ok(out)
    }
}

/// The target ids of `changed`, to leave alone.
pub(super) fn ids(changed: &[ChangedRecord]) -> HashSet<String> {
    changed.iter().map(|c| c.remote_id.clone()).collect()
}
