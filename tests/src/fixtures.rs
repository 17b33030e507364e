//! Deterministic sample people and companies, so a test, a benchmark and a screenshot see the same data.

use bridge_model::{ConnectionId, NewConnection, NewRecord, ObjectType, Provider};
use bridge_store::{Store, connections, records};
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::json;

const FIRST: &[&str] = &[
    "Anna",
    "Ben",
    "Chloé",
    "David",
    "Emma",
    "Felix",
    "Grace",
    "Hugo",
    "Isabel",
    "Jonas",
    "Karin",
    "Liam",
    "Maria",
    "Noah",
    "Olivia",
    "Pablo",
    "Quinn",
    "Rosa",
    "Sven",
    "Tara",
    "Umar",
    "Vera",
    "William",
    "Xenia",
    "Yusuf",
    "Zoë",
    "Robert",
    "Katherine",
    "José",
    "Søren",
];
const LAST: &[&str] = &[
    "Smith",
    "Müller",
    "García",
    "Rossi",
    "Johnson",
    "Dubois",
    "Nowak",
    "Jensen",
    "Silva",
    "Kim",
    "O'Brien",
    "Novak",
    "Andersson",
    "Brown",
    "Fischer",
    "López",
    "Martin",
    "Weber",
    "Tanaka",
    "Khan",
    "Schmidt",
    "Moreau",
    "Costa",
    "Walsh",
    "Ito",
    "Berg",
    "Hughes",
    "Becker",
    "Ruiz",
    "Sato",
];
const COMPANY: &[&str] = &[
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Vandelay",
    "Stark",
    "Wayne",
    "Wonka",
    "Cyberdyne",
    "Soylent",
    "Tyrell",
    "Aperture",
    "Monarch",
    "Pied Piper",
    "Massive Dynamic",
];
const SUFFIX: &[&str] = &["Inc.", "GmbH", "Ltd", "SA", "LLC", "AB", "BV", "Corp."];

/// A small deterministic generator (SplitMix64), so fixtures need no RNG crate and never change.
pub struct Sequence(u64);

impl Sequence {
    pub fn new(seed: u64) -> Self {
        Sequence(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[(self.next_u64() % items.len() as u64) as usize]
    }
}

/// The fixed "now" of fixtures.
pub fn fixture_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap()
}

/// Adds a connection as the CLI would, without a secret.
pub fn add_connection(store: &Store, provider: Provider, label: &str) -> ConnectionId {
    store
        .write(|tx| {
            connections::insert(
                tx,
                &NewConnection {
                    provider,
                    label: label.to_owned(),
                    base_url: format!("http://127.0.0.1/{}", provider.as_str()),
                    account_id: Some(format!("{}-account", provider.as_str())),
                    secret_ref: None,
                },
                fixture_now(),
            )
        })
        .expect("insert connection")
}

/// The `i`-th sample person of a connection: same input, same person.
pub fn person(connection_id: ConnectionId, seq: &mut Sequence, i: u64) -> NewRecord {
    let first = seq.pick(FIRST);
    let last = seq.pick(LAST);
    let company = format!("{} {}", seq.pick(COMPANY), seq.pick(SUFFIX));
    let domain = company
        .split_whitespace()
        .next()
        .unwrap_or("example")
        .to_lowercase();
    let email = format!(
        "{}.{}{}@{domain}.example",
        first.to_lowercase(),
        last.to_lowercase().replace('\'', ""),
        i
    );
    let phone = format!("+1 555 {:03} {:04}", i % 1000, seq.next_u64() % 10_000);
    NewRecord {
        connection_id,
        object_type: ObjectType::Person,
        remote_id: format!("{}", 100_000 + i),
        fields: json!({
            "first_name": first, "last_name": last, "email": email, "phone": phone, "company": company,
        })
        .as_object()
        .expect("object")
        .clone(),
        raw: json!({"id": format!("{}", 100_000 + i)}),
        remote_modified_at: Some(fixture_now() - Duration::minutes(i as i64)),
    }
}

/// The `i`-th sample company.
pub fn company(connection_id: ConnectionId, seq: &mut Sequence, i: u64) -> NewRecord {
    let name = format!(
        "{} {} {}",
        seq.pick(COMPANY),
        seq.pick(LAST),
        seq.pick(SUFFIX)
    );
    NewRecord {
        connection_id,
        object_type: ObjectType::Company,
        remote_id: format!("c{}", 500_000 + i),
        fields: json!({"name": name, "domain": format!("{}.example", name.split_whitespace().next().unwrap_or("x").to_lowercase())})
            .as_object()
            .expect("object")
            .clone(),
        raw: json!({"id": format!("c{}", 500_000 + i)}),
        remote_modified_at: Some(fixture_now() - Duration::hours(i as i64)),
    }
}

/// Writes `people` people and `companies` companies to a connection, in transactions of 5,000.
pub fn fill(store: &Store, connection_id: ConnectionId, people: u64, companies: u64, seed: u64) {
    let mut seq = Sequence::new(seed);
    let mut all: Vec<NewRecord> = (0..people)
        .map(|i| person(connection_id, &mut seq, i))
        .collect();
    all.extend((0..companies).map(|i| company(connection_id, &mut seq, i)));
    for chunk in all.chunks(5_000) {
        store
            .write(|tx| {
                for r in chunk {
                    records::upsert(tx, r, fixture_now())?;
                }
                Ok(())
            })
            .expect("fill records");
    }
}
