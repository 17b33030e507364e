//! Connecting a CRM account: sign in (API key, browser OAuth with PKCE, Salesforce JWT bearer), check
//! it, keep the secret in the keyring and the connection in the database; and disconnecting.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use bridge_crm::{Account, Crm, Endpoint, Secret, SecretKeeper, oauth};
use bridge_model::{Connection, ConnectionId, NewConnection, Provider};
use chrono::Utc;

use crate::{Engine, Error, Result};

/// How to sign in. Its `Debug` shows the kind of sign-in, never a key.
#[derive(Clone)]
pub enum Login {
    /// HubSpot private-app token, Close API key, Pipedrive API token, Salesforce session id.
    ApiKey(String),
    /// Sign in with the browser (OAuth 2 authorization code + PKCE).
    Browser(OAuthClient),
    /// Salesforce server-to-server: a JWT signed with the connected app's key.
    JwtBearer {
        client_id: String,
        username: String,
        private_key_pem: String,
        login_url: String,
    },
}

/// The OAuth app registered with the CRM. Its `Debug` leaves the client secret out.
#[derive(Clone)]
pub struct OAuthClient {
    pub authorize_url: String,
    pub token_url: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub scopes: Vec<String>,
}

impl std::fmt::Debug for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Login::ApiKey(_) => f.write_str("Login::ApiKey(<redacted>)"),
            Login::Browser(client) => write!(f, "Login::Browser({client:?})"),
            Login::JwtBearer {
                client_id,
                username,
                login_url,
                ..
            } => write!(
                f,
                "Login::JwtBearer(client_id: {client_id}, user: {username}, login: {login_url}, key: <redacted>)"
            ),
        }
    }
}

impl std::fmt::Debug for OAuthClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthClient")
            .field("authorize_url", &self.authorize_url)
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("scopes", &self.scopes)
            .finish()
    }
}

#[derive(Debug, Clone)]
pub struct ConnectRequest {
    pub provider: Provider,
    /// The API base: HubSpot `https://api.hubapi.com`, Close and Pipedrive `.../api/v1`, Salesforce the
    /// instance URL (after a browser sign-in, the one the CRM names wins).
    pub base_url: String,
    pub login: Login,
    pub label: Option<String>,
}

/// The answer of "Test connection": the account the sign-in reaches and its API allowance.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct ConnectionCheck {
    pub connection_id: ConnectionId,
    pub account_id: String,
    pub account_name: String,
    pub user_email: Option<String>,
    /// e.g. "98,812 of 100,000 API requests left today", where the CRM tells.
    pub quota: Option<String>,
}

/// What removing a connection keeps (everything but its secret, and its records if the person chooses).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct DisconnectPreview {
    pub connection_id: ConnectionId,
    pub label: String,
    /// Mirrored records: removed from the mirror unless kept.
    pub records: i64,
    /// Kept, with their undo.
    pub merges: i64,
    /// Kept, with their rollback.
    pub migrations: i64,
    /// Kept; they cannot run until the connection is signed in again.
    pub sync_pairs: i64,
    /// Kept in the failed-records queue.
    pub failed_records: i64,
}

/// How long a browser sign-in may take.
const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(300);

fn new_reference(provider: Provider) -> String {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let nanos = Utc::now().timestamp_nanos_opt().unwrap_or_default();
    format!(
        "connection-{}-{nanos:x}-{}",
        provider.as_str(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    )
}

fn oauth_app(provider: Provider, client: &OAuthClient) -> oauth::OAuthApp {
    oauth::OAuthApp {
        provider: provider.label(),
        authorize_url: client.authorize_url.clone(),
        token_url: client.token_url.clone(),
        client_id: client.client_id.clone(),
        client_secret: client.client_secret.clone(),
        scopes: client.scopes.clone(),
        basic_client_auth: provider == Provider::Pipedrive,
    }
}

impl Engine {
    /// Every connection, oldest first.
    pub fn connections(&self) -> Result<Vec<Connection>> {
        Ok(self.store.read(bridge_store::connections::list)?)
    }

    /// The object types a connection's CRM holds, parents first.
    pub fn object_types(&self, id: ConnectionId) -> Result<&'static [bridge_model::ObjectType]> {
        Ok(bridge_crm::object_types(self.connection(id)?.provider))
    }

    pub(crate) fn connection(&self, id: ConnectionId) -> Result<Connection> {
        self.store
            .read(|c| bridge_store::connections::get(c, id))?
            .ok_or_else(|| Error::NotFound {
                what: "connection",
                id: id.0.to_string(),
            })
    }

    /// Signs in, checks the account, and keeps the connection. `open_browser` shows the sign-in page
    /// for a browser login (the app opens the system browser).
    pub async fn connect<F, Fut>(
        &self,
        request: ConnectRequest,
        open_browser: F,
    ) -> Result<Connection>
    where
        F: FnOnce(String) -> Fut,
        Fut: std::future::Future<Output = bridge_crm::Result<()>>,
    {
        let provider = request.provider;
        let signed_in = sign_in(provider, &request.base_url, request.login, open_browser).await?;
        let reference = new_reference(provider);
        self.secrets.save(&reference, &signed_in.secret)?;
        let new = NewConnection {
            provider,
            label: request
                .label
                .unwrap_or(signed_in.account.account_name.clone()),
            base_url: signed_in.base_url,
            account_id: Some(signed_in.account.account_id),
            secret_ref: Some(reference.clone()),
        };
        match self
            .store
            .write(|tx| bridge_store::connections::insert(tx, &new, Utc::now()))
        {
            Ok(id) => {
                let connection = self.connection(id)?;
                self.audit(
                    "connect",
                    Some(id),
                    format!("{} “{}”", provider.label(), connection.label),
                    0,
                )?;
                Ok(connection)
            }
            Err(e) => {
                let _ = self.secrets.delete(&reference);
                Err(e.into())
            }
        }
    }

    /// Signs in again on an existing (or archived) connection, in place: the sign-in must reach the same
    /// account (portal, org, company); the new secret replaces the old one in the keyring, and the
    /// connection's history (merges, migrations, sync state, failed records) is its own again.
    pub async fn reconnect<F, Fut>(
        &self,
        id: ConnectionId,
        login: Login,
        open_browser: F,
    ) -> Result<Connection>
    where
        F: FnOnce(String) -> Fut,
        Fut: std::future::Future<Output = bridge_crm::Result<()>>,
    {
        let connection = self.connection(id)?;
        let provider = connection.provider;
        let signed_in = sign_in(provider, &connection.base_url, login, open_browser).await?;
        if let Some(expected) = &connection.account_id
            && *expected != signed_in.account.account_id
        {
            return Err(Error::InvalidInput {
                field: "account",
                message: format!(
                    "this sign-in reaches the {} account “{}” ({}), but connection #{} is “{}” ({}); \
                     sign in to that account, or add the other one as a new connection",
                    provider.label(),
                    signed_in.account.account_name,
                    signed_in.account.account_id,
                    id.0,
                    connection.label,
                    expected
                ),
            });
        }
        // A new entry first, then the switch, then the old entry goes: a failure at any step leaves a
        // working secret behind.
        let reference = new_reference(provider);
        self.secrets.save(&reference, &signed_in.secret)?;
        if let Err(e) = self.store.write(|tx| {
            bridge_store::connections::signed_in_again(tx, id, &signed_in.base_url, &reference)
        }) {
            let _ = self.secrets.delete(&reference);
            return Err(e.into());
        }
        if let Some(old) = &connection.secret_ref {
            self.secrets.delete(old)?;
        }
        self.audit(
            "reconnect",
            Some(id),
            format!("{} “{}”", provider.label(), connection.label),
            0,
        )?;
        self.connection(id)
    }

    /// What removing a connection keeps and what it lets go, for the confirmation.
    pub fn disconnect_preview(&self, id: ConnectionId) -> Result<DisconnectPreview> {
        let connection = self.connection(id)?;
        let history = self
            .store
            .read(|c| bridge_store::connections::history(c, id))?;
        Ok(DisconnectPreview {
            connection_id: id,
            label: connection.label,
            records: history.records,
            merges: history.merges,
            migrations: history.migrations,
            sync_pairs: history.sync_pairs,
            failed_records: history.failed_records,
        })
    }

    /// Removes a connection from use: its secret leaves the keyring and it is archived, never deleted, so
    /// its merges, migrations, sync state and failed records stay (undo and rollback work again after
    /// "Sign in again"). Its mirrored records go too unless `keep_records`. The workspace is backed up
    /// first.
    pub fn disconnect(&self, id: ConnectionId, keep_records: bool) -> Result<DisconnectPreview> {
        let preview = self.disconnect_preview(id)?;
        let connection = self.connection(id)?;
        self.back_up_before("disconnect")?;
        if let Some(reference) = &connection.secret_ref {
            self.secrets.delete(reference)?;
        }
        let dropped = self
            .store
            .write(|tx| bridge_store::connections::archive(tx, id, !keep_records, Utc::now()))?;
        self.audit(
            "disconnect",
            Some(id),
            format!(
                "{} “{}” archived; {}",
                connection.provider.label(),
                connection.label,
                if keep_records {
                    "its records kept in the mirror"
                } else {
                    "its records removed from the mirror"
                }
            ),
            dropped as i64,
        )?;
        Ok(preview)
    }

    #[cfg(feature = "demo")]
    /// Deletes a demo connection outright: its emulator is gone, and so is anything its history could
    /// undo.
    pub(crate) fn forget_demo_connection(&self, connection: &Connection) -> Result<()> {
        if let Some(reference) = &connection.secret_ref {
            self.secrets.delete(reference)?;
        }
        self.store
            .write(|tx| bridge_store::connections::delete(tx, connection.id))?;
        Ok(())
    }

    /// The client of a connection, with its secret from the keyring; refreshed tokens go back there.
    pub(crate) fn client(&self, connection: &Connection) -> Result<Arc<dyn Crm>> {
        let reference = connection
            .secret_ref
            .clone()
            .ok_or_else(|| Error::SignInNeeded {
                id: connection.id.0,
                label: connection.label.clone(),
            })?;
        let secret = self.secrets.load(&reference)?;
        let (load_from, save_to) = (self.secrets.clone(), self.secrets.clone());
        let (load_ref, save_ref) = (reference.clone(), reference);
        let keeper = SecretKeeper {
            refreshing: self.refreshing(connection.id),
            load: Arc::new(move || load_from.load(&load_ref).map_err(|e| e.to_string())),
            save: Arc::new(move |fresh: &Secret| {
                save_to.save(&save_ref, fresh).map_err(|e| e.to_string())
            }),
        };
        let crm = bridge_crm::connect(
            Endpoint {
                provider: connection.provider,
                base_url: connection.base_url.clone(),
                secret,
            },
            Some(keeper),
        )?;
        // Only the custom fields a person chose are asked for, where a pull names its fields.
        for (t, keys) in self.chosen_custom(connection.id)? {
            crm.choose_custom(t, Some(keys.into_iter().collect()));
        }
        Ok(crm)
    }

    /// The lock every client of the connection takes to refresh its sign-in: one refresh at a time.
    fn refreshing(&self, id: ConnectionId) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.refresh_locks.lock().unwrap_or_else(|e| e.into_inner());
        locks.entry(id).or_default().clone()
    }

    /// An emulated CRM (on this machine) and a real one are never synced or migrated together: demo
    /// data must not reach a real account, nor a real account's data the demo.
    pub(crate) fn refuse_demo_with_real(
        &self,
        a: ConnectionId,
        b: ConnectionId,
        what: &str,
    ) -> Result<()> {
        let (a, b) = (self.connection(a)?, self.connection(b)?);
        let emulated = |c: &Connection| {
            url::Url::parse(&c.base_url).is_ok_and(|u| bridge_crm::address::is_loopback(&u))
        };
        if emulated(&a) != emulated(&b) {
            let (demo, real) = if emulated(&a) { (&a, &b) } else { (&b, &a) };
            return Err(Error::InvalidInput {
                field: "connections",
                message: format!(
                    "“{}” is an emulated CRM on this computer and “{}” a real account: they cannot be \
                     {what} together",
                    demo.label, real.label
                ),
            });
        }
        Ok(())
    }

    /// Who the connection signs in as and what is left of its API allowance.
    pub async fn check_connection(&self, id: ConnectionId) -> Result<ConnectionCheck> {
        let connection = self.connection(id)?;
        let account: Account = self.client(&connection)?.check().await?;
        Ok(ConnectionCheck {
            connection_id: id,
            account_id: account.account_id,
            account_name: account.account_name,
            user_email: account.user_email,
            quota: account.quota,
        })
    }
}

/// What a sign-in brings: where to reach the CRM, the account, and the secret to keep.
struct SignedIn {
    base_url: String,
    account: Account,
    secret: Secret,
}

/// Signs in and checks the account the sign-in reaches.
async fn sign_in<F, Fut>(
    provider: Provider,
    base_url: &str,
    login: Login,
    open_browser: F,
) -> Result<SignedIn>
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = bridge_crm::Result<()>>,
{
    let mut base_url = base_url.trim().trim_end_matches('/').to_owned();
    // Over https; plain http only to this machine (the demo's emulator).
    if let Err(e) = bridge_crm::address::check_base(&base_url) {
        return Err(Error::InvalidInput {
            field: "base_url",
            message: e.to_string(),
        });
    }
    let secret = match login {
        Login::ApiKey(key) => {
            let key = key.trim().to_owned();
            if key.is_empty() {
                return Err(Error::InvalidInput {
                    field: "api_key",
                    message: format!("enter the {} API key or token", provider.label()),
                });
            }
            Secret::api_key(key)
        }
        Login::Browser(client) => {
            let http = bridge_crm::http::client();
            let signed_in = oauth::sign_in(
                &http,
                &oauth_app(provider, &client),
                open_browser,
                SIGN_IN_TIMEOUT,
            )
            .await?;
            // An address the sign-in answer hands back must be the CRM's own (or the one entered).
            if let Some(instance) = signed_in.extra.instance_url {
                let checked = bridge_crm::address::check_returned(
                    provider,
                    "instance_url",
                    &instance,
                    &base_url,
                )?;
                base_url = checked.as_str().trim_end_matches('/').to_owned();
            }
            if let Some(domain) = signed_in.extra.api_domain {
                let checked = bridge_crm::address::check_returned(
                    provider,
                    "api_domain",
                    &domain,
                    &base_url,
                )?;
                base_url = format!("{}/api/v1", checked.as_str().trim_end_matches('/'));
            }
            Secret::OAuth(signed_in.tokens)
        }
        Login::JwtBearer {
            client_id,
            username,
            private_key_pem,
            login_url,
        } => Secret::JwtBearer {
            client_id,
            username,
            private_key_pem,
            login_url,
        },
    };
    let crm = bridge_crm::connect(
        Endpoint {
            provider,
            base_url: base_url.clone(),
            secret,
        },
        None,
    )?;
    let account = crm.check().await?;
    // A refresh during the check may have rotated the tokens: keep the newest.
    let secret = crm.secret().await;
    Ok(SignedIn {
        base_url,
        account,
        secret,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_sign_in_shows_its_secret_in_debug_output() {
        let client = OAuthClient {
            authorize_url: "https://app.hubspot.com/oauth/authorize".into(),
            token_url: "https://api.hubapi.com/oauth/v1/token".into(),
            client_id: "client-1".into(),
            client_secret: Some("s3cret-client".into()),
            scopes: vec!["crm.objects.contacts.read".into()],
        };
        let logins = [
            Login::ApiKey("pat-na1-s3cret".into()),
            Login::Browser(client.clone()),
            Login::JwtBearer {
                client_id: "client-1".into(),
                username: "ops@example.com".into(),
                private_key_pem: "-----BEGIN PRIVATE KEY-----s3cret".into(),
                login_url: "https://login.salesforce.com".into(),
            },
        ];
        for login in logins {
            let request = ConnectRequest {
                provider: Provider::Hubspot,
                base_url: "https://api.hubapi.com".into(),
                login,
                label: None,
            };
            let shown = format!("{request:?} {:?}", oauth_app(Provider::Hubspot, &client));
            assert!(!shown.contains("s3cret"), "{shown}");
            assert!(shown.contains("<redacted>"), "{shown}");
        }
    }
}
