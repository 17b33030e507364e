use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Everything a use case can fail with. `code()` classifies it once for the UI and the CLI.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] bridge_store::Error),
    #[error("{what} {id} does not exist")]
    NotFound { what: &'static str, id: String },
    #[error("cannot use {path}: {message}")]
    Io { path: String, message: String },
    #[error("invalid {field}: {message}")]
    InvalidInput {
        field: &'static str,
        message: String,
    },
    #[error(transparent)]
    Crm(#[from] bridge_crm::CrmError),
    #[error("{message}")]
    Keyring { message: String },
    /// A merge or its undo stopped part-way; what was done is recorded with the merge.
    #[error("merge {id} stopped: {message}")]
    MergeStopped { id: i64, message: String },
    #[error(
        "the sign-in `{reference}` is not in the keyring any more; sign in again on the connection \
         (Connections → Sign in again, or `crm-bridge reconnect ID`)"
    )]
    SecretMissing { reference: String },
    /// An archived connection: it has no secret until it is signed in again.
    #[error(
        "connection #{id} “{label}” was removed; sign in again to use it (Connections → Sign in again, \
         or `crm-bridge reconnect {id}`)"
    )]
    SignInNeeded { id: i64, label: String },
    /// Records changed in their CRM since a merge or run that a person asked to undo.
    #[error(
        "{} changed in the CRM since {what}, and undoing would write over it: {}. Undo anyway to \
         overwrite (“Undo anyway”, or `--overwrite-changed`)",
        if records.len() == 1 { "a record".to_owned() } else { format!("{} records", records.len()) },
        records.join("; ")
    )]
    ChangedSince { what: String, records: Vec<String> },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What the UI can branch on. Every error maps to exactly one code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The sync database could not be read or written.
    Database,
    /// The sync database was written by a newer CRM Bridge.
    DatabaseTooNew,
    /// The stored data is not what this version expects.
    DatabaseCorrupt,
    /// A file or directory could not be used.
    Io,
    NotFound,
    InvalidInput,
    /// The CRM refused the sign-in: sign in again.
    Unauthorized,
    /// The login may not do this.
    Forbidden,
    /// Still rate limited after every retry: try later.
    RateLimited,
    /// The CRM's daily API allowance is spent.
    QuotaExhausted,
    /// The CRM could not be reached, failed, or answered what we cannot read.
    CrmUnavailable,
    /// The CRM refused the input (names the record and field where it did).
    CrmRejected,
    /// Not something this CRM offers.
    Unsupported,
    Cancelled,
    /// No usable OS keyring: install or unlock one.
    KeyringUnavailable,
    /// A connection's secret is gone from the keyring.
    SecretMissing,
    /// A merge or its undo stopped part-way: the merge history shows it; undo or retry from there.
    MergeIncomplete,
    /// Records changed since the merge being undone: undo anyway to overwrite them.
    ChangedSince,
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Store(e) => match e {
                bridge_store::Error::Sqlite(_) | bridge_store::Error::Migration(_) => {
                    ErrorCode::Database
                }
                bridge_store::Error::NewerSchema { .. } => ErrorCode::DatabaseTooNew,
                bridge_store::Error::Corrupt { .. } => ErrorCode::DatabaseCorrupt,
                bridge_store::Error::Thread(_) | bridge_store::Error::File { .. } => ErrorCode::Io,
            },
            Error::Io { .. } => ErrorCode::Io,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::InvalidInput { .. } => ErrorCode::InvalidInput,
            Error::Crm(e) => {
                use bridge_crm::CrmError as C;
                match e {
                    C::Unauthorized { .. } => ErrorCode::Unauthorized,
                    C::Forbidden { .. } => ErrorCode::Forbidden,
                    C::RateLimited { .. } => ErrorCode::RateLimited,
                    C::QuotaExhausted { .. } => ErrorCode::QuotaExhausted,
                    C::Server { .. }
                    | C::Network { .. }
                    | C::Malformed { .. }
                    | C::CursorExpired { .. } => ErrorCode::CrmUnavailable,
                    C::Rejected { .. } => ErrorCode::CrmRejected,
                    C::NotFound { .. } => ErrorCode::NotFound,
                    C::Unsupported(_) => ErrorCode::Unsupported,
                    C::Config(_) => ErrorCode::InvalidInput,
                    C::Keyring { .. } => ErrorCode::KeyringUnavailable,
                    C::Cancelled => ErrorCode::Cancelled,
                }
            }
            Error::Keyring { .. } => ErrorCode::KeyringUnavailable,
            Error::SecretMissing { .. } | Error::SignInNeeded { .. } => ErrorCode::SecretMissing,
            Error::MergeStopped { .. } => ErrorCode::MergeIncomplete,
            Error::ChangedSince { .. } => ErrorCode::ChangedSince,
        }
    }
}

/// The shape every error takes across IPC: `{ code, message }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ErrorPayload {
    pub code: ErrorCode,
    pub message: String,
}

impl From<&Error> for ErrorPayload {
    fn from(e: &Error) -> Self {
        ErrorPayload {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

impl From<Error> for ErrorPayload {
    fn from(e: Error) -> Self {
        ErrorPayload::from(&e)
    }
}
