//! Custom fields a pair syncs: those the saved field mapping of its two connections maps one to one,
//! custom field to custom field, as is (A -> B, and B -> A where that one was saved). In a plan they
//! go by A's name (`custom.<A's key>`), flat beside the canonical fields, so the rules, the sync
//! state and the Conflicts inbox treat them as any field; a write nests them back under `custom`
//! with the key of the side it goes to.

use bridge_model::{FieldMapping, Fields, Side, Transform};
use serde_json::Value;

use crate::field_path;

const PREFIX: &str = "custom.";

/// A's key <-> B's key of each custom field the pair syncs.
#[derive(Debug, Default, Clone)]
pub(crate) struct CustomFields {
    pairs: Vec<(String, String)>,
}

impl CustomFields {
    pub fn new(a_to_b: Option<&FieldMapping>, b_to_a: Option<&FieldMapping>) -> Self {
        let direct = |m: &FieldMapping| -> Vec<(String, String)> {
            m.fields
                .iter()
                .filter(|f| matches!(f.transform, Transform::Direct))
                .filter_map(|f| {
                    Some((
                        f.source.strip_prefix(PREFIX)?.to_owned(),
                        f.target.strip_prefix(PREFIX)?.to_owned(),
                    ))
                })
                .collect()
        };
        let mut out = CustomFields::default();
        let forward = a_to_b.map(direct).unwrap_or_default();
        let backward = b_to_a.map(direct).unwrap_or_default();
        // One to one: a key already paired on either side keeps its first partner.
        for (a, b) in forward
            .into_iter()
            .chain(backward.into_iter().map(|(b, a)| (a, b)))
        {
            if !out.pairs.iter().any(|(x, y)| *x == a || *y == b) {
                out.pairs.push((a, b));
            }
        }
        out
    }

    /// The pair's names of the synced custom fields (`custom.<A's key>`).
    pub fn names(&self) -> impl Iterator<Item = String> + '_ {
        self.pairs.iter().map(|(a, _)| format!("{PREFIX}{a}"))
    }

    /// Adds each synced custom value of a `side` record under its pair name.
    pub fn flatten(&self, fields: &mut Fields, side: Side) {
        let found: Vec<(String, Value)> = self
            .pairs
            .iter()
            .filter_map(|(a, b)| {
                let key = if side == Side::A { a } else { b };
                let value = field_path::get(fields, &format!("{PREFIX}{key}"))?;
                Some((format!("{PREFIX}{a}"), value.clone()))
            })
            .collect();
        fields.extend(found);
    }

    /// `fields` to write to `side`: pair names nested back under `custom` with that side's keys.
    pub fn nest(&self, mut fields: Fields, side: Side) -> Fields {
        for (a, b) in &self.pairs {
            if let Some(v) = fields.remove(&format!("{PREFIX}{a}")) {
                let key = if side == Side::A { a } else { b };
                field_path::put(&mut fields, &format!("{PREFIX}{key}"), v);
            }
        }
        fields
    }
}

#[cfg(test)]
mod tests {
    use bridge_model::{MappedField, ObjectType};
    use serde_json::json;

    use super::*;

    fn mapping(rules: &[(&str, &str, Transform)]) -> FieldMapping {
        FieldMapping {
            source_object: ObjectType::Company,
            target_object: ObjectType::Company,
            fields: rules
                .iter()
                .map(|(s, t, transform)| MappedField {
                    source: (*s).into(),
                    target: (*t).into(),
                    transform: transform.clone(),
                    required: false,
                })
                .collect(),
        }
    }

    #[test]
    fn custom_fields_mapped_as_is_go_by_a_s_name_and_come_back_nested() {
        let ab = mapping(&[
            ("custom.cf_tier", "custom.tier", Transform::Direct),
            ("custom.cf_score", "custom.score", Transform::Number),
            ("name", "name", Transform::Direct),
            ("custom.cf_region", "city", Transform::Direct),
        ]);
        // B -> A adds one pair and repeats a B key already paired (the first pairing stays).
        let ba = mapping(&[
            ("custom.source", "custom.cf_source", Transform::Direct),
            ("custom.tier", "custom.cf_other", Transform::Direct),
        ]);
        let custom = CustomFields::new(Some(&ab), Some(&ba));
        assert_eq!(
            custom.names().collect::<Vec<_>>(),
            ["custom.cf_tier", "custom.cf_source"]
        );
        let mut b = json!({"name": "Acme", "custom": {"tier": "Gold", "source": "Web", "x": 1}})
            .as_object()
            .unwrap()
            .clone();
        custom.flatten(&mut b, Side::B);
        assert_eq!(b["custom.cf_tier"], json!("Gold"));
        assert_eq!(b["custom.cf_source"], json!("Web"));
        let write = json!({"name": "Acme", "custom.cf_tier": "Silver"})
            .as_object()
            .unwrap()
            .clone();
        assert_eq!(
            Value::Object(custom.nest(write.clone(), Side::B)),
            json!({"name": "Acme", "custom": {"tier": "Silver"}})
        );
        assert_eq!(
            Value::Object(custom.nest(write, Side::A)),
            json!({"name": "Acme", "custom": {"cf_tier": "Silver"}})
        );
        assert_eq!(CustomFields::new(None, None).names().count(), 0);
    }
}
