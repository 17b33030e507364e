//! Normalisation: the form two values are compared in, so that differences in case, accents, spacing,
//! formatting and well-known aliases do not count as disagreement.

use std::str::FromStr;

use crate::nicknames;

/// Lower case ASCII (accents and other scripts transliterated), letters and digits in words separated
/// by single spaces: "  Zoë  O'Brien-Smith " -> "zoe o brien smith".
pub fn fold(text: &str) -> String {
    let ascii = deunicode::deunicode(text);
    let mut out = String::with_capacity(ascii.len());
    let mut space = true;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// A person's or company's name without its punctuation: `fold`, with apostrophes dropped inside
/// words ("O'Brien" -> "obrien", as most CRMs and people spell it without).
pub fn name(text: &str) -> String {
    fold(&text.replace(['\'', '’'], ""))
}

/// A given name as its formal name ("Bill" -> "william").
pub fn given_name(text: &str) -> String {
    let folded = name(text);
    let first = folded.split(' ').next().unwrap_or_default();
    nicknames::formal(first).to_owned()
}

/// Domains that people mistype, and what they meant.
const DOMAIN_TYPOS: &[(&str, &str)] = &[
    ("gmial.com", "gmail.com"),
    ("gmai.com", "gmail.com"),
    ("gmail.co", "gmail.com"),
    ("gmail.con", "gmail.com"),
    ("gamil.com", "gmail.com"),
    ("googlemail.com", "gmail.com"),
    ("hotmial.com", "hotmail.com"),
    ("hotmai.com", "hotmail.com"),
    ("hotmail.co", "hotmail.com"),
    ("yaho.com", "yahoo.com"),
    ("yahoo.co", "yahoo.com"),
    ("outlok.com", "outlook.com"),
    ("outlook.co", "outlook.com"),
    ("iclod.com", "icloud.com"),
];

/// An e-mail address as the mailbox it reaches: lower case, `+tags` dropped, Gmail's dots ignored,
/// common domain typos corrected. None when it is not an address.
pub fn email(text: &str) -> Option<String> {
    let text = text.trim().to_lowercase();
    let (local, domain) = text.rsplit_once('@')?;
    let domain = domain.trim_end_matches('.');
    if local.is_empty() || !domain.contains('.') || domain.contains(char::is_whitespace) {
        return None;
    }
    let domain = DOMAIN_TYPOS
        .iter()
        .find(|(typo, _)| *typo == domain)
        .map_or(domain, |(_, meant)| meant);
    let local = local.split('+').next().unwrap_or(local);
    let local = if domain == "gmail.com" {
        local.replace('.', "")
    } else {
        local.to_owned()
    };
    if local.is_empty() {
        return None;
    }
    Some(format!("{local}@{domain}"))
}

/// A phone number in E.164 ("+14155550100"), read in `region` when it has no country code. Numbers the
/// phone library cannot place keep their digits (with a `+` if they had one), so they still compare.
pub struct Phones {
    region: phonenumber::country::Id,
}

impl Phones {
    /// Whether the phone library knows `region` (an ISO 3166 code such as "US") as a place numbers are in.
    pub fn knows(region: &str) -> bool {
        phonenumber::country::Id::from_str(&region.to_ascii_uppercase()).is_ok()
    }

    /// `region` is an ISO 3166 code ("US", "DE"); an unknown one falls back to US.
    pub fn new(region: &str) -> Self {
        Phones {
            region: phonenumber::country::Id::from_str(&region.to_ascii_uppercase())
                .unwrap_or(phonenumber::country::Id::US),
        }
    }

    pub fn normalize(&self, text: &str) -> Option<String> {
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        if digits.len() < 6 {
            return None;
        }
        match phonenumber::parse(Some(self.region), text) {
            Ok(number) => Some(number.format().mode(phonenumber::Mode::E164).to_string()),
            Err(_) if text.trim_start().starts_with('+') => Some(format!("+{digits}")),
            Err(_) => Some(digits),
        }
    }
}

/// Legal forms dropped from the end of company names ("Acme Inc." = "ACME").
const LEGAL_FORMS: &[&str] = &[
    "inc",
    "incorporated",
    "llc",
    "llp",
    "ltd",
    "limited",
    "corp",
    "corporation",
    "co",
    "company",
    "plc",
    "gmbh",
    "ag",
    "kg",
    "sa",
    "sas",
    "sarl",
    "srl",
    "spa",
    "bv",
    "nv",
    "oy",
    "ab",
    "as",
    "aps",
    "pty",
    "pte",
    "kk",
    "lp",
    "group",
    "holding",
    "holdings",
];

/// A company name without its legal form, a leading "the", and with "&" read as "and".
pub fn company(text: &str) -> String {
    let folded = name(&text.replace('&', " and "));
    let mut words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    while words.len() > 1 && words.last().is_some_and(|w| LEGAL_FORMS.contains(w)) {
        words.pop();
    }
    if words.len() > 1 && words[0] == "the" {
        words.remove(0);
    }
    words.join(" ")
}

/// The domain of a web address or an e-mail address: "https://www.Acme.com/about" -> "acme.com".
pub fn domain(text: &str) -> Option<String> {
    let text = text.trim().to_lowercase();
    let host = match text.rsplit_once('@') {
        Some((_, domain)) => domain.to_owned(),
        None => {
            let rest = text.split_once("://").map_or(text.as_str(), |(_, r)| r);
            rest.split(['/', '?', '#'])
                .next()
                .unwrap_or_default()
                .to_owned()
        }
    };
    let host = host.split(':').next().unwrap_or_default();
    let host = host
        .strip_prefix("www.")
        .unwrap_or(host)
        .trim_end_matches('.');
    (host.contains('.') && !host.contains(char::is_whitespace)).then(|| host.to_owned())
}

/// A date as `YYYY-MM-DD` from the forms CRMs and spreadsheets use (ISO, with a time, `DD.MM.YYYY`,
/// `MM/DD/YYYY`).
pub fn date(text: &str) -> Option<String> {
    let text = text.trim();
    let head = text.get(..10).unwrap_or(text);
    let parts: Vec<&str> = head.split(['-', '/', '.']).collect();
    let (y, m, d) = match parts.as_slice() {
        [y, m, d] if y.len() == 4 => (*y, *m, *d),
        [d, m, y] if y.len() == 4 && head.contains('.') => (*y, *m, *d),
        [m, d, y] if y.len() == 4 => (*y, *m, *d),
        _ => return None,
    };
    let (y, m, d): (u32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// A postcode without spaces or dashes, upper case ("sw1a 1aa" -> "SW1A1AA").
pub fn postcode(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Common street words shortened the way postal services do, so "Main Street" = "Main St".
const STREET_WORDS: &[(&str, &str)] = &[
    ("street", "st"),
    ("road", "rd"),
    ("avenue", "ave"),
    ("boulevard", "blvd"),
    ("drive", "dr"),
    ("lane", "ln"),
    ("place", "pl"),
    ("court", "ct"),
    ("suite", "ste"),
    ("strasse", "str"),
];

pub fn address(text: &str) -> String {
    fold(text)
        .split(' ')
        .map(|w| {
            STREET_WORDS
                .iter()
                .find(|(long, _)| *long == w)
                .map_or(w, |(_, short)| short)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_reach_the_same_mailbox() {
        for (a, b) in [
            ("John.Smith@Acme.com", "john.smith@acme.com"),
            ("john.smith+crm@acme.com", "john.smith@acme.com"),
            ("j.o.h.n@gmail.com", "john@gmail.com"),
            ("john@googlemail.com", "john@gmail.com"),
            ("ann@gmial.com", "ann@gmail.com"),
        ] {
            assert_eq!(email(a), email(b), "{a} = {b}");
        }
        assert_ne!(email("j.o.h.n@acme.com"), email("john@acme.com"));
        for bad in ["not-an-email", "@acme.com", "john@localhost", ""] {
            assert_eq!(email(bad), None, "{bad}");
        }
    }

    #[test]
    fn phones_become_e164_in_the_default_region() {
        let us = Phones::new("US");
        for text in [
            "(415) 555-0100",
            "+1 415 555 0100",
            "415.555.0100",
            "+1 (415) 555-0100",
        ] {
            assert_eq!(
                us.normalize(text).as_deref(),
                Some("+14155550100"),
                "{text}"
            );
        }
        let de = Phones::new("de");
        assert_eq!(de.normalize("030 1234567").as_deref(), Some("+49301234567"));
        assert_eq!(us.normalize("12"), None);
    }

    #[test]
    fn names_fold_accents_and_nicknames() {
        assert_eq!(name("  Zoë  O'Brien-Smith "), "zoe obrien smith");
        assert_eq!(name("Müller"), "muller");
        assert_eq!(given_name("Bill"), "william");
        assert_eq!(given_name("WILLIAM"), "william");
        assert_eq!(given_name("Bob J."), "robert");
    }

    #[test]
    fn companies_lose_legal_forms_and_punctuation() {
        for (a, b) in [
            ("Acme Inc.", "ACME"),
            ("Acme, Inc", "acme"),
            ("Smith & Sons Ltd", "Smith and Sons"),
            ("The Widget Company", "Widget"),
            ("Müller GmbH", "Muller"),
        ] {
            assert_eq!(company(a), company(b), "{a} = {b}");
        }
        assert_eq!(company("Holding"), "holding", "a name is never emptied");
    }

    #[test]
    fn domains_come_from_urls_and_emails() {
        for text in [
            "https://www.Acme.com/about",
            "acme.com",
            "sales@acme.com",
            "http://acme.com:8080",
        ] {
            assert_eq!(domain(text).as_deref(), Some("acme.com"), "{text}");
        }
        assert_eq!(domain("n/a"), None);
    }

    #[test]
    fn dates_addresses_and_postcodes() {
        for text in [
            "2024-03-07",
            "2024-03-07T10:00:00Z",
            "07.03.2024",
            "03/07/2024",
        ] {
            assert_eq!(date(text).as_deref(), Some("2024-03-07"), "{text}");
        }
        assert_eq!(date("tomorrow"), None);
        assert_eq!(address("12 Main Street"), address("12 main st."));
        assert_eq!(postcode("sw1a 1aa"), "SW1A1AA");
    }
}
