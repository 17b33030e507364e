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

/// The most UTF-8 bytes one keyring entry holds. Windows' Credential Manager keeps at most 2,560
/// bytes a credential, as UTF-16 (at most twice the UTF-8 length): a secret longer than this (a
/// Salesforce JWT connection keeps its private key) is split over several entries.
pub const ENTRY_BYTES: usize = 1_200;

/// The name of a long secret's `n`th part.
pub fn part_name(reference: &str, n: usize) -> String {
    format!("{reference}#{n}")
}

/// `text` in pieces of at most [`ENTRY_BYTES`] UTF-8 bytes, never splitting a character.
fn pieces(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + ENTRY_BYTES).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        out.push(&text[start..end]);
        start = end;
    }
    out
}

/// What the first entry of a split secret holds: how many parts follow.
#[derive(serde::Serialize, serde::Deserialize)]
struct Parts {
    parts: usize,
}

impl Keyring {
    fn read(&self, name: &str) -> Result<Option<String>> {
        match self.entry(name)?.get_password() {
            Ok(text) => Ok(Some(text)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error("read the sign-in from the keyring", &e)),
        }
    }

    fn write(&self, name: &str, text: &str) -> Result<()> {
        self.entry(name)?
            .set_password(text)
            .map_err(|e| keyring_error("save the sign-in in the keyring", &e))
    }

    fn remove(&self, name: &str) -> Result<()> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error("remove the sign-in from the keyring", &e)),
        }
    }
}

impl SecretStore for Keyring {
    fn save(&self, reference: &str, secret: &Secret) -> Result<()> {
        let json = serde_json::to_string(secret).expect("a secret serialises");
        let pieces = pieces(&json);
        if pieces.len() <= 1 {
            return self.write(reference, &json);
        }
        // Parts first, the head last: a reader never finds a head whose parts are missing.
        for (n, piece) in pieces.iter().enumerate() {
            self.write(&part_name(reference, n + 1), piece)?;
        }
        let head = serde_json::to_string(&Parts {
            parts: pieces.len(),
        })
        .expect("a count serialises");
        self.write(reference, &head)
    }

    fn load(&self, reference: &str) -> Result<Secret> {
        let missing = || Error::SecretMissing {
            reference: reference.to_owned(),
        };
        let head = self.read(reference)?.ok_or_else(missing)?;
        let json = match serde_json::from_str::<Parts>(&head) {
            Ok(Parts { parts }) => {
                let mut json = String::new();
                for n in 1..=parts {
                    json.push_str(&self.read(&part_name(reference, n))?.ok_or_else(missing)?);
                }
                json
            }
            Err(_) => head,
        };
        serde_json::from_str(&json).map_err(|_| missing())
    }

    fn delete(&self, reference: &str) -> Result<()> {
        if let Some(Ok(Parts { parts })) = self
            .read(reference)?
            .map(|head| serde_json::from_str::<Parts>(&head))
        {
            for n in 1..=parts {
                self.remove(&part_name(reference, n))?;
            }
        }
        self.remove(reference)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_stay_under_the_entry_size_and_never_split_a_character() {
        let text = "é".repeat(1_000) + &"a".repeat(1_500) + "🦀";
        let parts = pieces(&text);
        assert!(parts.iter().all(|p| p.len() <= ENTRY_BYTES));
        assert!(parts.iter().all(|p| p.encode_utf16().count() * 2 <= 2_560));
        assert_eq!(parts.concat(), text);
        assert_eq!(pieces("short"), ["short"]);
    }
}
