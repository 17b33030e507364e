//! Bulk API 2.0 for whole pulls of many records: a query job (`POST /jobs/query`) polled until
//! `JobComplete`, its results read as CSV pages of [`RESULTS_PAGE`] records by `Sforce-Locator`
//! (one call per 50,000 records instead of one per 2,000). A job outlives the app for days, so a
//! pull stopped midway resumes from the job and locator its cursor keeps.

use std::{collections::HashMap, time::Duration};

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::{PROVIDER, Salesforce};
use crate::{CrmError, Result, http::Call, http::decode};

/// A whole pull of more records than this goes through Bulk API 2.0 (below it, REST's pages are
/// as quick and start at once).
pub const BULK_THRESHOLD: u64 = 10_000;
/// Records asked for per results page.
pub const RESULTS_PAGE: usize = 50_000;
/// How long a job may take before the pull gives up on it (it stays in the org for days).
pub(super) const JOB_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// Where a bulk pull of one sObject stands: its job, and the locator of the next page (none
/// before the first).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct BulkCursor {
    pub job: String,
    #[serde(default)]
    pub locator: Option<String>,
}

#[derive(Debug, Deserialize)]
struct JobInfo {
    id: String,
}

impl Salesforce {
    /// How many records of `sobject` there are (`SELECT COUNT()`).
    pub(super) async fn count(&self, sobject: &str) -> Result<u64> {
        let call = Call::get(self.url("query").await?)
            .query("q", format!("SELECT COUNT() FROM {sobject}"));
        let body = self.http.send(&call).await?.body;
        Ok(body["totalSize"].as_u64().unwrap_or(0))
    }

    /// Starts a query job for `soql` and waits until it is complete; returns its id.
    pub(super) async fn bulk_query(&self, soql: &str) -> Result<String> {
        let call = Call::new(
            Method::POST,
            self.url("jobs/query").await?,
            Some(json!({"operation": "query", "query": soql})),
        );
        // A query job only reads: one made twice after a lost answer costs a job, never data, so a
        // 5xx or a dropped answer is retried like any read.
        let job: JobInfo = decode(
            PROVIDER,
            "POST /jobs/query",
            self.http.send(&call).await?.body,
        )?;
        self.wait_for_job("query", &job.id).await?;
        Ok(job.id)
    }

    /// One page of a complete job's results, as REST's JSON records (each value in its field's
    /// type), and the locator of the next page (none after the last).
    pub(super) async fn bulk_page(
        &self,
        sobject: &str,
        cursor: &BulkCursor,
    ) -> Result<(Vec<Value>, Option<String>)> {
        let request = "GET /jobs/query/{id}/results";
        let mut call = Call::get(
            self.url(&format!("jobs/query/{}/results", cursor.job))
                .await?,
        )
        .query("maxRecords", RESULTS_PAGE)
        .header("accept", "text/csv")
        .text_answer();
        if let Some(locator) = &cursor.locator {
            call = call.query("locator", locator);
        }
        let answer = self.http.send(&call).await?;
        let next = answer
            .headers
            .get("sforce-locator")
            .and_then(|v| v.to_str().ok())
            .filter(|l| !l.is_empty() && *l != "null")
            .map(str::to_owned);
        let text = answer.body.as_str().unwrap_or_default();
        let types = self.field_types(sobject).await?;
        let malformed = |detail: String| CrmError::Malformed {
            provider: PROVIDER,
            request: request.into(),
            detail,
        };
        let (headers, rows) =
            csv_rows(text).map_err(|e| malformed(format!("the results are not CSV: {e}")))?;
        let records = rows
            .into_iter()
            .map(|row| {
                let record: Map<String, Value> = headers
                    .iter()
                    .zip(&row)
                    .map(|(name, cell)| {
                        (
                            name.clone(),
                            typed(types.get(name).map(String::as_str), cell),
                        )
                    })
                    .collect();
                Value::Object(record)
            })
            .collect();
        Ok((records, next))
    }

    /// The type of every field of `sobject` (describe), asked once per client.
    async fn field_types(&self, sobject: &str) -> Result<HashMap<String, String>> {
        if let Some(found) = self.types.lock().expect("types lock").get(sobject) {
            return Ok(found.clone());
        }
        let types: HashMap<String, String> = self
            .describe(sobject)
            .await?
            .fields
            .into_iter()
            .map(|f| (f.name, f.kind))
            .collect();
        self.types
            .lock()
            .expect("types lock")
            .insert(sobject.to_owned(), types.clone());
        Ok(types)
    }
}

/// A CSV text's header and rows (Bulk API 2.0's results).
pub(super) fn csv_rows(text: &str) -> std::result::Result<(Vec<String>, Vec<Vec<String>>), String> {
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.map(|r| r.iter().map(str::to_owned).collect()))
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| e.to_string())?;
    Ok((header, rows))
}

/// A CSV cell as REST would give it: blank is null, booleans and numbers typed by the field.
fn typed(kind: Option<&str>, cell: &str) -> Value {
    if cell.is_empty() {
        return Value::Null;
    }
    match kind {
        Some("boolean") => Value::Bool(cell.eq_ignore_ascii_case("true")),
        Some("int") => cell
            .parse::<i64>()
            .map_or_else(|_| json!(cell), |n| json!(n)),
        Some("double" | "currency" | "percent") => cell
            .parse::<f64>()
            .map_or_else(|_| json!(cell), |n| json!(n)),
        _ => Value::String(cell.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_takes_its_field_s_type_and_blank_is_null() {
        assert_eq!(typed(Some("boolean"), "true"), json!(true));
        assert_eq!(typed(Some("int"), "250"), json!(250));
        assert_eq!(typed(Some("currency"), "1200.5"), json!(1200.5));
        assert_eq!(typed(Some("string"), "00123"), json!("00123"));
        assert_eq!(typed(Some("int"), ""), Value::Null);
        assert_eq!(typed(None, "true"), json!("true"));
    }
}
