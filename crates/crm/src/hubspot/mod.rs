//! HubSpot CRM v3: private-app or OAuth bearer tokens, `after` paging for full pulls, search sorted by the
//! modified time for incremental ones (re-sliced on time at every page, so the 10,000-result cap never
//! bites), archived lists as the delete feed, properties, pipelines and owners.

pub(crate) mod convert;
mod links;
mod wire;
mod write;

use std::{collections::HashMap, sync::Arc, time::Duration};

use async_trait::async_trait;
use bridge_model::{
    ActivityKind, CustomObjectInfo, FieldType, Fields, NewField, ObjectType, Provider,
};
use chrono::{DateTime, Utc};
use reqwest::{Method, RequestBuilder, StatusCode, header::HeaderMap};
use serde_json::{Value, json};

use crate::{
    Account, Crm, CrmError, FieldInfo, Merged, Owner, Page, Pipeline, PullRequest, Result, Secret,
    SecretKeeper, Stage, StageOutcome, TimeCursor, Update, WriteResult,
    http::{Call, Dialect, Http, decode},
    pacer::{Pacer, RateInfo},
};

const PROVIDER: &str = "HubSpot";
const LIST_LIMIT: usize = 100;
const SEARCH_LIMIT: usize = 200;

pub struct Hubspot {
    base: String,
    http: Http,
    /// Search has its own per-second limit (4/s) beside the 10-second window.
    search_pacer: Pacer,
    custom: crate::custom::CustomFields,
    /// Each custom object's primary display property (its records' `name`), read once from the
    /// schemas.
    primaries: tokio::sync::Mutex<Option<HashMap<String, String>>>,
}

struct HubspotDialect;

#[async_trait]
impl Dialect for HubspotDialect {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    fn authorize(&self, request: RequestBuilder, secret: &Secret) -> RequestBuilder {
        crate::http::bearer(request, secret)
    }

    fn rate_info(&self, headers: &HeaderMap) -> RateInfo {
        RateInfo {
            limit: crate::http::header_u32(headers, "x-hubspot-ratelimit-max"),
            remaining: crate::http::header_u32(headers, "x-hubspot-ratelimit-remaining"),
        }
    }

    fn error_message(&self, body: &Value) -> (String, Option<String>) {
        let message = body["message"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| body.to_string());
        let field = body["context"]["propertyName"][0]
            .as_str()
            .or_else(|| body["errors"][0]["in"].as_str())
            .map(str::to_owned);
        (message, field)
    }

    fn quota_exhausted(&self, status: StatusCode, _: &HeaderMap, body: &Value) -> bool {
        status == StatusCode::TOO_MANY_REQUESTS && body["policyName"] == "DAILY"
    }

    async fn refresh(&self, client: &reqwest::Client, secret: &Secret) -> Result<Option<Secret>> {
        crate::oauth::refresh_oauth(PROVIDER, client, secret, false).await
    }
}

impl Hubspot {
    pub fn new(base: String, secret: Secret, keeper: Option<SecretKeeper>) -> Self {
        let origin = base.clone();
        Hubspot {
            base,
            http: Http::new(
                &origin,
                Box::new(HubspotDialect),
                secret,
                keeper,
                // Pro/Enterprise private apps: 190 per 10 s until the headers say otherwise.
                Pacer::new(Some(190), Duration::from_secs(10)),
            ),
            search_pacer: Pacer::new(Some(4), Duration::from_secs(1)),
            custom: Default::default(),
            primaries: Default::default(),
        }
    }

    fn objects(object_type: ObjectType) -> Result<std::borrow::Cow<'static, [convert::Object]>> {
        let all = convert::objects(object_type);
        if all.is_empty() {
            return Err(CrmError::Unsupported(format!(
                "HubSpot has no {object_type} object"
            )));
        }
        Ok(all)
    }

    async fn schemas(&self) -> Result<Vec<wire::Schema>> {
        let body = self
            .http
            .get(format!("{}/crm-object-schemas/v3/schemas", self.base), &[])
            .await?;
        let schemas: wire::Schemas = decode(PROVIDER, "GET /crm-object-schemas/v3/schemas", body)?;
        let live: Vec<wire::Schema> = schemas
            .results
            .into_iter()
            .filter(|s| !s.archived)
            .collect();
        *self.primaries.lock().await = Some(
            live.iter()
                .filter_map(|s| {
                    Some((
                        s.object_type_id.clone(),
                        s.primary_display_property.clone()?,
                    ))
                })
                .collect(),
        );
        Ok(live)
    }

    /// The property a custom object's records are named by (None: not a custom object, or one
    /// without a primary display property).
    pub(super) async fn primary_property(&self, object: convert::Object) -> Result<Option<String>> {
        let Some(custom) = object.object_type.custom() else {
            return Ok(None);
        };
        if self.primaries.lock().await.is_none() {
            self.schemas().await?;
        }
        Ok(self
            .primaries
            .lock()
            .await
            .as_ref()
            .and_then(|p| p.get(custom.api_name()).cloned()))
    }

    /// A page of a custom object's records named by their primary display property.
    async fn named(&self, object: convert::Object, records: &mut [crate::Pulled]) -> Result<()> {
        if let Some(primary) = self.primary_property(object).await? {
            for r in records {
                convert::name_from(&mut r.fields, &primary);
            }
        }
        Ok(())
    }

    fn object(object_type: ObjectType) -> Result<convert::Object> {
        Ok(Self::objects(object_type)?[0])
    }

    /// The standard properties read for an object, then its custom ones (custom activity
    /// properties are read from notes only).
    async fn property_names(
        &self,
        object: convert::Object,
    ) -> Result<(Vec<String>, Arc<Vec<String>>)> {
        let object_type = object.object_type;
        let custom = if object.kind.is_some_and(|k| k != ActivityKind::Note) {
            Arc::new(Vec::new())
        } else {
            self.custom
                .keys(object_type, || Crm::fields(self, object_type))
                .await?
        };
        let mut names: Vec<String> = object.properties().iter().map(|p| p.0.to_owned()).collect();
        names.extend(custom.iter().cloned());
        Ok((names, custom))
    }

    fn page(
        &self,
        object: convert::Object,
        body: Value,
        request: &str,
        custom: &[String],
    ) -> Result<Vec<crate::Pulled>> {
        let results = match body.get("results") {
            Some(Value::Array(a)) => a.clone(),
            _ => {
                return Err(CrmError::Malformed {
                    provider: PROVIDER,
                    request: request.to_owned(),
                    detail: "no `results` list".into(),
                });
            }
        };
        results
            .into_iter()
            .map(|raw| {
                let wire: wire::Object = decode(PROVIDER, request, raw.clone())?;
                Ok(convert::pulled(object, wire, raw, custom))
            })
            .collect()
    }

    async fn list_page(&self, object: convert::Object, after: Option<&str>) -> Result<Page> {
        let name = object.name;
        let (properties, custom) = self.property_names(object).await?;
        let mut call = Call::get(format!("{}/crm/v3/objects/{name}", self.base))
            .query("limit", LIST_LIMIT)
            .query("properties", properties.join(","));
        if let Some(after) = after {
            call = call.query("after", after);
        }
        let body = self.http.send(&call).await?.body;
        let next = body["paging"]["next"]["after"].as_str().map(str::to_owned);
        let mut records = self.page(
            object,
            body,
            &format!("GET /crm/v3/objects/{name}"),
            &custom,
        )?;
        self.read_links(object, &mut records).await?;
        self.named(object, &mut records).await?;
        Ok(Page {
            records,
            next: next.map(|after| json!({ "after": after }).to_string()),
        })
    }

    async fn search_page(&self, object: convert::Object, cursor: TimeCursor) -> Result<Page> {
        let name = object.name;
        let modified = object.modified_property();
        let (properties, custom) = self.property_names(object).await?;
        let filters: Vec<Value> = cursor
            .since
            .iter()
            .map(|t| json!({"propertyName": modified, "operator": "GTE", "value": t.timestamp_millis().to_string()}))
            .collect();
        let mut body = json!({
            "filterGroups": [{ "filters": filters }],
            "sorts": [{ "propertyName": modified, "direction": "ASCENDING" }],
            "properties": properties,
            "limit": SEARCH_LIMIT,
        });
        if cursor.skip > 0 {
            body["after"] = json!(cursor.skip.to_string());
        }
        self.search_pacer.ready().await;
        let call = Call::new(
            Method::POST,
            format!("{}/crm/v3/objects/{name}/search", self.base),
            Some(body),
        );
        let answer = self.http.send(&call).await?.body;
        let more = answer["paging"]["next"]["after"].is_string();
        let mut records = self.page(
            object,
            answer,
            &format!("POST /crm/v3/objects/{name}/search"),
            &custom,
        )?;
        self.read_links(object, &mut records).await?;
        self.named(object, &mut records).await?;
        let times: Vec<_> = records.iter().map(|r| r.modified_at).collect();
        let next = more.then(|| cursor.after(&times).encode());
        Ok(Page { records, next })
    }

    /// One page of one object of a type: a full pull pages with `after`, an incremental one searches
    /// by modified time.
    async fn pull_object(
        &self,
        object: convert::Object,
        since: Option<DateTime<Utc>>,
        cursor: Option<&str>,
    ) -> Result<Page> {
        match since {
            None => {
                let after = match cursor {
                    None => None,
                    Some(c) => Some(
                        serde_json::from_str::<Value>(c)
                            .ok()
                            .and_then(|v| v["after"].as_str().map(str::to_owned))
                            .ok_or_else(|| {
                                CrmError::Config(format!("unreadable HubSpot cursor `{c}`"))
                            })?,
                    ),
                };
                self.list_page(object, after.as_deref()).await
            }
            Some(since) => {
                let cursor = TimeCursor::decode(cursor, Some(since))?;
                self.search_page(object, cursor).await
            }
        }
    }
}

/// Where a pull of a type kept in several objects stands: which object, and the cursor within it.
#[derive(serde::Serialize, serde::Deserialize)]
struct PartCursor {
    part: usize,
    inner: Option<String>,
}

fn outcome(metadata: &std::collections::BTreeMap<String, Value>) -> StageOutcome {
    let text = |k: &str| metadata.get(k).and_then(Value::as_str).unwrap_or_default();
    match (text("isClosed"), text("probability")) {
        ("true", p) if p.parse::<f64>().is_ok_and(|p| p >= 1.0) => StageOutcome::Won,
        ("true", _) => StageOutcome::Lost,
        _ => StageOutcome::Open,
    }
}

#[async_trait]
impl Crm for Hubspot {
    fn provider(&self) -> Provider {
        Provider::Hubspot
    }

    fn object_types(&self) -> &'static [ObjectType] {
        crate::COMPANIES_PEOPLE_DEALS_ACTIVITIES
    }

    async fn check(&self) -> Result<Account> {
        let call = Call::get(format!("{}/account-info/v3/details", self.base));
        let answer = self.http.send(&call).await?;
        let details: wire::AccountDetails =
            decode(PROVIDER, "GET /account-info/v3/details", answer.body)?;
        let quota = match (
            crate::http::header_u32(&answer.headers, "x-hubspot-ratelimit-daily-remaining"),
            crate::http::header_u32(&answer.headers, "x-hubspot-ratelimit-daily"),
        ) {
            (Some(left), Some(max)) => Some(format!("{left} of {max} API calls left today")),
            _ => None,
        };
        Ok(Account {
            account_id: details.portal_id.to_string(),
            account_name: format!(
                "HubSpot portal {}{}",
                details.portal_id,
                details
                    .account_type
                    .map(|t| format!(" ({})", t.to_lowercase()))
                    .unwrap_or_default()
            ),
            user_email: None,
            quota,
        })
    }

    /// `GET /crm-object-schemas/v3/schemas`: each custom object by its object type id, with its labels.
    async fn custom_objects(&self) -> Result<Vec<CustomObjectInfo>> {
        self.schemas()
            .await?
            .into_iter()
            .map(|s| {
                let object_type = crate::custom_object_type(
                    PROVIDER,
                    "GET /crm-object-schemas/v3/schemas",
                    &s.object_type_id,
                )?;
                let singular = s
                    .labels
                    .singular
                    .unwrap_or_else(|| s.object_type_id.clone());
                Ok(CustomObjectInfo {
                    object_type,
                    plural: s.labels.plural.unwrap_or_else(|| singular.clone()),
                    singular,
                })
            })
            .collect()
    }

    async fn pull(&self, request: &PullRequest) -> Result<Page> {
        let objects = Self::objects(request.object_type)?;
        if objects.len() == 1 {
            return self
                .pull_object(objects[0], request.since, request.cursor.as_deref())
                .await;
        }
        let at = match &request.cursor {
            None => PartCursor {
                part: 0,
                inner: None,
            },
            Some(c) => serde_json::from_str(c)
                .map_err(|_| CrmError::Config(format!("unreadable HubSpot cursor `{c}`")))?,
        };
        let object = *objects.get(at.part).ok_or_else(|| {
            CrmError::Config(format!(
                "HubSpot cursor names part {} of {}",
                at.part,
                objects.len()
            ))
        })?;
        let page = self
            .pull_object(object, request.since, at.inner.as_deref())
            .await?;
        let next = match page.next {
            Some(inner) => Some(PartCursor {
                part: at.part,
                inner: Some(inner),
            }),
            None if at.part + 1 < objects.len() => Some(PartCursor {
                part: at.part + 1,
                inner: None,
            }),
            None => None,
        };
        Ok(Page {
            records: page.records,
            next: next.map(|c| json!(c).to_string()),
        })
    }

    async fn deleted_since(
        &self,
        object_type: ObjectType,
        since: DateTime<Utc>,
    ) -> Result<Option<Vec<String>>> {
        let mut ids = Vec::new();
        for object in Self::objects(object_type)?.iter() {
            let name = object.name;
            let mut after: Option<String> = None;
            loop {
                let mut call = Call::get(format!("{}/crm/v3/objects/{name}", self.base))
                    .query("archived", "true")
                    .query("limit", LIST_LIMIT);
                if let Some(a) = &after {
                    call = call.query("after", a);
                }
                let body = self.http.send(&call).await?.body;
                let page: wire::ObjectPage = decode(
                    PROVIDER,
                    &format!("GET /crm/v3/objects/{name}?archived=true"),
                    body,
                )?;
                for o in page.results {
                    let at = o.archived_at.as_deref().and_then(crate::parse_time);
                    if at.is_none_or(|t| t >= since) {
                        ids.push(object.remote_id(o.id));
                    }
                }
                match page.paging.and_then(|p| p.next) {
                    Some(next) => after = Some(next.after),
                    None => break,
                }
            }
        }
        Ok(Some(ids))
    }

    async fn fields(&self, object_type: ObjectType) -> Result<Vec<FieldInfo>> {
        let object = Self::object(object_type)?.name;
        let body = self
            .http
            .get(format!("{}/crm/v3/properties/{object}", self.base), &[])
            .await?;
        let properties: wire::Properties =
            decode(PROVIDER, &format!("GET /crm/v3/properties/{object}"), body)?;
        Ok(properties
            .results
            .into_iter()
            .map(|p| FieldInfo {
                custom: p.hubspot_defined != Some(true),
                required: false,
                read_only: p.calculated
                    || p.modification_metadata
                        .as_ref()
                        .is_some_and(|m| m.read_only_value),
                options: p.options.into_iter().map(|o| o.value).collect(),
                key: p.name,
                label: p.label,
                kind: p.kind,
            })
            .collect())
    }

    /// `POST /crm/v3/properties/{object}` in the object's own group; a picklist's options take their
    /// labels as values (what a migrated record carries), a checkbox HubSpot's true/false.
    async fn create_field(&self, object_type: ObjectType, field: &NewField) -> Result<FieldInfo> {
        crate::new_field::check(PROVIDER, object_type, field)?;
        let group = match object_type {
            ObjectType::Custom(_) => "custom",
            ObjectType::Company => "companyinformation",
            ObjectType::Person => "contactinformation",
            ObjectType::Deal => "dealinformation",
            other => {
                return Err(CrmError::Unsupported(format!(
                    "CRM Bridge creates HubSpot fields on companies, contacts and deals, not on {other}"
                )));
            }
        };
        let object = Self::object(object_type)?.name;
        if let Some(found) =
            crate::new_field::existing(Crm::fields(self, object_type).await?, field)
        {
            return Ok(found);
        }
        let (kind, field_type) = match field.field_type {
            FieldType::Text => ("string", "text"),
            FieldType::LongText => ("string", "textarea"),
            FieldType::Number => ("number", "number"),
            FieldType::Date => ("date", "date"),
            FieldType::DateTime => ("datetime", "date"),
            FieldType::Checkbox => ("bool", "booleancheckbox"),
            FieldType::Picklist => ("enumeration", "select"),
        };
        let options: Vec<Value> = match field.field_type {
            FieldType::Checkbox => vec![
                json!({"label": "Yes", "value": "true", "displayOrder": 0, "hidden": false}),
                json!({"label": "No", "value": "false", "displayOrder": 1, "hidden": false}),
            ],
            FieldType::Picklist => field
                .choices()
                .into_iter()
                .enumerate()
                .map(|(i, o)| json!({"label": o, "value": o, "displayOrder": i, "hidden": false}))
                .collect(),
            _ => Vec::new(),
        };
        let body = json!({
            "name": field.key(), "label": field.label.trim(), "type": kind, "fieldType": field_type,
            "groupName": group, "options": options, "formField": true,
        });
        let request = format!("POST /crm/v3/properties/{object}");
        let url = format!("{}/crm/v3/properties/{object}", self.base);
        let answer = self
            .http
            .send(&Call::new(Method::POST, url, Some(body)).at_most_once())
            .await?;
        let p: wire::Property = decode(PROVIDER, &request, answer.body)?;
        self.custom.forget(object_type).await;
        Ok(FieldInfo {
            custom: true,
            required: false,
            read_only: false,
            options: p.options.into_iter().map(|o| o.value).collect(),
            key: p.name,
            label: p.label,
            kind: p.kind,
        })
    }

    async fn pipelines(&self) -> Result<Vec<Pipeline>> {
        let body = self
            .http
            .get(format!("{}/crm/v3/pipelines/deals", self.base), &[])
            .await?;
        let pipelines: wire::Pipelines = decode(PROVIDER, "GET /crm/v3/pipelines/deals", body)?;
        Ok(pipelines
            .results
            .into_iter()
            .map(|p| Pipeline {
                id: p.id,
                label: p.label,
                stages: p
                    .stages
                    .into_iter()
                    .map(|s| Stage {
                        probability: s
                            .metadata
                            .get("probability")
                            .and_then(Value::as_str)
                            .and_then(|p| p.parse::<f64>().ok())
                            .map(|p| p * 100.0),
                        outcome: outcome(&s.metadata),
                        order: s.display_order.max(0) as u32,
                        id: s.id,
                        label: s.label,
                    })
                    .collect(),
            })
            .collect())
    }

    async fn owners(&self) -> Result<Vec<Owner>> {
        let body = self
            .http
            .get(
                format!("{}/crm/v3/owners", self.base),
                &[("limit", "500".into())],
            )
            .await?;
        let owners: wire::Owners = decode(PROVIDER, "GET /crm/v3/owners", body)?;
        Ok(owners
            .results
            .into_iter()
            .map(|o| Owner {
                name: Owner::full_name(o.first_name, o.last_name),
                id: o.id,
                email: o.email,
            })
            .collect())
    }

    fn choose_custom(&self, object_type: ObjectType, keys: Option<Vec<String>>) {
        self.custom.choose(object_type, keys);
    }

    fn batch_size(&self) -> usize {
        write::BATCH
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
