//! Custom fields on pull: which keys of each object type are custom, read once per client from the
//! CRM's field list, and gathered under the canonical `custom` field (the CRM's key -> value).

use std::{collections::HashMap, future::Future, sync::Arc};

use bridge_model::{Fields, ObjectType};
use serde_json::Value;

use crate::{FieldInfo, Result, write::CUSTOM};

#[derive(Default)]
pub(crate) struct CustomFields(tokio::sync::Mutex<HashMap<ObjectType, Arc<Vec<String>>>>);

impl CustomFields {
    /// Forgets the custom keys of `object_type` (a field was created): the next pull reads them again.
    pub async fn forget(&self, object_type: ObjectType) {
        self.0.lock().await.remove(&object_type);
    }

    /// The custom keys of `object_type`, loading the field list the first time.
    pub async fn keys<F, Fut>(&self, object_type: ObjectType, load: F) -> Result<Arc<Vec<String>>>
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
