//! Close (api/v1) as CONTRACTS.md §4 describes it: API key as Basic auth with an empty password (or an
//! OAuth bearer token), trailing slashes, `_skip`/`_limit`/`has_more`, PUT as a partial update,
//! `date_updated__*` filters, leads that embed their contacts, `RateLimit` headers, Close's error bodies.

mod merge;
mod oauth;
mod objects;
pub mod render;
mod search;

use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};

use axum::{
    Json, Router,
    extract::{Request, State},
    http::{HeaderValue, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
};
use base64::Engine;
use serde_json::json;

use crate::{
    Emulator, Provider,
    seed::{Kind, Seed},
    table::Table,
};

pub struct Close {
    pub api_key: String,
    pub oauth: crate::oauth::OAuth,
    seed: Seed,
    tables: HashMap<Kind, Table>,
    /// Lead id -> its contacts' ids, built on first use.
    lead_contacts: Option<HashMap<u64, Vec<u64>>>,
    limit_per_s: u32,
    window_started: Instant,
    window_used: u32,
    /// Open Advanced Filtering pagination sequences by cursor.
    search_sequences: HashMap<String, search::Sequence>,
    search_seq: u64,
}

impl Close {
    pub fn new(seed: Seed, limit_per_s: u32, token_lifetime: Duration) -> Self {
        let tables = crate::table::tables(
            seed,
            &[
                Kind::Person,
                Kind::Company,
                Kind::Deal,
                Kind::Note,
                Kind::Call,
                Kind::Email,
                Kind::Meeting,
                Kind::Task,
                Kind::Invoice,
            ],
            |kind| Box::new(render::CloseGenerator { seed, kind }),
        );
        Close {
            api_key: format!(
                "api_fake{:024x}",
                crate::seed::mix(&[seed.seed, 21]) as u128
            ),
            oauth: crate::oauth::OAuth::new(
                "fakecrm-close-client".into(),
                format!("close-secret-{:x}", crate::seed::mix(&[seed.seed, 22])),
                token_lifetime,
                true, // Close rotates refresh tokens: the old one dies on use.
                crate::seed::mix(&[seed.seed, 23]),
            ),
            seed,
            tables,
            lead_contacts: None,
            limit_per_s,
            window_started: Instant::now(),
            window_used: 0,
            search_sequences: HashMap::new(),
            search_seq: 0,
        }
    }

    pub(crate) fn table(&mut self, kind: Kind) -> &mut Table {
        self.tables.get_mut(&kind).expect("a table per kind")
    }

    pub(crate) fn contacts_of(&mut self, lead: u64) -> Vec<u64> {
        if self.lead_contacts.is_none() {
            let mut index: HashMap<u64, Vec<u64>> = HashMap::new();
            for i in 0..Kind::Person.count(self.seed.people) {
                index
                    .entry(self.seed.person_company(Provider::Close, i) as u64 + 1)
                    .or_default()
                    .push(i as u64 + 1);
            }
            self.lead_contacts = Some(index);
        }
        let ids = self
            .lead_contacts
            .as_ref()
            .and_then(|m| m.get(&lead))
            .cloned()
            .unwrap_or_default();
        let table = self.table(Kind::Person);
        ids.into_iter().filter(|&id| table.exists(id)).collect()
    }

    /// Keeps the lead -> contacts index in step when a contact is written or moved.
    pub(crate) fn place_contact(&mut self, contact: u64, lead: Option<u64>) {
        self.contacts_of(0);
        let index = self.lead_contacts.as_mut().expect("built above");
        for list in index.values_mut() {
            list.retain(|&c| c != contact);
        }
        if let Some(lead) = lead {
            index.entry(lead).or_default().push(contact);
        }
    }

    fn take(&mut self) -> (bool, u32, f64) {
        let now = Instant::now();
        if now.duration_since(self.window_started) >= Duration::from_secs(1) {
            self.window_started = now;
            self.window_used = 0;
        }
        let reset = 1.0 - now.duration_since(self.window_started).as_secs_f64();
        if self.window_used >= self.limit_per_s {
            return (false, 0, reset);
        }
        self.window_used += 1;
        (true, self.limit_per_s - self.window_used, reset)
    }
}

/// Close's error bodies: `{"error": "..."}` or, for invalid fields, `{"errors": [], "field-errors": {...}}`.
pub(crate) fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

/// Why Close refuses a request; becomes Close's error body at the edge.
pub(crate) enum Refused {
    Field(String, String),
    Plain(StatusCode, String),
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Refused::Field(field, message) => field_error(&field, message),
            Refused::Plain(status, message) => error(status, message),
        }
    }
}

pub(crate) fn field_error(field: &str, message: impl Into<String>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"errors": [], "field-errors": { field: message.into() }})),
    )
        .into_response()
}

pub fn router(emulator: Arc<Emulator>) -> Router {
    let oauth = Router::new()
        .route("/oauth2/authorize/", get(oauth::authorize))
        .route("/oauth2/token/", axum::routing::post(oauth::token))
        .with_state(emulator.clone());
    let api = Router::new()
        .route("/api/v1/lead/merge/", axum::routing::post(merge::merge))
        .route("/api/v1/me/", get(objects::me))
        .route("/api/v1/user/", get(objects::users))
        .route(
            "/api/v1/custom_field/{object}/",
            get(objects::custom_fields).post(objects::create_custom_field),
        )
        .route("/api/v1/pipeline/", get(objects::pipelines))
        .route(
            "/api/v1/custom_object_type/",
            get(objects::custom_object_types),
        )
        .route("/api/v1/event/", get(objects::events))
        .route("/api/v1/data/search/", axum::routing::post(search::search))
        .route("/api/v1/status/lead/", get(objects::lead_statuses))
        .route(
            "/api/v1/status/opportunity/",
            get(objects::opportunity_statuses),
        )
        .route(
            "/api/v1/{resource}/",
            get(objects::list).post(objects::create),
        )
        .route(
            "/api/v1/activity/{activity}/",
            get(objects::list_activities).post(objects::create_activity),
        )
        .route(
            "/api/v1/activity/{activity}/{id}/",
            get(objects::read_activity)
                .put(objects::update_activity)
                .delete(objects::delete_activity),
        )
        .route(
            "/api/v1/{resource}/{id}/",
            get(objects::read)
                .put(objects::update)
                .delete(objects::delete),
        )
        .layer(middleware::from_fn_with_state(emulator.clone(), guard))
        .with_state(emulator);
    oauth.merge(api)
}

fn api_key_of(request: &Request) -> Option<String> {
    let header = request.headers().get("authorization")?.to_str().ok()?;
    let encoded = header.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    // The key is the user name; the password is empty.
    text.strip_suffix(':').map(str::to_owned)
}

fn bearer_of(request: &Request) -> Option<&str> {
    request
        .headers()
        .get("authorization")?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

async fn guard(State(emu): State<Arc<Emulator>>, request: Request, next: Next) -> Response {
    let (limit, remaining, reset) = {
        let mut close = emu.close();
        let by_key = api_key_of(&request).is_some_and(|k| k == close.api_key);
        let by_token = bearer_of(&request).and_then(|t| close.oauth.check(t));
        match (by_key, by_token) {
            (true, _) | (_, Some(Ok(()))) => {}
            (_, Some(Err(_))) => {
                return error(
                    StatusCode::UNAUTHORIZED,
                    "The OAuth access token has expired.",
                );
            }
            _ => return error(StatusCode::UNAUTHORIZED, "Unauthorized"),
        }
        let (ok, remaining, reset) = close.take();
        if !ok {
            let mut response = error(StatusCode::TOO_MANY_REQUESTS, "API call limit exceeded");
            let seconds = whole_seconds(reset);
            let h = response.headers_mut();
            h.insert(
                "RateLimit",
                header(&format!(
                    "limit={}, remaining=0, reset={seconds}",
                    close.limit_per_s
                )),
            );
            h.insert("retry-after", HeaderValue::from(seconds));
            return response;
        }
        (close.limit_per_s, remaining, reset)
    };
    let mut response = next.run(request).await;
    response.headers_mut().insert(
        "RateLimit",
        header(&format!(
            "limit={limit}, remaining={remaining}, reset={}",
            whole_seconds(reset)
        )),
    );
    response
}

/// `reset` in whole seconds, rounded up: the RateLimit header's field is delta-seconds (an integer),
/// and Close's official client reads it with `reset=(\d+)`, so `0.734` would read as 0 and it would
/// retry at once, inside the window.
fn whole_seconds(reset: f64) -> u64 {
    reset.ceil().max(1.0) as u64
}

fn header(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or(HeaderValue::from_static(""))
}
