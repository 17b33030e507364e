//! A migration's run (parents first, crosswalk kept, resumable) and its rollback.

use std::{collections::HashSet, time::Instant};

use bridge_crm::{Update, WriteResult};
use bridge_model::{
    ErrorCategory, MigrationAction, MigrationPlan, MigrationReport, MigrationResult,
    MigrationStatus, NewFailedRecord, ObjectType, RecordQuery, WriteOperation,
};
use bridge_store::{failed_records, migrations, migrations::MigrationItem, records};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{MigrationStep, crosswalk_of, decide::describe};
use crate::{Cancel, Engine, Error, Result};

/// Where a run or rollback is: records written of those planned, and the time left at this rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MigrationProgress {
    pub migration_id: i64,
    pub step: MigrationStep,
    pub object_type: Option<ObjectType>,
    /// Records written of those planned, for the object type being written.
    pub done: i64,
    pub planned: i64,
    /// Source records accounted for (written, linked, skipped or refused) of all the plan's objects:
    /// the whole run, not one type (objects not reached yet are counted from the mirror).
    pub overall_done: i64,
    pub overall_planned: i64,
    /// At the overall rate so far.
    pub eta_seconds: Option<f64>,
}

type Tell<'a> = dyn Fn(&MigrationProgress) + Send + Sync + 'a;

/// A run's or rollback's counts, for the log.
fn report_counts(r: &MigrationReport) -> String {
    format!(
        "{} created, {} updated, {} linked, {} skipped, {} failed, {} rolled back",
        r.created, r.updated, r.linked, r.skipped, r.failed, r.rolled_back
    )
}

impl Engine {
    /// Runs the plan: every source record created, updated, linked or skipped in the target as the
    /// dry run showed, parents first. A second run of the same plan (same name, source and target)
    /// brings over only what changed since; a run cut off resumes where it stopped.
    pub async fn run_migration(
        &self,
        plan: &MigrationPlan,
        progress: &Tell<'_>,
        cancel: &Cancel,
    ) -> Result<MigrationReport> {
        let job = crate::logging::Job::start(
            "migration",
            &format!("connection {} to {}", plan.source.0, plan.target.0),
        );
        let ran = self.run_migration_unlogged(plan, progress, cancel).await;
        job.end(&ran, report_counts);
        ran
    }

    async fn run_migration_unlogged(
        &self,
        plan: &MigrationPlan,
        progress: &Tell<'_>,
        cancel: &Cancel,
    ) -> Result<MigrationReport> {
        self.check_plan(plan)?;
        self.back_up_before("migration-run")?;
        let id = self.save_migration_plan(plan)?;
        self.store
            .write(|tx| migrations::set_status(tx, id, MigrationStatus::Running, Utc::now()))?;
        let tell_pull = MigrationProgress {
            migration_id: id,
            step: MigrationStep::Pulling,
            object_type: None,
            done: 0,
            planned: 0,
            overall_done: 0,
            overall_planned: 0,
            eta_seconds: None,
        };
        progress(&tell_pull);
        let outcome = self.run_steps(plan, id, progress, cancel).await;
        let status = match &outcome {
            Ok(_) => MigrationStatus::Completed,
            Err(Error::Crm(bridge_crm::CrmError::Cancelled)) => MigrationStatus::Paused,
            Err(_) => MigrationStatus::Failed,
        };
        self.store
            .write(|tx| migrations::set_status(tx, id, status, Utc::now()))?;
        if let Ok(report) = &outcome {
            self.audit(
                "migration_run",
                Some(plan.target),
                format!(
                    "migration {id} “{}” run {}: {} created, {} updated, {} linked, {} failed",
                    plan.name,
                    report.run,
                    report.created,
                    report.updated,
                    report.linked,
                    report.failed
                ),
                report.created + report.updated + report.linked,
            )?;
        }
        outcome
    }

    async fn run_steps(
        &self,
        plan: &MigrationPlan,
        id: i64,
        progress: &Tell<'_>,
        cancel: &Cancel,
    ) -> Result<MigrationReport> {
        self.pull_both(plan, cancel).await?;
        let target = self.connection(plan.target)?;
        let client = self.client(&target)?;
        let run = self.store.read(|c| migrations::last_run(c, id))? + 1;
        let mut report = MigrationReport {
            migration_id: id,
            run,
            ..MigrationReport::default()
        };
        let started = Instant::now();
        let none = HashSet::new();
        let check = self.target_check(plan).await?;
        // The whole run's size: each object counted from the source's mirror until it is decided.
        let mut sizes = self.store.read(|c| {
            plan.objects
                .iter()
                .map(|m| {
                    records::count(
                        c,
                        &RecordQuery {
                            connection_id: Some(plan.source),
                            object_type: Some(m.source_object),
                            ..RecordQuery::default()
                        },
                    )
                })
                .collect::<bridge_store::Result<Vec<i64>>>()
        })?;
        for (index, mapping) in plan.objects.iter().enumerate() {
            if cancel.is_cancelled() {
                return Err(bridge_crm::CrmError::Cancelled.into());
            }
            // Read again per type: the parents written just before are in the crosswalk now.
            let items = self.store.read(|c| migrations::items(c, id))?;
            let crosswalk = crosswalk_of(&items);
            let decisions = self.decide_object(plan, mapping, &items, &crosswalk, &none, &check)?;
            let planned = decisions
                .iter()
                .filter(|d| {
                    // Records that cannot be written go to the queue at once, not in batches.
                    matches!(
                        d.item.action,
                        MigrationAction::Create | MigrationAction::Update
                    ) && !d.unchanged
                        && d.item.problems.is_empty()
                })
                .count() as i64;
            sizes[index] = decisions.len() as i64;
            // Objects before this one are all accounted for; of this one, what is not written is
            // settled at once (links, skips, unchanged, refused).
            let before: i64 = sizes[..index].iter().sum();
            let settled = decisions.len() as i64 - planned;
            let overall_planned: i64 = sizes.iter().sum();
            let mut done = 0i64;
            let tell = |done: i64| {
                let secs = started.elapsed().as_secs_f64().max(1e-3);
                let overall_done = before + settled + done;
                let rate = overall_done as f64 / secs;
                progress(&MigrationProgress {
                    migration_id: id,
                    step: MigrationStep::Writing,
                    object_type: Some(mapping.source_object),
                    done,
                    planned,
                    overall_done,
                    overall_planned,
                    eta_seconds: (rate > 0.0)
                        .then(|| (overall_planned - overall_done).max(0) as f64 / rate),
                });
            };
            tell(0);
            let now = Utc::now();
            let item_of =
                |d: &super::Decision, status: &str, error: Option<String>| MigrationItem {
                    object_type: mapping.source_object,
                    source_remote_id: d.item.source_remote_id.clone(),
                    target_remote_id: d.item.target_remote_id.clone(),
                    action: d.item.action,
                    status: status.to_owned(),
                    run,
                    before_image: d.before_image.clone(),
                    error,
                };
            let mut creates = Vec::new();
            let mut updates = Vec::new();
            let mut duplicates = Vec::new();
            // Links, skips, unchanged records and records that cannot be written are settled now.
            self.store.write(|tx| {
                for d in &decisions {
                    if !d.item.problems.is_empty() {
                        let message = describe(&d.item.problems);
                        failed_records::insert(
                            tx,
                            &NewFailedRecord {
                                connection_id: plan.target,
                                object_type: mapping.target_object,
                                remote_id: d.item.target_remote_id.clone(),
                                operation: operation(d.item.action),
                                payload: serde_json::Value::Object(d.item.fields.clone()),
                                category: ErrorCategory::Validation,
                                message: format!(
                                    "{} {}: {message}",
                                    mapping.source_object.as_str(),
                                    d.item.source_remote_id
                                ),
                                field: d.item.problems.first().map(|p| p.field.clone()),
                            },
                            now,
                        )?;
                        migrations::put_item(tx, id, &item_of(d, "failed", Some(message)), now)?;
                        report.failed += 1;
                        continue;
                    }
                    match d.item.action {
                        MigrationAction::Create => creates.push(d),
                        MigrationAction::Update if !d.unchanged => updates.push(d),
                        MigrationAction::Update => {
                            migrations::put_item(tx, id, &item_of(d, "done", None), now)?;
                            report.unchanged += 1;
                        }
                        MigrationAction::Link if d.item.target_remote_id.is_none() => {
                            duplicates.push(d);
                        }
                        MigrationAction::Link => {
                            migrations::put_item(tx, id, &item_of(d, "done", None), now)?;
                            report.linked += 1;
                        }
                        MigrationAction::Skip => {
                            migrations::put_item(tx, id, &item_of(d, "done", None), now)?;
                            report.skipped += 1;
                        }
                    }
                }
                Ok(())
            })?;
            for (op, list) in [
                (WriteOperation::Create, &creates),
                (WriteOperation::Update, &updates),
            ] {
                for part in list.chunks(client.batch_size_for(list.len()).max(1)) {
                    if cancel.is_cancelled() {
                        return Err(bridge_crm::CrmError::Cancelled.into());
                    }
                    // Stored as sent before it goes: a create whose answer is lost is found in the
                    // target's mirror by its key on the next run, never sent twice.
                    self.store.write(|tx| {
                        for d in part {
                            migrations::put_item(tx, id, &item_of(d, "pending", None), Utc::now())?;
                        }
                        Ok(())
                    })?;
                    let t = mapping.target_object;
                    let results = if op == WriteOperation::Create {
                        let fields: Vec<_> = part.iter().map(|d| d.item.fields.clone()).collect();
                        client.create(t, &fields).await
                    } else {
                        let writes: Vec<Update> = part
                            .iter()
                            .map(|d| Update {
                                remote_id: d.item.target_remote_id.clone().unwrap_or_default(),
                                fields: d.item.fields.clone(),
                            })
                            .collect();
                        client.update(t, &writes).await
                    };
                    self.store_results(plan, t, id, part, &results, op, &item_of, &mut report)?;
                    done += part.len() as i64;
                    tell(done);
                }
                if op == WriteOperation::Create {
                    // Source duplicates of records created just now go to the same target record.
                    self.link_duplicates(
                        mapping.source_object,
                        id,
                        &duplicates,
                        &item_of,
                        &mut report,
                    )?;
                }
            }
        }
        let total: i64 = sizes.iter().sum();
        progress(&MigrationProgress {
            migration_id: id,
            step: MigrationStep::Done,
            object_type: None,
            done: 0,
            planned: 0,
            overall_done: total,
            overall_planned: total,
            eta_seconds: Some(0.0),
        });
        Ok(report)
    }

    /// Links the source duplicates of records just created to their first record's target.
    fn link_duplicates(
        &self,
        t: ObjectType,
        id: i64,
        duplicates: &[&super::Decision],
        item_of: &dyn Fn(&super::Decision, &str, Option<String>) -> MigrationItem,
        report: &mut MigrationReport,
    ) -> Result<()> {
        if duplicates.is_empty() {
            return Ok(());
        }
        let crosswalk = crosswalk_of(&self.store.read(|c| migrations::items(c, id))?);
        self.store
            .write(|tx| {
                for d in duplicates {
                    let first = d.duplicate_of.clone().unwrap_or_default();
                    let mut item = item_of(d, "done", None);
                    item.target_remote_id = crosswalk.get(&(t, first.clone())).cloned();
                    if item.target_remote_id.is_some() {
                        report.linked += 1;
                    } else {
                        item.status = "failed".into();
                        item.error = Some(format!(
                            "a duplicate of {first} in the source, which was not written"
                        ));
                        report.failed += 1;
                    }
                    migrations::put_item(tx, id, &item, Utc::now())?;
                }
                Ok(())
            })
            .map_err(Into::into)
    }

    /// Stores what the target answered for a batch: the crosswalk for what it took, the
    /// failed-records queue (with the CRM's message and field) for what it refused.
    #[allow(clippy::too_many_arguments)]
    fn store_results(
        &self,
        plan: &MigrationPlan,
        target_type: ObjectType,
        id: i64,
        part: &[&super::Decision],
        results: &[WriteResult],
        op: WriteOperation,
        item_of: &dyn Fn(&super::Decision, &str, Option<String>) -> MigrationItem,
        report: &mut MigrationReport,
    ) -> Result<()> {
        let now = Utc::now();
        self.store.write(|tx| {
            for (d, result) in part.iter().zip(results) {
                match result {
                    Ok(written) => {
                        let mut item = item_of(d, "done", None);
                        item.target_remote_id = Some(written.remote_id.clone());
                        migrations::put_item(tx, id, &item, now)?;
                        match op {
                            WriteOperation::Create => report.created += 1,
                            _ => report.updated += 1,
                        }
                    }
                    Err(e) => {
                        failed_records::insert(
                            tx,
                            &NewFailedRecord {
                                connection_id: plan.target,
                                object_type: target_type,
                                remote_id: d.item.target_remote_id.clone(),
                                operation: op,
                                payload: serde_json::Value::Object(d.item.fields.clone()),
                                category: e.category,
                                message: e.message.clone(),
                                field: e.field.clone(),
                            },
                            now,
                        )?;
                        // A create that may have happened (an answer lost) stays pending: the
                        // next run looks for it in the target before sending it again.
                        let status = if op == WriteOperation::Create && e.category.is_transient() {
                            "pending"
                        } else {
                            "failed"
                        };
                        migrations::put_item(
                            tx,
                            id,
                            &item_of(d, status, Some(e.message.clone())),
                            now,
                        )?;
                        report.failed += 1;
                    }
                }
            }
            Ok(())
        })?;
        Ok(())
    }

    /// Undoes a migration: deletes the records it created and writes back the values it replaced,
    /// children first. Records changed in the target since the run wrote them are left alone (and
    /// counted) unless `overwrite_changed`.
    pub async fn rollback_migration(
        &self,
        id: i64,
        overwrite_changed: bool,
        progress: &Tell<'_>,
    ) -> Result<MigrationReport> {
        let job = crate::logging::Job::start("rollback", &format!("migration {id}"));
        let rolled = self
            .rollback_migration_unlogged(id, overwrite_changed, progress)
            .await;
        job.end(&rolled, report_counts);
        rolled
    }

    async fn rollback_migration_unlogged(
        &self,
        id: i64,
        overwrite_changed: bool,
        progress: &Tell<'_>,
    ) -> Result<MigrationReport> {
        let plan = self.stored_plan(id)?;
        let target = self.connection(plan.target)?;
        let client = self.client(&target)?;
        self.back_up_before("migration-rollback")?;
        let all = self.store.read(|c| migrations::items(c, id))?;
        let changed = self.changed_since_run(id, &plan, &all).await?;
        let left = super::changed::ids(&changed);
        let (items, left_alone): (Vec<MigrationItem>, Vec<MigrationItem>) =
            all.into_iter().partition(|i| {
                overwrite_changed
                    || i.target_remote_id
                        .as_ref()
                        .is_none_or(|t| !left.contains(t))
            });
        let run = self.store.read(|c| migrations::last_run(c, id))?;
        let mut report = MigrationReport {
            migration_id: id,
            run,
            left_changed: left_alone.iter().filter(|i| undoable(i)).count() as i64,
            ..MigrationReport::default()
        };
        let size = client.batch_size().max(1);
        let planned = items.iter().filter(|i| undoable(i)).count() as i64;
        let mut done = 0i64;
        for mapping in plan.objects.iter().rev() {
            let t = mapping.target_object;
            let mine: Vec<&MigrationItem> = items
                .iter()
                .filter(|i| i.object_type == mapping.source_object && undoable(i))
                .collect();
            let (created, updated): (Vec<&MigrationItem>, Vec<&MigrationItem>) = mine
                .into_iter()
                .partition(|i| i.action == MigrationAction::Create);
            for part in created.chunks(size) {
                let ids: Vec<String> = part
                    .iter()
                    .filter_map(|i| i.target_remote_id.clone())
                    .collect();
                let results = client.delete(t, &ids).await;
                self.rolled_back(id, t, plan.target, part, &results, true, &mut report)?;
                done += part.len() as i64;
                progress(&MigrationProgress {
                    migration_id: id,
                    step: MigrationStep::RollingBack,
                    object_type: Some(mapping.source_object),
                    done,
                    planned,
                    overall_done: done,
                    overall_planned: planned,
                    eta_seconds: None,
                });
            }
            for part in updated.chunks(size) {
                let writes: Vec<Update> = part
                    .iter()
                    .map(|i| Update {
                        remote_id: i.target_remote_id.clone().unwrap_or_default(),
                        fields: i.before_image.clone().unwrap_or_default(),
                    })
                    .collect();
                let results = client.update(t, &writes).await;
                self.rolled_back(id, t, plan.target, part, &results, false, &mut report)?;
                done += part.len() as i64;
            }
        }
        let left = report.failed;
        self.store.write(|tx| {
            let status = if left == 0 {
                MigrationStatus::RolledBack
            } else {
                MigrationStatus::Failed
            };
            migrations::set_status(tx, id, status, Utc::now())
        })?;
        progress(&MigrationProgress {
            migration_id: id,
            step: MigrationStep::Done,
            object_type: None,
            done,
            planned,
            overall_done: done,
            overall_planned: planned,
            eta_seconds: Some(0.0),
        });
        self.audit(
            "migration_rollback",
            Some(plan.target),
            format!(
                "migration {id} “{}” rolled back: {} records, {} refused, {} changed since left alone",
                plan.name, report.rolled_back, report.failed, report.left_changed
            ),
            report.rolled_back,
        )?;
        Ok(report)
    }

    #[allow(clippy::too_many_arguments)]
    fn rolled_back(
        &self,
        id: i64,
        t: ObjectType,
        target: bridge_model::ConnectionId,
        part: &[&MigrationItem],
        results: &[WriteResult],
        deleted: bool,
        report: &mut MigrationReport,
    ) -> Result<()> {
        let now = Utc::now();
        self.store.write(|tx| {
            let mut gone = Vec::new();
            for (item, result) in part.iter().zip(results) {
                let mut item = (*item).clone();
                match result {
                    Ok(_) => {
                        item.status = "rolled_back".into();
                        item.error = None;
                        report.rolled_back += 1;
                        if deleted {
                            gone.extend(item.target_remote_id.clone());
                        }
                    }
                    Err(e) => {
                        item.error = Some(format!("rollback: {}", e.message));
                        report.failed += 1;
                    }
                }
                migrations::put_item(tx, id, &item, now)?;
            }
            // The mirror forgets what is gone from the CRM now rather than at the next pull.
            records::mark_deleted(tx, target, t, &gone, now)?;
            Ok(())
        })?;
        Ok(())
    }

    /// What the migration did, counted from its items: its report, reopened from the list.
    pub fn migration_report(&self, id: i64) -> Result<MigrationReport> {
        self.stored_plan(id)?;
        Ok(self.store.read(|c| migrations::report(c, id))?)
    }

    /// Every record the migration accounted for, as the result file lists them.
    pub fn migration_results(&self, id: i64) -> Result<Vec<MigrationResult>> {
        let items = self.store.read(|c| migrations::items(c, id))?;
        Ok(items
            .into_iter()
            .map(|i| MigrationResult {
                // An update keeps what it overwrote; one that never wrote has nothing to keep.
                unchanged: i.action == MigrationAction::Update
                    && i.before_image.is_none()
                    && i.status == "done",
                object_type: i.object_type,
                source_remote_id: i.source_remote_id,
                target_remote_id: i.target_remote_id,
                action: i.action,
                status: i.status,
                error: i.error,
            })
            .collect())
    }
}

impl Engine {
    /// The result file of a migration: one line per source record it accounted for.
    pub fn migration_results_csv(&self, id: i64) -> Result<String> {
        let csv_error = |e: csv::Error| Error::Io {
            path: format!("results of migration {id}"),
            message: e.to_string(),
        };
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record([
            "object",
            "source_id",
            "target_id",
            "action",
            "status",
            "error",
        ])
        .map_err(csv_error)?;
        for r in self.migration_results(id)? {
            let cell = crate::csv_cells::cell;
            out.write_record([
                r.object_type.as_str(),
                &cell(&r.source_remote_id),
                &cell(r.target_remote_id.as_deref().unwrap_or("")),
                if r.unchanged {
                    "unchanged"
                } else {
                    r.action.as_str()
                },
                &r.status,
                &cell(r.error.as_deref().unwrap_or("")),
            ])
            .map_err(csv_error)?;
        }
        let bytes = out.into_inner().map_err(|e| Error::Io {
            path: format!("results of migration {id}"),
            message: e.to_string(),
        })?;
        Ok(String::from_utf8(bytes).expect("the CSV holds only UTF-8 text"))
    }
}

/// What a rollback reverses: a create or an update that went through.
pub(super) fn undoable(i: &MigrationItem) -> bool {
    i.status == "done"
        && i.target_remote_id.is_some()
        && (i.action == MigrationAction::Create || i.before_image.is_some())
}

fn operation(action: MigrationAction) -> WriteOperation {
    match action {
        MigrationAction::Create => WriteOperation::Create,
        _ => WriteOperation::Update,
    }
}
