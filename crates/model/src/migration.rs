//! CRM-to-CRM migrations: how fields, stages and owners map from a source CRM to a target CRM, the
//! plan a person saves (and exports as JSON), and what a dry run says each record will become.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::{ActivityKind, ConnectionId, Fields, ObjectType};

/// How a source value becomes the target's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Transform {
    /// The value as it is.
    Direct,
    /// Always this value, whatever the source holds.
    Constant {
        value: Value,
    },
    /// The source's value when it has one, else this one.
    Default {
        value: Value,
    },
    /// Picklist values translated; a value the map lacks takes `otherwise`, or is refused when
    /// there is none.
    ValueMap {
        map: BTreeMap<String, String>,
        otherwise: Option<String>,
    },
    /// `first_name` and `last_name` of the source joined with a space (the source field is unused).
    JoinName,
    /// A full name split at its last space: the source field into `first_name` and `last_name`
    /// (the target field is unused).
    SplitName,
    /// A number, from a number or a text such as "$1,200.50".
    Number,
    /// A calendar date (YYYY-MM-DD) from a date or a date-time, read in the given UTC offset in
    /// minutes so an evening in New York stays on its day.
    Date {
        offset_minutes: i32,
    },
    /// A list joined with the separator (text), or a text split at it (list).
    Join {
        separator: String,
    },
    Split {
        separator: String,
    },
}

/// One target field and where its value comes from. Custom fields are named `custom.<key>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MappedField {
    pub source: String,
    pub target: String,
    pub transform: Transform,
    /// A record whose mapped value is blank is refused, naming the field.
    #[serde(default)]
    pub required: bool,
}

/// The fields of one source object type and the target object type they become.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FieldMapping {
    pub source_object: ObjectType,
    pub target_object: ObjectType,
    pub fields: Vec<MappedField>,
}

/// A source stage and the target stage a deal in it goes to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MappedStage {
    pub source_pipeline: String,
    pub source_stage: String,
    pub target_pipeline: String,
    pub target_stage: String,
}

/// A source owner and the target owner their records go to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MappedOwner {
    pub source_owner: String,
    pub target_owner: String,
}

/// What to do with a source record the target already holds (same e-mail, domain, name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ExistingRecords {
    /// Link the two and write the mapped fields into the target's record.
    LinkAndUpdate,
    /// Link the two and leave the target's record as it is.
    LinkOnly,
    /// Leave the source record out.
    Skip,
}

/// A migration as a person saves it: from where, to where, which objects and how they map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MigrationPlan {
    pub name: String,
    pub source: ConnectionId,
    pub target: ConnectionId,
    /// Parents first: companies, people, deals, activities.
    pub objects: Vec<FieldMapping>,
    pub stages: Vec<MappedStage>,
    pub owners: Vec<MappedOwner>,
    /// The target owner of records whose owner has no mapping (none: the field is left blank).
    pub fallback_owner: Option<String>,
    pub existing: ExistingRecords,
    /// What the suggestion noticed: a won stage mapped to an open one, an unmapped owner.
    #[serde(default)]
    pub warnings: Vec<String>,
    /// What the source's mirror holds of each type (activities of each kind), for the Objects step.
    #[serde(default)]
    pub source_counts: Vec<SourceCount>,
}

/// How many records of one type (and, for activities, one kind) a connection's mirror holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SourceCount {
    pub object_type: ObjectType,
    pub kind: Option<ActivityKind>,
    pub count: i64,
}

/// What a migration does with one source record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MigrationAction {
    Create,
    Update,
    Link,
    Skip,
}

impl MigrationAction {
    pub fn as_str(self) -> &'static str {
        match self {
            MigrationAction::Create => "create",
            MigrationAction::Update => "update",
            MigrationAction::Link => "link",
            MigrationAction::Skip => "skip",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Create, Self::Update, Self::Link, Self::Skip]
            .into_iter()
            .find(|a| a.as_str() == s)
    }
}

/// A value that cannot be written, named by record and field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

/// One source record in a dry run or a run: what it becomes and the values it carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PlannedItem {
    pub object_type: ObjectType,
    pub source_remote_id: String,
    pub name: String,
    pub action: MigrationAction,
    /// The target's record for an update or link.
    pub target_remote_id: Option<String>,
    #[ts(type = "{ [key in string]?: unknown }")]
    pub fields: Fields,
    /// Why the record cannot be written as it is (it is then not sent).
    pub problems: Vec<FieldProblem>,
    /// An update with nothing to write: the target holds these values already.
    #[serde(default)]
    pub unchanged: bool,
}

/// What a dry run found, and what the run will cost under the target's limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DryRun {
    /// Records with problems first, then in dependency order.
    pub items: Vec<PlannedItem>,
    pub counts: BTreeMap<String, i64>,
    pub with_problems: i64,
    pub api_calls: i64,
    pub seconds: f64,
    /// Custom fields the plan maps to that the target does not have (records carrying a value for
    /// one have a problem naming it): each can be created like its source field.
    #[serde(default)]
    pub missing_fields: Vec<MissingField>,
}

/// A mapping rule whose target field the target CRM does not have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MissingField {
    pub source_object: ObjectType,
    pub target_object: ObjectType,
    pub source: String,
    pub target: String,
}

/// One line of a run's result file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MigrationResult {
    pub object_type: ObjectType,
    pub source_remote_id: String,
    pub target_remote_id: Option<String>,
    pub action: MigrationAction,
    /// An update found nothing to change: the target already held the values (never written).
    #[serde(default)]
    pub unchanged: bool,
    pub status: String,
    pub error: Option<String>,
}

/// What a run (or a rollback) did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct MigrationReport {
    pub migration_id: i64,
    pub run: i64,
    pub created: i64,
    pub updated: i64,
    pub linked: i64,
    pub skipped: i64,
    pub unchanged: i64,
    pub failed: i64,
    pub rolled_back: i64,
    /// A rollback's records left alone: changed in the target after the run wrote them.
    pub left_changed: i64,
}
