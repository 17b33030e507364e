//! CRUD and list paging of HubSpot objects.

use std::sync::Arc;

use axum::{
    Json,
    body::Bytes,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};

use super::{Hubspot, associations, kind_of, params::Params, render};
use crate::{Emulator, now_ms, seed::Kind, table::Props};

/// What HubSpot returns when no `properties` are asked for.
fn default_properties(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Lead => unreachable!("no table of this kind in this CRM"),
        Kind::Person => &[
            "createdate",
            "email",
            "firstname",
            "hs_object_id",
            "lastmodifieddate",
            "lastname",
        ],
        Kind::Company => &[
            "createdate",
            "domain",
            "hs_lastmodifieddate",
            "hs_object_id",
            "name",
        ],
        Kind::Deal => &[
            "amount",
            "closedate",
            "createdate",
            "dealname",
            "dealstage",
            "hs_lastmodifieddate",
            "hs_object_id",
            "pipeline",
        ],
        Kind::Note => &[
            "hs_createdate",
            "hs_lastmodifieddate",
            "hs_object_id",
            "hs_note_body",
            "hs_timestamp",
        ],
        Kind::Call => &[
            "hs_call_body",
            "hs_call_title",
            "hs_createdate",
            "hs_lastmodifieddate",
            "hs_object_id",
            "hs_timestamp",
        ],
        Kind::Email => &[
            "hs_createdate",
            "hs_email_subject",
            "hs_email_text",
            "hs_lastmodifieddate",
            "hs_object_id",
            "hs_timestamp",
        ],
        Kind::Meeting => &[
            "hs_createdate",
            "hs_lastmodifieddate",
            "hs_meeting_body",
            "hs_meeting_title",
            "hs_object_id",
            "hs_timestamp",
        ],
        Kind::Invoice => &[
            "hs_createdate",
            "hs_lastmodifieddate",
            "hs_object_id",
            "invoice_number",
        ],
        Kind::Task => &[
            "hs_createdate",
            "hs_lastmodifieddate",
            "hs_object_id",
            "hs_task_body",
            "hs_task_subject",
            "hs_timestamp",
        ],
    }
}

/// A record as HubSpot sends it: `{id, properties, createdAt, updatedAt, archived}`. Keys starting
/// with `_` hold the emulator's association lists and are never shown.
pub(crate) fn object_json(kind: Kind, id: u64, props: &Props, wanted: Option<&[String]>) -> Value {
    written_json(kind, id, props, wanted, &[])
}

/// A record as a create or update answers it: the default properties and every property written
/// (HubSpot echoes what a write set, not only its defaults).
pub(crate) fn written_json(
    kind: Kind,
    id: u64,
    props: &Props,
    wanted: Option<&[String]>,
    written: &[String],
) -> Value {
    let mut shown = serde_json::Map::new();
    match wanted {
        Some(names) => {
            for name in names {
                shown.insert(
                    name.clone(),
                    props.get(name).cloned().unwrap_or(Value::Null),
                );
            }
        }
        None => {
            let defaults = default_properties(kind).iter().copied();
            for name in defaults.chain(written.iter().map(String::as_str)) {
                if let Some(v) = props.get(name)
                    && !name.starts_with('_')
                {
                    shown.insert(name.to_owned(), v.clone());
                }
            }
        }
    }
    let created = props
        .get(if kind.is_activity() {
            "hs_createdate"
        } else {
            "createdate"
        })
        .cloned()
        .unwrap_or(Value::Null);
    json!({
        "id": id.to_string(),
        "properties": shown,
        "createdAt": created,
        "updatedAt": props.get(render::modified_property(kind)).cloned().unwrap_or(Value::Null),
        "archived": false,
    })
}

fn not_found(hs: &mut Hubspot, id: &str) -> Response {
    hs.error(
        StatusCode::NOT_FOUND,
        "OBJECT_NOT_FOUND",
        format!("Object not found.  objectId are usually numeric. id: {id}"),
    )
}

/// The other object types a list or read asks to see each record's associations with.
/// An unknown type among them is answered as HubSpot answers an unknown object type.
fn association_kinds(
    hs: &mut Hubspot,
    params: &Params,
) -> Result<Vec<(String, Kind)>, Box<Response>> {
    let mut kinds = Vec::new();
    for name in params.list("associations").unwrap_or_default() {
        match kind_of(&name) {
            Some(kind) => kinds.push((name, kind)),
            None => return Err(Box::new(hs.unknown_object(&name))),
        }
    }
    Ok(kinds)
}

/// Adds `associations: {companies: {results: [{id, type}]}}` for each type asked (HubSpot leaves
/// out a type the record has no associations with).
fn with_associations(
    hs: &mut Hubspot,
    mut json: Value,
    kind: Kind,
    id: u64,
    props: &Props,
    kinds: &[(String, Kind)],
) -> Value {
    let mut all = serde_json::Map::new();
    for (name, to) in kinds {
        let ids = associations::targets(hs, kind, id, props, *to);
        if ids.is_empty() {
            continue;
        }
        let label = associations::type_name(kind, *to);
        let results: Vec<Value> = ids
            .into_iter()
            .map(|t| json!({"id": t, "type": label}))
            .collect();
        all.insert(name.clone(), json!({ "results": results }));
    }
    if !all.is_empty() {
        json["associations"] = Value::Object(all);
    }
    json
}

pub async fn list(
    State(emu): State<Arc<Emulator>>,
    Path(object): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    let params = Params::new(pairs);
    let mut hs = emu.hubspot();
    let Some(kind) = kind_of(&object) else {
        return hs.unknown_object(&object);
    };
    let kinds = match association_kinds(&mut hs, &params) {
        Ok(k) => k,
        Err(response) => return *response,
    };
    let limit = match params.one("limit").map(str::parse::<usize>) {
        None => 10,
        Some(Ok(n)) if (1..=100).contains(&n) => n,
        Some(_) => {
            return hs.error(
                StatusCode::BAD_REQUEST,
                "VALIDATION_ERROR",
                "limit must be between 1 and 100",
            );
        }
    };
    let after = match params.one("after").map(str::parse::<u64>) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            return hs.error(
                StatusCode::BAD_REQUEST,
                "VALIDATION_ERROR",
                "after must be a paging cursor",
            );
        }
    };
    let wanted = params.list("properties");
    if params.one("archived") == Some("true") {
        return archived(hs.table(kind), after, limit);
    }
    // One more than asked tells whether another page exists.
    let ids = hs.table(kind).ids_after(after.saturating_sub(1), limit + 1);
    let mut results = Vec::new();
    for &id in ids.iter().take(limit) {
        if let Some(p) = hs.table(kind).get(id) {
            let json = object_json(kind, id, &p, wanted.as_deref());
            results.push(with_associations(&mut hs, json, kind, id, &p, &kinds));
        }
    }
    let mut body = json!({ "results": results });
    if let Some(next) = ids.get(limit) {
        // The cursor is the first id of the next page, as HubSpot's `after` values are.
        body["paging"] =
            json!({"next": {"after": next.to_string(), "link": format!("?after={next}")}});
    }
    Json(body).into_response()
}

/// The record a path's id names: its object id, or with `idProperty=email` a contact's e-mail.
fn find(hs: &mut Hubspot, kind: Kind, id: &str, id_property: Option<&str>) -> Option<(u64, Props)> {
    let n = match id_property {
        Some("email") if kind == Kind::Person => hs.contact_by_email(id)?,
        None | Some("hs_object_id") => id.parse::<u64>().ok()?,
        Some(_) => return None,
    };
    hs.table(kind).get(n).map(|p| (n, p))
}

pub async fn read(
    State(emu): State<Arc<Emulator>>,
    Path((object, id)): Path<(String, String)>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    let params = Params::new(pairs);
    let mut hs = emu.hubspot();
    let Some(kind) = kind_of(&object) else {
        return hs.unknown_object(&object);
    };
    let kinds = match association_kinds(&mut hs, &params) {
        Ok(k) => k,
        Err(response) => return *response,
    };
    let wanted = params.list("properties");
    match find(&mut hs, kind, &id, params.one("idProperty")) {
        Some((n, props)) => {
            let json = object_json(kind, n, &props, wanted.as_deref());
            Json(with_associations(&mut hs, json, kind, n, &props, &kinds)).into_response()
        }
        None => not_found(&mut hs, &id),
    }
}

/// Parses `{"properties": {...}}`, checking values HubSpot validates (e-mail format, string values).
pub(crate) fn parse_properties(
    created: &[String],
    kind: Kind,
    body: &[u8],
) -> Result<Props, (String, Option<String>)> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        (
            format!(
                "Invalid input JSON on line {}, column {}: {e}",
                e.line(),
                e.column()
            ),
            None,
        )
    })?;
    let Some(props) = value.get("properties").and_then(Value::as_object) else {
        return Err((
            "Invalid input JSON: `properties` must be an object".into(),
            None,
        ));
    };
    validate(created, kind, props)?;
    Ok(props.clone())
}

/// What HubSpot checks of a write's properties: each one exists (listed, or created since; the
/// emulator does not list every internal `hs_` property, so those pass), a picklist's value is one
/// of its options, an e-mail looks like one.
pub(crate) fn validate(
    created: &[String],
    kind: Kind,
    props: &Props,
) -> Result<(), (String, Option<String>)> {
    let listed = super::metadata::property_names(kind);
    if let Some(name) = props.keys().find(|name| {
        !name.starts_with("hs_")
            && !listed.iter().any(|l| l == *name)
            && !created.iter().any(|c| c == *name)
    }) {
        return Err((
            format!(
                "Property values were not valid: [{{\"isValid\":false,\"message\":\"Property \\\"{name}\\\" does not exist\",\"error\":\"PROPERTY_DOESNT_EXIST\",\"name\":\"{name}\"}}]"
            ),
            Some(name.clone()),
        ));
    }
    // A picklist takes its own option values only (`marketingqualifiedlead`, `COMPLETED`, `webinar`).
    for (name, allowed) in super::metadata::defined_options(kind) {
        if let Some(value) = props.get(&name).and_then(Value::as_str)
            && !value.is_empty()
            && !allowed.iter().any(|a| a == value)
        {
            return Err((
                format!(
                    "Property values were not valid: [{{\"isValid\":false,\"message\":\"{value} was not one of the allowed options: [{}]\",\"error\":\"INVALID_OPTION\",\"name\":\"{name}\"}}]",
                    allowed.join(", ")
                ),
                Some(name),
            ));
        }
    }
    if let Some(email) = props.get("email").and_then(Value::as_str)
        && !email.is_empty()
        && !looks_like_email(email)
    {
        return Err((
            format!(
                "Property values were not valid: [{{\"isValid\":false,\"message\":\"Email address {email} is invalid\",\"error\":\"INVALID_EMAIL\",\"name\":\"email\"}}]"
            ),
            Some("email".into()),
        ));
    }
    Ok(())
}

fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.contains(char::is_whitespace)
        && !domain.contains('@')
}

pub(crate) fn validation_error(
    hs: &mut Hubspot,
    message: String,
    field: Option<String>,
) -> Response {
    let Some(field) = field else {
        return hs.error(StatusCode::BAD_REQUEST, "VALIDATION_ERROR", message);
    };
    // With a field named, HubSpot adds per-field detail to its error body.
    let body = json!({
        "status": "error",
        "message": message,
        "correlationId": hs.correlation_id(),
        "category": "VALIDATION_ERROR",
        "errors": [{"message": format!("Property \"{field}\" has an invalid value"), "code": "INVALID_EMAIL", "in": field}],
        "context": {"propertyName": [field]},
    });
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

pub(crate) fn stamp(kind: Kind, props: &mut Props, id: u64, now: i64, created: bool) {
    let iso = render::iso(now);
    props.insert(
        render::modified_property(kind).into(),
        Value::String(iso.clone()),
    );
    props.insert("hs_object_id".into(), Value::String(id.to_string()));
    if created {
        let created_key = if kind.is_activity() {
            "hs_createdate"
        } else {
            "createdate"
        };
        props.insert(created_key.into(), Value::String(iso));
    }
}

pub(crate) fn stringify(props: &mut Props) {
    // HubSpot keeps every property value as a string.
    for v in props.values_mut() {
        match v {
            Value::Number(n) => *v = Value::String(n.to_string()),
            Value::Bool(b) => *v = Value::String(b.to_string()),
            _ => {}
        }
    }
}

/// HubSpot keeps contact e-mails unique: a create of one that exists is a 409 naming the contact.
pub(crate) fn email_taken(hs: &mut Hubspot, kind: Kind, props: &Props) -> Option<Response> {
    if kind != Kind::Person {
        return None;
    }
    let email = props.get("email").and_then(Value::as_str)?;
    let existing = hs.contact_by_email(email)?;
    Some(hs.error(
        StatusCode::CONFLICT,
        "CONFLICT",
        format!("Contact already exists. Existing ID: {existing}"),
    ))
}

pub async fn create(
    State(emu): State<Arc<Emulator>>,
    Path(object): Path<String>,
    body: Bytes,
) -> Response {
    let mut hs = emu.hubspot();
    let Some(kind) = kind_of(&object) else {
        return hs.unknown_object(&object);
    };
    let created = hs.created_names(kind);
    let mut props = match parse_properties(&created, kind, &body) {
        Ok(p) => p,
        Err((message, field)) => return validation_error(&mut hs, message, field),
    };
    if let Some(conflict) = email_taken(&mut hs, kind, &props) {
        return conflict;
    }
    let links = match associations::requested(&body, kind) {
        Ok(links) => links,
        Err(message) => return hs.error(StatusCode::BAD_REQUEST, "VALIDATION_ERROR", message),
    };
    let written: Vec<String> = props.keys().cloned().collect();
    stringify(&mut props);
    let now = now_ms();
    let id = hs.table(kind).peek_next_id();
    stamp(kind, &mut props, id, now, true);
    hs.table(kind).create(props.clone(), now);
    hs.index_email(kind, id, &props);
    for (to, to_id) in links {
        associations::associate(&mut hs, kind, id, to, to_id, true);
    }
    let props = hs.table(kind).get(id).unwrap_or(props);
    (
        StatusCode::CREATED,
        Json(written_json(kind, id, &props, None, &written)),
    )
        .into_response()
}

pub async fn update(
    State(emu): State<Arc<Emulator>>,
    Path((object, id)): Path<(String, String)>,
    Query(pairs): Query<Vec<(String, String)>>,
    body: Bytes,
) -> Response {
    let params = Params::new(pairs);
    let mut hs = emu.hubspot();
    let Some(kind) = kind_of(&object) else {
        return hs.unknown_object(&object);
    };
    let created = hs.created_names(kind);
    let changes = match parse_properties(&created, kind, &body) {
        Ok(p) => p,
        Err((message, field)) => return validation_error(&mut hs, message, field),
    };
    let Some((n, mut props)) = find(&mut hs, kind, &id, params.one("idProperty")) else {
        return not_found(&mut hs, &id);
    };
    let written: Vec<String> = changes.keys().cloned().collect();
    let mut changes = changes;
    stringify(&mut changes);
    props.extend(changes);
    let now = now_ms();
    stamp(kind, &mut props, n, now, false);
    hs.table(kind).put(n, props.clone(), now);
    hs.index_email(kind, n, &props);
    Json(written_json(kind, n, &props, None, &written)).into_response()
}

pub async fn archive(
    State(emu): State<Arc<Emulator>>,
    Path((object, id)): Path<(String, String)>,
) -> Response {
    let mut hs = emu.hubspot();
    let Some(kind) = kind_of(&object) else {
        return hs.unknown_object(&object);
    };
    match id.parse::<u64>() {
        Ok(n) if hs.table(kind).delete(n) => {
            hs.forget_email(kind, n);
            StatusCode::NO_CONTENT.into_response()
        }
        _ => not_found(&mut hs, &id),
    }
}

/// `archived=true`: the records that were archived (deleted), in the order they went, with `archivedAt`.
fn archived(table: &crate::table::Table, after: u64, limit: usize) -> Response {
    let all = table.deleted_between(i64::MIN, i64::MAX);
    let start = after as usize;
    let results: Vec<Value> = all
        .iter()
        .skip(start)
        .take(limit)
        .map(|(t, id)| json!({"id": id.to_string(), "properties": {}, "archived": true, "archivedAt": render::iso(*t)}))
        .collect();
    let mut body = json!({ "results": results });
    if start + limit < all.len() {
        let next = (start + limit).to_string();
        body["paging"] =
            json!({"next": {"after": next, "link": format!("?after={next}&archived=true")}});
    }
    Json(body).into_response()
}
