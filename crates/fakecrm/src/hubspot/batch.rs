//! `POST /crm/v3/objects/{type}/batch/{read|create|update|upsert|archive}`: at most 100 inputs;
//! 207 with `errors[]` and `numErrors` when some inputs fail; create is all-or-nothing.

use std::sync::Arc;

use axum::{
    Json,
    body::Bytes,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};

use super::{
    Hubspot, associations, kind_of,
    objects::{object_json, stamp, stringify, validate, written_json},
    render,
};
use crate::{Emulator, now_ms, seed::Kind, table::Props};

const MAX_INPUTS: usize = 100;

fn object_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Lead => unreachable!("no table of this kind in this CRM"),
        Kind::Person => "CONTACT",
        Kind::Company => "COMPANY",
        Kind::Deal => "DEAL",
        Kind::Note => "NOTE",
        Kind::Call => "CALL",
        Kind::Email => "EMAIL",
        Kind::Meeting => "MEETING",
        Kind::Task => "TASK",
        Kind::Invoice => "2-7100001",
    }
}

fn batch_response(results: Vec<Value>, errors: Vec<Value>, ok: StatusCode) -> Response {
    let now = render::iso(now_ms());
    let mut body =
        json!({"status": "COMPLETE", "results": results, "startedAt": now, "completedAt": now});
    if errors.is_empty() {
        return (ok, Json(body)).into_response();
    }
    body["numErrors"] = json!(errors.len());
    body["errors"] = json!(errors);
    (StatusCode::MULTI_STATUS, Json(body)).into_response()
}

fn standard_error(category: &str, message: String, context: Value) -> Value {
    json!({"status": "error", "category": category, "message": message, "context": context, "errors": []})
}

pub async fn batch(
    State(emu): State<Arc<Emulator>>,
    Path((object, action)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let mut hs = emu.hubspot();
    let Some(kind) = kind_of(&object) else {
        return hs.unknown_object(&object);
    };
    let request: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return hs.error(
                StatusCode::BAD_REQUEST,
                "VALIDATION_ERROR",
                format!("Invalid input JSON: {e}"),
            );
        }
    };
    let Some(inputs) = request["inputs"].as_array().cloned() else {
        return hs.error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "Invalid input JSON: `inputs` must be an array",
        );
    };
    if inputs.len() > MAX_INPUTS {
        return hs.error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            format!(
                "Batch input size {} exceeds the limit of {MAX_INPUTS} inputs",
                inputs.len()
            ),
        );
    }
    let wanted: Option<Vec<String>> = request["properties"].as_array().map(|a| {
        a.iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    });
    match action.as_str() {
        "read" => read(
            &mut hs,
            kind,
            &inputs,
            wanted.as_deref(),
            request["idProperty"].as_str(),
        ),
        "create" => create(&mut hs, kind, &inputs),
        "update" => update(&mut hs, kind, &inputs),
        "upsert" => upsert(&mut hs, kind, &inputs),
        "archive" => {
            for input in &inputs {
                if let Some(id) = input["id"].as_str().and_then(|s| s.parse().ok()) {
                    hs.table(kind).delete(id);
                }
            }
            StatusCode::NO_CONTENT.into_response()
        }
        other => hs.error(
            StatusCode::NOT_FOUND,
            "OBJECT_NOT_FOUND",
            format!("No batch action `{other}`"),
        ),
    }
}

fn read(
    hs: &mut Hubspot,
    kind: Kind,
    inputs: &[Value],
    wanted: Option<&[String]>,
    id_property: Option<&str>,
) -> Response {
    let mut results = Vec::new();
    let mut missing = Vec::new();
    for input in inputs {
        let key = input["id"].as_str().unwrap_or_default().to_owned();
        let id = match id_property {
            Some("email") if kind == Kind::Person => hs.contact_by_email(&key),
            _ => key.parse::<u64>().ok(),
        };
        match id.and_then(|id| hs.table(kind).get(id).map(|p| (id, p))) {
            Some((id, props)) => results.push(object_json(kind, id, &props, wanted)),
            None => missing.push(key),
        }
    }
    let errors = if missing.is_empty() {
        vec![]
    } else {
        vec![standard_error(
            "OBJECT_NOT_FOUND",
            format!(
                "Could not get some {} objects, they may be deleted or not exist. Check that ids are valid.",
                object_label(kind)
            ),
            json!({"ids": missing}),
        )]
    };
    batch_response(results, errors, StatusCode::OK)
}

fn create(hs: &mut Hubspot, kind: Kind, inputs: &[Value]) -> Response {
    // All or nothing: HubSpot fails the whole batch on the first bad input unless multi-status is on.
    let mut prepared = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let Some(props) = input["properties"].as_object() else {
            return hs.error(
                StatusCode::BAD_REQUEST,
                "VALIDATION_ERROR",
                format!("inputs[{i}].properties must be an object"),
            );
        };
        if let Err((message, field)) = validate(&hs.created_names(kind), kind, props) {
            return super::objects::validation_error(hs, message, field);
        }
        if let Some(conflict) = super::objects::email_taken(hs, kind, props) {
            return conflict;
        }
        let links = match associations::requested_in(input.get("associations"), kind) {
            Ok(links) => links,
            Err(message) => {
                return hs.error(StatusCode::BAD_REQUEST, "VALIDATION_ERROR", message);
            }
        };
        let written: Vec<String> = props.keys().cloned().collect();
        let mut props = props.clone();
        stringify(&mut props);
        prepared.push((props, links, written));
    }
    let now = now_ms();
    let mut results = Vec::new();
    for (mut props, links, written) in prepared {
        let id = hs.table(kind).peek_next_id();
        stamp(kind, &mut props, id, now, true);
        hs.table(kind).create(props.clone(), now);
        hs.index_email(kind, id, &props);
        for (to, to_id) in links {
            associations::associate(hs, kind, id, to, to_id, true);
        }
        let props = hs.table(kind).get(id).unwrap_or(props);
        results.push(written_json(kind, id, &props, None, &written));
    }
    batch_response(results, vec![], StatusCode::CREATED)
}

/// An input's `properties`, validated and stringified, or the StandardError that refuses the input.
fn input_changes(created: &[String], kind: Kind, input: &Value, key: &str) -> Result<Props, Value> {
    let Some(changes) = input["properties"].as_object() else {
        return Err(standard_error(
            "VALIDATION_ERROR",
            "properties must be an object".into(),
            json!({"ids": [key]}),
        ));
    };
    if let Err((message, field)) = validate(created, kind, changes) {
        return Err(standard_error(
            "VALIDATION_ERROR",
            message,
            json!({"ids": [key], "propertyName": [field]}),
        ));
    }
    let mut changes = changes.clone();
    stringify(&mut changes);
    Ok(changes)
}

fn update(hs: &mut Hubspot, kind: Kind, inputs: &[Value]) -> Response {
    let now = now_ms();
    let mut results = Vec::new();
    let mut errors = Vec::new();
    for input in inputs {
        let key = input["id"].as_str().unwrap_or_default().to_owned();
        let changes = match input_changes(&hs.created_names(kind), kind, input, &key) {
            Ok(c) => c,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let Some((id, mut props)) = key
            .parse::<u64>()
            .ok()
            .and_then(|id| hs.table(kind).get(id).map(|p| (id, p)))
        else {
            errors.push(standard_error(
                "OBJECT_NOT_FOUND",
                format!("Could not get some {} objects, they may be deleted or not exist. Check that ids are valid.", object_label(kind)),
                json!({"ids": [key]}),
            ));
            continue;
        };
        props.extend(changes);
        stamp(kind, &mut props, id, now, false);
        hs.table(kind).put(id, props.clone(), now);
        hs.index_email(kind, id, &props);
        results.push(object_json(kind, id, &props, None));
    }
    batch_response(results, errors, StatusCode::OK)
}

/// Upsert by a unique property (contacts by `email`); each result says whether it is `new`.
fn upsert(hs: &mut Hubspot, kind: Kind, inputs: &[Value]) -> Response {
    let now = now_ms();
    let mut results = Vec::new();
    let mut errors = Vec::new();
    for input in inputs {
        let key = input["id"].as_str().unwrap_or_default().to_owned();
        let id_property = input["idProperty"].as_str().unwrap_or("hs_object_id");
        let changes = match input_changes(&hs.created_names(kind), kind, input, &key) {
            Ok(c) => c,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let existing = match id_property {
            "email" if kind == Kind::Person => hs.contact_by_email(&key),
            "hs_object_id" => key
                .parse::<u64>()
                .ok()
                .filter(|id| hs.table(kind).exists(*id)),
            other => {
                errors.push(standard_error(
                    "VALIDATION_ERROR",
                    format!("{other} is not a unique property"),
                    json!({"ids": [key]}),
                ));
                continue;
            }
        };
        let (id, mut props, new) = match existing {
            Some(id) => (id, hs.table(kind).get(id).unwrap_or_default(), false),
            None => {
                let mut props = Props::new();
                if id_property == "email" {
                    props.insert("email".into(), Value::String(key.clone()));
                }
                (hs.table(kind).peek_next_id(), props, true)
            }
        };
        props.extend(changes);
        stamp(kind, &mut props, id, now, new);
        if new {
            hs.table(kind).create(props.clone(), now);
        } else {
            hs.table(kind).put(id, props.clone(), now);
        }
        hs.index_email(kind, id, &props);
        let mut result = object_json(kind, id, &props, None);
        result["new"] = json!(new);
        results.push(result);
    }
    batch_response(results, errors, StatusCode::OK)
}
