//! CSRF protection for every form: a random cookie plus a hidden `csrf` field carrying
//! an HMAC of it under a server key (signed double submit, OWASP CSRF cheat sheet).

use axum::extract::{FromRequest, Request};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::de::DeserializeOwned;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::web::error::{ErrorPage, WebError};
use crate::web::request::CsrfCookie;
use crate::web::shell::WebShell;

/// Computes and checks tokens.
#[derive(Clone)]
pub struct CsrfKey([u8; 32]);

impl CsrfKey {
    /// Checks `token` (from a header or a JSON body) against this request's CSRF cookie.
    pub fn is_valid_for(&self, parts: &http::request::Parts, token: &str) -> bool {
        parts.extensions.get::<CsrfCookie>().is_some_and(|c| !c.0.is_empty() && self.is_valid(&c.0, token))
    }
}

impl std::fmt::Debug for CsrfKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CsrfKey(..)")
    }
}

impl CsrfKey {
    pub fn new(key: [u8; 32]) -> Self {
        Self(key)
    }

    pub fn token_for(&self, cookie: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("any key length works for HMAC");
        mac.update(b"poort/csrf/v1:");
        mac.update(cookie.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    pub fn is_valid(&self, cookie: &str, token: &str) -> bool {
        let expected = self.token_for(cookie);
        expected.as_bytes().ct_eq(token.as_bytes()).into()
    }
}

pub fn new_cookie_value() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A form body whose `csrf` field was checked before `T` is parsed.
/// Oversized bodies become a friendly 413 page; malformed ones a 400 page.
#[derive(Debug)]
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for CsrfForm<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let cookie = req.extensions().get::<CsrfCookie>().map(|c| c.0.clone()).unwrap_or_default();
        let Some(shell) = req.extensions().get::<WebShell>().cloned() else {
            return Err(WebError::internal(anyhow::anyhow!("the web shell is missing from the request")));
        };
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|rejection| WebError::Page(ErrorPage::for_status(rejection.status())))?;
        let token = form_urlencoded::parse(&bytes).find(|(k, _)| k == "csrf").map(|(_, v)| v.into_owned());
        match token {
            Some(token) if !cookie.is_empty() && shell.csrf().is_valid(&cookie, &token) => {}
            _ => return Err(WebError::Csrf),
        }
        let value =
            serde_urlencoded::from_bytes::<T>(&bytes).map_err(|_| WebError::bad_request("error.bad_form"))?;
        Ok(Self(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_valid_only_for_its_own_cookie() {
        let key = CsrfKey::new([7; 32]);
        let cookie = new_cookie_value();
        let token = key.token_for(&cookie);
        assert!(key.is_valid(&cookie, &token));
        assert!(!key.is_valid(&new_cookie_value(), &token));
        assert!(!key.is_valid(&cookie, ""));
        assert!(!CsrfKey::new([8; 32]).is_valid(&cookie, &token));
    }
}
