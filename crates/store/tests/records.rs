//! The records table: upserts, deletion cascade, paging, filters and search.

use bridge_model::{ConnectionId, NewConnection, NewRecord, ObjectType, Provider, RecordQuery};
use bridge_store::{Store, connections, records, records::UpsertOutcome, search_index};
use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 4, 5, 6, 7).unwrap()
}

fn connect(store: &Store, provider: Provider) -> ConnectionId {
    store
        .write(|tx| {
            connections::insert(
                tx,
                &NewConnection {
                    provider,
                    label: provider.label().into(),
                    base_url: "http://127.0.0.1:1".into(),
                    account_id: None,
                    secret_ref: None,
                },
                now(),
            )
        })
        .unwrap()
}

fn person(
    connection_id: ConnectionId,
    id: &str,
    first: &str,
    last: &str,
    email: &str,
) -> NewRecord {
    NewRecord {
        connection_id,
        object_type: ObjectType::Person,
        remote_id: id.into(),
        fields: json!({"first_name": first, "last_name": last, "email": email})
            .as_object()
            .unwrap()
            .clone(),
        raw: json!({"id": id}),
        remote_modified_at: Some(now()),
    }
}

fn upsert(store: &Store, r: &NewRecord) -> UpsertOutcome {
    store.write(|tx| records::upsert(tx, r, now())).unwrap()
}

fn names(store: &Store, query: RecordQuery) -> Vec<String> {
    store
        .read(|c| records::page(c, &query))
        .unwrap()
        .into_iter()
        .map(|r| r.display_name)
        .collect()
}

fn search(text: &str) -> RecordQuery {
    RecordQuery {
        search: Some(text.into()),
        limit: 100,
        ..Default::default()
    }
}

#[test]
fn upsert_creates_then_skips_identical_copies_then_updates_changes() {
    let store = Store::open_in_memory().unwrap();
    let hs = connect(&store, Provider::Hubspot);
    let mut ann = person(hs, "1", "Ann", "Lee", "ann@lee.example");
    assert_eq!(upsert(&store, &ann), UpsertOutcome::Created);
    assert_eq!(upsert(&store, &ann), UpsertOutcome::Unchanged);
    ann.fields.insert("email".into(), json!("ann@new.example"));
    assert_eq!(upsert(&store, &ann), UpsertOutcome::Updated);
    assert_eq!(names(&store, search("new.example")), ["Ann Lee"]);
    assert!(
        names(&store, search("lee.example")).is_empty(),
        "the search index follows updates"
    );
}

#[test]
fn a_page_of_new_and_stored_records_reports_each_one_whichever_comes_first() {
    use UpsertOutcome::{Created, Unchanged, Updated};
    // Stored before: one the page repeats as is, one it changes, one deleted since.
    let setup = || {
        let store = Store::open_in_memory().unwrap();
        let hs = connect(&store, Provider::Hubspot);
        upsert(&store, &person(hs, "1", "Ann", "Same", "ann@same.example"));
        upsert(&store, &person(hs, "2", "Bob", "Old", "bob@old.example"));
        upsert(&store, &person(hs, "3", "Cy", "Gone", "cy@gone.example"));
        store
            .write(|tx| records::mark_deleted(tx, hs, ObjectType::Person, &["3".into()], now()))
            .unwrap();
        (store, hs)
    };
    let new = |hs| person(hs, "4", "Di", "New", "di@new.example");
    let same = |hs| person(hs, "1", "Ann", "Same", "ann@same.example");
    let rest = |hs| {
        [
            person(hs, "2", "Bob", "Changed", "bob@old.example"),
            person(hs, "3", "Cy", "Gone", "cy@gone.example"),
            // Twice in the page (a CRM paging on a moving list): the later copy holds.
            person(hs, "5", "Ed", "Early", "ed@x.example"),
            person(hs, "5", "Ed", "Late", "ed@x.example"),
        ]
    };
    // A page that starts with a new record is not looked up as a whole; one that starts with a
    // stored record is. The outcome of each record is the same either way.
    for new_first in [true, false] {
        let (store, hs) = setup();
        let mut page = if new_first {
            vec![new(hs), same(hs)]
        } else {
            vec![same(hs), new(hs)]
        };
        page.extend(rest(hs));
        let outcomes = store
            .write(|tx| records::store_page(tx, &page, now()))
            .unwrap();
        let mut expected = if new_first {
            vec![Created, Unchanged]
        } else {
            vec![Unchanged, Created]
        };
        expected.extend([Updated, Updated, Created, Updated]);
        assert_eq!(outcomes, expected, "new first: {new_first}");
        assert_eq!(
            names(&store, search("")),
            ["Ann Same", "Bob Changed", "Cy Gone", "Di New", "Ed Late"],
            "new first: {new_first}"
        );
    }
}

#[test]
fn the_later_copy_of_a_stored_record_twice_in_a_page_holds_even_when_it_is_the_stored_one() {
    use UpsertOutcome::Updated;
    let store = Store::open_in_memory().unwrap();
    let hs = connect(&store, Provider::Hubspot);
    upsert(&store, &person(hs, "1", "Ann", "Old", "ann@x.example"));
    // Changed, then changed back, in one page (a CRM paging on a moving list).
    let page = [
        person(hs, "1", "Ann", "New", "ann@x.example"),
        person(hs, "1", "Ann", "Old", "ann@x.example"),
    ];
    let outcomes = store
        .write(|tx| records::store_page(tx, &page, now()))
        .unwrap();
    assert_eq!(outcomes, [Updated, Updated]);
    assert_eq!(names(&store, search("ann")), ["Ann Old"]);
}

#[test]
fn search_matches_the_start_of_words_for_every_word_case_and_accent_insensitively() {
    let store = Store::open_in_memory().unwrap();
    let hs = connect(&store, Provider::Hubspot);
    for r in [
        person(hs, "1", "Ann", "Smith", "ann@acme.example"),
        person(hs, "2", "Bob", "Smithers", "bob@globex.example"),
        person(hs, "3", "Zoë", "Müller", "zoe@acme.example"),
        person(hs, "4", "Al", "Ng", "al@ng.example"),
    ] {
        upsert(&store, &r);
    }
    assert_eq!(
        names(&store, search("SMITH")),
        ["Ann Smith", "Bob Smithers"]
    );
    assert_eq!(names(&store, search("smith acme")), ["Ann Smith"]);
    assert_eq!(names(&store, search("müller")), ["Zoë Müller"]);
    assert_eq!(
        names(&store, search("ng")),
        ["Al Ng"],
        "two-letter words are searched too"
    );
    assert_eq!(names(&store, search("\"quoted\"")), Vec::<String>::new());
    assert_eq!(
        names(&store, search("   ")).len(),
        4,
        "blank search is no filter"
    );
}

#[test]
fn pages_are_ordered_by_name_and_filtered_by_connection_and_type() {
    let store = Store::open_in_memory().unwrap();
    let hs = connect(&store, Provider::Hubspot);
    let close = connect(&store, Provider::Close);
    for i in 0..25 {
        upsert(
            &store,
            &person(
                hs,
                &i.to_string(),
                &format!("P{i:02}"),
                "Hs",
                "x@hs.example",
            ),
        );
    }
    upsert(
        &store,
        &person(close, "lead_1", "Cl", "One", "c@close.example"),
    );
    let mut company = person(close, "lead_2", "", "", "");
    company.object_type = ObjectType::Company;
    company.fields = json!({"name": "Acme"}).as_object().unwrap().clone();
    upsert(&store, &company);

    let page = |connection_id, object_type, offset| RecordQuery {
        connection_id,
        object_type,
        search: None,
        offset,
        limit: 10,
        with_total: false,
    };
    let second = names(&store, page(Some(hs), None, 10));
    assert_eq!(second.first().map(String::as_str), Some("P10 Hs"));
    assert_eq!(second.len(), 10);
    assert_eq!(names(&store, page(Some(hs), None, 20)).len(), 5);
    assert_eq!(
        names(&store, page(Some(close), None, 0)),
        ["Acme", "Cl One"]
    );
    assert_eq!(
        names(&store, page(None, Some(ObjectType::Company), 0)),
        ["Acme"]
    );
    // Every connection and type: one list by name across types (merged from each type's index).
    let all = names(&store, page(None, None, 0));
    assert_eq!(all[..3], ["Acme", "Cl One", "P00 Hs"]);
    assert_eq!(names(&store, page(None, None, 20)).len(), 7);
    let total = store
        .read(|c| records::count(c, &page(Some(hs), Some(ObjectType::Person), 0)))
        .unwrap();
    assert_eq!(total, 25);
    let counts = store.read(records::counts).unwrap();
    let summary: Vec<_> = counts
        .iter()
        .map(|c| (c.connection_id, c.object_type, c.count))
        .collect();
    assert_eq!(
        summary,
        [
            (hs, ObjectType::Person, 25),
            (close, ObjectType::Company, 1),
            (close, ObjectType::Person, 1)
        ]
    );
}

#[test]
fn removing_a_connection_removes_its_records_and_their_search_entries() {
    let store = Store::open_in_memory().unwrap();
    let hs = connect(&store, Provider::Hubspot);
    let pd = connect(&store, Provider::Pipedrive);
    upsert(&store, &person(hs, "1", "Ann", "Gone", "ann@gone.example"));
    upsert(&store, &person(pd, "1", "Ann", "Kept", "ann@kept.example"));
    assert!(store.write(|tx| connections::delete(tx, hs)).unwrap());
    assert_eq!(names(&store, search("ann")), ["Ann Kept"]);
    let fts_rows: i64 = store
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM records_fts WHERE records_fts MATCH '\"gone\"'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(fts_rows, 0);
}

#[test]
fn a_stored_record_reads_back_with_all_its_fields() {
    let store = Store::open_in_memory().unwrap();
    let sf = connect(&store, Provider::Salesforce);
    upsert(&store, &person(sf, "003A", "Ann", "Lee", "ann@lee.example"));
    let row = store
        .read(|c| records::page(c, &search("ann")))
        .unwrap()
        .remove(0);
    assert_eq!(row.email.as_deref(), Some("ann@lee.example"));
    let record = store.read(|c| records::get(c, row.id)).unwrap().unwrap();
    assert_eq!(record.remote_id, "003A");
    assert_eq!(record.fields["last_name"], "Lee");
    assert_eq!(record.remote_modified_at, Some(now()));
}

#[test]
fn records_a_pull_stored_are_found_before_and_after_the_index_catches_up() {
    let store = Store::open_in_memory().unwrap();
    let hs = connect(&store, Provider::Hubspot);
    let first = person(hs, "1", "Ann", "First", "ann@first.example");
    let batch = [
        person(hs, "2", "Ann", "Batch", "ann@batch.example"),
        // The same record twice in a batch (a CRM paging on a moving list): the later copy holds.
        person(hs, "3", "Ann", "Early", "ann@early.example"),
        person(hs, "3", "Ann", "Late", "ann@late.example"),
        person(hs, "4", "Zoë", "Müller-O'Brien", "zoe@mueller.example"),
    ];
    upsert(&store, &first);
    store
        .write(|tx| records::store_page(tx, &batch, now()))
        .unwrap();
    let backlog = |store: &Store| store.read(search_index::backlog).unwrap();
    assert_eq!(backlog(&store), 3);
    // Found the same way while the index holds none of the batch, some of it, and all of it.
    for step in [0, 1, 2] {
        if step > 0 {
            let added = store
                .write(|tx| search_index::catch_up(tx, if step == 1 { 1 } else { 10 }))
                .unwrap();
            assert_eq!(added, if step == 1 { 1 } else { 2 });
        }
        assert_eq!(
            names(&store, search("ann")),
            ["Ann Batch", "Ann First", "Ann Late"],
            "step {step}"
        );
        assert_eq!(names(&store, search("ann la")), ["Ann Late"], "step {step}");
        assert!(names(&store, search("early")).is_empty(), "step {step}");
        assert!(names(&store, search("atch")).is_empty(), "step {step}");
        for words in ["muller", "MÜLLER zoe", "o'brien", "zoe@mueller.ex"] {
            assert_eq!(
                names(&store, search(words)),
                ["Zoë Müller-O'Brien"],
                "{words}, step {step}"
            );
        }
    }
    assert_eq!(backlog(&store), 0);
    // Indexed rows follow their changes; nothing is indexed twice.
    upsert(
        &store,
        &person(hs, "2", "Ann", "Changed", "ann@batch.example"),
    );
    assert_eq!(store.write(|tx| search_index::catch_up(tx, 10)).unwrap(), 0);
    assert_eq!(names(&store, search("changed")), ["Ann Changed"]);
    assert!(
        names(&store, search("batch"))
            .iter()
            .all(|n| n != "Ann Batch")
    );
}

#[test]
fn a_record_that_takes_the_id_of_a_deleted_one_is_still_indexed() {
    let store = Store::open_in_memory().unwrap();
    let hs = connect(&store, Provider::Hubspot);
    let pd = connect(&store, Provider::Pipedrive);
    upsert(&store, &person(hs, "1", "Ann", "Kept", "ann@kept.example"));
    upsert(&store, &person(pd, "1", "Bob", "Gone", "bob@gone.example"));
    // The highest id goes; SQLite gives the next record the same id.
    assert!(store.write(|tx| connections::delete(tx, pd)).unwrap());
    upsert(&store, &person(hs, "2", "Cleo", "New", "cleo@new.example"));
    assert_eq!(names(&store, search("cleo")), ["Cleo New"]);
    assert!(names(&store, search("bob")).is_empty());
}
