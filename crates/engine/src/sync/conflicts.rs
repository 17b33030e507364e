//! The Conflicts inbox: fields both sides changed that the rules could not settle, and deletions the
//! pair asks about. A person picks a side per field; the picked value is written to the other side
//! through the outbox. For a deletion the pick (under [`RECORD`]) is the side whose state stands:
//! the side it was deleted on carries the deletion across, the other keeps the record.

use std::collections::BTreeMap;

use bridge_model::{
    ConflictField, ConnectionId, Fields, ObjectType, Side, SyncCounts, WriteOperation,
};
use bridge_store::{conflicts, outbox, outbox::NewOutboxWrite, records, sync_state};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::plan::{LINKS, delete_write, went_across};

/// The pick of a deletion conflict.
pub const RECORD: &str = "record";
use crate::{Cancel, Engine, Error, Result};

/// One record pair's conflict, as the inbox shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Conflict {
    pub id: i64,
    pub pair_id: i64,
    pub pair_name: String,
    pub object_type: ObjectType,
    pub a_connection: ConnectionId,
    pub b_connection: ConnectionId,
    pub a_label: String,
    pub b_label: String,
    pub a_remote_id: String,
    pub b_remote_id: String,
    pub a_name: String,
    pub b_name: String,
    pub fields: Vec<ConflictField>,
    /// A deletion: the side the record was deleted on (`fields` is empty; pick under [`RECORD`]).
    pub deleted_side: Option<Side>,
    /// The names of the records a link field's values point at (ids of side A), for showing them.
    pub link_names: BTreeMap<String, String>,
    pub created_at: DateTime<Utc>,
}

impl Engine {
    /// Open conflicts (of one pair, or every pair), oldest first.
    pub fn conflicts(&self, pair: Option<i64>) -> Result<Vec<Conflict>> {
        let rows = self.store.read(|c| conflicts::list_open(c, pair))?;
        let pairs = self.sync_pairs()?;
        let connections = self.connections()?;
        let label = |id: ConnectionId| {
            connections
                .iter()
                .find(|c| c.id == id)
                .map(|c| c.label.clone())
                .unwrap_or_else(|| format!("connection {}", id.0))
        };
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let p = pairs.iter().find(|p| p.id == r.pair_id)?;
                let mut link_names = BTreeMap::new();
                for f in &r.fields {
                    let Some((_, parent)) = LINKS.iter().find(|(name, _)| *name == f.field) else {
                        continue;
                    };
                    for id in [&f.a, &f.b, &f.synced]
                        .into_iter()
                        .filter_map(|v| v.as_str())
                    {
                        let name = self
                            .store
                            .read(|c| records::display_name_of(c, p.a, *parent, id))
                            .ok()
                            .flatten();
                        if let Some(name) = name {
                            link_names.insert(id.to_owned(), name);
                        }
                    }
                }
                Some(Conflict {
                    id: r.id,
                    pair_id: p.id,
                    pair_name: p.name.clone(),
                    object_type: r.object_type,
                    a_connection: p.a,
                    b_connection: p.b,
                    a_label: label(p.a),
                    b_label: label(p.b),
                    a_remote_id: r.a_remote_id,
                    b_remote_id: r.b_remote_id,
                    a_name: r.a_name,
                    b_name: r.b_name,
                    fields: r.fields,
                    deleted_side: r.deleted_side,
                    link_names,
                    created_at: r.created_at,
                })
            })
            .collect())
    }

    /// Settles a conflict with a side picked for every field: the picked values are written to the
    /// other side (a refused write waits in the failed-records queue like any other).
    pub async fn resolve_conflict(
        &self,
        id: i64,
        picks: &BTreeMap<String, Side>,
    ) -> Result<SyncCounts> {
        let row = self
            .store
            .read(|c| conflicts::get(c, id))?
            .filter(|r| r.open)
            .ok_or_else(|| Error::NotFound {
                what: "open conflict",
                id: id.to_string(),
            })?;
        if let Some(gone) = row.deleted_side {
            return self.settle_deletion(&row, gone, picks).await;
        }
        if let Some(f) = row.fields.iter().find(|f| !picks.contains_key(&f.field)) {
            return Err(Error::InvalidInput {
                field: "picks",
                message: format!("pick A or B for `{}` of {}", f.field, row.a_name),
            });
        }
        let pair = self.sync_pair(row.pair_id)?;
        let (mut to_a, mut to_b) = (Fields::new(), Fields::new());
        for f in &row.fields {
            match picks[&f.field] {
                Side::A => to_b.insert(f.field.clone(), f.a.clone()),
                Side::B => to_a.insert(f.field.clone(), f.b.clone()),
            };
        }
        let mut crosswalk = self.crosswalk(&pair)?;
        for (_, parent) in LINKS {
            let states = self.store.read(|c| sync_state::list(c, pair.id, *parent))?;
            crosswalk.add(*parent, &states);
        }
        let write =
            |side, source: &str, target: &str, fields: Fields, synced: Fields| NewOutboxWrite {
                pair_id: pair.id,
                object_type: row.object_type,
                side,
                operation: WriteOperation::Update,
                source_remote_id: source.to_owned(),
                remote_id: Some(target.to_owned()),
                fields,
                synced,
            };
        let mut writes = Vec::new();
        if !to_a.is_empty() {
            writes.push(write(
                Side::A,
                &row.b_remote_id,
                &row.a_remote_id,
                crosswalk.finish(row.object_type, to_a.clone(), Side::A),
                to_a,
            ));
        }
        let carried = crosswalk.carry(&to_b, Side::B);
        if !carried.is_empty() {
            let synced = went_across(to_b, &carried);
            writes.push(write(
                Side::B,
                &row.a_remote_id,
                &row.b_remote_id,
                crosswalk.finish(row.object_type, carried, Side::B),
                synced,
            ));
        }
        let now = Utc::now();
        let ids = self.store.write(|tx| {
            let mut ids = Vec::new();
            for w in &writes {
                ids.extend(outbox::queue(tx, w, None, now)?);
            }
            conflicts::resolve(tx, id, picks, now)?;
            Ok(ids)
        })?;
        let queued = self.store.read(|c| outbox::get_many(c, &ids))?;
        let sent = self
            .send_writes(&pair, queued, None, &Cancel::default(), &|_, _| {})
            .await?;
        Ok(sent.counts)
    }
}

impl Engine {
    /// A deletion conflict settled: the side it was deleted on picked carries the deletion across
    /// (through the outbox, kept for undo like any carried deletion); the other side picked keeps
    /// its record, which the sync leaves alone from then on (neither deleting it nor creating it
    /// again where it was deleted).
    async fn settle_deletion(
        &self,
        row: &conflicts::Conflict,
        gone: Side,
        picks: &BTreeMap<String, Side>,
    ) -> Result<SyncCounts> {
        let Some(pick) = picks.get(RECORD) else {
            return Err(Error::InvalidInput {
                field: "picks",
                message: format!(
                    "pick a side under `{RECORD}` for {}: the side it was deleted on deletes it on \
                     the other too, the other side keeps it",
                    row.a_name
                ),
            });
        };
        let pair = self.sync_pair(row.pair_id)?;
        let now = Utc::now();
        if *pick != gone {
            self.store.write(|tx| {
                sync_state::keep(
                    tx,
                    pair.id,
                    row.object_type,
                    &row.a_remote_id,
                    &row.b_remote_id,
                    now,
                )?;
                conflicts::resolve(tx, row.id, picks, now)
            })?;
            return Ok(SyncCounts::default());
        }
        let (source, target) = match gone {
            Side::A => (&row.a_remote_id, &row.b_remote_id),
            Side::B => (&row.b_remote_id, &row.a_remote_id),
        };
        let write = delete_write(pair.id, row.object_type, gone, source, target);
        let ids = self.store.write(|tx| {
            let ids = outbox::queue(tx, &write, None, now)?;
            conflicts::resolve(tx, row.id, picks, now)?;
            Ok(ids)
        })?;
        let queued = self
            .store
            .read(|c| outbox::get_many(c, &Vec::from_iter(ids)))?;
        let sent = self
            .send_writes(&pair, queued, None, &Cancel::default(), &|_, _| {})
            .await?;
        Ok(sent.counts)
    }
}
