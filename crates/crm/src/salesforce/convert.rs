//! Salesforce sObjects -> the canonical model. The only bridge between `wire` and `bridge_model`.

use bridge_model::{Fields, ObjectType, field};
use serde_json::{Value, json};

use crate::{Pulled, parse_time};

pub fn sobject(object_type: ObjectType) -> &'static str {
    match object_type {
        ObjectType::Company => "Account",
        ObjectType::Person => "Contact",
        ObjectType::Lead => "Lead",
        ObjectType::Deal => "Opportunity",
        ObjectType::Activity => "Task",
    }
}

/// (sObject field, canonical field) pairs read for each type.
pub fn fields(object_type: ObjectType) -> &'static [(&'static str, &'static str)] {
    match object_type {
        ObjectType::Company => &[
            ("Name", field::NAME),
            ("Website", field::DOMAIN),
            ("Phone", field::PHONE),
            ("BillingCity", "city"),
            ("BillingCountry", "country"),
            ("Industry", "industry"),
            ("NumberOfEmployees", "employees"),
            ("OwnerId", "owner_id"),
            ("CreatedDate", "created_at"),
        ],
        ObjectType::Person => &[
            ("FirstName", field::FIRST_NAME),
            ("LastName", field::LAST_NAME),
            ("Email", field::EMAIL),
            ("Phone", field::PHONE),
            ("Title", field::TITLE),
            ("AccountId", "company_id"),
            ("MailingCity", "city"),
            ("MailingCountry", "country"),
            ("OwnerId", "owner_id"),
            ("CreatedDate", "created_at"),
        ],
        ObjectType::Lead => &[
            ("FirstName", field::FIRST_NAME),
            ("LastName", field::LAST_NAME),
            ("Company", field::COMPANY),
            ("Email", field::EMAIL),
            ("Phone", field::PHONE),
            ("Title", field::TITLE),
            ("Status", "status"),
            ("LeadSource", "source"),
            ("City", "city"),
            ("Country", "country"),
            ("OwnerId", "owner_id"),
            ("CreatedDate", "created_at"),
        ],
        ObjectType::Deal => &[
            ("Name", field::NAME),
            ("Amount", "amount"),
            ("StageName", "stage_id"),
            ("Probability", "probability"),
            ("CloseDate", "close_date"),
            ("AccountId", "company_id"),
            ("ContactId", "person_id"),
            ("OwnerId", "owner_id"),
            ("CreatedDate", "created_at"),
        ],
        ObjectType::Activity => &[
            ("Subject", "subject"),
            ("Description", "body"),
            ("Status", "status"),
            ("WhoId", "person_id"),
            ("WhatId", "company_id"),
            ("OwnerId", "owner_id"),
            ("ActivityDate", "occurred_at"),
            ("CreatedDate", "created_at"),
        ],
    }
}

pub fn soql_fields(object_type: ObjectType) -> String {
    let mut names: Vec<&str> = vec!["Id", "SystemModstamp"];
    names.extend(fields(object_type).iter().map(|f| f.0));
    names.join(", ")
}

pub fn pulled(
    object_type: ObjectType,
    id: String,
    modstamp: Option<&str>,
    raw: Value,
    custom: &[String],
) -> Pulled {
    let mut out = Fields::new();
    for (name, canonical) in fields(object_type) {
        if let Some(v) = raw.get(*name).filter(|v| !v.is_null()) {
            let v = match (*canonical, v.as_str()) {
                // Website is a URL; the canonical field is the bare domain.
                (field::DOMAIN, Some(url)) => json!(
                    url.split("://")
                        .nth(1)
                        .unwrap_or(url)
                        .split('/')
                        .next()
                        .unwrap_or_default()
                        .trim_start_matches("www.")
                        .to_lowercase()
                ),
                _ => v.clone(),
            };
            out.insert((*canonical).to_owned(), v);
        }
    }
    if object_type == ObjectType::Activity {
        out.insert("kind".into(), json!("task"));
    }
    crate::custom::gather(&mut out, custom, |k| raw.get(k).cloned());
    Pulled {
        object_type,
        remote_id: id,
        fields: out,
        modified_at: modstamp.and_then(parse_time),
        raw,
    }
}
