//! Bulk API 2.0: query jobs (`/jobs/query`: a SOQL query run whole, its results read as CSV pages
//! by `Sforce-Locator`) and ingest jobs (`/jobs/ingest`: a CSV upload inserted, updated or deleted
//! row by row, read back as successful, failed and unprocessed CSV). A job moves
//! UploadComplete → InProgress → JobComplete one status read at a time, so a client must poll.

use std::sync::Arc;

use axum::{
    Json,
    body::Bytes,
    extract::{OriginalUri, Path, Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{
    Salesforce, error, query, render,
    rest::{self, not_found},
    schema,
};
use crate::{Emulator, now_ms, seed::Kind};

/// Rows a results page holds when the client names no `maxRecords`.
const DEFAULT_PAGE: usize = 50_000;

pub struct Job {
    id: String,
    kind: Kind,
    version: String,
    created_ms: i64,
    state: &'static str,
    work: Work,
}

enum Work {
    Query {
        ids: Vec<u64>,
        fields: Vec<String>,
    },
    Ingest {
        operation: String,
        /// The uploaded CSV, until the upload is complete.
        data: Option<String>,
        /// Header and rows of each result, once processed.
        successful: Vec<Vec<String>>,
        failed: Vec<Vec<String>>,
        columns: Vec<String>,
    },
}

fn info(job: &Job) -> Value {
    let t = render::datetime(job.created_ms);
    let api_version: f64 = job.version.trim_start_matches('v').parse().unwrap_or(60.0);
    let mut out = json!({
        "id": job.id, "object": render::sobject(job.kind), "createdById": render::user_id(0),
        "createdDate": t, "systemModstamp": t, "state": job.state, "concurrencyMode": "Parallel",
        "contentType": "CSV", "apiVersion": api_version, "lineEnding": "LF",
        "columnDelimiter": "COMMA", "retries": 0, "totalProcessingTime": 0,
    });
    match &job.work {
        Work::Query { ids, .. } => {
            out["operation"] = json!("query");
            out["jobType"] = json!("V2Query");
            out["numberRecordsProcessed"] = json!(if job.state == "JobComplete" {
                ids.len()
            } else {
                0
            });
        }
        Work::Ingest {
            operation,
            successful,
            failed,
            ..
        } => {
            out["operation"] = json!(operation);
            out["jobType"] = json!("V2Ingest");
            out["numberRecordsProcessed"] = json!(successful.len() + failed.len());
            out["numberRecordsFailed"] = json!(failed.len());
            if job.state == "Open" {
                out["contentUrl"] = json!(format!(
                    "services/data/{}/jobs/ingest/{}/batches",
                    job.version, job.id
                ));
            }
        }
    }
    out
}

fn new_id(sf: &mut Salesforce) -> String {
    sf.bulk_seq += 1;
    format!("7505e{:013}", sf.bulk_seq)
}

fn csv_answer(rows: &[Vec<String>], headers: &[(&'static str, String)]) -> Response {
    let mut w = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(Vec::new());
    for row in rows {
        w.write_record(row).expect("CSV into memory");
    }
    let body = w.into_inner().expect("CSV into memory");
    let mut response = (StatusCode::OK, [(header::CONTENT_TYPE, "text/csv")], body).into_response();
    for (name, value) in headers {
        if let Ok(v) = value.parse() {
            response.headers_mut().insert(*name, v);
        }
    }
    response
}

/// A JSON value as a CSV cell: blank for null.
fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A CSV cell as the field's type takes it (`#N/A` sets null).
fn typed(sf: &Salesforce, kind: Kind, name: &str, text: &str) -> Value {
    if text == "#N/A" {
        return Value::Null;
    }
    match schema::type_name(sf, kind, name) {
        "boolean" => json!(text.eq_ignore_ascii_case("true")),
        "int" => text
            .parse::<i64>()
            .map_or_else(|_| json!(text), |n| json!(n)),
        "double" | "currency" | "percent" => text
            .parse::<f64>()
            .map_or_else(|_| json!(text), |n| json!(n)),
        _ => json!(text),
    }
}

#[derive(Deserialize)]
pub struct NewQuery {
    operation: String,
    query: String,
}

/// `POST /jobs/query`: runs the query whole now (a snapshot, as Salesforce's is).
pub async fn create_query(
    State(emu): State<Arc<Emulator>>,
    OriginalUri(uri): OriginalUri,
    body: Bytes,
) -> Response {
    let Ok(ask) = serde_json::from_slice::<NewQuery>(&body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "JSON_PARSER_ERROR",
            "a query job needs operation and query",
            &[],
        );
    };
    if ask.operation != "query" && ask.operation != "queryAll" {
        return error(
            StatusCode::BAD_REQUEST,
            "INVALIDJOB",
            format!("InvalidJob : Invalid operation: {}", ask.operation),
            &[],
        );
    }
    // The clauses Bulk API 2.0 refuses (they defeat its chunking).
    if let Ok(q) = super::soql::parse(&ask.query)
        && (q.count || q.limit.is_some() || !q.order.is_empty())
    {
        return error(
            StatusCode::BAD_REQUEST,
            "API_ERROR",
            "Bulk API 2.0 does not support ORDER BY, LIMIT or aggregate functions such as COUNT()",
            &[],
        );
    }
    let mut sf = emu.salesforce();
    let (kind, ids, fields) = match query::select(&mut sf, &ask.query) {
        query::Selected::Rows { kind, ids, fields } => (kind, ids, fields),
        query::Selected::Count(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "API_ERROR",
                "Aggregate queries are not supported by Bulk API 2.0",
                &[],
            );
        }
        query::Selected::Answer(response) => return response,
    };
    let job = Job {
        id: new_id(&mut sf),
        kind,
        version: query::version_of(&uri),
        created_ms: now_ms(),
        state: "UploadComplete",
        work: Work::Query { ids, fields },
    };
    let out = info(&job);
    sf.bulk.insert(job.id.clone(), job);
    Json(out).into_response()
}

/// A status read moves a job one step on, as a real one moves with time.
fn advance(job: &mut Job) {
    job.state = match job.state {
        "UploadComplete" => "InProgress",
        "InProgress" => "JobComplete",
        other => other,
    };
}

/// `GET /jobs/{query|ingest}/{id}`.
pub async fn status(State(emu): State<Arc<Emulator>>, Path(id): Path<String>) -> Response {
    let mut sf = emu.salesforce();
    let Some(job) = sf.bulk.get_mut(&id) else {
        return not_found();
    };
    advance(job);
    Json(info(job)).into_response()
}

#[derive(Deserialize)]
pub struct NewState {
    state: String,
}

/// `PATCH /jobs/{query|ingest}/{id}`: `Aborted`, or `UploadComplete` for an ingest job's data.
pub async fn set_state(
    State(emu): State<Arc<Emulator>>,
    Path(id): Path<String>,
    Json(ask): Json<NewState>,
) -> Response {
    let mut sf = emu.salesforce();
    let Some(job) = sf.bulk.get(&id) else {
        return not_found();
    };
    match (ask.state.as_str(), job.state) {
        ("Aborted", "JobComplete" | "Failed") => error(
            StatusCode::BAD_REQUEST,
            "INVALIDJOBSTATE",
            "Job is already complete",
            &[],
        ),
        ("Aborted", _) => {
            let job = sf.bulk.get_mut(&id).expect("found above");
            job.state = "Aborted";
            Json(info(job)).into_response()
        }
        ("UploadComplete", "Open") => {
            process(&mut sf, &id);
            Json(info(&sf.bulk[&id])).into_response()
        }
        (wanted, now) => error(
            StatusCode::BAD_REQUEST,
            "INVALIDJOBSTATE",
            format!("Cannot change a job in state {now} to {wanted}"),
            &[],
        ),
    }
}

/// `DELETE /jobs/{query|ingest}/{id}`.
pub async fn delete(State(emu): State<Arc<Emulator>>, Path(id): Path<String>) -> Response {
    match emu.salesforce().bulk.remove(&id) {
        Some(_) => StatusCode::NO_CONTENT.into_response(),
        None => not_found(),
    }
}

#[derive(Deserialize)]
pub struct ResultsParams {
    locator: Option<String>,
    #[serde(rename = "maxRecords")]
    max_records: Option<usize>,
}

/// `GET /jobs/query/{id}/results`: a CSV page; `Sforce-Locator` names the next (`null` at the end).
pub async fn results(
    State(emu): State<Arc<Emulator>>,
    Path(id): Path<String>,
    Query(p): Query<ResultsParams>,
) -> Response {
    let mut sf = emu.salesforce();
    let Some(job) = sf.bulk.get(&id) else {
        return not_found();
    };
    let Work::Query { ids, fields } = &job.work else {
        return not_found();
    };
    if job.state != "JobComplete" {
        return error(
            StatusCode::BAD_REQUEST,
            "API_ERROR",
            format!("Job {id} is not complete: {}", job.state),
            &[],
        );
    }
    let offset: usize = match p.locator.as_deref().filter(|l| !l.is_empty()) {
        None => 0,
        Some(l) => match l.parse() {
            Ok(n) => n,
            Err(_) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "INVALID_LOCATOR",
                    format!("Invalid locator: {l}"),
                    &[],
                );
            }
        },
    };
    let take = p.max_records.unwrap_or(DEFAULT_PAGE).max(1);
    let (kind, fields) = (job.kind, fields.clone());
    let page: Vec<u64> = ids.iter().skip(offset).take(take).copied().collect();
    let total = ids.len();
    let mut rows = vec![fields.clone()];
    for n in page.iter() {
        if let Some(props) = sf.table(kind).get(*n) {
            let record = render::record_json(kind, &props, Some(&fields));
            rows.push(
                fields
                    .iter()
                    .map(|f| {
                        record
                            .as_object()
                            .and_then(|o| o.iter().find(|(k, _)| k.eq_ignore_ascii_case(f)))
                            .map_or(String::new(), |(_, v)| cell(v))
                    })
                    .collect(),
            );
        }
    }
    let next = offset + page.len();
    let locator = if next < total {
        next.to_string()
    } else {
        "null".to_owned()
    };
    csv_answer(
        &rows,
        &[
            ("sforce-locator", locator),
            ("sforce-numberofrecords", (rows.len() - 1).to_string()),
        ],
    )
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewIngest {
    object: String,
    operation: String,
    #[serde(default)]
    content_type: Option<String>,
}

/// `POST /jobs/ingest`: an open job waiting for its CSV.
pub async fn create_ingest(
    State(emu): State<Arc<Emulator>>,
    OriginalUri(uri): OriginalUri,
    body: Bytes,
) -> Response {
    let Ok(ask) = serde_json::from_slice::<NewIngest>(&body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "JSON_PARSER_ERROR",
            "an ingest job needs object and operation",
            &[],
        );
    };
    let Some(kind) = render::kind_of(&ask.object) else {
        return error(
            StatusCode::BAD_REQUEST,
            "INVALIDJOB",
            format!("InvalidJob : Invalid object: {}", ask.object),
            &[],
        );
    };
    if !["insert", "update", "delete"].contains(&ask.operation.as_str()) {
        return error(
            StatusCode::BAD_REQUEST,
            "INVALIDJOB",
            format!(
                "InvalidJob : this org emulates insert, update and delete, not {}",
                ask.operation
            ),
            &[],
        );
    }
    if ask.content_type.as_deref().is_some_and(|c| c != "CSV") {
        return error(
            StatusCode::BAD_REQUEST,
            "INVALIDJOB",
            "InvalidJob : contentType must be CSV",
            &[],
        );
    }
    let mut sf = emu.salesforce();
    let job = Job {
        id: new_id(&mut sf),
        kind,
        version: query::version_of(&uri),
        created_ms: now_ms(),
        state: "Open",
        work: Work::Ingest {
            operation: ask.operation,
            data: None,
            successful: Vec::new(),
            failed: Vec::new(),
            columns: Vec::new(),
        },
    };
    let out = info(&job);
    sf.bulk.insert(job.id.clone(), job);
    Json(out).into_response()
}

/// `PUT /jobs/ingest/{id}/batches`: the job's CSV, once.
pub async fn upload(
    State(emu): State<Arc<Emulator>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let mut sf = emu.salesforce();
    let Some(job) = sf.bulk.get_mut(&id) else {
        return not_found();
    };
    let Work::Ingest { data, .. } = &mut job.work else {
        return not_found();
    };
    if job.state != "Open" || data.is_some() {
        return error(
            StatusCode::BAD_REQUEST,
            "INVALIDJOBSTATE",
            "Found multiple contents for job: please only upload once per job",
            &[],
        );
    }
    let Ok(text) = String::from_utf8(body.to_vec()) else {
        return error(
            StatusCode::BAD_REQUEST,
            "INVALID_DATA",
            "the CSV is not UTF-8",
            &[],
        );
    };
    *data = Some(text);
    StatusCode::CREATED.into_response()
}

/// Runs an uploaded ingest job row by row, as the REST API would each record.
fn process(sf: &mut Salesforce, id: &str) {
    let job = sf.bulk.get_mut(id).expect("the job exists");
    let kind = job.kind;
    job.state = "UploadComplete";
    let Work::Ingest {
        operation, data, ..
    } = &mut job.work
    else {
        return;
    };
    let (operation, text) = (operation.clone(), data.take().unwrap_or_default());
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let columns: Vec<String> = reader
        .headers()
        .map(|h| h.iter().map(str::to_owned).collect())
        .unwrap_or_default();
    let rows: Vec<Vec<String>> = reader
        .records()
        .filter_map(|r| r.ok())
        .map(|r| r.iter().map(str::to_owned).collect())
        .collect();
    let now = now_ms();
    let (mut successful, mut failed) = (Vec::new(), Vec::new());
    for row in rows {
        let mut body = Map::new();
        let mut record_id = String::new();
        for (name, text) in columns.iter().zip(&row) {
            if name.eq_ignore_ascii_case("Id") {
                record_id = text.clone();
            } else if !text.is_empty() {
                body.insert(name.clone(), typed(sf, kind, name, text));
            }
        }
        let outcome: Result<(String, bool), String> = match operation.as_str() {
            "insert" => rest::insert(sf, kind, &body, now)
                .map(|id| (id, true))
                .map_err(|(code, message, fields)| {
                    format!("{code}:{message}:{} --", fields.join(","))
                }),
            "update" => match rest::patch(sf, kind, &record_id, &body, now) {
                Ok(true) => Ok((record_id.clone(), false)),
                Ok(false) => Err("ENTITY_IS_DELETED:entity is deleted:--".into()),
                Err((code, message, fields)) => {
                    Err(format!("{code}:{message}:{} --", fields.join(",")))
                }
            },
            _ => match render::decode(kind, &record_id) {
                Some(n) if sf.table(kind).delete(n) => Ok((record_id.clone(), false)),
                _ => Err("ENTITY_IS_DELETED:entity is deleted:--".into()),
            },
        };
        match outcome {
            Ok((id, created)) => {
                let mut out = vec![id, created.to_string()];
                out.extend(row);
                successful.push(out);
            }
            Err(message) => {
                let mut out = vec![record_id, message];
                out.extend(row);
                failed.push(out);
            }
        }
    }
    let job = sf.bulk.get_mut(id).expect("the job exists");
    if let Work::Ingest {
        successful: s,
        failed: f,
        columns: c,
        ..
    } = &mut job.work
    {
        *s = successful;
        *f = failed;
        *c = columns;
    }
}

/// `GET /jobs/ingest/{id}/{successfulResults|failedResults|unprocessedrecords}`.
pub async fn ingest_results(
    State(emu): State<Arc<Emulator>>,
    Path((id, which)): Path<(String, String)>,
) -> Response {
    let sf = emu.salesforce();
    let Some(Job {
        work:
            Work::Ingest {
                successful,
                failed,
                columns,
                ..
            },
        ..
    }) = sf.bulk.get(&id)
    else {
        return not_found();
    };
    let with = |first: [&str; 2], rows: &[Vec<String>]| {
        let mut header: Vec<String> = first.iter().map(|s| (*s).to_owned()).collect();
        header.extend(columns.iter().cloned());
        let mut out = vec![header];
        out.extend(rows.iter().cloned());
        out
    };
    match which.as_str() {
        "successfulResults" => csv_answer(&with(["sf__Id", "sf__Created"], successful), &[]),
        "failedResults" => csv_answer(&with(["sf__Id", "sf__Error"], failed), &[]),
        // A job here runs whole once its upload is complete: nothing is left unprocessed.
        "unprocessedrecords" => csv_answer(std::slice::from_ref(columns), &[]),
        _ => not_found(),
    }
}
