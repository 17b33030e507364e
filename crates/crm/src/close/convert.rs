//! Close objects -> the canonical model. The only bridge between `wire` and `bridge_model`.

use bridge_model::{Fields, ObjectType, field};
use serde_json::{Value, json};

use crate::{Pulled, parse_time};

/// The list path(s) of each canonical type: activities come from two endpoints.
pub fn resources(object_type: ObjectType) -> &'static [&'static str] {
    match object_type {
        ObjectType::Company => &["lead"],
        ObjectType::Person => &["contact"],
        ObjectType::Deal => &["opportunity"],
        ObjectType::Activity => &["activity/note", "activity/call"],
        ObjectType::Lead => &[],
    }
}

/// The event log's name for a resource.
pub fn event_object(resource: &str) -> String {
    resource.replace('/', ".")
}

fn text(raw: &Value, key: &str) -> Option<Value> {
    raw.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(|s| json!(s))
}

fn domain(url: &str) -> String {
    let host = url
        .split("://")
        .nth(1)
        .unwrap_or(url)
        .split('/')
        .next()
        .unwrap_or_default();
    host.trim_start_matches("www.").to_lowercase()
}

pub fn pulled(
    object_type: ObjectType,
    id: String,
    date_updated: Option<&str>,
    raw: Value,
) -> Pulled {
    let mut fields = Fields::new();
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(v) = value.filter(|v| !v.is_null()) {
            fields.insert(key.to_owned(), v);
        }
    };
    match object_type {
        ObjectType::Company => {
            put(
                field::NAME,
                text(&raw, "display_name").or_else(|| text(&raw, "name")),
            );
            put(field::DOMAIN, raw["url"].as_str().map(|u| json!(domain(u))));
            put("description", text(&raw, "description"));
            put("status", text(&raw, "status_label"));
            put(
                "city",
                raw["addresses"][0]["city"].as_str().map(|s| json!(s)),
            );
            put(
                "country",
                raw["addresses"][0]["country"].as_str().map(|s| json!(s)),
            );
        }
        ObjectType::Person => {
            if let Some(name) = raw["name"].as_str() {
                let name = name.trim();
                put(field::NAME, Some(json!(name)));
                match name.rsplit_once(' ') {
                    Some((first, last)) => {
                        put(field::FIRST_NAME, Some(json!(first)));
                        put(field::LAST_NAME, Some(json!(last)));
                    }
                    None => put(field::LAST_NAME, Some(json!(name))),
                }
            }
            put(field::TITLE, text(&raw, "title"));
            put(
                field::EMAIL,
                raw["emails"][0]["email"].as_str().map(|s| json!(s)),
            );
            put(
                field::PHONE,
                raw["phones"][0]["phone"].as_str().map(|s| json!(s)),
            );
            put("company_id", text(&raw, "lead_id"));
        }
        ObjectType::Deal => {
            put(
                field::NAME,
                text(&raw, "note").or_else(|| text(&raw, "lead_name")),
            );
            put(
                "amount",
                raw["value"]
                    .as_i64()
                    .map(|cents| json!(cents as f64 / 100.0)),
            );
            put("currency", text(&raw, "value_currency"));
            put("stage_id", text(&raw, "status_id"));
            put("stage", text(&raw, "status_label"));
            put("close_date", text(&raw, "date_won"));
            put("company_id", text(&raw, "lead_id"));
            put("person_id", text(&raw, "contact_id"));
            put("owner_id", text(&raw, "user_id"));
        }
        ObjectType::Activity => {
            put(
                "kind",
                raw["_type"].as_str().map(|t| json!(t.to_lowercase())),
            );
            put("body", text(&raw, "note"));
            put("company_id", text(&raw, "lead_id"));
            put("person_id", text(&raw, "contact_id"));
            put("owner_id", text(&raw, "user_id"));
            put("duration_s", raw.get("duration").cloned());
            put("direction", text(&raw, "direction"));
        }
        ObjectType::Lead => {}
    }
    put("created_at", text(&raw, "date_created"));
    Pulled {
        object_type,
        remote_id: id,
        fields,
        modified_at: date_updated.and_then(parse_time),
        raw,
    }
}
