//! Custom fields on pull: which keys of each object type are custom, read once per client from the
//! CRM's field list, and gathered under the canonical `custom` field (the CRM's key -> value).

use std::{
    collections::{HashMap, HashSet},
    future::Future,
    sync::Arc,
};

use bridge_model::{Fields, ObjectType};
use serde_json::Value;

use crate::{FieldInfo, Result, write::CUSTOM};

#[derive(Default)]
pub(crate) struct CustomFields(
    tokio::sync::Mutex<HashMap<ObjectType, Listed>>,
    /// The keys a person chose to mirror, per type (a type not named: every custom one).
    std::sync::Mutex<HashMap<ObjectType, HashSet<String>>>,
);

/// An object type's fields as the CRM lists them: its custom keys, and every key it has.
#[derive(Clone)]
struct Listed {
    custom: Arc<Vec<String>>,
    all: Arc<HashSet<String>>,
}

impl CustomFields {
    /// Mirrors only `keys` of `object_type` (None: every custom field again). A chosen key may
    /// name a standard field outside the canonical ones (HubSpot's `jobtitle`): it is read into
    /// `custom` like a custom field.
    pub fn choose(&self, object_type: ObjectType, keys: Option<Vec<String>>) {
        let mut chosen = self.1.lock().expect("chosen lock");
        match keys {
            Some(keys) => chosen.insert(object_type, keys.into_iter().collect()),
            None => chosen.remove(&object_type),
        };
    }

    /// Forgets the custom keys of `object_type` (a field was created): the next pull reads them again.
    pub async fn forget(&self, object_type: ObjectType) {
        self.0.lock().await.remove(&object_type);
    }

    /// The keys of `object_type` read into `custom`: every custom one, or those chosen that the
    /// CRM lists (custom or not), loading the field list the first time.
    pub async fn keys<F, Fut>(&self, object_type: ObjectType, load: F) -> Result<Arc<Vec<String>>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Vec<FieldInfo>>>,
    {
        let listed = self.listed(object_type, load).await?;
        let chosen = self.1.lock().expect("chosen lock");
        Ok(match chosen.get(&object_type) {
            Some(only) => {
                let mut keys: Vec<String> = only
                    .iter()
                    .filter(|k| listed.all.contains(*k))
                    .cloned()
                    .collect();
                keys.sort();
                Arc::new(keys)
            }
            None => listed.custom,
        })
    }

    /// The fields the CRM lists for `object_type`, loading them the first time.
    async fn listed<F, Fut>(&self, object_type: ObjectType, load: F) -> Result<Listed>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Vec<FieldInfo>>>,
    {
        let mut known = self.0.lock().await;
        if let Some(listed) = known.get(&object_type) {
            return Ok(listed.clone());
        }
        let fields = load().await?;
        let listed = Listed {
            custom: Arc::new(
                fields
                    .iter()
                    .filter(|f| f.custom)
                    .map(|f| f.key.clone())
                    .collect(),
            ),
            all: Arc::new(fields.into_iter().map(|f| f.key).collect()),
        };
        known.insert(object_type, listed.clone());
        Ok(listed)
    }
}

/// Puts the non-empty values of `keys` (read with `value_of`) under `fields["custom"]`.
pub(crate) fn gather(
    fields: &mut Fields,
    keys: &[String],
    value_of: impl Fn(&str) -> Option<Value>,
) {
    let custom: serde_json::Map<String, Value> = keys
        .iter()
        .filter_map(|k| {
            value_of(k)
                .filter(|v| !v.is_null() && v.as_str() != Some(""))
                .map(|v| (k.clone(), v))
        })
        .collect();
    if !custom.is_empty() {
        fields.insert(CUSTOM.into(), Value::Object(custom));
    }
}
