//! Credentials as the clients use them. They are kept in the OS keyring by the engine (as JSON) and
//! never printed: `Debug` shows only which kind of login it is.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Secret {
    /// HubSpot private-app token, Close API key, Pipedrive API token, or a Salesforce session id.
    ApiKey { key: String },
    /// An OAuth 2 login: the tokens and what is needed to refresh them.
    OAuth(OAuthTokens),
    /// Salesforce JWT bearer: a new session is minted from the key whenever one is needed.
    JwtBearer {
        client_id: String,
        username: String,
        private_key_pem: String,
        /// The login host the assertion's audience names (e.g. https://login.salesforce.com).
        login_url: String,
    },
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthTokens {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub token_url: String,
    pub client_id: String,
    pub client_secret: Option<String>,
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Secret::ApiKey { .. } => f.write_str("Secret::ApiKey(<redacted>)"),
            Secret::OAuth(t) => write!(
                f,
                "Secret::OAuth(<redacted>, refreshable: {}, expires_at: {:?})",
                t.refresh_token.is_some(),
                t.expires_at
            ),
            Secret::JwtBearer { username, .. } => {
                write!(f, "Secret::JwtBearer(user: {username}, key: <redacted>)")
            }
        }
    }
}

impl std::fmt::Debug for OAuthTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OAuthTokens(<redacted>)")
    }
}

impl Secret {
    pub fn api_key(key: impl Into<String>) -> Self {
        Secret::ApiKey { key: key.into() }
    }

    /// What kind of login this is, for the UI: `api_key`, `oauth`, `jwt_bearer`.
    pub fn kind(&self) -> &'static str {
        match self {
            Secret::ApiKey { .. } => "api_key",
            Secret::OAuth(_) => "oauth",
            Secret::JwtBearer { .. } => "jwt_bearer",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_the_secret() {
        let secrets = [
            Secret::api_key("pat-na1-very-secret"),
            Secret::OAuth(OAuthTokens {
                access_token: "very-secret-access".into(),
                refresh_token: Some("very-secret-refresh".into()),
                expires_at: None,
                token_url: "http://x/token".into(),
                client_id: "client".into(),
                client_secret: Some("very-secret-client".into()),
            }),
            Secret::JwtBearer {
                client_id: "c".into(),
                username: "u@example.com".into(),
                private_key_pem: "-----BEGIN very-secret".into(),
                login_url: "http://x".into(),
            },
        ];
        for s in secrets {
            let shown = format!("{s:?} {s:#?}");
            assert!(!shown.contains("very-secret"), "{shown}");
        }
    }
}
