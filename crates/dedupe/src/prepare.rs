//! Records made ready to compare: each compared column normalised once, stored column by column, with
//! how often each value occurs (rare values agreeing say more than common ones).

use std::collections::HashMap;

use rayon::prelude::*;

use crate::{FieldKind, normalize};

/// A column of the input and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub kind: FieldKind,
}

/// The compared columns of every record, normalised.
pub struct Prepared {
    /// (index in the input, kind) of each compared column.
    pub columns: Vec<(usize, FieldKind)>,
    /// `values[c][row]`: the normalised value, None when blank or unreadable.
    pub values: Vec<Vec<Option<Box<str>>>>,
    /// `frequency[c][value]`: how many records hold the value.
    pub frequency: Vec<HashMap<Box<str>, u32>>,
    pub rows: usize,
}

/// Kinds compared by their value (ids are keys, not evidence; ignored columns are left out).
fn compared(kind: FieldKind) -> bool {
    !matches!(kind, FieldKind::Id | FieldKind::Ignore)
}

pub fn normalize_value(kind: FieldKind, text: &str, phones: &normalize::Phones) -> Option<String> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let value = match kind {
        FieldKind::Email => normalize::email(text)?,
        FieldKind::Phone => phones.normalize(text)?,
        FieldKind::GivenName => normalize::given_name(text),
        FieldKind::Surname | FieldKind::City | FieldKind::State | FieldKind::Country => {
            normalize::name(text)
        }
        FieldKind::Name => {
            // Full names compare as their sorted words, first name formal: "Bill Smith" = "Smith, William".
            let folded = normalize::name(text);
            let mut words: Vec<String> = folded.split(' ').map(str::to_owned).collect();
            if let Some(first) = words.first_mut() {
                *first = crate::nicknames::formal(first).to_owned();
            }
            let last = words.len().saturating_sub(1);
            if text.contains(',') && last > 0 {
                // "Smith, William": the given name comes last.
                words[last] = crate::nicknames::formal(&words[last]).to_owned();
            }
            words.sort();
            words.join(" ")
        }
        FieldKind::Company => normalize::company(text),
        FieldKind::Domain => normalize::domain(text)?,
        FieldKind::Address => normalize::address(text),
        FieldKind::Postcode => normalize::postcode(text),
        FieldKind::Date => normalize::date(text)?,
        FieldKind::StreetNumber | FieldKind::Id | FieldKind::Text => normalize::fold(text),
        FieldKind::Ignore => return None,
    };
    (!value.is_empty()).then_some(value)
}

impl Prepared {
    /// Normalises the compared columns of `rows` (one `Vec<String>` per record, in column order).
    pub fn new(columns: &[Column], rows: &[Vec<String>], region: &str) -> Self {
        let phones = normalize::Phones::new(region);
        let compared: Vec<(usize, FieldKind)> = columns
            .iter()
            .enumerate()
            .filter(|(_, c)| compared(c.kind))
            .map(|(i, c)| (i, c.kind))
            .collect();
        let values: Vec<Vec<Option<Box<str>>>> = compared
            .iter()
            .map(|&(i, kind)| {
                rows.par_iter()
                    .map(|row| {
                        row.get(i)
                            .and_then(|t| normalize_value(kind, t, &phones))
                            .map(String::into_boxed_str)
                    })
                    .collect()
            })
            .collect();
        let frequency = values
            .iter()
            .map(|column| {
                let mut counts: HashMap<Box<str>, u32> = HashMap::new();
                for v in column.iter().flatten() {
                    *counts.entry(v.clone()).or_default() += 1;
                }
                counts
            })
            .collect();
        Prepared {
            columns: compared,
            values,
            frequency,
            rows: rows.len(),
        }
    }

    pub fn value(&self, column: usize, row: u32) -> Option<&str> {
        self.values[column][row as usize].as_deref()
    }

    /// The compared column of `kind`, if the input has one.
    pub fn column_of(&self, kind: FieldKind) -> Option<usize> {
        self.columns.iter().position(|(_, k)| *k == kind)
    }

    /// The share of records holding `value` in `column`.
    pub fn share(&self, column: usize, value: &str) -> f64 {
        let count = self.frequency[column].get(value).copied().unwrap_or(0);
        count as f64 / self.rows.max(1) as f64
    }
}
