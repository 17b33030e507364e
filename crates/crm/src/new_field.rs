//! Creating a custom field: shared steps of every client. A field created before under the same
//! label is found rather than created twice (a create whose answer was lost, a second click).

use bridge_model::{NewField, ObjectType};

use crate::{CrmError, FieldInfo, Result};

/// The custom field of `fields` that `field` would create (same label, case and spaces aside).
pub(crate) fn existing(fields: Vec<FieldInfo>, field: &NewField) -> Option<FieldInfo> {
    let label = field.label.trim().to_lowercase();
    fields
        .into_iter()
        .find(|f| f.custom && f.label.trim().to_lowercase() == label)
}

/// Refuses a field the CRM would refuse, before asking it.
pub(crate) fn check(
    provider: &'static str,
    object_type: ObjectType,
    field: &NewField,
) -> Result<()> {
    match field.problem() {
        Some(problem) => Err(CrmError::Rejected {
            provider,
            request: format!("creating the {object_type} field “{}”", field.label.trim()),
            status: 400,
            field: Some(field.label.trim().to_owned()),
            message: problem,
        }),
        None => Ok(()),
    }
}
