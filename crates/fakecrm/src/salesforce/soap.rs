//! The Partner SOAP API's `convertLead` (`POST /services/Soap/u/NN.0`), as jsforce's
//! `soap.convertLead` and Salesforce's own Convert button use it: a lead becomes a contact and an
//! account (new ones, or those named) and, unless told not to, an opportunity; the lead is then
//! read-only and points at them. The session id travels in the envelope's SessionHeader.

use std::sync::Arc;

use axum::{
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::{Map, Value, json};

use super::{Salesforce, render, rest};
use crate::{Emulator, now_ms, seed::Kind, table::Props};

/// The lead statuses a conversion can set (`LeadStatus.IsConverted`).
const CONVERTED_STATUSES: &[&str] = &["Closed - Converted"];

/// The text of the first `<name>` element in `xml` (entities decoded).
fn tag(xml: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let end = xml[start..].find(&format!("</{name}>"))? + start;
    Some(unescape(&xml[start..end]))
}

/// Every `<name>…</name>` element's inside, in order.
fn elements<'a>(xml: &'a str, name: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{name}>"), format!("</{name}>"));
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        let Some(j) = after.find(&close) else { break };
        out.push(&after[..j]);
        rest = &after[j + close.len()..];
    }
    out
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn envelope(status: StatusCode, body: String) -> Response {
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope \
         xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" \
         xmlns=\"urn:partner.soap.sforce.com\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xmlns:sf=\"urn:fault.partner.soap.sforce.com\"><soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>"
    );
    (
        status,
        [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
        xml,
    )
        .into_response()
}

fn fault(code: &str, message: &str) -> Response {
    envelope(
        StatusCode::INTERNAL_SERVER_ERROR,
        format!(
            "<soapenv:Fault><faultcode>sf:{code}</faultcode><faultstring>{code}: {}</faultstring></soapenv:Fault>",
            escape(message)
        ),
    )
}

/// What one conversion asks.
struct LeadConvert {
    lead: String,
    status: Option<String>,
    account: Option<String>,
    contact: Option<String>,
    no_opportunity: bool,
}

/// The ids a conversion made or used: account, contact, opportunity.
type Converted = (String, String, Option<String>);

pub async fn call(State(emu): State<Arc<Emulator>>, body: String) -> Response {
    let mut sf = emu.salesforce();
    let session = tag(&body, "sessionId").unwrap_or_default();
    if !sf.accepts(&session) {
        return fault(
            "INVALID_SESSION_ID",
            "Invalid Session ID found in SessionHeader: Illegal Session",
        );
    }
    if !sf.count_call() {
        return fault("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.");
    }
    let Some(call) = elements(&body, "convertLead").into_iter().next() else {
        return fault(
            "INVALID_OPERATION",
            "this org's SOAP endpoint answers convertLead only",
        );
    };
    let asks: Vec<LeadConvert> = elements(call, "leadConverts")
        .into_iter()
        .map(|x| LeadConvert {
            lead: tag(x, "leadId").unwrap_or_default(),
            status: tag(x, "convertedStatus"),
            account: tag(x, "accountId").filter(|s| !s.is_empty()),
            contact: tag(x, "contactId").filter(|s| !s.is_empty()),
            no_opportunity: tag(x, "doNotCreateOpportunity").as_deref() == Some("true"),
        })
        .collect();
    if asks.len() > 200 {
        return fault(
            "LIMIT_EXCEEDED",
            "Exceeded max size limit of 200 with request size",
        );
    }
    let now = now_ms();
    let results: String = asks
        .iter()
        .map(|ask| match convert(&mut sf, ask, now) {
            Ok((account, contact, opportunity)) => format!(
                "<result><accountId>{account}</accountId><contactId>{contact}</contactId>\
                 <leadId>{}</leadId>{}<success>true</success></result>",
                escape(&ask.lead),
                match opportunity {
                    Some(o) => format!("<opportunityId>{o}</opportunityId>"),
                    None => "<opportunityId xsi:nil=\"true\"/>".into(),
                }
            ),
            Err((code, message)) => format!(
                "<result><accountId xsi:nil=\"true\"/><contactId xsi:nil=\"true\"/>\
                 <errors><message>{}</message><statusCode>{code}</statusCode></errors>\
                 <leadId>{}</leadId><opportunityId xsi:nil=\"true\"/><success>false</success></result>",
                escape(&message),
                escape(&ask.lead)
            ),
        })
        .collect();
    envelope(
        StatusCode::OK,
        format!("<convertLeadResponse>{results}</convertLeadResponse>"),
    )
}

fn text(props: &Props, name: &str) -> Option<Value> {
    props.get(name).filter(|v| !v.is_null()).cloned()
}

/// `fields` (sObject name, value) of the kinds' new record, those with a value.
fn body(fields: &[(&str, Option<Value>)]) -> Map<String, Value> {
    fields
        .iter()
        .filter_map(|(k, v)| Some(((*k).to_owned(), v.clone()?)))
        .collect()
}

fn convert(
    sf: &mut Salesforce,
    ask: &LeadConvert,
    now: i64,
) -> Result<Converted, (&'static str, String)> {
    let invalid_id = |id: &str| {
        (
            "INVALID_CROSS_REFERENCE_KEY",
            format!("invalid cross reference id: {id}"),
        )
    };
    let n = render::decode(Kind::Lead, &ask.lead).ok_or_else(|| invalid_id(&ask.lead))?;
    let mut lead = sf
        .table(Kind::Lead)
        .get(n)
        .ok_or_else(|| ("ENTITY_IS_DELETED", "entity is deleted".to_owned()))?;
    if lead.get("IsConverted") == Some(&json!(true)) {
        return Err((
            "CANNOT_UPDATE_CONVERTED_LEAD",
            "cannot reference converted lead".into(),
        ));
    }
    let status = ask.status.clone().ok_or_else(|| {
        (
            "REQUIRED_FIELD_MISSING",
            "Required fields are missing: [ConvertedStatus]".to_owned(),
        )
    })?;
    if !CONVERTED_STATUSES.contains(&status.as_str()) {
        return Err((
            "INVALID_STATUS",
            format!("invalid convertedStatus: {status}"),
        ));
    }
    let exists = |sf: &mut Salesforce, kind, id: &str| {
        render::decode(kind, id).is_some_and(|n| sf.table(kind).exists(n))
    };
    let reject = |(code, message, _): (&'static str, String, Vec<String>)| (code, message);
    let account = match &ask.account {
        Some(id) if exists(sf, Kind::Company, id) => id.clone(),
        Some(id) => return Err(invalid_id(id)),
        None => rest::insert(
            sf,
            Kind::Company,
            &body(&[
                ("Name", text(&lead, "Company")),
                ("BillingCity", text(&lead, "City")),
                ("BillingCountry", text(&lead, "Country")),
                ("OwnerId", text(&lead, "OwnerId")),
            ]),
            now,
        )
        .map_err(reject)?,
    };
    let contact = match &ask.contact {
        Some(id) if exists(sf, Kind::Person, id) => id.clone(),
        Some(id) => return Err(invalid_id(id)),
        None => rest::insert(
            sf,
            Kind::Person,
            &body(&[
                ("FirstName", text(&lead, "FirstName")),
                ("LastName", text(&lead, "LastName")),
                ("Email", text(&lead, "Email")),
                ("Phone", text(&lead, "Phone")),
                ("Title", text(&lead, "Title")),
                ("MailingCity", text(&lead, "City")),
                ("MailingCountry", text(&lead, "Country")),
                ("AccountId", Some(json!(account))),
                ("OwnerId", text(&lead, "OwnerId")),
            ]),
            now,
        )
        .map_err(reject)?,
    };
    let opportunity = if ask.no_opportunity {
        None
    } else {
        let company = text(&lead, "Company")
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let today = render::datetime(now)[..10].to_owned();
        Some(
            rest::insert(
                sf,
                Kind::Deal,
                &body(&[
                    ("Name", Some(json!(format!("{company}-")))),
                    ("StageName", Some(json!(crate::seed::STAGES[0].0))),
                    ("CloseDate", Some(json!(today))),
                    ("AccountId", Some(json!(account))),
                    ("OwnerId", text(&lead, "OwnerId")),
                ]),
                now,
            )
            .map_err(reject)?,
        )
    };
    lead.insert("Status".into(), json!(status));
    lead.insert("IsConverted".into(), json!(true));
    lead.insert("ConvertedAccountId".into(), json!(account));
    lead.insert("ConvertedContactId".into(), json!(contact));
    lead.insert("ConvertedOpportunityId".into(), json!(opportunity));
    lead.insert(
        "ConvertedDate".into(),
        json!(render::datetime(now)[..10].to_owned()),
    );
    rest::derive(Kind::Lead, &mut lead, now, false);
    sf.table(Kind::Lead).put(n, lead, now);
    Ok((account, contact, opportunity))
}
