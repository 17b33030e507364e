//! OAuth 2 pieces shared by the emulated providers: authorization codes with PKCE, issued tokens with
//! lifetimes, refresh tokens (rotating or not).

use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

use base64::Engine;
use sha2::{Digest, Sha256};

use crate::seed::mix;

#[derive(Debug, Clone)]
struct Code {
    client_id: String,
    redirect_uri: String,
    challenge: Option<String>,
}

/// Why a token request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    BadClient,
    BadCode,
    BadRedirect,
    BadVerifier,
    MissingVerifier,
    BadRefreshToken,
}

/// Codes, access tokens and refresh tokens of one provider.
pub struct OAuth {
    pub client_id: String,
    pub client_secret: String,
    lifetime: Duration,
    rotate_refresh: bool,
    codes: HashMap<String, Code>,
    access: HashMap<String, Instant>,
    refresh: HashMap<String, String>,
    counter: u64,
    salt: u64,
    access_prefix: String,
}

/// What the token endpoint hands out.
pub struct Issued {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: u64,
}

/// Percent-encodes a value for the query of a redirect (`state` comes back exactly as it was sent).
pub fn escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The authorize step's answer: a 302 back to `redirect` with the `code` (and `state`, as it was sent).
pub fn redirect_with_code(
    redirect: &str,
    code: &str,
    state: Option<&str>,
) -> axum::response::Response {
    use axum::{
        http::{StatusCode, header},
        response::IntoResponse,
    };
    let separator = if redirect.contains('?') { '&' } else { '?' };
    let mut location = format!("{redirect}{separator}code={}", escape(code));
    if let Some(state) = state {
        location.push_str(&format!("&state={}", escape(state)));
    }
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

/// `base64url(sha256(verifier))` without padding: RFC 7636's S256.
pub fn s256(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

impl OAuth {
    pub fn new(
        client_id: String,
        client_secret: String,
        lifetime: Duration,
        rotate_refresh: bool,
        salt: u64,
    ) -> Self {
        OAuth {
            client_id,
            client_secret,
            lifetime,
            rotate_refresh,
            codes: HashMap::new(),
            access: HashMap::new(),
            refresh: HashMap::new(),
            counter: 0,
            salt,
            access_prefix: String::new(),
        }
    }

    /// Access tokens start with this (Salesforce sessions begin with the org id and `!`).
    pub fn with_access_prefix(mut self, prefix: &str) -> Self {
        self.access_prefix = prefix.to_owned();
        self
    }

    fn access_token(&mut self) -> String {
        let token = self.token("access");
        format!("{}{token}", self.access_prefix)
    }

    fn token(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!(
            "{prefix}-{:016x}{:08x}",
            mix(&[self.salt, self.counter]),
            self.counter
        )
    }

    /// The authorize step: the emulated user approves at once. Keeps the S256 challenge for the token step.
    pub fn authorize(
        &mut self,
        client_id: &str,
        redirect_uri: &str,
        challenge: Option<&str>,
    ) -> Result<String, Refusal> {
        if client_id != self.client_id {
            return Err(Refusal::BadClient);
        }
        let code = self.token("code");
        self.codes.insert(
            code.clone(),
            Code {
                client_id: client_id.into(),
                redirect_uri: redirect_uri.into(),
                challenge: challenge.map(str::to_owned),
            },
        );
        Ok(code)
    }

    fn issue(&mut self, refresh_token: Option<String>) -> Issued {
        let access_token = self.access_token();
        self.access
            .insert(access_token.clone(), Instant::now() + self.lifetime);
        let refresh_token = refresh_token.unwrap_or_else(|| self.token("refresh"));
        self.refresh
            .insert(refresh_token.clone(), self.client_id.clone());
        Issued {
            access_token,
            refresh_token,
            expires_in: self.lifetime.as_secs(),
        }
    }

    /// An access token alone, for grants that never get a refresh token (Salesforce's JWT bearer flow).
    pub fn issue_without_refresh(&mut self) -> String {
        let access_token = self.access_token();
        self.access
            .insert(access_token.clone(), Instant::now() + self.lifetime);
        access_token
    }

    /// `grant_type=authorization_code`: a code is good once; with a challenge the verifier must match.
    pub fn exchange_code(
        &mut self,
        client_id: &str,
        client_secret: &str,
        code: &str,
        redirect_uri: &str,
        verifier: Option<&str>,
    ) -> Result<Issued, Refusal> {
        if client_id != self.client_id || client_secret != self.client_secret {
            return Err(Refusal::BadClient);
        }
        let grant = self.codes.remove(code).ok_or(Refusal::BadCode)?;
        if grant.client_id != client_id {
            return Err(Refusal::BadCode);
        }
        if grant.redirect_uri != redirect_uri {
            return Err(Refusal::BadRedirect);
        }
        if let Some(challenge) = grant.challenge {
            let verifier = verifier.ok_or(Refusal::MissingVerifier)?;
            if s256(verifier) != challenge {
                return Err(Refusal::BadVerifier);
            }
        }
        Ok(self.issue(None))
    }

    /// `grant_type=refresh_token`. With rotation the old refresh token stops working.
    pub fn refresh(
        &mut self,
        client_id: &str,
        client_secret: &str,
        refresh_token: &str,
    ) -> Result<Issued, Refusal> {
        if client_id != self.client_id || client_secret != self.client_secret {
            return Err(Refusal::BadClient);
        }
        if !self.refresh.contains_key(refresh_token) {
            return Err(Refusal::BadRefreshToken);
        }
        if self.rotate_refresh {
            self.refresh.remove(refresh_token);
            Ok(self.issue(None))
        } else {
            Ok(self.issue(Some(refresh_token.to_owned())))
        }
    }

    /// Whether an access token was issued here, and how long ago it expired if it did.
    pub fn check(&self, token: &str) -> Option<Result<(), Duration>> {
        let expires = self.access.get(token)?;
        let now = Instant::now();
        Some(if now < *expires {
            Ok(())
        } else {
            Err(now - *expires)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oauth(rotate: bool) -> OAuth {
        OAuth::new(
            "client".into(),
            "secret".into(),
            Duration::from_secs(60),
            rotate,
            1,
        )
    }

    #[test]
    fn s256_matches_rfc_7636_appendix_b() {
        assert_eq!(
            s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn a_code_with_a_challenge_needs_the_matching_verifier_and_works_once() {
        let mut o = oauth(false);
        let challenge = s256("the-verifier");
        let code = o
            .authorize("client", "http://127.0.0.1:9/cb", Some(&challenge))
            .unwrap();
        assert_eq!(
            o.exchange_code("client", "secret", &code, "http://127.0.0.1:9/cb", None)
                .err(),
            Some(Refusal::MissingVerifier)
        );
        let code = o
            .authorize("client", "http://127.0.0.1:9/cb", Some(&challenge))
            .unwrap();
        assert_eq!(
            o.exchange_code(
                "client",
                "secret",
                &code,
                "http://127.0.0.1:9/cb",
                Some("wrong")
            )
            .err(),
            Some(Refusal::BadVerifier)
        );
        let code = o
            .authorize("client", "http://127.0.0.1:9/cb", Some(&challenge))
            .unwrap();
        let issued = o
            .exchange_code(
                "client",
                "secret",
                &code,
                "http://127.0.0.1:9/cb",
                Some("the-verifier"),
            )
            .unwrap();
        assert_eq!(o.check(&issued.access_token), Some(Ok(())));
        assert_eq!(
            o.exchange_code(
                "client",
                "secret",
                &code,
                "http://127.0.0.1:9/cb",
                Some("the-verifier")
            )
            .err(),
            Some(Refusal::BadCode)
        );
    }

    #[test]
    fn rotating_refresh_tokens_die_after_use_and_plain_ones_do_not() {
        for rotate in [true, false] {
            let mut o = oauth(rotate);
            let code = o.authorize("client", "cb", None).unwrap();
            let first = o
                .exchange_code("client", "secret", &code, "cb", None)
                .unwrap();
            let second = o.refresh("client", "secret", &first.refresh_token).unwrap();
            assert_eq!(second.refresh_token == first.refresh_token, !rotate);
            assert_eq!(
                o.refresh("client", "secret", &first.refresh_token).is_ok(),
                !rotate
            );
        }
    }
}
