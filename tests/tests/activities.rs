//! Every kind of activity crosses a migration with its links: a Close workspace's notes, calls,
//! e-mails, meetings and tasks arrive in HubSpot as notes, calls, e-mails, meetings and tasks on the
//! contacts migrated from Close, and a Salesforce org's Tasks and Events arrive in Pipedrive as
//! activities of each type, counted through the target's own API. A second run writes nothing; a
//! rollback removes them. Real emulator over HTTP, real SQLite file, real keyring.

mod two_crms;

use std::collections::HashMap;

use bridge_engine::{Cancel, MigrationStep};
use bridge_fakecrm::Running;
use bridge_model::{ObjectType, Provider};
use serde_json::{Value, json};
use two_crms::{fields, first_page, setup};

/// HubSpot's engagement objects as its API lists them: id -> properties, with the contacts each is
/// associated with.
async fn hubspot_list(running: &Running, object: &str) -> HashMap<String, (Value, Vec<String>)> {
    two_crms::hubspot_objects(
        running,
        object,
        "contacts",
        "hs_timestamp,hs_note_body,hs_call_title,hs_call_body,hs_call_direction,hs_call_duration,hs_call_status,hs_email_subject,hs_email_text,hs_email_direction,hs_meeting_title,hs_meeting_start_time,hs_meeting_end_time,hs_meeting_outcome,hs_task_subject,hs_task_body,hs_task_status",
    )
    .await
    .into_iter()
    .map(|(id, properties, contacts)| (id, (properties, contacts)))
    .collect()
}

const OBJECTS: [&str; 5] = ["notes", "calls", "emails", "meetings", "tasks"];

async fn hubspot_counts(running: &Running) -> HashMap<&'static str, usize> {
    let mut out = HashMap::new();
    for object in OBJECTS {
        out.insert(object, hubspot_list(running, object).await.len());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_activity_crosses_from_close_to_hubspot_with_its_links() {
    let Some((ws, running, source, target)) = setup(
        "activities-close-hubspot",
        Provider::Close,
        Provider::Hubspot,
    )
    .await
    else {
        return;
    };
    let d = &running.description;

    // The Close fixture: an e-mail, a call and a task logged on one contact of one lead (notes and
    // meetings are seeded, calls too).
    let close = bridge_tests::emulator::client(d, Provider::Close);
    let people = first_page(close.as_ref(), ObjectType::Person).await;
    let contact = people
        .iter()
        .find(|p| p.fields.get("email").is_some())
        .unwrap();
    let (contact_id, lead_id) = (
        contact.remote_id.clone(),
        contact.fields["company_id"].as_str().unwrap().to_owned(),
    );
    let on = |extra: Value| {
        let mut f = fields(extra);
        f.insert("company_id".into(), json!(lead_id));
        f.insert("person_id".into(), json!(contact_id));
        f
    };
    let written = close
        .create(
            ObjectType::Activity,
            &[
                on(json!({"kind": "email", "subject": "Re: pricing", "body": "Can we talk on Friday?",
                          "direction": "inbound", "occurred_at": "2026-10-01T09:30:00Z"})),
                on(json!({"kind": "call", "body": "Walked through the proposal", "direction": "outbound",
                          "duration_s": 95, "outcome": "answered", "occurred_at": "2026-10-02T14:00:00Z"})),
                on(json!({"kind": "task", "subject": "Send the proposal", "body": "Pricing v2 attached",
                          "done": false, "occurred_at": "2026-10-09"})),
            ],
        )
        .await;
    assert!(written.iter().all(Result::is_ok), "{written:?}");

    let before = hubspot_counts(&running).await;
    // The mirror the wizard counts from, as after connecting.
    two_crms::pull_whole(&ws.engine, source.id).await;
    let plan = ws
        .engine
        .plan_migration(source.id, target.id)
        .await
        .unwrap();
    // The Objects step counts what the source holds of each kind.
    let kinds: HashMap<String, i64> = plan
        .source_counts
        .iter()
        .filter_map(|c| Some((c.kind?.to_string(), c.count)))
        .collect();
    for kind in ["note", "call", "email", "meeting", "task"] {
        assert!(kinds.get(kind).is_some_and(|n| *n > 0), "{kind}: {kinds:?}");
    }
    let activities = plan
        .objects
        .iter()
        .find(|m| m.source_object == ObjectType::Activity)
        .unwrap();
    assert!(
        activities.fields.iter().any(|f| f.target == "kind"),
        "{activities:?}"
    );

    let told = std::sync::Mutex::new(Vec::new());
    let report = ws
        .engine
        .run_migration(
            &plan,
            &|p| told.lock().unwrap().push(p.clone()),
            &Cancel::default(),
        )
        .await
        .unwrap();
    assert_eq!(report.failed, 0, "{report:?}");
    // One progress for the whole run: across every object it only grows, never past its total,
    // and the total is the run's, not the object being written.
    let told = told.into_inner().unwrap();
    let writing: Vec<_> = told
        .iter()
        .filter(|p| p.step == MigrationStep::Writing)
        .collect();
    assert!(
        writing
            .windows(2)
            .all(|w| w[0].overall_done <= w[1].overall_done),
        "{writing:?}"
    );
    assert!(writing.iter().all(|p| p.overall_done <= p.overall_planned));
    let first = writing.first().unwrap();
    assert!(first.overall_planned > first.planned, "{first:?}");
    let last = told.last().unwrap();
    assert_eq!(last.step, MigrationStep::Done);
    let accounted = ws
        .engine
        .migration_results(report.migration_id)
        .unwrap()
        .len() as i64;
    assert_eq!(
        (last.overall_done, last.overall_planned),
        (accounted, accounted)
    );
    let results = ws.engine.migration_results(report.migration_id).unwrap();
    let failures: Vec<_> = results.iter().filter(|r| r.error.is_some()).collect();
    assert!(failures.is_empty(), "{failures:?}");
    let target_of = |t: ObjectType, source_id: &str| {
        results
            .iter()
            .find(|r| r.object_type == t && r.source_remote_id == source_id)
            .and_then(|r| r.target_remote_id.clone())
            .unwrap_or_else(|| panic!("{t} {source_id} not migrated"))
    };
    let hubspot_contact = target_of(ObjectType::Person, &contact_id);

    // Each kind arrives as its own HubSpot object, as many as Close holds.
    let after = hubspot_counts(&running).await;
    for (object, kind) in OBJECTS
        .iter()
        .zip(["note", "call", "email", "meeting", "task"])
    {
        assert_eq!(
            after[object] - before[object],
            kinds[kind] as usize,
            "{object}"
        );
    }

    // With its values in HubSpot's words, and on the contact migrated from Close.
    let find = |list: &HashMap<String, (Value, Vec<String>)>, key: &str, value: &str| {
        list.values()
            .find(|(p, _)| p[key].as_str() == Some(value))
            .cloned()
            .unwrap_or_else(|| panic!("no {key} = {value}"))
    };
    let emails = hubspot_list(&running, "emails").await;
    let (email, linked) = find(&emails, "hs_email_subject", "Re: pricing");
    assert_eq!(email["hs_email_direction"], "INCOMING_EMAIL");
    assert_eq!(email["hs_email_text"], "Can we talk on Friday?");
    assert_eq!(linked, std::slice::from_ref(&hubspot_contact));
    let calls = hubspot_list(&running, "calls").await;
    let (call, linked) = find(&calls, "hs_call_body", "Walked through the proposal");
    assert_eq!(call["hs_call_direction"], "OUTBOUND");
    assert_eq!(call["hs_call_duration"], "95000");
    // Close's "answered" is HubSpot's COMPLETED (HubSpot refuses a value its picklist lacks).
    assert_eq!(call["hs_call_status"], "COMPLETED");
    assert_eq!(linked, std::slice::from_ref(&hubspot_contact));
    let tasks = hubspot_list(&running, "tasks").await;
    let (task, linked) = find(&tasks, "hs_task_subject", "Send the proposal");
    assert_eq!(task["hs_task_body"], "Pricing v2 attached");
    assert_eq!(task["hs_task_status"], "NOT_STARTED");
    assert_eq!(linked, std::slice::from_ref(&hubspot_contact));
    let meetings = hubspot_list(&running, "meetings").await;
    assert!(
        meetings.values().all(|(m, linked)| m["hs_meeting_title"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
            && m["hs_meeting_start_time"].is_string()
            && m["hs_meeting_outcome"] == "COMPLETED"
            && m["hs_meeting_end_time"].is_string()
            && linked.len() == 1),
        "{meetings:?}"
    );

    // A second run finds everything in place and writes nothing.
    let again = ws
        .engine
        .run_migration(&plan, &|_| {}, &Cancel::default())
        .await
        .unwrap();
    assert_eq!(
        (again.created, again.updated, again.failed),
        (0, 0, 0),
        "{again:?}"
    );
    assert_eq!(hubspot_counts(&running).await, after);

    // A rollback removes every activity it made.
    let rolled = ws
        .engine
        .rollback_migration(report.migration_id, false, &|_| {})
        .await
        .unwrap();
    assert_eq!(rolled.left_changed, 0, "{rolled:?}");
    assert_eq!(hubspot_counts(&running).await, before);
}

/// Pipedrive's activities as its v2 API lists them: id -> the activity.
async fn pipedrive_activities(running: &Running) -> HashMap<i64, Value> {
    let d = &running.description.pipedrive;
    let base = d.base_url.trim_end_matches("/api/v1");
    let http = reqwest::Client::new();
    let mut out = HashMap::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("{base}/api/v2/activities?limit=500");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let page: Value = http
            .get(url)
            .header("x-api-token", &d.api_token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for a in page["data"].as_array().unwrap() {
            out.insert(a["id"].as_i64().unwrap(), a.clone());
        }
        match page["additional_data"]["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return out,
        }
    }
}

fn by_type(activities: &HashMap<i64, Value>) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for a in activities.values() {
        *out.entry(a["type"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn salesforce_tasks_and_events_cross_to_pipedrive_as_activities_of_each_type() {
    let Some((ws, running, source, target)) = setup(
        "activities-salesforce-pipedrive",
        Provider::Salesforce,
        Provider::Pipedrive,
    )
    .await
    else {
        return;
    };
    let d = &running.description;

    // The Salesforce fixture: an e-mail, a call, an open task (Tasks by subtype) and a meeting (an
    // Event) on one contact; the org's seeded Tasks come along.
    let salesforce = bridge_tests::emulator::client(d, Provider::Salesforce);
    let people = first_page(salesforce.as_ref(), ObjectType::Person).await;
    let contact = people[0].remote_id.clone();
    let on = |extra: Value| {
        let mut f = fields(extra);
        f.insert("person_id".into(), json!(contact));
        f
    };
    let written = salesforce
        .create(
            ObjectType::Activity,
            &[
                on(json!({"kind": "email", "subject": "Re: pricing", "body": "Can we talk on Friday?",
                          "direction": "inbound", "occurred_at": "2026-10-01"})),
                on(json!({"kind": "call", "subject": "Proposal call", "body": "Walked through it",
                          "direction": "outbound", "duration_s": 120, "occurred_at": "2026-10-02"})),
                on(json!({"kind": "task", "subject": "Send the proposal", "done": false,
                          "occurred_at": "2026-10-09"})),
                on(json!({"kind": "meeting", "subject": "Product demo", "body": "With the CFO",
                          "occurred_at": "2026-10-05T15:00:00Z", "ends_at": "2026-10-05T16:00:00Z"})),
            ],
        )
        .await;
    assert!(written.iter().all(Result::is_ok), "{written:?}");
    assert!(
        written[3].as_ref().unwrap().remote_id.starts_with("00U"),
        "an Event"
    );

    let before = pipedrive_activities(&running).await;
    two_crms::pull_whole(&ws.engine, source.id).await;
    let plan = ws
        .engine
        .plan_migration(source.id, target.id)
        .await
        .unwrap();
    let kinds: HashMap<String, i64> = plan
        .source_counts
        .iter()
        .filter_map(|c| Some((c.kind?.to_string(), c.count)))
        .collect();
    assert_eq!(
        (kinds["email"], kinds["call"], kinds["meeting"]),
        (1, 1, 1),
        "{kinds:?}"
    );
    let report = ws
        .engine
        .run_migration(&plan, &|_| {}, &Cancel::default())
        .await
        .unwrap();
    let results = ws.engine.migration_results(report.migration_id).unwrap();
    let failures: Vec<_> = results.iter().filter(|r| r.error.is_some()).collect();
    assert!(failures.is_empty(), "{failures:?}");
    let person = results
        .iter()
        .find(|r| r.object_type == ObjectType::Person && r.source_remote_id == contact)
        .and_then(|r| r.target_remote_id.clone())
        .unwrap();

    // Our client asked the org which API versions it serves and used the newest (the emulated org
    // serves up to v62.0), query locators included.
    let log: Value = reqwest::get(format!("{}/requests?provider=salesforce", d.admin_url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths: Vec<&str> = log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["user_agent"]
                .as_str()
                .is_some_and(|a| a.starts_with("CRM-Bridge/"))
        })
        .filter_map(|r| r["path"].as_str())
        .filter(|p| p.contains("/services/data/v"))
        .collect();
    assert!(!paths.is_empty());
    assert!(
        paths.iter().all(|p| p.contains("/services/data/v62.0/")),
        "{paths:?}"
    );

    // Each Salesforce kind arrives as the Pipedrive activity type of that kind.
    let after = pipedrive_activities(&running).await;
    let new: Vec<&Value> = after
        .iter()
        .filter(|(id, _)| !before.contains_key(id))
        .map(|(_, a)| a)
        .collect();
    let mut types = by_type(&after);
    for (t, n) in by_type(&before) {
        *types.get_mut(&t).unwrap() -= n;
    }
    assert_eq!(types["email"], 1, "{types:?}");
    assert_eq!(types["call"], 1, "{types:?}");
    assert_eq!(types["meeting"], 1, "{types:?}");
    assert_eq!(types["task"] as i64, kinds["task"], "{types:?}");
    let find = |subject: &str| {
        *new.iter()
            .find(|a| a["subject"] == subject)
            .unwrap_or_else(|| panic!("no {subject}"))
    };
    let meeting = find("Product demo");
    assert_eq!(
        (
            &meeting["due_date"],
            &meeting["due_time"],
            &meeting["duration"]
        ),
        (&json!("2026-10-05"), &json!("15:00"), &json!("01:00"))
    );
    assert_eq!(meeting["note"], "With the CFO");
    assert_eq!(meeting["person_id"].to_string(), person);
    let call = find("Proposal call");
    assert_eq!(
        (&call["duration"], &call["done"]),
        (&json!("00:02"), &json!(true))
    );
    assert_eq!(find("Send the proposal")["done"], json!(false));

    // A second run writes nothing; a rollback removes what the first made.
    let again = ws
        .engine
        .run_migration(&plan, &|_| {}, &Cancel::default())
        .await
        .unwrap();
    assert_eq!(
        (again.created, again.updated, again.failed),
        (0, 0, 0),
        "{again:?}"
    );
    ws.engine
        .rollback_migration(report.migration_id, false, &|_| {})
        .await
        .unwrap();
    assert_eq!(pipedrive_activities(&running).await.len(), before.len());
}
