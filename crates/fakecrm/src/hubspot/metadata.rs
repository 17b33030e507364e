//! Schema discovery: properties, deal pipelines with stages, owners.

use std::sync::Arc;

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};

use super::{kind_of, render};
use crate::{
    Emulator, Provider,
    seed::{self, Kind, OWNERS, STAGES, StageKind},
};

fn property(name: &str, label: &str, kind: &str, field_type: &str, hubspot_defined: bool) -> Value {
    json!({
        "name": name, "label": label, "type": kind, "fieldType": field_type, "groupName": "contactinformation",
        "description": "", "options": [], "hubspotDefined": hubspot_defined, "hasUniqueValue": name == "email",
        "calculated": false, "hidden": false, "displayOrder": -1, "formField": true,
        "modificationMetadata": {"archivable": !hubspot_defined, "readOnlyDefinition": hubspot_defined, "readOnlyValue": false},
    })
}

pub async fn properties(State(emu): State<Arc<Emulator>>, Path(object): Path<String>) -> Response {
    let Some(kind) = kind_of(&object) else {
        let mut hs = emu.hubspot();
        return hs.unknown_object(&object);
    };
    let mut results = match kind {
        Kind::Lead | Kind::Call => unreachable!("no table of this kind in this CRM"),
        Kind::Person => vec![
            property("firstname", "First Name", "string", "text", true),
            property("lastname", "Last Name", "string", "text", true),
            property("email", "Email", "string", "text", true),
            property("phone", "Phone Number", "string", "phonenumber", true),
            property("jobtitle", "Job Title", "string", "text", true),
            property("company", "Company Name", "string", "text", true),
            property("city", "City", "string", "text", true),
            property("country", "Country/Region", "string", "text", true),
            property(
                "hubspot_owner_id",
                "Contact owner",
                "enumeration",
                "select",
                true,
            ),
            property("createdate", "Create Date", "datetime", "date", true),
            property(
                "lastmodifieddate",
                "Last Modified Date",
                "datetime",
                "date",
                true,
            ),
        ],
        Kind::Company => vec![
            property("name", "Company name", "string", "text", true),
            property("domain", "Company Domain Name", "string", "text", true),
            property("phone", "Phone Number", "string", "phonenumber", true),
            property("city", "City", "string", "text", true),
            property("country", "Country/Region", "string", "text", true),
            property("industry", "Industry", "enumeration", "select", true),
            property(
                "numberofemployees",
                "Number of Employees",
                "number",
                "number",
                true,
            ),
            property("createdate", "Create Date", "datetime", "date", true),
            property(
                "hs_lastmodifieddate",
                "Last Modified Date",
                "datetime",
                "date",
                true,
            ),
        ],
        Kind::Deal => vec![
            property("dealname", "Deal Name", "string", "text", true),
            property("amount", "Amount", "number", "number", true),
            property(
                "deal_currency_code",
                "Currency",
                "enumeration",
                "select",
                true,
            ),
            property("pipeline", "Pipeline", "enumeration", "select", true),
            property("dealstage", "Deal Stage", "enumeration", "radio", true),
            property("closedate", "Close Date", "datetime", "date", true),
            property("createdate", "Create Date", "datetime", "date", true),
            property(
                "hs_lastmodifieddate",
                "Last Modified Date",
                "datetime",
                "date",
                true,
            ),
        ],
        Kind::Note => vec![
            property("hs_note_body", "Note body", "string", "html", true),
            property("hs_timestamp", "Activity date", "datetime", "date", true),
            property(
                "hs_lastmodifieddate",
                "Last Modified Date",
                "datetime",
                "date",
                true,
            ),
        ],
    };
    // One custom property per object, as workspaces have: a picklist the mapping screens must handle.
    if kind != Kind::Note {
        let mut custom = property(
            "lead_source_detail",
            "Lead source detail",
            "enumeration",
            "select",
            false,
        );
        custom["groupName"] = json!("custom");
        custom["options"] = json!([
            {"label": "Webinar", "value": "webinar", "displayOrder": 0, "hidden": false},
            {"label": "Trade show", "value": "trade_show", "displayOrder": 1, "hidden": false},
            {"label": "Referral", "value": "referral", "displayOrder": 2, "hidden": false},
        ]);
        results.push(custom);
        // A text property holding another CRM's id, as portals synced with Salesforce keep one.
        let mut id = property("salesforce_id", "Salesforce ID", "string", "text", false);
        id["groupName"] = json!("custom");
        results.push(id);
    }
    Json(json!({ "results": results })).into_response()
}

pub async fn pipelines(State(emu): State<Arc<Emulator>>, Path(object): Path<String>) -> Response {
    if object != "deals" {
        let mut hs = emu.hubspot();
        return hs.error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            format!("No pipelines for object type {object}"),
        );
    }
    let created = render::iso(seed::DATA_END_MS - 400 * 86_400_000);
    let stages: Vec<Value> = STAGES
        .iter()
        .enumerate()
        .map(|(i, (label, probability, kind))| {
            json!({
                "id": render::stage_id(i), "label": label, "displayOrder": i, "archived": false,
                "createdAt": created, "updatedAt": created,
                "metadata": {"probability": format!("{:.1}", *probability as f64 / 100.0), "isClosed": (*kind != StageKind::Open).to_string()},
            })
        })
        .collect();
    Json(json!({"results": [{
        "id": "default", "label": "Sales Pipeline", "displayOrder": 0, "archived": false,
        "createdAt": created, "updatedAt": created, "stages": stages,
    }]}))
    .into_response()
}

pub async fn owners(State(_emu): State<Arc<Emulator>>) -> Response {
    let created = render::iso(seed::DATA_END_MS - 500 * 86_400_000);
    let results: Vec<Value> = (0..seed::owner_count(Provider::Hubspot))
        .map(|i| {
            let (first, last) = OWNERS[i as usize];
            json!({
                "id": render::owner_id(i), "email": seed::owner_email(i), "firstName": first, "lastName": last,
                "userId": 9000 + i, "userIdIncludingInactive": 9000 + i, "type": "PERSON", "teams": [],
                "archived": false, "createdAt": created, "updatedAt": created,
            })
        })
        .collect();
    Json(json!({ "results": results })).into_response()
}

/// `GET /account-info/v3/details`: which portal the token belongs to.
pub async fn account_details(State(emu): State<Arc<Emulator>>) -> Response {
    Json(json!({
        "portalId": 40_000_000 + emu.seed.seed % 1_000_000, "accountType": "STANDARD", "timeZone": "Europe/Berlin",
        "companyCurrency": "EUR", "additionalCurrencies": ["USD"], "utcOffset": "+01:00", "utcOffsetMilliseconds": 3_600_000,
        "uiDomain": "app.hubspot.com", "dataHostingLocation": "na1",
    }))
    .into_response()
}
