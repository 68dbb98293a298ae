//! Handling the callback: response checks, code exchange, id_token and userinfo
//! (OpenID Connect Core §3.1.2.5–§3.1.3.7, §5.3; RFC 7636; RFC 9207).
use std::time::Duration;

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::config::{ClientAuth, UpstreamConfig};
use super::discovery::{Provider, get};
use super::error::UpstreamError;
use super::identity::{UpstreamIdentity, map_identity};
use super::start::PendingLogin;
use super::tokens::{IdTokenClaims, open_jwt, same, validate_id_token, verify_jws};
use crate::authn::itsme::jose::{now_unix, random_token};
use crate::kernel::outbound::Outbound;

/// The query of the redirect back to us (Core §3.1.2.5 and §3.1.2.6, RFC 9207).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CallbackParams {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
    pub iss: Option<String>,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    token_type: String,
    id_token: Option<String>,
}

#[derive(Deserialize)]
struct TokenError {
    error: String,
}

/// Completes an upstream login. Every refusal is its own [`UpstreamError`].
pub async fn finish(
    http: &Outbound,
    provider: &Provider,
    cfg: &UpstreamConfig,
    pending: &PendingLogin,
    callback: &CallbackParams,
) -> Result<UpstreamIdentity, UpstreamError> {
    let now = now_unix();
    if now - pending.created_at > i64::try_from(cfg.login_timeout_secs).unwrap_or(i64::MAX) {
        return Err(UpstreamError::LoginExpired);
    }
    // RFC 6749 §10.12: the state binds the response to this browser's login.
    if !callback.state.as_deref().is_some_and(|s| same(s, &pending.state)) {
        return Err(UpstreamError::StateMismatch);
    }
    // RFC 9207 §2.4: iss, when present (or promised), must be the provider's issuer.
    match &callback.iss {
        Some(iss) if iss != &provider.metadata.issuer => {
            return Err(UpstreamError::CallbackIssuerMismatch);
        }
        None if provider.metadata.authorization_response_iss_parameter_supported => {
            return Err(UpstreamError::CallbackIssuerMismatch);
        }
        _ => {}
    }
    if let Some(error) = &callback.error {
        // Core §3.1.2.6; itsme answers access_denied when the user refuses in the app.
        return Err(match error.as_str() {
            "access_denied" => UpstreamError::UserCancelled,
            other => UpstreamError::ProviderError { error: error_code(other) },
        });
    }
    let code = callback.code.as_deref().filter(|c| !c.is_empty()).ok_or(UpstreamError::MissingCode)?;
    let tokens = exchange_code(http, provider, cfg, pending, code).await?;
    let raw_id_token = tokens.id_token.as_deref().ok_or(UpstreamError::MissingClaim("id_token"))?;
    let id_token = match validate_id_token(provider, cfg, pending, raw_id_token, now) {
        // Key rotation: fetch the key set again once, then retry.
        Err(UpstreamError::UnknownSigningKey) if provider.refresh_jwks(http, cfg).await? => {
            validate_id_token(provider, cfg, pending, raw_id_token, now)?
        }
        other => other?,
    };
    let acr = id_token.acr.clone().ok_or(UpstreamError::UnknownAcr)?;
    let level = cfg.level_for_acr(&acr).ok_or(UpstreamError::UnknownAcr)?;
    if level < pending.requested_level {
        return Err(UpstreamError::InsufficientLevel);
    }
    let userinfo = match &provider.metadata.userinfo_endpoint {
        Some(endpoint) => userinfo(http, provider, cfg, endpoint, &tokens.access_token, &id_token).await?,
        None => Map::new(),
    };
    tracing::info!(upstream.issuer = %provider.metadata.issuer, upstream.acr = %acr, "upstream login verified");
    map_identity(&cfg.claim_map, id_token.subject, acr, level, &userinfo, &id_token.claims)
}

/// Keeps only a short error code from the provider (it may be hostile text).
fn error_code(raw: &str) -> String {
    raw.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').take(64).collect()
}

/// Token request (Core §3.1.3.1) with PKCE (RFC 7636 §4.5) and client authentication (Core §9).
async fn exchange_code(
    http: &Outbound,
    provider: &Provider,
    cfg: &UpstreamConfig,
    pending: &PendingLogin,
    code: &str,
) -> Result<TokenResponse, UpstreamError> {
    let endpoint = &provider.metadata.token_endpoint;
    let mut form: Vec<(&str, String)> = vec![
        ("grant_type", "authorization_code".into()),
        ("code", code.into()),
        ("redirect_uri", cfg.redirect_uri.clone()),
        ("code_verifier", pending.pkce_verifier.clone()),
    ];
    let checked = http
        .check_url(endpoint)
        .map_err(|_| UpstreamError::Http("endpoint refused by the outbound policy"))?;
    let mut req = http.client().post(checked).timeout(Duration::from_secs(cfg.timeout_secs));
    match cfg.client_auth {
        ClientAuth::PrivateKeyJwt => {
            let key = provider.keys.signing.as_ref().ok_or(UpstreamError::Config("no signing key"))?;
            let now = now_unix();
            // Core §9: iss = sub = client_id, aud = token endpoint, unique jti, short exp.
            let claims: Map<String, Value> = [
                ("iss", json!(cfg.client_id)),
                ("sub", json!(cfg.client_id)),
                ("aud", json!(endpoint)),
                ("jti", json!(random_token(16))),
                ("iat", json!(now)),
                ("exp", json!(now + 60)),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
            let assertion = key.sign(&claims, None).map_err(|e| UpstreamError::Config(e.0))?;
            form.push(("client_id", cfg.client_id.clone()));
            form.push((
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".into(),
            ));
            form.push(("client_assertion", assertion));
        }
        ClientAuth::ClientSecretBasic => {
            // RFC 6749 §2.3.1: both parts form-urlencoded before Basic encoding.
            let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            let secret = cfg.client_secret.as_deref().ok_or(UpstreamError::Config("no client_secret"))?;
            req = req.basic_auth(enc(&cfg.client_id), Some(enc(secret)));
        }
    }
    let fetched = http.send(req.form(&form)).await.map_err(super::discovery::outbound_error)?;
    let (status, body) = (fetched.status, fetched.body);
    if !status.is_success() {
        let error = serde_json::from_slice::<TokenError>(&body).map(|e| e.error).unwrap_or_default();
        return Err(match error.as_str() {
            "invalid_client" => UpstreamError::ClientAuthRejected,
            "invalid_grant" => UpstreamError::CodeRejected,
            other => UpstreamError::TokenEndpoint { error: error_code(other) },
        });
    }
    let tokens: TokenResponse =
        serde_json::from_slice(&body).map_err(|_| UpstreamError::Http("token response is not valid JSON"))?;
    if !tokens.token_type.eq_ignore_ascii_case("bearer") {
        return Err(UpstreamError::Http("token_type is not Bearer"));
    }
    Ok(tokens)
}

/// Userinfo (Core §5.3): JSON, or a signed (and maybe encrypted) JWT as `application/jwt`.
async fn userinfo(
    http: &Outbound,
    provider: &Provider,
    cfg: &UpstreamConfig,
    endpoint: &str,
    access_token: &str,
    id_token: &IdTokenClaims,
) -> Result<Map<String, Value>, UpstreamError> {
    let (body, content_type) = get(http, cfg, endpoint, Some(access_token))
        .await
        .map_err(|_| UpstreamError::Userinfo("request failed"))?;
    let is_jwt = content_type.as_deref().is_some_and(|c| c.starts_with("application/jwt"));
    let claims: Map<String, Value> = if is_jwt {
        let raw = std::str::from_utf8(&body).map_err(|_| UpstreamError::Userinfo("not text"))?.trim();
        let jws = open_jwt(provider, raw)?;
        let claims = verify_jws(&provider.jwks(), &jws)?;
        // Core §5.3.2: a signed response SHOULD carry iss and aud; check them when present.
        if claims.get("iss").is_some_and(|i| i.as_str() != Some(provider.metadata.issuer.as_str())) {
            return Err(UpstreamError::WrongIssuer);
        }
        let aud_ok = match claims.get("aud") {
            None => true,
            Some(Value::String(a)) => a == &cfg.client_id,
            Some(Value::Array(l)) => l.iter().any(|a| a.as_str() == Some(cfg.client_id.as_str())),
            Some(_) => false,
        };
        if !aud_ok {
            return Err(UpstreamError::WrongAudience);
        }
        claims
    } else {
        if provider.keys.decryption.is_some() {
            return Err(UpstreamError::EncryptionRequired);
        }
        serde_json::from_slice(&body).map_err(|_| UpstreamError::Userinfo("not a JSON object"))?
    };
    // Core §5.3.2: the sub in userinfo must be the sub of the id_token.
    if claims.get("sub").and_then(Value::as_str) != Some(id_token.subject.as_str()) {
        return Err(UpstreamError::SubjectMismatch);
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::error_code;

    #[test]
    fn a_hostile_provider_error_is_reduced_to_a_short_code() {
        let hostile = format!("<script>alert(1)</script>{}", "x".repeat(500));
        let code = error_code(&hostile);
        assert!(code.len() <= 64);
        assert!(code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    }
}
