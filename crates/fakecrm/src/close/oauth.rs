//! Close OAuth: `GET /oauth2/authorize/` (approves at once, redirects with `code` and `state`) and
//! `POST /oauth2/token/` (client credentials in the form body; refresh tokens rotate).

use std::{collections::HashMap, sync::Arc};

use axum::{
    Form, Json,
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::json;

use super::render;
use crate::{Emulator, oauth::Refusal};

fn refusal(r: Refusal) -> Response {
    let (error, description) = match r {
        Refusal::BadClient => ("invalid_client", "Invalid client_id or client_secret."),
        Refusal::BadCode | Refusal::MissingVerifier | Refusal::BadVerifier => {
            ("invalid_grant", "Invalid or expired authorization code.")
        }
        Refusal::BadRedirect => ("invalid_grant", "Mismatching redirect URI."),
        Refusal::BadRefreshToken => ("invalid_grant", "Invalid refresh token."),
    };
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

pub async fn authorize(
    State(emu): State<Arc<Emulator>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or_default();
    if get("response_type") != "code" {
        return (StatusCode::BAD_REQUEST, "response_type must be code").into_response();
    }
    let redirect = get("redirect_uri");
    let challenge = q.get("code_challenge").map(String::as_str);
    let code = match emu
        .close()
        .oauth
        .authorize(get("client_id"), redirect, challenge)
    {
        Ok(c) => c,
        Err(r) => return refusal(r),
    };
    crate::oauth::redirect_with_code(redirect, &code, q.get("state").map(String::as_str))
}

pub async fn token(
    State(emu): State<Arc<Emulator>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
    let mut close = emu.close();
    let issued = match get("grant_type") {
        "authorization_code" => close.oauth.exchange_code(
            get("client_id"),
            get("client_secret"),
            get("code"),
            get("redirect_uri"),
            form.get("code_verifier").map(String::as_str),
        ),
        "refresh_token" => {
            close
                .oauth
                .refresh(get("client_id"), get("client_secret"), get("refresh_token"))
        }
        _ => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"error": "unsupported_grant_type"})),
            )
                .into_response();
        }
    };
    match issued {
        Ok(t) => Json(json!({
            "token_type": "Bearer", "access_token": t.access_token, "expires_in": t.expires_in,
            "refresh_token": t.refresh_token, "scope": "all.full_access offline_access",
            "organization_id": render::ORGANIZATION, "user_id": render::user_id(0),
        }))
        .into_response(),
        Err(r) => refusal(r),
    }
}
