//! Seed records as Salesforce shows them: 18-character ids with the case-safe suffix, PascalCase field
//! names, datetimes like `2013-05-20T20:49:32.000+0000`, `attributes` on every record.

use serde_json::{Value, json};

use crate::{
    Provider,
    seed::{Kind, STAGES, Seed, StageKind},
    table::{Generator, Props},
};

pub const API_VERSION: &str = "v60.0";
/// The REST API versions the emulated org serves (`/services/data/vNN.0`): Salesforce retired 21.0–30.0
/// in 2025 and serves the rest; 60.0 is the one our client asks for.
pub const VERSIONS: std::ops::RangeInclusive<u32> = 31..=62;
const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const SUFFIX: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
const SOURCES: [&str; 3] = ["Webinar", "Trade show", "Referral"];

pub fn sobject(kind: Kind) -> &'static str {
    match kind {
        Kind::Company => "Account",
        Kind::Person => "Contact",
        Kind::Deal => "Opportunity",
        Kind::Note => "Task",
        Kind::Lead => "Lead",
        Kind::Meeting => "Event",
        Kind::Invoice => "Invoice__c",
        Kind::Call | Kind::Email | Kind::Task => {
            unreachable!("calls, e-mails and tasks are Tasks in Salesforce")
        }
    }
}

/// Every sObject the org has, with its key prefix, as describe global lists them.
pub const SOBJECTS: [(&str, &str); 9] = [
    ("Account", "001"),
    ("Contact", "003"),
    ("Lead", "00Q"),
    ("Opportunity", "006"),
    ("Task", "00T"),
    ("Event", "00U"),
    ("User", "005"),
    ("OpportunityStage", "01J"),
    ("Invoice__c", "a01"),
];

pub fn kind_of(sobject: &str) -> Option<Kind> {
    match sobject.to_ascii_lowercase().as_str() {
        "account" => Some(Kind::Company),
        "contact" => Some(Kind::Person),
        "opportunity" => Some(Kind::Deal),
        "task" => Some(Kind::Note),
        "event" => Some(Kind::Meeting),
        "lead" => Some(Kind::Lead),
        "invoice__c" => Some(Kind::Invoice),
        _ => None,
    }
}

fn key_prefix(kind: Kind) -> &'static str {
    match kind {
        Kind::Company => "001",
        Kind::Person => "003",
        Kind::Deal => "006",
        Kind::Note => "00T",
        Kind::Lead => "00Q",
        Kind::Meeting => "00U",
        // A custom object's prefix is the org's own (`a0…`).
        Kind::Invoice => "a01",
        Kind::Call | Kind::Email | Kind::Task => {
            unreachable!("calls, e-mails and tasks are Tasks in Salesforce")
        }
    }
}

/// The 3-character suffix that makes a 15-character id case-insensitive: for each 5-character chunk,
/// a bit per upper-case letter, read as an index into A-Z0-5.
fn case_suffix(id15: &str) -> String {
    id15.as_bytes()
        .chunks(5)
        .map(|chunk| {
            let bits = chunk.iter().enumerate().fold(0usize, |acc, (i, c)| {
                acc | (usize::from(c.is_ascii_uppercase()) << i)
            });
            SUFFIX[bits] as char
        })
        .collect()
}

/// `001` + pod `5e` + 10 base62 digits = 15 characters, + the 3-character suffix.
pub fn encode(kind: Kind, id: u64) -> String {
    let mut n = id;
    let mut digits = [b'0'; 10];
    for d in digits.iter_mut().rev() {
        *d = BASE62[(n % 62) as usize];
        n /= 62;
    }
    let id15 = format!("{}5e{}", key_prefix(kind), String::from_utf8_lossy(&digits));
    let suffix = case_suffix(&id15);
    id15 + &suffix
}

/// Accepts the 18-character form or the 15-character one (case-sensitive).
pub fn decode(kind: Kind, text: &str) -> Option<u64> {
    let id15 = match text.len() {
        18 => {
            let (id15, suffix) = text.split_at(15);
            if !case_suffix(id15).eq_ignore_ascii_case(suffix) {
                return None;
            }
            id15
        }
        15 => text,
        _ => return None,
    };
    let body = id15.strip_prefix(key_prefix(kind))?.strip_prefix("5e")?;
    body.bytes().try_fold(0u64, |n, b| {
        let d = BASE62.iter().position(|&a| a == b)? as u64;
        n.checked_mul(62)?.checked_add(d)
    })
}

pub fn user_id(owner: u32) -> String {
    let id15 = format!("0055e{:010}", 1000 + owner);
    let suffix = case_suffix(&id15);
    id15 + &suffix
}

pub fn datetime(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%S%.3f+0000")
        .to_string()
}

pub fn parse_datetime(text: &str) -> Option<i64> {
    chrono::DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.3f%z")
        .or_else(|_| chrono::DateTime::parse_from_rfc3339(text))
        .ok()
        .map(|t| t.timestamp_millis())
}

pub fn record_url(kind: Kind, id: &str) -> String {
    format!(
        "/services/data/{API_VERSION}/sobjects/{}/{id}",
        sobject(kind)
    )
}

pub struct SalesforceGenerator {
    pub seed: Seed,
    pub kind: Kind,
}

impl Generator for SalesforceGenerator {
    fn render(&self, index: u32) -> Props {
        let (s, p) = (self.seed, Provider::Salesforce);
        let id = encode(self.kind, index as u64 + 1);
        let value = match self.kind {
            Kind::Call | Kind::Email | Kind::Task | Kind::Meeting => {
                unreachable!("calls, e-mails and tasks are Tasks in Salesforce")
            }
            Kind::Invoice => {
                let r = s.invoice(p, index);
                json!({
                    "Id": id, "Name": r.number, "Account__c": encode(Kind::Company, r.company as u64 + 1),
                    "Amount__c": r.amount, "Due_Date__c": r.due_date, "Status__c": r.status,
                    "OwnerId": user_id(0), "CreatedDate": datetime(r.created_ms),
                    "LastModifiedDate": datetime(r.modified_ms), "SystemModstamp": datetime(r.modified_ms),
                    "IsDeleted": false,
                })
            }
            Kind::Company => {
                let r = s.company(p, index);
                json!({
                    "Id": id, "Name": r.name, "Website": format!("https://{}", r.domain), "Phone": r.phone,
                    "BillingCity": r.city, "BillingCountry": r.country, "Industry": r.industry,
                    "NumberOfEmployees": r.employees, "OwnerId": user_id(r.owner),
                    "Lead_Source_Detail__c": SOURCES[(r.employees % 3) as usize],
                    "CreatedDate": datetime(r.created_ms), "LastModifiedDate": datetime(r.modified_ms),
                    "SystemModstamp": datetime(r.modified_ms), "IsDeleted": false,
                })
            }
            Kind::Person => {
                let r = s.person(p, index);
                json!({
                    "Id": id, "FirstName": r.first_name, "LastName": r.last_name,
                    "Name": format!("{} {}", r.first_name, r.last_name), "Email": r.email, "Phone": r.phone,
                    "Title": r.title, "AccountId": encode(Kind::Company, r.company as u64 + 1),
                    "MailingCity": r.city, "MailingCountry": r.country, "OwnerId": user_id(r.owner),
                    "CreatedDate": datetime(r.created_ms), "LastModifiedDate": datetime(r.modified_ms),
                    "SystemModstamp": datetime(r.modified_ms), "IsDeleted": false,
                })
            }
            Kind::Deal => {
                let r = s.deal(p, index);
                let (stage, probability, kind) = STAGES[r.stage];
                json!({
                    "Id": id, "Name": r.name, "Amount": r.amount_cents as f64 / 100.0, "StageName": stage,
                    "Probability": probability, "IsClosed": kind != StageKind::Open, "IsWon": kind == StageKind::Won,
                    "CloseDate": r.close_date, "AccountId": encode(Kind::Company, r.company as u64 + 1),
                    "ContactId": encode(Kind::Person, r.person as u64 + 1), "OwnerId": user_id(r.owner),
                    "CreatedDate": datetime(r.created_ms), "LastModifiedDate": datetime(r.modified_ms),
                    "SystemModstamp": datetime(r.modified_ms), "IsDeleted": false,
                })
            }
            Kind::Note => {
                let r = s.note(p, index);
                json!({
                    "Id": id, "Subject": "Note", "Description": r.body, "Status": "Completed", "TaskSubtype": "Task",
                    "WhoId": encode(Kind::Person, r.person as u64 + 1), "WhatId": encode(Kind::Company, r.company as u64 + 1),
                    "OwnerId": user_id(r.owner), "ActivityDate": datetime(r.created_ms)[..10].to_owned(),
                    "CreatedDate": datetime(r.created_ms), "LastModifiedDate": datetime(r.modified_ms),
                    "SystemModstamp": datetime(r.modified_ms), "IsDeleted": false,
                })
            }
            Kind::Lead => {
                let r = s.lead(p, index);
                let person = &r.person;
                // A converted lead points at the contact and account it became (its own person).
                let converted = r.status == "Closed - Converted";
                let contact = encode(Kind::Person, s.lead_person(index) as u64 + 1);
                let account = encode(Kind::Company, person.company as u64 + 1);
                json!({
                    "Id": id, "FirstName": person.first_name, "LastName": person.last_name,
                    "Name": format!("{} {}", person.first_name, person.last_name), "Company": r.company,
                    "Email": person.email, "Phone": person.phone, "Title": person.title, "Status": r.status,
                    "LeadSource": SOURCES[(index % 3) as usize], "City": person.city, "Country": person.country,
                    "IsConverted": converted, "OwnerId": user_id(person.owner),
                    "ConvertedContactId": converted.then_some(contact),
                    "ConvertedAccountId": converted.then_some(account),
                    "ConvertedDate": converted.then(|| datetime(r.modified_ms)[..10].to_owned()),
                    "CreatedDate": datetime(r.created_ms), "LastModifiedDate": datetime(r.modified_ms),
                    "SystemModstamp": datetime(r.modified_ms), "IsDeleted": false,
                })
            }
        };
        let Value::Object(map) = value else {
            unreachable!("json! object")
        };
        map
    }

    fn modified_ms(&self, index: u32) -> i64 {
        self.seed
            .modified_ms(Provider::Salesforce, self.kind, index)
    }
}

/// A record as the REST API returns it: `attributes` first, then the fields asked for (all if none).
pub fn record_json(kind: Kind, props: &Props, fields: Option<&[String]>) -> Value {
    let id = props
        .get("Id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let mut out = serde_json::Map::new();
    out.insert(
        "attributes".into(),
        json!({"type": sobject(kind), "url": record_url(kind, &id)}),
    );
    match fields {
        Some(names) => {
            for name in names {
                // SOQL field names are case-insensitive; answer with the stored spelling.
                let found = props.iter().find(|(k, _)| k.eq_ignore_ascii_case(name));
                let (key, value) = found
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .unwrap_or((name.clone(), Value::Null));
                out.insert(key, value);
            }
        }
        None => out.extend(props.iter().map(|(k, v)| (k.clone(), v.clone()))),
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_case_suffix_follows_salesforces_algorithm() {
        // A documented example: 001A0000006Vm9r -> 001A0000006Vm9rIAC.
        assert_eq!(case_suffix("001A0000006Vm9r"), "IAC");
    }

    #[test]
    fn ids_round_trip_in_both_lengths_and_are_typed() {
        for n in [1, 62, 1_000_000, 4_000_000_000] {
            let id = encode(Kind::Person, n);
            assert_eq!(id.len(), 18);
            assert!(id.starts_with("003"));
            assert_eq!(decode(Kind::Person, &id), Some(n));
            assert_eq!(
                decode(Kind::Person, &id[..15]),
                Some(n),
                "the 15-character form works too"
            );
            assert_eq!(
                decode(Kind::Company, &id),
                None,
                "a Contact id is not an Account id"
            );
        }
    }

    #[test]
    fn datetimes_have_an_offset_without_colon() {
        assert_eq!(datetime(1_369_082_972_000), "2013-05-20T20:49:32.000+0000");
        assert_eq!(
            parse_datetime("2013-05-20T20:49:32.000+0000"),
            Some(1_369_082_972_000)
        );
        assert_eq!(
            parse_datetime("2013-05-20T20:49:32Z"),
            Some(1_369_082_972_000)
        );
    }
}
