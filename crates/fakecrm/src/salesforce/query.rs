//! `GET /query?q=SOQL` and `GET /query/{locator}-{offset}`: batches of up to 2,000 records with
//! `totalSize`, `done` and `nextRecordsUrl`, followed verbatim until `done` is true.

use std::{collections::HashMap, sync::Arc};

use axum::{
    Json,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};

use super::{Salesforce, directory, error, render, schema, soql};
use crate::{Emulator, seed::Kind, table::Props};

const MAX_BATCH: usize = 2_000;
/// Open query locators kept at most; the oldest expire first, as idle locators do on Salesforce.
const MAX_LOCATORS: usize = 1_000;

/// A query's results waiting to be fetched batch by batch.
pub struct Locator {
    kind: Kind,
    /// The API version the query was asked in (`v62.0`): its next pages are under the same one.
    version: String,
    ids: Vec<u64>,
    fields: Vec<String>,
    batch: usize,
}

/// `Sforce-Query-Options: batchSize=N` (200 to 2,000).
fn batch_size(headers: &HeaderMap) -> usize {
    headers
        .get("sforce-query-options")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(',')
                .find_map(|p| p.trim().strip_prefix("batchSize=")?.parse::<usize>().ok())
        })
        .map_or(MAX_BATCH, |n| n.clamp(200, MAX_BATCH))
}

fn page(sf: &mut Salesforce, locator_id: &str, offset: usize) -> Response {
    let Some(locator) = sf.locators.get(locator_id) else {
        return error(
            StatusCode::NOT_FOUND,
            "INVALID_QUERY_LOCATOR",
            "invalid query locator",
            &[],
        );
    };
    let (kind, fields, batch, total, version) = (
        locator.kind,
        locator.fields.clone(),
        locator.batch,
        locator.ids.len(),
        locator.version.clone(),
    );
    let ids: Vec<u64> = locator
        .ids
        .iter()
        .skip(offset)
        .take(batch)
        .copied()
        .collect();
    let records: Vec<Value> = ids
        .into_iter()
        .filter_map(|id| sf.table(kind).get(id))
        .map(|props| render::record_json(kind, &props, Some(&fields)))
        .collect();
    let next = offset + batch;
    let mut body = json!({"totalSize": total, "done": next >= total, "records": records});
    if next < total {
        body["nextRecordsUrl"] = json!(format!(
            "/services/data/{version}/query/{locator_id}-{next}"
        ));
    } else {
        sf.locators.remove(locator_id);
    }
    Json(body).into_response()
}

/// The API version a request was made in (`/services/data/v62.0/...`).
pub(super) fn version_of(uri: &axum::http::Uri) -> String {
    uri.path()
        .strip_prefix("/services/data/")
        .and_then(|rest| rest.split('/').next())
        .filter(|v| v.starts_with('v'))
        .unwrap_or(render::API_VERSION)
        .to_owned()
}

/// The records a SOQL query selects (sorted and limited), with the fields it names as the schema
/// spells them; a directory query (users, stages) or a refusal is answered as it stands.
pub(super) enum Selected {
    Rows {
        kind: Kind,
        ids: Vec<u64>,
        fields: Vec<String>,
    },
    Count(usize),
    Answer(Response),
}

pub(super) fn select(sf: &mut Salesforce, soql_text: &str) -> Selected {
    let query = match soql::parse(soql_text) {
        Ok(q) => q,
        Err(m) => {
            return Selected::Answer(error(StatusCode::BAD_REQUEST, "MALFORMED_QUERY", m, &[]));
        }
    };
    if let Some(directory) = directory::rows(&query.sobject) {
        return Selected::Answer(directory_answer(&query, directory));
    }
    let Some(kind) = render::kind_of(&query.sobject) else {
        return Selected::Answer(error(
            StatusCode::BAD_REQUEST,
            "INVALID_TYPE",
            format!("sObject type '{}' is not supported.", query.sobject),
            &[],
        ));
    };
    let named = query
        .fields
        .iter()
        .chain(query.conditions.iter().map(|c| &c.field))
        .chain(query.order.iter().map(|o| &o.0));
    for field in named {
        if schema::field_name(sf, kind, field).is_none() {
            return Selected::Answer(error(
                StatusCode::BAD_REQUEST,
                "INVALID_FIELD",
                format!(
                    "No such column '{field}' on entity '{}'.",
                    render::sobject(kind)
                ),
                &[],
            ));
        }
    }
    let floor = query
        .conditions
        .iter()
        .filter_map(soql::Condition::modified_floor)
        .max();
    let table = sf.table(kind);
    let mut cursor = (floor.map_or(i64::MIN, |f| f - 1), u64::MAX);
    let mut rows: Vec<(u64, Props)> = Vec::new();
    loop {
        let chunk = table.modified_after(cursor, 10_000);
        let Some(&last) = chunk.last() else { break };
        cursor = last;
        for (_, id) in chunk {
            if let Some(props) = table.get(id)
                && query.conditions.iter().all(|c| c.holds(&props))
            {
                rows.push((id, props));
            }
        }
    }
    if query.count {
        return Selected::Count(query.limit.map_or(rows.len(), |l| rows.len().min(l)));
    }
    if !query.order.is_empty() {
        soql::sort(&mut rows, &query.order);
    }
    if let Some(limit) = query.limit {
        rows.truncate(limit);
    }
    let fields = query
        .fields
        .iter()
        .map(|f| {
            schema::field_name(sf, kind, f)
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    Selected::Rows {
        kind,
        ids: rows.into_iter().map(|(id, _)| id).collect(),
        fields,
    }
}

fn run(sf: &mut Salesforce, soql_text: &str, batch: usize, version: String) -> Response {
    let (kind, ids, fields) = match select(sf, soql_text) {
        Selected::Rows { kind, ids, fields } => (kind, ids, fields),
        Selected::Count(total) => {
            return Json(json!({"totalSize": total, "done": true, "records": []})).into_response();
        }
        Selected::Answer(response) => return response,
    };
    sf.locator_seq += 1;
    let locator_id = format!("01gFAKE{:011}", sf.locator_seq);
    if sf.locators.len() >= MAX_LOCATORS
        && let Some(oldest) = sf.locators.keys().min().cloned()
    {
        sf.locators.remove(&oldest);
    }
    sf.locators.insert(
        locator_id.clone(),
        Locator {
            kind,
            version,
            ids,
            fields,
            batch,
        },
    );
    page(sf, &locator_id, 0)
}

/// Users, stages, profiles: a handful of rows, answered in one batch.
fn directory_answer(query: &soql::Query, directory: directory::Directory) -> Response {
    let known = directory.fields;
    let named = query
        .fields
        .iter()
        .chain(query.conditions.iter().map(|c| &c.field))
        .chain(query.order.iter().map(|o| &o.0));
    for field in named {
        if !known.iter().any(|k| k.eq_ignore_ascii_case(field)) {
            return error(
                StatusCode::BAD_REQUEST,
                "INVALID_FIELD",
                format!("No such column '{field}' on entity '{}'.", query.sobject),
                &[],
            );
        }
    }
    let mut rows: Vec<(u64, Props)> = directory
        .rows
        .into_iter()
        .enumerate()
        .filter(|(_, p)| query.conditions.iter().all(|c| c.holds(p)))
        .map(|(i, p)| (i as u64, p))
        .collect();
    soql::sort(&mut rows, &query.order);
    if let Some(limit) = query.limit {
        rows.truncate(limit);
    }
    let sobject = directory.sobject;
    let records: Vec<Value> = rows
        .iter()
        .map(|(_, p)| directory::record(sobject, p, &query.fields))
        .collect();
    Json(json!({"totalSize": records.len(), "done": true, "records": records})).into_response()
}

pub async fn query(
    State(emu): State<Arc<Emulator>>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(text) = q.get("q") else {
        return error(
            StatusCode::BAD_REQUEST,
            "MALFORMED_QUERY",
            "The q parameter is required.",
            &[],
        );
    };
    run(
        &mut emu.salesforce(),
        text,
        batch_size(&headers),
        version_of(&uri),
    )
}

pub async fn more(State(emu): State<Arc<Emulator>>, Path(locator): Path<String>) -> Response {
    let Some((id, offset)) = locator
        .rsplit_once('-')
        .and_then(|(id, o)| Some((id.to_owned(), o.parse::<usize>().ok()?)))
    else {
        return error(
            StatusCode::NOT_FOUND,
            "INVALID_QUERY_LOCATOR",
            "invalid query locator",
            &[],
        );
    };
    page(&mut emu.salesforce(), &id, offset)
}
