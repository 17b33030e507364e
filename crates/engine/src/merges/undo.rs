//! Undoing a merge from its record: what the CRM deleted is created again with every field, its
//! children point at it again, the survivors get their old values, links end; resumable.

use super::apply::write_one;
use super::*;

impl Engine {
    /// Undoes a merge: recreates in the CRM what its merge deleted (with every field), relinks the
    /// children, puts the survivors' fields back, ends the links; the group is open for review again.
    /// A survivor changed in its CRM since the merge stops it, named, unless `overwrite_changed`.
    pub async fn undo_merge(&self, id: i64, overwrite_changed: bool) -> Result<MergeEntry> {
        let entry = self.undo_merge_steps(id, overwrite_changed).await?;
        let connection = self.merge_row(id)?.connection_id;
        self.audit(
            "undo_merge",
            connection,
            format!(
                "merge {id} undone: {} {}",
                entry.object_type, entry.master_name
            ),
            entry.members.len() as i64,
        )?;
        Ok(entry)
    }

    async fn undo_merge_steps(&self, id: i64, overwrite_changed: bool) -> Result<MergeEntry> {
        let row = self.merge_row(id)?;
        if !matches!(row.status.as_str(), "applied" | "failed" | "undoing") {
            return Err(Error::InvalidInput {
                field: "merge",
                message: format!(
                    "merge {id} is {}; only a merge that was applied can be undone",
                    row.status
                ),
            });
        }
        let mut before: Vec<MergedMember> = corrupt_json(id, "before_image", &row.before_image)?;
        let mut steps: Vec<Step> = corrupt_json(id, "steps", &row.steps)?;
        // A before-image taken before later merges may name records a later merge's undo created
        // again under new ids: links are written to where those records live now.
        let recreated = self.recreated_ids()?;
        for member in &mut before {
            relink(&mut member.fields, member.connection_id, &recreated);
            for child in &mut member.children {
                child.remote_id = now_at(
                    &recreated,
                    member.connection_id,
                    &[child.object_type],
                    &child.remote_id,
                );
            }
        }
        // A removed connection refuses before anything is marked: the merge stays as it was.
        for member in &before {
            self.client(&self.connection(member.connection_id)?)?;
        }
        // A fresh undo (not one resumed after it stopped part-way, whose own writes came after the
        // merge) first looks for survivors someone changed since.
        let fresh = !steps.iter().any(Step::is_undone);
        if fresh && !overwrite_changed {
            let changed = self.changed_since_merge(&row, &before).await?;
            if !changed.is_empty() {
                return Err(Error::ChangedSince {
                    what: format!("merge {id}"),
                    records: changed,
                });
            }
        }
        self.store
            .write(|tx| merges::set_status(tx, id, "undoing", None, Utc::now()))?;
        let plan: StoredPlan = corrupt_json(id, "plan", &row.plan)?;
        match self.undo_steps(id, &before, &plan.writes, &mut steps).await {
            Ok(()) => {}
            Err(e) => {
                let message = e.to_string();
                self.store
                    .write(|tx| merges::set_status(tx, id, "failed", Some(&message), Utc::now()))?;
                return Err(Error::MergeStopped {
                    id,
                    message: format!("{message}. Undo again to finish it"),
                });
            }
        }
        let now = Utc::now();
        self.store.write(|tx| {
            for step in steps.iter().rev() {
                match step {
                    Step::Linked { links: ids } => links::end(tx, ids, "merge undone", now)?,
                    Step::Merged {
                        connection_id,
                        object_type,
                        survivor_after,
                        merged,
                        recreated: Some(new_id),
                        ..
                    } => {
                        let Some(member) = before.iter().find(|m| {
                            m.connection_id == *connection_id
                                && m.object_type == *object_type
                                && &m.remote_id == merged
                        }) else {
                            continue;
                        };
                        records::upsert(
                            tx,
                            &NewRecord {
                                connection_id: *connection_id,
                                object_type: *object_type,
                                remote_id: new_id.clone(),
                                fields: member.fields.clone(),
                                raw: Value::Null,
                                remote_modified_at: Some(now),
                            },
                            now,
                        )?;
                        if let (Some(group), Some(new_record)) = (
                            row.group_id,
                            records::id_of(tx, *connection_id, *object_type, new_id)?,
                        ) {
                            duplicate_groups::replace_member(
                                tx,
                                group,
                                member.record_id,
                                new_record,
                            )?;
                        }
                        for child in &member.children {
                            // Only where the child still points where the merge put it.
                            if let Some(mut record) = records::get(tx, child.record_id)?
                                && record.fields.get(&child.field).and_then(Value::as_str)
                                    == Some(survivor_after.as_str())
                            {
                                record
                                    .fields
                                    .insert(child.field.clone(), Value::String(new_id.clone()));
                                records::set_fields(tx, record.id, &record.fields, now)?;
                            }
                        }
                    }
                    _ => {}
                }
            }
            for member in before.iter().filter(|m| m.role == "kept") {
                records::set_fields(tx, member.record_id, &member.fields, now)?;
            }
            if let Some(group) = row.group_id {
                duplicate_groups::set_status(tx, group, "open", now)?;
            }
            merges::set_status(tx, id, "undone", None, now)
        })?;
        self.merge_entry(id)
    }

    /// Where each record an undo created again lives now: (connection, type, old id) → new id, along
    /// chains (a record recreated, merged again, recreated again).
    fn recreated_ids(&self) -> Result<Recreated> {
        let mut map = Recreated::new();
        for row in self.store.read(merges::all)? {
            let steps: Vec<Step> = corrupt_json(row.id, "steps", &row.steps)?;
            for step in steps {
                if let Step::Merged {
                    connection_id,
                    object_type,
                    merged,
                    recreated: Some(new_id),
                    ..
                } = step
                {
                    map.insert((connection_id, object_type, merged), new_id);
                }
            }
        }
        Ok(map)
    }

    async fn undo_steps(
        &self,
        id: i64,
        before: &[MergedMember],
        writes: &BTreeMap<i64, Fields>,
        steps: &mut [Step],
    ) -> Result<()> {
        for i in (0..steps.len()).rev() {
            match steps[i].clone() {
                Step::Updated {
                    record_id,
                    connection_id,
                    object_type,
                    remote_id,
                    undone: false,
                } => {
                    let connection = self.connection(connection_id)?;
                    let crm = self.client(&connection)?;
                    // The survivor's own record before, and what the merge may have filled from the others.
                    let Some(kept) = before.iter().find(|m| m.record_id == record_id) else {
                        continue;
                    };
                    let merged: Vec<&MergedMember> = before
                        .iter()
                        .filter(|m| {
                            m.role == "merged"
                                && m.connection_id == connection_id
                                && m.object_type == object_type
                        })
                        .collect();
                    let writable = bridge_crm::writable_fields(connection.provider, object_type);
                    let fields = restore(kept, &merged, writes.get(&record_id.0), &writable);
                    if !fields.is_empty() {
                        write_one(
                            crm.as_ref(),
                            object_type,
                            Update { remote_id, fields },
                            &kept.display_name,
                        )
                        .await?;
                    }
                    if let Step::Updated { undone, .. } = &mut steps[i] {
                        *undone = true;
                    }
                    self.save_steps(id, steps)?;
                }
                Step::Merged {
                    survivor_record,
                    connection_id,
                    object_type,
                    survivor_after,
                    merged,
                    recreated,
                    undone: false,
                    ..
                } => {
                    let connection = self.connection(connection_id)?;
                    let crm = self.client(&connection)?;
                    let Some(member) = before.iter().find(|m| {
                        m.connection_id == connection_id
                            && m.object_type == object_type
                            && m.remote_id == merged
                    }) else {
                        continue;
                    };
                    // The survivor's fields go back first when no update step did it (a merge that
                    // stopped before its update), so the CRM's fill-in does not stay.
                    if !steps.iter().any(|s| {
                        matches!(s, Step::Updated { record_id, .. } if *record_id == survivor_record)
                    }) && let Some(kept) = before.iter().find(|m| m.record_id == survivor_record)
                    {
                        let writable =
                            bridge_crm::writable_fields(connection.provider, object_type);
                        let fields = restore(kept, &[member], None, &writable);
                        if !fields.is_empty() {
                            write_one(
                                crm.as_ref(),
                                object_type,
                                Update { remote_id: survivor_after.clone(), fields },
                                &kept.display_name,
                            )
                            .await?;
                        }
                    }
                    let new_id = match recreated {
                        Some(new_id) => new_id,
                        None => {
                            let fields = bridge_crm::creatable(
                                connection.provider,
                                object_type,
                                &member.fields,
                            );
                            let written = crm.create(object_type, &[fields]).await;
                            let new_id = match written.into_iter().next() {
                                Some(Ok(w)) => w.remote_id,
                                Some(Err(e)) => {
                                    return Err(Error::Crm(bridge_crm::CrmError::Rejected {
                                        provider: connection.provider.label(),
                                        request: format!("recreating “{}”", member.display_name),
                                        status: 400,
                                        field: e.field.clone(),
                                        message: e.message,
                                    }));
                                }
                                None => String::new(),
                            };
                            if let Step::Merged { recreated, .. } = &mut steps[i] {
                                *recreated = Some(new_id.clone());
                            }
                            self.save_steps(id, steps)?;
                            new_id
                        }
                    };
                    // Children that moved with the merge point at the recreated record again.
                    let mut by_type: BTreeMap<ObjectType, Vec<Update>> = BTreeMap::new();
                    for child in &member.children {
                        let mut fields = Fields::new();
                        fields.insert(child.field.clone(), Value::String(new_id.clone()));
                        by_type.entry(child.object_type).or_default().push(Update {
                            remote_id: child.remote_id.clone(),
                            fields,
                        });
                    }
                    for (child_type, updates) in by_type {
                        let results = crm.update(child_type, &updates).await;
                        if let Some((u, Err(e))) =
                            updates.iter().zip(results).find(|(_, r)| r.is_err())
                        {
                            return Err(Error::Crm(bridge_crm::CrmError::Rejected {
                                provider: connection.provider.label(),
                                request: format!(
                                    "linking {} {} back to “{}”",
                                    child_type.as_str(),
                                    u.remote_id,
                                    member.display_name
                                ),
                                status: 400,
                                field: e.field.clone(),
                                message: e.message,
                            }));
                        }
                    }
                    if let Step::Merged { undone, .. } = &mut steps[i] {
                        *undone = true;
                    }
                    self.save_steps(id, steps)?;
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// The fields that put `kept` back as it was: those the merge wrote to it and those its CRM's merge
/// filled from the merged records (its blanks), at their old values (blank where it had none); only
/// fields the CRM takes. Custom fields the merge filled are blanked key by key.
fn restore(
    kept: &MergedMember,
    merged: &[&MergedMember],
    written: Option<&Fields>,
    writable: &[&str],
) -> Fields {
    let mut keys: BTreeSet<&String> = written.into_iter().flat_map(|w| w.keys()).collect();
    for m in merged {
        keys.extend(
            m.fields
                .iter()
                .filter(|(k, v)| {
                    merge_plan::blank(kept.fields.get(*k)) && !merge_plan::blank(Some(v))
                })
                .map(|(k, _)| k),
        );
    }
    // Read-only and custom fields are not in `writable`; custom ones are restored below.
    let mut out: Fields = keys
        .into_iter()
        .filter(|k| writable.contains(&k.as_str()))
        .map(|k| {
            (
                k.clone(),
                kept.fields.get(k).cloned().unwrap_or(Value::Null),
            )
        })
        .collect();
    let old_custom = kept
        .fields
        .get(bridge_crm::CUSTOM)
        .and_then(Value::as_object);
    let mut custom = Map::new();
    for m in merged {
        for (k, v) in m
            .fields
            .get(bridge_crm::CUSTOM)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if !merge_plan::blank(Some(v)) && merge_plan::blank(old_custom.and_then(|o| o.get(k))) {
                custom.insert(k.clone(), Value::Null);
            }
        }
    }
    if !custom.is_empty() {
        out.insert(bridge_crm::CUSTOM.to_owned(), Value::Object(custom));
    }
    out
}

/// Records an undo created again: (connection, type, id before) → id now.
type Recreated = BTreeMap<(ConnectionId, ObjectType, String), String>;

/// Points the link fields of `fields` at where the records they name live now.
fn relink(fields: &mut Fields, connection_id: ConnectionId, recreated: &Recreated) {
    for (field, types) in [
        ("company_id", &[ObjectType::Company][..]),
        ("person_id", &[ObjectType::Person, ObjectType::Lead][..]),
        ("deal_id", &[ObjectType::Deal][..]),
    ] {
        let Some(id) = fields.get(field).and_then(Value::as_str) else {
            continue;
        };
        let id = now_at(recreated, connection_id, types, id);
        fields.insert(field.to_owned(), Value::String(id));
    }
}

/// Where the record `id` (of one of `types`) lives now, following a chain of recreations; a cycle
/// cannot arise (each new id is new), the bound is only a guard.
fn now_at(
    recreated: &Recreated,
    connection_id: ConnectionId,
    types: &[ObjectType],
    id: &str,
) -> String {
    let mut id = id.to_owned();
    for _ in 0..16 {
        let next = types
            .iter()
            .find_map(|t| recreated.get(&(connection_id, *t, id.clone())));
        match next {
            Some(next) => id = next.clone(),
            None => break,
        }
    }
    id
}
