//! The demo workspace: the four emulated CRMs (`bridge-fakecrm`) served in-process on loopback and
//! connected, so a person can try every screen without a CRM account or a network. It lives in a
//! workspace of its own (its own database file and keyring service), never the person's. Built only
//! with the `demo` feature; without it the same calls answer that this build has no demo.

use std::path::{Path, PathBuf};

use crate::{Engine, Keyring, Result};

/// People per CRM in the demo (companies, deals and activities scale with it).
pub const DEMO_PEOPLE: u32 = 2_000;

/// The keyring service the demo workspace keeps its (emulated) sign-ins under.
pub const DEMO_KEYRING_SERVICE: &str = "com.crmbridge.desktop.demo";

/// The demo's database, in a `demo` directory beside the person's workspace `home`.
pub fn demo_database_path(home: &Path) -> PathBuf {
    home.parent()
        .unwrap_or(Path::new("."))
        .join("demo")
        .join("crm-bridge-demo.sqlite3")
}

impl Engine {
    /// Opens the demo workspace that goes with the person's workspace at `home`.
    pub fn open_demo_workspace(home: &Path) -> Result<Engine> {
        let mut engine = Engine::open_with_secrets(
            &demo_database_path(home),
            std::sync::Arc::new(Keyring::new(DEMO_KEYRING_SERVICE)),
        )?;
        engine.demo = true;
        Ok(engine)
    }

    /// Whether this is a demo workspace.
    pub fn is_demo(&self) -> bool {
        self.demo
    }
}

#[cfg(feature = "demo")]
pub use with_emulator::*;
#[cfg(not(feature = "demo"))]
pub use without_emulator::*;

#[cfg(feature = "demo")]
mod with_emulator {
    use bridge_fakecrm::{Config, Running};
    use bridge_model::{Connection, Provider};

    use crate::{ConnectRequest, Engine, Error, Login, OAuthClient, Result};

    /// The running demo CRMs.
    pub type DemoCrms = Running;

    /// Starts the emulated CRMs; they serve until the returned handle is stopped or dropped with the runtime.
    pub async fn start_demo_crms(people: u32) -> Result<Running> {
        bridge_fakecrm::start(Config {
            records: people,
            ..Config::default()
        })
        .await
        .map_err(|e| Error::Io {
            path: "127.0.0.1 (demo CRMs)".into(),
            message: e.to_string(),
        })
    }

    impl Engine {
        /// Connects the four demo CRMs (after removing any earlier demo connections, whose emulator is gone).
        pub async fn connect_demo(&self, running: &Running) -> Result<Vec<Connection>> {
            for old in self.connections()? {
                if old.base_url.starts_with("http://127.0.0.1:") {
                    self.forget_demo_connection(&old)?;
                }
            }
            let d = &running.description;
            let key_pem =
                std::fs::read_to_string(&d.salesforce.jwt_private_key_path).map_err(|e| {
                    Error::Io {
                        path: d.salesforce.jwt_private_key_path.clone(),
                        message: e.to_string(),
                    }
                })?;
            let requests = [
                (
                    Provider::Hubspot,
                    d.hubspot.base_url.clone(),
                    Login::ApiKey(d.hubspot.token.clone()),
                    "Demo HubSpot",
                ),
                (
                    Provider::Salesforce,
                    d.salesforce.instance_url.clone(),
                    Login::JwtBearer {
                        client_id: d.salesforce.client_id.clone(),
                        username: d.salesforce.username.clone(),
                        private_key_pem: key_pem,
                        login_url: d.salesforce.base_url.clone(),
                    },
                    "Demo Salesforce",
                ),
                (
                    Provider::Close,
                    d.close.base_url.clone(),
                    Login::ApiKey(d.close.api_key.clone()),
                    "Demo Close",
                ),
                (
                    Provider::Pipedrive,
                    d.pipedrive.base_url.clone(),
                    Login::ApiKey(d.pipedrive.api_token.clone()),
                    "Demo Pipedrive",
                ),
            ];
            let mut out = Vec::new();
            for (provider, base_url, login, label) in requests {
                let request = ConnectRequest {
                    provider,
                    base_url,
                    login,
                    label: Some(label.into()),
                };
                out.push(self.connect(request, |_| async { Ok(()) }).await?);
            }
            Ok(out)
        }
    }

    pub(crate) fn demo_app(
        demo: &Running,
        provider: Provider,
        base_url: &str,
    ) -> Option<OAuthClient> {
        let d = &demo.description;
        let (base, authorize_url, token_url, client_id, client_secret) = match provider {
            Provider::Hubspot => (
                &d.hubspot.base_url,
                &d.hubspot.authorize_url,
                &d.hubspot.token_url,
                &d.hubspot.client_id,
                &d.hubspot.client_secret,
            ),
            Provider::Salesforce => (
                &d.salesforce.base_url,
                &d.salesforce.authorize_url,
                &d.salesforce.token_url,
                &d.salesforce.client_id,
                &d.salesforce.client_secret,
            ),
            Provider::Close => (
                &d.close.base_url,
                &d.close.authorize_url,
                &d.close.token_url,
                &d.close.client_id,
                &d.close.client_secret,
            ),
            Provider::Pipedrive => (
                &d.pipedrive.base_url,
                &d.pipedrive.authorize_url,
                &d.pipedrive.token_url,
                &d.pipedrive.client_id,
                &d.pipedrive.client_secret,
            ),
        };
        let same_host = |a: &str, b: &str| url_host(a).is_some_and(|h| Some(h) == url_host(b));
        let instance = (provider == Provider::Salesforce).then_some(&d.salesforce.instance_url);
        let matches =
            same_host(base, base_url) || instance.is_some_and(|i| same_host(i.as_str(), base_url));
        matches.then(|| OAuthClient {
            authorize_url: authorize_url.clone(),
            token_url: token_url.clone(),
            client_id: client_id.clone(),
            client_secret: Some(client_secret.clone()),
            scopes: crate::oauth_apps::scopes(provider),
        })
    }

    /// `host:port` of an address (the demo CRMs share a host and differ by path, so the path counts too).
    fn url_host(u: &str) -> Option<String> {
        let url = url::Url::parse(u).ok()?;
        let first = url
            .path_segments()
            .and_then(|mut s| s.next())
            .unwrap_or_default()
            .to_owned();
        Some(format!(
            "{}:{}/{first}",
            url.host_str()?,
            url.port_or_known_default()?
        ))
    }
}

#[cfg(not(feature = "demo"))]
mod without_emulator {
    use bridge_model::{Connection, Provider};

    use crate::{Engine, Error, OAuthClient, Result};

    /// No demo CRMs in this build: nothing of this type can exist.
    pub enum DemoCrms {}

    impl DemoCrms {
        pub async fn stop(self) {
            match self {}
        }
    }

    fn no_demo() -> Error {
        Error::InvalidInput {
            field: "demo",
            message:
                "this build of CRM Bridge has no demo workspace (built without its `demo` feature)"
                    .into(),
        }
    }

    pub async fn start_demo_crms(_people: u32) -> Result<DemoCrms> {
        Err(no_demo())
    }

    impl Engine {
        pub async fn connect_demo(&self, running: &DemoCrms) -> Result<Vec<Connection>> {
            match *running {}
        }
    }

    pub(crate) fn demo_app(demo: &DemoCrms, _: Provider, _: &str) -> Option<OAuthClient> {
        match *demo {}
    }
}
