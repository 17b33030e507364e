//! OAuth 2 with the `oauth2` crate: authorization code + PKCE (S256) through the system browser and a
//! loopback redirect listener (random port, `state` checked, timeout), and token refresh (rotating
//! refresh tokens kept; `instance_url` and `api_domain` read from the token answer).

use std::time::Duration;

use chrono::Utc;
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet,
    EndpointSet, ExtraTokenFields, PkceCodeChallenge, RedirectUrl, RefreshToken, Scope,
    StandardRevocableToken, StandardTokenResponse, TokenResponse, TokenUrl,
    basic::{
        BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
        BasicTokenType,
    },
};
use serde::{Deserialize, Serialize};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

use crate::{CrmError, OAuthTokens, Result, Secret};

/// The token answer's provider-specific extras.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Extra {
    /// Salesforce: the host every later call must use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_url: Option<String>,
    /// Pipedrive: the company's API host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_domain: Option<String>,
}
impl ExtraTokenFields for Extra {}

type TokenAnswer = StandardTokenResponse<Extra, BasicTokenType>;
type Client<HasAuth> = oauth2::Client<
    BasicErrorResponse,
    TokenAnswer,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    HasAuth,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// A CRM's OAuth app registration. Its `Debug` leaves the client secret out.
#[derive(Clone)]
pub struct OAuthApp {
    pub provider: &'static str,
    pub authorize_url: String,
    pub token_url: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub scopes: Vec<String>,
    /// Client credentials as HTTP Basic (Pipedrive) instead of in the form body.
    pub basic_client_auth: bool,
}

impl std::fmt::Debug for OAuthApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthApp")
            .field("provider", &self.provider)
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

/// A finished sign-in.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub tokens: OAuthTokens,
    pub extra: Extra,
}

fn config(provider: &str, what: &str, e: impl std::fmt::Display) -> CrmError {
    CrmError::Config(format!("{provider}: bad {what}: {e}"))
}

fn token_client(app: &OAuthApp) -> Result<Client<EndpointNotSet>> {
    let mut client = oauth2::Client::new(ClientId::new(app.client_id.clone()))
        .set_token_uri(
            TokenUrl::new(app.token_url.clone())
                .map_err(|e| config(app.provider, "token URL", e))?,
        )
        .set_auth_type(if app.basic_client_auth {
            AuthType::BasicAuth
        } else {
            AuthType::RequestBody
        });
    if let Some(secret) = &app.client_secret {
        client = client.set_client_secret(ClientSecret::new(secret.clone()));
    }
    Ok(client)
}

/// oauth2's HTTP calls, made with our reqwest (it ships support for an older reqwest only).
struct Reqwest<'a>(&'a reqwest::Client);

impl<'c> oauth2::AsyncHttpClient<'c> for Reqwest<'_> {
    type Error = reqwest::Error;
    type Future = std::pin::Pin<
        Box<
            dyn std::future::Future<Output = std::result::Result<oauth2::HttpResponse, Self::Error>>
                + Send
                + 'c,
        >,
    >;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(execute(self.0, request))
    }
}

async fn execute(
    client: &reqwest::Client,
    request: oauth2::HttpRequest,
) -> std::result::Result<oauth2::HttpResponse, reqwest::Error> {
    let response = client.execute(reqwest::Request::try_from(request)?).await?;
    let mut answer = http::Response::builder().status(response.status());
    for (name, value) in response.headers() {
        answer = answer.header(name, value);
    }
    let body = response.bytes().await?.to_vec();
    Ok(answer
        .body(body)
        .expect("status and headers came from a response"))
}

fn tokens_of(app: &OAuthApp, answer: &TokenAnswer, old_refresh: Option<&str>) -> SignedIn {
    SignedIn {
        tokens: OAuthTokens {
            access_token: answer.access_token().secret().clone(),
            // Salesforce and Pipedrive keep the refresh token and may not send it again.
            refresh_token: answer
                .refresh_token()
                .map(|t| t.secret().clone())
                .or_else(|| old_refresh.map(str::to_owned)),
            expires_at: answer
                .expires_in()
                .and_then(|d| chrono::Duration::from_std(d).ok().map(|d| Utc::now() + d)),
            token_url: app.token_url.clone(),
            client_id: app.client_id.clone(),
            client_secret: app.client_secret.clone(),
        },
        extra: answer.extra_fields().clone(),
    }
}

fn token_error<RE: std::error::Error + 'static>(
    provider: &'static str,
    e: oauth2::RequestTokenError<RE, BasicErrorResponse>,
) -> CrmError {
    match e {
        oauth2::RequestTokenError::ServerResponse(r) => CrmError::Unauthorized {
            provider,
            message: match r.error_description() {
                Some(d) => format!("{} ({d})", r.error()),
                None => r.error().to_string(),
            },
        },
        oauth2::RequestTokenError::Request(e) => CrmError::Network {
            provider,
            request: "POST token endpoint".into(),
            attempts: 1,
            message: e.to_string(),
        },
        other => CrmError::Malformed {
            provider,
            request: "POST token endpoint".into(),
            detail: other.to_string(),
        },
    }
}

/// Trades a refresh token for new tokens (and keeps a rotated refresh token).
pub async fn refresh(
    http: &reqwest::Client,
    app: &OAuthApp,
    refresh_token: &str,
) -> Result<SignedIn> {
    let client = token_client(app)?;
    let answer = client
        .exchange_refresh_token(&RefreshToken::new(refresh_token.to_owned()))
        .request_async(&Reqwest(http))
        .await
        .map_err(|e| token_error(app.provider, e))?;
    Ok(tokens_of(app, &answer, Some(refresh_token)))
}

/// The page the browser shows after the redirect.
const DONE_PAGE: &str = "<!doctype html><meta charset=utf-8><title>CRM Bridge</title>\
<body style=\"font-family:sans-serif;margin:4em\"><h1>Signed in</h1>\
<p>You can close this tab and return to CRM Bridge.</p>";

/// Signs in through the browser: listens on a random loopback port, hands the authorize URL to `open`
/// (the system browser in the app; a test follows it itself), waits for the redirect, checks `state`,
/// and trades the code (with the PKCE verifier) for tokens.
pub async fn sign_in<F, Fut>(
    http: &reqwest::Client,
    app: &OAuthApp,
    open: F,
    timeout: Duration,
) -> Result<SignedIn>
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    let listener = TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(|e| CrmError::Config(format!("cannot listen on loopback: {e}")))?;
    let port = listener
        .local_addr()
        .map_err(|e| CrmError::Config(e.to_string()))?
        .port();
    let redirect = format!("http://127.0.0.1:{port}/callback");
    let client = token_client(app)?
        .set_auth_uri(
            AuthUrl::new(app.authorize_url.clone())
                .map_err(|e| config(app.provider, "authorize URL", e))?,
        )
        .set_redirect_uri(
            RedirectUrl::new(redirect).map_err(|e| config(app.provider, "redirect", e))?,
        );
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state) = client
        .authorize_url(CsrfToken::new_random)
        .add_scopes(app.scopes.iter().cloned().map(Scope::new))
        .set_pkce_challenge(challenge)
        .url();
    // Listen before the browser opens: it may come back at once.
    let state = state.secret().clone();
    let waiter = tokio::spawn(async move {
        tokio::time::timeout(timeout, wait_for_code(&listener, &state)).await
    });
    if let Err(e) = open(url.to_string()).await {
        waiter.abort();
        return Err(e);
    }
    let code = waiter
        .await
        .map_err(|e| CrmError::Config(format!("the sign-in listener stopped: {e}")))?
        .map_err(|_| CrmError::Unauthorized {
            provider: app.provider,
            message: format!("no answer from the browser within {} s", timeout.as_secs()),
        })??;
    let answer = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .request_async(&Reqwest(http))
        .await
        .map_err(|e| token_error(app.provider, e))?;
    Ok(tokens_of(app, &answer, None))
}

/// How long one browser connection may take to send its request line.
const REDIRECT_READ_TIMEOUT: Duration = Duration::from_secs(5);

/// Serves the loopback redirect until one arrives with our `state`; answers every request with a page.
/// Each connection is served on its own with a read timeout, so one that sends nothing (a browser's
/// speculative connection, another program) holds up neither the others nor the sign-in.
async fn wait_for_code(listener: &TcpListener, state: &str) -> Result<String> {
    let (found, mut outcome) = tokio::sync::mpsc::channel::<Result<String>>(1);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else {
                    continue;
                };
                let found = found.clone();
                let state = state.to_owned();
                tokio::spawn(async move {
                    if let Some(result) = answer_redirect(stream, &state).await {
                        let _ = found.send(result).await;
                    }
                });
            }
            Some(result) = outcome.recv() => return result,
        }
    }
}

/// Answers one connection to the listener with a page; the sign-in's outcome if it was the redirect
/// with our `state` (a refusal counts only with our `state` too: anyone could send `error=`).
async fn answer_redirect(mut stream: tokio::net::TcpStream, state: &str) -> Option<Result<String>> {
    let mut buffer = vec![0u8; 8192];
    let n = match tokio::time::timeout(REDIRECT_READ_TIMEOUT, stream.read(&mut buffer)).await {
        Ok(Ok(n)) => n,
        _ => return None,
    };
    let head = String::from_utf8_lossy(&buffer[..n]).into_owned();
    let target = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let parsed = url::Url::parse(&format!("http://127.0.0.1{target}")).ok();
    let query: Vec<(String, String)> = parsed
        .as_ref()
        .map(|u| u.query_pairs().into_owned().collect())
        .unwrap_or_default();
    let get = |key: &str| query.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let is_callback = parsed.as_ref().is_some_and(|u| u.path() == "/callback");
    let ours = get("state").is_some_and(|s| s == state);
    let (page, outcome) = match (is_callback && ours, get("code"), get("error")) {
        (true, _, Some(error)) => (
            format!("<p>Sign-in was refused: {}</p>", html_escape(&error)),
            Some(Err(CrmError::Unauthorized {
                provider: "the CRM",
                message: format!("sign-in refused: {error}"),
            })),
        ),
        (true, Some(code), None) => (DONE_PAGE.to_owned(), Some(Ok(code))),
        (false, _, _) if is_callback => (
            "<p>This sign-in link is not the one CRM Bridge started. Start again from the app.</p>"
                .into(),
            None,
        ),
        _ => ("<p>CRM Bridge is waiting for the sign-in.</p>".into(), None),
    };
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{page}",
        page.len()
    );
    let write = async {
        let _ = stream.write_all(response.as_bytes()).await;
        let _ = stream.shutdown().await;
    };
    let _ = tokio::time::timeout(REDIRECT_READ_TIMEOUT, write).await;
    outcome
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The OAuth app behind a set of tokens, for refreshing them.
pub(crate) fn refresh_app(provider: &'static str, tokens: &OAuthTokens, basic: bool) -> OAuthApp {
    OAuthApp {
        provider,
        authorize_url: String::new(),
        token_url: tokens.token_url.clone(),
        client_id: tokens.client_id.clone(),
        client_secret: tokens.client_secret.clone(),
        scopes: Vec::new(),
        basic_client_auth: basic,
    }
}

/// A refreshed OAuth secret, or None when the secret cannot refresh (API keys).
pub(crate) async fn refresh_oauth(
    provider: &'static str,
    client: &reqwest::Client,
    secret: &Secret,
    basic: bool,
) -> Result<Option<Secret>> {
    let Secret::OAuth(tokens) = secret else {
        return Ok(None);
    };
    let Some(refresh_token) = &tokens.refresh_token else {
        return Ok(None);
    };
    let app = refresh_app(provider, tokens, basic);
    let signed_in = refresh(client, &app, refresh_token).await?;
    Ok(Some(Secret::OAuth(signed_in.tokens)))
}

#[cfg(test)]
mod listener_tests {
    use super::*;

    /// A browser's request; it must be answered within 3 s (a listener stuck on another connection
    /// would not).
    async fn get(port: u16, target: &str) -> String {
        let fetch = async {
            let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .unwrap();
            let request = format!("GET {target} HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n");
            stream.write_all(request.as_bytes()).await.unwrap();
            let mut page = String::new();
            stream.read_to_string(&mut page).await.unwrap();
            page
        };
        tokio::time::timeout(Duration::from_secs(3), fetch)
            .await
            .expect("the listener answers")
    }

    #[tokio::test]
    async fn a_silent_connection_or_a_foreign_refusal_does_not_stop_the_sign_in() {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let waiter = tokio::spawn(async move { wait_for_code(&listener, "ours").await });
        // A connection that never sends a request: the listener must go on serving the others.
        let _silent = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap();
        // A refusal without our state (anyone on this machine can send one) is not the sign-in's end.
        let page = get(port, "/callback?error=access_denied&state=theirs").await;
        assert!(page.contains("not the one CRM Bridge started"), "{page}");
        let page = get(port, "/callback?error=access_denied").await;
        assert!(page.contains("not the one"), "{page}");
        let page = get(port, "/callback?code=abc&state=ours").await;
        assert!(page.contains("Signed in"), "{page}");
        let code = tokio::time::timeout(Duration::from_secs(3), waiter)
            .await
            .expect("the sign-in ends")
            .unwrap()
            .unwrap();
        assert_eq!(code, "abc");
    }

    #[tokio::test]
    async fn a_refusal_with_our_state_ends_the_sign_in() {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let waiter = tokio::spawn(async move { wait_for_code(&listener, "ours").await });
        let page = get(port, "/callback?error=access_denied&state=ours").await;
        assert!(page.contains("refused: access_denied"), "{page}");
        let refused = waiter.await.unwrap().unwrap_err();
        assert!(refused.to_string().contains("access_denied"), "{refused}");
    }
}
