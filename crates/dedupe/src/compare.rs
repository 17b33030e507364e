//! How closely two normalised values agree, per kind, as a level: 3 exact, 2 close (a typo, a
//! reformatting), 1 somewhat (an initial, a shared mailbox name), 0 different. Missing on either side
//! is no evidence at all.

use strsim::jaro_winkler;

use crate::FieldKind;

pub const LEVELS: usize = 4;
pub const EXACT: u8 = 3;

/// Words of `a` and `b` in common over the words of the shorter: "acme widgets" vs "acme" -> 1.0.
fn token_overlap(a: &str, b: &str) -> f64 {
    let (wa, wb): (Vec<&str>, Vec<&str>) = (a.split(' ').collect(), b.split(' ').collect());
    let common = wa.iter().filter(|w| wb.contains(w)).count();
    common as f64 / wa.len().min(wb.len()).max(1) as f64
}

fn text_level(a: &str, b: &str, close: f64, some: f64) -> u8 {
    if a == b {
        return EXACT;
    }
    let jw = jaro_winkler(a, b);
    // One typo (a letter wrong, missing, extra or two swapped) in a word long enough to be a name.
    let one_typo = a.len().min(b.len()) >= 4 && strsim::damerau_levenshtein(a, b) <= 1;
    if jw >= close || one_typo {
        2
    } else if jw >= some || token_overlap(a, b) >= 1.0 {
        1
    } else {
        0
    }
}

/// "paul.moore1" and "paul.moore2": numbered mailboxes are how namesakes are told apart.
fn differ_in_digits_only(a: &str, b: &str) -> bool {
    let letters = |s: &str| {
        s.chars()
            .filter(|c| !c.is_ascii_digit())
            .collect::<String>()
    };
    a != b && letters(a) == letters(b)
}

pub fn level(kind: FieldKind, a: &str, b: &str) -> u8 {
    match kind {
        FieldKind::GivenName => {
            if a == b {
                EXACT
            } else if a.len() == 1 || b.len() == 1 {
                // "J" for "John".
                u8::from(a.as_bytes()[0] == b.as_bytes()[0])
            } else {
                text_level(a, b, 0.92, 0.85)
            }
        }
        FieldKind::Surname | FieldKind::City | FieldKind::State => text_level(a, b, 0.92, 0.85),
        FieldKind::Name | FieldKind::Company | FieldKind::Address | FieldKind::Text => {
            text_level(a, b, 0.93, 0.86)
        }
        FieldKind::Email => {
            if a == b {
                return EXACT;
            }
            let (la, da) = a.rsplit_once('@').unwrap_or((a, ""));
            let (lb, db) = b.rsplit_once('@').unwrap_or((b, ""));
            // The same mailbox name at another domain is no evidence of its own: the name is usually
            // made of the person's names, which are compared already (and William Smith at Acme and
            // William Smith at Globex are mostly two people). A mistyped domain is.
            if la == lb && jaro_winkler(da, db) >= 0.9 {
                2
            } else if da == db
                && la.len() >= 5
                && jaro_winkler(la, lb) >= 0.95
                && !differ_in_digits_only(la, lb)
            {
                1
            } else {
                0
            }
        }
        FieldKind::Phone => {
            if a == b {
                EXACT
            } else {
                let tail = |s: &str| s.chars().rev().take(7).collect::<String>();
                if a.len() >= 7 && b.len() >= 7 && tail(a) == tail(b) {
                    2
                } else {
                    0
                }
            }
        }
        FieldKind::Domain => {
            if a == b {
                EXACT
            } else if jaro_winkler(a, b) >= 0.93 {
                1
            } else {
                0
            }
        }
        FieldKind::Date => {
            if a == b {
                EXACT
            } else if a.get(..7) == b.get(..7) {
                1
            } else {
                0
            }
        }
        FieldKind::Postcode
        | FieldKind::StreetNumber
        | FieldKind::Country
        | FieldKind::Id
        | FieldKind::Ignore => {
            if a == b {
                EXACT
            } else {
                0
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use FieldKind::*;

    #[test]
    fn levels_per_kind() {
        for (kind, a, b, want) in [
            (GivenName, "william", "william", 3),
            (GivenName, "j", "john", 1),
            (GivenName, "jon", "john", 2),
            (GivenName, "anna", "peter", 0),
            (Surname, "smith", "smyth", 2),
            (Surname, "peterson", "pedersen", 1),
            (Surname, "garcia", "nowak", 0),
            (Company, "acme widgets", "acme", 1),
            (Email, "ann@acme.com", "ann@acme.com", 3),
            (Email, "ann@acme.com", "ann@acme.co", 2),
            (Email, "ann@acme.com", "ann@gmail.com", 0),
            (Email, "ann.smith@acme.com", "ann.smyth@acme.com", 1),
            (Email, "paulmoore0@gmail.com", "paulmoore1@gmail.com", 0),
            (Email, "ann@acme.com", "bob@acme.com", 0),
            (Phone, "+14155550100", "+14155550100", 3),
            (Phone, "+14155550100", "4155550100", 2),
            (Phone, "+14155550100", "+14155550199", 0),
            (Date, "2024-03-07", "2024-03-08", 1),
            (Postcode, "SW1A1AA", "SW1A1AB", 0),
        ] {
            assert_eq!(level(kind, a, b), want, "{kind}: {a} vs {b}");
        }
    }
}
