//! Contract tests: the emulated HubSpot answers with the paths, status codes, headers, JSON keys,
//! paging and error bodies of CONTRACTS.md §2.

use bridge_fakecrm::{Config, Running, start};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

async fn emulator(config: Config) -> (Running, Client) {
    (start(config).await.expect("emulator starts"), Client::new())
}

fn relaxed(records: u32) -> Config {
    Config {
        records,
        hubspot_per_10s: 100_000,
        hubspot_search_per_s: 100_000,
        ..Config::default()
    }
}

struct Hs<'a> {
    base: String,
    token: String,
    client: &'a Client,
}

impl Hs<'_> {
    async fn get(&self, path: &str) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        let (status, headers) = (r.status(), r.headers().clone());
        (status, headers, r.json().await.unwrap_or(Value::Null))
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Value) -> (StatusCode, Value) {
        let r = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }
}

fn hs<'a>(running: &Running, client: &'a Client) -> Hs<'a> {
    Hs {
        base: running.description.hubspot.base_url.clone(),
        token: running.description.hubspot.token.clone(),
        client,
    }
}

fn assert_error_body(body: &Value, category: &str) {
    assert_eq!(body["status"], "error", "{body}");
    assert_eq!(body["category"], category, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert!(
        body["correlationId"]
            .as_str()
            .is_some_and(|c| c.len() == 36),
        "{body}"
    );
}

#[tokio::test]
async fn a_request_without_the_token_gets_hubspots_401_body() {
    let (running, client) = emulator(relaxed(10)).await;
    let url = format!(
        "{}/crm/v3/objects/contacts",
        running.description.hubspot.base_url
    );
    let r = client.get(&url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_error_body(&r.json().await.unwrap(), "INVALID_AUTHENTICATION");
    let r = client
        .get(&url)
        .bearer_auth("pat-na1-wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn listing_pages_with_after_until_paging_is_absent_and_sees_every_record_once() {
    let (running, client) = emulator(relaxed(1_000)).await;
    let hs = hs(&running, &client);
    let mut after: Option<String> = None;
    let mut ids = Vec::new();
    loop {
        let path = match &after {
            Some(a) => {
                format!("/crm/v3/objects/contacts?limit=100&after={a}&properties=email,firstname")
            }
            None => "/crm/v3/objects/contacts?limit=100&properties=email,firstname".into(),
        };
        let (status, headers, body) = hs.get(&path).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            headers["x-hubspot-ratelimit-interval-milliseconds"],
            "10000"
        );
        assert!(headers.contains_key("x-hubspot-ratelimit-remaining"));
        let results = body["results"].as_array().unwrap();
        for r in results {
            assert!(r["id"].is_string(), "ids are strings: {r}");
            assert_eq!(r["archived"], false);
            assert!(r["createdAt"].as_str().unwrap().ends_with('Z'));
            let props = r["properties"].as_object().unwrap();
            assert_eq!(
                props.keys().collect::<Vec<_>>(),
                ["email", "firstname"],
                "only what was asked"
            );
            ids.push(r["id"].as_str().unwrap().to_owned());
        }
        match body.get("paging") {
            Some(p) => after = Some(p["next"]["after"].as_str().unwrap().to_owned()),
            None => break,
        }
    }
    assert_eq!(ids.len(), 1_000);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 1_000, "no record twice");
}

#[tokio::test]
async fn limits_outside_the_contract_are_refused_with_a_validation_error() {
    let (running, client) = emulator(relaxed(10)).await;
    let hs = hs(&running, &client);
    let (status, _, body) = hs.get("/crm/v3/objects/contacts?limit=101").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error_body(&body, "VALIDATION_ERROR");
    let (status, body) = hs
        .send(
            reqwest::Method::POST,
            "/crm/v3/objects/contacts/search",
            json!({"limit": 201}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error_body(&body, "VALIDATION_ERROR");
    let (status, _, body) = hs.get("/crm/v3/objects/widgets").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error_body(&body, "VALIDATION_ERROR");
}

#[tokio::test]
async fn create_read_update_archive_with_hubspots_status_codes() {
    let (running, client) = emulator(relaxed(10)).await;
    let hs = hs(&running, &client);
    let (status, created) = hs
        .send(
            reqwest::Method::POST,
            "/crm/v3/objects/contacts",
            json!({"properties": {"email": "ann@lee.example", "firstname": "Ann", "age": 41}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let id = created["id"].as_str().unwrap().to_owned();
    let (status, _, read) = hs
        .get(&format!(
            "/crm/v3/objects/contacts/{id}?properties=email,age,lastmodifieddate"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["properties"]["email"], "ann@lee.example");
    assert_eq!(
        read["properties"]["age"], "41",
        "property values are strings"
    );
    let before = read["properties"]["lastmodifieddate"]
        .as_str()
        .unwrap()
        .to_owned();

    let (status, updated) = hs
        .send(
            reqwest::Method::PATCH,
            &format!("/crm/v3/objects/contacts/{id}"),
            json!({"properties": {"lastname": "Lee"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(updated["id"], id);
    let (_, _, read) = hs
        .get(&format!(
            "/crm/v3/objects/contacts/{id}?properties=lastname,firstname,lastmodifieddate"
        ))
        .await;
    assert_eq!(read["properties"]["lastname"], "Lee");
    assert_eq!(
        read["properties"]["firstname"], "Ann",
        "PATCH keeps what it does not name"
    );
    assert!(read["properties"]["lastmodifieddate"].as_str().unwrap() >= before.as_str());

    let r = client
        .delete(format!("{}/crm/v3/objects/contacts/{id}", hs.base))
        .bearer_auth(&hs.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (status, _, body) = hs.get(&format!("/crm/v3/objects/contacts/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error_body(&body, "OBJECT_NOT_FOUND");
}

#[tokio::test]
async fn an_invalid_email_is_a_validation_error_naming_the_property() {
    let (running, client) = emulator(relaxed(10)).await;
    let hs = hs(&running, &client);
    let (status, body) = hs
        .send(
            reqwest::Method::POST,
            "/crm/v3/objects/contacts",
            json!({"properties": {"email": "ann@@example"}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error_body(&body, "VALIDATION_ERROR");
    assert_eq!(body["errors"][0]["in"], "email");
    assert_eq!(body["context"]["propertyName"][0], "email");
    let (status, body) = hs
        .send(
            reqwest::Method::POST,
            "/crm/v3/objects/contacts",
            json!("not an object"),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error_body(&body, "VALIDATION_ERROR");
}

#[tokio::test]
async fn incremental_search_walks_modified_time_with_ties_broken_by_id() {
    let (running, client) = emulator(relaxed(2_000)).await;
    let hs = hs(&running, &client);
    for (object, property) in [
        ("contacts", "lastmodifieddate"),
        ("companies", "hs_lastmodifieddate"),
    ] {
        let since = "1780000000000";
        let request = |after: Option<String>| {
            let mut body = json!({
                "filterGroups": [{"filters": [{"propertyName": property, "operator": "GTE", "value": since}]}],
                "sorts": [{"propertyName": property, "direction": "ASCENDING"}],
                "properties": [property],
                "limit": 200,
            });
            if let Some(a) = after {
                body["after"] = json!(a);
            }
            body
        };
        let mut seen: Vec<(String, u64)> = Vec::new();
        let mut after = None;
        let mut total = None;
        loop {
            let (status, body) = hs
                .send(
                    reqwest::Method::POST,
                    &format!("/crm/v3/objects/{object}/search"),
                    request(after.clone()),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            total.get_or_insert(body["total"].as_u64().unwrap());
            for r in body["results"].as_array().unwrap() {
                let modified = r["properties"][property].as_str().unwrap().to_owned();
                assert!(
                    modified.as_str() >= "2026-05-28T",
                    "GTE filter holds: {modified}"
                );
                seen.push((modified, r["id"].as_str().unwrap().parse().unwrap()));
            }
            match body.get("paging") {
                Some(p) => after = Some(p["next"]["after"].as_str().unwrap().to_owned()),
                None => break,
            }
        }
        assert_eq!(seen.len() as u64, total.unwrap(), "{object}");
        assert!(
            seen.len() > 100,
            "{object}: the filter keeps a good part of the data"
        );
        assert!(
            seen.windows(2).all(|w| w[0] <= w[1]),
            "{object}: ordered by (modified, id)"
        );
        assert!(
            seen.windows(2).any(|w| w[0].0 == w[1].0),
            "{object}: the data has ties to break"
        );
    }
}

#[tokio::test]
async fn search_stops_at_ten_thousand_results() {
    let (running, client) = emulator(relaxed(20_000)).await;
    let hs = hs(&running, &client);
    let (status, body) = hs
        .send(
            reqwest::Method::POST,
            "/crm/v3/objects/contacts/search",
            json!({"limit": 200, "after": "9800"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["total"], 20_000);
    let (status, body) = hs
        .send(
            reqwest::Method::POST,
            "/crm/v3/objects/contacts/search",
            json!({"limit": 200, "after": "10000"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error_body(&body, "VALIDATION_ERROR");
}

#[tokio::test]
async fn the_ten_second_window_answers_429_with_hubspots_body_and_headers() {
    let (running, client) = emulator(Config {
        records: 10,
        hubspot_per_10s: 3,
        ..Config::default()
    })
    .await;
    let hs = hs(&running, &client);
    let mut statuses = Vec::new();
    let mut last = (reqwest::header::HeaderMap::new(), Value::Null);
    for _ in 0..4 {
        let (status, headers, body) = hs.get("/crm/v3/objects/contacts?limit=1").await;
        statuses.push(status);
        last = (headers, body);
    }
    assert_eq!(
        statuses,
        [
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    let (headers, body) = last;
    assert_eq!(body["policyName"], "TEN_SECONDLY_ROLLING");
    assert_eq!(body["errorType"], "RATE_LIMIT");
    assert_eq!(headers["x-hubspot-ratelimit-remaining"], "0");
    assert_eq!(headers["x-hubspot-ratelimit-max"], "3");
}

#[tokio::test]
async fn ground_truth_names_the_entity_of_each_seeded_record() {
    let (running, client) = emulator(relaxed(1_000)).await;
    let url = format!(
        "{}/ground-truth?provider=hubspot&object=person&limit=1000",
        running.description.admin_url
    );
    let body: Value = client.get(url).send().await.unwrap().json().await.unwrap();
    let rows = body["results"].as_array().unwrap();
    assert_eq!(rows.len(), 1_000);
    assert!(body["next"].is_null());
    let mut entities: Vec<&str> = rows.iter().map(|r| r["entity"].as_str().unwrap()).collect();
    entities.sort();
    entities.dedup();
    let duplicates = 1_000 - entities.len();
    assert!(
        (20..100).contains(&duplicates),
        "about 6 % duplicate another record: {duplicates}"
    );
}
