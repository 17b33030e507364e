//! The lists behind the Duplicates, Mappings, Migration and Failed records screens.

use bridge_model::{DuplicateGroupRow, FailedRecord, FieldMappingRow, MigrationRow};
use bridge_store::{duplicate_groups, field_mappings, migrations};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Engine, Error, Result};

/// A page of the failed-records queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FailedRecordPage {
    pub rows: Vec<FailedRecord>,
    pub total: i64,
}

/// A page of duplicate groups awaiting review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DuplicateGroupPage {
    pub rows: Vec<DuplicateGroupRow>,
    pub total: i64,
}

const MAX_PAGE: i64 = 500;

pub(crate) fn check_page(offset: i64, limit: i64) -> Result<()> {
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(Error::InvalidInput {
            field: "limit",
            message: format!("a page holds 1 to {MAX_PAGE} rows, not {limit}"),
        });
    }
    if offset < 0 {
        return Err(Error::InvalidInput {
            field: "offset",
            message: format!("must not be negative, got {offset}"),
        });
    }
    Ok(())
}

impl Engine {
    pub fn duplicate_groups(&self, offset: i64, limit: i64) -> Result<DuplicateGroupPage> {
        check_page(offset, limit)?;
        Ok(self.store.read(|conn| {
            Ok(DuplicateGroupPage {
                rows: duplicate_groups::list_open(conn, offset, limit)?,
                total: duplicate_groups::count_open(conn)?,
            })
        })?)
    }

    pub fn field_mappings(&self) -> Result<Vec<FieldMappingRow>> {
        Ok(self.store.read(field_mappings::list_current)?)
    }

    pub fn migrations(&self) -> Result<Vec<MigrationRow>> {
        Ok(self.store.read(migrations::list)?)
    }
}
