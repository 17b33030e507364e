//! `GET /crm/v4/objects/{type}/{id}/associations/{toType}` with HubSpot's default association type ids.

use std::sync::Arc;

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};

use super::{kind_of, merge::association_key};
use crate::{Emulator, seed::Kind};

/// HubSpot-defined association type ids (from -> to): the unlabeled ones, and the older "primary"
/// ids a create may still name (contact -> company 1, company -> contact 2, deal -> company 5,
/// company -> deal 6).
const PRIMARY_TYPE_IDS: [(Kind, Kind, u64); 4] = [
    (Kind::Person, Kind::Company, 1),
    (Kind::Company, Kind::Person, 2),
    (Kind::Deal, Kind::Company, 5),
    (Kind::Company, Kind::Deal, 6),
];

/// The v3 name of an association type, as lists and reads show it (`contact_to_company`).
pub(crate) fn type_name(from: Kind, to: Kind) -> String {
    let singular = |k: Kind| match k {
        Kind::Person => "contact",
        Kind::Company => "company",
        Kind::Deal => "deal",
        Kind::Call => "call",
        Kind::Email => "email",
        Kind::Meeting => "meeting",
        Kind::Task => "task",
        Kind::Invoice => "invoice",
        _ => "note",
    };
    format!("{}_to_{}", singular(from), singular(to))
}

/// The object type a HubSpot-defined association type id leads to from `from`.
fn target_of(from: Kind, type_id_given: u64) -> Option<Kind> {
    let kinds = [Kind::Person, Kind::Company, Kind::Deal, Kind::Note];
    kinds
        .into_iter()
        .chain(Kind::ACTIVITIES)
        .find(|&to| type_id(from, to) == type_id_given)
        .or_else(|| {
            PRIMARY_TYPE_IDS
                .iter()
                .find(|(f, _, id)| *f == from && *id == type_id_given)
                .map(|(_, to, _)| *to)
        })
}

/// The associations a create asks for: `[{"to": {"id"}, "types": [{"associationTypeId"}]}]`, each
/// as (object type, id); an unknown type id or a non-numeric id is refused as HubSpot does.
pub(crate) fn requested(body: &[u8], from: Kind) -> Result<Vec<(Kind, u64)>, String> {
    let value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    requested_in(value.get("associations"), from)
}

pub(crate) fn requested_in(list: Option<&Value>, from: Kind) -> Result<Vec<(Kind, u64)>, String> {
    let mut out = Vec::new();
    for a in list.and_then(Value::as_array).into_iter().flatten() {
        let to_id = a["to"]["id"]
            .as_str()
            .and_then(|s| s.parse::<u64>().ok())
            .or_else(|| a["to"]["id"].as_u64())
            .ok_or_else(|| format!("Invalid association target id: {}", a["to"]["id"]))?;
        for t in a["types"].as_array().into_iter().flatten() {
            let id = t["associationTypeId"].as_u64().unwrap_or_default();
            let to = target_of(from, id).ok_or_else(|| {
                format!("{id} is not a valid association type id from this object type")
            })?;
            out.push((to, to_id));
        }
    }
    Ok(out)
}

/// HubSpot-defined association type ids (from -> to).
fn type_id(from: Kind, to: Kind) -> u64 {
    match (from, to) {
        (Kind::Person, Kind::Company) => 279,
        (Kind::Company, Kind::Person) => 280,
        (Kind::Deal, Kind::Person) => 3,
        (Kind::Person, Kind::Deal) => 4,
        (Kind::Deal, Kind::Company) => 341,
        (Kind::Company, Kind::Deal) => 342,
        (Kind::Note, Kind::Person) => 202,
        (Kind::Note, Kind::Company) => 190,
        (Kind::Note, Kind::Deal) => 214,
        (Kind::Person, Kind::Note) => 201,
        (Kind::Company, Kind::Note) => 189,
        (Kind::Deal, Kind::Note) => 213,
        (Kind::Call, Kind::Company) => 182,
        (Kind::Call, Kind::Person) => 194,
        (Kind::Call, Kind::Deal) => 206,
        (Kind::Company, Kind::Call) => 181,
        (Kind::Person, Kind::Call) => 193,
        (Kind::Deal, Kind::Call) => 205,
        (Kind::Email, Kind::Company) => 186,
        (Kind::Email, Kind::Person) => 198,
        (Kind::Email, Kind::Deal) => 210,
        (Kind::Company, Kind::Email) => 185,
        (Kind::Person, Kind::Email) => 197,
        (Kind::Deal, Kind::Email) => 209,
        (Kind::Meeting, Kind::Company) => 188,
        (Kind::Meeting, Kind::Person) => 200,
        (Kind::Meeting, Kind::Deal) => 212,
        (Kind::Company, Kind::Meeting) => 187,
        (Kind::Person, Kind::Meeting) => 199,
        (Kind::Deal, Kind::Meeting) => 211,
        (Kind::Task, Kind::Company) => 192,
        (Kind::Task, Kind::Person) => 204,
        (Kind::Task, Kind::Deal) => 216,
        (Kind::Company, Kind::Task) => 191,
        (Kind::Person, Kind::Task) => 203,
        (Kind::Deal, Kind::Task) => 215,
        // Defined with the custom object's schema (USER_DEFINED in HubSpot).
        (Kind::Invoice, Kind::Company) => 71,
        (Kind::Company, Kind::Invoice) => 72,
        _ => 0,
    }
}

pub async fn list(
    State(emu): State<Arc<Emulator>>,
    Path((object, id, to)): Path<(String, String, String)>,
) -> Response {
    let mut hs = emu.hubspot();
    let (Some(from), Some(to_kind)) = (kind_of(&object), kind_of(&to)) else {
        return hs.error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            format!("Unable to infer object type from: {object} or {to}"),
        );
    };
    let Some((n, props)) = id
        .parse::<u64>()
        .ok()
        .and_then(|n| hs.table(from).get(n).map(|p| (n, p)))
    else {
        return hs.error(
            StatusCode::NOT_FOUND,
            "OBJECT_NOT_FOUND",
            format!("Object not found. id: {id}"),
        );
    };
    let targets = targets(&mut hs, from, n, &props, to_kind);
    let type_id = type_id(from, to_kind);
    let results: Vec<Value> = targets
        .into_iter()
        .map(|t| json!({"toObjectId": t, "associationTypes": [{"category": "HUBSPOT_DEFINED", "typeId": type_id, "label": null}]}))
        .collect();
    Json(json!({"results": results})).into_response()
}

/// The ids `from` record `n` is associated with among `to_kind`: lists kept on the record (deals,
/// notes), a contact's primary company, and the deals and notes that point back at it.
pub(crate) fn targets(
    hs: &mut super::Hubspot,
    from: Kind,
    n: u64,
    props: &crate::table::Props,
    to_kind: Kind,
) -> Vec<String> {
    let mut targets: Vec<String> = Vec::new();
    // Forward: lists kept on this record (deals, notes) or the contact's primary company.
    if let Some(list) = association_key(to_kind)
        .and_then(|k| props.get(k))
        .and_then(Value::as_array)
    {
        targets.extend(list.iter().filter_map(|v| v.as_str().map(str::to_owned)));
    }
    if from == Kind::Person
        && to_kind == Kind::Company
        && let Some(c) = props.get("associatedcompanyid").and_then(Value::as_str)
    {
        targets.push(c.to_owned());
    }
    // Reverse: the contacts whose primary company this is.
    if from == Kind::Company && to_kind == Kind::Person {
        let wanted = n.to_string();
        let table = hs.table(Kind::Person);
        targets.extend(
            table
                .live_ids()
                .filter(|&other| {
                    table.get(other).is_some_and(|p| {
                        p.get("associatedcompanyid").and_then(Value::as_str)
                            == Some(wanted.as_str())
                    })
                })
                .map(|other| other.to_string()),
        );
    }
    // Reverse: deals and activities that point at this record.
    if holds_lists(to_kind)
        && let Some(key) = association_key(from)
    {
        let wanted = n.to_string();
        let table = hs.table(to_kind);
        targets.extend(
            table
                .live_ids()
                .filter(|&other| {
                    table
                        .get(other)
                        .and_then(|p| p.get(key).and_then(Value::as_array).cloned())
                        .is_some_and(|l| l.iter().any(|v| v.as_str() == Some(wanted.as_str())))
                })
                .map(|other| other.to_string()),
        );
    }
    targets.sort_by_key(|t| t.parse::<u64>().unwrap_or(u64::MAX));
    targets.dedup();
    targets
}

/// `POST /crm/v4/associations/{from}/{to}/batch/read` `{"inputs": [{"id"}]}`: the associations of
/// many records at once; ids that do not exist are left out.
pub async fn batch_read(
    State(emu): State<Arc<Emulator>>,
    Path((object, to)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Response {
    let mut hs = emu.hubspot();
    let (Some(from), Some(to_kind)) = (kind_of(&object), kind_of(&to)) else {
        return hs.error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            format!("Unable to infer object type from: {object} or {to}"),
        );
    };
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let Some(inputs) = request["inputs"].as_array() else {
        return hs.error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "Invalid input JSON: `inputs` must be an array",
        );
    };
    if inputs.len() > 1000 {
        return hs.error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "Batch input size exceeds the limit of 1000 inputs",
        );
    }
    let type_id = type_id(from, to_kind);
    let mut results = Vec::new();
    for input in inputs {
        let id = input["id"]
            .as_str()
            .map(str::to_owned)
            .or_else(|| input["id"].as_u64().map(|n| n.to_string()));
        let Some((n, props)) = id
            .and_then(|id| id.parse::<u64>().ok())
            .and_then(|n| hs.table(from).get(n).map(|p| (n, p)))
        else {
            continue;
        };
        let to: Vec<Value> = targets(&mut hs, from, n, &props, to_kind)
            .into_iter()
            .map(|t| json!({"toObjectId": t, "associationTypes": [{"category": "HUBSPOT_DEFINED", "typeId": type_id, "label": null}]}))
            .collect();
        results.push(json!({"from": {"id": n.to_string()}, "to": to}));
    }
    let now = crate::hubspot::render::iso(crate::now_ms());
    Json(json!({"status": "COMPLETE", "results": results, "startedAt": now, "completedAt": now}))
        .into_response()
}

/// Deals, activities and invoices keep their associations as lists of ids (`_contacts`, `_companies`, `_deals`).
fn holds_lists(kind: Kind) -> bool {
    kind == Kind::Deal || kind == Kind::Invoice || kind.is_activity()
}

/// Where an association between two records is kept: (the record holding it, its id, the property),
/// the list on a deal or note, or a contact's primary company.
fn holder(from: Kind, n: u64, to: Kind, m: u64) -> Option<(Kind, u64, &'static str, u64)> {
    if holds_lists(from)
        && let Some(key) = association_key(to)
    {
        return Some((from, n, key, m));
    }
    if holds_lists(to)
        && let Some(key) = association_key(from)
    {
        return Some((to, m, key, n));
    }
    match (from, to) {
        (Kind::Person, Kind::Company) => Some((Kind::Person, n, "associatedcompanyid", m)),
        (Kind::Company, Kind::Person) => Some((Kind::Person, m, "associatedcompanyid", n)),
        _ => None,
    }
}

/// `PUT .../associations/default/{toType}/{toId}` adds, `DELETE .../associations/{toType}/{toId}`
/// removes one association.
async fn change(
    emu: &Emulator,
    object: &str,
    id: &str,
    to: &str,
    to_id: &str,
    add: bool,
) -> Response {
    let mut hs = emu.hubspot();
    let (Some(from), Some(to_kind)) = (kind_of(object), kind_of(to)) else {
        return hs.error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            format!("Unable to infer object type from: {object} or {to}"),
        );
    };
    let live = |hs: &mut super::Hubspot, kind: Kind, id: &str| {
        id.parse::<u64>()
            .ok()
            .filter(|&n| hs.table(kind).get(n).is_some())
    };
    let (Some(n), Some(m)) = (live(&mut hs, from, id), live(&mut hs, to_kind, to_id)) else {
        return hs.error(
            StatusCode::NOT_FOUND,
            "OBJECT_NOT_FOUND",
            format!("Object not found: {object} {id} or {to} {to_id}"),
        );
    };
    if !associate(&mut hs, from, n, to_kind, m, add) {
        return hs.error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            format!("{object} cannot be associated with {to} here"),
        );
    }
    if add {
        let type_id = type_id(from, to_kind);
        (
            StatusCode::OK,
            Json(json!({"status": "COMPLETE", "results": [{"fromObjectTypeId": object, "fromObjectId": n,
                "toObjectTypeId": to, "toObjectId": m,
                "associationSpec": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}}]})),
        )
            .into_response()
    } else {
        StatusCode::NO_CONTENT.into_response()
    }
}

pub async fn add_default(
    State(emu): State<Arc<Emulator>>,
    Path((object, id, to, to_id)): Path<(String, String, String, String)>,
) -> Response {
    change(&emu, &object, &id, &to, &to_id, true).await
}

pub async fn remove(
    State(emu): State<Arc<Emulator>>,
    Path((object, id, to, to_id)): Path<(String, String, String, String)>,
) -> Response {
    change(&emu, &object, &id, &to, &to_id, false).await
}

/// Adds (or removes) the association of record `n` of `from` with record `m` of `to`, where the
/// emulator keeps it; false when the two types cannot be associated or the holder is gone.
pub(crate) fn associate(
    hs: &mut super::Hubspot,
    from: Kind,
    n: u64,
    to: Kind,
    m: u64,
    add: bool,
) -> bool {
    let Some((kind, holder_id, key, other)) = holder(from, n, to, m) else {
        return false;
    };
    let Some(mut props) = hs.table(kind).get(holder_id) else {
        return false;
    };
    let other = other.to_string();
    if key == "associatedcompanyid" {
        if add {
            props.insert(key.into(), Value::String(other));
        } else if props.get(key).and_then(Value::as_str) == Some(other.as_str()) {
            props.insert(key.into(), Value::Null);
        }
    } else {
        let list = props
            .entry(key.to_owned())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = list {
            list.retain(|v| v.as_str() != Some(other.as_str()));
            if add {
                list.push(Value::String(other));
            }
        }
    }
    let now = crate::now_ms();
    super::objects::stamp(kind, &mut props, holder_id, now, false);
    hs.table(kind).put(holder_id, props, now);
    true
}
