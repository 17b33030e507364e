//! HubSpot objects -> the canonical model. The only bridge between `wire` and `bridge_model`.

use std::borrow::Cow;

use bridge_model::{ActivityKind, Fields, ObjectType, activity_field as af, field};
use serde_json::{Value, json};

use super::wire;
use crate::{Pulled, RecordError, parse_time, write};

/// One HubSpot object a canonical type is kept in: activities are five (notes, e-mails, calls,
/// meetings, tasks), each its own HubSpot object with its own properties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Object {
    pub object_type: ObjectType,
    /// The activity kind this object holds (None: not an activity).
    pub kind: Option<ActivityKind>,
    pub name: &'static str,
}

const fn object(object_type: ObjectType, name: &'static str) -> Object {
    Object {
        object_type,
        kind: None,
        name,
    }
}

const fn activity(kind: ActivityKind, name: &'static str) -> Object {
    Object {
        object_type: ObjectType::Activity,
        kind: Some(kind),
        name,
    }
}

const COMPANIES: &[Object] = &[object(ObjectType::Company, "companies")];
const CONTACTS: &[Object] = &[object(ObjectType::Person, "contacts")];
const DEALS: &[Object] = &[object(ObjectType::Deal, "deals")];
/// Notes first: their ids are kept as HubSpot gives them, as before the other kinds were mirrored.
const ACTIVITIES: &[Object] = &[
    activity(ActivityKind::Note, "notes"),
    activity(ActivityKind::Email, "emails"),
    activity(ActivityKind::Call, "calls"),
    activity(ActivityKind::Meeting, "meetings"),
    activity(ActivityKind::Task, "tasks"),
];

/// The HubSpot objects of a type (none for Salesforce-only leads; a custom object by its object
/// type id).
pub fn objects(object_type: ObjectType) -> Cow<'static, [Object]> {
    Cow::Borrowed(match object_type {
        ObjectType::Company => COMPANIES,
        ObjectType::Person => CONTACTS,
        ObjectType::Deal => DEALS,
        ObjectType::Activity => ACTIVITIES,
        ObjectType::Lead => &[],
        ObjectType::Custom(c) => return Cow::Owned(vec![object(object_type, c.api_name())]),
    })
}

/// The object a record of `object_type` with this id lives in, and HubSpot's own id: an activity
/// other than a note is kept as `calls/123`, since each engagement object has its own endpoints.
pub fn object_of(object_type: ObjectType, remote_id: &str) -> Option<(Object, &str)> {
    let all = objects(object_type);
    if let Some((name, id)) = remote_id.split_once('/') {
        return all.iter().find(|o| o.name == name).map(|o| (*o, id));
    }
    all.first().map(|o| (*o, remote_id))
}

/// The object a new record of `object_type` is created in (an activity's by its `kind`).
pub fn object_for(object_type: ObjectType, fields: &Fields) -> Option<Object> {
    let kind = ActivityKind::of(fields);
    objects(object_type)
        .iter()
        .find(|o| o.kind.is_none_or(|k| k == kind))
        .copied()
}

impl Object {
    /// The id CRM Bridge keeps for HubSpot's id `id` of this object (see [`object_of`]).
    pub fn remote_id(self, id: String) -> String {
        match self.kind {
            Some(k) if k != ActivityKind::Note => format!("{}/{id}", self.name),
            _ => id,
        }
    }

    /// The property holding the modified time: contacts differ from every other object.
    pub fn modified_property(self) -> &'static str {
        match self.object_type {
            ObjectType::Person => "lastmodifieddate",
            _ => "hs_lastmodifieddate",
        }
    }

    /// (HubSpot property, canonical field) pairs read and written.
    pub fn properties(self) -> &'static [(&'static str, &'static str)] {
        match self.kind {
            None => properties(self.object_type),
            Some(kind) => activity_properties(kind),
        }
    }

    /// The plural a message names ("HubSpot calls").
    pub fn what(self) -> String {
        format!("HubSpot {}", self.name)
    }
}

/// (HubSpot property, canonical field) pairs read for each type (activities: every kind's).
pub fn properties(object_type: ObjectType) -> &'static [(&'static str, &'static str)] {
    match object_type {
        ObjectType::Person => &[
            ("firstname", field::FIRST_NAME),
            ("lastname", field::LAST_NAME),
            ("email", field::EMAIL),
            ("phone", field::PHONE),
            ("jobtitle", field::TITLE),
            ("company", field::COMPANY),
            ("city", "city"),
            ("country", "country"),
            ("hubspot_owner_id", "owner_id"),
            ("associatedcompanyid", "company_id"),
            ("lifecyclestage", "lifecycle_stage"),
            ("hs_lead_status", "lead_status"),
            // Computed by HubSpot: read, never written.
            ("hubspotscore", "lead_score"),
            ("hs_analytics_source", "original_source"),
            ("notes_last_updated", "last_activity_at"),
            ("createdate", "created_at"),
            ("lastmodifieddate", "modified_at"),
        ],
        ObjectType::Company => &[
            ("name", field::NAME),
            ("domain", field::DOMAIN),
            ("phone", field::PHONE),
            ("city", "city"),
            ("country", "country"),
            ("industry", "industry"),
            ("numberofemployees", "employees"),
            ("hubspot_owner_id", "owner_id"),
            ("createdate", "created_at"),
            ("hs_lastmodifieddate", "modified_at"),
        ],
        ObjectType::Deal => &[
            ("dealname", field::NAME),
            ("amount", "amount"),
            ("deal_currency_code", "currency"),
            ("pipeline", "pipeline_id"),
            ("dealstage", "stage_id"),
            ("closedate", "close_date"),
            ("hubspot_owner_id", "owner_id"),
            ("createdate", "created_at"),
            ("hs_lastmodifieddate", "modified_at"),
        ],
        ObjectType::Activity => ALL_ACTIVITY_PROPERTIES,
        ObjectType::Lead => &[],
        // A custom object's own properties are all its schema's: its name is the primary display
        // property (moved by the client, which reads the schema), the rest under `custom`.
        ObjectType::Custom(_) => &[
            ("hs_createdate", "created_at"),
            ("hs_lastmodifieddate", "modified_at"),
        ],
    }
}

/// Every activity kind's canonical fields, for the lists of what a client writes.
const ALL_ACTIVITY_PROPERTIES: &[(&str, &str)] = &[
    ("hs_timestamp", af::OCCURRED_AT),
    ("hs_note_body", af::BODY),
    ("hs_email_subject", af::SUBJECT),
    ("hs_email_direction", af::DIRECTION),
    ("hs_meeting_end_time", af::ENDS_AT),
    ("hs_call_duration", af::DURATION_S),
    ("hs_call_status", af::OUTCOME),
    ("hs_task_status", af::DONE),
    ("hubspot_owner_id", "owner_id"),
    ("hs_createdate", "created_at"),
    ("hs_lastmodifieddate", "modified_at"),
];

/// (HubSpot property, canonical field) of each engagement object (HubSpot's engagement properties:
/// `hs_timestamp` is when it happened, and what every engagement is created with).
fn activity_properties(kind: ActivityKind) -> &'static [(&'static str, &'static str)] {
    match kind {
        ActivityKind::Note => &[
            ("hs_note_body", af::BODY),
            ("hs_timestamp", af::OCCURRED_AT),
            ("hubspot_owner_id", "owner_id"),
            ("hs_createdate", "created_at"),
            ("hs_lastmodifieddate", "modified_at"),
        ],
        ActivityKind::Email => &[
            ("hs_email_subject", af::SUBJECT),
            ("hs_email_text", af::BODY),
            ("hs_email_direction", af::DIRECTION),
            ("hs_timestamp", af::OCCURRED_AT),
            ("hubspot_owner_id", "owner_id"),
            ("hs_createdate", "created_at"),
            ("hs_lastmodifieddate", "modified_at"),
        ],
        ActivityKind::Call => &[
            ("hs_call_title", af::SUBJECT),
            ("hs_call_body", af::BODY),
            ("hs_call_direction", af::DIRECTION),
            ("hs_call_duration", af::DURATION_S),
            ("hs_call_status", af::OUTCOME),
            ("hs_timestamp", af::OCCURRED_AT),
            ("hubspot_owner_id", "owner_id"),
            ("hs_createdate", "created_at"),
            ("hs_lastmodifieddate", "modified_at"),
        ],
        ActivityKind::Meeting => &[
            ("hs_meeting_title", af::SUBJECT),
            ("hs_meeting_body", af::BODY),
            ("hs_meeting_start_time", af::OCCURRED_AT),
            ("hs_meeting_end_time", af::ENDS_AT),
            ("hs_meeting_outcome", af::OUTCOME),
            ("hubspot_owner_id", "owner_id"),
            ("hs_createdate", "created_at"),
            ("hs_lastmodifieddate", "modified_at"),
        ],
        ActivityKind::Task => &[
            ("hs_task_subject", af::SUBJECT),
            ("hs_task_body", af::BODY),
            ("hs_task_status", af::DONE),
            ("hs_timestamp", af::OCCURRED_AT),
            ("hubspot_owner_id", "owner_id"),
            ("hs_createdate", "created_at"),
            ("hs_lastmodifieddate", "modified_at"),
        ],
    }
}

/// HubSpot's values -> canonical ones: directions in one word pair, a call's milliseconds as
/// seconds, a task's status as done or not.
fn activity_in(kind: ActivityKind, fields: &mut Fields) {
    fields.insert(af::KIND.into(), json!(kind.as_str()));
    if let Some(d) = fields.get(af::DIRECTION).and_then(Value::as_str) {
        match bridge_model::activity_direction(d) {
            Some(d) => fields.insert(af::DIRECTION.into(), json!(d)),
            None => fields.remove(af::DIRECTION),
        };
    }
    if let Some(ms) = fields.get(af::DURATION_S).and_then(number) {
        fields.insert(af::DURATION_S.into(), json!((ms / 1000.0).round() as i64));
    }
    if let Some(status) = fields.get(af::DONE).and_then(Value::as_str) {
        let done = status.eq_ignore_ascii_case("COMPLETED");
        fields.insert(af::DONE.into(), json!(done));
    }
    if let Some(o) = fields.get(af::OUTCOME).and_then(Value::as_str)
        && let Some(canonical) = bridge_model::activity_outcome(o)
    {
        fields.insert(af::OUTCOME.into(), json!(canonical));
    }
}

/// A canonical outcome as the option of HubSpot's call status or meeting outcome (None: HubSpot's
/// picklist has no such option, and the property is left out rather than refused).
fn outcome_option(kind: ActivityKind, outcome: &str) -> Option<&'static str> {
    let canonical = bridge_model::activity_outcome(outcome)?;
    match kind {
        ActivityKind::Call => match canonical {
            "completed" | "voicemail" => Some("COMPLETED"),
            "no_answer" => Some("NO_ANSWER"),
            "busy" => Some("BUSY"),
            "failed" => Some("FAILED"),
            "canceled" => Some("CANCELED"),
            "scheduled" => Some("QUEUED"),
            _ => None,
        },
        ActivityKind::Meeting => match canonical {
            "completed" => Some("COMPLETED"),
            "scheduled" => Some("SCHEDULED"),
            "rescheduled" => Some("RESCHEDULED"),
            "no_show" => Some("NO_SHOW"),
            "canceled" => Some("CANCELED"),
            _ => None,
        },
        _ => None,
    }
}

/// Canonical values -> HubSpot's (the reverse of `activity_in`); a meeting's start is also its
/// `hs_timestamp`, which every engagement is created with.
fn activity_out(kind: ActivityKind, properties: &mut serde_json::Map<String, Value>) {
    let set = |properties: &mut serde_json::Map<String, Value>, key: &str, value: String| {
        properties.insert(key.to_owned(), Value::String(value));
    };
    for key in ["hs_call_direction", "hs_email_direction"] {
        let Some(d) = properties.get(key).and_then(Value::as_str) else {
            continue;
        };
        let inbound = bridge_model::activity_direction(d) == Some("inbound");
        let value = match (kind, inbound) {
            (ActivityKind::Email, true) => "INCOMING_EMAIL",
            (ActivityKind::Email, false) => "EMAIL",
            (_, true) => "INBOUND",
            (_, false) => "OUTBOUND",
        };
        set(properties, key, value.into());
    }
    if let Some(s) = properties.get("hs_call_duration").and_then(number) {
        set(
            properties,
            "hs_call_duration",
            ((s * 1000.0) as i64).to_string(),
        );
    }
    if let Some(done) = properties.get("hs_task_status").and_then(truth) {
        let status = if done { "COMPLETED" } else { "NOT_STARTED" };
        set(properties, "hs_task_status", status.into());
    }
    for key in ["hs_call_status", "hs_meeting_outcome"] {
        let Some(value) = properties.remove(key) else {
            continue;
        };
        match value.as_str().map(|o| outcome_option(kind, o)) {
            Some(Some(option)) => set(properties, key, option.into()),
            // A cleared outcome stays cleared.
            _ if write::is_blank(&value) => {
                properties.insert(key.into(), Value::String(String::new()));
            }
            _ => {}
        }
    }
    if kind == ActivityKind::Meeting
        && let Some(start) = properties.get("hs_meeting_start_time").cloned()
    {
        properties.insert("hs_timestamp".into(), start);
    }
}

fn number(v: &Value) -> Option<f64> {
    v.as_f64().or_else(|| v.as_str()?.trim().parse().ok())
}

fn truth(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" | "completed" | "done" => Some(true),
            "false" | "no" | "0" | "not_started" | "" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

pub fn pulled(object: Object, wire: wire::Object, raw: Value, custom: &[String]) -> Pulled {
    let mut fields = Fields::new();
    for (property, canonical) in object.properties() {
        // A cleared property reads back as null or "": no value either way.
        if let Some(v) = wire
            .properties
            .get(*property)
            .filter(|v| !write::is_blank(v))
        {
            fields.insert((*canonical).to_owned(), v.clone());
        }
    }
    crate::custom::gather(&mut fields, custom, |k| wire.properties.get(k).cloned());
    if let Some(kind) = object.kind {
        activity_in(kind, &mut fields);
    }
    let modified_at = wire
        .properties
        .get(object.modified_property())
        .and_then(Value::as_str)
        .and_then(parse_time)
        .or_else(|| wire.updated_at.as_deref().and_then(parse_time));
    Pulled {
        object_type: object.object_type,
        remote_id: object.remote_id(wire.id),
        fields,
        raw,
        modified_at,
    }
}

/// Links kept as associations rather than properties: (canonical field, HubSpot-defined association
/// type id from this object). A contact's company stays the `associatedcompanyid` property.
fn association_types(object: Object) -> &'static [(&'static str, u32)] {
    match (object.object_type, object.kind) {
        (ObjectType::Deal, _) => &[("company_id", 341), ("person_id", 3)],
        (ObjectType::Activity, Some(ActivityKind::Email)) => {
            &[("company_id", 186), ("person_id", 198), ("deal_id", 210)]
        }
        (ObjectType::Activity, Some(ActivityKind::Call)) => {
            &[("company_id", 182), ("person_id", 194), ("deal_id", 206)]
        }
        (ObjectType::Activity, Some(ActivityKind::Meeting)) => {
            &[("company_id", 188), ("person_id", 200), ("deal_id", 212)]
        }
        (ObjectType::Activity, Some(ActivityKind::Task)) => {
            &[("company_id", 192), ("person_id", 204), ("deal_id", 216)]
        }
        (ObjectType::Activity, _) => &[("company_id", 190), ("person_id", 202), ("deal_id", 214)],
        // A custom object's association type ids are its schema's own: its company is associated
        // with the default type once the record exists (`CUSTOM_OBJECT_LINK`).
        (ObjectType::Custom(_), _) => &[("company_id", CUSTOM_OBJECT_LINK)],
        _ => &[],
    }
}

/// The type id standing for "the default association, made after the create" (see
/// [`association_types`]).
pub const CUSTOM_OBJECT_LINK: u32 = 0;

/// The link fields HubSpot keeps as associations for this type.
pub fn link_fields(object_type: ObjectType) -> impl Iterator<Item = &'static str> {
    objects(object_type)
        .first()
        .map_or(&[][..], |o| association_types(*o))
        .iter()
        .map(|(c, _)| *c)
}

/// The HubSpot object a link field points at.
pub fn link_target(canonical: &str) -> Option<&'static str> {
    match canonical {
        "company_id" => Some("companies"),
        "person_id" => Some("contacts"),
        "deal_id" => Some("deals"),
        _ => None,
    }
}

/// Takes the link fields HubSpot keeps as associations out of an update: (target object, new id or
/// None to unlink). They are changed through the v4 associations endpoints, not as properties.
pub fn split_links(object: Object, fields: &mut Fields) -> Vec<(&'static str, Option<String>)> {
    association_types(object)
        .iter()
        .filter_map(|(canonical, _)| {
            let value = fields.remove(*canonical)?;
            let to = match value {
                Value::Null => None,
                Value::String(s) if s.is_empty() => None,
                Value::String(s) => Some(s),
                other => Some(other.to_string()),
            };
            Some((link_target(canonical)?, to))
        })
        .collect()
}

/// The plural name of the object types of a HubSpot record, for messages ("HubSpot contacts").
pub fn what(object_type: ObjectType) -> String {
    let name = objects(object_type).first().map_or("objects", |o| o.name);
    format!("HubSpot {name}")
}

/// One batch input: `{"properties": ...}`, with `associations` on create for the linked ids.
pub fn input(object: Object, fields: &Fields, creating: bool) -> Result<Value, RecordError> {
    let mut fields = fields.clone();
    if object.kind == Some(ActivityKind::Note) {
        note_subject_into_body(&mut fields);
    }
    let mut associations = Vec::new();
    for (canonical, type_id) in association_types(object) {
        let Some(to) = fields.remove(*canonical).filter(|v| !v.is_null()) else {
            continue;
        };
        if *type_id == CUSTOM_OBJECT_LINK {
            continue;
        }
        if !creating {
            return Err(RecordError::validation(
                Some(canonical),
                format!(
                    "{} keep `{canonical}` as an association, changed through `links` on update",
                    object.what()
                ),
            ));
        }
        let to = match to {
            Value::String(s) => s,
            other => other.to_string(),
        };
        associations.push(json!({
            "to": {"id": to},
            "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}],
        }));
    }
    let mut properties =
        write::to_wire(&object.what(), &fields, object.properties(), str::to_owned)?;
    if let Some(kind) = object.kind {
        activity_out(kind, &mut properties);
        // Every engagement is created with `hs_timestamp`: a record that gives no time of its own
        // is dated by its creation in the CRM it came from.
        if creating
            && !properties.contains_key("hs_timestamp")
            && let Some(created) = fields.get("created_at").filter(|v| !v.is_null())
        {
            properties.insert("hs_timestamp".into(), created.clone());
        }
    }
    // Property values are strings (the SDK's `{[key: string]: string}`): HubSpot clears a property
    // written as "", and refuses null.
    for value in properties.values_mut() {
        if value.is_null() {
            *value = Value::String(String::new());
        }
    }
    let mut input = json!({ "properties": properties });
    if !associations.is_empty() {
        input["associations"] = Value::Array(associations);
    }
    Ok(input)
}

/// HubSpot notes have no subject: one that comes with a subject (a Salesforce note) keeps it as the
/// first line of its body rather than losing it.
fn note_subject_into_body(fields: &mut Fields) {
    let Some(subject) = fields.remove(af::SUBJECT) else {
        return;
    };
    let subject = subject.as_str().unwrap_or_default().trim().to_owned();
    if subject.is_empty() {
        return;
    }
    let body = fields
        .get(af::BODY)
        .and_then(Value::as_str)
        .unwrap_or_default();
    let joined = if body.trim().is_empty() {
        subject
    } else {
        format!("{subject}\n\n{body}")
    };
    fields.insert(af::BODY.into(), json!(joined));
}

/// A custom object record's `name` as its primary display property (under `custom`, where the
/// object's own properties are); other objects' fields as they are.
pub fn name_into(fields: &Fields, primary: Option<&str>) -> Fields {
    let mut out = fields.clone();
    // The name is taken out only where it has somewhere to go.
    let Some(primary) = primary else {
        return out;
    };
    let Some(name) = out.remove(field::NAME) else {
        return out;
    };
    let custom = out
        .entry(write::CUSTOM)
        .or_insert_with(|| Value::Object(Default::default()));
    if let Value::Object(custom) = custom {
        custom.entry(primary).or_insert(name);
    }
    out
}

/// A pulled custom object record's primary display property as its `name`.
pub fn name_from(fields: &mut Fields, primary: &str) {
    let Some(Value::Object(custom)) = fields.get_mut(write::CUSTOM) else {
        return;
    };
    let Some(name) = custom.remove(primary) else {
        return;
    };
    if custom.is_empty() {
        fields.remove(write::CUSTOM);
    }
    fields.insert(field::NAME.into(), name);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_custom_object_s_name_moves_to_its_primary_property() {
        let record = Fields::from_iter([
            ("name".to_owned(), json!("Acme")),
            ("domain".to_owned(), json!("acme.example")),
        ]);
        assert_eq!(name_into(&record, None), record, "a company keeps its name");
        let invoice = name_into(&record, Some("invoice_number"));
        assert_eq!(invoice.get("name"), None);
        assert_eq!(invoice["custom"]["invoice_number"], "Acme");
        let mut back = invoice.clone();
        name_from(&mut back, "invoice_number");
        assert_eq!(back, record);
    }
}
