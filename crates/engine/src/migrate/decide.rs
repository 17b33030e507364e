//! What a migration does with each source record of one object type, from the mirrors of both
//! CRMs and the migration's crosswalk. Shared by the dry run and the run, so the dry run shows
//! exactly what the run will do.

use std::collections::{HashMap, HashSet};

use bridge_model::{
    ExistingRecords, FieldMapping, FieldProblem, Fields, MigrationAction, ObjectType, PlannedItem,
    activity_field,
};
use bridge_store::{migrations::MigrationItem, records::SyncView};
use serde_json::Value;

use super::mapping::{Translate, map_record};
use crate::sync::identity_key;

/// One source record's decision, with the target's current record where it has one.
#[derive(Debug, Clone)]
pub(crate) struct Decision {
    pub item: PlannedItem,
    /// Nothing to write: the target already holds these values.
    pub unchanged: bool,
    /// The target's values of the fields an update writes, to restore them on rollback.
    pub before_image: Option<Fields>,
    /// A link to the target record of this source record (a duplicate in the source).
    pub duplicate_of: Option<String>,
}

pub(crate) struct DecideInput<'a> {
    pub mapping: &'a FieldMapping,
    pub existing: ExistingRecords,
    pub source: &'a [SyncView],
    pub target: &'a [SyncView],
    /// This migration's items of the source type, by source id.
    pub items: &'a HashMap<String, MigrationItem>,
    pub translate: &'a Translate<'a>,
    /// Records of parent types a dry run would create: links to them are not problems.
    pub planned_creates: &'a HashSet<(ObjectType, String)>,
    /// Target records another object of this migration wrote (the contacts Salesforce's contacts
    /// became, for its leads): a record matching one by key is linked to it, never updated over it.
    pub written_by_others: &'a HashSet<String>,
}

pub(crate) fn decide(input: &DecideInput) -> Vec<Decision> {
    let by_id: HashMap<&str, &SyncView> = input
        .target
        .iter()
        .map(|r| (r.remote_id.as_str(), r))
        .collect();
    // Target records some source record already maps to are not matched again.
    let claimed: HashSet<&str> = input
        .items
        .values()
        .filter_map(|i| i.target_remote_id.as_deref())
        .collect();
    // The target's unclaimed records by key, and by what tells apart a record with no key (a
    // person without an e-mail, a note): a create of one that was sent and not answered (pending:
    // a lost answer, a crash) is found among them by the same values, one each, so a resumed run
    // never sends it twice. (An identical record the target held before, where the request never
    // reached the CRM, stands in for it: the same name on the same company, the same text on the
    // same records.)
    let mut by_key: HashMap<String, Vec<&SyncView>> = HashMap::new();
    let mut keyless: HashMap<String, Vec<&SyncView>> = HashMap::new();
    for r in input.target {
        if claimed.contains(r.remote_id.as_str()) {
            continue;
        }
        // A record with a key is never taken for one created without it.
        if let Some(k) = identity_key(input.mapping.target_object, &r.fields) {
            by_key.entry(k).or_default().push(r);
        } else if let Some(k) = keyless_key(input.mapping.target_object, &r.fields) {
            keyless.entry(k).or_default().push(r);
        }
    }
    // Key -> the first source record holding it and the target record it goes to (None: created).
    let mut taken: HashMap<String, (String, Option<&SyncView>)> = HashMap::new();
    let pending = |t: ObjectType, id: &str| input.planned_creates.contains(&(t, id.to_owned()));
    let mapped: Vec<(Fields, Vec<bridge_model::FieldProblem>)> = input
        .source
        .iter()
        .map(|s| map_record(input.mapping, &s.fields, input.translate, &pending))
        .collect();
    let known_target = |s: &SyncView| {
        input
            .items
            .get(&s.remote_id)
            .filter(|i| i.action != MigrationAction::Skip)
            .and_then(|i| i.target_remote_id.as_deref())
            .and_then(|id| by_id.get(id).copied())
    };
    // Keys the migration has a target record for already, whatever order the source lists them
    // in: a duplicate of one of those is linked to it, never created.
    for (s, (fields, _)) in input.source.iter().zip(&mapped) {
        if let (Some(t), Some(k)) = (known_target(s), key_of(input.mapping, fields, &s.fields)) {
            taken.entry(k).or_insert((s.remote_id.clone(), Some(t)));
        }
    }
    let mut out = Vec::with_capacity(input.source.len());
    for (s, (fields, problems)) in input.source.iter().zip(mapped) {
        if let Some(d) = converted_lead(input, s) {
            out.push(d);
            continue;
        }
        let known = input.items.get(&s.remote_id);
        let mut target = known_target(s);
        let mut action = MigrationAction::Create;
        if target.is_some() {
            // A record linked once (link only, or a duplicate in the source of a record migrated
            // already) stays linked: two source records never take turns writing one target.
            action = if known.is_some_and(|i| i.action == MigrationAction::Link) {
                MigrationAction::Link
            } else {
                MigrationAction::Update
            };
        } else if known.is_some_and(|i| i.action == MigrationAction::Skip) {
            action = MigrationAction::Skip;
        } else {
            // A record the target holds already (or a create whose answer was lost: it is in the
            // target's mirror after the pull, with the values it was sent with).
            let key = key_of(input.mapping, &fields, &s.fields);
            let lost_create =
                known.is_some_and(|i| i.action == MigrationAction::Create && i.status == "pending");
            // A record with a key is found by it or not at all: a pending create that no target
            // record's key matches never reached the CRM, and another record with the same name on
            // the same company is another person (taking it overwrote that person's e-mail).
            let found = match key {
                Some(k) => by_key
                    .get_mut(&k)
                    .and_then(|v| (!v.is_empty()).then(|| v.remove(0))),
                None => keyless_key(input.mapping.target_object, &fields)
                    .and_then(|k| keyless.get_mut(&k))
                    .and_then(|v| (lost_create && !v.is_empty()).then(|| v.remove(0))),
            };
            if let Some(found) = found {
                target = Some(found);
                let created_by_us = known.is_some_and(|i| i.action == MigrationAction::Create);
                action = match input.existing {
                    _ if created_by_us => MigrationAction::Update,
                    _ if input.written_by_others.contains(&found.remote_id) => {
                        MigrationAction::Link
                    }
                    ExistingRecords::LinkAndUpdate => MigrationAction::Update,
                    ExistingRecords::LinkOnly => MigrationAction::Link,
                    ExistingRecords::Skip => MigrationAction::Skip,
                };
            }
        }
        let mut before_image = None;
        let mut unchanged = false;
        let mut write = fields.clone();
        if action == MigrationAction::Update
            && let Some(t) = target
        {
            write = changed(&fields, &t.fields);
            unchanged = write.is_empty();
            before_image = (!unchanged).then(|| before(&write, &t.fields));
        }
        // A second source record with the key of one already matched or about to be created is a
        // duplicate in the source: it is linked to the same target record, not sent again (the
        // target would refuse it, or hold the entity twice).
        let mut duplicate_of = None;
        if action == MigrationAction::Create
            && let Some(k) = key_of(input.mapping, &fields, &s.fields)
        {
            match taken.get(&k) {
                Some(first) => {
                    action = MigrationAction::Link;
                    target = first.1;
                    duplicate_of = Some(first.0.clone());
                }
                None => {
                    taken.insert(k, (s.remote_id.clone(), None));
                }
            }
        } else if let (Some(k), Some(t)) = (key_of(input.mapping, &fields, &s.fields), target) {
            taken.entry(k).or_insert((s.remote_id.clone(), Some(t)));
        }
        out.push(Decision {
            item: PlannedItem {
                object_type: input.mapping.source_object,
                source_remote_id: s.remote_id.clone(),
                name: s.display_name.clone(),
                action,
                target_remote_id: target.map(|t| t.remote_id.clone()),
                fields: write,
                problems: if matches!(action, MigrationAction::Skip | MigrationAction::Link) {
                    Vec::new()
                } else {
                    problems
                },
                unchanged,
            },
            unchanged,
            before_image,
            duplicate_of,
        });
    }
    out
}

/// A Salesforce lead that was converted is its contact now: it is not migrated again but skipped,
/// pointing at where that contact went (so what links to the lead links there).
fn converted_lead(input: &DecideInput, s: &SyncView) -> Option<Decision> {
    if input.mapping.source_object != ObjectType::Lead
        || s.fields.get("converted").and_then(Value::as_bool) != Some(true)
    {
        return None;
    }
    // Where that contact went, or (in a dry run) is about to go.
    let contact = s
        .fields
        .get("converted_person_id")
        .and_then(Value::as_str)
        .and_then(|id| {
            let key = (ObjectType::Person, id.to_owned());
            match input.translate.crosswalk.get(&key) {
                Some(target) => Some(target.clone()),
                None => input
                    .planned_creates
                    .contains(&key)
                    .then(|| super::mapping::pending_link(ObjectType::Person, id)),
            }
        });
    Some(Decision {
        item: PlannedItem {
            object_type: ObjectType::Lead,
            source_remote_id: s.remote_id.clone(),
            name: s.display_name.clone(),
            action: MigrationAction::Skip,
            target_remote_id: contact,
            fields: Fields::new(),
            problems: Vec::new(),
            unchanged: false,
        },
        unchanged: false,
        before_image: None,
        duplicate_of: None,
    })
}

/// The moment a CRM's time names, in milliseconds (a day: its midnight, UTC), however it is written.
fn instant(text: &str) -> Option<i64> {
    let t = text.trim();
    chrono::DateTime::parse_from_rfc3339(t)
        .or_else(|_| chrono::DateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .map(|t| t.timestamp_millis())
        .ok()
        .or_else(|| {
            let day = chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()?;
            Some(day.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis())
        })
}

/// What tells apart a record without a key, to find a create whose answer was lost: a person's
/// name and company, an activity's kind, time and text and the records it is on (spaces and case
/// aside).
fn keyless_key(object_type: ObjectType, fields: &Fields) -> Option<String> {
    let text = |f: &&str| match fields.get(*f) {
        Some(Value::String(s)) => s
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase(),
        Some(v) if !v.is_null() => v.to_string(),
        _ => String::new(),
    };
    let (what, on) = match object_type {
        // A full name or its parts, whichever the CRM keeps.
        ObjectType::Person | ObjectType::Lead => {
            let parts = format!("{} {}", text(&"first_name"), text(&"last_name"));
            let parts = parts.trim();
            let name = if parts.is_empty() {
                text(&"name")
            } else {
                parts.to_owned()
            };
            (name, text(&"company_id"))
        }
        // Its kind, when, subject and text: a meeting synced from a calendar may have no text at all.
        ObjectType::Activity => {
            let when = fields
                .get(activity_field::OCCURRED_AT)
                .and_then(Value::as_str)
                .and_then(instant)
                .map(|t| t.to_string())
                .unwrap_or_default();
            let said = [text(&activity_field::SUBJECT), text(&activity_field::BODY)];
            if said.iter().all(String::is_empty) && when.is_empty() {
                return None;
            }
            (
                [text(&activity_field::KIND), when, said.join("|")].join("|"),
                ["company_id", "person_id", "deal_id"]
                    .iter()
                    .map(text)
                    .collect::<Vec<_>>()
                    .join("|"),
            )
        }
        _ => return None,
    };
    if what.is_empty() {
        return None;
    }
    Some(format!("{on}|{what}"))
}

/// The key a record is matched by: of its mapped values, or of the source's.
fn key_of(mapping: &FieldMapping, mapped: &Fields, source: &Fields) -> Option<String> {
    identity_key(mapping.target_object, mapped)
        .or_else(|| identity_key(mapping.source_object, source))
}

/// Equal as the sync compares values (blanks alike, text trimmed, numbers by value), and without
/// regard to case: a CRM may keep an e-mail or a name in its own case, and writing it back every run
/// would change nothing a person sees.
fn same(a: &Value, b: Option<&Value>) -> bool {
    let lower = |v: &Value| match v {
        Value::String(s) => Value::String(s.to_lowercase()),
        other => other.clone(),
    };
    crate::sync::same(&lower(a), &lower(b.unwrap_or(&Value::Null)))
}

/// The mapped fields whose values the target does not hold yet (custom fields key by key).
fn changed(mapped: &Fields, target: &Fields) -> Fields {
    let mut out = Fields::new();
    for (k, v) in mapped {
        if k == bridge_crm::CUSTOM {
            let theirs = target.get(k);
            let diff: serde_json::Map<String, Value> = v
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(ck, cv)| !same(cv, theirs.and_then(|t| t.get(*ck))))
                .map(|(ck, cv)| (ck.clone(), cv.clone()))
                .collect();
            if !diff.is_empty() {
                out.insert(k.clone(), Value::Object(diff));
            }
        } else if k == activity_field::KIND {
            // Chosen at creation (it picks where an activity is made), never written after.
            continue;
        } else if !same(v, target.get(k)) {
            out.insert(k.clone(), v.clone());
        }
    }
    out
}

/// The target's values of the fields about to be written (blank where it has none).
fn before(write: &Fields, target: &Fields) -> Fields {
    let mut out = Fields::new();
    for (k, v) in write {
        if k == bridge_crm::CUSTOM {
            let theirs = target.get(k);
            let old: serde_json::Map<String, Value> = v
                .as_object()
                .into_iter()
                .flatten()
                .map(|(ck, _)| {
                    let old = theirs.and_then(|t| t.get(ck)).cloned();
                    (ck.clone(), old.unwrap_or(Value::String(String::new())))
                })
                .collect();
            out.insert(k.clone(), Value::Object(old));
        } else {
            let old = target.get(k).cloned();
            out.insert(k.clone(), old.unwrap_or(Value::String(String::new())));
        }
    }
    out
}

/// Problems named for the record they belong to, for a failed-records entry or a result line.
pub(crate) fn describe(problems: &[FieldProblem]) -> String {
    problems
        .iter()
        .map(|p| format!("{}: {}", p.field, p.message))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use bridge_model::{MappedField, Transform};
    use serde_json::json;

    use super::*;

    fn view(id: &str, fields: Value) -> SyncView {
        SyncView {
            row: 0,
            remote_id: id.into(),
            display_name: id.into(),
            fields: fields.as_object().unwrap().clone(),
            modified: None,
        }
    }

    fn pending_create(id: &str) -> MigrationItem {
        MigrationItem {
            object_type: ObjectType::Person,
            source_remote_id: id.into(),
            target_remote_id: None,
            action: MigrationAction::Create,
            status: "pending".into(),
            run: 1,
            before_image: None,
            error: None,
        }
    }

    #[test]
    fn a_lost_create_is_found_by_its_key_or_by_its_name_only_when_it_has_no_key() {
        let mapping = FieldMapping {
            source_object: ObjectType::Person,
            target_object: ObjectType::Person,
            fields: ["first_name", "last_name", "email"]
                .map(|f| MappedField {
                    source: f.into(),
                    target: f.into(),
                    transform: Transform::Direct,
                    required: false,
                })
                .to_vec(),
        };
        let source = [
            // Sent, and the answer lost; no target record has this e-mail: it never arrived.
            view(
                "c1",
                json!({"first_name": "Ann", "last_name": "Lee", "email": "ann.2@x.example"}),
            ),
            // Sent without an e-mail, the answer lost: the target holds it by name.
            view("c2", json!({"first_name": "Bo", "last_name": "Wu"})),
            // Sent, the answer lost, and the target holds it by its e-mail.
            view(
                "c3",
                json!({"first_name": "Cy", "last_name": "Ng", "email": "cy@x.example"}),
            ),
        ];
        let target = [
            // Another Ann Lee, with an e-mail of her own.
            view(
                "h1",
                json!({"first_name": "Ann", "last_name": "Lee", "email": "ann@x.example"}),
            ),
            view("h2", json!({"first_name": "Bo", "last_name": "Wu"})),
            view(
                "h3",
                json!({"first_name": "Cy", "last_name": "Ng", "email": "cy@x.example"}),
            ),
            // Someone named as the one sent without an e-mail, but with one: another person.
            view(
                "h4",
                json!({"first_name": "Bo", "last_name": "Wu", "email": "bo@x.example"}),
            ),
        ];
        let items: HashMap<String, MigrationItem> = ["c1", "c2", "c3"]
            .map(|id| (id.to_owned(), pending_create(id)))
            .into_iter()
            .collect();
        let crosswalk = HashMap::new();
        let decisions = decide(&DecideInput {
            mapping: &mapping,
            existing: ExistingRecords::LinkAndUpdate,
            source: &source,
            target: &target,
            items: &items,
            translate: &Translate {
                crosswalk: &crosswalk,
                stages: &[],
                owners: &[],
                fallback_owner: None,
            },
            planned_creates: &HashSet::new(),
            written_by_others: &HashSet::new(),
        });
        let got: Vec<(MigrationAction, Option<&str>)> = decisions
            .iter()
            .map(|d| (d.item.action, d.item.target_remote_id.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                (MigrationAction::Create, None),
                (MigrationAction::Update, Some("h2")),
                (MigrationAction::Update, Some("h3")),
            ]
        );
    }

    #[test]
    fn a_lost_activity_create_is_found_by_its_kind_time_and_links_even_without_text() {
        let mapping = FieldMapping {
            source_object: ObjectType::Activity,
            target_object: ObjectType::Activity,
            fields: ["kind", "subject", "body", "occurred_at", "person_id"]
                .map(|f| MappedField {
                    source: f.into(),
                    target: f.into(),
                    transform: Transform::Direct,
                    required: false,
                })
                .to_vec(),
        };
        // A meeting from a synced calendar: a title and a time, no text; sent, the answer lost.
        let meeting = |id: &str, at: &str| {
            view(
                id,
                json!({"kind": "meeting", "subject": "Demo", "occurred_at": at, "person_id": "p1"}),
            )
        };
        let source = [meeting("m1", "2026-10-05T15:00:00.000000+00:00")];
        // The target holds it, its time written its own way; another demo an hour later is another.
        let target = [
            meeting("h9", "2026-10-05T16:00:00Z"),
            meeting("h1", "2026-10-05T15:00:00Z"),
        ];
        let items: HashMap<String, MigrationItem> = [(
            "m1".to_owned(),
            MigrationItem {
                object_type: ObjectType::Activity,
                ..pending_create("m1")
            },
        )]
        .into_iter()
        .collect();
        let crosswalk = HashMap::from([((ObjectType::Person, "p1".to_owned()), "p1".to_owned())]);
        let decisions = decide(&DecideInput {
            mapping: &mapping,
            existing: ExistingRecords::LinkAndUpdate,
            source: &source,
            target: &target,
            items: &items,
            translate: &Translate {
                crosswalk: &crosswalk,
                stages: &[],
                owners: &[],
                fallback_owner: None,
            },
            planned_creates: &HashSet::new(),
            written_by_others: &HashSet::new(),
        });
        assert_eq!(decisions[0].item.target_remote_id.as_deref(), Some("h1"));
        assert_ne!(decisions[0].item.action, MigrationAction::Create);
    }
}
