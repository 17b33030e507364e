//! The plan of a merge, before anything is written: which record survives (the master) and which value
//! every field ends up with, each choice saying where it came from and by which rule. A person may
//! override any field; applying and undoing the plan is the engine's part.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A record of the group as the plan sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub fields: Map<String, Value>,
    /// RFC 3339 times, as stored; compared as text (same format, so the order holds).
    pub created_at: Option<String>,
    pub modified_at: Option<String>,
    /// The CRM the record lives in ("hubspot", ...).
    pub provider: String,
}

/// How the master is chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "rule", content = "provider")]
pub enum MasterRule {
    /// The record with the most filled-in fields.
    MostComplete,
    /// The record created first.
    Oldest,
    /// The record changed last.
    MostRecent,
    /// A record of this CRM, else the most complete.
    PreferredCrm(String),
}

/// How a field's value is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldRule {
    /// The master's value, blank or not.
    MasterWins,
    /// The master's value; where it is blank, the most recently changed record's that is not.
    FillBlanks,
    /// The value of the most recently changed record that has one.
    MostRecent,
    /// The longest value (the most detailed address or description).
    Longest,
    /// Every distinct value, for fields that hold lists.
    Union,
    /// Chosen by a person.
    Override,
}

/// The value one field ends up with, and where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChoice {
    pub field: String,
    pub value: Value,
    /// The member the value comes from (None: several, for a union, or a typed override).
    pub from: Option<usize>,
    pub rule: FieldRule,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergePlan {
    pub master: usize,
    pub master_rule: MasterRule,
    pub fields: Vec<FieldChoice>,
}

/// Fields that describe the record's life in its CRM, not the entity: never merged.
const SYSTEM: &[&str] = &["created_at", "modified_at"];

/// No value: absent, null, blank text, or an empty list or object.
pub fn blank(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::Object(o)) => o.is_empty(),
        _ => false,
    }
}

fn filled(m: &Member) -> usize {
    m.fields
        .iter()
        .filter(|(k, v)| !SYSTEM.contains(&k.as_str()) && !blank(Some(v)))
        .count()
}

/// The master by `rule`; ties go to the most complete, then the first.
pub fn choose_master(members: &[Member], rule: &MasterRule) -> usize {
    let by = |key: &dyn Fn(&Member) -> (i64, String)| {
        (0..members.len())
            .max_by(|&a, &b| {
                key(&members[a])
                    .cmp(&key(&members[b]))
                    .then(filled(&members[a]).cmp(&filled(&members[b])))
                    .then(b.cmp(&a))
            })
            .unwrap_or(0)
    };
    match rule {
        MasterRule::MostComplete => by(&|m| (filled(m) as i64, String::new())),
        // Oldest: the smallest time wins, so compare on the reverse; records without one lose.
        MasterRule::Oldest => by(&|m| match &m.created_at {
            Some(t) => (1, invert(t)),
            None => (0, String::new()),
        }),
        MasterRule::MostRecent => by(&|m| (0, m.modified_at.clone().unwrap_or_default())),
        MasterRule::PreferredCrm(p) => by(&|m| (i64::from(&m.provider == p), String::new())),
    }
}

/// A text that sorts in the opposite order (for "smallest wins" through a max).
fn invert(t: &str) -> String {
    // Times are ASCII, so each byte is a character.
    t.bytes().map(|b| char::from(255 - b)).collect()
}

/// Members from the most recently changed, for "most recent" and for filling blanks.
fn by_recency(members: &[Member]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..members.len()).collect();
    order.sort_by(|&a, &b| {
        members[b]
            .modified_at
            .cmp(&members[a].modified_at)
            .then(a.cmp(&b))
    });
    order
}

/// The rule a field gets by default.
pub fn default_rule(field: &str, values: &[&Value]) -> FieldRule {
    if values.iter().any(|v| v.is_array()) {
        FieldRule::Union
    } else if matches!(field, "description" | "notes" | "address") {
        FieldRule::Longest
    } else {
        FieldRule::FillBlanks
    }
}

/// Plans the merge of `members` (two or more). `overrides` set fields to a person's choice.
pub fn plan(
    members: &[Member],
    master_rule: MasterRule,
    overrides: &Map<String, Value>,
) -> MergePlan {
    let master = choose_master(members, &master_rule);
    plan_around(members, master, master_rule, overrides)
}

/// Plans the merge around the master a person picked (`master_rule` says how it was first chosen).
pub fn plan_around(
    members: &[Member],
    master: usize,
    master_rule: MasterRule,
    overrides: &Map<String, Value>,
) -> MergePlan {
    let master = master.min(members.len().saturating_sub(1));
    let recency = by_recency(members);
    let keys: BTreeSet<&String> = members
        .iter()
        .flat_map(|m| m.fields.keys())
        .filter(|k| !SYSTEM.contains(&k.as_str()))
        .collect();
    let fields = keys
        .into_iter()
        .map(|key| {
            if let Some(value) = overrides.get(key) {
                let from = members
                    .iter()
                    .position(|m| m.fields.get(key) == Some(value));
                return FieldChoice {
                    field: key.clone(),
                    value: value.clone(),
                    from,
                    rule: FieldRule::Override,
                };
            }
            let values: Vec<&Value> = members.iter().filter_map(|m| m.fields.get(key)).collect();
            let rule = default_rule(key, &values);
            // The most recently changed member that has a value.
            let first_filled = || {
                recency
                    .iter()
                    .copied()
                    .find(|&i| !blank(members[i].fields.get(key)))
            };
            let (value, from) = match rule {
                FieldRule::Union => {
                    let mut all: Vec<Value> = Vec::new();
                    for i in std::iter::once(master).chain(recency.iter().copied()) {
                        for v in members[i]
                            .fields
                            .get(key)
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                        {
                            if !all.contains(v) {
                                all.push(v.clone());
                            }
                        }
                    }
                    (Value::Array(all), None)
                }
                FieldRule::Longest => {
                    let best = (0..members.len())
                        .filter(|&i| !blank(members[i].fields.get(key)))
                        .max_by_key(|&i| {
                            (
                                members[i].fields[key].to_string().len(),
                                usize::from(i == master),
                            )
                        });
                    (
                        best.map_or(Value::Null, |i| members[i].fields[key].clone()),
                        best,
                    )
                }
                FieldRule::MostRecent => {
                    let i = first_filled();
                    (i.map_or(Value::Null, |i| members[i].fields[key].clone()), i)
                }
                _ => {
                    let i = if blank(members[master].fields.get(key)) {
                        first_filled()
                    } else {
                        Some(master)
                    };
                    (i.map_or(Value::Null, |i| members[i].fields[key].clone()), i)
                }
            };
            FieldChoice {
                field: key.clone(),
                value,
                from,
                rule,
            }
        })
        .collect();
    MergePlan {
        master,
        master_rule,
        fields,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn member(fields: Value, created: &str, modified: &str, provider: &str) -> Member {
        Member {
            fields: fields.as_object().cloned().unwrap(),
            created_at: Some(created.into()),
            modified_at: Some(modified.into()),
            provider: provider.into(),
        }
    }

    fn members() -> Vec<Member> {
        vec![
            member(
                json!({"first_name": "William", "last_name": "Smith", "email": "w.smith@acme.com", "phone": ""}),
                "2020-01-01T00:00:00Z",
                "2024-01-01T00:00:00Z",
                "hubspot",
            ),
            member(
                json!({"first_name": "Bill", "last_name": "Smith", "email": "bill@acme.com",
                    "phone": "+14155550100", "title": "VP Sales", "description": "Met at the fair in Leeds"}),
                "2022-01-01T00:00:00Z",
                "2025-06-01T00:00:00Z",
                "close",
            ),
            member(
                json!({"first_name": "Will", "last_name": "Smith", "description": "Met at the fair"}),
                "2019-01-01T00:00:00Z",
                "2023-01-01T00:00:00Z",
                "salesforce",
            ),
        ]
    }

    fn value(plan: &MergePlan, field: &str) -> (Value, Option<usize>, FieldRule) {
        let c = plan.fields.iter().find(|c| c.field == field).unwrap();
        (c.value.clone(), c.from, c.rule)
    }

    #[test]
    fn the_master_follows_the_rule() {
        let m = members();
        for (rule, want) in [
            (MasterRule::MostComplete, 1),
            (MasterRule::Oldest, 2),
            (MasterRule::MostRecent, 1),
            (MasterRule::PreferredCrm("hubspot".into()), 0),
            (MasterRule::PreferredCrm("pipedrive".into()), 1),
        ] {
            assert_eq!(choose_master(&m, &rule), want, "{rule:?}");
        }
    }

    #[test]
    fn fields_keep_the_master_fill_blanks_and_prefer_the_longest_text() {
        let p = plan(
            &members(),
            MasterRule::PreferredCrm("hubspot".into()),
            &Map::new(),
        );
        assert_eq!(p.master, 0);
        assert_eq!(
            value(&p, "first_name"),
            (json!("William"), Some(0), FieldRule::FillBlanks)
        );
        assert_eq!(
            value(&p, "email"),
            (json!("w.smith@acme.com"), Some(0), FieldRule::FillBlanks)
        );
        // The master's phone is blank: the most recently changed record that has one fills it.
        assert_eq!(
            value(&p, "phone"),
            (json!("+14155550100"), Some(1), FieldRule::FillBlanks)
        );
        assert_eq!(
            value(&p, "title"),
            (json!("VP Sales"), Some(1), FieldRule::FillBlanks)
        );
        assert_eq!(
            value(&p, "description"),
            (
                json!("Met at the fair in Leeds"),
                Some(1),
                FieldRule::Longest
            )
        );
    }

    #[test]
    fn a_person_overrides_any_field() {
        let mut overrides = Map::new();
        overrides.insert("email".into(), json!("bill@acme.com"));
        overrides.insert("title".into(), json!("Chief Revenue Officer"));
        let p = plan(&members(), MasterRule::Oldest, &overrides);
        assert_eq!(
            value(&p, "email"),
            (json!("bill@acme.com"), Some(1), FieldRule::Override)
        );
        assert_eq!(
            value(&p, "title"),
            (json!("Chief Revenue Officer"), None, FieldRule::Override)
        );
    }

    #[test]
    fn a_picked_master_keeps_its_values() {
        let p = plan_around(&members(), 2, MasterRule::MostComplete, &Map::new());
        assert_eq!(p.master, 2);
        assert_eq!(value(&p, "first_name").0, json!("Will"));
        // Its blanks are still filled from the others.
        assert_eq!(value(&p, "email").0, json!("bill@acme.com"));
    }

    #[test]
    fn list_fields_are_united() {
        let m = vec![
            member(json!({"tags": ["vip", "emea"]}), "2020", "2021", "hubspot"),
            member(
                json!({"tags": ["emea", "renewal"]}),
                "2020",
                "2022",
                "close",
            ),
        ];
        let p = plan(&m, MasterRule::MostComplete, &Map::new());
        assert_eq!(value(&p, "tags").0, json!(["vip", "emea", "renewal"]));
        assert_eq!(value(&p, "tags").2, FieldRule::Union);
    }
}
