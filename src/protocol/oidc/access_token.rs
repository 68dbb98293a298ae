//! What a presented access token means (userinfo, introspection, revocation): the facts
//! read from a verified RFC 9068 JWT or from the row of an opaque token.

use serde_json::Value;

use crate::protocol::oidc::jwt::Claims;
use crate::protocol::oidc::keys::{KeySet, OwnTokenCheck};

/// RFC 9068 §2.1 `typ` of JWT access tokens.
pub const AT_TYP: &str = "at+jwt";

/// The facts about a valid access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessFacts {
    pub client_id: String,
    /// The `sub` given to the client (pairwise or public; the client id for
    /// client_credentials).
    pub sub: String,
    pub scope: Vec<String>,
    pub iat: i64,
    pub exp: i64,
    /// The grant the token belongs to; `None` for client_credentials.
    pub grant_id: Option<String>,
    pub jti: Option<String>,
    /// RFC 9449 §6: the DPoP key the token is bound to.
    pub jkt: Option<String>,
    pub aud: Vec<String>,
}

impl AccessFacts {
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scope.iter().any(|s| s == scope)
    }

    /// `DPoP` for bound tokens, else `Bearer` (RFC 9449 §7.1, RFC 7662 `token_type`).
    pub fn token_type(&self) -> &'static str {
        if self.jkt.is_some() { "DPoP" } else { "Bearer" }
    }
}

/// Whether a string looks like a JWS compact serialisation (our JWT access tokens) rather
/// than an opaque handle (43 base64url characters, no dots).
pub fn is_jwt(token: &str) -> bool {
    token.split('.').count() == 3
}

/// Verifies a JWT access token we issued (signature by a current or retired key, `typ`,
/// `iss`, unexpired) and reads its facts. `None`: not a valid access token.
pub fn verify_jwt(keys: &KeySet, issuer: &str, token: &str, now: i64) -> Option<AccessFacts> {
    let claims: Claims =
        keys.verify_own(token, now, OwnTokenCheck { issuer, typ: AT_TYP, require_unexpired: true }).ok()?;
    let s = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_string);
    let aud = match claims.get("aud") {
        Some(Value::String(a)) => vec![a.clone()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        _ => Vec::new(),
    };
    Some(AccessFacts {
        client_id: s("client_id")?,
        sub: s("sub")?,
        scope: s("scope")
            .unwrap_or_default()
            .split(' ')
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect(),
        iat: claims.get("iat").and_then(Value::as_i64).unwrap_or_default(),
        exp: claims.get("exp").and_then(Value::as_i64)?,
        grant_id: s("grant_id"),
        jti: s("jti"),
        jkt: claims.get("cnf").and_then(|c| c.get("jkt")).and_then(Value::as_str).map(str::to_string),
        aud,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::oidc::keys::{Alg, generate};
    use serde_json::json;

    #[test]
    fn a_jwt_access_token_is_read_only_with_the_at_jwt_type() {
        let keys = KeySet::new(vec![generate(Alg::ES256, 0).expect("key")]);
        let claims = json!({"iss": "https://i", "sub": "s", "client_id": "c", "scope": "openid profile",
            "exp": 2000, "iat": 1000, "jti": "j", "grant_id": "g", "aud": "https://i", "cnf": {"jkt": "k"}});
        let at = keys.sign(&claims, Alg::ES256, AT_TYP).expect("sign");
        let facts = verify_jwt(&keys, "https://i", &at, 1500).expect("valid");
        assert_eq!(facts.scope, vec!["openid", "profile"]);
        assert_eq!(facts.token_type(), "DPoP");
        assert_eq!(facts.grant_id.as_deref(), Some("g"));
        let id_token = keys.sign(&claims, Alg::ES256, "JWT").expect("sign");
        assert!(verify_jwt(&keys, "https://i", &id_token, 1500).is_none(), "an id_token is no access token");
        assert!(verify_jwt(&keys, "https://i", &at, 3000).is_none(), "expired");
        assert!(verify_jwt(&keys, "https://other", &at, 1500).is_none(), "foreign issuer");
        assert!(is_jwt(&at) && !is_jwt("abc"));
    }
}
