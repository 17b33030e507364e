//! Deletions carried across a pair: a record deleted on one side is deleted on the other through the
//! outbox (by the pair's rule), each one kept with its before-image so an undo creates it again.

use bridge_crm::RecordError;
use bridge_model::{Side, SyncDeletion};
use bridge_store::sync_deletions;
use chrono::Utc;

use crate::{Engine, Error, Result};

impl Engine {
    /// The latest deletions syncs carried across (of one pair, or every pair), newest first.
    pub fn sync_deletions(&self, pair: Option<i64>, limit: i64) -> Result<Vec<SyncDeletion>> {
        crate::queues::check_page(0, limit)?;
        Ok(self
            .store
            .read(|c| sync_deletions::list(c, pair, limit))?
            .into_iter()
            .map(|s| s.deletion)
            .collect())
    }

    /// Undoes a deletion a sync carried across: the record is created again in its CRM from its
    /// before-image (every field that CRM takes), and kept: the sync leaves it alone from then on
    /// (its counterpart stays deleted, and it is neither deleted again nor created on that side).
    pub async fn undo_sync_deletion(&self, id: i64) -> Result<SyncDeletion> {
        let sync_deletions::Stored {
            deletion: row,
            before_image,
        } = self
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
        let connection = self.connection(pair.connection_on(row.side))?;
        let crm = self.client(&connection)?;
        let crm_type = pair.type_on(row.object_type, row.side);
        let fields = bridge_crm::creatable(connection.provider, crm_type, &before_image);
        let restored = match crm.create(crm_type, &[fields]).await.pop() {
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
        Ok(row.deletion)
    }
}
