//! The eID TLS listener: TLS with a *requested, optional* client certificate (the card's
//! authentication certificate, RFC 8446 §4.3.2 / RFC 5246 §7.4.4), HTTP/1.1 via
//! `axum::serve` over a custom [`axum::serve::Listener`]. Each request carries the
//! connection's verification outcome as an [`EidOutcome`] extension.
//!
//! Handshakes run in their own tasks (a slow client cannot stall accepting), each bounded by
//! `handshake_timeout_secs`; at most `max_connections` connections (handshaking or serving)
//! are open at once, further clients wait in the kernel backlog.
//! CRL files are re-read when their modification time changes (checked per connection), so
//! a re-signed `crl.pem` takes effect for the next connection without a restart.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::extract::{ConnectInfo, Request, connect_info::Connected};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::serve::{IncomingStream, Listener};
use rustls::crypto::aws_lc_rs;
use rustls::pki_types::PrivateKeyDer;
use rustls::pki_types::pem::PemObject;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use super::verify::{EidCertificate, EidRefusal, EidTrustError, EidVerifier, certs_from_pem};

/// What a handler finds in the request extensions.
pub type EidOutcome = Result<EidCertificate, EidRefusal>;

#[derive(Debug, Clone)]
pub struct EidListenerConfig {
    /// Default `127.0.0.1:8443`.
    pub listen: SocketAddr,
    pub server_cert_pem: PathBuf,
    pub server_key_pem: PathBuf,
    /// Root CA PEM files (real: Belgium Root CA 4/6; demo: `demo-belgium-root-ca.pem`).
    pub trust_anchors: Vec<PathBuf>,
    /// Citizen/Foreigner CA PEM files (used when the client sends only its card cert).
    pub intermediates: Vec<PathBuf>,
    /// CRL PEM files; when any is given, a card whose CA has no CRL here is refused.
    pub crls: Vec<PathBuf>,
    /// OCSP is NOT implemented: `true` is a configuration error.
    pub is_ocsp_enabled: bool,
    /// Default 10.
    pub handshake_timeout_secs: u64,
    /// Default 1024.
    pub max_connections: usize,
}

impl Default for EidListenerConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8443)),
            server_cert_pem: PathBuf::new(),
            server_key_pem: PathBuf::new(),
            trust_anchors: Vec::new(),
            intermediates: Vec::new(),
            crls: Vec::new(),
            is_ocsp_enabled: false,
            handshake_timeout_secs: 10,
            max_connections: 1024,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EidListenerError {
    #[error("eID OCSP checking is not implemented; set is_ocsp_enabled = false and use CRLs")]
    OcspNotImplemented,
    #[error("max_connections and handshake_timeout_secs must be positive")]
    Limits,
    #[error(transparent)]
    Trust(#[from] EidTrustError),
    #[error("server key {path}: {reason}")]
    ServerKey { path: PathBuf, reason: String },
    #[error("TLS configuration: {0}")]
    Tls(#[from] rustls::Error),
    #[error("binding {addr}: {source}")]
    Bind { addr: SocketAddr, source: io::Error },
    #[error("serving: {0}")]
    Serve(io::Error),
}

/// Rebuilds the verifier when a CRL file changes.
struct TrustSource {
    cfg: EidListenerConfig,
    cached: Mutex<(Vec<Option<SystemTime>>, Arc<EidVerifier>)>,
}

impl TrustSource {
    fn crl_mtimes(cfg: &EidListenerConfig) -> Vec<Option<SystemTime>> {
        let mtime = |p: &PathBuf| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        cfg.crls.iter().map(mtime).collect()
    }

    fn load(cfg: &EidListenerConfig) -> Result<EidVerifier, EidTrustError> {
        EidVerifier::from_pem_files(&cfg.trust_anchors, &cfg.intermediates, &cfg.crls)
    }

    /// The verifier, rebuilt first when a CRL file changed. The file checks and the CRL
    /// parsing block, so they run off the async runtime.
    async fn current(self: Arc<Self>) -> Arc<EidVerifier> {
        let fallback = self.cached.lock().unwrap_or_else(|e| e.into_inner()).1.clone();
        tokio::task::spawn_blocking(move || {
            let mtimes = Self::crl_mtimes(&self.cfg);
            let mut cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
            if cached.0 != mtimes {
                match Self::load(&self.cfg) {
                    Ok(v) => *cached = (mtimes, Arc::new(v)),
                    Err(e) => tracing::error!(error = %e, "eID CRL reload failed; keeping old CRLs"),
                }
            }
            cached.1.clone()
        })
        .await
        .unwrap_or(fallback)
    }
}

/// The remote end of one eID connection and its verification outcome (axum connect info).
#[derive(Debug, Clone)]
pub struct EidPeer {
    pub remote: SocketAddr,
    pub outcome: Arc<EidOutcome>,
}

impl Connected<IncomingStream<'_, EidListener>> for EidPeer {
    fn connect_info(stream: IncomingStream<'_, EidListener>) -> Self {
        stream.remote_addr().clone()
    }
}

/// A TLS connection that holds its connection-limit permit until dropped.
pub struct EidStream {
    inner: TlsStream<TcpStream>,
    _permit: OwnedSemaphorePermit,
}

impl AsyncRead for EidStream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for EidStream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// A bound eID listener; handshakes already run in the background once bound.
pub struct EidListener {
    rx: mpsc::Receiver<(EidStream, EidPeer)>,
    local: SocketAddr,
}

impl EidListener {
    pub async fn bind(cfg: &EidListenerConfig) -> Result<Self, EidListenerError> {
        if cfg.is_ocsp_enabled {
            return Err(EidListenerError::OcspNotImplemented);
        }
        if cfg.max_connections == 0 || cfg.handshake_timeout_secs == 0 {
            return Err(EidListenerError::Limits);
        }
        let verifier = TrustSource::load(cfg)?;
        let certs = certs_from_pem(&cfg.server_cert_pem)?;
        let key = PrivateKeyDer::from_pem_file(&cfg.server_key_pem).map_err(|e| {
            EidListenerError::ServerKey { path: cfg.server_key_pem.clone(), reason: e.to_string() }
        })?;
        let mut tls = rustls::ServerConfig::builder_with_provider(Arc::new(aws_lc_rs::default_provider()))
            .with_safe_default_protocol_versions()?
            .with_client_cert_verifier(verifier.handshake_verifier())
            .with_single_cert(certs, key)?;
        tls.alpn_protocols = vec![b"http/1.1".to_vec()];

        let tcp = TcpListener::bind(cfg.listen)
            .await
            .map_err(|source| EidListenerError::Bind { addr: cfg.listen, source })?;
        let local = tcp.local_addr().map_err(|source| EidListenerError::Bind { addr: cfg.listen, source })?;
        let trust = Arc::new(TrustSource {
            cfg: cfg.clone(),
            cached: Mutex::new((TrustSource::crl_mtimes(cfg), Arc::new(verifier))),
        });
        let (tx, rx) = mpsc::channel(64);
        let limits = (Arc::new(Semaphore::new(cfg.max_connections)), cfg.handshake_timeout_secs);
        tokio::spawn(accept_loop(tcp, TlsAcceptor::from(Arc::new(tls)), trust, tx, limits));
        tracing::info!(eid.listen = %local, "eID TLS listener bound");
        Ok(Self { rx, local })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }
}

async fn accept_loop(
    tcp: TcpListener,
    acceptor: TlsAcceptor,
    trust: Arc<TrustSource>,
    tx: mpsc::Sender<(EidStream, EidPeer)>,
    (slots, timeout_secs): (Arc<Semaphore>, u64),
) {
    loop {
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => return },
            () = tx.closed() => return,
        };
        let (stream, remote) = tokio::select! {
            r = tcp.accept() => match r {
                Ok(pair) => pair,
                Err(e) => {
                    tracing::warn!(error = %e, "eID accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = tx.closed() => return,
        };
        let (acceptor, trust, tx) = (acceptor.clone(), trust.clone(), tx.clone());
        tokio::spawn(async move {
            let limit = Duration::from_secs(timeout_secs);
            let tls = match tokio::time::timeout(limit, acceptor.accept(stream)).await {
                Ok(Ok(tls)) => tls,
                Ok(Err(e)) => {
                    return tracing::debug!(net.peer = %remote, error = %e, "eID TLS handshake failed");
                }
                Err(_) => return tracing::debug!(net.peer = %remote, "eID TLS handshake timed out"),
            };
            let outcome = match tls.get_ref().1.peer_certificates() {
                Some(chain) => trust.current().await.verify_card(chain, time::OffsetDateTime::now_utc()),
                None => Err(EidRefusal::NoCertificate),
            };
            match &outcome {
                Ok(card) => {
                    tracing::info!(net.peer = %remote, card.serial = %card.serial_hex, "eID card accepted")
                }
                Err(r) => {
                    tracing::info!(net.peer = %remote, eid.refusal = r.code(), "eID card refused")
                }
            }
            let peer = EidPeer { remote, outcome: Arc::new(outcome) };
            // A closed channel means the server is shutting down: drop the connection.
            let _ = tx.send((EidStream { inner: tls, _permit: permit }, peer)).await;
        });
    }
}

impl Listener for EidListener {
    type Io = EidStream;
    type Addr = EidPeer;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.rx.recv().await {
            Some(conn) => conn,
            // The accept task only stops when the listener is gone; never yield again.
            None => std::future::pending().await,
        }
    }

    /// The local address; its `outcome` is meaningless (`NoCertificate`).
    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(EidPeer { remote: self.local, outcome: Arc::new(Err(EidRefusal::NoCertificate)) })
    }
}

async fn insert_outcome(ConnectInfo(peer): ConnectInfo<EidPeer>, mut req: Request, next: Next) -> Response {
    req.extensions_mut().insert::<EidOutcome>((*peer.outcome).clone());
    next.run(req).await
}

/// Serves `router` on an already bound listener until `shutdown` resolves.
pub async fn serve_on(
    listener: EidListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let app = router.layer(middleware::from_fn(insert_outcome));
    axum::serve(listener, app.into_make_service_with_connect_info::<EidPeer>())
        .with_graceful_shutdown(shutdown)
        .await
}

/// Binds per `cfg` and serves `router` until `shutdown` resolves.
pub async fn serve(
    cfg: &EidListenerConfig,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), EidListenerError> {
    let listener = EidListener::bind(cfg).await?;
    serve_on(listener, router, shutdown).await.map_err(EidListenerError::Serve)
}
