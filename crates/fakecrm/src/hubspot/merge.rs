//! `POST /crm/v3/objects/{type}/merge`: the primary record survives; blank properties are filled from
//! the merged one; the merged record disappears and its associations move to the primary.

use std::sync::Arc;

use axum::{
    Json,
    body::Bytes,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::Value;

use super::{
    kind_of,
    objects::{object_json, stamp},
};
use crate::{Emulator, now_ms, seed::Kind};

/// The hidden association list on deals and notes that points at records of `kind`.
pub(crate) fn association_key(kind: Kind) -> Option<&'static str> {
    match kind {
        Kind::Lead => unreachable!("no table of this kind in this CRM"),
        Kind::Person => Some("_contacts"),
        Kind::Company => Some("_companies"),
        Kind::Deal => Some("_deals"),
        Kind::Note | Kind::Call | Kind::Email | Kind::Meeting | Kind::Task | Kind::Invoice => None,
    }
}

pub async fn merge(
    State(emu): State<Arc<Emulator>>,
    Path(object): Path<String>,
    body: Bytes,
) -> Response {
    let mut hs = emu.hubspot();
    let Some(kind) = kind_of(&object) else {
        return hs.unknown_object(&object);
    };
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let (Some(primary), Some(merged)) = (
        request["primaryObjectId"].as_str(),
        request["objectIdToMerge"].as_str(),
    ) else {
        return hs.error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "primaryObjectId and objectIdToMerge are required strings",
        );
    };
    let (primary, merged) = (primary.to_owned(), merged.to_owned());
    let found = |hs: &mut super::Hubspot, id: &str| {
        id.parse::<u64>()
            .ok()
            .and_then(|n| hs.table(kind).get(n).map(|p| (n, p)))
    };
    let (Some((pid, mut props)), Some((mid, loser))) =
        (found(&mut hs, &primary), found(&mut hs, &merged))
    else {
        return hs.error(
            StatusCode::NOT_FOUND,
            "OBJECT_NOT_FOUND",
            format!("Object not found: {primary} or {merged}"),
        );
    };
    if pid == mid {
        return hs.error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "Cannot merge an object with itself",
        );
    }
    for (key, value) in loser {
        let blank = props
            .get(&key)
            .is_none_or(|v| v.is_null() || v.as_str() == Some(""));
        if blank {
            props.insert(key, value);
        }
    }
    let now = now_ms();
    stamp(kind, &mut props, pid, now, false);
    hs.table(kind).delete(mid);
    hs.forget_email(kind, mid);
    hs.table(kind).put(pid, props.clone(), now);
    hs.index_email(kind, pid, &props);
    // Deals and activities that pointed at the merged record now point at the primary.
    if let Some(key) = association_key(kind) {
        for other in [Kind::Deal, Kind::Note].into_iter().chain(Kind::ACTIVITIES) {
            let table = hs.table(other);
            let mut moved = Vec::new();
            for id in table.live_ids() {
                if let Some(mut p) = table.get(id)
                    && let Some(list) = p.get_mut(key).and_then(Value::as_array_mut)
                    && list.iter().any(|v| v.as_str() == Some(merged.as_str()))
                {
                    list.retain(|v| {
                        v.as_str() != Some(merged.as_str()) && v.as_str() != Some(primary.as_str())
                    });
                    list.push(Value::String(primary.clone()));
                    moved.push((id, p));
                }
            }
            for (id, p) in moved {
                hs.table(other).put(id, p, now);
            }
        }
    }
    // Contacts whose primary company was the merged one now belong to the primary.
    if kind == Kind::Company {
        let table = hs.table(Kind::Person);
        let moved: Vec<(u64, crate::table::Props)> = table
            .live_ids()
            .filter_map(|id| table.get(id).map(|p| (id, p)))
            .filter(|(_, p)| p.get("associatedcompanyid").and_then(Value::as_str) == Some(&merged))
            .collect();
        for (id, mut p) in moved {
            p.insert("associatedcompanyid".into(), Value::String(primary.clone()));
            hs.table(Kind::Person).put(id, p, now);
        }
    }
    (StatusCode::OK, Json(object_json(kind, pid, &props, None))).into_response()
}
