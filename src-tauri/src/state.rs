use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::{
        Arc, Mutex, RwLock,
        atomic::{AtomicBool, Ordering},
    },
};

use bridge_engine::{Cancel, ConnectRequest, CrmError, DemoCrms, Engine, ErrorPayload, Login};
use bridge_model::{Connection, ConnectionId, Provider};

/// The one state of the app. If the database cannot be opened the app still starts, and every command
/// answers with the reason, so the window can say what is wrong instead of vanishing.
pub struct AppState {
    /// The open workspace: the person's, or the demo's while it is open.
    engine: RwLock<Result<Arc<Engine>, ErrorPayload>>,
    /// The person's own workspace file ("Open another workspace…" changes it).
    home: RwLock<PathBuf>,
    /// Whether a workspace opened from Settings is remembered for the next start (not when the
    /// workspace was given in `CRM_BRIDGE_DB`, as tests and `make run` do).
    remember: bool,
    /// "Pause scheduled syncs" in the tray menu.
    paused: AtomicBool,
    /// The demo CRMs, served in-process while the app runs (started by "Open demo workspace").
    demo: tokio::sync::Mutex<Option<DemoCrms>>,
    /// How to stop each running pull.
    pulls: Mutex<HashMap<ConnectionId, Cancel>>,
    /// How to stop each running sync, by pair.
    syncs: Mutex<HashMap<i64, Cancel>>,
    /// The migration running now (one at a time), to cancel it.
    migration: Mutex<Option<Cancel>>,
    /// How to give up the browser sign-in being waited for.
    sign_in: Mutex<Option<tokio::sync::oneshot::Sender<()>>>,
    /// The person chose to quit while jobs ran: the window closes without asking again.
    quitting: AtomicBool,
}

impl AppState {
    pub fn open(db: &Path, remember: bool) -> Self {
        AppState {
            engine: RwLock::new(open_workspace(Engine::open(db))),
            home: RwLock::new(db.to_owned()),
            remember,
            paused: AtomicBool::new(false),
            demo: tokio::sync::Mutex::new(None),
            pulls: Mutex::new(HashMap::new()),
            syncs: Mutex::new(HashMap::new()),
            migration: Mutex::new(None),
            sign_in: Mutex::new(None),
            quitting: AtomicBool::new(false),
        }
    }

    pub fn engine(&self) -> Result<Arc<Engine>, ErrorPayload> {
        self.engine
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Switches to the demo workspace, or back to the person's.
    fn switch_to(&self, engine: Result<Arc<Engine>, ErrorPayload>) {
        *self.engine.write().unwrap_or_else(|e| e.into_inner()) = engine;
    }

    fn home(&self) -> PathBuf {
        self.home.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Opens another workspace file (`create`: a new one, which must not exist yet) in place of the
    /// open one, and remembers it for the next start. Work running on the old one finishes there.
    pub fn open_other_workspace(
        &self,
        app: &tauri::AppHandle,
        path: &Path,
        create: bool,
    ) -> Result<(), ErrorPayload> {
        let invalid = |message: String| ErrorPayload {
            code: bridge_engine::ErrorCode::InvalidInput,
            message,
        };
        if !path.is_absolute() {
            return Err(invalid(format!(
                "the workspace must be given as a full path, not `{}`",
                path.display()
            )));
        }
        if create && path.exists() {
            return Err(invalid(format!(
                "{} exists already: open it instead, or choose a new file name",
                path.display()
            )));
        }
        if !create && !path.is_file() {
            return Err(invalid(format!(
                "there is no workspace file at {}",
                path.display()
            )));
        }
        let engine = open_workspace(Engine::open(path))?;
        self.switch_to(Ok(engine));
        set_title(app, false);
        *self.home.write().unwrap_or_else(|e| e.into_inner()) = path.to_owned();
        if self.remember {
            bridge_engine::remember_workspace(path)?;
        }
        Ok(())
    }

    pub fn pause_schedules(&self, paused: bool) {
        self.paused.store(paused, Ordering::Relaxed);
    }

    pub fn schedules_paused(&self) -> bool {
        self.paused.load(Ordering::Relaxed)
    }

    /// Opens the demo workspace (its own file and keyring service, never the person's), starts the
    /// demo CRMs (once per app run) and connects them, replacing earlier demo connections.
    pub async fn open_demo(&self, app: &tauri::AppHandle) -> Result<Vec<Connection>, ErrorPayload> {
        if !self.engine()?.is_demo() {
            self.switch_to(open_workspace(Engine::open_demo_workspace(&self.home())));
        }
        let engine = self.engine()?;
        let mut demo = self.demo.lock().await;
        if demo.is_none() {
            *demo = Some(bridge_engine::start_demo_crms(bridge_engine::DEMO_PEOPLE).await?);
        }
        let crms = demo.as_ref().expect("just started");
        set_title(app, true);
        Ok(engine.connect_demo(crms).await?)
    }

    /// Back to the person's own workspace (the demo CRMs keep running for the next visit).
    pub fn leave_demo(&self, app: &tauri::AppHandle) -> Result<(), ErrorPayload> {
        if self.engine()?.is_demo() {
            self.switch_to(open_workspace(Engine::open(&self.home())));
        }
        set_title(app, false);
        self.engine().map(drop)
    }

    /// Signs in with the system browser (`$BROWSER` where set): the demo CRMs' own app for a demo
    /// address, else the CRM's production app.
    pub async fn connect_with_browser(
        &self,
        provider: Provider,
        base_url: String,
    ) -> Result<Connection, ErrorPayload> {
        let engine = self.engine()?;
        let app = {
            let demo = self.demo.lock().await;
            bridge_engine::oauth_app(provider, &base_url, demo.as_ref())?
        };
        let request = ConnectRequest {
            provider,
            base_url,
            login: Login::Browser(app),
            label: None,
        };
        self.while_signing_in(engine.connect(request, open_browser))
            .await
    }

    /// Signs in again on a connection with the system browser.
    pub async fn reconnect_with_browser(
        &self,
        id: ConnectionId,
    ) -> Result<Connection, ErrorPayload> {
        let engine = self.engine()?;
        let connection = engine
            .connections()?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| ErrorPayload {
                code: bridge_engine::ErrorCode::NotFound,
                message: format!("connection {} does not exist", id.0),
            })?;
        let app = {
            let demo = self.demo.lock().await;
            bridge_engine::oauth_app(connection.provider, &connection.base_url, demo.as_ref())?
        };
        self.while_signing_in(engine.reconnect(id, Login::Browser(app), open_browser))
            .await
    }

    /// Waits for a browser sign-in, which "Cancel" gives up.
    async fn while_signing_in(
        &self,
        signing_in: impl std::future::Future<Output = bridge_engine::Result<Connection>>,
    ) -> Result<Connection, ErrorPayload> {
        let (give_up, given_up) = tokio::sync::oneshot::channel();
        *self.sign_in.lock().expect("sign-in slot") = Some(give_up);
        // Giving up drops the sign-in, and with it the loopback listener.
        tokio::select! {
            connected = signing_in => Ok(connected?),
            _ = given_up => Err(ErrorPayload {
                code: bridge_engine::ErrorCode::Cancelled,
                message: "the sign-in was cancelled".into(),
            }),
        }
    }

    pub fn cancel_sign_in(&self) {
        if let Some(give_up) = self.sign_in.lock().expect("sign-in slot").take() {
            let _ = give_up.send(());
        }
    }

    /// A fresh stop switch for a pull of `id` (a pull already running for it is stopped first).
    pub fn start_pull(&self, id: ConnectionId) -> Cancel {
        let cancel = Cancel::default();
        let mut pulls = self.pulls.lock().expect("pull registry");
        if let Some(old) = pulls.insert(id, cancel.clone()) {
            old.cancel();
        }
        cancel
    }

    pub fn end_pull(&self, id: ConnectionId) {
        self.pulls.lock().expect("pull registry").remove(&id);
    }

    /// Pulls one connection, sending `pull-progress` events after every page.
    pub async fn pull(
        &self,
        app: &tauri::AppHandle,
        id: ConnectionId,
        full: bool,
    ) -> Result<bridge_engine::PullSummary, ErrorPayload> {
        use tauri::Emitter;
        let cancel = self.start_pull(id);
        let report = |p: &bridge_engine::PullProgress| drop(app.emit("pull-progress", p));
        let options = bridge_engine::PullOptions {
            object_types: Vec::new(),
            full,
        };
        let engine = self.engine()?;
        let outcome = engine.pull(id, &options, &report, &cancel).await;
        self.end_pull(id);
        if let Ok(summary) = &outcome {
            let records: i64 = summary.objects.iter().map(|o| o.records).sum();
            let label = engine
                .connections()
                .ok()
                .and_then(|all| all.into_iter().find(|c| c.id == id))
                .map_or_else(|| format!("connection {}", id.0), |c| c.label);
            crate::notify::job_done(
                app,
                &engine,
                "Pull finished",
                &format!("{records} records pulled from {label}."),
            );
        }
        Ok(outcome?)
    }

    /// `make run` starts the app on a demo workspace: connect the demo CRMs and pull them all at once.
    pub async fn open_demo_and_pull(&self, app: &tauri::AppHandle) {
        let Ok(connections) = self.open_demo(app).await else {
            return;
        };
        // Failures show in the window as failed progress; nothing else to do with them here.
        let pulls = connections.iter().map(|c| self.pull(app, c.id, false));
        drop(futures_util::future::join_all(pulls).await);
    }

    pub fn cancel_pull(&self, id: ConnectionId) {
        if let Some(cancel) = self.pulls.lock().expect("pull registry").get(&id) {
            cancel.cancel();
        }
    }

    /// Syncs a pair, sending `sync-progress` events after every batch. A pair already syncing is
    /// refused rather than run twice at once.
    pub async fn run_sync(
        &self,
        app: &tauri::AppHandle,
        id: i64,
    ) -> Result<bridge_engine::SyncReport, ErrorPayload> {
        use tauri::Emitter;
        let cancel = Cancel::default();
        {
            let mut syncs = self.syncs.lock().expect("sync registry");
            if syncs.contains_key(&id) {
                return Err(ErrorPayload {
                    code: bridge_engine::ErrorCode::InvalidInput,
                    message: format!("sync pair {id} is syncing already"),
                });
            }
            syncs.insert(id, cancel.clone());
        }
        let report = |p: &bridge_engine::SyncProgress| drop(app.emit("sync-progress", p));
        let outcome = self.engine()?.sync(id, &report, &cancel).await;
        self.syncs.lock().expect("sync registry").remove(&id);
        Ok(outcome?)
    }

    pub fn cancel_sync(&self, id: i64) {
        if let Some(cancel) = self.syncs.lock().expect("sync registry").get(&id) {
            cancel.cancel();
        }
    }

    /// Pulls, syncs and migrations running now: closing the window asks first while any runs.
    pub fn running_jobs(&self) -> usize {
        self.pulls.lock().expect("pull registry").len()
            + self.syncs.lock().expect("sync registry").len()
            + usize::from(self.migration.lock().expect("migration slot").is_some())
    }

    pub fn quitting(&self) -> bool {
        self.quitting.load(Ordering::SeqCst)
    }

    /// Stops every running job after the batch it is sending (each write is stored before it is
    /// sent, so the next run finds what was cut off), then lets the window close.
    pub fn quit_anyway(&self) {
        self.quitting.store(true, Ordering::SeqCst);
        let pulls = self.pulls.lock().expect("pull registry");
        let syncs = self.syncs.lock().expect("sync registry");
        let migration = self.migration.lock().expect("migration slot");
        pulls
            .values()
            .chain(syncs.values())
            .chain(migration.iter())
            .for_each(Cancel::cancel);
    }

    fn start_migration(&self) -> Result<Cancel, ErrorPayload> {
        let mut slot = self.migration.lock().expect("migration slot");
        if slot.is_some() {
            return Err(ErrorPayload {
                code: bridge_engine::ErrorCode::InvalidInput,
                message: "a migration is running already: wait for it or cancel it".into(),
            });
        }
        let cancel = Cancel::default();
        *slot = Some(cancel.clone());
        Ok(cancel)
    }

    fn end_migration(&self) {
        *self.migration.lock().expect("migration slot") = None;
    }

    pub async fn dry_run_migration(
        &self,
        plan: &bridge_model::MigrationPlan,
    ) -> Result<bridge_model::DryRun, ErrorPayload> {
        let engine = self.engine()?;
        let cancel = self.start_migration()?;
        let outcome = engine.dry_run_migration(plan, &cancel).await;
        self.end_migration();
        Ok(outcome?)
    }

    /// Runs a migration, sending `migration-progress` events after every batch.
    pub async fn run_migration(
        &self,
        app: &tauri::AppHandle,
        plan: &bridge_model::MigrationPlan,
    ) -> Result<bridge_model::MigrationReport, ErrorPayload> {
        use tauri::Emitter;
        let engine = self.engine()?;
        let cancel = self.start_migration()?;
        let report = |p: &bridge_engine::MigrationProgress| drop(app.emit("migration-progress", p));
        let outcome = engine.run_migration(plan, &report, &cancel).await;
        self.end_migration();
        if let Ok(r) = &outcome {
            crate::notify::job_done(
                app,
                &engine,
                "Migration finished",
                &format!(
                    "{} created, {} updated, {} failed.",
                    r.created, r.updated, r.failed
                ),
            );
        }
        Ok(outcome?)
    }

    pub async fn rollback_migration(
        &self,
        app: &tauri::AppHandle,
        id: i64,
        overwrite_changed: bool,
    ) -> Result<bridge_model::MigrationReport, ErrorPayload> {
        use tauri::Emitter;
        let engine = self.engine()?;
        let _cancel = self.start_migration()?;
        let report = |p: &bridge_engine::MigrationProgress| drop(app.emit("migration-progress", p));
        let outcome = engine
            .rollback_migration(id, overwrite_changed, &report)
            .await;
        self.end_migration();
        Ok(outcome?)
    }

    pub fn cancel_migration(&self) {
        if let Some(cancel) = &*self.migration.lock().expect("migration slot") {
            cancel.cancel();
        }
    }

    /// While the app is open: pairs with a schedule sync when due (unless paused from the tray), and
    /// transient failures are sent again when their backoff has passed. Checked every 30 seconds, on
    /// whichever workspace is open then.
    pub async fn scheduler(&self, app: &tauri::AppHandle) {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(30)).await;
            let Ok(engine) = self.engine() else {
                continue;
            };
            let now = chrono::Utc::now();
            if !self.schedules_paused()
                && let Ok(due) = engine.due_sync_pairs(now)
            {
                for id in due {
                    crate::tray::busy(app, Some(&format!("Syncing pair {id}…")));
                    let synced = self.run_sync(app, id).await;
                    crate::tray::busy(app, None);
                    crate::notify::scheduled_sync(app, &engine, id, &synced);
                }
            }
            drop(engine.retry_due_failed(now).await);
        }
    }
}

/// The window's title says when the demo workspace is open, so it is never taken for the real one.
fn set_title(app: &tauri::AppHandle, demo: bool) {
    use tauri::Manager;
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.set_title(if demo {
            "CRM Bridge — Demo"
        } else {
            "CRM Bridge"
        });
    }
}

/// Opens the sign-in page in the system browser (`$BROWSER` where set).
async fn open_browser(url: String) -> Result<(), CrmError> {
    // A text-mode $BROWSER may run until the sign-in completes: keep it off the async threads.
    let opened = tokio::task::spawn_blocking(move || webbrowser::open(&url))
        .await
        .map_err(|e| e.to_string())
        .and_then(|r| r.map_err(|e| e.to_string()));
    opened.map_err(|e| CrmError::Config(format!("could not open a browser: {e}")))
}

/// A workspace opened for the app: a pull the app was closed in the middle of resumes from its cursor
/// (its run is history).
fn open_workspace(engine: bridge_engine::Result<Engine>) -> Result<Arc<Engine>, ErrorPayload> {
    let engine = engine.map_err(ErrorPayload::from)?;
    let _ = engine.recover_interrupted_runs();
    Ok(Arc::new(engine))
}
