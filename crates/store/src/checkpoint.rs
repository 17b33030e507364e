//! Copies the write-ahead log into the database file on a thread of its own, so the writer seldom
//! has to: a pull writes on one core while the log is copied on the other.

use std::{
    path::Path,
    sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, sync_channel},
    thread::JoinHandle,
    time::{Duration, Instant},
};

use rusqlite::{Connection, OpenFlags};

use crate::Result;

/// At most one background checkpoint this often: each one copies every page written since the one
/// before, and a pull rewrites the same index pages batch after batch.
const INTERVAL: Duration = Duration::from_secs(1);

/// The background checkpointer of one database file. The writer keeps its own checkpoint (the
/// `wal_autocheckpoint` bound), which then finds little left to copy.
pub(crate) struct Checkpointer {
    wake: Option<SyncSender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    pub(crate) fn start(path: &Path) -> Result<Self> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        let (wake, woken) = sync_channel(1);
        let thread = std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || run(&conn, &woken))
            .map_err(crate::Error::Thread)?;
        Ok(Checkpointer {
            wake: Some(wake),
            thread: Some(thread),
        })
    }

    /// After a commit: the log has grown. Never waits.
    pub(crate) fn wake(&self) {
        if let Some(wake) = &self.wake {
            let _ = wake.try_send(());
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        // Closing the channel ends the thread after the checkpoint under way, if any.
        self.wake.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn run(conn: &Connection, woken: &Receiver<()>) {
    let mut last: Option<Instant> = None;
    while woken.recv().is_ok() {
        if let Some(deadline) = last.map(|at| at + INTERVAL) {
            // Wakes in the meantime are taken here: one checkpoint covers them all.
            loop {
                match woken.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                    Ok(()) => continue,
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
        }
        // PASSIVE never waits for the writer or readers. One that could not finish (busy, a
        // reader on an old snapshot) is left to the next wake or to the writer's own checkpoint.
        let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
        last = Some(Instant::now());
    }
}
