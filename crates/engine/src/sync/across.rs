//! Fields a pair keeps across under other names (`FieldAcross`: a Salesforce lead's status with a
//! HubSpot contact's lead status). In a plan the two go by the pair's name for them
//! (`status → lead_status`) holding A's values, so the rules, the sync state and the Conflicts
//! inbox treat them as any field; a write puts them back under the name of the side written, B's
//! values through the map.

use bridge_model::{FieldAcross, Fields, Side};

use crate::field_path;

/// Adds each field kept across of a `side` record under the pair's name, in A's values.
pub(crate) fn flatten(across: &[FieldAcross], fields: &mut Fields, side: Side) {
    for f in across {
        let value = match side {
            Side::A => field_path::get(fields, &f.a).cloned(),
            Side::B => field_path::get(fields, &f.b).map(|v| f.to_a(v, None)),
        };
        if let Some(v) = value {
            fields.insert(f.name(), v);
        }
    }
}

/// B's values (`b`, as the CRM holds them) read as the A record `a` holds them where the map
/// sends A's value to B's, into `b_flat`.
pub(crate) fn agree(across: &[FieldAcross], a: &Fields, b: &Fields, b_flat: &mut Fields) {
    for f in across {
        if let Some(v) = field_path::get(b, &f.b) {
            b_flat.insert(f.name(), f.to_a(v, field_path::get(a, &f.a)));
        }
    }
}

/// `fields` to write to side `to`: each pair name back under that side's field, B's in B's values.
pub(crate) fn unflatten(across: &[FieldAcross], mut fields: Fields, to: Side) -> Fields {
    for f in across {
        if let Some(v) = fields.remove(&f.name()) {
            match to {
                Side::A => field_path::put(&mut fields, &f.a, v),
                Side::B => field_path::put(&mut fields, &f.b, f.to_b(&v)),
            }
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use bridge_model::FieldRule;
    use serde_json::{Value, json};

    use super::*;

    fn fields(v: Value) -> Fields {
        v.as_object().unwrap().clone()
    }

    fn status_to_lifecycle() -> FieldAcross {
        FieldAcross {
            a: "status".into(),
            b: "lifecycle_stage".into(),
            rule: FieldRule::AlwaysA,
            values: BTreeMap::from([
                ("Open - Not Contacted".into(), "lead".into()),
                ("Working - Contacted".into(), "lead".into()),
                ("Closed - Not Converted".into(), "other".into()),
            ]),
        }
    }

    #[test]
    fn a_field_kept_across_goes_by_the_pair_s_name_in_a_s_values_and_back_in_each_side_s() {
        let across = [status_to_lifecycle()];
        let name = "status → lifecycle_stage";
        let mut a = fields(json!({"status": "Working - Contacted"}));
        flatten(&across, &mut a, Side::A);
        assert_eq!(a[name], json!("Working - Contacted"));
        // Two A values map to "lead": B's is read as the first, unless A's record holds the other.
        let b_raw = fields(json!({"lifecycle_stage": "lead"}));
        let mut b = b_raw.clone();
        flatten(&across, &mut b, Side::B);
        assert_eq!(b[name], json!("Open - Not Contacted"));
        agree(&across, &a, &b_raw, &mut b);
        assert_eq!(b[name], json!("Working - Contacted"));
        // A value the map does not name goes as it is, both ways.
        let mut odd = fields(json!({"lifecycle_stage": "evangelist"}));
        flatten(&across, &mut odd, Side::B);
        assert_eq!(odd[name], json!("evangelist"));

        let write = fields(json!({"first_name": "Ann", name: "Closed - Not Converted"}));
        assert_eq!(
            Value::Object(unflatten(&across, write.clone(), Side::B)),
            json!({"first_name": "Ann", "lifecycle_stage": "other"})
        );
        assert_eq!(
            Value::Object(unflatten(&across, write, Side::A)),
            json!({"first_name": "Ann", "status": "Closed - Not Converted"})
        );
    }
}
