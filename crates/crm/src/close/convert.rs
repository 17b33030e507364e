//! Close objects -> the canonical model. The only bridge between `wire` and `bridge_model`.

use bridge_model::{Fields, ObjectType, field};
use serde_json::{Value, json};

use crate::{Pulled, RecordError, parse_time, write};

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
            put("status_id", text(&raw, "status_id"));
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
                let (first, last) = name_parts(name);
                put(field::FIRST_NAME, first.map(|f| json!(f)));
                put(field::LAST_NAME, Some(json!(last)));
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
    // Custom fields arrive as `custom.cf_…` keys; they are kept by their `cf_…` id.
    let custom: Vec<String> = raw
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, _)| k.strip_prefix("custom.").map(str::to_owned))
        .collect();
    crate::custom::gather(&mut fields, &custom, |k| {
        raw.get(format!("custom.{k}")).cloned()
    });
    Pulled {
        object_type,
        remote_id: id,
        fields,
        modified_at: date_updated.and_then(parse_time),
        raw,
    }
}

/// (Close key, canonical field) for writes. Keys starting with `_` are regrouped by `input`.
pub fn table(object_type: ObjectType) -> &'static [(&'static str, &'static str)] {
    match object_type {
        ObjectType::Company => &[
            ("name", field::NAME),
            ("url", field::DOMAIN),
            ("description", "description"),
            ("status_id", "status_id"),
            ("_city", "city"),
            ("_country", "country"),
        ],
        ObjectType::Person => &[
            ("name", field::NAME),
            ("_first", field::FIRST_NAME),
            ("_last", field::LAST_NAME),
            ("title", field::TITLE),
            ("emails", field::EMAIL),
            ("phones", field::PHONE),
            ("lead_id", "company_id"),
        ],
        ObjectType::Deal => &[
            ("note", field::NAME),
            ("value", "amount"),
            ("value_currency", "currency"),
            ("status_id", "stage_id"),
            ("date_won", "close_date"),
            ("lead_id", "company_id"),
            ("contact_id", "person_id"),
            ("user_id", "owner_id"),
        ],
        ObjectType::Activity => &[
            ("note", "body"),
            ("lead_id", "company_id"),
            ("contact_id", "person_id"),
            ("user_id", "owner_id"),
            ("duration", "duration_s"),
            ("direction", "direction"),
        ],
        ObjectType::Lead => &[],
    }
}

/// Close's activity endpoint for a record's `kind` (notes unless it says call).
pub fn activity_resource(fields: &Fields) -> &'static str {
    match fields.get("kind").and_then(Value::as_str) {
        Some("call") => "activity/call",
        _ => "activity/note",
    }
}

pub fn what(object_type: ObjectType) -> String {
    let name = match object_type {
        ObjectType::Company => "leads",
        ObjectType::Person => "contacts",
        ObjectType::Deal => "opportunities",
        ObjectType::Activity => "activities",
        ObjectType::Lead => "unqualified leads",
    };
    format!("Close {name}")
}

/// Canonical fields -> a Close body: e-mails and phones as lists, money in cents, a URL for the
/// domain, the city and country as the first address, first and last name joined.
pub fn input(object_type: ObjectType, fields: &Fields) -> Result<Value, RecordError> {
    let mut body = write::to_wire(&what(object_type), fields, table(object_type), |k| {
        format!("custom.{k}")
    })?;
    let (first, last) = (body.remove("_first"), body.remove("_last"));
    if !body.contains_key("name") && (first.is_some() || last.is_some()) {
        let parts: Vec<&str> = [&first, &last]
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        body.insert("name".into(), json!(parts.join(" ")));
    }
    // A blank value clears the list (an undo restoring "no e-mail"); Close refuses an empty address.
    for (key, inner) in [("emails", "email"), ("phones", "phone")] {
        if let Some(value) = body.remove(key) {
            let list = if crate::write::is_blank(&value) {
                json!([])
            } else {
                json!([{ inner: value, "type": "office" }])
            };
            body.insert(key.into(), list);
        }
    }
    if let Some(Value::String(url)) = body.get("url")
        && !url.contains("://")
    {
        let url = format!("https://{url}");
        body.insert("url".into(), json!(url));
    }
    if let Some(amount) = body.get("value") {
        let Some(amount) = amount
            .as_f64()
            .or_else(|| amount.as_str().and_then(|s| s.trim().parse().ok()))
        else {
            return Err(RecordError::validation(
                Some("amount"),
                format!("amount `{amount}` is not a number"),
            ));
        };
        body.insert("value".into(), json!((amount * 100.0).round() as i64));
    }
    let (city, country) = (body.remove("_city"), body.remove("_country"));
    if city.is_some() || country.is_some() {
        body.insert(
            "addresses".into(),
            json!([{ "city": city, "country": country }]),
        );
    }
    Ok(Value::Object(body))
}

/// A contact's one `name` as first and last name: the last word is the last name.
pub fn name_parts(name: &str) -> (Option<&str>, &str) {
    match name.trim().rsplit_once(' ') {
        Some((first, last)) => (Some(first), last),
        None => (None, name.trim()),
    }
}
