//! Pipedrive (v1 and v2) as CONTRACTS.md §5 describes it: `x-api-token` (or `?api_token=`), v1
//! `start`/`limit` with `additional_data.pagination`, v2 cursors with `updated_since`/`updated_until`,
//! custom fields keyed by 40-character hashes, person merge, field discovery, pipelines and stages,
//! the 2-second burst window with `x-ratelimit-*` headers, and Pipedrive's error envelope.

mod oauth;
mod objects;
mod pipelines;
pub mod render;

use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};

use axum::{
    Json, Router,
    extract::{Request, State},
    http::{HeaderValue, Method, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{get, put},
};
use serde_json::json;

use crate::{
    Emulator,
    seed::{Kind, Seed},
    table::Table,
};

const WINDOW: Duration = Duration::from_secs(2);

pub struct Pipedrive {
    pub api_token: String,
    pub oauth: crate::oauth::OAuth,
    tables: HashMap<Kind, Table>,
    per_window: u32,
    window_started: Instant,
    window_used: u32,
    /// The company's daily token budget: (tokens per day, tokens spent). The emulator's day is its lifetime.
    budget: (u64, u64),
}

impl Pipedrive {
    pub fn new(seed: Seed, per_2s: u32, daily_tokens: u64, token_lifetime: Duration) -> Self {
        let mut tables = crate::table::tables(seed, &Kind::CORE, |kind| {
            Box::new(render::PipedriveGenerator { seed, kind })
        });
        // Activities (calls, meetings, tasks, e-mails, by `type`): none seeded, kept as the API
        // creates them.
        let activities = Box::new(render::PipedriveGenerator {
            seed,
            kind: Kind::Task,
        });
        tables.insert(Kind::Task, Table::new(0, activities));
        Pipedrive {
            api_token: format!(
                "{:040x}",
                crate::seed::mix(&[seed.seed, 31]) as u128 * 0x1_0000_0001
            ),
            oauth: crate::oauth::OAuth::new(
                "fakecrm-pipedrive-client".into(),
                format!("pd-secret-{:x}", crate::seed::mix(&[seed.seed, 32])),
                token_lifetime,
                false,
                crate::seed::mix(&[seed.seed, 33]),
            ),
            tables,
            per_window: per_2s,
            window_started: Instant::now(),
            window_used: 0,
            budget: (daily_tokens, 0),
        }
    }

    pub(crate) fn table(&mut self, kind: Kind) -> &mut Table {
        self.tables.get_mut(&kind).expect("a table per kind")
    }

    /// Counts a request: (allowed, remaining, seconds until the window resets).
    fn take(&mut self) -> (bool, u32, u64) {
        let now = Instant::now();
        if now.duration_since(self.window_started) >= WINDOW {
            self.window_started = now;
            self.window_used = 0;
        }
        let reset = (WINDOW - now.duration_since(self.window_started))
            .as_secs_f64()
            .ceil() as u64;
        if self.window_used >= self.per_window {
            return (false, 0, reset.max(1));
        }
        self.window_used += 1;
        (true, self.per_window - self.window_used, reset.max(1))
    }
}

/// What a call costs from the daily token budget (CONTRACTS.md §5.9: single read 2, list 20, write 10,
/// merge 40).
fn token_cost(method: &Method, path: &str) -> u64 {
    let last = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default();
    match *method {
        Method::GET if last.parse::<u64>().is_ok() || last == "me" => 2,
        Method::GET => 20,
        Method::DELETE => 6,
        _ if last == "merge" => 40,
        _ => 10,
    }
}

/// Why Pipedrive refuses a request; becomes its error envelope at the edge.
pub(crate) struct Refused(pub StatusCode, pub String);

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        error(self.0, self.1)
    }
}

/// Pipedrive's error envelope.
pub(crate) fn error(status: StatusCode, message: impl Into<String>) -> Response {
    let body = json!({
        "success": false, "error": message.into(), "error_info": "Please check developers.pipedrive.com",
        "data": null, "additional_data": null,
    });
    (status, Json(body)).into_response()
}

pub fn router(emulator: Arc<Emulator>) -> Router {
    let oauth = Router::new()
        .route("/oauth/authorize", get(oauth::authorize))
        .route("/oauth/token", axum::routing::post(oauth::token))
        .with_state(emulator.clone());
    let api = Router::new()
        .route("/api/v1/users/me", get(objects::me))
        .route("/api/v1/users", get(objects::users))
        .route("/api/v1/pipelines", get(pipelines::pipelines))
        .route("/api/v1/stages", get(pipelines::stages))
        .route("/api/v2/pipelines", get(pipelines::v2_pipelines))
        .route("/api/v2/pipelines/{id}", get(pipelines::v2_pipeline))
        .route("/api/v2/stages", get(pipelines::v2_stages))
        .route("/api/v2/stages/{id}", get(pipelines::v2_stage))
        .route(
            "/api/v1/{collection}",
            get(objects::v1_list).post(objects::v1_create),
        )
        .route(
            "/api/v1/{collection}/{id}",
            get(objects::v1_read)
                .put(objects::v1_update)
                .delete(objects::delete),
        )
        .route("/api/v1/recents", get(objects::recents))
        .route("/api/v1/{collection}/{id}/merge", put(objects::merge))
        .route(
            "/api/v2/{collection}",
            get(objects::v2_list).post(objects::v2_create),
        )
        .route("/api/v2/{collection}/search", get(objects::search))
        .route(
            "/api/v2/{collection}/{id}",
            get(objects::v2_read)
                .patch(objects::v2_update)
                .delete(objects::delete),
        )
        .layer(middleware::from_fn_with_state(emulator.clone(), guard))
        .with_state(emulator);
    oauth.merge(api)
}

fn token_of(request: &Request) -> Option<String> {
    if let Some(t) = request
        .headers()
        .get("x-api-token")
        .and_then(|v| v.to_str().ok())
    {
        return Some(t.to_owned());
    }
    // The older query parameter still appears in tutorials; accept it too.
    request
        .uri()
        .query()?
        .split('&')
        .find_map(|pair| pair.strip_prefix("api_token=").map(str::to_owned))
}

async fn guard(State(emu): State<Arc<Emulator>>, request: Request, next: Next) -> Response {
    let (limit, remaining, reset, daily_left) = {
        let mut pd = emu.pipedrive();
        let bearer = request
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_owned);
        if let Some(Err(_)) = bearer.as_deref().and_then(|t| pd.oauth.check(t)) {
            return error(
                StatusCode::UNAUTHORIZED,
                "Invalid token: access_token is invalid",
            );
        }
        let by_oauth = bearer
            .as_deref()
            .is_some_and(|t| pd.oauth.check(t).is_some());
        if !by_oauth && token_of(&request).as_deref() != Some(pd.api_token.as_str()) {
            let body = json!({
                "success": false, "error": "unauthorized access", "errorCode": 401,
                "error_info": "Please check developers.pipedrive.com", "data": null, "additional_data": null,
            });
            return (StatusCode::UNAUTHORIZED, Json(body)).into_response();
        }
        let cost = token_cost(request.method(), request.uri().path());
        if pd.budget.1 + cost > pd.budget.0 {
            return error(
                StatusCode::TOO_MANY_REQUESTS,
                "Daily token budget exhausted; it resets at midnight",
            );
        }
        let (ok, remaining, reset) = pd.take();
        if !ok {
            let mut response = error(StatusCode::TOO_MANY_REQUESTS, "Request over limit");
            rate_headers(&mut response, pd.per_window, 0, reset);
            return response;
        }
        pd.budget.1 += cost;
        // Only API-token writes report the daily budget (in tokens left).
        let writes = matches!(
            *request.method(),
            Method::POST | Method::PUT | Method::PATCH
        );
        let daily_left = (!by_oauth && writes).then_some(pd.budget.0 - pd.budget.1);
        (pd.per_window, remaining, reset, daily_left)
    };
    let mut response = next.run(request).await;
    rate_headers(&mut response, limit, remaining, reset);
    if let Some(left) = daily_left {
        response
            .headers_mut()
            .insert("x-daily-requests-left", HeaderValue::from(left));
    }
    response
}

fn rate_headers(response: &mut Response, limit: u32, remaining: u32, reset: u64) {
    let h = response.headers_mut();
    h.insert("x-ratelimit-limit", HeaderValue::from(limit));
    h.insert("x-ratelimit-remaining", HeaderValue::from(remaining));
    h.insert("x-ratelimit-reset", HeaderValue::from(reset));
}

/// `persons`, `organizations`, `deals`, `notes`, `activities` (every activity type is one table).
pub(crate) fn kind_of(collection: &str) -> Option<Kind> {
    match collection {
        "persons" => Some(Kind::Person),
        "organizations" => Some(Kind::Company),
        "deals" => Some(Kind::Deal),
        "notes" => Some(Kind::Note),
        "activities" => Some(Kind::Task),
        _ => None,
    }
}
