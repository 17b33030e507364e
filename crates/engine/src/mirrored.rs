//! Which custom fields of a connection's CRM the mirror holds: every one by default; a person may
//! keep fewer (a Salesforce org with hundreds of custom fields), except those a saved field mapping
//! or a sync pair uses, which stay mirrored whatever the choice. HubSpot's and Salesforce's
//! standard fields beyond the canonical ones (a contact's job title, department) are mirrored when
//! chosen, under `custom` by their key like a custom field.

use std::collections::{BTreeMap, HashMap, HashSet};

use bridge_model::{ConnectionId, Fields, ObjectType};
use bridge_store::mirrored_fields;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Engine, Error, Result};

/// One custom field of an object type (or a standard one beyond the canonical fields), and
/// whether the mirror holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MirroredField {
    /// The key under a record's `custom`.
    pub key: String,
    pub label: String,
    pub mirrored: bool,
    /// A standard field of the CRM: mirrored only when chosen.
    pub standard: bool,
    /// What needs it mirrored (a saved mapping, a sync pair), where something does.
    #[ts(optional = nullable)]
    pub needed_by: Option<String>,
}

/// The custom fields of one object type of a connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MirroredObject {
    pub object_type: ObjectType,
    /// Every custom field is mirrored (no choice made, so new ones come too).
    pub all: bool,
    pub fields: Vec<MirroredField>,
}

/// The key under a record's `custom` of a field the CRM lists as `key` (Close's `custom.cf_…`).
fn stored_key(key: &str) -> &str {
    key.strip_prefix("custom.").unwrap_or(key)
}

/// `fields` with only the chosen custom values (all of them where `only` is None).
pub(crate) fn keep_chosen(mut fields: Fields, only: Option<&HashSet<String>>) -> Fields {
    let Some(only) = only else {
        return fields;
    };
    if let Some(serde_json::Value::Object(custom)) = fields.get_mut(bridge_crm::CUSTOM) {
        custom.retain(|k, _| only.contains(k));
        if custom.is_empty() {
            fields.remove(bridge_crm::CUSTOM);
        }
    }
    fields
}

impl Engine {
    /// The custom fields of every object type of a connection, and which the mirror holds (asks
    /// the CRM for its fields).
    pub async fn mirrored_fields(&self, connection: ConnectionId) -> Result<Vec<MirroredObject>> {
        let c = self.connection(connection)?;
        let crm = self.client(&c)?;
        let chosen = self
            .store
            .read(|conn| mirrored_fields::chosen(conn, connection))?;
        let mut needed = self.needed_custom(connection)?;
        let mut out = Vec::new();
        for &t in crm.object_types() {
            let needed = needed.remove(&t).unwrap_or_default();
            let list = chosen.get(&t);
            let (custom, rest): (Vec<_>, Vec<_>) =
                crm.fields(t).await?.into_iter().partition(|f| f.custom);
            let standard = bridge_crm::extra_fields(c.provider, t, rest);
            let fields = custom
                .into_iter()
                .map(|f| (f, false))
                .chain(standard.into_iter().map(|f| (f, true)))
                .map(|(f, standard)| {
                    let key = stored_key(&f.key).to_owned();
                    // A choice keeps what mappings need; with none made, standard fields wait to
                    // be chosen.
                    let needed_by = needed
                        .get(&key)
                        .filter(|_| !standard || list.is_some())
                        .cloned();
                    // Every custom field where none are chosen; a standard one only when chosen.
                    let chosen = list.map_or(!standard, |l| l.contains(&key));
                    MirroredField {
                        mirrored: needed_by.is_some() || chosen,
                        key,
                        label: f.label,
                        standard,
                        needed_by,
                    }
                })
                .collect();
            out.push(MirroredObject {
                object_type: t,
                all: list.is_none(),
                fields,
            });
        }
        Ok(out)
    }

    /// Mirrors only `keys` of a connection's object type (None: every custom field, new ones too),
    /// with the fields a mapping or sync pair needs kept; the values of the others leave the
    /// mirror now. Audit-logged.
    pub fn choose_mirrored_fields(
        &self,
        connection: ConnectionId,
        object_type: ObjectType,
        keys: Option<Vec<String>>,
    ) -> Result<Option<Vec<String>>> {
        let c = self.connection(connection)?;
        if !bridge_crm::object_types(c.provider).contains(&object_type) {
            return Err(Error::InvalidInput {
                field: "object",
                message: format!("{} has no {object_type} object", c.label),
            });
        }
        let keys = match keys {
            None => None,
            Some(keys) => {
                let mut all: Vec<String> = keys
                    .into_iter()
                    .map(|k| stored_key(&k).to_owned())
                    .chain(
                        self.needed_custom(connection)?
                            .remove(&object_type)
                            .unwrap_or_default()
                            .into_keys(),
                    )
                    .collect();
                all.sort();
                all.dedup();
                Some(all)
            }
        };
        self.store.write(|tx| {
            mirrored_fields::choose(tx, connection, object_type, keys.as_deref(), Utc::now())
        })?;
        self.audit(
            "choose_mirrored_fields",
            Some(connection),
            match &keys {
                Some(k) => format!(
                    "{}: {} custom fields of {object_type} mirrored: {}",
                    c.label,
                    k.len(),
                    k.join(", ")
                ),
                None => format!("{}: every custom field of {object_type} mirrored", c.label),
            },
            keys.as_ref().map_or(0, |k| k.len() as i64),
        )?;
        Ok(keys)
    }

    /// The chosen custom keys of a connection, per object type (a type not named: every one).
    pub(crate) fn chosen_custom(
        &self,
        connection: ConnectionId,
    ) -> Result<HashMap<ObjectType, HashSet<String>>> {
        Ok(self
            .store
            .read(|conn| mirrored_fields::chosen(conn, connection))?
            .into_iter()
            .map(|(t, keys)| (t, keys.into_iter().collect()))
            .collect())
    }

    /// The custom keys of a connection that saved field mappings (either way) and sync pairs' id
    /// fields use, per object type, with what uses each.
    fn needed_custom(
        &self,
        connection: ConnectionId,
    ) -> Result<HashMap<ObjectType, BTreeMap<String, String>>> {
        let mut out: HashMap<ObjectType, BTreeMap<String, String>> = HashMap::new();
        let custom = |name: &str| name.strip_prefix("custom.").map(str::to_owned);
        for other in self.connections()? {
            if other.id == connection {
                continue;
            }
            for (source, target) in [(connection, other.id), (other.id, connection)] {
                for t in bridge_crm::object_types(self.connection(source)?.provider) {
                    let Some((m, _)) = self.saved_field_mapping(source, target, *t)? else {
                        continue;
                    };
                    // This connection's side of each rule.
                    let (mine, name): (ObjectType, fn(&bridge_model::MappedField) -> &str) =
                        if source == connection {
                            (*t, |f| &f.source)
                        } else {
                            (m.target_object, |f| &f.target)
                        };
                    for k in m.fields.iter().filter_map(|f| custom(name(f))) {
                        out.entry(mine)
                            .or_default()
                            .entry(k)
                            .or_insert_with(|| format!("the field mapping with {}", other.label));
                    }
                }
            }
        }
        for pair in self.sync_pairs()? {
            for o in &pair.objects {
                for (side, field) in [
                    (bridge_model::Side::A, &o.id_in_a),
                    (bridge_model::Side::B, &o.id_in_b),
                ] {
                    if pair.connection_on(side) == connection
                        && let Some(k) = field.as_deref().and_then(custom)
                    {
                        out.entry(o.type_on(side))
                            .or_default()
                            .entry(k)
                            .or_insert_with(|| format!("the sync pair “{}”", pair.name));
                    }
                }
            }
        }
        Ok(out)
    }
}
