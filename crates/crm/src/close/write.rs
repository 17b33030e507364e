//! Close writes: one request per record (Close has no batch create), lead merge. Activities share one
//! id space across notes and calls, so a write by id alone tries the note endpoint, then the call one.

use bridge_model::{Fields, ObjectType, field};
use reqwest::Method;
use serde_json::{Value, json};

use super::{Close, PROVIDER, convert, wire};
use crate::{
    CrmError, Merged, Result, Update, WriteResult, Written,
    http::{Call, decode},
    write::{all_failed, ambiguous, missing_key, one_by_one},
};

impl Close {
    fn resource(object_type: ObjectType, fields: &Fields) -> Result<&'static str> {
        match object_type {
            ObjectType::Activity => Ok(convert::activity_resource(fields)),
            _ => convert::resources(object_type)
                .first()
                .copied()
                .ok_or_else(|| CrmError::Unsupported(format!("{PROVIDER} has no {object_type}"))),
        }
    }

    pub(super) async fn create_records(
        &self,
        object_type: ObjectType,
        records: &[Fields],
    ) -> Vec<WriteResult> {
        one_by_one(records, convert::table(object_type), |fields| async move {
            let resource = Self::resource(object_type, fields)?;
            let body = match convert::input(object_type, fields) {
                Ok(b) => b,
                Err(e) => return Ok(Err(e)),
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
            let body = match convert::input(object_type, &fields) {
                Ok(b) => b,
                Err(e) => return Ok(Err(e)),
            };
            self.by_id(object_type, &update.remote_id, Method::PUT, Some(body))
                .await?;
            Ok(Ok(Written {
                remote_id: update.remote_id.clone(),
                created: false,
            }))
        })
        .await
    }

    pub(super) async fn delete_records(
        &self,
        object_type: ObjectType,
        ids: &[String],
    ) -> Vec<WriteResult> {
        one_by_one(ids, convert::table(object_type), |id| async move {
            self.by_id(object_type, id, Method::DELETE, None).await?;
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
            .by_id(object_type, &update.remote_id, Method::GET, None)
            .await?;
        let (first, last) = convert::name_parts(current["name"].as_str().unwrap_or_default());
        let mut whole = fields.clone();
        whole
            .entry(field::FIRST_NAME)
            .or_insert_with(|| first.map_or(Value::Null, |f| json!(f)));
        whole.entry(field::LAST_NAME).or_insert_with(|| json!(last));
        Ok(whole)
    }

    /// PUT or DELETE on a record; an activity is looked for among notes, then calls.
    async fn by_id(
        &self,
        object_type: ObjectType,
        id: &str,
        method: Method,
        body: Option<Value>,
    ) -> Result<Value> {
        let resources: &[&str] = match object_type {
            ObjectType::Activity => &["activity/note", "activity/call"],
            _ => convert::resources(object_type),
        };
        let mut last = CrmError::Unsupported(format!("{PROVIDER} has no {object_type}"));
        for resource in resources {
            let call = Call::new(
                method.clone(),
                self.url(&format!("{resource}/{id}")),
                body.clone(),
            );
            match self.http.send(&call).await {
                Ok(answer) => return Ok(answer.body),
                Err(e @ CrmError::Rejected { status: 404, .. }) => last = e,
                Err(e) => return Err(e),
            }
        }
        Err(last)
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
