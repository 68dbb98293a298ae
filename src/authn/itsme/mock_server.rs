//! Serving the mock itsme on its own port (demo mode), over TLS with a demo certificate or
//! plain HTTP on loopback. Started and stopped by `Application` with the main listener.
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context as _;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use super::jose::{DecryptionKey, SigningKey};
use super::mock::{self, MockClient, MockClientAuth, MockConfig, MockProvider};
use super::settings::ItsmeSettings;
use super::upstream::{ClientAuth, UpstreamConfig};
use crate::kernel::devpki;
use crate::kernel::serve::SideService;

/// The bound mock, not yet serving.
pub struct MockServer {
    listener: TcpListener,
    address: SocketAddr,
    provider: Arc<MockProvider>,
    tls: Option<(TlsAcceptor, String)>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer").field("address", &self.address).finish_non_exhaustive()
    }
}

impl MockServer {
    /// Binds `itsme.mock.listen` and registers Poort's upstream client (`cfg`: client id,
    /// redirect URI, public keys of the loaded private keys) at the mock.
    pub async fn bind(itsme: &ItsmeSettings, cfg: &UpstreamConfig) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(itsme.mock.listen)
            .await
            .with_context(|| format!("binding the mock itsme on {}", itsme.mock.listen))?;
        let address = listener.local_addr()?;
        let host = address.ip().to_string();
        let tls = if itsme.mock.is_tls {
            let demo = devpki::demo_tls(&itsme.demo_key_dir, &[host.as_str()], "mock itsme")?;
            tracing::info!(ca = %demo.ca_path.display(), "DEMO: the mock itsme serves TLS with a demo CA");
            Some((devpki::acceptor(&demo.cert_pem, &demo.key_pem)?, demo.ca_pem))
        } else {
            None
        };
        let scheme = if tls.is_some() { "https" } else { "http" };
        let issuer = format!("{scheme}://{address}");
        let mut keys: Vec<Value> = Vec::new();
        if let Some(pem) = &cfg.signing_key_pem {
            let key = SigningKey::from_pem(pem).map_err(|e| anyhow::anyhow!("itsme signing key: {}", e.0))?;
            keys.push(Value::Object(key.public_jwk().as_ref().clone()));
        }
        if let Some(pem) = &cfg.encryption_key_pem {
            let key =
                DecryptionKey::from_pem(pem).map_err(|e| anyhow::anyhow!("itsme encryption key: {}", e.0))?;
            keys.push(Value::Object(key.public_jwk().as_ref().clone()));
        }
        let client = MockClient {
            client_id: cfg.client_id.clone(),
            redirect_uris: vec![cfg.redirect_uri.clone()],
            jwks: (!keys.is_empty()).then(|| json!({ "keys": keys })),
            token_endpoint_auth_method: match cfg.client_auth {
                ClientAuth::PrivateKeyJwt => MockClientAuth::PrivateKeyJwt,
                ClientAuth::ClientSecretBasic => MockClientAuth::ClientSecretBasic,
            },
            client_secret: cfg.client_secret.clone(),
        };
        let mock_cfg = MockConfig {
            issuer,
            signing_key_pem: None,
            clients: vec![client],
            identities: itsme.mock.identities.clone(),
            ..MockConfig::defaults_for_demo()
        };
        let provider = MockProvider::new(mock_cfg).map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(Self { listener, address, provider, tls })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn issuer(&self) -> &str {
        self.provider.issuer()
    }

    /// The demo CA certificate (PEM) when serving TLS.
    pub fn ca_pem(&self) -> Option<&str> {
        self.tls.as_ref().map(|(_, ca)| ca.as_str())
    }

    /// The mock as a side service of the application.
    pub fn into_side_service(self) -> SideService {
        SideService::new("itsme mock", move |until| async move {
            let router = mock::router(self.provider);
            devpki::serve_router(self.listener, router, self.tls.map(|(acceptor, _)| acceptor), until).await
        })
    }
}
