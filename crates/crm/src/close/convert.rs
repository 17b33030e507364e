//! Close objects -> the canonical model. The only bridge between `wire` and `bridge_model`.

use bridge_model::{ActivityKind, Fields, ObjectType, activity_field as af, field};
use serde_json::{Value, json};

use crate::{Pulled, RecordError, parse_time, write};

/// The list path(s) of each canonical type: activities come from two endpoints.
pub fn resources(object_type: ObjectType) -> &'static [&'static str] {
    match object_type {
        ObjectType::Company => &["lead"],
        ObjectType::Person => &["contact"],
        ObjectType::Deal => &["opportunity"],
        ObjectType::Activity => ACTIVITY_RESOURCES,
        ObjectType::Lead => &[],
        ObjectType::Custom(_) => &[CUSTOM_OBJECT],
    }
}

/// Every custom object instance, of whichever type (`custom_object_type_id` tells them apart).
pub const CUSTOM_OBJECT: &str = "custom_object";

/// Activities come from one endpoint per kind (notes first: their ids were mirrored first). Tasks
/// are not activities in Close's API but are one here.
const ACTIVITY_RESOURCES: &[&str] = &[
    "activity/note",
    "activity/call",
    "activity/email",
    "activity/meeting",
    "task",
];

/// The activity kind a Close endpoint holds.
pub fn resource_kind(resource: &str) -> ActivityKind {
    match resource {
        "activity/call" => ActivityKind::Call,
        "activity/email" => ActivityKind::Email,
        "activity/meeting" => ActivityKind::Meeting,
        "task" => ActivityKind::Task,
        _ => ActivityKind::Note,
    }
}

/// The event log's name for a resource.
pub fn event_object(resource: &str) -> String {
    resource.replace('/', ".")
}

fn text(raw: &Value, key: &str) -> Option<Value> {
    raw.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(|s| json!(s))
}

fn domain(url: &str) -> String {
    let host = url
        .split("://")
        .nth(1)
        .unwrap_or(url)
        .split('/')
        .next()
        .unwrap_or_default();
    host.trim_start_matches("www.").to_lowercase()
}

pub fn pulled(
    object_type: ObjectType,
    resource: &str,
    id: String,
    date_updated: Option<&str>,
    raw: Value,
) -> Pulled {
    let mut fields = Fields::new();
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(v) = value.filter(|v| !v.is_null()) {
            fields.insert(key.to_owned(), v);
        }
    };
    match object_type {
        ObjectType::Company => {
            put(
                field::NAME,
                text(&raw, "display_name").or_else(|| text(&raw, "name")),
            );
            put(field::DOMAIN, raw["url"].as_str().map(|u| json!(domain(u))));
            put("description", text(&raw, "description"));
            put("status", text(&raw, "status_label"));
            put("status_id", text(&raw, "status_id"));
            put(
                "city",
                raw["addresses"][0]["city"].as_str().map(|s| json!(s)),
            );
            put(
                "country",
                raw["addresses"][0]["country"].as_str().map(|s| json!(s)),
            );
        }
        ObjectType::Person => {
            if let Some(name) = raw["name"].as_str() {
                let name = name.trim();
                put(field::NAME, Some(json!(name)));
                let (first, last) = name_parts(name);
                put(field::FIRST_NAME, first.map(|f| json!(f)));
                put(field::LAST_NAME, Some(json!(last)));
            }
            put(field::TITLE, text(&raw, "title"));
            put(
                field::EMAIL,
                raw["emails"][0]["email"].as_str().map(|s| json!(s)),
            );
            put(
                field::PHONE,
                raw["phones"][0]["phone"].as_str().map(|s| json!(s)),
            );
            put("company_id", text(&raw, "lead_id"));
        }
        ObjectType::Deal => {
            put(
                field::NAME,
                text(&raw, "note").or_else(|| text(&raw, "lead_name")),
            );
            put(
                "amount",
                raw["value"]
                    .as_i64()
                    .map(|cents| json!(cents as f64 / 100.0)),
            );
            put("currency", text(&raw, "value_currency"));
            put("stage_id", text(&raw, "status_id"));
            put("stage", text(&raw, "status_label"));
            put("close_date", text(&raw, "date_won"));
            put("company_id", text(&raw, "lead_id"));
            put("person_id", text(&raw, "contact_id"));
            put("owner_id", text(&raw, "user_id"));
        }
        ObjectType::Activity => {
            let kind = resource_kind(resource);
            put(af::KIND, Some(json!(kind.as_str())));
            put("company_id", text(&raw, "lead_id"));
            put("person_id", text(&raw, "contact_id"));
            put("owner_id", text(&raw, "user_id"));
            let when = text(&raw, "activity_at").or_else(|| text(&raw, "date_created"));
            match kind {
                ActivityKind::Note => {
                    put(af::BODY, text(&raw, "note"));
                    put(af::OCCURRED_AT, when);
                }
                ActivityKind::Call => {
                    put(af::BODY, text(&raw, "note"));
                    put(af::DURATION_S, raw.get("duration").cloned());
                    put(af::DIRECTION, direction(&raw));
                    put(af::OUTCOME, outcome(&raw, "disposition"));
                    put(af::OCCURRED_AT, when);
                }
                ActivityKind::Email => {
                    put(af::SUBJECT, text(&raw, "subject"));
                    put(af::BODY, text(&raw, "body_text"));
                    put(af::DIRECTION, direction(&raw));
                    put(af::OCCURRED_AT, text(&raw, "date_sent").or(when));
                }
                ActivityKind::Meeting => {
                    put(af::SUBJECT, text(&raw, "title"));
                    put(
                        af::BODY,
                        text(&raw, "note").or_else(|| text(&raw, "user_note_html")),
                    );
                    put(af::OCCURRED_AT, text(&raw, "starts_at").or(when));
                    put(af::ENDS_AT, text(&raw, "ends_at"));
                    put(af::OUTCOME, outcome(&raw, "status"));
                }
                ActivityKind::Task => {
                    let (subject, body) = task_text(raw["text"].as_str().unwrap_or_default());
                    put(af::SUBJECT, subject.map(|s| json!(s)));
                    put(af::BODY, body.map(|b| json!(b)));
                    put(af::OCCURRED_AT, text(&raw, "date"));
                    put(af::DONE, raw.get("is_complete").cloned());
                    put("owner_id", text(&raw, "assigned_to"));
                }
            }
        }
        ObjectType::Custom(_) => {
            put(field::NAME, text(&raw, "name"));
            put("company_id", text(&raw, "lead_id"));
        }
        ObjectType::Lead => {}
    }
    put("created_at", text(&raw, "date_created"));
    // Custom fields arrive as `custom.cf_…` keys; they are kept by their `cf_…` id.
    let custom: Vec<String> = raw
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, _)| k.strip_prefix("custom.").map(str::to_owned))
        .collect();
    crate::custom::gather(&mut fields, &custom, |k| {
        raw.get(format!("custom.{k}")).cloned()
    });
    Pulled {
        object_type,
        remote_id: id,
        fields,
        modified_at: date_updated.and_then(parse_time),
        raw,
    }
}

/// (Close key, canonical field) for writes. Keys starting with `_` are regrouped by `input`.
pub fn table(object_type: ObjectType) -> &'static [(&'static str, &'static str)] {
    match object_type {
        ObjectType::Company => &[
            ("name", field::NAME),
            ("url", field::DOMAIN),
            ("description", "description"),
            ("status_id", "status_id"),
            ("_city", "city"),
            ("_country", "country"),
        ],
        ObjectType::Person => &[
            ("name", field::NAME),
            ("_first", field::FIRST_NAME),
            ("_last", field::LAST_NAME),
            ("title", field::TITLE),
            ("emails", field::EMAIL),
            ("phones", field::PHONE),
            ("lead_id", "company_id"),
        ],
        ObjectType::Deal => &[
            ("note", field::NAME),
            ("value", "amount"),
            ("value_currency", "currency"),
            ("status_id", "stage_id"),
            ("date_won", "close_date"),
            ("lead_id", "company_id"),
            ("contact_id", "person_id"),
            ("user_id", "owner_id"),
        ],
        ObjectType::Activity => &[
            ("note", af::BODY),
            ("subject", af::SUBJECT),
            ("date_created", af::OCCURRED_AT),
            ("ends_at", af::ENDS_AT),
            ("lead_id", "company_id"),
            ("contact_id", "person_id"),
            ("user_id", "owner_id"),
            ("duration", af::DURATION_S),
            ("direction", af::DIRECTION),
            ("disposition", af::OUTCOME),
            ("is_complete", af::DONE),
        ],
        ObjectType::Custom(_) => &[("name", field::NAME), ("lead_id", "company_id")],
        ObjectType::Lead => &[],
    }
}

/// (Close key, canonical field) of each activity endpoint, for writes. A backdated activity keeps
/// its time as `date_created`, which Close takes on create.
pub fn activity_table(kind: ActivityKind) -> &'static [(&'static str, &'static str)] {
    match kind {
        ActivityKind::Note => &[
            ("note", af::BODY),
            ("date_created", af::OCCURRED_AT),
            ("lead_id", "company_id"),
            ("contact_id", "person_id"),
            ("user_id", "owner_id"),
        ],
        ActivityKind::Call => &[
            ("note", af::BODY),
            ("duration", af::DURATION_S),
            ("direction", af::DIRECTION),
            ("disposition", af::OUTCOME),
            ("date_created", af::OCCURRED_AT),
            ("lead_id", "company_id"),
            ("contact_id", "person_id"),
            ("user_id", "owner_id"),
        ],
        ActivityKind::Email => &[
            ("subject", af::SUBJECT),
            ("body_text", af::BODY),
            ("direction", af::DIRECTION),
            ("date_created", af::OCCURRED_AT),
            ("lead_id", "company_id"),
            ("contact_id", "person_id"),
            ("user_id", "owner_id"),
        ],
        ActivityKind::Meeting => &[
            ("title", af::SUBJECT),
            ("user_note_html", af::BODY),
            ("starts_at", af::OCCURRED_AT),
            ("ends_at", af::ENDS_AT),
            ("status", af::OUTCOME),
            ("lead_id", "company_id"),
            ("contact_id", "person_id"),
            ("user_id", "owner_id"),
        ],
        ActivityKind::Task => &[
            ("_subject", af::SUBJECT),
            ("_body", af::BODY),
            ("date", af::OCCURRED_AT),
            ("is_complete", af::DONE),
            ("lead_id", "company_id"),
            ("contact_id", "person_id"),
            ("assigned_to", "owner_id"),
        ],
    }
}

/// The endpoint a new activity is created at. Close's API creates no meetings (they come from
/// synced calendars), so a meeting is logged as a note that says what it was.
pub fn create_resource(kind: ActivityKind) -> &'static str {
    match kind {
        ActivityKind::Meeting => "activity/note",
        other => ACTIVITY_RESOURCES
            .iter()
            .copied()
            .find(|r| resource_kind(r) == other)
            .unwrap_or("activity/note"),
    }
}

/// A call's disposition or a meeting's status as a canonical outcome (Close's own word when unknown).
fn outcome(raw: &Value, key: &str) -> Option<Value> {
    let word = raw[key].as_str().filter(|s| !s.is_empty())?;
    Some(json!(bridge_model::activity_outcome(word).unwrap_or(word)))
}

/// A canonical outcome as a Close call's disposition (None: Close has no such disposition).
fn disposition(outcome: &str) -> Option<&'static str> {
    match bridge_model::activity_outcome(outcome)? {
        "completed" => Some("answered"),
        "no_answer" => Some("no-answer"),
        "busy" => Some("busy"),
        "voicemail" => Some("vm-left"),
        "failed" => Some("error"),
        _ => None,
    }
}

/// `inbound`/`outbound` from Close's `direction` (`incoming`/`outgoing` on e-mails).
fn direction(raw: &Value) -> Option<Value> {
    raw["direction"]
        .as_str()
        .and_then(bridge_model::activity_direction)
        .map(|d| json!(d))
}

/// A Close task is one text: its first paragraph is the subject, the rest the body.
fn task_text(text: &str) -> (Option<&str>, Option<&str>) {
    let text = text.trim();
    match text.split_once("\n\n") {
        Some((subject, body)) => (Some(subject.trim()), Some(body.trim())),
        None if text.is_empty() => (None, None),
        None => (Some(text), None),
    }
}

/// A Close body for an activity of `kind` at `resource`: Close's words for direction, a task's
/// subject and body as one text, a meeting logged as a note that names it.
pub fn activity_input(
    kind: ActivityKind,
    resource: &str,
    fields: &Fields,
    creating: bool,
) -> Result<Value, RecordError> {
    let mut fields = fields.clone();
    if creating && kind == ActivityKind::Meeting && resource == "activity/note" {
        fields = meeting_as_note(&fields);
        return activity_input(ActivityKind::Note, resource, &fields, creating);
    }
    let what = format!("Close {}", kind.plural());
    let mut body = write::to_wire(&what, &fields, activity_table(kind), |k| {
        format!("custom.{k}")
    })?;
    if let Some(d) = body.get("direction").and_then(Value::as_str) {
        let inbound = bridge_model::activity_direction(d) == Some("inbound");
        let word = match (kind, inbound) {
            (ActivityKind::Email, true) => "incoming",
            (ActivityKind::Email, false) => "outgoing",
            (_, true) => "inbound",
            (_, false) => "outbound",
        };
        body.insert("direction".into(), json!(word));
    }
    if let Some(value) = body.remove("disposition") {
        match value.as_str().and_then(disposition) {
            Some(d) => {
                body.insert("disposition".into(), json!(d));
            }
            None if write::is_blank(&value) => {
                body.insert("disposition".into(), Value::Null);
            }
            None => {}
        }
    }
    if kind == ActivityKind::Meeting {
        // A meeting's status follows the calendar in Close; its API takes notes and an outcome id.
        body.remove("status");
    }
    if kind == ActivityKind::Email && creating {
        // Close creates an e-mail in a state: a logged one was received or sent.
        let inbound = body.get("direction").and_then(Value::as_str) == Some("incoming");
        body.insert(
            "status".into(),
            json!(if inbound { "inbox" } else { "sent" }),
        );
    }
    if kind == ActivityKind::Task {
        let subject = body.remove("_subject");
        let rest = body.remove("_body");
        let part = |v: &Option<Value>| {
            v.as_ref()
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        if subject.is_some() || rest.is_some() {
            let text: Vec<String> = [part(&subject), part(&rest)]
                .into_iter()
                .flatten()
                .collect();
            body.insert("text".into(), json!(text.join("\n\n")));
        }
        if creating {
            body.insert("_type".into(), json!("lead"));
        }
    }
    Ok(Value::Object(body))
}

/// A meeting as a note: its title, time and outcome on the first line, its notes below.
fn meeting_as_note(fields: &Fields) -> Fields {
    let text = |k: &str| {
        fields
            .get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let mut head = format!("Meeting: {}", text(af::SUBJECT).unwrap_or("(no title)"));
    match (text(af::OCCURRED_AT), text(af::ENDS_AT)) {
        (Some(start), Some(end)) => head.push_str(&format!(" ({start} to {end})")),
        (Some(start), None) => head.push_str(&format!(" ({start})")),
        _ => {}
    }
    if let Some(outcome) = text(af::OUTCOME) {
        head.push_str(&format!(", {outcome}"));
    }
    let note = match text(af::BODY) {
        Some(body) => format!("{head}\n\n{body}"),
        None => head,
    };
    let mut out = Fields::new();
    for key in ["company_id", "person_id", "owner_id", af::OCCURRED_AT] {
        if let Some(v) = fields.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    out.insert(af::BODY.into(), json!(note));
    out.insert(af::KIND.into(), json!("note"));
    out
}

pub fn what(object_type: ObjectType) -> String {
    let name = match object_type {
        ObjectType::Company => "leads",
        ObjectType::Person => "contacts",
        ObjectType::Deal => "opportunities",
        ObjectType::Activity => "activities",
        ObjectType::Lead => "unqualified leads",
        ObjectType::Custom(_) => "custom objects",
    };
    format!("Close {name}")
}

/// Canonical fields -> a Close body: e-mails and phones as lists, money in cents, a URL for the
/// domain, the city and country as the first address, first and last name joined.
pub fn input(object_type: ObjectType, fields: &Fields) -> Result<Value, RecordError> {
    let mut body = write::to_wire(&what(object_type), fields, table(object_type), |k| {
        format!("custom.{k}")
    })?;
    let (first, last) = (body.remove("_first"), body.remove("_last"));
    if !body.contains_key("name") && (first.is_some() || last.is_some()) {
        let parts: Vec<&str> = [&first, &last]
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        body.insert("name".into(), json!(parts.join(" ")));
    }
    // A blank value clears the list (an undo restoring "no e-mail"); Close refuses an empty address.
    for (key, inner) in [("emails", "email"), ("phones", "phone")] {
        if let Some(value) = body.remove(key) {
            let list = if crate::write::is_blank(&value) {
                json!([])
            } else {
                json!([{ inner: value, "type": "office" }])
            };
            body.insert(key.into(), list);
        }
    }
    if let Some(Value::String(url)) = body.get("url")
        && !url.contains("://")
    {
        let url = format!("https://{url}");
        body.insert("url".into(), json!(url));
    }
    if let Some(amount) = body.get("value") {
        let Some(amount) = amount
            .as_f64()
            .or_else(|| amount.as_str().and_then(|s| s.trim().parse().ok()))
        else {
            return Err(RecordError::validation(
                Some("amount"),
                format!("amount `{amount}` is not a number"),
            ));
        };
        body.insert("value".into(), json!((amount * 100.0).round() as i64));
    }
    let (city, country) = (body.remove("_city"), body.remove("_country"));
    if city.is_some() || country.is_some() {
        body.insert(
            "addresses".into(),
            json!([{ "city": city, "country": country }]),
        );
    }
    Ok(Value::Object(body))
}

/// A contact's one `name` as first and last name: the last word is the last name.
pub fn name_parts(name: &str) -> (Option<&str>, &str) {
    match name.trim().rsplit_once(' ') {
        Some((first, last)) => (Some(first), last),
        None => (None, name.trim()),
    }
}
