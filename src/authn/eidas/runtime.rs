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
use super::signing::cert_der_from_pem;
use crate::authn::itsme::keys::demo_tls;
use crate::authn::itsme::mock_server::{TlsListener, acceptor};
use crate::config::Settings;

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
    /// Serves until `shutdown` completes.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        match self.tls {
            None => axum::serve(self.listener, self.router).with_graceful_shutdown(shutdown).await?,
            Some((acceptor, _)) => {
                let listener = TlsListener::start(self.listener, acceptor, self.address);
                axum::serve(listener, self.router).with_graceful_shutdown(shutdown).await?
            }
        }
        Ok(())
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
    settings: &Settings,
    public_url: &str,
) -> anyhow::Result<Option<(EidasRuntime, Option<MockNodeServer>)>> {
    let cfg = &settings.eidas;
    if !cfg.is_enabled {
        return Ok(None);
    }
    let is_demo = settings.demo.is_enabled;
    let (key_pem, cert_pem) = sp_key(cfg, is_demo)?;
    let entity_id = or_default(&cfg.entity_id, format!("{public_url}/login/eidas/metadata"));
    let acs_url = or_default(&cfg.acs_url, format!("{public_url}/login/eidas/acs"));
    let (node, mock) = if cfg.mock.is_enabled && is_demo {
        let (node, server) = start_mock(cfg, &entity_id, &acs_url, &cert_pem).await?;
        (node, Some(server))
    } else {
        (node_trust(cfg).await?, None)
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
            write_new(key, &key_pem)?;
            write_new(cert, &cert_pem)?;
            tracing::warn!(path = %key.display(), "DEMO: generated the eIDAS SP signing key");
            Ok((key_pem, cert_pem))
        }
        (None, None) if is_demo => Ok(generate_key("Poort eIDAS SP (DEMO)")?),
        _ => anyhow::bail!("eidas.signing_key_path: the signing key and certificate files are required"),
    }
}

/// Writes a file that did not exist (via a temporary name, so a half-written key is never read).
fn write_new(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// The real node: by signed metadata (fetched once at start) or inline settings.
async fn node_trust(cfg: &EidasSettings) -> anyhow::Result<NodeTrust> {
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
        let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(10)).build()?;
        return super::metadata::fetch_node_metadata(&sp_cfg, &client)
            .await
            .with_context(|| format!("eidas.node_metadata_url: {url}"));
    }
    match (&cfg.node_entity_id, &cfg.node_sso_url, &cfg.node_certificate_path) {
        (Some(entity_id), Some(sso_url), Some(cert_path)) => Ok(NodeTrust {
            entity_id: entity_id.clone(),
            sso_url: sso_url.clone(),
            certificate_der: cert_der_from_pem(
                &read(cert_path, key!("node_certificate_path"))?,
                key!("node_certificate_path"),
            )?,
        }),
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
        let demo = demo_tls(&cfg.mock.demo_tls_dir, &address.ip().to_string(), "mock eIDAS node")?;
        tracing::info!(ca = %demo.ca_path.display(), "DEMO: the mock eIDAS node serves TLS with a demo CA");
        Some((acceptor(&demo.cert_pem, &demo.key_pem)?, demo.ca_pem))
    } else {
        None
    };
    let base = if cfg.mock.public_url.is_empty() {
        let scheme = if tls.is_some() { "https" } else { "http" };
        format!("{scheme}://{address}")
    } else {
        cfg.mock.public_url.trim_end_matches('/').to_string()
    };
    let node = MockNode::new(MockNodeConfig {
        entity_id: format!("{base}/metadata"),
        sso_url: format!("{base}/sso"),
        signing_key_pem: None,
        signing_certificate_pem: None,
        sp_entity_id: sp_entity_id.to_string(),
        sp_acs_url: sp_acs_url.to_string(),
        sp_certificate_pem: sp_cert_pem.to_string(),
        identities: cfg.mock.identities.clone(),
    })?;
    let trust = NodeTrust {
        entity_id: node.config().entity_id.clone(),
        sso_url: node.config().sso_url.clone(),
        certificate_der: cert_der_from_pem(node.certificate_pem(), "mock node certificate")?,
    };
    tracing::warn!(
        mock.address = %address,
        mock.url = %base,
        "DEMO: the MOCK eIDAS node is ON — eIDAS logins are simulated, not real. Never in production."
    );
    Ok((trust, MockNodeServer { listener, address, router: super::mock::router(node), tls }))
}
