use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ParseError;

/// A CRM we connect to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Hubspot,
    Salesforce,
    Close,
    Pipedrive,
}

impl Provider {
    pub const ALL: [Provider; 4] = [
        Provider::Hubspot,
        Provider::Salesforce,
        Provider::Close,
        Provider::Pipedrive,
    ];

    /// The stable lowercase name used in the database, the CLI and the UI.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Hubspot => "hubspot",
            Provider::Salesforce => "salesforce",
            Provider::Close => "close",
            Provider::Pipedrive => "pipedrive",
        }
    }

    /// The product name as users know it.
    pub fn label(self) -> &'static str {
        match self {
            Provider::Hubspot => "HubSpot",
            Provider::Salesforce => "Salesforce",
            Provider::Close => "Close",
            Provider::Pipedrive => "Pipedrive",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Provider {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Provider::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParseError {
                kind: "provider",
                value: s.to_owned(),
                expected: "hubspot, salesforce, close, pipedrive",
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        for p in Provider::ALL {
            assert_eq!(p.as_str().parse::<Provider>(), Ok(p));
            assert_eq!(serde_json::to_string(&p).unwrap(), format!("\"{p}\""));
        }
        assert_eq!("HubSpot".parse::<Provider>(), Ok(Provider::Hubspot));
        let err = "zoho".parse::<Provider>().unwrap_err();
        assert!(err.to_string().contains("zoho"), "{err}");
    }
}
