//! Salesforce REST JSON. Private to the Salesforce module.

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryPage {
    pub records: Vec<Value>,
    pub done: bool,
    #[serde(default)]
    pub next_records_url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Record {
    pub id: String,
    #[serde(default)]
    pub system_modstamp: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deleted {
    pub deleted_records: Vec<DeletedRecord>,
}

#[derive(Debug, Deserialize)]
pub struct DeletedRecord {
    pub id: String,
}

#[derive(Debug, Deserialize)]
pub struct Describe {
    pub fields: Vec<Field>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Field {
    pub name: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub custom: bool,
    #[serde(default)]
    pub nillable: bool,
    #[serde(default)]
    pub createable: bool,
    #[serde(default)]
    pub updateable: bool,
    #[serde(default)]
    pub defaulted_on_create: bool,
    #[serde(default)]
    pub picklist_values: Vec<PicklistValue>,
}

#[derive(Debug, Deserialize)]
pub struct PicklistValue {
    pub value: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OpportunityStage {
    pub master_label: String,
    #[serde(default)]
    pub sort_order: Option<f64>,
    #[serde(default)]
    pub is_closed: bool,
    #[serde(default)]
    pub is_won: bool,
    #[serde(default)]
    pub default_probability: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct User {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Limits {
    pub daily_api_requests: Limit,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Limit {
    pub max: u64,
    pub remaining: u64,
}

/// The token a JWT bearer sign-in answers with; its `Debug` leaves it out.
#[derive(Deserialize)]
pub struct JwtAnswer {
    pub access_token: String,
}

impl std::fmt::Debug for JwtAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JwtAnswer(<redacted>)")
    }
}

/// One item of an sObject Collections answer (in request order, HTTP 200 whatever happened).
#[derive(Debug, Deserialize)]
pub struct CollectionResult {
    #[serde(default)]
    pub id: Option<String>,
    pub success: bool,
    #[serde(default)]
    pub errors: Vec<CollectionError>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CollectionError {
    pub status_code: String,
    pub message: String,
    #[serde(default)]
    pub fields: Vec<String>,
}

/// One REST API version an org serves (`GET /services/data/`).
#[derive(Debug, Deserialize)]
pub struct Version {
    pub version: String,
}

/// `GET /sobjects/`: describe global, every sObject of the org.
#[derive(Debug, Deserialize)]
pub struct DescribeGlobal {
    pub sobjects: Vec<SObjectSummary>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SObjectSummary {
    pub name: String,
    pub label: String,
    #[serde(default)]
    pub label_plural: Option<String>,
    #[serde(default)]
    pub custom: bool,
    #[serde(default)]
    pub custom_setting: bool,
    #[serde(default)]
    pub queryable: bool,
    #[serde(default)]
    pub createable: bool,
}
