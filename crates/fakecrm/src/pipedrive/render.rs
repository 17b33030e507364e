//! Seed records as Pipedrive keeps them. Stored in the v2 shape (plain integer ids, `emails`/`phones`,
//! `custom_fields` keyed by 40-character hashes, RFC 3339 times); `v1` converts to the v1 shape
//! (`email`/`phone`, owner and organization as objects, flat custom keys, "YYYY-MM-DD HH:MM:SS" times).

use serde_json::{Map, Value, json};

use crate::{
    Provider,
    seed::{self, Kind, STAGES, Seed, StageKind},
    table::{Generator, Props},
};

/// The custom field every seeded person and organization has (a 40-hex key, as Pipedrive names them).
pub const CF_SOURCE: &str = "8f2e5b1c9d7a4e3f6b0c2d8e1a5f9c3b7d4e6a20";
pub const SOURCES: [&str; 3] = ["Webinar", "Trade show", "Referral"];

pub fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub fn v1_time(text: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|_| text.to_owned())
}

pub fn user_id(owner: u32) -> i64 {
    20_000 + owner as i64
}

pub fn stage_id(stage: usize) -> i64 {
    stage as i64 + 1
}

pub struct PipedriveGenerator {
    pub seed: Seed,
    pub kind: Kind,
}

impl Generator for PipedriveGenerator {
    fn render(&self, index: u32) -> Props {
        let (s, p) = (self.seed, Provider::Pipedrive);
        let id = index as i64 + 1;
        let value = match self.kind {
            Kind::Lead | Kind::Call | Kind::Email | Kind::Meeting | Kind::Invoice => {
                unreachable!("no table of this kind in this CRM")
            }
            Kind::Task => unreachable!("no activities are seeded"),
            Kind::Person => {
                let r = s.person(p, index);
                let emails: Vec<Value> = r
                    .email
                    .iter()
                    .map(|e| json!({"value": e, "label": "work", "primary": true}))
                    .collect();
                let phones: Vec<Value> = r
                    .phone
                    .iter()
                    .map(|ph| json!({"value": ph, "label": "work", "primary": true}))
                    .collect();
                json!({
                    "id": id, "name": format!("{} {}", r.first_name, r.last_name), "first_name": r.first_name,
                    "last_name": r.last_name, "emails": emails, "phones": phones, "org_id": r.company as i64 + 1,
                    "owner_id": user_id(r.owner), "job_title": r.title, "add_time": rfc3339(r.created_ms),
                    "update_time": rfc3339(r.modified_ms), "is_deleted": false, "visible_to": 3,
                    "custom_fields": { CF_SOURCE: SOURCES[(r.created_ms / 1000 % 3) as usize] },
                })
            }
            Kind::Company => {
                let r = s.company(p, index);
                json!({
                    "id": id, "name": r.name, "owner_id": user_id(r.owner),
                    "address": {"value": format!("{}, {}", r.city, r.country), "locality": r.city, "country": r.country},
                    "add_time": rfc3339(r.created_ms), "update_time": rfc3339(r.modified_ms), "is_deleted": false,
                    "visible_to": 3, "custom_fields": { CF_SOURCE: SOURCES[(r.employees % 3) as usize] },
                })
            }
            Kind::Deal => {
                let r = s.deal(p, index);
                let status = match STAGES[r.stage].2 {
                    StageKind::Open => "open",
                    StageKind::Won => "won",
                    StageKind::Lost => "lost",
                };
                json!({
                    "id": id, "title": r.name, "value": r.amount_cents as f64 / 100.0, "currency": r.currency,
                    "person_id": r.person as i64 + 1, "org_id": r.company as i64 + 1, "owner_id": user_id(r.owner),
                    "pipeline_id": 1, "stage_id": stage_id(r.stage), "status": status,
                    "expected_close_date": r.close_date, "add_time": rfc3339(r.created_ms),
                    "update_time": rfc3339(r.modified_ms), "is_deleted": false, "custom_fields": {},
                })
            }
            Kind::Note => {
                let r = s.note(p, index);
                json!({
                    "id": id, "content": r.body, "person_id": r.person as i64 + 1, "org_id": r.company as i64 + 1,
                    "user_id": user_id(r.owner), "add_time": rfc3339(r.created_ms), "update_time": rfc3339(r.modified_ms),
                    "is_deleted": false,
                })
            }
        };
        let Value::Object(map) = value else {
            unreachable!("json! object")
        };
        map
    }

    fn modified_ms(&self, index: u32) -> i64 {
        self.seed.modified_ms(Provider::Pipedrive, self.kind, index)
    }
}

fn user_object(id: i64) -> Value {
    let i = (id - 20_000).max(0) as u32;
    let (first, last) = seed::OWNERS[i as usize % seed::OWNERS.len()];
    json!({"id": id, "name": format!("{first} {last}"), "email": seed::owner_email(i), "has_pic": 0, "active_flag": true, "value": id})
}

/// The v1 view of a stored record.
pub fn v1(kind: Kind, props: &Props, org_name: impl Fn(i64) -> Option<String>) -> Value {
    let mut out = Map::new();
    for (key, value) in props {
        match key.as_str() {
            "emails" => {
                out.insert("email".into(), value.clone());
            }
            "phones" => {
                out.insert("phone".into(), value.clone());
            }
            "owner_id" if kind == Kind::Deal => {
                out.insert(
                    "user_id".into(),
                    user_object(value.as_i64().unwrap_or_default()),
                );
            }
            "owner_id" => {
                out.insert(
                    "owner_id".into(),
                    user_object(value.as_i64().unwrap_or_default()),
                );
            }
            "org_id" if kind != Kind::Company => {
                let org = value.as_i64().unwrap_or_default();
                out.insert(
                    "org_id".into(),
                    json!({"value": org, "name": org_name(org)}),
                );
            }
            "is_deleted" if kind == Kind::Deal => {
                out.insert("deleted".into(), json!(value.as_bool() == Some(true)));
            }
            "is_deleted" => {
                out.insert("active_flag".into(), json!(value.as_bool() != Some(true)));
            }
            "add_time" | "update_time" => {
                out.insert(
                    key.clone(),
                    Value::String(v1_time(value.as_str().unwrap_or_default())),
                );
            }
            "custom_fields" => {
                for (hash, v) in value.as_object().into_iter().flatten() {
                    out.insert(hash.clone(), v.clone());
                }
            }
            "visible_to" => {
                out.insert(key.clone(), Value::String(value.to_string()));
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    Value::Object(out)
}
