//! The writes one object type of a pair needs, read from the mirror of both sides: updates of linked
//! records by their rules, links for records both sides already hold (same e-mail, domain, name), and
//! creates for records only one side has.

use std::collections::{HashMap, HashSet};

use bridge_model::{
    ConflictField, ConflictPolicy, DeleteRule, FieldAcross, FieldRule, Fields, ObjectSync,
    ObjectType, ScopeCondition, Side, WriteOperation,
};
use bridge_store::{outbox::NewOutboxWrite, records::SyncView, sync_state::Synced};
use serde_json::Value;

use crate::field_path::{self, id_text};

use super::{
    accounts::{AccountIds, MAPPED},
    across,
    custom::CustomFields,
    reconcile::{Reconciled, Seen, is_blank, reconcile, same},
};

/// Link fields and the type they point at: carried across as the other side's id of the same record.
pub(crate) const LINKS: &[(&str, ObjectType)] = &[
    ("company_id", ObjectType::Company),
    ("person_id", ObjectType::Person),
    ("deal_id", ObjectType::Deal),
];

/// Ids that only mean something in one account (owners, pipelines, stages, statuses): synced only
/// where the pair's stage and owner mappings carry them (`accounts`).
pub(crate) const ACCOUNT_BOUND: &[&str] = &["owner_id", "pipeline_id", "stage_id", "status_id"];

/// A's ids <-> B's ids: of the records already linked, per parent type, and of owners and stages;
/// and the custom fields and fields kept across each object of the pair syncs.
#[derive(Debug, Default)]
pub(crate) struct Crosswalk {
    a_to_b: HashMap<(ObjectType, String), String>,
    b_to_a: HashMap<(ObjectType, String), String>,
    pub ids: AccountIds,
    pub custom: HashMap<ObjectType, CustomFields>,
    pub across: HashMap<ObjectType, Vec<FieldAcross>>,
}

impl Crosswalk {
    pub fn new(
        ids: AccountIds,
        custom: HashMap<ObjectType, CustomFields>,
        across: HashMap<ObjectType, Vec<FieldAcross>>,
    ) -> Self {
        Crosswalk {
            ids,
            custom,
            across,
            ..Crosswalk::default()
        }
    }

    /// A write's values (in the ids of the side written) as that CRM takes them: a deal's pipeline
    /// with its stage, custom fields nested under `custom` with that side's keys, fields kept
    /// across under that side's name with its values.
    pub fn finish(&self, object_type: ObjectType, fields: Fields, to: Side) -> Fields {
        let mut fields = self.ids.with_pipeline(fields, to);
        if let Some(custom) = self.custom.get(&object_type) {
            fields = custom.nest(fields, to);
        }
        match self.across.get(&object_type) {
            Some(across) => across::unflatten(across, fields, to),
            None => fields,
        }
    }

    pub fn add(&mut self, object_type: ObjectType, states: &[Synced]) {
        for s in states {
            self.a_to_b
                .insert((object_type, s.a_remote_id.clone()), s.b_remote_id.clone());
            self.b_to_a
                .insert((object_type, s.b_remote_id.clone()), s.a_remote_id.clone());
        }
    }

    /// `fields` with link, owner and stage ids carried to the other side; a link to a record not
    /// linked yet is left out (it goes across once its parent is synced), as is an unmapped id.
    pub fn carry(&self, fields: &Fields, to: Side) -> Fields {
        let mut out = fields.clone();
        for field in MAPPED {
            match fields.get(*field).filter(|v| !is_blank(v)) {
                Some(v) => match self.ids.carry(field, v, to) {
                    Some(id) => out.insert(field.to_string(), Value::String(id)),
                    None => out.remove(*field),
                },
                None => None,
            };
        }
        for (field, parent) in LINKS {
            let Some(v) = fields.get(*field) else {
                continue;
            };
            if is_blank(v) {
                continue;
            }
            let id = id_text(v);
            let map = match to {
                Side::A => &self.b_to_a,
                Side::B => &self.a_to_b,
            };
            match map.get(&(*parent, id)) {
                Some(other) => out.insert(field.to_string(), Value::String(other.clone())),
                None => out.remove(*field),
            };
        }
        out
    }
}

/// A record pair's open conflict to record.
#[derive(Debug, Clone)]
pub(crate) struct PlannedConflict {
    pub a_remote_id: String,
    pub b_remote_id: String,
    pub a_name: String,
    pub b_name: String,
    pub fields: Vec<ConflictField>,
    /// A conflict about a deletion: the side the record is gone from (`fields` is empty).
    pub deleted_side: Option<Side>,
}

/// What one object type of a pair needs.
#[derive(Debug, Default)]
pub(crate) struct ObjectPlan {
    pub writes: Vec<NewOutboxWrite>,
    /// States to store at once: new links and values both sides agree on already.
    pub states: Vec<Synced>,
    pub conflicts: Vec<PlannedConflict>,
    pub unchanged: i64,
}

/// The inputs of one object type's plan.
pub(crate) struct PlanInput<'a> {
    pub pair: i64,
    pub rules: &'a ObjectSync,
    pub policy: ConflictPolicy,
    /// The fields both CRMs take, minus account-bound ones.
    pub fields: &'a [String],
    pub a: &'a [SyncView],
    pub b: &'a [SyncView],
    pub states: &'a [Synced],
    /// Writes not yet confirmed, per side written to, by source record (`outbox::waiting`).
    pub waiting_to_a: &'a HashMap<String, Option<Fields>>,
    pub waiting_to_b: &'a HashMap<String, Option<Fields>>,
    pub crosswalk: &'a Crosswalk,
    /// A sides of the links whose other record a person kept after a deletion (`sync_state::kept`).
    pub kept: &'a HashSet<String>,
    /// Records left after their counterpart's deletion that other records link to (a company's
    /// people, a person's activities): deleting one may take those with it in its CRM (Salesforce
    /// and Close delete an account's or a lead's children), so a person is asked first.
    pub with_children: &'a HashSet<String>,
    /// Keys under which a record left unmatched is not created on the other side: another object
    /// of the pair keeps or will link that person (`leads::Held`).
    pub held: &'a super::leads::Held,
}

pub(crate) fn in_scope(scope: &[ScopeCondition], fields: &Fields) -> bool {
    let text = |f: &str| match fields.get(f) {
        Some(Value::String(s)) => s.trim().to_lowercase(),
        Some(v) if !is_blank(v) => v.to_string().to_lowercase(),
        _ => String::new(),
    };
    scope.iter().all(|c| match c {
        ScopeCondition::IsSet { field } => !text(field).is_empty(),
        ScopeCondition::Equals { field, value } => text(field) == value.trim().to_lowercase(),
        ScopeCondition::Contains { field, value } => {
            text(field).contains(&value.trim().to_lowercase())
        }
    })
}

/// The key two records of one type share when they are the same entity: a person's e-mail, a
/// company's domain (or name), a deal's name with its company.
pub(crate) fn identity_key(object_type: ObjectType, fields: &Fields) -> Option<String> {
    let text = |f: &str| {
        fields
            .get(f)
            .and_then(Value::as_str)
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty())
    };
    match object_type {
        ObjectType::Person | ObjectType::Lead => text("email"),
        ObjectType::Company => text("domain").or_else(|| text("name")),
        ObjectType::Deal | ObjectType::Custom(_) => {
            text("name").map(|n| format!("{n}|{}", text("company_id").unwrap_or_default()))
        }
        ObjectType::Activity => None,
    }
}

/// Whether the record's key is among `keys` (another object of the pair keeps that person).
fn held(input: &PlanInput, keys: &HashSet<String>, fields: &Fields) -> bool {
    identity_key(input.rules.object_type, fields).is_some_and(|k| keys.contains(&k))
}

fn pending(waiting: &HashMap<String, Option<Fields>>, source: &str) -> bool {
    matches!(waiting.get(source), Some(None))
}

/// A write the CRM refused with these very values is not sent again by a run (only by the
/// failed-records queue, or once the values change).
fn refused_as_is(input: &PlanInput, w: &NewOutboxWrite) -> bool {
    let waiting = match w.side {
        Side::A => input.waiting_to_a,
        Side::B => input.waiting_to_b,
    };
    matches!(waiting.get(&w.source_remote_id), Some(Some(sent)) if *sent == w.fields)
}

pub(crate) fn plan(input: &PlanInput) -> ObjectPlan {
    let mut out = plan_all(input);
    out.writes.retain(|w| !refused_as_is(input, w));
    out
}

fn plan_all(input: &PlanInput) -> ObjectPlan {
    let t = input.rules.object_type;
    let mut out = ObjectPlan::default();
    let a_by_id: HashMap<&str, &SyncView> =
        input.a.iter().map(|r| (r.remote_id.as_str(), r)).collect();
    let b_by_id: HashMap<&str, &SyncView> =
        input.b.iter().map(|r| (r.remote_id.as_str(), r)).collect();
    let mut linked_a: HashSet<&str> = input
        .states
        .iter()
        .map(|s| s.a_remote_id.as_str())
        .collect();
    let mut linked_b: HashSet<&str> = input
        .states
        .iter()
        .map(|s| s.b_remote_id.as_str())
        .collect();

    for s in input.states {
        match (
            a_by_id.get(s.a_remote_id.as_str()),
            b_by_id.get(s.b_remote_id.as_str()),
        ) {
            (Some(a), Some(b)) => pair_up(input, a, b, Some(&s.synced), &mut out),
            (None, Some(b)) => deleted_on(input, Side::A, s, b, &mut out),
            (Some(a), None) => deleted_on(input, Side::B, s, a, &mut out),
            // Gone from both: nothing left to do; the link stays as history.
            (None, None) => {}
        }
    }

    // Records that keep each other's id (written by an earlier sync, or there before) are one,
    // whatever their keys say now.
    let rules = input.rules;
    if rules.id_in_a.is_some() || rules.id_in_b.is_some() {
        let unlinked_a = |id: &str| {
            a_by_id
                .get(id)
                .copied()
                .filter(|_| !linked_a.contains(id) && !pending(input.waiting_to_b, id))
        };
        let unlinked_b = |id: &str| {
            b_by_id
                .get(id)
                .copied()
                .filter(|_| !linked_b.contains(id) && !pending(input.waiting_to_a, id))
        };
        let mut found: Vec<(&SyncView, &SyncView)> = Vec::new();
        for b in input.b {
            if let Some(a) =
                kept_id(&b.fields, rules.id_in_b.as_deref()).and_then(|id| unlinked_a(&id))
                && unlinked_b(&b.remote_id).is_some()
            {
                found.push((a, b));
            }
        }
        for a in input.a {
            if let Some(b) =
                kept_id(&a.fields, rules.id_in_a.as_deref()).and_then(|id| unlinked_b(&id))
                && unlinked_a(&a.remote_id).is_some()
            {
                found.push((a, b));
            }
        }
        for (a, b) in found {
            // One to one: the first claim of a record wins.
            if linked_a.contains(a.remote_id.as_str()) || linked_b.contains(b.remote_id.as_str()) {
                continue;
            }
            linked_a.insert(&a.remote_id);
            linked_b.insert(&b.remote_id);
            pair_up(input, a, b, None, &mut out);
        }
    }

    // Records only one side links: matched by key with the other side's unlinked records, one to one
    // in id order (a key two records share on one side is a duplicate the Duplicates screen settles;
    // the sync mirrors it rather than guess); the rest are created on the other side.
    // B's records carry their links as A's ids, for the key and for a create in A.
    type Carried<'a> = (&'a SyncView, Fields);
    let mut by_key: HashMap<String, (Vec<&SyncView>, Vec<Carried>)> = HashMap::new();
    let mut lone_a = Vec::new();
    let mut lone_b = Vec::new();
    for a in input.a {
        if linked_a.contains(a.remote_id.as_str()) || pending(input.waiting_to_b, &a.remote_id) {
            continue;
        }
        match identity_key(t, &a.fields) {
            Some(k) => by_key.entry(k).or_default().0.push(a),
            None => lone_a.push(a),
        }
    }
    for b in input.b {
        if linked_b.contains(b.remote_id.as_str()) || pending(input.waiting_to_a, &b.remote_id) {
            continue;
        }
        let carried = input.crosswalk.carry(&b.fields, Side::A);
        match identity_key(t, &carried) {
            Some(k) => by_key.entry(k).or_default().1.push((b, carried)),
            None => lone_b.push((b, carried)),
        }
    }
    let mut keys: Vec<_> = by_key.into_iter().collect();
    keys.sort_by(|x, y| x.0.cmp(&y.0));
    for (_, (mut as_, mut bs)) in keys {
        as_.sort_by(|x, y| x.remote_id.cmp(&y.remote_id));
        bs.sort_by(|x, y| x.0.remote_id.cmp(&y.0.remote_id));
        let n = as_.len().min(bs.len());
        for (a, (b, _)) in as_.iter().zip(&bs) {
            pair_up(input, a, b, None, &mut out);
        }
        lone_a.extend(&as_[n..]);
        lone_b.extend(bs.into_iter().skip(n));
    }
    if input.rules.create_in_b {
        for a in lone_a {
            if !in_scope(&input.rules.scope, &a.fields)
                || held(input, &input.held.not_in_b, &a.fields)
            {
                continue;
            }
            let values = creatable(input, &a.fields);
            let carried = input.crosswalk.carry(&values, Side::B);
            let synced = went_across(values, &carried);
            out.writes.push(NewOutboxWrite {
                pair_id: input.pair,
                object_type: t,
                side: Side::B,
                operation: WriteOperation::Create,
                source_remote_id: a.remote_id.clone(),
                remote_id: None,
                fields: keep_id(
                    input.crosswalk.finish(t, carried, Side::B),
                    rules.id_in_b.as_deref(),
                    &a.remote_id,
                ),
                synced,
            });
        }
    }
    if input.rules.create_in_a {
        for (b, carried) in lone_b {
            if !in_scope(&input.rules.scope, &carried)
                || held(input, &input.held.not_in_a, &carried)
            {
                continue;
            }
            let values = creatable(input, &carried);
            out.writes.push(NewOutboxWrite {
                pair_id: input.pair,
                object_type: t,
                side: Side::A,
                operation: WriteOperation::Create,
                source_remote_id: b.remote_id.clone(),
                remote_id: None,
                fields: keep_id(
                    input.crosswalk.finish(t, values.clone(), Side::A),
                    rules.id_in_a.as_deref(),
                    &b.remote_id,
                ),
                synced: values,
            });
        }
    }
    out
}

/// A linked record deleted on side `gone` (its mirror copy is marked deleted): by the pair's rule,
/// nothing happens, the record left on the other side is deleted too, or a person is asked. A record
/// changed since the last sync, or one others link to, is never deleted by a run: the Conflicts inbox
/// asks about it.
fn deleted_on(
    input: &PlanInput,
    gone: Side,
    state: &Synced,
    left: &SyncView,
    out: &mut ObjectPlan,
) {
    let rule = input.rules.deletions;
    let (waiting, deleted_id) = match gone {
        Side::A => (input.waiting_to_b, &state.a_remote_id),
        Side::B => (input.waiting_to_a, &state.b_remote_id),
    };
    if rule == DeleteRule::DontCarry
        || pending(waiting, deleted_id)
        || input.kept.contains(&state.a_remote_id)
    {
        return;
    }
    // The record left, in A's ids as the sync state keeps them; a link or owner that cannot be
    // carried (its target not linked, no mapping) is not compared.
    let mut fields = match gone {
        Side::A => input.crosswalk.carry(&left.fields, Side::A),
        Side::B => left.fields.clone(),
    };
    let uncarried: Vec<&String> = left
        .fields
        .iter()
        .filter(|(k, v)| !is_blank(v) && !fields.contains_key(*k))
        .map(|(k, _)| k)
        .collect();
    for f in input.fields {
        if !uncarried.contains(&f) {
            fields.entry(f.clone()).or_insert(Value::Null);
        }
    }
    if !in_scope(&input.rules.scope, &fields) {
        return;
    }
    if rule == DeleteRule::Ask
        || changed_since(input, &fields, &state.synced)
        || input.with_children.contains(&left.remote_id)
    {
        out.conflicts.push(PlannedConflict {
            a_remote_id: state.a_remote_id.clone(),
            b_remote_id: state.b_remote_id.clone(),
            a_name: left.display_name.clone(),
            b_name: left.display_name.clone(),
            fields: Vec::new(),
            deleted_side: Some(gone),
        });
        return;
    }
    out.writes.push(delete_write(
        input.pair,
        input.rules.object_type,
        gone,
        deleted_id,
        &left.remote_id,
    ));
}

/// The values of `values` (in A's ids) that `carried` (in B's) took across: what cannot go across
/// yet (a link to a company not linked) is not what was synced, or the next run would read its
/// absence on B as a change and blank it on A.
pub(crate) fn went_across(values: Fields, carried: &Fields) -> Fields {
    values
        .into_iter()
        .filter(|(k, _)| carried.contains_key(k))
        .collect()
}

/// The write that carries the deletion of `deleted` (on side `gone`) to `left` on the other side.
pub(crate) fn delete_write(
    pair: i64,
    object_type: ObjectType,
    gone: Side,
    deleted: &str,
    left: &str,
) -> NewOutboxWrite {
    NewOutboxWrite {
        pair_id: pair,
        object_type,
        side: gone.other(),
        operation: WriteOperation::Delete,
        source_remote_id: deleted.to_owned(),
        remote_id: Some(left.to_owned()),
        fields: Fields::new(),
        synced: Fields::new(),
    }
}

/// Whether a record holds, in a field the pair syncs, another value than the last sync left (only
/// the fields `fields` holds are compared; a missing one is one that cannot be).
fn changed_since(input: &PlanInput, fields: &Fields, synced: &Fields) -> bool {
    input
        .fields
        .iter()
        .filter(|f| input.rules.rule(f) != FieldRule::DontSync && fields.contains_key(*f))
        .any(|f| !same(&fields[f], synced.get(f).unwrap_or(&Value::Null)))
}

/// The values a new record gets: every synced field with a value (links as A's ids).
fn creatable(input: &PlanInput, fields: &Fields) -> Fields {
    input
        .fields
        .iter()
        .filter_map(|f| {
            fields
                .get(f)
                .filter(|v| !is_blank(v))
                .map(|v| (f.clone(), v.clone()))
        })
        .collect()
}

/// The other side's id a record keeps in its custom field `field` (`custom.<key>`), if any.
fn kept_id(fields: &Fields, field: Option<&str>) -> Option<String> {
    match field_path::get(fields, field?)? {
        Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `fields` with `id` in the custom field `field`, nested as the CRM takes custom values.
fn keep_id(mut fields: Fields, field: Option<&str>, id: &str) -> Fields {
    if let Some(field) = field {
        field_path::put(&mut fields, field, Value::String(id.to_owned()));
    }
    fields
}

/// Reconciles two linked records and adds what they need to the plan.
fn pair_up(
    input: &PlanInput,
    a: &SyncView,
    b: &SyncView,
    synced: Option<&Fields>,
    out: &mut ObjectPlan,
) {
    if synced.is_some()
        && (pending(input.waiting_to_a, &b.remote_id)
            || pending(input.waiting_to_b, &a.remote_id)
            || !in_scope(&input.rules.scope, &a.fields) && !in_scope(&input.rules.scope, &b.fields))
    {
        return;
    }
    let mut b_fields = input.crosswalk.carry(&b.fields, Side::A);
    // A link whose target is not linked on the other side yet is compared once it is, an owner or
    // stage with no mapping not at all.
    let mut a_fields = a.fields.clone();
    // A map may send several of A's values to one of B's: B's is read as A's where they agree.
    across::agree(&input.rules.across, &a.fields, &b.fields, &mut b_fields);
    for field in LINKS.iter().map(|(f, _)| *f).chain(MAPPED.iter().copied()) {
        if b.fields.get(field).is_some_and(|v| !is_blank(v)) && !b_fields.contains_key(field) {
            a_fields.remove(field);
        }
    }
    // An owner or stage of A that maps to B's is the same one, whatever B's maps back to.
    for field in MAPPED {
        if let (Some(av), Some(bv)) = (a.fields.get(*field), b.fields.get(*field))
            && input.crosswalk.ids.same(field, av, bv)
        {
            b_fields.insert(field.to_string(), av.clone());
        }
    }
    let Reconciled {
        to_a,
        to_b,
        agreed,
        conflicts,
    } = reconcile(
        input.rules,
        input.policy,
        input.fields,
        Seen {
            fields: &a_fields,
            modified: a.modified,
        },
        Seen {
            fields: &b_fields,
            modified: b.modified,
        },
        synced,
    );
    let nothing = to_a.is_empty() && to_b.is_empty() && conflicts.is_empty();
    // A new link is stored at once (with what already agrees), so its writes have a state to land on.
    if synced.is_none() || !agreed.is_empty() {
        let mut state = synced.cloned().unwrap_or_default();
        state.extend(agreed);
        out.states.push(Synced {
            a_remote_id: a.remote_id.clone(),
            b_remote_id: b.remote_id.clone(),
            synced: state,
        });
    }
    if !conflicts.is_empty() {
        out.conflicts.push(PlannedConflict {
            a_remote_id: a.remote_id.clone(),
            b_remote_id: b.remote_id.clone(),
            a_name: a.display_name.clone(),
            b_name: b.display_name.clone(),
            fields: conflicts,
            deleted_side: None,
        });
    }
    let t = input.rules.object_type;
    // Each record keeps the other's id where the pair says so; written with the values or alone.
    let id_to_a = input.rules.id_in_a.as_deref().filter(|_| {
        kept_id(&a.fields, input.rules.id_in_a.as_deref()) != Some(b.remote_id.clone())
    });
    let id_to_b = input.rules.id_in_b.as_deref().filter(|_| {
        kept_id(&b.fields, input.rules.id_in_b.as_deref()) != Some(a.remote_id.clone())
    });
    let carried = input.crosswalk.carry(&to_b, Side::B);
    let to_b = went_across(to_b, &carried);
    let mut to_a_fields = input.crosswalk.finish(t, to_a.clone(), Side::A);
    let mut to_b_fields = input.crosswalk.finish(t, carried, Side::B);
    if id_to_a.is_some() {
        to_a_fields = keep_id(to_a_fields, id_to_a, &b.remote_id);
    }
    if id_to_b.is_some() {
        to_b_fields = keep_id(to_b_fields, id_to_b, &a.remote_id);
    }
    for (side, source, target, fields, synced) in [
        (Side::A, b, a, to_a_fields, to_a),
        (Side::B, a, b, to_b_fields, to_b),
    ] {
        if fields.is_empty() {
            continue;
        }
        out.writes.push(NewOutboxWrite {
            pair_id: input.pair,
            object_type: t,
            side,
            operation: WriteOperation::Update,
            source_remote_id: source.remote_id.clone(),
            remote_id: Some(target.remote_id.clone()),
            fields,
            synced,
        });
    }
    if nothing && id_to_a.is_none() && id_to_b.is_none() {
        out.unchanged += 1;
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_record_is_in_scope_when_every_condition_holds_case_aside() {
        let fields = json!({"email": "Ann@ACME.example", "country": "DE", "title": ""})
            .as_object()
            .unwrap()
            .clone();
        let is_set = |f: &str| ScopeCondition::IsSet { field: f.into() };
        let equals = |f: &str, v: &str| ScopeCondition::Equals {
            field: f.into(),
            value: v.into(),
        };
        let contains = |f: &str, v: &str| ScopeCondition::Contains {
            field: f.into(),
            value: v.into(),
        };
        assert!(in_scope(&[], &fields));
        assert!(in_scope(
            &[is_set("email"), equals("country", " de ")],
            &fields
        ));
        assert!(in_scope(&[contains("email", "@acme")], &fields));
        assert!(!in_scope(&[is_set("title")], &fields), "blank is not set");
        assert!(!in_scope(
            &[is_set("email"), equals("country", "FR")],
            &fields
        ));
        assert!(!in_scope(&[contains("phone", "+49")], &fields));
    }
}
