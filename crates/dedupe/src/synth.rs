//! Synthetic CRM-like data sets with known duplicates, for the accuracy report and the benchmarks:
//! people (names with a realistic spread, from very common to rare, work and personal e-mails, phones in
//! several formats, companies, cities) of whom about one in six has duplicates, each duplicate differing
//! the ways CRM duplicates do: nicknames, typos, e-mail case, `+tags`, Gmail dots, mistyped domains, a
//! personal instead of a work address, reformatted or missing phones, swapped names, accents, company
//! legal forms, and some with no exact key shared at all. Deterministic per seed.

use std::collections::HashMap;

use crate::{Column, FieldKind};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    /// An index in 0..n, small ones far more likely (Zipf-like, exponent about 1).
    fn zipf(&mut self, n: usize) -> usize {
        let x = self.unit();
        (((n as f64 + 1.0).powf(x) - 1.0) as usize).min(n - 1)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// An index in 0..n with a long tail: the first of 60,000 names about as common as Smith.
    fn skewed(&mut self, n: usize) -> usize {
        ((self.unit().powi(2) * n as f64) as usize).min(n - 1)
    }
}

const GIVEN: &[(&str, &str)] = &[
    ("William", "Bill"),
    ("Robert", "Bob"),
    ("Elizabeth", "Liz"),
    ("Michael", "Mike"),
    ("Jennifer", "Jen"),
    ("Richard", "Rick"),
    ("Margaret", "Peggy"),
    ("Thomas", "Tom"),
    ("Patricia", "Trish"),
    ("Joseph", "Joe"),
    ("Susan", "Sue"),
    ("Christopher", "Chris"),
    ("Rebecca", "Becky"),
    ("Daniel", "Dan"),
    ("Katherine", "Kate"),
    ("James", "Jim"),
    ("Anthony", "Tony"),
    ("Andrew", "Andy"),
    ("Samantha", "Sam"),
    ("Jonathan", "Jon"),
    ("Nicholas", "Nick"),
    ("Alexander", "Alex"),
    ("Benjamin", "Ben"),
    ("Matthew", "Matt"),
    ("Timothy", "Tim"),
    ("Stephanie", "Steph"),
    ("Jessica", "Jess"),
    ("Edward", "Ed"),
    ("Victoria", "Vicky"),
    ("Zachary", "Zach"),
    ("Olivia", "Liv"),
    ("Gregory", "Greg"),
    ("Emma", "Emma"),
    ("Sophia", "Sophia"),
    ("Noah", "Noah"),
    ("Lucas", "Lucas"),
    ("Mia", "Mia"),
    ("Amelia", "Amelia"),
    ("Hugo", "Hugo"),
    ("Léa", "Léa"),
    ("Chloé", "Chloé"),
    ("José", "José"),
    ("Zoë", "Zoë"),
    ("Björn", "Björn"),
    ("Søren", "Søren"),
    ("Aisha", "Aisha"),
    ("Wei", "Wei"),
    ("Priya", "Priya"),
    ("Mateo", "Mateo"),
    ("Lukas", "Lukas"),
    ("Anna", "Anna"),
    ("Laura", "Laura"),
    ("Maria", "Maria"),
    ("David", "Dave"),
    ("Peter", "Pete"),
    ("Paul", "Paul"),
    ("Mark", "Mark"),
    ("Sarah", "Sarah"),
    ("Julia", "Julia"),
    ("Felix", "Felix"),
    ("Oscar", "Oscar"),
    ("Ines", "Ines"),
    ("Omar", "Omar"),
    ("Fatima", "Fatima"),
    ("Kenji", "Kenji"),
    ("Yuki", "Yuki"),
    ("Ivan", "Ivan"),
    ("Olga", "Olga"),
    ("Pierre", "Pierre"),
    ("Marie", "Marie"),
    ("Giulia", "Giulia"),
    ("Marco", "Marco"),
];

const COMMON_SURNAMES: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Lewis",
    "Robinson",
    "Walker",
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Nowak",
    "Kowalski",
    "Rossi",
    "Russo",
    "Dubois",
    "Lefèvre",
    "Núñez",
    "Ólafsson",
    "Jensen",
    "Nielsen",
    "Hansen",
    "O'Brien",
    "O'Connor",
    "Murphy",
    "Kelly",
    "Chen",
    "Wang",
    "Li",
    "Zhang",
    "Kim",
    "Park",
    "Nguyen",
    "Tanaka",
    "Suzuki",
    "Singh",
    "Patel",
    "Kumar",
    "Silva",
    "Santos",
    "Costa",
    "Novák",
    "Horváth",
];

const ONSETS: &[&str] = &[
    "b", "br", "c", "ch", "d", "dr", "f", "g", "gr", "h", "j", "k", "kr", "l", "m", "n", "p", "pr",
    "r", "s", "st", "sch", "t", "tr", "v", "w", "z",
];
const VOWELS: &[&str] = &[
    "a", "e", "i", "o", "u", "ei", "ou", "ar", "er", "an", "en", "ol",
];
const CODAS: &[&str] = &[
    "", "n", "r", "s", "t", "l", "m", "nd", "rd", "ck", "ss", "tt", "berg", "man", "son", "ski",
    "ley", "ton", "field", "worth", "ez", "ini", "ov", "sen",
];

const STEMS: &[&str] = &[
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
    "Massive",
    "Gringotts",
    "Oceanic",
    "Virtucon",
    "Nakatomi",
    "Monarch",
    "Axiom",
    "Nimbus",
    "Quantum",
    "Blue",
    "Red",
    "Green",
    "North",
    "Summit",
    "Pioneer",
    "Atlas",
    "Apex",
    "Vertex",
    "Zenith",
    "Orbit",
    "Polar",
    "Harbor",
    "Cedar",
    "Maple",
];
const QUALIFIERS: &[&str] = &[
    "Labs",
    "Systems",
    "Logistics",
    "Foods",
    "Analytics",
    "Robotics",
    "Energy",
    "Media",
    "Health",
    "Capital",
    "Partners",
    "Software",
    "Industries",
    "Consulting",
    "Retail",
    "Bank",
    "Networks",
];
const LEGAL: &[&str] = &["Inc.", "LLC", "Ltd", "GmbH", "Corp.", "S.A.", "", "", ""];
const CITIES: &[&str] = &[
    "New York",
    "Los Angeles",
    "Chicago",
    "Houston",
    "Phoenix",
    "Philadelphia",
    "San Antonio",
    "San Diego",
    "Dallas",
    "Austin",
    "Seattle",
    "Denver",
    "Boston",
    "Atlanta",
    "Miami",
    "Portland",
    "Berlin",
    "München",
    "Hamburg",
    "Paris",
    "Lyon",
    "London",
    "Manchester",
    "Madrid",
    "Zürich",
    "Wien",
    "Kraków",
    "Amsterdam",
    "Dublin",
    "Toronto",
    "São Paulo",
    "Montréal",
    "Oslo",
    "Malmö",
];

/// A generated data set: the rows, their columns, and which entity each row stands for.
pub struct Dataset {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
    pub truth: Vec<u64>,
}

fn surname(rng: &mut Rng) -> String {
    if rng.chance(20) {
        return COMMON_SURNAMES[rng.below(COMMON_SURNAMES.len())].to_owned();
    }
    // The long tail: made-up but pronounceable, the same word for the same index.
    coined(rng.skewed(60_000) as u64)
}

fn ascii(text: &str) -> String {
    deunicode::deunicode(text)
}

fn typo(word: &str, rng: &mut Rng) -> String {
    let chars: Vec<char> = word.chars().collect();
    if chars.len() < 4 {
        return word.to_owned();
    }
    let i = 1 + rng.below(chars.len() - 2);
    let mut out = chars.clone();
    match rng.below(4) {
        0 => {
            out.remove(i);
        }
        1 => out.swap(i, i + 1),
        2 => out.insert(i, chars[i]),
        _ => out[i] = (b'a' + rng.below(26) as u8) as char,
    }
    out.into_iter().collect()
}

struct Entity {
    given: usize,
    surname: String,
    company: usize,
    city: usize,
    phone: u64,
    personal: bool,
    number: u32,
    /// Told apart from namesakes at the same company (as mail servers do): `william.smith2@`.
    work_suffix: String,
}

struct Company {
    name: String,
    domain: String,
}

/// A made-up, pronounceable word, the same for the same `index`.
fn coined(index: u64) -> String {
    let mut r = Rng(index.wrapping_mul(7919) ^ 0xC0FFEE);
    let syllables = 2 + r.below(2);
    let mut s = String::new();
    for k in 0..syllables {
        s.push_str(ONSETS[r.below(ONSETS.len())]);
        s.push_str(VOWELS[r.below(VOWELS.len())]);
        if k == syllables - 1 {
            s.push_str(CODAS[r.below(CODAS.len())]);
        }
    }
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn companies(n: usize, rng: &mut Rng) -> Vec<Company> {
    let mut domains: HashMap<String, u32> = HashMap::new();
    (0..n)
        .map(|i| {
            let stem = if rng.chance(20) {
                STEMS[rng.below(STEMS.len())].to_owned()
            } else {
                coined(i as u64 + 1_000_000)
            };
            let qualifier = QUALIFIERS[rng.below(QUALIFIERS.len())];
            let legal = LEGAL[rng.below(LEGAL.len())];
            let name = format!("{stem} {qualifier} {legal}").trim().to_owned();
            let base = format!("{}{}", stem.to_lowercase(), qualifier.to_lowercase());
            let seen = domains.entry(base.clone()).or_insert(0);
            *seen += 1;
            let domain = match *seen {
                1 => format!("{base}.example"),
                k => format!("{base}-{}.example", coined(u64::from(k)).to_lowercase()),
            };
            Company { name, domain }
        })
        .collect()
}

fn phone_text(number: u64, style: usize) -> String {
    let (a, b, c) = (number / 10_000_000, number / 10_000 % 1000, number % 10_000);
    match style {
        0 => format!("({a}) {b:03}-{c:04}"),
        1 => format!("+1 {a} {b:03} {c:04}"),
        2 => format!("{a}.{b:03}.{c:04}"),
        _ => format!("{a}-{b:03}-{c:04}"),
    }
}

/// `n` person records, deterministic per `seed`.
pub fn people(n: usize, seed: u64) -> Dataset {
    let mut rng = Rng(seed ^ 0xDA7A);
    let company_list = companies((n / 25).max(10), &mut rng);
    let mut rows: Vec<(u64, Vec<String>)> = Vec::with_capacity(n);
    let mut entity_id = 0u64;
    let mut taken: HashMap<String, u32> = HashMap::new();
    while rows.len() < n {
        entity_id += 1;
        let e = Entity {
            given: if rng.chance(70) {
                rng.below(GIVEN.len())
            } else {
                rng.skewed(GIVEN.len())
            },
            surname: surname(&mut rng),
            company: rng.below(company_list.len()),
            city: rng.below(CITIES.len()),
            phone: 2_000_000_000 + rng.next() % 7_999_999_999,
            personal: rng.chance(25),
            number: 0,
            work_suffix: String::new(),
        };
        let mut e = e;
        let (formal, _) = GIVEN[e.given];
        let name_key = format!("{}.{}", ascii(formal), ascii(&e.surname)).to_lowercase();
        let work_taken = taken
            .entry(format!("{name_key}@{}", e.company))
            .or_insert(0u32);
        if *work_taken > 0 {
            e.work_suffix = (*work_taken + 1).to_string();
        }
        *work_taken += 1;
        let personal_taken = taken.entry(name_key).or_insert(0);
        e.number = *personal_taken;
        *personal_taken += 1;
        let copies = if rng.chance(16) { 1 + rng.zipf(3) } else { 0 };
        for copy in 0..=copies {
            if rows.len() >= n {
                break;
            }
            rows.push((entity_id, record(&e, copy > 0, &company_list, &mut rng)));
        }
    }
    finish(
        rows,
        &[
            ("id", FieldKind::Id),
            ("first_name", FieldKind::GivenName),
            ("last_name", FieldKind::Surname),
            ("email", FieldKind::Email),
            ("phone", FieldKind::Phone),
            ("company", FieldKind::Company),
            ("city", FieldKind::City),
        ],
        "r",
        &mut rng,
    )
}

/// Shuffles the rows (so duplicates are not neighbours), numbers them `{prefix}{i}` in the first column.
fn finish(
    mut rows: Vec<(u64, Vec<String>)>,
    columns: &[(&str, FieldKind)],
    prefix: &str,
    rng: &mut Rng,
) -> Dataset {
    for i in (1..rows.len()).rev() {
        let j = rng.below(i + 1);
        rows.swap(i, j);
    }
    let columns = columns
        .iter()
        .map(|(name, kind)| Column {
            name: (*name).into(),
            kind: *kind,
        })
        .collect();
    let truth = rows.iter().map(|r| r.0).collect();
    let rows = rows
        .into_iter()
        .enumerate()
        .map(|(i, (_, mut r))| {
            r.insert(0, format!("{prefix}{i}"));
            r
        })
        .collect();
    Dataset {
        columns,
        rows,
        truth,
    }
}

/// `n` company records (accounts, organizations, Close leads), deterministic per `seed`.
pub fn companies_dataset(n: usize, seed: u64) -> Dataset {
    let mut rng = Rng(seed ^ 0xC0DE);
    let list = companies(n, &mut rng);
    let mut rows: Vec<(u64, Vec<String>)> = Vec::with_capacity(n);
    let mut entity = 0usize;
    while rows.len() < n && entity < list.len() {
        let c = &list[entity];
        let phone = 2_000_000_000 + rng.next() % 7_999_999_999;
        let city = CITIES[rng.below(CITIES.len())];
        let copies = if rng.chance(16) { 1 + rng.zipf(3) } else { 0 };
        for copy in 0..=copies {
            let mut name = c.name.clone();
            let mut website = format!("https://www.{}/", c.domain);
            let mut phone_text_ = phone_text(phone, 0);
            let mut city_ = city.to_owned();
            if copy > 0 {
                for _ in 0..1 + rng.zipf(3) {
                    match rng.below(8) {
                        0 => name = name.split(' ').take(2).collect::<Vec<_>>().join(" "),
                        1 => name = format!("{name} {}", ["Inc", "LLC", "Ltd."][rng.below(3)]),
                        2 => name = typo(&name, &mut rng),
                        3 => name = name.to_uppercase(),
                        4 => website = c.domain.clone(),
                        5 => website.clear(),
                        6 => phone_text_ = phone_text(phone, 1 + rng.below(3)),
                        _ => city_.clear(),
                    }
                }
            }
            rows.push((entity as u64, vec![name, website, phone_text_, city_]));
        }
        entity += 1;
    }
    rows.truncate(n);
    finish(
        rows,
        &[
            ("id", FieldKind::Id),
            ("name", FieldKind::Company),
            ("website", FieldKind::Domain),
            ("phone", FieldKind::Phone),
            ("city", FieldKind::City),
        ],
        "c",
        &mut rng,
    )
}

fn record(e: &Entity, duplicate: bool, companies: &[Company], rng: &mut Rng) -> Vec<String> {
    let (formal, nickname) = GIVEN[e.given];
    let mut given = formal.to_owned();
    let mut last = e.surname.clone();
    let company = &companies[e.company];
    let local = format!("{}.{}{}", ascii(formal), ascii(&e.surname), e.work_suffix)
        .to_lowercase()
        .replace(['\'', ' '], "");
    let personal = format!(
        "{}{}{}@gmail.com",
        ascii(formal).to_lowercase(),
        ascii(&e.surname).to_lowercase().replace(['\'', ' '], ""),
        e.number
    );
    let mut email = if e.personal {
        personal.clone()
    } else {
        format!("{local}@{}", company.domain)
    };
    let mut phone = phone_text(e.phone, 0);
    let mut company_name = company.name.clone();
    let mut city = CITIES[e.city].to_owned();
    if duplicate {
        // One to three differences, as CRM duplicates have.
        for _ in 0..1 + rng.zipf(3) {
            match rng.below(17) {
                15 => phone = phone_text(2_000_000_000 + rng.next() % 7_999_999_999, 0),
                16 => city = CITIES[rng.below(CITIES.len())].to_owned(),
                0 => given = nickname.to_owned(),
                1 => last = typo(&last, rng),
                2 => given = typo(&given, rng),
                3 => email = email.to_uppercase(),
                4 => email = email.replacen('@', "+crm@", 1),
                5 => {
                    if let Some((user, domain)) = email.split_once('@') {
                        email = format!("{user}@{}", typo(domain, rng));
                    }
                }
                6 => {
                    email = if e.personal {
                        format!("{local}@{}", company.domain)
                    } else {
                        personal.clone()
                    }
                }
                7 => email.clear(),
                8 => phone = phone_text(e.phone, 1 + rng.below(3)),
                9 => phone.clear(),
                10 => std::mem::swap(&mut given, &mut last),
                11 => {
                    given = ascii(&given);
                    last = ascii(&last);
                }
                12 => {
                    company_name = company_name
                        .split(' ')
                        .take(2)
                        .collect::<Vec<_>>()
                        .join(" ")
                }
                13 => city.clear(),
                _ => {
                    // No exact key left: a typo in the surname, another address, no phone.
                    last = typo(&last, rng);
                    email = if e.personal {
                        format!("{local}@{}", company.domain)
                    } else {
                        personal.clone()
                    };
                    phone.clear();
                }
            }
        }
    }
    vec![given, last, email, phone, company_name, city]
}

/// Precision, recall and F1 of predicted groups against the true entities, over pairs of records.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Accuracy {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub true_pairs: u64,
    pub predicted_pairs: u64,
}

fn pairs_of(count: u64) -> u64 {
    count * count.saturating_sub(1) / 2
}

pub fn accuracy(truth: &[u64], groups: &[u32]) -> Accuracy {
    let mut by_entity: HashMap<u64, u64> = HashMap::new();
    let mut by_group: HashMap<u32, u64> = HashMap::new();
    let mut by_both: HashMap<(u32, u64), u64> = HashMap::new();
    for (&t, &g) in truth.iter().zip(groups) {
        *by_entity.entry(t).or_default() += 1;
        *by_group.entry(g).or_default() += 1;
        *by_both.entry((g, t)).or_default() += 1;
    }
    let true_pairs: u64 = by_entity.values().map(|&c| pairs_of(c)).sum();
    let predicted_pairs: u64 = by_group.values().map(|&c| pairs_of(c)).sum();
    let correct: u64 = by_both.values().map(|&c| pairs_of(c)).sum();
    let precision = correct as f64 / predicted_pairs.max(1) as f64;
    let recall = correct as f64 / true_pairs.max(1) as f64;
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    Accuracy {
        precision,
        recall,
        f1,
        true_pairs,
        predicted_pairs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_deterministic_and_has_duplicates() {
        let a = people(2000, 7);
        let b = people(2000, 7);
        assert_eq!(a.rows, b.rows);
        assert_eq!(a.rows.len(), 2000);
        let entities: std::collections::HashSet<u64> = a.truth.iter().copied().collect();
        let duplicates = a.rows.len() - entities.len();
        assert!((150..600).contains(&duplicates), "{duplicates} duplicates");
        assert_ne!(people(2000, 8).rows, a.rows);
    }

    #[test]
    fn accuracy_counts_pairs() {
        // Truth: {0,1,2} and {3}; predicted: {0,1} and {2,3}.
        let acc = accuracy(&[1, 1, 1, 2], &[0, 0, 2, 2]);
        assert_eq!((acc.true_pairs, acc.predicted_pairs), (3, 2));
        assert!((acc.precision - 0.5).abs() < 1e-9);
        assert!((acc.recall - 1.0 / 3.0).abs() < 1e-9);
    }
}
