//! Contract tests: the emulated Salesforce answers with the paths, status codes, headers, JSON keys,
//! query paging and error bodies of CONTRACTS.md §3.

mod common;

use bridge_fakecrm::{Config, Running, start};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

struct Sf {
    running: Running,
    client: Client,
}

impl Sf {
    async fn new(config: Config) -> Self {
        Sf {
            running: start(config).await.expect("emulator starts"),
            client: Client::new(),
        }
    }

    /// `path` is relative to instance_url, as `nextRecordsUrl` is.
    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        let d = &self.running.description.salesforce;
        let request = self
            .client
            .request(method, format!("{}{path}", d.instance_url))
            .bearer_auth(&d.access_token);
        common::send(request, body).await
    }

    async fn query(&self, soql: &str) -> (StatusCode, Value) {
        let d = &self.running.description.salesforce;
        let r = self
            .client
            .get(format!("{}/services/data/v60.0/query", d.instance_url))
            .query(&[("q", soql)])
            .bearer_auth(&d.access_token)
            .header("Sforce-Query-Options", "batchSize=200")
            .send()
            .await
            .unwrap();
        (r.status(), r.json().await.unwrap())
    }
}

const V: &str = "/services/data/v60.0";

fn relaxed(records: u32) -> Config {
    Config {
        records,
        ..Config::default()
    }
}

#[tokio::test]
async fn sessions_quota_and_the_limit_header() {
    let sf = Sf::new(Config {
        records: 5,
        salesforce_daily: 3,
        ..Config::default()
    })
    .await;
    let d = &sf.running.description.salesforce;
    let versions: Value = sf
        .client
        .get(format!("{}/services/data/", d.instance_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // The version list needs no session; it lists every version served, oldest first.
    let listed: Vec<&str> = versions
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v["version"].as_str())
        .collect();
    assert!(listed.contains(&"60.0"), "{listed:?}");
    assert_eq!((listed[0], listed[listed.len() - 1]), ("31.0", "62.0"));
    let r = sf
        .client
        .get(format!("{}{V}/limits", d.instance_url))
        .bearer_auth("00Dbad")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        r.json::<Value>().await.unwrap()[0]["errorCode"],
        "INVALID_SESSION_ID",
        "errors are JSON arrays"
    );

    let mut last = None;
    for _ in 0..4 {
        last = Some(sf.call(Method::GET, &format!("{V}/limits"), None).await);
    }
    let (status, headers, body) = last.unwrap();
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the daily quota is a 403, not a 429"
    );
    assert_eq!(body[0]["errorCode"], "REQUEST_LIMIT_EXCEEDED");
    assert_eq!(headers["sforce-limit-info"], "api-usage=3/3");
}

#[tokio::test]
async fn a_query_pages_through_next_records_url_until_done() {
    let sf = Sf::new(relaxed(1_000)).await;
    let (status, mut body) = sf.query("SELECT Id, Name, Email FROM Contact").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["totalSize"], 1_000);
    let mut ids = Vec::new();
    loop {
        for r in body["records"].as_array().unwrap() {
            assert_eq!(r["attributes"]["type"], "Contact");
            let id = r["Id"].as_str().unwrap().to_owned();
            assert!(id.len() == 18 && id.starts_with("003"), "{id}");
            assert_eq!(
                r.as_object().unwrap().len(),
                4,
                "attributes + the three fields asked for"
            );
            ids.push(id);
        }
        if body["done"] == true {
            assert!(body.get("nextRecordsUrl").is_none());
            break;
        }
        let next = body["nextRecordsUrl"].as_str().unwrap().to_owned();
        assert!(next.starts_with("/services/data/v60.0/query/"), "{next}");
        let (status, _, page) = sf.call(Method::GET, &next, None).await;
        assert_eq!(status, StatusCode::OK);
        body = page;
    }
    assert_eq!(ids.len(), 1_000);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 1_000);
}

#[tokio::test]
async fn an_incremental_query_on_system_modstamp_is_ordered_with_ties_by_id() {
    let sf = Sf::new(relaxed(2_000)).await;
    let (status, body) = sf
        .query("SELECT Id, SystemModstamp FROM Account WHERE SystemModstamp > 2026-04-01T00:00:00Z ORDER BY SystemModstamp, Id")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let rows: Vec<(String, String)> = body["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["SystemModstamp"].as_str().unwrap().to_owned(),
                r["Id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|(t, _)| t.as_str() > "2026-04-01T00:00:00.000+0000" && t.ends_with("+0000"))
    );
    assert!(rows.windows(2).all(|w| w[0] <= w[1]));
}

#[tokio::test]
async fn bad_soql_unknown_objects_and_fields_get_their_error_codes() {
    let sf = Sf::new(relaxed(5)).await;
    for (soql, code) in [
        ("SELEC Id FROM Contact", "MALFORMED_QUERY"),
        ("SELECT Id FROM Widget__c", "INVALID_TYPE"),
        ("SELECT Id, Foo FROM Contact", "INVALID_FIELD"),
        ("SELECT Id FROM Contact WHERE Bar = 'x'", "INVALID_FIELD"),
    ] {
        let (status, body) = sf.query(soql).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{soql}");
        assert_eq!(body[0]["errorCode"], code, "{soql}: {body}");
    }
}

#[tokio::test]
async fn sobject_create_read_update_delete_with_salesforces_status_codes() {
    let sf = Sf::new(relaxed(5)).await;
    let (status, _, body) = sf
        .call(
            Method::POST,
            &format!("{V}/sobjects/Contact"),
            Some(json!({"FirstName": "Ann"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body[0]["errorCode"], "REQUIRED_FIELD_MISSING");
    assert_eq!(body[0]["fields"], json!(["LastName"]));
    let (status, _, body) = sf
        .call(
            Method::POST,
            &format!("{V}/sobjects/Contact"),
            Some(json!({"LastName": "Lee", "Email": "ann@@x"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body[0]["errorCode"], "INVALID_EMAIL_ADDRESS");
    let (status, _, body) = sf
        .call(
            Method::POST,
            &format!("{V}/sobjects/Contact"),
            Some(json!({"LastName": "Lee", "Shoe__c": 42})),
        )
        .await;
    assert_eq!(
        (status, body[0]["errorCode"].clone()),
        (StatusCode::BAD_REQUEST, json!("INVALID_FIELD"))
    );

    let (status, _, created) = sf
        .call(
            Method::POST,
            &format!("{V}/sobjects/Contact"),
            Some(json!({"FirstName": "Ann", "LastName": "Lee", "Email": "ann@lee.example"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        (created["success"].clone(), created["errors"].clone()),
        (json!(true), json!([]))
    );
    let id = created["id"].as_str().unwrap().to_owned();
    let (_, _, read) = sf
        .call(
            Method::GET,
            &format!("{V}/sobjects/Contact/{id}?fields=Name,Email,LastModifiedDate"),
            None,
        )
        .await;
    assert_eq!(read["Name"], "Ann Lee");
    assert!(
        read["LastModifiedDate"]
            .as_str()
            .unwrap()
            .ends_with("+0000")
    );

    let (status, _, _) = sf
        .call(
            Method::PATCH,
            &format!("{V}/sobjects/Contact/{id}"),
            Some(json!({"Title": "CFO"})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, _, read) = sf
        .call(
            Method::GET,
            &format!("{V}/sobjects/Contact/{}", &id[..15]),
            None,
        )
        .await;
    assert_eq!(read["Title"], "CFO", "the 15-character id works too");
    assert_eq!(read["Email"], "ann@lee.example");
    let (status, _, _) = sf
        .call(Method::DELETE, &format!("{V}/sobjects/Contact/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, body) = sf
        .call(Method::GET, &format!("{V}/sobjects/Contact/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body[0]["errorCode"], "NOT_FOUND");
}

#[tokio::test]
async fn describe_lists_fields_with_picklists_and_references() {
    let sf = Sf::new(relaxed(5)).await;
    let (status, _, d) = sf
        .call(
            Method::GET,
            &format!("{V}/sobjects/Opportunity/describe"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let stage = d["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "StageName")
        .unwrap();
    assert_eq!(stage["type"], "picklist");
    assert!(
        stage["picklistValues"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["value"] == "Closed Won")
    );
    let account = d["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "AccountId")
        .unwrap();
    assert_eq!(account["referenceTo"], json!(["Account"]));
}

mod sign_in {
    use super::*;

    fn challenge(verifier: &str) -> String {
        use base64::Engine;
        use sha2::Digest;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(sha2::Sha256::digest(verifier.as_bytes()))
    }

    async fn code(sf: &Sf, verifier: &str) -> String {
        let d = &sf.running.description.salesforce;
        let client = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let r = client
            .get(&d.authorize_url)
            .query(&[
                ("response_type", "code"),
                ("client_id", d.client_id.as_str()),
                ("redirect_uri", "http://127.0.0.1:9/cb"),
                ("state", "st"),
                ("code_challenge", challenge(verifier).as_str()),
                ("code_challenge_method", "S256"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FOUND);
        let location = r.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.ends_with("&state=st"), "{location}");
        location
            .split("code=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap()
            .to_owned()
    }

    async fn exchange(sf: &Sf, code: &str, verifier: Option<&str>) -> (StatusCode, Value) {
        let d = &sf.running.description.salesforce;
        let mut form = vec![
            ("grant_type", "authorization_code".to_owned()),
            ("client_id", d.client_id.clone()),
            ("client_secret", d.client_secret.clone()),
            ("code", code.to_owned()),
            ("redirect_uri", "http://127.0.0.1:9/cb".to_owned()),
        ];
        if let Some(v) = verifier {
            form.push(("code_verifier", v.to_owned()));
        }
        let r = sf
            .client
            .post(&d.token_url)
            .form(&form)
            .send()
            .await
            .unwrap();
        (r.status(), r.json().await.unwrap())
    }

    #[tokio::test]
    async fn the_web_server_flow_returns_instance_url_and_refreshes_without_a_new_refresh_token() {
        let sf = Sf::new(relaxed(5)).await;
        let verifier = "sf-verifier-sf-verifier-sf-verifier-sf-verifier";
        let c = code(&sf, verifier).await;
        let (status, tokens) = exchange(&sf, &c, Some(verifier)).await;
        assert_eq!(status, StatusCode::OK, "{tokens}");
        assert!(
            tokens.get("expires_in").is_none(),
            "Salesforce sends no expires_in"
        );
        for key in [
            "access_token",
            "refresh_token",
            "signature",
            "instance_url",
            "id",
            "issued_at",
        ] {
            assert!(tokens[key].is_string(), "{key}: {tokens}");
        }
        assert_eq!(tokens["token_type"], "Bearer");
        let instance = tokens["instance_url"].as_str().unwrap();
        assert_eq!(instance, sf.running.description.salesforce.instance_url);
        let r = sf
            .client
            .get(format!("{instance}{V}/limits"))
            .bearer_auth(tokens["access_token"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "the session works on instance_url"
        );

        let d = &sf.running.description.salesforce;
        let refreshed: Value = sf
            .client
            .post(&d.token_url)
            .form(&[
                ("grant_type", "refresh_token"),
                ("client_id", d.client_id.as_str()),
                ("client_secret", d.client_secret.as_str()),
                ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(refreshed["access_token"].is_string());
        assert!(
            refreshed.get("refresh_token").is_none(),
            "no rotation: no refresh_token on refresh"
        );
    }

    #[tokio::test]
    async fn pkce_errors_are_salesforces() {
        let sf = Sf::new(relaxed(5)).await;
        let verifier = "another-verifier-another-verifier-another-ver";
        let c = code(&sf, verifier).await;
        let (status, body) = exchange(&sf, &c, None).await;
        assert_eq!(
            (status, body["error"].clone()),
            (StatusCode::BAD_REQUEST, json!("invalid_grant"))
        );
        let c = code(&sf, verifier).await;
        let (_, body) = exchange(&sf, &c, Some("wrong")).await;
        assert_eq!(body["error"], "invalid_request");
    }

    fn assertion(sf: &Sf, sub: &str, exp_offset: i64) -> String {
        use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
        let d = &sf.running.description.salesforce;
        let pem = std::fs::read(&d.jwt_private_key_path).unwrap();
        let now = chrono::Utc::now().timestamp();
        let claims =
            json!({"iss": d.client_id, "sub": sub, "aud": d.base_url, "exp": now + exp_offset});
        encode(
            &Header::new(Algorithm::RS256),
            &claims,
            &EncodingKey::from_rsa_pem(&pem).unwrap(),
        )
        .unwrap()
    }

    async fn jwt_grant(sf: &Sf, assertion: &str) -> (StatusCode, Value) {
        let r = sf
            .client
            .post(&sf.running.description.salesforce.token_url)
            .form(&[
                ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
                ("assertion", assertion),
            ])
            .send()
            .await
            .unwrap();
        (r.status(), r.json().await.unwrap())
    }

    #[tokio::test]
    async fn the_jwt_bearer_flow_verifies_the_rs256_assertion() {
        let sf = Sf::new(relaxed(5)).await;
        let username = sf.running.description.salesforce.username.clone();
        let (status, tokens) = jwt_grant(&sf, &assertion(&sf, &username, 180)).await;
        assert_eq!(status, StatusCode::OK, "{tokens}");
        assert!(
            tokens.get("refresh_token").is_none(),
            "the JWT flow issues no refresh token"
        );
        let r = sf
            .client
            .get(format!(
                "{}{V}/limits",
                tokens["instance_url"].as_str().unwrap()
            ))
            .bearer_auth(tokens["access_token"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);

        let (status, body) = jwt_grant(&sf, &assertion(&sf, "someone.else@example.com", 180)).await;
        assert_eq!(
            (status, body["error"].clone()),
            (StatusCode::BAD_REQUEST, json!("invalid_grant"))
        );
        let (_, body) = jwt_grant(&sf, &assertion(&sf, &username, -600)).await;
        assert_eq!(body["error"], "invalid_grant", "an expired assertion");
        let mut tampered = assertion(&sf, &username, 180);
        let last = tampered.pop().unwrap();
        tampered.push(if last == 'A' { 'B' } else { 'A' });
        let (_, body) = jwt_grant(&sf, &tampered).await;
        assert_eq!(body["error"], "invalid_grant", "a bad signature");
    }
}

#[tokio::test]
async fn collections_answer_200_per_record_and_all_or_none_writes_nothing_on_a_failure() {
    let sf = Sf::new(relaxed(5)).await;
    let path = format!("{V}/composite/sobjects");
    let too_many: Vec<Value> = (0..201)
        .map(|i| json!({"attributes": {"type": "Contact"}, "LastName": format!("L{i}")}))
        .collect();
    let (status, _, _) = sf
        .call(
            Method::POST,
            &path,
            Some(json!({"allOrNone": false, "records": too_many})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let records = json!([
        {"attributes": {"type": "Contact"}, "LastName": "Good"},
        {"attributes": {"type": "Contact"}, "FirstName": "No last name"},
    ]);
    let (status, _, body) = sf
        .call(
            Method::POST,
            &path,
            Some(json!({"allOrNone": true, "records": records})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "200 even when records fail");
    assert_eq!(
        body[0]["errors"][0]["statusCode"],
        "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    );
    assert_eq!(
        body[1]["errors"][0]["statusCode"], "REQUIRED_FIELD_MISSING",
        "item errors use statusCode"
    );
    let (_, _, count) = sf
        .call(
            Method::GET,
            &format!("{V}/query?q=SELECT+Id+FROM+Contact+WHERE+LastName+%3D+%27Good%27"),
            None,
        )
        .await;
    assert_eq!(count["totalSize"], 0, "all or none wrote nothing");

    let (_, _, body) = sf
        .call(
            Method::POST,
            &path,
            Some(json!({"allOrNone": false, "records": records})),
        )
        .await;
    assert_eq!(body[0]["success"], true);
    assert_eq!(body[1]["success"], false);
    let good = body[0]["id"].as_str().unwrap().to_owned();

    let (_, _, body) = sf
        .call(Method::PATCH, &path, Some(json!({"allOrNone": false, "records": [{"attributes": {"type": "Contact"}, "id": good, "Title": "CEO"}]})))
        .await;
    assert_eq!(body[0]["success"], true);
    let (_, _, read) = sf
        .call(
            Method::GET,
            &format!("{V}/sobjects/Contact/{good}?fields=Title"),
            None,
        )
        .await;
    assert_eq!(read["Title"], "CEO");

    let (_, _, body) = sf
        .call(
            Method::DELETE,
            &format!("{path}?ids={good},003000000000000AAA&allOrNone=false"),
            None,
        )
        .await;
    assert_eq!(body[0]["success"], true);
    assert_eq!(body[1]["success"], false);
}

#[tokio::test]
async fn users_and_opportunity_stages_are_read_with_soql() {
    let sf = Sf::new(relaxed(5)).await;
    let (status, users) = sf
        .query("SELECT Id, Name, Email FROM User WHERE IsActive = true ORDER BY Email")
        .await;
    assert_eq!(status, StatusCode::OK, "{users}");
    let emails: Vec<&str> = users["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["Email"].as_str().unwrap())
        .collect();
    assert!(
        emails.len() >= 2 && emails.windows(2).all(|w| w[0] <= w[1]),
        "{emails:?}"
    );
    assert!(
        users["records"][0]["Id"]
            .as_str()
            .unwrap()
            .starts_with("005")
    );
    let (_, stages) = sf
        .query("SELECT ApiName, IsClosed, IsWon, DefaultProbability FROM OpportunityStage ORDER BY SortOrder")
        .await;
    let won: Vec<&Value> = stages["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["IsWon"] == true)
        .collect();
    assert_eq!(won.len(), 1);
    assert_eq!(won[0]["DefaultProbability"], 100);
    let (status, body) = sf.query("SELECT Shoe FROM User").await;
    assert_eq!(
        (status, body[0]["errorCode"].clone()),
        (StatusCode::BAD_REQUEST, json!("INVALID_FIELD"))
    );
}

#[tokio::test]
async fn deleted_and_updated_feeds_report_what_changed_in_a_window() {
    let sf = Sf::new(relaxed(20)).await;
    let (_, _, created) = sf
        .call(
            Method::POST,
            &format!("{V}/sobjects/Account"),
            Some(json!({"Name": "Doomed Ltd"})),
        )
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    let (status, _, _) = sf
        .call(Method::DELETE, &format!("{V}/sobjects/Account/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let window = "start=2020-01-01T00%3A00%3A00%2B00%3A00&end=2100-01-01T00%3A00%3A00%2B00%3A00";
    let (status, _, deleted) = sf
        .call(
            Method::GET,
            &format!("{V}/sobjects/Account/deleted/?{window}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{deleted}");
    assert_eq!(deleted["deletedRecords"][0]["id"], id.as_str());
    assert!(
        deleted["deletedRecords"][0]["deletedDate"]
            .as_str()
            .unwrap()
            .ends_with("+0000")
    );
    assert!(
        deleted["earliestDateAvailable"].is_string() && deleted["latestDateCovered"].is_string()
    );
    let (_, _, updated) = sf
        .call(
            Method::GET,
            &format!("{V}/sobjects/Account/updated/?{window}"),
            None,
        )
        .await;
    assert_eq!(
        updated["ids"].as_array().unwrap().len(),
        4,
        "the 4 live seeded accounts; the deleted one is gone"
    );
    let (status, _, body) = sf
        .call(
            Method::GET,
            &format!("{V}/sobjects/Account/deleted/?start=yesterday"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

#[tokio::test]
async fn leads_are_people_not_yet_contacts_with_company_as_text() {
    let sf = Sf::new(relaxed(200)).await;
    let (status, page) = sf
        .query("SELECT Id, FirstName, LastName, Company, Email, Status FROM Lead ORDER BY Id LIMIT 100")
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    // One lead per ten people.
    assert_eq!(page["totalSize"], 20, "{page}");
    let lead = &page["records"][0];
    assert_eq!(lead["attributes"]["type"], "Lead");
    let id = lead["Id"].as_str().unwrap();
    assert!(id.starts_with("00Q") && id.len() == 18, "{id}");
    assert!(
        lead["Company"].as_str().is_some_and(|c| !c.is_empty()),
        "{lead}"
    );
    // A lead is the same person as one of the contacts: same e-mail.
    let email = lead["Email"].as_str().unwrap();
    let (_, contacts) = sf
        .query(&format!("SELECT Id FROM Contact WHERE Email = '{email}'"))
        .await;
    assert!(contacts["totalSize"].as_u64().unwrap() >= 1, "{contacts}");

    let (status, _, describe) = sf
        .call(Method::GET, &format!("{V}/sobjects/Lead/describe"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let statuses: Vec<&str> = describe["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "Status")
        .unwrap()["picklistValues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["value"].as_str().unwrap())
        .collect();
    assert!(statuses.contains(&"Open - Not Contacted"), "{statuses:?}");

    // Company is required on create, as in Salesforce.
    let (status, _, body) = sf
        .call(
            Method::POST,
            &format!("{V}/sobjects/Lead"),
            Some(json!({"LastName": "Nakamura", "Status": "Open - Not Contacted"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body[0]["errorCode"], "REQUIRED_FIELD_MISSING", "{body}");
    assert!(
        body[0]["fields"]
            .as_array()
            .unwrap()
            .contains(&json!("Company")),
        "{body}"
    );
}
