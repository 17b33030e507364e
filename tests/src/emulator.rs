//! Driving the CRM emulator from a test: its faults, through its admin endpoint.

use bridge_model::Provider;

/// Sets one CRM's faults (`error_rate=0.05,drop_rate=0.02,...`; an empty spec or zero rates turn
/// them off) and fails the test with the emulator's answer when it refuses the spec.
pub async fn set_faults(admin_url: &str, provider: Provider, spec: &str) {
    let answer = reqwest::Client::new()
        .put(format!("{admin_url}/faults?provider={}", provider.as_str()))
        .body(spec.to_owned())
        .send()
        .await
        .expect("the emulator's admin endpoint answers");
    let status = answer.status();
    assert!(
        status.is_success(),
        "faults `{spec}` for {provider:?}: {}",
        answer.text().await.unwrap_or_default()
    );
}

/// Empties the emulator's request log.
pub async fn clear_requests(admin_url: &str) {
    reqwest::Client::new()
        .delete(format!("{admin_url}/requests"))
        .send()
        .await
        .expect("the emulator's admin endpoint answers");
}

/// The write requests (POST, PATCH, PUT, DELETE) the emulator logged since it was last cleared, as
/// `{provider, method, path, status}` objects.
pub async fn writes_logged(admin_url: &str) -> Vec<serde_json::Value> {
    logged(admin_url, "?writes_only=true").await
}

/// Every request the emulator logged since it was last cleared, as `{provider, method, path,
/// query, status}` objects.
pub async fn requests_logged(admin_url: &str) -> Vec<serde_json::Value> {
    logged(admin_url, "").await
}

async fn logged(admin_url: &str, filter: &str) -> Vec<serde_json::Value> {
    let log: serde_json::Value = reqwest::get(format!("{admin_url}/requests{filter}"))
        .await
        .expect("the emulator's admin endpoint answers")
        .json()
        .await
        .expect("the request log is JSON");
    log["requests"].as_array().cloned().unwrap_or_default()
}

/// A client of one emulated CRM, signed in as the demo workspace is (the test's own view of the CRM,
/// apart from the engine under test).
pub fn client(
    d: &bridge_fakecrm::Description,
    provider: Provider,
) -> std::sync::Arc<dyn bridge_crm::Crm> {
    use bridge_crm::Secret;
    let key = |key: &str| Secret::ApiKey {
        key: key.to_owned(),
    };
    let (base_url, secret) = match provider {
        Provider::Hubspot => (d.hubspot.base_url.clone(), key(&d.hubspot.token)),
        Provider::Close => (d.close.base_url.clone(), key(&d.close.api_key)),
        Provider::Pipedrive => (d.pipedrive.base_url.clone(), key(&d.pipedrive.api_token)),
        Provider::Salesforce => (
            d.salesforce.instance_url.clone(),
            Secret::JwtBearer {
                client_id: d.salesforce.client_id.clone(),
                username: d.salesforce.username.clone(),
                private_key_pem: std::fs::read_to_string(&d.salesforce.jwt_private_key_path)
                    .expect("the emulator wrote its Salesforce key"),
                login_url: d.salesforce.base_url.clone(),
            },
        ),
    };
    bridge_crm::connect(
        bridge_crm::Endpoint {
            provider,
            base_url,
            secret,
        },
        None,
    )
    .expect("an emulator address is a URL")
}

/// Plays the system browser in an OAuth sign-in: opens the authorize URL (the emulator approves at
/// once) and follows its redirect to the app's loopback listener.
pub async fn follow_sign_in(url: String) -> Result<(), bridge_crm::CrmError> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client");
    let answer = client
        .get(&url)
        .send()
        .await
        .expect("the authorize page answers");
    let location = answer
        .headers()
        .get("location")
        .unwrap_or_else(|| panic!("the authorize page redirects ({})", answer.status()))
        .to_str()
        .expect("a readable redirect")
        .to_owned();
    client
        .get(&location)
        .send()
        .await
        .expect("the listener answers");
    Ok(())
}

/// Connects `engine` to an emulated CRM with its API key (a Salesforce session id at its instance),
/// as a person adding a connection would.
pub async fn connect_with_key(
    engine: &bridge_engine::Engine,
    provider: Provider,
    base_url: &str,
    key: &str,
) -> bridge_model::Connection {
    let request = bridge_engine::ConnectRequest {
        provider,
        base_url: base_url.to_owned(),
        login: bridge_engine::Login::ApiKey(key.to_owned()),
        label: None,
    };
    engine
        .connect(request, |_| async { Ok(()) })
        .await
        .expect("the emulated CRM takes its own key")
}

/// Converts a Salesforce lead as the org's Convert button does (the Partner SOAP API's
/// `convertLead`, the envelope jsforce sends), into a new contact and account and no opportunity.
/// Returns the contact's id.
pub async fn convert_lead(d: &bridge_fakecrm::Description, lead: &str) -> String {
    let envelope = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope \
         xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">\
         <soapenv:Header xmlns=\"urn:partner.soap.sforce.com\"><SessionHeader><sessionId>{}</sessionId></SessionHeader></soapenv:Header>\
         <soapenv:Body xmlns=\"urn:partner.soap.sforce.com\"><convertLead><leadConverts>\
         <leadId>{lead}</leadId><convertedStatus>Closed - Converted</convertedStatus>\
         <doNotCreateOpportunity>true</doNotCreateOpportunity></leadConverts></convertLead>\
         </soapenv:Body></soapenv:Envelope>",
        d.salesforce.access_token
    );
    let answer = reqwest::Client::new()
        .post(format!(
            "{}/services/Soap/u/60.0",
            d.salesforce.instance_url
        ))
        .header("Content-Type", "text/xml")
        .header("SOAPAction", "\"\"")
        .body(envelope)
        .send()
        .await
        .expect("the emulator answers")
        .text()
        .await
        .unwrap();
    assert!(answer.contains("<success>true</success>"), "{answer}");
    let start = answer.find("<contactId>").expect("a contact id") + "<contactId>".len();
    let end = answer[start..].find('<').unwrap() + start;
    answer[start..end].to_owned()
}
