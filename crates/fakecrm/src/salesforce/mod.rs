//! Salesforce (REST v60.0) as CONTRACTS.md §3 describes it: a login host for OAuth and an instance host
//! for the API (`instance_url`), bearer sessions, sObject CRUD with 18-character ids, describe, the daily
//! API quota with `Sforce-Limit-Info` and 403 `REQUEST_LIMIT_EXCEEDED`, errors as JSON arrays.

mod bulk;
mod composite;
mod directory;
mod oauth;
mod query;
pub mod render;
mod rest;
mod schema;
mod soap;
mod soql;
mod tooling;

use std::{collections::HashMap, sync::Arc, time::Duration};

use axum::{
    Json, Router,
    extract::{Request, State},
    http::{HeaderValue, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
};
use serde_json::json;

pub use oauth::JWT_PRIVATE_KEY;

use crate::{
    Emulator,
    seed::{Kind, Seed},
    table::Table,
};

/// The sObjects the emulator seeds (calls, e-mails and tasks are Tasks here, so no table of their own;
/// invoices are the org's custom object `Invoice__c`).
const SEEDED_KINDS: [Kind; 6] = [
    Kind::Person,
    Kind::Company,
    Kind::Deal,
    Kind::Note,
    Kind::Lead,
    Kind::Invoice,
];

/// Every sObject table: the seeded ones, and events (meetings), which the API creates.
pub const SOBJECT_KINDS: [Kind; 7] = [
    Kind::Person,
    Kind::Company,
    Kind::Deal,
    Kind::Note,
    Kind::Lead,
    Kind::Meeting,
    Kind::Invoice,
];

pub struct Salesforce {
    /// A session id handed out in the description, as if the user had signed in already.
    pub access_token: String,
    pub oauth: crate::oauth::OAuth,
    pub username: String,
    tables: HashMap<Kind, Table>,
    daily_max: u64,
    daily_used: u64,
    locators: HashMap<String, query::Locator>,
    locator_seq: u64,
    bulk: HashMap<String, bulk::Job>,
    bulk_seq: u64,
    /// Custom fields created through the Tooling API.
    added: Vec<schema::Added>,
    /// Field permissions granted: (permission set id, `object.field` in lower case).
    grants: Vec<(String, String)>,
}

impl Salesforce {
    pub fn new(seed: Seed, daily_max: u64, token_lifetime: Duration) -> Self {
        let mut tables = crate::table::tables(seed, &SEEDED_KINDS, |kind| {
            Box::new(render::SalesforceGenerator { seed, kind })
        });
        // Events (meetings): none seeded, kept as the API creates them.
        let events = Box::new(render::SalesforceGenerator {
            seed,
            kind: Kind::Meeting,
        });
        tables.insert(Kind::Meeting, Table::new(0, events));
        Salesforce {
            access_token: format!(
                "00D5e000000FAKE!AQ{:024x}",
                crate::seed::mix(&[seed.seed, 41]) as u128
            ),
            oauth: crate::oauth::OAuth::new(
                "3MVG9fakecrm.SalesforceConsumerKey".into(),
                format!("{:X}", crate::seed::mix(&[seed.seed, 42])),
                token_lifetime,
                false,
                crate::seed::mix(&[seed.seed, 43]),
            )
            .with_access_prefix("00D5e000000FAKE!"),
            username: "integration@crmbridge-demo.example".into(),
            tables,
            daily_max,
            daily_used: 0,
            locators: HashMap::new(),
            locator_seq: 0,
            bulk: HashMap::new(),
            bulk_seq: 0,
            added: Vec::new(),
            grants: Vec::new(),
        }
    }

    pub(crate) fn table(&mut self, kind: Kind) -> &mut Table {
        self.tables.get_mut(&kind).expect("a table per kind")
    }

    /// Whether a session id is the org's (the description's, or one its OAuth handed out and not
    /// expired).
    fn accepts(&self, session: &str) -> bool {
        session == self.access_token || matches!(self.oauth.check(session), Some(Ok(())))
    }

    /// Counts one call against the org's daily quota; false when it is used up.
    fn count_call(&mut self) -> bool {
        if self.daily_used >= self.daily_max {
            return false;
        }
        self.daily_used += 1;
        true
    }
}

/// Salesforce's REST error body: a JSON array of `{message, errorCode, fields?}`.
pub(crate) fn error(
    status: StatusCode,
    code: &str,
    message: impl Into<String>,
    fields: &[&str],
) -> Response {
    let mut item = json!({"message": message.into(), "errorCode": code});
    if !fields.is_empty() {
        item["fields"] = json!(fields);
    }
    (status, Json(json!([item]))).into_response()
}

/// The login host: OAuth authorize and token endpoints.
pub fn login_router(emulator: Arc<Emulator>) -> Router {
    Router::new()
        .route("/services/oauth2/authorize", get(oauth::authorize))
        .route("/services/oauth2/token", axum::routing::post(oauth::token))
        .with_state(emulator)
}

/// The instance host: everything under `/services/data/vNN.0`, for every version the org serves.
pub fn instance_router(emulator: Arc<Emulator>) -> Router {
    let mut api = Router::new();
    for number in render::VERSIONS {
        api = api.merge(versioned(&format!("/services/data/v{number}.0")));
    }
    let api = api
        .layer(middleware::from_fn_with_state(emulator.clone(), guard))
        .with_state(emulator.clone());
    // The version list needs no session and does not count against the quota.
    Router::new()
        .route("/services/data/", get(rest::versions))
        .route("/services/data", get(rest::versions))
        .route("/services/oauth2/userinfo", get(tooling::userinfo))
        // SOAP carries its session in the envelope (and counts against the quota like any call).
        .route(
            "/services/Soap/u/{version}",
            axum::routing::post(soap::call),
        )
        .with_state(emulator)
        .merge(api)
}

/// The REST routes of one API version.
fn versioned(version: &str) -> Router<Arc<Emulator>> {
    Router::new()
        .route(&format!("{version}/limits"), get(rest::limits))
        .route(&format!("{version}/limits/"), get(rest::limits))
        .route(&format!("{version}/query"), get(query::query))
        .route(&format!("{version}/query/"), get(query::query))
        .route(
            &format!("{version}/composite/sobjects"),
            axum::routing::post(composite::create)
                .patch(composite::update)
                .delete(composite::delete),
        )
        .route(
            &format!("{version}/composite/sobjects/{{sobject}}"),
            get(composite::read).post(composite::read_by_body),
        )
        .route(&format!("{version}/query/{{locator}}"), get(query::more))
        .route(
            &format!("{version}/jobs/query"),
            axum::routing::post(bulk::create_query),
        )
        .route(
            &format!("{version}/jobs/ingest"),
            axum::routing::post(bulk::create_ingest),
        )
        .route(
            &format!("{version}/jobs/query/{{id}}"),
            get(bulk::status)
                .patch(bulk::set_state)
                .delete(bulk::delete),
        )
        .route(
            &format!("{version}/jobs/ingest/{{id}}"),
            get(bulk::status)
                .patch(bulk::set_state)
                .delete(bulk::delete),
        )
        .route(
            &format!("{version}/jobs/query/{{id}}/results"),
            get(bulk::results),
        )
        .route(
            &format!("{version}/jobs/ingest/{{id}}/batches"),
            axum::routing::put(bulk::upload),
        )
        .route(
            &format!("{version}/jobs/ingest/{{id}}/{{which}}"),
            get(bulk::ingest_results),
        )
        .route(
            &format!("{version}/tooling/sobjects/CustomField"),
            axum::routing::post(tooling::create_custom_field),
        )
        .route(&format!("{version}/sobjects"), get(rest::describe_global))
        .route(&format!("{version}/sobjects/"), get(rest::describe_global))
        .route(
            &format!("{version}/sobjects/{{sobject}}/describe"),
            get(rest::describe),
        )
        .route(
            &format!("{version}/sobjects/{{sobject}}/describe/"),
            get(rest::describe),
        )
        // The feeds answer with and without the trailing slash (jsforce and simple-salesforce send none).
        .route(
            &format!("{version}/sobjects/{{sobject}}/deleted/"),
            get(rest::deleted),
        )
        .route(
            &format!("{version}/sobjects/{{sobject}}/deleted"),
            get(rest::deleted),
        )
        .route(
            &format!("{version}/sobjects/{{sobject}}/updated/"),
            get(rest::updated),
        )
        .route(
            &format!("{version}/sobjects/{{sobject}}/updated"),
            get(rest::updated),
        )
        .route(
            &format!("{version}/sobjects/{{sobject}}"),
            get(rest::basic_info).post(rest::create),
        )
        .route(
            &format!("{version}/sobjects/{{sobject}}/{{id}}"),
            get(rest::read).patch(rest::update).delete(rest::delete),
        )
}

fn bearer(request: &Request) -> Option<&str> {
    request
        .headers()
        .get("authorization")?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

/// A request URI longer than this is refused with 414 URI Too Long (Salesforce Help, "Maximum number of
/// rows returned by SOQL queries over the REST API", article 000386264: 16,384 bytes).
const MAX_URI_BYTES: usize = 16_384;

async fn guard(State(emu): State<Arc<Emulator>>, request: Request, next: Next) -> Response {
    let uri = request.uri();
    let uri_bytes = uri.path().len() + uri.query().map_or(0, |q| q.len() + 1);
    if uri_bytes > MAX_URI_BYTES {
        return (StatusCode::URI_TOO_LONG, "URI Too Long").into_response();
    }
    let usage = {
        let mut sf = emu.salesforce();
        let token = bearer(&request).unwrap_or_default();
        if !sf.accepts(token) {
            return error(
                StatusCode::UNAUTHORIZED,
                "INVALID_SESSION_ID",
                "Session expired or invalid",
                &[],
            );
        }
        if !sf.count_call() {
            let mut response = error(
                StatusCode::FORBIDDEN,
                "REQUEST_LIMIT_EXCEEDED",
                "TotalRequests Limit exceeded.",
                &[],
            );
            limit_header(&mut response, sf.daily_used, sf.daily_max);
            return response;
        }
        (sf.daily_used, sf.daily_max)
    };
    let mut response = next.run(request).await;
    limit_header(&mut response, usage.0, usage.1);
    response
}

fn limit_header(response: &mut Response, used: u64, max: u64) {
    if let Ok(v) = HeaderValue::from_str(&format!("api-usage={used}/{max}")) {
        response.headers_mut().insert("Sforce-Limit-Info", v);
    }
}
