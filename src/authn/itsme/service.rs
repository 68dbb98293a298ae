//! The itsme method at run time: the resolved upstream configuration, the HTTP client and
//! the cached provider (metadata + key set), held by the method's routes.
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use tokio::sync::RwLock;

use super::jose::now_unix;
use super::mock_server::MockServer;
use super::settings::ItsmeSettings;
use super::upstream::{Provider, UpstreamConfig, UpstreamError, discover};
use crate::kernel::outbound::{Outbound, OutboundPolicy};

/// Provider metadata is discovered again after this long (the key set is refreshed sooner,
/// when a token carries an unknown `kid`).
const METADATA_MAX_AGE_SECS: i64 = 24 * 3600;

/// The itsme login method, ready to use.
#[derive(Debug)]
pub struct ItsmeService {
    cfg: UpstreamConfig,
    http: Outbound,
    provider: RwLock<Option<(Arc<Provider>, i64)>>,
    mock_issuer: Option<String>,
}

impl ItsmeService {
    /// The resolved upstream configuration (issuer, redirect URI and keys filled in).
    pub fn config(&self) -> &UpstreamConfig {
        &self.cfg
    }

    pub fn http(&self) -> &Outbound {
        &self.http
    }

    /// The mock's issuer when the mock is on (demo mode).
    pub fn mock_issuer(&self) -> Option<&str> {
        self.mock_issuer.as_deref()
    }

    /// The discovered provider: cached, discovered on first use or when stale. A failed
    /// discovery is not cached, so the next login tries again.
    pub async fn provider(&self) -> Result<Arc<Provider>, UpstreamError> {
        if let Some((provider, at)) = self.provider.read().await.as_ref()
            && now_unix() - at < METADATA_MAX_AGE_SECS
        {
            return Ok(provider.clone());
        }
        let mut slot = self.provider.write().await;
        if let Some((provider, at)) = slot.as_ref()
            && now_unix() - at < METADATA_MAX_AGE_SECS
        {
            return Ok(provider.clone());
        }
        let provider = Arc::new(discover(&self.http, &self.cfg).await.inspect_err(|e| {
            tracing::warn!(upstream.issuer = %self.cfg.issuer, error = %e, "itsme: discovery failed");
        })?);
        *slot = Some((provider.clone(), now_unix()));
        Ok(provider)
    }
}

/// Builds the itsme method from settings: loads or generates keys, binds the mock (if on),
/// resolves the issuer and redirect URI. `None` when itsme is off and no mock is wanted.
pub async fn prepare(
    itsme: &ItsmeSettings,
    is_demo: bool,
    public_url: &str,
    outbound: OutboundPolicy,
) -> anyhow::Result<(Option<Arc<ItsmeService>>, Option<MockServer>)> {
    let pems = {
        // Demo key generation (RSA) blocks: off the async runtime.
        let (itsme, is_demo) = (itsme.clone(), is_demo);
        tokio::task::spawn_blocking(move || super::keys::client_pems(&itsme, is_demo)).await??
    };
    let mut cfg = itsme.upstream.clone();
    cfg.signing_key_pem = pems.signing;
    cfg.encryption_key_pem = pems.encryption;
    if cfg.redirect_uri.is_empty() {
        cfg.redirect_uri = format!("{public_url}/login/itsme/callback");
    }
    let mock = if itsme.mock.is_enabled && is_demo {
        let mock = MockServer::bind(itsme, &cfg).await?;
        tracing::warn!(
            mock.issuer = mock.issuer(),
            mock.tls = itsme.mock.is_tls,
            "DEMO: the MOCK itsme provider is ON. It is not itsme; never use it in production."
        );
        Some(mock)
    } else {
        None
    };
    if !itsme.is_enabled {
        return Ok((None, mock));
    }
    if cfg.issuer.is_empty()
        && let Some(mock) = &mock
    {
        cfg.issuer = mock.issuer().to_owned();
    }
    cfg.load_keys().map_err(|e| anyhow::anyhow!("itsme: {e}"))?;
    // The upstream is our own mock: trust only its demo CA.
    let mock_ca = mock.as_ref().filter(|m| cfg.issuer == m.issuer()).and_then(|m| m.ca_pem());
    let policy = OutboundPolicy { timeout: Duration::from_secs(cfg.timeout_secs), ..outbound };
    let http =
        Outbound::new(policy, mock_ca, "Poort itsme client").context("building the itsme HTTP client")?;
    tracing::info!(upstream.issuer = %cfg.issuer, upstream.client_id = %cfg.client_id, "itsme login enabled");
    let service = ItsmeService {
        mock_issuer: mock.as_ref().map(|m| m.issuer().to_owned()),
        cfg,
        http,
        provider: RwLock::new(None),
    };
    Ok((Some(Arc::new(service)), mock))
}
