use bridge_model::{ObjectType, Record, RecordId, RecordPage, RecordQuery, TimelineEntry};
use bridge_store::records;

use crate::{Engine, Error, Result};

/// The most activities a timeline shows (a person rarely has more; the CRM holds the rest).
const TIMELINE_MAX: i64 = 500;

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

    /// The activities on a record (as its person, company or deal), newest first: its timeline. An
    /// activity has none of its own.
    pub fn timeline(&self, id: RecordId) -> Result<Vec<TimelineEntry>> {
        let record = self.record(id)?;
        if record.object_type == ObjectType::Activity {
            return Ok(Vec::new());
        }
        let activities = self.store.read(|conn| {
            records::activities_on(conn, record.connection_id, &record.remote_id, TIMELINE_MAX)
        })?;
        let mut entries: Vec<TimelineEntry> = activities.iter().map(TimelineEntry::of).collect();
        TimelineEntry::sort(&mut entries);
        Ok(entries)
    }

    /// Changes fields of one record in its CRM (the mirror follows on the next pull). A refusal is
    /// answered with the CRM's reason, naming the field.
    pub async fn update_in_crm(
        &self,
        connection_id: bridge_model::ConnectionId,
        object_type: bridge_model::ObjectType,
        remote_id: &str,
        fields: bridge_model::Fields,
    ) -> Result<()> {
        let connection = self.connection(connection_id)?;
        let crm = self.client(&connection)?;
        let update = bridge_crm::Update {
            remote_id: remote_id.to_owned(),
            fields,
        };
        match crm.update(object_type, &[update]).await.pop() {
            Some(Ok(_)) => Ok(()),
            Some(Err(e)) => Err(crate::Error::InvalidInput {
                field: "fields",
                message: format!("{} {remote_id}: {}", connection.label, e.message),
            }),
            None => Err(crate::Error::InvalidInput {
                field: "fields",
                message: format!("{} gave no answer for {remote_id}", connection.label),
            }),
        }
    }
}
