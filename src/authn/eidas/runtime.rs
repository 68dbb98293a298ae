//! Turning `[eidas]` into a running service provider at start: our signing key (generated
//! in demo mode), the node we trust (the mock node, its metadata, or inline settings), and
//! the mock node's own listener when it is on.

use std::net::SocketAddr;
use std::path::Path;

use anyhow::Context as _;
use tokio::net::TcpListener;

use super::config::{EidasSpConfig, NodeTrust, ServiceProvider};
use super::mock::{MockNode, MockNodeConfig, generate_key};
use super::settings::{EidasSettings, key};
use crate::kernel::devpki;
use crate::kernel::saml::signing::cert_der_from_pem;
use crate::kernel::serve::SideService;

/// What the eIDAS routes need at runtime.
#[derive(Debug)]
pub struct EidasRuntime {
    pub sp: ServiceProvider,
    /// The node is the DEMO mock.
    pub is_mock: bool,
    /// The demo CA (PEM) of the mock node's TLS certificate, when it serves TLS.
    pub mock_ca_pem: Option<String>,
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
    let (node, mock) = if cfg.mock.is_enabled && is_demo {
        let (node, server) = start_mock(cfg, &entity_id, &acs_url, &cert_pem).await?;
        (node, Some(server))
    } else {
        (node_trust(cfg, outbound).await?, None)
    };
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
    Ok(Some((EidasRuntime { sp, is_mock: mock.is_some(), mock_ca_pem }, mock)))
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

/// The real node: by signed metadata (fetched once at start) or inline settings.
async fn node_trust(
    cfg: &EidasSettings,
    outbound: crate::kernel::outbound::OutboundPolicy,
) -> anyhow::Result<NodeTrust> {
    if let (Some(url), Some(cert_path)) =
        (&cfg.node_metadata_url, &cfg.node_metadata_signing_certificate_path)
    {
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
        let policy = crate::kernel::outbound::OutboundPolicy {
            timeout: std::time::Duration::from_secs(10),
            ..outbound
        };
        let client = crate::kernel::outbound::Outbound::new(policy, None, "Poort eIDAS SP")?;
        return super::metadata::fetch_node_metadata(&sp_cfg, &client)
            .await
            .with_context(|| format!("eidas.node_metadata_url: {url}"));
    }
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
