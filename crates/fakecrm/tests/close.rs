//! Contract tests: the emulated Close answers with the paths, status codes, headers, JSON keys, paging
//! and error bodies of CONTRACTS.md §4.

mod common;

use bridge_fakecrm::{Config, Running, start};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

struct Close {
    running: Running,
    client: Client,
}

impl Close {
    async fn new(config: Config) -> Self {
        Close {
            running: start(config).await.expect("emulator starts"),
            client: Client::new(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.running.description.close.base_url)
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        // API key as the user name of Basic auth, with an empty password.
        let request = self
            .client
            .request(method, self.url(path))
            .basic_auth(&self.running.description.close.api_key, Some(""));
        common::send(request, body).await
    }
}

fn relaxed(records: u32) -> Config {
    Config {
        records,
        close_per_s: 100_000,
        ..Config::default()
    }
}

#[tokio::test]
async fn the_api_key_is_basic_auth_with_an_empty_password() {
    let close = Close::new(relaxed(10)).await;
    let (status, headers, me) = close.call(Method::GET, "/me/", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        me["organizations"][0]["id"]
            .as_str()
            .unwrap()
            .starts_with("orga_")
    );
    let rate = headers["ratelimit"].to_str().unwrap();
    assert!(
        rate.starts_with("limit=") && rate.contains("remaining=") && rate.contains("reset="),
        "{rate}"
    );

    let r = close
        .client
        .get(close.url("/me/"))
        .basic_auth("api_wrong", Some(""))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.json::<Value>().await.unwrap()["error"].is_string());
}

#[tokio::test]
async fn leads_page_with_skip_and_limit_until_has_more_is_false_and_embed_their_contacts() {
    let close = Close::new(relaxed(500)).await;
    let mut skip = 0;
    let mut ids = Vec::new();
    let mut contacts_seen = 0;
    loop {
        let (status, _, body) = close
            .call(Method::GET, &format!("/lead/?_skip={skip}&_limit=40"), None)
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["total_results"], 100);
        for lead in body["data"].as_array().unwrap() {
            let id = lead["id"].as_str().unwrap().to_owned();
            assert!(id.starts_with("lead_"));
            assert!(lead["date_updated"].as_str().unwrap().ends_with("+00:00"));
            for c in lead["contacts"].as_array().unwrap() {
                assert_eq!(
                    c["lead_id"], lead["id"],
                    "an embedded contact belongs to its lead"
                );
                contacts_seen += 1;
            }
            ids.push(id);
        }
        if !body["has_more"].as_bool().unwrap() {
            break;
        }
        skip += 40;
    }
    assert_eq!(ids.len(), 100);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 100);
    assert_eq!(
        contacts_seen, 500,
        "every contact sits under exactly one lead"
    );
}

#[tokio::test]
async fn a_limit_over_the_maximum_is_a_field_error() {
    let close = Close::new(relaxed(10)).await;
    let (status, _, body) = close.call(Method::GET, "/contact/?_limit=101", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["field-errors"]["_limit"].is_string(), "{body}");
    assert_eq!(body["errors"], json!([]));
}

#[tokio::test]
async fn a_lead_with_nested_contacts_is_created_updated_by_put_and_deleted() {
    let close = Close::new(relaxed(10)).await;
    let (status, _, lead) = close
        .call(Method::POST, "/lead/", Some(json!({
            "name": "Acme", "custom.cf_LeadSourceDetail000000000000000000000000": "Webinar",
            "contacts": [{"name": "John Doe", "emails": [{"email": "john@acme.example", "type": "office"}]}],
        })))
        .await;
    assert_eq!(status, StatusCode::OK, "{lead}");
    let id = lead["id"].as_str().unwrap().to_owned();
    assert_eq!(lead["contacts"][0]["lead_id"], lead["id"]);
    assert_eq!(lead["display_name"], "Acme");

    let (status, _, updated) = close
        .call(
            Method::PUT,
            &format!("/lead/{id}/"),
            Some(json!({"description": "Big account"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        updated["name"], "Acme",
        "PUT keeps the fields it does not send"
    );
    assert_eq!(updated["description"], "Big account");
    assert_eq!(
        updated["custom.cf_LeadSourceDetail000000000000000000000000"],
        "Webinar"
    );

    let (status, _, body) = close
        .call(
            Method::POST,
            "/contact/",
            Some(json!({"lead_id": id, "name": "Bad", "emails": [{"email": "bad@@x"}]})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["field-errors"]["emails"]
            .as_str()
            .unwrap()
            .contains("bad@@x"),
        "{body}"
    );

    let (status, _, body) = close
        .call(Method::DELETE, &format!("/lead/{id}/"), None)
        .await;
    assert_eq!((status, body), (StatusCode::OK, json!({})));
    let (status, _, body) = close.call(Method::GET, &format!("/lead/{id}/"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body["error"].is_string());
}

#[tokio::test]
async fn a_contact_without_a_lead_gets_a_new_lead_and_an_opportunity_needs_one() {
    let close = Close::new(relaxed(10)).await;
    let (status, _, contact) = close
        .call(
            Method::POST,
            "/contact/",
            Some(json!({"name": "Solo Person"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let lead_id = contact["lead_id"].as_str().unwrap();
    let (status, _, lead) = close
        .call(Method::GET, &format!("/lead/{lead_id}/"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(lead["name"], "Solo Person");
    let (status, _, body) = close
        .call(
            Method::POST,
            "/opportunity/",
            Some(json!({"value": 100000})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["field-errors"]["lead_id"], "This field is required.");
    let (status, _, opp) = close
        .call(
            Method::POST,
            "/opportunity/",
            Some(json!({"lead_id": lead_id, "value": 100000, "value_currency": "USD"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(opp["status_type"], "active");
    assert_eq!(opp["value"], 100000, "money in cents");
}

#[tokio::test]
async fn date_updated_filters_walk_in_modified_order() {
    let close = Close::new(relaxed(400)).await;
    let since = "2026-05-01T00:00:00";
    let mut seen: Vec<String> = Vec::new();
    let mut skip = 0;
    loop {
        let path = format!(
            "/opportunity/?date_updated__gte={since}&_order_by=date_updated&_skip={skip}&_limit=50&_fields=id,date_updated"
        );
        let (status, _, body) = close.call(Method::GET, &path, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        for o in body["data"].as_array().unwrap() {
            assert_eq!(
                o.as_object().unwrap().len(),
                2,
                "_fields limits the keys: {o}"
            );
            seen.push(o["date_updated"].as_str().unwrap().to_owned());
        }
        if !body["has_more"].as_bool().unwrap() {
            break;
        }
        skip += 50;
    }
    assert!(!seen.is_empty());
    assert!(seen.iter().all(|d| d.as_str() >= "2026-05-01T00:00:00"));
    assert!(
        seen.windows(2).all(|w| w[0] <= w[1]),
        "ascending date_updated"
    );
}

#[tokio::test]
async fn over_the_limit_close_answers_429_with_ratelimit_and_retry_after() {
    let close = Close::new(Config {
        records: 10,
        close_per_s: 3,
        ..Config::default()
    })
    .await;
    let mut last = None;
    for _ in 0..4 {
        last = Some(close.call(Method::GET, "/me/", None).await);
    }
    let (status, headers, body) = last.unwrap();
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        headers["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    assert!(
        headers["ratelimit"]
            .to_str()
            .unwrap()
            .contains("remaining=0")
    );
    assert!(body["error"].is_string());
}

#[tokio::test]
async fn statuses_list_lead_and_opportunity_statuses_with_their_types() {
    let close = Close::new(relaxed(10)).await;
    let (_, _, leads) = close.call(Method::GET, "/status/lead/", None).await;
    assert!(
        leads["data"][0]["id"]
            .as_str()
            .unwrap()
            .starts_with("stat_")
    );
    let (_, _, opps) = close.call(Method::GET, "/status/opportunity/", None).await;
    let types: Vec<&str> = opps["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status_type"].as_str().unwrap())
        .collect();
    assert!(types.contains(&"won") && types.contains(&"lost") && types.contains(&"active"));
}

#[tokio::test]
async fn oauth_refresh_tokens_rotate_and_the_old_one_dies() {
    let close = Close::new(relaxed(5)).await;
    let d = &close.running.description.close;
    let client = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = client
        .get(&d.authorize_url)
        .query(&[
            ("client_id", d.client_id.as_str()),
            ("response_type", "code"),
            ("redirect_uri", "http://127.0.0.1:9/cb"),
            ("state", "xyz"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FOUND);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.ends_with("&state=xyz"), "{location}");
    let code = location
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();
    let token = |form: Vec<(&'static str, String)>| {
        let client = client.clone();
        let url = d.token_url.clone();
        async move { client.post(url).form(&form).send().await.unwrap() }
    };
    let first: Value = token(vec![
        ("grant_type", "authorization_code".into()),
        ("client_id", d.client_id.clone()),
        ("client_secret", d.client_secret.clone()),
        ("code", code),
        ("redirect_uri", "http://127.0.0.1:9/cb".into()),
    ])
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(first["token_type"], "Bearer");
    assert_eq!(first["expires_in"], 1800);
    assert!(
        first["organization_id"]
            .as_str()
            .unwrap()
            .starts_with("orga_")
    );
    let r = close
        .client
        .get(close.url("/me/"))
        .bearer_auth(first["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "the access token works on the API"
    );

    let refresh = |rt: String| {
        token(vec![
            ("grant_type", "refresh_token".into()),
            ("client_id", d.client_id.clone()),
            ("client_secret", d.client_secret.clone()),
            ("refresh_token", rt),
        ])
    };
    let second = refresh(first["refresh_token"].as_str().unwrap().into()).await;
    assert_eq!(second.status(), StatusCode::OK);
    let second: Value = second.json().await.unwrap();
    assert_ne!(
        second["refresh_token"], first["refresh_token"],
        "a new refresh token each time"
    );
    let reused = refresh(first["refresh_token"].as_str().unwrap().into()).await;
    assert_eq!(
        reused.status(),
        StatusCode::BAD_REQUEST,
        "the old refresh token is revoked"
    );
    assert_eq!(
        reused.json::<Value>().await.unwrap()["error"],
        "invalid_grant"
    );
}

#[tokio::test]
async fn merging_a_lead_moves_its_contacts_and_opportunities_and_deletes_it() {
    let close = Close::new(relaxed(10)).await;
    let (_, _, source) = close
        .call(Method::POST, "/lead/", Some(json!({"name": "Acme Inc", "description": "from the trade show", "contacts": [{"name": "Ann Source"}]})))
        .await;
    let (_, _, destination) = close
        .call(Method::POST, "/lead/", Some(json!({"name": "ACME"})))
        .await;
    let (source_id, destination_id) = (
        source["id"].as_str().unwrap().to_owned(),
        destination["id"].as_str().unwrap().to_owned(),
    );
    let (_, _, opportunity) = close
        .call(
            Method::POST,
            "/opportunity/",
            Some(json!({"lead_id": source_id, "value": 5000})),
        )
        .await;

    let (status, _, body) = close
        .call(
            Method::POST,
            "/lead/merge/",
            Some(json!({"source": source_id, "destination": destination_id})),
        )
        .await;
    assert_eq!((status, body), (StatusCode::OK, json!({})));
    let (status, _, _) = close
        .call(Method::GET, &format!("/lead/{source_id}/"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the source lead is gone");
    let (_, _, merged) = close
        .call(Method::GET, &format!("/lead/{destination_id}/"), None)
        .await;
    assert_eq!(
        merged["name"], "ACME",
        "the destination keeps its own values"
    );
    assert_eq!(
        merged["description"], "from the trade show",
        "and gains what it lacked"
    );
    assert_eq!(merged["contacts"][0]["name"], "Ann Source");
    let opp_id = opportunity["id"].as_str().unwrap();
    let (_, _, moved) = close
        .call(Method::GET, &format!("/opportunity/{opp_id}/"), None)
        .await;
    assert_eq!(moved["lead_id"], destination_id.as_str());
}

fn search_body(since: &str, cursor: Option<&str>, limit: u64) -> Value {
    json!({
        "query": {"type": "and", "queries": [
            {"type": "object_type", "object_type": "contact"},
            {"type": "field_condition",
             "field": {"type": "regular_field", "object_type": "contact", "field_name": "date_updated"},
             "condition": {"type": "moment_range", "on_or_after": {"type": "fixed_utc", "value": since}}},
        ]},
        "_fields": {"contact": ["id", "name", "date_updated"]},
        "_limit": limit,
        "cursor": cursor,
    })
}

#[tokio::test]
async fn data_search_pages_with_cursors_in_date_updated_order() {
    let close = Close::new(relaxed(800)).await;
    let (status, _, body) = close
        .call(
            Method::POST,
            "/data/search/",
            Some(search_body("2026-03-01T00:00:00", None, 201)),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "_limit is at most 200: {body}"
    );
    let mut cursor: Option<String> = None;
    let mut seen: Vec<String> = Vec::new();
    loop {
        let (status, _, body) = close
            .call(
                Method::POST,
                "/data/search/",
                Some(search_body("2026-03-01T00:00:00", cursor.as_deref(), 100)),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        for r in body["data"].as_array().unwrap() {
            assert_eq!(r["__object_type"], "contact");
            assert_eq!(
                r.as_object().unwrap().len(),
                4,
                "id, name, date_updated + __object_type: {r}"
            );
            seen.push(r["date_updated"].as_str().unwrap().to_owned());
        }
        match body["cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert!(seen.len() > 100);
    assert!(seen.iter().all(|d| d.as_str() >= "2026-03-01T00:00:00"));
    assert!(seen.windows(2).all(|w| w[0] <= w[1]));
}

#[tokio::test]
async fn a_data_search_cursor_expires() {
    let close = Close::new(Config {
        close_cursor_ttl: std::time::Duration::ZERO,
        ..relaxed(300)
    })
    .await;
    let (_, _, first) = close
        .call(
            Method::POST,
            "/data/search/",
            Some(search_body("2025-01-01T00:00:00", None, 10)),
        )
        .await;
    let cursor = first["cursor"]
        .as_str()
        .expect("more than one page")
        .to_owned();
    std::thread::sleep(std::time::Duration::from_millis(5));
    let (status, _, body) = close
        .call(
            Method::POST,
            "/data/search/",
            Some(search_body("2025-01-01T00:00:00", Some(&cursor), 10)),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("cursor"),
        "{body}"
    );
}

#[tokio::test]
async fn data_search_stops_at_ten_thousand_objects_per_sequence() {
    let close = Close::new(relaxed(12_000)).await;
    let mut cursor: Option<String> = None;
    let mut total = 0;
    loop {
        let (status, _, body) = close
            .call(
                Method::POST,
                "/data/search/",
                Some(search_body("2000-01-01T00:00:00", cursor.as_deref(), 200)),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        total += body["data"].as_array().unwrap().len();
        match body["cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(
        total, 10_000,
        "12,000 contacts match, one sequence yields 10,000"
    );
}

#[tokio::test]
async fn custom_fields_and_pipelines_are_discoverable() {
    let close = Close::new(relaxed(5)).await;
    let (status, _, fields) = close.call(Method::GET, "/custom_field/lead/", None).await;
    assert_eq!(status, StatusCode::OK);
    let field = &fields["data"][0];
    assert!(field["id"].as_str().unwrap().starts_with("cf_"));
    assert_eq!(field["type"], "choices");
    let (_, _, lead) = close.call(Method::GET, "/lead/?_limit=1", None).await;
    let key = format!("custom.{}", field["id"].as_str().unwrap());
    assert!(
        lead["data"][0][key.as_str()].is_string(),
        "leads carry the field as custom.cf_…"
    );
    let (_, _, pipelines) = close.call(Method::GET, "/pipeline/", None).await;
    let statuses = pipelines["data"][0]["statuses"].as_array().unwrap();
    assert!(statuses.iter().any(|s| s["type"] == "won"));
}

#[tokio::test]
async fn the_event_log_reveals_deletions_newest_first() {
    let close = Close::new(relaxed(10)).await;
    let (_, _, a) = close
        .call(Method::POST, "/lead/", Some(json!({"name": "First gone"})))
        .await;
    let (_, _, b) = close
        .call(Method::POST, "/lead/", Some(json!({"name": "Second gone"})))
        .await;
    for lead in [&a, &b] {
        let id = lead["id"].as_str().unwrap();
        close
            .call(Method::DELETE, &format!("/lead/{id}/"), None)
            .await;
    }
    let (status, _, events) = close
        .call(Method::GET, "/event/?object_type=lead&action=deleted", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<&str> = events["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["object_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [b["id"].as_str().unwrap(), a["id"].as_str().unwrap()],
        "newest first"
    );
    assert_eq!(events["data"][0]["action"], "deleted");
    assert!(events["cursor_next"].is_null());
}

#[tokio::test]
async fn calls_are_activities_of_their_own_beside_notes() {
    let close = Close::new(relaxed(40)).await;
    let (status, _, calls) = close
        .call(Method::GET, "/activity/call/?_limit=100", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{calls}");
    let list = calls["data"].as_array().unwrap();
    assert_eq!(list.len(), 10, "one call per four people");
    for c in list {
        assert_eq!(c["_type"], "Call");
        assert!(c["id"].as_str().unwrap().starts_with("acti_"));
        assert!(c["duration"].as_u64().unwrap() >= 30);
        assert!(["inbound", "outbound"].contains(&c["direction"].as_str().unwrap()));
        assert!(c["lead_id"].as_str().unwrap().starts_with("lead_"));
    }
    let (_, _, notes) = close
        .call(Method::GET, "/activity/note/?_limit=100", None)
        .await;
    let note_ids: Vec<&str> = notes["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert!(
        list.iter()
            .all(|c| !note_ids.contains(&c["id"].as_str().unwrap())),
        "ids never collide"
    );
    let call_id = list[0]["id"].as_str().unwrap();
    let (status, _, _) = close
        .call(Method::GET, &format!("/activity/note/{call_id}/"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a call is not a note");

    let lead = list[0]["lead_id"].clone();
    let (status, _, created) = close
        .call(Method::POST, "/activity/call/", Some(json!({"lead_id": lead, "duration": 95, "direction": "outbound", "note": "Called back"})))
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    assert_eq!(created["_type"], "Call");
    assert_eq!(created["status"], "completed");
    let id = created["id"].as_str().unwrap();
    let (status, _, read) = close
        .call(Method::GET, &format!("/activity/call/{id}/"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["duration"], 95);
    let (status, _, _) = close
        .call(Method::DELETE, &format!("/activity/call/{id}/"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, _, events) = close
        .call(
            Method::GET,
            "/event/?object_type=activity.call&action=deleted",
            None,
        )
        .await;
    assert_eq!(events["data"][0]["object_id"], id, "{events}");

    let (status, _, body) = close
        .call(
            Method::POST,
            "/activity/call/",
            Some(json!({"duration": 5})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["field-errors"]["lead_id"].is_string(), "{body}");
    let (status, _, _) = close
        .call(Method::GET, "/activity/meeting_room/", None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
