//! The demo workspace: the four emulated CRMs (`bridge-fakecrm`) served in-process on loopback and
//! connected, so a person can try every screen without a CRM account or a network.

use bridge_fakecrm::{Config, Running};
use bridge_model::{Connection, Provider};

use crate::{ConnectRequest, Engine, Error, Login, Result};

/// People per CRM in the demo (companies, deals and activities scale with it).
pub const DEMO_PEOPLE: u32 = 2_000;

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
            std::fs::read_to_string(&d.salesforce.jwt_private_key_path).map_err(|e| Error::Io {
                path: d.salesforce.jwt_private_key_path.clone(),
                message: e.to_string(),
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
