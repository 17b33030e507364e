//! Links kept as associations (a deal's company and person, a note's company, person and deal): read
//! for a whole page at once with the v4 batch endpoint, since search answers carry no associations.

use std::collections::HashMap;

use bridge_model::ObjectType;
use reqwest::Method;
use serde_json::{Value, json};

use super::{
    Hubspot, PROVIDER,
    convert::{Object, object_of},
    wire,
};
use crate::{Pulled, Result, http::Call, http::decode};

/// (HubSpot object, canonical field) of each link a type's records carry as associations.
fn links(object_type: ObjectType) -> &'static [(&'static str, &'static str)] {
    match object_type {
        ObjectType::Deal => &[("companies", "company_id"), ("contacts", "person_id")],
        ObjectType::Activity => &[
            ("companies", "company_id"),
            ("contacts", "person_id"),
            ("deals", "deal_id"),
        ],
        ObjectType::Custom(_) => &[("companies", "company_id")],
        _ => &[],
    }
}

impl Hubspot {
    /// Sets each record's link fields to the first record it is associated with.
    pub(super) async fn read_links(&self, object: Object, records: &mut [Pulled]) -> Result<()> {
        if records.is_empty() {
            return Ok(());
        }
        let from = object.name;
        // HubSpot's own ids (an activity other than a note is kept as `calls/123`).
        let hubspot_id = |r: &Pulled| {
            object_of(object.object_type, &r.remote_id)
                .map_or(r.remote_id.clone(), |(_, id)| id.to_owned())
        };
        let inputs: Vec<Value> = records
            .iter()
            .map(|r| json!({ "id": hubspot_id(r) }))
            .collect();
        for (to, canonical) in links(object.object_type) {
            let call = Call::new(
                Method::POST,
                format!("{}/crm/v4/associations/{from}/{to}/batch/read", self.base),
                Some(json!({ "inputs": inputs })),
            );
            let body = self.http.send(&call).await?.body;
            let batch: wire::AssociationBatch = decode(
                PROVIDER,
                &format!("POST /crm/v4/associations/{from}/{to}/batch/read"),
                body,
            )?;
            let first: HashMap<String, String> = batch
                .results
                .into_iter()
                .filter_map(|r| {
                    let id = r.to.first()?.id();
                    Some((r.from.id, id))
                })
                .collect();
            for record in records.iter_mut() {
                if let Some(id) = first.get(&hubspot_id(record)) {
                    record
                        .fields
                        .insert((*canonical).to_owned(), Value::String(id.clone()));
                }
            }
        }
        Ok(())
    }
}
