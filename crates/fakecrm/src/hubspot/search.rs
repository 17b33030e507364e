//! `POST /crm/v3/objects/{type}/search`: filter groups (OR of ANDs), one sort, 200 a page, at most
//! 10,000 results per query, and its own per-second limit.

use std::{cmp::Ordering, sync::Arc, time::Instant};

use axum::{
    Json,
    body::Bytes,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{kind_of, objects::object_json, render};
use crate::{Emulator, table::Props};

const MAX_LIMIT: usize = 200;
/// Paging past this many results fails, as on HubSpot; clients re-slice on the modified time instead.
const RESULT_CAP: usize = 10_000;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SearchRequest {
    #[serde(default)]
    filter_groups: Vec<FilterGroup>,
    #[serde(default)]
    sorts: Vec<Sort>,
    #[serde(default)]
    properties: Option<Vec<String>>,
    #[serde(default)]
    limit: Option<usize>,
    #[serde(default)]
    after: Option<String>,
}

#[derive(Debug, Deserialize)]
struct FilterGroup {
    #[serde(default)]
    filters: Vec<Filter>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Filter {
    property_name: String,
    operator: String,
    #[serde(default)]
    value: Option<Value>,
    #[serde(default)]
    high_value: Option<Value>,
    #[serde(default)]
    values: Option<Vec<Value>>,
}

/// A sort: an object `{propertyName, direction}` (HubSpot's reference examples) or a string, the
/// type HubSpot's OpenAPI document gives `sorts` and so the form its official SDKs send: the
/// property name, `-` before it for descending (`"-createdate"`).
#[derive(Debug)]
struct Sort {
    property_name: String,
    direction: Option<String>,
}

impl<'de> Deserialize<'de> for Sort {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Object {
            property_name: String,
            #[serde(default)]
            direction: Option<String>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Object(Object),
            Text(String),
        }
        Ok(match Either::deserialize(d)? {
            Either::Object(o) => Sort {
                property_name: o.property_name,
                direction: o.direction,
            },
            Either::Text(t) => match t.strip_prefix('-') {
                Some(name) => Sort {
                    property_name: name.to_owned(),
                    direction: Some("DESCENDING".into()),
                },
                None => Sort {
                    property_name: t,
                    direction: Some("ASCENDING".into()),
                },
            },
        })
    }
}

const DATE_PROPERTIES: &[&str] = &[
    "createdate",
    "lastmodifieddate",
    "hs_lastmodifieddate",
    "hs_createdate",
    "closedate",
    "hs_timestamp",
];

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Dates compare as epoch milliseconds (filters send ms strings, records hold ISO text).
fn date_ms(s: &str) -> Option<i64> {
    s.parse::<i64>().ok().or_else(|| {
        chrono::DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|t| t.timestamp_millis())
    })
}

fn compare(property: &str, stored: &str, wanted: &str) -> Ordering {
    if DATE_PROPERTIES.contains(&property)
        && let (Some(a), Some(b)) = (date_ms(stored), date_ms(wanted))
    {
        return a.cmp(&b);
    }
    if let (Ok(a), Ok(b)) = (stored.parse::<f64>(), wanted.parse::<f64>()) {
        return a.partial_cmp(&b).unwrap_or(Ordering::Equal);
    }
    stored.to_lowercase().cmp(&wanted.to_lowercase())
}

impl Filter {
    fn check(&self) -> Result<(), String> {
        let known = [
            "EQ",
            "NEQ",
            "LT",
            "LTE",
            "GT",
            "GTE",
            "BETWEEN",
            "IN",
            "NOT_IN",
            "HAS_PROPERTY",
            "NOT_HAS_PROPERTY",
            "CONTAINS_TOKEN",
            "NOT_CONTAINS_TOKEN",
        ];
        if !known.contains(&self.operator.as_str()) {
            return Err(format!("Unknown filter operator: {}", self.operator));
        }
        Ok(())
    }

    fn matches(&self, props: &Props) -> bool {
        let stored = props
            .get(&self.property_name)
            .filter(|v| !v.is_null())
            .map(text);
        let value = self.value.as_ref().map(text).unwrap_or_default();
        let cmp = |s: &str| compare(&self.property_name, s, &value);
        match (self.operator.as_str(), stored.as_deref()) {
            ("HAS_PROPERTY", s) => s.is_some_and(|s| !s.is_empty()),
            ("NOT_HAS_PROPERTY", s) => s.is_none_or(str::is_empty),
            ("NEQ", None) => true,
            ("NOT_IN", None) | ("NOT_CONTAINS_TOKEN", None) => true,
            (_, None) => false,
            ("EQ", Some(s)) => cmp(s) == Ordering::Equal,
            ("NEQ", Some(s)) => cmp(s) != Ordering::Equal,
            ("LT", Some(s)) => cmp(s) == Ordering::Less,
            ("LTE", Some(s)) => cmp(s) != Ordering::Greater,
            ("GT", Some(s)) => cmp(s) == Ordering::Greater,
            ("GTE", Some(s)) => cmp(s) != Ordering::Less,
            ("BETWEEN", Some(s)) => {
                let high = self.high_value.as_ref().map(text).unwrap_or_default();
                cmp(s) != Ordering::Less
                    && compare(&self.property_name, s, &high) != Ordering::Greater
            }
            ("IN", Some(s)) | ("NOT_IN", Some(s)) => {
                let found = self
                    .values
                    .iter()
                    .flatten()
                    .any(|v| compare(&self.property_name, s, &text(v)) == Ordering::Equal);
                found == (self.operator == "IN")
            }
            ("CONTAINS_TOKEN", Some(s)) | ("NOT_CONTAINS_TOKEN", Some(s)) => {
                let token = value.trim_matches('*').to_lowercase();
                let found = s
                    .to_lowercase()
                    .split(|c: char| !c.is_alphanumeric() && c != '@' && c != '.')
                    .any(|t| t == token || (value.contains('*') && t.contains(&token)));
                found == (self.operator == "CONTAINS_TOKEN")
            }
            _ => false,
        }
    }
}

pub async fn search(
    State(emu): State<Arc<Emulator>>,
    Path(object): Path<String>,
    body: Bytes,
) -> Response {
    let mut hs = emu.hubspot();
    let Some(kind) = kind_of(&object) else {
        return hs.unknown_object(&object);
    };
    if hs.search_window.take(Instant::now()).is_none() {
        let body = json!({
            "status": "error",
            "message": "You have reached your secondly limit.",
            "errorType": "RATE_LIMIT",
            "correlationId": hs.correlation_id(),
            "policyName": "SECONDLY",
        });
        return (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
    }
    let request: SearchRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return hs.error(
                StatusCode::BAD_REQUEST,
                "VALIDATION_ERROR",
                format!("Invalid input JSON: {e}"),
            );
        }
    };
    let limit = request.limit.unwrap_or(10);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return hs.error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            format!("limit must be between 1 and {MAX_LIMIT}"),
        );
    }
    let offset = match request.after.as_deref().map(str::parse::<usize>) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            return hs.error(
                StatusCode::BAD_REQUEST,
                "VALIDATION_ERROR",
                "after must be a number",
            );
        }
    };
    if offset >= RESULT_CAP {
        return hs.error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            format!("The search API is limited to {RESULT_CAP} results per query; re-issue the query with a new filter instead of paging further"),
        );
    }
    let filters_total: usize = request.filter_groups.iter().map(|g| g.filters.len()).sum();
    if request.filter_groups.len() > 5 || filters_total > 25 {
        return hs.error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "At most 5 filterGroups and 25 filters are allowed",
        );
    }
    if let Some(err) = request
        .filter_groups
        .iter()
        .flat_map(|g| &g.filters)
        .find_map(|f| f.check().err())
    {
        return hs.error(StatusCode::BAD_REQUEST, "VALIDATION_ERROR", err);
    }

    let modified = render::modified_property(kind);
    let sort = request.sorts.first();
    let descending = sort.is_some_and(|s| s.direction.as_deref() == Some("DESCENDING"));
    let by_modified = sort.is_none_or(|s| s.property_name == modified);
    let matches = |props: &Props| {
        request.filter_groups.is_empty()
            || request
                .filter_groups
                .iter()
                .any(|g| g.filters.iter().all(|f| f.matches(props)))
    };

    let table = hs.table(kind);
    // Walk the table in modified-time order (ties by id): the order incremental queries need.
    let mut hits: Vec<(u64, Props)> = Vec::new();
    let mut cursor = (i64::MIN, 0);
    loop {
        let chunk = table.modified_after(cursor, 2_000);
        let Some(&last) = chunk.last() else { break };
        cursor = last;
        for (_, id) in chunk {
            if let Some(props) = table.get(id)
                && matches(&props)
            {
                hits.push((id, props));
            }
        }
    }
    if !by_modified {
        let name = sort.map(|s| s.property_name.clone()).unwrap_or_default();
        hits.sort_by(|(ia, a), (ib, b)| {
            let av = a.get(&name).map(text).unwrap_or_default();
            let bv = b.get(&name).map(text).unwrap_or_default();
            compare(&name, &av, &bv).then(ia.cmp(ib))
        });
    }
    if descending {
        hits.reverse();
    }
    let total = hits.len();
    let results: Vec<Value> = hits
        .iter()
        .skip(offset)
        .take(limit)
        .map(|(id, props)| object_json(kind, *id, props, request.properties.as_deref()))
        .collect();
    let mut body = json!({"total": total, "results": results});
    if offset + limit < total {
        body["paging"] = json!({"next": {"after": (offset + limit).to_string()}});
    }
    Json(body).into_response()
}
