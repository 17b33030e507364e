//! Sync pairs: two connections kept in agreement, per object type, with a rule for every field.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{ConnectionId, ObjectType};

/// How one field is kept in agreement, in the words of the HubSpot-Salesforce connector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FieldRule {
    /// A's value wins; B's is used only where A's is blank.
    PreferAUnlessBlank,
    PreferBUnlessBlank,
    /// A's value always, blanks included.
    AlwaysA,
    AlwaysB,
    /// Either side's change goes across; when both changed, the pair's conflict setting decides.
    TwoWay,
    DontSync,
}

impl FieldRule {
    pub const ALL: [FieldRule; 6] = [
        FieldRule::PreferAUnlessBlank,
        FieldRule::PreferBUnlessBlank,
        FieldRule::AlwaysA,
        FieldRule::AlwaysB,
        FieldRule::TwoWay,
        FieldRule::DontSync,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FieldRule::PreferAUnlessBlank => "prefer_a_unless_blank",
            FieldRule::PreferBUnlessBlank => "prefer_b_unless_blank",
            FieldRule::AlwaysA => "always_a",
            FieldRule::AlwaysB => "always_b",
            FieldRule::TwoWay => "two_way",
            FieldRule::DontSync => "dont_sync",
        }
    }
}

impl std::str::FromStr for FieldRule {
    type Err = crate::ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FieldRule::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| crate::ParseError {
                kind: "field rule",
                value: s.to_owned(),
                expected: "prefer_a_unless_blank, prefer_b_unless_blank, always_a, always_b, two_way, dont_sync",
            })
    }
}

/// What settles a field both sides changed since the last sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ConflictPolicy {
    /// The record changed last wins; equal or unknown change times go to the Conflicts inbox.
    MostRecent,
    /// Every such field goes to the Conflicts inbox for a person to pick a side.
    Ask,
}

/// What a record deleted on one side of a pair does to the record linked to it on the other.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DeleteRule {
    /// The other side keeps its record (the link stays, so it is not created again either).
    #[default]
    DontCarry,
    /// The other side's record is deleted too (archived where the CRM archives), unless it changed
    /// since the last sync or other records link to it: then the Conflicts inbox asks.
    Carry,
    /// Every deletion waits in the Conflicts inbox for a person to carry it or keep the record.
    Ask,
}

impl DeleteRule {
    pub const ALL: [DeleteRule; 3] = [DeleteRule::DontCarry, DeleteRule::Carry, DeleteRule::Ask];

    pub fn as_str(self) -> &'static str {
        match self {
            DeleteRule::DontCarry => "dont_carry",
            DeleteRule::Carry => "carry",
            DeleteRule::Ask => "ask",
        }
    }
}

impl std::str::FromStr for DeleteRule {
    type Err = crate::ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DeleteRule::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| crate::ParseError {
                kind: "delete rule",
                value: s.to_owned(),
                expected: "dont_carry, carry, ask",
            })
    }
}

/// A condition a record must meet to be synced (all of a pair's conditions must hold).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ScopeCondition {
    /// The field has a value.
    IsSet { field: String },
    /// The field's text equals `value` (case aside).
    Equals { field: String, value: String },
    /// The field's text contains `value` (case aside).
    Contains { field: String, value: String },
}

/// One object type of a pair: the rule of every synced field, which records, and where new records go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ObjectSync {
    pub object_type: ObjectType,
    /// Canonical field -> rule; fields not named here follow `default_rule`.
    pub fields: BTreeMap<String, FieldRule>,
    pub default_rule: FieldRule,
    pub scope: Vec<ScopeCondition>,
    /// Records of A with no counterpart are created in B (and the other way round).
    pub create_in_b: bool,
    pub create_in_a: bool,
    /// What a deletion on one side does on the other.
    #[serde(default)]
    pub deletions: DeleteRule,
    /// B's custom field (`custom.<key>`) that keeps the id of the same record in A: written by
    /// sync, and read to link two records before their e-mail or domain is (so a record whose key
    /// changed, or a workspace started again, links to the same record).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub id_in_b: Option<String>,
    /// A's custom field that keeps B's id.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub id_in_a: Option<String>,
    /// B's object type where it is not A's: Salesforce leads (A) kept with HubSpot contacts (B).
    /// `object_type` (A's) names the object in the pair, its links, writes and conflicts.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub b_object_type: Option<ObjectType>,
    /// Fields kept with a field of another name on the other side, their values through a map (a
    /// lead's status with a contact's lead status and lifecycle stage).
    #[serde(default)]
    pub across: Vec<FieldAcross>,
}

impl ObjectSync {
    pub fn rule(&self, field: &str) -> FieldRule {
        if let Some(f) = self.across.iter().find(|f| f.name() == field) {
            return f.rule;
        }
        self.fields.get(field).copied().unwrap_or(self.default_rule)
    }

    /// The object type of the records on `side`.
    pub fn type_on(&self, side: Side) -> ObjectType {
        match side {
            Side::A => self.object_type,
            Side::B => self.b_object_type.unwrap_or(self.object_type),
        }
    }
}

/// A's field `a` kept with B's field `b`: A's values become B's through `values` (a value the map
/// does not name goes as it is), B's come back as the A value that maps to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FieldAcross {
    pub a: String,
    pub b: String,
    pub rule: FieldRule,
    /// A's value -> B's value.
    #[serde(default)]
    pub values: BTreeMap<String, String>,
}

impl FieldAcross {
    /// How the pair, its sync state and the Conflicts inbox name the two fields as one.
    pub fn name(&self) -> String {
        format!("{} → {}", self.a, self.b)
    }

    /// A's value as B takes it.
    pub fn to_b(&self, value: &serde_json::Value) -> serde_json::Value {
        match value.as_str().and_then(|v| self.values.get(v)) {
            Some(b) => serde_json::Value::String(b.clone()),
            None => value.clone(),
        }
    }

    /// B's value in A's words: `a_now` where it maps to it (a map may send several A values to one
    /// B value), else the first A value that does, else B's value as it is.
    pub fn to_a(
        &self,
        value: &serde_json::Value,
        a_now: Option<&serde_json::Value>,
    ) -> serde_json::Value {
        let Some(text) = value.as_str() else {
            return value.clone();
        };
        if let Some(now) = a_now
            && self.to_b(now).as_str() == Some(text)
        {
            return now.clone();
        }
        match self.values.iter().find(|(_, b)| *b == text) {
            Some((a, _)) => serde_json::Value::String(a.clone()),
            None => value.clone(),
        }
    }
}

impl SyncPair {
    /// The rules of the pair's object `key` (A's object type).
    pub fn object(&self, key: ObjectType) -> Option<&ObjectSync> {
        self.objects.iter().find(|o| o.object_type == key)
    }

    /// The object type written on `side` for the pair's object `key`.
    pub fn type_on(&self, key: ObjectType, side: Side) -> ObjectType {
        self.object(key).map_or(key, |o| o.type_on(side))
    }

    /// The connection on `side`.
    pub fn connection_on(&self, side: Side) -> ConnectionId {
        match side {
            Side::A => self.a,
            Side::B => self.b,
        }
    }
}

/// Two connections kept in agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncPair {
    pub id: i64,
    pub name: String,
    pub a: ConnectionId,
    pub b: ConnectionId,
    /// Parents first (companies before people before deals), so links can be carried across.
    pub objects: Vec<ObjectSync>,
    pub conflicts: ConflictPolicy,
    /// A scheduled sync every this many minutes while the app is open.
    pub every_minutes: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// A pair as a person defines it (no id yet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NewSyncPair {
    pub name: String,
    pub a: ConnectionId,
    pub b: ConnectionId,
    pub objects: Vec<ObjectSync>,
    pub conflicts: ConflictPolicy,
    pub every_minutes: Option<i64>,
}

/// One field both sides changed differently since it was last synced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ConflictField {
    pub field: String,
    /// The value both sides had after the last sync (null before the first one).
    #[ts(type = "unknown")]
    pub synced: serde_json::Value,
    #[ts(type = "unknown")]
    pub a: serde_json::Value,
    #[ts(type = "unknown")]
    pub b: serde_json::Value,
}

/// Which side a person picked for a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    A,
    B,
}

impl Side {
    pub fn other(self) -> Side {
        match self {
            Side::A => Side::B,
            Side::B => Side::A,
        }
    }
}

/// Where a sync run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Running,
    Succeeded,
    Failed,
    Cancelled,
    Interrupted,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Succeeded => "succeeded",
            RunStatus::Failed => "failed",
            RunStatus::Cancelled => "cancelled",
            RunStatus::Interrupted => "interrupted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            RunStatus::Running,
            RunStatus::Succeeded,
            RunStatus::Failed,
            RunStatus::Cancelled,
            RunStatus::Interrupted,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// A record a sync deleted because its counterpart was deleted on the other side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncDeletion {
    pub id: i64,
    pub pair_id: i64,
    pub object_type: ObjectType,
    /// The side the sync deleted on.
    pub side: Side,
    pub remote_id: String,
    /// Its counterpart, deleted on the other side.
    pub source_remote_id: String,
    pub name: String,
    pub deleted_at: DateTime<Utc>,
    pub undone_at: Option<DateTime<Utc>>,
    /// The record an undo created in its place.
    pub restored_id: Option<String>,
}

/// Counts of one sync run, as they stand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncCounts {
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub failed: i64,
    pub conflicts: i64,
    /// Records deleted on one side because the pair carried their deletion across.
    #[serde(default)]
    pub deleted: i64,
}

/// One sync run of a pair, for the run history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncRun {
    pub id: i64,
    pub pair_id: i64,
    pub status: RunStatus,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub counts: SyncCounts,
    pub error: Option<String>,
}
