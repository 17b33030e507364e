//! Deterministic seed data. Every generated record is a pure function of (seed, provider, object,
//! index), so a million records per provider cost no memory until the API changes one, and the same
//! seed always gives the same data. Duplicates are injected within each CRM and across CRMs; which
//! records are the same real-world entity (the ground truth) comes from the same functions.

pub mod names;

use names::{CITY, COMPANY_QUALIFIER, COMPANY_STEM, FIRST, INDUSTRY, LAST, LEGAL_SUFFIX, TITLE};

use crate::Provider;

/// 2026-11-01T00:00:00Z: seed data was last modified before this moment.
pub const DATA_END_MS: i64 = 1_793_491_200_000;
/// Seed data was created over the two years before DATA_END_MS.
const SPAN_MS: i64 = 2 * 365 * 24 * 3600 * 1000;

/// Per-mille of records that duplicate another record of the same CRM.
const WITHIN_DUPLICATES_PER_MILLE: u64 = 60;
/// Per-mille of person/company indexes whose entity exists in every CRM (cross-CRM duplicates).
const SHARED_PER_MILLE: u64 = 250;

/// SplitMix64 over the mixed inputs: a fast, well-spread, stable hash.
pub fn mix(parts: &[u64]) -> u64 {
    let mut z: u64 = 0x9E37_79B9_7F4A_7C15;
    for &p in parts {
        z = z.wrapping_add(p).wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
    }
    z
}

fn pick<T: Copy>(items: &[T], h: u64) -> T {
    items[(h % items.len() as u64) as usize]
}

/// How a duplicate differs from the record it copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Exact,
    Nickname,
    Typo,
    EmailCase,
    EmailPlusTag,
    EmailDomainTypo,
    PhoneFormat,
    SwappedNames,
    MissingEmail,
    MissingPhone,
    AsciiFolded,
    CompanySuffix,
}

const VARIANTS: &[Variant] = &[
    Variant::Exact,
    Variant::Nickname,
    Variant::Typo,
    Variant::EmailCase,
    Variant::EmailPlusTag,
    Variant::EmailDomainTypo,
    Variant::PhoneFormat,
    Variant::SwappedNames,
    Variant::MissingEmail,
    Variant::MissingPhone,
    Variant::AsciiFolded,
    Variant::CompanySuffix,
];

/// Object kinds the seed generates, with how many exist per `--records` people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Person,
    Company,
    Deal,
    Note,
    /// A Salesforce lead: a person not yet converted to a contact. Only Salesforce has a table of them.
    Lead,
    /// A logged phone call. Close seeds them; the others keep what the API creates.
    Call,
    /// A logged e-mail and a task: none seeded, kept as the API creates them.
    Email,
    /// A meeting: Close seeds them, the others keep what the API creates.
    Meeting,
    Task,
    /// An invoice: each CRM's custom object (HubSpot `invoices` `2-7100001`, Salesforce `Invoice__c`,
    /// Close's `Invoice` type). Close and Salesforce seed them; HubSpot keeps what the API creates;
    /// Pipedrive has no custom objects.
    Invoice,
}

impl Kind {
    /// The activity kinds besides notes (each its own object or endpoint in every CRM).
    pub const ACTIVITIES: [Kind; 4] = [Kind::Call, Kind::Email, Kind::Meeting, Kind::Task];

    /// Whether this kind is an activity (a note or one of [`Kind::ACTIVITIES`]).
    pub fn is_activity(self) -> bool {
        self == Kind::Note || Kind::ACTIVITIES.contains(&self)
    }

    /// The kinds every provider has.
    pub const CORE: [Kind; 4] = [Kind::Person, Kind::Company, Kind::Deal, Kind::Note];
    pub const ALL: [Kind; 5] = [
        Kind::Person,
        Kind::Company,
        Kind::Deal,
        Kind::Note,
        Kind::Lead,
    ];

    /// How many of this kind a data set with `people` people holds.
    pub fn count(self, people: u32) -> u32 {
        match self {
            Kind::Person => people,
            Kind::Company => people.div_ceil(5),
            Kind::Deal => people.div_ceil(4),
            Kind::Note => people.div_ceil(2),
            Kind::Lead => people.div_ceil(10),
            Kind::Call => people.div_ceil(4),
            // Seeded by Close alone; the other emulators build this table empty.
            Kind::Meeting => people.div_ceil(20),
            Kind::Email | Kind::Task => 0,
            Kind::Invoice => people.div_ceil(10),
        }
    }

    fn tag(self) -> u64 {
        self as u64 + 11
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Company => "company",
            Kind::Deal => "deal",
            Kind::Note => "note",
            Kind::Lead => "lead",
            Kind::Call => "call",
            Kind::Email => "email",
            Kind::Meeting => "meeting",
            Kind::Task => "task",
            Kind::Invoice => "invoice",
        }
    }
}

/// A generated invoice, the custom object each CRM but Pipedrive has.
#[derive(Debug, Clone, PartialEq)]
pub struct Invoice {
    pub number: String,
    pub company: u32,
    pub amount: f64,
    pub due_date: String,
    pub status: &'static str,
    pub created_ms: i64,
    pub modified_ms: i64,
}

/// The generator for one data set.
#[derive(Debug, Clone, Copy)]
pub struct Seed {
    pub seed: u64,
    pub people: u32,
}

/// A generated person, provider-neutral; each provider module renders it in its own fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub title: String,
    pub company: u32,
    pub city: String,
    pub country: String,
    pub owner: u32,
    pub created_ms: i64,
    pub modified_ms: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Company {
    pub name: String,
    pub domain: String,
    pub phone: String,
    pub city: String,
    pub country: String,
    pub industry: String,
    pub employees: u32,
    pub owner: u32,
    pub created_ms: i64,
    pub modified_ms: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Deal {
    pub name: String,
    pub amount_cents: i64,
    pub currency: &'static str,
    /// Index into the provider's pipeline stages (see [`crate::seed::STAGES`]).
    pub stage: usize,
    pub company: u32,
    pub person: u32,
    pub owner: u32,
    pub close_date: String,
    pub created_ms: i64,
    pub modified_ms: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub body: String,
    pub person: u32,
    pub company: u32,
    pub owner: u32,
    pub created_ms: i64,
    pub modified_ms: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Lead {
    /// Name, e-mail, phone, title, city and owner as the person gave them (times are the person's).
    pub person: Person,
    pub company: String,
    pub status: &'static str,
    pub created_ms: i64,
    pub modified_ms: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub person: u32,
    pub company: u32,
    pub owner: u32,
    pub duration_s: u32,
    pub outbound: bool,
    pub note: &'static str,
    pub created_ms: i64,
    pub modified_ms: i64,
}

/// A meeting held with a person: Close seeds them (its API cannot create one; they come from synced
/// calendars).
#[derive(Debug, Clone, PartialEq)]
pub struct Meeting {
    pub person: u32,
    pub company: u32,
    pub owner: u32,
    pub title: &'static str,
    pub minutes: u32,
    pub created_ms: i64,
    pub modified_ms: i64,
}

/// Salesforce's default lead statuses.
pub const LEAD_STATUSES: &[&str] = &[
    "Open - Not Contacted",
    "Working - Contacted",
    "Closed - Converted",
    "Closed - Not Converted",
];

/// The sales pipeline every CRM is seeded with: (label, probability %, open/won/lost).
pub const STAGES: &[(&str, u8, StageKind)] = &[
    ("Qualification", 10, StageKind::Open),
    ("Discovery", 20, StageKind::Open),
    ("Proposal", 50, StageKind::Open),
    ("Negotiation", 75, StageKind::Open),
    ("Closed Won", 100, StageKind::Won),
    ("Closed Lost", 0, StageKind::Lost),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageKind {
    Open,
    Won,
    Lost,
}

/// Sales reps; the same people (by e-mail) exist in every CRM, except that Pipedrive lacks the last.
pub const OWNERS: &[(&str, &str)] = &[
    ("Ava", "Reyes"),
    ("Noah", "Fischer"),
    ("Mia", "Okafor"),
    ("Liam", "Novak"),
    ("Zara", "Haddad"),
    ("Ethan", "Lindqvist"),
    ("Nora", "Castillo"),
    ("Omar", "Bauer"),
];

pub fn owner_email(i: u32) -> String {
    let (first, last) = OWNERS[i as usize % OWNERS.len()];
    format!(
        "{}.{}@crmbridge-demo.example",
        first.to_lowercase(),
        last.to_lowercase()
    )
}

pub fn owner_count(provider: Provider) -> u32 {
    match provider {
        Provider::Pipedrive => OWNERS.len() as u32 - 1,
        _ => OWNERS.len() as u32,
    }
}

impl Seed {
    fn h(&self, provider: Provider, kind: Kind, index: u32, salt: u64) -> u64 {
        mix(&[self.seed, provider as u64, kind.tag(), index as u64, salt])
    }

    /// Times: created within the two years before DATA_END_MS, modified between then and DATA_END_MS,
    /// at whole seconds. About 30 % were last touched by one of 50 bulk updates (imports, mass edits)
    /// and share its exact moment, as in real CRMs: incremental queries must break ties by id.
    fn times(&self, provider: Provider, kind: Kind, index: u32) -> (i64, i64) {
        let created =
            DATA_END_MS - SPAN_MS + (self.h(provider, kind, index, 1) % SPAN_MS as u64) as i64;
        let age = DATA_END_MS - created;
        let h = self.h(provider, kind, index, 2);
        let bulk = DATA_END_MS - ((h >> 40) % 50) as i64 * 3 * 86_400_000 - 7_000;
        let modified = if h % 100 < 30 && bulk >= created {
            bulk
        } else {
            created + (h % (age as u64 + 1)) as i64
        };
        (created / 1000 * 1000, modified / 1000 * 1000)
    }

    /// The real-world entity a record stands for, and how the record deviates from it.
    /// Entities below 2^40 exist in every CRM (cross-CRM duplicates); above are CRM-specific.
    pub fn entity(&self, provider: Provider, kind: Kind, index: u32) -> (u64, Variant) {
        if kind == Kind::Lead {
            return self.entity(provider, Kind::Person, self.lead_person(index));
        }
        let mut index = index;
        let mut variant = Variant::Exact;
        // A within-CRM duplicate copies an earlier record of the same CRM (bounded walk back).
        for _ in 0..4 {
            let h = self.h(provider, kind, index, 3);
            if index >= 50
                && h % 1000 < WITHIN_DUPLICATES_PER_MILLE
                && matches!(kind, Kind::Person | Kind::Company)
            {
                if variant == Variant::Exact {
                    variant = pick(VARIANTS, h >> 16);
                }
                index -= 1 + ((h >> 32) % 40) as u32;
            } else {
                break;
            }
        }
        let shared = mix(&[self.seed, kind.tag(), index as u64, 4]) % 1000 < SHARED_PER_MILLE;
        if shared && matches!(kind, Kind::Person | Kind::Company) {
            // The first CRM holds the entity as it is; the others often deviate a little.
            if variant == Variant::Exact && provider != Provider::Hubspot {
                let h = self.h(provider, kind, index, 5);
                if h % 100 < 60 {
                    variant = pick(VARIANTS, h >> 8);
                }
            }
            (index as u64, variant)
        } else {
            (
                (provider as u64 + 1) << 40 | (kind.tag() << 32) | index as u64,
                variant,
            )
        }
    }

    /// Whether a record copies an earlier record of the same CRM (a within-CRM duplicate).
    pub fn is_copy(&self, provider: Provider, kind: Kind, index: u32) -> bool {
        let (entity, _) = self.entity(provider, kind, index);
        let own = if entity < (1 << 40) {
            entity
        } else {
            entity & 0xFFFF_FFFF
        };
        own != index as u64
    }

    /// The company a person works for, without generating the person.
    pub fn person_company(&self, provider: Provider, index: u32) -> u32 {
        let (entity, _) = self.entity(provider, Kind::Person, index);
        (mix(&[self.seed, entity, 3]) % Kind::Company.count(self.people) as u64) as u32
    }

    pub fn person(&self, provider: Provider, index: u32) -> Person {
        let (entity, variant) = self.entity(provider, Kind::Person, index);
        let e = |salt| mix(&[self.seed, entity, salt]);
        let (first, nickname) = pick(FIRST, e(1));
        let (last, last_ascii) = pick(LAST, e(2));
        let company = self.person_company(provider, index);
        let company_domain = self.company(provider, company).domain;
        let local = format!("{}.{}", ascii_fold(first), ascii_fold(last_ascii))
            .to_lowercase()
            .replace('\'', "");
        let email = match variant {
            Variant::EmailCase => format!(
                "{}@{}",
                capitalise_parts(&local),
                company_domain.to_uppercase()
            ),
            Variant::EmailPlusTag => format!("{local}+crm@{company_domain}"),
            Variant::EmailDomainTypo => format!("{local}@{}", typo_domain(&company_domain)),
            _ => format!("{local}@{company_domain}"),
        };
        let (city, country) = pick(CITY, e(4));
        let national = 2_000_000_000 + e(5) % 7_999_999_999;
        let phone = format_phone(
            names::calling_code(country),
            national,
            match variant {
                Variant::PhoneFormat => 1 + (e(6) % 3) as u8,
                _ => 0,
            },
        );
        let (mut first_name, mut last_name) = (first.to_owned(), last.to_owned());
        match variant {
            Variant::Nickname => first_name = nickname.to_owned(),
            Variant::Typo => last_name = typo(last, e(7)),
            Variant::SwappedNames => std::mem::swap(&mut first_name, &mut last_name),
            Variant::AsciiFolded => {
                first_name = ascii_fold(first);
                last_name = last_ascii.to_owned();
            }
            _ => {}
        }
        let (created_ms, modified_ms) = self.times(provider, Kind::Person, index);
        Person {
            first_name,
            last_name,
            email: (variant != Variant::MissingEmail).then_some(email),
            phone: (variant != Variant::MissingPhone).then_some(phone),
            title: pick(TITLE, e(8)).to_owned(),
            company,
            city: city.to_owned(),
            country: country.to_owned(),
            owner: (self.h(provider, Kind::Person, index, 9) % owner_count(provider) as u64) as u32,
            created_ms,
            modified_ms,
        }
    }

    pub fn company(&self, provider: Provider, index: u32) -> Company {
        let (entity, variant) = self.entity(provider, Kind::Company, index);
        let e = |salt| mix(&[self.seed, entity, salt]);
        let stem = pick(COMPANY_STEM, e(1));
        let qualifier = pick(COMPANY_QUALIFIER, e(2));
        let (suffix, suffix_variant) = pick(LEGAL_SUFFIX, e(3));
        let (city, country) = pick(CITY, e(4));
        // Stems x qualifiers repeat in large data sets, as real company names do; a number keeps the
        // domains of different entities apart.
        let n = entity & 0xFFFF_FFFF;
        let base = if n < 1000 {
            format!("{stem} {qualifier}")
        } else {
            format!("{stem} {qualifier} {}", n % 997)
        };
        let name = match variant {
            Variant::CompanySuffix => format!("{} {suffix_variant}", base.to_uppercase()),
            Variant::Typo => format!("{} {suffix}", typo(&base, e(7))),
            Variant::AsciiFolded | Variant::EmailCase => format!("{base}, {suffix}"),
            _ => format!("{base} {suffix}"),
        };
        let domain = format!(
            "{}{}.example",
            slug(stem),
            if n < 1000 {
                String::new()
            } else {
                format!("-{}", n)
            }
        );
        let (created_ms, modified_ms) = self.times(provider, Kind::Company, index);
        Company {
            name,
            domain,
            phone: format_phone(
                names::calling_code(country),
                2_000_000_000 + e(5) % 7_999_999_999,
                0,
            ),
            city: city.to_owned(),
            country: country.to_owned(),
            industry: pick(INDUSTRY, e(6)).to_owned(),
            employees: 5 + (e(8) % 5000) as u32,
            owner: (self.h(provider, Kind::Company, index, 9) % owner_count(provider) as u64)
                as u32,
            created_ms,
            modified_ms,
        }
    }

    pub fn deal(&self, provider: Provider, index: u32) -> Deal {
        let h = |salt| self.h(provider, Kind::Deal, index, salt);
        let company = (h(1) % Kind::Company.count(self.people) as u64) as u32;
        let stem = pick(COMPANY_STEM, h(2));
        let product = pick(
            &[
                "Annual licence",
                "Pilot",
                "Renewal",
                "Expansion",
                "Onboarding",
                "Support plan",
            ],
            h(3),
        );
        let (created_ms, modified_ms) = self.times(provider, Kind::Deal, index);
        let close = chrono::DateTime::from_timestamp_millis(
            modified_ms + (h(4) % (90 * 86_400_000)) as i64,
        )
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
        Deal {
            name: format!("{stem} — {product}"),
            amount_cents: (1_000 + h(5) % 200_000) as i64 * 100,
            currency: pick(&["USD", "EUR", "GBP"], h(6)),
            stage: (h(7) % STAGES.len() as u64) as usize,
            company,
            person: (h(8) % self.people.max(1) as u64) as u32,
            owner: (h(9) % owner_count(provider) as u64) as u32,
            close_date: close,
            created_ms,
            modified_ms,
        }
    }

    pub fn note(&self, provider: Provider, index: u32) -> Note {
        let h = |salt| self.h(provider, Kind::Note, index, salt);
        let person = (h(1) % self.people.max(1) as u64) as u32;
        let topic = pick(
            &[
                "Intro call",
                "Pricing questions",
                "Sent the proposal",
                "Follow up next week",
                "Demo went well",
                "Asked for references",
            ],
            h(2),
        );
        let (created_ms, modified_ms) = self.times(provider, Kind::Note, index);
        Note {
            body: format!("{topic} (#{index})"),
            person,
            company: (h(3) % Kind::Company.count(self.people) as u64) as u32,
            owner: (h(4) % owner_count(provider) as u64) as u32,
            created_ms,
            modified_ms,
        }
    }

    /// The person a lead captures: every lead is also (the same entity as) a contact, as when a web form
    /// fills in someone sales already knows. Spread over the people, one in ten.
    pub fn lead_person(&self, index: u32) -> u32 {
        let spread = index.saturating_mul(10) + (mix(&[self.seed, index as u64, 61]) % 10) as u32;
        spread % self.people.max(1)
    }

    /// A lead: the person's details as captured on a form, with the company as free text.
    pub fn lead(&self, provider: Provider, index: u32) -> Lead {
        let person = self.person(provider, self.lead_person(index));
        let company = self.company(provider, person.company).name;
        let (created_ms, modified_ms) = self.times(provider, Kind::Lead, index);
        let status = (self.h(provider, Kind::Lead, index, 1) % LEAD_STATUSES.len() as u64) as usize;
        Lead {
            person,
            company,
            status: LEAD_STATUSES[status],
            created_ms,
            modified_ms,
        }
    }

    /// A logged call: who was called, for how long, which way.
    pub fn call(&self, provider: Provider, index: u32) -> Call {
        let h = |salt| self.h(provider, Kind::Call, index, salt);
        let (created_ms, modified_ms) = self.times(provider, Kind::Call, index);
        Call {
            person: (h(1) % self.people.max(1) as u64) as u32,
            company: (h(2) % Kind::Company.count(self.people) as u64) as u32,
            owner: (h(3) % owner_count(provider) as u64) as u32,
            duration_s: 30 + (h(4) % 1800) as u32,
            outbound: h(5) % 3 != 0,
            note: pick(
                &[
                    "Left a voicemail",
                    "Discussed renewal",
                    "Booked a demo",
                    "No answer",
                ],
                h(6),
            ),
            created_ms,
            modified_ms,
        }
    }

    /// An invoice (the custom object): its number, the company billed, amount, due date, status.
    pub fn invoice(&self, provider: Provider, index: u32) -> Invoice {
        let h = |salt| self.h(provider, Kind::Invoice, index, salt);
        let (created_ms, modified_ms) = self.times(provider, Kind::Invoice, index);
        let due = chrono::DateTime::from_timestamp_millis(created_ms + 30 * 86_400_000)
            .map(|t| t.format("%Y-%m-%d").to_string())
            .unwrap_or_default();
        Invoice {
            number: format!("INV-{:05}", index + 1),
            company: (h(1) % Kind::Company.count(self.people) as u64) as u32,
            amount: (100 + h(2) % 20_000) as f64 + (h(3) % 100) as f64 / 100.0,
            due_date: due,
            status: pick(&["Draft", "Sent", "Paid"], h(4)),
            created_ms,
            modified_ms,
        }
    }

    pub fn meeting(&self, provider: Provider, index: u32) -> Meeting {
        let h = |salt| self.h(provider, Kind::Meeting, index, salt);
        let (created_ms, modified_ms) = self.times(provider, Kind::Meeting, index);
        Meeting {
            person: (h(1) % self.people.max(1) as u64) as u32,
            company: (h(2) % Kind::Company.count(self.people) as u64) as u32,
            owner: (h(3) % owner_count(provider) as u64) as u32,
            title: pick(
                &[
                    "Discovery call",
                    "Product demo",
                    "Quarterly review",
                    "Pricing walk-through",
                ],
                h(4),
            ),
            minutes: pick(&[15, 30, 45, 60], h(5)),
            created_ms,
            modified_ms,
        }
    }

    /// When a generated record was last modified (cheap: no strings), for ordering by modified time.
    pub fn modified_ms(&self, provider: Provider, kind: Kind, index: u32) -> i64 {
        self.times(provider, kind, index).1
    }
}

/// A phone number in one of the styles people type: E.164 with spaces, (NNN) NNN-NNNN, dots, digits.
fn format_phone(code: &str, national: u64, style: u8) -> String {
    let d = format!("{national:010}");
    match style {
        0 => format!("+{code} {} {} {}", &d[0..3], &d[3..6], &d[6..10]),
        1 => format!("({}) {}-{}", &d[0..3], &d[3..6], &d[6..10]),
        2 => format!("{}.{}.{}", &d[0..3], &d[3..6], &d[6..10]),
        _ => format!("00{code}{d}"),
    }
}

fn typo(word: &str, h: u64) -> String {
    let mut chars: Vec<char> = word.chars().collect();
    if chars.len() < 4 {
        return format!("{word}{}", chars.last().copied().unwrap_or('e'));
    }
    let i = 1 + (h % (chars.len() as u64 - 2)) as usize;
    match (h >> 8) % 3 {
        0 => chars.swap(i, i + 1),
        1 => {
            chars.remove(i);
        }
        _ => chars.insert(i, chars[i]),
    }
    chars.into_iter().collect()
}

fn typo_domain(domain: &str) -> String {
    domain.replacen(".example", ".exmaple", 1)
}

fn capitalise_parts(local: &str) -> String {
    local
        .split('.')
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(".")
}

pub fn ascii_fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' | 'ı' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            'ý' => 'y',
            'Ø' => 'O',
            other => other,
        })
        .collect()
}

fn slug(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: Seed = Seed {
        seed: 42,
        people: 10_000,
    };

    #[test]
    fn the_same_seed_gives_the_same_records_and_another_seed_others() {
        assert_eq!(
            SEED.person(Provider::Close, 123),
            SEED.person(Provider::Close, 123)
        );
        let other = Seed { seed: 43, ..SEED };
        assert_ne!(
            SEED.person(Provider::Close, 123),
            other.person(Provider::Close, 123)
        );
    }

    #[test]
    fn duplicates_are_injected_within_and_across_crms() {
        let mut within = 0;
        let mut shared = 0;
        for i in 0..SEED.people {
            let (entity, _) = SEED.entity(Provider::Pipedrive, Kind::Person, i);
            if entity < (1 << 40) {
                shared += 1;
            }
            // The index of the record the entity first appears as; another index means a copy.
            let own = if entity < (1 << 40) {
                entity
            } else {
                entity & 0xFFFF_FFFF
            };
            if own != i as u64 {
                within += 1;
            }
        }
        let n = SEED.people as f64;
        assert!(
            (0.04..0.08).contains(&(within as f64 / n)),
            "within-CRM duplicates: {within}"
        );
        assert!(
            (0.2..0.3).contains(&(shared as f64 / n)),
            "shared with other CRMs: {shared}"
        );
    }

    #[test]
    fn a_shared_person_is_recognisable_in_another_crm() {
        let i = (0..SEED.people)
            .find(|&i| {
                let (e, v) = SEED.entity(Provider::Hubspot, Kind::Person, i);
                e == i as u64
                    && v == Variant::Exact
                    && SEED.entity(Provider::Close, Kind::Person, i).0 == e
            })
            .expect("some person exists in both");
        let hs = SEED.person(Provider::Hubspot, i);
        let close = SEED.person(Provider::Close, i);
        let same_last =
            ascii_fold(&hs.last_name).to_lowercase() == ascii_fold(&close.last_name).to_lowercase();
        assert!(
            same_last || hs.first_name == close.last_name || hs.email == close.email,
            "{hs:?} vs {close:?}"
        );
    }

    #[test]
    fn modified_times_are_whole_seconds_inside_the_data_window() {
        for i in 0..1000 {
            let p = SEED.person(Provider::Salesforce, i);
            assert!(p.created_ms <= p.modified_ms && p.modified_ms <= DATA_END_MS);
            assert_eq!(p.modified_ms % 1000, 0);
            assert_eq!(
                SEED.modified_ms(Provider::Salesforce, Kind::Person, i),
                p.modified_ms
            );
        }
    }

    #[test]
    fn phone_styles_are_the_ones_people_type() {
        assert_eq!(format_phone("1", 5_550_102_030, 0), "+1 555 010 2030");
        assert_eq!(format_phone("1", 5_550_102_030, 1), "(555) 010-2030");
        assert_eq!(format_phone("44", 5_550_102_030, 2), "555.010.2030");
        assert_eq!(format_phone("49", 5_550_102_030, 3), "00495550102030");
    }
}
