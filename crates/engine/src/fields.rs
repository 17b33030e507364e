//! Creating a custom field in a CRM so a mapping can fill it: from the wizard's field step, the
//! mapping editor or the dry run's problems, after the person confirms what will be created.

use bridge_model::{ConnectionId, FieldType, NewField, ObjectType};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Engine, Error, Result};

/// A custom field a CRM holds (created, or found there under the same label), by its name in a
/// mapping (`custom.<key>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CreatedField {
    pub name: String,
    pub label: String,
    /// The CRM's type name (`enumeration`, `choices`, `varchar`...).
    pub crm_type: String,
    pub options: Vec<String>,
}

/// A custom field's name in a mapping: `custom.<key>` (Close lists its keys that way already).
pub(crate) fn custom_name(key: &str) -> String {
    format!("custom.{}", key.strip_prefix("custom.").unwrap_or(key))
}

impl Engine {
    /// Creates a custom field of `object_type` in a connection's CRM (or finds the one made before
    /// under the same label). Audit-logged.
    pub async fn create_field(
        &self,
        connection: ConnectionId,
        object_type: ObjectType,
        field: &NewField,
    ) -> Result<CreatedField> {
        let conn = self.connection(connection)?;
        let crm = self.client(&conn)?;
        let info = crm.create_field(object_type, field).await?;
        let created = CreatedField {
            name: custom_name(&info.key),
            label: info.label,
            crm_type: info.kind,
            options: info.options,
        };
        self.audit(
            "create_field",
            Some(connection),
            format!(
                "{object_type} field “{}” ({}) in {}",
                created.label, created.name, conn.label
            ),
            1,
        )?;
        Ok(created)
    }

    /// A new field like a custom field of another CRM (`custom.<key>`): its label, type and a
    /// picklist's options, for the person to confirm (or change) before it is created.
    pub async fn new_field_like(
        &self,
        connection: ConnectionId,
        object_type: ObjectType,
        field: &str,
    ) -> Result<NewField> {
        let conn = self.connection(connection)?;
        let crm = self.client(&conn)?;
        let found = crm
            .fields(object_type)
            .await?
            .into_iter()
            .find(|f| f.custom && custom_name(&f.key) == field)
            .ok_or_else(|| Error::NotFound {
                what: "custom field",
                id: format!("{field} of {object_type} in {}", conn.label),
            })?;
        let field_type = match FieldType::of_crm_type(&found.kind) {
            // A picklist the CRM lists without options takes any text.
            FieldType::Picklist if found.options.is_empty() => FieldType::Text,
            t => t,
        };
        Ok(NewField {
            label: found.label,
            field_type,
            options: if field_type == FieldType::Picklist {
                found.options
            } else {
                Vec::new()
            },
        })
    }
}
