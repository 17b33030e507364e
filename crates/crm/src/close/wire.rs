//! Close's JSON (api/v1). Private to the Close module.

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
pub struct Me {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub organizations: Vec<Organization>,
}

#[derive(Debug, Deserialize)]
pub struct Organization {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Deserialize)]
pub struct Object {
    pub id: String,
    #[serde(default)]
    pub date_updated: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct List<T> {
    pub data: Vec<T>,
}

#[derive(Debug, Deserialize)]
pub struct Events {
    pub data: Vec<Event>,
    #[serde(default)]
    pub cursor_next: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Event {
    pub object_id: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CustomField {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub choices: Option<Vec<Value>>,
}

/// `GET /custom_object_type/`: a custom object type with its fields.
#[derive(Debug, Deserialize)]
pub struct CustomObjectType {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub name_plural: Option<String>,
    #[serde(default)]
    pub fields: Vec<CustomField>,
}

/// An Advanced Filtering page.
#[derive(Debug, Deserialize)]
pub struct SearchPage {
    pub data: Vec<Value>,
    #[serde(default)]
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Pipeline {
    pub id: String,
    pub name: String,
    pub statuses: Vec<Status>,
}

#[derive(Debug, Deserialize)]
pub struct Status {
    pub id: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Deserialize)]
pub struct User {
    pub id: String,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}
