//! `POST /api/v1/lead/merge/` `{"source", "destination"}`: the source lead's contacts, opportunities and
//! activities move to the destination, blank destination fields are filled from the source, and the
//! source lead is deleted.

use std::sync::Arc;

use axum::{
    Json,
    body::Bytes,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};

use super::{error, field_error, render};
use crate::{Emulator, now_ms, seed::Kind};

pub async fn merge(State(emu): State<Arc<Emulator>>, body: Bytes) -> Response {
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let (Some(source), Some(destination)) =
        (request["source"].as_str(), request["destination"].as_str())
    else {
        return field_error("source", "source and destination lead ids are required.");
    };
    let mut close = emu.close();
    let lead = |close: &mut super::Close, id: &str| {
        render::decode(Kind::Company, id)
            .and_then(|n| close.table(Kind::Company).get(n).map(|p| (n, p)))
    };
    let (Some((sid, source_props)), Some((did, mut dest_props))) =
        (lead(&mut close, source), lead(&mut close, destination))
    else {
        return error(
            StatusCode::NOT_FOUND,
            "Empty query: Lead matching query does not exist.",
        );
    };
    if sid == did {
        return field_error("destination", "A lead cannot be merged into itself.");
    }
    let now = now_ms();
    let destination_text = render::encode(Kind::Company, did);
    for contact in close.contacts_of(sid) {
        if let Some(mut p) = close.table(Kind::Person).get(contact) {
            p.insert("lead_id".into(), Value::String(destination_text.clone()));
            close.table(Kind::Person).put(contact, p, now);
            close.place_contact(contact, Some(did));
        }
    }
    let source_text = render::encode(Kind::Company, sid);
    for kind in [Kind::Deal, Kind::Note].into_iter().chain(Kind::ACTIVITIES) {
        let table = close.table(kind);
        let moved: Vec<(u64, _)> = table
            .live_ids()
            .filter_map(|id| table.get(id).map(|p| (id, p)))
            .filter(|(_, p)| p.get("lead_id").and_then(Value::as_str) == Some(source_text.as_str()))
            .collect();
        for (id, mut p) in moved {
            p.insert("lead_id".into(), Value::String(destination_text.clone()));
            close.table(kind).put(id, p, now);
        }
    }
    for (key, value) in source_props {
        if key == "id" || key == "date_created" {
            continue;
        }
        let blank = dest_props
            .get(&key)
            .is_none_or(|v| v.is_null() || v.as_str() == Some(""));
        if blank {
            dest_props.insert(key, value);
        }
    }
    dest_props.insert("date_updated".into(), Value::String(render::datetime(now)));
    close.table(Kind::Company).put(did, dest_props, now);
    close.table(Kind::Company).delete(sid);
    Json(json!({})).into_response()
}
