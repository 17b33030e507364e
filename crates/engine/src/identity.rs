//! The identity map by stable keys: records in different connections with the same e-mail (people)
//! or domain (companies) are one entity. Within one connection such records are duplicates for review,
//! not links, so a key held twice in one connection links nothing.

use std::collections::BTreeMap;

use bridge_dedupe::normalize;
use bridge_model::{ConnectionId, ObjectType, field};
use bridge_store::{
    links::{self, LinkedRecord},
    records,
};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Engine, Result};

/// What linking by keys found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct LinkSummary {
    /// Keys held by records in two or more connections.
    pub entities: usize,
    /// Links added now (a rerun adds none).
    pub added: usize,
    /// Keys skipped because one connection holds them twice (duplicates to review first).
    pub ambiguous: usize,
}

impl Engine {
    /// Links people by e-mail and companies by domain across connections.
    pub fn link_by_keys(&self) -> Result<LinkSummary> {
        let mut summary = LinkSummary::default();
        for (types, key, reason) in [
            (
                &[ObjectType::Person, ObjectType::Lead][..],
                field::EMAIL,
                "email",
            ),
            (&[ObjectType::Company][..], field::DOMAIN, "domain"),
        ] {
            let rows = self.store.read(|c| records::fields_of(c, types, &[]))?;
            let mut by_key: BTreeMap<String, Vec<LinkedRecord>> = BTreeMap::new();
            for r in rows {
                let Some(text) = r.fields.get(key).and_then(|v| v.as_str()) else {
                    continue;
                };
                let normal = if reason == "email" {
                    normalize::email(text)
                } else {
                    normalize::domain(text)
                };
                if let Some(normal) = normal {
                    by_key.entry(normal).or_default().push(LinkedRecord {
                        connection_id: r.connection_id,
                        object_type: r.object_type,
                        remote_id: r.remote_id,
                    });
                }
            }
            let groups: Vec<Vec<LinkedRecord>> = by_key
                .into_values()
                .filter(|records| {
                    let mut accounts: Vec<ConnectionId> =
                        records.iter().map(|r| r.connection_id).collect();
                    accounts.sort();
                    accounts.dedup();
                    let across = accounts.len() > 1;
                    if across && accounts.len() < records.len() {
                        summary.ambiguous += 1;
                        return false;
                    }
                    across
                })
                .collect();
            summary.entities += groups.len();
            let now = Utc::now();
            summary.added += self.store.write(|tx| {
                let mut added = 0;
                for group in &groups {
                    added += links::link(tx, group, reason, now)?.len();
                }
                Ok(added)
            })?;
        }
        Ok(summary)
    }
}
