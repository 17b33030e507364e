//! Finding duplicates in the workspace: people (contacts, Close contacts, Salesforce leads) and
//! companies of every connection (or some), across CRMs, with the decisions people made before as
//! labels. Groups are kept for review with the explanation of why their members matched.

use std::collections::HashMap;

use bridge_dedupe::{Column, Deduper, FieldKind, Label, Settings};
use bridge_model::{ConnectionId, ObjectType, Provider, Record, RecordId, field};
use bridge_store::{
    duplicate_groups::{self, NewGroup},
    records::{self, FieldsOf},
};
use chrono::Utc;
use serde::Serialize;
use serde_json::{Value, json};

use crate::{Engine, Result};

/// What a run found.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, ts_rs::TS)]
pub struct DedupeSummary {
    /// Records compared (people and companies).
    pub records: usize,
    /// Candidate pairs scored.
    pub compared: usize,
    /// Groups of two or more records found.
    pub groups: usize,
    /// Of those, groups not seen before (now waiting for review).
    pub new_groups: usize,
}

fn text<'a>(record: &'a FieldsOf, key: &str) -> Option<&'a str> {
    record
        .fields
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// One data set: its columns and how a record becomes a row.
struct Shape {
    object_type: ObjectType,
    columns: &'static [(&'static str, FieldKind)],
}

const PEOPLE: Shape = Shape {
    object_type: ObjectType::Person,
    columns: &[
        ("first_name", FieldKind::GivenName),
        ("last_name", FieldKind::Surname),
        ("email", FieldKind::Email),
        ("phone", FieldKind::Phone),
        ("company", FieldKind::Company),
        ("city", FieldKind::City),
    ],
};

const COMPANIES: Shape = Shape {
    object_type: ObjectType::Company,
    columns: &[
        ("name", FieldKind::Company),
        ("domain", FieldKind::Domain),
        ("phone", FieldKind::Phone),
        ("city", FieldKind::City),
    ],
};

/// A person's row: first and last name (split from a full name where the CRM keeps one), and the
/// company by name, looked up through the company link where the CRM keeps only that.
fn person_row(
    r: &FieldsOf,
    company_names: &HashMap<(ConnectionId, String), String>,
) -> Vec<String> {
    let full = text(r, field::NAME).unwrap_or_default();
    let (first, last) = match (text(r, field::FIRST_NAME), text(r, field::LAST_NAME)) {
        (None, None) => full.rsplit_once(' ').unwrap_or(("", full)),
        (f, l) => (f.unwrap_or_default(), l.unwrap_or_default()),
    };
    let company = text(r, field::COMPANY)
        .map(str::to_owned)
        .or_else(|| {
            let link = text(r, "company_id")?;
            company_names
                .get(&(r.connection_id, link.to_owned()))
                .cloned()
        })
        .unwrap_or_default();
    vec![
        first.to_owned(),
        last.to_owned(),
        text(r, field::EMAIL).unwrap_or_default().to_owned(),
        text(r, field::PHONE).unwrap_or_default().to_owned(),
        company,
        text(r, "city").unwrap_or_default().to_owned(),
    ]
}

fn company_row(r: &FieldsOf) -> Vec<String> {
    ["name", "domain", "phone", "city"]
        .iter()
        .map(|k| text(r, k).unwrap_or_default().to_owned())
        .collect()
}

impl Engine {
    /// Finds duplicate people and companies among the records of `connections` (all when empty),
    /// within and across CRMs, and keeps the groups not seen before for review.
    pub fn find_duplicates(&self, connections: &[ConnectionId]) -> Result<DedupeSummary> {
        let job = crate::logging::Job::start(
            "find-duplicates",
            &format!("{} connections", connections.len()),
        );
        let found = self.find_duplicates_unlogged(connections);
        job.end(&found, |s| {
            format!(
                "{} records, {} groups, {} new",
                s.records, s.groups, s.new_groups
            )
        });
        found
    }

    fn find_duplicates_unlogged(&self, connections: &[ConnectionId]) -> Result<DedupeSummary> {
        let settings = self.settings()?;
        let (mut people, mut companies, decided) = self.store.read(|conn| {
            Ok((
                records::fields_of(conn, &[ObjectType::Person, ObjectType::Lead], connections)?,
                records::fields_of(conn, &[ObjectType::Company], connections)?,
                duplicate_groups::decided(conn)?,
            ))
        })?;
        // Local ids follow the order pulls happened to arrive in; the CRMs' own ids do not, so the
        // random pairs the model learns from, and with them the borderline pairs, are the same each run.
        for list in [&mut people, &mut companies] {
            list.sort_by(|a, b| {
                (a.connection_id, a.object_type, &a.remote_id).cmp(&(
                    b.connection_id,
                    b.object_type,
                    &b.remote_id,
                ))
            });
        }
        let company_names: HashMap<(ConnectionId, String), String> = companies
            .iter()
            .filter_map(|c| {
                let name = text(c, field::NAME)?;
                Some(((c.connection_id, c.remote_id.clone()), name.to_owned()))
            })
            .collect();
        let people_rows: Vec<Vec<String>> = people
            .iter()
            .map(|r| person_row(r, &company_names))
            .collect();
        let company_rows: Vec<Vec<String>> = companies.iter().map(company_row).collect();
        let mut summary = DedupeSummary {
            records: people.len() + companies.len(),
            compared: 0,
            groups: 0,
            new_groups: 0,
        };
        let mut found = Vec::new();
        for (shape, records, rows) in [
            (&PEOPLE, &people, &people_rows),
            (&COMPANIES, &companies, &company_rows),
        ] {
            if records.len() < 2 {
                continue;
            }
            let groups = detect(shape, records, rows, &decided, &settings);
            summary.compared += groups.0;
            found.extend(groups.1);
        }
        summary.groups = found.len();
        let now = Utc::now();
        summary.new_groups = self.store.write(|tx| {
            let mut new = 0;
            for group in &found {
                new += usize::from(duplicate_groups::insert(tx, group, now)?);
            }
            Ok(new)
        })?;
        Ok(summary)
    }
}

/// Runs detection on one data set; returns the pairs compared and the groups.
fn detect(
    shape: &Shape,
    records: &[FieldsOf],
    rows: &[Vec<String>],
    decided: &[(bool, Vec<RecordId>)],
    settings: &bridge_model::Settings,
) -> (usize, Vec<NewGroup>) {
    let row_of: HashMap<RecordId, u32> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id, i as u32))
        .collect();
    // Each earlier decision is a label on every pair of its members still in the data set.
    let mut labels = Vec::new();
    for (same, members) in decided {
        let rows: Vec<u32> = members
            .iter()
            .filter_map(|m| row_of.get(m).copied())
            .collect();
        for (i, &a) in rows.iter().enumerate() {
            for &b in &rows[i + 1..] {
                labels.push(Label { a, b, same: *same });
            }
        }
    }
    let columns: Vec<Column> = shape
        .columns
        .iter()
        .map(|(name, kind)| Column {
            name: (*name).into(),
            kind: *kind,
        })
        .collect();
    let deduper = Deduper::new(
        columns,
        rows,
        Settings {
            labels,
            region: settings.phone_region.clone(),
            review: settings.review_threshold,
            automatic: settings.automatic_threshold,
            ..Settings::default()
        },
    );
    let outcome = deduper.run();
    // For each record, its strongest pair inside its group: what tied it to the group.
    let mut strongest: HashMap<u32, (u32, f64)> = HashMap::new();
    let mut weakest: HashMap<u32, f64> = HashMap::new();
    for c in &outcome.candidates {
        let group = outcome.groups[c.a as usize];
        if group != outcome.groups[c.b as usize] {
            continue;
        }
        let w = weakest.entry(group).or_insert(1.0);
        *w = w.min(c.probability);
        for (x, y) in [(c.a, c.b), (c.b, c.a)] {
            let best = strongest.entry(x).or_insert((y, 0.0));
            if c.probability > best.1 {
                *best = (y, c.probability);
            }
        }
    }
    let groups = outcome
        .group_members()
        .into_iter()
        .map(|members| {
            let group = outcome.groups[members[0] as usize];
            let pairs: Vec<Value> = members[1..]
                .iter()
                .filter_map(|&m| {
                    let (other, _) = *strongest.get(&m)?;
                    let why = deduper.explain(&outcome.model, other, m);
                    Some(json!({
                        "a": records[other as usize].id.0,
                        "b": records[m as usize].id.0,
                        "probability": why.probability,
                        "weight": why.weight,
                        "evidence": why.evidence,
                    }))
                })
                .collect();
            let object_type = members
                .iter()
                .map(|&m| records[m as usize].object_type)
                .min()
                .unwrap_or(shape.object_type);
            NewGroup {
                object_type,
                // The group is as strong as the weakest pair that holds it together.
                score: weakest.get(&group).copied().unwrap_or(0.0),
                members: members.iter().map(|&m| records[m as usize].id).collect(),
                explanation: json!({ "pairs": pairs }).to_string(),
            }
        })
        .collect();
    (outcome.compared, groups)
}

/// A member of a group: the record, and the CRM account it lives in.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, ts_rs::TS)]
pub struct DuplicateMember {
    pub record: Record,
    pub provider: Provider,
    pub connection_label: String,
}

/// One field's part in why two records matched.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, ts_rs::TS)]
pub struct MatchEvidence {
    pub column: String,
    pub left: Option<String>,
    pub right: Option<String>,
    /// "exact", "close", "partial", "different" or "missing".
    pub agreement: String,
    /// log2 of how much more likely this agreement is for one entity than for two (negative: against).
    pub weight: f64,
}

/// Why two members matched.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, ts_rs::TS)]
pub struct PairExplanation {
    pub a: RecordId,
    pub b: RecordId,
    pub probability: f64,
    pub evidence: Vec<MatchEvidence>,
}

/// A group as the review screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, ts_rs::TS)]
pub struct DuplicateGroup {
    pub id: i64,
    pub object_type: ObjectType,
    pub score: f64,
    /// "open", "merged", "dismissed" or "skipped".
    pub status: String,
    pub members: Vec<DuplicateMember>,
    pub pairs: Vec<PairExplanation>,
}

impl Engine {
    /// A group with its members' records and the explanation of each match.
    pub fn duplicate_group(&self, id: i64) -> Result<DuplicateGroup> {
        let (detail, members) = self.store.read(|conn| {
            let Some(detail) = duplicate_groups::get(conn, id)? else {
                return Ok((None, Vec::new()));
            };
            let mut members = Vec::new();
            for record_id in &detail.members {
                if let Some(record) = records::get(conn, *record_id)? {
                    let connection = bridge_store::connections::get(conn, record.connection_id)?;
                    members.push((record, connection));
                }
            }
            Ok((Some(detail), members))
        })?;
        let detail = detail.ok_or_else(|| crate::Error::NotFound {
            what: "duplicate group",
            id: id.to_string(),
        })?;
        let explanation: Value = serde_json::from_str(&detail.explanation).unwrap_or(Value::Null);
        let pairs = explanation["pairs"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| {
                Some(PairExplanation {
                    a: RecordId(p["a"].as_i64()?),
                    b: RecordId(p["b"].as_i64()?),
                    probability: p["probability"].as_f64()?,
                    evidence: p["evidence"]
                        .as_array()?
                        .iter()
                        .map(|e| MatchEvidence {
                            column: e["column"].as_str().unwrap_or_default().to_owned(),
                            left: e["left"].as_str().map(str::to_owned),
                            right: e["right"].as_str().map(str::to_owned),
                            agreement: e["agreement"].as_str().unwrap_or_default().to_owned(),
                            weight: e["weight"].as_f64().unwrap_or_default(),
                        })
                        .collect(),
                })
            })
            .collect();
        Ok(DuplicateGroup {
            id,
            object_type: detail.object_type,
            score: detail.score,
            status: detail.status,
            members: members
                .into_iter()
                .map(|(record, connection)| DuplicateMember {
                    provider: connection
                        .as_ref()
                        .map_or(Provider::Hubspot, |c| c.provider),
                    connection_label: connection.map(|c| c.label).unwrap_or_default(),
                    record,
                })
                .collect(),
            pairs,
        })
    }

    /// "Not a duplicate": the group leaves the review list, and its pairs teach the next run.
    pub fn dismiss_duplicate_group(&self, id: i64) -> Result<()> {
        let changed = self
            .store
            .write(|tx| duplicate_groups::decide(tx, id, "dismissed", Utc::now()))?;
        if changed {
            Ok(())
        } else {
            Err(crate::Error::NotFound {
                what: "open duplicate group",
                id: id.to_string(),
            })
        }
    }

    /// Undoes "Not a duplicate": the group is back in the review list, and the next "Find duplicates"
    /// no longer takes its records for different entities.
    pub fn reopen_duplicate_group(&self, id: i64) -> Result<()> {
        let changed = self
            .store
            .write(|tx| duplicate_groups::reopen_dismissed(tx, id))?;
        if changed {
            Ok(())
        } else {
            Err(crate::Error::NotFound {
                what: "dismissed duplicate group",
                id: id.to_string(),
            })
        }
    }
}
