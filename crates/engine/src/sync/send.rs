//! Sends outbox writes in batches with the CRMs' batch endpoints. A send is counted before it goes
//! out, so after a crash or a lost answer a create that may exist is matched in the target's mirror
//! (after a fresh pull) instead of being created twice. Each confirmed write leaves the outbox in the
//! same transaction as the sync state and the link it leads to; each refused one waits in the
//! failed-records queue.

use std::collections::{BTreeMap, HashMap, HashSet};

use bridge_crm::{Crm, RecordError, Update, WriteResult, Written};
use bridge_model::{
    ErrorCategory, Fields, NewFailedRecord, ObjectType, Side, SyncCounts, SyncPair, WriteOperation,
};
use bridge_store::{
    failed_records, links,
    outbox::{self, OutboxWrite},
    records, sync_deletions, sync_runs, sync_state,
};
use chrono::Utc;
use serde_json::Value;

use super::reconcile::{is_blank, same};
use crate::{Cancel, Engine, PullOptions, Result, failed::retry_delay};

/// What a send came to, and whether it was cut short.
#[derive(Debug, Default)]
pub(crate) struct Sent {
    pub counts: SyncCounts,
    pub cancelled: bool,
}

impl Engine {
    /// Sends `writes` of `pair` (in order, batched per side, object type and operation), reporting
    /// after every batch how many are done.
    pub(crate) async fn send_writes(
        &self,
        pair: &SyncPair,
        writes: Vec<OutboxWrite>,
        run: Option<i64>,
        cancel: &Cancel,
        on_batch: &(dyn Fn(usize, &SyncCounts) + Send + Sync),
    ) -> Result<Sent> {
        let mut groups: BTreeMap<(ObjectType, u8, &'static str), Vec<OutboxWrite>> =
            BTreeMap::new();
        for w in writes {
            let side = if w.side == Side::A { 0 } else { 1 };
            groups
                .entry((w.object_type, side, w.operation.as_str()))
                .or_default()
                .push(w);
        }
        let mut sent = Sent::default();
        let mut done = 0;
        let mut pulled: HashSet<(Side, ObjectType)> = HashSet::new();
        for ((object_type, _, _), group) in groups {
            let side = group[0].side;
            // `object_type` names the pair's object; the CRM's type on this side may differ.
            let crm_type = pair.type_on(object_type, side);
            let connection = self.connection(pair.connection_on(side))?;
            let crm = self.client(&connection)?;
            // A create whose source record got linked meanwhile (a later run matched it by key to
            // the record an earlier, unanswered create made) is done: it is never sent again.
            let linked: HashMap<String, String> = self
                .store
                .read(|c| sync_state::list(c, pair.id, object_type))?
                .into_iter()
                .map(|s| match side {
                    Side::A => (s.b_remote_id, s.a_remote_id),
                    Side::B => (s.a_remote_id, s.b_remote_id),
                })
                .collect();
            // A create sent before may exist: the target's mirror is brought up to date once, then
            // searched (among the records no link has taken) before anything is created again.
            let retried = group
                .iter()
                .any(|w| w.operation == WriteOperation::Create && w.attempts > 0);
            let mut candidates = Vec::new();
            if retried {
                if pulled.insert((side, object_type)) {
                    let options = PullOptions {
                        object_types: vec![crm_type],
                        full: false,
                    };
                    self.pull(connection.id, &options, &|_| {}, cancel).await?;
                }
                candidates = self
                    .store
                    .read(|c| records::sync_view(c, connection.id, crm_type))?;
            }
            let mut taken: HashSet<&str> = linked.values().map(String::as_str).collect();
            for batch in group.chunks(crm.batch_size_for(group.len()).max(1)) {
                if cancel.is_cancelled() {
                    sent.cancelled = true;
                    return Ok(sent);
                }
                let found: Vec<Option<String>> = batch
                    .iter()
                    .map(|w| {
                        if w.operation != WriteOperation::Create {
                            return None;
                        }
                        if let Some(target) = linked.get(&w.source_remote_id) {
                            return Some(target.clone());
                        }
                        if w.attempts == 0 {
                            return None;
                        }
                        let hit = find_created(w, &candidates, &taken)?;
                        taken.insert(hit);
                        Some(hit.to_owned())
                    })
                    .collect();
                let to_send: Vec<&OutboxWrite> = batch
                    .iter()
                    .zip(&found)
                    .filter(|(_, f)| f.is_none())
                    .map(|(w, _)| w)
                    .collect();
                let ids: Vec<i64> = to_send.iter().map(|w| w.id).collect();
                self.store.write(|tx| outbox::attempt(tx, &ids))?;
                let mut answers = send(crm.as_ref(), crm_type, &to_send).await.into_iter();
                let results: Vec<WriteResult> = found
                    .into_iter()
                    .map(|f| match f {
                        Some(remote_id) => Ok(Written {
                            remote_id,
                            created: false,
                        }),
                        None => answers.next().unwrap_or_else(|| {
                            Err(RecordError {
                                category: ErrorCategory::Server,
                                field: None,
                                message: "the CRM's answer left this record out".into(),
                            })
                        }),
                    })
                    .collect();
                let counts = self.record_results(pair, &connection, batch, &results, run)?;
                add(&mut sent.counts, &counts);
                done += batch.len();
                on_batch(done, &sent.counts);
            }
        }
        Ok(sent)
    }

    /// Stores what became of a batch: confirmed writes leave the outbox and update the sync state and
    /// the identity map; refused ones wait in the failed-records queue with the CRM's words.
    fn record_results(
        &self,
        pair: &SyncPair,
        target: &bridge_model::Connection,
        batch: &[OutboxWrite],
        results: &[WriteResult],
        run: Option<i64>,
    ) -> Result<SyncCounts> {
        let now = Utc::now();
        Ok(self.store.write(|tx| {
            let mut counts = SyncCounts::default();
            for (w, result) in batch.iter().zip(results) {
                match result {
                    Ok(_) if w.operation == WriteOperation::Delete => {
                        let target = (target.id, pair.type_on(w.object_type, w.side));
                        sync_deletions::carried(tx, pair.id, target, w, run, now)?;
                        counts.deleted += 1;
                    }
                    Ok(written) => {
                        let (a_id, b_id) = match w.side {
                            Side::A => (written.remote_id.clone(), w.source_remote_id.clone()),
                            Side::B => (w.source_remote_id.clone(), written.remote_id.clone()),
                        };
                        let mut state = sync_state::get(tx, pair.id, w.object_type, &a_id)?
                            .unwrap_or(sync_state::Synced {
                                a_remote_id: a_id.clone(),
                                b_remote_id: b_id.clone(),
                                synced: Fields::new(),
                            });
                        state.b_remote_id = b_id.clone();
                        state.synced.extend(w.synced.clone());
                        sync_state::put(tx, pair.id, w.object_type, &state, now)?;
                        if w.operation == WriteOperation::Create {
                            let record = |side, remote_id: &str| links::LinkedRecord {
                                connection_id: pair.connection_on(side),
                                object_type: pair.type_on(w.object_type, side),
                                remote_id: remote_id.to_owned(),
                            };
                            links::link(
                                tx,
                                &[record(Side::A, &a_id), record(Side::B, &b_id)],
                                "sync",
                                now,
                            )?;
                            // Found in the target (an earlier unanswered create, or already linked): not new.
                            if written.created {
                                counts.created += 1;
                            } else {
                                counts.unchanged += 1;
                            }
                        } else {
                            counts.updated += 1;
                        }
                        if let Some(f) = failed_records::open_for_outbox(tx, w.id)? {
                            failed_records::resolve(tx, f, now)?;
                        }
                        outbox::done(tx, w.id)?;
                    }
                    Err(e) => {
                        let next = e
                            .category
                            .is_transient()
                            .then(|| now + retry_delay(w.attempts + 1));
                        let failed = NewFailedRecord {
                            connection_id: target.id,
                            object_type: pair.type_on(w.object_type, w.side),
                            remote_id: w.remote_id.clone(),
                            operation: w.operation,
                            payload: serde_json::Value::Object(w.fields.clone()),
                            category: e.category,
                            message: format!(
                                "{} (from {} record {})",
                                e.message,
                                if w.side == Side::B { "A" } else { "B" },
                                w.source_remote_id
                            ),
                            field: e.field.clone(),
                        };
                        failed_records::insert_for_outbox(tx, &failed, w.id, run, next, now)?;
                        outbox::failed(tx, w.id)?;
                        counts.failed += 1;
                    }
                }
            }
            if let Some(run) = run {
                sync_runs::add_sync(tx, run, &counts)?;
            }
            Ok(counts)
        })?)
    }
}

pub(crate) fn add(total: &mut SyncCounts, more: &SyncCounts) {
    total.created += more.created;
    total.updated += more.updated;
    total.unchanged += more.unchanged;
    total.failed += more.failed;
    total.conflicts += more.conflicts;
    total.deleted += more.deleted;
}

/// The target record an earlier, unanswered create made: one the mirror first saw after the create
/// was first sent (a record there before is another one, however alike), that no link has taken,
/// holding every value the write carried (custom fields each by its key: the record holds others too).
fn find_created<'a>(
    w: &OutboxWrite,
    candidates: &'a [records::SyncView],
    taken: &HashSet<&str>,
) -> Option<&'a str> {
    let seen_before = w.mirror_mark.unwrap_or(i64::MIN);
    candidates
        .iter()
        .find(|r| {
            r.row > seen_before
                && !taken.contains(r.remote_id.as_str())
                && holds(&r.fields, &w.fields)
        })
        .map(|r| r.remote_id.as_str())
}

/// Whether `record` holds every non-blank value of `written`, nested custom values included.
fn holds(record: &Fields, written: &Fields) -> bool {
    written.iter().filter(|(_, v)| !is_blank(v)).all(|(k, v)| {
        match (k.as_str(), v, record.get(k)) {
            (bridge_crm::CUSTOM, Value::Object(nested), Some(Value::Object(held))) => {
                holds(held, nested)
            }
            (_, _, held) => held.is_some_and(|x| same(x, v)),
        }
    })
}

/// One batch of the same operation to one CRM; one result per write.
async fn send(crm: &dyn Crm, object_type: ObjectType, batch: &[&OutboxWrite]) -> Vec<WriteResult> {
    let Some(first) = batch.first() else {
        return Vec::new();
    };
    match first.operation {
        WriteOperation::Create => {
            let inputs: Vec<Fields> = batch.iter().map(|w| w.fields.clone()).collect();
            crm.create(object_type, &inputs).await
        }
        WriteOperation::Delete => {
            let ids: Vec<String> = batch
                .iter()
                .map(|w| w.remote_id.clone().unwrap_or_default())
                .collect();
            // A record gone already (deleted by a person too, or by a send whose answer was lost)
            // is what the delete wanted.
            crm.delete(object_type, &ids)
                .await
                .into_iter()
                .zip(&ids)
                .map(|(r, id)| match r {
                    Err(e) if e.category == ErrorCategory::NotFound => Ok(Written {
                        remote_id: id.clone(),
                        created: false,
                    }),
                    other => other,
                })
                .collect()
        }
        _ => {
            let inputs: Vec<Update> = batch
                .iter()
                .map(|w| Update {
                    remote_id: w.remote_id.clone().unwrap_or_default(),
                    fields: w.fields.clone(),
                })
                .collect();
            crm.update(object_type, &inputs).await
        }
    }
}

impl Engine {
    /// Failed records a sync wrote, sent again through their outbox rows (with the payload as a person
    /// may have edited it in the queue), per pair.
    pub(crate) async fn resync_sync_writes(
        &self,
        failed: &[bridge_model::FailedRecord],
        outbox_of: &BTreeMap<i64, i64>,
    ) -> Result<SyncCounts> {
        let rows: Vec<i64> = failed
            .iter()
            .filter_map(|f| outbox_of.get(&f.id).copied())
            .collect();
        let mut writes = self.store.read(|c| outbox::get_many(c, &rows))?;
        // The payload as a person may have edited it in the queue goes out.
        self.store.write(|tx| {
            for f in failed {
                let Some(w) = writes
                    .iter_mut()
                    .find(|w| Some(&w.id) == outbox_of.get(&f.id))
                else {
                    continue;
                };
                if let serde_json::Value::Object(m) = &f.payload {
                    w.fields = m.clone();
                }
                outbox::retry(tx, w.id, &w.fields)?;
                w.failed = false;
            }
            Ok(())
        })?;
        let mut by_pair: BTreeMap<i64, Vec<OutboxWrite>> = BTreeMap::new();
        for w in writes {
            by_pair.entry(w.pair_id).or_default().push(w);
        }
        let mut counts = SyncCounts::default();
        for (pair, writes) in by_pair {
            let pair = self.sync_pair(pair)?;
            let sent = self
                .send_writes(&pair, writes, None, &Cancel::default(), &|_, _| {})
                .await?;
            add(&mut counts, &sent.counts);
        }
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn fields(v: Value) -> Fields {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn a_record_holds_a_write_with_custom_values_among_its_others() {
        let record = fields(json!({
            "name": "Acme", "city": "Oslo",
            "custom": {"salesforce_id": "001A", "tier": "Gold"}
        }));
        let held = |w| holds(&record, &fields(w));
        assert!(held(
            json!({"name": "Acme ", "phone": null, "custom": {"salesforce_id": "001A"}})
        ));
        assert!(!held(
            json!({"name": "Acme", "custom": {"salesforce_id": "001B"}})
        ));
        assert!(!held(json!({"name": "Acme", "custom": {"region": "EU"}})));
        assert!(!held(json!({"name": "Acme", "country": "NO"})));
    }
}
