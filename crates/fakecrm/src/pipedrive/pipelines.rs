//! Pipelines and their stages, in v1's shapes and in v2's (`is_deleted`, `is_deal_probability_enabled`,
//! RFC 3339 times; stages listed per pipeline with `pipeline_id`), as the official SDK's models have them.

use std::{collections::HashMap, sync::Arc};

use axum::{
    Json,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};

use super::{error, objects::ok, render};
use crate::{
    Emulator,
    seed::{STAGES, StageKind},
};

/// The one pipeline every emulated company has.
const PIPELINE_ID: u64 = 1;
const CREATED_V1: &str = "2024-01-01 00:00:00";
const CREATED_V2: &str = "2024-01-01T00:00:00Z";

/// A v2 list: one page, no cursor after it.
fn ok_list(data: Vec<Value>) -> Response {
    Json(json!({"success": true, "data": data, "additional_data": {"next_cursor": null}}))
        .into_response()
}

/// Won and lost are deal statuses in Pipedrive, not stages: only the open stages exist.
fn open_stages() -> impl Iterator<Item = (usize, &'static str, u8)> {
    STAGES
        .iter()
        .enumerate()
        .filter(|(_, (_, _, kind))| *kind == StageKind::Open)
        .map(|(i, (name, probability, _))| (i, *name, *probability))
}

fn stage_v2(i: usize, name: &str, probability: u8) -> Value {
    json!({"id": render::stage_id(i), "order_nr": i, "name": name, "is_deleted": false,
        "deal_probability": probability, "pipeline_id": PIPELINE_ID, "is_deal_rot_enabled": false,
        "days_to_rotten": null, "add_time": CREATED_V2, "update_time": CREATED_V2})
}

fn pipeline_v2() -> Value {
    json!({"id": PIPELINE_ID, "name": "Sales pipeline", "order_nr": 0, "is_deleted": false,
        "is_deal_probability_enabled": true, "add_time": CREATED_V2, "update_time": CREATED_V2})
}

/// `GET /api/v1/pipelines`.
pub async fn pipelines(State(_emu): State<Arc<Emulator>>) -> Response {
    ok(
        json!([{"id": PIPELINE_ID, "name": "Sales pipeline", "url_title": "sales", "order_nr": 0, "active": true,
        "deal_probability": true, "add_time": CREATED_V1, "update_time": CREATED_V1, "selected": true}]),
    )
}

/// `GET /api/v1/stages`.
pub async fn stages(State(_emu): State<Arc<Emulator>>) -> Response {
    let data: Vec<Value> = open_stages()
        .map(|(i, name, probability)| {
            json!({"id": render::stage_id(i), "order_nr": i, "name": name, "active_flag": true,
                "deal_probability": probability, "pipeline_id": PIPELINE_ID, "rotten_flag": false, "rotten_days": null})
        })
        .collect();
    ok(Value::Array(data))
}

/// `GET /api/v2/pipelines`.
pub async fn v2_pipelines(State(_emu): State<Arc<Emulator>>) -> Response {
    ok_list(vec![pipeline_v2()])
}

/// `GET /api/v2/pipelines/{id}`.
pub async fn v2_pipeline(State(_emu): State<Arc<Emulator>>, Path(id): Path<String>) -> Response {
    if id.parse::<u64>().ok() == Some(PIPELINE_ID) {
        return ok(pipeline_v2());
    }
    error(StatusCode::NOT_FOUND, "Pipeline not found")
}

/// `GET /api/v2/stages[?pipeline_id=]`.
pub async fn v2_stages(
    State(_emu): State<Arc<Emulator>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let pipeline = match q.get("pipeline_id").map(|p| p.parse::<u64>()) {
        None => None,
        Some(Ok(p)) => Some(p),
        Some(Err(_)) => {
            return error(StatusCode::BAD_REQUEST, "pipeline_id must be a number");
        }
    };
    let data = open_stages()
        .filter(|_| pipeline.is_none_or(|p| p == PIPELINE_ID))
        .map(|(i, name, probability)| stage_v2(i, name, probability))
        .collect();
    ok_list(data)
}

/// `GET /api/v2/stages/{id}`.
pub async fn v2_stage(State(_emu): State<Arc<Emulator>>, Path(id): Path<String>) -> Response {
    let found =
        open_stages().find(|(i, _, _)| Some(render::stage_id(*i)) == id.parse::<i64>().ok());
    match found {
        Some((i, name, probability)) => ok(stage_v2(i, name, probability)),
        None => error(StatusCode::NOT_FOUND, "Stage not found"),
    }
}
