//! Endpoints for tests and benchmarks, never part of a CRM's API: the ground truth of duplicates,
//! faults at run time, and the log of requests.

use std::sync::Arc;

use axum::{
    Json, Router,
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::get,
};
use serde::Deserialize;
use serde_json::json;

use crate::{Emulator, Faults, Provider, seed::Kind};

pub fn router(emulator: Arc<Emulator>) -> Router {
    Router::new()
        .route("/ground-truth", get(ground_truth))
        .route("/faults", get(read_faults).put(write_faults))
        .route("/requests", get(read_requests).delete(clear_requests))
        .with_state(emulator)
}

#[derive(Debug, Deserialize)]
struct GroundTruthParams {
    provider: String,
    object: String,
    #[serde(default)]
    after: u32,
    limit: Option<u32>,
}

/// Which real-world entity each seeded record stands for, a page at a time:
/// `{"results": [{"index", "entity", "variant"}], "next": index|null}`. Records with the same entity
/// are duplicates, within one CRM or across CRMs (entities below 2^40 exist in every CRM).
async fn ground_truth(
    State(emu): State<Arc<Emulator>>,
    Query(q): Query<GroundTruthParams>,
) -> Response {
    let Ok(provider) = q.provider.parse::<Provider>() else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": format!("unknown provider {}", q.provider)})),
        )
            .into_response();
    };
    let Some(kind) = Kind::ALL.into_iter().find(|k| k.as_str() == q.object) else {
        return (StatusCode::BAD_REQUEST, Json(json!({"error": format!("unknown object {}; person, company, deal or note", q.object)}))).into_response();
    };
    let total = kind.count(emu.seed.people);
    let limit = q.limit.unwrap_or(10_000).clamp(1, 100_000);
    let end = q.after.saturating_add(limit).min(total);
    let results: Vec<_> = (q.after..end)
        .map(|i| {
            let (entity, variant) = emu.seed.entity(provider, kind, i);
            json!({"index": i, "entity": entity.to_string(), "variant": format!("{variant:?}")})
        })
        .collect();
    Json(json!({"results": results, "next": (end < total).then_some(end)})).into_response()
}

#[derive(Debug, Deserialize)]
struct ProviderParam {
    provider: String,
}

fn bad_request(message: String) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": message }))).into_response()
}

fn faults_json(f: Faults) -> serde_json::Value {
    json!({
        "error_rate": f.error_rate, "rate_limit_rate": f.rate_limit_rate, "drop_rate": f.drop_rate,
        "malformed_rate": f.malformed_rate, "lost_answer_rate": f.lost_answer_rate, "latency_ms": f.latency_ms, "slow_body_ms": f.slow_body_ms, "seed": f.seed,
    })
}

async fn read_faults(State(emu): State<Arc<Emulator>>, Query(q): Query<ProviderParam>) -> Response {
    match q.provider.parse::<Provider>() {
        Ok(p) => Json(faults_json(emu.faults(p))).into_response(),
        Err(e) => bad_request(e.to_string()),
    }
}

/// `PUT /_admin/faults?provider=hubspot` with the same spec as `--faults` as the body
/// (an empty body turns faults off).
async fn write_faults(
    State(emu): State<Arc<Emulator>>,
    Query(q): Query<ProviderParam>,
    body: String,
) -> Response {
    let provider = match q.provider.parse::<Provider>() {
        Ok(p) => p,
        Err(e) => return bad_request(e.to_string()),
    };
    match body.parse::<Faults>() {
        Ok(f) => {
            emu.set_faults(provider, f);
            Json(faults_json(f)).into_response()
        }
        Err(e) => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": e.to_string()})),
        )
            .into_response(),
    }
}

#[derive(Debug, Deserialize)]
struct RequestsParams {
    provider: Option<String>,
    #[serde(default)]
    since: u64,
    #[serde(default)]
    writes_only: bool,
}

/// The requests seen since `since` (a `seq`), optionally of one provider, optionally only writes.
async fn read_requests(
    State(emu): State<Arc<Emulator>>,
    Query(q): Query<RequestsParams>,
) -> Response {
    let provider = match q
        .provider
        .as_deref()
        .map(str::parse::<Provider>)
        .transpose()
    {
        Ok(p) => p,
        Err(e) => return bad_request(e.to_string()),
    };
    let log = emu.requests();
    let rows: Vec<_> = log
        .iter()
        .filter(|r| r.seq >= q.since)
        .filter(|r| provider.is_none_or(|p| r.provider == p))
        .filter(|r| !q.writes_only || r.is_write())
        .map(|r| json!({"seq": r.seq, "provider": r.provider, "method": r.method, "path": r.path, "query": r.query, "user_agent": r.user_agent, "body_shape": r.body_shape, "status": r.status, "fault": r.fault, "write": r.is_write()}))
        .collect();
    Json(json!({ "requests": rows })).into_response()
}

async fn clear_requests(State(emu): State<Arc<Emulator>>) -> Response {
    emu.requests().clear();
    StatusCode::NO_CONTENT.into_response()
}
