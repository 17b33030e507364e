//! Merging a duplicate group: plan -> show -> apply -> undo.
//!
//! Members of one CRM account (and object type) are merged with the CRM's own merge (Salesforce:
//! fill, re-parent, delete); the survivor then gets the planned values. Members in other accounts are
//! not merged away: their survivors get the planned values too and are linked as one entity.
//! Everything is recorded before anything is written: the plan, every member's fields and children
//! (the before-image), then each step as the CRM confirms it, so an undo, also after a restart or a
//! merge cut off half-way, recreates what the CRM deleted and puts every field and child back.

mod apply;
mod changed;
mod plan;
mod undo;

use std::collections::{BTreeMap, BTreeSet};

use bridge_crm::{Crm, Update, WriteResult};
use bridge_dedupe::merge_plan::{self, MasterRule, Member};
use bridge_model::{ConnectionId, Fields, NewRecord, ObjectType, Provider, Record, RecordId};
use bridge_store::{
    duplicate_groups,
    links::{self, LinkedRecord},
    merges::{self, MergeRow, NewMerge},
    records, sync_state,
};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use crate::{Engine, Error, Result};

/// What a person chose: the record to keep and values picked field by field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct MergeChoice {
    /// The record to keep; none: the one `rule` picks.
    pub master: Option<RecordId>,
    /// How the record to keep is picked when none is named.
    #[serde(default)]
    pub rule: KeepRule,
    /// Field -> the value to keep.
    #[ts(type = "{ [key in string]?: unknown }")]
    pub overrides: Fields,
}

/// How the record to keep is picked (ties go to the most complete).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "rule", content = "provider")]
pub enum KeepRule {
    /// The record with the most fields filled in.
    #[default]
    MostComplete,
    /// The record created first.
    Oldest,
    /// The record changed last.
    MostRecent,
    /// The record in this CRM.
    Prefer(Provider),
}

impl KeepRule {
    fn master_rule(self) -> MasterRule {
        match self {
            KeepRule::MostComplete => MasterRule::MostComplete,
            KeepRule::Oldest => MasterRule::Oldest,
            KeepRule::MostRecent => MasterRule::MostRecent,
            KeepRule::Prefer(p) => MasterRule::PreferredCrm(p.as_str().to_owned()),
        }
    }
}

/// One field of the merged record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PlannedField {
    pub field: String,
    #[ts(type = "unknown")]
    pub value: Value,
    /// The member the value comes from (none: several, or typed by a person).
    pub from: Option<RecordId>,
    /// master_wins, fill_blanks, most_recent, longest, union or override.
    pub rule: String,
}

/// The plan shown before a merge: what is kept and what happens in each CRM.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MergePreview {
    pub group_id: i64,
    pub master: RecordId,
    pub fields: Vec<PlannedField>,
    /// What applying it does, in words, one line per CRM action.
    pub actions: Vec<String>,
}

/// A member of a merge as it was before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MergedMember {
    pub record_id: RecordId,
    pub connection_id: ConnectionId,
    pub connection_label: String,
    pub provider: Provider,
    pub object_type: ObjectType,
    pub remote_id: String,
    pub display_name: String,
    /// "kept" (a survivor) or "merged" (merged into a survivor and deleted by the CRM).
    pub role: String,
    #[ts(type = "{ [key in string]?: unknown }")]
    pub fields: Fields,
    /// Records that pointed at it (deals, notes, contacts) and moved with the merge.
    pub children: Vec<Child>,
}

/// A record linked to a member through one of its link fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Child {
    pub record_id: RecordId,
    pub object_type: ObjectType,
    pub remote_id: String,
    /// company_id, person_id or deal_id.
    pub field: String,
}

/// One merge in the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MergeEntry {
    pub id: i64,
    pub group_id: Option<i64>,
    pub object_type: ObjectType,
    /// applying, applied, undoing, undone or failed.
    pub status: String,
    pub merged_by: String,
    pub applied_at: chrono::DateTime<Utc>,
    pub undone_at: Option<chrono::DateTime<Utc>>,
    pub error: Option<String>,
    /// The record kept (the master) and the name it kept.
    pub master: RecordId,
    pub master_name: String,
    /// The before-image.
    pub members: Vec<MergedMember>,
    /// The merged record as planned: each field's value, where it came from and by which rule.
    pub fields: Vec<PlannedField>,
}

/// A page of the merge history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MergePage {
    pub rows: Vec<MergeEntry>,
    pub total: i64,
}

/// What merging every group above the automatic threshold did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BulkMergeSummary {
    pub merged: usize,
    /// Groups that could not be merged, with why (each stays in the list).
    pub failed: Vec<BulkMergeFailure>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BulkMergeFailure {
    pub group_id: i64,
    pub message: String,
}

/// The groups a bulk merge would merge, for the preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BulkMergePreview {
    /// The score from which a group is safe to merge without a look.
    pub threshold: f64,
    pub groups: Vec<bridge_model::DuplicateGroupRow>,
}

/// A step done in a CRM, recorded as soon as the CRM confirms it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
enum Step {
    /// `merged` was merged into `survivor` by the CRM; `survivor_after` is the id it kept.
    Merged {
        /// The survivor's local record.
        survivor_record: RecordId,
        connection_id: ConnectionId,
        object_type: ObjectType,
        survivor: String,
        survivor_after: String,
        merged: String,
        /// Set by undo once the CRM has created the record again.
        recreated: Option<String>,
        undone: bool,
    },
    /// The survivor got the planned values.
    Updated {
        record_id: RecordId,
        connection_id: ConnectionId,
        object_type: ObjectType,
        remote_id: String,
        undone: bool,
    },
    /// Survivors in several accounts linked as one entity.
    Linked { links: Vec<i64> },
}

impl Step {
    /// Whether an undo has already reversed this step.
    fn is_undone(&self) -> bool {
        match self {
            Step::Merged {
                undone, recreated, ..
            } => *undone || recreated.is_some(),
            Step::Updated { undone, .. } => *undone,
            Step::Linked { .. } => false,
        }
    }
}

/// The stored plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct StoredPlan {
    master: RecordId,
    fields: Vec<PlannedField>,
    /// Per survivor (local record id): the fields written to it.
    writes: BTreeMap<i64, Fields>,
}

/// Fields whose values are ids in one account: only taken from a member of the same account.
const ACCOUNT_BOUND: &[&str] = &[
    "company_id",
    "person_id",
    "deal_id",
    "owner_id",
    "pipeline_id",
    "stage_id",
];

/// The link field that points at a record of this type.
fn link_field(object_type: ObjectType) -> Option<&'static str> {
    match object_type {
        ObjectType::Company => Some("company_id"),
        ObjectType::Person | ObjectType::Lead => Some("person_id"),
        ObjectType::Deal => Some("deal_id"),
        ObjectType::Activity | ObjectType::Custom(_) => None,
    }
}

/// "contacts", "companies": the records of a type in a sentence.
fn plural(object_type: ObjectType) -> &'static str {
    match object_type {
        ObjectType::Company => "companies",
        ObjectType::Person => "contacts",
        ObjectType::Lead => "leads",
        ObjectType::Deal => "deals",
        ObjectType::Activity => "activities",
        ObjectType::Custom(_) => "records",
    }
}

/// "contact", "company": one record of a type in a sentence.
fn singular(object_type: ObjectType) -> &'static str {
    match object_type {
        ObjectType::Company => "company",
        ObjectType::Person => "contact",
        ObjectType::Lead => "lead",
        ObjectType::Deal => "deal",
        ObjectType::Activity => "activity",
        ObjectType::Custom(_) => "record",
    }
}

/// Who is merging: the OS user.
fn who() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "you".into())
}

fn rule_name(rule: merge_plan::FieldRule) -> String {
    serde_json::to_value(rule)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl Engine {
    fn merge_row(&self, id: i64) -> Result<MergeRow> {
        self.store
            .read(|c| merges::get(c, id))?
            .ok_or_else(|| Error::NotFound {
                what: "merge",
                id: id.to_string(),
            })
    }

    /// One merge of the history.
    pub fn merge_entry(&self, id: i64) -> Result<MergeEntry> {
        entry(self.merge_row(id)?)
    }

    /// The merge history, the most recent first.
    pub fn merges(&self, offset: i64, limit: i64) -> Result<MergePage> {
        crate::queues::check_page(offset, limit)?;
        let (rows, total) = self
            .store
            .read(|c| Ok((merges::page(c, offset, limit)?, merges::count(c)?)))?;
        Ok(MergePage {
            rows: rows.into_iter().map(entry).collect::<Result<_>>()?,
            total,
        })
    }
}

/// The kept record's name after the merge: a value a person picked ("Globex" over "Globex GmbH")
/// names it, not the name it had.
fn merged_name(fields: &[PlannedField]) -> Option<String> {
    let merged: Fields = fields
        .iter()
        .map(|f| (f.field.clone(), f.value.clone()))
        .collect();
    bridge_model::display_name_of(&merged)
}

fn corrupt_json<T: serde::de::DeserializeOwned>(id: i64, column: &str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| {
        Error::Store(bridge_store::Error::Corrupt {
            what: format!("merges.{column} of merge {id}"),
            detail: e.to_string(),
        })
    })
}

fn entry(row: MergeRow) -> Result<MergeEntry> {
    let members: Vec<MergedMember> = corrupt_json(row.id, "before_image", &row.before_image)?;
    let plan: StoredPlan = corrupt_json(row.id, "plan", &row.plan)?;
    let kept = members
        .iter()
        .find(|m| m.record_id == plan.master)
        .map(|m| m.display_name.clone())
        .unwrap_or_default();
    let master_name = merged_name(&plan.fields).unwrap_or(kept);
    Ok(MergeEntry {
        id: row.id,
        group_id: row.group_id,
        object_type: row.object_type,
        status: row.status,
        merged_by: row.merged_by,
        applied_at: row.applied_at,
        undone_at: row.undone_at,
        error: row.error,
        master: plan.master,
        master_name,
        members,
        fields: plan.fields,
    })
}
