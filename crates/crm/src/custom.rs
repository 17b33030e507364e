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
    tokio::sync::Mutex<HashMap<ObjectType, Arc<Vec<String>>>>,
    /// The keys a person chose to mirror, per type (a type not named: every one).
    std::sync::Mutex<HashMap<ObjectType, HashSet<String>>>,
);

impl CustomFields {
    /// Mirrors only `keys` of `object_type` (None: every custom field again).
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

    /// The custom keys of `object_type` mirrored, loading the field list the first time.
    pub async fn keys<F, Fut>(&self, object_type: ObjectType, load: F) -> Result<Arc<Vec<String>>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Vec<FieldInfo>>>,
    {
        let all = self.all_keys(object_type, load).await?;
        let chosen = self.1.lock().expect("chosen lock");
        Ok(match chosen.get(&object_type) {
            Some(only) => Arc::new(all.iter().filter(|k| only.contains(*k)).cloned().collect()),
            None => all,
        })
    }

    /// Every custom key of `object_type` the CRM lists, loading the field list the first time.
    async fn all_keys<F, Fut>(&self, object_type: ObjectType, load: F) -> Result<Arc<Vec<String>>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Vec<FieldInfo>>>,
    {
        let mut known = self.0.lock().await;
        if let Some(keys) = known.get(&object_type) {
            return Ok(keys.clone());
        }
        let keys: Arc<Vec<String>> = Arc::new(
            load()
                .await?
                .into_iter()
                .filter(|f| f.custom)
                .map(|f| f.key)
                .collect(),
        );
        known.insert(object_type, keys.clone());
        Ok(keys)
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
