//! Where sign-in secrets live: the OS keyring (on Linux the Secret Service), one entry per connection,
//! stored as JSON. SQLite keeps only the entry's name. There is no plain-text fallback.

use bridge_crm::Secret;

use crate::{Error, Result};

/// Keeps secrets by reference. The engine uses [`Keyring`]; the trait lets a workspace name its own
/// keyring service (tests use a throw-away one).
pub trait SecretStore: Send + Sync {
    fn save(&self, reference: &str, secret: &Secret) -> Result<()>;
    fn load(&self, reference: &str) -> Result<Secret>;
    fn delete(&self, reference: &str) -> Result<()>;
}

/// The OS keyring, under one service name.
pub struct Keyring {
    service: String,
}

impl Keyring {
    pub fn new(service: impl Into<String>) -> Self {
        Keyring {
            service: service.into(),
        }
    }

    /// Whether a keyring can be reached at all (a Secret Service on the session bus on Linux).
    pub fn available() -> Result<()> {
        keyring::Entry::store_status()
            .as_ref()
            .map_err(|e| keyring_error("open the keyring", e))?;
        Ok(())
    }

    fn entry(&self, reference: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(&self.service, reference)
            .map_err(|e| keyring_error("open the keyring", &e))
    }
}

/// A keyring failure, worded for a person, never echoing secret bytes (some keyring errors carry them).
fn keyring_error(doing: &str, e: &keyring::Error) -> Error {
    let detail = match e {
        keyring::Error::NoStorageAccess(p) | keyring::Error::PlatformFailure(p) => p.to_string(),
        keyring::Error::NoEntry => "no such entry".into(),
        keyring::Error::BadEncoding(_) | keyring::Error::BadDataFormat(..) => {
            "the stored entry is not readable".into()
        }
        _ => "the keyring refused".into(),
    };
    Error::Keyring {
        message: format!(
            "could not {doing}: {detail}. CRM Bridge keeps sign-ins only in the system keyring; on Linux \
             install and unlock a Secret Service (gnome-keyring or KeePassXC) and sign in again"
        ),
    }
}

impl SecretStore for Keyring {
    fn save(&self, reference: &str, secret: &Secret) -> Result<()> {
        let json = serde_json::to_string(secret).expect("a secret serialises");
        self.entry(reference)?
            .set_password(&json)
            .map_err(|e| keyring_error("save the sign-in in the keyring", &e))
    }

    fn load(&self, reference: &str) -> Result<Secret> {
        let json = match self.entry(reference)?.get_password() {
            Ok(json) => json,
            Err(keyring::Error::NoEntry) => {
                return Err(Error::SecretMissing {
                    reference: reference.to_owned(),
                });
            }
            Err(e) => return Err(keyring_error("read the sign-in from the keyring", &e)),
        };
        serde_json::from_str(&json).map_err(|_| Error::SecretMissing {
            reference: reference.to_owned(),
        })
    }

    fn delete(&self, reference: &str) -> Result<()> {
        match self.entry(reference)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error("remove the sign-in from the keyring", &e)),
        }
    }
}
