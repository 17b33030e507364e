//! What to write where for two linked records (pure): each field by its rule, changes found against
//! the values of the last sync, so a value sync wrote itself is never echoed back.

use bridge_model::{ConflictField, ConflictPolicy, FieldRule, Fields, ObjectSync};
use chrono::{DateTime, Utc};
use serde_json::Value;

/// One side's record: its canonical fields (links as A's ids) and when the CRM last changed it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Seen<'a> {
    pub fields: &'a Fields,
    pub modified: Option<DateTime<Utc>>,
}

/// The writes two linked records need, and what they will agree on.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Reconciled {
    pub to_a: Fields,
    pub to_b: Fields,
    /// Fields both sides hold the same value of already (the sync state takes them at once).
    pub agreed: Fields,
    pub conflicts: Vec<ConflictField>,
}

/// Blank as merges see it: null, empty or whitespace text, an empty list or object.
pub(crate) fn is_blank(v: &Value) -> bool {
    bridge_dedupe::merge_plan::blank(Some(v))
}

/// Equal for sync: blanks are one value, text is compared trimmed, numbers by value.
pub(crate) fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        _ if is_blank(a) && is_blank(b) => true,
        (Value::String(x), Value::String(y)) => {
            x.trim() == y.trim() || same_instant(x, y).unwrap_or(false)
        }
        (Value::Bool(b), Value::String(s)) | (Value::String(s), Value::Bool(b)) => s
            .trim()
            .eq_ignore_ascii_case(if *b { "true" } else { "false" }),
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Number(n), Value::String(s)) | (Value::String(s), Value::Number(n)) => {
            s.trim().parse::<f64>().ok() == n.as_f64()
        }
        _ => a == b,
    }
}

/// Two times the CRMs write differently (`…Z`, `….000+00:00`, `+0000`) but that name one instant;
/// or a day and a time on that day (UTC), where one CRM keeps the day only (a Salesforce Task's
/// ActivityDate, a Pipedrive activity without a time).
fn same_instant(a: &str, b: &str) -> Option<bool> {
    let parse = |t: &str| {
        let t = t.trim();
        chrono::DateTime::parse_from_rfc3339(t)
            .or_else(|_| chrono::DateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f%z"))
            .ok()
    };
    let day = |t: &str| chrono::NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").ok();
    match (day(a), day(b)) {
        (Some(x), None) => Some(parse(b)?.naive_utc().date() == x),
        (None, Some(y)) => Some(parse(a)?.naive_utc().date() == y),
        _ => Some(parse(a)? == parse(b)?),
    }
}

/// Reconciles `fields` of two linked records. `synced` is their state after the last sync (None
/// before the first one: blanks are filled and the record changed last wins).
pub(crate) fn reconcile(
    rules: &ObjectSync,
    policy: ConflictPolicy,
    fields: &[String],
    a: Seen,
    b: Seen,
    synced: Option<&Fields>,
) -> Reconciled {
    let mut out = Reconciled::default();
    // The record changed last, where both times are known and differ.
    let newer = match (a.modified, b.modified) {
        (Some(x), Some(y)) if x > y => Some(true),
        (Some(x), Some(y)) if y > x => Some(false),
        _ => None,
    };
    for field in fields {
        let rule = rules.rule(field);
        if rule == FieldRule::DontSync {
            continue;
        }
        let av = a.fields.get(field).unwrap_or(&Value::Null);
        let bv = b.fields.get(field).unwrap_or(&Value::Null);
        if same(av, bv) {
            let old = synced.and_then(|s| s.get(field));
            if old.is_none_or(|o| !same(o, av)) {
                out.agreed.insert(field.clone(), av.clone());
            }
            continue;
        }
        let a_wins = match rule {
            FieldRule::AlwaysA => true,
            FieldRule::AlwaysB => false,
            FieldRule::PreferAUnlessBlank => !is_blank(av),
            FieldRule::PreferBUnlessBlank => is_blank(bv),
            FieldRule::TwoWay => {
                // A field never synced for these two (first link, or a field that joined the pair
                // since, as owners once an owner mapping is saved) has no "before".
                let old = synced.and_then(|s| s.get(field));
                let first = old.is_none();
                let a_changed = old.is_none_or(|o| !same(o, av));
                let b_changed = old.is_none_or(|o| !same(o, bv));
                if first && (is_blank(av) || is_blank(bv)) {
                    !is_blank(av)
                } else if a_changed && !b_changed {
                    true
                } else if b_changed && !a_changed {
                    false
                } else {
                    // "Ask" is about changes since the last sync; a field never synced has none,
                    // so the newer record wins where the times tell.
                    let decide = policy == ConflictPolicy::MostRecent || first;
                    match (decide, newer) {
                        (true, Some(a_newer)) => a_newer,
                        _ => {
                            out.conflicts.push(ConflictField {
                                field: field.clone(),
                                synced: old.cloned().unwrap_or(Value::Null),
                                a: av.clone(),
                                b: bv.clone(),
                            });
                            continue;
                        }
                    }
                }
            }
            FieldRule::DontSync => continue,
        };
        if a_wins {
            out.to_b.insert(field.clone(), av.clone());
        } else {
            out.to_a.insert(field.clone(), bv.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use bridge_model::ObjectType;
    use chrono::TimeZone;
    use serde_json::json;

    use super::*;

    fn fields(v: Value) -> Fields {
        v.as_object().unwrap().clone()
    }

    fn rules(pairs: &[(&str, FieldRule)]) -> ObjectSync {
        ObjectSync {
            fields: pairs
                .iter()
                .map(|(f, r)| (f.to_string(), *r))
                .collect::<BTreeMap<_, _>>(),
            ..crate::sync::pairs::plain_object(ObjectType::Person)
        }
    }

    fn at(minute: u32) -> Option<DateTime<Utc>> {
        Some(Utc.with_ymd_and_hms(2026, 11, 1, 9, minute, 0).unwrap())
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn one_instant_or_one_truth_in_two_spellings_is_the_same_value() {
        use serde_json::json;
        assert!(same(
            &json!("2026-03-01T10:00:00Z"),
            &json!("2026-03-01T10:00:00.000000+00:00")
        ));
        assert!(same(
            &json!("2026-03-01T12:00:00.000+0200"),
            &json!("2026-03-01T10:00:00Z")
        ));
        assert!(!same(
            &json!("2026-03-01T10:00:01Z"),
            &json!("2026-03-01T10:00:00Z")
        ));
        assert!(same(&json!("2026-03-01"), &json!("2026-03-01T23:30:00Z")));
        assert!(!same(&json!("2026-03-02"), &json!("2026-03-01T23:30:00Z")));
        assert!(same(&json!(true), &json!("true")));
        assert!(!same(&json!(false), &json!("true")));
        assert!(!same(&json!("Ann"), &json!("ann ")));
    }

    #[test]
    fn each_rule_sends_the_value_sales_ops_expect() {
        let rules = rules(&[
            ("title", FieldRule::AlwaysA),
            ("phone", FieldRule::PreferBUnlessBlank),
            ("city", FieldRule::PreferAUnlessBlank),
            ("country", FieldRule::DontSync),
            ("company", FieldRule::AlwaysB),
        ]);
        let a = fields(
            json!({"title": "", "phone": "+1 555", "city": "", "country": "DE", "company": "Acme"}),
        );
        let b = fields(
            json!({"title": "CTO", "phone": "", "city": "Paris", "country": "FR", "company": "Acme Inc"}),
        );
        let synced = fields(json!({}));
        let out = reconcile(
            &rules,
            ConflictPolicy::Ask,
            &names(&["title", "phone", "city", "country", "company"]),
            Seen {
                fields: &a,
                modified: at(1),
            },
            Seen {
                fields: &b,
                modified: at(2),
            },
            Some(&synced),
        );
        // Always A writes A's blank over B's title; B is blank so A's phone wins; A's city is blank so
        // B's fills it; country is not synced; Always B takes B's company.
        assert_eq!(out.to_b, fields(json!({"title": "", "phone": "+1 555"})));
        assert_eq!(
            out.to_a,
            fields(json!({"city": "Paris", "company": "Acme Inc"}))
        );
        assert!(out.conflicts.is_empty());
    }

    #[test]
    fn two_way_sends_the_side_that_changed_and_never_echoes_a_synced_value() {
        let rules = rules(&[]);
        let synced = fields(json!({"title": "CEO", "city": "Berlin"}));
        let a = fields(json!({"title": "CTO", "city": "Berlin"}));
        let b = fields(json!({"title": "CEO", "city": "Munich"}));
        let out = reconcile(
            &rules,
            ConflictPolicy::Ask,
            &names(&["title", "city"]),
            Seen {
                fields: &a,
                modified: at(1),
            },
            Seen {
                fields: &b,
                modified: at(1),
            },
            Some(&synced),
        );
        assert_eq!(out.to_b, fields(json!({"title": "CTO"})));
        assert_eq!(out.to_a, fields(json!({"city": "Munich"})));
        // After the writes both hold what the state says: nothing left to send, either way.
        let after = fields(json!({"title": "CTO", "city": "Munich"}));
        let again = reconcile(
            &rules,
            ConflictPolicy::Ask,
            &names(&["title", "city"]),
            Seen {
                fields: &after,
                modified: at(5),
            },
            Seen {
                fields: &after,
                modified: at(6),
            },
            Some(&after),
        );
        assert_eq!(again, Reconciled::default());
    }

    #[test]
    fn both_sides_changed_goes_to_the_newer_record_or_to_a_person() {
        let rules = rules(&[]);
        let synced = fields(json!({"title": "CEO"}));
        let a = fields(json!({"title": "CTO"}));
        let b = fields(json!({"title": "COO"}));
        let run = |policy, am, bm| {
            reconcile(
                &rules,
                policy,
                &names(&["title"]),
                Seen {
                    fields: &a,
                    modified: am,
                },
                Seen {
                    fields: &b,
                    modified: bm,
                },
                Some(&synced),
            )
        };
        assert_eq!(
            run(ConflictPolicy::MostRecent, at(3), at(2)).to_b,
            fields(json!({"title": "CTO"}))
        );
        assert_eq!(
            run(ConflictPolicy::MostRecent, at(2), at(3)).to_a,
            fields(json!({"title": "COO"}))
        );
        let tie = run(ConflictPolicy::MostRecent, at(2), at(2));
        assert_eq!(tie.conflicts.len(), 1);
        assert!(tie.to_a.is_empty() && tie.to_b.is_empty());
        let asked = run(ConflictPolicy::Ask, at(3), at(2));
        assert_eq!(
            asked.conflicts,
            vec![ConflictField {
                field: "title".into(),
                synced: json!("CEO"),
                a: json!("CTO"),
                b: json!("COO"),
            }]
        );
    }

    #[test]
    fn a_first_sync_fills_blanks_and_takes_equal_values_as_agreed() {
        let rules = rules(&[]);
        let a = fields(json!({"title": "CTO", "phone": null, "amount": 100}));
        let b = fields(json!({"title": " CTO ", "phone": "+49 30 1", "amount": "100.0"}));
        let out = reconcile(
            &rules,
            ConflictPolicy::Ask,
            &names(&["title", "phone", "amount"]),
            Seen {
                fields: &a,
                modified: None,
            },
            Seen {
                fields: &b,
                modified: None,
            },
            None,
        );
        assert_eq!(out.to_a, fields(json!({"phone": "+49 30 1"})));
        assert!(out.to_b.is_empty() && out.conflicts.is_empty());
        assert_eq!(out.agreed, fields(json!({"title": "CTO", "amount": 100})));
    }

    #[test]
    fn a_field_that_joins_a_pair_later_is_settled_as_at_a_first_sync_not_asked() {
        // The owner joined the pair (an owner mapping was saved) after these two were synced.
        let rules = rules(&[]);
        let synced = fields(json!({"title": "CEO"}));
        let a = fields(json!({"title": "CEO", "owner_id": "u1"}));
        let b = fields(json!({"title": "CEO", "owner_id": "u2"}));
        let run = |am, bm, b: &Fields| {
            reconcile(
                &rules,
                ConflictPolicy::Ask,
                &names(&["title", "owner_id"]),
                Seen {
                    fields: &a,
                    modified: am,
                },
                Seen {
                    fields: b,
                    modified: bm,
                },
                Some(&synced),
            )
        };
        let out = run(at(3), at(2), &b);
        assert_eq!(out.to_b, fields(json!({"owner_id": "u1"})));
        assert!(out.conflicts.is_empty(), "nothing to ask: no value before");
        assert_eq!(
            run(at(2), at(3), &b).to_a,
            fields(json!({"owner_id": "u2"}))
        );
        let blank = fields(json!({"title": "CEO"}));
        assert_eq!(
            run(at(2), at(3), &blank).to_b,
            fields(json!({"owner_id": "u1"})),
            "a blank is filled whichever record is newer"
        );
    }
}
