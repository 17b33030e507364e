//! Every ordered pair of the four CRMs: a migration's dry run names exactly the records its run
//! cannot write (what the target requires and the plan leaves blank, what its client cannot
//! send), and nothing else: no failure in the run it did not name, no record named that the run
//! writes. Real emulator over HTTP, real SQLite file, real keyring.

mod two_crms;

use std::collections::BTreeSet;

use bridge_engine::Cancel;
use bridge_model::Provider;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_pair_s_dry_run_names_exactly_what_its_run_cannot_write() {
    use Provider::*;
    let mut disagreements = Vec::new();
    for (from, to) in [
        (Hubspot, Salesforce),
        (Salesforce, Hubspot),
        (Close, Salesforce),
        (Salesforce, Close),
        (Pipedrive, Salesforce),
        (Salesforce, Pipedrive),
        (Close, Hubspot),
        (Hubspot, Close),
        (Close, Pipedrive),
        (Pipedrive, Close),
        (Hubspot, Pipedrive),
        (Pipedrive, Hubspot),
    ] {
        let Some((ws, _running, source, target)) =
            two_crms::setup(&format!("pair-{from}-{to}"), from, to).await
        else {
            return;
        };
        let engine = &ws.engine;
        two_crms::pull_whole(engine, source.id).await;
        two_crms::pull_whole(engine, target.id).await;
        let plan = engine.plan_migration(source.id, target.id).await.unwrap();
        let dry = engine
            .dry_run_migration(&plan, &Cancel::default())
            .await
            .unwrap();
        let named: BTreeSet<String> = dry
            .items
            .iter()
            .filter(|i| !i.problems.is_empty())
            .map(|i| format!("{} {}", i.object_type, i.source_remote_id))
            .collect();
        let run = engine
            .run_migration(&plan, &|_| {}, &Cancel::default())
            .await
            .unwrap();
        let results = engine.migration_results(run.migration_id).unwrap();
        let failed: BTreeSet<String> = results
            .iter()
            .filter(|r| r.error.is_some())
            .map(|r| format!("{} {}", r.object_type, r.source_remote_id))
            .collect();
        let problems: BTreeSet<String> = dry
            .items
            .iter()
            .flat_map(|i| i.problems.iter())
            .map(|p| p.message.clone())
            .collect();
        println!(
            "{from} -> {to}: {} named by the dry run, {} failed in the run; {problems:?}",
            named.len(),
            failed.len()
        );
        if named != failed {
            let unnamed: Vec<&String> = failed.difference(&named).collect();
            let written: Vec<&String> = named.difference(&failed).collect();
            let errors: Vec<&String> = results
                .iter()
                .filter_map(|r| r.error.as_ref())
                .take(3)
                .collect();
            disagreements.push(format!(
                "{from} -> {to}: failed but not named {unnamed:?}; named but written {written:?}; {errors:?}"
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
