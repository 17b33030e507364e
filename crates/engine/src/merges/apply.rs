//! Applying a merge: recorded first, then each CRM step recorded as the CRM confirms it, then the
//! local copies; and merging every group above the automatic threshold.

use super::plan::{Loaded, Worked};
use super::*;

impl Engine {
    /// Merges a group as planned, in the CRMs and locally; returns the history entry.
    pub async fn merge_group(&self, group_id: i64, choice: &MergeChoice) -> Result<MergeEntry> {
        let entry = self.merge_group_as_planned(group_id, choice).await?;
        let connection = self.merge_row(entry.id)?.connection_id;
        self.audit(
            "merge",
            connection,
            format!(
                "merge {}: {} {} kept, {} merged into it",
                entry.id,
                entry.object_type,
                entry.master_name,
                entry.members.len().saturating_sub(1)
            ),
            entry.members.len() as i64,
        )?;
        Ok(entry)
    }

    async fn merge_group_as_planned(
        &self,
        group_id: i64,
        choice: &MergeChoice,
    ) -> Result<MergeEntry> {
        let loaded = self.load_group(group_id)?;
        for (_, connection) in &loaded.members {
            self.client(connection)?;
        }
        let worked = self.work_out(&loaded, choice)?;
        let mut before = Vec::new();
        for (i, (record, connection)) in loaded.members.iter().enumerate() {
            let merged_away = worked.sets.iter().any(|s| s.merged.contains(&i));
            let children = match (merged_away, link_field(record.object_type)) {
                (true, Some(field)) => self
                    .store
                    .read(|c| records::children(c, record.connection_id, field, &record.remote_id))?
                    .into_iter()
                    .map(|(record_id, object_type, remote_id)| Child {
                        record_id,
                        object_type,
                        remote_id,
                        field: field.to_owned(),
                    })
                    .collect(),
                _ => Vec::new(),
            };
            before.push(MergedMember {
                record_id: record.id,
                connection_id: record.connection_id,
                connection_label: connection.label.clone(),
                provider: connection.provider,
                object_type: record.object_type,
                remote_id: record.remote_id.clone(),
                display_name: record.display_name.clone(),
                role: if merged_away { "merged" } else { "kept" }.into(),
                fields: record.fields.clone(),
                children,
            });
        }
        let master = &loaded.members[worked.sets[0].survivor].0;
        let plan_json = serde_json::to_string(&worked.plan).expect("plans serialise");
        let before_json = serde_json::to_string(&before).expect("records serialise");
        let single_account = worked
            .sets
            .iter()
            .all(|s| s.connection.id == master.connection_id);
        let merged_by = who();
        let id = self.store.write(|tx| {
            let id = merges::insert(
                tx,
                &NewMerge {
                    group_id: Some(group_id),
                    connection_id: single_account.then_some(master.connection_id),
                    object_type: master.object_type,
                    master_remote_id: &master.remote_id,
                    plan: &plan_json,
                    before_image: &before_json,
                    merged_by: &merged_by,
                },
                Utc::now(),
            )?;
            Ok(id)
        })?;
        let mut steps = Vec::new();
        let outcome = self.apply(&loaded, &worked, &mut steps, id).await;
        if let Err(e) = outcome {
            let message = e.to_string();
            self.store
                .write(|tx| merges::set_status(tx, id, "failed", Some(&message), Utc::now()))?;
            return Err(Error::MergeStopped {
                id,
                message: format!(
                    "{message}. {} of its steps were done; Undo in the merge history puts them back",
                    steps.len()
                ),
            });
        }
        self.merge_entry(id)
    }

    pub(super) fn save_steps(&self, id: i64, steps: &[Step]) -> Result<()> {
        let json = serde_json::to_string(steps).expect("steps serialise");
        Ok(self.store.write(|tx| merges::set_steps(tx, id, &json))?)
    }

    async fn apply(
        &self,
        loaded: &Loaded,
        worked: &Worked,
        steps: &mut Vec<Step>,
        id: i64,
    ) -> Result<()> {
        let mut survivor_ids: BTreeMap<usize, String> = BTreeMap::new();
        for set in &worked.sets {
            let crm = self.client(&set.connection)?;
            let survivor = &loaded.members[set.survivor].0;
            let mut current = survivor.remote_id.clone();
            for &m in &set.merged {
                let merged = &loaded.members[m].0;
                let done = crm
                    .merge(set.object_type, &current, &merged.remote_id)
                    .await?;
                steps.push(Step::Merged {
                    survivor_record: survivor.id,
                    connection_id: set.connection.id,
                    object_type: set.object_type,
                    survivor: current.clone(),
                    survivor_after: done.survivor_id.clone(),
                    merged: merged.remote_id.clone(),
                    recreated: None,
                    undone: false,
                });
                self.save_steps(id, steps)?;
                current = done.survivor_id;
            }
            let fields = worked
                .plan
                .writes
                .get(&survivor.id.0)
                .cloned()
                .unwrap_or_default();
            if !fields.is_empty() {
                write_one(
                    crm.as_ref(),
                    set.object_type,
                    Update {
                        remote_id: current.clone(),
                        fields,
                    },
                    &survivor.display_name,
                )
                .await?;
                steps.push(Step::Updated {
                    record_id: survivor.id,
                    connection_id: set.connection.id,
                    object_type: set.object_type,
                    remote_id: current.clone(),
                    undone: false,
                });
                self.save_steps(id, steps)?;
            }
            survivor_ids.insert(set.survivor, current);
        }
        // Locally: the merged records are gone, survivors carry the plan, children point at survivors.
        let now = Utc::now();
        self.store.write(|tx| {
            for set in &worked.sets {
                let survivor = &loaded.members[set.survivor].0;
                let survivor_remote = &survivor_ids[&set.survivor];
                let mut fields = survivor.fields.clone();
                for (k, v) in worked.plan.writes.get(&survivor.id.0).into_iter().flatten() {
                    fields.insert(k.clone(), v.clone());
                }
                records::set_fields(tx, survivor.id, &fields, now)?;
                for &m in &set.merged {
                    let merged = &loaded.members[m].0;
                    records::mark_deleted(
                        tx,
                        merged.connection_id,
                        merged.object_type,
                        std::slice::from_ref(&merged.remote_id),
                        now,
                    )?;
                    // A sync pair's link of the merged record goes to the one that stays.
                    sync_state::repoint(
                        tx,
                        merged.connection_id,
                        merged.object_type,
                        &merged.remote_id,
                        survivor_remote,
                    )?;
                    if let Some(field) = link_field(merged.object_type) {
                        records::repoint(
                            tx,
                            merged.connection_id,
                            field,
                            &merged.remote_id,
                            survivor_remote,
                            now,
                        )?;
                    }
                }
            }
            if worked.sets.len() > 1 {
                let linked: Vec<LinkedRecord> = worked
                    .sets
                    .iter()
                    .map(|s| LinkedRecord {
                        connection_id: s.connection.id,
                        object_type: s.object_type,
                        remote_id: survivor_ids[&s.survivor].clone(),
                    })
                    .collect();
                let added = links::link(tx, &linked, "merge", now)?;
                steps.push(Step::Linked { links: added });
                merges::set_steps(tx, id, &serde_json::to_string(&*steps).expect("steps"))?;
            }
            duplicate_groups::set_status(tx, loaded.group_id, "merged", now)?;
            merges::set_status(tx, id, "applied", None, now)
        })?;
        Ok(())
    }

    /// The open groups safe to merge without a look (scored at the automatic threshold or above).
    pub fn bulk_merge_preview(&self) -> Result<BulkMergePreview> {
        let threshold = self.settings()?.automatic_threshold;
        let groups = self.store.read(|c| {
            let ids = duplicate_groups::open_at_least(c, threshold)?;
            let rows = duplicate_groups::list_open(c, 0, ids.len() as i64)?;
            Ok(rows.into_iter().filter(|r| r.score >= threshold).collect())
        })?;
        Ok(BulkMergePreview { threshold, groups })
    }

    /// Merges every open group at the automatic threshold or above with the default plan, after
    /// backing up the workspace.
    pub async fn merge_all_safe(&self) -> Result<BulkMergeSummary> {
        let job = crate::logging::Job::start("merge-all-safe", "open groups");
        let merged = self.merge_all_safe_unlogged().await;
        job.end(&merged, |s| {
            format!("{} merged, {} failed", s.merged, s.failed.len())
        });
        merged
    }

    async fn merge_all_safe_unlogged(&self) -> Result<BulkMergeSummary> {
        let threshold = self.settings()?.automatic_threshold;
        let ids = self
            .store
            .read(|c| duplicate_groups::open_at_least(c, threshold))?;
        if !ids.is_empty() {
            self.back_up_before("bulk-merge")?;
        }
        let mut summary = BulkMergeSummary {
            merged: 0,
            failed: Vec::new(),
        };
        for group_id in ids {
            match self.merge_group(group_id, &MergeChoice::default()).await {
                Ok(_) => summary.merged += 1,
                Err(e) => summary.failed.push(BulkMergeFailure {
                    group_id,
                    message: e.to_string(),
                }),
            }
        }
        self.audit(
            "bulk_merge",
            None,
            format!(
                "{} groups merged, {} refused",
                summary.merged,
                summary.failed.len()
            ),
            summary.merged as i64,
        )?;
        Ok(summary)
    }
}

/// Sends one update and turns a refusal into an error naming the record and the field.
pub(super) async fn write_one(
    crm: &dyn Crm,
    object_type: ObjectType,
    update: Update,
    name: &str,
) -> Result<()> {
    let remote_id = update.remote_id.clone();
    let result: Option<WriteResult> = crm.update(object_type, &[update]).await.into_iter().next();
    match result {
        Some(Ok(_)) => Ok(()),
        Some(Err(e)) => Err(Error::Crm(bridge_crm::CrmError::Rejected {
            provider: crm.provider().label(),
            request: format!("updating “{name}” ({remote_id})"),
            status: 400,
            field: e.field,
            message: e.message,
        })),
        None => Ok(()),
    }
}
