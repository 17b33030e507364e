//! Fellegi-Sunter match weights, estimated without labels the way Splink does: `u` (how often two
//! different entities agree at each level) from random record pairs, `m` (how often the same entity
//! does) and the share of true matches among the candidate pairs by expectation-maximisation over the
//! candidates. Because the share is estimated per data set, the probabilities stay calibrated as the
//! data grows: at a million records common names collide far more, the share of matches among
//! name-blocked candidates falls, and a name agreement alone stops being enough. Exact agreement on a
//! rare value (an unusual surname) weighs more than on a common one (term frequencies). Labels from
//! people's decisions enter the estimation as pairs whose answer is known.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{
    FieldKind,
    compare::{self, EXACT, LEVELS},
    prepare::Prepared,
};

/// 3 bits per column in a pattern; this value means "missing on either side".
const MISSING: u8 = 7;
const BITS: u32 = 3;
/// Random pairs drawn to estimate `u`.
const U_SAMPLE: usize = 300_000;
const EM_ROUNDS: usize = 40;
/// A person's decision counts as this many unlabelled pairs.
const LABEL_WEIGHT: f64 = 20.0;

/// The comparison levels of one pair, packed: column `c` in bits `3c..3c+3`.
pub type Pattern = u64;

pub fn level_of(pattern: Pattern, column: usize) -> Option<u8> {
    let l = ((pattern >> (BITS * column as u32)) & 0b111) as u8;
    (l != MISSING).then_some(l)
}

/// Compares one pair on every column.
pub fn pattern(p: &Prepared, a: u32, b: u32) -> Pattern {
    let mut out: Pattern = 0;
    for (c, &(_, kind)) in p.columns.iter().enumerate() {
        let l = match (p.value(c, a), p.value(c, b)) {
            (Some(x), Some(y)) => compare::level(kind, x, y),
            _ => MISSING,
        };
        out |= Pattern::from(l) << (BITS * c as u32);
    }
    swap_names(p, a, b, out)
}

/// First and last name entered the other way round agree exactly, crosswise.
fn swap_names(p: &Prepared, a: u32, b: u32, pattern: Pattern) -> Pattern {
    let (Some(g), Some(s)) = (
        p.column_of(FieldKind::GivenName),
        p.column_of(FieldKind::Surname),
    ) else {
        return pattern;
    };
    let crossed = p.value(g, a).is_some()
        && p.value(g, a) == p.value(s, b)
        && p.value(s, a).is_some()
        && p.value(s, a) == p.value(g, b);
    if !crossed {
        return pattern;
    }
    let clear = !((0b111 << (BITS * g as u32)) | (0b111 << (BITS * s as u32)));
    (pattern & clear)
        | (Pattern::from(EXACT) << (BITS * g as u32))
        | (Pattern::from(EXACT) << (BITS * s as u32))
}

/// Kinds whose exact agreement is weighted by how rare the value is.
fn term_frequency(kind: FieldKind) -> bool {
    matches!(
        kind,
        FieldKind::GivenName
            | FieldKind::Surname
            | FieldKind::Name
            | FieldKind::Company
            | FieldKind::City
            | FieldKind::State
    )
}

/// A person's answer about a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    pub a: u32,
    pub b: u32,
    pub same: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub kinds: Vec<FieldKind>,
    /// P(level | same entity), per column and level.
    pub m: Vec<[f64; LEVELS]>,
    /// P(level | different entities), per column and level.
    pub u: Vec<[f64; LEVELS]>,
    /// The chance that two records of the data set, drawn at random, are the same entity.
    pub prior: f64,
}

/// A small deterministic generator for the random pairs (reproducible runs).
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

fn normalised(counts: [f64; LEVELS]) -> [f64; LEVELS] {
    let total: f64 = counts.iter().sum();
    counts.map(|c| c / total)
}

/// No level is impossible for a true match: a level the sample never showed still keeps this much
/// probability, so one disagreement cannot outweigh every other field (log2(0.002/1) = -9).
const M_FLOOR: f64 = 0.002;

fn floored(m: [f64; LEVELS]) -> [f64; LEVELS] {
    normalised(m.map(|x| x.max(M_FLOOR)))
}

/// The pairs of one blocking pass and the columns its key used: their agreement there is forced by
/// the blocking, so the session estimates `m` only for the other columns (as Splink trains per
/// blocking rule).
pub struct Session {
    pub excluded: Vec<usize>,
    pub patterns: Vec<Pattern>,
}

/// Distinct patterns and how often each occurs: EM runs over thousands, not millions.
fn distinct(patterns: &[Pattern]) -> Vec<(Pattern, f64)> {
    let mut counts: HashMap<Pattern, f64> = HashMap::new();
    for &pt in patterns {
        *counts.entry(pt).or_default() += 1.0;
    }
    // In pattern order, so the sums (and the borderline pairs) are the same on every run.
    let mut out: Vec<(Pattern, f64)> = counts.into_iter().collect();
    out.sort_unstable_by_key(|p| p.0);
    out
}

const DEFAULT_M: [f64; LEVELS] = [0.05, 0.05, 0.15, 0.75];

impl Model {
    /// Estimates the model: `u` from random pairs, `m` per blocking session, then the share of matches
    /// among all `candidates` with `m` and `u` held.
    pub fn fit(
        p: &Prepared,
        sessions: &[Session],
        candidates: &[Pattern],
        labels: &[Label],
    ) -> Model {
        let columns = p.columns.len();
        let kinds: Vec<FieldKind> = p.columns.iter().map(|c| c.1).collect();
        let u = Self::estimate_u(p);
        let labelled: Vec<(Pattern, f64)> = labels
            .iter()
            .map(|l| (pattern(p, l.a, l.b), if l.same { 1.0 } else { 0.0 }))
            .collect();
        let mut sums = vec![[0.0; LEVELS]; columns];
        let mut sessions_per_column = vec![0usize; columns];
        for session in sessions.iter().filter(|s| !s.patterns.is_empty()) {
            let used: Vec<usize> = (0..columns)
                .filter(|c| !session.excluded.contains(c))
                .collect();
            let m = Self::em(&distinct(&session.patterns), &labelled, &u, &used);
            for &c in &used {
                for l in 0..LEVELS {
                    sums[c][l] += m[c][l];
                }
                sessions_per_column[c] += 1;
            }
        }
        let m: Vec<[f64; LEVELS]> = (0..columns)
            .map(|c| match sessions_per_column[c] {
                0 => DEFAULT_M,
                n => sums[c].map(|x| x / n as f64),
            })
            .collect();
        let mut model = Model {
            kinds,
            m,
            u,
            prior: 0.1,
        };
        let all = distinct(candidates);
        let total = candidates.len() as f64;
        let mut matched = 0.0;
        for _ in 0..EM_ROUNDS * 2 {
            matched = all
                .iter()
                .map(|&(pt, count)| count * model.probability(model.pattern_weight(pt)))
                .sum();
            let prior = (matched / total.max(1.0)).clamp(1e-9, 0.999);
            let settled = (prior - model.prior).abs() < 1e-8;
            model.prior = prior;
            if settled {
                break;
            }
        }
        // The prior for scoring is the chance that two records drawn from the whole data set are one
        // entity, as in Splink: it falls as the data grows, so a name shared by chance in a million
        // records needs more than the name to be called a match.
        let n = p.rows as f64;
        let all_pairs = (n * (n - 1.0) / 2.0).max(1.0);
        model.prior = (matched / all_pairs).clamp(1e-12, 0.5);
        model
    }

    /// Expectation-maximisation of `m` over the `used` columns of one session, `u` held.
    fn em(
        patterns: &[(Pattern, f64)],
        labelled: &[(Pattern, f64)],
        u: &[[f64; LEVELS]],
        used: &[usize],
    ) -> Vec<[f64; LEVELS]> {
        let mut m = vec![DEFAULT_M; u.len()];
        let mut prior = 0.5;
        let weight = |m: &[[f64; LEVELS]], pt: Pattern| -> f64 {
            used.iter()
                .filter_map(|&c| {
                    level_of(pt, c).map(|l| (m[c][l as usize] / u[c][l as usize]).log2())
                })
                .sum()
        };
        for _ in 0..EM_ROUNDS {
            let mut counts = vec![[0.01; LEVELS]; u.len()];
            let (mut matched, mut total) = (0.0, 0.0);
            let mut add = |pt: Pattern, w: f64, posterior: f64| {
                matched += w * posterior;
                total += w;
                for &c in used {
                    if let Some(l) = level_of(pt, c) {
                        counts[c][l as usize] += w * posterior;
                    }
                }
            };
            for &(pt, count) in patterns {
                let odds = prior / (1.0 - prior) * weight(&m, pt).exp2();
                add(pt, count, odds / (1.0 + odds));
            }
            for &(pt, same) in labelled {
                add(pt, LABEL_WEIGHT, same);
            }
            let next_prior = (matched / total.max(1.0)).clamp(1e-6, 0.999);
            let settled = (next_prior - prior).abs() < 1e-7;
            prior = next_prior;
            m = counts.into_iter().map(|c| floored(normalised(c))).collect();
            if settled {
                break;
            }
        }
        m
    }

    /// `u` from random pairs of records (almost all of them different entities).
    fn estimate_u(p: &Prepared) -> Vec<[f64; LEVELS]> {
        let n = p.rows as u64;
        let columns = p.columns.len();
        if n < 2 {
            return vec![[0.97, 0.01, 0.01, 0.01]; columns];
        }
        let draws = U_SAMPLE.min((n * (n - 1) / 2) as usize);
        let patterns: Vec<Pattern> = (0..draws)
            .into_par_iter()
            .map(|i| {
                let mut rng = SplitMix(i as u64 ^ 0x5EED);
                let a = rng.next() % n;
                let mut b = rng.next() % n;
                if a == b {
                    b = (b + 1) % n;
                }
                pattern(p, a as u32, b as u32)
            })
            .collect();
        (0..columns)
            .map(|c| {
                let mut counts = [1.0; LEVELS];
                for &pt in &patterns {
                    if let Some(l) = level_of(pt, c) {
                        counts[l as usize] += 1.0;
                    }
                }
                normalised(counts)
            })
            .collect()
    }

    /// log2 of the Bayes factor of a pattern (no term frequencies).
    pub fn pattern_weight(&self, pattern: Pattern) -> f64 {
        (0..self.m.len())
            .filter_map(|c| level_of(pattern, c).map(|l| self.level_weight(c, l)))
            .sum()
    }

    pub fn level_weight(&self, column: usize, level: u8) -> f64 {
        (self.m[column][level as usize] / self.u[column][level as usize]).log2()
    }

    /// The evidence of each column for a pair: exact agreement on a rare value weighs more.
    pub fn column_weights(&self, p: &Prepared, a: u32, pattern: Pattern) -> Vec<Option<f64>> {
        (0..self.m.len())
            .map(|c| {
                let l = level_of(pattern, c)?;
                if l == EXACT
                    && term_frequency(self.kinds[c])
                    && let Some(value) = p.value(c, a)
                {
                    // A name may sit in the other name column (swapped names): the commoner use counts.
                    let share = [FieldKind::GivenName, FieldKind::Surname]
                        .into_iter()
                        .filter(|_| {
                            matches!(self.kinds[c], FieldKind::GivenName | FieldKind::Surname)
                        })
                        .filter_map(|k| p.column_of(k))
                        .map(|other| p.share(other, value))
                        .fold(p.share(c, value), f64::max);
                    let u = share.max(1.0 / p.rows.max(1) as f64);
                    return Some((self.m[c][EXACT as usize] / u).log2());
                }
                Some(self.level_weight(c, l))
            })
            .collect()
    }

    pub fn weight(&self, p: &Prepared, a: u32, pattern: Pattern) -> f64 {
        self.column_weights(p, a, pattern)
            .into_iter()
            .flatten()
            .sum()
    }

    /// The probability that a pair of this weight is one entity.
    pub fn probability(&self, weight: f64) -> f64 {
        let odds = self.prior / (1.0 - self.prior) * weight.exp2();
        odds / (1.0 + odds)
    }
}
