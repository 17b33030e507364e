//! Pipedrive objects -> the canonical model. The only bridge between `wire` and `bridge_model`.

use bridge_model::{ActivityKind, Fields, ObjectType, activity_field as af, field};
use serde_json::{Value, json};

use crate::{Pulled, RecordError, parse_time, write};

/// The collection of each canonical type.
pub fn collection(object_type: ObjectType) -> Option<&'static str> {
    match object_type {
        ObjectType::Company => Some("organizations"),
        ObjectType::Person => Some("persons"),
        ObjectType::Deal => Some("deals"),
        ObjectType::Activity => Some("notes"),
        ObjectType::Lead | ObjectType::Custom(_) => None,
    }
}

/// The field name of a v1 field list (`personFields`, ...).
pub fn fields_path(object_type: ObjectType) -> Option<&'static str> {
    match object_type {
        ObjectType::Company => Some("organizationFields"),
        ObjectType::Person => Some("personFields"),
        ObjectType::Deal => Some("dealFields"),
        ObjectType::Activity => Some("noteFields"),
        ObjectType::Lead | ObjectType::Custom(_) => None,
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
            put(
                af::OCCURRED_AT,
                raw["add_time"].as_str().and_then(v1_time).map(|t| json!(t)),
            );
            put("company_id", id_of(&raw["org_id"]));
            put("person_id", id_of(&raw["person_id"]));
            put("deal_id", id_of(&raw["deal_id"]));
            put("owner_id", id_of(&raw["user_id"]));
        }
        ObjectType::Lead | ObjectType::Custom(_) => {}
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
        // Every field a note or an activity takes (what the client writes).
        ObjectType::Activity => &[
            ("content", af::BODY),
            ("subject", af::SUBJECT),
            ("due_date", af::OCCURRED_AT),
            ("_ends_at", af::ENDS_AT),
            ("duration", af::DURATION_S),
            ("done", af::DONE),
            ("org_id", "company_id"),
            ("person_id", "person_id"),
            ("deal_id", "deal_id"),
            ("user_id", "owner_id"),
        ],
        ObjectType::Lead | ObjectType::Custom(_) => &[],
    }
}

/// A note's keys (v1): its time is `add_time`, which Pipedrive takes on create.
const NOTE_TABLE: &[(&str, &str)] = &[
    ("content", af::BODY),
    ("add_time", af::OCCURRED_AT),
    ("org_id", "company_id"),
    ("person_id", "person_id"),
    ("deal_id", "deal_id"),
    ("user_id", "owner_id"),
];

/// An activity's keys (v2). Keys starting with `_` are regrouped by `activity_input`.
const ACTIVITY_TABLE: &[(&str, &str)] = &[
    ("subject", af::SUBJECT),
    ("note", af::BODY),
    ("_occurred_at", af::OCCURRED_AT),
    ("_ends_at", af::ENDS_AT),
    ("_duration_s", af::DURATION_S),
    ("done", af::DONE),
    ("org_id", "company_id"),
    ("person_id", "person_id"),
    ("deal_id", "deal_id"),
    ("owner_id", "owner_id"),
];

/// Pipedrive keeps notes and activities (calls, meetings, tasks, e-mails) apart, each with its own
/// ids: an activity is kept as `activities/123`.
pub const ACTIVITIES: &str = "activities";

pub fn activity_remote_id(id: i64) -> String {
    format!("{ACTIVITIES}/{id}")
}

/// Pipedrive's id of an activity kept as `activities/123` (None: the id is a note's).
pub fn activity_id(remote_id: &str) -> Option<&str> {
    remote_id
        .strip_prefix(ACTIVITIES)
        .and_then(|r| r.strip_prefix('/'))
}

/// `YYYY-MM-DD HH:MM:SS` (v1, UTC) as RFC 3339.
fn v1_time(text: &str) -> Option<String> {
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .ok()
        .map(|t| {
            t.and_utc()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        })
        .or_else(|| parse_time(text).map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)))
}

/// Minutes in Pipedrive's `HH:MM`.
fn hh_mm_minutes(text: &str) -> Option<i64> {
    let (h, m) = text.trim().split_once(':')?;
    Some(h.parse::<i64>().ok()? * 60 + m.parse::<i64>().ok()?)
}

/// An activity (v2) -> canonical fields: its type as the kind (deadlines and lunches are tasks), the
/// due date and time as when it happens, its duration as a call's length or a meeting's end.
pub fn activity_pulled(id: i64, update_time: Option<&str>, raw: Value) -> Pulled {
    let mut fields = Fields::new();
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(v) = value.filter(|v| !v.is_null()) {
            fields.insert(key.to_owned(), v);
        }
    };
    let kind = match raw["type"].as_str() {
        Some("call") => ActivityKind::Call,
        Some("meeting") => ActivityKind::Meeting,
        Some("email") => ActivityKind::Email,
        _ => ActivityKind::Task,
    };
    put(af::KIND, Some(json!(kind.as_str())));
    put(af::SUBJECT, text(&raw, "subject"));
    put(af::BODY, text(&raw, "note"));
    let start = raw["due_date"].as_str().map(|date| {
        let time = raw["due_time"].as_str().filter(|t| !t.is_empty());
        match time {
            Some(t) => format!("{date}T{t}:00Z"),
            None => date.to_owned(),
        }
    });
    let minutes = raw["duration"].as_str().and_then(hh_mm_minutes);
    match (kind, minutes) {
        (ActivityKind::Call, Some(m)) => put(af::DURATION_S, Some(json!(m * 60))),
        (ActivityKind::Meeting, Some(m)) => {
            let end = start
                .as_deref()
                .and_then(parse_time)
                .map(|s| s + chrono::Duration::minutes(m));
            put(
                af::ENDS_AT,
                end.map(|e| json!(e.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))),
            );
        }
        _ => {}
    }
    put(af::OCCURRED_AT, start.map(|s| json!(s)));
    put(af::DONE, raw.get("done").cloned());
    put("company_id", id_of(&raw["org_id"]));
    put("person_id", id_of(&raw["person_id"]));
    put("deal_id", id_of(&raw["deal_id"]));
    put("owner_id", id_of(&raw["owner_id"]));
    put("created_at", text(&raw, "add_time"));
    Pulled {
        object_type: ObjectType::Activity,
        remote_id: activity_remote_id(id),
        fields,
        modified_at: update_time.and_then(parse_time),
        raw,
    }
}

/// Canonical fields -> a v2 activity body: the kind as its type (on create), when it happens as
/// `due_date` and `due_time` (UTC), a call's length or a meeting's span as `duration`.
pub fn activity_input(fields: &Fields, creating: bool) -> Result<Value, RecordError> {
    let kind = ActivityKind::of(fields);
    let mut body = write::to_wire("Pipedrive activities", fields, ACTIVITY_TABLE, |k| {
        format!("_custom.{k}")
    })?;
    if body.keys().any(|k| k.starts_with("_custom.")) {
        return Err(RecordError::validation(
            Some(crate::CUSTOM),
            "Pipedrive activities take no custom fields here",
        ));
    }
    if creating {
        let kind_type = match kind {
            ActivityKind::Call => "call",
            ActivityKind::Meeting => "meeting",
            ActivityKind::Email => "email",
            ActivityKind::Task | ActivityKind::Note => "task",
        };
        body.insert("type".into(), json!(kind_type));
    }
    let start = body.remove("_occurred_at");
    let start_time = start.as_ref().and_then(Value::as_str).and_then(parse_time);
    if let Some(start) = &start {
        let text = start.as_str().unwrap_or_default();
        match parse_time(text) {
            Some(t) => {
                body.insert("due_date".into(), json!(t.format("%Y-%m-%d").to_string()));
                body.insert("due_time".into(), json!(t.format("%H:%M").to_string()));
            }
            None if chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok() => {
                body.insert("due_date".into(), json!(text));
            }
            None if write::is_blank(start) => {
                body.insert("due_date".into(), Value::Null);
            }
            None => {
                return Err(RecordError::validation(
                    Some(af::OCCURRED_AT),
                    format!("`{text}` is not a date or a date and time"),
                ));
            }
        }
    }
    let end = body
        .remove("_ends_at")
        .as_ref()
        .and_then(Value::as_str)
        .and_then(parse_time);
    let seconds = body.remove("_duration_s").and_then(|v| {
        v.as_i64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
    });
    let minutes = match (seconds, start_time, end) {
        (Some(s), _, _) => Some((s + 59) / 60),
        (None, Some(start), Some(end)) => Some((end - start).num_minutes()),
        _ => None,
    };
    if let Some(m) = minutes.filter(|m| *m >= 0) {
        body.insert(
            "duration".into(),
            json!(format!("{:02}:{:02}", m / 60, m % 60)),
        );
    }
    numeric_ids(&mut body, ACTIVITY_TABLE)?;
    Ok(Value::Object(body))
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
    let keys = if v1 { NOTE_TABLE } else { table(object_type) };
    let mut custom = serde_json::Map::new();
    let mut body = write::to_wire(&what(object_type), fields, keys, |k| format!("_custom.{k}"))?;
    if let Some(t) = body
        .get("add_time")
        .and_then(Value::as_str)
        .and_then(parse_time)
    {
        body.insert(
            "add_time".into(),
            json!(t.format("%Y-%m-%d %H:%M:%S").to_string()),
        );
    }
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
    numeric_ids(&mut body, keys)?;
    let (locality, country) = (body.remove("_locality"), body.remove("_country"));
    if locality.is_some() || country.is_some() {
        body.insert(
            "address".into(),
            json!({ "locality": locality, "country": country }),
        );
    }
    Ok(Value::Object(body))
}

/// The keys holding another record's id as whole numbers (v2 does not coerce strings).
fn numeric_ids(
    body: &mut serde_json::Map<String, Value>,
    keys: &[(&str, &str)],
) -> Result<(), RecordError> {
    for key in ID_KEYS {
        let Some(value) = body.get(*key).filter(|v| !v.is_null() && !v.is_i64()) else {
            continue;
        };
        let Some(n) = value.as_str().and_then(|s| s.trim().parse::<i64>().ok()) else {
            return Err(RecordError::validation(
                Some(&write::canonical_field(keys, key)),
                format!("`{value}` is not a Pipedrive id (a whole number)"),
            ));
        };
        body.insert((*key).to_owned(), json!(n));
    }
    Ok(())
}
