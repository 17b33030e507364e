//! Salesforce writes: sObject Collections (200 records a request, one result per record in request
//! order), upsert by looking the key up with SOQL first, and merge as Salesforce's REST API allows it:
//! fill the master's blanks, move the children to it, delete the other record.

use std::collections::HashMap;

use bridge_model::{ActivityKind, ErrorCategory, Fields, ObjectType};
use reqwest::Method;
use serde_json::{Map, Value, json};

use super::{PROVIDER, Salesforce, convert, wire};
use crate::{
    CrmError, Merged, RecordError, Result, Update, WriteResult, Written,
    http::{Call, decode},
    write::{
        Slots, all_failed, ambiguous, canonical_field, ends_batch, in_parts, missing_key, rejected,
        to_wire,
    },
};

pub(super) const BATCH: usize = 200;
/// Values per SOQL `IN (...)` list at most.
const LOOKUP_BATCH: usize = 100;
/// Bytes the `q=` of one lookup may take once URL-encoded. Salesforce refuses a URI over 16,384 bytes
/// with 414; this leaves room for the instance's path. Non-ASCII or long keys (100 e-mails of 60
/// accented letters come to ~36,000 bytes) need fewer values per query.
const LOOKUP_QUERY_BYTES: usize = 12_000;

/// The length of `text` once form-URL-encoded, as the query string sends it.
fn encoded_len(text: &str) -> usize {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' | b' ' => 1,
            _ => 3,
        })
        .sum()
}

/// Splits SOQL literals into `IN (...)` lists that keep each query's encoded length within
/// [`LOOKUP_QUERY_BYTES`] (and at most [`LOOKUP_BATCH`] values); a single value longer than that
/// still gets a list of its own.
fn lookup_parts(literals: Vec<String>, fixed: usize) -> Vec<Vec<String>> {
    let mut parts: Vec<Vec<String>> = Vec::new();
    let mut used = fixed;
    for literal in literals {
        // `, ` between literals encodes to `%2C+`: four bytes.
        let cost = encoded_len(&literal) + 4;
        let full = parts
            .last()
            .is_none_or(|p| p.len() >= LOOKUP_BATCH || used + cost > LOOKUP_QUERY_BYTES);
        if full {
            parts.push(Vec::new());
            used = fixed;
        }
        used += cost;
        parts.last_mut().expect("pushed above").push(literal);
    }
    parts
}

pub(super) fn category(status_code: &str) -> ErrorCategory {
    match status_code {
        "ENTITY_IS_DELETED" | "NOT_FOUND" | "INVALID_CROSS_REFERENCE_KEY" => {
            ErrorCategory::NotFound
        }
        "DUPLICATE_VALUE" | "DUPLICATES_DETECTED" => ErrorCategory::Conflict,
        "UNABLE_TO_LOCK_ROW" | "UNKNOWN_EXCEPTION" => ErrorCategory::Server,
        c if c.starts_with("INSUFFICIENT_ACCESS") => ErrorCategory::Permission,
        _ => ErrorCategory::Validation,
    }
}

/// A literal for SOQL: quoted, with quotes and backslashes escaped.
pub(super) fn soql_text(value: &str) -> String {
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn what(object_type: ObjectType) -> String {
    format!("Salesforce {}s", convert::sobject(object_type))
}

/// Whether a batch goes through a Bulk API 2.0 ingest job: more records than a collection request
/// takes, of one sObject (an activity is a Task or an Event).
fn bulk_sized(object_type: ObjectType, inputs: &[(usize, Value)]) -> bool {
    object_type != ObjectType::Activity && inputs.len() > super::ingest::INGEST_MIN
}

/// Canonical fields -> a collection record of `object_type` (an activity: a Task or an Event, by
/// its kind on create and by its id on update).
pub(super) fn record(
    object_type: ObjectType,
    fields: &Fields,
    id: Option<&str>,
) -> std::result::Result<Value, RecordError> {
    let (sobject, mut wire) = if object_type == ObjectType::Activity {
        let sobject = match id {
            Some(id) => convert::sobject_of_id(object_type, id),
            None => convert::activity_sobject(ActivityKind::of(fields)),
        };
        (
            sobject,
            convert::activity_out(sobject, fields, id.is_none())?,
        )
    } else {
        let wire = to_wire(
            &what(object_type),
            fields,
            convert::fields(object_type),
            str::to_owned,
        )?;
        (convert::sobject(object_type), wire)
    };
    wire.insert("attributes".into(), json!({ "type": sobject }));
    if let Some(id) = id {
        wire.insert("id".into(), json!(id));
    }
    Ok(Value::Object(wire))
}

impl Salesforce {
    /// Sends collection requests of up to 200 records and files each answer under its record.
    async fn collections(
        &self,
        object_type: ObjectType,
        method: Method,
        inputs: Vec<(usize, Value)>,
        created: bool,
        slots: &mut Slots,
    ) {
        let table = convert::fields(object_type);
        let url = match self.url("composite/sobjects").await {
            Ok(url) => url,
            Err(e) => {
                for (i, _) in &inputs {
                    slots.set(*i, Err(RecordError::from(&e)));
                }
                return;
            }
        };
        let mut stopped: Option<RecordError> = None;
        for part in inputs.chunks(BATCH) {
            if let Some(e) = &stopped {
                for (i, _) in part {
                    slots.set(*i, Err(e.clone()));
                }
                continue;
            }
            let records: Vec<&Value> = part.iter().map(|p| &p.1).collect();
            let mut call = Call::new(
                method.clone(),
                url.clone(),
                Some(json!({ "allOrNone": false, "records": records })),
            );
            if created {
                call = call.at_most_once();
            }
            let request = format!("{method} /composite/sobjects");
            let answer = match self.http.send(&call).await {
                Ok(a) => decode::<Vec<wire::CollectionResult>>(PROVIDER, &request, a.body),
                Err(e) => Err(e),
            };
            match answer {
                Ok(results) if results.len() == part.len() => {
                    for ((i, input), r) in part.iter().zip(results) {
                        slots.set(*i, item(table, input, r, created));
                    }
                }
                Ok(results) => {
                    let e = CrmError::Malformed {
                        provider: PROVIDER,
                        request,
                        detail: format!("{} results for {} records", results.len(), part.len()),
                    };
                    for (i, _) in part {
                        slots.set(*i, Err(RecordError::from(&e)));
                    }
                }
                Err(e) => {
                    for (i, _) in part {
                        slots.set(*i, Err(rejected(table, &e)));
                    }
                    if ends_batch(&e) {
                        stopped = Some(RecordError::from(&e));
                    }
                }
            }
        }
    }

    pub(super) async fn create_records(
        &self,
        object_type: ObjectType,
        records: &[Fields],
    ) -> Vec<WriteResult> {
        let mut slots = Slots::new(PROVIDER, records.len());
        let inputs = slots.inputs(records, |fields| record(object_type, fields, None));
        if bulk_sized(object_type, &inputs) {
            self.ingest(object_type, "insert", inputs, &mut slots).await;
        } else {
            self.collections(object_type, Method::POST, inputs, true, &mut slots)
                .await;
        }
        slots.finish()
    }

    pub(super) async fn update_records(
        &self,
        object_type: ObjectType,
        records: &[Update],
    ) -> Vec<WriteResult> {
        let mut slots = Slots::new(PROVIDER, records.len());
        let inputs = slots.inputs(records, |update| {
            record(object_type, &update.fields, Some(&update.remote_id))
        });
        if bulk_sized(object_type, &inputs) {
            self.ingest(object_type, "update", inputs, &mut slots).await;
        } else {
            self.collections(object_type, Method::PATCH, inputs, false, &mut slots)
                .await;
        }
        slots.finish()
    }

    /// Looks every key value up with SOQL, updates the records found and creates the others.
    pub(super) async fn upsert_records(
        &self,
        object_type: ObjectType,
        key: &str,
        records: &[Fields],
    ) -> Vec<WriteResult> {
        let table = convert::fields(object_type);
        let Some((key_field, _)) = table.iter().find(|(_, c)| *c == key) else {
            let e = RecordError::validation(
                Some(key),
                format!("{} have no field `{key}` to match on", what(object_type)),
            );
            return records.iter().map(|_| Err(e.clone())).collect();
        };
        let value_of = |fields: &Fields| {
            fields
                .get(key)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_lowercase)
        };
        let values: Vec<String> = records.iter().filter_map(value_of).collect();
        let mut found: HashMap<String, Vec<String>> = HashMap::new();
        let sobject = convert::sobject(object_type);
        let fixed = encoded_len(&format!(
            "SELECT Id, {key_field} FROM {sobject} WHERE {key_field} IN ()"
        ));
        let literals = values.iter().map(|v| soql_text(v)).collect();
        for list in lookup_parts(literals, fixed) {
            let soql = format!(
                "SELECT Id, {key_field} FROM {sobject} WHERE {key_field} IN ({})",
                list.join(", ")
            );
            match self.query(&soql).await {
                Ok(rows) => {
                    for row in rows {
                        if let (Some(id), Some(v)) = (row["Id"].as_str(), row[*key_field].as_str())
                        {
                            found
                                .entry(v.to_lowercase())
                                .or_default()
                                .push(id.to_owned());
                        }
                    }
                }
                Err(e) => return all_failed(records.len(), &e),
            }
        }
        let mut slots = Slots::new(PROVIDER, records.len());
        let prepared = slots.inputs(records, |fields| {
            let value = value_of(fields).ok_or_else(|| missing_key(key))?;
            Ok((value, record(object_type, fields, None)?))
        });
        let (mut updates, mut creates) = (Vec::new(), Vec::new());
        for (i, (value, input)) in prepared {
            match found.get(&value).map(Vec::as_slice) {
                None | Some([]) => creates.push((i, input)),
                Some([id]) => {
                    let mut input = input;
                    input["id"] = json!(id);
                    updates.push((i, input));
                }
                Some(ids) => slots.set(i, Err(ambiguous(&what(object_type), key, ids))),
            }
        }
        self.collections(object_type, Method::PATCH, updates, false, &mut slots)
            .await;
        self.collections(object_type, Method::POST, creates, true, &mut slots)
            .await;
        slots.finish()
    }

    pub(super) async fn delete_records(&self, ids: &[String]) -> Vec<WriteResult> {
        in_parts(ids, BATCH, &[], |part| async move {
            let call = Call::new(Method::DELETE, self.url("composite/sobjects").await?, None)
                .query("ids", part.join(","))
                .query("allOrNone", "false");
            let request = "DELETE /composite/sobjects";
            let body = self.http.send(&call).await?.body;
            let results: Vec<wire::CollectionResult> = decode(PROVIDER, request, body)?;
            if results.len() != part.len() {
                return Err(CrmError::Malformed {
                    provider: PROVIDER,
                    request: request.into(),
                    detail: "a result count that differs from the ids sent".into(),
                });
            }
            Ok(part
                .iter()
                .zip(results)
                .map(|(id, r)| item(&[], &json!({ "id": id }), r, false))
                .collect())
        })
        .await
    }

    /// Salesforce's REST API has no merge (it is a SOAP call), so: fill the survivor's blank fields
    /// from the merged record, point the merged record's children at the survivor, delete it.
    pub(super) async fn merge_records(
        &self,
        object_type: ObjectType,
        survivor: &str,
        merged: &str,
    ) -> Result<Merged> {
        let children: &[(&str, &str)] = match object_type {
            ObjectType::Company => &[
                ("Contact", "AccountId"),
                ("Opportunity", "AccountId"),
                ("Task", "WhatId"),
                ("Event", "WhatId"),
            ],
            ObjectType::Person => &[
                ("Opportunity", "ContactId"),
                ("Task", "WhoId"),
                ("Event", "WhoId"),
            ],
            ObjectType::Lead => &[("Task", "WhoId"), ("Event", "WhoId")],
            ObjectType::Deal | ObjectType::Activity | ObjectType::Custom(_) => {
                return Err(CrmError::Unsupported(format!(
                    "{PROVIDER} merges accounts, contacts and leads, not {}",
                    what(object_type)
                )));
            }
        };
        let sobject = convert::sobject(object_type);
        let read = |id: &str| {
            let path = format!("sobjects/{sobject}/{id}");
            async move {
                let body = self
                    .http
                    .send(&Call::get(self.url(&path).await?))
                    .await?
                    .body;
                Ok::<Value, CrmError>(body)
            }
        };
        let (kept, gone) = (read(survivor).await?, read(merged).await?);
        let blank = |v: &Value| v.is_null() || v.as_str() == Some("");
        let fill: Map<String, Value> = convert::fields(object_type)
            .iter()
            .filter(|(_, canonical)| *canonical != "created_at")
            .filter(|(wire, _)| blank(&kept[*wire]) && !blank(&gone[*wire]))
            .map(|(wire, _)| ((*wire).to_owned(), gone[*wire].clone()))
            .collect();
        if !fill.is_empty() {
            let call = Call::new(
                Method::PATCH,
                self.url(&format!("sobjects/{sobject}/{survivor}")).await?,
                Some(Value::Object(fill)),
            );
            self.http.send(&call).await?;
        }
        let mut moved = Vec::new();
        for (child, link) in children {
            let soql = format!(
                "SELECT Id FROM {child} WHERE {link} = {}",
                soql_text(merged)
            );
            let ids: Vec<String> = self
                .query(&soql)
                .await?
                .iter()
                .filter_map(|r| r["Id"].as_str().map(str::to_owned))
                .collect();
            for part in ids.chunks(BATCH) {
                let records: Vec<Value> = part
                    .iter()
                    .map(|id| json!({ "attributes": {"type": child}, "id": id, *link: survivor }))
                    .collect();
                let call = Call::new(
                    Method::PATCH,
                    self.url("composite/sobjects").await?,
                    Some(json!({ "allOrNone": true, "records": records })),
                );
                let body = self.http.send(&call).await?.body;
                let results: Vec<wire::CollectionResult> =
                    decode(PROVIDER, "PATCH /composite/sobjects", body)?;
                if let Some(failed) = results.iter().find(|r| !r.success) {
                    return Err(CrmError::Rejected {
                        provider: PROVIDER,
                        request: format!("moving {child} records to {survivor}"),
                        status: 400,
                        field: Some((*link).to_owned()),
                        message: failed
                            .errors
                            .first()
                            .map(|e| format!("{}: {}", e.status_code, e.message))
                            .unwrap_or_default(),
                    });
                }
                moved.extend(part.iter().cloned());
            }
        }
        let call = Call::new(
            Method::DELETE,
            self.url(&format!("sobjects/{sobject}/{merged}")).await?,
            None,
        );
        self.http.send(&call).await?;
        Ok(Merged {
            survivor_id: survivor.to_owned(),
            merged_id: merged.to_owned(),
            moved,
        })
    }
}

/// One collection item as a result: its id, or the first error with its field named canonically.
fn item(
    table: &[(&str, &str)],
    input: &Value,
    r: wire::CollectionResult,
    created: bool,
) -> WriteResult {
    if r.success {
        let remote_id =
            r.id.or_else(|| input["id"].as_str().map(str::to_owned))
                .unwrap_or_default();
        return Ok(Written { remote_id, created });
    }
    let first = r.errors.into_iter().next();
    Err(match first {
        Some(e) => RecordError {
            category: category(&e.status_code),
            field: e.fields.first().map(|f| canonical_field(table, f)),
            message: format!("{PROVIDER}: {}: {}", e.status_code, e.message),
        },
        None => RecordError {
            category: ErrorCategory::Server,
            field: None,
            message: format!("{PROVIDER} refused the record without saying why"),
        },
    })
}

#[cfg(test)]
mod lookup_tests {
    use super::*;

    #[test]
    fn lookups_split_by_encoded_length_as_well_as_by_count() {
        let short: Vec<String> = (0..250).map(|i| format!("'p{i}@x.example'")).collect();
        let parts = lookup_parts(short, 60);
        assert_eq!(
            parts.iter().map(Vec::len).collect::<Vec<_>>(),
            vec![100, 100, 50]
        );
        let accented = format!("'{}@x.example'", "é".repeat(60));
        // 60 two-byte letters, two quotes and the @ as %XX, and `x.example` as it is.
        assert_eq!(encoded_len(&accented), 60 * 6 + 2 * 3 + 3 + 9);
        let parts = lookup_parts(vec![accented; 100], 60);
        assert!(parts.len() > 1);
        for part in &parts {
            let query: usize = 60 + part.iter().map(|l| encoded_len(l) + 4).sum::<usize>();
            assert!(query <= LOOKUP_QUERY_BYTES, "{query}");
        }
        assert_eq!(parts.iter().map(Vec::len).sum::<usize>(), 100);
    }
}
