//! Contract tests: the emulated HubSpot answers with the paths, status codes, headers, JSON keys,
//! paging and error bodies of CONTRACTS.md §2.

mod common;

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
        let request = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        common::send(request, None).await
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Value) -> (StatusCode, Value) {
        let request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        let (status, _, answer) = common::send(request, Some(body)).await;
        (status, answer)
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
    // A property the portal does not have is refused by name; once created, it takes a value.
    let ann = json!({"properties": {"email": "ann@lee.example", "firstname": "Ann", "age": 41}});
    let (status, refused) = hs
        .send(
            reqwest::Method::POST,
            "/crm/v3/objects/contacts",
            ann.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("PROPERTY_DOESNT_EXIST"),
        "{refused}"
    );
    let (status, property) = hs
        .send(
            reqwest::Method::POST,
            "/crm/v3/properties/contacts",
            json!({"name": "age", "label": "Age", "type": "number", "fieldType": "number",
                   "groupName": "contactinformation"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{property}");
    let (status, created) = hs
        .send(reqwest::Method::POST, "/crm/v3/objects/contacts", ann)
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

#[tokio::test]
async fn batches_take_at_most_100_inputs_and_report_partial_failure_with_207() {
    let (running, client) = emulator(relaxed(50)).await;
    let hs = hs(&running, &client);
    let too_many: Vec<Value> = (0..101).map(|i| json!({"id": i.to_string()})).collect();
    let (status, body) = hs
        .send(
            reqwest::Method::POST,
            "/crm/v3/objects/contacts/batch/read",
            json!({"inputs": too_many}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error_body(&body, "VALIDATION_ERROR");

    let (status, body) = hs
        .send(
            reqwest::Method::POST,
            "/crm/v3/objects/contacts/batch/read",
            json!({"inputs": [{"id": "1"}, {"id": "999999"}], "properties": ["email"]}),
        )
        .await;
    assert_eq!(status, StatusCode::MULTI_STATUS);
    assert_eq!(body["status"], "COMPLETE");
    assert_eq!(body["numErrors"], 1);
    assert_eq!(body["results"].as_array().unwrap().len(), 1);
    assert_eq!(body["errors"][0]["category"], "OBJECT_NOT_FOUND");
    assert_eq!(body["errors"][0]["context"]["ids"][0], "999999");

    let (status, body) = hs
        .send(
            reqwest::Method::POST,
            "/crm/v3/objects/contacts/batch/update",
            json!({"inputs": [
                {"id": "2", "properties": {"jobtitle": "CFO"}},
                {"id": "3", "properties": {"email": "not-an-email"}},
            ]}),
        )
        .await;
    assert_eq!(status, StatusCode::MULTI_STATUS);
    assert_eq!(body["results"][0]["id"], "2");
    assert_eq!(body["errors"][0]["category"], "VALIDATION_ERROR");
    assert_eq!(body["errors"][0]["context"]["ids"][0], "3");
}

#[tokio::test]
async fn batch_create_is_all_or_nothing_and_refuses_an_existing_email_with_409() {
    let (running, client) = emulator(relaxed(50)).await;
    let hs = hs(&running, &client);
    let (status, body) = hs
        .send(
            reqwest::Method::POST,
            "/crm/v3/objects/contacts/batch/create",
            json!({"inputs": [
                {"properties": {"email": "new.one@example.com", "firstname": "New"}},
                {"properties": {"email": "new.two@example.com"}},
            ]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["results"].as_array().unwrap().len(), 2);
    let (status, body) = hs
        .send(
            reqwest::Method::POST,
            "/crm/v3/objects/contacts/batch/create",
            json!({"inputs": [
                {"properties": {"email": "third@example.com"}},
                {"properties": {"email": "NEW.ONE@example.com"}},
            ]}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_error_body(&body, "CONFLICT");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("Contact already exists. Existing ID: ")
    );
    let (status, body) = hs
        .send(
            reqwest::Method::POST,
            "/crm/v3/objects/contacts/batch/read",
            json!({"inputs": [{"id": "third@example.com"}], "idProperty": "email"}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::MULTI_STATUS,
        "nothing of the failed batch was written: {body}"
    );
}

#[tokio::test]
async fn upsert_by_email_creates_once_then_updates() {
    let (running, client) = emulator(relaxed(20)).await;
    let hs = hs(&running, &client);
    let input = |title: &str| json!({"inputs": [{"id": "upsert.me@example.com", "idProperty": "email", "properties": {"jobtitle": title}}]});
    let (status, first) = hs
        .send(
            reqwest::Method::POST,
            "/crm/v3/objects/contacts/batch/upsert",
            input("CTO"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first["results"][0]["new"], true);
    let (_, second) = hs
        .send(
            reqwest::Method::POST,
            "/crm/v3/objects/contacts/batch/upsert",
            input("CEO"),
        )
        .await;
    assert_eq!(second["results"][0]["new"], false);
    assert_eq!(second["results"][0]["id"], first["results"][0]["id"]);
}

#[tokio::test]
async fn merge_keeps_the_primary_fills_its_blanks_and_moves_associations() {
    let (running, client) = emulator(relaxed(200)).await;
    let hs = hs(&running, &client);
    let (_, a) = hs
        .send(
            reqwest::Method::POST,
            "/crm/v3/objects/contacts",
            json!({"properties": {"email": "keep@x.example", "firstname": "Keep"}}),
        )
        .await;
    let (_, b) = hs
        .send(reqwest::Method::POST, "/crm/v3/objects/contacts", json!({"properties": {"email": "gone@x.example", "firstname": "Gone", "phone": "+1 555 010 0000"}}))
        .await;
    let (a, b) = (
        a["id"].as_str().unwrap().to_owned(),
        b["id"].as_str().unwrap().to_owned(),
    );
    let (status, note) = hs
        .send(reqwest::Method::POST, "/crm/v3/objects/notes/batch/create", json!({"inputs": [{
            "properties": {"hs_note_body": "call", "hs_timestamp": "2026-01-01T00:00:00.000Z"},
            "associations": [{"to": {"id": b}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 202}]}],
        }]}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let note_id = note["results"][0]["id"].as_str().unwrap().to_owned();

    let (status, merged) = hs
        .send(
            reqwest::Method::POST,
            "/crm/v3/objects/contacts/merge",
            json!({"primaryObjectId": a, "objectIdToMerge": b}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(merged["id"], a);
    let (_, _, survivor) = hs
        .get(&format!(
            "/crm/v3/objects/contacts/{a}?properties=firstname,phone,email"
        ))
        .await;
    assert_eq!(
        survivor["properties"]["firstname"], "Keep",
        "the primary's values win"
    );
    assert_eq!(
        survivor["properties"]["phone"], "+1 555 010 0000",
        "blanks are filled"
    );
    let (status, _, _) = hs.get(&format!("/crm/v3/objects/contacts/{b}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, _, assoc) = hs
        .get(&format!("/crm/v4/objects/contacts/{a}/associations/notes"))
        .await;
    let ids: Vec<&str> = assoc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["toObjectId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [note_id.as_str()]);
    assert_eq!(assoc["results"][0]["associationTypes"][0]["typeId"], 201);
    assert_eq!(
        assoc["results"][0]["associationTypes"][0]["category"],
        "HUBSPOT_DEFINED"
    );
}

#[tokio::test]
async fn properties_pipelines_and_owners_have_hubspots_shapes() {
    let (running, client) = emulator(relaxed(10)).await;
    let hs = hs(&running, &client);
    let (status, _, props) = hs.get("/crm/v3/properties/contacts").await;
    assert_eq!(status, StatusCode::OK);
    let email = props["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "email")
        .unwrap();
    for key in [
        "name",
        "label",
        "type",
        "fieldType",
        "groupName",
        "description",
        "options",
    ] {
        assert!(email.get(key).is_some(), "Property.{key}");
    }
    let custom = props["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["hubspotDefined"] == false)
        .unwrap();
    assert_eq!(custom["options"].as_array().unwrap().len(), 3);

    let (_, _, pipelines) = hs.get("/crm/v3/pipelines/deals").await;
    let stages = pipelines["results"][0]["stages"].as_array().unwrap();
    assert_eq!(pipelines["results"][0]["id"], "default");
    let won = stages.iter().find(|s| s["label"] == "Closed Won").unwrap();
    assert_eq!(won["metadata"]["probability"], "1.0");
    assert_eq!(won["metadata"]["isClosed"], "true");

    let (_, _, owners) = hs.get("/crm/v3/owners").await;
    let first = &owners["results"][0];
    assert!(
        first["email"]
            .as_str()
            .unwrap()
            .ends_with("@crmbridge-demo.example")
    );
    assert_eq!(first["type"], "PERSON");
}

mod faults {
    use super::*;

    async fn set_faults(running: &Running, client: &Client, spec: &str) {
        let url = format!("{}/faults?provider=hubspot", running.description.admin_url);
        let r = client.put(url).body(spec.to_owned()).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    }

    /// Statuses (and whether the body was valid JSON) of `n` list requests.
    async fn outcomes(hs: &Hs<'_>, n: usize) -> Vec<(u16, bool)> {
        let mut out = Vec::new();
        for _ in 0..n {
            let r = hs
                .client
                .get(format!("{}/crm/v3/objects/contacts?limit=1", hs.base))
                .bearer_auth(&hs.token)
                .send()
                .await;
            out.push(match r {
                Err(_) => (0, false),
                Ok(r) => {
                    let status = r.status().as_u16();
                    let parsed = match r.bytes().await {
                        Ok(b) => serde_json::from_slice::<Value>(&b).is_ok(),
                        Err(_) => false,
                    };
                    (status, parsed)
                }
            });
        }
        out
    }

    #[tokio::test]
    async fn faults_set_at_run_time_fail_requests_in_every_way_and_replay_with_the_same_seed() {
        let (running, client) = emulator(relaxed(20)).await;
        let hs = hs(&running, &client);
        set_faults(
            &running,
            &client,
            "error_rate=0.2,rate_limit_rate=0.2,drop_rate=0.15,malformed_rate=0.15,seed=9",
        )
        .await;
        let first = outcomes(&hs, 120).await;
        assert!(first.contains(&(503, true)), "5xx with a JSON body");
        assert!(first.contains(&(429, true)), "429 with HubSpot's body");
        assert!(
            first.iter().any(|&(s, ok)| s == 200 && !ok),
            "malformed or cut-off 200 bodies"
        );
        assert!(first.contains(&(200, true)), "some requests still succeed");

        // The same seed over the same request sequence fails the same way.
        let (running2, client2) = emulator(relaxed(20)).await;
        let hs2 = super::hs(&running2, &client2);
        set_faults(
            &running2,
            &client2,
            "error_rate=0.2,rate_limit_rate=0.2,drop_rate=0.15,malformed_rate=0.15,seed=9",
        )
        .await;
        assert_eq!(outcomes(&hs2, 120).await, first);

        set_faults(&running, &client, "").await;
        assert!(
            outcomes(&hs, 20).await.iter().all(|&o| o == (200, true)),
            "an empty spec turns faults off"
        );
    }

    #[tokio::test]
    async fn a_slow_body_is_streamed_and_arrives_whole() {
        let (running, client) = emulator(relaxed(20)).await;
        let hs = hs(&running, &client);
        let url = format!("{}/crm/v3/objects/contacts?limit=20", hs.base);
        let plain = client
            .get(&url)
            .bearer_auth(&hs.token)
            .send()
            .await
            .unwrap();
        assert!(
            plain.headers().contains_key("content-length"),
            "a normal answer has its length"
        );
        set_faults(&running, &client, "slow_body_ms=80").await;
        let slow = client
            .get(&url)
            .bearer_auth(&hs.token)
            .send()
            .await
            .unwrap();
        assert!(
            !slow.headers().contains_key("content-length"),
            "a slow body is streamed"
        );
        assert_eq!(slow.headers()["transfer-encoding"], "chunked");
        let parsed: Value = slow.json().await.unwrap();
        assert_eq!(
            parsed["results"].as_array().unwrap().len(),
            20,
            "and arrives whole"
        );
    }

    #[tokio::test]
    async fn a_bad_fault_spec_is_refused_with_the_reason() {
        let (running, client) = emulator(relaxed(5)).await;
        let url = format!("{}/faults?provider=hubspot", running.description.admin_url);
        let r = client.put(url).body("drop_rate=7").send().await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(r.text().await.unwrap().contains("drop_rate"));
    }

    #[tokio::test]
    async fn the_request_log_tells_reads_from_writes() {
        let (running, client) = emulator(relaxed(20)).await;
        let hs = hs(&running, &client);
        hs.get("/crm/v3/objects/contacts?limit=5").await;
        hs.send(
            reqwest::Method::POST,
            "/crm/v3/objects/contacts/search",
            json!({"limit": 5}),
        )
        .await;
        hs.send(
            reqwest::Method::POST,
            "/crm/v3/objects/contacts/batch/read",
            json!({"inputs": [{"id": "1"}]}),
        )
        .await;
        let url = format!(
            "{}/requests?provider=hubspot&writes_only=true",
            running.description.admin_url
        );
        let log: Value = client.get(&url).send().await.unwrap().json().await.unwrap();
        assert_eq!(
            log["requests"].as_array().unwrap().len(),
            0,
            "reads and searches are not writes: {log}"
        );
        hs.send(
            reqwest::Method::PATCH,
            "/crm/v3/objects/contacts/1",
            json!({"properties": {"jobtitle": "CEO"}}),
        )
        .await;
        let log: Value = client.get(&url).send().await.unwrap().json().await.unwrap();
        let writes = log["requests"].as_array().unwrap();
        assert_eq!(writes.len(), 1);
        assert_eq!(writes[0]["method"], "PATCH");
        assert_eq!(
            writes[0]["path"], "/crm/v3/objects/contacts/1",
            "the API path as the CRM sees it"
        );
        assert_eq!(writes[0]["status"], 200);
    }
}

mod oauth {
    use std::{collections::HashMap, time::Duration};

    use super::*;

    /// Authorize (no redirect following: the Location header carries the code), then exchange with PKCE.
    async fn sign_in(
        running: &Running,
        verifier: &str,
        sent_verifier: Option<&str>,
    ) -> (StatusCode, Value) {
        let client = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let d = &running.description.hubspot;
        let challenge = {
            use base64::Engine;
            use sha2::Digest;
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(sha2::Sha256::digest(verifier.as_bytes()))
        };
        let r = client
            .get(&d.authorize_url)
            .query(&[
                ("client_id", d.client_id.as_str()),
                ("redirect_uri", "http://127.0.0.1:9/callback"),
                (
                    "scope",
                    "crm.objects.contacts.read crm.objects.contacts.write",
                ),
                ("state", "s t&ate"),
                ("code_challenge", &challenge),
                ("code_challenge_method", "S256"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FOUND);
        let location = r.headers()["location"].to_str().unwrap().to_owned();
        assert!(
            location.starts_with("http://127.0.0.1:9/callback?code="),
            "{location}"
        );
        assert!(
            location.ends_with("&state=s%20t%26ate"),
            "state comes back intact: {location}"
        );
        let code = location
            .split("code=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap()
            .to_owned();
        let mut form: HashMap<&str, &str> = HashMap::from([
            ("grant_type", "authorization_code"),
            ("client_id", d.client_id.as_str()),
            ("client_secret", d.client_secret.as_str()),
            ("redirect_uri", "http://127.0.0.1:9/callback"),
            ("code", code.as_str()),
        ]);
        if let Some(v) = sent_verifier {
            form.insert("code_verifier", v);
        }
        let r = client.post(&d.token_url).form(&form).send().await.unwrap();
        (r.status(), r.json().await.unwrap())
    }

    #[tokio::test]
    async fn the_authorization_code_flow_with_pkce_issues_tokens_that_work_and_refresh() {
        let (running, client) = emulator(relaxed(5)).await;
        let (status, tokens) = sign_in(
            &running,
            "v3rifier-v3rifier-v3rifier-v3rifier-v3rifier",
            Some("v3rifier-v3rifier-v3rifier-v3rifier-v3rifier"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{tokens}");
        assert_eq!(tokens["token_type"], "bearer");
        assert!(tokens["expires_in"].as_u64().unwrap() > 0);
        let access = tokens["access_token"].as_str().unwrap();
        let url = format!(
            "{}/crm/v3/objects/contacts?limit=1",
            running.description.hubspot.base_url
        );
        assert_eq!(
            client
                .get(&url)
                .bearer_auth(access)
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::OK
        );

        let d = &running.description.hubspot;
        let r = client
            .post(&d.token_url)
            .form(&[
                ("grant_type", "refresh_token"),
                ("client_id", d.client_id.as_str()),
                ("client_secret", d.client_secret.as_str()),
                ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
            ])
            .send()
            .await
            .unwrap();
        let refreshed: Value = r.json().await.unwrap();
        assert_ne!(refreshed["access_token"], tokens["access_token"]);
        assert_eq!(
            refreshed["refresh_token"], tokens["refresh_token"],
            "HubSpot keeps the refresh token"
        );
    }

    #[tokio::test]
    async fn a_wrong_or_missing_code_verifier_is_refused() {
        let (running, _) = emulator(relaxed(5)).await;
        let (status, body) = sign_in(
            &running,
            "right-verifier-right-verifier-right-verifier",
            Some("wrong"),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["status"], "BAD_AUTH_CODE");
        let (status, _) = sign_in(
            &running,
            "right-verifier-right-verifier-right-verifier",
            None,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }

    #[tokio::test]
    async fn an_expired_access_token_gets_hubspots_expired_401() {
        let (running, client) = emulator(Config {
            token_lifetime: Duration::ZERO,
            ..relaxed(5)
        })
        .await;
        let verifier = "expiring-verifier-expiring-verifier-expiring";
        let (_, tokens) = sign_in(&running, verifier, Some(verifier)).await;
        let url = format!(
            "{}/crm/v3/objects/contacts?limit=1",
            running.description.hubspot.base_url
        );
        let r = client
            .get(&url)
            .bearer_auth(tokens["access_token"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let body: Value = r.json().await.unwrap();
        assert_error_body(&body, "EXPIRED_AUTHENTICATION");
        assert!(body["message"].as_str().unwrap().contains("expired"));
    }
}

#[tokio::test]
async fn archived_records_are_listed_with_archived_true() {
    let (running, client) = emulator(relaxed(10)).await;
    let hs = hs(&running, &client);
    for id in ["3", "7"] {
        let r = client
            .delete(format!("{}/crm/v3/objects/contacts/{id}", hs.base))
            .bearer_auth(&hs.token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
    }
    let (status, _, body) = hs
        .get("/crm/v3/objects/contacts?archived=true&limit=1")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["results"][0]["id"], "3");
    assert_eq!(body["results"][0]["archived"], true);
    assert!(
        body["results"][0]["archivedAt"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    let after = body["paging"]["next"]["after"].as_str().unwrap().to_owned();
    let (_, _, rest) = hs
        .get(&format!(
            "/crm/v3/objects/contacts?archived=true&limit=1&after={after}"
        ))
        .await;
    assert_eq!(rest["results"][0]["id"], "7");
    assert!(rest.get("paging").is_none());
    let (_, _, live) = hs.get("/crm/v3/objects/contacts?limit=100").await;
    assert_eq!(
        live["results"].as_array().unwrap().len(),
        8,
        "archived records leave the normal list"
    );
}

#[tokio::test]
async fn a_private_app_has_a_daily_limit_with_its_headers_and_daily_429() {
    let (running, client) = emulator(Config {
        hubspot_daily: 2,
        ..relaxed(10)
    })
    .await;
    let hs = hs(&running, &client);
    let (status, headers, _) = hs.get("/crm/v3/objects/contacts?limit=1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["x-hubspot-ratelimit-daily"], "2");
    assert_eq!(headers["x-hubspot-ratelimit-daily-remaining"], "1");
    let (status, _, _) = hs.get("/crm/v3/objects/contacts?limit=1").await;
    assert_eq!(status, StatusCode::OK);
    let (status, headers, body) = hs.get("/crm/v3/objects/contacts?limit=1").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["policyName"], "DAILY");
    assert_eq!(body["message"], "You have reached your daily limit.");
    assert_eq!(headers["x-hubspot-ratelimit-daily-remaining"], "0");
}
