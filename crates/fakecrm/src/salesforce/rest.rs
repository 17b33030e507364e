//! sObject CRUD, describe, limits and the version list.

use std::{collections::HashMap, sync::Arc};

use axum::{
    Json,
    body::Bytes,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::{Map, Value, json};

use super::{Salesforce, error, render, schema};
use crate::{Emulator, now_ms, seed::Kind, table::Props};

fn unknown_sobject(name: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        format!("The requested resource does not exist: sObject type '{name}' is not supported."),
        &[],
    )
}

pub(super) fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        "The requested resource does not exist",
        &[],
    )
}

/// `GET /services/data/`: every version served, oldest first, as Salesforce lists them.
pub async fn versions(State(_emu): State<Arc<Emulator>>) -> Response {
    let list: Vec<Value> = render::VERSIONS
        .map(|n| {
            // Three releases a year from Spring '14 (v30.0); a Winter release bears the next year.
            let r = n - 30;
            let release = ["Spring", "Summer", "Winter"][(r % 3) as usize];
            let year = 14 + r / 3 + u32::from(r % 3 == 2);
            json!({"label": format!("{release} '{year:02}"), "url": format!("/services/data/v{n}.0"), "version": format!("{n}.0")})
        })
        .collect();
    Json(Value::Array(list)).into_response()
}

/// `GET /sobjects/`: describe global, the sObjects of the org with what a client may do with each.
pub async fn describe_global(State(_emu): State<Arc<Emulator>>) -> Response {
    let sobjects: Vec<Value> = render::SOBJECTS
        .iter()
        .map(|(name, prefix)| sobject_summary(name, prefix))
        .collect();
    Json(json!({"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": sobjects})).into_response()
}

fn sobject_summary(name: &str, prefix: &str) -> Value {
    let base = format!("/services/data/{}/sobjects/{name}", render::API_VERSION);
    let writable = !matches!(name, "User" | "OpportunityStage");
    // The org's one custom object, as its admin labelled it.
    let custom = name.ends_with("__c");
    let (label, plural) = if custom {
        ("Invoice".to_owned(), "Invoices".to_owned())
    } else {
        (name.to_owned(), format!("{name}s"))
    };
    json!({
        "name": name, "label": label, "labelPlural": plural, "keyPrefix": prefix, "custom": custom,
        "queryable": true, "retrieveable": true, "searchable": writable, "createable": writable,
        "updateable": writable, "deletable": writable, "layoutable": writable, "replicateable": writable,
        "urls": {"sobject": base, "describe": format!("{base}/describe"), "rowTemplate": format!("{base}/{{ID}}")},
    })
}

/// `GET /sobjects/{X}/`: basic information about one sObject and its recently viewed records.
pub async fn basic_info(
    State(_emu): State<Arc<Emulator>>,
    Path(sobject): Path<String>,
) -> Response {
    match render::SOBJECTS
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(&sobject))
    {
        Some((name, prefix)) => {
            Json(json!({"objectDescribe": sobject_summary(name, prefix), "recentItems": []}))
                .into_response()
        }
        None => unknown_sobject(&sobject),
    }
}

pub async fn limits(State(emu): State<Arc<Emulator>>) -> Response {
    let sf = emu.salesforce();
    Json(json!({"DailyApiRequests": {"Max": sf.daily_max, "Remaining": sf.daily_max.saturating_sub(sf.daily_used)}})).into_response()
}

pub async fn describe(State(emu): State<Arc<Emulator>>, Path(sobject): Path<String>) -> Response {
    match render::kind_of(&sobject) {
        Some(kind) => Json(schema::describe(
            &emu.salesforce(),
            kind,
            render::sobject(kind),
        ))
        .into_response(),
        None => unknown_sobject(&sobject),
    }
}

pub async fn read(
    State(emu): State<Arc<Emulator>>,
    Path((sobject, id)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(kind) = render::kind_of(&sobject) else {
        return unknown_sobject(&sobject);
    };
    let fields: Option<Vec<String>> = q.get("fields").map(|f| comma_list(f));
    let mut sf = emu.salesforce();
    if let Some(refusal) = unknown_field(&sf, kind, fields.iter().flatten()) {
        return refusal;
    }
    match render::decode(kind, &id).and_then(|n| sf.table(kind).get(n)) {
        Some(props) => Json(render::record_json(kind, &props, fields.as_deref())).into_response(),
        None => not_found(),
    }
}

/// `a, b,c` as `["a", "b", "c"]`: the `fields` (and `ids`) lists of reads.
pub(crate) fn comma_list(text: &str) -> Vec<String> {
    text.split(',').map(|p| p.trim().to_owned()).collect()
}

/// INVALID_FIELD for the first field the sObject does not have, if any.
pub(crate) fn unknown_field<'a>(
    sf: &Salesforce,
    kind: Kind,
    mut fields: impl Iterator<Item = &'a String>,
) -> Option<Response> {
    let bad = fields.find(|f| schema::field_name(sf, kind, f).is_none())?;
    Some(error(
        StatusCode::BAD_REQUEST,
        "INVALID_FIELD",
        format!(
            "No such column '{bad}' on sobject of type {}",
            render::sobject(kind)
        ),
        &[],
    ))
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

/// Checks a write against the sObject's fields. Returns (errorCode, message, fields) when refused.
pub(crate) fn check_write(
    sf: &Salesforce,
    kind: Kind,
    body: &Map<String, Value>,
    creating: bool,
) -> Result<Props, (&'static str, String, Vec<String>)> {
    let mut props = Props::new();
    for (key, value) in body {
        if key == "attributes" || (key == "Id" && !creating) || key == "id" {
            continue;
        }
        let Some(name) = schema::field_name(sf, kind, key) else {
            return Err((
                "INVALID_FIELD",
                format!(
                    "No such column '{key}' on sobject of type {}",
                    render::sobject(kind)
                ),
                vec![],
            ));
        };
        if !schema::is_createable(sf, kind, name) {
            return Err((
                "INVALID_FIELD_FOR_INSERT_UPDATE",
                format!("Unable to create/update fields: {name}."),
                vec![name.to_owned()],
            ));
        }
        if name == "Email"
            && let Some(email) = value.as_str()
            && !email.is_empty()
            && !looks_like_email(email)
        {
            return Err((
                "INVALID_EMAIL_ADDRESS",
                format!("Email: invalid email address: {email}"),
                vec!["Email".into()],
            ));
        }
        props.insert(name.to_owned(), value.clone());
    }
    if creating && kind == Kind::Lead && !props.contains_key("Status") {
        // A picklist's default value fills it on create: Lead Status is required but defaults.
        props.insert(
            "Status".into(),
            Value::String(crate::seed::LEAD_STATUSES[0].into()),
        );
    }
    if creating {
        let missing: Vec<String> = schema::required(kind)
            .into_iter()
            .filter(|f| {
                props
                    .get(*f)
                    .is_none_or(|v| v.is_null() || v.as_str() == Some(""))
            })
            .map(str::to_owned)
            .collect();
        if !missing.is_empty() {
            return Err((
                "REQUIRED_FIELD_MISSING",
                format!("Required fields are missing: [{}]", missing.join(", ")),
                missing,
            ));
        }
    }
    Ok(props)
}

/// Fills what Salesforce derives: audit times, full name, stage-derived probability and flags.
pub(crate) fn derive(kind: Kind, props: &mut Props, now: i64, created: bool) {
    let t = Value::String(render::datetime(now));
    props.insert("LastModifiedDate".into(), t.clone());
    props.insert("SystemModstamp".into(), t.clone());
    if created {
        props.insert("CreatedDate".into(), t);
        props.insert("IsDeleted".into(), json!(false));
        props
            .entry("OwnerId")
            .or_insert_with(|| Value::String(render::user_id(0)));
        // A new lead is not converted (converting it is a separate step).
        if kind == Kind::Lead {
            props.insert("IsConverted".into(), json!(false));
        }
    }
    if kind == Kind::Person {
        let part = |k: &str| {
            props
                .get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let name = format!("{} {}", part("FirstName"), part("LastName"))
            .trim()
            .to_owned();
        props.insert("Name".into(), Value::String(name));
    }
    if kind == Kind::Deal
        && let Some((_, probability, stage_kind)) = crate::seed::STAGES
            .iter()
            .find(|s| Some(s.0) == props.get("StageName").and_then(Value::as_str))
    {
        props.insert("Probability".into(), json!(probability));
        props.insert(
            "IsClosed".into(),
            json!(*stage_kind != crate::seed::StageKind::Open),
        );
        props.insert(
            "IsWon".into(),
            json!(*stage_kind == crate::seed::StageKind::Won),
        );
    }
}

/// Creates one record; returns its 18-character id.
pub(crate) fn insert(
    sf: &mut Salesforce,
    kind: Kind,
    body: &Map<String, Value>,
    now: i64,
) -> Result<String, (&'static str, String, Vec<String>)> {
    let mut props = check_write(sf, kind, body, true)?;
    let n = sf.table(kind).peek_next_id();
    let id = render::encode(kind, n);
    props.insert("Id".into(), Value::String(id.clone()));
    derive(kind, &mut props, now, true);
    sf.table(kind).create(props, now);
    Ok(id)
}

/// Applies a partial update; `Ok(false)` when the record does not exist.
pub(crate) fn patch(
    sf: &mut Salesforce,
    kind: Kind,
    id: &str,
    body: &Map<String, Value>,
    now: i64,
) -> Result<bool, (&'static str, String, Vec<String>)> {
    let changes = check_write(sf, kind, body, false)?;
    let Some((n, mut props)) =
        render::decode(kind, id).and_then(|n| sf.table(kind).get(n).map(|p| (n, p)))
    else {
        return Ok(false);
    };
    // A converted lead is Salesforce's record of what became a contact: it takes no more writes.
    if kind == Kind::Lead && props.get("IsConverted") == Some(&json!(true)) {
        return Err((
            "CANNOT_UPDATE_CONVERTED_LEAD",
            "cannot reference converted lead".into(),
            vec![],
        ));
    }
    props.extend(changes);
    derive(kind, &mut props, now, false);
    sf.table(kind).put(n, props, now);
    Ok(true)
}

fn body_object(body: &[u8]) -> Option<Map<String, Value>> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    }
}

fn malformed() -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "JSON_PARSER_ERROR",
        "The request body is not a JSON object.",
        &[],
    )
}

pub async fn create(
    State(emu): State<Arc<Emulator>>,
    Path(sobject): Path<String>,
    body: Bytes,
) -> Response {
    let kind = render::kind_of(&sobject);
    let permissions = sobject.eq_ignore_ascii_case("FieldPermissions");
    if kind.is_none() && !permissions {
        return unknown_sobject(&sobject);
    }
    let Some(body) = body_object(&body) else {
        return malformed();
    };
    let Some(kind) = kind else {
        return super::tooling::grant(&mut emu.salesforce(), &body);
    };
    match insert(&mut emu.salesforce(), kind, &body, now_ms()) {
        Ok(id) => (
            StatusCode::CREATED,
            Json(json!({"id": id, "success": true, "errors": []})),
        )
            .into_response(),
        Err((code, message, fields)) => error(
            StatusCode::BAD_REQUEST,
            code,
            message,
            &fields.iter().map(String::as_str).collect::<Vec<_>>(),
        ),
    }
}

pub async fn update(
    State(emu): State<Arc<Emulator>>,
    Path((sobject, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let Some(kind) = render::kind_of(&sobject) else {
        return unknown_sobject(&sobject);
    };
    let Some(body) = body_object(&body) else {
        return malformed();
    };
    match patch(&mut emu.salesforce(), kind, &id, &body, now_ms()) {
        Ok(true) => StatusCode::NO_CONTENT.into_response(),
        Ok(false) => not_found(),
        Err((code, message, fields)) => error(
            StatusCode::BAD_REQUEST,
            code,
            message,
            &fields.iter().map(String::as_str).collect::<Vec<_>>(),
        ),
    }
}

pub async fn delete(
    State(emu): State<Arc<Emulator>>,
    Path((sobject, id)): Path<(String, String)>,
) -> Response {
    let Some(kind) = render::kind_of(&sobject) else {
        return unknown_sobject(&sobject);
    };
    let mut sf = emu.salesforce();
    match render::decode(kind, &id) {
        Some(n) if sf.table(kind).delete(n) => StatusCode::NO_CONTENT.into_response(),
        _ => not_found(),
    }
}

/// The `start`/`end` window of the updated and deleted feeds, or (errorCode, message).
fn window(q: &HashMap<String, String>) -> Result<(i64, i64), (&'static str, String)> {
    let parse = |key: &str| -> Result<i64, (&'static str, String)> {
        let text = q
            .get(key)
            .ok_or(("MISSING_ARGUMENT", format!("{key} is required")))?;
        // An offset sent unencoded (`+00:00`) arrives as a space: read it as the `+` it was.
        let text = &text.replace(' ', "+");
        render::parse_datetime(text)
            .or_else(|| {
                chrono::DateTime::parse_from_rfc3339(text)
                    .ok()
                    .map(|t| t.timestamp_millis())
            })
            .ok_or(("INVALID_DATE_FORMAT", format!("{key}: invalid date {text}")))
    };
    Ok((parse("start")?, parse("end")?))
}

/// `GET /sobjects/{X}/deleted/?start=&end=`: ids deleted in the window, with when.
pub async fn deleted(
    State(emu): State<Arc<Emulator>>,
    Path(sobject): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(kind) = render::kind_of(&sobject) else {
        return unknown_sobject(&sobject);
    };
    let (start, end) = match window(&q) {
        Ok(w) => w,
        Err((code, message)) => return error(StatusCode::BAD_REQUEST, code, message, &[]),
    };
    let mut sf = emu.salesforce();
    let rows: Vec<Value> = sf
        .table(kind)
        .deleted_between(start, end)
        .into_iter()
        .map(|(t, id)| json!({"id": render::encode(kind, id), "deletedDate": render::datetime(t)}))
        .collect();
    Json(json!({
        "deletedRecords": rows,
        "earliestDateAvailable": render::datetime(crate::seed::DATA_END_MS - 15 * 86_400_000),
        "latestDateCovered": render::datetime(end.min(now_ms())),
    }))
    .into_response()
}

/// `GET /sobjects/{X}/updated/?start=&end=`: ids changed in the window (by SystemModstamp).
pub async fn updated(
    State(emu): State<Arc<Emulator>>,
    Path(sobject): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(kind) = render::kind_of(&sobject) else {
        return unknown_sobject(&sobject);
    };
    let (start, end) = match window(&q) {
        Ok(w) => w,
        Err((code, message)) => return error(StatusCode::BAD_REQUEST, code, message, &[]),
    };
    let mut sf = emu.salesforce();
    let table = sf.table(kind);
    let mut ids = Vec::new();
    let mut cursor = (start - 1, u64::MAX);
    loop {
        let chunk = table.modified_after(cursor, 10_000);
        let Some(&last) = chunk.last() else { break };
        cursor = last;
        ids.extend(
            chunk
                .into_iter()
                .take_while(|&(m, _)| m < end)
                .filter(|&(m, _)| m >= start)
                .map(|(_, id)| render::encode(kind, id)),
        );
        if last.0 >= end {
            break;
        }
    }
    Json(json!({"ids": ids, "latestDateCovered": render::datetime(end.min(now_ms()))}))
        .into_response()
}
