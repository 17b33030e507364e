//! The failed-records queue: every write a CRM refused, kept with its payload, the CRM's message and
//! the field it named, until a person fixes it and sends it again (one, a selection, a category, all)
//! or discards it with a reason; exported as CSV.

use std::collections::BTreeMap;

use bridge_crm::{RecordError, Update, WriteResult};
use bridge_model::{
    ConnectionId, ErrorCategory, FailedGroup, FailedRecord, ObjectType, WriteOperation, field,
};
use bridge_store::failed_records::{self, Filter, Refusal};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::{Engine, Error, FailedRecordPage, Result};

/// Which failed records to list or send again.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct FailedQuery {
    pub category: Option<ErrorCategory>,
    pub connection: Option<ConnectionId>,
    /// Only these (empty: every one the other filters let through).
    pub ids: Vec<i64>,
}

/// What sending failed records again did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct ResyncSummary {
    /// Written this time; they left the queue.
    pub resolved: usize,
    /// Refused again; they stay, with the CRM's new message.
    pub failed: usize,
}

impl FailedQuery {
    fn filter(&self) -> Filter {
        Filter {
            category: self.category,
            connection: self.connection,
            ids: self.ids.clone(),
        }
    }
}

/// How long a transient failure waits before its next automatic attempt, after `attempts` tries:
/// a minute, doubling, at most six hours.
pub fn retry_delay(attempts: i64) -> Duration {
    let doublings = attempts.clamp(1, 20) - 1;
    Duration::minutes(1i64 << doublings).min(Duration::hours(6))
}

/// The fields to send: the payload is the canonical fields of the record.
fn fields_of(record: &FailedRecord) -> Result<bridge_model::Fields> {
    match &record.payload {
        Value::Object(map) => Ok(map.clone()),
        other => Err(Error::InvalidInput {
            field: "payload",
            message: format!(
                "failed record {} holds {other} where the record's fields belong",
                record.id
            ),
        }),
    }
}

/// The key an upsert matches by: e-mail for people, domain for companies.
fn upsert_key(object_type: ObjectType) -> &'static str {
    match object_type {
        ObjectType::Company => field::DOMAIN,
        _ => field::EMAIL,
    }
}

impl Engine {
    /// A page of the open failed records matching `query`, oldest first, with how many match.
    pub fn failed_page(
        &self,
        query: &FailedQuery,
        offset: i64,
        limit: i64,
    ) -> Result<FailedRecordPage> {
        crate::queues::check_page(offset, limit)?;
        let filter = query.filter();
        Ok(self.store.read(|c| {
            Ok(FailedRecordPage {
                rows: failed_records::list(c, &filter, offset, limit)?,
                total: failed_records::count(c, &filter)?,
            })
        })?)
    }

    /// The open failed records matching `query`, grouped by cause, the largest group first.
    pub fn failed_groups(&self, query: &FailedQuery) -> Result<Vec<FailedGroup>> {
        let filter = query.filter();
        Ok(self.store.read(|c| failed_records::groups(c, &filter))?)
    }

    /// "Fix all": one value for `field` in each of these writes (`null` takes the field out of
    /// them, as for an e-mail the CRM will never take), then each is sent again.
    pub async fn fix_failed_group(
        &self,
        ids: &[i64],
        name: &str,
        value: Value,
    ) -> Result<ResyncSummary> {
        if name.trim().is_empty() {
            return Err(Error::InvalidInput {
                field: "field",
                message: "name the field to set in every write".into(),
            });
        }
        if ids.is_empty() {
            return Err(Error::InvalidInput {
                field: "ids",
                message: "no failed record to fix".into(),
            });
        }
        let now = Utc::now();
        self.store.write(|tx| {
            for &id in ids {
                // One already sent or discarded meanwhile is left as it is.
                let Some(record) = failed_records::get(tx, id)? else {
                    continue;
                };
                let mut fields = match record.payload {
                    Value::Object(map) => map,
                    _ => Default::default(),
                };
                if value.is_null() {
                    crate::field_path::remove(&mut fields, name);
                } else {
                    crate::field_path::put(&mut fields, name, value.clone());
                }
                failed_records::set_payload(tx, id, &Value::Object(fields), now)?;
            }
            Ok(())
        })?;
        self.resync_failed(&FailedQuery {
            ids: ids.to_vec(),
            ..FailedQuery::default()
        })
        .await
    }

    /// A person's fix: the fields to send next time (the CRM's message stays until then).
    pub fn edit_failed(&self, id: i64, payload: Value) -> Result<FailedRecord> {
        if !payload.is_object() {
            return Err(Error::InvalidInput {
                field: "payload",
                message: "the fields of a record, as an object".into(),
            });
        }
        let changed = self
            .store
            .write(|tx| failed_records::set_payload(tx, id, &payload, Utc::now()))?;
        if !changed {
            return Err(Error::NotFound {
                what: "open failed record",
                id: id.to_string(),
            });
        }
        self.failed_record(id)
    }

    pub fn failed_record(&self, id: i64) -> Result<FailedRecord> {
        self.store
            .read(|c| failed_records::get(c, id))?
            .ok_or_else(|| Error::NotFound {
                what: "failed record",
                id: id.to_string(),
            })
    }

    /// Sends the matching failed records again, in batches per CRM, object type and operation.
    pub async fn resync_failed(&self, query: &FailedQuery) -> Result<ResyncSummary> {
        self.resync_failed_at(query, Utc::now()).await
    }

    /// Sends again the transient failures (rate limit, CRM error, network) whose next attempt is due
    /// at `now`: what the sync loop and `crm-bridge resync-failed --due` run. Each one that fails again
    /// waits longer (`retry_delay`), so a struggling CRM is not hammered and its allowance is kept.
    pub async fn retry_due_failed(&self, now: DateTime<Utc>) -> Result<ResyncSummary> {
        let ids = self.store.read(|c| failed_records::due(c, now))?;
        if ids.is_empty() {
            return Ok(ResyncSummary::default());
        }
        let query = FailedQuery {
            ids,
            ..FailedQuery::default()
        };
        self.resync_failed_at(&query, now).await
    }

    async fn resync_failed_at(
        &self,
        query: &FailedQuery,
        now: DateTime<Utc>,
    ) -> Result<ResyncSummary> {
        let filter = query.filter();
        let mut records = self
            .store
            .read(|c| failed_records::list(c, &filter, 0, i64::MAX))?;
        // Writes a sync made go back through the sync, which matches before it creates and records
        // the sync state when the CRM confirms.
        let ids: Vec<i64> = records.iter().map(|r| r.id).collect();
        let outbox_of: BTreeMap<i64, i64> = self
            .store
            .read(|c| failed_records::outbox_of(c, &ids))?
            .into_iter()
            .collect();
        let mut summary = ResyncSummary::default();
        if !outbox_of.is_empty() {
            let (synced, rest): (Vec<_>, Vec<_>) = records
                .into_iter()
                .partition(|r| outbox_of.contains_key(&r.id));
            records = rest;
            let counts = self.resync_sync_writes(&synced, &outbox_of).await?;
            summary.resolved += (counts.created + counts.updated) as usize;
            summary.failed += counts.failed as usize;
        }
        let mut batches: BTreeMap<(i64, ObjectType, &'static str), Vec<&FailedRecord>> =
            BTreeMap::new();
        for r in &records {
            batches
                .entry((r.connection_id.0, r.object_type, r.operation.as_str()))
                .or_default()
                .push(r);
        }
        for ((connection, object_type, _), batch) in batches {
            let connection = self.connection(ConnectionId(connection))?;
            let crm = self.client(&connection)?;
            let results = self.send(crm.as_ref(), object_type, &batch).await;
            self.store.write(|tx| {
                for (record, result) in batch.iter().zip(&results) {
                    match result {
                        Ok(_) => {
                            failed_records::resolve(tx, record.id, now)?;
                            summary.resolved += 1;
                        }
                        Err(e) => {
                            let next = e
                                .category
                                .is_transient()
                                .then(|| now + retry_delay(record.attempts + 1));
                            let refusal = Refusal {
                                category: e.category,
                                message: &e.message,
                                field: e.field.as_deref(),
                            };
                            failed_records::failed_again(tx, record.id, &refusal, next, now)?;
                            summary.failed += 1;
                        }
                    }
                }
                Ok(())
            })?;
        }
        Ok(summary)
    }

    /// One batch of failed writes of the same kind, sent again; one result per record.
    async fn send(
        &self,
        crm: &dyn bridge_crm::Crm,
        object_type: ObjectType,
        batch: &[&FailedRecord],
    ) -> Vec<WriteResult> {
        let operation = batch[0].operation;
        let mut results: Vec<Option<WriteResult>> = vec![None; batch.len()];
        let mut sendable = Vec::new();
        for (i, r) in batch.iter().enumerate() {
            let prepared = match operation {
                WriteOperation::Merge => Err(RecordError {
                    category: ErrorCategory::Validation,
                    field: None,
                    message: "a merge is not sent again from here: undo it or merge again from Duplicates"
                        .into(),
                }),
                WriteOperation::Update | WriteOperation::Delete if r.remote_id.is_none() => {
                    Err(RecordError::validation(
                        None,
                        format!("failed record {} names no record to {}", r.id, operation.as_str()),
                    ))
                }
                _ => fields_of(r).map_err(|e| RecordError::validation(Some("payload"), e.to_string())),
            };
            match prepared {
                Ok(fields) => sendable.push((i, fields)),
                Err(e) => results[i] = Some(Err(e)),
            }
        }
        if !sendable.is_empty() {
            let answers = match operation {
                WriteOperation::Create => {
                    let inputs: Vec<_> = sendable.iter().map(|(_, f)| f.clone()).collect();
                    crm.create(object_type, &inputs).await
                }
                WriteOperation::Upsert => {
                    let inputs: Vec<_> = sendable.iter().map(|(_, f)| f.clone()).collect();
                    crm.upsert(object_type, upsert_key(object_type), &inputs)
                        .await
                }
                WriteOperation::Update => {
                    let inputs: Vec<Update> = sendable
                        .iter()
                        .map(|(i, f)| Update {
                            remote_id: batch[*i].remote_id.clone().unwrap_or_default(),
                            fields: f.clone(),
                        })
                        .collect();
                    crm.update(object_type, &inputs).await
                }
                WriteOperation::Delete => {
                    let ids: Vec<String> = sendable
                        .iter()
                        .map(|(i, _)| batch[*i].remote_id.clone().unwrap_or_default())
                        .collect();
                    crm.delete(object_type, &ids).await
                }
                WriteOperation::Merge => Vec::new(),
            };
            for ((i, _), answer) in sendable.iter().zip(answers) {
                results[*i] = Some(answer);
            }
        }
        results
            .into_iter()
            .map(|r| {
                r.unwrap_or_else(|| {
                    Err(RecordError {
                        category: ErrorCategory::Server,
                        field: None,
                        message: "the CRM's answer left this record out".into(),
                    })
                })
            })
            .collect()
    }

    /// Gives failed records up, with the reason kept; returns how many left the queue.
    pub fn discard_failed(&self, ids: &[i64], reason: &str) -> Result<usize> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::InvalidInput {
                field: "reason",
                message: "say why the records are discarded; it is kept with them".into(),
            });
        }
        let discarded = self
            .store
            .write(|tx| failed_records::discard(tx, ids, reason, Utc::now()))?;
        self.audit(
            "discard_failed",
            None,
            format!("failed records discarded: {reason}"),
            discarded as i64,
        )?;
        Ok(discarded)
    }

    /// The open failed records matching `query` as CSV: id, CRM account, object, operation, remote id,
    /// category, field, message, attempts, since, payload (JSON).
    pub fn failed_csv(&self, query: &FailedQuery) -> Result<String> {
        let filter = query.filter();
        let (records, connections) = self.store.read(|c| {
            Ok((
                failed_records::list(c, &filter, 0, i64::MAX)?,
                bridge_store::connections::list(c)?,
            ))
        })?;
        let label = |id: ConnectionId| {
            connections
                .iter()
                .find(|c| c.id == id)
                .map(|c| c.label.clone())
                .unwrap_or_default()
        };
        let mut out = csv::Writer::from_writer(Vec::new());
        let csv_error = |e: csv::Error| Error::Io {
            path: "failed records CSV".into(),
            message: e.to_string(),
        };
        out.write_record([
            "id",
            "connection",
            "object_type",
            "operation",
            "remote_id",
            "category",
            "field",
            "message",
            "attempts",
            "since",
            "payload",
        ])
        .map_err(csv_error)?;
        // CRM text (labels, ids, fields, messages) goes in as cells no spreadsheet runs as formulas.
        let cell = |text: String| crate::csv_cells::cell(&text).into_owned();
        for r in records {
            out.write_record([
                r.id.to_string(),
                cell(label(r.connection_id)),
                r.object_type.as_str().to_owned(),
                r.operation.as_str().to_owned(),
                cell(r.remote_id.unwrap_or_default()),
                r.category.as_str().to_owned(),
                cell(r.field.unwrap_or_default()),
                cell(r.message),
                r.attempts.to_string(),
                r.created_at.to_rfc3339(),
                cell(r.payload.to_string()),
            ])
            .map_err(csv_error)?;
        }
        let bytes = out.into_inner().map_err(|e| Error::Io {
            path: "failed records CSV".into(),
            message: e.to_string(),
        })?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Writes the CSV of `failed_csv` into the Downloads folder (the home folder where there is
    /// none), named with the time; returns the file's path.
    pub fn export_failed(&self, query: &FailedQuery) -> Result<String> {
        let csv = self.failed_csv(query)?;
        to_downloads(
            &format!(
                "crm-bridge-failed-records-{}.csv",
                Utc::now().format("%Y%m%d-%H%M%S")
            ),
            &csv,
        )
    }
}

/// Writes `text` as `name` into the Downloads folder (the home folder where there is none), where
/// a person looks for what the app exported; returns the file's path.
pub(crate) fn to_downloads(name: &str, text: &str) -> Result<String> {
    let dir = dirs::download_dir()
        .or_else(dirs::home_dir)
        .unwrap_or_else(|| std::path::PathBuf::from("."));
    write_new(&dir, name, text)
}

/// Writes `text` into a file of `dir` that did not exist: `name`, else `stem (2).ext`, `stem (3).ext`, ...
/// Never overwrites a file, and never follows a link standing at the name (a new file is opened
/// exclusively, which fails on anything already there).
fn write_new(dir: &std::path::Path, name: &str, text: &str) -> Result<String> {
    use std::io::Write;
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) => (stem, format!(".{ext}")),
        None => (name, String::new()),
    };
    for n in 1..1000 {
        let candidate = if n == 1 {
            name.to_owned()
        } else {
            format!("{stem} ({n}){ext}")
        };
        let path = dir.join(candidate);
        let io = |e: std::io::Error| Error::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        };
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => {
                file.write_all(text.as_bytes()).map_err(io)?;
                return Ok(path.display().to_string());
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io(e)),
        }
    }
    Err(Error::Io {
        path: dir.join(name).display().to_string(),
        message: "999 files of that name exist already".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_failures_wait_longer_after_each_attempt_up_to_six_hours() {
        let minutes: Vec<i64> = [1, 2, 3, 4, 8, 9, 10, 50]
            .iter()
            .map(|&a| retry_delay(a).num_minutes())
            .collect();
        assert_eq!(minutes, [1, 2, 4, 8, 128, 256, 360, 360]);
        assert_eq!(retry_delay(0), retry_delay(1));
    }

    #[test]
    fn an_export_never_overwrites_a_file_nor_follows_a_link_at_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let first = write_new(dir.path(), "failed.csv", "one").unwrap();
        let second = write_new(dir.path(), "failed.csv", "two").unwrap();
        assert_eq!(std::fs::read_to_string(&first).unwrap(), "one");
        assert!(second.ends_with("failed (2).csv"), "{second}");
        assert_eq!(std::fs::read_to_string(&second).unwrap(), "two");
        // A link planted at the name is left alone, and so is what it points at.
        let target = dir.path().join("elsewhere.txt");
        std::fs::write(&target, "keep").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&target, dir.path().join("mapping.json")).unwrap();
            let written = write_new(dir.path(), "mapping.json", "{}").unwrap();
            assert!(written.ends_with("mapping (2).json"), "{written}");
            assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
        }
    }
}
