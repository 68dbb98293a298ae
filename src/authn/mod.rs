//! PLACEHOLDER of the login spine (replaced by main's `authn` when it lands): only the
//! signatures of SPINE_API.md, so the eIDAS method compiles in the meantime.
#![allow(dead_code, clippy::unused_async)]

pub mod eidas;

use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;

use crate::domain::{AuthLevel, NationalNumber};
use crate::startup::AppState;

#[derive(Debug, Clone)]
pub struct Authenticated {
    pub identity: IdentityClaim,
    pub level: AuthLevel,
    pub amr: Vec<String>,
    pub method: Method,
}

#[derive(Debug, Clone, Copy)]
pub enum Method {
    Eid,
    Itsme,
    Eidas,
    Password,
    Passkey,
}

#[derive(Debug, Clone)]
pub enum IdentityClaim {
    National { number: NationalNumber, given_names: String, surname: String },
    Foreign { eidas_identifier: String, given_names: String, surname: String, birth_date: Option<time::Date> },
}

#[derive(Debug, thiserror::Error)]
pub enum AuthnError {
    #[error("not found")]
    TransactionNotFound,
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl IntoResponse for AuthnError {
    fn into_response(self) -> Response {
        http::StatusCode::BAD_REQUEST.into_response()
    }
}

pub async fn complete(
    _state: &AppState,
    jar: CookieJar,
    _tx_id: &str,
    _auth: Authenticated,
) -> Result<(CookieJar, Redirect), AuthnError> {
    Ok((jar, Redirect::to("/")))
}

pub mod methods {
    use crate::domain::AuthLevel;
    pub struct MethodEntry {
        pub id: &'static str,
        pub title_key: &'static str,
        pub text_key: &'static str,
        pub level: AuthLevel,
        pub start_url: String,
    }
}

pub mod transaction {
    use axum_extra::extract::CookieJar;

    use super::AuthnError;
    use crate::domain::AuthLevel;
    use crate::startup::AppState;

    pub struct LoginTransaction {
        pub id: String,
        pub required_level: AuthLevel,
        pub method_state: Option<serde_json::Value>,
    }

    pub async fn load(_state: &AppState, _jar: &CookieJar, _id: &str) -> Result<LoginTransaction, AuthnError> {
        Err(AuthnError::TransactionNotFound)
    }

    pub async fn save_method_state(
        _state: &AppState,
        _tx_id: &str,
        _value: &serde_json::Value,
    ) -> Result<(), AuthnError> {
        Ok(())
    }

    pub fn login_url(tx_id: &str) -> String {
        format!("/login?tx={tx_id}")
    }
}
