//! Pipedrive collections in v1 and v2, person merge, fields, pipelines, stages, users.

use std::{collections::HashMap, sync::Arc};

use axum::{
    Json,
    body::Bytes,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use base64::Engine;
use serde_json::{Map, Value, json};

use super::{Pipedrive, Refused, error, kind_of, render};
use crate::{
    Emulator, now_ms,
    seed::{self, Kind},
    table::Props,
};

const MAX_LIMIT: usize = 500;
const CUSTOM_KEY_LEN: usize = 40;

fn noun(kind: Kind) -> &'static str {
    match kind {
        Kind::Lead | Kind::Call | Kind::Email | Kind::Meeting | Kind::Invoice => {
            unreachable!("no table of this kind in this CRM")
        }
        Kind::Task => "Activity",
        Kind::Person => "Person",
        Kind::Company => "Organization",
        Kind::Deal => "Deal",
        Kind::Note => "Note",
    }
}

fn not_found(kind: Kind) -> Response {
    error(StatusCode::NOT_FOUND, format!("{} not found", noun(kind)))
}

fn unknown(collection: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        format!("Unknown method {collection}"),
    )
}

fn v1_of(pd: &mut Pipedrive, kind: Kind, props: &Props) -> Value {
    let orgs = pd.table(Kind::Company);
    render::v1(kind, props, |id| {
        orgs.get(id as u64)
            .and_then(|o| o.get("name").and_then(Value::as_str).map(str::to_owned))
    })
}

pub(crate) fn ok(data: Value) -> Response {
    Json(json!({"success": true, "data": data})).into_response()
}

fn parse_limit(q: &HashMap<String, String>) -> Result<usize, Refused> {
    match q.get("limit").map(|l| l.parse::<usize>()) {
        None => Ok(100),
        Some(Ok(n)) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(Refused(
            StatusCode::BAD_REQUEST,
            format!("limit must be a number from 1 to {MAX_LIMIT}"),
        )),
    }
}

pub async fn v1_list(
    State(emu): State<Arc<Emulator>>,
    Path(collection): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Some(object) = collection.strip_suffix("Fields") {
        return fields(&emu, object);
    }
    let Some(kind) = kind_of(&collection) else {
        return unknown(&collection);
    };
    let limit = match parse_limit(&q) {
        Ok(l) => l,
        Err(r) => return r.into_response(),
    };
    let start = q
        .get("start")
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(0);
    let mut pd = emu.pipedrive();
    let table = pd.table(kind);
    let ids: Vec<u64> = table.live_ids().skip(start).take(limit + 1).collect();
    let more = ids.len() > limit;
    let mut data = Vec::new();
    for &id in ids.iter().take(limit) {
        if let Some(props) = pd.table(kind).get(id) {
            data.push(v1_of(&mut pd, kind, &props));
        }
    }
    let mut pagination = json!({"start": start, "limit": limit, "more_items_in_collection": more});
    if more {
        pagination["next_start"] = json!(start + limit);
    }
    Json(json!({"success": true, "data": data, "additional_data": {"pagination": pagination}}))
        .into_response()
}

/// v2 cursors are opaque: base64 of the last (sort key, id) of the previous page.
fn encode_cursor(key: i64, id: u64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{key}:{id}"))
}

fn decode_cursor(cursor: &str) -> Option<(i64, u64)> {
    let text = String::from_utf8(
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(cursor)
            .ok()?,
    )
    .ok()?;
    let (key, id) = text.split_once(':')?;
    Some((key.parse().ok()?, id.parse().ok()?))
}

fn rfc3339_ms(text: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.timestamp_millis())
}

pub async fn v2_list(
    State(emu): State<Arc<Emulator>>,
    Path(collection): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(kind) = kind_of(&collection).filter(|k| *k != Kind::Note) else {
        return unknown(&collection);
    };
    let limit = match parse_limit(&q) {
        Ok(l) => l,
        Err(r) => return r.into_response(),
    };
    let bound = |name: &str| match q.get(name) {
        None => Ok(None),
        Some(v) => rfc3339_ms(v).map(Some).ok_or_else(|| {
            Refused(
                StatusCode::BAD_REQUEST,
                format!("{name} must be an RFC 3339 date-time"),
            )
        }),
    };
    let (since, until) = match (bound("updated_since"), bound("updated_until")) {
        (Ok(s), Ok(u)) => (s, u),
        (Err(r), _) | (_, Err(r)) => return r.into_response(),
    };
    let by_update = match q.get("sort_by").map(String::as_str) {
        None | Some("id") => false,
        Some("update_time") => true,
        Some(other) => {
            return error(
                StatusCode::BAD_REQUEST,
                format!("sort_by `{other}` is not supported; id or update_time"),
            );
        }
    };
    let descending = q.get("sort_direction").map(String::as_str) == Some("desc");
    let after = match q.get("cursor").map(|c| decode_cursor(c)) {
        None => None,
        Some(Some(c)) => Some(c),
        Some(None) => return error(StatusCode::BAD_REQUEST, "Invalid cursor"),
    };
    let mut pd = emu.pipedrive();
    let table = pd.table(kind);
    // (sort key, id) of every live record in the window: updated_since inclusive, updated_until exclusive.
    let in_window = |m: i64| since.is_none_or(|s| m >= s) && until.is_none_or(|u| m < u);
    // Ascending by update time (how incremental pulls read): seek to the cursor instead of scanning.
    if by_update && !descending {
        let from = after.unwrap_or((since.map_or(i64::MIN, |s| s - 1), u64::MAX));
        let mut page = table.modified_after(from, limit + 1);
        page.retain(|&(m, _)| in_window(m));
        let more = page.len() > limit;
        page.truncate(limit);
        let next = more
            .then(|| page.last().map(|&(k, id)| encode_cursor(k, id)))
            .flatten();
        let data: Vec<Value> = page
            .iter()
            .filter_map(|&(_, id)| pd.table(kind).get(id).map(Value::Object))
            .collect();
        return Json(
            json!({"success": true, "data": data, "additional_data": {"next_cursor": next}}),
        )
        .into_response();
    }
    let mut keyed: Vec<(i64, u64)> = if by_update {
        let mut out = Vec::new();
        let mut cursor = (i64::MIN, 0);
        loop {
            let chunk = table.modified_after(cursor, 10_000);
            let Some(&last) = chunk.last() else { break };
            cursor = last;
            out.extend(chunk.into_iter().filter(|&(m, _)| in_window(m)));
        }
        out
    } else {
        table
            .live_ids()
            .filter(|&id| table.modified_ms(id).is_some_and(in_window))
            .map(|id| (id as i64, id))
            .collect()
    };
    if descending {
        keyed.reverse();
    }
    let start = match after {
        None => 0,
        Some(c) => keyed
            .iter()
            .position(|&k| k == c)
            .map_or(keyed.len(), |p| p + 1),
    };
    let page: Vec<(i64, u64)> = keyed.iter().skip(start).take(limit).copied().collect();
    let next = (start + limit < keyed.len())
        .then(|| page.last().map(|&(k, id)| encode_cursor(k, id)))
        .flatten();
    let data: Vec<Value> = page
        .iter()
        .filter_map(|&(_, id)| pd.table(kind).get(id).map(Value::Object))
        .collect();
    Json(json!({"success": true, "data": data, "additional_data": {"next_cursor": next}}))
        .into_response()
}

fn read_one(pd: &mut Pipedrive, kind: Kind, id: &str) -> Option<(u64, Props)> {
    let n = id.parse::<u64>().ok()?;
    pd.table(kind).get(n).map(|p| (n, p))
}

pub async fn v1_read(
    State(emu): State<Arc<Emulator>>,
    Path((collection, id)): Path<(String, String)>,
) -> Response {
    let Some(kind) = kind_of(&collection) else {
        return unknown(&collection);
    };
    let mut pd = emu.pipedrive();
    match read_one(&mut pd, kind, &id) {
        Some((_, props)) => ok(v1_of(&mut pd, kind, &props)),
        None => not_found(kind),
    }
}

pub async fn v2_read(
    State(emu): State<Arc<Emulator>>,
    Path((collection, id)): Path<(String, String)>,
) -> Response {
    let Some(kind) = kind_of(&collection) else {
        return unknown(&collection);
    };
    match read_one(&mut emu.pipedrive(), kind, &id) {
        Some((_, props)) => ok(Value::Object(props)),
        None => not_found(kind),
    }
}

fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.contains('@')
        && !s.contains(char::is_whitespace)
}

/// v1 `email`/`phone` take a string, a list of strings or a list of `{value, label, primary}`.
fn contact_list(value: &Value) -> Value {
    let item = |v: &Value, primary: bool| match v {
        Value::String(s) => json!({"value": s, "label": "work", "primary": primary}),
        other => other.clone(),
    };
    match value {
        Value::Array(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| item(v, i == 0))
                .collect(),
        ),
        Value::Null => json!([]),
        other => json!([item(other, true)]),
    }
}

/// The stored (v2) shape of what a v1 or v2 write sent.
fn to_stored(kind: Kind, body: Map<String, Value>, v1: bool) -> Result<Props, Refused> {
    let mut out = Props::new();
    let mut custom = Map::new();
    for (key, value) in body {
        let key = match key.as_str() {
            "email" if v1 => "emails".to_owned(),
            "phone" if v1 => "phones".to_owned(),
            "user_id" if v1 && kind == Kind::Deal => "owner_id".to_owned(),
            _ => key,
        };
        if !v1 && kind == Kind::Person && (key == "first_name" || key == "last_name") {
            // v2's AddPersonRequest and UpdatePersonRequest have `name` only; the parts are derived.
            return Err(Refused(
                StatusCode::BAD_REQUEST,
                format!(
                    "Parameter '{key}' is not allowed for this request; a person's name is set with 'name'"
                ),
            ));
        }
        if key.len() == CUSTOM_KEY_LEN && key.bytes().all(|b| b.is_ascii_hexdigit()) {
            custom.insert(key, value);
        } else if key == "custom_fields" {
            custom.extend(value.as_object().cloned().unwrap_or_default());
        } else if key == "emails" || key == "phones" {
            out.insert(key, contact_list(&value));
        } else {
            out.insert(key, value);
        }
    }
    for e in out
        .get("emails")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let address = e.get("value").and_then(Value::as_str).unwrap_or_default();
        if !looks_like_email(address) {
            return Err(Refused(
                StatusCode::BAD_REQUEST,
                format!("Invalid email address: {address}"),
            ));
        }
    }
    if kind == Kind::Task
        && let Err(refused) = check_activity(&out)
    {
        return Err(refused);
    }
    for key in [
        "org_id",
        "person_id",
        "owner_id",
        "stage_id",
        "pipeline_id",
        "deal_id",
    ] {
        if let Some(v) = out.get(key).filter(|v| !v.is_null())
            && v.as_i64().is_none()
        {
            // v2 does not coerce strings to numbers; v1 accepts numeric strings.
            match v.as_str().and_then(|s| s.parse::<i64>().ok()) {
                Some(n) if v1 => {
                    out.insert(key.into(), json!(n));
                }
                _ => {
                    return Err(Refused(
                        StatusCode::BAD_REQUEST,
                        format!("{key} must be an integer"),
                    ));
                }
            }
        }
    }
    if !custom.is_empty() {
        out.insert("custom_fields".into(), Value::Object(custom));
    }
    Ok(out)
}

/// The activity types of a new company account (`GET /v1/activityTypes` key strings).
const ACTIVITY_TYPES: [&str; 6] = ["call", "meeting", "task", "deadline", "email", "lunch"];

/// What Pipedrive checks of an activity: a known type, a date as YYYY-MM-DD, times as HH:MM.
fn check_activity(props: &Props) -> Result<(), Refused> {
    let bad = |message: String| Err(Refused(StatusCode::BAD_REQUEST, message));
    if let Some(t) = props.get("type").and_then(Value::as_str)
        && !ACTIVITY_TYPES.contains(&t)
    {
        return bad(format!(
            "Invalid activity type `{t}`; one of {}",
            ACTIVITY_TYPES.join(", ")
        ));
    }
    if let Some(d) = props.get("due_date").and_then(Value::as_str)
        && chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_err()
    {
        return bad(format!("due_date must be YYYY-MM-DD, not `{d}`"));
    }
    for key in ["due_time", "duration"] {
        if let Some(t) = props.get(key).and_then(Value::as_str)
            && !t.is_empty()
            && chrono::NaiveTime::parse_from_str(t, "%H:%M").is_err()
        {
            return bad(format!("{key} must be HH:MM, not `{t}`"));
        }
    }
    Ok(())
}

/// A note's `add_time` as given (v1: "YYYY-MM-DD HH:MM:SS", UTC) in the stored RFC 3339 shape.
fn added_at(text: &str) -> Option<String> {
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .ok()
        .map(|t| render::rfc3339(t.and_utc().timestamp_millis()))
}

fn stamp(props: &mut Props, id: u64, now: i64, created: bool) {
    props.insert("id".into(), json!(id));
    props.insert("update_time".into(), Value::String(render::rfc3339(now)));
    if created {
        props.insert("add_time".into(), Value::String(render::rfc3339(now)));
        props.entry("is_deleted").or_insert(json!(false));
    }
}

fn create(emu: &Emulator, collection: &str, body: &[u8], v1: bool) -> Response {
    let Some(kind) = kind_of(collection) else {
        return unknown(collection);
    };
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "The request body must be a JSON object",
        );
    };
    let mut props = match to_stored(kind, body, v1) {
        Ok(p) => p,
        Err(r) => return r.into_response(),
    };
    let named = |k: &str| {
        props
            .get(k)
            .and_then(Value::as_str)
            .is_some_and(|s| !s.trim().is_empty())
    };
    match kind {
        Kind::Person if !(named("name") || (named("first_name") && named("last_name"))) => {
            return error(
                StatusCode::BAD_REQUEST,
                "Person name is required (name, or first_name and last_name)",
            );
        }
        Kind::Company if !named("name") => {
            return error(StatusCode::BAD_REQUEST, "Organization name is required");
        }
        Kind::Deal if !named("title") => {
            return error(StatusCode::BAD_REQUEST, "Deal title is required");
        }
        _ => {}
    }
    if kind == Kind::Person && !named("name") {
        let full = format!(
            "{} {}",
            props
                .get("first_name")
                .and_then(Value::as_str)
                .unwrap_or_default(),
            props
                .get("last_name")
                .and_then(Value::as_str)
                .unwrap_or_default()
        );
        props.insert("name".into(), Value::String(full));
    }
    if kind == Kind::Person {
        name_parts(&mut props);
    }
    // A note may be dated (v1 `add_time`, "YYYY-MM-DD HH:MM:SS" UTC); every other record is dated now.
    let dated = match props.remove("add_time") {
        Some(Value::String(t)) if kind == Kind::Note => match added_at(&t) {
            Some(t) => Some(t),
            None => {
                return error(
                    StatusCode::BAD_REQUEST,
                    format!("add_time must be YYYY-MM-DD HH:MM:SS, not `{t}`"),
                );
            }
        },
        _ => None,
    };
    let now = now_ms();
    let mut pd = emu.pipedrive();
    let id = pd.table(kind).peek_next_id();
    stamp(&mut props, id, now, true);
    if let Some(t) = dated {
        props.insert("add_time".into(), Value::String(t));
    }
    pd.table(kind).create(props.clone(), now);
    let data = if v1 {
        v1_of(&mut pd, kind, &props)
    } else {
        Value::Object(props)
    };
    (
        StatusCode::CREATED,
        Json(json!({"success": true, "data": data})),
    )
        .into_response()
}

pub async fn v1_create(
    State(emu): State<Arc<Emulator>>,
    Path(collection): Path<String>,
    body: Bytes,
) -> Response {
    if let Some(object) = collection.strip_suffix("Fields") {
        return create_field(&emu, object, &body);
    }
    create(&emu, &collection, &body, true)
}

/// `POST /v1/{person,organization,deal}Fields`: a custom field with a new 40-hex key, answered as
/// the field list shows it. Pipedrive checks the name and the type; `enum` and `set` need options,
/// which get ids.
fn create_field(emu: &Emulator, object: &str, body: &[u8]) -> Response {
    if !matches!(object, "person" | "organization" | "deal") {
        return unknown(&format!("{object}Fields"));
    }
    let Ok(input) = serde_json::from_slice::<Value>(body) else {
        return error(StatusCode::BAD_REQUEST, "Invalid JSON");
    };
    let name = input["name"].as_str().unwrap_or_default().trim().to_owned();
    let field_type = input["field_type"].as_str().unwrap_or_default().to_owned();
    const TYPES: [&str; 16] = [
        "address",
        "date",
        "daterange",
        "double",
        "enum",
        "monetary",
        "org",
        "people",
        "phone",
        "set",
        "text",
        "time",
        "timerange",
        "user",
        "varchar",
        "varchar_auto",
    ];
    if name.is_empty() {
        return error(StatusCode::BAD_REQUEST, "Field name must be given");
    }
    if !TYPES.contains(&field_type.as_str()) {
        return error(
            StatusCode::BAD_REQUEST,
            format!("Field type must be one of: {}", TYPES.join(", ")),
        );
    }
    let options = input["options"].as_array().cloned().unwrap_or_default();
    if matches!(field_type.as_str(), "enum" | "set") && options.is_empty() {
        return error(
            StatusCode::BAD_REQUEST,
            "Options must be given for fields of type enum or set",
        );
    }
    let n = emu.created_fields(crate::Provider::Pipedrive, object).len() as u64;
    let key = format!(
        "{:016x}{:016x}{:08x}",
        crate::seed::mix(&[n, object.len() as u64, 11]),
        crate::seed::mix(&[n, 13]),
        n + 1
    );
    let options: Vec<Value> = options
        .iter()
        .enumerate()
        .map(|(i, o)| json!({"id": 100 + i, "label": o["label"]}))
        .collect();
    let field = field(
        9100 + n as i64,
        &key,
        &name,
        &field_type,
        (!options.is_empty()).then_some(Value::Array(options)),
        false,
    );
    emu.add_field(crate::Provider::Pipedrive, object, field.clone());
    ok(field)
}

pub async fn v2_create(
    State(emu): State<Arc<Emulator>>,
    Path(collection): Path<String>,
    body: Bytes,
) -> Response {
    create(&emu, &collection, &body, false)
}

/// A person's `first_name` and `last_name`, derived from `name` as Pipedrive does: the first word,
/// and the rest.
fn name_parts(props: &mut Props) {
    let name = props
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_owned();
    let (first, last) = name.split_once(' ').unwrap_or((name.as_str(), ""));
    props.insert("first_name".into(), Value::String(first.to_owned()));
    let last = last.trim();
    props.insert(
        "last_name".into(),
        if last.is_empty() {
            Value::Null
        } else {
            Value::String(last.to_owned())
        },
    );
}

fn update(emu: &Emulator, collection: &str, id: &str, body: &[u8], v1: bool) -> Response {
    let Some(kind) = kind_of(collection) else {
        return unknown(collection);
    };
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "The request body must be a JSON object",
        );
    };
    let changes = match to_stored(kind, body, v1) {
        Ok(c) => c,
        Err(r) => return r.into_response(),
    };
    let mut pd = emu.pipedrive();
    let Some((n, mut props)) = read_one(&mut pd, kind, id) else {
        return not_found(kind);
    };
    let renamed = kind == Kind::Person && changes.contains_key("name");
    for (key, value) in changes {
        if key == "custom_fields" {
            let merged = props.entry("custom_fields").or_insert_with(|| json!({}));
            if let (Some(old), Some(new)) = (merged.as_object_mut(), value.as_object()) {
                old.extend(new.clone());
            }
        } else if key == "add_time" && kind == Kind::Note {
            match value.as_str().and_then(added_at) {
                Some(t) => props.insert(key, Value::String(t)),
                None => {
                    return error(
                        StatusCode::BAD_REQUEST,
                        "add_time must be YYYY-MM-DD HH:MM:SS",
                    );
                }
            };
        } else if key != "id" && key != "add_time" {
            props.insert(key, value);
        }
    }
    if renamed {
        name_parts(&mut props);
    }
    let now = now_ms();
    stamp(&mut props, n, now, false);
    pd.table(kind).put(n, props.clone(), now);
    let data = if v1 {
        v1_of(&mut pd, kind, &props)
    } else {
        Value::Object(props)
    };
    ok(data)
}

pub async fn v1_update(
    State(emu): State<Arc<Emulator>>,
    Path((collection, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    update(&emu, &collection, &id, &body, true)
}

pub async fn v2_update(
    State(emu): State<Arc<Emulator>>,
    Path((collection, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    update(&emu, &collection, &id, &body, false)
}

pub async fn delete(
    State(emu): State<Arc<Emulator>>,
    Path((collection, id)): Path<(String, String)>,
) -> Response {
    let Some(kind) = kind_of(&collection) else {
        return unknown(&collection);
    };
    let mut pd = emu.pipedrive();
    match id.parse::<u64>() {
        Ok(n) if pd.table(kind).delete(n) => ok(json!({ "id": n })),
        _ => not_found(kind),
    }
}

/// `PUT /v1/{persons|organizations|deals}/{id}/merge {"merge_with_id"}`: `{id}` is removed; `merge_with_id`
/// survives, keeps its values, gains what it lacked, and inherits the removed record's related records.
pub async fn merge(
    State(emu): State<Arc<Emulator>>,
    Path((collection, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let Some(kind) =
        kind_of(&collection).filter(|k| matches!(k, Kind::Person | Kind::Company | Kind::Deal))
    else {
        return unknown(&collection);
    };
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let Some(survivor) = request["merge_with_id"].as_u64().or_else(|| {
        request["merge_with_id"]
            .as_str()
            .and_then(|s| s.parse().ok())
    }) else {
        return error(StatusCode::BAD_REQUEST, "merge_with_id is required");
    };
    let mut pd = emu.pipedrive();
    let (Some((removed, loser)), Some((_, mut props))) = (
        read_one(&mut pd, kind, &id),
        read_one(&mut pd, kind, &survivor.to_string()),
    ) else {
        return not_found(kind);
    };
    if removed == survivor {
        return error(
            StatusCode::BAD_REQUEST,
            format!("{} cannot be merged with itself", noun(kind)),
        );
    }
    for (key, value) in loser {
        let blank = props.get(&key).is_none_or(|v| {
            v.is_null() || v.as_str() == Some("") || v.as_array().is_some_and(Vec::is_empty)
        });
        if blank {
            props.insert(key, value);
        }
    }
    let now = now_ms();
    stamp(&mut props, survivor, now, false);
    let (link, children): (&str, &[Kind]) = match kind {
        Kind::Company => (
            "org_id",
            &[Kind::Person, Kind::Deal, Kind::Note, Kind::Task],
        ),
        Kind::Deal => ("deal_id", &[Kind::Note, Kind::Task]),
        _ => ("person_id", &[Kind::Deal, Kind::Note, Kind::Task]),
    };
    for &child in children {
        let table = pd.table(child);
        let moved: Vec<(u64, Props)> = table
            .live_ids()
            .filter_map(|n| table.get(n).map(|p| (n, p)))
            .filter(|(_, p)| p.get(link).and_then(Value::as_u64) == Some(removed))
            .collect();
        for (n, mut p) in moved {
            p.insert(link.into(), json!(survivor));
            pd.table(child).put(n, p, now);
        }
    }
    pd.table(kind).delete(removed);
    pd.table(kind).put(survivor, props.clone(), now);
    let mut data = v1_of(&mut pd, kind, &props);
    data["merge_what_id"] = json!(removed);
    ok(data)
}

/// `GET /v1/recents?since_timestamp=YYYY-MM-DD HH:MM:SS&items=person&start&limit`: what changed since a
/// moment (inclusive, UTC), oldest first, as `{item, id, data}` with the v1 view of each record.
pub async fn recents(
    State(emu): State<Arc<Emulator>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(since_text) = q.get("since_timestamp") else {
        return error(StatusCode::BAD_REQUEST, "since_timestamp is required");
    };
    let Ok(since) = chrono::NaiveDateTime::parse_from_str(since_text, "%Y-%m-%d %H:%M:%S") else {
        return error(
            StatusCode::BAD_REQUEST,
            "since_timestamp must be YYYY-MM-DD HH:MM:SS",
        );
    };
    let since_ms = since.and_utc().timestamp_millis();
    let item = q.get("items").map_or("person", String::as_str);
    let Some(kind) =
        kind_of(&format!("{item}s")).or((item == "organization").then_some(Kind::Company))
    else {
        return error(
            StatusCode::BAD_REQUEST,
            format!("items `{item}` is not supported; person, organization, deal or note"),
        );
    };
    let limit = match parse_limit(&q) {
        Ok(l) => l,
        Err(r) => return r.into_response(),
    };
    let start = q
        .get("start")
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(0);
    let mut pd = emu.pipedrive();
    let keyed = pd
        .table(kind)
        .modified_after((since_ms - 1, u64::MAX), start + limit + 1);
    let more = keyed.len() > start + limit;
    let page: Vec<(i64, u64)> = keyed.into_iter().skip(start).take(limit).collect();
    let mut data = Vec::new();
    for &(_, id) in &page {
        if let Some(props) = pd.table(kind).get(id) {
            data.push(json!({"item": item, "id": id, "data": v1_of(&mut pd, kind, &props)}));
        }
    }
    let stamp_text = |ms: i64| {
        chrono::DateTime::from_timestamp_millis(ms)
            .unwrap_or_default()
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    };
    let mut pagination = json!({"start": start, "limit": limit, "more_items_in_collection": more});
    if more {
        pagination["next_start"] = json!(start + limit);
    }
    let additional = json!({
        "since_timestamp": since_text,
        "last_timestamp_on_page": page.last().map(|&(m, _)| stamp_text(m)),
        "pagination": pagination,
    });
    Json(json!({"success": true, "data": data, "additional_data": additional})).into_response()
}

fn field(
    id: i64,
    key: &str,
    name: &str,
    field_type: &str,
    options: Option<Value>,
    mandatory: bool,
) -> Value {
    json!({
        "id": id, "key": key, "name": name, "field_type": field_type, "options": options,
        "mandatory_flag": mandatory, "edit_flag": key.len() == CUSTOM_KEY_LEN, "active_flag": true,
        "add_time": "2024-01-01 00:00:00", "update_time": "2024-01-01 00:00:00", "order_nr": id,
    })
}

/// `GET /v1/{person,organization,deal,note}Fields`: standard fields by name, custom ones by 40-hex key.
fn fields(emu: &Emulator, object: &str) -> Response {
    let source_options = json!(
        render::SOURCES
            .iter()
            .enumerate()
            .map(|(i, l)| json!({"id": i + 1, "label": l}))
            .collect::<Vec<_>>()
    );
    let custom = field(
        9001,
        render::CF_SOURCE,
        "Lead source detail",
        "enum",
        Some(source_options),
        false,
    );
    let data = match object {
        "person" => vec![
            field(1, "name", "Name", "varchar", None, true),
            field(2, "email", "Email", "varchar", None, false),
            field(3, "phone", "Phone", "phone", None, false),
            field(4, "org_id", "Organization", "org", None, false),
            field(5, "owner_id", "Owner", "user", None, false),
            field(6, "job_title", "Job title", "varchar", None, false),
            custom,
        ],
        "organization" => vec![
            field(1, "name", "Name", "varchar", None, true),
            field(2, "address", "Address", "address", None, false),
            field(3, "owner_id", "Owner", "user", None, false),
            custom,
        ],
        "deal" => vec![
            field(1, "title", "Title", "varchar", None, true),
            field(2, "value", "Value", "monetary", None, false),
            field(3, "stage_id", "Stage", "stage", None, false),
            field(4, "status", "Status", "status", None, false),
            field(5, "person_id", "Contact person", "people", None, false),
            field(6, "org_id", "Organization", "org", None, false),
            field(
                7,
                "expected_close_date",
                "Expected close date",
                "date",
                None,
                false,
            ),
        ],
        "note" => vec![
            field(1, "content", "Content", "text", None, true),
            field(2, "person_id", "Person", "people", None, false),
            field(3, "org_id", "Organization", "org", None, false),
            field(4, "deal_id", "Deal", "deal", None, false),
            field(5, "user_id", "User", "user", None, false),
        ],
        other => return unknown(&format!("{other}Fields")),
    };
    let mut data = data;
    data.extend(emu.created_fields(crate::Provider::Pipedrive, object));
    Json(json!({"success": true, "data": data, "additional_data": {"pagination": {"start": 0, "limit": 500, "more_items_in_collection": false}}}))
        .into_response()
}

fn user(i: u32) -> Value {
    let (first, last) = seed::OWNERS[i as usize];
    json!({"id": render::user_id(i), "name": format!("{first} {last}"), "email": seed::owner_email(i), "active_flag": true,
        "is_admin": if i == 0 { 1 } else { 0 }, "company_id": 7001, "company_name": "CRM Bridge demo (Pipedrive)",
        "company_domain": "crmbridge-demo"})
}

pub async fn users(State(_emu): State<Arc<Emulator>>) -> Response {
    ok(Value::Array(
        (0..seed::owner_count(crate::Provider::Pipedrive))
            .map(user)
            .collect(),
    ))
}

pub async fn me(State(_emu): State<Arc<Emulator>>) -> Response {
    ok(user(0))
}

/// `GET /api/v2/{persons|organizations}/search?term=&fields=email,name,phone&exact_match=true`: items
/// whose named fields hold the term (exactly, case-insensitively, with `exact_match`; else as a part).
pub async fn search(
    State(emu): State<Arc<Emulator>>,
    Path(collection): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(kind) = kind_of(&collection).filter(|k| matches!(k, Kind::Person | Kind::Company))
    else {
        return unknown(&collection);
    };
    let term = q
        .get("term")
        .map(|t| t.trim().to_lowercase())
        .unwrap_or_default();
    if term.len() < 2 {
        return error(
            StatusCode::BAD_REQUEST,
            "term must be at least 2 characters long",
        );
    }
    let exact = q.get("exact_match").is_some_and(|v| v == "true");
    let fields: Vec<String> = q
        .get("fields")
        .map(|f| f.split(',').map(str::to_owned).collect())
        .unwrap_or_else(|| vec!["name".into(), "email".into(), "phone".into()]);
    let limit = q
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(100)
        .min(500);
    let hit = |text: &str| {
        let text = text.to_lowercase();
        if exact {
            text == term
        } else {
            text.contains(&term)
        }
    };
    let mut pd = emu.pipedrive();
    let table = pd.table(kind);
    let items: Vec<Value> = table
        .live_ids()
        .filter_map(|n| table.get(n).map(|p| (n, p)))
        .filter(|(_, p)| {
            fields.iter().any(|f| match f.as_str() {
                "name" => p.get("name").and_then(Value::as_str).is_some_and(hit),
                "email" | "phone" => p
                    .get(&format!("{f}s"))
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|e| e["value"].as_str())
                    .any(hit),
                _ => false,
            })
        })
        .take(limit)
        .map(|(n, p)| {
            json!({"result_score": 1.0, "item": {
                "id": n, "type": if kind == Kind::Person { "person" } else { "organization" },
                "name": p.get("name"), "emails": p.get("emails"), "phones": p.get("phones"),
            }})
        })
        .collect();
    Json(json!({"success": true, "data": {"items": items}, "additional_data": {"next_cursor": null}}))
        .into_response()
}
