//! Creating a custom field as a client does it without Setup: the Tooling API's `CustomField`
//! (`FullName` `Object.Name__c` and its `Metadata`), then a `FieldPermissions` record granting the
//! running user's profile read (and edit) access: Salesforce hides a field without it from
//! describe, SOQL and writes. `/services/oauth2/userinfo` names the running user.

use std::sync::Arc;

use axum::{
    Json,
    body::Bytes,
    extract::{Request, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::{Map, Value, json};

use super::{Salesforce, bearer, directory, error, render, schema::Added};
use crate::{Emulator, seed};

/// A refusal: (errorCode, message).
type Refusal = (&'static str, String);

/// `POST /tooling/sobjects/CustomField`.
pub async fn create_custom_field(State(emu): State<Arc<Emulator>>, body: Bytes) -> Response {
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "JSON_PARSER_ERROR",
            "The request body is not a JSON object.",
            &[],
        );
    };
    let mut sf = emu.salesforce();
    match added(&sf, &body) {
        Ok(field) => {
            sf.added.push(field);
            let id = format!("00N5e{:010}AAA", sf.added.len());
            (
                StatusCode::CREATED,
                Json(json!({"id": id, "success": true, "errors": [], "warnings": [], "infos": []})),
            )
                .into_response()
        }
        Err((code, message)) => error(StatusCode::BAD_REQUEST, code, message, &[]),
    }
}

fn integrity(message: impl Into<String>) -> Refusal {
    ("FIELD_INTEGRITY_EXCEPTION", message.into())
}

/// The field a `CustomField` body creates, or why Salesforce refuses it.
fn added(sf: &Salesforce, body: &Map<String, Value>) -> Result<Added, Refusal> {
    let full_name = body
        .get("FullName")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            (
                "REQUIRED_FIELD_MISSING",
                "Required fields are missing: [FullName]".into(),
            )
        })?;
    let (sobject, name) = full_name
        .split_once('.')
        .ok_or_else(|| integrity(format!("FullName: '{full_name}' is not Object.Field__c")))?;
    let kind = render::kind_of(sobject).ok_or_else(|| {
        (
            "INVALID_TYPE",
            format!("sObject type '{sobject}' is not supported."),
        )
    })?;
    let developer = name.strip_suffix("__c").unwrap_or_default();
    if !valid_developer_name(developer) {
        return Err(integrity(format!(
            "The Field Name '{name}' can only contain underscores and alphanumeric characters, must \
             begin with a letter, end in __c, not end with an underscore and not contain two \
             consecutive underscores."
        )));
    }
    let taken = super::schema::visible(sf, kind)
        .iter()
        .map(|f| f.0)
        .chain(sf.added.iter().filter(|a| a.kind == kind).map(|a| a.name))
        .any(|n| n.eq_ignore_ascii_case(name));
    if taken {
        return Err((
            "DUPLICATE_DEVELOPER_NAME",
            format!("There is already a field named {developer} on {sobject}."),
        ));
    }
    let metadata = body
        .get("Metadata")
        .and_then(Value::as_object)
        .ok_or_else(|| {
            (
                "REQUIRED_FIELD_MISSING",
                "Required fields are missing: [Metadata]".into(),
            )
        })?;
    let label = metadata
        .get("label")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .ok_or_else(|| integrity("Field Label: You must enter a value"))?;
    if label.chars().count() > 40 {
        return Err(integrity(
            "Field Label: data value too large (max length=40)",
        ));
    }
    let number = |key: &str| metadata.get(key).and_then(Value::as_u64);
    let kind_name = metadata
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let (type_name, length, options) = match kind_name {
        "Text" => match number("length") {
            Some(l @ 1..=255) => ("string", l, Vec::new()),
            _ => {
                return Err(integrity(
                    "Length: You must enter a value between 1 and 255",
                ));
            }
        },
        "TextArea" => ("textarea", 255, Vec::new()),
        "LongTextArea" => match (number("length"), number("visibleLines")) {
            (Some(l @ 256..=131_072), Some(2..=50)) => ("textarea", l, Vec::new()),
            _ => {
                return Err(integrity(
                    "Length: a long text area takes 256 to 131,072 characters, and # Visible \
                     Lines 2 to 50",
                ));
            }
        },
        "Number" => match (number("precision"), number("scale")) {
            (Some(p @ 1..=18), Some(s)) if s <= p => ("double", 0, Vec::new()),
            _ => {
                return Err(integrity(
                    "Length: precision must be 1 to 18 and scale at most the precision",
                ));
            }
        },
        "Date" => ("date", 0, Vec::new()),
        "DateTime" => ("datetime", 0, Vec::new()),
        "Checkbox" => match metadata.get("defaultValue").and_then(Value::as_str) {
            Some("true" | "false") => ("boolean", 0, Vec::new()),
            _ => {
                return Err(integrity(
                    "Default Value: a checkbox must be checked or unchecked by default",
                ));
            }
        },
        "Picklist" => ("picklist", 255, picklist_values(metadata)?),
        other => {
            return Err(integrity(format!(
                "Data Type: '{other}' is not one this org creates here"
            )));
        }
    };
    Ok(Added {
        kind,
        name: Box::leak(name.to_owned().into_boxed_str()),
        label: Box::leak(label.to_owned().into_boxed_str()),
        type_name,
        length,
        options,
        read: false,
        edit: false,
    })
}

/// `valueSet.valueSetDefinition.value[].fullName`: at least one, none twice.
fn picklist_values(metadata: &Map<String, Value>) -> Result<Vec<String>, Refusal> {
    let values: Vec<String> = metadata
        .get("valueSet")
        .and_then(|v| v["valueSetDefinition"]["value"].as_array())
        .into_iter()
        .flatten()
        .filter_map(|v| v["fullName"].as_str().map(str::to_owned))
        .collect();
    if values.is_empty() {
        return Err(integrity("Values: You must enter at least one value"));
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(twice) = values.iter().find(|v| !seen.insert(v.to_lowercase())) {
        return Err((
            "DUPLICATE_VALUE",
            format!("Values: duplicate value '{twice}'"),
        ));
    }
    Ok(values)
}

/// A letter first, then letters, digits and single underscores, not ending in one; 40 at most.
fn valid_developer_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.len() <= 40
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.contains("__")
        && !name.ends_with('_')
}

/// `POST /sobjects/FieldPermissions`: a permission set's access to one field. The running user
/// sees a created field once its profile's permission set may read it.
pub fn grant(sf: &mut Salesforce, body: &Map<String, Value>) -> Response {
    let text = |key: &str| body.get(key).and_then(Value::as_str).unwrap_or_default();
    let flag = |key: &str| body.get(key).and_then(Value::as_bool).unwrap_or(false);
    let (parent, field) = (text("ParentId"), text("Field"));
    let missing: Vec<&str> = ["ParentId", "SobjectType", "Field"]
        .into_iter()
        .filter(|k| text(k).is_empty())
        .collect();
    if !missing.is_empty() {
        return error(
            StatusCode::BAD_REQUEST,
            "REQUIRED_FIELD_MISSING",
            format!("Required fields are missing: [{}]", missing.join(", ")),
            &missing,
        );
    }
    if !directory::PROFILES.iter().any(|p| p.2 == parent) {
        return error(
            StatusCode::BAD_REQUEST,
            "INVALID_CROSS_REFERENCE_KEY",
            "invalid cross reference id",
            &["ParentId"],
        );
    }
    let (read, edit) = (flag("PermissionsRead"), flag("PermissionsEdit"));
    if edit && !read {
        return error(
            StatusCode::BAD_REQUEST,
            "FIELD_INTEGRITY_EXCEPTION",
            "Permission Edit depends on permission(s): Read",
            &["PermissionsEdit"],
        );
    }
    let named = field.split_once('.').and_then(|(sobject, name)| {
        let kind = render::kind_of(sobject)?;
        (sobject.eq_ignore_ascii_case(text("SobjectType"))).then_some((kind, name))
    });
    let known =
        named.is_some_and(|(kind, name)| super::schema::field_name(sf, kind, name).is_some());
    let at = named.and_then(|(kind, name)| {
        sf.added
            .iter()
            .position(|a| a.kind == kind && a.name.eq_ignore_ascii_case(name))
    });
    if at.is_none() && !known {
        return error(
            StatusCode::BAD_REQUEST,
            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
            format!("Field Name: bad value for restricted picklist field: {field}"),
            &["Field"],
        );
    }
    let key = (parent.to_owned(), field.to_ascii_lowercase());
    if sf.grants.contains(&key) {
        return error(
            StatusCode::BAD_REQUEST,
            "DUPLICATE_VALUE",
            "duplicate value found: <unknown> duplicates value on record with id: <unknown>",
            &[],
        );
    }
    sf.grants.push(key);
    if let Some(at) = at
        && parent == directory::running_permission_set()
    {
        let added = &mut sf.added[at];
        added.read = read;
        added.edit = edit;
    }
    let id = format!("01k5e{:010}AAA", sf.grants.len());
    (
        StatusCode::CREATED,
        Json(json!({"id": id, "success": true, "errors": []})),
    )
        .into_response()
}

/// `GET /services/oauth2/userinfo` on the instance: who the session is.
pub async fn userinfo(State(emu): State<Arc<Emulator>>, request: Request) -> Response {
    let accepted = bearer(&request).is_some_and(|token| emu.salesforce().accepts(token));
    if !accepted {
        return (StatusCode::FORBIDDEN, "Bad_OAuth_Token").into_response();
    }
    let (user, email) = (directory::running_user(), seed::owner_email(0));
    let (first, last) = seed::OWNERS[0];
    let organization = super::oauth::ORG_ID;
    Json(json!({
        "sub": format!("{}/id/{organization}/{user}", emu.base_url()),
        "user_id": user, "organization_id": organization, "preferred_username": email,
        "email": email, "name": format!("{first} {last}"), "given_name": first, "family_name": last,
    }))
    .into_response()
}
