//! `POST /api/v1/data/search/` (Advanced Filtering): an `and` of an `object_type` query and
//! `moment_range` conditions on `date_updated`/`date_created`; `_limit` up to 200; cursors that expire
//! (30 s by default) and a 10,000-object cap per pagination sequence; results carry `__object_type`.

use std::{sync::Arc, time::Instant};

use axum::{
    Json,
    body::Bytes,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};

use super::{Close, error, field_error};
use crate::{Emulator, seed::Kind};

const MAX_LIMIT: usize = 200;
const SEQUENCE_CAP: usize = 10_000;

/// A pagination sequence: the matching ids, and when a cursor of it was last handed out. Each page's
/// cursor names where the next page starts, so sending one again (a lost answer retried) gives the
/// same page, not the one after it.
pub struct Sequence {
    kind: Kind,
    ids: Vec<u64>,
    issued: Instant,
    fields: Option<Vec<String>>,
}

/// One `moment_range` condition: the field and its bounds in ms (`on_or_after` inclusive, `before` exclusive).
struct Range {
    field: String,
    after: Option<i64>,
    before: Option<i64>,
}

fn moment_range(q: &Value) -> Result<Range, String> {
    let field = q["field"]["field_name"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    if field != "date_updated" && field != "date_created" {
        return Err(format!(
            "moment_range on `{field}` is not supported; date_updated or date_created"
        ));
    }
    let bound = |key: &str| -> Result<Option<i64>, String> {
        let Some(b) = q["condition"].get(key) else {
            return Ok(None);
        };
        let text = b["value"].as_str().unwrap_or_default();
        chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
            .map(|t| Some(t.and_utc().timestamp_millis()))
            .or_else(|_| {
                chrono::DateTime::parse_from_rfc3339(text).map(|t| Some(t.timestamp_millis()))
            })
            .map_err(|_| format!("`{key}` needs a fixed_utc value, got `{text}`"))
    };
    Ok(Range {
        after: bound("on_or_after")?,
        before: bound("before")?,
        field,
    })
}

fn parse_query(query: &Value) -> Result<(Kind, Vec<Range>), String> {
    let parts: Vec<&Value> = match query["type"].as_str() {
        Some("and") => query["queries"]
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default(),
        Some(_) => vec![query],
        None => return Err("query.type is required".into()),
    };
    let mut kind = None;
    let mut ranges = Vec::new();
    for part in parts {
        match part["type"].as_str() {
            Some("object_type") => {
                kind = match part["object_type"].as_str() {
                    Some("lead") => Some(Kind::Company),
                    Some("contact") => Some(Kind::Person),
                    // Every custom object instance, whatever its type (each carries its
                    // `custom_object_type_id`).
                    Some("custom_object") => Some(Kind::Invoice),
                    other => {
                        return Err(format!(
                            "object_type {other:?} is not supported; lead, contact or custom_object"
                        ));
                    }
                }
            }
            Some("field_condition") if part["condition"]["type"] == "moment_range" => {
                ranges.push(moment_range(part)?)
            }
            other => {
                return Err(format!(
                    "query type {other:?} is not supported by this emulator"
                ));
            }
        }
    }
    Ok((kind.ok_or("an object_type query is required")?, ranges))
}

/// The `object_type` a search names (and its results carry as `__object_type`).
fn search_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Company => "lead",
        Kind::Invoice => "custom_object",
        _ => "contact",
    }
}

fn page(close: &mut Close, cursor: &str, limit: usize) -> Response {
    let expired = || error(StatusCode::BAD_REQUEST, "Cursor is invalid or has expired.");
    let Some((sequence, start)) = cursor
        .split_once('.')
        .and_then(|(id, at)| Some((id, at.parse::<usize>().ok()?)))
    else {
        return expired();
    };
    let Some(seq) = close.search_sequences.get_mut(sequence) else {
        return expired();
    };
    if start > seq.ids.len() {
        return expired();
    }
    let kind = seq.kind;
    let end = (start + limit).min(seq.ids.len()).min(SEQUENCE_CAP);
    let ids = seq.ids[start..end].to_vec();
    let fields = seq.fields.clone();
    let more = end < seq.ids.len() && end < SEQUENCE_CAP;
    seq.issued = Instant::now();
    let object_type = search_name(kind);
    let data: Vec<Value> = ids
        .into_iter()
        .filter_map(|id| close.table(kind).get(id))
        .map(|props| {
            let mut map: serde_json::Map<String, Value> = match &fields {
                Some(f) => props
                    .into_iter()
                    .filter(|(k, _)| k == "id" || f.contains(k))
                    .collect(),
                None => props,
            };
            map.insert("__object_type".into(), Value::String(object_type.into()));
            Value::Object(map)
        })
        .collect();
    let next = more.then(|| format!("{sequence}.{end}"));
    Json(json!({"data": data, "cursor": next})).into_response()
}

pub async fn search(State(emu): State<Arc<Emulator>>, body: Bytes) -> Response {
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "The request contains invalid JSON.",
        );
    };
    let limit = match request.get("_limit").map(|l| l.as_u64()) {
        None => 100,
        Some(Some(n)) if (1..=MAX_LIMIT as u64).contains(&n) => n as usize,
        Some(_) => {
            return field_error(
                "_limit",
                format!("Input should be less than or equal to {MAX_LIMIT}"),
            );
        }
    };
    let ttl = emu.config.close_cursor_ttl;
    let mut close = emu.close();
    close
        .search_sequences
        .retain(|_, s| s.issued.elapsed() <= ttl);
    if let Some(cursor) = request["cursor"].as_str() {
        return page(&mut close, cursor, limit);
    }
    let (kind, ranges) = match parse_query(&request["query"]) {
        Ok(q) => q,
        Err(e) => return error(StatusCode::BAD_REQUEST, e),
    };
    let object_type = search_name(kind);
    let fields: Option<Vec<String>> = request["_fields"][object_type].as_array().map(|a| {
        a.iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    });
    // Stable order by date_updated (then id), as Close recommends sorting for pagination.
    let table = close.table(kind);
    let mut ids = Vec::new();
    let mut cursor = (i64::MIN, 0);
    loop {
        let chunk = table.modified_after(cursor, 10_000);
        let Some(&last) = chunk.last() else { break };
        cursor = last;
        for (modified, id) in chunk {
            let created = || {
                table.get(id).and_then(|p| {
                    p.get("date_created")
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                })
            };
            let ok = ranges.iter().all(
                |Range {
                     field,
                     after,
                     before,
                 }| {
                    let t = if field == "date_updated" {
                        Some(modified)
                    } else {
                        created()
                            .and_then(|c| chrono::DateTime::parse_from_rfc3339(&c).ok())
                            .map(|t| t.timestamp_millis())
                    };
                    t.is_some_and(|t| after.is_none_or(|a| t >= a) && before.is_none_or(|b| t < b))
                },
            );
            if ok {
                ids.push(id);
            }
        }
    }
    close.search_seq += 1;
    let cursor_id = format!("cur_{:016x}", crate::seed::mix(&[close.search_seq, 77]));
    close.search_sequences.insert(
        cursor_id.clone(),
        Sequence {
            kind,
            ids,
            issued: Instant::now(),
            fields,
        },
    );
    page(&mut close, &format!("{cursor_id}.0"), limit)
}
