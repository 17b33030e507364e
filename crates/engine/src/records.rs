use bridge_model::{Record, RecordId, RecordPage, RecordQuery};
use bridge_store::records;

use crate::{Engine, Error, Result};

impl Engine {
    /// One page of the Records list, with the total that matches the filter if asked for.
    pub fn record_page(&self, query: &RecordQuery) -> Result<RecordPage> {
        if !(1..=RecordQuery::MAX_LIMIT).contains(&query.limit) {
            return Err(Error::InvalidInput {
                field: "limit",
                message: format!(
                    "a page holds 1 to {} records, not {}",
                    RecordQuery::MAX_LIMIT,
                    query.limit
                ),
            });
        }
        if query.offset < 0 {
            return Err(Error::InvalidInput {
                field: "offset",
                message: format!("must not be negative, got {}", query.offset),
            });
        }
        Ok(self.store.read(|conn| {
            Ok(RecordPage {
                rows: records::page(conn, query)?,
                total: if query.with_total {
                    Some(records::count(conn, query)?)
                } else {
                    None
                },
                offset: query.offset,
            })
        })?)
    }

    /// One record with all its canonical fields.
    pub fn record(&self, id: RecordId) -> Result<Record> {
        self.store
            .read(|conn| records::get(conn, id))?
            .ok_or_else(|| Error::NotFound {
                what: "record",
                id: id.to_string(),
            })
    }
}
