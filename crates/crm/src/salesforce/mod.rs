//! Salesforce REST (the org's newest version, v60.0 at least) on the `instance_url`: a session id,
//! OAuth (web-server flow; refresh keeps the refresh token) or the JWT bearer grant (a new session
//! minted from the key on every 401), SOQL ordered by `SystemModstamp, Id` followed through
//! `nextRecordsUrl`, the `deleted` feed, describe, opportunity stages and users by SOQL, and the daily
//! quota read from `Sforce-Limit-Info`: a spent quota stops with a clear error instead of hammering.

mod bulk;
pub(crate) mod convert;
mod ingest;
mod new_field;
mod wire;
mod write;

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use async_trait::async_trait;
use bridge_model::{CustomObjectInfo, Fields, NewField, ObjectType, Provider};
use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::{RequestBuilder, StatusCode, header::HeaderMap};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::{
    Account, Crm, CrmError, FieldInfo, Merged, Owner, Page, Pipeline, PullRequest, Result, Secret,
    SecretKeeper, Stage, StageOutcome, Update, WriteResult,
    http::{Call, Dialect, Http, decode},
    pacer::{Pacer, RateInfo},
};

const PROVIDER: &str = "Salesforce";
/// The oldest REST API version CRM Bridge works with (the one its tests and emulator judge); an org's
/// newest version at or above it is used.
pub const API_VERSION: &str = "v60.0";
const MIN_VERSION: f64 = 60.0;
/// Stop this many requests short of the daily allowance, so the user's other tools keep working.
const QUOTA_RESERVE: u64 = 0;

/// Why a create of this record would be refused before it is sent (see `crate::refused_create`).
pub(crate) fn refused_create(
    object_type: ObjectType,
    fields: &Fields,
) -> std::result::Result<Value, crate::RecordError> {
    write::record(object_type, fields, None)
}

pub struct Salesforce {
    instance: String,
    http: Http,
    /// The dialect's JWT session, read for the org id it starts with.
    session: Arc<Mutex<Option<String>>>,
    custom: crate::custom::CustomFields,
    /// The REST API version in use (`v62.0`), found once from `/services/data/`.
    version: tokio::sync::OnceCell<String>,
    /// Each sObject's field types (describe), for Bulk API 2.0's CSV.
    types: Mutex<std::collections::HashMap<String, std::collections::HashMap<String, String>>>,
}

struct SalesforceDialect {
    /// The session minted from a JWT bearer login (the secret itself stays the key).
    session: Arc<Mutex<Option<String>>>,
}

/// `Sforce-Limit-Info: api-usage=18/15000` -> (used, max)
fn api_usage(headers: &HeaderMap) -> Option<(u64, u64)> {
    let text = headers.get("sforce-limit-info")?.to_str().ok()?;
    let usage = text
        .split(';')
        .find_map(|part| part.trim().strip_prefix("api-usage="))?;
    let (used, max) = usage.split_once('/')?;
    Some((used.trim().parse().ok()?, max.trim().parse().ok()?))
}

fn is_daily(error: &Value) -> bool {
    error["message"]
        .as_str()
        .is_some_and(|m| m.contains("TotalRequests"))
}

/// Signs a JWT bearer assertion and trades it for a session id.
async fn jwt_session(client: &reqwest::Client, secret: &Secret) -> Result<String> {
    let Secret::JwtBearer {
        client_id,
        username,
        private_key_pem,
        login_url,
    } = secret
    else {
        return Err(CrmError::Config("not a JWT bearer login".into()));
    };
    // The signed assertion is a credential too: only to an https login host (or the demo's loopback one).
    crate::address::check_base(login_url)?;
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(private_key_pem.as_bytes()).map_err(|e| {
        CrmError::Config(format!("the JWT key is not an RSA private key in PEM: {e}"))
    })?;
    let claims = json!({
        "iss": client_id, "sub": username, "aud": login_url,
        "exp": Utc::now().timestamp() + 180,
    });
    let assertion = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
        &claims,
        &key,
    )
    .map_err(|e| CrmError::Config(format!("cannot sign the JWT: {e}")))?;
    let response = client
        .post(format!(
            "{}/services/oauth2/token",
            login_url.trim_end_matches('/')
        ))
        .form(&[
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
            ("assertion", assertion.as_str()),
        ])
        .send()
        .await
        .map_err(|e| CrmError::Network {
            provider: PROVIDER,
            request: "POST /services/oauth2/token".into(),
            attempts: 1,
            message: e.without_url().to_string(),
        })?;
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        return Err(CrmError::Unauthorized {
            provider: PROVIDER,
            message: format!(
                "JWT bearer login refused: {} ({})",
                body["error"].as_str().unwrap_or("error"),
                body["error_description"].as_str().unwrap_or_default()
            ),
        });
    }
    let answer: wire::JwtAnswer = decode(PROVIDER, "POST /services/oauth2/token", body)?;
    Ok(answer.access_token)
}

#[async_trait]
impl Dialect for SalesforceDialect {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    fn authorize(&self, request: RequestBuilder, secret: &Secret) -> RequestBuilder {
        match secret {
            Secret::JwtBearer { .. } => match self.session.lock().expect("session lock").clone() {
                Some(session) => request.bearer_auth(session),
                None => request,
            },
            other => crate::http::bearer(request, other),
        }
    }

    fn rate_info(&self, _: &HeaderMap) -> RateInfo {
        // Salesforce limits per day (and concurrent long requests), not per window.
        RateInfo::default()
    }

    fn error_message(&self, body: &Value) -> (String, Option<String>) {
        // Errors are an array: [{"message", "errorCode", "fields"}].
        let first = body.get(0).unwrap_or(body);
        let message = match (first["errorCode"].as_str(), first["message"].as_str()) {
            (Some(code), Some(m)) => format!("{code}: {m}"),
            (None, Some(m)) => m.to_owned(),
            _ => body.to_string(),
        };
        let field = first["fields"][0].as_str().map(str::to_owned);
        (message, field)
    }

    fn throttled(&self, status: StatusCode, body: &Value) -> bool {
        // REQUEST_LIMIT_EXCEEDED names which limit: only TotalRequests is the daily quota; the others
        // (concurrent long requests) pass in seconds.
        let first = body.get(0).unwrap_or(body);
        status == StatusCode::TOO_MANY_REQUESTS
            || (status == StatusCode::FORBIDDEN
                && first["errorCode"] == "REQUEST_LIMIT_EXCEEDED"
                && !is_daily(first))
    }

    fn quota_exhausted(&self, status: StatusCode, headers: &HeaderMap, body: &Value) -> bool {
        let first = body.get(0).unwrap_or(body);
        (status == StatusCode::FORBIDDEN
            && first["errorCode"] == "REQUEST_LIMIT_EXCEEDED"
            && is_daily(first))
            || api_usage(headers).is_some_and(|(used, max)| used + QUOTA_RESERVE > max)
    }

    async fn refresh(&self, client: &reqwest::Client, secret: &Secret) -> Result<Option<Secret>> {
        match secret {
            Secret::JwtBearer { .. } => {
                let session = jwt_session(client, secret).await?;
                *self.session.lock().expect("session lock") = Some(session);
                Ok(Some(secret.clone()))
            }
            other => crate::oauth::refresh_oauth(PROVIDER, client, other, false).await,
        }
    }
}

/// A pass: which of the type's sObjects (activities are two), and the query locator to follow
/// (none: that sObject's query has not started).
#[derive(Debug, Serialize, Deserialize)]
struct Cursor {
    #[serde(default)]
    part: usize,
    #[serde(default)]
    next: Option<String>,
    /// A whole pull of a large sObject through Bulk API 2.0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    bulk: Option<bulk::BulkCursor>,
}

impl Cursor {
    /// The cursor of the type's next sObject, if it has one.
    fn next_part(&self, parts: usize) -> Option<Cursor> {
        (self.part + 1 < parts).then(|| Cursor {
            part: self.part + 1,
            next: None,
            bulk: None,
        })
    }
}

impl Salesforce {
    pub fn new(instance: String, secret: Secret, keeper: Option<SecretKeeper>) -> Self {
        let origin = instance.clone();
        let session = Arc::new(Mutex::new(None));
        Salesforce {
            instance,
            session: session.clone(),
            custom: Default::default(),
            version: tokio::sync::OnceCell::new(),
            types: Mutex::default(),
            http: Http::new(
                &origin,
                Box::new(SalesforceDialect { session }),
                secret,
                keeper,
                Pacer::new(None, Duration::from_secs(1)),
            ),
        }
    }

    /// A `nextRecordsUrl` on the instance: only a query locator's path is followed (a crafted value such
    /// as `@evil.example/...` or `//evil.example` would point the session elsewhere; `Http` refuses any
    /// other origin as well).
    fn next_url(&self, next: &str) -> Result<String> {
        let locator = next.starts_with("/services/data/")
            && !next.contains("..")
            && !next.contains(['@', '\\', '#'])
            && !next.chars().any(char::is_whitespace);
        if !locator {
            return Err(CrmError::Malformed {
                provider: PROVIDER,
                request: "GET /query".into(),
                detail: format!("nextRecordsUrl `{next}` is not a query locator on this instance"),
            });
        }
        Ok(format!("{}{next}", self.instance))
    }

    async fn url(&self, path: &str) -> Result<String> {
        let version = self
            .version
            .get_or_try_init(|| self.newest_version())
            .await?;
        Ok(format!("{}/services/data/{version}/{path}", self.instance))
    }

    /// The org's newest REST API version (`GET /services/data/`), at least [`API_VERSION`].
    async fn newest_version(&self) -> Result<String> {
        let request = "GET /services/data/";
        let body = self
            .http
            .send(&Call::get(format!("{}/services/data/", self.instance)))
            .await?
            .body;
        let served: Vec<wire::Version> = decode(PROVIDER, request, body)?;
        let newest = served
            .iter()
            .filter_map(|v| v.version.parse::<f64>().ok().map(|n| (n, &v.version)))
            .max_by(|a, b| a.0.total_cmp(&b.0));
        match newest {
            Some((n, version)) if n >= MIN_VERSION => Ok(format!("v{version}")),
            Some((_, version)) => Err(CrmError::Unsupported(format!(
                "this Salesforce org serves the REST API up to v{version}; CRM Bridge needs {API_VERSION} or newer"
            ))),
            None => Err(CrmError::Malformed {
                provider: PROVIDER,
                request: request.into(),
                detail: "no API versions listed".into(),
            }),
        }
    }

    async fn query(&self, soql: &str) -> Result<Vec<Value>> {
        let mut out = Vec::new();
        let mut page = self
            .query_page(Call::get(self.url("query").await?).query("q", soql))
            .await?;
        loop {
            out.append(&mut page.records);
            match page.next_records_url.filter(|_| !page.done) {
                Some(next) => page = self.query_page(Call::get(self.next_url(&next)?)).await?,
                None => return Ok(out),
            }
        }
    }

    /// `GET /sobjects/{sobject}/describe`.
    async fn describe(&self, sobject: &str) -> Result<wire::Describe> {
        let path = format!("sobjects/{sobject}/describe");
        let body = self.http.get(self.url(&path).await?, &[]).await?;
        decode(PROVIDER, &format!("GET /{path}"), body)
    }

    /// Records as the REST API or a Bulk API page gives them, in canonical fields.
    fn pulled_records(
        &self,
        object_type: ObjectType,
        sobject: &str,
        raw: Vec<Value>,
        custom: &[String],
    ) -> Result<Vec<crate::Pulled>> {
        raw.into_iter()
            .map(|raw| {
                let r: wire::Record = decode(PROVIDER, "GET /query", raw.clone())?;
                Ok(convert::pulled(
                    object_type,
                    sobject,
                    r.id,
                    r.system_modstamp.as_deref(),
                    raw,
                    custom,
                ))
            })
            .collect()
    }

    async fn query_page(&self, call: Call) -> Result<wire::QueryPage> {
        let call = call.header("sforce-query-options", "batchSize=2000");
        match self.http.send(&call).await {
            Ok(answer) => decode(PROVIDER, "GET /query", answer.body),
            Err(CrmError::Rejected { message, .. })
                if message.contains("INVALID_QUERY_LOCATOR") =>
            {
                Err(CrmError::CursorExpired { provider: PROVIDER })
            }
            Err(e) => Err(e),
        }
    }
}

#[async_trait]
impl Crm for Salesforce {
    fn provider(&self) -> Provider {
        Provider::Salesforce
    }

    fn object_types(&self) -> &'static [ObjectType] {
        crate::SALESFORCE_OBJECTS
    }

    async fn check(&self) -> Result<Account> {
        let answer = self
            .http
            .send(&Call::get(self.url("limits").await?))
            .await?;
        let limits: wire::Limits = decode(PROVIDER, "GET /limits", answer.body)?;
        let host = url::Url::parse(&self.instance)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| self.instance.clone());
        // A session id starts with the org id: `00D…!…`.
        let secret = self.http.secret().await;
        let org = match &secret {
            Secret::ApiKey { key } => key.split_once('!').map(|(org, _)| org.to_owned()),
            Secret::OAuth(t) => t
                .access_token
                .split_once('!')
                .map(|(org, _)| org.to_owned()),
            Secret::JwtBearer { .. } => self
                .session
                .lock()
                .expect("session lock")
                .as_deref()
                .and_then(|s| s.split_once('!'))
                .map(|(org, _)| org.to_owned()),
        };
        let d = limits.daily_api_requests;
        Ok(Account {
            account_id: org.clone().unwrap_or_else(|| host.clone()),
            account_name: format!("Salesforce org at {host}"),
            user_email: match secret {
                Secret::JwtBearer { username, .. } => Some(username),
                _ => None,
            },
            quota: Some(format!(
                "{} of {} API requests left today",
                d.remaining, d.max
            )),
        })
    }

    /// Describe global's custom objects (`X__c`) a person keeps records in: queryable and
    /// createable, not custom settings, metadata types (`__mdt`) or events (`__e`).
    async fn custom_objects(&self) -> Result<Vec<CustomObjectInfo>> {
        let body = self.http.get(self.url("sobjects/").await?, &[]).await?;
        let global: wire::DescribeGlobal = decode(PROVIDER, "GET /sobjects/", body)?;
        global
            .sobjects
            .into_iter()
            .filter(|s| {
                s.custom
                    && !s.custom_setting
                    && s.queryable
                    && s.createable
                    && s.name.ends_with("__c")
            })
            .map(|s| {
                let object_type = crate::custom_object_type(PROVIDER, "GET /sobjects/", &s.name)?;
                Ok(CustomObjectInfo {
                    object_type,
                    plural: s.label_plural.unwrap_or_else(|| s.label.clone()),
                    singular: s.label,
                })
            })
            .collect()
    }

    async fn pull(&self, request: &PullRequest) -> Result<Page> {
        let object_type = request.object_type;
        let custom = self
            .custom
            .keys(object_type, || Crm::fields(self, object_type))
            .await?;
        let cursor: Cursor = match &request.cursor {
            Some(text) => serde_json::from_str(text)
                .map_err(|_| CrmError::Config(format!("unreadable Salesforce cursor `{text}`")))?,
            None => Cursor {
                part: 0,
                next: None,
                bulk: None,
            },
        };
        let sobjects = convert::sobjects(object_type);
        let sobject = *sobjects.get(cursor.part).ok_or_else(|| {
            CrmError::Config(format!(
                "Salesforce cursor names part {} of {}",
                cursor.part,
                sobjects.len()
            ))
        })?;
        // Custom fields are read from the type's first sObject (an activity's: Task).
        let custom: &[String] = if cursor.part == 0 { &custom } else { &[] };
        let fields_of = || {
            let mut fields = convert::soql_fields(object_type, sobject);
            for key in custom {
                fields.push_str(", ");
                fields.push_str(key);
            }
            fields
        };
        // A whole pull of many records goes through Bulk API 2.0: a job, then CSV pages.
        let bulk = match (&cursor.bulk, &cursor.next) {
            (Some(b), _) => Some(b.clone()),
            (None, None)
                if request.since.is_none() && self.count(sobject).await? > bulk::BULK_THRESHOLD =>
            {
                let soql = format!("SELECT {} FROM {sobject}", fields_of());
                Some(bulk::BulkCursor {
                    job: self.bulk_query(&soql).await?,
                    locator: None,
                })
            }
            _ => None,
        };
        if let Some(b) = bulk {
            let (raw, locator) = self.bulk_page(sobject, &b).await?;
            let records = self.pulled_records(object_type, sobject, raw, custom)?;
            let next = match locator {
                Some(locator) => Some(Cursor {
                    part: cursor.part,
                    next: None,
                    bulk: Some(bulk::BulkCursor {
                        job: b.job,
                        locator: Some(locator),
                    }),
                }),
                None => cursor.next_part(sobjects.len()),
            };
            return Ok(Page {
                records,
                next: next.map(|c| json!(c).to_string()),
            });
        }
        let call = match &cursor.next {
            Some(next) => Call::get(self.next_url(next)?),
            None => {
                let filter = request
                    .since
                    .map(|t| {
                        format!(
                            " WHERE SystemModstamp >= {}",
                            t.to_rfc3339_opts(SecondsFormat::Secs, true)
                        )
                    })
                    .unwrap_or_default();
                let soql = format!(
                    "SELECT {} FROM {sobject}{filter} ORDER BY SystemModstamp, Id",
                    fields_of()
                );
                Call::get(self.url("query").await?).query("q", soql)
            }
        };
        let page = self.query_page(call).await?;
        let records = self.pulled_records(object_type, sobject, page.records, custom)?;
        let next = match page.next_records_url.filter(|_| !page.done) {
            Some(next) => Some(Cursor {
                part: cursor.part,
                next: Some(next),
                bulk: None,
            }),
            None => cursor.next_part(sobjects.len()),
        };
        Ok(Page {
            records,
            next: next.map(|c| json!(c).to_string()),
        })
    }

    async fn deleted_since(
        &self,
        object_type: ObjectType,
        since: DateTime<Utc>,
    ) -> Result<Option<Vec<String>>> {
        let mut ids = Vec::new();
        for sobject in convert::sobjects(object_type) {
            let call = Call::get(self.url(&format!("sobjects/{sobject}/deleted/")).await?)
                .query("start", since.to_rfc3339_opts(SecondsFormat::Secs, true))
                .query(
                    "end",
                    (Utc::now() + chrono::Duration::minutes(1))
                        .to_rfc3339_opts(SecondsFormat::Secs, true),
                );
            let body = self.http.send(&call).await?.body;
            let deleted: wire::Deleted =
                decode(PROVIDER, &format!("GET /sobjects/{sobject}/deleted/"), body)?;
            ids.extend(deleted.deleted_records.into_iter().map(|d| d.id));
        }
        Ok(Some(ids))
    }

    /// The Tooling API's `CustomField` on the type's sObject, then access for the signed-in user's
    /// profile (`new_field.rs`); a custom field of that label already there is used instead.
    async fn create_field(&self, object_type: ObjectType, field: &NewField) -> Result<FieldInfo> {
        crate::new_field::check(PROVIDER, object_type, field)?;
        if let Some(found) =
            crate::new_field::existing(Crm::fields(self, object_type).await?, field)
        {
            return Ok(found);
        }
        self.create_custom_field(object_type, field).await
    }

    async fn fields(&self, object_type: ObjectType) -> Result<Vec<FieldInfo>> {
        Ok(self
            .describe(convert::sobject(object_type))
            .await?
            .fields
            .into_iter()
            .map(|f| FieldInfo {
                required: f.createable
                    && !f.nillable
                    && !f.defaulted_on_create
                    && f.kind != "boolean",
                read_only: !f.createable && !f.updateable,
                custom: f.custom,
                options: f.picklist_values.into_iter().map(|v| v.value).collect(),
                key: f.name,
                label: f.label,
                kind: f.kind,
            })
            .collect())
    }

    async fn pipelines(&self) -> Result<Vec<Pipeline>> {
        let rows = self
            .query("SELECT Id, MasterLabel, SortOrder, IsClosed, IsWon, DefaultProbability FROM OpportunityStage ORDER BY SortOrder")
            .await?;
        let stages = rows
            .into_iter()
            .map(|raw| {
                let s: wire::OpportunityStage = decode(PROVIDER, "SOQL OpportunityStage", raw)?;
                Ok(Stage {
                    // Opportunity.StageName holds the label, so the label is the stage's key.
                    id: s.master_label.clone(),
                    label: s.master_label,
                    order: s.sort_order.unwrap_or_default().max(0.0) as u32,
                    probability: s.default_probability,
                    outcome: match (s.is_closed, s.is_won) {
                        (true, true) => StageOutcome::Won,
                        (true, false) => StageOutcome::Lost,
                        _ => StageOutcome::Open,
                    },
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(vec![Pipeline {
            id: "Opportunity".into(),
            label: "Opportunities".into(),
            stages,
        }])
    }

    async fn owners(&self) -> Result<Vec<Owner>> {
        let rows = self.query("SELECT Id, Name, Email FROM User").await?;
        rows.into_iter()
            .map(|raw| {
                let u: wire::User = decode(PROVIDER, "SOQL User", raw)?;
                Ok(Owner {
                    id: u.id,
                    name: u.name,
                    email: u.email,
                })
            })
            .collect()
    }

    fn choose_custom(&self, object_type: ObjectType, keys: Option<Vec<String>>) {
        self.custom.choose(object_type, keys);
    }

    fn batch_size(&self) -> usize {
        write::BATCH
    }

    fn batch_size_for(&self, total: usize) -> usize {
        if total as u64 >= bulk::BULK_THRESHOLD {
            ingest::INGEST_BATCH
        } else {
            write::BATCH
        }
    }

    async fn create(&self, object_type: ObjectType, records: &[Fields]) -> Vec<WriteResult> {
        self.create_records(object_type, records).await
    }

    async fn update(&self, object_type: ObjectType, records: &[Update]) -> Vec<WriteResult> {
        self.update_records(object_type, records).await
    }

    async fn upsert(
        &self,
        object_type: ObjectType,
        key: &str,
        records: &[Fields],
    ) -> Vec<WriteResult> {
        self.upsert_records(object_type, key, records).await
    }

    async fn delete(&self, _: ObjectType, ids: &[String]) -> Vec<WriteResult> {
        self.delete_records(ids).await
    }

    async fn merge(&self, object_type: ObjectType, survivor: &str, merged: &str) -> Result<Merged> {
        self.merge_records(object_type, survivor, merged).await
    }

    async fn secret(&self) -> Secret {
        self.http.secret().await
    }
}

#[cfg(test)]
mod next_url_tests {
    use super::*;

    #[test]
    fn only_a_query_locator_on_the_instance_is_followed() {
        let sf = Salesforce::new(
            "https://acme.my.salesforce.com".into(),
            Secret::api_key("session"),
            None,
        );
        assert_eq!(
            sf.next_url("/services/data/v60.0/query/01gD0000002HU6KIAW-2000")
                .unwrap(),
            "https://acme.my.salesforce.com/services/data/v60.0/query/01gD0000002HU6KIAW-2000"
        );
        // Appended as text, this one names the host `evil.example` (`acme…@evil.example`).
        let appended = url::Url::parse("https://acme.my.salesforce.com@evil.example/x").unwrap();
        assert_eq!(appended.host_str(), Some("evil.example"));
        for hostile in [
            "@evil.example/services/data/v60.0/query/x",
            "//evil.example/services/data/v60.0/query/x",
            "/services/data/../../x",
            "/services/data/v60.0/query/x#@evil.example",
            ".evil.example/services/data/",
        ] {
            assert!(sf.next_url(hostile).is_err(), "{hostile}");
        }
    }
}
