//! The small, fixed objects clients read with SOQL to map owners and stages: `User` and `OpportunityStage`.

use serde_json::{Value, json};

use super::render;
use crate::{
    Provider,
    seed::{self, STAGES, StageKind},
    table::Props,
};

const USER_FIELDS: &[&str] = &[
    "Id",
    "Name",
    "FirstName",
    "LastName",
    "Email",
    "IsActive",
    "Username",
];
const STAGE_FIELDS: &[&str] = &[
    "Id",
    "ApiName",
    "MasterLabel",
    "IsActive",
    "IsClosed",
    "IsWon",
    "DefaultProbability",
    "SortOrder",
];

/// The rows and field names of a directory object, if `sobject` is one.
pub fn rows(sobject: &str) -> Option<(Vec<Props>, &'static [&'static str])> {
    let to_props = |v: Value| v.as_object().cloned().unwrap_or_default();
    if sobject.eq_ignore_ascii_case("User") {
        let users = (0..seed::owner_count(Provider::Salesforce))
            .map(|i| {
                let (first, last) = seed::OWNERS[i as usize];
                to_props(json!({
                    "Id": render::user_id(i), "Name": format!("{first} {last}"), "FirstName": first, "LastName": last,
                    "Email": seed::owner_email(i), "IsActive": true, "Username": seed::owner_email(i),
                }))
            })
            .collect();
        return Some((users, USER_FIELDS));
    }
    if sobject.eq_ignore_ascii_case("OpportunityStage") {
        let stages = STAGES
            .iter()
            .enumerate()
            .map(|(i, (label, probability, kind))| {
                to_props(json!({
                    "Id": format!("01J5e{:010}AAA", i + 1), "ApiName": label, "MasterLabel": label, "IsActive": true,
                    "IsClosed": *kind != StageKind::Open, "IsWon": *kind == StageKind::Won,
                    "DefaultProbability": probability, "SortOrder": i + 1,
                }))
            })
            .collect();
        return Some((stages, STAGE_FIELDS));
    }
    None
}

/// A directory object's record: `attributes` and the fields asked for.
pub fn record(sobject: &str, props: &Props, fields: &[String]) -> Value {
    let id = props.get("Id").and_then(Value::as_str).unwrap_or_default();
    let mut out = serde_json::Map::new();
    out.insert(
        "attributes".into(),
        json!({"type": sobject, "url": format!("/services/data/{}/sobjects/{sobject}/{id}", render::API_VERSION)}),
    );
    for f in fields {
        let (key, value) = props
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(f))
            .map(|(k, v)| (k.clone(), v.clone()))
            .unwrap_or((f.clone(), Value::Null));
        out.insert(key, value);
    }
    Value::Object(out)
}
