//! Deletions carried across a pair: a record deleted on one side is deleted on the other through the
//! outbox (by the pair's rule), each one kept with its before-image so an undo creates it again.

use bridge_crm::RecordError;
use bridge_model::{ObjectType, Side};
use bridge_store::sync_deletions;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Engine, Error, Result};

/// A record a sync deleted because its counterpart was deleted on the other side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncDeletion {
    pub id: i64,
    pub pair_id: i64,
    pub object_type: ObjectType,
    /// The side the sync deleted on.
    pub side: Side,
    pub remote_id: String,
    /// Its counterpart, deleted on the other side.
    pub source_remote_id: String,
    pub name: String,
    pub deleted_at: DateTime<Utc>,
    pub undone_at: Option<DateTime<Utc>>,
    /// The record an undo created in its place.
    pub restored_id: Option<String>,
}

impl From<sync_deletions::SyncDeletion> for SyncDeletion {
    fn from(d: sync_deletions::SyncDeletion) -> Self {
        SyncDeletion {
            id: d.id,
            pair_id: d.pair_id,
            object_type: d.object_type,
            side: d.side,
            remote_id: d.remote_id,
            source_remote_id: d.source_remote_id,
            name: d.name,
            deleted_at: d.deleted_at,
            undone_at: d.undone_at,
            restored_id: d.restored_id,
        }
    }
}

impl Engine {
    /// The latest deletions syncs carried across (of one pair, or every pair), newest first.
    pub fn sync_deletions(&self, pair: Option<i64>, limit: i64) -> Result<Vec<SyncDeletion>> {
        crate::queues::check_page(0, limit)?;
        Ok(self
            .store
            .read(|c| sync_deletions::list(c, pair, limit))?
            .into_iter()
            .map(SyncDeletion::from)
            .collect())
    }

    /// Undoes a deletion a sync carried across: the record is created again in its CRM from its
    /// before-image (every field that CRM takes), and kept: the sync leaves it alone from then on
    /// (its counterpart stays deleted, and it is neither deleted again nor created on that side).
    pub async fn undo_sync_deletion(&self, id: i64) -> Result<SyncDeletion> {
        let row = self
            .store
            .read(|c| sync_deletions::get(c, id))?
            .ok_or_else(|| Error::NotFound {
                what: "sync deletion",
                id: id.to_string(),
            })?;
        if row.undone_at.is_some() {
            return Err(Error::InvalidInput {
                field: "deletion",
                message: format!(
                    "the deletion of “{}” was undone already (the record is {} now)",
                    row.name,
                    row.restored_id.as_deref().unwrap_or("back")
                ),
            });
        }
        let pair = self.sync_pair(row.pair_id)?;
        let connection = self.connection(if row.side == Side::A { pair.a } else { pair.b })?;
        let crm = self.client(&connection)?;
        let writable = bridge_crm::writable_fields(connection.provider, row.object_type);
        let fields: bridge_model::Fields = row
            .before_image
            .iter()
            .filter(|(k, _)| k.as_str() == bridge_crm::CUSTOM || writable.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let restored = match crm.create(row.object_type, &[fields]).await.pop() {
            Some(Ok(w)) => w.remote_id,
            Some(Err(RecordError { field, message, .. })) => {
                return Err(Error::Crm(bridge_crm::CrmError::Rejected {
                    provider: connection.provider.label(),
                    request: format!("recreating “{}”", row.name),
                    status: 400,
                    field,
                    message,
                }));
            }
            None => {
                return Err(Error::Crm(bridge_crm::CrmError::Malformed {
                    provider: connection.provider.label(),
                    request: format!("recreating “{}”", row.name),
                    detail: "the answer held no result".into(),
                }));
            }
        };
        let now = Utc::now();
        let (a_id, b_id) = match row.side {
            Side::A => (&restored, &row.source_remote_id),
            Side::B => (&row.source_remote_id, &restored),
        };
        self.store.write(|tx| {
            sync_deletions::undone(tx, id, &restored, now)?;
            bridge_store::sync_state::keep(tx, pair.id, row.object_type, a_id, b_id, now)
        })?;
        self.audit(
            "undo_sync_deletion",
            Some(connection.id),
            format!(
                "sync “{}”: {} “{}” created again as {restored}",
                pair.name, row.object_type, row.name
            ),
            1,
        )?;
        let row = self
            .store
            .read(|c| sync_deletions::get(c, id))?
            .expect("the deletion just undone");
        Ok(row.into())
    }
}
