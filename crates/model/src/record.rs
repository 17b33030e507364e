use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{ConnectionId, ObjectType, RecordId};

/// Canonical field values of a record, keyed by canonical field name (`name`, `email`, `phone`, ...).
pub type Fields = serde_json::Map<String, serde_json::Value>;

/// Canonical field names the list views and search read.
pub mod field {
    pub const NAME: &str = "name";
    pub const FIRST_NAME: &str = "first_name";
    pub const LAST_NAME: &str = "last_name";
    pub const EMAIL: &str = "email";
    pub const PHONE: &str = "phone";
    pub const COMPANY: &str = "company";
    pub const DOMAIN: &str = "domain";
    pub const TITLE: &str = "title";
}

/// A remote record as pulled from a CRM, before the database gives it a local id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewRecord {
    pub connection_id: ConnectionId,
    pub object_type: ObjectType,
    pub remote_id: String,
    pub fields: Fields,
    /// The provider's payload exactly as received, kept so nothing is lost in conversion.
    pub raw: serde_json::Value,
    pub remote_modified_at: Option<DateTime<Utc>>,
}

/// The name a person would recognise from these fields: `name`, else first + last name, else e-mail.
pub fn display_name_of(fields: &Fields) -> Option<String> {
    let text = |key: &str| {
        fields
            .get(key)
            .and_then(|v| v.as_str())
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    if let Some(name) = text(field::NAME) {
        return Some(name.to_owned());
    }
    let full: Vec<&str> = [text(field::FIRST_NAME), text(field::LAST_NAME)]
        .into_iter()
        .flatten()
        .collect();
    if !full.is_empty() {
        return Some(full.join(" "));
    }
    text(field::EMAIL).map(str::to_owned)
}

impl NewRecord {
    /// The name a person would recognise: `name`, else first + last name, else e-mail, else the remote id.
    pub fn display_name(&self) -> String {
        display_name_of(&self.fields).unwrap_or_else(|| self.remote_id.clone())
    }

    /// Lowercased text that the Records search matches against. A phone is also given as its digits
    /// alone, so "+1 (555) 010-2030" is found by "5550102030" as well as by "555 010".
    pub fn search_text(&self) -> String {
        let mut parts = vec![self.display_name(), self.remote_id.clone()];
        for key in [
            field::EMAIL,
            field::PHONE,
            field::COMPANY,
            field::DOMAIN,
            field::TITLE,
        ] {
            if let Some(s) = self.fields.get(key).and_then(|v| v.as_str()) {
                parts.push(s.to_owned());
            }
        }
        if let Some(phone) = self.fields.get(field::PHONE).and_then(|v| v.as_str()) {
            let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
            if let Some(national) = digits.strip_prefix('1').filter(|n| n.len() == 10) {
                parts.push(national.to_owned());
            }
            parts.push(digits);
        }
        parts.join(" ").to_lowercase()
    }
}

/// A stored record with its local id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Record {
    pub id: RecordId,
    pub connection_id: ConnectionId,
    pub object_type: ObjectType,
    pub remote_id: String,
    pub display_name: String,
    #[ts(type = "{ [key in string]?: unknown }")]
    pub fields: Fields,
    pub remote_modified_at: Option<DateTime<Utc>>,
    pub content_hash: String,
}

/// One row of the Records list: only what the list shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RecordRow {
    pub id: RecordId,
    pub connection_id: ConnectionId,
    pub object_type: ObjectType,
    pub remote_id: String,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub remote_modified_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(fields: serde_json::Value) -> NewRecord {
        NewRecord {
            connection_id: ConnectionId(1),
            object_type: ObjectType::Person,
            remote_id: "r-1".into(),
            fields: fields.as_object().unwrap().clone(),
            raw: json!({}),
            remote_modified_at: None,
        }
    }

    #[test]
    fn display_name_prefers_name_then_full_name_then_email_then_id() {
        let cases = [
            (json!({"name": " Acme Ltd ", "first_name": "A"}), "Acme Ltd"),
            (json!({"first_name": "Ann", "last_name": "Lee"}), "Ann Lee"),
            (json!({"last_name": "Lee"}), "Lee"),
            (json!({"name": "  ", "email": "a@b.com"}), "a@b.com"),
            (json!({}), "r-1"),
        ];
        for (fields, want) in cases {
            assert_eq!(record(fields.clone()).display_name(), want, "{fields}");
        }
    }

    #[test]
    fn search_text_is_lowercase_and_covers_contact_fields() {
        let r = record(
            json!({"first_name": "Ann", "email": "ANN@Example.com", "phone": "+1 (555) 010-2030"}),
        );
        let text = r.search_text();
        assert!(text.contains("ann@example.com"), "{text}");
        assert!(text.contains("+1 (555) 010-2030"), "{text}");
        assert!(text.contains(" 15550102030"), "digits only: {text}");
        assert!(text.contains(" 5550102030"), "national number: {text}");
        assert!(text.contains("r-1"), "{text}");
        assert_eq!(text, text.to_lowercase());
    }
}
