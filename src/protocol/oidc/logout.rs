//! Logout: back-channel logout tokens (OIDC Back-Channel Logout 1.0 §2.4) and RP-initiated
//! logout requests (OIDC RP-Initiated Logout 1.0 §2, §3).

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use crate::protocol::oidc::client::Client;
use crate::protocol::oidc::error::OAuthError;
use crate::protocol::oidc::keys::{KeySet, OwnTokenCheck};

pub const BACKCHANNEL_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";
/// Back-Channel Logout §2.4: sign with this `typ` (and the client's `id_token_alg`).
pub const LOGOUT_TOKEN_TYP: &str = "logout+jwt";
pub const LOGOUT_TOKEN_LIFETIME: i64 = 120;

/// Logout token claims; `sub` and/or `sid` (at least one), never `nonce` (§2.4).
pub fn logout_token_claims(
    issuer: &str,
    client: &Client,
    sub: Option<&str>,
    sid: Option<&str>,
    jti: &str,
    now: i64,
) -> Option<Map<String, Value>> {
    let sid = if client.backchannel_logout_session_required { Some(sid?) } else { sid };
    if sub.is_none() && sid.is_none() {
        return None;
    }
    let mut m = Map::new();
    m.insert("iss".into(), json!(issuer));
    m.insert("aud".into(), json!(client.id));
    m.insert("iat".into(), json!(now));
    m.insert("exp".into(), json!(now + LOGOUT_TOKEN_LIFETIME));
    m.insert("jti".into(), json!(jti));
    if let Some(s) = sub {
        m.insert("sub".into(), json!(s));
    }
    if let Some(s) = sid {
        m.insert("sid".into(), json!(s));
    }
    m.insert("events".into(), json!({ BACKCHANNEL_EVENT: {} }));
    Some(m)
}

/// What the end-session endpoint must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndSession {
    /// The client identified by the hint or `client_id`.
    pub client_id: Option<String>,
    /// From a valid `id_token_hint`: the session to end and whose subject it was.
    pub sid: Option<String>,
    pub sub: Option<String>,
    /// §2: without a valid `id_token_hint` the OP asks the user to confirm logout.
    pub must_confirm: bool,
    /// Where to send the user afterwards (`post_logout_redirect_uri` + `state`), if any.
    pub redirect_to: Option<String>,
    pub ui_locales: Option<String>,
}

/// Validates an RP-initiated logout request. `find_client` looks a client up by id.
pub fn end_session(
    params: &HashMap<String, String>,
    keys: &KeySet,
    issuer: &str,
    find_client: &dyn Fn(&str) -> Option<Client>,
    now: i64,
) -> Result<EndSession, OAuthError> {
    let mut out = EndSession {
        client_id: params.get("client_id").cloned(),
        sid: None,
        sub: None,
        must_confirm: true,
        redirect_to: None,
        ui_locales: params.get("ui_locales").cloned(),
    };
    if let Some(hint) = params.get("id_token_hint") {
        // §2: the hint may be expired; it must be ours (signature, iss, key not yet retired).
        let claims: Map<String, Value> = keys
            .verify_own(hint, now, OwnTokenCheck { issuer, typ: "JWT", require_unexpired: false })
            .map_err(|_| OAuthError::invalid_request("id_token_hint is not valid"))?;
        let aud = claims.get("aud").and_then(Value::as_str).map(str::to_owned);
        if out.client_id.is_some() && out.client_id != aud {
            return Err(OAuthError::invalid_request("client_id does not match id_token_hint"));
        }
        out.client_id = aud;
        out.sid = claims.get("sid").and_then(Value::as_str).map(str::to_owned);
        out.sub = claims.get("sub").and_then(Value::as_str).map(str::to_owned);
        out.must_confirm = false;
    }
    if let Some(uri) = params.get("post_logout_redirect_uri") {
        let client = out.client_id.as_deref().and_then(find_client).ok_or_else(|| {
            OAuthError::invalid_request("post_logout_redirect_uri needs id_token_hint or client_id")
        })?;
        // §3: exact match with a registered value.
        if !client.post_logout_redirect_uris.iter().any(|r| r == uri) {
            return Err(OAuthError::invalid_request("post_logout_redirect_uri is not registered"));
        }
        let mut target = url::Url::parse(uri)
            .map_err(|_| OAuthError::invalid_request("post_logout_redirect_uri is not a URL"))?;
        if let Some(state) = params.get("state") {
            target.query_pairs_mut().append_pair("state", state);
        }
        out.redirect_to = Some(target.into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::oidc::client::tests::test_client;
    use crate::protocol::oidc::error::ErrorCode;
    use crate::protocol::oidc::keys::{Alg, generate};

    const ISS: &str = "https://poort.example";

    fn find(id: &str) -> Option<Client> {
        (id == "rp-1").then(test_client)
    }

    fn p(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect()
    }

    #[test]
    fn a_logout_token_has_the_event_and_no_nonce() {
        let m = logout_token_claims(ISS, &test_client(), Some("p-42"), Some("s1"), "j", 10).unwrap();
        assert_eq!(m["events"], json!({ BACKCHANNEL_EVENT: {} }));
        assert!(!m.contains_key("nonce"));
        assert_eq!((m["aud"].as_str(), m["sid"].as_str()), (Some("rp-1"), Some("s1")));
        assert!(logout_token_claims(ISS, &test_client(), None, None, "j", 10).is_none());
        let mut c = test_client();
        c.backchannel_logout_session_required = true;
        assert!(logout_token_claims(ISS, &c, Some("p"), None, "j", 10).is_none());
    }

    #[test]
    fn an_expired_id_token_hint_identifies_the_session_and_redirects_exactly() {
        let keys = KeySet::new(vec![generate(Alg::ES256, 0).unwrap()]);
        let hint = keys
            .sign(
                &json!({"iss": ISS, "aud": "rp-1", "sub": "p-42", "sid": "s1", "exp": 10}),
                Alg::ES256,
                "JWT",
            )
            .unwrap();
        let r = end_session(
            &p(&[
                ("id_token_hint", &hint),
                ("post_logout_redirect_uri", "https://rp.example/bye"),
                ("state", "x"),
            ]),
            &keys,
            ISS,
            &find,
            5000,
        )
        .unwrap();
        assert_eq!((r.sid.as_deref(), r.must_confirm), (Some("s1"), false));
        assert_eq!(r.redirect_to.as_deref(), Some("https://rp.example/bye?state=x"));
        let e = end_session(
            &p(&[("id_token_hint", &hint), ("post_logout_redirect_uri", "https://rp.example/bye/")]),
            &keys,
            ISS,
            &find,
            5000,
        )
        .unwrap_err();
        assert_eq!(e.error, ErrorCode::InvalidRequest);
    }

    #[test]
    fn a_foreign_hint_or_an_unidentified_redirect_is_invalid_request() {
        let keys = KeySet::new(vec![generate(Alg::ES256, 0).unwrap()]);
        let other = KeySet::new(vec![generate(Alg::ES256, 0).unwrap()]);
        let hint = other.sign(&json!({"iss": ISS, "aud": "rp-1", "exp": 10}), Alg::ES256, "JWT").unwrap();
        assert_eq!(
            end_session(&p(&[("id_token_hint", &hint)]), &keys, ISS, &find, 0).unwrap_err().error,
            ErrorCode::InvalidRequest
        );
        assert_eq!(
            end_session(&p(&[("post_logout_redirect_uri", "https://rp.example/bye")]), &keys, ISS, &find, 0)
                .unwrap_err()
                .error,
            ErrorCode::InvalidRequest
        );
        let r = end_session(&p(&[]), &keys, ISS, &find, 0).unwrap();
        assert!(r.must_confirm && r.redirect_to.is_none());
    }
}
