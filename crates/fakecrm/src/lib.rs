//! `bridge-fakecrm`: a local emulator of the CRM APIs our clients speak, following
//! `shared/specs/CONTRACTS.md`. One port serves every provider under its own prefix; the description
//! returned by [`start`] (and printed first by the `fakecrm` binary) tells clients where and how to
//! sign in. Data is generated from a seed, so runs are reproducible and large data sets cost little.

mod admin;
mod close;
pub mod config;
mod faults;
mod hubspot;
mod oauth;
mod pipedrive;
mod salesforce;
pub mod seed;
mod table;

use std::{
    collections::{HashMap, VecDeque},
    net::SocketAddr,
    sync::{Arc, Mutex, MutexGuard, atomic::AtomicU64},
};

pub use bridge_model::Provider;
use serde::Serialize;
use tokio::{sync::oneshot, task::JoinHandle};

pub use config::{Config, Faults};
pub use faults::LoggedRequest;

/// The state of one emulator: every emulated account.
pub struct Emulator {
    pub(crate) config: Config,
    pub(crate) seed: seed::Seed,
    hubspot: Mutex<hubspot::Hubspot>,
    close: Mutex<close::Close>,
    pipedrive: Mutex<pipedrive::Pipedrive>,
    salesforce: Mutex<salesforce::Salesforce>,
    faults: Mutex<HashMap<Provider, Faults>>,
    pub(crate) request_seq: AtomicU64,
    /// `http://127.0.0.1:PORT`, known once the listener is bound.
    base: std::sync::OnceLock<String>,
    requests: Mutex<VecDeque<LoggedRequest>>,
    /// Custom fields created through the CRMs' field APIs: (provider, object as the API names it,
    /// the field as the API lists it), listed after the seeded ones.
    created_fields: Mutex<Vec<(Provider, String, serde_json::Value)>>,
}

impl Emulator {
    fn new(config: Config) -> Self {
        let seed = seed::Seed {
            seed: config.seed,
            people: config.records,
        };
        Emulator {
            hubspot: Mutex::new(hubspot::Hubspot::new(
                seed,
                config.hubspot_per_10s,
                config.hubspot_search_per_s,
                config.hubspot_daily,
                config.token_lifetime,
            )),
            close: Mutex::new(close::Close::new(
                seed,
                config.close_per_s,
                config.token_lifetime,
            )),
            pipedrive: Mutex::new(pipedrive::Pipedrive::new(
                seed,
                config.pipedrive_per_2s,
                config.pipedrive_daily_tokens,
                config.token_lifetime,
            )),
            salesforce: Mutex::new(salesforce::Salesforce::new(
                seed,
                config.salesforce_daily,
                config.token_lifetime,
            )),
            faults: Mutex::new(
                Provider::ALL
                    .into_iter()
                    .map(|p| (p, config.faults))
                    .collect(),
            ),
            request_seq: AtomicU64::new(0),
            base: std::sync::OnceLock::new(),
            requests: Mutex::new(VecDeque::new()),
            created_fields: Mutex::new(Vec::new()),
            seed,
            config,
        }
    }

    pub(crate) fn faults(&self, provider: Provider) -> Faults {
        lock(&self.faults)
            .get(&provider)
            .copied()
            .unwrap_or_default()
    }

    pub(crate) fn set_faults(&self, provider: Provider, faults: Faults) {
        lock(&self.faults).insert(provider, faults);
    }

    pub(crate) fn log(&self, entry: LoggedRequest) {
        let mut log = lock(&self.requests);
        if log.len() == faults::LOG_CAPACITY {
            log.pop_front();
        }
        log.push_back(entry);
    }

    pub(crate) fn requests(&self) -> MutexGuard<'_, VecDeque<LoggedRequest>> {
        lock(&self.requests)
    }

    /// The fields created on `object` of `provider`, oldest first.
    pub(crate) fn created_fields(
        &self,
        provider: Provider,
        object: &str,
    ) -> Vec<serde_json::Value> {
        lock(&self.created_fields)
            .iter()
            .filter(|(p, o, _)| *p == provider && o == object)
            .map(|(_, _, f)| f.clone())
            .collect()
    }

    pub(crate) fn add_field(&self, provider: Provider, object: &str, field: serde_json::Value) {
        lock(&self.created_fields).push((provider, object.to_owned(), field));
    }

    pub(crate) fn hubspot(&self) -> MutexGuard<'_, hubspot::Hubspot> {
        lock(&self.hubspot)
    }

    pub(crate) fn close(&self) -> MutexGuard<'_, close::Close> {
        lock(&self.close)
    }

    pub(crate) fn pipedrive(&self) -> MutexGuard<'_, pipedrive::Pipedrive> {
        lock(&self.pipedrive)
    }

    pub(crate) fn salesforce(&self) -> MutexGuard<'_, salesforce::Salesforce> {
        lock(&self.salesforce)
    }

    pub(crate) fn base_url(&self) -> &str {
        self.base.get().map(String::as_str).unwrap_or_default()
    }
}

/// A panic in one request must not take the emulator down for the rest of a test run.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Wall-clock milliseconds: the emulator stamps writes with real time, like the services do.
pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// How to reach and sign in to each emulated CRM.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Description {
    pub hubspot: HubspotAccess,
    pub close: CloseAccess,
    pub pipedrive: PipedriveAccess,
    pub salesforce: SalesforceAccess,
    pub admin_url: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SalesforceAccess {
    /// The login host (OAuth); API calls go to `instance_url`.
    pub base_url: String,
    pub instance_url: String,
    pub access_token: String,
    pub client_id: String,
    pub client_secret: String,
    pub username: String,
    pub authorize_url: String,
    pub token_url: String,
    /// The private key a connected app signs JWT bearer assertions with (a test key; see keys/README.md).
    pub jwt_private_key_path: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PipedriveAccess {
    /// Ends in `/api/v1`; the v2 API is beside it at `/api/v2`.
    pub base_url: String,
    pub api_token: String,
    pub client_id: String,
    pub client_secret: String,
    pub authorize_url: String,
    pub token_url: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CloseAccess {
    /// Ends in `/api/v1`.
    pub base_url: String,
    pub api_key: String,
    pub client_id: String,
    pub client_secret: String,
    pub authorize_url: String,
    pub token_url: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct HubspotAccess {
    pub base_url: String,
    pub token: String,
    pub client_id: String,
    pub client_secret: String,
    /// Where the OAuth authorize page is (HubSpot serves it from app.hubspot.com).
    pub authorize_url: String,
    /// The OAuth token endpoint.
    pub token_url: String,
}

/// A running emulator. Dropping it leaves the server running until the runtime ends; `stop` ends it.
pub struct Running {
    pub description: Description,
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
    /// The private directory the test key is written to; removed with it.
    _key_dir: tempfile::TempDir,
}

impl Running {
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }
}

/// Starts the emulator on 127.0.0.1 (port 0 picks a free one) inside the current Tokio runtime.
pub async fn start(config: Config) -> std::io::Result<Running> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port)).await?;
    let addr = listener.local_addr()?;
    let emulator = Arc::new(Emulator::new(config));
    let base = format!("http://{addr}");
    let _ = emulator.base.set(base.clone());
    let (key_dir, key_path) = write_test_key()?;
    let description = Description {
        hubspot: {
            let hs = emulator.hubspot();
            HubspotAccess {
                base_url: format!("{base}/hubspot"),
                token: hs.token.clone(),
                client_id: hs.oauth.client_id.clone(),
                client_secret: hs.oauth.client_secret.clone(),
                authorize_url: format!("{base}/hubspot/oauth/authorize"),
                token_url: format!("{base}/hubspot/oauth/v1/token"),
            }
        },
        close: {
            let close = emulator.close();
            CloseAccess {
                base_url: format!("{base}/close/api/v1"),
                api_key: close.api_key.clone(),
                client_id: close.oauth.client_id.clone(),
                client_secret: close.oauth.client_secret.clone(),
                authorize_url: format!("{base}/close/oauth2/authorize/"),
                token_url: format!("{base}/close/oauth2/token/"),
            }
        },
        pipedrive: {
            let pd = emulator.pipedrive();
            PipedriveAccess {
                base_url: format!("{base}/pipedrive/api/v1"),
                api_token: pd.api_token.clone(),
                client_id: pd.oauth.client_id.clone(),
                client_secret: pd.oauth.client_secret.clone(),
                authorize_url: format!("{base}/pipedrive/oauth/authorize"),
                token_url: format!("{base}/pipedrive/oauth/token"),
            }
        },
        salesforce: {
            let sf = emulator.salesforce();
            SalesforceAccess {
                base_url: format!("{base}/salesforce/login"),
                instance_url: format!("{base}/salesforce/instance"),
                access_token: sf.access_token.clone(),
                client_id: sf.oauth.client_id.clone(),
                client_secret: sf.oauth.client_secret.clone(),
                username: sf.username.clone(),
                authorize_url: format!("{base}/salesforce/login/services/oauth2/authorize"),
                token_url: format!("{base}/salesforce/login/services/oauth2/token"),
                jwt_private_key_path: key_path.display().to_string(),
            }
        },
        admin_url: format!("{base}/_admin"),
    };
    let faulty = |provider: Provider, router: axum::Router| {
        router.layer(axum::middleware::from_fn_with_state(
            (emulator.clone(), provider),
            faults::inject,
        ))
    };
    let app = axum::Router::new()
        .nest(
            "/hubspot",
            faulty(Provider::Hubspot, hubspot::router(emulator.clone())),
        )
        .nest(
            "/close",
            faulty(Provider::Close, close::router(emulator.clone())),
        )
        .nest(
            "/pipedrive",
            faulty(Provider::Pipedrive, pipedrive::router(emulator.clone())),
        )
        .nest(
            "/salesforce/instance",
            faulty(
                Provider::Salesforce,
                salesforce::instance_router(emulator.clone()),
            ),
        )
        .nest(
            "/salesforce/login",
            salesforce::login_router(emulator.clone()),
        )
        // A real org's instance URL is an origin with no path, and jsforce's Bulk API 2.0 client
        // resolves its job paths from the origin: the instance answers at the root too.
        .merge(faulty(
            Provider::Salesforce,
            salesforce::instance_router(emulator.clone()),
        ))
        .nest("/_admin", admin::router(emulator.clone()));
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
    });
    Ok(Running {
        description,
        addr,
        shutdown: Some(tx),
        task,
        _key_dir: key_dir,
    })
}

/// The test key, in a directory of its own with an unpredictable name (0700 where the OS has modes),
/// readable by the user only: no other user can read it or plant a file at its path first.
fn write_test_key() -> std::io::Result<(tempfile::TempDir, std::path::PathBuf)> {
    let dir = tempfile::Builder::new().prefix("fakecrm-").tempdir()?;
    // tempfile creates it with the umask's mode (often 0755): make it the user's alone.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700))?;
    }
    let path = dir.path().join("salesforce-jwt.key");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    std::io::Write::write_all(
        &mut options.open(&path)?,
        salesforce::JWT_PRIVATE_KEY.as_bytes(),
    )?;
    Ok((dir, path))
}

#[cfg(all(test, unix))]
mod key_tests {
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_test_key_is_private_in_a_private_directory() {
        let (dir, path) = super::write_test_key().unwrap();
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(dir.path()), 0o700);
        let (other, _) = super::write_test_key().unwrap();
        assert_ne!(
            dir.path(),
            other.path(),
            "each emulator has its own directory"
        );
    }
}
