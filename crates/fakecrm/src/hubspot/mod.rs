//! HubSpot CRM v3 as CONTRACTS.md §2 describes it: bearer tokens, objects with `after` paging, search
//! with filters and object sorts, the 10-second rate window and its headers, HubSpot's error bodies.

mod associations;
mod batch;
mod merge;
mod metadata;
mod oauth;
mod objects;
mod params;
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
    http::{HeaderMap, HeaderValue, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{delete, get, post, put},
};
use serde_json::json;

use crate::{
    Emulator,
    seed::{Kind, Seed},
    table::Table,
};

/// The emulated HubSpot account.
pub struct Hubspot {
    pub token: String,
    pub oauth: crate::oauth::OAuth,
    tables: HashMap<Kind, Table>,
    window: RateWindow,
    search_window: RateWindow,
    correlation: u64,
    /// Private-app requests today: (limit, used). The emulator's "day" is its lifetime.
    daily: (u64, u64),
    /// Lower-cased e-mail -> contact id, built on first use (HubSpot keeps e-mails unique).
    emails: Option<HashMap<String, u64>>,
    /// Properties created through `POST /crm/v3/properties/{object}`, per object.
    created: HashMap<Kind, Vec<serde_json::Value>>,
}

impl Hubspot {
    pub fn new(
        seed: Seed,
        per_10s: u32,
        search_per_s: u32,
        daily: u64,
        token_lifetime: Duration,
    ) -> Self {
        let mut tables = crate::table::tables(seed, &Kind::CORE, |kind| {
            Box::new(render::HubspotGenerator::new(seed, kind))
        });
        // Calls, e-mails, meetings and tasks: none seeded, each its own object as in HubSpot; the
        // custom object (invoices) is empty too, filled by what the API creates.
        for kind in Kind::ACTIVITIES.into_iter().chain([Kind::Invoice]) {
            let generator = Box::new(render::HubspotGenerator::new(seed, kind));
            tables.insert(kind, crate::table::Table::new(0, generator));
        }
        Hubspot {
            token: format!("pat-na1-fake-{:016x}", crate::seed::mix(&[seed.seed, 1])),
            oauth: crate::oauth::OAuth::new(
                "fakecrm-hubspot-client".into(),
                format!("hs-secret-{:x}", crate::seed::mix(&[seed.seed, 2])),
                token_lifetime,
                false,
                crate::seed::mix(&[seed.seed, 3]),
            ),
            tables,
            window: RateWindow::new(per_10s, Duration::from_secs(10)),
            search_window: RateWindow::new(search_per_s, Duration::from_secs(1)),
            correlation: 0,
            daily: (daily, 0),
            emails: None,
            created: HashMap::new(),
        }
    }

    /// The properties created on `kind`, oldest first.
    pub(crate) fn created_properties(&self, kind: Kind) -> Vec<serde_json::Value> {
        self.created.get(&kind).cloned().unwrap_or_default()
    }

    /// The names of the properties created on `kind` (a write may name them).
    pub(crate) fn created_names(&self, kind: Kind) -> Vec<String> {
        self.created
            .get(&kind)
            .into_iter()
            .flatten()
            .filter_map(|p| p["name"].as_str().map(str::to_owned))
            .collect()
    }

    pub(crate) fn add_property(&mut self, kind: Kind, property: serde_json::Value) {
        self.created.entry(kind).or_default().push(property);
    }

    pub(crate) fn table(&mut self, kind: Kind) -> &mut Table {
        self.tables.get_mut(&kind).expect("a table per kind")
    }

    fn emails(&mut self) -> &mut HashMap<String, u64> {
        if self.emails.is_none() {
            let table = self.table(Kind::Person);
            let mut index = HashMap::new();
            for id in table.live_ids() {
                if let Some(email) = table
                    .get(id)
                    .and_then(|p| p.get("email")?.as_str().map(str::to_lowercase))
                {
                    index.entry(email).or_insert(id);
                }
            }
            self.emails = Some(index);
        }
        self.emails.as_mut().expect("built above")
    }

    pub(crate) fn contact_by_email(&mut self, email: &str) -> Option<u64> {
        let id = *self.emails().get(&email.to_lowercase())?;
        self.table(Kind::Person).exists(id).then_some(id)
    }

    /// Keeps the e-mail index in step after a contact was written.
    pub(crate) fn index_email(&mut self, kind: Kind, id: u64, props: &crate::table::Props) {
        if kind != Kind::Person {
            return;
        }
        let emails = self.emails();
        emails.retain(|_, v| *v != id);
        if let Some(email) = props.get("email").and_then(|v| v.as_str()) {
            emails.insert(email.to_lowercase(), id);
        }
    }

    pub(crate) fn forget_email(&mut self, kind: Kind, id: u64) {
        if kind == Kind::Person {
            self.emails().retain(|_, v| *v != id);
        }
    }

    pub(crate) fn correlation_id(&mut self) -> String {
        self.correlation += 1;
        format!("00000000-0000-4000-8000-{:012x}", self.correlation)
    }

    /// The answer to a path naming an object type HubSpot does not know.
    pub(crate) fn unknown_object(&mut self, object: &str) -> Response {
        self.error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            format!("Unable to infer object type from: {object}"),
        )
    }

    /// HubSpot's error body: `{status:"error", message, correlationId, category, ...}`.
    pub(crate) fn error(
        &mut self,
        status: StatusCode,
        category: &str,
        message: impl Into<String>,
    ) -> Response {
        let body = json!({
            "status": "error",
            "message": message.into(),
            "correlationId": self.correlation_id(),
            "category": category,
        });
        (status, Json(body)).into_response()
    }
}

/// A rolling window: at most `max` requests per `interval`.
struct RateWindow {
    max: u32,
    interval: Duration,
    started: Instant,
    used: u32,
}

impl RateWindow {
    fn new(max: u32, interval: Duration) -> Self {
        RateWindow {
            max,
            interval,
            started: Instant::now(),
            used: 0,
        }
    }

    /// Counts a request; returns the requests left in the window, or None when over the limit.
    fn take(&mut self, now: Instant) -> Option<u32> {
        if now.duration_since(self.started) >= self.interval {
            self.started = now;
            self.used = 0;
        }
        if self.used >= self.max {
            return None;
        }
        self.used += 1;
        Some(self.max - self.used)
    }
}

pub fn router(emulator: Arc<Emulator>) -> Router {
    let oauth = Router::new()
        .route("/oauth/authorize", get(oauth::authorize))
        .route("/oauth/v1/token", post(oauth::token))
        .with_state(emulator.clone());
    let api = Router::new()
        .route(
            "/crm/v3/objects/{object}",
            get(objects::list).post(objects::create),
        )
        .route("/crm/v3/objects/{object}/search", post(search::search))
        .route("/crm/v3/objects/{object}/merge", post(merge::merge))
        .route(
            "/crm/v3/objects/{object}/batch/{action}",
            post(batch::batch),
        )
        .route(
            "/crm/v4/associations/{object}/{to}/batch/read",
            post(associations::batch_read),
        )
        .route(
            "/crm/v4/objects/{object}/{id}/associations/{to}",
            get(associations::list),
        )
        .route(
            "/crm/v4/objects/{object}/{id}/associations/default/{to}/{to_id}",
            put(associations::add_default),
        )
        .route(
            "/crm/v4/objects/{object}/{id}/associations/{to}/{to_id}",
            delete(associations::remove),
        )
        .route(
            "/crm/v3/properties/{object}",
            get(metadata::properties).post(metadata::create_property),
        )
        .route(
            "/crm/v3/properties/{object}/{name}",
            get(metadata::property_by_name),
        )
        .route("/crm/v3/pipelines/{object}", get(metadata::pipelines))
        .route("/crm/v3/pipelines/{object}/{id}", get(metadata::pipeline))
        .route(
            "/crm/v3/pipelines/{object}/{id}/stages",
            get(metadata::stages),
        )
        // The schemas API as HubSpot's SDK calls it, and at its older path, which HubSpot still
        // answers.
        .route("/crm-object-schemas/v3/schemas", get(metadata::schemas))
        .route("/crm/v3/schemas", get(metadata::schemas))
        .route("/crm/v3/owners", get(metadata::owners))
        .route("/crm/v3/owners/", get(metadata::owners))
        .route("/crm/v3/owners/{id}", get(metadata::owner))
        .route("/account-info/v3/details", get(metadata::account_details))
        .route(
            "/crm/v3/objects/{object}/{id}",
            get(objects::read)
                .patch(objects::update)
                .delete(objects::archive),
        )
        .layer(middleware::from_fn_with_state(emulator.clone(), guard))
        .with_state(emulator);
    oauth.merge(api)
}

/// Checks the bearer token and the rate window before any HubSpot route, and adds the rate headers.
async fn guard(State(emu): State<Arc<Emulator>>, request: Request, next: Next) -> Response {
    let (remaining, daily) = {
        let mut hs = emu.hubspot();
        let token = bearer(request.headers()).unwrap_or_default();
        if let Some(Err(expired_for)) = hs.oauth.check(token) {
            return hs.error(
                StatusCode::UNAUTHORIZED,
                "EXPIRED_AUTHENTICATION",
                format!(
                    "The OAuth token used to make this call expired {} second(s) ago.",
                    expired_for.as_secs().max(1)
                ),
            );
        }
        let authorised = token == hs.token || hs.oauth.check(token).is_some();
        if !authorised {
            return hs.error(
                StatusCode::UNAUTHORIZED,
                "INVALID_AUTHENTICATION",
                "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find \
                 more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
            );
        }
        // Only private apps have a daily limit (and its headers).
        let private_app = token == hs.token;
        if private_app && hs.daily.1 >= hs.daily.0 {
            let body = json!({
                "status": "error", "message": "You have reached your daily limit.", "errorType": "RATE_LIMIT",
                "correlationId": hs.correlation_id(), "policyName": "DAILY",
            });
            let mut response = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
            daily_headers(response.headers_mut(), hs.daily.0, 0);
            return response;
        }
        let daily = private_app.then(|| {
            hs.daily.1 += 1;
            (hs.daily.0, hs.daily.0 - hs.daily.1)
        });
        match hs.window.take(Instant::now()) {
            Some(left) => (left, daily),
            None => {
                let body = json!({
                    "status": "error",
                    "message": "You have reached your ten_secondly_rolling limit.",
                    "errorType": "RATE_LIMIT",
                    "correlationId": hs.correlation_id(),
                    "policyName": "TEN_SECONDLY_ROLLING",
                });
                let mut response = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
                rate_headers(response.headers_mut(), hs.window.max, 0);
                return response;
            }
        }
    };
    let max = emu.config.hubspot_per_10s;
    let mut response = next.run(request).await;
    rate_headers(response.headers_mut(), max, remaining);
    if let Some((limit, left)) = daily {
        daily_headers(response.headers_mut(), limit, left);
    }
    response
}

fn daily_headers(headers: &mut HeaderMap, limit: u64, remaining: u64) {
    headers.insert("X-HubSpot-RateLimit-Daily", HeaderValue::from(limit));
    headers.insert(
        "X-HubSpot-RateLimit-Daily-Remaining",
        HeaderValue::from(remaining),
    );
}

fn rate_headers(headers: &mut HeaderMap, max: u32, remaining: u32) {
    headers.insert(
        "X-HubSpot-RateLimit-Interval-Milliseconds",
        HeaderValue::from_static("10000"),
    );
    headers.insert("X-HubSpot-RateLimit-Max", HeaderValue::from(max));
    headers.insert(
        "X-HubSpot-RateLimit-Remaining",
        HeaderValue::from(remaining),
    );
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("authorization")?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

/// `contacts`, `companies`, `deals`, the engagement objects and the custom object, by name or
/// HubSpot's object type id.
pub(crate) fn kind_of(object: &str) -> Option<Kind> {
    match object {
        "contacts" | "0-1" => Some(Kind::Person),
        "companies" | "0-2" => Some(Kind::Company),
        "deals" | "0-3" => Some(Kind::Deal),
        "notes" | "0-46" => Some(Kind::Note),
        "calls" | "0-48" => Some(Kind::Call),
        "emails" | "0-49" => Some(Kind::Email),
        "meetings" | "0-47" => Some(Kind::Meeting),
        "tasks" | "0-27" => Some(Kind::Task),
        // The portal's custom object: by its object type id or its fully qualified name.
        metadata::INVOICE_TYPE_ID => Some(Kind::Invoice),
        name if name
            .strip_prefix('p')
            .and_then(|n| n.strip_suffix("_invoices"))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())) =>
        {
            Some(Kind::Invoice)
        }
        _ => None,
    }
}
