//! Activities: one canonical object type whose `kind` field says which of the five a record is. Every
//! CRM keeps them apart (HubSpot objects, Close activity endpoints, Salesforce Task and Event, Pipedrive
//! notes and activity types); the canonical fields below are what each client reads and writes.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::{Fields, ParseError, Record, RecordId};

/// The canonical fields of an activity (links are `company_id`, `person_id`, `deal_id`, `owner_id`).
pub mod activity_field {
    /// note, email, call, meeting or task (see [`super::ActivityKind`]); set on create, never changed.
    pub const KIND: &str = "kind";
    /// An e-mail's subject, a call's or meeting's title, a task's subject.
    pub const SUBJECT: &str = "subject";
    /// A note's text, an e-mail's plain text, a call's or meeting's notes, a task's description.
    pub const BODY: &str = "body";
    /// When it happened (a meeting's start, a task's due time), RFC 3339.
    pub const OCCURRED_AT: &str = "occurred_at";
    /// A meeting's end, RFC 3339.
    pub const ENDS_AT: &str = "ends_at";
    /// `inbound` or `outbound` (e-mails and calls).
    pub const DIRECTION: &str = "direction";
    /// A call's length in whole seconds.
    pub const DURATION_S: &str = "duration_s";
    /// A call's or meeting's outcome: one of [`super::OUTCOMES`] where the CRM's word is known (see
    /// [`super::outcome`]), else the CRM's own word.
    pub const OUTCOME: &str = "outcome";
    /// Whether a task is done (true/false).
    pub const DONE: &str = "done";
}

/// Which kind of activity a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ActivityKind {
    Note,
    Email,
    Call,
    Meeting,
    Task,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 5] = [
        ActivityKind::Note,
        ActivityKind::Email,
        ActivityKind::Call,
        ActivityKind::Meeting,
        ActivityKind::Task,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::Note => "note",
            ActivityKind::Email => "email",
            ActivityKind::Call => "call",
            ActivityKind::Meeting => "meeting",
            ActivityKind::Task => "task",
        }
    }

    /// The plural a person reads ("3 meetings").
    pub fn plural(self) -> &'static str {
        match self {
            ActivityKind::Note => "notes",
            ActivityKind::Email => "e-mails",
            ActivityKind::Call => "calls",
            ActivityKind::Meeting => "meetings",
            ActivityKind::Task => "tasks",
        }
    }

    /// The kind a record's fields name; a record that names none (or one unknown) is a note, the kind
    /// every CRM has.
    pub fn of(fields: &Fields) -> ActivityKind {
        fields
            .get(activity_field::KIND)
            .and_then(Value::as_str)
            .and_then(|k| k.parse().ok())
            .unwrap_or(ActivityKind::Note)
    }
}

impl fmt::Display for ActivityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ActivityKind {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ActivityKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParseError {
                kind: "activity kind",
                value: s.to_owned(),
                expected: "note, email, call, meeting, task",
            })
    }
}

/// One activity on a record's timeline: what a person reads of it, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TimelineEntry {
    pub record_id: RecordId,
    pub remote_id: String,
    pub kind: ActivityKind,
    pub subject: Option<String>,
    pub body: Option<String>,
    /// RFC 3339, or a day (YYYY-MM-DD) where the CRM keeps only the day.
    pub occurred_at: Option<String>,
    pub ends_at: Option<String>,
    pub direction: Option<String>,
    pub duration_s: Option<i64>,
    pub outcome: Option<String>,
    pub done: Option<bool>,
}

impl TimelineEntry {
    /// The entry of a stored activity, from its canonical fields.
    pub fn of(record: &Record) -> Self {
        let f = &record.fields;
        let text = |key: &str| {
            f.get(key)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        TimelineEntry {
            record_id: record.id,
            remote_id: record.remote_id.clone(),
            kind: ActivityKind::of(f),
            subject: text(activity_field::SUBJECT),
            body: text(activity_field::BODY),
            occurred_at: text(activity_field::OCCURRED_AT).or_else(|| text("created_at")),
            ends_at: text(activity_field::ENDS_AT),
            direction: text(activity_field::DIRECTION),
            duration_s: f.get(activity_field::DURATION_S).and_then(|v| {
                v.as_i64()
                    .or_else(|| v.as_f64().map(|x| x as i64))
                    .or_else(|| v.as_str()?.trim().parse().ok())
            }),
            outcome: text(activity_field::OUTCOME),
            done: f.get(activity_field::DONE).and_then(|v| match v {
                Value::Bool(b) => Some(*b),
                Value::String(s) => s.parse().ok(),
                _ => None,
            }),
        }
    }

    /// The instant it sorts by (a day sorts at its midnight, UTC).
    fn sort_key(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        let t = self.occurred_at.as_deref()?;
        chrono::DateTime::parse_from_rfc3339(t)
            .or_else(|_| chrono::DateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f%z"))
            .map(|t| t.with_timezone(&chrono::Utc))
            .ok()
            .or_else(|| {
                chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
                    .ok()
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
                    .map(|d| d.and_utc())
            })
    }

    /// Newest first; entries without a time last.
    pub fn sort(entries: &mut [TimelineEntry]) {
        entries.sort_by_key(|e| std::cmp::Reverse(e.sort_key()));
    }
}

/// `inbound` / `outbound` from the words the CRMs use (INCOMING_EMAIL, Inbound, incoming, ...).
pub fn direction(text: &str) -> Option<&'static str> {
    let t = text.trim().to_ascii_lowercase();
    if t.starts_with("in") {
        Some("inbound")
    } else if t.starts_with("out") || t == "email" || t == "forwarded_email" {
        Some("outbound")
    } else {
        None
    }
}

/// The outcomes a call or meeting has, in one vocabulary for every CRM.
pub const OUTCOMES: [&str; 9] = [
    "completed",
    "no_answer",
    "busy",
    "voicemail",
    "failed",
    "scheduled",
    "rescheduled",
    "no_show",
    "canceled",
];

/// The canonical outcome of a CRM's word for it (HubSpot `NO_ANSWER`, Close `vm-left` or
/// `declined-by-lead`, Salesforce free text such as "Left voicemail"); None when it is not known.
pub fn outcome(text: &str) -> Option<&'static str> {
    let t = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
    Some(match t.as_str() {
        "completed" | "answered" | "connected" | "held" | "done" => "completed",
        "no_answer" | "noanswer" | "not_answered" => "no_answer",
        "busy" => "busy",
        "vm_left" | "vm_answer" | "voicemail" | "left_voicemail" | "left_a_voicemail" => {
            "voicemail"
        }
        "failed" | "error" | "blocked" | "abandoned" => "failed",
        "scheduled" | "upcoming" | "in_progress" | "queued" => "scheduled",
        "rescheduled" => "rescheduled",
        "no_show" | "noshow" => "no_show",
        "canceled" | "cancelled" | "declined_by_lead" | "declined_by_org" => "canceled",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kinds_round_trip_and_default_to_note() {
        for k in ActivityKind::ALL {
            assert_eq!(k.as_str().parse::<ActivityKind>(), Ok(k));
        }
        let fields = |v: Value| v.as_object().cloned().unwrap();
        assert_eq!(
            ActivityKind::of(&fields(json!({"kind": "Meeting"}))),
            ActivityKind::Meeting
        );
        assert_eq!(ActivityKind::of(&fields(json!({}))), ActivityKind::Note);
        assert_eq!(
            ActivityKind::of(&fields(json!({"kind": "sms"}))),
            ActivityKind::Note
        );
    }

    #[test]
    fn outcomes_in_each_crms_words() {
        for (text, want) in [
            ("NO_ANSWER", Some("no_answer")),
            ("vm-left", Some("voicemail")),
            ("Left voicemail", Some("voicemail")),
            ("answered", Some("completed")),
            ("declined-by-lead", Some("canceled")),
            ("upcoming", Some("scheduled")),
            ("Spoke to the CFO", None),
        ] {
            assert_eq!(outcome(text), want, "{text}");
        }
        assert!(OUTCOMES.iter().all(|o| outcome(o) == Some(*o)));
    }

    #[test]
    fn directions_in_each_crms_words() {
        for (text, want) in [
            ("INCOMING_EMAIL", Some("inbound")),
            ("EMAIL", Some("outbound")),
            ("Inbound", Some("inbound")),
            ("outgoing", Some("outbound")),
            ("OUTBOUND", Some("outbound")),
            ("sideways", None),
        ] {
            assert_eq!(direction(text), want, "{text}");
        }
    }
}
