//! What can go wrong talking to a CRM, classified once so the engine and the UI can act on it.

use std::time::Duration;

/// An error from a CRM call. Messages name the request (method and path, never the query string,
/// which may hold a token) and quote the CRM's own message; they never contain a secret.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CrmError {
    /// The credentials were refused (after one refresh, where the login can refresh).
    #[error("{provider} refused the sign-in: {message}. Sign in again to reconnect")]
    Unauthorized {
        provider: &'static str,
        message: String,
    },
    /// The login is valid but may not do this.
    #[error("{provider} does not allow this: {message}")]
    Forbidden {
        provider: &'static str,
        message: String,
    },
    /// Still rate limited after every retry.
    #[error(
        "{provider} kept answering 429 (rate limited) for {request}; try again in {retry_after:?}"
    )]
    RateLimited {
        provider: &'static str,
        request: String,
        retry_after: Duration,
    },
    /// A daily allowance (Salesforce API requests, Pipedrive tokens, HubSpot daily calls) is spent.
    #[error(
        "{provider}'s daily API allowance is used up ({message}); pulling resumes when it resets"
    )]
    QuotaExhausted {
        provider: &'static str,
        message: String,
    },
    /// The CRM failed (5xx) on every retry.
    #[error(
        "{provider} failed on {request} with HTTP {status} after {attempts} attempts: {message}"
    )]
    Server {
        provider: &'static str,
        request: String,
        status: u16,
        attempts: u32,
        message: String,
    },
    /// No answer (connection refused or dropped, timeout) on every retry.
    #[error("could not reach {provider} for {request} after {attempts} attempts: {message}")]
    Network {
        provider: &'static str,
        request: String,
        attempts: u32,
        message: String,
    },
    /// The CRM answered with a body we cannot read, on every retry.
    #[error("{provider} sent an unreadable answer to {request}: {detail}")]
    Malformed {
        provider: &'static str,
        request: String,
        detail: String,
    },
    /// The CRM refused the input (4xx): names the record and field where the CRM did.
    #[error("{provider} refused {request}{}: {message}", field.as_ref().map(|f| format!(" (field `{f}`)")).unwrap_or_default())]
    Rejected {
        provider: &'static str,
        request: String,
        status: u16,
        field: Option<String>,
        message: String,
    },
    #[error("{provider} has no {what}")]
    NotFound {
        provider: &'static str,
        what: String,
    },
    /// A paging cursor the CRM no longer honours; the pull restarts its pass from what it has.
    #[error("{provider}'s paging cursor expired")]
    CursorExpired { provider: &'static str },
    #[error("{0}")]
    Unsupported(String),
    /// Bad settings given to us (a URL that does not parse, a key file that is not a PEM key).
    #[error("{0}")]
    Config(String),
    /// A refreshed sign-in could not be kept (or the newest one read) in the OS keyring.
    #[error("the refreshed {provider} sign-in could not be kept in the keyring: {message}")]
    Keyring {
        provider: &'static str,
        message: String,
    },
    #[error("the pull was cancelled")]
    Cancelled,
}

impl CrmError {
    /// Whether trying the same request later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            CrmError::RateLimited { .. }
                | CrmError::Server { .. }
                | CrmError::Network { .. }
                | CrmError::Malformed { .. }
        )
    }
}

pub type Result<T, E = CrmError> = std::result::Result<T, E>;
