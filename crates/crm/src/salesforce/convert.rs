//! Salesforce sObjects -> the canonical model. The only bridge between `wire` and `bridge_model`.

use bridge_model::{ActivityKind, Fields, ObjectType, activity_field as af, field};
use serde_json::{Value, json};

use crate::{Pulled, RecordError, parse_time, write};

/// The sObjects a canonical type is kept in: activities are Tasks (notes, e-mails, calls and tasks,
/// told apart by `TaskSubtype`) and Events (meetings).
pub fn sobjects(object_type: ObjectType) -> Vec<&'static str> {
    match object_type {
        ObjectType::Activity => vec!["Task", "Event"],
        other => vec![sobject(other)],
    }
}

/// The sObject of a record of `object_type` by its id's key prefix (an Event's is `00U`).
pub fn sobject_of_id(object_type: ObjectType, id: &str) -> &'static str {
    if object_type == ObjectType::Activity && id.starts_with("00U") {
        "Event"
    } else {
        sobject(object_type)
    }
}

/// The sObject a new activity of this kind is created as.
pub fn activity_sobject(kind: ActivityKind) -> &'static str {
    if kind == ActivityKind::Meeting {
        "Event"
    } else {
        "Task"
    }
}

const TASK_FIELDS: &[(&str, &str)] = &[
    ("Subject", af::SUBJECT),
    ("Description", af::BODY),
    ("ActivityDate", af::OCCURRED_AT),
    ("Status", af::DONE),
    ("CallType", af::DIRECTION),
    ("CallDurationInSeconds", af::DURATION_S),
    ("CallDisposition", af::OUTCOME),
    ("WhoId", "person_id"),
    ("WhatId", "company_id"),
    ("OwnerId", "owner_id"),
    ("CreatedDate", "created_at"),
];

const EVENT_FIELDS: &[(&str, &str)] = &[
    ("Subject", af::SUBJECT),
    ("Description", af::BODY),
    ("StartDateTime", af::OCCURRED_AT),
    ("EndDateTime", af::ENDS_AT),
    ("WhoId", "person_id"),
    ("WhatId", "company_id"),
    ("OwnerId", "owner_id"),
    ("CreatedDate", "created_at"),
];

/// (sObject field, canonical field) of one sObject of a type.
pub fn sobject_fields(
    object_type: ObjectType,
    sobject: &str,
) -> &'static [(&'static str, &'static str)] {
    match (object_type, sobject) {
        (ObjectType::Activity, "Event") => EVENT_FIELDS,
        (ObjectType::Activity, _) => TASK_FIELDS,
        _ => fields(object_type),
    }
}

pub fn sobject(object_type: ObjectType) -> &'static str {
    match object_type {
        ObjectType::Company => "Account",
        ObjectType::Person => "Contact",
        ObjectType::Lead => "Lead",
        ObjectType::Deal => "Opportunity",
        ObjectType::Activity => "Task",
        ObjectType::Custom(c) => c.api_name(),
    }
}

/// (sObject field, canonical field) pairs read for each type. A custom object's own `__c` fields
/// are all under `custom` (its lookups too, by the id they hold).
pub fn fields(object_type: ObjectType) -> &'static [(&'static str, &'static str)] {
    match object_type {
        ObjectType::Custom(_) => &[
            ("Name", field::NAME),
            ("OwnerId", "owner_id"),
            ("CreatedDate", "created_at"),
        ],
        ObjectType::Company => &[
            ("Name", field::NAME),
            ("Website", field::DOMAIN),
            ("Phone", field::PHONE),
            ("BillingCity", "city"),
            ("BillingCountry", "country"),
            ("Industry", "industry"),
            ("NumberOfEmployees", "employees"),
            ("OwnerId", "owner_id"),
            ("CreatedDate", "created_at"),
        ],
        ObjectType::Person => &[
            ("FirstName", field::FIRST_NAME),
            ("LastName", field::LAST_NAME),
            ("Email", field::EMAIL),
            ("Phone", field::PHONE),
            ("Title", field::TITLE),
            ("AccountId", "company_id"),
            ("MailingCity", "city"),
            ("MailingCountry", "country"),
            ("OwnerId", "owner_id"),
            ("CreatedDate", "created_at"),
        ],
        ObjectType::Lead => &[
            ("FirstName", field::FIRST_NAME),
            ("LastName", field::LAST_NAME),
            ("Company", field::COMPANY),
            ("Email", field::EMAIL),
            ("Phone", field::PHONE),
            ("Title", field::TITLE),
            ("Status", "status"),
            ("LeadSource", "source"),
            // Set by Salesforce when a lead is converted: read, never written.
            ("IsConverted", "converted"),
            ("ConvertedContactId", "converted_person_id"),
            ("ConvertedAccountId", "converted_company_id"),
            ("City", "city"),
            ("Country", "country"),
            ("OwnerId", "owner_id"),
            ("CreatedDate", "created_at"),
        ],
        ObjectType::Deal => &[
            ("Name", field::NAME),
            ("Amount", "amount"),
            ("StageName", "stage_id"),
            ("Probability", "probability"),
            ("CloseDate", "close_date"),
            ("AccountId", "company_id"),
            ("ContactId", "person_id"),
            ("OwnerId", "owner_id"),
            ("CreatedDate", "created_at"),
        ],
        // Every activity field either sObject has (what the client writes; reads go by sObject).
        ObjectType::Activity => &[
            ("Subject", af::SUBJECT),
            ("Description", af::BODY),
            ("ActivityDate", af::OCCURRED_AT),
            ("EndDateTime", af::ENDS_AT),
            ("Status", af::DONE),
            ("CallType", af::DIRECTION),
            ("CallDurationInSeconds", af::DURATION_S),
            ("CallDisposition", af::OUTCOME),
            ("WhoId", "person_id"),
            ("WhatId", "company_id"),
            ("WhatId", "deal_id"),
            ("OwnerId", "owner_id"),
            ("CreatedDate", "created_at"),
        ],
    }
}

pub fn soql_fields(object_type: ObjectType, sobject: &str) -> String {
    let mut names: Vec<&str> = vec!["Id", "SystemModstamp"];
    names.extend(sobject_fields(object_type, sobject).iter().map(|f| f.0));
    if object_type == ObjectType::Activity && sobject == "Task" {
        names.push("TaskSubtype");
    }
    names.join(", ")
}

pub fn pulled(
    object_type: ObjectType,
    sobject: &str,
    id: String,
    modstamp: Option<&str>,
    raw: Value,
    custom: &[String],
) -> Pulled {
    let mut out = Fields::new();
    for (name, canonical) in sobject_fields(object_type, sobject) {
        if let Some(v) = raw.get(*name).filter(|v| !v.is_null()) {
            let v = match (*canonical, v.as_str()) {
                // Website is a URL; the canonical field is the bare domain.
                (field::DOMAIN, Some(url)) => json!(
                    url.split("://")
                        .nth(1)
                        .unwrap_or(url)
                        .split('/')
                        .next()
                        .unwrap_or_default()
                        .trim_start_matches("www.")
                        .to_lowercase()
                ),
                _ => v.clone(),
            };
            out.insert((*canonical).to_owned(), v);
        }
    }
    if object_type == ObjectType::Activity {
        activity_in(sobject, &raw, &mut out);
    }
    crate::custom::gather(&mut out, custom, |k| raw.get(k).cloned());
    Pulled {
        object_type,
        remote_id: id,
        fields: out,
        modified_at: modstamp.and_then(parse_time),
        raw,
    }
}

/// Salesforce's activity values -> canonical ones: the kind from the sObject and `TaskSubtype`, a
/// task done when its Status is Completed, the call type as a direction, and `WhatId` a deal's link
/// when it names an Opportunity (key prefix 006).
fn activity_in(sobject: &str, raw: &Value, out: &mut Fields) {
    let kind = match (sobject, raw["TaskSubtype"].as_str()) {
        ("Event", _) => ActivityKind::Meeting,
        (_, Some("Email" | "ListEmail")) => ActivityKind::Email,
        (_, Some("Call")) => ActivityKind::Call,
        _ => ActivityKind::Task,
    };
    out.insert(af::KIND.into(), json!(kind.as_str()));
    if let Some(status) = out.get(af::DONE).and_then(Value::as_str) {
        let done = status.eq_ignore_ascii_case("Completed");
        out.insert(af::DONE.into(), json!(done));
    }
    if let Some(o) = out.get(af::OUTCOME).and_then(Value::as_str)
        && let Some(canonical) = bridge_model::activity_outcome(o)
    {
        out.insert(af::OUTCOME.into(), json!(canonical));
    }
    if let Some(d) = out.get(af::DIRECTION).and_then(Value::as_str) {
        match bridge_model::activity_direction(d) {
            Some(d) => out.insert(af::DIRECTION.into(), json!(d)),
            None => out.remove(af::DIRECTION),
        };
    }
    if let Some(what) = out.get("company_id").and_then(Value::as_str)
        && what.starts_with("006")
    {
        let deal = out.remove("company_id").unwrap_or_default();
        out.insert("deal_id".into(), deal);
    }
}

/// An Event has no outcome field: a meeting's outcome (Close's, HubSpot's) is kept as the last line
/// of its description ("Outcome: no show") rather than lost or the meeting refused.
fn outcome_into_description(fields: &mut Fields) {
    let Some(outcome) = fields.remove(af::OUTCOME) else {
        return;
    };
    let outcome = outcome
        .as_str()
        .unwrap_or_default()
        .trim()
        .replace('_', " ");
    if outcome.is_empty() {
        return;
    }
    let body = fields
        .get(af::BODY)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim_end();
    let line = format!("Outcome: {outcome}");
    let joined = if body.is_empty() {
        line
    } else {
        format!("{body}\n\n{line}")
    };
    fields.insert(af::BODY.into(), json!(joined));
}

/// Canonical activity fields -> a Task or an Event of `sobject`: the subtype chosen on create, the
/// done flag as a Status, a date for a Task's ActivityDate, a deal (else a company) as `WhatId`.
pub fn activity_out(
    sobject: &str,
    fields: &Fields,
    creating: bool,
) -> Result<serde_json::Map<String, Value>, RecordError> {
    let kind = ActivityKind::of(fields);
    let mut fields = fields.clone();
    if let Some(deal) = fields.remove("deal_id").filter(|v| !write::is_blank(v)) {
        fields.insert("company_id".into(), deal);
    }
    if sobject == "Event" {
        outcome_into_description(&mut fields);
    }
    let what = format!("Salesforce {sobject}s");
    let mut wire = write::to_wire(
        &what,
        &fields,
        sobject_fields(ObjectType::Activity, sobject),
        str::to_owned,
    )?;
    if sobject == "Event" {
        if creating && !wire.contains_key("EndDateTime") {
            // An Event is created with an end or a duration.
            wire.insert("DurationInMinutes".into(), json!(0));
        }
        return Ok(wire);
    }
    if let Some(date) = wire.get("ActivityDate").and_then(Value::as_str) {
        let day: String = date.chars().take(10).collect();
        wire.insert("ActivityDate".into(), json!(day));
    }
    if let Some(d) = wire.get("CallType").and_then(Value::as_str) {
        let inbound = bridge_model::activity_direction(d) == Some("inbound");
        wire.insert(
            "CallType".into(),
            json!(if inbound { "Inbound" } else { "Outbound" }),
        );
    }
    let done = match wire.remove("Status") {
        Some(Value::Bool(b)) => Some(b),
        Some(Value::String(s)) => Some(matches!(
            s.trim().to_ascii_lowercase().as_str(),
            "true" | "completed" | "done"
        )),
        _ => None,
    };
    if creating {
        let subtype = match kind {
            ActivityKind::Email => "Email",
            ActivityKind::Call => "Call",
            _ => "Task",
        };
        wire.insert("TaskSubtype".into(), json!(subtype));
        // A logged note, e-mail or call happened; only a task may still be open.
        let done = done.unwrap_or(kind != ActivityKind::Task);
        wire.insert(
            "Status".into(),
            json!(if done { "Completed" } else { "Not Started" }),
        );
    } else if let Some(done) = done {
        wire.insert(
            "Status".into(),
            json!(if done { "Completed" } else { "Not Started" }),
        );
    }
    Ok(wire)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_meeting_s_outcome_is_the_last_line_of_its_event_s_description() {
        let meeting: Fields = serde_json::from_value(json!({
            "kind": "meeting", "subject": "Demo", "body": "Went through pricing.",
            "outcome": "no_show", "occurred_at": "2026-11-02T15:00:00Z",
        }))
        .unwrap();
        let event = activity_out("Event", &meeting, true).unwrap();
        assert_eq!(
            event["Description"],
            "Went through pricing.\n\nOutcome: no show"
        );
        assert!(!event.contains_key("outcome"));
        let mut bare = meeting.clone();
        bare.remove("body");
        let event = activity_out("Event", &bare, true).unwrap();
        assert_eq!(event["Description"], "Outcome: no show");
        // A Task keeps its outcome in its own field.
        let call: Fields =
            serde_json::from_value(json!({"kind": "call", "outcome": "completed"})).unwrap();
        let task = activity_out("Task", &call, true).unwrap();
        assert!(!task.contains_key("Description"), "{task:?}");
    }
}
