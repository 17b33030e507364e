//! What every contract test does with a request: send it, with an optional JSON body, and unpack the
//! status, the headers and the JSON answer (`Null` when the body is not JSON).

use reqwest::{RequestBuilder, StatusCode, header::HeaderMap};
use serde_json::Value;

pub async fn send(request: RequestBuilder, body: Option<Value>) -> (StatusCode, HeaderMap, Value) {
    let request = match body {
        Some(b) => request.json(&b),
        None => request,
    };
    let r = request.send().await.expect("the emulator answers");
    let (status, headers) = (r.status(), r.headers().clone());
    (status, headers, r.json().await.unwrap_or(Value::Null))
}
