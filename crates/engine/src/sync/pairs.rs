//! Sync pairs: suggested, checked and kept.

use std::collections::BTreeMap;

use bridge_model::{
    ConflictPolicy, ConnectionId, DeleteRule, FieldRule, NewSyncPair, ObjectSync, ObjectType, Side,
    SyncPair,
};
use bridge_store::{sync_pairs, sync_state};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Engine, Error, Result};

/// The object types a pair syncs by default, parents first. Deals need a stage on every CRM, and
/// stages are ids of one account: they join once a saved stage mapping carries them.
const DEFAULT_OBJECTS: &[ObjectType] = &[ObjectType::Company, ObjectType::Person, ObjectType::Deal];

/// A custom field a pair can keep the other side's ids in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct IdField {
    /// `custom.<key>`, as `ObjectSync::id_in_a` / `id_in_b` take it.
    pub name: String,
    pub label: String,
}

/// An object synced as a person would start it: every shared field two-way, new records created on
/// both sides, deletions not carried.
pub(crate) fn plain_object(object_type: ObjectType) -> ObjectSync {
    ObjectSync {
        object_type,
        fields: BTreeMap::new(),
        default_rule: FieldRule::TwoWay,
        scope: Vec::new(),
        create_in_a: true,
        create_in_b: true,
        deletions: Default::default(),
        id_in_b: None,
        id_in_a: None,
        b_object_type: None,
        across: Vec::new(),
    }
}

impl Engine {
    /// The text custom fields of a connection's object type: where a pair can keep the other
    /// side's ids (asks the CRM).
    pub async fn id_fields(
        &self,
        connection: ConnectionId,
        object_type: ObjectType,
    ) -> Result<Vec<IdField>> {
        let crm = self.client(&self.connection(connection)?)?;
        Ok(crm
            .fields(object_type)
            .await?
            .into_iter()
            .filter(|f| f.custom && f.options.is_empty())
            .map(|f| IdField {
                name: format!("custom.{}", f.key),
                label: f.label,
            })
            .collect())
    }

    /// The values each picklist of a connection's object type takes (asks the CRM), by the
    /// field's name in a pair: where a value map offers them.
    pub async fn field_options(
        &self,
        connection: ConnectionId,
        object_type: ObjectType,
    ) -> Result<BTreeMap<String, Vec<String>>> {
        let c = self.connection(connection)?;
        let crm = self.client(&c)?;
        crate::migrate::options::picklists(crm.as_ref(), c.provider, object_type).await
    }

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
                .map(|t| plain_object(*t))
                .collect(),
            conflicts: ConflictPolicy::MostRecent,
            // Settings' default schedule for new pairs.
            every_minutes: self.settings()?.sync_every_minutes,
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
        // Deletions start to go across from now on: what was deleted while the pair left them alone
        // stays as it is (the records left are kept), so turning the rule on deletes nothing old.
        let started: Vec<ObjectType> = pair
            .objects
            .iter()
            .filter(|o| o.deletions != DeleteRule::DontCarry)
            .filter(|o| {
                old.objects
                    .iter()
                    .find(|x| x.object_type == o.object_type)
                    .is_none_or(|x| x.deletions == DeleteRule::DontCarry)
            })
            .map(|o| o.object_type)
            .collect();
        self.store.write(|tx| {
            sync_pairs::update(tx, id, pair)?;
            for t in &started {
                sync_state::keep_dangling(tx, id, *t, pair.a, pair.b)?;
            }
            Ok(())
        })?;
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
        self.refuse_demo_with_real(pair.a, pair.b, "synced")?;
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
        let mut seen = Vec::new();
        for o in &pair.objects {
            let (ta, tb) = (o.type_on(Side::A), o.type_on(Side::B));
            if seen.contains(&ta) {
                return invalid(
                    "objects",
                    format!(
                        "{} appears twice on {}'s side: each object type of A once (put the CRM \
                         with leads as A to keep its leads and contacts with one type of B)",
                        ta, ca.label
                    ),
                );
            }
            seen.push(ta);
            if ta != tb
                && !matches!(
                    (ta, tb),
                    (ObjectType::Lead, ObjectType::Person) | (ObjectType::Person, ObjectType::Lead)
                )
            {
                return invalid(
                    "objects",
                    format!("{ta} cannot be kept with {tb}: only leads with people (contacts) can"),
                );
            }
            for (c, t) in [(&ca, ta), (&cb, tb)] {
                if !bridge_crm::object_types(c.provider).contains(&t) {
                    return invalid("objects", format!("{} has no {} object", c.label, t));
                }
            }
            for (field, c) in [(&o.id_in_a, &ca), (&o.id_in_b, &cb)] {
                if let Some(f) = field
                    && f.strip_prefix("custom.")
                        .is_none_or(|k| k.trim().is_empty())
                {
                    return invalid(
                        "id_field",
                        format!(
                            "`{f}` cannot keep ids: choose a custom field of {} ({})",
                            c.label, o.object_type
                        ),
                    );
                }
            }
            for f in &o.across {
                for (name, c, t) in [(&f.a, &ca, ta), (&f.b, &cb, tb)] {
                    let custom = name
                        .strip_prefix("custom.")
                        .is_some_and(|k| !k.trim().is_empty());
                    if !custom
                        && !bridge_crm::writable_fields(c.provider, t).contains(&name.as_str())
                    {
                        return invalid(
                            "across",
                            format!("{} does not take `{name}` for {t}", c.label),
                        );
                    }
                }
            }
            let mut fields = self.sync_fields(pair.a, pair.b, ta, o.b_object_type)?;
            fields.extend(o.across.iter().map(|f| f.name()));
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

#[cfg(test)]
mod tests {
    use bridge_model::{NewConnection, Provider};
    use bridge_store::{connections, sync_runs};
    use chrono::{Duration, TimeZone};

    use super::*;

    /// What the app's scheduler asks every 30 seconds.
    #[test]
    fn a_scheduled_pair_is_due_once_its_interval_has_passed_since_its_last_run() {
        let engine = Engine::open_in_memory().unwrap();
        let t0 = Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap();
        let ids = engine
            .store
            .write(|tx| {
                [Provider::Hubspot, Provider::Pipedrive]
                    .iter()
                    .map(|&provider| {
                        connections::insert(
                            tx,
                            &NewConnection {
                                provider,
                                label: provider.label().into(),
                                base_url: "http://127.0.0.1:1".into(),
                                account_id: None,
                                secret_ref: None,
                            },
                            t0,
                        )
                    })
                    .collect::<bridge_store::Result<Vec<_>>>()
            })
            .unwrap();
        let unscheduled = engine.suggest_sync_pair(ids[0], ids[1]).unwrap();
        assert_eq!(
            unscheduled.every_minutes, None,
            "no schedule unless Settings name one"
        );
        engine.set_setting("sync-schedule", "15").unwrap();
        let mut pair = engine.suggest_sync_pair(ids[0], ids[1]).unwrap();
        assert_eq!(pair.every_minutes, Some(15), "Settings' default schedule");
        let scheduled = engine.add_sync_pair_at(&pair, t0).unwrap().id;
        pair.name = "by hand".into();
        pair.every_minutes = None;
        engine.add_sync_pair_at(&pair, t0).unwrap();
        let due = |at| engine.due_sync_pairs(at).unwrap();

        assert_eq!(due(t0), [scheduled], "never run: due at once");
        engine
            .store
            .write(|tx| sync_runs::start_sync(tx, scheduled, t0))
            .unwrap();
        assert!(due(t0 + Duration::seconds(14 * 60 + 59)).is_empty());
        assert_eq!(due(t0 + Duration::minutes(15)), [scheduled]);
        engine
            .store
            .write(|tx| sync_runs::start_sync(tx, scheduled, t0 + Duration::minutes(16)))
            .unwrap();
        assert!(
            due(t0 + Duration::minutes(30)).is_empty(),
            "counted from the last run"
        );
        assert_eq!(due(t0 + Duration::minutes(31)), [scheduled]);
    }
}
