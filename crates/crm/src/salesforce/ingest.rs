//! Bulk API 2.0 for writes of many records: one ingest job per call (`POST /jobs/ingest`, the CSV
//! uploaded once, `UploadComplete`, polled to `JobComplete`), each record's outcome read back from
//! the successful, failed and unprocessed results and filed under it. Salesforce returns results
//! in no set order, with the values uploaded: a result is matched to its record by those values
//! (an update's by its id too).

use std::collections::{HashMap, VecDeque};

use bridge_model::{ErrorCategory, ObjectType};
use reqwest::Method;
use serde_json::{Value, json};

use super::{PROVIDER, Salesforce, bulk::csv_rows, convert};
use crate::{
    CrmError, RecordError, Written,
    http::{Call, decode},
    write::{Slots, canonical_field},
};

/// A batch of more records than this is written by an ingest job rather than by collections.
pub(super) const INGEST_MIN: usize = super::write::BATCH;
/// The records a caller hands over at once when it has many (`Crm::batch_size_for`).
pub(super) const INGEST_BATCH: usize = 10_000;

/// A record's cell: `#N/A` blanks a field, an empty cell leaves it alone.
fn cell(v: Option<&Value>) -> String {
    match v {
        None => String::new(),
        Some(Value::Null) => "#N/A".into(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// `CODE:message:Field1,Field2 --` -> (code, message, first field).
fn parse_error(text: &str) -> (String, String, Option<String>) {
    let (code, rest) = text.split_once(':').unwrap_or(("UNKNOWN_EXCEPTION", text));
    let rest = rest.trim_end().trim_end_matches("--").trim_end();
    let (message, fields) = rest.rsplit_once(':').unwrap_or((rest, ""));
    let field = fields
        .split(',')
        .map(str::trim)
        .find(|f| !f.is_empty())
        .map(str::to_owned);
    (code.to_owned(), message.trim().to_owned(), field)
}

impl Salesforce {
    /// Writes `inputs` (collection records, with `id` on update) through one ingest job.
    pub(super) async fn ingest(
        &self,
        object_type: ObjectType,
        operation: &str,
        inputs: Vec<(usize, Value)>,
        slots: &mut Slots,
    ) {
        if let Err(e) = self
            .ingest_job(object_type, operation, &inputs, slots)
            .await
        {
            let e = RecordError::from(&e);
            for (i, _) in &inputs {
                if !slots.succeeded(*i) {
                    slots.set(*i, Err(e.clone()));
                }
            }
        }
    }

    async fn ingest_job(
        &self,
        object_type: ObjectType,
        operation: &str,
        inputs: &[(usize, Value)],
        slots: &mut Slots,
    ) -> crate::Result<()> {
        let sobject = convert::sobject(object_type);
        let table = convert::fields(object_type);
        // Columns: every field any record sets, the id first on an update.
        let mut columns: Vec<String> = Vec::new();
        for (_, input) in inputs {
            for key in input.as_object().into_iter().flat_map(|o| o.keys()) {
                let name = if key == "id" { "Id" } else { key.as_str() };
                if name != "attributes" && !columns.iter().any(|c| c == name) {
                    columns.push(name.to_owned());
                }
            }
        }
        columns.sort_by_key(|c| c != "Id");
        let cells = |input: &Value| -> Vec<String> {
            columns
                .iter()
                .map(|c| cell(input.get(if c == "Id" { "id" } else { c.as_str() })))
                .collect()
        };
        let mut waiting: HashMap<Vec<String>, VecDeque<usize>> = HashMap::new();
        let mut csv = csv::Writer::from_writer(Vec::new());
        csv.write_record(&columns)
            .map_err(|e| CrmError::Config(e.to_string()))?;
        for (i, input) in inputs {
            let row = cells(input);
            csv.write_record(&row)
                .map_err(|e| CrmError::Config(e.to_string()))?;
            waiting.entry(row).or_default().push_back(*i);
        }
        let body = String::from_utf8(
            csv.into_inner()
                .map_err(|e| CrmError::Config(e.to_string()))?,
        )
        .map_err(|e| CrmError::Config(e.to_string()))?;

        let create = Call::new(
            Method::POST,
            self.url("jobs/ingest").await?,
            Some(json!({"object": sobject, "operation": operation, "contentType": "CSV", "lineEnding": "LF"})),
        )
        .at_most_once();
        let job = self.http.send(&create).await?.body;
        let id = job["id"].as_str().unwrap_or_default().to_owned();
        if id.is_empty() {
            return Err(CrmError::Malformed {
                provider: PROVIDER,
                request: "POST /jobs/ingest".into(),
                detail: "the job's answer has no id".into(),
            });
        }
        let upload = Call::new(
            Method::PUT,
            self.url(&format!("jobs/ingest/{id}/batches")).await?,
            None,
        )
        .text_body("text/csv", body)
        .at_most_once();
        self.http.send(&upload).await?;
        let close = Call::new(
            Method::PATCH,
            self.url(&format!("jobs/ingest/{id}")).await?,
            Some(json!({"state": "UploadComplete"})),
        )
        .at_most_once();
        self.http.send(&close).await?;
        self.wait_for_job("ingest", &id).await?;

        let created = operation == "insert";
        for which in ["successfulResults", "failedResults", "unprocessedrecords"] {
            let call = Call::get(self.url(&format!("jobs/ingest/{id}/{which}")).await?)
                .header("accept", "text/csv")
                .text_answer();
            let text = self.http.send(&call).await?.body;
            let request = format!("GET /jobs/ingest/{{id}}/{which}");
            let (header, found) =
                csv_rows(text.as_str().unwrap_or_default()).map_err(|detail| {
                    CrmError::Malformed {
                        provider: PROVIDER,
                        request: request.clone(),
                        detail,
                    }
                })?;
            let lead = if which == "unprocessedrecords" { 0 } else { 2 };
            // The uploaded columns, wherever the results put them.
            let at: Vec<Option<usize>> = columns
                .iter()
                .map(|c| {
                    header
                        .iter()
                        .skip(lead)
                        .position(|h| h == c)
                        .map(|p| p + lead)
                })
                .collect();
            for row in found {
                let key: Vec<String> = at
                    .iter()
                    .map(|p| p.and_then(|p| row.get(p).cloned()).unwrap_or_default())
                    .collect();
                let Some(i) = waiting.get_mut(&key).and_then(VecDeque::pop_front) else {
                    continue;
                };
                let first = row.first().cloned().unwrap_or_default();
                let second = row.get(1).cloned().unwrap_or_default();
                slots.set(
                    i,
                    match which {
                        "successfulResults" => Ok(Written {
                            remote_id: first,
                            created: created && second.eq_ignore_ascii_case("true"),
                        }),
                        "failedResults" => {
                            let (code, message, field) = parse_error(&second);
                            Err(RecordError {
                                category: super::write::category(&code),
                                field: field.map(|f| canonical_field(table, &f)),
                                message: format!("{PROVIDER}: {code}: {message}"),
                            })
                        }
                        _ => Err(RecordError {
                            category: ErrorCategory::Server,
                            field: None,
                            message: format!(
                                "{PROVIDER}'s Bulk API job {id} stopped before this record"
                            ),
                        }),
                    },
                );
            }
        }
        Ok(())
    }

    /// Polls a Bulk API 2.0 job (`query` or `ingest`) until it is complete.
    pub(super) async fn wait_for_job(&self, kind: &str, id: &str) -> crate::Result<()> {
        let request = format!("GET /jobs/{kind}/{{id}}");
        let started = std::time::Instant::now();
        let mut wait = std::time::Duration::from_millis(200);
        loop {
            let call = Call::get(self.url(&format!("jobs/{kind}/{id}")).await?);
            let info: Value = decode(PROVIDER, &request, self.http.send(&call).await?.body)?;
            let state = info["state"].as_str().unwrap_or_default();
            let stopped = |why: String| CrmError::Server {
                provider: PROVIDER,
                request: request.clone(),
                status: 200,
                attempts: 1,
                message: format!("the Bulk API {kind} job {id} {why}"),
            };
            match state {
                "JobComplete" => return Ok(()),
                "Failed" | "Aborted" => {
                    let reason = info["errorMessage"]
                        .as_str()
                        .map(|m| format!(": {m}"))
                        .unwrap_or_default();
                    return Err(stopped(format!("{}{reason}", state.to_lowercase())));
                }
                _ if started.elapsed() > super::bulk::JOB_TIMEOUT => {
                    return Err(stopped(format!(
                        "is still {state} after {} minutes",
                        super::bulk::JOB_TIMEOUT.as_secs() / 60
                    )));
                }
                _ => {
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(std::time::Duration::from_secs(5));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_result_names_its_code_message_and_field() {
        assert_eq!(
            parse_error(
                "REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --"
            ),
            (
                "REQUIRED_FIELD_MISSING".into(),
                "Required fields are missing: [LastName]".into(),
                Some("LastName".into())
            )
        );
        assert_eq!(
            parse_error("ENTITY_IS_DELETED:entity is deleted:--"),
            ("ENTITY_IS_DELETED".into(), "entity is deleted".into(), None)
        );
    }
}
