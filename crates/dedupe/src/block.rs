//! Blocking: which pairs are compared at all. Several passes, each on its own key (the e-mail, the
//! phone, the names, a sound-alike name, the company), so a duplicate that differs in one field is still
//! found through another; the fuzzy passes catch the ones that share no exact key. A block larger than
//! `MAX_BLOCK` (a common name at a million records) is not compared all-to-all: its records are sorted
//! by their other fields and each is compared with its `WINDOW` neighbours, which keeps the pair count
//! near linear.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::{FieldKind, prepare::Prepared};

const MAX_BLOCK: usize = 40;
const WINDOW: usize = 10;

/// The consonant skeleton of a word, first letter kept, at most five letters: "smith" and "smyth"
/// -> "smt"; single-letter typos in vowels, doubled letters and silent h/w map to the same key.
pub fn skeleton(word: &str) -> String {
    let mut out = String::new();
    let mut last = '\0';
    for (i, c) in word.chars().enumerate() {
        let vowel_like = matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'h' | 'w');
        if (i == 0 || !vowel_like) && c != last {
            out.push(c);
        }
        last = c;
    }
    out.chars().take(5).collect()
}

fn words_skeleton(text: &str) -> String {
    text.split(' ').map(skeleton).collect::<Vec<_>>().join(" ")
}

/// One blocking pass: what its key is made of (column indexes into `Prepared`).
#[derive(Debug, Clone, Copy)]
enum Pass {
    Value(usize),
    /// The part of an e-mail before `@`, when long enough to mean a person.
    Mailbox(usize),
    /// Given name and surname in either order.
    Names(usize, usize),
    /// Surname and the given name's initial.
    SurnameInitial(usize, usize),
    /// Given name and the surname's skeleton.
    GivenSound(usize, usize),
    /// Two values together.
    Pair(usize, usize),
    /// The skeleton of every word.
    Sound(usize),
    /// The skeleton of the first value with the second value.
    SoundPair(usize, usize),
}

impl Pass {
    /// The compared columns the key is made of.
    fn columns(self) -> Vec<usize> {
        match self {
            Pass::Value(c) | Pass::Mailbox(c) | Pass::Sound(c) => vec![c],
            Pass::Names(a, b)
            | Pass::SurnameInitial(a, b)
            | Pass::GivenSound(a, b)
            | Pass::Pair(a, b)
            | Pass::SoundPair(a, b) => vec![a, b],
        }
    }

    fn key(self, p: &Prepared, r: u32) -> Option<String> {
        match self {
            Pass::Value(c) => p.value(c, r).map(str::to_owned),
            Pass::Mailbox(c) => {
                let local = p.value(c, r)?.rsplit_once('@')?.0;
                (local.len() >= 5).then(|| local.to_owned())
            }
            Pass::Names(g, s) => {
                let (a, b) = (p.value(g, r)?, p.value(s, r)?);
                Some(if a <= b {
                    format!("{a}|{b}")
                } else {
                    format!("{b}|{a}")
                })
            }
            Pass::SurnameInitial(g, s) => {
                let (a, b) = (p.value(g, r)?, p.value(s, r)?);
                Some(format!("{b}|{}", a.get(..1)?))
            }
            Pass::GivenSound(g, s) => {
                Some(format!("{}|{}", p.value(g, r)?, skeleton(p.value(s, r)?)))
            }
            Pass::Pair(a, b) => Some(format!("{}|{}", p.value(a, r)?, p.value(b, r)?)),
            Pass::Sound(c) => p.value(c, r).map(words_skeleton),
            Pass::SoundPair(a, b) => Some(format!(
                "{}|{}",
                words_skeleton(p.value(a, r)?),
                p.value(b, r)?
            )),
        }
    }
}

fn passes(p: &Prepared) -> Vec<Pass> {
    let col = |k| p.column_of(k);
    let mut out = Vec::new();
    if let Some(e) = col(FieldKind::Email) {
        out.extend([Pass::Value(e), Pass::Mailbox(e)]);
    }
    if let Some(ph) = col(FieldKind::Phone) {
        out.push(Pass::Value(ph));
    }
    let (given, surname) = (col(FieldKind::GivenName), col(FieldKind::Surname));
    if let (Some(g), Some(s)) = (given, surname) {
        out.extend([
            Pass::Names(g, s),
            Pass::SurnameInitial(g, s),
            Pass::GivenSound(g, s),
        ]);
        if let Some(c) = col(FieldKind::Company) {
            // Colleagues' keys: a mistyped surname (or given name) and another address at the same
            // company share no exact key with the record they copy.
            out.extend([Pass::Pair(g, c), Pass::SoundPair(s, c)]);
        }
    }
    if let Some(n) = col(FieldKind::Name) {
        out.extend([Pass::Value(n), Pass::Sound(n)]);
    }
    let person = given.is_some() || surname.is_some() || col(FieldKind::Name).is_some();
    if let Some(c) = col(FieldKind::Company).filter(|_| !person) {
        out.extend([Pass::Value(c), Pass::Sound(c)]);
    }
    if let Some(d) = col(FieldKind::Domain) {
        out.push(Pass::Value(d));
    }
    if let (Some(a), Some(pc)) = (col(FieldKind::Address), col(FieldKind::Postcode)) {
        out.push(Pass::Pair(pc, a));
    }
    if out.is_empty() {
        // Nothing known to block on: each compared column's exact value.
        out.extend((0..p.columns.len()).map(Pass::Value));
    }
    out
}

/// What a large block's records are sorted by before windowing: all their values in column order.
fn sort_key(p: &Prepared, r: u32) -> String {
    (0..p.columns.len())
        .map(|c| p.value(c, r).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("|")
}

fn block_pairs(p: &Prepared, members: &mut [u32], out: &mut Vec<u64>) {
    let pair = |a: u32, b: u32| {
        let (l, r) = if a < b { (a, b) } else { (b, a) };
        (u64::from(l) << 32) | u64::from(r)
    };
    if members.len() <= MAX_BLOCK {
        for (i, &a) in members.iter().enumerate() {
            for &b in &members[i + 1..] {
                out.push(pair(a, b));
            }
        }
    } else {
        members.sort_by_cached_key(|&r| sort_key(p, r));
        for (i, &a) in members.iter().enumerate() {
            for &b in members.iter().skip(i + 1).take(WINDOW) {
                out.push(pair(a, b));
            }
        }
    }
}

/// The pairs one blocking pass found, and the columns its key is made of (a pass says nothing about
/// how often true matches agree on those: they agree by construction).
pub struct PassPairs {
    pub columns: Vec<usize>,
    pub pairs: Vec<u64>,
    /// Whether the model learns from this pass: exact keys that few different entities share (an
    /// e-mail, a phone, both names). The fuzzy passes gather many near misses and would blur `m`.
    pub trains: bool,
}

/// Each pass's pairs (packed `lower << 32 | higher`).
pub fn pass_pairs(p: &Prepared) -> Vec<PassPairs> {
    let rows = p.rows as u32;
    passes(p)
        .into_par_iter()
        .map(|pass| {
            let mut blocks: HashMap<String, Vec<u32>> = HashMap::new();
            for r in 0..rows {
                if let Some(key) = pass.key(p, r) {
                    blocks.entry(key).or_default().push(r);
                }
            }
            let mut pairs = Vec::new();
            for members in blocks.values_mut().filter(|m| m.len() > 1) {
                block_pairs(p, members, &mut pairs);
            }
            PassPairs {
                columns: pass.columns(),
                pairs,
                trains: matches!(pass, Pass::Value(_) | Pass::Names(..)),
            }
        })
        .collect()
}

/// Every candidate pair of all passes (lower row first), each once.
pub fn union(passes: &[PassPairs]) -> Vec<(u32, u32)> {
    let mut pairs: Vec<u64> = passes
        .iter()
        .flat_map(|p| p.pairs.iter().copied())
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
        .into_iter()
        .map(|k| ((k >> 32) as u32, k as u32))
        .collect()
}

#[cfg(test)]
pub fn candidate_pairs(p: &Prepared) -> Vec<(u32, u32)> {
    union(&pass_pairs(p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prepare::Column;

    fn prepared(rows: &[[&str; 4]]) -> Prepared {
        let columns: Vec<Column> = [
            ("first", FieldKind::GivenName),
            ("last", FieldKind::Surname),
            ("email", FieldKind::Email),
            ("phone", FieldKind::Phone),
        ]
        .into_iter()
        .map(|(name, kind)| Column {
            name: name.into(),
            kind,
        })
        .collect();
        let rows: Vec<Vec<String>> = rows
            .iter()
            .map(|r| r.iter().map(|s| (*s).to_owned()).collect())
            .collect();
        Prepared::new(&columns, &rows, "US")
    }

    #[test]
    fn skeletons_forgive_vowel_typos_and_doubled_letters() {
        assert_eq!(skeleton("smith"), skeleton("smyth"));
        assert_eq!(skeleton("johnson"), skeleton("jonson"));
        assert_ne!(skeleton("smith"), skeleton("jones"));
    }

    #[test]
    fn each_kind_of_difference_is_still_paired_through_another_key() {
        let p = prepared(&[
            ["William", "Smith", "w.smith@acme.com", ""],
            ["Bill", "Smith", "", ""], // nickname, no e-mail: names
            ["Wiliam", "Smyth", "", "+1 415 555 0100"], // typos: given + sound of surname
            ["Smith", "William", "", ""], // swapped
            ["Anna", "Nowak", "w.smith@acme.co", ""], // same mailbox at a mistyped domain
            ["Zed", "Quinn", "", "(415) 555-0100"], // same phone, reformatted
            ["Peter", "Jones", "peter@jones.example", ""], // nobody's duplicate
        ]);
        let pairs = candidate_pairs(&p);
        for want in [(0, 1), (0, 3), (1, 3), (0, 4), (2, 5)] {
            assert!(pairs.contains(&want), "{want:?} in {pairs:?}");
        }
        assert!(!pairs.iter().any(|&(a, b)| a == 6 || b == 6), "{pairs:?}");
        assert!(pairs.windows(2).all(|w| w[0] < w[1]), "each pair once");
    }

    #[test]
    fn a_huge_block_is_windowed_not_squared() {
        let rows: Vec<[String; 4]> = (0..2000)
            .map(|i| {
                [
                    "John".into(),
                    "Smith".into(),
                    format!("js{i}@x{i}.example"),
                    String::new(),
                ]
            })
            .collect();
        let rows: Vec<[&str; 4]> = rows
            .iter()
            .map(|r| [r[0].as_str(), r[1].as_str(), r[2].as_str(), r[3].as_str()])
            .collect();
        let pairs = candidate_pairs(&prepared(&rows));
        assert!(pairs.len() < 2000 * WINDOW * 4, "{} pairs", pairs.len());
    }
}
