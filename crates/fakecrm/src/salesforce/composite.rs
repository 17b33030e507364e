//! sObject Collections: `POST|PATCH /composite/sobjects` and `DELETE /composite/sobjects?ids=`, at most
//! 200 records, HTTP 200 whatever happened to each, results in request order with `statusCode` errors;
//! with `allOrNone` a single failure writes nothing and the others report ALL_OR_NONE_OPERATION_ROLLED_BACK.

use std::{collections::HashMap, sync::Arc};

use axum::{
    Json,
    body::Bytes,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::{Map, Value, json};

use super::{Salesforce, error, render, rest};
use crate::{Emulator, now_ms, seed::Kind};

const MAX_RECORDS: usize = 200;

type Failure = (&'static str, String, Vec<String>);

fn failed(f: &Failure) -> Value {
    json!({"success": false, "errors": [{"statusCode": f.0, "message": f.1, "fields": f.2}]})
}

fn rolled_back() -> Value {
    json!({"success": false, "errors": [{"statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK",
        "message": "Record rolled back because not all records were valid and the request was using AllOrNone header", "fields": []}]})
}

/// The sObject type of a record in a collection request.
fn kind_of_record(record: &Map<String, Value>) -> Result<Kind, Failure> {
    let name = record
        .get("attributes")
        .and_then(|a| a.get("type"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    render::kind_of(name).ok_or_else(|| {
        (
            "INVALID_TYPE",
            format!("sObject type '{name}' is not supported."),
            vec![],
        )
    })
}

fn parse(body: &[u8]) -> Result<(bool, Vec<Map<String, Value>>), Failure> {
    let value: Value = serde_json::from_slice(body).map_err(|_| {
        (
            "JSON_PARSER_ERROR",
            "The request body is not valid JSON.".to_owned(),
            vec![],
        )
    })?;
    let records: Vec<Map<String, Value>> = value["records"]
        .as_array()
        .ok_or_else(|| {
            (
                "INVALID_FIELD",
                "records must be an array".to_owned(),
                vec![],
            )
        })?
        .iter()
        .map(|r| r.as_object().cloned().unwrap_or_default())
        .collect();
    if records.len() > MAX_RECORDS {
        return Err((
            "EXCEEDED_ID_LIMIT",
            format!(
                "Maximum size of request reached. Maximum size of request is {MAX_RECORDS} records."
            ),
            vec![],
        ));
    }
    Ok((value["allOrNone"].as_bool().unwrap_or(false), records))
}

fn refused(f: Failure) -> Response {
    error(StatusCode::BAD_REQUEST, f.0, f.1, &[])
}

/// Checks every record first, so allOrNone can refuse the whole request before anything is written.
fn check(
    sf: &mut Salesforce,
    records: &[Map<String, Value>],
    creating: bool,
) -> Vec<Result<Kind, Failure>> {
    records
        .iter()
        .map(|record| {
            let kind = kind_of_record(record)?;
            if creating && record.contains_key("id") {
                return Err((
                    "INVALID_FIELD",
                    "Can't create a record with an Id.".into(),
                    vec!["id".into()],
                ));
            }
            rest::check_write(sf, kind, record, creating)?;
            if !creating {
                let id = record.get("id").and_then(Value::as_str).unwrap_or_default();
                if !render::decode(kind, id).is_some_and(|n| sf.table(kind).exists(n)) {
                    return Err((
                        "ENTITY_IS_DELETED",
                        format!("entity is deleted or does not exist: {id}"),
                        vec![],
                    ));
                }
            }
            Ok(kind)
        })
        .collect()
}

fn answer(
    sf: &mut Salesforce,
    records: Vec<Map<String, Value>>,
    all_or_none: bool,
    creating: bool,
) -> Response {
    let checks = check(sf, &records, creating);
    if all_or_none && checks.iter().any(Result::is_err) {
        let results: Vec<Value> = checks
            .iter()
            .map(|c| c.as_ref().err().map_or_else(rolled_back, failed))
            .collect();
        return Json(results).into_response();
    }
    let now = now_ms();
    let results: Vec<Value> = records
        .into_iter()
        .zip(checks)
        .map(|(record, check)| {
            let outcome = check.and_then(|kind| {
                if creating {
                    rest::insert(sf, kind, &record, now)
                } else {
                    let id = record
                        .get("id")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned();
                    rest::patch(sf, kind, &id, &record, now).map(|_| id)
                }
            });
            match outcome {
                Ok(id) => json!({"id": id, "success": true, "errors": []}),
                Err(f) => failed(&f),
            }
        })
        .collect();
    Json(results).into_response()
}

pub async fn create(State(emu): State<Arc<Emulator>>, body: Bytes) -> Response {
    match parse(&body) {
        Ok((all_or_none, records)) => answer(&mut emu.salesforce(), records, all_or_none, true),
        Err(f) => refused(f),
    }
}

pub async fn update(State(emu): State<Arc<Emulator>>, body: Bytes) -> Response {
    match parse(&body) {
        Ok((all_or_none, records)) => answer(&mut emu.salesforce(), records, all_or_none, false),
        Err(f) => refused(f),
    }
}

/// `DELETE /composite/sobjects?ids=a,b&allOrNone=false`: ids of any type, each answered in order.
pub async fn delete(
    State(emu): State<Arc<Emulator>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let ids: Vec<String> = q
        .get("ids")
        .map(|s| s.split(',').map(str::to_owned).collect())
        .unwrap_or_default();
    if ids.len() > MAX_RECORDS {
        return error(
            StatusCode::BAD_REQUEST,
            "EXCEEDED_ID_LIMIT",
            format!("Maximum of {MAX_RECORDS} ids."),
            &[],
        );
    }
    let all_or_none = q.get("allOrNone").is_some_and(|v| v == "true");
    let mut sf = emu.salesforce();
    let found: Vec<Option<(Kind, u64)>> = ids
        .iter()
        .map(|id| {
            super::SOBJECT_KINDS.into_iter().find_map(|k| {
                render::decode(k, id)
                    .filter(|n| sf.table(k).exists(*n))
                    .map(|n| (k, n))
            })
        })
        .collect();
    let missing = |id: &str| {
        (
            "ENTITY_IS_DELETED",
            format!("entity is deleted: {id}"),
            vec![],
        )
    };
    if all_or_none && found.iter().any(Option::is_none) {
        let results: Vec<Value> = ids
            .iter()
            .zip(&found)
            .map(|(id, f)| {
                if f.is_some() {
                    rolled_back()
                } else {
                    failed(&missing(id))
                }
            })
            .collect();
        return Json(results).into_response();
    }
    let results: Vec<Value> = ids
        .iter()
        .zip(found)
        .map(|(id, f)| match f {
            Some((kind, n)) => {
                sf.table(kind).delete(n);
                json!({"id": id, "success": true, "errors": []})
            }
            None => failed(&missing(id)),
        })
        .collect();
    Json(results).into_response()
}

/// `GET /composite/sobjects/{X}?ids=&fields=` and `POST` with `{"ids", "fields"}`: several records of
/// one type, in the order asked, `null` where an id names no record.
fn read_many(sf: &mut Salesforce, sobject: &str, ids: &[String], fields: &[String]) -> Response {
    let Some(kind) = render::kind_of(sobject) else {
        return error(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            format!(
                "The requested resource does not exist: sObject type '{sobject}' is not supported."
            ),
            &[],
        );
    };
    if ids.len() > 2_000 {
        return error(
            StatusCode::BAD_REQUEST,
            "EXCEEDED_ID_LIMIT",
            "Maximum of 2000 ids.",
            &[],
        );
    }
    if fields.is_empty() {
        return error(
            StatusCode::BAD_REQUEST,
            "MISSING_ARGUMENT",
            "fields is required",
            &[],
        );
    }
    if let Some(refusal) = rest::unknown_field(sf, kind, fields.iter()) {
        return refusal;
    }
    let records: Vec<Value> = ids
        .iter()
        .map(|id| {
            render::decode(kind, id)
                .and_then(|n| sf.table(kind).get(n))
                .map_or(Value::Null, |p| render::record_json(kind, &p, Some(fields)))
        })
        .collect();
    Json(records).into_response()
}

pub async fn read(
    State(emu): State<Arc<Emulator>>,
    Path(sobject): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let list = |key: &str| q.get(key).map_or_else(Vec::new, |s| rest::comma_list(s));
    let (ids, fields) = (list("ids"), list("fields"));
    read_many(&mut emu.salesforce(), &sobject, &ids, &fields)
}

pub async fn read_by_body(
    State(emu): State<Arc<Emulator>>,
    Path(sobject): Path<String>,
    body: Bytes,
) -> Response {
    let value: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let strings = |key: &str| -> Vec<String> {
        value[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    };
    read_many(
        &mut emu.salesforce(),
        &sobject,
        &strings("ids"),
        &strings("fields"),
    )
}
