//! Pipedrive's JSON (v1 and v2). Private to the Pipedrive module.

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
pub struct Envelope<T> {
    pub data: Option<T>,
}

#[derive(Debug, Deserialize)]
pub struct Object {
    pub id: i64,
    #[serde(default)]
    pub update_time: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct User {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub company_id: Option<i64>,
    #[serde(default)]
    pub company_name: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Field {
    pub key: String,
    pub name: String,
    pub field_type: String,
    #[serde(default)]
    pub mandatory_flag: Option<Value>,
    #[serde(default)]
    pub options: Option<Vec<FieldOption>>,
}

#[derive(Debug, Deserialize)]
pub struct FieldOption {
    pub label: String,
}

#[derive(Debug, Deserialize)]
pub struct Pipeline {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Deserialize)]
pub struct Stage {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub order_nr: i64,
    #[serde(default)]
    pub deal_probability: Option<f64>,
}

/// `GET /v2/{collection}/search`: `data.items[].item`.
#[derive(Debug, Deserialize)]
pub struct SearchData {
    #[serde(default)]
    pub items: Vec<SearchItem>,
}

#[derive(Debug, Deserialize)]
pub struct SearchItem {
    pub item: Object,
}
