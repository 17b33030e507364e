//! Custom objects: each CRM's own object types, listed by the CRM (with its names for them),
//! mirrored beside the canonical types, mapped and migrated like them. Pipedrive has none.

use bridge_crm::Crm;
use bridge_model::{ConnectionId, CustomObjectInfo, ObjectType};
use bridge_store::custom_objects;
use chrono::Utc;

use crate::{Engine, Result};

impl Engine {
    /// The custom objects a connection's CRM listed when it was last asked (a pull asks).
    pub fn custom_objects(&self, connection: ConnectionId) -> Result<Vec<CustomObjectInfo>> {
        self.connection(connection)?;
        Ok(self.store.read(|c| custom_objects::list(c, connection))?)
    }

    /// Asks the CRM for its custom objects and keeps the list.
    pub(crate) async fn list_custom_objects(
        &self,
        connection: ConnectionId,
        crm: &dyn Crm,
    ) -> Result<Vec<CustomObjectInfo>> {
        let listed = crm.custom_objects().await?;
        self.store
            .write(|tx| custom_objects::replace(tx, connection, &listed, Utc::now()))?;
        Ok(listed)
    }

    /// Every object type of a connection: the canonical ones its CRM has, then its custom objects
    /// (as last listed).
    pub fn all_object_types(&self, connection: ConnectionId) -> Result<Vec<ObjectType>> {
        let mut types = self.object_types(connection)?.to_vec();
        types.extend(
            self.custom_objects(connection)?
                .into_iter()
                .map(|o| o.object_type),
        );
        Ok(types)
    }
}

/// The target's custom object a source custom object becomes: the one the CRMs name alike
/// ("Invoice" and "Invoices" match "Invoice"), singular or plural, case and spacing aside.
pub(crate) fn counterpart(
    source: &CustomObjectInfo,
    targets: &[CustomObjectInfo],
) -> Option<ObjectType> {
    let words = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let names = |o: &CustomObjectInfo| [words(&o.singular), words(&o.plural)];
    let wanted = names(source);
    targets
        .iter()
        .find(|t| names(t).iter().any(|n| !n.is_empty() && wanted.contains(n)))
        .map(|t| t.object_type)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(name: &str, singular: &str, plural: &str) -> CustomObjectInfo {
        CustomObjectInfo {
            object_type: format!("custom:{name}").parse().unwrap(),
            singular: singular.into(),
            plural: plural.into(),
        }
    }

    #[test]
    fn a_custom_object_meets_the_one_named_alike() {
        let close = info("cotype_1", "Invoice", "Invoices");
        let hubspot = [
            info("2-1", "Subscription", "Subscriptions"),
            info("2-2", "invoice", "INVOICES"),
        ];
        assert_eq!(
            counterpart(&close, &hubspot),
            Some("custom:2-2".parse().unwrap())
        );
        assert_eq!(
            counterpart(&info("x", "Shipment", "Shipments"), &hubspot),
            None
        );
    }
}
