//! Merge and undo end to end: the demo workspace pulled, duplicates found, one group merged in each of
//! HubSpot, Salesforce, Close and Pipedrive (emulated, over HTTP), the app restarted, the merges undone;
//! a full pull of each CRM then shows exactly the data it had before the merges.

mod keyring_workspace;

use std::{collections::BTreeMap, sync::Arc};

use bridge_engine::{Cancel, Engine, KeepRule, Keyring, MergeChoice, PullOptions, PullProgress};
use bridge_model::{Connection, ObjectType, Provider, RecordId};
use bridge_store::records;
use bridge_tests::emulator::set_faults;
use serde_json::{Map, Value};

fn quiet(_: &PullProgress) {}

const ALL: [ObjectType; 5] = [
    ObjectType::Company,
    ObjectType::Person,
    ObjectType::Lead,
    ObjectType::Deal,
    ObjectType::Activity,
];

async fn pull_all(engine: &Engine, connection: &Connection) {
    let options = PullOptions {
        full: true,
        ..PullOptions::default()
    };
    engine
        .pull(connection.id, &options, &quiet, &Cancel::default())
        .await
        .unwrap();
}

/// What a CRM holds, as content: every live record's fields without its ids and timestamps, links
/// spelled as the content of the record they point at, sorted. A record recreated by an undo has a
/// new id and creation time (no CRM lets a client choose those) and must otherwise be the same.
fn content(engine: &Engine, connection: &Connection) -> Vec<String> {
    let rows = engine
        .store()
        .read(|c| records::fields_of(c, &ALL, &[connection.id]))
        .unwrap();
    let name_of: BTreeMap<(ObjectType, String), String> = rows
        .iter()
        .map(|r| {
            let key = ["email", "name", "last_name", "subject", "body"]
                .iter()
                .filter_map(|k| r.fields.get(*k).map(Value::to_string))
                .collect::<Vec<_>>()
                .join("/");
            ((r.object_type, r.remote_id.clone()), key)
        })
        .collect();
    let mut out: Vec<String> = rows
        .iter()
        .map(|r| {
            let mut fields: Map<String, Value> = r.fields.clone();
            fields.remove("created_at");
            fields.remove("modified_at");
            for (link, target) in [
                ("company_id", ObjectType::Company),
                ("person_id", ObjectType::Person),
                ("deal_id", ObjectType::Deal),
            ] {
                if let Some(id) = fields.get(link).and_then(Value::as_str).map(str::to_owned) {
                    let named = name_of
                        .get(&(target, id.clone()))
                        .or_else(|| name_of.get(&(ObjectType::Lead, id.clone())))
                        .cloned()
                        .unwrap_or(format!("missing {id}"));
                    fields.insert(link.into(), Value::String(named));
                }
            }
            format!("{} {}", r.object_type.as_str(), Value::Object(fields))
        })
        .collect();
    out.sort();
    out
}

/// The four emulated CRMs with `people` people each, connected and pulled; and their content.
async fn demo(
    engine: &Engine,
    people: u32,
) -> (bridge_engine::DemoCrms, Vec<Connection>, Vec<Vec<String>>) {
    let crms = bridge_engine::start_demo_crms(people).await.unwrap();
    let connections = engine.connect_demo(&crms).await.unwrap();
    for c in &connections {
        pull_all(engine, c).await;
    }
    let before = connections.iter().map(|c| content(engine, c)).collect();
    (crms, connections, before)
}

/// A full pull of each CRM shows the content it had before.
async fn assert_crms_as_before(
    engine: &Engine,
    connections: &[Connection],
    before: &[Vec<String>],
) {
    for (i, c) in connections.iter().enumerate() {
        pull_all(engine, c).await;
        assert_same(&before[i], &content(engine, c), &c.label);
    }
}

/// The same records, or which are missing and which are extra.
fn assert_same(before: &[String], after: &[String], label: &str) {
    let missing: Vec<&String> = before.iter().filter(|r| !after.contains(r)).collect();
    let extra: Vec<&String> = after.iter().filter(|r| !before.contains(r)).collect();
    assert!(
        missing.is_empty() && extra.is_empty() && before.len() == after.len(),
        "{label}: missing {missing:#?}\nextra {extra:#?}"
    );
}

/// A group of one CRM's records of a type it can merge where a record with children (deals, notes,
/// contacts) is merged away, and the record to keep (the one with the fewest), so children move.
fn group_in(engine: &Engine, connection: &Connection) -> (i64, RecordId) {
    let page = engine.duplicate_groups(0, 500).unwrap();
    for row in page.rows {
        let group = engine.duplicate_group(row.id).unwrap();
        let first = &group.members[0].record;
        if !group.members.iter().all(|m| {
            m.record.connection_id == connection.id && m.record.object_type == first.object_type
        }) || !bridge_crm::can_merge(connection.provider, first.object_type)
        {
            continue;
        }
        let field = match first.object_type {
            ObjectType::Company => "company_id",
            _ => "person_id",
        };
        let children: Vec<usize> = group
            .members
            .iter()
            .map(|m| {
                engine
                    .store()
                    .read(|c| records::children(c, connection.id, field, &m.record.remote_id))
                    .unwrap()
                    .len()
            })
            .collect();
        // Keep the record with the fewest children, so the others' children move.
        let keep = (0..children.len()).min_by_key(|&i| children[i]).unwrap();
        let moved: usize = children.iter().sum::<usize>() - children[keep];
        if moved > 0 {
            return (row.id, group.members[keep].record.id);
        }
    }
    panic!("no group within {} with children to move", connection.label)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn merges_in_each_crm_are_undone_to_the_crms_exact_data() {
    let Some(ws) = keyring_workspace::workspace("merges") else {
        return;
    };
    let (_crms, connections, before) = demo(&ws.engine, 400).await;
    ws.engine.find_duplicates(&[]).unwrap();

    let mut merged = Vec::new();
    for connection in &connections {
        let (group_id, keep) = group_in(&ws.engine, connection);
        let group = ws.engine.duplicate_group(group_id).unwrap();
        let preview = ws
            .engine
            .merge_preview(
                group_id,
                &MergeChoice {
                    master: Some(keep),
                    ..MergeChoice::default()
                },
            )
            .unwrap();
        assert_eq!(preview.master, keep);
        assert!(
            preview.actions.iter().any(|a| a.starts_with("Merge ")),
            "{:?}",
            preview.actions
        );
        // The plan counts what moves with a merged-away record, as the mirror holds it.
        let counted = names_what_moves(&preview.actions);
        assert!(counted, "{:?}", preview.actions);
        // A person's pick wins over the rule: keep the other member's name.
        let other = group
            .members
            .iter()
            .find(|m| m.record.id != preview.master)
            .unwrap();
        let mut overrides = Map::new();
        let name_field = if group.members[0].record.object_type == ObjectType::Company {
            "name"
        } else {
            "last_name"
        };
        if let Some(v) = other.record.fields.get(name_field) {
            overrides.insert(name_field.into(), v.clone());
        }
        let entry = ws
            .engine
            .merge_group(
                group_id,
                &MergeChoice {
                    master: Some(preview.master),
                    overrides: overrides.clone(),
                    ..MergeChoice::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(entry.status, "applied", "{entry:?}");
        assert_eq!(entry.members.len(), group.members.len());
        // The history names the kept record by the picked value, not the name it had.
        if let Some(picked) = overrides.get(name_field).and_then(|v| v.as_str()) {
            assert!(
                entry.master_name.contains(picked.trim()),
                "{} / {picked}",
                entry.master_name
            );
        }
        assert!(
            entry.members.iter().any(|m| !m.children.is_empty()),
            "the before-image keeps the children that move"
        );
        merged.push((
            connection.clone(),
            group,
            preview.master,
            overrides,
            entry.id,
        ));
    }

    // The CRMs hold the merge: the other members are gone, their children point at the master, and the
    // master carries the picked value.
    for (connection, group, master, overrides, _) in &merged {
        pull_all(&ws.engine, connection).await;
        let live = ws
            .engine
            .store()
            .read(|c| records::fields_of(c, &ALL, &[connection.id]))
            .unwrap();
        let master_remote = &group
            .members
            .iter()
            .find(|m| m.record.id == *master)
            .unwrap()
            .record
            .remote_id;
        for m in &group.members {
            let alive = live.iter().any(|r| {
                r.object_type == m.record.object_type && r.remote_id == m.record.remote_id
            });
            assert_eq!(
                alive,
                m.record.id == *master,
                "{} in {}",
                m.record.display_name,
                connection.label
            );
        }
        let kept = live
            .iter()
            .find(|r| r.object_type == group.object_type && &r.remote_id == master_remote)
            .unwrap();
        for (k, v) in overrides {
            assert_eq!(
                kept.fields.get(k),
                Some(v),
                "picked {k} in {}",
                connection.label
            );
        }
        let i = connections
            .iter()
            .position(|c| c.id == connection.id)
            .unwrap();
        assert_ne!(content(&ws.engine, connection), before[i]);
    }

    // The app restarts (a new engine on the same file and keyring); the history is still there and undo
    // works from it.
    let path = ws.dir.path().join("workspace.sqlite3");
    let engine =
        Engine::open_with_secrets(&path, Arc::new(Keyring::new(ws.service.clone()))).unwrap();
    let history = engine.merges(0, 50).unwrap();
    assert_eq!(history.total, 4);
    for (_, _, _, _, id) in &merged {
        let entry = engine.undo_merge(*id, false).await.unwrap();
        assert_eq!(entry.status, "undone");
        assert!(entry.undone_at.is_some());
    }
    assert_crms_as_before(&engine, &connections, &before).await;
    // The groups are open for review again, with the recreated records in them.
    for (_, group, _, _, _) in &merged {
        let again = engine.duplicate_group(group.id).unwrap();
        assert_eq!(again.status, "open");
        assert_eq!(again.members.len(), group.members.len());
        let ids: Vec<RecordId> = again.members.iter().map(|m| m.record.id).collect();
        assert!(group.members.iter().any(|m| !ids.contains(&m.record.id)));
    }
    // Undoing twice is refused by name.
    let twice = engine.undo_merge(merged[0].4, false).await.unwrap_err();
    assert!(twice.to_string().contains("undone"), "{twice}");
    for c in &connections {
        engine.disconnect(c.id, false).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_across_crms_is_linked_not_deleted_and_undone_everywhere() {
    let Some(ws) = keyring_workspace::workspace("merges-across") else {
        return;
    };
    let (_crms, connections, before) = demo(&ws.engine, 200).await;
    ws.engine.find_duplicates(&[]).unwrap();
    // The largest group across CRMs.
    let page = ws.engine.duplicate_groups(0, 500).unwrap();
    let row = page
        .rows
        .iter()
        .filter(|g| g.providers.iter().any(|p| *p != g.providers[0]))
        .max_by_key(|g| g.size)
        .expect("a group across CRMs");
    let group = ws.engine.duplicate_group(row.id).unwrap();
    let preview = ws
        .engine
        .merge_preview(row.id, &MergeChoice::default())
        .unwrap();
    assert!(
        preview
            .actions
            .iter()
            .any(|a| a.starts_with("Link the records")),
        "{:?}",
        preview.actions
    );
    // "Prefer this CRM" keeps that CRM's record.
    let last = group.members.last().unwrap();
    let preferred = ws
        .engine
        .merge_preview(
            row.id,
            &MergeChoice {
                rule: KeepRule::Prefer(last.provider),
                ..MergeChoice::default()
            },
        )
        .unwrap();
    let kept = group
        .members
        .iter()
        .find(|m| m.record.id == preferred.master)
        .unwrap();
    assert_eq!(kept.provider, last.provider);
    let entry = ws
        .engine
        .merge_group(row.id, &MergeChoice::default())
        .await
        .unwrap();
    assert_eq!(entry.status, "applied");
    // Every CRM keeps a record; the survivors are one entity in the identity map.
    let survivors: Vec<_> = entry.members.iter().filter(|m| m.role == "kept").collect();
    let accounts: std::collections::BTreeSet<_> = group
        .members
        .iter()
        .map(|m| m.record.connection_id)
        .collect();
    // One survivor per account at least (more where the CRM cannot merge the type, e.g. Close contacts).
    let kept_in: std::collections::BTreeSet<_> =
        survivors.iter().map(|m| m.connection_id).collect();
    assert_eq!(kept_in, accounts);
    let entity = ws
        .engine
        .store()
        .read(|c| {
            bridge_store::links::entity_of(
                c,
                &bridge_store::links::LinkedRecord {
                    connection_id: survivors[0].connection_id,
                    object_type: survivors[0].object_type,
                    remote_id: survivors[0].remote_id.clone(),
                },
            )
        })
        .unwrap()
        .expect("linked");
    let linked = ws
        .engine
        .store()
        .read(|c| bridge_store::links::members(c, entity))
        .unwrap();
    assert_eq!(linked.len(), survivors.len());

    ws.engine.undo_merge(entry.id, false).await.unwrap();
    let linked = ws
        .engine
        .store()
        .read(|c| bridge_store::links::members(c, entity))
        .unwrap();
    assert!(linked.is_empty(), "undo ends the links");
    assert_crms_as_before(&ws.engine, &connections, &before).await;
    for c in &connections {
        ws.engine.disconnect(c.id, false).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_merge_cut_off_by_a_failing_crm_is_recorded_and_undone_from_its_steps() {
    let Some(ws) = keyring_workspace::workspace("merges-stopped") else {
        return;
    };
    let (crms, connections, before) = demo(&ws.engine, 200).await;
    ws.engine.find_duplicates(&[]).unwrap();
    // A group across CRMs whose kept record is not in Salesforce and whose merge writes to Salesforce:
    // Salesforce comes after the kept record's CRM, and it fails every request.
    let page = ws.engine.duplicate_groups(0, 500).unwrap();
    let (group_id, preview) = page
        .rows
        .iter()
        .filter(|g| g.providers.contains(&Provider::Salesforce))
        .filter(|g| g.providers.iter().any(|p| *p != Provider::Salesforce))
        .find_map(|g| {
            let preview = ws
                .engine
                .merge_preview(g.id, &MergeChoice::default())
                .unwrap();
            let group = ws.engine.duplicate_group(g.id).unwrap();
            let kept = group
                .members
                .iter()
                .find(|m| m.record.id == preview.master)
                .unwrap();
            let writes_salesforce = preview
                .actions
                .iter()
                .any(|a| a.contains("Salesforce") && !a.starts_with("Link"));
            (kept.provider != Provider::Salesforce && writes_salesforce).then_some((g.id, preview))
        })
        .expect("a group across CRMs kept outside Salesforce");
    set_faults(
        &crms.description.admin_url,
        Provider::Salesforce,
        "error_rate=1",
    )
    .await;
    let stopped = ws
        .engine
        .merge_group(group_id, &MergeChoice::default())
        .await
        .unwrap_err();
    assert_eq!(
        stopped.code(),
        bridge_engine::ErrorCode::MergeIncomplete,
        "{stopped}"
    );
    assert!(stopped.to_string().contains("Undo"), "{stopped}");
    let history = ws.engine.merges(0, 10).unwrap();
    let entry = &history.rows[0];
    assert_eq!(entry.status, "failed");
    assert!(entry.error.is_some());
    assert_eq!(entry.master, preview.master);
    // The group is not marked merged, and merging it again waits for the stopped merge's undo.
    assert_eq!(ws.engine.duplicate_group(group_id).unwrap().status, "open");
    let again = ws
        .engine
        .merge_group(group_id, &MergeChoice::default())
        .await
        .unwrap_err();
    assert!(again.to_string().contains("stopped part-way"), "{again}");

    set_faults(
        &crms.description.admin_url,
        Provider::Salesforce,
        "error_rate=0",
    )
    .await;
    let undone = ws.engine.undo_merge(entry.id, false).await.unwrap();
    assert_eq!(undone.status, "undone");
    assert_crms_as_before(&ws.engine, &connections, &before).await;
    for c in &connections {
        ws.engine.disconnect(c.id, false).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_safe_merge_in_all_four_crms_is_undone_to_the_crms_exact_data() {
    let Some(ws) = keyring_workspace::workspace("merges-all-safe") else {
        return;
    };
    // The demo workspace as `make run` opens it.
    let (_crms, connections, before) = demo(&ws.engine, bridge_engine::DEMO_PEOPLE).await;
    ws.engine.find_duplicates(&[]).unwrap();
    let summary = ws.engine.merge_all_safe().await.unwrap();
    assert!(summary.merged > 20, "{summary:?}");
    assert!(summary.failed.is_empty(), "{:#?}", summary.failed);
    eprintln!("{} groups merged; undoing every one", summary.merged);
    // Every merge undone, newest first, none refused.
    let mut history = Vec::new();
    while history.len() < summary.merged {
        history.extend(ws.engine.merges(history.len() as i64, 500).unwrap().rows);
    }
    let mut refused = Vec::new();
    for entry in &history {
        if let Err(e) = ws.engine.undo_merge(entry.id, false).await {
            refused.push(format!("merge {} ({}): {e}", entry.id, entry.master_name));
        }
    }
    assert!(
        refused.is_empty(),
        "{} undos refused: {refused:#?}",
        refused.len()
    );
    assert_crms_as_before(&ws.engine, &connections, &before).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_undo_stops_at_a_survivor_changed_since_the_merge_unless_told_to_overwrite() {
    let Some(ws) = keyring_workspace::workspace("merges-changed") else {
        return;
    };
    let (crms, connections, _) = demo(&ws.engine, 300).await;
    ws.engine.find_duplicates(&[]).unwrap();
    let hubspot = connections
        .iter()
        .find(|c| c.provider == Provider::Hubspot)
        .unwrap();
    let (group_id, keep) = group_in(&ws.engine, hubspot);
    let choice = MergeChoice {
        master: Some(keep),
        ..MergeChoice::default()
    };
    let entry = ws.engine.merge_group(group_id, &choice).await.unwrap();
    let survivor = entry
        .members
        .iter()
        .find(|m| m.role == "kept")
        .unwrap()
        .clone();
    // A colleague edits the kept record in HubSpot after the merge.
    tokio::time::sleep(std::time::Duration::from_millis(3_500)).await;
    let mut fields = Map::new();
    fields.insert("city".into(), Value::String("Edited later".into()));
    ws.engine
        .update_in_crm(
            hubspot.id,
            survivor.object_type,
            &survivor.remote_id,
            fields,
        )
        .await
        .unwrap();

    let refused = ws.engine.undo_merge(entry.id, false).await.unwrap_err();
    assert_eq!(
        refused.code(),
        bridge_engine::ErrorCode::ChangedSince,
        "{refused}"
    );
    assert!(
        refused.to_string().contains(&survivor.remote_id),
        "{refused}"
    );
    assert_eq!(ws.engine.merge_entry(entry.id).unwrap().status, "applied");
    let undone = ws.engine.undo_merge(entry.id, true).await.unwrap();
    assert_eq!(undone.status, "undone");
    drop(crms);
}

/// Whether a merge action names the count of what moves ("moves 2 contacts and 1 deal").
fn names_what_moves(actions: &[String]) -> bool {
    actions.iter().any(|a| {
        a.split_once(" and moves ").is_some_and(|(_, what)| {
            what.split([',', ' '])
                .next()
                .is_some_and(|n| n.parse::<u32>().is_ok_and(|n| n > 0))
        })
    })
}
