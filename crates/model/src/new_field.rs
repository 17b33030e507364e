//! A custom field to create in a CRM, in types every CRM has: a field the target lacks is created
//! like the source field it is filled from.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What a new field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    LongText,
    Number,
    Date,
    DateTime,
    Checkbox,
    Picklist,
}

impl FieldType {
    /// The type of a field by its CRM's type name (HubSpot's `enumeration`, Pipedrive's `varchar`,
    /// Close's `choices`, Salesforce's `picklist`...); anything else is text.
    pub fn of_crm_type(crm_type: &str) -> FieldType {
        match crm_type.to_ascii_lowercase().as_str() {
            "textarea" | "text_area" | "longtext" | "html" | "text" => FieldType::LongText,
            "number" | "double" | "int" | "integer" | "currency" | "percent" | "monetary" => {
                FieldType::Number
            }
            "date" => FieldType::Date,
            "datetime" | "date_time" => FieldType::DateTime,
            "bool" | "boolean" | "checkbox" | "booleancheckbox" => FieldType::Checkbox,
            "enumeration" | "enum" | "set" | "choices" | "picklist" | "multipicklist"
            | "select" | "radio" => FieldType::Picklist,
            _ => FieldType::Text,
        }
    }
}

/// A custom field to create: its label (the CRM derives its key), type and a picklist's options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NewField {
    pub label: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    #[serde(default)]
    pub options: Vec<String>,
}

impl NewField {
    /// Why a CRM would refuse it, before asking one.
    pub fn problem(&self) -> Option<String> {
        let label = self.label.trim();
        if label.is_empty() {
            return Some("a new field needs a label".into());
        }
        if label.chars().count() > 40 {
            return Some(format!(
                "“{label}” is longer than 40 characters (Salesforce's limit for a field label)"
            ));
        }
        if !label.chars().any(char::is_alphanumeric) {
            return Some(format!("“{label}” needs a letter or a digit"));
        }
        if self.field_type == FieldType::Picklist {
            if self.options.iter().all(|o| o.trim().is_empty()) {
                return Some(format!("the picklist “{label}” needs at least one option"));
            }
            let mut seen = std::collections::HashSet::new();
            if let Some(twice) = self
                .options
                .iter()
                .find(|o| !seen.insert(o.trim().to_lowercase()))
            {
                return Some(format!(
                    "the picklist “{label}” lists the option “{twice}” twice"
                ));
            }
        }
        None
    }

    /// A picklist's options as a CRM takes them: trimmed, blanks left out.
    pub fn choices(&self) -> Vec<&str> {
        self.options
            .iter()
            .map(|o| o.trim())
            .filter(|o| !o.is_empty())
            .collect()
    }

    /// The label as a key: lower-case ASCII letters, digits and single underscores, starting with
    /// a letter (what HubSpot's property names and Salesforce's API names take).
    pub fn key(&self) -> String {
        let mut key = String::new();
        for c in self.label.trim().chars() {
            let c = deunicode_char(c);
            if c.is_ascii_alphanumeric() {
                key.push(c.to_ascii_lowercase());
            } else if !key.is_empty() && !key.ends_with('_') {
                key.push('_');
            }
        }
        let key = key.trim_end_matches('_').to_owned();
        if key.starts_with(|c: char| c.is_ascii_digit()) || key.is_empty() {
            format!("f_{key}")
        } else {
            key
        }
    }
}

/// A Latin letter with an accent as the letter without it; anything else as it is.
fn deunicode_char(c: char) -> char {
    const FROM: &str = "àáâãäåçèéêëìíîïñòóôõöøùúûüýÿÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝ";
    const TO: &str = "aaaaaaceeeeiiiinoooooouuuuyyAAAAAACEEEEIIIINOOOOOOUUUUY";
    FROM.chars()
        .position(|x| x == c)
        .and_then(|i| TO.chars().nth(i))
        .unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(label: &str, kind: FieldType, options: &[&str]) -> NewField {
        NewField {
            label: label.into(),
            field_type: kind,
            options: options.iter().map(|o| o.to_string()).collect(),
        }
    }

    #[test]
    fn a_label_becomes_a_key_every_crm_takes() {
        assert_eq!(
            field("Lead source detail", FieldType::Text, &[]).key(),
            "lead_source_detail"
        );
        assert_eq!(
            field("  Région (EU) — 2 ", FieldType::Text, &[]).key(),
            "region_eu_2"
        );
        assert_eq!(
            field("2nd owner", FieldType::Text, &[]).key(),
            "f_2nd_owner"
        );
    }

    #[test]
    fn a_field_a_crm_would_refuse_is_named_with_why() {
        assert!(
            field("Tier", FieldType::Picklist, &["Gold", "Silver"])
                .problem()
                .is_none()
        );
        assert!(
            field(" ", FieldType::Text, &[])
                .problem()
                .unwrap()
                .contains("label")
        );
        assert!(
            field("Tier", FieldType::Picklist, &[])
                .problem()
                .unwrap()
                .contains("option")
        );
        assert!(
            field("Tier", FieldType::Picklist, &["Gold", "gold "])
                .problem()
                .unwrap()
                .contains("twice")
        );
        assert!(
            field(&"x".repeat(41), FieldType::Text, &[])
                .problem()
                .unwrap()
                .contains("40")
        );
    }

    #[test]
    fn each_crms_type_names_map_to_a_kind() {
        for (crm, kind) in [
            ("enumeration", FieldType::Picklist),
            ("choices", FieldType::Picklist),
            ("enum", FieldType::Picklist),
            ("picklist", FieldType::Picklist),
            ("varchar", FieldType::Text),
            ("string", FieldType::Text),
            ("double", FieldType::Number),
            ("datetime", FieldType::DateTime),
            ("boolean", FieldType::Checkbox),
            ("textarea", FieldType::LongText),
        ] {
            assert_eq!(FieldType::of_crm_type(crm), kind, "{crm}");
        }
    }
}
