use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{ConnectionId, ObjectType, RecordRow};

/// One page of the Records list: which records, and which slice of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RecordQuery {
    pub connection_id: Option<ConnectionId>,
    pub object_type: Option<ObjectType>,
    /// Words that must all occur in the name, e-mail, phone, company or id (case-insensitive substrings).
    pub search: Option<String>,
    pub offset: i64,
    pub limit: i64,
    /// Also count every match (the list asks once per filter, to size its scrollbar, not per page).
    pub with_total: bool,
}

impl RecordQuery {
    /// The most rows one page may hold; the list asks for pages, never for the whole table.
    pub const MAX_LIMIT: i64 = 500;
}

/// One page of records, and the total that matches when the query asked for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RecordPage {
    pub rows: Vec<RecordRow>,
    pub total: Option<i64>,
    pub offset: i64,
}

/// How many records one connection holds of one object type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ObjectCount {
    pub connection_id: ConnectionId,
    pub object_type: ObjectType,
    pub count: i64,
}
