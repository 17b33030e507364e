//! Pipedrive: `x-api-token` or OAuth (refresh with HTTP Basic client auth; `api_domain` is the host),
//! v2 lists with cursors and `updated_since` for persons, organizations and deals, v1 `start`/`limit`
//! for notes, field lists whose custom keys are 40-character hashes (mapped to their labels), pipelines
//! and stages (won/lost as pseudo-stages), users. No delete feed: deletions are found by comparing ids.

pub(crate) mod convert;
mod wire;
mod write;

use std::time::Duration;

use async_trait::async_trait;
use bridge_model::{FieldType, Fields, NewField, ObjectType, Provider};
use chrono::{DateTime, Utc};
use reqwest::{Method, RequestBuilder, StatusCode, header::HeaderMap};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::{
    Account, Crm, CrmError, FieldInfo, Merged, Owner, Page, Pipeline, PullRequest, Result, Secret,
    SecretKeeper, Stage, StageOutcome, Update, WriteResult,
    http::{Call, Dialect, Http, decode},
    pacer::{Pacer, RateInfo},
};

const PROVIDER: &str = "Pipedrive";
const LIMIT: usize = 500;

pub struct Pipedrive {
    /// `.../api/v1`
    v1: String,
    /// `.../api/v2`
    v2: String,
    http: Http,
}

struct PipedriveDialect;

#[async_trait]
impl Dialect for PipedriveDialect {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    fn authorize(&self, request: RequestBuilder, secret: &Secret) -> RequestBuilder {
        match secret {
            Secret::ApiKey { key } => request.header("x-api-token", key),
            other => crate::http::bearer(request, other),
        }
    }

    fn rate_info(&self, headers: &HeaderMap) -> RateInfo {
        RateInfo {
            limit: crate::http::header_u32(headers, "x-ratelimit-limit"),
            remaining: crate::http::header_u32(headers, "x-ratelimit-remaining"),
        }
    }

    fn error_message(&self, body: &Value) -> (String, Option<String>) {
        let message = body["error"]
            .as_str()
            .map(|e| match body["error_info"].as_str() {
                Some(info) if !info.starts_with("Please check") => format!("{e} ({info})"),
                _ => e.to_owned(),
            })
            // A 403 from Cloudflare is an HTML page, not JSON.
            .or_else(|| {
                body.as_str()
                    .map(|html| format!("refused: {}", html.chars().take(80).collect::<String>()))
            })
            .unwrap_or_else(|| body.to_string());
        let field = field_named_in(&message);
        (message, field)
    }

    fn quota_exhausted(&self, status: StatusCode, _: &HeaderMap, body: &Value) -> bool {
        let message = body["error"].as_str().unwrap_or_default().to_lowercase();
        status == StatusCode::TOO_MANY_REQUESTS
            && (message.contains("daily") || message.contains("budget"))
    }

    async fn refresh(&self, client: &reqwest::Client, secret: &Secret) -> Result<Option<Secret>> {
        crate::oauth::refresh_oauth(PROVIDER, client, secret, true).await
    }
}

/// Pipedrive's errors do not name the field in a key, only in the text ("Invalid email address: x",
/// "org_id must be an integer"): the field is read from there.
fn field_named_in(message: &str) -> Option<String> {
    let lower = message.to_lowercase();
    if lower.contains("email") {
        return Some("emails".into());
    }
    if lower.contains("phone") {
        return Some("phones".into());
    }
    lower
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .find(|w| w.ends_with("_id") || *w == "name" || *w == "title")
        .map(str::to_owned)
}

/// A pass: a v2 cursor, a v1 offset (notes), or the start of activities after notes.
#[derive(Debug, Serialize, Deserialize)]
#[serde(untagged)]
enum Cursor {
    V2 { cursor: String },
    V1 { start: u64 },
    Activities { activities: Option<String> },
}

impl Pipedrive {
    pub fn new(base: String, secret: Secret, keeper: Option<SecretKeeper>) -> Self {
        let root = base.trim_end_matches("/api/v1").to_owned();
        Pipedrive {
            v1: format!("{root}/api/v1"),
            v2: format!("{root}/api/v2"),
            http: Http::new(
                &root,
                Box::new(PipedriveDialect),
                secret,
                keeper,
                // API tokens on the Growth plan: 40 requests per 2 s until the headers say otherwise.
                Pacer::new(Some(40), Duration::from_secs(2)),
            ),
        }
    }

    fn collection(object_type: ObjectType) -> Result<&'static str> {
        convert::collection(object_type)
            .ok_or_else(|| CrmError::Unsupported(format!("Pipedrive has no {object_type} object")))
    }

    async fn data<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T> {
        let body = self.http.get(format!("{}/{path}", self.v1), query).await?;
        let envelope: wire::Envelope<T> = decode(PROVIDER, &format!("GET /v1/{path}"), body)?;
        envelope.data.ok_or_else(|| CrmError::Malformed {
            provider: PROVIDER,
            request: format!("GET /v1/{path}"),
            detail: "no `data`".into(),
        })
    }

    /// Every item of a v2 list, following `additional_data.next_cursor`.
    async fn v2_all<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Vec<T>> {
        let name = format!("GET /v2/{path}");
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut call = Call::get(format!("{}/{path}", self.v2)).query("limit", LIMIT);
            for (key, value) in query {
                call = call.query(key, value);
            }
            if let Some(c) = &cursor {
                call = call.query("cursor", c);
            }
            let body = self.http.send(&call).await?.body;
            let page: wire::Envelope<Vec<T>> = decode(PROVIDER, &name, body.clone())?;
            out.extend(page.data.unwrap_or_default());
            cursor = body["additional_data"]["next_cursor"]
                .as_str()
                .map(str::to_owned);
            if cursor.is_none() {
                return Ok(out);
            }
        }
    }

    /// A page of activities (v2), after the notes: by update time from `since` on an incremental pass.
    async fn activities_page(&self, request: &PullRequest, cursor: Option<String>) -> Result<Page> {
        let collection = convert::ACTIVITIES;
        let call = self.v2_page(collection, request.since, cursor.as_deref());
        let body = self.http.send(&call).await?.body;
        let name = format!("GET /v2/{collection}");
        let records = Self::items(body.get("data"), &name, |id, updated, raw| {
            convert::activity_pulled(id, updated, raw)
        })?;
        let next = body["additional_data"]["next_cursor"].as_str().map(|c| {
            json!(Cursor::Activities {
                activities: Some(c.to_owned())
            })
            .to_string()
        });
        Ok(Page { records, next })
    }

    /// A v2 list page: by update time from `since` on an incremental pass, from `cursor` on.
    fn v2_page(
        &self,
        collection: &str,
        since: Option<DateTime<Utc>>,
        cursor: Option<&str>,
    ) -> Call {
        let mut call = Call::get(format!("{}/{collection}", self.v2)).query("limit", LIMIT);
        if let Some(since) = since {
            call = call
                .query(
                    "updated_since",
                    since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                )
                .query("sort_by", "update_time")
                .query("sort_direction", "asc");
        }
        if let Some(c) = cursor {
            call = call.query("cursor", c);
        }
        call
    }

    fn records(
        &self,
        object_type: ObjectType,
        data: Option<&Value>,
        request: &str,
    ) -> Result<Vec<crate::Pulled>> {
        Self::items(data, request, |id, updated, raw| {
            convert::pulled(object_type, id, updated, raw)
        })
    }

    /// A page's `data` list, each item made a pulled record by `pulled` (null: an empty page).
    fn items(
        data: Option<&Value>,
        request: &str,
        pulled: impl Fn(i64, Option<&str>, Value) -> crate::Pulled,
    ) -> Result<Vec<crate::Pulled>> {
        let Some(items) = data.and_then(Value::as_array) else {
            if data.is_some_and(Value::is_null) {
                return Ok(Vec::new());
            }
            return Err(CrmError::Malformed {
                provider: PROVIDER,
                request: request.to_owned(),
                detail: "no `data` list".into(),
            });
        };
        items
            .iter()
            .map(|raw| {
                let o: wire::Object = decode(PROVIDER, request, raw.clone())?;
                Ok(pulled(o.id, o.update_time.as_deref(), raw.clone()))
            })
            .collect()
    }
}

/// A field as Pipedrive lists it: custom ones by their 40-hex key, options by label.
fn field_info(f: wire::Field) -> FieldInfo {
    FieldInfo {
        custom: convert::is_custom_key(&f.key),
        required: matches!(f.mandatory_flag, Some(Value::Bool(true))),
        read_only: false,
        options: f
            .options
            .unwrap_or_default()
            .into_iter()
            .map(|o| o.label)
            .collect(),
        key: f.key,
        label: f.name,
        kind: f.field_type,
    }
}

#[async_trait]
impl Crm for Pipedrive {
    fn provider(&self) -> Provider {
        Provider::Pipedrive
    }

    fn object_types(&self) -> &'static [ObjectType] {
        crate::COMPANIES_PEOPLE_DEALS_ACTIVITIES
    }

    async fn check(&self) -> Result<Account> {
        let me: wire::User = self.data("users/me", &[]).await?;
        Ok(Account {
            account_id: me.company_id.map(|c| c.to_string()).unwrap_or_default(),
            account_name: me
                .company_name
                .unwrap_or_else(|| "Pipedrive company".into()),
            user_email: me.email,
            quota: None,
        })
    }

    async fn pull(&self, request: &PullRequest) -> Result<Page> {
        let collection = Self::collection(request.object_type)?;
        let cursor: Option<Cursor> =
            match &request.cursor {
                None => None,
                Some(text) => Some(serde_json::from_str(text).map_err(|_| {
                    CrmError::Config(format!("unreadable Pipedrive cursor `{text}`"))
                })?),
            };
        if request.object_type == ObjectType::Activity {
            if let Some(Cursor::Activities { activities }) = cursor {
                return self.activities_page(request, activities).await;
            }
            // Notes have no v2 list: v1 offsets (the whole list every pass; notes are small).
            let start = match cursor {
                Some(Cursor::V1 { start }) => start,
                _ => 0,
            };
            let call = Call::get(format!("{}/{collection}", self.v1))
                .query("start", start)
                .query("limit", LIMIT);
            let body = self.http.send(&call).await?.body;
            let name = format!("GET /v1/{collection}");
            let records = self.records(request.object_type, body.get("data"), &name)?;
            let next = match body["additional_data"]["pagination"]["next_start"].as_u64() {
                Some(start) => Cursor::V1 { start },
                None => Cursor::Activities { activities: None },
            };
            return Ok(Page {
                records,
                next: Some(json!(next).to_string()),
            });
        }
        let after = match &cursor {
            Some(Cursor::V2 { cursor }) => Some(cursor.as_str()),
            _ => None,
        };
        let call = self.v2_page(collection, request.since, after);
        let body = self.http.send(&call).await?.body;
        let name = format!("GET /v2/{collection}");
        let records = self.records(request.object_type, body.get("data"), &name)?;
        let next = body["additional_data"]["next_cursor"].as_str().map(|c| {
            json!(Cursor::V2 {
                cursor: c.to_owned()
            })
            .to_string()
        });
        Ok(Page { records, next })
    }

    async fn deleted_since(&self, _: ObjectType, _: DateTime<Utc>) -> Result<Option<Vec<String>>> {
        Ok(None)
    }

    async fn fields(&self, object_type: ObjectType) -> Result<Vec<FieldInfo>> {
        let path = convert::fields_path(object_type).ok_or_else(|| {
            CrmError::Unsupported(format!("Pipedrive has no {object_type} object"))
        })?;
        // Note fields take no paging parameters (Pipedrive's v1 description); the others take `limit`.
        let query: &[(&str, String)] = if object_type == ObjectType::Activity {
            &[]
        } else {
            &[("limit", "500".into())]
        };
        let fields: Vec<wire::Field> = self.data(path, query).await?;
        Ok(fields.into_iter().map(field_info).collect())
    }

    /// `POST /v1/{organization,person,deal}Fields`. Pipedrive keeps dates without a time and has
    /// no yes/no field: a date-time is a date, a checkbox a choice of true and false.
    async fn create_field(&self, object_type: ObjectType, field: &NewField) -> Result<FieldInfo> {
        crate::new_field::check(PROVIDER, object_type, field)?;
        let path = match object_type {
            ObjectType::Company | ObjectType::Person | ObjectType::Deal => {
                convert::fields_path(object_type).unwrap_or_default()
            }
            other => {
                return Err(CrmError::Unsupported(format!(
                    "CRM Bridge creates Pipedrive fields on organizations, persons and deals, not on {other}"
                )));
            }
        };
        if let Some(found) =
            crate::new_field::existing(Crm::fields(self, object_type).await?, field)
        {
            return Ok(found);
        }
        let (field_type, options): (&str, Vec<&str>) = match field.field_type {
            FieldType::Text => ("varchar", Vec::new()),
            FieldType::LongText => ("text", Vec::new()),
            FieldType::Number => ("double", Vec::new()),
            FieldType::Date | FieldType::DateTime => ("date", Vec::new()),
            FieldType::Checkbox => ("enum", vec!["true", "false"]),
            FieldType::Picklist => ("enum", field.choices()),
        };
        let mut body = json!({"name": field.label.trim(), "field_type": field_type});
        if !options.is_empty() {
            body["options"] = options.iter().map(|o| json!({"label": o})).collect();
        }
        let request = format!("POST /v1/{path}");
        let answer = self
            .http
            .send(
                &Call::new(Method::POST, format!("{}/{path}", self.v1), Some(body)).at_most_once(),
            )
            .await?;
        let envelope: wire::Envelope<wire::Field> = decode(PROVIDER, &request, answer.body)?;
        let f = envelope.data.ok_or_else(|| CrmError::Malformed {
            provider: PROVIDER,
            request,
            detail: "no `data`".into(),
        })?;
        Ok(field_info(f))
    }

    /// Pipelines and stages from v2: Pipedrive's v1 `GET /pipelines` and `/stages` are deprecated and gone
    /// from its published description (and so from its official SDK).
    async fn pipelines(&self) -> Result<Vec<Pipeline>> {
        let pipelines: Vec<wire::Pipeline> = self.v2_all("pipelines", &[]).await?;
        let mut out = Vec::new();
        for p in pipelines {
            let stages: Vec<wire::Stage> = self
                .v2_all("stages", &[("pipeline_id", p.id.to_string())])
                .await?;
            let open = stages.len() as u32;
            let mut stages: Vec<Stage> = stages
                .into_iter()
                .map(|s| Stage {
                    id: s.id.to_string(),
                    label: s.name,
                    order: s.order_nr.max(0) as u32,
                    probability: s.deal_probability,
                    outcome: StageOutcome::Open,
                })
                .collect();
            for (i, (id, label, outcome, probability)) in [
                ("won", "Won", StageOutcome::Won, 100.0),
                ("lost", "Lost", StageOutcome::Lost, 0.0),
            ]
            .into_iter()
            .enumerate()
            {
                stages.push(Stage {
                    id: id.into(),
                    label: label.into(),
                    order: open + i as u32,
                    probability: Some(probability),
                    outcome,
                });
            }
            out.push(Pipeline {
                id: p.id.to_string(),
                label: p.name,
                stages,
            });
        }
        Ok(out)
    }

    async fn owners(&self) -> Result<Vec<Owner>> {
        let users: Vec<wire::User> = self.data("users", &[]).await?;
        Ok(users
            .into_iter()
            .map(|u| Owner {
                id: u.id.to_string(),
                name: u.name,
                email: u.email,
            })
            .collect())
    }

    fn batch_size(&self) -> usize {
        1
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

    async fn delete(&self, object_type: ObjectType, ids: &[String]) -> Vec<WriteResult> {
        self.delete_records(object_type, ids).await
    }

    async fn merge(&self, object_type: ObjectType, survivor: &str, merged: &str) -> Result<Merged> {
        self.merge_records(object_type, survivor, merged).await
    }

    async fn secret(&self) -> Secret {
        self.http.secret().await
    }
}
