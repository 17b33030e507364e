//! Creating a custom field in Salesforce: the Tooling API's `CustomField` (what Setup → Object
//! Manager does), then read and edit access for the signed-in user's profile (a `FieldPermissions`
//! record on the permission set the profile owns). Without that grant Salesforce hides the field
//! from the API (describe, SOQL and writes), so the migration could not fill it.

use bridge_model::{FieldType, NewField, ObjectType};
use reqwest::Method;
use serde_json::{Value, json};

use super::{PROVIDER, Salesforce, convert, wire};
use crate::{
    CrmError, FieldInfo, Result,
    http::{Call, decode},
};

/// The field's API name: the label's words capitalised, joined by single underscores, `__c` after
/// ("Buying role" → `Buying_Role__c`), at most 40 characters before the suffix as Salesforce allows.
pub(super) fn api_name(field: &NewField) -> String {
    let words: Vec<String> = field
        .key()
        .split('_')
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect();
    let mut name = words.join("_");
    name.truncate(40);
    format!("{}__c", name.trim_end_matches('_'))
}

/// The `Metadata` of the Tooling API's `CustomField` for `field`.
fn metadata(field: &NewField) -> Value {
    let label = field.label.trim();
    let description = "Created by CRM Bridge";
    match field.field_type {
        FieldType::Text => {
            json!({"label": label, "description": description, "type": "Text", "length": 255})
        }
        FieldType::LongText => json!({
            "label": label, "description": description, "type": "LongTextArea",
            "length": 32_768, "visibleLines": 3,
        }),
        FieldType::Number => json!({
            "label": label, "description": description, "type": "Number", "precision": 18, "scale": 2,
        }),
        FieldType::Date => json!({"label": label, "description": description, "type": "Date"}),
        FieldType::DateTime => {
            json!({"label": label, "description": description, "type": "DateTime"})
        }
        FieldType::Checkbox => json!({
            "label": label, "description": description, "type": "Checkbox", "defaultValue": "false",
        }),
        FieldType::Picklist => {
            let values: Vec<Value> = field
                .choices()
                .into_iter()
                .map(|o| json!({"fullName": o, "label": o, "default": false}))
                .collect();
            json!({
                "label": label, "description": description, "type": "Picklist",
                "valueSet": {"restricted": true, "valueSetDefinition": {"sorted": false, "value": values}},
            })
        }
    }
}

/// Whether a refusal carries Salesforce's `errorCode`.
fn refused_with(error: &CrmError, code: &str) -> bool {
    matches!(error, CrmError::Rejected { message, .. } if message.starts_with(code))
}

/// A Salesforce id from an answer, before it goes into SOQL: 15 or 18 letters and digits.
fn checked_id(id: Option<&str>, request: &str) -> Result<String> {
    match id {
        Some(id)
            if matches!(id.len(), 15 | 18) && id.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            Ok(id.to_owned())
        }
        other => Err(CrmError::Malformed {
            provider: PROVIDER,
            request: request.into(),
            detail: format!("`{}` is not a Salesforce id", other.unwrap_or("nothing")),
        }),
    }
}

impl Salesforce {
    /// Creates `field` on the type's sObject (or finds it, created before) and grants the signed-in
    /// user's profile access to it; answers the field as describe then lists it.
    pub(super) async fn create_custom_field(
        &self,
        object_type: ObjectType,
        field: &NewField,
    ) -> Result<FieldInfo> {
        if object_type == ObjectType::Activity {
            // Task and Event share their custom fields through the Activity object.
            return Err(CrmError::Unsupported(
                "CRM Bridge creates Salesforce fields on accounts, contacts, leads, opportunities \
                 and custom objects; an activity field is created on Activity in Setup"
                    .into(),
            ));
        }
        let sobject = convert::sobject(object_type);
        let name = api_name(field);
        let full_name = format!("{sobject}.{name}");
        let call = Call::new(
            Method::POST,
            self.url("tooling/sobjects/CustomField").await?,
            Some(json!({"FullName": full_name, "Metadata": metadata(field)})),
        )
        .at_most_once();
        match self.http.send(&call).await {
            Ok(_) => {}
            // Created before (an answer lost, or a field this profile may not see yet): grant it.
            Err(e) if refused_with(&e, "DUPLICATE_DEVELOPER_NAME") => {}
            Err(e) => return Err(e),
        }
        self.grant_access(sobject, &full_name).await?;
        self.custom.forget(object_type).await;
        self.types.lock().expect("types lock").remove(sobject);
        crate::Crm::fields(self, object_type)
            .await?
            .into_iter()
            .find(|f| f.key.eq_ignore_ascii_case(&name))
            .ok_or_else(|| {
                CrmError::Unsupported(format!(
                    "Salesforce created {full_name} but does not show it to this user: give your \
                     profile access to it in Setup → Object Manager → {sobject} → Fields, then plan again"
                ))
            })
    }

    /// Read and edit access to `field` (`Object.Name__c`) for the signed-in user's profile.
    async fn grant_access(&self, sobject: &str, field: &str) -> Result<()> {
        let request = "GET /services/oauth2/userinfo";
        let info = self
            .http
            .send(&Call::get(format!(
                "{}/services/oauth2/userinfo",
                self.instance
            )))
            .await?
            .body;
        let user = checked_id(info["user_id"].as_str(), request)?;
        let profile = self
            .query(&format!("SELECT ProfileId FROM User WHERE Id = '{user}'"))
            .await?;
        let profile = checked_id(
            profile.first().and_then(|u| u["ProfileId"].as_str()),
            "SOQL User",
        )?;
        let sets = self
            .query(&format!(
                "SELECT Id FROM PermissionSet WHERE IsOwnedByProfile = true AND ProfileId = '{profile}'"
            ))
            .await?;
        let Some(set) = sets.into_iter().next() else {
            return Err(CrmError::Unsupported(format!(
                "Salesforce created {field}, but your profile has no permission set to grant it \
                 through: give your profile access to it in Setup, then plan again"
            )));
        };
        let set: wire::Record = decode(PROVIDER, "SOQL PermissionSet", set)?;
        let call = Call::new(
            Method::POST,
            self.url("sobjects/FieldPermissions").await?,
            Some(json!({
                "ParentId": set.id, "SobjectType": sobject, "Field": field,
                "PermissionsRead": true, "PermissionsEdit": true,
            })),
        )
        .at_most_once();
        match self.http.send(&call).await {
            Ok(_) => Ok(()),
            // Granted before: the field is this profile's already.
            Err(e) if refused_with(&e, "DUPLICATE_VALUE") => Ok(()),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(label: &str) -> String {
        api_name(&NewField {
            label: label.into(),
            field_type: FieldType::Text,
            options: vec![],
        })
    }

    #[test]
    fn a_field_s_api_name_is_its_label_in_capitalised_words() {
        assert_eq!(named("Buying role"), "Buying_Role__c");
        assert_eq!(named("  Région d'achat "), "Region_D_Achat__c");
        assert_eq!(named("2024 budget"), "F_2024_Budget__c");
        let long = named("An extremely long label of forty letters");
        assert!(long.len() <= 43 && !long.contains("___"), "{long}");
    }

    #[test]
    fn only_a_salesforce_id_goes_into_soql() {
        assert!(checked_id(Some("0055e0000001000AAA"), "x").is_ok());
        assert!(checked_id(Some("005' OR Name != '"), "x").is_err());
        assert!(checked_id(None, "x").is_err());
    }
}
