//! The composition root: the one place that knows every feature. [`Application::build`]
//! connects the store, loads the register, starts the OpenID Provider, installs the login
//! methods, merges the routers, and binds (port 0 in tests); [`Application::run_until`]
//! serves the main listener, the side listeners and the background jobs until a shutdown
//! signal. Only `main.rs` and `cli.rs` use this module.

mod methods;
mod routes;
mod serve;
mod state;

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use anyhow::Context as _;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;

pub use state::AppState;

use crate::authn::Authn;
use crate::authn::events::{SessionEvents, SessionListener};
use crate::config::{DEMO_SECRET_KEY, Settings};
use crate::kernel::jobs::{Job, Jobs};
use crate::kernel::keys::KeyDeriver;
use crate::kernel::outbound::Outbound;
use crate::kernel::serve::SideService;
use crate::protocol::oidc::endpoints::backchannel::Backchannel;
use crate::registry::Registry;
use crate::store::Store;
use crate::store::registry_source::StoredRegistry;
use crate::web::csrf::CsrfKey;
use crate::web::{CookiePolicy, Limits, WebShell};

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

/// The configured secret as a key deriver (the fixed demo key in demo mode when unset).
pub fn key_deriver(settings: &Settings) -> anyhow::Result<KeyDeriver> {
    let secret = match settings.secret_key_bytes()? {
        Some(bytes) => bytes,
        None => {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD.decode(DEMO_SECRET_KEY)?
        }
    };
    Ok(KeyDeriver::new(secret))
}

/// A built application, bound to its ports and ready to run.
pub struct Application {
    listener: TcpListener,
    address: SocketAddr,
    state: AppState,
    router: axum::Router,
    side: Vec<SideService>,
    jobs: Vec<Job>,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application").field("address", &self.address).finish_non_exhaustive()
    }
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
        let settings = settings.with_side_ports_applied();
        let is_demo = settings.demo.is_enabled;
        if is_demo {
            tracing::warn!(
                "DEMO MODE: mock external services are on and demo secrets are in use. Never run this in production."
            );
        }
        for dir in &settings.registry.load_dirs {
            let summary = crate::store::registry_import::load_files_into(&store, dir)
                .await
                .with_context(|| format!("loading registry files from {}", dir.display()))?;
            tracing::info!(registry.dir = %dir.display(), registry.persons = summary.persons, registry.enterprises = summary.enterprises, "registry files loaded");
        }
        let keys = key_deriver(&settings)?;
        let listener = TcpListener::bind(settings.server.listen)
            .await
            .with_context(|| format!("binding {}", settings.server.listen))?;
        let address = listener.local_addr()?;
        let public_url = settings.public_url(address);
        let registry: Arc<dyn Registry> = Arc::new(StoredRegistry::new(store.clone()));
        let outbound = Outbound::new(settings.outbound.policy(is_demo), None, "Poort")
            .context("building the outbound HTTP client")?;
        let provider = Arc::new(
            crate::protocol::oidc::Provider::start(
                &settings.oidc,
                &store,
                &keys,
                &public_url,
                is_demo,
                outbound,
            )
            .await?,
        );
        let mailer = crate::mail::Mailer::new(&settings.mail, is_demo, store.clone());
        let btb = crate::access::btb::Btb::new(
            store.clone(),
            registry.clone(),
            mailer.clone(),
            settings.btb.clone(),
            public_url.clone(),
        );
        if is_demo {
            btb.seed_demo().await.context("seeding the demo BTB data")?;
        }
        // The register may have changed since the last start: suspend roles whose basis ended.
        btb.review_lifecycle().await.context("reviewing BTB roles against the register")?;
        let password = crate::authn::password::PasswordService::new(
            &settings.password,
            mailer,
            store.clone(),
            keys.derive("password-codes"),
            keys.derive("password-totp"),
        );
        if settings.password.is_enabled {
            password.hasher().warm_up().await.context("preparing password hashing")?;
            password.seal_clear_totp_secrets().await.context("sealing TOTP secrets")?;
            if is_demo {
                password.seed_demo_accounts().await.context("seeding demo password accounts")?;
            }
        }
        let social_security = crate::access::social_security::SocialSecurity::new(
            btb.clone(),
            password.clone(),
            settings.social_security.clone(),
        );
        if is_demo {
            social_security.seed_demo().await.context("seeding the demo social-security data")?;
        }
        let is_https = public_url.starts_with("https://");
        let cookies = CookiePolicy { is_secure: settings.security.is_cookie_secure.unwrap_or(is_https) };
        let shell = WebShell::new(
            CsrfKey::new(keys.derive("csrf")),
            cookies,
            public_url.clone(),
            is_demo,
            settings.server.trusted_proxies.clone(),
        );
        let limits = Limits {
            max_body_bytes: settings.server.max_body_bytes,
            request_timeout: Duration::from_secs(settings.server.request_timeout_secs),
            body_timeout: Duration::from_secs(settings.server.body_timeout_secs),
        };
        // The protocols hear of every ended session (back-channel logout).
        let backchannel = Backchannel { store: store.clone(), provider: provider.clone() };
        let listeners: Vec<Arc<dyn SessionListener>> = vec![Arc::new(backchannel.clone())];
        // SAML service providers are told through the browser (front-channel single logout).
        let front_channel: Option<Arc<dyn crate::authn::events::FrontChannel>> =
            settings.saml.is_enabled.then(|| {
                Arc::new(crate::protocol::saml::propagation::SamlFrontChannel { store: store.clone() }) as _
            });
        let authn = Authn::new(
            store.clone(),
            registry.clone(),
            settings.session.clone(),
            cookies,
            SessionEvents::new(listeners, front_channel),
            public_url.clone(),
            is_demo,
        );
        let installed = methods::install(&settings, &authn, &password, &keys, &shell, limits).await?;
        let mut jobs = crate::authn::jobs::jobs(&store, &settings.housekeeping);
        jobs.extend(crate::protocol::oidc::jobs::jobs(&backchannel, &settings.housekeeping));
        jobs.extend(audit_retention(&store, &settings));
        // The eIDAS node's metadata: retried while unreadable, re-read when it expires.
        jobs.extend(installed.eidas.as_ref().and_then(|rt| rt.metadata_job()));
        jobs.push(crate::access::btb::lifecycle::job(
            &btb,
            Duration::from_secs(settings.housekeeping.interval_secs),
        ));
        let profiles = crate::profile::ProfileService::new(
            store.clone(),
            settings.btb.domains.clone(),
            settings.social_security.clone(),
            settings.profile.clone(),
        );
        let saml = crate::protocol::saml::Idp::start(&settings.saml, &public_url, is_demo, &keys, &store)
            .await
            .context("starting the SAML identity provider")?
            .map(Arc::new);
        let state = AppState::new(state::Parts {
            settings,
            store,
            registry,
            provider,
            authn,
            password,
            btb,
            profiles,
            social_security,
            metrics: metrics_handle(),
            eid: installed.eid.clone(),
            itsme: installed.itsme.clone(),
            eidas: installed.eidas.clone(),
            saml,
        });
        let (router, side) = routes::application(&state, installed, shell, limits);
        Ok(Self { listener, address, state, router, side, jobs })
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

    /// Serves until `shutdown` completes, then drains in-flight requests.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        tracing::info!(address = %self.address, public_url = self.state.public_url(), "poort is listening");
        // One shutdown signal for every listener this application serves.
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let stop = Arc::new(stop);
        let signal = stop.clone();
        tokio::spawn(async move {
            shutdown.await;
            let _ = signal.send(true);
        });
        let on_stop = |mut rx: tokio::sync::watch::Receiver<bool>| -> crate::kernel::serve::Shutdown {
            Box::pin(async move {
                let _ = rx.wait_for(|is_stopped| *is_stopped).await;
            })
        };
        let side: Vec<_> = self
            .side
            .into_iter()
            .map(|service| {
                let name = service.name;
                let until = on_stop(stopped.clone());
                (name, tokio::spawn(service.run(until)))
            })
            .collect();
        let jobs = Jobs::start(self.jobs);
        let header_timeout = Duration::from_secs(self.state.settings().server.header_read_timeout_secs);
        let served = serve::serve(self.listener, self.router, header_timeout, on_stop(stopped)).await;
        jobs.stop();
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

/// The audit trail's retention, when one is configured.
fn audit_retention(store: &Store, settings: &Settings) -> Option<Job> {
    let days = settings.housekeeping.audit_retention_days;
    (days > 0).then(|| {
        let store = store.clone();
        Job::new("audit retention", Duration::from_secs(settings.housekeeping.interval_secs), move || {
            let store = store.clone();
            async move {
                let removed = store.purge_audit_events(crate::store::unix_now() - days * 86_400).await?;
                if removed > 0 {
                    tracing::info!(audit.removed = removed, "audit events past their retention removed");
                }
                Ok(())
            }
        })
    })
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
