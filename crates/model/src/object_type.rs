use std::{
    collections::HashSet,
    fmt,
    str::FromStr,
    sync::{Mutex, OnceLock},
};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use ts_rs::TS;

use crate::ParseError;

/// The object types every CRM's objects are mirrored as: five canonical ones, and the custom
/// objects a CRM defines.
///
/// Close leads and HubSpot/Pipedrive companies/organizations and Salesforce Accounts are all `Company`;
/// `Lead` is Salesforce's unqualified lead. A custom object keeps the name the CRM's API takes
/// (`custom:2-1234` for a HubSpot object type id, `custom:Invoice__c`, `custom:cotype_…` for Close);
/// its label is the CRM's, kept with the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, TS)]
#[ts(type = "\"company\" | \"person\" | \"lead\" | \"deal\" | \"activity\" | `custom:${string}`")]
pub enum ObjectType {
    Company,
    Person,
    Lead,
    Deal,
    Activity,
    Custom(CustomObject),
}

/// A CRM's custom object type by its API name, interned: a workspace holds a handful, and a
/// `'static` name keeps [`ObjectType`] `Copy` (so keys, matches and SQL binds stay as they are).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CustomObject(&'static str);

impl CustomObject {
    const PREFIX: &'static str = "custom:";

    /// The custom object the CRM calls `api_name` (empty or blank names are refused).
    pub fn new(api_name: &str) -> Result<Self, ParseError> {
        let api_name = api_name.trim();
        if api_name.is_empty() || api_name.chars().any(char::is_control) {
            return Err(ParseError {
                kind: "custom object",
                value: api_name.to_owned(),
                expected: "the name the CRM gives the object, e.g. custom:Invoice__c",
            });
        }
        static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
        let mut names = NAMES
            .get_or_init(Default::default)
            .lock()
            .expect("custom object names");
        let full = format!("{}{api_name}", Self::PREFIX);
        let name = match names.get(full.as_str()) {
            Some(known) => *known,
            None => {
                let leaked: &'static str = Box::leak(full.into_boxed_str());
                names.insert(leaked);
                leaked
            }
        };
        Ok(CustomObject(name))
    }

    /// The name the CRM's API takes (`Invoice__c`).
    pub fn api_name(self) -> &'static str {
        &self.0[Self::PREFIX.len()..]
    }
}

impl fmt::Debug for CustomObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// A custom object a CRM defines, with the names the CRM gives it ("Invoice", "Invoices").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CustomObjectInfo {
    pub object_type: ObjectType,
    pub singular: String,
    pub plural: String,
}

impl ObjectType {
    /// The canonical types (custom objects are each CRM's own).
    pub const ALL: [ObjectType; 5] = [
        ObjectType::Company,
        ObjectType::Person,
        ObjectType::Lead,
        ObjectType::Deal,
        ObjectType::Activity,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ObjectType::Company => "company",
            ObjectType::Person => "person",
            ObjectType::Lead => "lead",
            ObjectType::Deal => "deal",
            ObjectType::Activity => "activity",
            ObjectType::Custom(c) => c.0,
        }
    }

    /// The custom object this is, if it is one.
    pub fn custom(self) -> Option<CustomObject> {
        match self {
            ObjectType::Custom(c) => Some(c),
            _ => None,
        }
    }
}

impl fmt::Display for ObjectType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ObjectType {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Some(name) = s.strip_prefix(CustomObject::PREFIX) {
            return CustomObject::new(name).map(ObjectType::Custom);
        }
        ObjectType::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| ParseError {
                kind: "object type",
                value: s.to_owned(),
                expected: "company, person, lead, deal, activity, custom:<the CRM's object name>",
            })
    }
}

impl Serialize for ObjectType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ObjectType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for t in ObjectType::ALL {
            assert_eq!(t.as_str().parse::<ObjectType>(), Ok(t));
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(serde_json::from_str::<ObjectType>(&json).unwrap(), t);
        }
        assert!("contact".parse::<ObjectType>().is_err());
        assert!("custom:".parse::<ObjectType>().is_err());
    }

    #[test]
    fn a_custom_object_keeps_the_crm_s_name_and_is_one_value() {
        let invoice: ObjectType = "custom:Invoice__c".parse().unwrap();
        assert_eq!(invoice.as_str(), "custom:Invoice__c");
        assert_eq!(invoice.custom().unwrap().api_name(), "Invoice__c");
        let again = ObjectType::Custom(CustomObject::new("Invoice__c").unwrap());
        assert_eq!(invoice, again);
        assert!(
            std::ptr::eq(invoice.as_str(), again.as_str()),
            "interned once"
        );
        assert_eq!(
            serde_json::to_string(&invoice).unwrap(),
            "\"custom:Invoice__c\""
        );
        assert_eq!(
            serde_json::from_str::<ObjectType>("\"custom:2-1234\"")
                .unwrap()
                .as_str(),
            "custom:2-1234"
        );
        assert_ne!(invoice, "custom:invoice__c".parse().unwrap());
    }
}
