//! How the CLI signs in (connect and reconnect): a token or key from standard input or the environment
//! (never needed in argv), the browser, or a Salesforce JWT.

use std::path::PathBuf;

use bridge_engine::{Error, Login, OAuthClient};

#[derive(clap::Args)]
pub struct LoginArgs {
    /// HubSpot private-app token, Pipedrive API token or Salesforce session id. Better kept out of the
    /// command line (shell history, the process list): --token-stdin or CRM_BRIDGE_TOKEN.
    #[arg(long, env = "CRM_BRIDGE_TOKEN", hide_env_values = true, conflicts_with_all = ["api_key", "oauth", "jwt_key"])]
    token: Option<String>,
    /// Close API key; better --api-key-stdin or CRM_BRIDGE_API_KEY.
    #[arg(long, env = "CRM_BRIDGE_API_KEY", hide_env_values = true, conflicts_with_all = ["oauth", "jwt_key"])]
    api_key: Option<String>,
    /// Read the token from the first line of standard input.
    #[arg(long, conflicts_with_all = ["token", "api_key", "api_key_stdin", "oauth", "jwt_key"])]
    token_stdin: bool,
    /// Read the API key from the first line of standard input.
    #[arg(long, conflicts_with_all = ["token", "api_key", "oauth", "jwt_key"])]
    api_key_stdin: bool,
    /// Sign in with the browser (OAuth with PKCE); needs --client-id, --authorize-url, --token-url.
    #[arg(long, requires_all = ["client_id", "authorize_url", "token_url"])]
    oauth: bool,
    /// Salesforce JWT bearer: the connected app's private key (PEM); needs --username and --client-id.
    #[arg(long, requires_all = ["username", "client_id"])]
    jwt_key: Option<PathBuf>,
    #[arg(long)]
    username: Option<String>,
    #[arg(long)]
    client_id: Option<String>,
    #[arg(long, env = "CRM_BRIDGE_CLIENT_SECRET", hide_env_values = true)]
    client_secret: Option<String>,
    #[arg(long)]
    authorize_url: Option<String>,
    #[arg(long)]
    token_url: Option<String>,
    /// Salesforce login host for JWT bearer.
    #[arg(long, default_value = "https://login.salesforce.com")]
    login_url: String,
    #[arg(long = "scope")]
    scopes: Vec<String>,
}

/// The first line of standard input; at a terminal, asked for without echoing what is typed.
fn secret_from_stdin(what: &'static str) -> bridge_engine::Result<String> {
    let unreadable = |e: std::io::Error| Error::InvalidInput {
        field: what,
        message: format!("could not read the {what} from standard input: {e}"),
    };
    if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        let typed = rpassword::prompt_password(format!("{} (not shown): ", what.replace('_', " ")))
            .map_err(unreadable)?;
        return Ok(typed.trim().to_owned());
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).map_err(unreadable)?;
    Ok(line.trim().to_owned())
}

impl LoginArgs {
    pub fn login(self) -> bridge_engine::Result<Login> {
        let from_stdin = if self.token_stdin {
            Some(secret_from_stdin("token")?)
        } else if self.api_key_stdin {
            Some(secret_from_stdin("api_key")?)
        } else {
            None
        };
        if let Some(key) = from_stdin.or(self.token).or(self.api_key) {
            Ok(Login::ApiKey(key))
        } else if self.oauth {
            Ok(Login::Browser(OAuthClient {
                authorize_url: self.authorize_url.unwrap_or_default(),
                token_url: self.token_url.unwrap_or_default(),
                client_id: self.client_id.unwrap_or_default(),
                client_secret: self.client_secret,
                scopes: self.scopes,
            }))
        } else if let Some(path) = self.jwt_key {
            let private_key_pem = std::fs::read_to_string(&path).map_err(|e| Error::Io {
                path: path.display().to_string(),
                message: e.to_string(),
            })?;
            Ok(Login::JwtBearer {
                client_id: self.client_id.unwrap_or_default(),
                username: self.username.unwrap_or_default(),
                private_key_pem,
                login_url: self.login_url,
            })
        } else {
            Err(Error::InvalidInput {
                field: "login",
                message: "give --token-stdin, --api-key-stdin (or CRM_BRIDGE_TOKEN / CRM_BRIDGE_API_KEY), --oauth or --jwt-key".into(),
            })
        }
    }
}

/// Shows the sign-in page: `$BROWSER` wins where set; a text-mode one may block, so it runs off the
/// runtime.
pub async fn open_browser(url: String) -> Result<(), bridge_engine::CrmError> {
    eprintln!("Opening your browser to sign in. If it does not open, visit:\n  {url}");
    drop(tokio::task::spawn_blocking(move || webbrowser::open(&url)));
    Ok(())
}
