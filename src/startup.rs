//! Builds the application from settings: storage, registry, keys, routers. Tests start it
//! on port 0 with a fresh database; `poort serve` runs it until a shutdown signal.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use anyhow::Context as _;
use hmac::{Hmac, Mac};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use sha2::Sha256;
use tokio::net::TcpListener;

use crate::config::{DEMO_SECRET_KEY, Settings};
use crate::registry::{Registry, StoredRegistry};
use crate::store::Store;
use crate::web::csrf::CsrfKey;

/// Shared state of every handler. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    settings: Settings,
    store: Store,
    registry: Arc<dyn Registry>,
    public_url: String,
    csrf: CsrfKey,
    secret: Vec<u8>,
    metrics: PrometheusHandle,
    oidc: crate::protocol::oidc::Provider,
    eid: Option<crate::authn::eid::EidEndpoint>,
    password: crate::authn::password::PasswordService,
    itsme: Option<Arc<crate::authn::itsme::ItsmeService>>,
    eidas: Option<Arc<crate::authn::eidas::EidasRuntime>>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("public_url", &self.inner.public_url).finish_non_exhaustive()
    }
}

impl AppState {
    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn registry(&self) -> &dyn Registry {
        self.inner.registry.as_ref()
    }

    /// The public base URL (the OIDC issuer), without trailing slash.
    pub fn public_url(&self) -> &str {
        &self.inner.public_url
    }

    pub fn is_https(&self) -> bool {
        self.inner.public_url.starts_with("https://")
    }

    pub fn is_cookie_secure(&self) -> bool {
        self.inner.settings.security.is_cookie_secure.unwrap_or_else(|| self.is_https())
    }

    pub fn csrf(&self) -> &CsrfKey {
        &self.inner.csrf
    }

    pub fn metrics(&self) -> &PrometheusHandle {
        &self.inner.metrics
    }

    /// The OpenID Provider: issuer, signing keys, peppers.
    pub fn oidc(&self) -> &crate::protocol::oidc::Provider {
        &self.inner.oidc
    }

    /// The eID TLS listener, when `[eid]` is enabled (its bound address and public URL).
    pub fn eid(&self) -> Option<&crate::authn::eid::EidEndpoint> {
        self.inner.eid.as_ref()
    }

    /// The username/password method (hashing pool, mailer, codes).
    pub fn password(&self) -> &crate::authn::password::PasswordService {
        &self.inner.password
    }

    /// The itsme login method, when enabled.
    pub fn itsme(&self) -> Option<&crate::authn::itsme::ItsmeService> {
        self.inner.itsme.as_deref()
    }

    /// The eIDAS service provider, when the method is enabled.
    pub fn eidas(&self) -> Option<&crate::authn::eidas::EidasRuntime> {
        self.inner.eidas.as_deref()
    }

    /// A 32-byte key for one purpose, derived from the configured secret
    /// (HMAC-SHA256 as a PRF, one label per purpose).
    pub fn derived_key(&self, purpose: &str) -> [u8; 32] {
        derive_key(&self.inner.secret, purpose)
    }
}

pub fn derive_key(secret: &[u8], purpose: &str) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("any key length works for HMAC");
    mac.update(b"poort/key/v1:");
    mac.update(purpose.as_bytes());
    mac.finalize().into_bytes().into()
}

/// The process-wide metrics recorder (installed once, shared by every app in a test run).
fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            // Another recorder may already be installed (never in `poort serve`).
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

/// Installs the process-wide rustls crypto provider (aws-lc-rs) once. With both ring and
/// aws-lc-rs in the dependency tree rustls cannot pick one and panics without this.
pub fn install_crypto_provider() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        // Err means another provider is already installed: fine.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    });
}

/// A built application, bound to its ports and ready to run.
pub struct Application {
    listener: TcpListener,
    address: SocketAddr,
    eid_listener: Option<crate::authn::eid::EidListener>,
    state: AppState,
    itsme_mock: Option<crate::authn::itsme::mock_server::MockServer>,
    eidas_mock: Option<crate::authn::eidas::MockNodeServer>,
}

impl Application {
    /// Connects and migrates the database, loads registry files, binds the listener.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let store = Store::connect(&settings.database.url, settings.database.max_connections)
            .await
            .context("connecting to the database")?;
        store.migrate().await.context("applying database migrations")?;
        Self::build_with_store(settings, store).await
    }

    /// Like [`Application::build`] with an already connected and migrated store.
    pub async fn build_with_store(settings: Settings, store: Store) -> anyhow::Result<Self> {
        install_crypto_provider();
        if settings.demo.is_enabled {
            tracing::warn!(
                "DEMO MODE: mock external services are on and demo secrets are in use. Never run this in production."
            );
        }
        for dir in &settings.registry.load_dirs {
            let summary = crate::registry::import::load_files_into(&store, dir)
                .await
                .with_context(|| format!("loading registry files from {}", dir.display()))?;
            tracing::info!(registry.dir = %dir.display(), registry.persons = summary.persons, registry.enterprises = summary.enterprises, "registry files loaded");
        }
        let secret = match settings.secret_key_bytes()? {
            Some(bytes) => bytes,
            None => {
                use base64::Engine as _;
                base64::engine::general_purpose::STANDARD.decode(DEMO_SECRET_KEY)?
            }
        };
        let listener = TcpListener::bind(settings.server.listen)
            .await
            .with_context(|| format!("binding {}", settings.server.listen))?;
        let address = listener.local_addr()?;
        let public_url = settings.public_url(address);
        let (eid_listener, eid) = crate::authn::eid::bind(&settings).await?.unzip();
        let registry: Arc<dyn Registry> = Arc::new(StoredRegistry::new(store.clone()));
        let oidc = crate::protocol::oidc::Provider::start(
            &settings.oidc,
            &store,
            &secret,
            &public_url,
            settings.demo.is_enabled,
        )
        .await?;
        let mailer = crate::mail::Mailer::new(&settings.mail, settings.demo.is_enabled, store.clone());
        let password = crate::authn::password::PasswordService::new(
            &settings.password,
            mailer,
            store.clone(),
            derive_key(&secret, "password-codes"),
            derive_key(&secret, "password-totp"),
        );
        if settings.password.is_enabled {
            password.hasher().warm_up().await.context("preparing password hashing")?;
            password.seal_clear_totp_secrets().await.context("sealing TOTP secrets")?;
            if settings.demo.is_enabled {
                password.seed_demo_accounts().await.context("seeding demo password accounts")?;
            }
        }
        let (itsme, itsme_mock) = crate::authn::itsme::service::prepare(&settings, &public_url)
            .await
            .context("setting up the itsme login")?;
        let (eidas, eidas_mock) = match crate::authn::eidas::runtime::build(&settings, &public_url).await? {
            Some((runtime, mock)) => (Some(Arc::new(runtime)), mock),
            None => (None, None),
        };
        let state = AppState {
            inner: Arc::new(Inner {
                csrf: CsrfKey::new(derive_key(&secret, "csrf")),
                settings,
                store,
                registry,
                public_url,
                secret,
                metrics: metrics_handle(),
                oidc,
                eid,
                password,
                itsme,
                eidas,
            }),
        };
        Ok(Self { listener, address, eid_listener, state, itsme_mock, eidas_mock })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The bound address of the eID TLS listener, when enabled.
    pub fn eid_address(&self) -> Option<SocketAddr> {
        self.state.eid().map(|e| e.address)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The address of the mock itsme provider, when it is on (demo mode).
    pub fn itsme_mock_address(&self) -> Option<SocketAddr> {
        self.itsme_mock.as_ref().map(|m| m.address())
    }

    /// The address of the DEMO mock eIDAS node, when it is on.
    pub fn eidas_mock_address(&self) -> Option<SocketAddr> {
        self.eidas_mock.as_ref().map(|m| m.address)
    }

    /// Serves until `shutdown` completes, then drains in-flight requests.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let router = crate::web::router(self.state.clone());
        tracing::info!(address = %self.address, public_url = self.state.public_url(), "poort is listening");
        // One shutdown signal for every listener this application serves.
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let stop = Arc::new(stop);
        let signal = stop.clone();
        tokio::spawn(async move {
            shutdown.await;
            let _ = signal.send(true);
        });
        let on_stop = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|is_stopped| *is_stopped).await;
        };
        // Secondary listeners: the eID TLS listener and, in demo mode, the mock services.
        let mut side: Vec<(&'static str, tokio::task::JoinHandle<anyhow::Result<()>>)> = Vec::new();
        if let Some(listener) = self.eid_listener {
            let eid_router = crate::authn::eid::tls_router(self.state.clone());
            let until = on_stop(stopped.clone());
            side.push((
                "eID TLS listener",
                tokio::spawn(async move {
                    crate::authn::eid::listener::serve_on(listener, eid_router, until).await?;
                    Ok(())
                }),
            ));
        }
        if let Some(mock) = self.itsme_mock {
            let until = on_stop(stopped.clone());
            side.push((
                "itsme mock",
                tokio::spawn(async move {
                    mock.run(until).await?;
                    Ok(())
                }),
            ));
        }
        if let Some(mock) = self.eidas_mock {
            let until = on_stop(stopped.clone());
            side.push((
                "eIDAS mock node",
                tokio::spawn(async move {
                    mock.run(until).await?;
                    Ok(())
                }),
            ));
        }
        let background = tokio::spawn(crate::protocol::oidc::provider::background(self.state.clone()));
        let served = axum::serve(self.listener, router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(on_stop(stopped))
            .await;
        background.abort();
        let _ = stop.send(true);
        for (name, task) in side {
            match task.await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::error!(error = %e, "the {name} failed"),
                Err(e) => tracing::error!(error = %e, "the {name} task failed"),
            }
        }
        self.state.store().close().await;
        served?;
        Ok(())
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown signal received");
}
