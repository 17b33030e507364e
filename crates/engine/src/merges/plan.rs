//! Working out a merge: the group's records, the master, each field's value, which CRM merges run
//! and what is written to each survivor; shown before anything is written.

use super::*;

/// A group loaded for merging.
pub(super) struct Loaded {
    pub(super) group_id: i64,
    pub(super) members: Vec<(Record, bridge_model::Connection)>,
}

/// The sets merged by one CRM merge: members of one account and object type, and who survives.
pub(super) struct MergeSet {
    pub(super) connection: bridge_model::Connection,
    pub(super) object_type: ObjectType,
    pub(super) survivor: usize,
    pub(super) merged: Vec<usize>,
}

/// A worked-out merge: the plan, the sets and what is written to each survivor.
pub(super) struct Worked {
    pub(super) plan: StoredPlan,
    pub(super) sets: Vec<MergeSet>,
}

impl Engine {
    pub(super) fn load_group(&self, group_id: i64) -> Result<Loaded> {
        let (detail, members) = self.store.read(|conn| {
            let Some(detail) = duplicate_groups::get(conn, group_id)? else {
                return Ok((None, Vec::new()));
            };
            let mut members = Vec::new();
            for id in &detail.members {
                if let Some(record) = records::get(conn, *id)?
                    && let Some(connection) =
                        bridge_store::connections::get(conn, record.connection_id)?
                {
                    members.push((record, connection));
                }
            }
            Ok((Some(detail), members))
        })?;
        let detail = detail.ok_or_else(|| Error::NotFound {
            what: "duplicate group",
            id: group_id.to_string(),
        })?;
        if !matches!(detail.status.as_str(), "open" | "skipped") {
            return Err(Error::InvalidInput {
                field: "group",
                message: format!(
                    "duplicate group {group_id} is {} already; undo that first",
                    detail.status
                ),
            });
        }
        if let Some(id) = self
            .store
            .read(|c| merges::unfinished_for_group(c, group_id))?
        {
            return Err(Error::InvalidInput {
                field: "group",
                message: format!(
                    "merge {id} of duplicate group {group_id} stopped part-way; undo it in the merge history, then merge again"
                ),
            });
        }
        if members.len() < 2 {
            return Err(Error::InvalidInput {
                field: "group",
                message: format!(
                    "duplicate group {group_id} has fewer than two records left to merge"
                ),
            });
        }
        Ok(Loaded { group_id, members })
    }

    /// Works out the plan: master, field values, the CRM merges and the writes to each survivor.
    pub(super) fn work_out(&self, loaded: &Loaded, choice: &MergeChoice) -> Result<Worked> {
        let members: Vec<Member> = loaded
            .members
            .iter()
            .map(|(r, c)| Member {
                fields: r.fields.clone(),
                created_at: r
                    .fields
                    .get("created_at")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                modified_at: r.remote_modified_at.map(|t| t.to_rfc3339()),
                provider: c.provider.as_str().to_owned(),
            })
            .collect();
        let rule = choice.rule.master_rule();
        let master = match choice.master {
            Some(id) => loaded
                .members
                .iter()
                .position(|(r, _)| r.id == id)
                .ok_or_else(|| Error::InvalidInput {
                    field: "master",
                    message: format!(
                        "record {} is not in duplicate group {}",
                        id.0, loaded.group_id
                    ),
                })?,
            None => merge_plan::choose_master(&members, &rule),
        };
        let plan = merge_plan::plan_around(&members, master, rule.clone(), &choice.overrides);
        // Members by account and object type; the master's set first.
        let mut by_set: BTreeMap<(i64, ObjectType), Vec<usize>> = BTreeMap::new();
        for (i, (r, _)) in loaded.members.iter().enumerate() {
            by_set
                .entry((r.connection_id.0, r.object_type))
                .or_default()
                .push(i);
        }
        // Where the CRM has no merge for the type (Close contacts), each record stays and is linked.
        let by_set: Vec<Vec<usize>> = by_set
            .into_values()
            .flat_map(|indexes| {
                let (record, connection) = &loaded.members[indexes[0]];
                if bridge_crm::can_merge(connection.provider, record.object_type) {
                    vec![indexes]
                } else {
                    indexes.into_iter().map(|i| vec![i]).collect()
                }
            })
            .collect();
        let mut sets: Vec<MergeSet> = by_set
            .into_iter()
            .map(|indexes| {
                let survivor = if indexes.contains(&master) {
                    master
                } else {
                    let local: Vec<Member> = indexes.iter().map(|&i| members[i].clone()).collect();
                    indexes[merge_plan::choose_master(&local, &rule)]
                };
                let (record, connection) = &loaded.members[survivor];
                MergeSet {
                    connection: connection.clone(),
                    object_type: record.object_type,
                    survivor,
                    merged: indexes.into_iter().filter(|&i| i != survivor).collect(),
                }
            })
            .collect();
        sets.sort_by_key(|s| s.survivor != master);
        let mut writes = BTreeMap::new();
        for set in &sets {
            let survivor = &loaded.members[set.survivor].0;
            let writable =
                bridge_crm::writable_fields(set.connection.provider, survivor.object_type);
            let mut fields = Fields::new();
            for choice in &plan.fields {
                let key = choice.field.as_str();
                if choice.value.is_null() {
                    continue;
                }
                // Ids of one account (links, owners, stages) only come from the records merged into
                // this survivor: another record's company is not this one's.
                let from_this_set = choice
                    .from
                    .is_some_and(|i| i == set.survivor || set.merged.contains(&i));
                if ACCOUNT_BOUND.contains(&key) && !from_this_set {
                    continue;
                }
                // A field this CRM does not take (another CRM's field, a derived or read-only one,
                // custom fields) is left alone.
                if !writable.contains(&key) {
                    continue;
                }
                if survivor.fields.get(key) != Some(&choice.value) {
                    fields.insert(key.to_owned(), choice.value.clone());
                }
            }
            writes.insert(survivor.id.0, fields);
        }
        let fields = plan
            .fields
            .iter()
            .map(|c| PlannedField {
                field: c.field.clone(),
                value: c.value.clone(),
                from: c.from.map(|i| loaded.members[i].0.id),
                rule: rule_name(c.rule),
            })
            .collect();
        Ok(Worked {
            plan: StoredPlan {
                master: loaded.members[master].0.id,
                fields,
                writes,
            },
            sets,
        })
    }

    /// What a merged-away record's CRM moves to the survivor, counted from the mirror: "2 contacts,
    /// 1 deal and 5 activities", or "what is linked to it" when the mirror holds nothing linked.
    fn what_moves(&self, record: &Record) -> Result<String> {
        let Some(field) = link_field(record.object_type) else {
            return Ok("what is linked to it".into());
        };
        let children = self
            .store
            .read(|c| records::children(c, record.connection_id, field, &record.remote_id))?;
        let mut counts: Vec<(ObjectType, usize)> = Vec::new();
        for (_, object_type, _) in &children {
            match counts.iter_mut().find(|(t, _)| t == object_type) {
                Some((_, n)) => *n += 1,
                None => counts.push((*object_type, 1)),
            }
        }
        if counts.is_empty() {
            return Ok("nothing else: no contact, deal or activity is linked to it here".into());
        }
        counts.sort_by_key(|(t, _)| t.as_str().to_owned());
        let parts: Vec<String> = counts
            .iter()
            .map(|(t, n)| format!("{n} {}", if *n == 1 { singular(*t) } else { plural(*t) }))
            .collect();
        Ok(match parts.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => parts.join(""),
        })
    }

    /// The plan of merging a group, without writing anything.
    pub fn merge_preview(&self, group_id: i64, choice: &MergeChoice) -> Result<MergePreview> {
        let loaded = self.load_group(group_id)?;
        let worked = self.work_out(&loaded, choice)?;
        let name = |i: usize| loaded.members[i].0.display_name.clone();
        let mut actions = Vec::new();
        for set in &worked.sets {
            let crm = set.connection.provider.label();
            for &m in &set.merged {
                actions.push(format!(
                    "Merge “{}” into “{}” in {crm} ({}); {crm} deletes “{}” and moves {}",
                    name(m),
                    name(set.survivor),
                    set.connection.label,
                    name(m),
                    self.what_moves(&loaded.members[m].0)?
                ));
            }
            let survivor = &loaded.members[set.survivor].0;
            let writes = worked.plan.writes.get(&survivor.id.0).map_or(0, Map::len);
            if writes > 0 {
                actions.push(format!(
                    "Update {writes} field{} of “{}” in {crm}",
                    if writes == 1 { "" } else { "s" },
                    survivor.display_name
                ));
            }
        }
        // A picked name renames the kept record: said in so many words, not left to the field table.
        let kept = loaded.members.iter().find(|m| m.0.id == worked.plan.master);
        if let (Some((kept, _)), Some(after)) = (kept, merged_name(&worked.plan.fields))
            && after != kept.display_name
        {
            actions.push(format!(
                "Rename “{}” to “{after}”, the name chosen for the merged record",
                kept.display_name
            ));
        }
        if worked.sets.len() > 1 {
            let mut labels: Vec<&str> = Vec::new();
            for set in &worked.sets {
                if !labels.contains(&set.connection.label.as_str()) {
                    labels.push(&set.connection.label);
                }
                let record = &loaded.members[set.survivor].0;
                if !bridge_crm::can_merge(set.connection.provider, record.object_type) {
                    actions.push(format!(
                        "Keep “{}” in {}: {} has no merge for {}, so it is linked instead",
                        record.display_name,
                        set.connection.label,
                        set.connection.provider.label(),
                        plural(record.object_type)
                    ));
                }
            }
            actions.push(format!(
                "Link the records in {} as one entity (no record is deleted across CRMs)",
                labels.join(", ")
            ));
        }
        Ok(MergePreview {
            group_id,
            master: worked.plan.master,
            fields: worked.plan.fields,
            actions,
        })
    }
}
