//! The `Crm` trait and one client per provider. Wire types stay private to each provider module; each
//! module's `convert.rs` is the only bridge to the canonical model.

pub mod address;
mod custom;
mod error;
pub mod http;
mod new_field;
pub mod oauth;
pub mod pacer;
mod secret;
mod write;

pub mod close;
pub mod hubspot;
pub mod pipedrive;
pub mod salesforce;

use std::sync::Arc;

use bridge_model::{CustomObjectInfo, Fields, NewField, ObjectType, Provider};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use error::{CrmError, Result};
pub use http::SecretKeeper;
pub use secret::{OAuthTokens, Secret};
pub use write::{CUSTOM, Merged, RecordError, Update, WriteResult, Written};

/// Who the credentials belong to and what is left of the API allowance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    /// The CRM's id for the account (portal, org, organization, company).
    pub account_id: String,
    pub account_name: String,
    pub user_email: Option<String>,
    /// e.g. "98,812 of 100,000 API requests left today"
    pub quota: Option<String>,
}

/// A record as pulled: canonical fields, the payload as received, and the remote modified time.
#[derive(Debug, Clone, PartialEq)]
pub struct Pulled {
    pub object_type: ObjectType,
    pub remote_id: String,
    pub fields: Fields,
    pub raw: serde_json::Value,
    pub modified_at: Option<DateTime<Utc>>,
}

/// One page of a pull and where the next one starts (None: the pass is complete).
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub records: Vec<Pulled>,
    pub next: Option<String>,
}

/// Which page to fetch: records modified at or after `since` (all when None), from `cursor` (an opaque
/// token of this provider, from the previous page; None for the first page).
#[derive(Debug, Clone, PartialEq)]
pub struct PullRequest {
    pub object_type: ObjectType,
    pub since: Option<DateTime<Utc>>,
    pub cursor: Option<String>,
}

/// A field of an object as the CRM describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldInfo {
    /// The key in the CRM's payload (Pipedrive: the 40-character hash for custom fields).
    pub key: String,
    pub label: String,
    /// The CRM's type name (string, email, enumeration, picklist, ...).
    pub kind: String,
    pub custom: bool,
    pub required: bool,
    /// The CRM computes it (HubSpot's `readOnlyValue`, a Salesforce field neither createable nor
    /// updateable): read, never written.
    #[serde(default)]
    pub read_only: bool,
    /// A picklist's values as a record holds them and a write sends them.
    pub options: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    pub id: String,
    pub label: String,
    pub order: u32,
    /// 0..=100 where the CRM has one.
    pub probability: Option<f64>,
    pub outcome: StageOutcome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageOutcome {
    Open,
    Won,
    Lost,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pipeline {
    pub id: String,
    pub label: String,
    pub stages: Vec<Stage>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Owner {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
}

impl Owner {
    /// "First Last" from the parts a CRM keeps apart (either may be missing).
    pub(crate) fn full_name(first: Option<String>, last: Option<String>) -> String {
        [first, last]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// What HubSpot, Close and Pipedrive mirror (Salesforce adds leads), parents first.
pub(crate) const COMPANIES_PEOPLE_DEALS_ACTIVITIES: &[ObjectType] = &[
    ObjectType::Company,
    ObjectType::Person,
    ObjectType::Deal,
    ObjectType::Activity,
];

/// Salesforce's objects: the others' and leads.
pub(crate) const SALESFORCE_OBJECTS: &[ObjectType] = &[
    ObjectType::Company,
    ObjectType::Person,
    ObjectType::Lead,
    ObjectType::Deal,
    ObjectType::Activity,
];

/// The object types a provider's client mirrors and writes, parents first (what [`Crm::object_types`]
/// answers, known before connecting).
pub fn object_types(provider: Provider) -> &'static [ObjectType] {
    match provider {
        Provider::Salesforce => SALESFORCE_OBJECTS,
        _ => COMPANIES_PEOPLE_DEALS_ACTIVITIES,
    }
}

/// One CRM account, reached over its API. One call fetches one page; the engine drives the pull.
#[async_trait::async_trait]
pub trait Crm: Send + Sync {
    fn provider(&self) -> Provider;
    /// The object types this CRM mirrors, parents first.
    fn object_types(&self) -> &'static [ObjectType];
    async fn check(&self) -> Result<Account>;
    /// The custom objects the CRM defines, with its labels; each is mirrored, mapped and migrated
    /// as `ObjectType::Custom` (a record's `name`, its `company_id` where it belongs to one, and
    /// its other fields under `custom`). Pipedrive has none.
    async fn custom_objects(&self) -> Result<Vec<CustomObjectInfo>> {
        Ok(Vec::new())
    }
    async fn pull(&self, request: &PullRequest) -> Result<Page>;
    /// Remote ids of records deleted at or after `since`, where the CRM keeps a delete feed
    /// (None: it has none, and deletions are found by comparing every id on a full pull).
    async fn deleted_since(
        &self,
        object_type: ObjectType,
        since: DateTime<Utc>,
    ) -> Result<Option<Vec<String>>>;
    async fn fields(&self, object_type: ObjectType) -> Result<Vec<FieldInfo>>;
    /// Creates a custom field of `object_type` (or finds the one created before under the same
    /// label), so a mapping can fill it.
    async fn create_field(&self, object_type: ObjectType, field: &NewField) -> Result<FieldInfo>;
    async fn pipelines(&self) -> Result<Vec<Pipeline>>;
    async fn owners(&self) -> Result<Vec<Owner>>;
    /// Asks the CRM for only these custom fields of `object_type` (the keys under a record's
    /// `custom`; None: every one), where a pull names the fields it reads (HubSpot, Salesforce).
    fn choose_custom(&self, object_type: ObjectType, keys: Option<Vec<String>>) {
        let _ = (object_type, keys);
    }
    /// Records the CRM takes in one write request (1 where it has no batch endpoint).
    fn batch_size(&self) -> usize;
    /// Records to hand over per write call when `total` are to be written: Salesforce writes
    /// 10,000 or more through Bulk API 2.0 jobs of 10,000.
    fn batch_size_for(&self, total: usize) -> usize {
        let _ = total;
        self.batch_size()
    }
    /// Creates records from canonical fields; one result per record, in order.
    async fn create(&self, object_type: ObjectType, records: &[Fields]) -> Vec<WriteResult>;
    /// Changes the given fields of existing records; one result per record, in order.
    async fn update(&self, object_type: ObjectType, records: &[Update]) -> Vec<WriteResult>;
    /// Creates or updates by a unique canonical field (`email` for people): the record whose `key`
    /// matches is updated, else one is created.
    async fn upsert(
        &self,
        object_type: ObjectType,
        key: &str,
        records: &[Fields],
    ) -> Vec<WriteResult>;
    /// Deletes (archives, where the CRM keeps a bin) records by id; one result per id, in order.
    async fn delete(&self, object_type: ObjectType, ids: &[String]) -> Vec<WriteResult>;
    /// Merges `merged` into `survivor`: the survivor keeps its values and fills blanks from the merged
    /// record, takes over its children (deals, activities, people), and the merged record is deleted.
    async fn merge(&self, object_type: ObjectType, survivor: &str, merged: &str) -> Result<Merged>;
    /// The secret as it stands (refreshed tokens included), for the keyring.
    async fn secret(&self) -> Secret;
}

/// Where and how to reach one account.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub provider: Provider,
    /// The API base (HubSpot `https://api.hubapi.com`, Close `.../api/v1`, Pipedrive `.../api/v1` or the
    /// OAuth `api_domain`, Salesforce the `instance_url`).
    pub base_url: String,
    pub secret: Secret,
}

/// The client for an endpoint.
/// Whether `provider`'s merge takes two records of `object_type` (what [`Crm::merge`] accepts), so
/// a plan knows before any request which records it can merge and which it can only link.
pub fn can_merge(provider: Provider, object_type: ObjectType) -> bool {
    use ObjectType::{Company, Deal, Lead, Person};
    match provider {
        Provider::Close => object_type == Company,
        Provider::Salesforce => matches!(object_type, Company | Person | Lead),
        Provider::Hubspot | Provider::Pipedrive => matches!(object_type, Company | Person | Deal),
    }
}

/// The canonical fields a client writes for `object_type` in `provider` (custom fields aside, which
/// travel under `custom` by the CRM's own keys): a plan leaves other fields alone.
pub fn writable_fields(provider: Provider, object_type: ObjectType) -> Vec<&'static str> {
    let table = field_table(provider, object_type);
    let mut fields: Vec<&'static str> = table
        .iter()
        .map(|(_, canonical)| *canonical)
        .filter(|c| !write::READ_ONLY.contains(c))
        .collect();
    if provider == Provider::Hubspot {
        fields.extend(hubspot::convert::link_fields(object_type));
    }
    // A custom object's name is its primary field, whatever the CRM calls it.
    if object_type.custom().is_some() && !fields.contains(&bridge_model::field::NAME) {
        fields.push(bridge_model::field::NAME);
    }
    // An activity's kind is written once, by choosing where it is created.
    if object_type == ObjectType::Activity {
        fields.push(bridge_model::activity_field::KIND);
    }
    fields
}

/// The standard fields of `fields` outside the canonical ones (HubSpot's `jobtitle`, Salesforce's
/// `Department`): mirrored under `custom` by their key when a person chooses them, and written
/// back by it. HubSpot and Salesforce only: Close's and Pipedrive's standard fields are the
/// canonical ones, and their custom values are written where a standard field is not.
pub fn extra_fields(
    provider: Provider,
    object_type: ObjectType,
    fields: Vec<FieldInfo>,
) -> Vec<FieldInfo> {
    if !matches!(provider, Provider::Hubspot | Provider::Salesforce) {
        return Vec::new();
    }
    let table = field_table(provider, object_type);
    fields
        .into_iter()
        .filter(|f| {
            !f.custom
                && f.key != "Id"
                && !table
                    .iter()
                    .any(|(key, _)| key.eq_ignore_ascii_case(&f.key))
        })
        .collect()
}

/// Why the client for `provider` would refuse to create this record before sending it (a field
/// the CRM has no place for, such as an outcome on a Salesforce Event): the dry run names it, as
/// the run would. None when the body can be built (the CRM may still refuse it).
pub fn refused_create(
    provider: Provider,
    object_type: ObjectType,
    fields: &Fields,
) -> Option<RecordError> {
    use bridge_model::ActivityKind;
    let activity = (object_type == ObjectType::Activity).then(|| ActivityKind::of(fields));
    let built = match (provider, activity) {
        // A custom object's name goes to its primary property, known once HubSpot is asked.
        (Provider::Hubspot, _) if object_type.custom().is_some() => return None,
        (Provider::Hubspot, _) => hubspot::convert::object_for(object_type, fields)
            .map(|o| hubspot::convert::input(o, fields, true)),
        (Provider::Salesforce, _) => Some(salesforce::refused_create(object_type, fields)),
        (Provider::Close, Some(kind)) => Some(close::convert::activity_input(
            kind,
            close::convert::create_resource(kind),
            fields,
            true,
        )),
        (Provider::Close, None) => Some(close::convert::input(object_type, fields)),
        (Provider::Pipedrive, Some(kind)) if kind != ActivityKind::Note => {
            Some(pipedrive::convert::activity_input(fields, true))
        }
        (Provider::Pipedrive, _) => Some(pipedrive::convert::input(object_type, fields)),
    };
    built?.err()
}

/// The canonical standard fields the CRM says a create must carry, from its field list
/// (Salesforce's `CloseDate` of an opportunity: `close_date`). None for activities: one list
/// stands for every kind (Pipedrive's note fields), what a note needs a call does not.
pub fn required_fields(
    provider: Provider,
    object_type: ObjectType,
    fields: &[FieldInfo],
) -> Vec<&'static str> {
    if object_type == ObjectType::Activity {
        return Vec::new();
    }
    field_table(provider, object_type)
        .iter()
        .filter(|(key, _)| {
            fields
                .iter()
                .any(|f| f.required && !f.custom && f.key.eq_ignore_ascii_case(key))
        })
        .map(|(_, canonical)| *canonical)
        .collect()
}

/// (CRM key, canonical field) of every standard field a client reads and writes for `object_type`.
/// The values of `fields` a create in this CRM takes (custom ones included): what recreates a record
/// from a before-image.
pub fn creatable(provider: Provider, object_type: ObjectType, fields: &Fields) -> Fields {
    let writable = writable_fields(provider, object_type);
    fields
        .iter()
        .filter(|(k, _)| k.as_str() == CUSTOM || writable.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn field_table(
    provider: Provider,
    object_type: ObjectType,
) -> &'static [(&'static str, &'static str)] {
    match provider {
        Provider::Hubspot => hubspot::convert::properties(object_type),
        Provider::Salesforce => salesforce::convert::fields(object_type),
        Provider::Close => close::convert::table(object_type),
        Provider::Pipedrive => pipedrive::convert::table(object_type),
    }
}

/// The canonical name of a CRM's own field `key` of `object_type` (its standard fields only; custom
/// fields keep their keys).
pub fn canonical_name(
    provider: Provider,
    object_type: ObjectType,
    key: &str,
) -> Option<&'static str> {
    field_table(provider, object_type)
        .iter()
        .find(|(wire, _)| wire.eq_ignore_ascii_case(key))
        .map(|(_, canonical)| *canonical)
}

/// The type of a custom object a CRM listed as `api_name` (a blank name is a malformed answer).
pub(crate) fn custom_object_type(
    provider: &'static str,
    request: &str,
    api_name: &str,
) -> Result<ObjectType> {
    bridge_model::CustomObject::new(api_name)
        .map(ObjectType::Custom)
        .map_err(|e| CrmError::Malformed {
            provider,
            request: request.to_owned(),
            detail: e.to_string(),
        })
}

pub fn connect(endpoint: Endpoint, keeper: Option<SecretKeeper>) -> Result<Arc<dyn Crm>> {
    let base = endpoint.base_url.trim_end_matches('/').to_owned();
    address::check_base(&base)?;
    Ok(match endpoint.provider {
        Provider::Hubspot => Arc::new(hubspot::Hubspot::new(base, endpoint.secret, keeper)),
        Provider::Close => Arc::new(close::Close::new(base, endpoint.secret, keeper)),
        Provider::Pipedrive => Arc::new(pipedrive::Pipedrive::new(base, endpoint.secret, keeper)),
        Provider::Salesforce => {
            Arc::new(salesforce::Salesforce::new(base, endpoint.secret, keeper))
        }
    })
}

/// Parses the RFC 3339 / ISO times the CRMs send (with or without a zone, `+0000` too).
pub(crate) fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z") {
        return Some(t.with_timezone(&Utc));
    }
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f"))
        .ok()
        .map(|t| t.and_utc())
}

/// Keyset paging over modified time, for APIs that filter `modified >= since` ordered by (modified, id)
/// with an offset: `skip` counts the records at exactly `since` already taken, so ties of any size are
/// walked without loss, and a pass can restart from its cursor after a crash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct TimeCursor {
    pub since: Option<DateTime<Utc>>,
    pub skip: u64,
}

impl TimeCursor {
    pub fn decode(cursor: Option<&str>, since: Option<DateTime<Utc>>) -> Result<Self> {
        match cursor {
            None => Ok(TimeCursor { since, skip: 0 }),
            Some(text) => serde_json::from_str(text)
                .map_err(|_| CrmError::Config(format!("unreadable pull cursor `{text}`"))),
        }
    }

    /// The cursor after a page of `times` (ascending): re-sliced at the last time of the page.
    pub fn after(&self, times: &[Option<DateTime<Utc>>]) -> Self {
        let Some(Some(last)) = times.last() else {
            return self.clone();
        };
        let at_last = times.iter().filter(|t| **t == Some(*last)).count() as u64;
        let skip = if self.since == Some(*last) {
            self.skip + at_last
        } else {
            at_last
        };
        TimeCursor {
            since: Some(*last),
            skip,
        }
    }

    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("a cursor serialises")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Option<DateTime<Utc>> {
        parse_time(s)
    }

    #[test]
    fn the_crms_time_formats_parse() {
        let want = t("2024-01-02T03:04:05Z").unwrap();
        for text in [
            "2024-01-02T03:04:05.000Z",
            "2024-01-02T03:04:05.000+0000",
            "2024-01-02T03:04:05.000000+00:00",
            "2024-01-02 03:04:05",
        ] {
            assert_eq!(parse_time(text), Some(want), "{text}");
        }
        assert_eq!(parse_time("yesterday"), None);
    }

    #[test]
    fn a_time_cursor_counts_ties_at_the_last_time_across_pages() {
        let start = TimeCursor {
            since: None,
            skip: 0,
        };
        let a = t("2024-01-01T00:00:00Z");
        let b = t("2024-01-02T00:00:00Z");
        let first = start.after(&[a, b, b]);
        assert_eq!(first, TimeCursor { since: b, skip: 2 });
        // A page entirely at the same time adds to the tie count.
        let second = first.after(&[b, b, b]);
        assert_eq!(second, TimeCursor { since: b, skip: 5 });
        let c = t("2024-01-03T00:00:00Z");
        assert_eq!(second.after(&[b, c]), TimeCursor { since: c, skip: 1 });
        assert_eq!(second.after(&[]), second);
        let round = TimeCursor::decode(Some(&second.encode()), None).unwrap();
        assert_eq!(round, second);
    }
}
