//! Duplicates in the demo workspace: the four emulated CRMs pulled, then people and companies grouped
//! within and across CRMs; a second run adds nothing.

mod keyring_workspace;

use std::collections::BTreeSet;

use bridge_engine::{Cancel, PullOptions, PullProgress};
use bridge_model::Provider;

fn quiet(_: &PullProgress) {}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_workspace_has_duplicates_within_and_across_crms() {
    let Some(ws) = keyring_workspace::workspace("duplicates") else {
        return;
    };
    let crms = bridge_engine::start_demo_crms(400).await.unwrap();
    let connections = ws.engine.connect_demo(&crms).await.unwrap();
    for c in &connections {
        ws.engine
            .pull(c.id, &PullOptions::default(), &quiet, &Cancel::default())
            .await
            .unwrap();
    }
    let summary = ws.engine.find_duplicates(&[]).unwrap();
    assert!(summary.records > 1500, "{summary:?}");
    assert!(summary.groups >= 50, "{summary:?}");
    assert_eq!(summary.new_groups, summary.groups);

    let page = ws.engine.duplicate_groups(0, 500).unwrap();
    assert_eq!(page.total as usize, summary.groups);
    let across = page
        .rows
        .iter()
        .filter(|g| g.providers.iter().collect::<BTreeSet<&Provider>>().len() > 1)
        .count();
    let within = page
        .rows
        .iter()
        .filter(|g| g.providers.iter().collect::<BTreeSet<&Provider>>().len() == 1)
        .count();
    assert!(
        across > 20 && within > 0,
        "{across} across CRMs, {within} within one"
    );
    assert!(
        page.rows.windows(2).all(|w| w[0].score >= w[1].score),
        "best first"
    );
    assert!(page.rows.iter().all(|g| g.score >= 0.5 && g.size >= 2));

    let again = ws.engine.find_duplicates(&[]).unwrap();
    assert_eq!(again.new_groups, 0, "a second run adds no copies");
    assert_eq!(again.groups, summary.groups);

    // "Not a duplicate" is undone like a merge: the group is back, and a run after sees it again.
    let first = page.rows[0].id;
    ws.engine.dismiss_duplicate_group(first).unwrap();
    let open = |engine: &bridge_engine::Engine| {
        engine
            .duplicate_groups(0, 500)
            .unwrap()
            .rows
            .iter()
            .any(|g| g.id == first)
    };
    assert!(!open(&ws.engine));
    ws.engine.reopen_duplicate_group(first).unwrap();
    assert!(open(&ws.engine));
    let refused = ws.engine.reopen_duplicate_group(first).unwrap_err();
    assert!(
        refused.to_string().contains("dismissed duplicate group"),
        "{refused}"
    );
    let after = ws.engine.find_duplicates(&[]).unwrap();
    assert_eq!((after.groups, after.new_groups), (summary.groups, 0));
    for c in &connections {
        ws.engine.disconnect(c.id, false).unwrap();
    }
}
