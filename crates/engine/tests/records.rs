//! The Records use case: validation with error codes, and the total only when asked for.

use bridge_engine::{Engine, ErrorCode, ErrorPayload};
use bridge_model::{ConnectionId, NewConnection, NewRecord, ObjectType, Provider, RecordQuery};
use bridge_store::{connections, records};
use chrono::{TimeZone, Utc};
use serde_json::json;

fn engine_with(n: usize) -> Engine {
    let engine = Engine::open_in_memory().unwrap();
    let now = Utc.with_ymd_and_hms(2026, 5, 6, 7, 8, 9).unwrap();
    engine
        .store()
        .write(|tx| {
            let id: ConnectionId = connections::insert(
                tx,
                &NewConnection {
                    provider: Provider::Close,
                    label: "Close".into(),
                    base_url: "http://127.0.0.1:1/api/v1".into(),
                    account_id: None,
                    secret_ref: None,
                },
                now,
            )?;
            for i in 0..n {
                records::upsert(
                    tx,
                    &NewRecord {
                        connection_id: id,
                        object_type: ObjectType::Company,
                        remote_id: format!("lead_{i}"),
                        fields: json!({"name": format!("Lead {i:03}")})
                            .as_object()
                            .unwrap()
                            .clone(),
                        raw: json!({}),
                        remote_modified_at: None,
                    },
                    now,
                )?;
            }
            Ok(())
        })
        .unwrap();
    engine
}

#[test]
fn a_page_that_is_too_large_or_starts_before_zero_is_refused_with_its_field() {
    let engine = engine_with(0);
    for (query, field) in [
        (
            RecordQuery {
                limit: 0,
                ..Default::default()
            },
            "limit",
        ),
        (
            RecordQuery {
                limit: 501,
                ..Default::default()
            },
            "limit",
        ),
        (
            RecordQuery {
                limit: 10,
                offset: -1,
                ..Default::default()
            },
            "offset",
        ),
    ] {
        let err = engine.record_page(&query).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        let payload = ErrorPayload::from(err);
        assert!(payload.message.contains(field), "{}", payload.message);
    }
}

#[test]
fn the_total_is_counted_only_when_asked_for() {
    let engine = engine_with(250);
    let first = engine
        .record_page(&RecordQuery {
            limit: 100,
            with_total: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(first.total, Some(250));
    assert_eq!(first.rows.len(), 100);
    assert_eq!(first.rows[0].display_name, "Lead 000");
    let last = engine
        .record_page(&RecordQuery {
            limit: 100,
            offset: 200,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(last.total, None);
    assert_eq!(last.rows.len(), 50);
    assert_eq!(last.rows[49].display_name, "Lead 249");
}

#[test]
fn an_unknown_record_is_not_found() {
    let engine = engine_with(1);
    let err = engine.record(bridge_model::RecordId(999)).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    assert_eq!(err.to_string(), "record 999 does not exist");
}
