//! The identity map by stable keys in the demo workspace: people linked by e-mail and companies by
//! domain across the four CRMs, never within one; a rerun adds nothing.

mod keyring_workspace;

use std::collections::BTreeSet;

use bridge_engine::{Cancel, PullOptions};
use bridge_model::ObjectType;
use bridge_store::{links, records};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_with_the_same_email_or_domain_in_different_crms_are_one_entity() {
    let Some(ws) = keyring_workspace::workspace("identity") else {
        return;
    };
    let crms = bridge_engine::start_demo_crms(200).await.unwrap();
    let connections = ws.engine.connect_demo(&crms).await.unwrap();
    for c in &connections {
        ws.engine
            .pull(c.id, &PullOptions::default(), &|_| {}, &Cancel::default())
            .await
            .unwrap();
    }
    let first = ws.engine.link_by_keys().unwrap();
    assert!(first.entities > 5, "{first:?}");
    assert!(first.added >= 2 * first.entities, "{first:?}");
    let again = ws.engine.link_by_keys().unwrap();
    assert_eq!(again.added, 0, "a rerun adds no link");
    assert_eq!(again.entities, first.entities);

    // Every entity spans several connections, one record in each, all with the same address.
    let people = ws
        .engine
        .store()
        .read(|c| records::fields_of(c, &[ObjectType::Person, ObjectType::Lead], &[]))
        .unwrap();
    let mut checked = 0;
    for p in &people {
        let me = links::LinkedRecord {
            connection_id: p.connection_id,
            object_type: p.object_type,
            remote_id: p.remote_id.clone(),
        };
        let Some(entity) = ws
            .engine
            .store()
            .read(|c| links::entity_of(c, &me))
            .unwrap()
        else {
            continue;
        };
        let members = ws
            .engine
            .store()
            .read(|c| links::members(c, entity))
            .unwrap();
        let accounts: BTreeSet<_> = members.iter().map(|m| m.connection_id).collect();
        assert_eq!(accounts.len(), members.len(), "one record per connection");
        assert!(members.len() > 1);
        let emails: BTreeSet<String> = members
            .iter()
            .map(|m| {
                let r = people
                    .iter()
                    .find(|r| r.connection_id == m.connection_id && r.remote_id == m.remote_id)
                    .unwrap();
                bridge_dedupe::normalize::email(r.fields["email"].as_str().unwrap()).unwrap()
            })
            .collect();
        assert_eq!(emails.len(), 1, "{emails:?}");
        checked += 1;
    }
    assert!(checked > 5, "{checked} linked people checked");
    for c in &connections {
        ws.engine.disconnect(c.id, false).unwrap();
    }
}
