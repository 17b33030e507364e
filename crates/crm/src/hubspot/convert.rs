//! HubSpot objects -> the canonical model. The only bridge between `wire` and `bridge_model`.

use bridge_model::{Fields, ObjectType, field};
use serde_json::{Value, json};

use super::wire;
use crate::{Pulled, RecordError, parse_time, write};

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

pub fn pulled(
    object_type: ObjectType,
    object: wire::Object,
    raw: Value,
    custom: &[String],
) -> Pulled {
    let mut fields = Fields::new();
    for (property, canonical) in properties(object_type) {
        // A cleared property reads back as null or "": no value either way.
        if let Some(v) = object
            .properties
            .get(*property)
            .filter(|v| !write::is_blank(v))
        {
            fields.insert((*canonical).to_owned(), v.clone());
        }
    }
    crate::custom::gather(&mut fields, custom, |k| object.properties.get(k).cloned());
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

/// Links kept as associations rather than properties: (canonical field, target object, type id from
/// this object). A contact's company stays the `associatedcompanyid` property.
fn association_types(object_type: ObjectType) -> &'static [(&'static str, u32)] {
    match object_type {
        ObjectType::Deal => &[("company_id", 341), ("person_id", 3)],
        ObjectType::Activity => &[("company_id", 190), ("person_id", 202), ("deal_id", 214)],
        _ => &[],
    }
}

/// The link fields HubSpot keeps as associations for this type.
pub fn link_fields(object_type: ObjectType) -> impl Iterator<Item = &'static str> {
    association_types(object_type).iter().map(|(c, _)| *c)
}

/// The HubSpot object a link field points at.
pub fn link_target(canonical: &str) -> Option<&'static str> {
    match canonical {
        "company_id" => Some("companies"),
        "person_id" => Some("contacts"),
        "deal_id" => Some("deals"),
        _ => None,
    }
}

/// Takes the link fields HubSpot keeps as associations out of an update: (target object, new id or
/// None to unlink). They are changed through the v4 associations endpoints, not as properties.
pub fn split_links(
    object_type: ObjectType,
    fields: &mut Fields,
) -> Vec<(&'static str, Option<String>)> {
    association_types(object_type)
        .iter()
        .filter_map(|(canonical, _)| {
            let value = fields.remove(*canonical)?;
            let to = match value {
                Value::Null => None,
                Value::String(s) if s.is_empty() => None,
                Value::String(s) => Some(s),
                other => Some(other.to_string()),
            };
            Some((link_target(canonical)?, to))
        })
        .collect()
}

/// The plural name of the object types of a HubSpot record, for messages ("HubSpot contacts").
pub fn what(object_type: ObjectType) -> String {
    format!("HubSpot {}", object_name(object_type).unwrap_or("objects"))
}

/// One batch input: `{"properties": ...}`, with `associations` on create for the linked ids.
pub fn input(
    object_type: ObjectType,
    fields: &Fields,
    creating: bool,
) -> Result<Value, RecordError> {
    let mut fields = fields.clone();
    let mut associations = Vec::new();
    for (canonical, type_id) in association_types(object_type) {
        let Some(to) = fields.remove(*canonical).filter(|v| !v.is_null()) else {
            continue;
        };
        if !creating {
            return Err(RecordError::validation(
                Some(canonical),
                format!(
                    "{} keep `{canonical}` as an association, changed through `links` on update",
                    what(object_type)
                ),
            ));
        }
        let to = match to {
            Value::String(s) => s,
            other => other.to_string(),
        };
        associations.push(json!({
            "to": {"id": to},
            "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}],
        }));
    }
    let mut properties = write::to_wire(
        &what(object_type),
        &fields,
        properties(object_type),
        str::to_owned,
    )?;
    // Property values are strings (the SDK's `{[key: string]: string}`): HubSpot clears a property
    // written as "", and refuses null.
    for value in properties.values_mut() {
        if value.is_null() {
            *value = Value::String(String::new());
        }
    }
    let mut input = json!({ "properties": properties });
    if !associations.is_empty() {
        input["associations"] = Value::Array(associations);
    }
    Ok(input)
}
