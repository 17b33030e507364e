//! HubSpot objects -> the canonical model. The only bridge between `wire` and `bridge_model`.

use bridge_model::{Fields, ObjectType, field};
use serde_json::{Value, json};

use super::wire;
use crate::{Pulled, parse_time};

/// HubSpot's object name for each canonical type.
pub fn object_name(object_type: ObjectType) -> Option<&'static str> {
    match object_type {
        ObjectType::Company => Some("companies"),
        ObjectType::Person => Some("contacts"),
        ObjectType::Deal => Some("deals"),
        ObjectType::Activity => Some("notes"),
        ObjectType::Lead => None,
    }
}

/// The property holding the modified time: contacts differ from every other object.
pub fn modified_property(object_type: ObjectType) -> &'static str {
    match object_type {
        ObjectType::Person => "lastmodifieddate",
        _ => "hs_lastmodifieddate",
    }
}

/// (HubSpot property, canonical field) pairs read for each type.
pub fn properties(object_type: ObjectType) -> &'static [(&'static str, &'static str)] {
    match object_type {
        ObjectType::Person => &[
            ("firstname", field::FIRST_NAME),
            ("lastname", field::LAST_NAME),
            ("email", field::EMAIL),
            ("phone", field::PHONE),
            ("jobtitle", field::TITLE),
            ("company", field::COMPANY),
            ("city", "city"),
            ("country", "country"),
            ("hubspot_owner_id", "owner_id"),
            ("associatedcompanyid", "company_id"),
            ("createdate", "created_at"),
            ("lastmodifieddate", "modified_at"),
        ],
        ObjectType::Company => &[
            ("name", field::NAME),
            ("domain", field::DOMAIN),
            ("phone", field::PHONE),
            ("city", "city"),
            ("country", "country"),
            ("industry", "industry"),
            ("numberofemployees", "employees"),
            ("hubspot_owner_id", "owner_id"),
            ("createdate", "created_at"),
            ("hs_lastmodifieddate", "modified_at"),
        ],
        ObjectType::Deal => &[
            ("dealname", field::NAME),
            ("amount", "amount"),
            ("deal_currency_code", "currency"),
            ("pipeline", "pipeline_id"),
            ("dealstage", "stage_id"),
            ("closedate", "close_date"),
            ("hubspot_owner_id", "owner_id"),
            ("createdate", "created_at"),
            ("hs_lastmodifieddate", "modified_at"),
        ],
        ObjectType::Activity => &[
            ("hs_note_body", "body"),
            ("hs_timestamp", "occurred_at"),
            ("hubspot_owner_id", "owner_id"),
            ("hs_createdate", "created_at"),
            ("hs_lastmodifieddate", "modified_at"),
        ],
        ObjectType::Lead => &[],
    }
}

pub fn pulled(object_type: ObjectType, object: wire::Object, raw: Value) -> Pulled {
    let mut fields = Fields::new();
    for (property, canonical) in properties(object_type) {
        if let Some(v) = object.properties.get(*property).filter(|v| !v.is_null()) {
            fields.insert((*canonical).to_owned(), v.clone());
        }
    }
    if object_type == ObjectType::Activity {
        fields.insert("kind".into(), json!("note"));
    }
    let modified_at = object
        .properties
        .get(modified_property(object_type))
        .and_then(Value::as_str)
        .and_then(parse_time)
        .or_else(|| object.updated_at.as_deref().and_then(parse_time));
    Pulled {
        object_type,
        remote_id: object.id,
        fields,
        raw,
        modified_at,
    }
}
