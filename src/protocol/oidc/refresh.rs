//! Refresh-token rotation with reuse detection (RFC 9700 §4.14.2, RFC 6749 §6).
//!
//! Rules the store must enforce:
//! * Keep per refresh token (keyed by `code::storage_key(token)`): `family_id` (= the grant id
//!   of the original code), `client_id`, `scope`, `dpop_jkt`, `session sid`, `issued_at`,
//!   `expires_at`, `family_expires_at` (absolute limit), `rotated_at` (NULL until used),
//!   `revoked_at`.
//! * Each use rotates: mark the presented token rotated and issue a new one in the same
//!   family, atomically (`UPDATE … SET rotated_at = $now WHERE key = $1 AND rotated_at IS NULL`).
//! * A rotated (already used) token presented again → reuse: revoke the whole family and
//!   every access token of the grant.
//! * Public clients' refresh tokens must be DPoP-bound or rotated (both here: always rotated).

use serde::{Deserialize, Serialize};

use crate::protocol::oidc::error::OAuthError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshRecord {
    pub family_id: String,
    pub client_id: String,
    pub scope: Vec<String>,
    pub sid: Option<String>,
    pub dpop_jkt: Option<String>,
    pub expires_at: i64,
    pub family_expires_at: i64,
    pub rotated_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// What the caller must do after a refused refresh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshRefusal {
    pub error: OAuthError,
    /// `Some(family_id)`: a rotated token was reused: revoke the family and its grant.
    pub revoke_family: Option<String>,
}

/// Checks a `refresh_token` grant (RFC 6749 §6). `requested_scope` may only narrow the
/// original scope. Returns the scope for the new tokens; the caller then rotates.
pub fn check_refresh(
    record: &RefreshRecord,
    client_id: &str,
    requested_scope: Option<&str>,
    dpop_jkt: Option<&str>,
    now: i64,
) -> Result<Vec<String>, RefreshRefusal> {
    let refuse = |d: &str| RefreshRefusal { error: OAuthError::invalid_grant(d), revoke_family: None };
    if record.revoked_at.is_some() {
        return Err(refuse("the refresh token was revoked"));
    }
    if record.rotated_at.is_some() {
        return Err(RefreshRefusal {
            error: OAuthError::invalid_grant("the refresh token was already used"),
            revoke_family: Some(record.family_id.clone()),
        });
    }
    if now >= record.expires_at || now >= record.family_expires_at {
        return Err(refuse("the refresh token has expired"));
    }
    if record.client_id != client_id {
        return Err(refuse("the refresh token was issued to another client"));
    }
    // RFC 9449 §5: a DPoP-bound refresh token needs a proof with the same key.
    if let Some(bound) = &record.dpop_jkt
        && dpop_jkt != Some(bound.as_str())
    {
        return Err(refuse("the DPoP key does not match"));
    }
    match requested_scope {
        None => Ok(record.scope.clone()),
        Some(s) => {
            let asked: Vec<String> = s.split(' ').filter(|x| !x.is_empty()).map(str::to_owned).collect();
            if asked.is_empty() {
                // RFC 6749 §6: an omitted scope is the original one; so is an empty one.
                Ok(record.scope.clone())
            } else if asked.iter().all(|a| record.scope.contains(a)) {
                Ok(asked)
            } else {
                Err(RefreshRefusal {
                    error: OAuthError::invalid_scope("scope exceeds the original grant"),
                    revoke_family: None,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::oidc::error::ErrorCode;

    fn record() -> RefreshRecord {
        RefreshRecord {
            family_id: "f1".into(),
            client_id: "rp".into(),
            scope: vec!["openid".into(), "profile".into()],
            sid: None,
            dpop_jkt: None,
            expires_at: 100,
            family_expires_at: 1000,
            rotated_at: None,
            revoked_at: None,
        }
    }

    #[test]
    fn a_fresh_refresh_token_may_narrow_the_scope() {
        assert_eq!(check_refresh(&record(), "rp", Some("openid"), None, 10).unwrap(), vec!["openid"]);
        assert_eq!(check_refresh(&record(), "rp", None, None, 10).unwrap().len(), 2);
    }

    #[test]
    fn a_reused_refresh_token_revokes_its_family() {
        let mut r = record();
        r.rotated_at = Some(5);
        let e = check_refresh(&r, "rp", None, None, 10).unwrap_err();
        assert_eq!(e.error.error, ErrorCode::InvalidGrant);
        assert_eq!(e.revoke_family.as_deref(), Some("f1"));
    }

    #[test]
    fn widening_the_scope_is_invalid_scope() {
        let e = check_refresh(&record(), "rp", Some("openid egovnrn"), None, 10).unwrap_err();
        assert_eq!(e.error.error, ErrorCode::InvalidScope);
    }

    #[test]
    fn expired_revoked_foreign_or_unbound_tokens_are_invalid_grant() {
        let mut revoked = record();
        revoked.revoked_at = Some(1);
        let mut bound = record();
        bound.dpop_jkt = Some("k".into());
        for e in [
            check_refresh(&record(), "rp", None, None, 100),
            check_refresh(&revoked, "rp", None, None, 10),
            check_refresh(&record(), "other", None, None, 10),
            check_refresh(&bound, "rp", None, None, 10),
        ] {
            let e = e.unwrap_err();
            assert_eq!(e.error.error, ErrorCode::InvalidGrant);
            assert_eq!(e.revoke_family, None);
        }
    }
}
