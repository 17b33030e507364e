//! The small, fixed objects clients read with SOQL: `User` and `OpportunityStage` to map owners and
//! stages; `Profile` and `PermissionSet` to grant a created field's access (field-level security).

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
    "ProfileId",
];
const PROFILE_FIELDS: &[&str] = &["Id", "Name"];
const PERMISSION_SET_FIELDS: &[&str] = &["Id", "Name", "Label", "IsOwnedByProfile", "ProfileId"];

/// The profiles: the first owner (the user the API signs in as) is an administrator, the others
/// standard users. (id, name, id of the permission set the profile owns)
pub const PROFILES: [(&str, &str, &str); 2] = [
    (
        "00e5e00000ADMINAAA",
        "System Administrator",
        "0PS5e00000ADMINAAA",
    ),
    ("00e5e00000STDUSAAA", "Standard User", "0PS5e00000STDUSAAA"),
];

/// The id of the user the API signs in as (`/services/oauth2/userinfo`, the token's `id`).
pub fn running_user() -> String {
    render::user_id(0)
}

/// The permission set owned by the running user's profile: what it may see is what the API sees.
pub fn running_permission_set() -> &'static str {
    PROFILES[0].2
}
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

/// A directory object: its name as Salesforce spells it, its rows and its field names.
pub struct Directory {
    pub sobject: &'static str,
    pub rows: Vec<Props>,
    pub fields: &'static [&'static str],
}

/// The directory object `sobject` names, if it is one.
pub fn rows(sobject: &str) -> Option<Directory> {
    let to_props = |v: Value| v.as_object().cloned().unwrap_or_default();
    let directory = |sobject, rows, fields| {
        Some(Directory {
            sobject,
            rows,
            fields,
        })
    };
    if sobject.eq_ignore_ascii_case("Profile") {
        let profiles = PROFILES
            .iter()
            .map(|(id, name, _)| to_props(json!({"Id": id, "Name": name})))
            .collect();
        return directory("Profile", profiles, PROFILE_FIELDS);
    }
    if sobject.eq_ignore_ascii_case("PermissionSet") {
        let sets = PROFILES
            .iter()
            .map(|(profile, name, id)| {
                to_props(json!({
                    "Id": id, "Name": format!("X00e{}", &profile[3..15]), "Label": name,
                    "IsOwnedByProfile": true, "ProfileId": profile,
                }))
            })
            .collect();
        return directory("PermissionSet", sets, PERMISSION_SET_FIELDS);
    }
    if sobject.eq_ignore_ascii_case("User") {
        let users = (0..seed::owner_count(Provider::Salesforce))
            .map(|i| {
                let (first, last) = seed::OWNERS[i as usize];
                to_props(json!({
                    "Id": render::user_id(i), "Name": format!("{first} {last}"), "FirstName": first, "LastName": last,
                    "Email": seed::owner_email(i), "IsActive": true, "Username": seed::owner_email(i),
                    "ProfileId": PROFILES[usize::from(i != 0)].0,
                }))
            })
            .collect();
        return directory("User", users, USER_FIELDS);
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
        return directory("OpportunityStage", stages, STAGE_FIELDS);
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
