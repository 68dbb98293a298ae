//! Serving the mock itsme on its own port (demo mode), over TLS with a demo certificate or
//! plain HTTP on loopback. Started and stopped by `Application` with the main listener.
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use super::jose::{DecryptionKey, SigningKey};
use super::mock::{self, MockClient, MockClientAuth, MockConfig, MockProvider};
use super::settings::ItsmeSettings;
use super::upstream::{ClientAuth, UpstreamConfig};

/// A TLS handshake taking longer than this is dropped.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

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
            let demo = super::keys::demo_tls(&itsme.demo_key_dir, &host, "mock itsme")?;
            tracing::info!(ca = %demo.ca_path.display(), "DEMO: the mock itsme serves TLS with a demo CA");
            Some((acceptor(&demo.cert_pem, &demo.key_pem)?, demo.ca_pem))
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

    /// Serves until `shutdown` completes.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let router = mock::router(self.provider);
        match self.tls {
            None => axum::serve(self.listener, router).with_graceful_shutdown(shutdown).await?,
            Some((acceptor, _)) => {
                let listener = TlsListener::start(self.listener, acceptor, self.address);
                axum::serve(listener, router).with_graceful_shutdown(shutdown).await?
            }
        }
        Ok(())
    }
}

/// A TLS acceptor for one demo certificate (also used by the mock eIDAS node).
pub(crate) fn acceptor(cert_pem: &str, key_pem: &str) -> anyhow::Result<TlsAcceptor> {
    use rustls::pki_types::pem::PemObject as _;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs = CertificateDer::pem_slice_iter(cert_pem.as_bytes()).collect::<Result<Vec<_>, _>>()?;
    let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes())?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(certs, key)?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// TLS connections for `axum::serve`: a background task accepts TCP connections and does
/// each handshake in its own task, so a slow client never blocks the others.
pub(crate) struct TlsListener {
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    address: SocketAddr,
}

impl TlsListener {
    pub(crate) fn start(tcp: TcpListener, acceptor: TlsAcceptor, address: SocketAddr) -> Self {
        let (tx, ready) = mpsc::channel(64);
        tokio::spawn(async move {
            loop {
                let accepted = tokio::select! {
                    accepted = tcp.accept() => accepted,
                    () = tx.closed() => break,
                };
                let Ok((stream, peer)) = accepted else {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let (acceptor, tx) = (acceptor.clone(), tx.clone());
                tokio::spawn(async move {
                    if let Ok(Ok(tls)) =
                        tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await
                    {
                        let _ = tx.send((tls, peer)).await;
                    }
                });
            }
        });
        Self { ready, address }
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(conn) => conn,
            // The acceptor task only stops when this listener is dropped.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(self.address)
    }
}
