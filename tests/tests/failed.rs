//! The failed-records queue against the emulated CRMs: refused writes are sent again by category, by
//! id after a person's fix, or discarded with a reason; the queue exports as CSV.

mod keyring_workspace;

use bridge_engine::{Cancel, FailedQuery, PullOptions};
use bridge_model::{ErrorCategory, NewFailedRecord, ObjectType, Provider, WriteOperation};
use bridge_store::{failed_records, records};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_writes_are_fixed_and_sent_again_or_discarded_with_a_reason() {
    let Some(ws) = keyring_workspace::workspace("failed") else {
        return;
    };
    let crms = bridge_engine::start_demo_crms(50).await.unwrap();
    let connections = ws.engine.connect_demo(&crms).await.unwrap();
    let hubspot = connections
        .iter()
        .find(|c| c.provider == Provider::Hubspot)
        .unwrap();
    let salesforce = connections
        .iter()
        .find(|c| c.provider == Provider::Salesforce)
        .unwrap();
    // What a sync stores when writes are refused: the write, the category, the CRM's message, the field.
    let queue = |connection, object_type, remote_id: Option<&str>, operation, payload, category| {
        NewFailedRecord {
            connection_id: connection,
            object_type,
            remote_id: remote_id.map(str::to_owned),
            operation,
            payload,
            category,
            message: "as first refused".into(),
            field: None,
        }
    };
    let ids = ws
        .engine
        .store()
        .write(|tx| {
            let now = chrono::Utc::now();
            [
                queue(
                    hubspot.id,
                    ObjectType::Person,
                    None,
                    WriteOperation::Create,
                    json!({"first_name": "Ann", "last_name": "Bad", "email": "ann at example"}),
                    ErrorCategory::Validation,
                ),
                queue(
                    hubspot.id,
                    ObjectType::Person,
                    None,
                    WriteOperation::Create,
                    json!({"first_name": "Bo", "last_name": "Later", "email": "bo.later@queue.example"}),
                    ErrorCategory::Server,
                ),
                queue(
                    salesforce.id,
                    ObjectType::Person,
                    Some("0035e00000009zzAAA"),
                    WriteOperation::Update,
                    json!({"title": "CTO"}),
                    ErrorCategory::NotFound,
                ),
            ]
            .iter()
            .map(|f| failed_records::insert(tx, f, now))
            .collect::<bridge_store::Result<Vec<i64>>>()
        })
        .unwrap();
    let all = FailedQuery::default();
    assert_eq!(ws.engine.failed_page(&all, 0, 100).unwrap().total, 3);
    let only = |category| FailedQuery {
        category: Some(category),
        ..FailedQuery::default()
    };
    assert_eq!(
        ws.engine
            .failed_page(&only(ErrorCategory::Server), 0, 100)
            .unwrap()
            .total,
        1
    );

    // A CRM error is transient: the automatic retry sends it again (due at once, never tried) and
    // leaves what waits for a person alone.
    let s = ws
        .engine
        .retry_due_failed(chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!((s.resolved, s.failed), (1, 0));
    assert_eq!(ws.engine.failed_record(ids[0]).unwrap().attempts, 1);
    assert_eq!(
        ws.engine
            .failed_page(&only(ErrorCategory::Server), 0, 100)
            .unwrap()
            .total,
        0
    );

    // The others are refused again, with the CRM's own message and field now.
    let s = ws.engine.resync_failed(&all).await.unwrap();
    assert_eq!((s.resolved, s.failed), (0, 2));
    let bad = ws.engine.failed_record(ids[0]).unwrap();
    assert_eq!(bad.attempts, 2);
    assert_eq!(bad.field.as_deref(), Some("email"), "{bad:?}");
    assert_ne!(bad.message, "as first refused");
    let gone = ws.engine.failed_record(ids[2]).unwrap();
    assert_eq!(gone.category, ErrorCategory::NotFound);

    // A person fixes the e-mail and sends that one again.
    let mut fixed = bad.payload.clone();
    fixed["email"] = json!("ann.fixed@queue.example");
    ws.engine.edit_failed(ids[0], fixed).unwrap();
    let s = ws
        .engine
        .resync_failed(&FailedQuery {
            ids: vec![ids[0]],
            ..FailedQuery::default()
        })
        .await
        .unwrap();
    assert_eq!((s.resolved, s.failed), (1, 0));

    let csv = ws.engine.failed_csv(&all).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[0].starts_with("id,connection,object_type,operation,remote_id,category"));
    assert!(
        lines[1].contains("0035e00000009zzAAA") && lines[1].contains("not_found"),
        "{csv}"
    );

    let no_reason = ws.engine.discard_failed(&[ids[2]], "  ").unwrap_err();
    assert!(no_reason.to_string().contains("say why"), "{no_reason}");
    assert_eq!(
        ws.engine
            .discard_failed(&[ids[2]], "the contact was deleted in Salesforce")
            .unwrap(),
        1
    );
    assert_eq!(ws.engine.failed_page(&all, 0, 100).unwrap().total, 0);

    // HubSpot now has both people, once each.
    ws.engine
        .pull(
            hubspot.id,
            &PullOptions::default(),
            &|_| {},
            &Cancel::default(),
        )
        .await
        .unwrap();
    let people = ws
        .engine
        .store()
        .read(|c| records::fields_of(c, &[ObjectType::Person], &[hubspot.id]))
        .unwrap();
    for email in ["bo.later@queue.example", "ann.fixed@queue.example"] {
        let n = people
            .iter()
            .filter(|p| p.fields.get("email").and_then(|v| v.as_str()) == Some(email))
            .count();
        assert_eq!(n, 1, "{email}");
    }
    for c in &connections {
        ws.engine.disconnect(c.id, false).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_with_one_cause_are_grouped_and_fixed_at_once() {
    let Some(ws) = keyring_workspace::workspace("failed-groups") else {
        return;
    };
    let crms = bridge_engine::start_demo_crms(20).await.unwrap();
    let connections = ws.engine.connect_demo(&crms).await.unwrap();
    let hubspot = connections
        .iter()
        .find(|c| c.provider == Provider::Hubspot)
        .unwrap();
    // Three people HubSpot refused for their e-mail, one company for something else.
    let ids = ws
        .engine
        .store()
        .write(|tx| {
            let now = chrono::Utc::now();
            let person = |n: u32| NewFailedRecord {
                connection_id: hubspot.id,
                object_type: ObjectType::Person,
                remote_id: None,
                operation: WriteOperation::Create,
                payload: json!({"first_name": format!("Grouped{n}"), "last_name": "Person", "email": format!("person{n} at example")}),
                category: ErrorCategory::Validation,
                // The message quotes the value: three messages, one cause.
                message: format!("Email address person{n} at example is invalid"),
                field: Some("email".into()),
            };
            let mut ids = Vec::new();
            for n in 0..3 {
                ids.push(failed_records::insert(tx, &person(n), now)?);
            }
            ids.push(failed_records::insert(
                tx,
                &NewFailedRecord {
                    object_type: ObjectType::Company,
                    payload: json!({"name": "", "domain": "grouped.example"}),
                    message: "Required fields are missing: name".into(),
                    field: Some("name".into()),
                    ..person(9)
                },
                now,
            )?);
            Ok(ids)
        })
        .unwrap();
    let groups = ws.engine.failed_groups(&FailedQuery::default()).unwrap();
    assert_eq!(groups.len(), 2, "{groups:?}");
    let emails = &groups[0];
    assert_eq!(
        (emails.count, emails.messages, emails.field.as_deref()),
        (3, 3, Some("email"))
    );
    assert_eq!(emails.ids, ids[..3]);
    assert_eq!(
        emails.message,
        "Email address person0 at example is invalid"
    );

    // "Fix all 3": the e-mail taken out of each write, and all three are created.
    let s = ws
        .engine
        .fix_failed_group(&emails.ids, "email", serde_json::Value::Null)
        .await
        .unwrap();
    assert_eq!((s.resolved, s.failed), (3, 0));
    let left = ws.engine.failed_groups(&FailedQuery::default()).unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].object_type, ObjectType::Company);

    // One value for every write of the group: the company gets its name and goes.
    let s = ws
        .engine
        .fix_failed_group(&left[0].ids, "name", json!("Grouped Inc."))
        .await
        .unwrap();
    assert_eq!((s.resolved, s.failed), (1, 0));
    assert!(
        ws.engine
            .failed_groups(&FailedQuery::default())
            .unwrap()
            .is_empty()
    );
    let refused = ws
        .engine
        .fix_failed_group(&[], "name", json!("x"))
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("no failed record"),
        "{refused}"
    );
}
