//! The fields each emulated sObject has, as describe reports them; writes are checked against them.

use serde_json::{Value, json};

use super::Salesforce;
use crate::seed::{Kind, STAGES};

/// (API name, label, type, required on create, createable)
pub type Field = (&'static str, &'static str, &'static str, bool, bool);

/// A custom field created through the Tooling API. Salesforce shows a field to the API only where
/// the running user's profile may read it (field-level security): until a FieldPermissions grant
/// it is as if it did not exist, and without edit access it is read-only. Its name and label are
/// leaked once, so it is a `Field` like the seeded ones (an emulator creates a handful).
pub struct Added {
    pub kind: Kind,
    pub name: &'static str,
    pub label: &'static str,
    /// As describe types it: `string`, `textarea`, `double`, `date`, `datetime`, `boolean`, `picklist`.
    pub type_name: &'static str,
    pub length: u64,
    pub options: Vec<String>,
    pub read: bool,
    pub edit: bool,
}

/// The fields of `kind` the running user sees: the seeded ones, then those created and granted.
pub fn visible(sf: &Salesforce, kind: Kind) -> Vec<Field> {
    let added = sf
        .added
        .iter()
        .filter(|a| a.kind == kind && a.read)
        .map(|a| (a.name, a.label, a.type_name, false, a.edit));
    fields(kind).iter().copied().chain(added).collect()
}

fn fields(kind: Kind) -> &'static [Field] {
    match kind {
        Kind::Call | Kind::Email | Kind::Task => {
            unreachable!("calls, e-mails and tasks are Tasks in Salesforce")
        }
        Kind::Company => &[
            ("Id", "Account ID", "id", false, false),
            ("Name", "Account Name", "string", true, true),
            ("Website", "Website", "url", false, true),
            ("Phone", "Account Phone", "phone", false, true),
            ("BillingCity", "Billing City", "string", false, true),
            ("BillingCountry", "Billing Country", "string", false, true),
            ("Industry", "Industry", "picklist", false, true),
            ("NumberOfEmployees", "Employees", "int", false, true),
            ("OwnerId", "Owner ID", "reference", false, true),
            (
                "Lead_Source_Detail__c",
                "Lead source detail",
                "picklist",
                false,
                true,
            ),
            ("CreatedDate", "Created Date", "datetime", false, false),
            (
                "LastModifiedDate",
                "Last Modified Date",
                "datetime",
                false,
                false,
            ),
            (
                "SystemModstamp",
                "System Modstamp",
                "datetime",
                false,
                false,
            ),
            ("IsDeleted", "Deleted", "boolean", false, false),
        ],
        Kind::Person => &[
            ("Id", "Contact ID", "id", false, false),
            ("FirstName", "First Name", "string", false, true),
            ("LastName", "Last Name", "string", true, true),
            ("Name", "Full Name", "string", false, false),
            ("Email", "Email", "email", false, true),
            ("Phone", "Business Phone", "phone", false, true),
            ("Title", "Title", "string", false, true),
            ("MobilePhone", "Mobile Phone", "phone", false, true),
            ("AccountId", "Account ID", "reference", false, true),
            ("MailingCity", "Mailing City", "string", false, true),
            ("MailingCountry", "Mailing Country", "string", false, true),
            ("OwnerId", "Owner ID", "reference", false, true),
            ("CreatedDate", "Created Date", "datetime", false, false),
            (
                "LastModifiedDate",
                "Last Modified Date",
                "datetime",
                false,
                false,
            ),
            (
                "SystemModstamp",
                "System Modstamp",
                "datetime",
                false,
                false,
            ),
            ("IsDeleted", "Deleted", "boolean", false, false),
        ],
        Kind::Deal => &[
            ("Id", "Opportunity ID", "id", false, false),
            ("Name", "Name", "string", true, true),
            ("Amount", "Amount", "currency", false, true),
            ("StageName", "Stage", "picklist", true, true),
            ("Probability", "Probability (%)", "percent", false, true),
            ("IsClosed", "Closed", "boolean", false, false),
            ("IsWon", "Won", "boolean", false, false),
            ("CloseDate", "Close Date", "date", true, true),
            ("AccountId", "Account ID", "reference", false, true),
            ("ContactId", "Contact ID", "reference", false, true),
            ("OwnerId", "Owner ID", "reference", false, true),
            ("CreatedDate", "Created Date", "datetime", false, false),
            (
                "LastModifiedDate",
                "Last Modified Date",
                "datetime",
                false,
                false,
            ),
            (
                "SystemModstamp",
                "System Modstamp",
                "datetime",
                false,
                false,
            ),
            ("IsDeleted", "Deleted", "boolean", false, false),
        ],
        Kind::Note => &[
            ("Id", "Activity ID", "id", false, false),
            ("Subject", "Subject", "combobox", false, true),
            ("Description", "Description", "textarea", false, true),
            ("Status", "Status", "picklist", false, true),
            ("WhoId", "Name ID", "reference", false, true),
            ("WhatId", "Related To ID", "reference", false, true),
            ("OwnerId", "Assigned To ID", "reference", false, true),
            ("ActivityDate", "Due Date Only", "date", false, true),
            ("TaskSubtype", "Task Subtype", "picklist", false, true),
            ("Priority", "Priority", "picklist", false, true),
            ("CallType", "Call Type", "picklist", false, true),
            ("CallDurationInSeconds", "Call Duration", "int", false, true),
            ("CallDisposition", "Call Result", "string", false, true),
            ("CreatedDate", "Created Date", "datetime", false, false),
            (
                "LastModifiedDate",
                "Last Modified Date",
                "datetime",
                false,
                false,
            ),
            (
                "SystemModstamp",
                "System Modstamp",
                "datetime",
                false,
                false,
            ),
            ("IsDeleted", "Deleted", "boolean", false, false),
        ],
        Kind::Meeting => &[
            ("Id", "Activity ID", "id", false, false),
            ("Subject", "Subject", "combobox", false, true),
            ("Description", "Description", "textarea", false, true),
            ("StartDateTime", "Start", "datetime", true, true),
            ("EndDateTime", "End", "datetime", false, true),
            ("DurationInMinutes", "Duration", "int", false, true),
            ("Location", "Location", "string", false, true),
            ("WhoId", "Name ID", "reference", false, true),
            ("WhatId", "Related To ID", "reference", false, true),
            ("OwnerId", "Assigned To ID", "reference", false, true),
            ("CreatedDate", "Created Date", "datetime", false, false),
            (
                "LastModifiedDate",
                "Last Modified Date",
                "datetime",
                false,
                false,
            ),
            (
                "SystemModstamp",
                "System Modstamp",
                "datetime",
                false,
                false,
            ),
            ("IsDeleted", "Deleted", "boolean", false, false),
        ],
        Kind::Invoice => &[
            ("Id", "Record ID", "id", false, false),
            ("Name", "Invoice Name", "string", true, true),
            ("Account__c", "Account", "reference", false, true),
            ("Amount__c", "Amount", "currency", false, true),
            ("Due_Date__c", "Due Date", "date", false, true),
            ("Status__c", "Status", "picklist", false, true),
            ("OwnerId", "Owner ID", "reference", false, true),
            ("CreatedDate", "Created Date", "datetime", false, false),
            (
                "LastModifiedDate",
                "Last Modified Date",
                "datetime",
                false,
                false,
            ),
            (
                "SystemModstamp",
                "System Modstamp",
                "datetime",
                false,
                false,
            ),
            ("IsDeleted", "Deleted", "boolean", false, false),
        ],
        Kind::Lead => &[
            ("Id", "Lead ID", "id", false, false),
            ("FirstName", "First Name", "string", false, true),
            ("LastName", "Last Name", "string", true, true),
            ("Name", "Full Name", "string", false, false),
            ("Company", "Company", "string", true, true),
            ("Email", "Email", "email", false, true),
            ("Phone", "Phone", "phone", false, true),
            ("Title", "Title", "string", false, true),
            ("Status", "Lead Status", "picklist", true, true),
            ("LeadSource", "Lead Source", "picklist", false, true),
            ("City", "City", "string", false, true),
            ("Country", "Country", "string", false, true),
            ("IsConverted", "Converted", "boolean", false, false),
            (
                "ConvertedContactId",
                "Converted Contact ID",
                "reference",
                false,
                false,
            ),
            (
                "ConvertedAccountId",
                "Converted Account ID",
                "reference",
                false,
                false,
            ),
            (
                "ConvertedOpportunityId",
                "Converted Opportunity ID",
                "reference",
                false,
                false,
            ),
            ("ConvertedDate", "Converted Date", "date", false, false),
            ("OwnerId", "Owner ID", "reference", false, true),
            ("CreatedDate", "Created Date", "datetime", false, false),
            (
                "LastModifiedDate",
                "Last Modified Date",
                "datetime",
                false,
                false,
            ),
            (
                "SystemModstamp",
                "System Modstamp",
                "datetime",
                false,
                false,
            ),
            ("IsDeleted", "Deleted", "boolean", false, false),
        ],
    }
}

/// The field's stored spelling, if the sObject has it (API names are case-insensitive).
pub fn field_name(sf: &Salesforce, kind: Kind, name: &str) -> Option<&'static str> {
    visible(sf, kind)
        .iter()
        .find(|f| f.0.eq_ignore_ascii_case(name))
        .map(|f| f.0)
}

pub fn is_createable(sf: &Salesforce, kind: Kind, name: &str) -> bool {
    visible(sf, kind).iter().any(|f| f.0 == name && f.4)
}

/// The field's type as describe gives it (`string` for one the sObject lacks).
pub fn type_name(sf: &Salesforce, kind: Kind, name: &str) -> &'static str {
    visible(sf, kind)
        .iter()
        .find(|f| f.0 == name)
        .map_or("string", |f| f.2)
}

pub fn required(kind: Kind) -> Vec<&'static str> {
    fields(kind).iter().filter(|f| f.3).map(|f| f.0).collect()
}

pub fn describe(sf: &Salesforce, kind: Kind, sobject: &str) -> Value {
    let fields: Vec<Value> = visible(sf, kind)
        .into_iter()
        .map(|(name, label, kind_name, required, createable)| {
            let added = sf.added.iter().find(|a| a.kind == kind && a.name == name);
            let picklist: Vec<Value> = match name {
                _ if added.is_some() => added.map_or_else(Vec::new, |a| {
                    a.options.iter().map(|v| json!({"value": v, "label": v, "active": true, "defaultValue": false})).collect()
                }),
                "StageName" => STAGES.iter().enumerate().map(|(i, s)| json!({"value": s.0, "label": s.0, "active": true, "defaultValue": i == 0})).collect(),
                "Status" if kind == Kind::Lead => crate::seed::LEAD_STATUSES.iter().enumerate().map(|(i, v)| json!({"value": v, "label": v, "active": true, "defaultValue": i == 0})).collect(),
                "TaskSubtype" => ["Task", "Email", "Call", "ListEmail", "Cadence"].iter().map(|v| json!({"value": v, "label": v, "active": true, "defaultValue": *v == "Task"})).collect(),
                "CallType" => ["Internal", "Inbound", "Outbound"].iter().map(|v| json!({"value": v, "label": v, "active": true, "defaultValue": false})).collect(),
                "Priority" => ["High", "Normal", "Low"].iter().map(|v| json!({"value": v, "label": v, "active": true, "defaultValue": *v == "Normal"})).collect(),
                "Status" if kind == Kind::Note => ["Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred"].iter().map(|v| json!({"value": v, "label": v, "active": true, "defaultValue": *v == "Not Started"})).collect(),
                "Status__c" => ["Draft", "Sent", "Paid"].iter().map(|v| json!({"value": v, "label": v, "active": true, "defaultValue": false})).collect(),
                "Lead_Source_Detail__c" | "LeadSource" => ["Webinar", "Trade show", "Referral"].iter().map(|v| json!({"value": v, "label": v, "active": true, "defaultValue": false})).collect(),
                _ => vec![],
            };
            let reference_to: Vec<&str> = match name {
                "AccountId" | "Account__c" => vec!["Account"],
                "WhatId" => vec!["Account", "Opportunity"],
                "ContactId" | "WhoId" => vec!["Contact"],
                "OwnerId" => vec!["User"],
                _ => vec![],
            };
            json!({
                "name": name, "label": label, "type": kind_name,
                "length": added.map_or(if kind_name == "string" { 255 } else { 0 }, |a| a.length),
                "nillable": !required && createable, "createable": createable, "updateable": createable,
                "custom": name.ends_with("__c"), "externalId": false, "referenceTo": reference_to, "picklistValues": picklist,
            })
        })
        .collect();
    let custom = sobject.ends_with("__c");
    let (label, plural) = if custom {
        ("Invoice".to_owned(), "Invoices".to_owned())
    } else {
        (sobject.to_owned(), format!("{sobject}s"))
    };
    json!({
        "name": sobject, "label": label, "labelPlural": plural, "custom": custom, "queryable": true, "createable": true, "updateable": true,
        "fields": fields, "recordTypeInfos": [], "childRelationships": [], "urls": {},
    })
}
