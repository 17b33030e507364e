//! Close writes: one request per record (Close has no batch create), lead merge. Activities share one
//! id space across Close's activity endpoints, so a write by id alone tries each endpoint in turn.

use bridge_model::{ActivityKind, Fields, ObjectType, field};
use reqwest::Method;
use serde_json::{Value, json};

use super::{Close, PROVIDER, convert, wire};
use crate::{
    CrmError, Merged, RecordError, Result, Update, WriteResult, Written,
    http::{Call, decode},
    write::{all_failed, ambiguous, missing_key, one_by_one},
};

impl Close {
    /// Where a new record goes and what is sent: an activity's endpoint follows its kind.
    fn new_body(
        object_type: ObjectType,
        fields: &Fields,
    ) -> Result<(&'static str, Value), Refusal> {
        if object_type == ObjectType::Activity {
            let kind = ActivityKind::of(fields);
            let resource = convert::create_resource(kind);
            let body = convert::activity_input(kind, resource, fields, true)?;
            return Ok((resource, body));
        }
        let resource = convert::resources(object_type)
            .first()
            .copied()
            .ok_or_else(|| CrmError::Unsupported(format!("{PROVIDER} has no {object_type}")))?;
        let mut body = convert::input(object_type, fields)?;
        // A custom object instance names its type on create.
        if let ObjectType::Custom(c) = object_type {
            body["custom_object_type_id"] = json!(c.api_name());
        }
        Ok((resource, body))
    }

    pub(super) async fn create_records(
        &self,
        object_type: ObjectType,
        records: &[Fields],
    ) -> Vec<WriteResult> {
        one_by_one(records, convert::table(object_type), |fields| async move {
            let (resource, body) = match Self::new_body(object_type, fields) {
                Ok(b) => b,
                Err(Refusal::Record(e)) => return Ok(Err(e)),
                Err(Refusal::Crm(e)) => return Err(e),
            };
            let call = Call::new(Method::POST, self.url(resource), Some(body)).at_most_once();
            let answer = self.http.send(&call).await?.body;
            let created: wire::Object = decode(PROVIDER, &format!("POST /{resource}/"), answer)?;
            Ok(Ok(Written {
                remote_id: created.id,
                created: true,
            }))
        })
        .await
    }

    pub(super) async fn update_records(
        &self,
        object_type: ObjectType,
        records: &[Update],
    ) -> Vec<WriteResult> {
        one_by_one(records, convert::table(object_type), |update| async move {
            let fields = self.whole_name(object_type, update).await?;
            let body_for = |resource: &str| match object_type {
                ObjectType::Activity => {
                    let kind = convert::resource_kind(resource);
                    convert::activity_input(kind, resource, &fields, false)
                }
                _ => convert::input(object_type, &fields),
            };
            match self
                .by_id(object_type, &update.remote_id, Method::PUT, body_for)
                .await?
            {
                Ok(_) => Ok(Ok(Written {
                    remote_id: update.remote_id.clone(),
                    created: false,
                })),
                Err(e) => Ok(Err(e)),
            }
        })
        .await
    }

    pub(super) async fn delete_records(
        &self,
        object_type: ObjectType,
        ids: &[String],
    ) -> Vec<WriteResult> {
        one_by_one(ids, convert::table(object_type), |id| async move {
            self.by_id(object_type, id, Method::DELETE, |_| Ok(Value::Null))
                .await?
                .map_err(|e| CrmError::Config(e.message))?;
            Ok(Ok(Written {
                remote_id: id.clone(),
                created: false,
            }))
        })
        .await
    }

    /// A contact's name is one field in Close: an update of only its first or only its last name
    /// keeps the other part as the contact has it now, instead of writing a name of one part.
    async fn whole_name(&self, object_type: ObjectType, update: &Update) -> Result<Fields> {
        let fields = &update.fields;
        let given = [field::FIRST_NAME, field::LAST_NAME]
            .iter()
            .filter(|p| fields.contains_key(**p))
            .count();
        if object_type != ObjectType::Person || fields.contains_key(field::NAME) || given != 1 {
            return Ok(fields.clone());
        }
        let current = self
            .by_id(object_type, &update.remote_id, Method::GET, |_| {
                Ok(Value::Null)
            })
            .await?
            .unwrap_or_default();
        let (first, last) = convert::name_parts(current["name"].as_str().unwrap_or_default());
        let mut whole = fields.clone();
        whole
            .entry(field::FIRST_NAME)
            .or_insert_with(|| first.map_or(Value::Null, |f| json!(f)));
        whole.entry(field::LAST_NAME).or_insert_with(|| json!(last));
        Ok(whole)
    }

    /// GET, PUT or DELETE on a record. Activities share one id space across Close's activity
    /// endpoints, so one is looked for at each in turn (a task by its own prefix); `body_for` gives
    /// what a PUT sends to an endpoint (an endpoint whose kind cannot take the fields is skipped).
    async fn by_id(
        &self,
        object_type: ObjectType,
        id: &str,
        method: Method,
        body_for: impl Fn(&str) -> std::result::Result<Value, RecordError>,
    ) -> Result<std::result::Result<Value, RecordError>> {
        let all = convert::resources(object_type);
        let resources: Vec<&str> = match object_type {
            ObjectType::Activity if id.starts_with("task_") => vec!["task"],
            ObjectType::Activity => all.iter().copied().filter(|r| *r != "task").collect(),
            _ => all.to_vec(),
        };
        let mut last = CrmError::Unsupported(format!("{PROVIDER} has no {object_type}"));
        let mut refused = None;
        for resource in resources {
            let body = match method {
                Method::PUT => match body_for(resource) {
                    Ok(b) => Some(b),
                    Err(e) => {
                        refused = Some(e);
                        continue;
                    }
                },
                _ => None,
            };
            let call = Call::new(method.clone(), self.url(&format!("{resource}/{id}")), body);
            match self.http.send(&call).await {
                Ok(answer) => return Ok(Ok(answer.body)),
                Err(e @ CrmError::Rejected { status: 404, .. }) => last = e,
                Err(e) => return Err(e),
            }
        }
        match refused {
            Some(e) => Ok(Err(e)),
            None => Err(last),
        }
    }

    /// Contacts whose e-mail is `address`, found through lead search (`email_address:`), which
    /// answers with each lead's contacts.
    async fn contacts_with_email(&self, address: &str) -> Result<Vec<String>> {
        let call = Call::get(self.url("lead"))
            .query("query", format!("email_address:\"{address}\""))
            .query("_fields", "id,contacts");
        let body = self.http.send(&call).await?.body;
        let leads: wire::List<Value> = decode(PROVIDER, "GET /lead/?query=", body)?;
        let wanted = address.to_lowercase();
        Ok(leads
            .data
            .iter()
            .flat_map(|lead| lead["contacts"].as_array().cloned().unwrap_or_default())
            .filter(|c| {
                c["emails"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|e| e["email"].as_str())
                    .any(|e| e.to_lowercase() == wanted)
            })
            .filter_map(|c| c["id"].as_str().map(str::to_owned))
            .collect())
    }

    /// Contacts by e-mail: looked up with lead search, then updated, or created when there is none.
    pub(super) async fn upsert_records(
        &self,
        object_type: ObjectType,
        key: &str,
        records: &[Fields],
    ) -> Vec<WriteResult> {
        if object_type != ObjectType::Person || key != bridge_model::field::EMAIL {
            let e = CrmError::Unsupported(format!(
                "{PROVIDER} looks records up by e-mail (contacts) only, not {} by `{key}`",
                convert::what(object_type)
            ));
            return all_failed(records.len(), &e);
        }
        one_by_one(records, convert::table(object_type), |fields| async move {
            let Some(address) = fields
                .get(key)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
            else {
                return Ok(Err(missing_key(key)));
            };
            match self.contacts_with_email(address).await?.as_slice() {
                [] => Ok(self
                    .create_records(object_type, std::slice::from_ref(fields))
                    .await
                    .remove(0)),
                [id] => Ok(self
                    .update_records(
                        object_type,
                        &[Update {
                            remote_id: id.clone(),
                            fields: fields.clone(),
                        }],
                    )
                    .await
                    .remove(0)),
                ids => Ok(Err(ambiguous(&convert::what(object_type), key, ids))),
            }
        })
        .await
    }

    /// `POST /lead/merge/`: the source lead (merged) moves into the destination and is deleted.
    pub(super) async fn merge_records(
        &self,
        object_type: ObjectType,
        survivor: &str,
        merged: &str,
    ) -> Result<Merged> {
        if object_type != ObjectType::Company {
            return Err(CrmError::Unsupported(format!(
                "{PROVIDER} merges leads only, not {}",
                convert::what(object_type)
            )));
        }
        let call = Call::new(
            Method::POST,
            self.url("lead/merge"),
            Some(json!({ "source": merged, "destination": survivor })),
        )
        .at_most_once();
        self.http.send(&call).await?;
        Ok(Merged {
            survivor_id: survivor.to_owned(),
            merged_id: merged.to_owned(),
            moved: Vec::new(),
        })
    }
}

/// Why a record was not sent: refused here (by field), or the client cannot write its type at all.
enum Refusal {
    Record(RecordError),
    Crm(CrmError),
}

impl From<RecordError> for Refusal {
    fn from(e: RecordError) -> Self {
        Refusal::Record(e)
    }
}

impl From<CrmError> for Refusal {
    fn from(e: CrmError) -> Self {
        Refusal::Crm(e)
    }
}
