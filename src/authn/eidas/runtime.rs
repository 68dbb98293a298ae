//! Turning `[eidas]` into a running service provider at start: our signing key (generated
//! in demo mode), the node we trust (the mock node, its metadata, or inline settings), and
//! the mock node's own listener when it is on.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, RwLock};

use anyhow::Context as _;
use tokio::net::TcpListener;

use super::config::{EidasSpConfig, NodeTrust, ServiceProvider};
use super::mock::{MockNode, MockNodeConfig, generate_key};
use super::settings::{EidasSettings, key};
use crate::kernel::devpki;
use crate::kernel::saml::signing::cert_der_from_pem;
use crate::kernel::serve::SideService;

/// What the eIDAS routes need at runtime. The node a service provider trusts can change
/// while Poort runs: its metadata is re-read on a schedule, and when it could not be read
/// at start the method is unavailable until a background retry succeeds.
#[derive(Debug)]
pub struct EidasRuntime {
    sp: RwLock<Arc<ServiceProvider>>,
    is_node_ready: AtomicBool,
    /// When the node's metadata must be read again (unix seconds; 0: now).
    refresh_at: AtomicI64,
    /// Where the node's metadata comes from, when it comes from a URL.
    source: Option<MetadataSource>,
    /// The node is the DEMO mock.
    pub is_mock: bool,
    /// The demo CA (PEM) of the mock node's TLS certificate, when it serves TLS.
    pub mock_ca_pem: Option<String>,
}

/// The node's metadata URL, the certificate its signature must verify with, the client.
struct MetadataSource {
    cfg: EidasSpConfig,
    client: crate::kernel::outbound::Outbound,
}

impl std::fmt::Debug for MetadataSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetadataSource").field("url", &self.cfg.node_metadata_url).finish_non_exhaustive()
    }
}

/// How often an unreachable node's metadata is tried again.
const RETRY: std::time::Duration = std::time::Duration::from_secs(30);

impl EidasRuntime {
    /// The service provider with the node it trusts now.
    pub fn sp(&self) -> Arc<ServiceProvider> {
        self.sp.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Whether the node is known (its metadata was read and is still valid).
    pub fn is_node_ready(&self) -> bool {
        self.is_node_ready.load(Ordering::Relaxed)
    }

    /// The background job that reads the node's metadata again: every 30 s while it is
    /// unknown, and when `cacheDuration`/`validUntil` say so once it is known. `None` when
    /// the node is not configured by metadata.
    pub fn metadata_job(self: &Arc<Self>) -> Option<crate::kernel::jobs::Job> {
        self.source.as_ref()?;
        let rt = self.clone();
        Some(crate::kernel::jobs::Job::new("eidas-node-metadata", RETRY, move || {
            let rt = rt.clone();
            async move {
                rt.refresh_if_due().await;
                Ok(())
            }
        }))
    }

    /// Reads the node's metadata when it is due; keeps the node it has on failure until its
    /// metadata's validity ends.
    pub async fn refresh_if_due(&self) {
        let Some(source) = &self.source else { return };
        let now = crate::kernel::unix_now();
        if self.is_node_ready() && now < self.refresh_at.load(Ordering::Relaxed) {
            return;
        }
        match super::metadata::fetch_node_metadata(&source.cfg, &source.client).await {
            Ok((node, valid_for)) => {
                let sp = Arc::new(ServiceProvider { node, ..(*self.sp()).clone() });
                *self.sp.write().unwrap_or_else(std::sync::PoisonError::into_inner) = sp;
                self.refresh_at.store(now + valid_for.whole_seconds(), Ordering::Relaxed);
                if !self.is_node_ready.swap(true, Ordering::Relaxed) {
                    tracing::info!("eIDAS node metadata read: European login is available");
                }
            }
            Err(e) => {
                let expired = now >= self.refresh_at.load(Ordering::Relaxed) + 6 * 3600;
                if self.is_node_ready() && expired {
                    self.is_node_ready.store(false, Ordering::Relaxed);
                }
                tracing::warn!(error = %e, is_available = self.is_node_ready(), "eIDAS node metadata not read; retrying");
            }
        }
    }
}

/// The mock node, bound and ready to be served by `Application::run_until`.
pub struct MockNodeServer {
    pub listener: TcpListener,
    pub address: SocketAddr,
    pub router: axum::Router,
    /// The TLS acceptor and its demo CA (PEM), unless `eidas.mock.is_tls = false`.
    pub tls: Option<(tokio_rustls::TlsAcceptor, String)>,
}

impl MockNodeServer {
    /// The mock node as a side service of the application.
    pub fn into_side_service(self) -> SideService {
        SideService::new("eIDAS mock node", move |until| async move {
            devpki::serve_router(self.listener, self.router, self.tls.map(|(acceptor, _)| acceptor), until)
                .await
        })
    }
}

impl std::fmt::Debug for MockNodeServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockNodeServer").field("address", &self.address).finish_non_exhaustive()
    }
}

/// Builds the service provider (and binds the mock node when it is on). `None` when the
/// method is disabled.
pub async fn build(
    cfg: &EidasSettings,
    is_demo: bool,
    public_url: &str,
    outbound: crate::kernel::outbound::OutboundPolicy,
) -> anyhow::Result<Option<(EidasRuntime, Option<MockNodeServer>)>> {
    if !cfg.is_enabled {
        return Ok(None);
    }
    // RSA key generation blocks: off the async runtime.
    let (key_pem, cert_pem) = {
        let cfg = cfg.clone();
        tokio::task::spawn_blocking(move || sp_key(&cfg, is_demo)).await??
    };
    let entity_id = or_default(&cfg.entity_id, format!("{public_url}/login/eidas/metadata"));
    let acs_url = or_default(&cfg.acs_url, format!("{public_url}/login/eidas/acs"));
    let mut source = None;
    let mut refresh_at = i64::MAX;
    let (node, mock) = if cfg.mock.is_enabled && is_demo {
        let (node, server) = start_mock(cfg, &entity_id, &acs_url, &cert_pem).await?;
        (Some(node), Some(server))
    } else if let Some(s) = metadata_source(cfg, outbound)? {
        // Start without the node when its metadata cannot be read: every other login method
        // keeps working, and the background job retries.
        let node = match super::metadata::fetch_node_metadata(&s.cfg, &s.client).await {
            Ok((node, valid_for)) => {
                refresh_at = crate::kernel::unix_now() + valid_for.whole_seconds();
                Some(node)
            }
            Err(e) => {
                tracing::error!(error = %e, "eIDAS node metadata could not be read at start: European login is unavailable until a retry succeeds");
                refresh_at = 0;
                None
            }
        };
        source = Some(s);
        (node, None)
    } else {
        (Some(inline_node(cfg)?), None)
    };
    let is_node_ready = node.is_some();
    let node = node.unwrap_or_else(|| NodeTrust {
        entity_id: String::new(),
        sso_url: String::new(),
        certificates_der: Vec::new(),
    });
    let sp_cfg = EidasSpConfig {
        entity_id,
        acs_url,
        signing_key_pem: key_pem,
        signing_certificate_pem: cert_pem,
        sp_type: cfg.sp_type,
        requested_loa: cfg.requested_loa,
        clock_skew_secs: cfg.clock_skew_secs,
        node_metadata_url: None,
        node_metadata_signing_certificate_pem: None,
        node_entity_id: None,
        node_sso_url: None,
        node_certificate_pem: None,
    };
    let sp = ServiceProvider::with_node(&sp_cfg, node).context("eidas: service provider settings")?;
    tracing::info!(eidas.entity_id = %sp.entity_id, eidas.node = %sp.node.entity_id, "eIDAS login enabled");
    let mock_ca_pem = mock.as_ref().and_then(|m| m.tls.as_ref()).map(|(_, ca)| ca.clone());
    let runtime = EidasRuntime {
        sp: RwLock::new(Arc::new(sp)),
        is_node_ready: AtomicBool::new(is_node_ready),
        refresh_at: AtomicI64::new(refresh_at),
        source,
        is_mock: mock.is_some(),
        mock_ca_pem,
    };
    Ok(Some((runtime, mock)))
}

fn or_default(value: &str, default: String) -> String {
    if value.is_empty() { default } else { value.to_string() }
}

fn read(path: &Path, key: &str) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("{key}: cannot read {}", path.display()))
}

/// Our key pair: from the configured files; in demo mode generated at first start (and
/// written to those files, so the metadata stays stable across restarts) or kept in memory.
fn sp_key(cfg: &EidasSettings, is_demo: bool) -> anyhow::Result<(String, String)> {
    match (&cfg.signing_key_path, &cfg.signing_certificate_path) {
        (Some(key), Some(cert)) if key.exists() && cert.exists() => {
            Ok((read(key, key!("signing_key_path"))?, read(cert, key!("signing_certificate_path"))?))
        }
        (Some(key), Some(cert)) if is_demo => {
            let (key_pem, cert_pem) = generate_key("Poort eIDAS SP (DEMO)")?;
            devpki::write_private(key, &key_pem)?;
            devpki::write_public(cert, &cert_pem)?;
            tracing::warn!(path = %key.display(), "DEMO: generated the eIDAS SP signing key");
            Ok((key_pem, cert_pem))
        }
        (None, None) if is_demo => Ok(generate_key("Poort eIDAS SP (DEMO)")?),
        _ => anyhow::bail!("eidas.signing_key_path: the signing key and certificate files are required"),
    }
}

/// The node's metadata source, when `eidas.node_metadata_url` is set.
fn metadata_source(
    cfg: &EidasSettings,
    outbound: crate::kernel::outbound::OutboundPolicy,
) -> anyhow::Result<Option<MetadataSource>> {
    let (Some(url), Some(cert_path)) = (&cfg.node_metadata_url, &cfg.node_metadata_signing_certificate_path)
    else {
        return Ok(None);
    };
    let sp_cfg = EidasSpConfig {
        entity_id: String::new(),
        acs_url: String::new(),
        signing_key_pem: String::new(),
        signing_certificate_pem: String::new(),
        sp_type: cfg.sp_type,
        requested_loa: cfg.requested_loa,
        clock_skew_secs: cfg.clock_skew_secs,
        node_metadata_url: Some(url.clone()),
        node_metadata_signing_certificate_pem: Some(read(
            cert_path,
            key!("node_metadata_signing_certificate_path"),
        )?),
        node_entity_id: None,
        node_sso_url: None,
        node_certificate_pem: None,
    };
    let policy =
        crate::kernel::outbound::OutboundPolicy { timeout: std::time::Duration::from_secs(10), ..outbound };
    let client = crate::kernel::outbound::Outbound::new(policy, None, "Poort eIDAS SP")?;
    Ok(Some(MetadataSource { cfg: sp_cfg, client }))
}

/// The node given inline: entity ID, SSO URL and its certificates.
fn inline_node(cfg: &EidasSettings) -> anyhow::Result<NodeTrust> {
    match (&cfg.node_entity_id, &cfg.node_sso_url, &cfg.node_certificate_path) {
        (Some(entity_id), Some(sso_url), Some(cert_path)) => {
            let mut certificates_der = Vec::new();
            for path in std::iter::once(cert_path).chain(&cfg.node_extra_certificate_paths) {
                let pem = read(path, key!("node_certificate_path"))?;
                certificates_der.push(cert_der_from_pem(&pem, key!("node_certificate_path"))?);
            }
            Ok(NodeTrust { entity_id: entity_id.clone(), sso_url: sso_url.clone(), certificates_der })
        }
        _ => anyhow::bail!("eidas.node_metadata_url: the eIDAS node is not configured"),
    }
}

/// Binds the DEMO mock node and registers us with it.
async fn start_mock(
    cfg: &EidasSettings,
    sp_entity_id: &str,
    sp_acs_url: &str,
    sp_cert_pem: &str,
) -> anyhow::Result<(NodeTrust, MockNodeServer)> {
    let listener = TcpListener::bind(cfg.mock.listen)
        .await
        .with_context(|| format!("eidas.mock.listen: binding {}", cfg.mock.listen))?;
    let address = listener.local_addr()?;
    let tls = if cfg.mock.is_tls {
        let host = address.ip().to_string();
        let dir = cfg.mock.demo_tls_dir.clone();
        let demo =
            tokio::task::spawn_blocking(move || devpki::demo_tls(&dir, &[host.as_str()], "mock eIDAS node"))
                .await??;
        tracing::info!(ca = %demo.ca_path.display(), "DEMO: the mock eIDAS node serves TLS with a demo CA");
        Some((devpki::acceptor(&demo.cert_pem, &demo.key_pem)?, demo.ca_pem))
    } else {
        None
    };
    let base = if cfg.mock.public_url.is_empty() {
        let scheme = if tls.is_some() { "https" } else { "http" };
        format!("{scheme}://{address}")
    } else {
        cfg.mock.public_url.trim_end_matches('/').to_string()
    };
    let config = MockNodeConfig {
        entity_id: format!("{base}/metadata"),
        sso_url: format!("{base}/sso"),
        signing_key_pem: None,
        signing_certificate_pem: None,
        sp_entity_id: sp_entity_id.to_string(),
        sp_acs_url: sp_acs_url.to_string(),
        sp_certificate_pem: sp_cert_pem.to_string(),
        identities: cfg.mock.identities.clone(),
        encrypts_assertions: cfg.mock.encrypts_assertions,
    };
    // The node's RSA key is generated here: off the async runtime.
    let node = tokio::task::spawn_blocking(move || MockNode::new(config)).await??;
    let trust = NodeTrust {
        entity_id: node.config().entity_id.clone(),
        sso_url: node.config().sso_url.clone(),
        certificates_der: vec![cert_der_from_pem(node.certificate_pem(), "mock node certificate")?],
    };
    tracing::warn!(
        mock.address = %address,
        mock.url = %base,
        "DEMO: the MOCK eIDAS node is ON — eIDAS logins are simulated, not real. Never in production."
    );
    Ok((trust, MockNodeServer { listener, address, router: super::mock::router(node), tls }))
}
