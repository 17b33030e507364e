//! Two-way sync of a pair of connections: pull both, send what an earlier run left in the outbox,
//! then per object type (parents first) plan the writes from the mirror, store them in the outbox,
//! and send them in batches. Conflicts the rules cannot settle wait in the Conflicts inbox; refused
//! writes in the failed-records queue.

mod accounts;
mod across;
mod conflicts;
mod custom;
mod deletions;
mod leads;
mod pairs;
mod plan;
mod reconcile;
mod send;

use std::{
    collections::{HashMap, HashSet},
    time::Instant,
};

use bridge_model::{ConnectionId, ObjectType, RunStatus, Side, SyncCounts, SyncPair, SyncRun};
use bridge_store::{conflicts as conflict_rows, outbox, records, sync_runs, sync_state};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use conflicts::{Conflict, RECORD as RECORD_PICK};
pub use pairs::IdField;
pub(crate) use plan::identity_key;
pub(crate) use reconcile::same;

use crate::{Cancel, Engine, Error, PullOptions, Result};
use accounts::AccountIds;
use custom::CustomFields;
use plan::{Crosswalk, PlanInput};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SyncPhase {
    Pulling,
    Sending,
    Done,
    Failed,
    Cancelled,
}

/// Where a sync run stands; sent after every page pulled and every batch sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncProgress {
    pub pair_id: i64,
    pub run_id: i64,
    pub phase: SyncPhase,
    pub object_type: Option<ObjectType>,
    /// Writes sent so far of those planned so far.
    pub sent: i64,
    pub planned: i64,
    pub counts: SyncCounts,
    /// Writes a second.
    pub rate: f64,
    pub eta_seconds: Option<f64>,
    pub message: Option<String>,
}

/// Reports a run's phase, object type, writes sent and planned, counts and message.
type Tell<'a> =
    dyn Fn(SyncPhase, Option<ObjectType>, i64, i64, &SyncCounts, Option<String>) + Send + Sync + 'a;

/// What a run did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncReport {
    pub run_id: i64,
    pub status: RunStatus,
    pub counts: SyncCounts,
}

impl Engine {
    /// Runs one sync of a pair. Safe to kill at any moment: the next run sends what is left.
    pub async fn sync(
        &self,
        pair_id: i64,
        progress: &(dyn Fn(&SyncProgress) + Send + Sync),
        cancel: &Cancel,
    ) -> Result<SyncReport> {
        let job = crate::logging::Job::start("sync", &format!("pair {pair_id}"));
        let synced = self.sync_at(pair_id, progress, cancel, Utc::now()).await;
        job.end(&synced, |r| {
            let c = &r.counts;
            format!(
                "{:?}: {} created, {} updated, {} deleted, {} failed, {} conflicts",
                r.status, c.created, c.updated, c.deleted, c.failed, c.conflicts
            )
        });
        synced
    }

    async fn sync_at(
        &self,
        pair_id: i64,
        progress: &(dyn Fn(&SyncProgress) + Send + Sync),
        cancel: &Cancel,
        now: DateTime<Utc>,
    ) -> Result<SyncReport> {
        let pair = self.sync_pair(pair_id)?;
        let run = self
            .store
            .write(|tx| sync_runs::start_sync(tx, pair.id, now))?;
        let mut report = SyncReport {
            run_id: run,
            status: RunStatus::Running,
            counts: SyncCounts::default(),
        };
        let started = Instant::now();
        let tell = |phase,
                    object_type,
                    sent: i64,
                    planned: i64,
                    counts: &SyncCounts,
                    message: Option<String>| {
            let secs = started.elapsed().as_secs_f64().max(1e-3);
            let rate = sent as f64 / secs;
            progress(&SyncProgress {
                pair_id,
                run_id: run,
                phase,
                object_type,
                sent,
                planned,
                counts: *counts,
                rate,
                eta_seconds: (rate > 0.0).then(|| (planned - sent).max(0) as f64 / rate),
                message,
            });
        };
        let outcome = self
            .sync_steps(&pair, run, &mut report, &tell, cancel)
            .await;
        let (status, error) = match &outcome {
            Ok(true) => (RunStatus::Succeeded, None),
            Ok(false) => (RunStatus::Cancelled, None),
            Err(e) => (RunStatus::Failed, Some(e.to_string())),
        };
        self.store.write(|tx| {
            sync_runs::finish(tx, run, status.as_str(), error.as_deref(), Utc::now())
        })?;
        report.status = status;
        let phase = match status {
            RunStatus::Succeeded => SyncPhase::Done,
            RunStatus::Cancelled => SyncPhase::Cancelled,
            _ => SyncPhase::Failed,
        };
        tell(phase, None, 0, 0, &report.counts, error);
        let c = report.counts;
        self.audit(
            "sync_run",
            Some(pair.a),
            format!(
                "sync “{}” run {run} {}: {} created, {} updated, {} failed, {} conflicts",
                pair.name,
                status.as_str(),
                c.created,
                c.updated,
                c.failed,
                c.conflicts
            ),
            c.created + c.updated,
        )?;
        outcome.map(|_| report)
    }

    /// The steps of a run; false when it was cancelled.
    async fn sync_steps(
        &self,
        pair: &SyncPair,
        run: i64,
        report: &mut SyncReport,
        tell: &Tell<'_>,
        cancel: &Cancel,
    ) -> Result<bool> {
        for (connection, side) in [(pair.a, Side::A), (pair.b, Side::B)] {
            tell(SyncPhase::Pulling, None, 0, 0, &report.counts, None);
            let mut object_types: Vec<ObjectType> =
                pair.objects.iter().map(|o| o.type_on(side)).collect();
            // A lead's conversion is followed to its contact: both are read where leads are.
            if object_types.contains(&ObjectType::Lead)
                && !object_types.contains(&ObjectType::Person)
            {
                object_types.push(ObjectType::Person);
            }
            let options = PullOptions {
                object_types,
                full: false,
            };
            self.pull(connection, &options, &|_| {}, cancel).await?;
            if cancel.is_cancelled() {
                return Ok(false);
            }
        }
        // What an earlier run stored and did not get to send goes first.
        let left = self.store.read(|c| outbox::pending(c, pair.id))?;
        let planned = left.len() as i64;
        let sent = self
            .send_writes(pair, left, Some(run), cancel, &|done, counts| {
                tell(SyncPhase::Sending, None, done as i64, planned, counts, None)
            })
            .await?;
        send::add(&mut report.counts, &sent.counts);
        if sent.cancelled {
            return Ok(false);
        }
        self.follow_conversions(pair)?;
        let mut crosswalk = self.crosswalk(pair)?;
        for rules in &pair.objects {
            let t = rules.object_type;
            let fields = self.shared_fields(pair.a, pair.b, rules, &crosswalk)?;
            let (mut a, mut b, mut states, waiting_to_a, waiting_to_b, kept) =
                self.store.read(|c| {
                    Ok((
                        records::sync_view(c, pair.a, t)?,
                        records::sync_view(c, pair.b, rules.type_on(Side::B))?,
                        sync_state::list(c, pair.id, t)?,
                        outbox::waiting(c, pair.id, t, Side::A)?,
                        outbox::waiting(c, pair.id, t, Side::B)?,
                        sync_state::kept(c, pair.id, t)?,
                    ))
                })?;
            // Records another object of the pair holds (a contact kept with a lead is not kept
            // with a Salesforce contact too), and converted leads, are left alone.
            let mut held = self.held_elsewhere(pair, rules)?;
            held.set_aside(rules, &mut a, &mut b, &mut states);
            if let Some(custom) = crosswalk.custom.get(&t) {
                for (views, side) in [(&mut a, Side::A), (&mut b, Side::B)] {
                    for r in views.iter_mut() {
                        custom.flatten(&mut r.fields, side);
                    }
                }
            }
            for (views, side) in [(&mut a, Side::A), (&mut b, Side::B)] {
                for r in views.iter_mut() {
                    across::flatten(&rules.across, &mut r.fields, side);
                }
            }
            let with_children = self.left_with_children(pair, rules, &a, &b, &states)?;
            let planned = plan::plan(&PlanInput {
                pair: pair.id,
                rules,
                policy: pair.conflicts,
                fields: &fields,
                a: &a,
                b: &b,
                states: &states,
                waiting_to_a: &waiting_to_a,
                waiting_to_b: &waiting_to_b,
                crosswalk: &crosswalk,
                kept: &kept,
                with_children: &with_children,
                held: &held,
            });
            let now = Utc::now();
            let queued = self.store.write(|tx| {
                for s in &planned.states {
                    sync_state::put(tx, pair.id, t, s, now)?;
                }
                for c in &planned.conflicts {
                    conflict_rows::open(
                        tx,
                        &conflict_rows::NewConflict {
                            pair_id: pair.id,
                            object_type: t,
                            a_remote_id: &c.a_remote_id,
                            b_remote_id: &c.b_remote_id,
                            a_name: &c.a_name,
                            b_name: &c.b_name,
                            fields: &c.fields,
                            deleted_side: c.deleted_side,
                        },
                        now,
                    )?;
                }
                let mut ids = Vec::new();
                for w in &planned.writes {
                    ids.extend(outbox::queue(tx, w, Some(run), now)?);
                }
                let counts = SyncCounts {
                    unchanged: planned.unchanged,
                    conflicts: planned.conflicts.len() as i64,
                    ..SyncCounts::default()
                };
                sync_runs::add_sync(tx, run, &counts)?;
                Ok((ids, counts))
            })?;
            let (ids, counts) = queued;
            send::add(&mut report.counts, &counts);
            let writes = self.store.read(|c| outbox::get_many(c, &ids))?;
            let planned = writes.len() as i64;
            let base = report.counts;
            let sent = self
                .send_writes(pair, writes, Some(run), cancel, &|done, counts| {
                    let mut total = base;
                    send::add(&mut total, counts);
                    tell(
                        SyncPhase::Sending,
                        Some(t),
                        done as i64,
                        planned,
                        &total,
                        None,
                    )
                })
                .await?;
            send::add(&mut report.counts, &sent.counts);
            if sent.cancelled {
                return Ok(false);
            }
            // Children of this type link to its records by the ids now confirmed.
            let states = self.store.read(|c| sync_state::list(c, pair.id, t))?;
            crosswalk.add(t, &states);
        }
        Ok(true)
    }

    /// The records left after their linked counterpart was deleted that other records of their CRM
    /// link to (read only where the pair carries or asks about deletions).
    fn left_with_children(
        &self,
        pair: &SyncPair,
        rules: &bridge_model::ObjectSync,
        a: &[records::SyncView],
        b: &[records::SyncView],
        states: &[sync_state::Synced],
    ) -> Result<HashSet<String>> {
        let field = match rules.object_type {
            ObjectType::Company => "company_id",
            ObjectType::Person => "person_id",
            ObjectType::Deal => "deal_id",
            _ => return Ok(HashSet::new()),
        };
        if rules.deletions == bridge_model::DeleteRule::DontCarry {
            return Ok(HashSet::new());
        }
        let live = |views: &[records::SyncView]| -> HashSet<String> {
            views.iter().map(|r| r.remote_id.clone()).collect()
        };
        let (in_a, in_b) = (live(a), live(b));
        let mut out = HashSet::new();
        for s in states {
            let left = match (in_a.contains(&s.a_remote_id), in_b.contains(&s.b_remote_id)) {
                (false, true) => (pair.b, &s.b_remote_id),
                (true, false) => (pair.a, &s.a_remote_id),
                _ => continue,
            };
            let children = self
                .store
                .read(|c| records::children(c, left.0, field, left.1))?;
            if !children.is_empty() {
                out.insert(left.1.clone());
            }
        }
        Ok(out)
    }

    /// The fields a pair syncs for an object type: those both CRMs take; owners and stages only
    /// where the connections' stage and owner mappings carry them; custom fields their saved field
    /// mapping maps one to one.
    /// `b_type` is B's object type where it is not A's (`ObjectSync::b_object_type`); fields kept
    /// across under other names (`ObjectSync::across`) come on top of these.
    pub fn sync_fields(
        &self,
        a: ConnectionId,
        b: ConnectionId,
        object_type: ObjectType,
        b_type: Option<ObjectType>,
    ) -> Result<Vec<String>> {
        let rules = bridge_model::ObjectSync {
            b_object_type: b_type,
            ..pairs::plain_object(object_type)
        };
        let crosswalk = Crosswalk::new(
            self.account_ids(a, b)?,
            HashMap::from([(object_type, self.custom_fields(a, b, &rules)?)]),
            HashMap::new(),
        );
        self.shared_fields(a, b, &rules, &crosswalk)
    }

    fn shared_fields(
        &self,
        a: ConnectionId,
        b: ConnectionId,
        rules: &bridge_model::ObjectSync,
        crosswalk: &Crosswalk,
    ) -> Result<Vec<String>> {
        let ids = &crosswalk.ids;
        let a = self.connection(a)?;
        let b = self.connection(b)?;
        let theirs: HashSet<&str> = bridge_crm::writable_fields(b.provider, rules.type_on(Side::B))
            .into_iter()
            .collect();
        let mut fields: Vec<String> =
            bridge_crm::writable_fields(a.provider, rules.type_on(Side::A))
                .into_iter()
                .filter(|f| {
                    theirs.contains(f) && (!plan::ACCOUNT_BOUND.contains(f) || ids.carries(f))
                })
                .map(str::to_owned)
                .collect();
        if let Some(custom) = crosswalk.custom.get(&rules.object_type) {
            fields.extend(custom.names());
        }
        fields.extend(rules.across.iter().map(|f| f.name()));
        fields.sort();
        fields.dedup();
        Ok(fields)
    }

    /// What a pair's writes go through: its owner and stage ids and its custom fields (by the
    /// saved mappings); links are added per type as a run confirms them.
    pub(crate) fn crosswalk(&self, pair: &SyncPair) -> Result<Crosswalk> {
        let mut custom = HashMap::new();
        let mut across = HashMap::new();
        for o in &pair.objects {
            let t = o.object_type;
            custom.insert(t, self.custom_fields(pair.a, pair.b, o)?);
            across.insert(t, o.across.clone());
        }
        Ok(Crosswalk::new(
            self.account_ids(pair.a, pair.b)?,
            custom,
            across,
        ))
    }

    /// The custom fields of an object the saved field mappings of `a` and `b` pair up.
    fn custom_fields(
        &self,
        a: ConnectionId,
        b: ConnectionId,
        rules: &bridge_model::ObjectSync,
    ) -> Result<CustomFields> {
        let (a_type, b_type) = (rules.type_on(Side::A), rules.type_on(Side::B));
        let to = |m: Option<(bridge_model::FieldMapping, i64)>, t: ObjectType| {
            m.map(|(m, _)| m).filter(|m| m.target_object == t)
        };
        let a_to_b = to(self.saved_field_mapping(a, b, a_type)?, b_type);
        let b_to_a = to(self.saved_field_mapping(b, a, b_type)?, a_type);
        Ok(CustomFields::new(a_to_b.as_ref(), b_to_a.as_ref()))
    }

    /// The owner and stage ids of two connections' accounts, by their saved mappings.
    pub(crate) fn account_ids(&self, a: ConnectionId, b: ConnectionId) -> Result<AccountIds> {
        let takes_pipeline = |c: ConnectionId| -> Result<bool> {
            let provider = self.connection(c)?.provider;
            Ok(bridge_crm::writable_fields(provider, ObjectType::Deal).contains(&"pipeline_id"))
        };
        Ok(AccountIds::new(
            self.stage_owner_mapping(a, b)?.as_ref(),
            self.stage_owner_mapping(b, a)?.as_ref(),
            takes_pipeline(a)?,
            takes_pipeline(b)?,
        ))
    }

    /// The latest runs of a pair (of every pair when None), newest first.
    pub fn sync_runs(&self, pair: Option<i64>, limit: i64) -> Result<Vec<SyncRun>> {
        Ok(self.store.read(|c| sync_runs::list_sync(c, pair, limit))?)
    }

    pub(crate) fn sync_pair(&self, id: i64) -> Result<SyncPair> {
        self.store
            .read(|c| bridge_store::sync_pairs::get(c, id))?
            .ok_or_else(|| Error::NotFound {
                what: "sync pair",
                id: id.to_string(),
            })
    }
}
