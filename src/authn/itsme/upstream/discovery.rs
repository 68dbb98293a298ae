//! Provider metadata and key set (OpenID Connect Discovery 1.0).
use std::sync::{Arc, RwLock};
use std::time::Duration;

use josekit::jwk::JwkSet;
use serde::Deserialize;

use super::config::{ClientKeys, UpstreamConfig};
use super::error::UpstreamError;
use crate::authn::itsme::jose::now_unix;
use crate::kernel::outbound::{Outbound, OutboundError};

/// The JWKS is re-fetched for an unknown `kid` at most this often.
const JWKS_REFRESH_MIN_SECS: i64 = 30;

/// The subset of provider metadata we use (Discovery §3).
#[derive(Debug, Clone, Deserialize)]
pub struct ProviderMetadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    #[serde(default)]
    pub userinfo_endpoint: Option<String>,
    pub jwks_uri: String,
    #[serde(default)]
    pub code_challenge_methods_supported: Option<Vec<String>>,
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
}

/// A discovered provider: metadata, cached JWKS and our loaded keys. Share it in an `Arc`.
#[derive(Debug)]
pub struct Provider {
    pub metadata: ProviderMetadata,
    pub(super) keys: ClientKeys,
    jwks: RwLock<(Arc<JwkSet>, i64)>,
}

impl Provider {
    /// The cached key set.
    pub fn jwks(&self) -> Arc<JwkSet> {
        self.jwks.read().map(|g| g.0.clone()).unwrap_or_else(|p| p.into_inner().0.clone())
    }

    /// Re-fetches the key set (key rotation: a `kid` we do not know yet). Rate limited;
    /// returns whether a fresh set was installed.
    pub async fn refresh_jwks(&self, http: &Outbound, cfg: &UpstreamConfig) -> Result<bool, UpstreamError> {
        let last = self.jwks.read().map(|g| g.1).unwrap_or(0);
        if now_unix() - last < JWKS_REFRESH_MIN_SECS {
            return Ok(false);
        }
        let set = fetch_jwks(http, cfg, &self.metadata.jwks_uri).await?;
        if let Ok(mut g) = self.jwks.write() {
            *g = (Arc::new(set), now_unix());
        }
        Ok(true)
    }

    /// Builds a provider from already known parts (metadata kept in a cache, tests). The key
    /// set counts as never refreshed, so an unknown `kid` triggers a fetch right away.
    pub fn from_parts(metadata: ProviderMetadata, jwks: JwkSet, keys: ClientKeys) -> Self {
        Self { metadata, keys, jwks: RwLock::new((Arc::new(jwks), 0)) }
    }
}

/// Fetches `{issuer}/.well-known/openid-configuration` and the JWKS, checks the metadata and
/// loads our keys from `cfg`.
pub async fn discover(http: &Outbound, cfg: &UpstreamConfig) -> Result<Provider, UpstreamError> {
    let keys = cfg.load_keys()?;
    // Discovery §4: remove a trailing '/' from the issuer, append the well-known path.
    let url = format!("{}/.well-known/openid-configuration", cfg.issuer.trim_end_matches('/'));
    let (body, _) =
        get(http, cfg, &url, None).await.map_err(|_| UpstreamError::Discovery("metadata unreachable"))?;
    let metadata: ProviderMetadata =
        serde_json::from_slice(&body).map_err(|_| UpstreamError::Discovery("metadata is not valid JSON"))?;
    // Discovery §4.3: the issuer in the document must be identical to the one we used.
    if metadata.issuer != cfg.issuer {
        return Err(UpstreamError::Discovery("metadata issuer differs from the configured issuer"));
    }
    for endpoint in [&metadata.authorization_endpoint, &metadata.token_endpoint, &metadata.jwks_uri]
        .into_iter()
        .chain(metadata.userinfo_endpoint.as_ref())
    {
        check_endpoint(endpoint)?;
    }
    // RFC 8414 §2: if the provider lists PKCE methods, S256 must be among them.
    if let Some(methods) = &metadata.code_challenge_methods_supported
        && !methods.iter().any(|m| m == "S256")
    {
        return Err(UpstreamError::Discovery("the provider does not support PKCE S256"));
    }
    let jwks = fetch_jwks(http, cfg, &metadata.jwks_uri).await?;
    Ok(Provider { metadata, keys, jwks: RwLock::new((Arc::new(jwks), now_unix())) })
}

/// Endpoints must be https, except on loopback (local development and tests).
fn check_endpoint(endpoint: &str) -> Result<(), UpstreamError> {
    let url = url::Url::parse(endpoint).map_err(|_| UpstreamError::Discovery("an endpoint is not a URL"))?;
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    if url.scheme() == "https" || (url.scheme() == "http" && loopback) {
        Ok(())
    } else {
        Err(UpstreamError::Discovery("an endpoint is not https"))
    }
}

async fn fetch_jwks(http: &Outbound, cfg: &UpstreamConfig, uri: &str) -> Result<JwkSet, UpstreamError> {
    let (body, _) =
        get(http, cfg, uri, None).await.map_err(|_| UpstreamError::Discovery("JWKS unreachable"))?;
    JwkSet::from_bytes(&body).map_err(|_| UpstreamError::Discovery("JWKS is not a valid key set"))
}

/// A GET through the guarded outbound client, with the upstream's timeout; the body,
/// bounded in size. Non-2xx is an error.
pub(super) async fn get(
    http: &Outbound,
    cfg: &UpstreamConfig,
    url: &str,
    bearer: Option<&str>,
) -> Result<(Vec<u8>, Option<String>), UpstreamError> {
    let url =
        http.check_url(url).map_err(|_| UpstreamError::Http("endpoint refused by the outbound policy"))?;
    let mut req = http.client().get(url).timeout(Duration::from_secs(cfg.timeout_secs));
    if let Some(token) = bearer {
        req = req.bearer_auth(token);
    }
    let fetched = http.send(req).await.map_err(outbound_error)?;
    if !fetched.status.is_success() {
        return Err(UpstreamError::Http("unexpected status"));
    }
    Ok((fetched.body, fetched.content_type))
}

/// An outbound refusal or failure as an upstream error (the cause is in the log line).
pub(super) fn outbound_error(e: OutboundError) -> UpstreamError {
    tracing::warn!(error = %e, "itsme: outbound request failed");
    match e {
        OutboundError::TooLarge(_) => UpstreamError::Http("response too large"),
        _ => UpstreamError::Http("request failed"),
    }
}
