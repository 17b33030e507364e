//! Leads a pair keeps with contacts (a Salesforce lead with a HubSpot contact), and records one
//! object of a pair holds that another must leave alone. A converted lead is Salesforce's read-only
//! record of what became a contact and an account: its link is followed to that contact where the
//! pair keeps contacts too, and it is neither synced nor created again.

use std::collections::HashSet;

use bridge_model::{
    ConnectionId, FieldAcross, FieldRule, Fields, ObjectSync, ObjectType, Side, SyncPair, Transform,
};
use bridge_store::{links, outbox, records, sync_state};
use chrono::Utc;
use serde_json::Value;

use super::{pairs::plain_object, plan::identity_key};
use crate::{
    Engine, Error, Result,
    migrate::{mapping::lead_status_rules, options::picklists},
};

/// Records an object of a pair leaves alone, per side, and the keys a record left unmatched must
/// not be created under on the other side.
#[derive(Debug, Default)]
pub(crate) struct Held {
    pub a: HashSet<String>,
    pub b: HashSet<String>,
    /// A record of B holding one is not created in A (it links to a lead, or was a converted one).
    pub not_in_a: HashSet<String>,
    /// A record of A holding one is not created in B (B's record is kept with another object).
    pub not_in_b: HashSet<String>,
}

fn converted(fields: &Fields) -> bool {
    fields.get("converted") == Some(&Value::Bool(true))
}

impl Held {
    /// Takes out of the views what is held, converted leads, and the links either is in (their
    /// other record is held too: it stays linked, not created again).
    pub fn set_aside(
        &mut self,
        rules: &ObjectSync,
        a: &mut Vec<records::SyncView>,
        b: &mut Vec<records::SyncView>,
        states: &mut Vec<sync_state::Synced>,
    ) {
        self.a.extend(
            a.iter()
                .filter(|r| converted(&r.fields))
                .map(|r| r.remote_id.clone()),
        );
        self.b.extend(
            b.iter()
                .filter(|r| converted(&r.fields))
                .map(|r| r.remote_id.clone()),
        );
        states.retain(|s| {
            let out = self.a.contains(&s.a_remote_id) || self.b.contains(&s.b_remote_id);
            if out {
                self.a.insert(s.a_remote_id.clone());
                self.b.insert(s.b_remote_id.clone());
            }
            !out
        });
        // A converted lead's person is not created again; a B record another object keeps is not
        // created a second time from here.
        for (views, held, keys, side) in [
            (a, &self.a, &mut self.not_in_a, Side::A),
            (b, &self.b, &mut self.not_in_b, Side::B),
        ] {
            views.retain(|r| {
                if !held.contains(&r.remote_id) {
                    return true;
                }
                keys.extend(identity_key(rules.type_on(side), &r.fields));
                false
            });
        }
    }
}

impl Engine {
    /// The leads of `a` kept with the people (contacts) of `b`, as a person would start it: every
    /// shared field two-way, the lead's status with the contact's lead status (two-way) and
    /// lifecycle stage (from the lead only: HubSpot's stages go one way), by the words of each
    /// status; new leads created as contacts, not the other way round (a contact is a lead only
    /// where a person says so).
    pub async fn suggest_lead_sync(&self, a: ConnectionId, b: ConnectionId) -> Result<ObjectSync> {
        let (ca, cb) = (self.connection(a)?, self.connection(b)?);
        if !bridge_crm::object_types(ca.provider).contains(&ObjectType::Lead) {
            return Err(Error::InvalidInput {
                field: "objects",
                message: format!("{} has no leads: put the CRM with leads as A", ca.label),
            });
        }
        let (sa, sb) = (self.client(&ca)?, self.client(&cb)?);
        let statuses = picklists(sa.as_ref(), ca.provider, ObjectType::Lead)
            .await?
            .remove("status")
            .unwrap_or_default();
        let options = picklists(sb.as_ref(), cb.provider, ObjectType::Person).await?;
        let across = lead_status_rules(&statuses, &options)
            .into_iter()
            .filter_map(|f| {
                let Transform::ValueMap { mut map, otherwise } = f.transform else {
                    return None;
                };
                // Every status the CRM lists has a value: one no word matched takes the default.
                if let Some(otherwise) = otherwise {
                    for s in &statuses {
                        map.entry(s.clone()).or_insert_with(|| otherwise.clone());
                    }
                }
                let rule = if f.target == "lifecycle_stage" {
                    FieldRule::AlwaysA
                } else {
                    FieldRule::TwoWay
                };
                Some(FieldAcross {
                    a: f.source,
                    b: f.target,
                    rule,
                    values: map,
                })
            })
            .collect();
        Ok(ObjectSync {
            b_object_type: Some(ObjectType::Person),
            create_in_a: false,
            across,
            ..plain_object(ObjectType::Lead)
        })
    }

    /// The records of `rules`' B type another object of the pair keeps (linked, or waiting to be
    /// written from): a contact kept with a lead is not kept with a Salesforce contact too; and the
    /// keys of that object's A records (a contact of B holding a lead's e-mail links to the lead).
    pub(crate) fn held_elsewhere(&self, pair: &SyncPair, rules: &ObjectSync) -> Result<Held> {
        let mut held = Held::default();
        for o in &pair.objects {
            if o.object_type == rules.object_type || o.type_on(Side::B) != rules.type_on(Side::B) {
                continue;
            }
            let (states, waiting, theirs) = self.store.read(|c| {
                Ok((
                    sync_state::list(c, pair.id, o.object_type)?,
                    outbox::waiting(c, pair.id, o.object_type, Side::A)?,
                    records::sync_view(c, pair.a, o.type_on(Side::A))?,
                ))
            })?;
            // A converted lead's record is its contact's now.
            let converted_ids: HashSet<&str> = theirs
                .iter()
                .filter(|r| converted(&r.fields))
                .map(|r| r.remote_id.as_str())
                .collect();
            held.b.extend(
                states
                    .into_iter()
                    .filter(|s| !converted_ids.contains(s.a_remote_id.as_str()))
                    .map(|s| s.b_remote_id),
            );
            held.b.extend(waiting.into_keys());
            // A record of B matching a lead links to it there, not created in A as a contact.
            held.not_in_a.extend(
                theirs
                    .iter()
                    .filter(|r| !converted(&r.fields))
                    .filter_map(|r| identity_key(o.type_on(Side::A), &r.fields)),
            );
        }
        Ok(held)
    }

    /// Links the contact each converted lead of the pair became to the record the lead was kept
    /// with, where the pair keeps Salesforce contacts with that type too: the contact goes on from
    /// the lead's sync state, and joins the lead in the identity map.
    pub(crate) fn follow_conversions(&self, pair: &SyncPair) -> Result<()> {
        let leads = pair.objects.iter().find(|o| {
            o.object_type == ObjectType::Lead && o.type_on(Side::B) == ObjectType::Person
        });
        let contacts = pair
            .object(ObjectType::Person)
            .filter(|o| o.type_on(Side::B) == ObjectType::Person);
        let (Some(leads), Some(_)) = (leads, contacts) else {
            return Ok(());
        };
        let now = Utc::now();
        self.store.write(|tx| {
            let lead_states = sync_state::list(tx, pair.id, ObjectType::Lead)?;
            let people = sync_state::list(tx, pair.id, ObjectType::Person)?;
            let taken_a: HashSet<String> = people.iter().map(|s| s.a_remote_id.clone()).collect();
            let taken_b: HashSet<String> = people.into_iter().map(|s| s.b_remote_id).collect();
            let views = records::sync_view(tx, pair.a, ObjectType::Lead)?;
            let contact_of = |lead: &str| {
                views
                    .iter()
                    .find(|r| r.remote_id == lead && converted(&r.fields))
                    .and_then(|r| r.fields.get("converted_person_id")?.as_str())
                    .map(str::to_owned)
            };
            for s in lead_states {
                let Some(contact) = contact_of(&s.a_remote_id) else {
                    continue;
                };
                // The contact must be in the mirror: a link to a record not there reads as deleted.
                if taken_a.contains(&contact)
                    || taken_b.contains(&s.b_remote_id)
                    || records::id_of(tx, pair.a, ObjectType::Person, &contact)?.is_none()
                {
                    continue;
                }
                let synced = s
                    .synced
                    .into_iter()
                    .filter(|(k, _)| !leads.across.iter().any(|f| f.name() == *k))
                    .collect();
                let state = sync_state::Synced {
                    a_remote_id: contact.clone(),
                    b_remote_id: s.b_remote_id.clone(),
                    synced,
                };
                sync_state::put(tx, pair.id, ObjectType::Person, &state, now)?;
                let record = |connection_id, object_type, remote_id: &str| links::LinkedRecord {
                    connection_id,
                    object_type,
                    remote_id: remote_id.to_owned(),
                };
                links::link(
                    tx,
                    &[
                        record(pair.b, ObjectType::Person, &s.b_remote_id),
                        record(pair.a, ObjectType::Lead, &s.a_remote_id),
                        record(pair.a, ObjectType::Person, &contact),
                    ],
                    "sync",
                    now,
                )?;
            }
            Ok(())
        })?;
        Ok(())
    }
}
