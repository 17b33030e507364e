//! Before an undo writes: the survivors someone changed in their CRM after the merge. The undo would
//! write their old values over that change, so it stops and names them unless told to overwrite.
//! Writes of CRM Bridge's own later merges and undos are not someone's change.

use std::collections::{BTreeMap, BTreeSet};

use bridge_model::{ConnectionId, ObjectType};
use bridge_store::{merges, merges::MergeRow, records};
use chrono::{DateTime, Duration, Utc};

use super::{MergedMember, Step, corrupt_json};
use crate::{Cancel, Engine, PullOptions, Result};

/// How far a CRM's clock may run ahead of ours before its modified time counts as a later change.
const CLOCK_SLACK: Duration = Duration::seconds(2);

/// How long a pull of a connection's records counts as the CRM as it is now.
const FRESH: std::time::Duration = std::time::Duration::from_secs(60);

/// When CRM Bridge itself last wrote each record after `since`: (connection, remote id) -> time.
type OwnWrites = BTreeMap<(ConnectionId, String), DateTime<Utc>>;

impl Engine {
    /// The survivors of merge `row` changed in their CRM since it settled, in words ("HubSpot person
    /// “Ann Lee” (501), changed 2026-12-05 09:03 UTC"). The survivors' types are pulled first.
    pub(super) async fn changed_since_merge(
        &self,
        row: &MergeRow,
        before: &[MergedMember],
    ) -> Result<Vec<String>> {
        let Some(settled) = row.settled_at else {
            return Ok(Vec::new());
        };
        let kept: Vec<&MergedMember> = before.iter().filter(|m| m.role == "kept").collect();
        let types: BTreeSet<(ConnectionId, ObjectType)> = kept
            .iter()
            .map(|m| (m.connection_id, m.object_type))
            .collect();
        for (connection, object_type) in types {
            self.read_recently(connection, object_type).await?;
        }
        let own = self.own_writes_after(row.id, settled)?;
        let mut out = Vec::new();
        for m in kept {
            let Some(record) = self.store.read(|c| records::get(c, m.record_id))? else {
                continue;
            };
            let Some(modified) = record.remote_modified_at else {
                continue;
            };
            let baseline = own
                .get(&(m.connection_id, record.remote_id.clone()))
                .map_or(settled, |t| (*t).max(settled));
            if modified > baseline + CLOCK_SLACK {
                out.push(format!(
                    "{} {} “{}” ({}), changed {}",
                    m.provider.label(),
                    m.object_type.as_str(),
                    record.display_name,
                    record.remote_id,
                    modified.format("%Y-%m-%d %H:%M UTC")
                ));
            }
        }
        Ok(out)
    }

    /// Pulls a connection's records of one type unless that was done in the last [`FRESH`]: undoing
    /// many merges one after another reads each CRM once a minute, not once an undo.
    async fn read_recently(&self, connection: ConnectionId, object_type: ObjectType) -> Result<()> {
        let key = (connection, object_type);
        let fresh = self
            .recent_pulls
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .is_some_and(|at| at.elapsed() < FRESH);
        if fresh {
            return Ok(());
        }
        let options = PullOptions {
            object_types: vec![object_type],
            full: false,
        };
        self.pull(connection, &options, &|_| {}, &Cancel::default())
            .await?;
        self.recent_pulls
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, std::time::Instant::now());
        Ok(())
    }

    /// The records other merges and undos wrote after `since`, and when they were done with them.
    fn own_writes_after(&self, merge: i64, since: DateTime<Utc>) -> Result<OwnWrites> {
        let mut out = OwnWrites::new();
        for row in self.store.read(merges::all)? {
            if row.id == merge {
                continue;
            }
            let times: Vec<DateTime<Utc>> = [row.settled_at, row.undone_at]
                .into_iter()
                .flatten()
                .filter(|t| *t > since)
                .collect();
            let Some(latest) = times.into_iter().max() else {
                continue;
            };
            let steps: Vec<Step> = corrupt_json(row.id, "steps", &row.steps)?;
            let before: Vec<MergedMember> =
                corrupt_json(row.id, "before_image", &row.before_image)?;
            let mut touched: Vec<(ConnectionId, String)> = Vec::new();
            for step in steps {
                match step {
                    Step::Updated {
                        connection_id,
                        remote_id,
                        ..
                    } => touched.push((connection_id, remote_id)),
                    Step::Merged {
                        connection_id,
                        survivor_after,
                        ..
                    } => touched.push((connection_id, survivor_after)),
                    Step::Linked { .. } => {}
                }
            }
            for m in before {
                touched.push((m.connection_id, m.remote_id.clone()));
                for child in m.children {
                    touched.push((m.connection_id, child.remote_id));
                }
            }
            for key in touched {
                let at = out.entry(key).or_insert(latest);
                *at = (*at).max(latest);
            }
        }
        Ok(out)
    }
}
