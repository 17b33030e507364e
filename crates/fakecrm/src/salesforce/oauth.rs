//! Salesforce sign-in on the login host: `GET /services/oauth2/authorize` (web-server flow, approves at
//! once, PKCE S256) and `POST /services/oauth2/token` for `authorization_code`, `refresh_token` and the
//! JWT bearer grant (RS256 assertion verified with the connected app's certificate key). Token responses
//! carry `instance_url`, `id`, `issued_at` and `signature`, and no `expires_in`.

use std::{collections::HashMap, sync::Arc};

use axum::{
    Form, Json,
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::{Emulator, now_ms, oauth::Refusal};

pub const JWT_PRIVATE_KEY: &str = include_str!("../../keys/salesforce-jwt-test.key");
const JWT_PUBLIC_KEY: &str = include_str!("../../keys/salesforce-jwt-test.pub");
const JWT_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
pub(super) const ORG_ID: &str = "00D5e000000FAKEEAA";

fn oauth_error(error: &str, description: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

fn refusal(r: Refusal) -> Response {
    match r {
        Refusal::BadClient => oauth_error("invalid_client_id", "client identifier invalid"),
        Refusal::BadCode => oauth_error("invalid_grant", "authorization code expired or invalid"),
        Refusal::BadRedirect => oauth_error(
            "redirect_uri_mismatch",
            "redirect_uri must match configuration",
        ),
        // Salesforce: a challenge without a verifier is invalid_grant, a wrong verifier invalid_request.
        Refusal::MissingVerifier => oauth_error("invalid_grant", "invalid code verifier"),
        Refusal::BadVerifier => oauth_error("invalid_request", "invalid code verifier"),
        Refusal::BadRefreshToken => oauth_error("invalid_grant", "expired access/refresh token"),
    }
}

/// The token response; `refresh_token` only where Salesforce sends one.
fn token_response(
    emu: &Emulator,
    client_secret: &str,
    access: &str,
    refresh: Option<&str>,
) -> Response {
    let base = emu.base_url();
    let id = format!(
        "{base}/salesforce/login/id/{ORG_ID}/{}",
        super::directory::running_user()
    );
    let issued_at = now_ms().to_string();
    let mut mac = Hmac::<Sha256>::new_from_slice(client_secret.as_bytes())
        .expect("HMAC takes any key length");
    mac.update(format!("{id}{issued_at}").as_bytes());
    let signature = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    let mut body = json!({
        "access_token": access, "signature": signature, "scope": "refresh_token api",
        "instance_url": format!("{base}/salesforce/instance"), "id": id, "token_type": "Bearer", "issued_at": issued_at,
    });
    if let Some(r) = refresh {
        body["refresh_token"] = Value::String(r.to_owned());
    }
    Json(body).into_response()
}

pub async fn authorize(
    State(emu): State<Arc<Emulator>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or_default();
    if get("response_type") != "code" {
        return oauth_error("unsupported_response_type", "response_type must be code");
    }
    let redirect = get("redirect_uri");
    let code = match emu.salesforce().oauth.authorize(
        get("client_id"),
        redirect,
        q.get("code_challenge").map(String::as_str),
    ) {
        Ok(c) => c,
        Err(r) => return refusal(r),
    };
    crate::oauth::redirect_with_code(redirect, &code, q.get("state").map(String::as_str))
}

#[derive(Debug, Deserialize)]
struct Claims {
    iss: String,
    sub: String,
}

pub async fn token(
    State(emu): State<Arc<Emulator>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
    match get("grant_type") {
        "authorization_code" => {
            let issued = emu.salesforce().oauth.exchange_code(
                get("client_id"),
                get("client_secret"),
                get("code"),
                get("redirect_uri"),
                form.get("code_verifier").map(String::as_str),
            );
            match issued {
                Ok(t) => token_response(
                    &emu,
                    get("client_secret"),
                    &t.access_token,
                    Some(&t.refresh_token),
                ),
                Err(r) => refusal(r),
            }
        }
        "refresh_token" => {
            let issued = emu.salesforce().oauth.refresh(
                get("client_id"),
                get("client_secret"),
                get("refresh_token"),
            );
            match issued {
                // Without refresh-token rotation Salesforce sends no refresh_token on refresh.
                Ok(t) => token_response(&emu, get("client_secret"), &t.access_token, None),
                Err(r) => refusal(r),
            }
        }
        JWT_GRANT => jwt_bearer(&emu, get("assertion")),
        other => oauth_error(
            "unsupported_grant_type",
            &format!("grant type not supported: {other}"),
        ),
    }
}

/// Verifies the assertion: RS256 with the connected app's key, `iss` = consumer key, `sub` = a
/// pre-authorised user, `aud` = the login host, `exp` in the future. No refresh token is issued.
fn jwt_bearer(emu: &Emulator, assertion: &str) -> Response {
    use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};
    let Ok(key) = DecodingKey::from_rsa_pem(JWT_PUBLIC_KEY.as_bytes()) else {
        return oauth_error("invalid_grant", "the emulator's public key did not load");
    };
    let login = format!("{}/salesforce/login", emu.base_url());
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[
        login.as_str(),
        "https://login.salesforce.com",
        "https://test.salesforce.com",
    ]);
    validation.set_required_spec_claims(&["exp", "aud", "iss", "sub"]);
    let claims = match decode::<Claims>(assertion, &key, &validation) {
        Ok(data) => data.claims,
        Err(e) => {
            let description = match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => "expired authorization code",
                jsonwebtoken::errors::ErrorKind::InvalidAudience => "audience is invalid",
                jsonwebtoken::errors::ErrorKind::InvalidSignature => "invalid assertion signature",
                _ => "invalid assertion",
            };
            return oauth_error("invalid_grant", description);
        }
    };
    let mut sf = emu.salesforce();
    if claims.iss != sf.oauth.client_id {
        return oauth_error("invalid_client_id", "client identifier invalid");
    }
    if claims.sub != sf.username {
        return oauth_error("invalid_grant", "user hasn't approved this consumer");
    }
    let access = sf.oauth.issue_without_refresh();
    let secret = sf.oauth.client_secret.clone();
    drop(sf);
    token_response(emu, &secret, &access, None)
}
