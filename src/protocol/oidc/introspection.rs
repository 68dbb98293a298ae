//! Token introspection (RFC 7662): who may learn what about a token, and the response.

use serde_json::{Map, Value, json};

use crate::protocol::oidc::access_token::AccessFacts;

/// RFC 7662 §2.2: the response for an inactive, unknown or foreign token is only
/// `{"active": false}`, so the caller learns nothing about it.
pub fn inactive() -> Value {
    json!({ "active": false })
}

/// RFC 7662 §4: a client learns about a token only when it was issued to it or names it
/// as audience (a resource server registered as a client).
pub fn may_introspect(caller: &str, facts: &AccessFacts) -> bool {
    facts.client_id == caller || facts.aud.iter().any(|a| a == caller)
}

/// RFC 7662 §2.2 response for an active token.
pub fn active(facts: &AccessFacts, issuer: &str) -> Value {
    let mut m = Map::new();
    m.insert("active".into(), json!(true));
    m.insert("scope".into(), json!(facts.scope.join(" ")));
    m.insert("client_id".into(), json!(facts.client_id));
    m.insert("sub".into(), json!(facts.sub));
    m.insert("token_type".into(), json!(facts.token_type()));
    m.insert("exp".into(), json!(facts.exp));
    m.insert("iat".into(), json!(facts.iat));
    m.insert("iss".into(), json!(issuer));
    if !facts.aud.is_empty() {
        m.insert("aud".into(), json!(facts.aud));
    }
    if let Some(jti) = &facts.jti {
        m.insert("jti".into(), json!(jti));
    }
    if let Some(jkt) = &facts.jkt {
        m.insert("cnf".into(), json!({ "jkt": jkt }));
    }
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> AccessFacts {
        AccessFacts {
            client_id: "rp".into(),
            sub: "s".into(),
            scope: vec!["openid".into()],
            iat: 1,
            exp: 2,
            grant_id: None,
            jti: Some("j".into()),
            jkt: None,
            aud: vec!["api".into()],
        }
    }

    #[test]
    fn only_the_client_or_the_audience_may_introspect_a_token() {
        assert!(may_introspect("rp", &facts()));
        assert!(may_introspect("api", &facts()));
        assert!(!may_introspect("other", &facts()));
    }

    #[test]
    fn an_active_response_has_the_rfc_7662_members_and_an_inactive_one_nothing_else() {
        let v = active(&facts(), "https://i");
        assert_eq!(v["active"], true);
        assert_eq!(v["token_type"], "Bearer");
        assert_eq!(v["iss"], "https://i");
        assert_eq!(inactive(), json!({"active": false}));
    }
}
