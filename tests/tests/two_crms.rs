//! A workspace with the real keyring and two CRMs of one emulator connected by key: the set-up of
//! the tests that move data from one CRM to another.
#![allow(dead_code)]

#[path = "keyring_workspace.rs"]
pub mod keyring_workspace;

use bridge_crm::{Crm, PullRequest, Pulled};
use bridge_fakecrm::{Config, Running, start};
use bridge_model::{Connection, Fields, ObjectType, Provider};
use bridge_tests::emulator::connect_with_key;
use keyring_workspace::{Workspace, workspace};
use serde_json::Value;

/// A workspace, an emulator of 40 people, and the two CRMs of a migration connected by key.
pub async fn setup(
    name: &str,
    from: Provider,
    to: Provider,
) -> Option<(Workspace, Running, Connection, Connection)> {
    let ws = workspace(name)?;
    let running = start(Config {
        records: 40,
        ..Config::default()
    })
    .await
    .unwrap();
    let d = &running.description;
    let access = |p: Provider| match p {
        Provider::Close => (d.close.base_url.clone(), d.close.api_key.clone()),
        Provider::Hubspot => (d.hubspot.base_url.clone(), d.hubspot.token.clone()),
        Provider::Pipedrive => (d.pipedrive.base_url.clone(), d.pipedrive.api_token.clone()),
        Provider::Salesforce => (
            d.salesforce.instance_url.clone(),
            d.salesforce.access_token.clone(),
        ),
    };
    let [source, target] = [from, to].map(access);
    let source = connect_with_key(&ws.engine, from, &source.0, &source.1).await;
    let target = connect_with_key(&ws.engine, to, &target.0, &target.1).await;
    Some((ws, running, source, target))
}

pub fn fields(value: Value) -> Fields {
    value.as_object().cloned().unwrap()
}

/// The first page of a type's records, as the CRM's client pulls them (a small seed fits in it).
pub async fn first_page(crm: &dyn Crm, object_type: ObjectType) -> Vec<Pulled> {
    crm.pull(&PullRequest {
        object_type,
        since: None,
        cursor: None,
    })
    .await
    .unwrap()
    .records
}

/// Pulls every type of a connection (incrementally after its first pull), as the app's Pull does.
pub async fn pull_whole(engine: &bridge_engine::Engine, connection: bridge_model::ConnectionId) {
    engine
        .pull(
            connection,
            &bridge_engine::PullOptions::default(),
            &|_| {},
            &bridge_engine::Cancel::default(),
        )
        .await
        .unwrap();
}

/// Every record of a HubSpot object as its API lists them (page after page): its id, properties,
/// and the ids of the `associated` object's records it is associated with.
pub async fn hubspot_objects(
    running: &Running,
    object: &str,
    associated: &str,
    properties: &str,
) -> Vec<(String, Value, Vec<String>)> {
    let d = &running.description.hubspot;
    let http = reqwest::Client::new();
    let mut out = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let mut url = format!(
            "{}/crm/v3/objects/{object}?limit=100&associations={associated}&properties={properties}",
            d.base_url
        );
        if let Some(a) = &after {
            url.push_str(&format!("&after={a}"));
        }
        let page: Value = http
            .get(url)
            .bearer_auth(&d.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for r in page["results"].as_array().unwrap() {
            let linked = r["associations"][associated]["results"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|c| c["id"].as_str().map(str::to_owned))
                .collect();
            let id = r["id"].as_str().unwrap().to_owned();
            out.push((id, r["properties"].clone(), linked));
        }
        match page["paging"]["next"]["after"].as_str() {
            Some(a) => after = Some(a.to_owned()),
            None => return out,
        }
    }
}

/// One field of a contact, read through the CRM's own API.
pub async fn contact_field(
    d: &bridge_fakecrm::Description,
    provider: Provider,
    id: &str,
    key: &str,
) -> Value {
    let (url, token) = match provider {
        Provider::Hubspot => (
            format!(
                "{}/crm/v3/objects/contacts/{id}?properties={key}",
                d.hubspot.base_url
            ),
            &d.hubspot.token,
        ),
        Provider::Salesforce => (
            format!(
                "{}/services/data/v60.0/sobjects/Contact/{id}?fields={key}",
                d.salesforce.instance_url
            ),
            &d.salesforce.access_token,
        ),
        other => unreachable!("no contact reader for {other}"),
    };
    let answer: Value = reqwest::Client::new()
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    match provider {
        Provider::Hubspot => answer["properties"][key].clone(),
        _ => answer[key].clone(),
    }
}
