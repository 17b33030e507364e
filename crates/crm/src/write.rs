//! Writes: what one record's write came to, and the canonical <-> CRM field translation every client
//! shares. A batch never fails as a whole: each record gets its own result, so a caller knows exactly
//! which records were written, which were refused (and for which field), and which may be retried.

use bridge_model::{ErrorCategory, Fields};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::CrmError;

/// What became of one record in a batch.
pub type WriteResult = std::result::Result<Written, RecordError>;

/// A record the CRM accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Written {
    pub remote_id: String,
    /// Whether the write made a new record (an upsert may update an existing one).
    pub created: bool,
}

/// Why one record was not written: the category sorts the failed-records queue, the field is the
/// canonical name of the field the CRM named (where it named one), the message quotes the CRM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct RecordError {
    pub category: ErrorCategory,
    pub field: Option<String>,
    pub message: String,
}

impl RecordError {
    pub fn validation(field: Option<&str>, message: impl Into<String>) -> Self {
        RecordError {
            category: ErrorCategory::Validation,
            field: field.map(str::to_owned),
            message: message.into(),
        }
    }
}

impl From<&CrmError> for RecordError {
    fn from(e: &CrmError) -> Self {
        let category = match e {
            CrmError::Unauthorized { .. } => ErrorCategory::Auth,
            CrmError::Forbidden { .. } => ErrorCategory::Permission,
            CrmError::RateLimited { .. } | CrmError::QuotaExhausted { .. } => {
                ErrorCategory::RateLimit
            }
            CrmError::Server { .. } | CrmError::Malformed { .. } => ErrorCategory::Server,
            CrmError::Network { .. } | CrmError::Cancelled => ErrorCategory::Network,
            CrmError::NotFound { .. } | CrmError::Rejected { status: 404, .. } => {
                ErrorCategory::NotFound
            }
            CrmError::Rejected { status: 409, .. } => ErrorCategory::Conflict,
            CrmError::Rejected { .. }
            | CrmError::CursorExpired { .. }
            | CrmError::Unsupported(_)
            | CrmError::Config(_) => ErrorCategory::Validation,
            CrmError::Keyring { .. } => ErrorCategory::Auth,
        };
        let field = match e {
            CrmError::Rejected { field, .. } => field.clone(),
            _ => None,
        };
        RecordError {
            category,
            field,
            message: e.to_string(),
        }
    }
}

/// An update of one record: its id and the canonical fields to change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Update {
    pub remote_id: String,
    pub fields: Fields,
}

/// The outcome of merging `merged_id` into `survivor_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Merged {
    /// The id of the record that remains (taken from the CRM's answer, not assumed).
    pub survivor_id: String,
    pub merged_id: String,
    /// Child records moved from the merged record to the survivor, where the client moved them itself
    /// (Salesforce); the other CRMs move children inside their merge.
    pub moved: Vec<String>,
}

/// Results so far, one slot per input record, filled as answers come in.
pub(crate) struct Slots {
    provider: &'static str,
    results: Vec<Option<WriteResult>>,
}

impl Slots {
    pub fn new(provider: &'static str, count: usize) -> Self {
        Slots {
            provider,
            results: vec![None; count],
        }
    }

    pub fn set(&mut self, index: usize, result: WriteResult) {
        self.results[index] = Some(result);
    }

    /// What `convert` makes of each record, with its index; a record it refuses gets its result now
    /// and is not sent.
    pub fn inputs<T, I>(
        &mut self,
        records: &[T],
        convert: impl Fn(&T) -> Result<I, RecordError>,
    ) -> Vec<(usize, I)> {
        let mut out = Vec::new();
        for (i, record) in records.iter().enumerate() {
            match convert(record) {
                Ok(input) => out.push((i, input)),
                Err(e) => self.set(i, Err(e)),
            }
        }
        out
    }

    /// Whether the record at `index` has been written.
    pub fn succeeded(&self, index: usize) -> bool {
        matches!(self.results[index], Some(Ok(_)))
    }

    pub fn fail(&mut self, indexes: impl IntoIterator<Item = usize>, error: &RecordError) {
        for i in indexes {
            self.set(i, Err(error.clone()));
        }
    }

    /// Every record's result; one the CRM's answer left out is reported, never assumed written.
    pub fn finish(self) -> Vec<WriteResult> {
        let provider = self.provider;
        self.results
            .into_iter()
            .map(|r| {
                r.unwrap_or_else(|| {
                    Err(RecordError {
                        category: ErrorCategory::Server,
                        field: None,
                        message: format!("{provider} did not answer for this record"),
                    })
                })
            })
            .collect()
    }
}

/// An upsert record without its key.
pub(crate) fn missing_key(key: &str) -> RecordError {
    RecordError::validation(
        Some(key),
        format!("an upsert needs `{key}`, and this record has none"),
    )
}

/// An upsert key that several records of the CRM share: which one to update is a person's call.
pub(crate) fn ambiguous(what: &str, key: &str, ids: &[String]) -> RecordError {
    RecordError {
        category: ErrorCategory::Conflict,
        field: Some(key.to_owned()),
        message: format!(
            "{} {what} share this `{key}`: {}",
            ids.len(),
            ids.join(", ")
        ),
    }
}

/// The same error for every record of a batch that could not be sent.
pub(crate) fn all_failed(count: usize, error: &CrmError) -> Vec<WriteResult> {
    let e = RecordError::from(error);
    (0..count).map(|_| Err(e.clone())).collect()
}

/// Whether a failure ends a batch: nothing more can succeed until a person acts or the allowance
/// resets, so the remaining records are reported without being sent.
pub(crate) fn ends_batch(e: &CrmError) -> bool {
    matches!(
        e,
        CrmError::Unauthorized { .. }
            | CrmError::Forbidden { .. }
            | CrmError::QuotaExhausted { .. }
            | CrmError::Cancelled
    )
}

/// Writes `items` a part of `size` at a time, in order: `send` answers a part with one result per item,
/// or fails the part as a whole (each of its items gets the error, its field named canonically). A
/// failure that ends the batch (sign-in, quota) is reported for the remaining items without sending them.
pub(crate) async fn in_parts<'a, T, F, Fut>(
    items: &'a [T],
    size: usize,
    table: &[(&str, &str)],
    mut send: F,
) -> Vec<WriteResult>
where
    F: FnMut(&'a [T]) -> Fut,
    Fut: std::future::Future<Output = crate::Result<Vec<WriteResult>>>,
{
    let mut out = Vec::with_capacity(items.len());
    for part in items.chunks(size.max(1)) {
        match send(part).await {
            Ok(results) => out.extend(results),
            Err(e) => {
                let error = rejected(table, &e);
                out.extend(part.iter().map(|_| Err(error.clone())));
                if ends_batch(&e) {
                    out.extend(all_failed(items.len() - out.len(), &e));
                    break;
                }
            }
        }
    }
    out
}

/// For CRMs without batch endpoints: one request per record, in order. `send` answers a record with
/// its result (a refusal found before sending is an `Ok(Err(..))`).
pub(crate) async fn one_by_one<'a, T, F, Fut>(
    items: &'a [T],
    table: &[(&str, &str)],
    mut send: F,
) -> Vec<WriteResult>
where
    F: FnMut(&'a T) -> Fut,
    Fut: std::future::Future<Output = crate::Result<WriteResult>>,
{
    in_parts(items, 1, table, |part| {
        let sent = send(&part[0]);
        async move { sent.await.map(|result| vec![result]) }
    })
    .await
}

/// Canonical fields that describe a record but cannot be set: they are left out of writes.
pub(crate) const READ_ONLY: &[&str] = &[
    "created_at",
    "modified_at",
    "kind",
    "stage",
    "lead_score",
    "original_source",
    "last_activity_at",
    "converted",
    "converted_person_id",
    "converted_company_id",
];

/// The canonical key of custom fields: an object of the CRM's own custom field keys.
pub const CUSTOM: &str = "custom";

/// Canonical fields -> the CRM's keys by a (CRM key, canonical) table. `custom` entries go to
/// `custom_key(key)`; a field the table lacks is refused by name, so nothing is dropped unnoticed.
pub(crate) fn to_wire(
    what: &str,
    fields: &Fields,
    table: &[(&str, &str)],
    custom_key: impl Fn(&str) -> String,
) -> Result<Map<String, Value>, RecordError> {
    let mut out = Map::new();
    for (key, value) in fields {
        if READ_ONLY.contains(&key.as_str()) {
            continue;
        }
        if key == CUSTOM {
            let Some(custom) = value.as_object() else {
                return Err(RecordError::validation(
                    Some(CUSTOM),
                    "custom fields must be an object of field keys and values",
                ));
            };
            for (k, v) in custom {
                out.insert(custom_key(k), v.clone());
            }
            continue;
        }
        match table.iter().find(|(_, canonical)| canonical == key) {
            Some((wire, _)) => {
                out.insert((*wire).to_owned(), value.clone());
            }
            None => {
                return Err(RecordError::validation(
                    Some(key),
                    format!("{what} have no field `{key}` that CRM Bridge can write"),
                ));
            }
        }
    }
    Ok(out)
}

/// The canonical name of a CRM field named in an error (the CRM's own name when it has none).
pub(crate) fn canonical_field(table: &[(&str, &str)], wire: &str) -> String {
    table
        .iter()
        .find(|(w, _)| w.eq_ignore_ascii_case(wire))
        .map(|(_, c)| (*c).to_owned())
        .unwrap_or_else(|| wire.to_owned())
}

/// A rejection of one record, its field translated to the canonical name.
pub(crate) fn rejected(table: &[(&str, &str)], error: &CrmError) -> RecordError {
    let mut e = RecordError::from(error);
    e.field = e.field.map(|f| canonical_field(table, &f));
    e
}

/// Whether a value written to a CRM means "nothing": null, or text of only spaces.
pub(crate) fn is_blank(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Null => true,
        serde_json::Value::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TABLE: &[(&str, &str)] = &[("firstname", "first_name"), ("email", "email")];

    fn fields(v: Value) -> Fields {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn canonical_fields_become_crm_keys_and_read_only_ones_are_left_out() {
        let wire = to_wire(
            "HubSpot contacts",
            &fields(
                json!({"first_name": "Ann", "email": "a@b.co", "created_at": "2020-01-01",
                "custom": {"favourite_colour": "teal"}}),
            ),
            TABLE,
            |k| format!("x_{k}"),
        )
        .unwrap();
        assert_eq!(
            Value::Object(wire),
            json!({"firstname": "Ann", "email": "a@b.co", "x_favourite_colour": "teal"})
        );
    }

    #[test]
    fn a_field_the_crm_lacks_is_refused_by_name() {
        let e = to_wire(
            "HubSpot contacts",
            &fields(json!({"industry": "Retail"})),
            TABLE,
            str::to_owned,
        )
        .unwrap_err();
        assert_eq!(e.category, ErrorCategory::Validation);
        assert_eq!(e.field.as_deref(), Some("industry"));
        assert!(
            e.message
                .contains("HubSpot contacts have no field `industry`")
        );
    }

    #[test]
    fn crm_errors_sort_into_the_queue_categories() {
        let rejected_with = |status| CrmError::Rejected {
            provider: "HubSpot",
            request: "POST /x".into(),
            status,
            field: Some("Email".into()),
            message: "bad".into(),
        };
        assert_eq!(
            RecordError::from(&rejected_with(404)).category,
            ErrorCategory::NotFound
        );
        assert_eq!(
            RecordError::from(&rejected_with(409)).category,
            ErrorCategory::Conflict
        );
        let e = rejected(TABLE, &rejected_with(400));
        assert_eq!(
            (e.category, e.field.as_deref()),
            (ErrorCategory::Validation, Some("email"))
        );
        let quota = CrmError::QuotaExhausted {
            provider: "Salesforce",
            message: "TotalRequests".into(),
        };
        assert_eq!(RecordError::from(&quota).category, ErrorCategory::RateLimit);
        assert!(ends_batch(&quota));
    }
}
