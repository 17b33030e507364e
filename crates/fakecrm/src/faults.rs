//! Fault injection in front of every provider route, and the request log tests read.
//!
//! Which request fails is decided by a counter-based seeded hash, so the same `seed` and the same
//! sequence of requests fail the same way: a failing run can be replayed.

use std::{
    sync::{Arc, atomic::Ordering},
    time::Duration,
};

use axum::{
    Json,
    body::Body,
    extract::{Request, State},
    http::{HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use serde::Serialize;
use serde_json::json;

use crate::{Emulator, Faults, Provider, seed::mix};

/// One request as the emulator saw it.
#[derive(Debug, Clone, Serialize)]
pub struct LoggedRequest {
    pub seq: u64,
    pub provider: Provider,
    pub method: String,
    pub path: String,
    /// The raw query string, if any: contract checks compare its parameter names with the vendor's.
    pub query: Option<String>,
    /// Who sent it (our clients send `CRM-Bridge/…`).
    pub user_agent: Option<String>,
    /// The JSON body's shape, values left out: keys, and each value's type (`"string"`, `"number"`,
    /// `"boolean"`, `"null"`); an array holds one element, the union of its elements' shapes.
    pub body_shape: Option<serde_json::Value>,
    pub status: u16,
    /// The fault injected instead of an answer, if any.
    pub fault: Option<&'static str>,
}

impl LoggedRequest {
    /// Whether the request could change data (so a dry run must never send one).
    pub fn is_write(&self) -> bool {
        // Close's Advanced Filtering is `/data/search/` (trailing slash, as every Close path).
        let read_only_post = self.path.trim_end_matches('/').ends_with("/search")
            || self.path.ends_with("/batch/read")
            || self.path.contains("/oauth");
        match self.method.as_str() {
            "GET" | "HEAD" | "OPTIONS" => false,
            "POST" => !read_only_post,
            _ => true,
        }
    }
}

/// The most requests the log keeps; older ones are dropped first.
pub const LOG_CAPACITY: usize = 1_000_000;

fn fault_for(emu: &Emulator, provider: Provider, seq: u64) -> (Option<&'static str>, Faults) {
    let f = emu.faults(provider);
    let roll =
        |salt: u64| (mix(&[f.seed, provider as u64, seq, salt]) % 1_000_000) as f64 / 1_000_000.0;
    let fault = if roll(1) < f.error_rate {
        Some("server_error")
    } else if roll(2) < f.rate_limit_rate {
        Some("rate_limit")
    } else if roll(3) < f.drop_rate {
        Some("drop")
    } else if roll(4) < f.malformed_rate {
        Some("malformed")
    } else if roll(5) < f.lost_answer_rate {
        Some("lost_answer")
    } else {
        None
    };
    (fault, f)
}

/// The middleware: log, maybe delay, maybe answer with a fault instead of the route.
pub async fn inject(
    State((emu, provider)): State<(Arc<Emulator>, Provider)>,
    request: Request,
    next: Next,
) -> Response {
    let seq = emu.request_seq.fetch_add(1, Ordering::Relaxed);
    let (fault, f) = fault_for(&emu, provider, seq);
    if f.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(f.latency_ms)).await;
    }
    let (method, path, query) = (
        request.method().to_string(),
        request.uri().path().to_owned(),
        request.uri().query().map(str::to_owned),
    );
    let user_agent = request
        .headers()
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (request, body_shape) = read_shape(request).await;
    let response = match fault {
        Some("server_error") => server_error(provider),
        Some("rate_limit") => rate_limited(provider),
        Some("drop") => dropped(),
        Some("malformed") => malformed(),
        Some("lost_answer") => {
            next.run(request).await;
            dropped()
        }
        _ => next.run(request).await,
    };
    emu.log(LoggedRequest {
        seq,
        provider,
        method,
        path,
        query,
        user_agent,
        body_shape,
        status: response.status().as_u16(),
        fault,
    });
    if f.slow_body_ms > 0 && fault.is_none() {
        return slow(response, Duration::from_millis(f.slow_body_ms)).await;
    }
    response
}

/// The same answer, its body sent in four pieces with pauses between them.
async fn slow(response: Response, total: Duration) -> Response {
    let (mut parts, body) = response.into_parts();
    // A trickled body has no length announced up front: it goes out chunked.
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let step = bytes.len().div_ceil(4).max(1);
    let pieces: Vec<axum::body::Bytes> = bytes
        .chunks(step)
        .map(axum::body::Bytes::copy_from_slice)
        .collect();
    Response::from_parts(parts, Body::from_stream(trickle(pieces, total / 4)))
}

fn trickle(
    pieces: Vec<axum::body::Bytes>,
    pause: Duration,
) -> impl tokio_stream::Stream<Item = Result<axum::body::Bytes, std::io::Error>> + Send + 'static {
    use tokio_stream::StreamExt;
    tokio_stream::iter(pieces).then(move |piece| async move {
        tokio::time::sleep(pause).await;
        Ok(piece)
    })
}

fn server_error(provider: Provider) -> Response {
    let body = match provider {
        Provider::Hubspot => {
            json!({"status": "error", "message": "internal error", "correlationId": "00000000-0000-4000-8000-00000000f500", "category": "INTERNAL_ERROR"})
        }
        Provider::Salesforce => {
            json!([{"message": "An unexpected error occurred. Please include this ErrorId if you contact support.", "errorCode": "UNKNOWN_EXCEPTION"}])
        }
        Provider::Close => json!({"error": "Internal server error"}),
        Provider::Pipedrive => {
            json!({"success": false, "error": "Requested service is not available", "error_info": "Please check developers.pipedrive.com", "data": null, "additional_data": null})
        }
    };
    (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
}

fn rate_limited(provider: Provider) -> Response {
    let (body, headers): (_, &[(&str, &str)]) = match provider {
        Provider::Hubspot => (
            json!({"status": "error", "message": "You have reached your ten_secondly_rolling limit.", "errorType": "RATE_LIMIT", "correlationId": "00000000-0000-4000-8000-00000000f429", "policyName": "TEN_SECONDLY_ROLLING"}),
            &[
                ("X-HubSpot-RateLimit-Remaining", "0"),
                ("X-HubSpot-RateLimit-Interval-Milliseconds", "10000"),
            ],
        ),
        Provider::Salesforce => (
            // A burst: too many long requests at once (the daily quota has its own message).
            json!([{"message": "ConcurrentPerOrgLongTxn Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}]),
            &[],
        ),
        Provider::Close => (
            json!({"error": "API rate limit exceeded"}),
            &[
                ("RateLimit", "limit=20, remaining=0, reset=1"),
                ("Retry-After", "1"),
            ],
        ),
        Provider::Pipedrive => (
            json!({"success": false, "error": "Request over limit", "data": null, "additional_data": null}),
            &[
                ("x-ratelimit-limit", "40"),
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-reset", "1"),
            ],
        ),
    };
    // A Salesforce burst is a 403 REQUEST_LIMIT_EXCEEDED, every other provider answers 429.
    let status = if provider == Provider::Salesforce {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::TOO_MANY_REQUESTS
    };
    let mut response = (status, Json(body)).into_response();
    for (name, value) in headers {
        response
            .headers_mut()
            .insert(*name, HeaderValue::from_static(value));
    }
    response
}

/// Headers and the start of a body, then the connection is cut.
fn dropped() -> Response {
    let chunks: Vec<Result<&'static [u8], std::io::Error>> = vec![
        Ok(b"{\"results\":[{\"id\":\"1\",\"prop"),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "fakecrm dropped the connection",
        )),
    ];
    let mut response = Response::new(Body::from_stream(tokio_stream::iter(chunks)));
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    response
        .headers_mut()
        .insert("content-length", HeaderValue::from_static("4096"));
    response
}

fn malformed() -> Response {
    let mut response = Response::new(Body::from(
        "{\"results\": [{\"id\": \"1\", \"properties\": {\"email\": \"ann@",
    ));
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    response
}

/// The request again, and its JSON body's shape (None without a JSON body).
async fn read_shape(request: Request) -> (Request, Option<serde_json::Value>) {
    let json = request
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json {
        return (request, None);
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 << 20).await else {
        return (Request::from_parts(parts, Body::empty()), None);
    };
    let shape = serde_json::from_slice(&bytes).ok().map(|v| shape(&v));
    (Request::from_parts(parts, Body::from(bytes)), shape)
}

/// A JSON value with its values left out (see [`LoggedRequest::body_shape`]).
pub fn shape(value: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Null => json!("null"),
        Value::Bool(_) => json!("boolean"),
        Value::Number(_) => json!("number"),
        Value::String(_) => json!("string"),
        Value::Array(items) => {
            let merged = items.iter().map(shape).reduce(merge);
            Value::Array(merged.into_iter().collect())
        }
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), shape(v))).collect())
        }
    }
}

/// The union of two shapes: an object's keys from both, the first type where they differ.
fn merge(a: serde_json::Value, b: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(mut x), Value::Object(y)) => {
            for (k, v) in y {
                let merged = match x.remove(&k) {
                    Some(old) => merge(old, v),
                    None => v,
                };
                x.insert(k, merged);
            }
            Value::Object(x)
        }
        (Value::Array(x), Value::Array(y)) => {
            Value::Array(x.into_iter().chain(y).reduce(merge).into_iter().collect())
        }
        (a, _) => a,
    }
}

#[cfg(test)]
mod shape_tests {
    use super::*;

    #[test]
    fn a_shape_keeps_keys_and_types_and_merges_array_elements() {
        let body = json!({"inputs": [{"properties": {"email": "a@b.c"}}, {"properties": {"phone": "1"}, "id": 5}], "n": null});
        assert_eq!(
            shape(&body),
            json!({"inputs": [{"properties": {"email": "string", "phone": "string"}, "id": "number"}], "n": "null"})
        );
        assert_eq!(shape(&json!([])), json!([]));
    }
}
