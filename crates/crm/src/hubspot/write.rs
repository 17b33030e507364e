//! HubSpot writes: the batch endpoints (100 inputs a request), merge. Batch create is all-or-nothing
//! in HubSpot, so a refused batch is split in halves until the refused records stand alone and every
//! other record is still created.

use std::collections::HashMap;

use bridge_model::{ErrorCategory, Fields, ObjectType, field};
use reqwest::Method;
use serde_json::{Value, json};

use super::{
    Hubspot, PROVIDER,
    convert::{self, Object},
    wire,
};
use crate::{
    CrmError, Merged, RecordError, Result, Update, WriteResult, Written,
    http::{Call, decode},
    write::{Slots, all_failed, ends_batch, in_parts, missing_key, rejected},
};

pub(super) const BATCH: usize = 100;

fn category(hubspot: &str) -> ErrorCategory {
    match hubspot {
        "OBJECT_NOT_FOUND" => ErrorCategory::NotFound,
        "CONFLICT" => ErrorCategory::Conflict,
        "RATE_LIMITS" => ErrorCategory::RateLimit,
        "MISSING_SCOPES" => ErrorCategory::Permission,
        _ => ErrorCategory::Validation,
    }
}

impl Hubspot {
    fn batch_url(&self, object: &str, action: &str) -> String {
        format!("{}/crm/v3/objects/{object}/batch/{action}", self.base)
    }

    /// Sends one batch and reads its answer; a refusal of the whole request is an `Err`.
    async fn send_batch(&self, call: Call, request: &str) -> Result<wire::BatchAnswer> {
        let answer = self.http.send(&call).await?;
        decode(PROVIDER, request, answer.body)
    }

    /// Files the errors of a 207 answer under the inputs they name (by the key each input was sent with).
    fn file_errors(
        object: Object,
        errors: Vec<wire::BatchError>,
        index_of: &HashMap<String, usize>,
        slots: &mut Slots,
    ) {
        for e in errors {
            let field = e
                .context
                .get("propertyName")
                .and_then(|p| p.first())
                .map(|f| crate::write::canonical_field(object.properties(), f));
            let error = RecordError {
                category: category(&e.category),
                field,
                message: format!("{PROVIDER}: {}", e.message),
            };
            for id in e.context.get("ids").into_iter().flatten() {
                if let Some(&i) = index_of.get(&id.to_lowercase()) {
                    slots.set(i, Err(error.clone()));
                }
            }
        }
    }

    pub(super) async fn create_records(
        &self,
        object_type: ObjectType,
        records: &[Fields],
    ) -> Vec<WriteResult> {
        per_object(
            records,
            |r| {
                let object =
                    convert::object_for(object_type, r).ok_or_else(|| no_object(object_type))?;
                Ok((object, r.clone()))
            },
            |object, part| async move {
                if object.object_type.custom().is_none() {
                    return self.create_in(object, &part).await;
                }
                self.create_custom(object, &part).await
            },
        )
        .await
    }

    /// A custom object's records: the name written as the primary display property, and the
    /// company associated with the default type once each record exists.
    async fn create_custom(&self, object: Object, records: &[Fields]) -> Vec<WriteResult> {
        let primary = match self.primary_property(object).await {
            Ok(p) => p,
            Err(e) => return crate::write::all_failed(records.len(), &e),
        };
        let named: Vec<Fields> = records
            .iter()
            .map(|r| convert::name_into(r, primary.as_deref()))
            .collect();
        let mut results = self.create_in(object, &named).await;
        for (result, record) in results.iter_mut().zip(records) {
            let (Ok(written), Some(company)) = (&*result, company_of(record)) else {
                continue;
            };
            let id = written.remote_id.clone();
            // The record exists either way: a failed association leaves it written (a rollback
            // finds it) and without its company, which the next run's comparison writes again.
            let _ = self
                .relink(object.name, &id, "companies", Some(&company))
                .await;
        }
        results
    }

    async fn create_in(&self, object: Object, records: &[Fields]) -> Vec<WriteResult> {
        let mut slots = Slots::new(PROVIDER, records.len());
        let inputs = slots.inputs(records, |r| convert::input(object, r, true));
        let table = object.properties();
        let name = object.name;
        let request = format!("POST /crm/v3/objects/{name}/batch/create");
        let mut pending: Vec<&[(usize, Value)]> = inputs.chunks(BATCH).rev().collect();
        let mut stopped: Option<RecordError> = None;
        while let Some(part) = pending.pop() {
            if let Some(e) = &stopped {
                slots.fail(part.iter().map(|p| p.0), e);
                continue;
            }
            let body = json!({ "inputs": part.iter().map(|p| &p.1).collect::<Vec<_>>() });
            let call =
                Call::new(Method::POST, self.batch_url(name, "create"), Some(body)).at_most_once();
            match self.send_batch(call, &request).await {
                // Results come in input order (HubSpot gives no other key to match a new record by).
                Ok(answer) if answer.results.len() == part.len() => {
                    for ((i, _), r) in part.iter().zip(answer.results) {
                        slots.set(
                            *i,
                            Ok(Written {
                                remote_id: object.remote_id(r.id),
                                created: true,
                            }),
                        );
                    }
                }
                Ok(answer) => {
                    let e = CrmError::Malformed {
                        provider: PROVIDER,
                        request: request.clone(),
                        detail: format!(
                            "{} results for {} inputs",
                            answer.results.len(),
                            part.len()
                        ),
                    };
                    slots.fail(part.iter().map(|p| p.0), &RecordError::from(&e));
                }
                Err(CrmError::Rejected { .. }) if part.len() > 1 => {
                    let (left, right) = part.split_at(part.len() / 2);
                    pending.push(right);
                    pending.push(left);
                }
                Err(e) => {
                    slots.fail(part.iter().map(|p| p.0), &rejected(table, &e));
                    if ends_batch(&e) {
                        stopped = Some(RecordError::from(&e));
                    }
                }
            }
        }
        slots.finish()
    }

    pub(super) async fn update_records(
        &self,
        object_type: ObjectType,
        records: &[Update],
    ) -> Vec<WriteResult> {
        per_object(
            records,
            |r| hubspot_update(object_type, r),
            |object, part| async move {
                let primary = match self.primary_property(object).await {
                    Ok(p) => p,
                    Err(e) => return crate::write::all_failed(part.len(), &e),
                };
                let named: Vec<Update> = part
                    .iter()
                    .map(|u| Update {
                        remote_id: u.remote_id.clone(),
                        fields: convert::name_into(&u.fields, primary.as_deref()),
                    })
                    .collect();
                self.update_in(object, &named).await
            },
        )
        .await
    }

    /// Updates records of one object, given by HubSpot's own ids.
    async fn update_in(&self, object: Object, records: &[Update]) -> Vec<WriteResult> {
        let mut slots = Slots::new(PROVIDER, records.len());
        // Each record's properties, and its link changes (by index) for the associations endpoints.
        let (properties, links): (Vec<Update>, Vec<_>) = records
            .iter()
            .map(|record| {
                let mut fields = record.fields.clone();
                let changes = convert::split_links(object, &mut fields);
                let update = Update {
                    remote_id: record.remote_id.clone(),
                    fields,
                };
                (update, changes)
            })
            .unzip();
        let inputs = slots.inputs(&properties, |record| {
            let mut input = convert::input(object, &record.fields, false)?;
            input["id"] = json!(record.remote_id);
            Ok((record.remote_id.to_lowercase(), input))
        });
        self.keyed_batches(object, "update", inputs, &mut slots)
            .await;
        // Links change after the properties, one record at a time (there are few: merges and undo).
        for (i, changes) in links.into_iter().enumerate() {
            if changes.is_empty() || !slots.succeeded(i) {
                continue;
            }
            let remote_id = &records[i].remote_id;
            for (to, target) in changes {
                if let Err(e) = self
                    .relink(object.name, remote_id, to, target.as_deref())
                    .await
                {
                    slots.set(i, Err(rejected(object.properties(), &e)));
                    break;
                }
            }
        }
        slots.finish()
    }

    /// Points `object` `id`'s association to `to` objects at `target` alone (none: unlinks it), with
    /// the v4 associations endpoints: the new one added with the default type, the others removed.
    async fn relink(&self, object: &str, id: &str, to: &str, target: Option<&str>) -> Result<()> {
        let base = format!("{}/crm/v4/objects/{object}/{id}/associations", self.base);
        let request = format!("GET /crm/v4/objects/{object}/{{id}}/associations/{to}");
        let body = self
            .http
            .send(&Call::get(format!("{base}/{to}")))
            .await?
            .body;
        let current: wire::AssociationList = decode(PROVIDER, &request, body)?;
        let current: Vec<String> = current.results.into_iter().map(|r| r.id()).collect();
        if let Some(target) = target
            && !current.iter().any(|c| c == target)
        {
            let url = format!("{base}/default/{to}/{target}");
            self.http.send(&Call::new(Method::PUT, url, None)).await?;
        }
        for old in current.iter().filter(|c| Some(c.as_str()) != target) {
            let url = format!("{base}/{to}/{old}");
            self.http
                .send(&Call::new(Method::DELETE, url, None))
                .await?;
        }
        Ok(())
    }

    pub(super) async fn upsert_records(
        &self,
        object_type: ObjectType,
        key: &str,
        records: &[Fields],
    ) -> Vec<WriteResult> {
        let object = match Self::object(object_type) {
            Ok(o) => o,
            Err(e) => return all_failed(records.len(), &e),
        };
        if object_type != ObjectType::Person || key != field::EMAIL {
            let e = CrmError::Unsupported(format!(
                "{PROVIDER} upserts contacts by `email` only, not {} by `{key}`",
                convert::what(object_type)
            ));
            return all_failed(records.len(), &e);
        }
        let mut slots = Slots::new(PROVIDER, records.len());
        let inputs = slots.inputs(records, |record| {
            let email = record
                .get(key)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| missing_key(key))?;
            let mut input = convert::input(object, record, false)?;
            input["id"] = json!(email);
            input["idProperty"] = json!("email");
            Ok((email.to_lowercase(), input))
        });
        self.keyed_batches(object, "upsert", inputs, &mut slots)
            .await;
        slots.finish()
    }

    /// Update and upsert: results and errors name their input by id (or e-mail), so order is moot.
    async fn keyed_batches(
        &self,
        object: Object,
        action: &str,
        inputs: Vec<(usize, (String, Value))>,
        slots: &mut Slots,
    ) {
        let name = object.name;
        let request = format!("POST /crm/v3/objects/{name}/batch/{action}");
        let table = object.properties();
        let mut stopped: Option<RecordError> = None;
        for part in inputs.chunks(BATCH) {
            if let Some(e) = &stopped {
                slots.fail(part.iter().map(|p| p.0), e);
                continue;
            }
            let index_of: HashMap<String, usize> =
                part.iter().map(|(i, (key, _))| (key.clone(), *i)).collect();
            let body = json!({ "inputs": part.iter().map(|p| &p.1.1).collect::<Vec<_>>() });
            let call = Call::new(Method::POST, self.batch_url(name, action), Some(body));
            match self.send_batch(call, &request).await {
                Ok(answer) => {
                    for r in answer.results {
                        let key = if action == "upsert" {
                            r.properties
                                .get("email")
                                .and_then(Value::as_str)
                                .map(str::to_lowercase)
                        } else {
                            Some(r.id.to_lowercase())
                        };
                        if let Some(&i) = key.as_ref().and_then(|k| index_of.get(k)) {
                            slots.set(
                                i,
                                Ok(Written {
                                    created: r.new.unwrap_or(false),
                                    remote_id: object.remote_id(r.id),
                                }),
                            );
                        }
                    }
                    Self::file_errors(object, answer.errors, &index_of, slots);
                }
                Err(e) => {
                    slots.fail(part.iter().map(|p| p.0), &rejected(table, &e));
                    if ends_batch(&e) {
                        stopped = Some(RecordError::from(&e));
                    }
                }
            }
        }
    }

    pub(super) async fn delete_records(
        &self,
        object_type: ObjectType,
        ids: &[String],
    ) -> Vec<WriteResult> {
        per_object(
            ids,
            |id| {
                let (object, own) =
                    convert::object_of(object_type, id).ok_or_else(|| no_object(object_type))?;
                Ok((object, (id.clone(), own.to_owned())))
            },
            |object, part| async move { self.delete_in(object, &part).await },
        )
        .await
    }

    /// Archives records of one object: (the id CRM Bridge keeps, HubSpot's own).
    async fn delete_in(&self, object: Object, ids: &[(String, String)]) -> Vec<WriteResult> {
        in_parts(ids, BATCH, &[], |part| async move {
            let inputs: Vec<Value> = part.iter().map(|(_, own)| json!({ "id": own })).collect();
            let call = Call::new(
                Method::POST,
                self.batch_url(object.name, "archive"),
                Some(json!({ "inputs": inputs })),
            );
            self.http.send(&call).await?;
            Ok(part
                .iter()
                .map(|(id, _)| {
                    Ok(Written {
                        remote_id: id.clone(),
                        created: false,
                    })
                })
                .collect())
        })
        .await
    }

    pub(super) async fn merge_records(
        &self,
        object_type: ObjectType,
        survivor: &str,
        merged: &str,
    ) -> Result<Merged> {
        if object_type == ObjectType::Activity {
            return Err(CrmError::Unsupported(format!(
                "{PROVIDER} does not merge activities"
            )));
        }
        let object = Self::object(object_type)?.name;
        let call = Call::new(
            Method::POST,
            format!("{}/crm/v3/objects/{object}/merge", self.base),
            Some(json!({ "primaryObjectId": survivor, "objectIdToMerge": merged })),
        )
        .at_most_once();
        let body = self.http.send(&call).await?.body;
        let answer: wire::MergeAnswer = decode(
            PROVIDER,
            &format!("POST /crm/v3/objects/{object}/merge"),
            body,
        )?;
        Ok(Merged {
            survivor_id: answer.id,
            merged_id: merged.to_owned(),
            moved: Vec::new(),
        })
    }
}

fn no_object(object_type: ObjectType) -> CrmError {
    CrmError::Unsupported(format!("{PROVIDER} has no {object_type} object"))
}

/// An update of an activity other than a note names `calls/123`: the object, and HubSpot's own id.
fn hubspot_update(object_type: ObjectType, update: &Update) -> Result<(Object, Update)> {
    let (object, id) =
        convert::object_of(object_type, &update.remote_id).ok_or_else(|| no_object(object_type))?;
    Ok((
        object,
        Update {
            remote_id: id.to_owned(),
            fields: update.fields.clone(),
        },
    ))
}

/// Writes the records of a type kept in several HubSpot objects (activities) one object at a time,
/// each answer put back in its record's place. `route` names a record's object and what is written.
async fn per_object<T, I, Fut>(
    records: &[T],
    route: impl Fn(&T) -> Result<(Object, I)>,
    write: impl Fn(Object, Vec<I>) -> Fut,
) -> Vec<WriteResult>
where
    Fut: std::future::Future<Output = Vec<WriteResult>>,
{
    let mut results: Vec<Option<WriteResult>> = vec![None; records.len()];
    let mut groups: Vec<(Object, Vec<usize>, Vec<I>)> = Vec::new();
    for (i, record) in records.iter().enumerate() {
        match route(record) {
            Ok((object, item)) => match groups.iter_mut().find(|g| g.0 == object) {
                Some(g) => {
                    g.1.push(i);
                    g.2.push(item);
                }
                None => groups.push((object, vec![i], vec![item])),
            },
            Err(e) => results[i] = Some(Err(RecordError::from(&e))),
        }
    }
    for (object, indexes, items) in groups {
        for (i, result) in indexes.into_iter().zip(write(object, items).await) {
            results[i] = Some(result);
        }
    }
    results
        .into_iter()
        .map(|r| r.expect("every record routed or refused"))
        .collect()
}

/// The company a new custom object record belongs to.
fn company_of(fields: &Fields) -> Option<String> {
    match fields.get("company_id")? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
