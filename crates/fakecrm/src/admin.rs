//! Endpoints for tests and benchmarks, never part of a CRM's API: the ground truth of duplicates.

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

use crate::{Emulator, Provider, seed::Kind};

pub fn router(emulator: Arc<Emulator>) -> Router {
    Router::new()
        .route("/ground-truth", get(ground_truth))
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
