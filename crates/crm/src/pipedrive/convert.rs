//! Pipedrive objects -> the canonical model. The only bridge between `wire` and `bridge_model`.

use bridge_model::{Fields, ObjectType, field};
use serde_json::{Value, json};

use crate::{Pulled, RecordError, parse_time, write};

/// The collection of each canonical type.
pub fn collection(object_type: ObjectType) -> Option<&'static str> {
    match object_type {
        ObjectType::Company => Some("organizations"),
        ObjectType::Person => Some("persons"),
        ObjectType::Deal => Some("deals"),
        ObjectType::Activity => Some("notes"),
        ObjectType::Lead => None,
    }
}

/// The field name of a v1 field list (`personFields`, ...).
pub fn fields_path(object_type: ObjectType) -> Option<&'static str> {
    match object_type {
        ObjectType::Company => Some("organizationFields"),
        ObjectType::Person => Some("personFields"),
        ObjectType::Deal => Some("dealFields"),
        ObjectType::Activity => Some("noteFields"),
        ObjectType::Lead => None,
    }
}

/// A custom field's key: 40 hex characters.
pub fn is_custom_key(key: &str) -> bool {
    key.len() == 40 && key.bytes().all(|b| b.is_ascii_hexdigit())
}

/// An id that may be a v2 integer or a v1 `{"value": id}` object.
fn id_of(value: &Value) -> Option<Value> {
    match value {
        Value::Number(n) => Some(json!(n.to_string())),
        Value::Object(o) => o.get("value").and_then(id_of),
        _ => None,
    }
}

fn first_value(list: &Value) -> Option<Value> {
    let items = list.as_array()?;
    items
        .iter()
        .find(|i| i["primary"] == true)
        .or_else(|| items.first())
        .and_then(|i| i["value"].as_str())
        .filter(|s| !s.is_empty())
        .map(|s| json!(s))
}

fn text(raw: &Value, key: &str) -> Option<Value> {
    raw.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(|s| json!(s))
}

pub fn pulled(object_type: ObjectType, id: i64, update_time: Option<&str>, raw: Value) -> Pulled {
    let mut fields = Fields::new();
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(v) = value.filter(|v| !v.is_null()) {
            fields.insert(key.to_owned(), v);
        }
    };
    match object_type {
        ObjectType::Person => {
            put(field::NAME, text(&raw, "name"));
            put(field::FIRST_NAME, text(&raw, "first_name"));
            put(field::LAST_NAME, text(&raw, "last_name"));
            put(
                field::EMAIL,
                first_value(&raw["emails"]).or_else(|| first_value(&raw["email"])),
            );
            put(
                field::PHONE,
                first_value(&raw["phones"]).or_else(|| first_value(&raw["phone"])),
            );
            put(field::TITLE, text(&raw, "job_title"));
            put("company_id", id_of(&raw["org_id"]));
            put("owner_id", id_of(&raw["owner_id"]));
        }
        ObjectType::Company => {
            put(field::NAME, text(&raw, "name"));
            put(
                "city",
                raw["address"]["locality"].as_str().map(|s| json!(s)),
            );
            put(
                "country",
                raw["address"]["country"].as_str().map(|s| json!(s)),
            );
            put("owner_id", id_of(&raw["owner_id"]));
        }
        ObjectType::Deal => {
            put(field::NAME, text(&raw, "title"));
            put("amount", raw.get("value").cloned());
            put("currency", text(&raw, "currency"));
            put("pipeline_id", id_of(&raw["pipeline_id"]));
            // Won and lost are deal statuses in Pipedrive; they read as the pseudo-stages `won`/`lost`.
            let stage = match raw["status"].as_str() {
                Some(s @ ("won" | "lost")) => Some(json!(s)),
                _ => id_of(&raw["stage_id"]),
            };
            put("stage_id", stage);
            put("close_date", text(&raw, "expected_close_date"));
            put("company_id", id_of(&raw["org_id"]));
            put("person_id", id_of(&raw["person_id"]));
            put(
                "owner_id",
                id_of(&raw["owner_id"]).or_else(|| id_of(&raw["user_id"])),
            );
        }
        ObjectType::Activity => {
            put("kind", Some(json!("note")));
            put("body", text(&raw, "content"));
            put("company_id", id_of(&raw["org_id"]));
            put("person_id", id_of(&raw["person_id"]));
            put("deal_id", id_of(&raw["deal_id"]));
            put("owner_id", id_of(&raw["user_id"]));
        }
        ObjectType::Lead => {}
    }
    put("created_at", text(&raw, "add_time"));
    // Custom fields: v2 nests them, v1 puts the hashes at the root.
    let custom: Vec<(String, Value)> = match raw.get("custom_fields").and_then(Value::as_object) {
        Some(map) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        None => raw
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(k, _)| is_custom_key(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    };
    if !custom.is_empty() {
        put("custom", Some(Value::Object(custom.into_iter().collect())));
    }
    Pulled {
        object_type,
        remote_id: id.to_string(),
        fields,
        modified_at: update_time.and_then(parse_time),
        raw,
    }
}

/// (Pipedrive key, canonical field) for writes: v2 keys for persons, organizations and deals, v1 for
/// notes. Keys starting with `_` are regrouped by `input`.
pub fn table(object_type: ObjectType) -> &'static [(&'static str, &'static str)] {
    match object_type {
        ObjectType::Person => &[
            ("name", field::NAME),
            ("first_name", field::FIRST_NAME),
            ("last_name", field::LAST_NAME),
            ("emails", field::EMAIL),
            ("phones", field::PHONE),
            ("job_title", field::TITLE),
            ("org_id", "company_id"),
            ("owner_id", "owner_id"),
        ],
        ObjectType::Company => &[
            ("name", field::NAME),
            ("_locality", "city"),
            ("_country", "country"),
            ("owner_id", "owner_id"),
        ],
        ObjectType::Deal => &[
            ("title", field::NAME),
            ("value", "amount"),
            ("currency", "currency"),
            ("pipeline_id", "pipeline_id"),
            ("stage_id", "stage_id"),
            ("expected_close_date", "close_date"),
            ("org_id", "company_id"),
            ("person_id", "person_id"),
            ("owner_id", "owner_id"),
        ],
        ObjectType::Activity => &[
            ("content", "body"),
            ("org_id", "company_id"),
            ("person_id", "person_id"),
            ("deal_id", "deal_id"),
            ("user_id", "owner_id"),
        ],
        ObjectType::Lead => &[],
    }
}

pub fn what(object_type: ObjectType) -> String {
    format!("Pipedrive {}", collection(object_type).unwrap_or("objects"))
}

/// Keys that hold another record's numeric id.
const ID_KEYS: &[&str] = &[
    "org_id",
    "person_id",
    "deal_id",
    "owner_id",
    "user_id",
    "pipeline_id",
    "stage_id",
];

/// Canonical fields -> a Pipedrive body: lists of e-mails and phones, numeric ids (v2 does not
/// coerce strings), won/lost as the deal status, the address as an object, custom fields nested for
/// v2 and flat for v1 notes.
pub fn input(object_type: ObjectType, fields: &Fields) -> Result<Value, RecordError> {
    let v1 = object_type == ObjectType::Activity;
    let mut custom = serde_json::Map::new();
    let mut body = write::to_wire(&what(object_type), fields, table(object_type), |k| {
        format!("_custom.{k}")
    })?;
    for key in body.keys().cloned().collect::<Vec<_>>() {
        if let Some(hash) = key.strip_prefix("_custom.") {
            let value = body.remove(&key).unwrap_or_default();
            if v1 {
                body.insert(hash.to_owned(), value);
            } else {
                custom.insert(hash.to_owned(), value);
            }
        }
    }
    if !custom.is_empty() {
        body.insert("custom_fields".into(), Value::Object(custom));
    }
    if object_type == ObjectType::Person {
        // v2 sets a person's name as `name` only (its AddPersonRequest and UpdatePersonRequest have no
        // first_name or last_name; Pipedrive derives them): the parts become the whole name.
        let parts: Vec<String> = ["first_name", "last_name"]
            .iter()
            .filter_map(|k| body.remove(*k))
            .filter_map(|v| v.as_str().map(|s| s.trim().to_owned()))
            .filter(|s| !s.is_empty())
            .collect();
        if !body.contains_key("name") && !parts.is_empty() {
            body.insert("name".into(), Value::String(parts.join(" ")));
        }
    }
    // A blank value clears the list (an undo restoring "no e-mail"); Pipedrive refuses an empty address.
    for (key, label) in [("emails", "work"), ("phones", "work")] {
        if let Some(value) = body.remove(key) {
            let list = if crate::write::is_blank(&value) {
                json!([])
            } else {
                json!([{ "value": value, "primary": true, "label": label }])
            };
            body.insert(key.into(), list);
        }
    }
    if let Some(stage) = body.get("stage_id").and_then(Value::as_str)
        && matches!(stage, "won" | "lost")
    {
        let status = stage.to_owned();
        body.remove("stage_id");
        body.insert("status".into(), json!(status));
    }
    for key in ID_KEYS {
        let Some(value) = body.get(*key).filter(|v| !v.is_null() && !v.is_i64()) else {
            continue;
        };
        let Some(n) = value.as_str().and_then(|s| s.trim().parse::<i64>().ok()) else {
            return Err(RecordError::validation(
                Some(&write::canonical_field(table(object_type), key)),
                format!("`{value}` is not a Pipedrive id (a whole number)"),
            ));
        };
        body.insert((*key).to_owned(), json!(n));
    }
    let (locality, country) = (body.remove("_locality"), body.remove("_country"));
    if locality.is_some() || country.is_some() {
        body.insert(
            "address".into(),
            json!({ "locality": locality, "country": country }),
        );
    }
    Ok(Value::Object(body))
}
