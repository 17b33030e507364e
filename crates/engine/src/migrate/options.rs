//! What the migration wizard offers to choose from: both CRMs' pipelines, owners and fields, and
//! the warnings of a plan as a person edits it.

use std::collections::BTreeMap;

use bridge_crm::{Crm, Owner, Pipeline, StageOutcome};
use bridge_model::{MigrationPlan, ObjectType, Provider};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Extras, described, mapping};
use crate::{Engine, Result};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StageChoice {
    pub id: String,
    pub label: String,
    /// open, won or lost
    pub outcome: String,
    pub probability: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PipelineChoice {
    pub id: String,
    pub label: String,
    pub stages: Vec<StageChoice>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct OwnerChoice {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
}

/// The fields of one object pair: every source field, every target field (custom ones as
/// `custom.<key>`), and the values each side's picklists take, by field, so a value map is chosen
/// from drop-downs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FieldChoices {
    pub source_object: ObjectType,
    pub target_object: ObjectType,
    pub source: Vec<String>,
    pub target: Vec<String>,
    pub source_options: BTreeMap<String, Vec<String>>,
    pub target_options: BTreeMap<String, Vec<String>>,
}

/// The values of each picklist of `object_type` the CRM describes, by the field's name in a mapping
/// (the canonical name of a standard field, `custom.<key>` of a custom one).
pub(crate) async fn picklists(
    crm: &dyn Crm,
    provider: Provider,
    object_type: ObjectType,
) -> Result<BTreeMap<String, Vec<String>>> {
    let mut out = BTreeMap::new();
    for f in crm.fields(object_type).await? {
        if f.options.is_empty() {
            continue;
        }
        let name = if f.custom {
            crate::fields::custom_name(&f.key)
        } else {
            match bridge_crm::canonical_name(provider, object_type, &f.key) {
                Some(canonical) => canonical.to_owned(),
                None => continue,
            }
        };
        out.insert(name, f.options);
    }
    Ok(out)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MigrationOptions {
    pub source_pipelines: Vec<PipelineChoice>,
    pub target_pipelines: Vec<PipelineChoice>,
    pub source_owners: Vec<OwnerChoice>,
    pub target_owners: Vec<OwnerChoice>,
    pub fields: Vec<FieldChoices>,
}

fn pipelines(list: Vec<Pipeline>) -> Vec<PipelineChoice> {
    list.into_iter()
        .map(|p| PipelineChoice {
            id: p.id,
            label: p.label,
            stages: p
                .stages
                .into_iter()
                .map(|s| StageChoice {
                    id: s.id,
                    label: s.label,
                    outcome: match s.outcome {
                        StageOutcome::Open => "open",
                        StageOutcome::Won => "won",
                        StageOutcome::Lost => "lost",
                    }
                    .into(),
                    probability: s.probability,
                })
                .collect(),
        })
        .collect()
}

fn owners(list: Vec<Owner>) -> Vec<OwnerChoice> {
    list.into_iter()
        .map(|o| OwnerChoice {
            id: o.id,
            name: o.name,
            email: o.email,
        })
        .collect()
}

impl Engine {
    /// Both CRMs' pipelines, owners and fields for the object types of a plan.
    pub async fn migration_options(&self, plan: &MigrationPlan) -> Result<MigrationOptions> {
        let (s_conn, t_conn) = (self.connection(plan.source)?, self.connection(plan.target)?);
        let (s, t) = (self.client(&s_conn)?, self.client(&t_conn)?);
        let chosen = self.chosen_custom(plan.source)?;
        let mut fields = Vec::new();
        for m in &plan.objects {
            let names = |list: Vec<mapping::Described>| list.into_iter().map(|f| f.name).collect();
            let mirrored = Extras::Mirrored(chosen.get(&m.source_object));
            fields.push(FieldChoices {
                source_object: m.source_object,
                target_object: m.target_object,
                source: names(
                    described(s.as_ref(), s_conn.provider, m.source_object, mirrored).await?,
                ),
                target: names(
                    described(t.as_ref(), t_conn.provider, m.target_object, Extras::All).await?,
                ),
                source_options: picklists(s.as_ref(), s_conn.provider, m.source_object).await?,
                target_options: picklists(t.as_ref(), t_conn.provider, m.target_object).await?,
            });
        }
        Ok(MigrationOptions {
            source_pipelines: pipelines(s.pipelines().await?),
            target_pipelines: pipelines(t.pipelines().await?),
            source_owners: owners(s.owners().await?),
            target_owners: owners(t.owners().await?),
            fields,
        })
    }

    /// Saves a plan under its name (a draft until it runs), to reopen it later, and each of its
    /// field mappings as a new version of "<source> -> <target>: <object>" when it changed.
    pub fn save_migration_plan(&self, plan: &MigrationPlan) -> Result<i64> {
        let json = serde_json::to_value(plan).expect("a plan serialises");
        self.save_mappings(plan)?;
        let now = chrono::Utc::now();
        Ok(self.store.write(|tx| {
            bridge_store::migrations::open(tx, &plan.name, plan.source, plan.target, &json, now)
        })?)
    }

    /// A saved plan.
    pub fn migration_plan(&self, id: i64) -> Result<MigrationPlan> {
        let json = self
            .store
            .read(|c| bridge_store::migrations::plan(c, id))?
            .ok_or_else(|| crate::Error::NotFound {
                what: "migration",
                id: id.to_string(),
            })?;
        serde_json::from_value(json).map_err(|e| crate::Error::InvalidInput {
            field: "plan",
            message: format!("migration {id}'s plan cannot be read: {e}"),
        })
    }
}

/// What is wrong with a plan as it stands against the CRMs' pipelines, owners and fields (what
/// `migration_options` read): stages that change meaning, owners without a target owner and no
/// fallback, fields the CRMs no longer have. Pure, so an editor checks every change without asking
/// the CRMs again.
pub fn check_migration_plan(plan: &MigrationPlan, options: &MigrationOptions) -> Vec<String> {
    let back = |list: &[PipelineChoice]| -> Vec<Pipeline> {
        list.iter()
            .map(|p| Pipeline {
                id: p.id.clone(),
                label: p.label.clone(),
                stages: p
                    .stages
                    .iter()
                    .enumerate()
                    .map(|(i, s)| bridge_crm::Stage {
                        id: s.id.clone(),
                        label: s.label.clone(),
                        order: i as u32,
                        probability: s.probability,
                        outcome: match s.outcome.as_str() {
                            "won" => StageOutcome::Won,
                            "lost" => StageOutcome::Lost,
                            _ => StageOutcome::Open,
                        },
                    })
                    .collect(),
            })
            .collect()
    };
    let mut warnings = mapping::check_stages(
        &back(&options.source_pipelines),
        &back(&options.target_pipelines),
        &plan.stages,
    );
    if plan.fallback_owner.is_none() {
        let unmapped: Vec<&str> = options
            .source_owners
            .iter()
            .filter(|o| !plan.owners.iter().any(|m| m.source_owner == o.id))
            .map(|o| o.name.as_str())
            .collect();
        if !unmapped.is_empty() {
            warnings.push(format!(
                "no target owner for {}: choose one or a fallback owner, or their records are left without an owner",
                unmapped.join(", ")
            ));
        }
    }
    for (m, f) in plan.objects.iter().zip(&options.fields) {
        for rule in &m.fields {
            let custom_or_known = |name: &str, list: &[String]| list.iter().any(|x| x == name);
            if !custom_or_known(&rule.source, &f.source) && rule.source.starts_with("custom.") {
                warnings.push(format!(
                    "{} field `{}` is not in the source any more",
                    m.source_object.as_str(),
                    rule.source
                ));
            }
            if !custom_or_known(&rule.target, &f.target) {
                warnings.push(format!(
                    "{} field `{}` is not in the target any more",
                    m.target_object.as_str(),
                    rule.target
                ));
            }
        }
    }
    warnings
}
