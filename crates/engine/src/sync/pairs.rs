//! Sync pairs: suggested, checked and kept.

use std::collections::BTreeMap;

use bridge_model::{
    ConflictPolicy, ConnectionId, FieldRule, NewSyncPair, ObjectSync, ObjectType, SyncPair,
};
use bridge_store::sync_pairs;
use chrono::{DateTime, Utc};

use crate::{Engine, Error, Result};

/// The object types a pair syncs by default, parents first. Deals need a stage on every CRM, and
/// stages are ids of one account: they join once a saved stage mapping carries them.
const DEFAULT_OBJECTS: &[ObjectType] = &[ObjectType::Company, ObjectType::Person, ObjectType::Deal];

impl Engine {
    pub fn sync_pairs(&self) -> Result<Vec<SyncPair>> {
        Ok(self.store.read(sync_pairs::list)?)
    }

    /// A pair as a person would start it: companies, people and (where stages are mapped) deals,
    /// every shared field two-way, new records created on both sides, conflicts to the newer record.
    pub fn suggest_sync_pair(&self, a: ConnectionId, b: ConnectionId) -> Result<NewSyncPair> {
        let (ca, cb) = (self.connection(a)?, self.connection(b)?);
        let stages_mapped = self.account_ids(a, b)?.carries("stage_id");
        let both = |t: &ObjectType| {
            [ca.provider, cb.provider]
                .iter()
                .all(|p| bridge_crm::object_types(*p).contains(t))
                && (*t != ObjectType::Deal || stages_mapped)
        };
        Ok(NewSyncPair {
            name: format!("{} ⇄ {}", ca.label, cb.label),
            a,
            b,
            objects: DEFAULT_OBJECTS
                .iter()
                .filter(|t| both(t))
                .map(|t| ObjectSync {
                    object_type: *t,
                    fields: BTreeMap::new(),
                    default_rule: FieldRule::TwoWay,
                    scope: Vec::new(),
                    create_in_a: true,
                    create_in_b: true,
                })
                .collect(),
            conflicts: ConflictPolicy::MostRecent,
            every_minutes: None,
        })
    }

    pub fn add_sync_pair(&self, pair: &NewSyncPair) -> Result<SyncPair> {
        self.add_sync_pair_at(pair, Utc::now())
    }

    pub(crate) fn add_sync_pair_at(
        &self,
        pair: &NewSyncPair,
        now: DateTime<Utc>,
    ) -> Result<SyncPair> {
        self.check_pair(pair)?;
        let id = self.store.write(|tx| sync_pairs::insert(tx, pair, now))?;
        self.sync_pair(id)
    }

    /// Changes a pair's rules, scope, conflict setting or schedule (its connections stay).
    pub fn update_sync_pair(&self, id: i64, pair: &NewSyncPair) -> Result<SyncPair> {
        let old = self.sync_pair(id)?;
        if (old.a, old.b) != (pair.a, pair.b) {
            return Err(Error::InvalidInput {
                field: "connections",
                message: "a pair's connections cannot change; add a new pair".into(),
            });
        }
        self.check_pair(pair)?;
        self.store.write(|tx| sync_pairs::update(tx, id, pair))?;
        self.sync_pair(id)
    }

    /// Removes a pair with its sync state, unsent writes and conflicts (the records stay in both CRMs).
    pub fn remove_sync_pair(&self, id: i64) -> Result<()> {
        if !self.store.write(|tx| sync_pairs::delete(tx, id))? {
            return Err(Error::NotFound {
                what: "sync pair",
                id: id.to_string(),
            });
        }
        Ok(())
    }

    /// Pairs with a schedule whose last run started at least that long before `now`.
    pub fn due_sync_pairs(&self, now: DateTime<Utc>) -> Result<Vec<i64>> {
        let mut due = Vec::new();
        for pair in self.sync_pairs()? {
            let Some(minutes) = pair.every_minutes.filter(|m| *m > 0) else {
                continue;
            };
            let last = self.sync_runs(Some(pair.id), 1)?.into_iter().next();
            if last.is_none_or(|r| r.started_at + chrono::Duration::minutes(minutes) <= now) {
                due.push(pair.id);
            }
        }
        Ok(due)
    }

    fn check_pair(&self, pair: &NewSyncPair) -> Result<()> {
        let invalid = |field, message: String| Err(Error::InvalidInput { field, message });
        if pair.name.trim().is_empty() {
            return invalid("name", "a sync pair needs a name".into());
        }
        if pair.a == pair.b {
            return invalid(
                "connections",
                "a pair needs two different connections".into(),
            );
        }
        if pair.every_minutes.is_some_and(|m| m < 1) {
            return invalid(
                "every_minutes",
                "a schedule runs every 1 minute or more".into(),
            );
        }
        let (ca, cb) = (self.connection(pair.a)?, self.connection(pair.b)?);
        if pair.objects.is_empty() {
            return invalid("objects", "choose at least one object type to sync".into());
        }
        for o in &pair.objects {
            for c in [&ca, &cb] {
                if !bridge_crm::object_types(c.provider).contains(&o.object_type) {
                    return invalid(
                        "objects",
                        format!("{} has no {} object", c.label, o.object_type),
                    );
                }
            }
            let fields = self.sync_fields(pair.a, pair.b, o.object_type)?;
            if let Some(f) = o.fields.keys().find(|f| !fields.contains(f)) {
                return invalid(
                    "fields",
                    format!(
                        "`{f}` is not a field both {} and {} take for {}; they share: {}",
                        ca.label,
                        cb.label,
                        o.object_type,
                        fields.join(", ")
                    ),
                );
            }
        }
        Ok(())
    }
}
