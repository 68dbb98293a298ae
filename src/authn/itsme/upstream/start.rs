//! Building the authorization request (OpenID Connect Core §3.1.2.1, RFC 7636, Core §6.1).
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::config::UpstreamConfig;
use super::discovery::Provider;
use super::error::UpstreamError;
use crate::authn::itsme::jose::{now_unix, pkce_challenge, random_token};

/// What the login transaction asks of this login.
#[derive(Debug, Clone, Default)]
pub struct StartParams {
    /// Minimum FAS level (e.g. 450).
    pub requested_level: u16,
    pub login_hint: Option<String>,
    /// BCP 47 tag, e.g. `nl` (`ui_locales`, Core §3.1.2.1).
    pub ui_locale: Option<String>,
    /// Put in front of the random `state` as `<prefix>.<random>`, so the callback finds its
    /// login transaction (the random part still carries 256 bits and is compared whole).
    pub state_prefix: Option<String>,
}

/// What must be kept (in the login transaction) until the callback.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingLogin {
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
    /// Unix seconds.
    pub created_at: i64,
    pub requested_level: u16,
}

impl fmt::Debug for PendingLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingLogin")
            .field("created_at", &self.created_at)
            .field("requested_level", &self.requested_level)
            .finish_non_exhaustive()
    }
}

/// Builds the URL to send the browser to, and the pending login to keep.
/// `state` and `nonce` carry 256 random bits; PKCE is always S256.
pub fn start(
    provider: &Provider,
    cfg: &UpstreamConfig,
    params: &StartParams,
) -> Result<(url::Url, PendingLogin), UpstreamError> {
    // Ask only for acr values that reach the requested level.
    let acr_values: Vec<&str> = cfg
        .acr_values
        .iter()
        .filter(|acr| cfg.level_for_acr(acr).is_some_and(|l| l >= params.requested_level))
        .map(String::as_str)
        .collect();
    if acr_values.is_empty() && !cfg.acr_values.is_empty() {
        return Err(UpstreamError::LevelUnreachable);
    }
    let pending = PendingLogin {
        state: match &params.state_prefix {
            Some(prefix) => format!("{prefix}.{}", random_token(32)),
            None => random_token(32),
        },
        nonce: random_token(32),
        pkce_verifier: random_token(32),
        created_at: now_unix(),
        requested_level: params.requested_level,
    };
    let mut p = Map::new();
    let mut put = |k: &str, v: &str| {
        p.insert(k.to_owned(), Value::String(v.to_owned()));
    };
    put("response_type", "code");
    put("client_id", &cfg.client_id);
    put("redirect_uri", &cfg.redirect_uri);
    put("scope", &cfg.scopes.join(" "));
    put("state", &pending.state);
    put("nonce", &pending.nonce);
    put("code_challenge", &pkce_challenge(&pending.pkce_verifier));
    put("code_challenge_method", "S256");
    if !acr_values.is_empty() {
        put("acr_values", &acr_values.join(" "));
    }
    if let Some(hint) = &params.login_hint {
        put("login_hint", hint);
    }
    if let Some(locale) = &params.ui_locale {
        put("ui_locales", locale);
    }
    // Core §5.5: ask for the claims in the userinfo response. A JSON object inside a request
    // object (Core §6.1), its serialisation as a query parameter.
    let claims = (!cfg.requested_claims.is_empty()).then(|| {
        let wanted: Map<String, Value> =
            cfg.requested_claims.iter().map(|c| (c.clone(), json!({"essential": true}))).collect();
        json!({ "userinfo": wanted })
    });
    let mut url = url::Url::parse(&provider.metadata.authorization_endpoint)
        .map_err(|_| UpstreamError::Discovery("authorization endpoint is not a URL"))?;
    if cfg.use_request_object {
        let key = provider.keys.signing.as_ref().ok_or(UpstreamError::Config("no signing key"))?;
        let now = now_unix();
        // Core §6.1: the request object carries all parameters, plus iss and aud (RFC 9101 §4).
        p.insert("iss".into(), json!(cfg.client_id));
        p.insert("aud".into(), json!(provider.metadata.issuer));
        p.insert("iat".into(), json!(now));
        p.insert("exp".into(), json!(now + 300));
        p.insert("jti".into(), json!(random_token(16)));
        if let Some(claims) = claims {
            p.insert("claims".into(), claims);
        }
        let request = key.sign(&p, Some("oauth-authz-req+jwt")).map_err(|e| UpstreamError::Config(e.0))?;
        // Core §6.1: response_type, client_id and scope (with openid) are repeated in the query.
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &cfg.client_id)
            .append_pair("scope", &cfg.scopes.join(" "))
            .append_pair("request", &request);
    } else {
        let mut q = url.query_pairs_mut();
        for (k, v) in &p {
            if let Some(v) = v.as_str() {
                q.append_pair(k, v);
            }
        }
        if let Some(claims) = claims {
            q.append_pair("claims", &claims.to_string());
        }
    }
    Ok((url, pending))
}
