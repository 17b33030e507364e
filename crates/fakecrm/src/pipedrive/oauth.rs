//! Pipedrive OAuth: `GET /oauth/authorize` (approves at once, redirects with `code` and `state`) and
//! `POST /oauth/token` with the client credentials as HTTP Basic auth; the answer names `api_domain`,
//! where API calls go. Refresh keeps the same refresh token.

use std::{collections::HashMap, sync::Arc};

use axum::{
    Form, Json,
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use base64::Engine;
use serde_json::json;

use crate::{Emulator, oauth::Refusal};

fn refusal(r: Refusal) -> Response {
    let message = match r {
        Refusal::BadClient => "Invalid client: client is invalid",
        Refusal::BadCode | Refusal::MissingVerifier | Refusal::BadVerifier => {
            "Invalid grant: authorization code is invalid"
        }
        Refusal::BadRedirect => "Invalid grant: redirect_uri does not match",
        Refusal::BadRefreshToken => "Invalid grant: refresh token is invalid",
    };
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"success": false, "message": message, "error": message})),
    )
        .into_response()
}

pub async fn authorize(
    State(emu): State<Arc<Emulator>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or_default();
    let redirect = get("redirect_uri");
    let code = match emu.pipedrive().oauth.authorize(
        get("client_id"),
        redirect,
        q.get("code_challenge").map(String::as_str),
    ) {
        Ok(c) => c,
        Err(r) => return refusal(r),
    };
    crate::oauth::redirect_with_code(redirect, &code, q.get("state").map(String::as_str))
}

/// `Authorization: Basic base64(client_id:client_secret)`; credentials in the body are accepted too.
fn client_credentials(headers: &HeaderMap, form: &HashMap<String, String>) -> (String, String) {
    let basic = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| {
            s.split_once(':')
                .map(|(id, secret)| (id.to_owned(), secret.to_owned()))
        });
    basic.unwrap_or_else(|| {
        let get = |k: &str| form.get(k).cloned().unwrap_or_default();
        (get("client_id"), get("client_secret"))
    })
}

pub async fn token(
    State(emu): State<Arc<Emulator>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let (client_id, client_secret) = client_credentials(&headers, &form);
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
    let issued = {
        let mut pd = emu.pipedrive();
        match get("grant_type") {
            "authorization_code" => pd.oauth.exchange_code(
                &client_id,
                &client_secret,
                get("code"),
                get("redirect_uri"),
                form.get("code_verifier").map(String::as_str),
            ),
            "refresh_token" => pd
                .oauth
                .refresh(&client_id, &client_secret, get("refresh_token")),
            _ => return refusal(Refusal::BadCode),
        }
    };
    match issued {
        Ok(t) => Json(json!({
            "access_token": t.access_token, "token_type": "Bearer", "refresh_token": t.refresh_token,
            "scope": "base,deals:full,contacts:full", "expires_in": t.expires_in,
            "api_domain": format!("{}/pipedrive", emu.base_url()),
        }))
        .into_response(),
        Err(r) => refusal(r),
    }
}
