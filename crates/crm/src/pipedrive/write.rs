//! Pipedrive writes: one request per record (no batch create), v2 for persons, organizations, deals
//! and activities, v1 for notes; upsert by an exact search on the key; merge through v1 (the record in the
//! URL is removed, `merge_with_id` survives).

use bridge_model::{ActivityKind, Fields, ObjectType, field};
use reqwest::Method;
use serde_json::{Value, json};

use super::{PROVIDER, Pipedrive, convert, wire};
use crate::{
    CrmError, Merged, Result, Update, WriteResult, Written,
    http::{Call, decode},
    write::{all_failed, ambiguous, missing_key, one_by_one},
};

impl Pipedrive {
    /// The collection URL: v1 for notes (v2 has none), v2 for the rest.
    fn write_url(&self, object_type: ObjectType) -> Result<String> {
        let collection = Self::collection(object_type)?;
        Ok(match object_type {
            ObjectType::Activity => format!("{}/{collection}", self.v1),
            _ => format!("{}/{collection}", self.v2),
        })
    }

    /// Sends a write and reads the `data.id` of the record it answers with.
    async fn send_write(&self, call: Call) -> Result<String> {
        let request = call.describe();
        let body = self.http.send(&call).await?.body;
        let envelope: wire::Envelope<wire::Object> = decode(PROVIDER, &request, body)?;
        envelope
            .data
            .map(|o| o.id.to_string())
            .ok_or(CrmError::Malformed {
                provider: PROVIDER,
                request,
                detail: "no `data` with an id".into(),
            })
    }

    /// The v2 URL of the activities collection (calls, meetings, tasks, e-mails; notes are apart).
    fn activities_url(&self) -> String {
        format!("{}/{}", self.v2, convert::ACTIVITIES)
    }

    /// Whether a new record of `object_type` is an activity rather than a note.
    fn is_activity(object_type: ObjectType, fields: &Fields) -> bool {
        object_type == ObjectType::Activity && ActivityKind::of(fields) != ActivityKind::Note
    }

    async fn create_one(&self, object_type: ObjectType, fields: &Fields) -> Result<WriteResult> {
        let activity = Self::is_activity(object_type, fields);
        let (url, body) = if activity {
            (self.activities_url(), convert::activity_input(fields, true))
        } else {
            (
                self.write_url(object_type)?,
                convert::input(object_type, fields),
            )
        };
        let body = match body {
            Ok(b) => b,
            Err(e) => return Ok(Err(e)),
        };
        let call = Call::new(Method::POST, url, Some(body)).at_most_once();
        let id = self.send_write(call).await?;
        Ok(Ok(Written {
            remote_id: if activity {
                format!("{}/{id}", convert::ACTIVITIES)
            } else {
                id
            },
            created: true,
        }))
    }

    async fn update_one(
        &self,
        object_type: ObjectType,
        id: &str,
        fields: &Fields,
    ) -> Result<WriteResult> {
        if object_type == ObjectType::Activity
            && let Some(own) = convert::activity_id(id)
        {
            let body = match convert::activity_input(fields, false) {
                Ok(b) => b,
                Err(e) => return Ok(Err(e)),
            };
            let url = format!("{}/{own}", self.activities_url());
            self.send_write(Call::new(Method::PATCH, url, Some(body)))
                .await?;
            return Ok(Ok(Written {
                remote_id: id.to_owned(),
                created: false,
            }));
        }
        let url = format!("{}/{id}", self.write_url(object_type)?);
        let fields = self.whole_name(object_type, &url, fields).await?;
        let body = match convert::input(object_type, &fields) {
            Ok(b) => b,
            Err(e) => return Ok(Err(e)),
        };
        let method = match object_type {
            ObjectType::Activity => Method::PUT,
            _ => Method::PATCH,
        };
        self.send_write(Call::new(method, url, Some(body))).await?;
        Ok(Ok(Written {
            remote_id: id.to_owned(),
            created: false,
        }))
    }

    /// An update of one part of a person's name (first or last) with the other part as Pipedrive holds
    /// it: v2 sets the whole `name` only.
    async fn whole_name(
        &self,
        object_type: ObjectType,
        url: &str,
        fields: &Fields,
    ) -> Result<Fields> {
        let parts = [field::FIRST_NAME, field::LAST_NAME];
        let given = parts.iter().filter(|p| fields.contains_key(**p)).count();
        if object_type != ObjectType::Person || fields.contains_key(field::NAME) || given != 1 {
            return Ok(fields.clone());
        }
        let call = Call::get(url);
        let request = call.describe();
        let body = self.http.send(&call).await?.body;
        let current: wire::Envelope<Value> = decode(PROVIDER, &request, body)?;
        let current = current.data.unwrap_or_default();
        let mut whole = fields.clone();
        for (key, canonical) in [
            ("first_name", field::FIRST_NAME),
            ("last_name", field::LAST_NAME),
        ] {
            if !whole.contains_key(canonical) {
                whole.insert(canonical.to_owned(), current[key].clone());
            }
        }
        Ok(whole)
    }

    pub(super) async fn create_records(
        &self,
        object_type: ObjectType,
        records: &[Fields],
    ) -> Vec<WriteResult> {
        one_by_one(records, convert::table(object_type), |fields| {
            self.create_one(object_type, fields)
        })
        .await
    }

    pub(super) async fn update_records(
        &self,
        object_type: ObjectType,
        records: &[Update],
    ) -> Vec<WriteResult> {
        one_by_one(records, convert::table(object_type), |u| {
            self.update_one(object_type, &u.remote_id, &u.fields)
        })
        .await
    }

    pub(super) async fn delete_records(
        &self,
        object_type: ObjectType,
        ids: &[String],
    ) -> Vec<WriteResult> {
        one_by_one(ids, convert::table(object_type), |id| async move {
            let url = match convert::activity_id(id).filter(|_| object_type == ObjectType::Activity)
            {
                Some(own) => format!("{}/{own}", self.activities_url()),
                None => format!("{}/{id}", self.write_url(object_type)?),
            };
            self.send_write(Call::new(Method::DELETE, url, None))
                .await?;
            Ok(Ok(Written {
                remote_id: id.clone(),
                created: false,
            }))
        })
        .await
    }

    /// `GET /v2/{persons|organizations}/search?term=&fields=&exact_match=true`: the ids whose `key`
    /// is exactly `value`.
    async fn search(&self, object_type: ObjectType, key: &str, value: &str) -> Result<Vec<String>> {
        let collection = Self::collection(object_type)?;
        let call = Call::get(format!("{}/{collection}/search", self.v2))
            .query("term", value)
            .query("fields", key)
            .query("exact_match", "true")
            .query("limit", 10);
        let body = self.http.send(&call).await?.body;
        let found: wire::Envelope<wire::SearchData> =
            decode(PROVIDER, &format!("GET /v2/{collection}/search"), body)?;
        Ok(found
            .data
            .map(|d| d.items.into_iter().map(|i| i.item.id.to_string()).collect())
            .unwrap_or_default())
    }

    pub(super) async fn upsert_records(
        &self,
        object_type: ObjectType,
        key: &str,
        records: &[Fields],
    ) -> Vec<WriteResult> {
        let search_field = match (object_type, key) {
            (ObjectType::Person, field::EMAIL) => "email",
            (ObjectType::Person | ObjectType::Company, field::NAME) => "name",
            _ => {
                let e = CrmError::Unsupported(format!(
                    "{PROVIDER} finds persons by `email` or `name` and organizations by `name`, \
                     not {} by `{key}`",
                    convert::what(object_type)
                ));
                return all_failed(records.len(), &e);
            }
        };
        one_by_one(records, convert::table(object_type), |fields| async move {
            let Some(value) = fields
                .get(key)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
            else {
                return Ok(Err(missing_key(key)));
            };
            match self
                .search(object_type, search_field, value)
                .await?
                .as_slice()
            {
                [] => self.create_one(object_type, fields).await,
                [id] => self.update_one(object_type, id, fields).await,
                ids => Ok(Err(ambiguous(&convert::what(object_type), key, ids))),
            }
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
                "{PROVIDER} does not merge notes"
            )));
        }
        let collection = Self::collection(object_type)?;
        let survivor_number: i64 = survivor
            .parse()
            .map_err(|_| CrmError::Config(format!("`{survivor}` is not a {PROVIDER} id")))?;
        let call = Call::new(
            Method::PUT,
            format!("{}/{collection}/{merged}/merge", self.v1),
            Some(json!({ "merge_with_id": survivor_number })),
        )
        .at_most_once();
        Ok(Merged {
            survivor_id: self.send_write(call).await?,
            merged_id: merged.to_owned(),
            moved: Vec::new(),
        })
    }
}
