//! Duplicate detection as pure functions: normalise each value, block into candidate pairs over
//! several keys, compare field by field, weigh the evidence with a Fellegi-Sunter model estimated on the
//! data itself, and group the pairs without letting weak links chain unrelated records together.
//!
//! Records are rows of text with a kind per column, so CRM records (any CRM, mixed) and spreadsheet
//! rows go through the same code.

mod block;
mod compare;
mod group;
mod kind;
pub mod merge_plan;
mod model;
mod nicknames;
pub mod normalize;
mod prepare;
pub mod synth;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use block::skeleton;
pub use kind::FieldKind;
pub use model::{Label, Model};
pub use prepare::Column;

use prepare::Prepared;

/// Pairs per blocking pass the model is estimated from.
const SESSION_SAMPLE: usize = 200_000;

/// How to find duplicates in one data set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Where phone numbers without a country code are (ISO 3166, "US").
    pub region: String,
    /// From this probability a pair is judged one entity and shown for review.
    pub review: f64,
    /// From this probability a pair is safe to merge without a person looking.
    pub automatic: f64,
    /// The most records one group may hold.
    pub max_group: usize,
    /// People's earlier decisions on pairs of these rows.
    pub labels: Vec<Label>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            region: "US".into(),
            review: 0.5,
            automatic: 0.995,
            max_group: 20,
            labels: Vec::new(),
        }
    }
}

/// A pair judged to be one entity.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub a: u32,
    pub b: u32,
    pub probability: f64,
    /// log2 of the Bayes factor: the sum of every field's evidence.
    pub weight: f64,
}

/// What the data set came to.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub model: Model,
    /// Pairs at or above the review threshold, most likely first.
    pub candidates: Vec<Candidate>,
    /// The group of every row (rows alone in their group have a group of their own).
    pub groups: Vec<u32>,
    /// How many candidate pairs blocking produced and were scored.
    pub compared: usize,
}

impl Outcome {
    /// The members of every group of two or more, in row order.
    pub fn group_members(&self) -> Vec<Vec<u32>> {
        let mut by_group: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
        for (row, &g) in self.groups.iter().enumerate() {
            by_group.entry(g).or_default().push(row as u32);
        }
        by_group.into_values().filter(|m| m.len() > 1).collect()
    }
}

/// One field's part in a pair's score: why two records matched (or did not).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub column: String,
    pub kind: FieldKind,
    pub left: Option<String>,
    pub right: Option<String>,
    /// "exact", "close", "partial", "different", or "missing".
    pub agreement: String,
    /// log2 Bayes factor this field adds (negative: evidence against).
    pub weight: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    pub evidence: Vec<Evidence>,
    pub weight: f64,
    pub probability: f64,
}

/// A data set prepared once, then scored and explained.
pub struct Deduper {
    columns: Vec<Column>,
    prepared: Prepared,
    settings: Settings,
}

impl Deduper {
    /// `rows[i][c]` is the text of column `c` of record `i`.
    pub fn new(columns: Vec<Column>, rows: &[Vec<String>], settings: Settings) -> Self {
        let prepared = Prepared::new(&columns, rows, &settings.region);
        Deduper {
            columns,
            prepared,
            settings,
        }
    }

    pub fn run(&self) -> Outcome {
        let p = &self.prepared;
        let passes = block::pass_pairs(p);
        let pairs = block::union(&passes);
        let patterns: Vec<model::Pattern> = pairs
            .par_iter()
            .map(|&(a, b)| model::pattern(p, a, b))
            .collect();
        // Each training pass's pairs are among the candidates, whose patterns are computed: found by
        // binary search in the sorted candidate list, not compared again.
        let sessions: Vec<model::Session> = passes
            .par_iter()
            .filter(|pass| pass.trains)
            .map(|pass| model::Session {
                excluded: pass.columns.clone(),
                // A sample is enough to estimate from; every pair is scored below anyway.
                patterns: pass
                    .pairs
                    .iter()
                    .step_by((pass.pairs.len() / SESSION_SAMPLE).max(1))
                    .filter_map(|&k| {
                        let i = pairs.binary_search(&((k >> 32) as u32, k as u32)).ok()?;
                        Some(patterns[i])
                    })
                    .collect(),
            })
            .collect();
        drop(passes);
        let model = Model::fit(p, &sessions, &patterns, &self.settings.labels);
        let mut candidates: Vec<Candidate> = pairs
            .par_iter()
            .zip(patterns.par_iter())
            .filter_map(|(&(a, b), &pt)| {
                let weight = model.weight(p, a, pt);
                let probability = model.probability(weight);
                (probability >= self.settings.review).then_some(Candidate {
                    a,
                    b,
                    probability,
                    weight,
                })
            })
            .collect();
        candidates.par_sort_unstable_by(|x, y| {
            y.probability
                .total_cmp(&x.probability)
                .then(x.a.cmp(&y.a))
                .then(x.b.cmp(&y.b))
        });
        let groups = group::groups(p.rows, &candidates, &self.settings);
        Outcome {
            model,
            candidates,
            groups,
            compared: pairs.len(),
        }
    }

    /// Why rows `a` and `b` match or not, field by field.
    pub fn explain(&self, model: &Model, a: u32, b: u32) -> Explanation {
        let p = &self.prepared;
        let pattern = model::pattern(p, a, b);
        let weights = model.column_weights(p, a, pattern);
        let evidence = p
            .columns
            .iter()
            .enumerate()
            .map(|(c, &(input, kind))| {
                let level = model::level_of(pattern, c);
                Evidence {
                    column: self.columns[input].name.clone(),
                    kind,
                    left: p.value(c, a).map(str::to_owned),
                    right: p.value(c, b).map(str::to_owned),
                    agreement: match level {
                        Some(3) => "exact",
                        Some(2) => "close",
                        Some(1) => "partial",
                        Some(_) => "different",
                        None => "missing",
                    }
                    .into(),
                    weight: weights[c].unwrap_or(0.0),
                }
            })
            .collect();
        let weight = weights.into_iter().flatten().sum();
        Explanation {
            evidence,
            weight,
            probability: model.probability(weight),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people(rows: &[[&str; 4]]) -> Deduper {
        let columns = [
            ("first", FieldKind::GivenName),
            ("last", FieldKind::Surname),
            ("email", FieldKind::Email),
            ("company", FieldKind::Company),
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
        Deduper::new(columns, &rows, Settings::default())
    }

    #[test]
    fn the_explanation_says_which_fields_agreed_and_how_much_each_weighed() {
        let mut rows = vec![
            ["William", "Smith", "w.smith@acme.com", "Acme Inc"],
            ["Bill", "Smith", "W.Smith+crm@acme.com", "ACME"],
        ];
        let filler: Vec<[String; 4]> = (0..300)
            .map(|i| {
                [
                    format!("Given{i}"),
                    format!("Family{i}"),
                    format!("p{i}@firm{i}.example"),
                    format!("Firm {i}"),
                ]
            })
            .collect();
        rows.extend(
            filler
                .iter()
                .map(|r| [r[0].as_str(), r[1].as_str(), r[2].as_str(), r[3].as_str()]),
        );
        let deduper = people(&rows);
        let outcome = deduper.run();
        assert_eq!(outcome.groups[0], outcome.groups[1], "Bill is William");
        let why = deduper.explain(&outcome.model, 0, 1);
        let by_column = |c: &str| why.evidence.iter().find(|e| e.column == c).unwrap();
        assert_eq!(by_column("first").agreement, "exact", "Bill = William");
        assert_eq!(
            by_column("email").agreement,
            "exact",
            "+tag and case ignored"
        );
        assert_eq!(by_column("company").left.as_deref(), Some("acme"));
        assert!(by_column("email").weight > 0.0);
        let total: f64 = why.evidence.iter().map(|e| e.weight).sum();
        assert!((total - why.weight).abs() < 1e-9, "the parts add up");
        assert!(why.probability > 0.99);
    }

    #[test]
    fn decisions_teach_the_model() {
        let data = synth::people(3000, 11);
        let build = |labels: Vec<Label>| {
            let settings = Settings {
                labels,
                ..Settings::default()
            };
            Deduper::new(data.columns.clone(), &data.rows, settings)
                .run()
                .model
        };
        let before = build(Vec::new());
        // A person says: these records with different e-mails are the same person, many times over.
        let email = data
            .columns
            .iter()
            .position(|c| c.kind == FieldKind::Email)
            .unwrap();
        let mut labels = Vec::new();
        for a in 0..data.rows.len() {
            for b in a + 1..(a + 40).min(data.rows.len()) {
                let (ea, eb) = (&data.rows[a][email], &data.rows[b][email]);
                if data.truth[a] == data.truth[b] && !ea.is_empty() && !eb.is_empty() && ea != eb {
                    labels.push(Label {
                        a: a as u32,
                        b: b as u32,
                        same: true,
                    });
                }
            }
        }
        assert!(!labels.is_empty());
        let after = build(labels);
        let col = before
            .kinds
            .iter()
            .position(|k| *k == FieldKind::Email)
            .unwrap();
        assert!(
            after.m[col][0] > before.m[col][0],
            "a different e-mail counts less against a match once people said so: {} -> {}",
            before.m[col][0],
            after.m[col][0]
        );
    }
}
