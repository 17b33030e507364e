use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ParseError;

/// The canonical object types every CRM's objects are mirrored as.
///
/// Close leads and HubSpot/Pipedrive companies/organizations and Salesforce Accounts are all `Company`;
/// `Lead` is Salesforce's unqualified lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ObjectType {
    Company,
    Person,
    Lead,
    Deal,
    Activity,
}

impl ObjectType {
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
        ObjectType::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParseError {
                kind: "object type",
                value: s.to_owned(),
                expected: "company, person, lead, deal, activity",
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for t in ObjectType::ALL {
            assert_eq!(t.as_str().parse::<ObjectType>(), Ok(t));
        }
        assert!("contact".parse::<ObjectType>().is_err());
    }
}
