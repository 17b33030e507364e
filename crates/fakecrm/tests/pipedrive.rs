//! Contract tests: the emulated Pipedrive answers with the paths, status codes, headers, JSON keys,
//! paging and error bodies of CONTRACTS.md §5 (v1 and v2).

mod common;

use bridge_fakecrm::{Config, Running, start};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

struct Pd {
    running: Running,
    client: Client,
}

impl Pd {
    async fn new(config: Config) -> Self {
        Pd {
            running: start(config).await.expect("emulator starts"),
            client: Client::new(),
        }
    }

    /// `path` starts with `/api/v1/...` or `/api/v2/...`.
    fn url(&self, path: &str) -> String {
        let v1 = &self.running.description.pipedrive.base_url;
        format!("{}{path}", v1.trim_end_matches("/api/v1"))
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        let request = self
            .client
            .request(method, self.url(path))
            .header("x-api-token", &self.running.description.pipedrive.api_token);
        common::send(request, body).await
    }
}

fn relaxed(records: u32) -> Config {
    Config {
        records,
        pipedrive_per_2s: 100_000,
        ..Config::default()
    }
}

fn is_hash_key(key: &str) -> bool {
    key.len() == 40 && key.bytes().all(|b| b.is_ascii_hexdigit())
}

#[tokio::test]
async fn the_token_goes_in_x_api_token_and_a_wrong_one_gets_pipedrives_401() {
    let pd = Pd::new(relaxed(5)).await;
    let (status, headers, me) = pd.call(Method::GET, "/api/v1/users/me", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["success"], true);
    assert!(
        me["data"]["email"]
            .as_str()
            .unwrap()
            .ends_with("@crmbridge-demo.example")
    );
    for h in [
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
    ] {
        assert!(headers.contains_key(h), "{h}");
    }
    let r = pd
        .client
        .get(pd.url("/api/v1/persons"))
        .header("x-api-token", "wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        (body["success"].clone(), body["errorCode"].clone()),
        (json!(false), json!(401))
    );
    let token = &pd.running.description.pipedrive.api_token;
    let r = pd
        .client
        .get(format!("{}?api_token={token}", pd.url("/api/v1/users/me")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "the api_token query parameter is accepted too"
    );
}

#[tokio::test]
async fn v1_pages_with_start_and_limit_and_shows_the_v1_shapes() {
    let pd = Pd::new(relaxed(300)).await;
    let (status, _, body) = pd
        .call(Method::GET, "/api/v1/persons?limit=501", None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["success"], false);
    let mut start = 0;
    let mut ids = Vec::new();
    loop {
        let (status, _, body) = pd
            .call(
                Method::GET,
                &format!("/api/v1/persons?start={start}&limit=128"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        for p in body["data"].as_array().unwrap() {
            ids.push(p["id"].as_i64().unwrap());
            assert!(
                p["owner_id"]["email"].is_string(),
                "v1 owner_id is an object: {p}"
            );
            assert!(
                p["org_id"]["value"].is_i64() && p["org_id"]["name"].is_string(),
                "v1 org_id is an object"
            );
            assert_eq!(
                p["add_time"].as_str().unwrap().len(),
                19,
                "YYYY-MM-DD HH:MM:SS"
            );
            assert_eq!(p["active_flag"], true);
            assert!(
                p.as_object().unwrap().keys().any(|k| is_hash_key(k)),
                "custom fields flat by hash"
            );
        }
        let pagination = &body["additional_data"]["pagination"];
        if !pagination["more_items_in_collection"].as_bool().unwrap() {
            assert!(pagination.get("next_start").is_none());
            break;
        }
        start = pagination["next_start"].as_u64().unwrap() as usize;
    }
    assert_eq!(ids.len(), 300);
    ids.dedup();
    assert_eq!(ids.len(), 300);
}

#[tokio::test]
async fn v2_cursors_walk_updated_since_in_update_time_order() {
    let pd = Pd::new(relaxed(600)).await;
    let mut cursor: Option<String> = None;
    let mut seen: Vec<(String, i64)> = Vec::new();
    loop {
        let mut path = "/api/v2/persons?updated_since=2026-05-01T00:00:00Z&sort_by=update_time&sort_direction=asc&limit=100".to_owned();
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let (status, _, body) = pd.call(Method::GET, &path, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        for p in body["data"].as_array().unwrap() {
            assert!(p["org_id"].is_i64(), "v2 org_id is a plain integer");
            assert!(p["emails"].is_array() && p["is_deleted"] == false);
            assert!(
                p["custom_fields"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .all(|k| is_hash_key(k))
            );
            seen.push((
                p["update_time"].as_str().unwrap().to_owned(),
                p["id"].as_i64().unwrap(),
            ));
        }
        match body["additional_data"]["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert!(seen.len() > 50);
    assert!(
        seen.iter()
            .all(|(t, _)| t.as_str() >= "2026-05-01T00:00:00Z")
    );
    assert!(
        seen.windows(2).all(|w| w[0] <= w[1]),
        "update_time, then id"
    );
}

#[tokio::test]
async fn v1_and_v2_writes_share_one_record_and_validate_what_pipedrive_validates() {
    let pd = Pd::new(relaxed(5)).await;
    let (status, _, body) = pd
        .call(
            Method::POST,
            "/api/v2/persons",
            Some(json!({"emails": [{"value": "x@y.example"}]})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "v2 needs a name");
    assert_eq!(body["success"], false);
    let hash = "8f2e5b1c9d7a4e3f6b0c2d8e1a5f9c3b7d4e6a20";
    let (status, _, created) = pd
        .call(Method::POST, "/api/v1/persons", Some(json!({"name": "Ann Lee", "email": "ann@lee.example", "org_id": "2", hash: "Referral"})))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["data"]["id"].as_i64().unwrap();
    assert_eq!(created["data"]["email"][0]["value"], "ann@lee.example");
    let (_, _, v2) = pd
        .call(Method::GET, &format!("/api/v2/persons/{id}"), None)
        .await;
    assert_eq!(v2["data"]["emails"][0]["value"], "ann@lee.example");
    assert_eq!(v2["data"]["org_id"], 2, "v1 coerced the numeric string");
    assert_eq!(v2["data"]["custom_fields"][hash], "Referral");

    let (status, _, _) = pd
        .call(
            Method::PATCH,
            &format!("/api/v2/persons/{id}"),
            Some(json!({"org_id": "3"})),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "v2 does not coerce strings to numbers"
    );
    let (status, _, patched) = pd
        .call(
            Method::PATCH,
            &format!("/api/v2/persons/{id}"),
            Some(json!({"job_title": "CFO"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(patched["data"]["name"], "Ann Lee", "PATCH keeps the rest");
    let (status, _, body) = pd
        .call(
            Method::PUT,
            &format!("/api/v1/persons/{id}"),
            Some(json!({"email": ["not-an-email"]})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"].as_str().unwrap().contains("not-an-email"));

    let (status, _, body) = pd
        .call(Method::DELETE, &format!("/api/v1/persons/{id}"), None)
        .await;
    assert_eq!(
        (status, body["data"]["id"].as_i64()),
        (StatusCode::OK, Some(id))
    );
    let (status, _, body) = pd
        .call(Method::GET, &format!("/api/v1/persons/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"], "Person not found");
}

#[tokio::test]
async fn merge_removes_the_id_in_the_url_and_the_survivor_takes_its_deals() {
    let pd = Pd::new(relaxed(5)).await;
    let (_, _, gone) = pd
        .call(
            Method::POST,
            "/api/v2/persons",
            Some(json!({"name": "Bill Smith", "phones": [{"value": "+1 555 010 2030"}]})),
        )
        .await;
    let (_, _, keep) = pd
        .call(
            Method::POST,
            "/api/v2/persons",
            Some(json!({"name": "William Smith"})),
        )
        .await;
    let (gone, keep) = (
        gone["data"]["id"].as_i64().unwrap(),
        keep["data"]["id"].as_i64().unwrap(),
    );
    let (_, _, deal) = pd
        .call(
            Method::POST,
            "/api/v2/deals",
            Some(json!({"title": "Renewal", "person_id": gone})),
        )
        .await;
    let (status, _, merged) = pd
        .call(
            Method::PUT,
            &format!("/api/v1/persons/{gone}/merge"),
            Some(json!({"merge_with_id": keep})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{merged}");
    assert_eq!(merged["data"]["id"], keep);
    assert_eq!(merged["data"]["merge_what_id"], gone);
    assert_eq!(
        merged["data"]["name"], "William Smith",
        "the survivor's values win"
    );
    assert_eq!(
        merged["data"]["phone"][0]["value"], "+1 555 010 2030",
        "empty fields are filled"
    );
    let (status, _, _) = pd
        .call(Method::GET, &format!("/api/v1/persons/{gone}"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let deal_id = deal["data"]["id"].as_i64().unwrap();
    let (_, _, deal) = pd
        .call(Method::GET, &format!("/api/v2/deals/{deal_id}"), None)
        .await;
    assert_eq!(deal["data"]["person_id"], keep);
}

#[tokio::test]
async fn fields_name_custom_fields_by_hash_and_stages_carry_probabilities() {
    let pd = Pd::new(relaxed(5)).await;
    let (_, _, fields) = pd.call(Method::GET, "/api/v1/personFields", None).await;
    let custom: Vec<&Value> = fields["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| is_hash_key(f["key"].as_str().unwrap()))
        .collect();
    assert_eq!(custom.len(), 1);
    assert_eq!(custom[0]["name"], "Lead source detail");
    assert_eq!(custom[0]["options"].as_array().unwrap().len(), 3);
    let (_, _, stages) = pd
        .call(Method::GET, "/api/v1/stages?pipeline_id=1", None)
        .await;
    let probabilities: Vec<i64> = stages["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["deal_probability"].as_i64().unwrap())
        .collect();
    assert!(
        probabilities.windows(2).all(|w| w[0] <= w[1]),
        "{probabilities:?}"
    );
}

#[tokio::test]
async fn the_burst_window_answers_429_request_over_limit() {
    let pd = Pd::new(Config {
        records: 5,
        pipedrive_per_2s: 2,
        ..Config::default()
    })
    .await;
    let mut statuses = Vec::new();
    let mut last = None;
    for _ in 0..3 {
        let (status, headers, body) = pd.call(Method::GET, "/api/v1/users/me", None).await;
        statuses.push(status);
        last = Some((headers, body));
    }
    assert_eq!(
        statuses,
        [
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    let (headers, body) = last.unwrap();
    assert_eq!(headers["x-ratelimit-remaining"], "0");
    assert_eq!(body["error"], "Request over limit");
}

#[tokio::test]
async fn oauth_uses_basic_client_auth_returns_api_domain_and_keeps_the_refresh_token() {
    let pd = Pd::new(relaxed(5)).await;
    let d = &pd.running.description.pipedrive;
    let client = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = client
        .get(&d.authorize_url)
        .query(&[
            ("client_id", d.client_id.as_str()),
            ("redirect_uri", "http://127.0.0.1:9/cb"),
            ("state", "s1"),
        ])
        .send()
        .await
        .unwrap();
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.ends_with("&state=s1"), "{location}");
    let code = location
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();

    let r = client
        .post(&d.token_url)
        .basic_auth(&d.client_id, Some(&d.client_secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", "http://127.0.0.1:9/cb"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let tokens: Value = r.json().await.unwrap();
    let api_domain = tokens["api_domain"].as_str().unwrap();
    let me = client
        .get(format!("{api_domain}/api/v1/users/me"))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        me.status(),
        StatusCode::OK,
        "calls go to api_domain with the bearer token"
    );

    let refreshed: Value = client
        .post(&d.token_url)
        .basic_auth(&d.client_id, Some(&d.client_secret))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        refreshed["refresh_token"], tokens["refresh_token"],
        "Pipedrive keeps the refresh token"
    );
    assert_ne!(refreshed["access_token"], tokens["access_token"]);

    let wrong = client
        .post(&d.token_url)
        .basic_auth(&d.client_id, Some("not-the-secret"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn recents_list_what_changed_since_a_moment_oldest_first() {
    let pd = Pd::new(relaxed(300)).await;
    let since = "2026-09-01 00:00:00";
    let mut start = 0;
    let mut seen: Vec<(String, i64)> = Vec::new();
    loop {
        let path =
            format!("/api/v1/recents?since_timestamp={since}&items=person&start={start}&limit=50");
        let (status, _, body) = pd.call(Method::GET, &path, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["additional_data"]["since_timestamp"], since);
        for r in body["data"].as_array().unwrap() {
            assert_eq!(r["item"], "person");
            assert_eq!(r["data"]["id"], r["id"]);
            assert!(r["data"]["email"].is_array(), "the v1 shape: {r}");
            seen.push((
                r["data"]["update_time"].as_str().unwrap().to_owned(),
                r["id"].as_i64().unwrap(),
            ));
        }
        let pagination = &body["additional_data"]["pagination"];
        match pagination["next_start"].as_u64() {
            Some(next) => start = next as usize,
            None => break,
        }
    }
    assert!(!seen.is_empty());
    assert!(
        seen.iter().all(|(t, _)| t.as_str() >= since),
        "v1 times are `YYYY-MM-DD HH:MM:SS`"
    );
    assert!(
        seen.windows(2).all(|w| w[0] <= w[1]),
        "oldest first, then by id"
    );

    // A change made now comes last.
    let (status, _, _) = pd
        .call(
            Method::PUT,
            "/api/v1/persons/1",
            Some(json!({"job_title": "CFO"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, _, body) = pd
        .call(
            Method::GET,
            &format!(
                "/api/v1/recents?since_timestamp={since}&items=person&start={}&limit=500",
                seen.len() - 1
            ),
            None,
        )
        .await;
    let last = body["data"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["id"], 1, "{body}");
    assert_eq!(last["data"]["job_title"], "CFO");

    let (status, _, body) = pd
        .call(
            Method::GET,
            "/api/v1/recents?since_timestamp=yesterday&items=person",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"].as_str().unwrap().contains("since_timestamp"),
        "{body}"
    );
}

#[tokio::test]
async fn v2_update_time_cursors_see_every_record_in_the_window_exactly_once() {
    let pd = Pd::new(relaxed(700)).await;
    let walk = |direction: &'static str| {
        let pd = &pd;
        async move {
            let mut ids = Vec::new();
            let mut cursor: Option<String> = None;
            loop {
                let mut path = format!(
                    "/api/v2/persons?updated_since=2025-06-01T00:00:00Z&updated_until=2026-10-01T00:00:00Z&sort_by=update_time&sort_direction={direction}&limit=37"
                );
                if let Some(c) = &cursor {
                    path.push_str(&format!("&cursor={c}"));
                }
                let (_, _, body) = pd.call(Method::GET, &path, None).await;
                ids.extend(
                    body["data"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|p| p["id"].as_i64().unwrap()),
                );
                match body["additional_data"]["next_cursor"].as_str() {
                    Some(c) => cursor = Some(c.to_owned()),
                    None => break,
                }
            }
            ids
        }
    };
    let ascending = walk("asc").await;
    let mut descending = walk("desc").await;
    descending.reverse();
    assert!(ascending.len() > 100);
    assert_eq!(ascending, descending);
    let mut unique = ascending.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ascending.len(), "no record twice");
}

#[tokio::test]
async fn organizations_merge_like_persons_and_take_the_removed_ones_people() {
    let pd = Pd::new(relaxed(100)).await;
    let people_of = |org: i64| {
        let pd = &pd;
        async move {
            let (_, _, body) = pd
                .call(Method::GET, "/api/v1/persons?limit=500", None)
                .await;
            body["data"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|p| p["org_id"]["value"] == org)
                .map(|p| p["id"].as_i64().unwrap())
                .collect::<Vec<_>>()
        }
    };
    let (removed_people, kept_people) = (people_of(3).await, people_of(4).await);
    assert!(!removed_people.is_empty());
    let (status, _, body) = pd
        .call(
            Method::PUT,
            "/api/v1/organizations/3/merge",
            Some(json!({"merge_with_id": 4})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["id"], 4);
    assert_eq!(body["data"]["merge_what_id"], 3);
    let (status, _, _) = pd.call(Method::GET, "/api/v1/organizations/3", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let mut expected: Vec<i64> = removed_people.into_iter().chain(kept_people).collect();
    expected.sort_unstable();
    assert_eq!(people_of(4).await, expected);

    let (status, _, _) = pd
        .call(
            Method::PUT,
            "/api/v1/deals/1/merge",
            Some(json!({"merge_with_id": 2})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = pd.call(Method::GET, "/api/v1/deals/1", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_daily_token_budget_is_spent_by_cost_and_then_refused() {
    let pd = Pd::new(Config {
        pipedrive_daily_tokens: 35,
        ..relaxed(10)
    })
    .await;
    // A single read costs 2 and reports no budget (only API-token writes do).
    let (status, headers, _) = pd.call(Method::GET, "/api/v1/persons/1", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.get("x-daily-requests-left").is_none());
    // A write costs 10: 35 - 2 - 10 = 23 left.
    let (status, headers, _) = pd
        .call(
            Method::PUT,
            "/api/v1/persons/1",
            Some(json!({"job_title": "CTO"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["x-daily-requests-left"], "23");
    // A list costs 20: 3 left, so the next list is refused with 429.
    let (status, _, _) = pd.call(Method::GET, "/api/v1/persons", None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, body) = pd.call(Method::GET, "/api/v1/persons", None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["success"], false);
    assert!(body["error"].as_str().unwrap().contains("budget"), "{body}");
}
