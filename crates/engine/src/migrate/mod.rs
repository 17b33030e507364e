//! CRM-to-CRM migrations: plan -> dry run -> run -> report -> rollback.
//!
//! A plan maps each source object type to a target type field by field, and stages and owners by
//! id. The dry run and the run decide every record the same way (`decide`) from fresh mirrors of
//! both CRMs; the run writes parents first so links carry across as the target's ids, keeps a
//! crosswalk (`migration_items`) that makes a second run update rather than create, and records
//! what undoes each write.

mod changed;
mod decide;
pub(crate) mod mapping;
pub(crate) mod options;
mod run;

use std::collections::{BTreeMap, HashMap, HashSet};

use bridge_crm::Crm;
use bridge_model::{
    ActivityKind, ConnectionId, DryRun, ExistingRecords, FieldMapping, MigrationAction,
    MigrationPlan, MissingField, ObjectType, Provider, SourceCount, field,
};
use bridge_store::{migrations, records};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Cancel, Engine, Error, PullOptions, Result};
use decide::{DecideInput, Decision, decide};
use mapping::{Described, Translate};

pub use changed::{ChangedRecord, RollbackPreview};
pub use options::{
    FieldChoices, MigrationOptions, OwnerChoice, PipelineChoice, StageChoice, check_migration_plan,
};
pub use run::MigrationProgress;

/// Requests a second each CRM allows (what its client paces itself to), for the dry run's estimate.
fn requests_per_second(provider: Provider) -> f64 {
    match provider {
        Provider::Hubspot => 19.0,
        Provider::Close => 20.0,
        Provider::Pipedrive => 20.0,
        Provider::Salesforce => 10.0,
    }
}

/// The target type a source type becomes: the same where the target has it (a Salesforce lead is
/// a person elsewhere).
fn target_type(target: Provider, t: ObjectType) -> Option<ObjectType> {
    let types = bridge_crm::object_types(target);
    if types.contains(&t) {
        Some(t)
    } else if t == ObjectType::Lead && types.contains(&ObjectType::Person) {
        Some(ObjectType::Person)
    } else {
        None
    }
}

/// A migration's step as the wizard and the CLI show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MigrationStep {
    Pulling,
    Writing,
    RollingBack,
    Done,
}

impl Engine {
    /// The plan from `source` to `target`: every object type both have, with the field, stage and
    /// owner mappings saved for the two connections, else suggestions: fields by name (and custom
    /// fields by label), stages by outcome, name and order, owners by e-mail.
    pub async fn plan_migration(
        &self,
        source: ConnectionId,
        target: ConnectionId,
    ) -> Result<MigrationPlan> {
        let (s_conn, t_conn) = (self.connection(source)?, self.connection(target)?);
        if source == target {
            return Err(Error::InvalidInput {
                field: "target",
                message: "a migration needs two different connections".into(),
            });
        }
        let (s, t) = (self.client(&s_conn)?, self.client(&t_conn)?);
        // Each source type and the target type it becomes: the canonical types both have, then
        // each custom object the target has one named alike for.
        let mut pairs: Vec<(ObjectType, ObjectType)> = s
            .object_types()
            .iter()
            .filter_map(|&st| Some((st, target_type(t_conn.provider, st)?)))
            .collect();
        let target_custom = self.list_custom_objects(target, t.as_ref()).await?;
        for so in self.list_custom_objects(source, s.as_ref()).await? {
            if let Some(tt) = crate::custom_objects::counterpart(&so, &target_custom) {
                pairs.push((so.object_type, tt));
            }
        }
        let chosen = self.chosen_custom(source)?;
        let mut objects = Vec::new();
        for (st, tt) in pairs {
            let source_fields = described(
                s.as_ref(),
                s_conn.provider,
                st,
                Extras::Mirrored(chosen.get(&st)),
            )
            .await?;
            let target_fields = described(t.as_ref(), t_conn.provider, tt, Extras::All).await?;
            let mut mapping = mapping::suggest_fields(st, tt, &source_fields, &target_fields);
            // A lead's status says where it stands: the target person's lifecycle stage and lead
            // status, where it has them.
            if st == ObjectType::Lead {
                let statuses = options::picklists(s.as_ref(), s_conn.provider, st)
                    .await?
                    .remove("status")
                    .unwrap_or_default();
                let target_options = options::picklists(t.as_ref(), t_conn.provider, tt).await?;
                mapping
                    .fields
                    .extend(mapping::lead_status_rules(&statuses, &target_options));
            }
            let writes = |name: &str| target_fields.iter().any(|f| f.name == name);
            if writes("pipeline_id")
                && mapping.fields.iter().any(|f| f.target == "stage_id")
                && !mapping.fields.iter().any(|f| f.target == "pipeline_id")
            {
                mapping.fields.push(bridge_model::MappedField {
                    source: "stage_id".into(),
                    target: "pipeline_id".into(),
                    transform: bridge_model::Transform::Direct,
                    required: false,
                });
            }
            // What the target cannot do without: what it says a create needs, and a name.
            for f in &mut mapping.fields {
                f.required |= target_fields
                    .iter()
                    .any(|d| d.required && d.name == f.target)
                    || matches!(
                        (tt, f.target.as_str()),
                        (
                            ObjectType::Company | ObjectType::Deal | ObjectType::Custom(_),
                            field::NAME
                        )
                    );
            }
            // A mapping saved for these two connections (Mappings screen, an earlier plan, an
            // imported file) wins over the suggestion.
            let mut chosen = match self.saved_field_mapping(source, target, st)? {
                Some((saved, _)) if saved.target_object == tt => saved,
                _ => mapping,
            };
            carry_activity_kind(&mut chosen);
            objects.push(chosen);
        }
        // Stages and owners saved for this pair (on the Mappings screen or by an earlier plan) win
        // over a suggestion.
        let (s_pipelines, t_pipelines) =
            if objects.iter().any(|o| o.source_object == ObjectType::Deal) {
                (s.pipelines().await?, t.pipelines().await?)
            } else {
                (Vec::new(), Vec::new())
            };
        let mut warnings = Vec::new();
        let (stages, owners, fallback_owner) = match self.stage_owner_mapping(source, target)? {
            Some(saved) => {
                if !s_pipelines.is_empty() {
                    warnings.extend(mapping::check_stages(
                        &s_pipelines,
                        &t_pipelines,
                        &saved.stages,
                    ));
                }
                (saved.stages, saved.owners, saved.fallback_owner)
            }
            None => {
                let (stages, stage_warnings) = if s_pipelines.is_empty() {
                    (Vec::new(), Vec::new())
                } else {
                    mapping::suggest_stages(&s_pipelines, &t_pipelines)
                };
                warnings.extend(stage_warnings);
                let (owners, unmapped) =
                    mapping::suggest_owners(&s.owners().await?, &t.owners().await?);
                if !unmapped.is_empty() {
                    warnings.push(format!(
                        "{} owner(s) have no user with the same e-mail in {}: {}; their records get the fallback owner",
                        unmapped.len(),
                        t_conn.label,
                        unmapped.join(", ")
                    ));
                }
                (stages, owners, None)
            }
        };
        Ok(MigrationPlan {
            name: format!("{} to {}", s_conn.label, t_conn.label),
            source,
            target,
            objects,
            stages,
            owners,
            fallback_owner,
            existing: ExistingRecords::LinkAndUpdate,
            warnings,
            source_counts: self.source_counts(source)?,
        })
    }

    /// What the source's mirror holds, per type and activity kind.
    fn source_counts(&self, source: ConnectionId) -> Result<Vec<SourceCount>> {
        let rows = self.store.read(|c| records::kind_counts(c, source))?;
        Ok(rows
            .into_iter()
            .map(|(object_type, kind, count)| SourceCount {
                object_type,
                kind: kind
                    .and_then(|k| k.parse().ok())
                    .or((object_type == ObjectType::Activity).then_some(ActivityKind::Note)),
                count,
            })
            .collect())
    }

    /// What a run of the plan would do with every record, writing nothing to either CRM (both are
    /// only read, to bring the mirrors up to date): records with problems first.
    pub async fn dry_run_migration(&self, plan: &MigrationPlan, cancel: &Cancel) -> Result<DryRun> {
        self.check_plan(plan)?;
        self.pull_both(plan, cancel).await?;
        let id = self
            .store
            .read(|c| migrations::find(c, &plan.name, plan.source, plan.target))?;
        let items = match id {
            Some(id) => self.store.read(|c| migrations::items(c, id))?,
            None => Vec::new(),
        };
        let mut crosswalk = crosswalk_of(&items);
        let check = self.target_check(plan).await?;
        let mut planned_creates: HashSet<(ObjectType, String)> = HashSet::new();
        let mut all: Vec<Decision> = Vec::new();
        let target = self.connection(plan.target)?;
        let client = self.client(&target)?;
        let batch = |n: i64| client.batch_size_for(n as usize).max(1) as i64;
        let mut calls = 0i64;
        for mapping in &plan.objects {
            let decisions =
                self.decide_object(plan, mapping, &items, &crosswalk, &planned_creates, &check)?;
            let mut creates = 0i64;
            let mut updates = 0i64;
            for d in &decisions {
                let writes = d.item.problems.is_empty() && !d.unchanged;
                match d.item.action {
                    MigrationAction::Create if writes => {
                        creates += 1;
                        planned_creates
                            .insert((mapping.source_object, d.item.source_remote_id.clone()));
                    }
                    MigrationAction::Update if writes => updates += 1,
                    // A duplicate in the source goes where its first record goes.
                    MigrationAction::Link if d.item.target_remote_id.is_none() => {
                        planned_creates
                            .insert((mapping.source_object, d.item.source_remote_id.clone()));
                    }
                    _ => {}
                }
                if let Some(t) = &d.item.target_remote_id {
                    crosswalk.insert(
                        (mapping.source_object, d.item.source_remote_id.clone()),
                        t.clone(),
                    );
                }
            }
            let per = |n: i64| (n + batch(n) - 1) / batch(n);
            calls += per(creates) + per(updates);
            all.extend(decisions);
        }
        let mut counts: BTreeMap<String, i64> = BTreeMap::new();
        for d in &all {
            let key = if d.unchanged {
                "unchanged"
            } else {
                d.item.action.as_str()
            };
            *counts.entry(key.to_owned()).or_default() += 1;
        }
        let with_problems = all.iter().filter(|d| !d.item.problems.is_empty()).count() as i64;
        let mut items: Vec<_> = all.into_iter().map(|d| d.item).collect();
        // Stable: problems first, then in dependency order.
        items.sort_by_key(|i| i.problems.is_empty());
        Ok(DryRun {
            items,
            counts,
            with_problems,
            api_calls: calls,
            seconds: calls as f64 / requests_per_second(target.provider),
            missing_fields: check.missing,
        })
    }

    /// The plan's connections exist and its object types are ones both CRMs have.
    fn check_plan(&self, plan: &MigrationPlan) -> Result<()> {
        let s = self.connection(plan.source)?;
        let t = self.connection(plan.target)?;
        self.refuse_demo_with_real(s.id, t.id, "migrated")?;
        let (s_types, t_types) = (self.all_object_types(s.id)?, self.all_object_types(t.id)?);
        for m in &plan.objects {
            if !s_types.contains(&m.source_object) {
                return Err(Error::InvalidInput {
                    field: "objects",
                    message: format!("{} has no {} records", s.label, m.source_object.as_str()),
                });
            }
            if !t_types.contains(&m.target_object) {
                return Err(Error::InvalidInput {
                    field: "objects",
                    message: format!("{} has no {} records", t.label, m.target_object.as_str()),
                });
            }
        }
        Ok(())
    }

    async fn pull_both(&self, plan: &MigrationPlan, cancel: &Cancel) -> Result<()> {
        let source: Vec<ObjectType> = plan.objects.iter().map(|o| o.source_object).collect();
        let target: Vec<ObjectType> = plan.objects.iter().map(|o| o.target_object).collect();
        for (connection, types) in [(plan.source, source), (plan.target, target)] {
            let mut object_types = types;
            object_types.dedup();
            let options = PullOptions {
                object_types,
                full: false,
            };
            self.pull(connection, &options, &|_| {}, cancel).await?;
        }
        Ok(())
    }

    fn decide_object(
        &self,
        plan: &MigrationPlan,
        mapping: &bridge_model::FieldMapping,
        items: &[migrations::MigrationItem],
        crosswalk: &HashMap<(ObjectType, String), String>,
        planned_creates: &HashSet<(ObjectType, String)>,
        check: &TargetCheck,
    ) -> Result<Vec<Decision>> {
        let (source, mut target) = self.store.read(|c| {
            Ok((
                records::sync_view(c, plan.source, mapping.source_object)?,
                records::sync_view(c, plan.target, mapping.target_object)?,
            ))
        })?;
        let mine: HashMap<String, migrations::MigrationItem> = items
            .iter()
            .filter(|i| i.object_type == mapping.source_object && i.status != "rolled_back")
            .map(|i| (i.source_remote_id.clone(), i.clone()))
            .collect();
        let translate = Translate {
            crosswalk,
            stages: &plan.stages,
            owners: &plan.owners,
            fallback_owner: plan.fallback_owner.as_deref(),
        };
        let written_by_others =
            self.written_by_others(plan, mapping, &translate, planned_creates, &mut target)?;
        let mut decisions = decide(&DecideInput {
            mapping,
            existing: plan.existing,
            source: &source,
            target: &target,
            items: &mine,
            translate: &translate,
            planned_creates,
            written_by_others: &written_by_others,
        });
        // A value for a field the target lacks would be refused by the CRM: the record is not sent.
        let target_connection = self.connection(plan.target)?;
        let label = &target_connection.label;
        for d in &mut decisions {
            for m in check
                .missing
                .iter()
                .filter(|m| m.source_object == mapping.source_object)
            {
                if crate::field_path::get(&d.item.fields, &m.target).is_some() {
                    d.item.problems.push(bridge_model::FieldProblem {
                        field: m.target.clone(),
                        message: format!(
                            "{label} has no field `{}`: create it like `{}` (Fields step), or map it elsewhere",
                            m.target, m.source
                        ),
                    });
                }
            }
        }
        // A value the target's picklist does not take would be refused too (HubSpot's
        // INVALID_OPTION, Salesforce's bad value for restricted picklist).
        if let Some(choices) = check.choices.get(&mapping.target_object) {
            for d in &mut decisions {
                for (field, allowed) in choices {
                    let Some(serde_json::Value::String(value)) =
                        crate::field_path::get(&d.item.fields, field)
                    else {
                        continue;
                    };
                    if value.is_empty() || allowed.iter().any(|a| a == value) {
                        continue;
                    }
                    let shown: Vec<&str> = allowed.iter().take(6).map(String::as_str).collect();
                    d.item.problems.push(bridge_model::FieldProblem {
                        field: field.clone(),
                        message: format!(
                            "“{value}” is not one of {label}'s values for `{field}` ({}{}): map it in the Fields step's value map",
                            shown.join(", "),
                            if allowed.len() > shown.len() { ", …" } else { "" }
                        ),
                    });
                }
            }
        }
        // A field the target refuses a create without, that nothing in the plan filled (a Close
        // custom object's lead, from a Salesforce object whose account is a lookup of its own).
        let required = check
            .required
            .get(&mapping.target_object)
            .map_or(&[][..], Vec::as_slice);
        for d in decisions
            .iter_mut()
            .filter(|d| d.item.action == MigrationAction::Create)
        {
            let filled = |f: &str| {
                !bridge_dedupe::merge_plan::blank(crate::field_path::get(&d.item.fields, f))
            };
            for name in required {
                // A person's name is its first and last names joined, by the client.
                let joined =
                    name == field::NAME && (filled(field::FIRST_NAME) || filled(field::LAST_NAME));
                if !filled(name) && !joined && !d.item.problems.iter().any(|p| &p.field == name) {
                    d.item.problems.push(bridge_model::FieldProblem {
                        field: name.clone(),
                        message: format!(
                            "{label} requires `{name}` and the plan gives it no value: map a source field or a default to it (Fields step)"
                        ),
                    });
                }
            }
        }
        // What the target's client would refuse before sending (a field it has no place for,
        // such as an outcome on a Salesforce Event): named now rather than failed in the run.
        let provider = target_connection.provider;
        for d in decisions
            .iter_mut()
            .filter(|d| d.item.action == MigrationAction::Create && d.item.problems.is_empty())
        {
            // A link to a record the run creates first has no target id yet: not the client's to judge.
            let fields = mapping::without_pending_links(&d.item.fields);
            if let Some(refusal) =
                bridge_crm::refused_create(provider, mapping.target_object, &fields)
            {
                d.item.problems.push(bridge_model::FieldProblem {
                    field: refusal.field.unwrap_or_default(),
                    message: refusal.message,
                });
            }
        }
        Ok(decisions)
    }

    /// The target records the plan's earlier objects of the same target type wrote or will write
    /// (Salesforce contacts, before its leads become the same HubSpot contacts). One not in the
    /// target's mirror yet (created by this run, or by the run a dry run shows) is added to `target`
    /// with the values it was sent with, so a record with its key is matched to it.
    fn written_by_others(
        &self,
        plan: &MigrationPlan,
        mapping: &FieldMapping,
        translate: &Translate,
        planned_creates: &HashSet<(ObjectType, String)>,
        target: &mut Vec<records::SyncView>,
    ) -> Result<HashSet<String>> {
        let mut out = HashSet::new();
        let earlier = plan
            .objects
            .iter()
            .take_while(|o| o.source_object != mapping.source_object)
            .filter(|o| o.target_object == mapping.target_object);
        for other in earlier {
            let theirs = self
                .store
                .read(|c| records::sync_view(c, plan.source, other.source_object))?;
            for r in theirs {
                let key = (other.source_object, r.remote_id.clone());
                let id = match translate.crosswalk.get(&key) {
                    Some(id) => id.clone(),
                    None if planned_creates.contains(&key) => {
                        mapping::pending_link(other.source_object, &r.remote_id)
                    }
                    None => continue,
                };
                if !target.iter().any(|t| t.remote_id == id) {
                    let (fields, _) =
                        mapping::map_record(other, &r.fields, translate, &|_, _| true);
                    target.push(records::SyncView {
                        row: 0,
                        remote_id: id.clone(),
                        display_name: r.display_name,
                        fields,
                        modified: None,
                    });
                }
                out.insert(id);
            }
        }
        Ok(out)
    }

    /// The custom fields the plan maps to that the target CRM does not have.
    /// What the target's fields say of a plan: the mapped fields it lacks, and the values each of
    /// its custom picklists takes (asks the target CRM once per object type).
    pub(crate) async fn target_check(&self, plan: &MigrationPlan) -> Result<TargetCheck> {
        let conn = self.connection(plan.target)?;
        let crm = self.client(&conn)?;
        let mut out = Vec::new();
        let mut choices: HashMap<ObjectType, BTreeMap<String, Vec<String>>> = HashMap::new();
        let mut required: HashMap<ObjectType, Vec<String>> = HashMap::new();
        for m in &plan.objects {
            let fields =
                described(crm.as_ref(), conn.provider, m.target_object, Extras::All).await?;
            required.insert(
                m.target_object,
                fields
                    .iter()
                    .filter(|f| f.required)
                    .map(|f| f.name.clone())
                    .collect(),
            );
            for f in fields.iter().filter(|f| f.name.starts_with("custom.")) {
                if !f.options.is_empty() {
                    choices
                        .entry(m.target_object)
                        .or_default()
                        .insert(f.name.clone(), f.options.clone());
                }
            }
            for rule in m.fields.iter().filter(|r| r.target.starts_with("custom.")) {
                if !fields.iter().any(|f| f.name == rule.target) {
                    out.push(MissingField {
                        source_object: m.source_object,
                        target_object: m.target_object,
                        source: rule.source.clone(),
                        target: rule.target.clone(),
                    });
                }
            }
        }
        Ok(TargetCheck {
            missing: out,
            choices,
            required,
        })
    }
}

/// What the target's fields say of a plan (`Engine::target_check`).
pub(crate) struct TargetCheck {
    pub missing: Vec<MissingField>,
    /// Per target type, the values each custom picklist takes.
    pub choices: HashMap<ObjectType, BTreeMap<String, Vec<String>>>,
    /// Per target type, the fields it refuses a create without.
    pub required: HashMap<ObjectType, Vec<String>>,
}

/// An activity's kind decides what it is created as in the target: it always goes across, even in a
/// mapping saved before activities had kinds.
fn carry_activity_kind(mapping: &mut FieldMapping) {
    let kind = bridge_model::activity_field::KIND;
    if mapping.source_object == ObjectType::Activity
        && mapping.target_object == ObjectType::Activity
        && !mapping.fields.iter().any(|f| f.target == kind)
    {
        mapping.fields.push(bridge_model::MappedField {
            source: kind.into(),
            target: kind.into(),
            transform: bridge_model::Transform::Direct,
            required: false,
        });
    }
}

/// Which of a CRM's standard fields beyond the canonical ones a side of a plan offers: a target
/// every one it lets a client write (by its key), a source those its mirror holds (chosen on
/// Connections → Fields).
pub(crate) enum Extras<'a> {
    All,
    Mirrored(Option<&'a HashSet<String>>),
}

/// A field list as the suggestion compares them: the canonical fields the client writes, and the
/// CRM's custom fields (and the standard ones `extras` offers) as `custom.<key>`.
async fn described(
    crm: &dyn Crm,
    provider: Provider,
    t: ObjectType,
    extras: Extras<'_>,
) -> Result<Vec<Described>> {
    let listed = crm.fields(t).await?;
    let required = bridge_crm::required_fields(provider, t, &listed);
    let (custom, standard): (Vec<_>, Vec<_>) = listed.into_iter().partition(|f| f.custom);
    let offered: Vec<bridge_crm::FieldInfo> = bridge_crm::extra_fields(provider, t, standard)
        .into_iter()
        .filter(|f| match extras {
            // Written into: not one the CRM computes.
            Extras::All => !f.read_only,
            Extras::Mirrored(chosen) => chosen.is_some_and(|c| c.contains(&f.key)),
        })
        .collect();
    let mut out: Vec<Described> = bridge_crm::writable_fields(provider, t)
        .into_iter()
        .map(|f| Described {
            name: f.to_owned(),
            label: f.replace('_', " "),
            kind: "string".into(),
            options: Vec::new(),
            required: required.contains(&f),
        })
        .collect();
    for f in custom.into_iter().chain(offered) {
        out.push(Described {
            name: crate::fields::custom_name(&f.key),
            label: f.label,
            kind: f.kind,
            options: f.options,
            required: f.required,
        });
    }
    Ok(out)
}

/// (type, source id) -> target id of every record the migration wrote or linked.
fn crosswalk_of(items: &[migrations::MigrationItem]) -> HashMap<(ObjectType, String), String> {
    items
        .iter()
        .filter(|i| i.status != "rolled_back")
        .filter_map(|i| {
            i.target_remote_id
                .clone()
                .map(|t| ((i.object_type, i.source_remote_id.clone()), t))
        })
        .collect()
}
