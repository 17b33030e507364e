//! Close (api/v1): the API key as Basic auth with an empty password or an OAuth bearer token (refresh
//! tokens rotate, and each new one is handed over to be kept), lists ordered by `date_updated` and
//! walked by time (so no cursor can expire under a long pull), the event log as the delete feed,
//! custom fields, pipelines and users.

pub(crate) mod convert;
mod wire;
mod write;

use std::{sync::Arc, time::Duration};

use async_trait::async_trait;
use bridge_model::{
    CustomObject, CustomObjectInfo, FieldType, Fields, NewField, ObjectType, Provider,
};
use chrono::{DateTime, Utc};
use reqwest::{Method, RequestBuilder, header::HeaderMap};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::{
    Account, Crm, CrmError, FieldInfo, Merged, Owner, Page, Pipeline, PullRequest, Result, Secret,
    SecretKeeper, Stage, StageOutcome, TimeCursor, Update, WriteResult,
    http::{Call, Dialect, Http, decode},
    pacer::{Pacer, RateInfo},
};

const PROVIDER: &str = "Close";
const LIMIT: usize = 100;
const SEARCH_LIMIT: usize = 200;

pub struct Close {
    base: String,
    http: Http,
    /// The custom object types with their fields, read once (a pull of one asks on every page).
    custom_types: tokio::sync::Mutex<Option<Arc<Vec<wire::CustomObjectType>>>>,
}

struct CloseDialect;

/// `RateLimit: limit=20, remaining=19, reset=0.734`
fn rate_limit_header(headers: &HeaderMap) -> RateInfo {
    let Some(text) = headers.get("ratelimit").and_then(|v| v.to_str().ok()) else {
        return RateInfo::default();
    };
    let value = |key: &str| {
        text.split(',')
            .filter_map(|part| part.trim().split_once('='))
            .find(|(k, _)| *k == key)
            .and_then(|(_, v)| v.trim().parse::<f64>().ok())
            .map(|v| v as u32)
    };
    RateInfo {
        limit: value("limit"),
        remaining: value("remaining"),
    }
}

#[async_trait]
impl Dialect for CloseDialect {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    fn authorize(&self, request: RequestBuilder, secret: &Secret) -> RequestBuilder {
        match secret {
            Secret::ApiKey { key } => request.basic_auth(key, Some("")),
            other => crate::http::bearer(request, other),
        }
    }

    fn rate_info(&self, headers: &HeaderMap) -> RateInfo {
        rate_limit_header(headers)
    }

    fn error_message(&self, body: &Value) -> (String, Option<String>) {
        if let Some((field, message)) = body["field-errors"]
            .as_object()
            .and_then(|m| m.iter().next())
        {
            let message = message
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| message.to_string());
            return (message, Some(field.clone()));
        }
        let message = body["error"]
            .as_str()
            .or_else(|| body["errors"][0].as_str())
            .map(str::to_owned)
            .unwrap_or_else(|| body.to_string());
        (message, None)
    }

    async fn refresh(&self, client: &reqwest::Client, secret: &Secret) -> Result<Option<Secret>> {
        crate::oauth::refresh_oauth(PROVIDER, client, secret, false).await
    }
}

/// Where a pass stands: which of the type's endpoints, and the time cursor within it.
#[derive(Debug, Serialize, Deserialize)]
struct Cursor {
    part: usize,
    time: TimeCursor,
}

impl Close {
    pub fn new(base: String, secret: Secret, keeper: Option<SecretKeeper>) -> Self {
        let origin = base.clone();
        Close {
            base,
            http: Http::new(
                &origin,
                Box::new(CloseDialect),
                secret,
                keeper,
                Pacer::new(Some(20), Duration::from_secs(1)),
            ),
            custom_types: Default::default(),
        }
    }

    /// `GET /custom_object_type/`, read again only by `custom_objects` (which a pull calls first).
    async fn custom_types(&self, fresh: bool) -> Result<Arc<Vec<wire::CustomObjectType>>> {
        let mut known = self.custom_types.lock().await;
        if let (false, Some(types)) = (fresh, known.as_ref()) {
            return Ok(types.clone());
        }
        let types = Arc::new(self.list("custom_object_type").await?);
        *known = Some(types.clone());
        Ok(types)
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{path}/", self.base)
    }

    fn close_time(t: DateTime<Utc>) -> String {
        t.format("%Y-%m-%dT%H:%M:%S%.6f+00:00").to_string()
    }

    /// A custom object type's fields: its name, its lead, and the type's own custom fields (listed
    /// with the type).
    async fn custom_object_fields(&self, custom: CustomObject) -> Result<Vec<FieldInfo>> {
        let types = self.custom_types(false).await?;
        let Some(found) = types.iter().find(|t| t.id == custom.api_name()) else {
            return Err(CrmError::Unsupported(format!(
                "Close has no custom object type {}",
                custom.api_name()
            )));
        };
        let standard = [
            ("name", "Name", "text", true),
            ("lead_id", "Lead", "text", true),
        ];
        let mut out: Vec<FieldInfo> = standard
            .iter()
            .map(|(key, label, kind, required)| FieldInfo {
                key: (*key).into(),
                label: (*label).into(),
                kind: (*kind).into(),
                custom: false,
                required: *required,
                read_only: false,
                options: Vec::new(),
            })
            .collect();
        out.extend(found.fields.iter().cloned().map(custom_field_info));
        Ok(out)
    }

    /// One page of every custom object instance of a type, through Advanced Filtering (listing
    /// them needs a lead; the search finds all, and each names its type).
    async fn pull_custom(&self, custom: CustomObject, request: &PullRequest) -> Result<Page> {
        let keys: Vec<String> = self
            .custom_object_fields(custom)
            .await?
            .into_iter()
            .map(|f| f.key)
            .chain(
                [
                    "id",
                    "custom_object_type_id",
                    "date_created",
                    "date_updated",
                ]
                .into_iter()
                .map(str::to_owned),
            )
            .collect();
        let query = || {
            let mut queries =
                vec![json!({"type": "object_type", "object_type": convert::CUSTOM_OBJECT})];
            if let Some(since) = request.since {
                queries.push(json!({
                    "type": "field_condition",
                    "field": {"type": "regular_field", "object_type": convert::CUSTOM_OBJECT, "field_name": "date_updated"},
                    "condition": {"type": "moment_range", "on_or_after": {"type": "fixed_utc", "value": Self::close_time(since)}},
                }));
            }
            json!({ "query": {"type": "and", "queries": queries} })
        };
        let send = |mut body: Value| {
            body["_fields"] = json!({ convert::CUSTOM_OBJECT: keys });
            body["_limit"] = json!(SEARCH_LIMIT);
            let call = Call::new(Method::POST, self.url("data/search"), Some(body));
            async move { self.http.send(&call).await }
        };
        let answer = match &request.cursor {
            None => send(query()).await?.body,
            // A search cursor lives for seconds: a pull resumed later (after a crash, the app
            // closed) finds it expired, and the search starts again from the pass's time (pages
            // read before are read again, which changes nothing).
            Some(cursor) => match send(json!({ "cursor": cursor })).await {
                Err(CrmError::Rejected { status: 400, .. }) => send(query()).await?.body,
                other => other?.body,
            },
        };
        let page: wire::SearchPage = decode(PROVIDER, "POST /data/search/", answer)?;
        let records = page
            .data
            .into_iter()
            .filter(|raw| raw["custom_object_type_id"].as_str() == Some(custom.api_name()))
            .map(|raw| {
                let object: wire::Object = decode(PROVIDER, "POST /data/search/", raw.clone())?;
                Ok(convert::pulled(
                    request.object_type,
                    convert::CUSTOM_OBJECT,
                    object.id,
                    object.date_updated.as_deref(),
                    raw,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Page {
            records,
            next: page.cursor,
        })
    }

    async fn list<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<Vec<T>> {
        let body = self.http.get(self.url(path), &[]).await?;
        let list: wire::List<T> = decode(PROVIDER, &format!("GET /{path}/"), body)?;
        Ok(list.data)
    }
}

#[async_trait]
impl Crm for Close {
    fn provider(&self) -> Provider {
        Provider::Close
    }

    fn object_types(&self) -> &'static [ObjectType] {
        crate::COMPANIES_PEOPLE_DEALS_ACTIVITIES
    }

    async fn check(&self) -> Result<Account> {
        let body = self.http.get(self.url("me"), &[]).await?;
        let me: wire::Me = decode(PROVIDER, "GET /me/", body)?;
        let organization =
            me.organizations
                .into_iter()
                .next()
                .ok_or_else(|| CrmError::Malformed {
                    provider: PROVIDER,
                    request: "GET /me/".into(),
                    detail: "the user belongs to no organization".into(),
                })?;
        Ok(Account {
            account_id: organization.id,
            account_name: organization.name,
            user_email: me.email,
            quota: None,
        })
    }

    /// `GET /custom_object_type/`: each type by its id, with the names Close gives it.
    async fn custom_objects(&self) -> Result<Vec<CustomObjectInfo>> {
        self.custom_types(true)
            .await?
            .iter()
            .map(|t| {
                Ok(CustomObjectInfo {
                    object_type: crate::custom_object_type(
                        PROVIDER,
                        "GET /custom_object_type/",
                        &t.id,
                    )?,
                    plural: t.name_plural.clone().unwrap_or_else(|| t.name.clone()),
                    singular: t.name.clone(),
                })
            })
            .collect()
    }

    async fn pull(&self, request: &PullRequest) -> Result<Page> {
        if let ObjectType::Custom(custom) = request.object_type {
            return self.pull_custom(custom, request).await;
        }
        let resources = convert::resources(request.object_type);
        if resources.is_empty() {
            return Err(CrmError::Unsupported(format!(
                "Close has no {} object",
                request.object_type
            )));
        }
        let cursor = match &request.cursor {
            None => Cursor {
                part: 0,
                time: TimeCursor::decode(None, request.since)?,
            },
            Some(text) => serde_json::from_str(text)
                .map_err(|_| CrmError::Config(format!("unreadable Close cursor `{text}`")))?,
        };
        let resource = resources.get(cursor.part).ok_or_else(|| {
            CrmError::Config(format!(
                "Close cursor names part {} of {}",
                cursor.part,
                resources.len()
            ))
        })?;
        let mut call = Call::get(self.url(resource))
            .query("_limit", LIMIT)
            .query("_skip", cursor.time.skip)
            .query("_order_by", "date_updated");
        if let Some(since) = cursor.time.since {
            call = call.query("date_updated__gte", Self::close_time(since));
        }
        let request_name = format!("GET /{resource}/");
        let body = self.http.send(&call).await?.body;
        let has_more = body["has_more"].as_bool().unwrap_or(false);
        let Some(data) = body.get("data").and_then(Value::as_array) else {
            return Err(CrmError::Malformed {
                provider: PROVIDER,
                request: request_name,
                detail: "no `data` list".into(),
            });
        };
        let records = data
            .iter()
            .map(|raw| {
                let object: wire::Object = decode(PROVIDER, &request_name, raw.clone())?;
                Ok(convert::pulled(
                    request.object_type,
                    resource,
                    object.id,
                    object.date_updated.as_deref(),
                    raw.clone(),
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        let times: Vec<_> = records.iter().map(|r| r.modified_at).collect();
        let next = if has_more {
            Some(Cursor {
                part: cursor.part,
                time: cursor.time.after(&times),
            })
        } else if cursor.part + 1 < resources.len() {
            Some(Cursor {
                part: cursor.part + 1,
                time: TimeCursor::decode(None, request.since)?,
            })
        } else {
            None
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
        for resource in convert::resources(object_type) {
            let mut cursor: Option<String> = None;
            loop {
                let mut call = Call::get(self.url("event"))
                    .query("object_type", convert::event_object(resource))
                    .query("action", "deleted")
                    .query("date_updated__gte", Self::close_time(since));
                if let Some(c) = &cursor {
                    call = call.query("_cursor", c);
                }
                let body = self.http.send(&call).await?.body;
                let events: wire::Events = decode(PROVIDER, "GET /event/", body)?;
                ids.extend(events.data.into_iter().map(|e| e.object_id));
                match events.cursor_next {
                    Some(next) => cursor = Some(next),
                    None => break,
                }
            }
        }
        Ok(Some(ids))
    }

    async fn fields(&self, object_type: ObjectType) -> Result<Vec<FieldInfo>> {
        let (object, standard): (&str, &[(&str, &str, &str)]) = match object_type {
            ObjectType::Company => (
                "lead",
                &[
                    ("name", "Name", "text"),
                    ("url", "URL", "url"),
                    ("description", "Description", "text"),
                    ("status_id", "Status", "choices"),
                ],
            ),
            ObjectType::Person => (
                "contact",
                &[
                    ("name", "Name", "text"),
                    ("title", "Title", "text"),
                    ("emails", "Emails", "email"),
                    ("phones", "Phones", "phone"),
                ],
            ),
            ObjectType::Deal => (
                "opportunity",
                &[
                    ("note", "Note", "text"),
                    ("value", "Value (cents)", "number"),
                    ("value_currency", "Currency", "text"),
                    ("status_id", "Status", "choices"),
                    ("date_won", "Date won", "date"),
                ],
            ),
            ObjectType::Activity => (
                "activity",
                &[
                    ("note", "Note", "text"),
                    ("duration", "Duration (s)", "number"),
                    ("direction", "Direction", "choices"),
                ],
            ),
            ObjectType::Lead => {
                return Err(CrmError::Unsupported(
                    "Close has no lead object apart from companies".into(),
                ));
            }
            ObjectType::Custom(c) => return self.custom_object_fields(c).await,
        };
        let mut out: Vec<FieldInfo> = standard
            .iter()
            .map(|(key, label, kind)| FieldInfo {
                key: (*key).into(),
                label: (*label).into(),
                kind: (*kind).into(),
                custom: false,
                required: *key == "name" && object == "lead",
                read_only: false,
                options: Vec::new(),
            })
            .collect();
        let custom: Vec<wire::CustomField> = self.list(&format!("custom_field/{object}")).await?;
        out.extend(custom.into_iter().map(custom_field_info));
        Ok(out)
    }

    /// `POST /custom_field/{lead|contact|opportunity}/`. Close has no yes/no field: a checkbox is a
    /// choice of true and false; a long text is text.
    async fn create_field(&self, object_type: ObjectType, field: &NewField) -> Result<FieldInfo> {
        crate::new_field::check(PROVIDER, object_type, field)?;
        let object = match object_type {
            ObjectType::Company => "lead",
            ObjectType::Person => "contact",
            ObjectType::Deal => "opportunity",
            other => {
                return Err(CrmError::Unsupported(format!(
                    "CRM Bridge creates Close fields on leads, contacts and opportunities, not on {other}"
                )));
            }
        };
        if let Some(found) =
            crate::new_field::existing(Crm::fields(self, object_type).await?, field)
        {
            return Ok(found);
        }
        let (kind, choices): (&str, Vec<&str>) = match field.field_type {
            FieldType::Text | FieldType::LongText => ("text", Vec::new()),
            FieldType::Number => ("number", Vec::new()),
            FieldType::Date => ("date", Vec::new()),
            FieldType::DateTime => ("datetime", Vec::new()),
            FieldType::Checkbox => ("choices", vec!["true", "false"]),
            FieldType::Picklist => ("choices", field.choices()),
        };
        let mut body = json!({"name": field.label.trim(), "type": kind});
        if kind == "choices" {
            body["choices"] = json!(choices);
            body["accepts_multiple_values"] = json!(false);
        }
        let path = format!("custom_field/{object}");
        let answer = self
            .http
            .send(&Call::new(Method::POST, self.url(&path), Some(body)).at_most_once())
            .await?;
        let f: wire::CustomField = decode(PROVIDER, &format!("POST /{path}/"), answer.body)?;
        Ok(FieldInfo {
            key: format!("custom.{}", f.id),
            label: f.name,
            kind: f.kind,
            custom: true,
            required: false,
            read_only: false,
            options: choices.iter().map(|c| c.to_string()).collect(),
        })
    }

    async fn pipelines(&self) -> Result<Vec<Pipeline>> {
        let pipelines: Vec<wire::Pipeline> = self.list("pipeline").await?;
        Ok(pipelines
            .into_iter()
            .map(|p| Pipeline {
                id: p.id,
                label: p.name,
                stages: p
                    .statuses
                    .into_iter()
                    .enumerate()
                    .map(|(i, s)| Stage {
                        outcome: match s.kind.as_str() {
                            "won" => StageOutcome::Won,
                            "lost" => StageOutcome::Lost,
                            _ => StageOutcome::Open,
                        },
                        id: s.id,
                        label: s.label,
                        order: i as u32,
                        probability: None,
                    })
                    .collect(),
            })
            .collect())
    }

    async fn owners(&self) -> Result<Vec<Owner>> {
        let users: Vec<wire::User> = self.list("user").await?;
        Ok(users
            .into_iter()
            .map(|u| Owner {
                name: Owner::full_name(u.first_name, u.last_name),
                id: u.id,
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

/// A custom field as a field of a record: its value sits under `custom.<id>` in the record's JSON.
fn custom_field_info(f: wire::CustomField) -> FieldInfo {
    FieldInfo {
        key: format!("custom.{}", f.id),
        label: f.name,
        kind: f.kind,
        custom: true,
        required: false,
        read_only: false,
        options: f
            .choices
            .unwrap_or_default()
            .into_iter()
            .map(|c| {
                c.as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| c.to_string())
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ratelimit_header_is_read() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "ratelimit",
            "limit=20, remaining=0, reset=0.734".parse().unwrap(),
        );
        assert_eq!(
            rate_limit_header(&headers),
            RateInfo {
                limit: Some(20),
                remaining: Some(0)
            }
        );
        assert_eq!(rate_limit_header(&HeaderMap::new()), RateInfo::default());
    }
}
