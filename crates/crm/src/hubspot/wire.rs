//! HubSpot's JSON, as CRM v3 sends it. Private to the HubSpot module.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
pub struct ObjectPage {
    pub results: Vec<Object>,
    #[serde(default)]
    pub paging: Option<Paging>,
}

#[derive(Debug, Deserialize)]
pub struct Paging {
    pub next: Option<Next>,
}

#[derive(Debug, Deserialize)]
pub struct Next {
    pub after: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Object {
    pub id: String,
    #[serde(default)]
    pub properties: BTreeMap<String, Value>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub archived_at: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Properties {
    pub results: Vec<Property>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Property {
    pub name: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub hubspot_defined: Option<bool>,
    #[serde(default)]
    pub options: Vec<Option_>,
    /// Computed by HubSpot from other properties.
    #[serde(default)]
    pub calculated: bool,
    #[serde(default)]
    pub modification_metadata: Option<ModificationMetadata>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModificationMetadata {
    /// HubSpot sets the value; a write is refused.
    #[serde(default)]
    pub read_only_value: bool,
}

#[derive(Debug, Deserialize)]
pub struct Option_ {
    /// What a record holds and a write sends (`marketingqualifiedlead`); the label is for people.
    pub value: String,
}

#[derive(Debug, Deserialize)]
pub struct Pipelines {
    pub results: Vec<Pipeline>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pipeline {
    pub id: String,
    pub label: String,
    pub stages: Vec<Stage>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stage {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub display_order: i64,
    #[serde(default)]
    pub metadata: BTreeMap<String, Value>,
}

#[derive(Debug, Deserialize)]
pub struct Owners {
    pub results: Vec<Owner>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Owner {
    pub id: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountDetails {
    pub portal_id: u64,
    #[serde(default)]
    pub account_type: Option<String>,
}

/// The answer of `batch/create|update|upsert`: 200/201, or 207 with `errors`.
#[derive(Debug, Deserialize)]
pub struct BatchAnswer {
    #[serde(default)]
    pub results: Vec<BatchResult>,
    #[serde(default)]
    pub errors: Vec<BatchError>,
}

#[derive(Debug, Deserialize)]
pub struct BatchResult {
    pub id: String,
    #[serde(default)]
    pub new: Option<bool>,
    #[serde(default)]
    pub properties: BTreeMap<String, Value>,
}

/// A `StandardError` of a batch: `context.ids` names the inputs it is about.
#[derive(Debug, Deserialize)]
pub struct BatchError {
    #[serde(default)]
    pub category: String,
    pub message: String,
    #[serde(default)]
    pub context: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Deserialize)]
pub struct MergeAnswer {
    pub id: String,
}

/// `GET /crm/v4/objects/{type}/{id}/associations/{toType}`.
#[derive(Debug, Deserialize)]
pub struct AssociationList {
    #[serde(default)]
    pub results: Vec<AssociationTo>,
}

/// `POST /crm/v4/associations/{from}/{to}/batch/read`.
#[derive(Debug, Deserialize)]
pub struct AssociationBatch {
    #[serde(default)]
    pub results: Vec<AssociationResult>,
}

#[derive(Debug, Deserialize)]
pub struct AssociationResult {
    pub from: AssociationFrom,
    #[serde(default)]
    pub to: Vec<AssociationTo>,
}

#[derive(Debug, Deserialize)]
pub struct AssociationFrom {
    pub id: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssociationTo {
    /// A string in the v4 answers, a number in some older ones.
    pub to_object_id: Value,
}

impl AssociationTo {
    pub fn id(&self) -> String {
        match &self.to_object_id {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
}

/// `GET /crm-object-schemas/v3/schemas`: the portal's custom objects.
#[derive(Debug, Deserialize)]
pub struct Schemas {
    pub results: Vec<Schema>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schema {
    pub object_type_id: String,
    pub labels: SchemaLabels,
    #[serde(default)]
    pub primary_display_property: Option<String>,
    #[serde(default)]
    pub archived: bool,
}

#[derive(Debug, Deserialize)]
pub struct SchemaLabels {
    pub singular: Option<String>,
    pub plural: Option<String>,
}
