//! Seed records as HubSpot shows them: every property value a string, times in ISO-8601 with ms.

use serde_json::{Value, json};

use crate::{
    Provider,
    seed::{Kind, STAGES, Seed},
    table::{Generator, Props},
};

pub fn iso(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// HubSpot's owner ids: 100 + index, as strings.
pub fn owner_id(index: u32) -> String {
    (100 + index).to_string()
}

pub fn stage_id(stage: usize) -> String {
    STAGES[stage].0.to_lowercase().replace(' ', "")
}

/// The modified-time property: contacts use `lastmodifieddate`, every other object `hs_lastmodifieddate`.
pub fn modified_property(kind: Kind) -> &'static str {
    match kind {
        Kind::Person => "lastmodifieddate",
        _ => "hs_lastmodifieddate",
    }
}

/// The lifecycle stages and lead statuses seeded contacts are at (values of HubSpot's own picklists).
const LIFECYCLE_STAGES: [&str; 6] = [
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
];
const LEAD_STATUSES: [&str; 5] = ["NEW", "OPEN", "IN_PROGRESS", "CONNECTED", "UNQUALIFIED"];

pub struct HubspotGenerator {
    pub seed: Seed,
    pub kind: Kind,
    /// Each contact e-mail (lower-cased) and the first contact that has it, built on first use.
    pub first_with_email: std::sync::OnceLock<std::collections::HashMap<String, u32>>,
}

impl HubspotGenerator {
    pub fn new(seed: Seed, kind: Kind) -> Self {
        HubspotGenerator {
            seed,
            kind,
            first_with_email: std::sync::OnceLock::new(),
        }
    }

    /// The e-mail the seed gives a contact: HubSpot keeps one contact per e-mail, so its own
    /// duplicates differ in the address.
    fn seeded_email(&self, index: u32) -> Option<String> {
        let p = Provider::Hubspot;
        let email = self.seed.person(p, index).email?;
        Some(if self.seed.is_copy(p, Kind::Person, index) {
            email.replacen('@', &format!(".{}@", index % 97), 1)
        } else {
            email
        })
    }

    /// A contact's e-mail, unique as HubSpot keeps them: two people of the same name at the same
    /// company would share one, so the later contact has a tagged address of its own.
    fn email(&self, index: u32) -> Option<String> {
        let email = self.seeded_email(index)?;
        let first = self.first_with_email.get_or_init(|| {
            let mut first = std::collections::HashMap::new();
            for i in 0..Kind::Person.count(self.seed.people) {
                if let Some(e) = self.seeded_email(i) {
                    first.entry(e.to_lowercase()).or_insert(i);
                }
            }
            first
        });
        Some(match first.get(&email.to_lowercase()) {
            Some(&owner) if owner != index => email.replacen('@', &format!("+{index}@"), 1),
            _ => email,
        })
    }
}

impl Generator for HubspotGenerator {
    fn render(&self, index: u32) -> Props {
        let id = (index + 1).to_string();
        let s = self.seed;
        let p = Provider::Hubspot;
        let props = match self.kind {
            Kind::Lead => unreachable!("no table of this kind in this CRM"),
            Kind::Call | Kind::Email | Kind::Meeting | Kind::Task | Kind::Invoice => {
                unreachable!("none of this kind is seeded")
            }
            Kind::Person => {
                let mut r = s.person(p, index);
                r.email = self.email(index);
                let company = r.company;
                let h = crate::seed::mix(&[s.seed, u64::from(index), 41]);
                // A standard property beyond the ones CRM Bridge always reads: one contact in three.
                let mobile = h
                    .is_multiple_of(3)
                    .then(|| format!("+1 415 555 {:04}", (h >> 16) % 10_000));
                json!({
                    "firstname": r.first_name, "lastname": r.last_name, "email": r.email, "phone": r.phone,
                    "mobilephone": mobile,
                    "jobtitle": r.title, "city": r.city, "country": r.country,
                    "company": s.company(p, r.company).name,
                    "associatedcompanyid": (company + 1).to_string(),
                    "lifecyclestage": LIFECYCLE_STAGES[(h % LIFECYCLE_STAGES.len() as u64) as usize],
                    "hs_lead_status": LEAD_STATUSES[((h >> 8) % LEAD_STATUSES.len() as u64) as usize],
                    "hubspot_owner_id": owner_id(r.owner),
                    "createdate": iso(r.created_ms), "lastmodifieddate": iso(r.modified_ms), "hs_object_id": id,
                })
            }
            Kind::Company => {
                let r = s.company(p, index);
                json!({
                    "name": r.name, "domain": r.domain, "phone": r.phone, "city": r.city, "country": r.country,
                    "industry": r.industry.to_uppercase().replace(' ', "_"),
                    "numberofemployees": r.employees.to_string(), "hubspot_owner_id": owner_id(r.owner),
                    "createdate": iso(r.created_ms), "hs_lastmodifieddate": iso(r.modified_ms), "hs_object_id": id,
                })
            }
            Kind::Deal => {
                let r = s.deal(p, index);
                json!({
                    "dealname": r.name, "amount": format!("{:.2}", r.amount_cents as f64 / 100.0),
                    "deal_currency_code": r.currency, "pipeline": "default", "dealstage": stage_id(r.stage),
                    "closedate": format!("{}T00:00:00.000Z", r.close_date), "hubspot_owner_id": owner_id(r.owner),
                    "_contacts": [(r.person + 1).to_string()], "_companies": [(r.company + 1).to_string()],
                    "createdate": iso(r.created_ms), "hs_lastmodifieddate": iso(r.modified_ms), "hs_object_id": id,
                })
            }
            Kind::Note => {
                let r = s.note(p, index);
                json!({
                    "hs_note_body": r.body, "hs_timestamp": iso(r.created_ms), "hubspot_owner_id": owner_id(r.owner),
                    "_contacts": [(r.person + 1).to_string()], "_companies": [(r.company + 1).to_string()],
                    "hs_createdate": iso(r.created_ms), "hs_lastmodifieddate": iso(r.modified_ms), "hs_object_id": id,
                })
            }
        };
        let Value::Object(mut map) = props else {
            unreachable!("json! object")
        };
        map.retain(|_, v| !v.is_null());
        map
    }

    fn modified_ms(&self, index: u32) -> i64 {
        self.seed.modified_ms(Provider::Hubspot, self.kind, index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_seeded_contact_has_an_email_of_its_own() {
        let generator = HubspotGenerator::new(
            Seed {
                seed: 42,
                people: 5_000,
            },
            Kind::Person,
        );
        let mut seen = std::collections::HashSet::new();
        for index in 0..5_000 {
            let props = generator.render(index);
            if let Some(email) = props.get("email").and_then(Value::as_str) {
                assert!(
                    seen.insert(email.to_lowercase()),
                    "contact {index} repeats {email}"
                );
            }
        }
        assert!(seen.len() > 4_000);
    }
}
