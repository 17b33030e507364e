//! Field names as mappings and sync pairs give them: `custom.<key>` is a CRM's custom field, kept
//! nested under a record's `custom` object; any other name is a field of its own.

use bridge_crm::CUSTOM;
use bridge_model::Fields;
use serde_json::Value;

/// The value of field `name` of a record.
pub(crate) fn get<'a>(fields: &'a Fields, name: &str) -> Option<&'a Value> {
    match name.strip_prefix("custom.") {
        Some(key) => fields.get(CUSTOM)?.get(key),
        None => fields.get(name),
    }
}

/// Sets field `name` of a record (beside the custom values it has).
pub(crate) fn put(fields: &mut Fields, name: &str, value: Value) {
    match name.strip_prefix("custom.") {
        Some(key) => {
            let custom = fields
                .entry(CUSTOM.to_owned())
                .or_insert_with(|| Value::Object(Default::default()));
            if let Some(map) = custom.as_object_mut() {
                map.insert(key.to_owned(), value);
            }
        }
        None => {
            fields.insert(name.to_owned(), value);
        }
    }
}

/// Takes field `name` out of a record.
pub(crate) fn remove(fields: &mut Fields, name: &str) {
    match name.strip_prefix("custom.") {
        Some(key) => {
            if let Some(map) = fields.get_mut(CUSTOM).and_then(Value::as_object_mut) {
                map.remove(key);
            }
        }
        None => {
            fields.remove(name);
        }
    }
}

/// An id as text, however the CRM sent it (a string or a number).
pub(crate) fn id_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
