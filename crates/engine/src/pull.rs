//! The mirror: pulls every object of a connection into `records`, a page at a time. Each page and the
//! cursor after it commit in one transaction, so a pull killed at any moment resumes where it stopped
//! and ends with the same database as an uninterrupted one. Incremental by default (from the high-water
//! mark of modified times); deletions come from the CRM's delete feed, or, where there is none, from a
//! full pass that marks every record it did not see.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Instant,
};

use bridge_crm::{Crm, CrmError, PullRequest};
use bridge_model::{ConnectionId, NewRecord, ObjectType};
use bridge_store::{
    records::UpsertOutcome,
    search_index,
    sync_cursors::{self, SyncCursor},
    sync_runs::{self, RunCounts},
};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Engine, Error, Result};

/// Without a delete feed, a full pass (which finds deletions) runs at least this often.
const FULL_PASS_EVERY: Duration = Duration::hours(24);
/// Deletions are asked for a little before the last check, for clock differences.
const DELETE_FEED_OVERLAP: Duration = Duration::minutes(5);

/// A batch of pages is written at the latest after this long, so a slow CRM's records show up as
/// they arrive and a pull stopped again and again (a laptop lid, a kill) still gets somewhere.
const BATCH_TIME: std::time::Duration = std::time::Duration::from_millis(500);

/// The search index catches up this many records a transaction (~0.7 s): another write (a merge, a
/// sync's outcome) waits at most that long. Reads never wait on the writer.
const SEARCH_INDEX_STEP: usize = 50_000;

/// Pages fetched and not yet written.
struct Batch {
    records: Vec<NewRecord>,
    pages: i64,
    fetched: i64,
    started: Instant,
}

impl Default for Batch {
    fn default() -> Self {
        Batch {
            records: Vec::new(),
            pages: 0,
            fetched: 0,
            started: Instant::now(),
        }
    }
}

/// Stops a pull between pages.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// What to pull.
#[derive(Debug, Clone, Default)]
pub struct PullOptions {
    /// Only these object types (all the CRM has when empty).
    pub object_types: Vec<ObjectType>,
    /// Pull everything again (and find deletions by comparison), not only what changed.
    pub full: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PullPhase {
    Pulling,
    Deletions,
    /// The records stored are being added to the search index (they are listed and found already).
    Indexing,
    Done,
    Failed,
    Cancelled,
}

/// Where a pull of one object type stands; sent after every page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PullProgress {
    pub connection_id: ConnectionId,
    pub object_type: ObjectType,
    pub phase: PullPhase,
    pub full: bool,
    pub pages: i64,
    pub records: i64,
    pub created: i64,
    pub updated: i64,
    pub deleted: i64,
    /// Records per second so far.
    pub rate: f64,
    /// How far through the modified-time range the pass is, 0..1, when it can tell.
    pub fraction: Option<f64>,
    /// Seconds left, when the fraction is known.
    pub eta_seconds: Option<f64>,
    pub message: Option<String>,
}

/// The pass in progress, kept in `sync_cursors.cursor` between pages.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Pass {
    full: bool,
    since: Option<DateTime<Utc>>,
    provider_cursor: Option<String>,
    started_at: DateTime<Utc>,
    max_seen: Option<DateTime<Utc>>,
}

/// Counts of a whole pull, per object type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PullSummary {
    pub connection_id: ConnectionId,
    pub objects: Vec<PullProgress>,
}

impl Engine {
    /// Pulls a connection's objects into the database, reporting progress after every page.
    pub async fn pull(
        &self,
        connection_id: ConnectionId,
        options: &PullOptions,
        progress: &(dyn Fn(&PullProgress) + Send + Sync),
        cancel: &Cancel,
    ) -> Result<PullSummary> {
        let job = crate::logging::Job::start("pull", &format!("connection {}", connection_id.0));
        let pulled = self
            .pull_objects(connection_id, options, progress, cancel)
            .await;
        job.end(&pulled, |s| {
            let records: i64 = s.objects.iter().map(|o| o.records).sum();
            format!("{} object types, {records} records", s.objects.len())
        });
        pulled
    }

    async fn pull_objects(
        &self,
        connection_id: ConnectionId,
        options: &PullOptions,
        progress: &(dyn Fn(&PullProgress) + Send + Sync),
        cancel: &Cancel,
    ) -> Result<PullSummary> {
        let connection = self.connection(connection_id)?;
        let crm = self.client(&connection)?;
        // The CRM's custom objects come after its canonical types (a custom object belongs to a
        // company, mirrored first).
        let custom: Vec<ObjectType> = self
            .list_custom_objects(connection_id, crm.as_ref())
            .await?
            .into_iter()
            .map(|o| o.object_type)
            .collect();
        let object_types: Vec<ObjectType> = if options.object_types.is_empty() {
            crm.object_types().iter().copied().chain(custom).collect()
        } else {
            for t in &options.object_types {
                if !crm.object_types().contains(t) && !custom.contains(t) {
                    return Err(Error::InvalidInput {
                        field: "object",
                        message: format!("{} has no {t} object", connection.provider.label()),
                    });
                }
            }
            options.object_types.clone()
        };
        let mut objects = Vec::new();
        for object_type in object_types {
            let report = self
                .pull_object(
                    connection_id,
                    crm.as_ref(),
                    object_type,
                    options.full,
                    progress,
                    cancel,
                )
                .await?;
            objects.push(report);
        }
        Ok(PullSummary {
            connection_id,
            objects,
        })
    }

    async fn pull_object(
        &self,
        connection_id: ConnectionId,
        crm: &dyn Crm,
        object_type: ObjectType,
        full: bool,
        progress: &(dyn Fn(&PullProgress) + Send + Sync),
        cancel: &Cancel,
    ) -> Result<PullProgress> {
        let now = Utc::now();
        let mut state = self
            .store
            .read(|c| sync_cursors::get(c, connection_id, object_type))?;
        let mut pass = match state
            .cursor
            .as_deref()
            .and_then(|c| serde_json::from_str::<Pass>(c).ok())
        {
            // A pass that a crash or a cancel interrupted goes on from its last page.
            Some(pass) if !full || pass.full => pass,
            _ => {
                let stale = state.last_full_at.is_none_or(|t| now - t > FULL_PASS_EVERY);
                let needs_full =
                    full || state.high_water_mark.is_none() || (stale && !has_delete_feed(crm));
                Pass {
                    full: needs_full,
                    since: if needs_full {
                        None
                    } else {
                        state.high_water_mark
                    },
                    provider_cursor: None,
                    started_at: now,
                    max_seen: state.high_water_mark,
                }
            }
        };
        let run = self
            .store
            .write(|tx| sync_runs::start_pull(tx, connection_id, object_type, now))?;
        let clock = Instant::now();
        let mut report = PullProgress {
            connection_id,
            object_type,
            phase: PullPhase::Pulling,
            full: pass.full,
            pages: 0,
            records: 0,
            created: 0,
            updated: 0,
            deleted: 0,
            rate: 0.0,
            fraction: None,
            eta_seconds: None,
            message: None,
        };
        progress(&report);
        let outcome = self
            .run_pass(
                connection_id,
                crm,
                object_type,
                &mut pass,
                &mut state,
                run,
                &mut report,
                clock,
                progress,
                cancel,
            )
            .await;
        // What the pass stored (all of it, or up to a failure or a cancel) joins the search index
        // before the pull reports its end.
        let (fraction, eta) = (report.fraction, report.eta_seconds);
        let indexed = self.catch_up_search_index(&mut |done, backlog| {
            report.phase = PullPhase::Indexing;
            report.fraction = Some(done as f64 / backlog.max(1) as f64);
            report.eta_seconds = None;
            progress(&report);
        });
        (report.fraction, report.eta_seconds) = (fraction, eta);
        let outcome = outcome.and(indexed.map(|_| ()));
        let (status, error) = match &outcome {
            Ok(()) => ("succeeded", None),
            Err(Error::Crm(CrmError::Cancelled)) => ("cancelled", None),
            Err(e) => ("failed", Some(e.to_string())),
        };
        self.store
            .write(|tx| sync_runs::finish(tx, run, status, error.as_deref(), Utc::now()))?;
        report.phase = match status {
            "succeeded" => PullPhase::Done,
            "cancelled" => PullPhase::Cancelled,
            _ => PullPhase::Failed,
        };
        report.message = error;
        progress(&report);
        outcome.map(|()| report)
    }

    #[allow(clippy::too_many_arguments)]
    async fn run_pass(
        &self,
        connection_id: ConnectionId,
        crm: &dyn Crm,
        object_type: ObjectType,
        pass: &mut Pass,
        state: &mut SyncCursor,
        run: i64,
        report: &mut PullProgress,
        clock: Instant,
        progress: &(dyn Fn(&PullProgress) + Send + Sync),
        cancel: &Cancel,
    ) -> Result<()> {
        // Pages are written in batches (see `records::WRITE_BATCH`) with the cursor that follows
        // them, so a crash before a batch is written fetches its pages again.
        let mut batch = Batch::default();
        // A CRM that sends every custom field (Close, Pipedrive) keeps only those chosen here.
        let only = self.chosen_custom(connection_id)?.remove(&object_type);
        loop {
            if cancel.is_cancelled() {
                self.write_batch(connection_id, object_type, state, run, report, &mut batch)?;
                return Err(CrmError::Cancelled.into());
            }
            let request = PullRequest {
                object_type,
                since: pass.since,
                cursor: pass.provider_cursor.clone(),
            };
            let page = match crm.pull(&request).await {
                Ok(page) => page,
                Err(CrmError::CursorExpired { .. }) => {
                    // Start the pass again from what is already in (re-reading ties is harmless).
                    pass.provider_cursor = None;
                    if !pass.full {
                        pass.since = pass.max_seen.or(pass.since);
                    }
                    continue;
                }
                Err(e) => {
                    self.write_batch(connection_id, object_type, state, run, report, &mut batch)?;
                    return Err(e.into());
                }
            };
            for r in &page.records {
                if r.modified_at > pass.max_seen {
                    pass.max_seen = r.modified_at;
                }
            }
            pass.provider_cursor = page.next.clone();
            state.cursor = Some(serde_json::to_string(&pass).expect("a pass serialises"));
            report.pages += 1;
            report.records += page.records.len() as i64;
            batch.fetched += page.records.len() as i64;
            batch.pages += 1;
            batch
                .records
                .extend(page.records.into_iter().map(|r| NewRecord {
                    connection_id,
                    object_type,
                    remote_id: r.remote_id,
                    fields: crate::mirrored::keep_chosen(r.fields, only.as_ref()),
                    raw: r.raw,
                    remote_modified_at: r.modified_at,
                }));
            let last = page.next.is_none();
            if last
                || batch.records.len() >= bridge_store::records::WRITE_BATCH
                || batch.started.elapsed() >= BATCH_TIME
            {
                self.write_batch(connection_id, object_type, state, run, report, &mut batch)?;
            }
            let seconds = clock.elapsed().as_secs_f64().max(1e-3);
            report.rate = report.records as f64 / seconds;
            report.fraction = fraction(pass);
            report.eta_seconds = report
                .fraction
                .filter(|f| *f > 0.01)
                .map(|f| seconds * (1.0 - f) / f);
            progress(report);
            if last {
                break;
            }
        }
        report.phase = PullPhase::Deletions;
        progress(report);
        let now = Utc::now();
        let deleted = if pass.full {
            let started = pass.started_at;
            self.store.write(|tx| {
                bridge_store::records::mark_unseen_deleted(
                    tx,
                    connection_id,
                    object_type,
                    started,
                    now,
                )
            })?
        } else {
            let since = state.deletes_checked_at.unwrap_or(pass.started_at) - DELETE_FEED_OVERLAP;
            match crm.deleted_since(object_type, since).await? {
                Some(ids) => self.store.write(|tx| {
                    bridge_store::records::mark_deleted(tx, connection_id, object_type, &ids, now)
                })?,
                None => 0,
            }
        };
        report.deleted = deleted as i64;
        state.cursor = None;
        state.high_water_mark = pass.max_seen.or(state.high_water_mark);
        state.deletes_checked_at = Some(pass.started_at);
        if pass.full {
            state.last_full_at = Some(pass.started_at);
        }
        let counts = RunCounts {
            deleted: deleted as i64,
            ..RunCounts::default()
        };
        self.store.write(|tx| {
            sync_cursors::put(tx, connection_id, object_type, state, now)?;
            sync_runs::add(tx, run, &counts)
        })?;
        report.fraction = Some(1.0);
        report.eta_seconds = Some(0.0);
        Ok(())
    }

    /// Writes the pages fetched since the last batch in one transaction, with the cursor that
    /// follows them and the run's counts. The search index catches up once the pull is done.
    fn write_batch(
        &self,
        connection_id: ConnectionId,
        object_type: ObjectType,
        state: &SyncCursor,
        run: i64,
        report: &mut PullProgress,
        batch: &mut Batch,
    ) -> Result<()> {
        if batch.pages == 0 {
            return Ok(());
        }
        let pulled_at = Utc::now();
        let mut counts = RunCounts {
            pages: batch.pages,
            fetched: batch.fetched,
            ..RunCounts::default()
        };
        self.store.write(|tx| {
            for outcome in bridge_store::records::store_page(tx, &batch.records, pulled_at)? {
                match outcome {
                    UpsertOutcome::Created => counts.created += 1,
                    UpsertOutcome::Updated => counts.updated += 1,
                    UpsertOutcome::Unchanged => counts.unchanged += 1,
                }
            }
            sync_cursors::put(tx, connection_id, object_type, state, pulled_at)?;
            sync_runs::add(tx, run, &counts)
        })?;
        report.created += counts.created;
        report.updated += counts.updated;
        *batch = Batch::default();
        Ok(())
    }

    /// Brings the search index up to the records stored, in transactions of [`SEARCH_INDEX_STEP`]
    /// records, telling `step` how many of how many are done before the first and after each;
    /// returns how many it indexed.
    fn catch_up_search_index(&self, step: &mut dyn FnMut(usize, usize)) -> Result<usize> {
        let backlog = usize::try_from(self.store.read(search_index::backlog)?).unwrap_or(0);
        let mut done = 0;
        while done < backlog {
            step(done, backlog);
            let added = self
                .store
                .write(|tx| search_index::catch_up(tx, SEARCH_INDEX_STEP))?;
            if added == 0 {
                break;
            }
            done += added;
        }
        if done > 0 {
            step(done, backlog);
        }
        Ok(done)
    }

    /// Runs a crash left `running` are marked `interrupted` (their cursors resume on the next pull).
    pub fn recover_interrupted_runs(&self) -> Result<usize> {
        Ok(self
            .store
            .write(|tx| sync_runs::mark_interrupted(tx, Utc::now()))?)
    }
}

fn has_delete_feed(crm: &dyn Crm) -> bool {
    // Pipedrive has none; the other three keep one.
    crm.provider() != bridge_model::Provider::Pipedrive
}

/// How far the pass has come through its time range, when records arrive in modified order.
fn fraction(pass: &Pass) -> Option<f64> {
    let (Some(from), Some(at)) = (pass.since, pass.max_seen) else {
        return None;
    };
    let total = (Utc::now() - from).num_seconds() as f64;
    let done = (at - from).num_seconds() as f64;
    (total > 0.0).then(|| (done / total).clamp(0.0, 1.0))
}
