//! `crm-bridge failed`, `resync-failed`, `discard-failed`, `export-failed`: the failed-records queue.

use std::path::PathBuf;

use bridge_engine::{Engine, FailedQuery};
use bridge_model::{ConnectionId, ErrorCategory};

pub fn parse_category(text: &str) -> Result<ErrorCategory, String> {
    ErrorCategory::parse(text).ok_or_else(|| {
        let known: Vec<&str> = ErrorCategory::ALL.iter().map(|c| c.as_str()).collect();
        format!("`{text}` is not a category; one of {}", known.join(", "))
    })
}

/// Which records a command acts on.
#[derive(clap::Args)]
pub struct Which {
    /// These failed records.
    #[arg(long = "id")]
    ids: Vec<i64>,
    /// Every one of this category (validation, auth, permission, rate_limit, not_found, conflict,
    /// server, network).
    #[arg(long, value_parser = parse_category)]
    category: Option<ErrorCategory>,
    /// Only those of this connection.
    #[arg(long)]
    connection: Option<i64>,
    /// Every open failed record.
    #[arg(long)]
    all: bool,
    /// The transient failures (rate limit, CRM error, network) whose next automatic attempt is due.
    #[arg(long, conflicts_with_all = ["ids", "category", "all"])]
    due: bool,
}

impl Which {
    fn query(&self, needs_choice: bool) -> bridge_engine::Result<FailedQuery> {
        if needs_choice && self.ids.is_empty() && self.category.is_none() && !self.all {
            return Err(bridge_engine::Error::InvalidInput {
                field: "selection",
                message: "say which: --id ID (repeatable), --category C, --all or --due".into(),
            });
        }
        Ok(FailedQuery {
            category: self.category,
            connection: self.connection.map(ConnectionId),
            ids: self.ids.clone(),
        })
    }
}

pub fn list(engine: &Engine, which: &Which, json: bool) -> bridge_engine::Result<()> {
    let page = engine.failed_page(&which.query(false)?, 0, 500)?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&page).expect("failed records serialise")
        );
        return Ok(());
    }
    if page.total == 0 {
        println!("Nothing waits in the failed-records queue.");
        return Ok(());
    }
    println!(
        "{:>6}  {:<11}  {:<7}  {:<8}  {:<10}  {:>8}  MESSAGE",
        "ID", "CATEGORY", "WRITE", "OBJECT", "FIELD", "ATTEMPTS"
    );
    for r in &page.rows {
        println!(
            "{:>6}  {:<11}  {:<7}  {:<8}  {:<10}  {:>8}  {}",
            r.id,
            r.category.as_str(),
            r.operation.as_str(),
            r.object_type.as_str(),
            r.field.as_deref().unwrap_or("-"),
            r.attempts,
            r.message
        );
    }
    if (page.rows.len() as i64) < page.total {
        println!("({} of {} shown)", page.rows.len(), page.total);
    }
    Ok(())
}

pub async fn resync(engine: &Engine, which: &Which) -> bridge_engine::Result<()> {
    let summary = if which.due {
        engine.retry_due_failed(chrono::Utc::now()).await?
    } else {
        engine.resync_failed(&which.query(true)?).await?
    };
    println!(
        "{} written and out of the queue, {} refused again (see `crm-bridge failed`)",
        summary.resolved, summary.failed
    );
    Ok(())
}

pub fn discard(engine: &Engine, which: &Which, reason: &str) -> bridge_engine::Result<()> {
    let query = which.query(true)?;
    let ids: Vec<i64> = engine
        .failed_page(&query, 0, 500)?
        .rows
        .iter()
        .map(|r| r.id)
        .collect();
    let n = engine.discard_failed(&ids, reason)?;
    println!("{n} discarded (kept with the reason, out of the queue)");
    Ok(())
}

pub fn export(engine: &Engine, which: &Which, out: &PathBuf) -> bridge_engine::Result<()> {
    let csv = engine.failed_csv(&which.query(false)?)?;
    std::fs::write(out, csv).map_err(|e| bridge_engine::Error::Io {
        path: out.display().to_string(),
        message: e.to_string(),
    })?;
    println!("Wrote {}", out.display());
    Ok(())
}
