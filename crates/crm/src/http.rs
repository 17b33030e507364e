//! One HTTP path for every CRM call: pacing inside the request window, retries with exponential backoff
//! and jitter on 429, 5xx, dropped connections, timeouts and unreadable bodies, `Retry-After` honoured,
//! one token refresh on 401, and errors classified once. Each provider supplies its [`Dialect`].

use std::{sync::Arc, time::Duration};

use backon::BackoffBuilder;
use reqwest::{Method, RequestBuilder, StatusCode, header::HeaderMap};
use serde_json::Value;
use tokio::sync::Mutex;

use crate::{
    CrmError, Result,
    pacer::{Pacer, RateInfo},
    secret::Secret,
};

/// How one CRM differs on the wire: how it signs requests, reports its window and words its errors.
#[async_trait::async_trait]
pub trait Dialect: Send + Sync {
    fn provider(&self) -> &'static str;
    fn authorize(&self, request: RequestBuilder, secret: &Secret) -> RequestBuilder;
    fn rate_info(&self, headers: &HeaderMap) -> RateInfo;
    /// The CRM's own error message and the field it names, from an error body.
    fn error_message(&self, body: &Value) -> (String, Option<String>);
    /// Whether a refusal asks to slow down (429, or Salesforce's 403 for too many requests at once).
    fn throttled(&self, status: StatusCode, _body: &Value) -> bool {
        status == StatusCode::TOO_MANY_REQUESTS
    }
    /// Whether a refusal means a daily allowance is spent (no retry helps today).
    fn quota_exhausted(&self, _status: StatusCode, _headers: &HeaderMap, _body: &Value) -> bool {
        false
    }
    /// A fresh secret after a 401, where the login can refresh.
    async fn refresh(&self, _client: &reqwest::Client, _secret: &Secret) -> Result<Option<Secret>> {
        Ok(None)
    }
}

/// How every client of one connection shares its secret: one refresh at a time, the newest secret read
/// before refreshing (another client may have refreshed it already, and a rotated refresh token works
/// once), and a refreshed secret saved before it is used, so a rotated refresh token is never lost.
#[derive(Clone)]
pub struct SecretKeeper {
    /// Held while a client refreshes; the connection's other clients wait for it.
    pub refreshing: Arc<tokio::sync::Mutex<()>>,
    /// The newest secret, from where it is kept (the keyring).
    pub load: LoadSecret,
    /// Keeps a refreshed secret; a failure is an error the person sees.
    pub save: SaveSecret,
}

/// Reads a connection's newest secret; the error says why it could not.
pub type LoadSecret = Arc<dyn Fn() -> std::result::Result<Secret, String> + Send + Sync>;
/// Keeps a connection's refreshed secret; the error says why it could not.
pub type SaveSecret = Arc<dyn Fn(&Secret) -> std::result::Result<(), String> + Send + Sync>;

pub struct Http {
    client: reqwest::Client,
    /// The connection's address: a request to any other origin is refused before it is signed.
    origin: Option<url::Url>,
    dialect: Box<dyn Dialect>,
    secret: Mutex<Secret>,
    keeper: Option<SecretKeeper>,
    pacer: Pacer,
    max_attempts: u32,
    /// Answers longer than this are refused instead of read whole into memory.
    answer_cap: usize,
}

/// The largest answer read: far above any page a CRM sends (a few MiB), far below what would exhaust
/// memory if an answer never ended.
pub const MAX_ANSWER_BYTES: usize = 64 << 20;

/// The body of a response, or `None` once it is longer than `cap` (by its Content-Length, or as read).
async fn read_capped(
    mut response: reqwest::Response,
    cap: usize,
) -> reqwest::Result<Option<Vec<u8>>> {
    if response.content_length().is_some_and(|n| n > cap as u64) {
        return Ok(None);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > cap {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}

/// A successful answer.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

/// One request to make (and remake on retry).
pub struct Call {
    pub method: Method,
    pub url: String,
    pub query: Vec<(String, String)>,
    pub json: Option<Value>,
    pub form: Option<Vec<(String, String)>>,
    pub headers: Vec<(&'static str, String)>,
    /// Sent again only when the CRM surely did not act on it (429, no connection, 401 refresh): a
    /// create that met a 5xx or a broken answer may have been made, and is reported, not repeated.
    pub at_most_once: bool,
    /// A body sent as it is, with its content type (Salesforce Bulk API 2.0's CSV).
    pub text: Option<(&'static str, String)>,
    /// A successful answer is text (CSV), kept as a JSON string rather than parsed.
    pub text_answer: bool,
}

impl Call {
    pub fn get(url: impl Into<String>) -> Self {
        Call {
            method: Method::GET,
            url: url.into(),
            query: Vec::new(),
            json: None,
            form: None,
            headers: Vec::new(),
            at_most_once: false,
            text: None,
            text_answer: false,
        }
    }

    pub fn new(method: Method, url: impl Into<String>, json: Option<Value>) -> Self {
        Call {
            json,
            method,
            ..Call::get(url)
        }
    }

    /// A write that must not be repeated blindly (creates, merges).
    pub fn at_most_once(mut self) -> Self {
        self.at_most_once = true;
        self
    }

    /// Sends `body` as it is, as `content_type`.
    pub fn text_body(mut self, content_type: &'static str, body: String) -> Self {
        self.text = Some((content_type, body));
        self
    }

    /// Reads a successful answer as text (a JSON string), not JSON.
    pub fn text_answer(mut self) -> Self {
        self.text_answer = true;
        self
    }

    pub fn header(mut self, name: &'static str, value: impl ToString) -> Self {
        self.headers.push((name, value.to_string()));
        self
    }

    pub fn query(mut self, key: &str, value: impl ToString) -> Self {
        self.query.push((key.to_owned(), value.to_string()));
        self
    }

    /// `GET /crm/v3/objects/contacts`: the method and path, never the query (it may hold a token).
    pub(crate) fn describe(&self) -> String {
        let path = url::Url::parse(&self.url)
            .map(|u| u.path().to_owned())
            .unwrap_or_else(|_| "(bad URL)".into());
        format!("{} {path}", self.method)
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(90))
        .user_agent(concat!("CRM-Bridge/", env!("CARGO_PKG_VERSION")))
        // A redirect could carry our credentials elsewhere; the APIs never need one.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a TLS backend is compiled in")
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get("retry-after")?.to_str().ok()?;
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| Duration::from_secs_f64(s.min(3600.0)))
}

impl Http {
    /// A client bound to `origin`, the connection's address: its credentials go nowhere else.
    pub fn new(
        origin: &str,
        dialect: Box<dyn Dialect>,
        secret: Secret,
        keeper: Option<SecretKeeper>,
        pacer: Pacer,
    ) -> Self {
        Http {
            client: client(),
            origin: url::Url::parse(origin).ok(),
            dialect,
            secret: Mutex::new(secret),
            keeper,
            pacer,
            max_attempts: 8,
            answer_cap: MAX_ANSWER_BYTES,
        }
    }

    pub fn provider(&self) -> &'static str {
        self.dialect.provider()
    }

    pub fn raw_client(&self) -> &reqwest::Client {
        &self.client
    }

    pub async fn secret(&self) -> Secret {
        self.secret.lock().await.clone()
    }

    pub async fn get(&self, url: impl Into<String>, query: &[(&str, String)]) -> Result<Value> {
        let mut call = Call::get(url);
        for (k, v) in query {
            call = call.query(k, v);
        }
        Ok(self.send(&call).await?.body)
    }

    /// Refuses a call to another origin than the connection's (a crafted `nextRecordsUrl`, say), before
    /// anything is signed or sent.
    fn check_origin(&self, call: &Call) -> Result<()> {
        let target = url::Url::parse(&call.url).ok();
        match (&self.origin, &target) {
            (Some(origin), Some(target)) if crate::address::same_origin(origin, target) => Ok(()),
            (origin, target) => Err(CrmError::Config(format!(
                "refused to send {} to {}: this connection's credentials go only to {}",
                call.describe(),
                target.as_ref().map_or("an unreadable address".into(), |t| t
                    .origin()
                    .ascii_serialization()),
                origin.as_ref().map_or("its own address".into(), |o| o
                    .origin()
                    .ascii_serialization()),
            ))),
        }
    }

    /// A secret to try after `refused` was refused: the connection's newest if another client has
    /// refreshed it meanwhile, else a refreshed one, saved before it is used. One refresh at a time per
    /// connection.
    async fn refresh_after(&self, refused: &Secret) -> Result<Option<Secret>> {
        let Some(keeper) = &self.keeper else {
            return self.dialect.refresh(&self.client, refused).await;
        };
        let provider = self.dialect.provider();
        let keyring = |message: String| CrmError::Keyring { provider, message };
        let _one_at_a_time = keeper.refreshing.lock().await;
        let newest = (keeper.load)().map_err(keyring)?;
        if newest != *refused {
            return Ok(Some(newest));
        }
        let Some(fresh) = self.dialect.refresh(&self.client, &newest).await? else {
            return Ok(None);
        };
        (keeper.save)(&fresh).map_err(keyring)?;
        Ok(Some(fresh))
    }

    /// Sends `call` with retries; one log line says how it went (method, path without its query,
    /// status, time, retries: never a secret, a query or a body).
    pub async fn send(&self, call: &Call) -> Result<Answer> {
        let started = std::time::Instant::now();
        let mut seen = Seen::default();
        let answer = self.send_attempts(call, &mut seen).await;
        let ms = started.elapsed().as_millis() as u64;
        let provider = self.dialect.provider();
        let request = call.describe();
        let retries = seen.attempts.saturating_sub(1);
        let status = seen
            .status
            .map_or_else(|| "none".to_owned(), |s| s.to_string());
        if answer.is_ok() {
            tracing::info!(target: "crm", provider, request, status = %status, ms, retries, "request");
        } else {
            tracing::warn!(target: "crm", provider, request, status = %status, ms, retries, "request failed");
        }
        answer
    }

    async fn send_attempts(&self, call: &Call, seen: &mut Seen) -> Result<Answer> {
        self.check_origin(call)?;
        let provider = self.dialect.provider();
        let mut backoff = backon::ExponentialBuilder::default()
            .with_min_delay(Duration::from_millis(200))
            .with_max_delay(Duration::from_secs(20))
            .with_factor(2.0)
            .with_jitter()
            .without_max_times()
            .build();
        let mut refreshed = false;
        let mut last: Option<CrmError> = None;
        for attempt in 1..=self.max_attempts {
            seen.attempts = attempt;
            if let Some(e) = &last {
                let delay = match e {
                    CrmError::RateLimited { retry_after, .. } if !retry_after.is_zero() => {
                        Duration::ZERO
                    }
                    _ => backoff.next().unwrap_or(Duration::from_secs(20)),
                };
                tokio::time::sleep(delay).await;
            }
            self.pacer.ready().await;
            let secret = self.secret.lock().await.clone();
            let mut request = self
                .client
                .request(call.method.clone(), &call.url)
                .query(&call.query);
            if let Some(json) = &call.json {
                request = request.json(json);
            }
            if let Some((content_type, body)) = &call.text {
                request = request
                    .header(reqwest::header::CONTENT_TYPE, *content_type)
                    .body(body.clone());
            }
            for (name, value) in &call.headers {
                request = request.header(*name, value);
            }
            if let Some(form) = &call.form {
                request = request.form(form);
            }
            let request = self.dialect.authorize(request, &secret);
            let network = |message: String| CrmError::Network {
                provider,
                request: call.describe(),
                attempts: attempt,
                message,
            };
            let response = match request.send().await {
                Ok(r) => r,
                Err(e) => {
                    let error = network(without_url(&e));
                    if call.at_most_once && !e.is_connect() {
                        return Err(error);
                    }
                    last = Some(error);
                    continue;
                }
            };
            let status = response.status();
            seen.status = Some(status.as_u16());
            let headers = response.headers().clone();
            self.pacer.observe(self.dialect.rate_info(&headers)).await;
            let bytes = match read_capped(response, self.answer_cap).await {
                Ok(Some(b)) => b,
                Ok(None) => {
                    return Err(CrmError::Malformed {
                        provider,
                        request: call.describe(),
                        detail: format!(
                            "the answer is larger than {} MiB; it was refused rather than read whole",
                            self.answer_cap >> 20
                        ),
                    });
                }
                Err(e) => {
                    let error = network(format!("the answer broke off ({})", without_url(&e)));
                    if call.at_most_once {
                        return Err(error);
                    }
                    last = Some(error);
                    continue;
                }
            };
            let body: Value = if call.text_answer && status.is_success() {
                Value::String(String::from_utf8_lossy(&bytes).into_owned())
            } else if bytes.iter().all(u8::is_ascii_whitespace) {
                Value::Null
            } else {
                match serde_json::from_slice(&bytes) {
                    Ok(v) => v,
                    Err(e) if status.is_success() || status.is_server_error() => {
                        let error = CrmError::Malformed {
                            provider,
                            request: call.describe(),
                            detail: format!("not JSON ({e}), {} bytes", bytes.len()),
                        };
                        if call.at_most_once {
                            return Err(error);
                        }
                        last = Some(error);
                        continue;
                    }
                    // A 4xx may be an HTML page (Pipedrive's Cloudflare 403): keep a short text.
                    Err(_) => Value::String(
                        String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).into_owned(),
                    ),
                }
            };
            if status.is_success() {
                return Ok(Answer {
                    status,
                    headers,
                    body,
                });
            }
            let (message, field) = self.dialect.error_message(&body);
            if self.dialect.quota_exhausted(status, &headers, &body) {
                return Err(CrmError::QuotaExhausted { provider, message });
            }
            if self.dialect.throttled(status, &body) {
                let wait = retry_after(&headers);
                self.pacer.back_off(wait).await;
                last = Some(CrmError::RateLimited {
                    provider,
                    request: call.describe(),
                    retry_after: wait.unwrap_or_default(),
                });
                continue;
            }
            match status {
                StatusCode::UNAUTHORIZED if !refreshed => {
                    refreshed = true;
                    match self.refresh_after(&secret).await? {
                        Some(fresh) => {
                            *self.secret.lock().await = fresh;
                            last = None;
                            continue;
                        }
                        None => return Err(CrmError::Unauthorized { provider, message }),
                    }
                }
                StatusCode::UNAUTHORIZED => {
                    return Err(CrmError::Unauthorized { provider, message });
                }
                StatusCode::FORBIDDEN => return Err(CrmError::Forbidden { provider, message }),
                s if s.is_server_error() => {
                    let error = CrmError::Server {
                        provider,
                        request: call.describe(),
                        status: s.as_u16(),
                        attempts: attempt,
                        message,
                    };
                    if call.at_most_once {
                        return Err(error);
                    }
                    last = Some(error);
                }
                s => {
                    return Err(CrmError::Rejected {
                        provider,
                        request: call.describe(),
                        status: s.as_u16(),
                        field,
                        message,
                    });
                }
            }
        }
        Err(last.unwrap_or(CrmError::Network {
            provider,
            request: call.describe(),
            attempts: self.max_attempts,
            message: "no attempt was made".into(),
        }))
    }
}

/// What the log line of a request tells: how many attempts, and the last status answered.
#[derive(Default)]
struct Seen {
    attempts: u32,
    status: Option<u16>,
}

/// reqwest's message without the URL (whose query may hold a token).
fn without_url(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "the answer broke off"
    } else {
        "the connection failed"
    };
    let mut source = std::error::Error::source(e);
    let mut detail = String::new();
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    if detail.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind}: {detail}")
    }
}

/// Reads a typed value out of an answer, or says which request sent what we could not read.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(
    provider: &'static str,
    request: &str,
    value: serde_json::Value,
) -> Result<T> {
    serde_json::from_value(value).map_err(|e| CrmError::Malformed {
        provider,
        request: request.to_owned(),
        detail: e.to_string(),
    })
}

/// `Authorization: Bearer` with an API token or an OAuth access token.
pub(crate) fn bearer(request: reqwest::RequestBuilder, secret: &Secret) -> reqwest::RequestBuilder {
    match secret {
        Secret::ApiKey { key } => request.bearer_auth(key),
        Secret::OAuth(t) => request.bearer_auth(&t.access_token),
        Secret::JwtBearer { .. } => request,
    }
}

/// A header's value as a number.
pub(crate) fn header_u32(headers: &reqwest::header::HeaderMap, name: &str) -> Option<u32> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

#[cfg(test)]
mod origin_tests {
    use super::*;

    struct Plain;

    #[async_trait::async_trait]
    impl Dialect for Plain {
        fn provider(&self) -> &'static str {
            "Test"
        }
        fn authorize(&self, request: RequestBuilder, _: &Secret) -> RequestBuilder {
            request.bearer_auth("not-to-be-sent")
        }
        fn rate_info(&self, _: &HeaderMap) -> RateInfo {
            RateInfo::default()
        }
        fn error_message(&self, _: &Value) -> (String, Option<String>) {
            (String::new(), None)
        }
    }

    #[tokio::test]
    async fn a_call_to_another_origin_is_refused_before_it_is_sent() {
        // A listener that counts connections: nothing may reach it.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let other = format!("http://{}/x", listener.local_addr().unwrap());
        let http = Http::new(
            "https://acme.my.salesforce.com",
            Box::new(Plain),
            Secret::api_key("session"),
            None,
            Pacer::new(None, Duration::from_secs(1)),
        );
        for url in [
            other.as_str(),
            "https://acme.my.salesforce.com@evil.example/services/data",
            "http://acme.my.salesforce.com/services/data",
            "not a url",
        ] {
            let e = http.send(&Call::get(url)).await.unwrap_err();
            assert!(
                matches!(e, CrmError::Config(ref m) if m.contains("refused to send")),
                "{url}: {e:?}"
            );
        }
        let accepted = tokio::time::timeout(Duration::from_millis(200), listener.accept()).await;
        assert!(accepted.is_err(), "a request reached another origin");
    }

    /// Answers every request with a 200 of `len` bytes of JSON, with or without a Content-Length.
    async fn serve_large(len: usize, with_length: bool) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let body = format!("\"{}\"", "x".repeat(len - 2));
                let head = if with_length {
                    format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {len}\r\nconnection: close\r\n\r\n"
                    )
                } else {
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n"
                        .into()
                };
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(body.as_bytes()).await;
            }
        });
        base
    }

    #[tokio::test]
    async fn an_answer_above_the_cap_is_refused_with_a_clear_error() {
        for with_length in [true, false] {
            let base = serve_large(4096, with_length).await;
            let mut http = Http::new(
                &base,
                Box::new(Plain),
                Secret::api_key("k"),
                None,
                Pacer::new(None, Duration::from_secs(1)),
            );
            http.answer_cap = 4095;
            let e = http
                .send(&Call::get(format!("{base}/big")))
                .await
                .unwrap_err();
            assert!(
                matches!(&e, CrmError::Malformed { detail, .. } if detail.contains("larger than")),
                "{e:?}"
            );
            http.answer_cap = 4096;
            let ok = http.send(&Call::get(format!("{base}/big"))).await.unwrap();
            assert_eq!(ok.body.as_str().map(str::len), Some(4094));
        }
    }
}
