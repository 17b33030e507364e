//! Schema discovery: properties, deal pipelines with stages, owners.

use std::sync::Arc;

use axum::{
    Json,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};

use super::{kind_of, render};
use crate::{
    Emulator, Provider,
    seed::{self, Kind, OWNERS, STAGES, StageKind},
};

/// Properties HubSpot sets itself: listed with `readOnlyValue`, as a portal lists them.
const COMPUTED: [&str; 6] = [
    "createdate",
    "lastmodifieddate",
    "hs_lastmodifieddate",
    "hs_object_id",
    "notes_last_updated",
    "hubspotscore",
];

fn property(name: &str, label: &str, kind: &str, field_type: &str, hubspot_defined: bool) -> Value {
    json!({
        "name": name, "label": label, "type": kind, "fieldType": field_type, "groupName": "contactinformation",
        "description": "", "options": [], "hubspotDefined": hubspot_defined, "hasUniqueValue": name == "email",
        "calculated": false, "hidden": false, "displayOrder": -1, "formField": true,
        "modificationMetadata": {"archivable": !hubspot_defined, "readOnlyDefinition": hubspot_defined, "readOnlyValue": COMPUTED.contains(&name)},
    })
}

/// A property a portal defined (on a custom object: every one of its own).
fn custom_property(name: &str, label: &str, kind: &str, field_type: &str) -> Value {
    let mut p = property(name, label, kind, field_type, false);
    p["groupName"] = json!("custom");
    p
}

/// The custom object's object type id (`2-` and the portal's own number).
pub(crate) const INVOICE_TYPE_ID: &str = "2-7100001";

/// `GET /crm-object-schemas/v3/schemas`: the portal's custom objects (one: invoices, each belonging to a company).
pub async fn schemas(State(emu): State<Arc<Emulator>>) -> Response {
    let portal = 40_000_000 + emu.seed.seed % 1_000_000;
    let at = render::iso(seed::DATA_END_MS);
    Json(json!({"results": [{
        "id": "7100001", "objectTypeId": INVOICE_TYPE_ID, "name": "invoices",
        "fullyQualifiedName": format!("p{portal}_invoices"),
        "labels": {"singular": "Invoice", "plural": "Invoices"},
        "primaryDisplayProperty": "invoice_number", "requiredProperties": ["invoice_number"],
        "searchableProperties": ["invoice_number"], "secondaryDisplayProperties": ["amount"],
        "properties": properties_of(Kind::Invoice), "archived": false,
        "associations": [{"id": "71", "fromObjectTypeId": INVOICE_TYPE_ID, "toObjectTypeId": "0-2",
            "name": "invoice_to_company", "createdAt": at, "updatedAt": at}],
        "createdAt": at, "updatedAt": at,
    }]}))
    .into_response()
}

/// A HubSpot-defined enumeration with its options (value, label).
fn picklist(name: &str, label: &str, options: &[(&str, &str)]) -> Value {
    let mut p = property(name, label, "enumeration", "select", true);
    p["options"] = options
        .iter()
        .enumerate()
        .map(|(i, (value, label))| json!({"label": label, "value": value, "displayOrder": i, "hidden": false}))
        .collect();
    p
}

/// `GET /crm/v3/properties/{object}`: every property of the object type, created ones last.
pub async fn properties(State(emu): State<Arc<Emulator>>, Path(object): Path<String>) -> Response {
    let mut hs = emu.hubspot();
    match kind_of(&object) {
        Some(kind) => {
            let mut results = properties_of(kind);
            results.extend(hs.created_properties(kind));
            Json(json!({ "results": results })).into_response()
        }
        None => hs.unknown_object(&object),
    }
}

/// The names of the properties the emulator lists for `kind` (a write naming another fails).
pub(crate) fn property_names(kind: Kind) -> Vec<String> {
    properties_of(kind)
        .into_iter()
        .filter_map(|p| p["name"].as_str().map(str::to_owned))
        .collect()
}

/// `POST /crm/v3/properties/{object}`: a custom property. HubSpot checks the name (lower-case
/// letters, digits, underscores, starting with a letter; not taken), the type and field type (and
/// that they go together), the group, and that an enumeration has options; answers 201 with it.
pub async fn create_property(
    State(emu): State<Arc<Emulator>>,
    Path(object): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let mut hs = emu.hubspot();
    let Some(kind) = kind_of(&object) else {
        return hs.unknown_object(&object);
    };
    let Ok(input) = serde_json::from_slice::<Value>(&body) else {
        return hs.error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "Invalid input JSON: the body is not a JSON object",
        );
    };
    let text = |k: &str| input[k].as_str().unwrap_or_default().to_owned();
    let (name, label, kind_name, field_type, group) = (
        text("name"),
        text("label"),
        text("type"),
        text("fieldType"),
        text("groupName"),
    );
    let bad = |message: String| (StatusCode::BAD_REQUEST, "VALIDATION_ERROR", message);
    let fits = matches!(
        (kind_name.as_str(), field_type.as_str()),
        (
            "string",
            "text" | "textarea" | "html" | "phonenumber" | "file"
        ) | ("number", "number" | "calculation_equation")
            | ("date" | "datetime", "date")
            | ("bool", "booleancheckbox" | "checkbox")
            | (
                "enumeration",
                "select" | "radio" | "checkbox" | "booleancheckbox"
            )
    );
    let options = input["options"].as_array().cloned().unwrap_or_default();
    let refusal = if name.is_empty() || label.is_empty() || group.is_empty() {
        Some(bad(
            "name, label, type, fieldType and groupName are required".into(),
        ))
    } else if !name.starts_with(|c: char| c.is_ascii_lowercase())
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        Some(bad(format!(
            "Property name '{name}' is invalid: it must start with a letter and hold only lower-case letters, numbers and underscores"
        )))
    } else if !fits {
        Some(bad(format!(
            "Property type '{kind_name}' cannot have field type '{field_type}'"
        )))
    } else if kind_name == "enumeration" && options.is_empty() {
        Some(bad(format!(
            "Enumeration property '{name}' must have options"
        )))
    } else if property_names(kind).contains(&name) || hs.created_names(kind).contains(&name) {
        Some((
            StatusCode::CONFLICT,
            "OBJECT_ALREADY_EXISTS",
            format!("Property named '{name}' already exists."),
        ))
    } else {
        None
    };
    if let Some((status, category, message)) = refusal {
        return hs.error(status, category, message);
    }
    let now = render::iso(crate::now_ms());
    let mut property = super::metadata::property(&name, &label, &kind_name, &field_type, false);
    property["groupName"] = json!(group);
    property["options"] = json!(
        options
            .iter()
            .enumerate()
            .map(|(i, o)| json!({
                "label": o["label"], "value": o["value"],
                "displayOrder": o["displayOrder"].as_i64().unwrap_or(i as i64), "hidden": false,
            }))
            .collect::<Vec<_>>()
    );
    property["createdAt"] = json!(now);
    property["updatedAt"] = json!(now);
    hs.add_property(kind, property.clone());
    (StatusCode::CREATED, Json(property)).into_response()
}

/// `GET /crm/v3/properties/{object}/{name}`: one property, or HubSpot's 404.
pub async fn property_by_name(
    State(emu): State<Arc<Emulator>>,
    Path((object, name)): Path<(String, String)>,
) -> Response {
    let mut hs = emu.hubspot();
    let Some(mut all) = all_properties(&object) else {
        return hs.unknown_object(&object);
    };
    if let Some(kind) = kind_of(&object) {
        all.extend(hs.created_properties(kind));
    }
    match all.into_iter().find(|p| p["name"] == name.as_str()) {
        Some(p) => Json(p).into_response(),
        None => hs.error(
            StatusCode::NOT_FOUND,
            "OBJECT_NOT_FOUND",
            format!("Unable to find property {name} for object type {object}"),
        ),
    }
}

fn all_properties(object: &str) -> Option<Vec<Value>> {
    Some(properties_of(kind_of(object)?))
}

/// The option values of each picklist of `kind` the portal lists (HubSpot-defined and the seeded
/// custom one; a property created through the API is checked by its creator's options).
pub(crate) fn defined_options(kind: Kind) -> Vec<(String, Vec<String>)> {
    properties_of(kind)
        .into_iter()
        .filter(|p| p["type"] == "enumeration")
        .filter_map(|p| {
            let values: Vec<String> = p["options"]
                .as_array()?
                .iter()
                .filter_map(|o| o["value"].as_str().map(str::to_owned))
                .collect();
            (!values.is_empty())
                .then(|| (p["name"].as_str().unwrap_or_default().to_owned(), values))
        })
        .collect()
}

fn properties_of(kind: Kind) -> Vec<Value> {
    let mut results = match kind {
        Kind::Lead => unreachable!("no table of this kind in this CRM"),
        Kind::Person => vec![
            property("firstname", "First Name", "string", "text", true),
            property("lastname", "Last Name", "string", "text", true),
            property("email", "Email", "string", "text", true),
            property("phone", "Phone Number", "string", "phonenumber", true),
            property("jobtitle", "Job Title", "string", "text", true),
            property(
                "mobilephone",
                "Mobile Phone Number",
                "string",
                "phonenumber",
                true,
            ),
            property("company", "Company Name", "string", "text", true),
            property("city", "City", "string", "text", true),
            property("country", "Country/Region", "string", "text", true),
            picklist(
                "lifecyclestage",
                "Lifecycle Stage",
                &[
                    ("subscriber", "Subscriber"),
                    ("lead", "Lead"),
                    ("marketingqualifiedlead", "Marketing Qualified Lead"),
                    ("salesqualifiedlead", "Sales Qualified Lead"),
                    ("opportunity", "Opportunity"),
                    ("customer", "Customer"),
                    ("evangelist", "Evangelist"),
                    ("other", "Other"),
                ],
            ),
            picklist(
                "hs_lead_status",
                "Lead Status",
                &[
                    ("NEW", "New"),
                    ("OPEN", "Open"),
                    ("IN_PROGRESS", "In Progress"),
                    ("OPEN_DEAL", "Open Deal"),
                    ("UNQUALIFIED", "Unqualified"),
                    ("ATTEMPTED_TO_CONTACT", "Attempted to contact"),
                    ("CONNECTED", "Connected"),
                    ("BAD_TIMING", "Bad Timing"),
                ],
            ),
            property("hubspotscore", "HubSpot Score", "number", "number", true),
            picklist(
                "hs_analytics_source",
                "Original Source",
                &[
                    ("ORGANIC_SEARCH", "Organic Search"),
                    ("PAID_SEARCH", "Paid Search"),
                    ("EMAIL_MARKETING", "Email Marketing"),
                    ("SOCIAL_MEDIA", "Organic Social"),
                    ("REFERRALS", "Referrals"),
                    ("OTHER_CAMPAIGNS", "Other Campaigns"),
                    ("DIRECT_TRAFFIC", "Direct Traffic"),
                    ("OFFLINE", "Offline Sources"),
                    ("PAID_SOCIAL", "Paid Social"),
                ],
            ),
            property(
                "notes_last_updated",
                "Last Activity Date",
                "datetime",
                "date",
                true,
            ),
            property(
                "hubspot_owner_id",
                "Contact owner",
                "enumeration",
                "select",
                true,
            ),
            property(
                "associatedcompanyid",
                "Primary Associated Company ID",
                "number",
                "number",
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
            property(
                "hubspot_owner_id",
                "Company owner",
                "enumeration",
                "select",
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
            property(
                "hubspot_owner_id",
                "Deal owner",
                "enumeration",
                "select",
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
        Kind::Note => vec![property(
            "hs_note_body",
            "Note body",
            "string",
            "html",
            true,
        )],
        Kind::Call => vec![
            property("hs_call_title", "Call Title", "string", "text", true),
            property("hs_call_body", "Call notes", "string", "html", true),
            picklist(
                "hs_call_direction",
                "Call direction",
                &[("INBOUND", "Inbound"), ("OUTBOUND", "Outbound")],
            ),
            property(
                "hs_call_duration",
                "Call duration",
                "number",
                "number",
                true,
            ),
            picklist(
                "hs_call_status",
                "Call status",
                &[
                    ("BUSY", "Busy"),
                    ("CALLING_CRM_USER", "Calling CRM user"),
                    ("CANCELED", "Canceled"),
                    ("COMPLETED", "Completed"),
                    ("CONNECTING", "Connecting"),
                    ("FAILED", "Failed"),
                    ("IN_PROGRESS", "In progress"),
                    ("NO_ANSWER", "No answer"),
                    ("QUEUED", "Queued"),
                    ("RINGING", "Ringing"),
                ],
            ),
        ],
        Kind::Email => vec![
            property("hs_email_subject", "Email subject", "string", "text", true),
            property("hs_email_text", "Email body", "string", "textarea", true),
            picklist(
                "hs_email_direction",
                "Email direction",
                &[
                    ("EMAIL", "Sent by owner"),
                    ("INCOMING_EMAIL", "Reply from contact"),
                    ("FORWARDED_EMAIL", "Forwarded"),
                ],
            ),
            picklist(
                "hs_email_status",
                "Email send status",
                &[
                    ("BOUNCED", "Bounced"),
                    ("FAILED", "Failed"),
                    ("SCHEDULED", "Scheduled"),
                    ("SENDING", "Sending"),
                    ("SENT", "Sent"),
                ],
            ),
        ],
        Kind::Meeting => vec![
            property("hs_meeting_title", "Meeting name", "string", "text", true),
            property(
                "hs_meeting_body",
                "Meeting description",
                "string",
                "html",
                true,
            ),
            property(
                "hs_meeting_start_time",
                "Start time",
                "datetime",
                "date",
                true,
            ),
            property("hs_meeting_end_time", "End time", "datetime", "date", true),
            picklist(
                "hs_meeting_outcome",
                "Meeting outcome",
                &[
                    ("SCHEDULED", "Scheduled"),
                    ("COMPLETED", "Completed"),
                    ("RESCHEDULED", "Rescheduled"),
                    ("NO_SHOW", "No show"),
                    ("CANCELED", "Canceled"),
                ],
            ),
        ],
        // The custom object's own properties: all custom, as a schema defines them.
        Kind::Invoice => vec![
            custom_property("invoice_number", "Invoice number", "string", "text"),
            custom_property("amount", "Amount", "number", "number"),
            custom_property("due_date", "Due date", "date", "date"),
            {
                let mut status =
                    custom_property("invoice_status", "Status", "enumeration", "select");
                status["options"] = json!([
                    {"label": "Draft", "value": "Draft", "displayOrder": 0, "hidden": false},
                    {"label": "Sent", "value": "Sent", "displayOrder": 1, "hidden": false},
                    {"label": "Paid", "value": "Paid", "displayOrder": 2, "hidden": false},
                ]);
                status
            },
            property(
                "hs_createdate",
                "Object create date/time",
                "datetime",
                "date",
                true,
            ),
            property(
                "hs_lastmodifieddate",
                "Object last modified date/time",
                "datetime",
                "date",
                true,
            ),
            property("hs_object_id", "Record ID", "number", "number", true),
        ],
        Kind::Task => vec![
            property("hs_task_subject", "Task Title", "string", "text", true),
            property("hs_task_body", "Notes", "string", "html", true),
            picklist(
                "hs_task_status",
                "Task Status",
                &[
                    ("NOT_STARTED", "Not started"),
                    ("IN_PROGRESS", "In progress"),
                    ("WAITING", "Waiting"),
                    ("COMPLETED", "Completed"),
                    ("DEFERRED", "Deferred"),
                ],
            ),
            picklist(
                "hs_task_priority",
                "Priority",
                &[("LOW", "Low"), ("MEDIUM", "Medium"), ("HIGH", "High")],
            ),
        ],
    };
    if kind.is_activity() {
        // Every engagement has these (HubSpot's engagement properties).
        results.extend([
            property("hs_timestamp", "Activity date", "datetime", "date", true),
            property(
                "hubspot_owner_id",
                "Activity assigned to",
                "enumeration",
                "select",
                true,
            ),
            property("hs_createdate", "Create date", "datetime", "date", true),
            property(
                "hs_lastmodifieddate",
                "Last Modified Date",
                "datetime",
                "date",
                true,
            ),
        ]);
    }
    // One custom property per object, as workspaces have: a picklist the mapping screens must handle.
    if !kind.is_activity() && kind != Kind::Invoice {
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
    results
}

/// The deal pipeline, HubSpot's `default` one.
fn deal_pipeline() -> Value {
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
    json!({
        "id": "default", "label": "Sales Pipeline", "displayOrder": 0, "archived": false,
        "createdAt": created, "updatedAt": created, "stages": stages,
    })
}

fn no_pipelines(emu: &Emulator, object: &str) -> Response {
    emu.hubspot().error(
        StatusCode::BAD_REQUEST,
        "VALIDATION_ERROR",
        format!("No pipelines for object type {object}"),
    )
}

/// `GET /crm/v3/pipelines/{object}`.
pub async fn pipelines(State(emu): State<Arc<Emulator>>, Path(object): Path<String>) -> Response {
    if object != "deals" {
        return no_pipelines(&emu, &object);
    }
    Json(json!({ "results": [deal_pipeline()] })).into_response()
}

/// The pipeline a path names, or HubSpot's refusal.
fn pipeline_by_id(emu: &Emulator, object: &str, id: &str) -> Result<Value, Box<Response>> {
    if object != "deals" {
        return Err(Box::new(no_pipelines(emu, object)));
    }
    let pipeline = deal_pipeline();
    if pipeline["id"] == id {
        return Ok(pipeline);
    }
    Err(Box::new(emu.hubspot().error(
        StatusCode::NOT_FOUND,
        "OBJECT_NOT_FOUND",
        format!("Unable to find pipeline {id}"),
    )))
}

/// `GET /crm/v3/pipelines/{object}/{pipelineId}`.
pub async fn pipeline(
    State(emu): State<Arc<Emulator>>,
    Path((object, id)): Path<(String, String)>,
) -> Response {
    match pipeline_by_id(&emu, &object, &id) {
        Ok(p) => Json(p).into_response(),
        Err(response) => *response,
    }
}

/// `GET /crm/v3/pipelines/{object}/{pipelineId}/stages`.
pub async fn stages(
    State(emu): State<Arc<Emulator>>,
    Path((object, id)): Path<(String, String)>,
) -> Response {
    match pipeline_by_id(&emu, &object, &id) {
        Ok(p) => Json(json!({ "results": p["stages"] })).into_response(),
        Err(response) => *response,
    }
}

fn all_owners() -> impl Iterator<Item = Value> {
    let created = render::iso(seed::DATA_END_MS - 500 * 86_400_000);
    (0..seed::owner_count(Provider::Hubspot)).map(move |i| {
        let (first, last) = OWNERS[i as usize];
        json!({
            "id": render::owner_id(i), "email": seed::owner_email(i), "firstName": first, "lastName": last,
            "userId": 9000 + i, "userIdIncludingInactive": 9000 + i, "type": "PERSON", "teams": [],
            "archived": false, "createdAt": created, "updatedAt": created,
        })
    })
}

/// `GET /crm/v3/owners/` (the path HubSpot documents, with its slash; without it too), `?email=`
/// narrows to one owner. Every owner fits on one page here.
pub async fn owners(
    State(_emu): State<Arc<Emulator>>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    let params = super::params::Params::new(pairs);
    let email = params.one("email").map(str::to_lowercase);
    let results: Vec<Value> = all_owners()
        .filter(|o| email.as_deref().is_none_or(|e| o["email"] == e))
        .collect();
    Json(json!({ "results": results })).into_response()
}

/// `GET /crm/v3/owners/{ownerId}[?idProperty=userId]`.
pub async fn owner(
    State(emu): State<Arc<Emulator>>,
    Path(id): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    let params = super::params::Params::new(pairs);
    let key = if params.one("idProperty") == Some("userId") {
        "userId"
    } else {
        "id"
    };
    let found = all_owners().find(|o| match &o[key] {
        Value::String(s) => *s == id,
        other => *other == id.as_str(),
    });
    match found {
        Some(o) => Json(o).into_response(),
        None => emu.hubspot().error(
            StatusCode::NOT_FOUND,
            "OBJECT_NOT_FOUND",
            format!("Unable to find owner {id}"),
        ),
    }
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
