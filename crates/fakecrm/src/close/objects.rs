//! Close resources: lead, contact, opportunity and note activities; list, read, create, PUT, delete.

use std::{collections::HashMap, sync::Arc};

use axum::{
    Json,
    body::Bytes,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::{Map, Value, json};

use super::{Close, Refused, error, field_error, render};
use crate::{
    Emulator, now_ms,
    seed::{self, Kind, STAGES},
    table::Props,
};

const MAX_LIMIT: usize = 100;

fn kind_of(resource: &str) -> Option<Kind> {
    match resource {
        "lead" => Some(Kind::Company),
        "contact" => Some(Kind::Person),
        "opportunity" => Some(Kind::Deal),
        "task" => Some(Kind::Task),
        "custom_object" => Some(Kind::Invoice),
        _ => None,
    }
}

fn label(kind: Kind) -> &'static str {
    match kind {
        Kind::Lead => unreachable!("no table of this kind in this CRM"),
        Kind::Call => "Call",
        Kind::Company => "Lead",
        Kind::Person => "Contact",
        Kind::Deal => "Opportunity",
        Kind::Note => "Note",
        Kind::Email => "Email",
        Kind::Meeting => "Meeting",
        Kind::Task => "Task",
        Kind::Invoice => "CustomObject",
    }
}

/// A record as Close answers it; a lead carries its contacts.
fn record_json(close: &mut Close, kind: Kind, id: u64, props: Props) -> Value {
    let mut map = props;
    if kind == Kind::Company {
        let contacts: Vec<Value> = close
            .contacts_of(id)
            .into_iter()
            .filter_map(|c| close.table(Kind::Person).get(c).map(Value::Object))
            .collect();
        map.insert("contacts".into(), Value::Array(contacts));
    }
    Value::Object(map)
}

fn only_fields(value: Value, fields: Option<&str>) -> Value {
    let (Some(fields), Value::Object(map)) = (fields, &value) else {
        return value;
    };
    let wanted: Vec<&str> = fields.split(',').map(str::trim).collect();
    Value::Object(
        map.iter()
            .filter(|(k, _)| wanted.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    )
}

fn parse_time(value: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(value)
        .map(|t| t.timestamp_millis())
        .or_else(|_| {
            chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S%.f")
                .map(|t| t.and_utc().timestamp_millis())
        })
        .or_else(|_| {
            chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").map(|d| {
                d.and_hms_opt(0, 0, 0)
                    .unwrap_or_default()
                    .and_utc()
                    .timestamp_millis()
            })
        })
        .ok()
}

fn list_kind(close: &mut Close, kind: Kind, q: &HashMap<String, String>) -> Response {
    let limit = match q.get("_limit").map(|l| l.parse::<usize>()) {
        None => MAX_LIMIT,
        Some(Ok(n)) if (1..=MAX_LIMIT).contains(&n) => n,
        Some(_) => {
            return field_error(
                "_limit",
                format!("Ensure this value is less than or equal to {MAX_LIMIT}."),
            );
        }
    };
    let skip = match q.get("_skip").map(|s| s.parse::<usize>()) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => return field_error("_skip", "A valid integer is required."),
    };
    // date_updated__gt / __gte / __lt / __lte, compared on the modified time without rendering.
    let mut bounds: Vec<(&str, i64)> = Vec::new();
    for op in ["gt", "gte", "lt", "lte"] {
        if let Some(v) = q.get(&format!("date_updated__{op}")) {
            match parse_time(v) {
                Some(ms) => bounds.push((op, ms)),
                None => {
                    return field_error(
                        &format!("date_updated__{op}"),
                        format!("Invalid datetime: {v}"),
                    );
                }
            }
        }
    }
    let in_bounds = |m: i64| {
        bounds.iter().all(|&(op, b)| match op {
            "gt" => m > b,
            "gte" => m >= b,
            "lt" => m < b,
            _ => m <= b,
        })
    };
    let order = q.get("_order_by").map(String::as_str);
    let mut ids: Vec<u64> = match order {
        Some("date_updated") | Some("-date_updated") => {
            let table = close.table(kind);
            let mut out = Vec::new();
            let mut cursor = (i64::MIN, 0);
            loop {
                let chunk = table.modified_after(cursor, 10_000);
                let Some(&last) = chunk.last() else { break };
                cursor = last;
                out.extend(
                    chunk
                        .into_iter()
                        .filter(|&(m, _)| in_bounds(m))
                        .map(|(_, id)| id),
                );
            }
            out
        }
        None | Some("id") => {
            let table = close.table(kind);
            table
                .live_ids()
                .filter(|&id| table.modified_ms(id).is_some_and(in_bounds))
                .collect()
        }
        Some(other) => return field_error("_order_by", format!("Unsupported ordering: {other}")),
    };
    if order == Some("-date_updated") {
        ids.reverse();
    }
    if let Some(lead) = q.get("lead_id") {
        let Some(lead) = render::decode(Kind::Company, lead) else {
            return field_error("lead_id", format!("Invalid lead id: {lead}"));
        };
        let lead_text = render::encode(Kind::Company, lead);
        if kind == Kind::Person {
            let mine = close.contacts_of(lead);
            ids.retain(|id| mine.contains(id));
        } else {
            let table = close.table(kind);
            ids.retain(|&id| {
                table.get(id).is_some_and(|p| {
                    p.get("lead_id").and_then(Value::as_str) == Some(lead_text.as_str())
                })
            });
        }
    }
    // Lead search (`query=email_address:"ann@acme.com"`): leads with a contact at that address.
    if let Some(query) = q.get("query") {
        let Some(address) = query.trim().strip_prefix("email_address:") else {
            return field_error("query", format!("Unsupported search query: {query}"));
        };
        let address = address.trim().trim_matches('"').to_lowercase();
        if kind != Kind::Company {
            return field_error("query", "Search queries apply to leads");
        }
        let mut matching = Vec::new();
        for lead in ids {
            let contacts = close.contacts_of(lead);
            let hit = contacts.into_iter().any(|c| {
                close.table(Kind::Person).get(c).is_some_and(|p| {
                    p.get("emails")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(|e| e["email"].as_str())
                        .any(|e| e.to_lowercase() == address)
                })
            });
            if hit {
                matching.push(lead);
            }
        }
        ids = matching;
    }
    let total = ids.len();
    let page: Vec<u64> = ids.into_iter().skip(skip).take(limit).collect();
    let mut data: Vec<Value> = Vec::with_capacity(page.len());
    for id in page {
        if let Some(props) = close.table(kind).get(id) {
            data.push(only_fields(
                record_json(close, kind, id, props),
                q.get("_fields").map(String::as_str),
            ));
        }
    }
    Json(json!({"data": data, "has_more": skip + limit < total, "total_results": total}))
        .into_response()
}

pub async fn list(
    State(emu): State<Arc<Emulator>>,
    Path(resource): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    match kind_of(&resource) {
        // Custom objects are listed per lead: all of them only through Advanced Filtering.
        Some(Kind::Invoice) if !q.contains_key("lead_id") => {
            field_error("lead_id", "This field is required.")
        }
        Some(kind) => list_kind(&mut emu.close(), kind, &q),
        None => error(
            StatusCode::NOT_FOUND,
            format!("Unknown resource: {resource}"),
        ),
    }
}

/// Note, call, e-mail and meeting activities (`/activity/{type}/`).
fn activity_kind(activity: &str) -> Option<Kind> {
    match activity {
        "note" => Some(Kind::Note),
        "call" => Some(Kind::Call),
        "email" => Some(Kind::Email),
        "meeting" => Some(Kind::Meeting),
        _ => None,
    }
}

fn unknown_activity(activity: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        format!("Unknown activity type: {activity}"),
    )
}

pub async fn list_activities(
    State(emu): State<Arc<Emulator>>,
    Path(activity): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    match activity_kind(&activity) {
        Some(kind) => list_kind(&mut emu.close(), kind, &q),
        None => unknown_activity(&activity),
    }
}

fn read_kind(close: &mut Close, kind: Kind, id: &str) -> Response {
    match render::decode(kind, id).and_then(|n| close.table(kind).get(n).map(|p| (n, p))) {
        Some((n, props)) => Json(record_json(close, kind, n, props)).into_response(),
        None => error(
            StatusCode::NOT_FOUND,
            format!(
                "Empty query: {} matching query does not exist.",
                label(kind)
            ),
        ),
    }
}

pub async fn read(
    State(emu): State<Arc<Emulator>>,
    Path((resource, id)): Path<(String, String)>,
) -> Response {
    match kind_of(&resource) {
        Some(kind) => read_kind(&mut emu.close(), kind, &id),
        None => error(
            StatusCode::NOT_FOUND,
            format!("Unknown resource: {resource}"),
        ),
    }
}

pub async fn read_activity(
    State(emu): State<Arc<Emulator>>,
    Path((activity, id)): Path<(String, String)>,
) -> Response {
    match activity_kind(&activity) {
        Some(kind) => read_kind(&mut emu.close(), kind, &id),
        None => unknown_activity(&activity),
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

/// Checks the fields Close validates; returns the field-errors answer for the first bad one.
fn validate(kind: Kind, body: &Map<String, Value>, creating: bool) -> Result<(), Refused> {
    if let Some(emails) = body.get("emails") {
        let Some(list) = emails.as_array() else {
            return Err(Refused::Field(
                "emails".into(),
                "Expected a list of items.".into(),
            ));
        };
        for (i, e) in list.iter().enumerate() {
            let address = e.get("email").and_then(Value::as_str).unwrap_or_default();
            if !looks_like_email(address) {
                return Err(Refused::Field(
                    "emails".into(),
                    format!("emails[{i}].email: Enter a valid email address. ({address})"),
                ));
            }
        }
    }
    if creating
        && (kind == Kind::Deal || kind == Kind::Invoice || kind.is_activity())
        && body.get("lead_id").and_then(Value::as_str).is_none()
    {
        return Err(Refused::Field(
            "lead_id".into(),
            "This field is required.".into(),
        ));
    }
    // A custom object instance names its type and has a name (Close's required fields).
    if creating && kind == Kind::Invoice {
        if body.get("custom_object_type_id").and_then(Value::as_str) != Some(render::COTYPE_INVOICE)
        {
            return Err(Refused::Field(
                "custom_object_type_id".into(),
                "Object does not exist.".into(),
            ));
        }
        if body
            .get("name")
            .and_then(Value::as_str)
            .is_none_or(|n| n.trim().is_empty())
        {
            return Err(Refused::Field(
                "name".into(),
                "This field is required.".into(),
            ));
        }
    }
    // An e-mail is created in one of its states (Close's e-mail activity: `status` is required).
    const EMAIL_STATES: [&str; 5] = ["inbox", "draft", "scheduled", "outbox", "sent"];
    if creating
        && kind == Kind::Email
        && !body
            .get("status")
            .and_then(Value::as_str)
            .is_some_and(|s| EMAIL_STATES.contains(&s))
    {
        return Err(Refused::Field(
            "status".into(),
            format!("Must be one of: {}.", EMAIL_STATES.join(", ")),
        ));
    }
    if let Some(lead) = body.get("lead_id").and_then(Value::as_str)
        && render::decode(Kind::Company, lead).is_none()
    {
        return Err(Refused::Field(
            "lead_id".into(),
            format!("Object does not exist: {lead}"),
        ));
    }
    Ok(())
}

fn stamp(props: &mut Props, now: i64, created: bool) {
    let t = Value::String(render::datetime(now));
    props.insert("date_updated".into(), t.clone());
    if created {
        props.insert("date_created".into(), t);
        props.insert(
            "organization_id".into(),
            Value::String(render::ORGANIZATION.into()),
        );
    }
}

/// Creates one record (and, for a lead, its nested contacts); returns its id.
fn create_kind(
    close: &mut Close,
    kind: Kind,
    mut body: Map<String, Value>,
    now: i64,
) -> Result<u64, Refused> {
    validate(kind, &body, true)?;
    if let Some(lead) = body.get("lead_id").and_then(Value::as_str)
        && !render::decode(Kind::Company, lead)
            .is_some_and(|n| close.table(Kind::Company).exists(n))
    {
        return Err(Refused::Field(
            "lead_id".into(),
            format!("Object does not exist: {lead}"),
        ));
    }
    let nested = if kind == Kind::Company {
        body.remove("contacts")
    } else {
        None
    };
    if let Some(contacts) = nested.as_ref().and_then(Value::as_array) {
        for c in contacts {
            validate(Kind::Person, c.as_object().unwrap_or(&Map::new()), true)?;
        }
    }
    // A contact without a lead gets a new lead named after it, as in Close.
    if kind == Kind::Person && body.get("lead_id").is_none() {
        let mut lead = Map::new();
        lead.insert(
            "name".into(),
            body.get("name")
                .cloned()
                .unwrap_or(Value::String(String::new())),
        );
        let lead_id = create_kind(close, Kind::Company, lead, now)?;
        body.insert(
            "lead_id".into(),
            Value::String(render::encode(Kind::Company, lead_id)),
        );
    }
    let id = close.table(kind).peek_next_id();
    body.insert("id".into(), Value::String(render::encode(kind, id)));
    match kind {
        Kind::Lead => unreachable!("no table of this kind in this CRM"),
        Kind::Company => {
            let name = body
                .get("name")
                .cloned()
                .unwrap_or(Value::String(String::new()));
            body.entry("display_name").or_insert(name);
            body.entry("status_id")
                .or_insert_with(|| Value::String(render::lead_status_id(0)));
            label_lead_status(&mut body);
        }
        Kind::Deal => {
            body.entry("status_id")
                .or_insert_with(|| Value::String(render::opportunity_status_id(0)));
            let stage = body
                .get("status_id")
                .and_then(Value::as_str)
                .and_then(|s| (0..STAGES.len()).find(|&i| render::opportunity_status_id(i) == s))
                .unwrap_or(0);
            body.insert("status_label".into(), Value::String(STAGES[stage].0.into()));
            body.insert(
                "status_type".into(),
                Value::String(render::status_type(stage).into()),
            );
            body.entry("value_period")
                .or_insert_with(|| Value::String("one_time".into()));
        }
        Kind::Note => {
            body.insert("_type".into(), Value::String("Note".into()));
        }
        Kind::Call => {
            body.insert("_type".into(), Value::String("Call".into()));
            body.entry("status")
                .or_insert_with(|| Value::String("completed".into()));
        }
        Kind::Email => {
            body.insert("_type".into(), Value::String("Email".into()));
        }
        Kind::Meeting => unreachable!("Close creates no meetings through its API"),
        Kind::Task => {
            body.insert("_type".into(), Value::String("lead".into()));
            body.entry("is_complete").or_insert(Value::Bool(false));
        }
        Kind::Person | Kind::Invoice => {}
    }
    stamp(&mut body, now, true);
    close.table(kind).create(body.clone(), now);
    if kind == Kind::Person {
        let lead = body
            .get("lead_id")
            .and_then(Value::as_str)
            .and_then(|l| render::decode(Kind::Company, l));
        close.place_contact(id, lead);
    }
    for c in nested
        .as_ref()
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let mut contact = c.as_object().cloned().unwrap_or_default();
        contact.insert(
            "lead_id".into(),
            Value::String(render::encode(Kind::Company, id)),
        );
        create_kind(close, Kind::Person, contact, now)?;
    }
    Ok(id)
}

fn body_object(body: &[u8]) -> Result<Map<String, Value>, Refused> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Refused::Plain(
            StatusCode::BAD_REQUEST,
            "The request body must be a JSON object.".into(),
        )),
        Err(_) => Err(Refused::Plain(
            StatusCode::BAD_REQUEST,
            "The request contains invalid JSON.".into(),
        )),
    }
}

fn create_answer(close: &mut Close, kind: Kind, body: &[u8]) -> Response {
    let result = body_object(body).and_then(|b| create_kind(close, kind, b, now_ms()));
    match result {
        Ok(id) => {
            let props = close.table(kind).get(id).unwrap_or_default();
            Json(record_json(close, kind, id, props)).into_response()
        }
        Err(refused) => refused.into_response(),
    }
}

pub async fn create(
    State(emu): State<Arc<Emulator>>,
    Path(resource): Path<String>,
    body: Bytes,
) -> Response {
    match kind_of(&resource) {
        Some(kind) => create_answer(&mut emu.close(), kind, &body),
        None => error(
            StatusCode::NOT_FOUND,
            format!("Unknown resource: {resource}"),
        ),
    }
}

pub async fn create_activity(
    State(emu): State<Arc<Emulator>>,
    Path(activity): Path<String>,
    body: Bytes,
) -> Response {
    match activity_kind(&activity) {
        // Close's meetings come from synced calendars: its API lists, reads, updates and deletes
        // them, and has no create.
        Some(Kind::Meeting) => error(
            StatusCode::METHOD_NOT_ALLOWED,
            "Method \"POST\" not allowed.".to_owned(),
        ),
        Some(kind) => create_answer(&mut emu.close(), kind, &body),
        None => unknown_activity(&activity),
    }
}

/// A lead's `status_label` follows its `status_id`, as Close derives it.
fn label_lead_status(props: &mut Map<String, Value>) {
    let i = props
        .get("status_id")
        .and_then(Value::as_str)
        .and_then(|id| (0..render::LEAD_STATUSES.len()).find(|&i| render::lead_status_id(i) == id))
        .unwrap_or(0);
    props.insert(
        "status_label".into(),
        Value::String(render::LEAD_STATUSES[i].into()),
    );
}

/// PUT changes only the fields it sends (Close's PUT behaves as PATCH).
fn update_kind(close: &mut Close, kind: Kind, id: &str, body: &[u8]) -> Response {
    let changes = match body_object(body) {
        Ok(c) => c,
        Err(r) => return r.into_response(),
    };
    if let Err(r) = validate(kind, &changes, false) {
        return r.into_response();
    }
    let Some((n, mut props)) =
        render::decode(kind, id).and_then(|n| close.table(kind).get(n).map(|p| (n, p)))
    else {
        return error(
            StatusCode::NOT_FOUND,
            format!(
                "Empty query: {} matching query does not exist.",
                label(kind)
            ),
        );
    };
    for (key, value) in changes {
        if key != "id" && key != "date_created" && key != "organization_id" {
            props.insert(key, value);
        }
    }
    if kind == Kind::Company
        && let Some(name) = props.get("name").cloned()
    {
        props.insert("display_name".into(), name);
    }
    if kind == Kind::Company {
        label_lead_status(&mut props);
    }
    let now = now_ms();
    stamp(&mut props, now, false);
    close.table(kind).put(n, props.clone(), now);
    if kind == Kind::Person {
        let lead = props
            .get("lead_id")
            .and_then(Value::as_str)
            .and_then(|l| render::decode(Kind::Company, l));
        close.place_contact(n, lead);
    }
    Json(record_json(close, kind, n, props)).into_response()
}

pub async fn update(
    State(emu): State<Arc<Emulator>>,
    Path((resource, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    match kind_of(&resource) {
        Some(kind) => update_kind(&mut emu.close(), kind, &id, &body),
        None => error(
            StatusCode::NOT_FOUND,
            format!("Unknown resource: {resource}"),
        ),
    }
}

pub async fn update_activity(
    State(emu): State<Arc<Emulator>>,
    Path((activity, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    match activity_kind(&activity) {
        Some(kind) => update_kind(&mut emu.close(), kind, &id, &body),
        None => unknown_activity(&activity),
    }
}

fn delete_kind(close: &mut Close, kind: Kind, id: &str) -> Response {
    match render::decode(kind, id) {
        Some(n) if close.table(kind).delete(n) => {
            if kind == Kind::Person {
                close.place_contact(n, None);
            }
            Json(json!({})).into_response()
        }
        _ => error(
            StatusCode::NOT_FOUND,
            format!(
                "Empty query: {} matching query does not exist.",
                label(kind)
            ),
        ),
    }
}

pub async fn delete(
    State(emu): State<Arc<Emulator>>,
    Path((resource, id)): Path<(String, String)>,
) -> Response {
    match kind_of(&resource) {
        Some(kind) => delete_kind(&mut emu.close(), kind, &id),
        None => error(
            StatusCode::NOT_FOUND,
            format!("Unknown resource: {resource}"),
        ),
    }
}

pub async fn delete_activity(
    State(emu): State<Arc<Emulator>>,
    Path((activity, id)): Path<(String, String)>,
) -> Response {
    match activity_kind(&activity) {
        Some(kind) => delete_kind(&mut emu.close(), kind, &id),
        None => unknown_activity(&activity),
    }
}

pub async fn me(State(_emu): State<Arc<Emulator>>) -> Response {
    let (first, last) = seed::OWNERS[0];
    Json(json!({
        "id": render::user_id(0), "first_name": first, "last_name": last, "email": seed::owner_email(0),
        "organizations": [{"id": render::ORGANIZATION, "name": "CRM Bridge demo (Close)"}],
    }))
    .into_response()
}

pub async fn lead_statuses(State(_emu): State<Arc<Emulator>>) -> Response {
    let data: Vec<Value> = render::LEAD_STATUSES
        .iter()
        .enumerate()
        .map(|(i, label)| json!({"id": render::lead_status_id(i), "label": label}))
        .collect();
    Json(json!({ "data": data })).into_response()
}

pub async fn opportunity_statuses(State(_emu): State<Arc<Emulator>>) -> Response {
    let data: Vec<Value> = STAGES
        .iter()
        .enumerate()
        .map(|(i, (label, _, _))| {
            json!({"id": render::opportunity_status_id(i), "label": label, "status_type": render::status_type(i), "pipeline_id": "pipe_fakecrmSalesPipeline"})
        })
        .collect();
    Json(json!({ "data": data })).into_response()
}

/// `GET /custom_field/lead/` (and contact, opportunity): the organisation's custom fields.
pub async fn custom_fields(
    State(emu): State<Arc<Emulator>>,
    Path(object): Path<String>,
) -> Response {
    let mut data = match object.as_str() {
        "lead" => vec![json!({
            "id": render::CF_SOURCE, "name": "Lead source detail", "description": "Where the lead came from",
            "type": "choices", "choices": ["Webinar", "Trade show", "Referral"], "accepts_multiple_values": false,
            "editable_with_roles": [], "date_created": render::datetime(seed::DATA_END_MS - 400 * 86_400_000),
        })],
        "contact" | "opportunity" | "activity" | "shared" => vec![],
        other => {
            return error(
                StatusCode::NOT_FOUND,
                format!("Unknown custom field object type: {other}"),
            );
        }
    };
    data.extend(emu.created_fields(crate::Provider::Close, &object));
    Json(json!({"data": data, "has_more": false})).into_response()
}

/// `POST /custom_field/{lead,contact,opportunity}/`: a custom field, answered as the list shows it.
/// Close checks the name (not taken on that object) and the type; `choices` takes its choices.
pub async fn create_custom_field(
    State(emu): State<Arc<Emulator>>,
    Path(object): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    if !matches!(object.as_str(), "lead" | "contact" | "opportunity") {
        return error(
            StatusCode::NOT_FOUND,
            format!("Unknown custom field object type: {object}"),
        );
    }
    let Ok(input) = serde_json::from_slice::<Value>(&body) else {
        return error(StatusCode::BAD_REQUEST, "Invalid JSON".to_owned());
    };
    let name = input["name"].as_str().unwrap_or_default().trim().to_owned();
    let kind = input["type"].as_str().unwrap_or_default().to_owned();
    const TYPES: [&str; 9] = [
        "text", "number", "date", "datetime", "choices", "hidden", "user", "contact", "textarea",
    ];
    if name.is_empty() {
        return field_error("name", "This field is required.");
    }
    if !TYPES.contains(&kind.as_str()) {
        return field_error(
            "type",
            format!("Value must be one of: {}.", TYPES.join(", ")),
        );
    }
    let choices = input["choices"].as_array().cloned().unwrap_or_default();
    if kind == "choices" && choices.is_empty() {
        return field_error("choices", "A choices field needs at least one choice.");
    }
    let taken = emu
        .created_fields(crate::Provider::Close, &object)
        .iter()
        .any(|f| {
            f["name"]
                .as_str()
                .is_some_and(|n| n.eq_ignore_ascii_case(&name))
        })
        || (object == "lead" && name.eq_ignore_ascii_case("Lead source detail"));
    if taken {
        return field_error(
            "name",
            format!("A custom field named “{name}” already exists."),
        );
    }
    let n = emu.created_fields(crate::Provider::Close, &object).len();
    let id = format!(
        "cf_{:0<40}",
        format!("Created{}{n}", object.to_ascii_uppercase())
    );
    let now = render::datetime(now_ms());
    let mut field = json!({
        "id": id, "name": name, "description": input["description"].as_str().unwrap_or_default(),
        "type": kind, "accepts_multiple_values": input["accepts_multiple_values"].as_bool().unwrap_or(false),
        "editable_with_roles": [], "date_created": now, "date_updated": now,
        "organization_id": render::ORGANIZATION,
    });
    if kind == "choices" {
        field["choices"] = Value::Array(choices);
    }
    emu.add_field(crate::Provider::Close, &object, field.clone());
    Json(field).into_response()
}

/// `GET /pipeline/`: the pipelines with their opportunity statuses.
/// `GET /custom_object_type/`: the organization's custom object types with their fields (one:
/// Invoice, on leads).
pub async fn custom_object_types(State(_emu): State<Arc<Emulator>>) -> Response {
    let field = |id: &str, name: &str, kind: &str, choices: Option<&[&str]>| {
        json!({"id": id, "name": name, "type": kind, "choices": choices, "accepts_multiple_values": false,
            "custom_object_type_id": render::COTYPE_INVOICE, "organization_id": render::ORGANIZATION})
    };
    Json(json!({"data": [{
        "id": render::COTYPE_INVOICE, "name": "Invoice", "name_plural": "Invoices",
        "description": "Invoices sent to a lead", "api_create_only": false, "editable_with_roles": [],
        "organization_id": render::ORGANIZATION, "back_reference_fields": [],
        "date_created": render::datetime(seed::DATA_END_MS), "date_updated": render::datetime(seed::DATA_END_MS),
        "fields": [
            field(render::CF_INVOICE_AMOUNT, "Amount", "number", None),
            field(render::CF_INVOICE_DUE, "Due date", "date", None),
            field(render::CF_INVOICE_STATUS, "Status", "choices", Some(&render::INVOICE_STATUSES)),
        ],
    }], "has_more": false}))
    .into_response()
}

pub async fn pipelines(State(_emu): State<Arc<Emulator>>) -> Response {
    let statuses: Vec<Value> = STAGES
        .iter()
        .enumerate()
        .map(|(i, (label, _, _))| json!({"id": render::opportunity_status_id(i), "label": label, "type": render::status_type(i)}))
        .collect();
    Json(json!({"data": [{"id": "pipe_fakecrmSalesPipeline", "name": "Sales", "statuses": statuses}], "has_more": false}))
        .into_response()
}

/// `GET /event/?object_type=lead&action=deleted[&date_updated__gte=]`: the event log, newest first, at
/// most 50 a page. The emulator records deletions (the one change only the event log reveals).
pub async fn events(
    State(emu): State<Arc<Emulator>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let kinds: Vec<Kind> = match q.get("object_type").map(String::as_str) {
        None => vec![
            Kind::Company,
            Kind::Person,
            Kind::Deal,
            Kind::Note,
            Kind::Call,
            Kind::Email,
            Kind::Meeting,
            Kind::Task,
        ],
        Some(t) => match kind_of(t).or_else(|| t.strip_prefix("activity.").and_then(activity_kind))
        {
            Some(k) => vec![k],
            None => return field_error("object_type", format!("Unknown object type: {t}")),
        },
    };
    if q.get("action").is_some_and(|a| a != "deleted") {
        return Json(json!({"data": [], "cursor_next": null, "cursor_previous": null}))
            .into_response();
    }
    let since = match q.get("date_updated__gte").map(|v| parse_time(v)) {
        None => i64::MIN,
        Some(Some(ms)) => ms,
        Some(None) => return field_error("date_updated__gte", "Invalid datetime."),
    };
    let limit = q
        .get("_limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(50)
        .clamp(1, 50);
    let skip = q
        .get("_cursor")
        .and_then(|c| c.parse::<usize>().ok())
        .unwrap_or(0);
    let mut close = emu.close();
    let mut all: Vec<(i64, Kind, u64)> = kinds
        .iter()
        .flat_map(|&k| {
            close
                .table(k)
                .deleted_between(since, i64::MAX)
                .into_iter()
                .map(move |(t, id)| (t, k, id))
        })
        .collect();
    all.sort_by(|a, b| b.0.cmp(&a.0).then(b.2.cmp(&a.2)));
    let data: Vec<Value> = all
        .iter()
        .skip(skip)
        .take(limit)
        .map(|&(t, k, id)| {
            let object_type = match k {
                Kind::Lead => unreachable!("no table of this kind in this CRM"),
                Kind::Call => "activity.call",
                Kind::Company => "lead",
                Kind::Person => "contact",
                Kind::Deal => "opportunity",
                Kind::Note => "activity.note",
                Kind::Email => "activity.email",
                Kind::Meeting => "activity.meeting",
                Kind::Task => "task.lead",
                Kind::Invoice => "custom_object",
            };
            json!({
                "id": format!("ev_{:016x}", crate::seed::mix(&[t as u64, id])), "object_type": object_type,
                "action": "deleted", "object_id": render::encode(k, id), "organization_id": render::ORGANIZATION,
                "date_created": render::datetime(t), "date_updated": render::datetime(t),
            })
        })
        .collect();
    let next = (skip + limit < all.len()).then(|| (skip + limit).to_string());
    Json(json!({"data": data, "cursor_next": next, "cursor_previous": null})).into_response()
}

/// `GET /user/`: the organization's users (the owners records point at).
pub async fn users(State(_emu): State<Arc<Emulator>>) -> Response {
    let data: Vec<Value> = (0..seed::owner_count(crate::Provider::Close))
        .map(|i| {
            let (first, last) = seed::OWNERS[i as usize];
            json!({"id": render::user_id(i), "first_name": first, "last_name": last, "email": seed::owner_email(i)})
        })
        .collect();
    Json(json!({"data": data, "has_more": false})).into_response()
}
