//! Seed records as Close shows them: prefixed ids, leads (companies) with their contacts, datetimes with
//! microseconds and an offset, money in cents.

use serde_json::{Value, json};

use crate::{
    Provider,
    seed::{Kind, STAGES, Seed, StageKind},
    table::{Generator, Props},
};

const MASK: u64 = 0x5DEE_CE66_D1CE;
const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

pub fn prefix(kind: Kind) -> &'static str {
    match kind {
        Kind::Lead => unreachable!("no table of this kind in this CRM"),
        Kind::Company => "lead",
        Kind::Person => "cont",
        Kind::Deal => "oppo",
        Kind::Note | Kind::Call | Kind::Email | Kind::Meeting => "acti",
        Kind::Task => "task",
        Kind::Invoice => "custobj",
    }
}

/// `lead_0000000000002xYz…`: a prefixed, fixed-width base62 id that maps back to the table id.
/// Every activity type shares the `acti_` prefix, so each lives in its own range of numbers.
const RANGE: u64 = 1 << 44;

fn offset(kind: Kind) -> u64 {
    match kind {
        Kind::Call => RANGE,
        Kind::Email => 2 * RANGE,
        Kind::Meeting => 3 * RANGE,
        _ => 0,
    }
}

pub fn encode(kind: Kind, id: u64) -> String {
    let offset = offset(kind);
    let mut n = (id + offset) ^ MASK;
    let mut digits = [b'0'; 22];
    for d in digits.iter_mut().rev() {
        *d = ALPHABET[(n % 62) as usize];
        n /= 62;
    }
    format!("{}_{}", prefix(kind), String::from_utf8_lossy(&digits))
}

pub fn decode(kind: Kind, text: &str) -> Option<u64> {
    let body = text.strip_prefix(prefix(kind))?.strip_prefix('_')?;
    if body.len() != 22 {
        return None;
    }
    let mut n: u64 = 0;
    for b in body.bytes() {
        let d = ALPHABET.iter().position(|&a| a == b)? as u64;
        n = n.checked_mul(62)?.checked_add(d)?;
    }
    let n = n ^ MASK;
    match kind {
        Kind::Note | Kind::Call | Kind::Email | Kind::Meeting => {
            let rest = n.checked_sub(offset(kind))?;
            (rest < RANGE).then_some(rest)
        }
        _ => Some(n),
    }
}

pub fn datetime(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%S%.6f+00:00")
        .to_string()
}

pub fn user_id(owner: u32) -> String {
    format!("user_{:022}", 1000 + owner)
}

pub const ORGANIZATION: &str = "orga_fakecrmCloseDemoOrganization";

/// Lead statuses, opportunity statuses (from the shared pipeline) and their ids.
pub const LEAD_STATUSES: &[&str] = &["Potential", "Bad Fit", "Qualified", "Customer"];

pub fn lead_status_id(i: usize) -> String {
    format!("stat_lead{:017}", i)
}

pub fn opportunity_status_id(stage: usize) -> String {
    format!("stat_oppo{:017}", stage)
}

pub fn status_type(stage: usize) -> &'static str {
    match STAGES[stage].2 {
        StageKind::Open => "active",
        StageKind::Won => "won",
        StageKind::Lost => "lost",
    }
}

/// The custom object type (Invoice) and its fields.
pub const COTYPE_INVOICE: &str = "cotype_InvoiceFakecrmCloseDemo00000000000000";
pub const CF_INVOICE_AMOUNT: &str = "cf_InvoiceAmount00000000000000000000000000";
pub const CF_INVOICE_DUE: &str = "cf_InvoiceDueDate0000000000000000000000000";
pub const CF_INVOICE_STATUS: &str = "cf_InvoiceStatus00000000000000000000000000";
pub const INVOICE_STATUSES: [&str; 3] = ["Draft", "Sent", "Paid"];

/// The lead custom field every seeded lead has: a picklist.
pub const CF_SOURCE: &str = "cf_LeadSourceDetail000000000000000000000000";
const SOURCES: [&str; 3] = ["Webinar", "Trade show", "Referral"];

pub struct CloseGenerator {
    pub seed: Seed,
    pub kind: Kind,
}

impl Generator for CloseGenerator {
    fn render(&self, index: u32) -> Props {
        let (s, p) = (self.seed, Provider::Close);
        let id = encode(self.kind, index as u64 + 1);
        let value = match self.kind {
            Kind::Lead => unreachable!("no table of this kind in this CRM"),
            Kind::Email | Kind::Task => unreachable!("none of this kind is seeded"),
            Kind::Meeting => {
                let r = s.meeting(p, index);
                json!({
                    "id": id, "_type": "Meeting", "lead_id": encode(Kind::Company, r.company as u64 + 1),
                    "contact_id": encode(Kind::Person, r.person as u64 + 1), "title": r.title,
                    "starts_at": datetime(r.created_ms),
                    "ends_at": datetime(r.created_ms + i64::from(r.minutes) * 60_000),
                    "duration": r.minutes * 60, "status": "completed", "user_id": user_id(r.owner),
                    "date_created": datetime(r.created_ms), "date_updated": datetime(r.modified_ms),
                    "organization_id": ORGANIZATION,
                })
            }
            Kind::Call => {
                let r = s.call(p, index);
                json!({
                    "id": id, "_type": "Call", "lead_id": encode(Kind::Company, r.company as u64 + 1),
                    "contact_id": encode(Kind::Person, r.person as u64 + 1), "note": r.note,
                    "duration": r.duration_s, "direction": if r.outbound { "outbound" } else { "inbound" },
                    "status": "completed", "user_id": user_id(r.owner),
                    "date_created": datetime(r.created_ms), "date_updated": datetime(r.modified_ms),
                    "organization_id": ORGANIZATION,
                })
            }
            Kind::Invoice => {
                let r = s.invoice(p, index);
                json!({
                    "id": id, "custom_object_type_id": COTYPE_INVOICE, "name": r.number,
                    "lead_id": encode(Kind::Company, r.company as u64 + 1),
                    format!("custom.{CF_INVOICE_AMOUNT}"): r.amount,
                    format!("custom.{CF_INVOICE_DUE}"): r.due_date,
                    format!("custom.{CF_INVOICE_STATUS}"): r.status,
                    "date_created": datetime(r.created_ms), "date_updated": datetime(r.modified_ms),
                    "created_by": user_id(0), "organization_id": ORGANIZATION,
                })
            }
            Kind::Company => {
                let r = s.company(p, index);
                let status = (r.employees % LEAD_STATUSES.len() as u32) as usize;
                json!({
                    "id": id, "name": r.name, "display_name": r.name, "url": format!("https://{}", r.domain),
                    "description": format!("{} company in {}", r.industry, r.city),
                    "status_id": lead_status_id(status), "status_label": LEAD_STATUSES[status],
                    "addresses": [{"label": "business", "city": r.city, "country": r.country}],
                    format!("custom.{CF_SOURCE}"): SOURCES[(r.employees % 3) as usize],
                    "date_created": datetime(r.created_ms), "date_updated": datetime(r.modified_ms),
                    "created_by": user_id(r.owner), "organization_id": ORGANIZATION,
                })
            }
            Kind::Person => {
                let r = s.person(p, index);
                let emails: Vec<Value> = r
                    .email
                    .iter()
                    .map(|e| json!({"email": e, "type": "office"}))
                    .collect();
                let phones: Vec<Value> = r
                    .phone
                    .iter()
                    .map(|ph| json!({"phone": ph, "type": "office"}))
                    .collect();
                json!({
                    "id": id, "lead_id": encode(Kind::Company, r.company as u64 + 1),
                    "name": format!("{} {}", r.first_name, r.last_name), "title": r.title,
                    "emails": emails, "phones": phones,
                    "date_created": datetime(r.created_ms), "date_updated": datetime(r.modified_ms),
                    "created_by": user_id(r.owner), "organization_id": ORGANIZATION,
                })
            }
            Kind::Deal => {
                let r = s.deal(p, index);
                json!({
                    "id": id, "lead_id": encode(Kind::Company, r.company as u64 + 1),
                    "contact_id": encode(Kind::Person, r.person as u64 + 1),
                    "status_id": opportunity_status_id(r.stage), "status_label": STAGES[r.stage].0,
                    "status_type": status_type(r.stage), "confidence": STAGES[r.stage].1,
                    "value": r.amount_cents, "value_currency": r.currency, "value_period": "one_time",
                    "note": r.name, "user_id": user_id(r.owner),
                    "date_won": (STAGES[r.stage].2 == StageKind::Won).then(|| r.close_date.clone()),
                    "date_created": datetime(r.created_ms), "date_updated": datetime(r.modified_ms),
                    "organization_id": ORGANIZATION,
                })
            }
            Kind::Note => {
                let r = s.note(p, index);
                json!({
                    "id": id, "_type": "Note", "lead_id": encode(Kind::Company, r.company as u64 + 1),
                    "contact_id": encode(Kind::Person, r.person as u64 + 1), "note": r.body,
                    "user_id": user_id(r.owner),
                    "date_created": datetime(r.created_ms), "date_updated": datetime(r.modified_ms),
                    "organization_id": ORGANIZATION,
                })
            }
        };
        let Value::Object(map) = value else {
            unreachable!("json! object")
        };
        map
    }

    fn modified_ms(&self, index: u32) -> i64 {
        self.seed.modified_ms(Provider::Close, self.kind, index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_keep_their_prefix() {
        for id in [1, 2, 999_999, u32::MAX as u64] {
            let text = encode(Kind::Company, id);
            assert!(text.starts_with("lead_") && text.len() == 27, "{text}");
            assert_eq!(decode(Kind::Company, &text), Some(id));
            assert_eq!(
                decode(Kind::Person, &text),
                None,
                "a lead id is not a contact id"
            );
        }
        assert_eq!(decode(Kind::Company, "lead_short"), None);
    }

    #[test]
    fn datetimes_have_microseconds_and_an_offset() {
        assert_eq!(
            datetime(1_547_556_084_496),
            "2019-01-15T12:41:24.496000+00:00"
        );
    }
}
