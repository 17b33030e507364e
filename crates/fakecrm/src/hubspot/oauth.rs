//! HubSpot OAuth: `GET /oauth/authorize` (approves at once, redirects with `code` and `state`) and
//! `POST /oauth/v1/token` (form: authorization_code with PKCE `code_verifier`, or refresh_token).

use std::{collections::HashMap, sync::Arc};

use axum::{
    Form, Json,
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::json;

use crate::{Emulator, oauth::Refusal};

fn refusal(refusal: Refusal) -> Response {
    let (status, message) = match refusal {
        Refusal::BadClient => (
            "BAD_CLIENT_ID",
            "missing or unknown client id or client secret",
        ),
        Refusal::BadCode => ("BAD_AUTH_CODE", "missing or unknown auth code"),
        Refusal::BadRedirect => (
            "BAD_REDIRECT_URI",
            "redirect_uri does not match the authorize request",
        ),
        Refusal::MissingVerifier => (
            "BAD_AUTH_CODE",
            "code_verifier is required for this auth code",
        ),
        Refusal::BadVerifier => (
            "BAD_AUTH_CODE",
            "code_verifier does not match the code_challenge",
        ),
        Refusal::BadRefreshToken => ("BAD_REFRESH_TOKEN", "missing or unknown refresh token"),
    };
    (StatusCode::BAD_REQUEST, Json(json!({"status": status, "message": message, "correlationId": "00000000-0000-4000-8000-0000000000a0"})))
        .into_response()
}

pub async fn authorize(
    State(emu): State<Arc<Emulator>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or_default();
    let challenge = match (q.get("code_challenge"), get("code_challenge_method")) {
        (Some(c), "S256") => Some(c.as_str()),
        (Some(_), _) => {
            return (
                StatusCode::BAD_REQUEST,
                "only code_challenge_method=S256 is supported",
            )
                .into_response();
        }
        (None, _) => None,
    };
    let redirect = get("redirect_uri");
    if redirect.is_empty() {
        return (StatusCode::BAD_REQUEST, "redirect_uri is required").into_response();
    }
    let code = match emu
        .hubspot()
        .oauth
        .authorize(get("client_id"), redirect, challenge)
    {
        Ok(code) => code,
        Err(r) => return refusal(r),
    };
    crate::oauth::redirect_with_code(redirect, &code, Some(get("state")))
}

pub async fn token(
    State(emu): State<Arc<Emulator>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
    let mut hs = emu.hubspot();
    let issued = match get("grant_type") {
        "authorization_code" => hs.oauth.exchange_code(
            get("client_id"),
            get("client_secret"),
            get("code"),
            get("redirect_uri"),
            form.get("code_verifier").map(String::as_str),
        ),
        "refresh_token" => {
            hs.oauth
                .refresh(get("client_id"), get("client_secret"), get("refresh_token"))
        }
        other => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"status": "BAD_GRANT_TYPE", "message": format!("unsupported grant_type `{other}`")})),
            )
                .into_response();
        }
    };
    match issued {
        Ok(t) => Json(json!({
            "access_token": t.access_token, "refresh_token": t.refresh_token, "expires_in": t.expires_in,
            "token_type": "bearer", "token_use": "access_token", "hub_id": 4411,
        }))
        .into_response(),
        Err(r) => refusal(r),
    }
}
