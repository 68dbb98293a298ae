//! One typed configuration: defaults → TOML file → `POORT_…` environment variables.
//!
//! Environment variables are `POORT_<SECTION>__<KEY>` for a known section, for example
//! `POORT_SERVER__LISTEN=0.0.0.0:8080` or `POORT_DATABASE__URL=postgres://…`; other
//! `POORT_*` variables are not ours and are ignored ([`environment`]). Unknown keys (in the
//! file, or under a known section) are errors, so a typo never silently falls back to a
//! default.

pub mod environment;
mod side_by_side;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use url::Url;

/// Everything Poort reads at start.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub log: LogSettings,
    pub security: SecuritySettings,
    pub registry: RegistrySettings,
    pub session: crate::authn::settings::SessionSettings,
    pub password: crate::authn::password::PasswordSettings,
    pub mail: crate::mail::MailSettings,
    pub demo: DemoSettings,
    /// Request rate and concurrency limits of the main listener (`[limits]`).
    pub limits: crate::web::limits::LimitSettings,
    /// What outbound HTTP requests may reach (`[outbound]`).
    pub outbound: crate::kernel::outbound::OutboundSettings,
    /// Purges and retention (`[housekeeping]`).
    pub housekeeping: crate::store::housekeeping::HousekeepingSettings,
    /// The OpenID Provider (`[oidc]`, `[[oidc.clients]]`).
    #[serde(default)]
    pub oidc: crate::protocol::oidc::OidcSettings,
    /// eID card login over its own TLS listener (off unless configured).
    #[serde(default)]
    pub eid: crate::authn::eid::EidSettings,
    #[serde(default)]
    pub itsme: crate::authn::itsme::ItsmeSettings,
    #[serde(default)]
    pub eidas: crate::authn::eidas::EidasSettings,
    /// Passkeys (WebAuthn) as an extra digital key (off unless configured).
    #[serde(default)]
    pub passkey: crate::authn::passkey::PasskeySettings,
    /// The management of access managers (`[btb]`).
    #[serde(default)]
    pub btb: crate::access::btb::BtbSettings,
    /// The SAML 2.0 identity provider (`[saml]`, off unless enabled).
    #[serde(default)]
    pub saml: crate::protocol::saml::SamlSettings,
    /// The profile chooser and the freshness of roles in tokens (`[profile]`).
    #[serde(default)]
    pub profile: crate::profile::ProfileSettings,
    /// Social-security access management: the catalogue (`[social_security]`).
    #[serde(default)]
    pub social_security: crate::access::social_security::SocialSecuritySettings,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerSettings {
    /// Address of the main HTTP listener.
    pub listen: SocketAddr,
    /// The public base URL (issuer). Empty: `http://` + the bound listen address, with
    /// `localhost` for a loopback address (see [`Settings::public_url`]).
    pub public_url: String,
    /// Where the side listeners (eID TLS, the demo's mock itsme and mock eIDAS node) listen:
    /// `configured` (each one's `listen`) or `auto` (each on a free port of its configured
    /// address, so a second Poort runs next to the first; their URLs follow).
    pub side_ports: SidePorts,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Seconds a request may take before it is answered with 503.
    pub request_timeout_secs: u64,
    /// Seconds a client may take to send its request headers (then it is disconnected).
    pub header_read_timeout_secs: u64,
    /// Seconds a request body may take to arrive (then the request fails).
    pub body_timeout_secs: u64,
    /// Reverse proxies (CIDRs) whose `X-Forwarded-For` is believed; empty: the TCP peer
    /// is the client (see `web::client_addr`).
    pub trusted_proxies: Vec<crate::web::client_addr::Cidr>,
    /// Client addresses (CIDRs) that may read `/metrics`; default: loopback only.
    pub metrics_allowed_from: Vec<crate::web::client_addr::Cidr>,
}

/// `server.side_ports`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SidePorts {
    /// Every side listener on its configured `listen` address.
    #[default]
    Configured,
    /// Every side listener on a free port (port 0) of its configured address.
    Auto,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseSettings {
    /// `sqlite://data/poort.db` (default) or `postgres://user@host/db`.
    pub url: String,
    pub max_connections: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogSettings {
    pub format: LogFormat,
    /// A `tracing` filter such as `info` or `poort=debug,tower_http=info`.
    pub filter: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SecuritySettings {
    /// Base64 of at least 32 random bytes. Keys for CSRF tokens, cookies and peppers are
    /// derived from it. Required outside demo mode; `poort check-config` says so.
    pub secret_key: crate::kernel::Secret<String>,
    /// Set the `Secure` flag on cookies. Defaults to true when `public_url` is https.
    pub is_cookie_secure: Option<bool>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RegistrySettings {
    /// Directories in the Poort registry file format (docs/REGISTRY.md) loaded into the
    /// database at start. The demo configuration loads `config/demo/registry`.
    pub load_dirs: Vec<PathBuf>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DemoSettings {
    /// Demo mode: mock external services and fixed demo secrets. Never in production.
    pub is_enabled: bool,
    /// A login shortcut for automated tests (demo mode only; never in the shipped demo).
    pub is_test_login_enabled: bool,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: String::new(),
            side_ports: SidePorts::Configured,
            max_body_bytes: 64 * 1024,
            request_timeout_secs: 30,
            header_read_timeout_secs: 10,
            body_timeout_secs: 10,
            trusted_proxies: Vec::new(),
            metrics_allowed_from: ["127.0.0.0/8", "::1/128"]
                .iter()
                .filter_map(|c| crate::web::client_addr::Cidr::parse(c).ok())
                .collect(),
        }
    }
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self { url: "sqlite://data/poort.db".into(), max_connections: 10 }
    }
}

impl Default for LogSettings {
    fn default() -> Self {
        Self { format: LogFormat::Text, filter: "info".into() }
    }
}

pub use crate::kernel::ConfigError;

/// The fixed secret of the demo configuration. Refused outside demo mode.
pub const DEMO_SECRET_KEY: &str = "ZGVtby1vbmx5LXNlY3JldC1rZXktZm9yLXBvb3J0LWRvLW5vdC11c2U=";

impl Settings {
    /// Defaults, then the TOML file (if it exists or was named explicitly), then `POORT_*`.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        let (path, is_explicit) = match file {
            Some(p) => (p.to_path_buf(), true),
            None => (PathBuf::from("config/poort.toml"), false),
        };
        if path.exists() {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| ConfigError::File { path: path.clone(), reason: e.to_string() })?;
            figment = figment.merge(Toml::string(&text));
        } else if is_explicit {
            return Err(ConfigError::File { path, reason: "no such file".into() });
        }
        figment = figment.merge(environment::provider());
        let settings: Settings =
            figment.extract().map_err(|e| ConfigError::Parse(describe_figment_error(e)))?;
        settings.validate()?;
        Ok(settings)
    }

    /// Checks that go beyond types. Each error names the key.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !self.server.public_url.is_empty() {
            let url = Url::parse(&self.server.public_url).map_err(|e| ConfigError::Invalid {
                key: "server.public_url",
                problem: format!("not a URL: {e}"),
            })?;
            if !matches!(url.scheme(), "http" | "https") {
                return Err(ConfigError::Invalid {
                    key: "server.public_url",
                    problem: "must start with https:// (or http:// for local use)".into(),
                });
            }
            if url.query().is_some() || url.fragment().is_some() {
                return Err(ConfigError::Invalid {
                    key: "server.public_url",
                    problem: "must not have a query or fragment".into(),
                });
            }
        }
        if !(self.database.url.starts_with("sqlite:")
            || self.database.url.starts_with("postgres://")
            || self.database.url.starts_with("postgresql://"))
        {
            return Err(ConfigError::Invalid {
                key: "database.url",
                problem: "must start with sqlite:, postgres:// or postgresql://".into(),
            });
        }
        if self.database.max_connections == 0 {
            return Err(ConfigError::Invalid {
                key: "database.max_connections",
                problem: "must be at least 1".into(),
            });
        }
        for (key, value) in [
            ("server.header_read_timeout_secs", self.server.header_read_timeout_secs),
            ("server.body_timeout_secs", self.server.body_timeout_secs),
            ("server.request_timeout_secs", self.server.request_timeout_secs),
        ] {
            if value == 0 {
                return Err(ConfigError::invalid(key, "must be at least 1"));
            }
        }
        if self.server.side_ports == SidePorts::Auto {
            let fixed = [
                (concat!("eid", ".public_url"), &self.eid.public_url),
                (concat!("eidas", ".mock.public_url"), &self.eidas.mock.public_url),
            ];
            if let Some((key, _)) = fixed.iter().find(|(_, url)| !url.is_empty()) {
                return Err(ConfigError::Invalid {
                    key,
                    problem: "is fixed, so its listener cannot move with server.side_ports = auto; \
                              leave it unset (it follows the bound port)"
                        .into(),
                });
            }
        }
        if self.server.max_body_bytes < 1024 {
            return Err(ConfigError::Invalid {
                key: "server.max_body_bytes",
                problem: "must be at least 1024".into(),
            });
        }
        self.session.validate()?;
        self.housekeeping.validate()?;
        self.limits.validate()?;
        if self.demo.is_test_login_enabled && !self.demo.is_enabled {
            return Err(ConfigError::Invalid {
                key: "demo.is_test_login_enabled",
                problem: "only allowed in demo mode".into(),
            });
        }
        self.password.validate(self.demo.is_enabled)?;
        self.mail.validate()?;
        let key = self.secret_key_bytes()?;
        if !self.demo.is_enabled && self.security.secret_key.expose() == DEMO_SECRET_KEY {
            return Err(ConfigError::Invalid {
                key: "security.secret_key",
                problem:
                    "the demo key is refused outside demo mode; generate one with `openssl rand -base64 32`"
                        .into(),
            });
        }
        if key.is_none() && !self.demo.is_enabled {
            return Err(ConfigError::Invalid {
                key: "security.secret_key",
                problem: "required outside demo mode (base64 of at least 32 random bytes, e.g. `openssl rand -base64 32`)".into(),
            });
        }
        self.oidc.validate().map_err(|(key, problem)| ConfigError::Invalid { key, problem })?;
        self.eid.validate(self.demo.is_enabled)?;
        self.itsme.validate(self.demo.is_enabled)?;
        self.eidas.validate(self.demo.is_enabled)?;
        self.passkey.validate()?;
        self.btb.validate()?;
        self.profile.validate()?;
        self.saml.validate(self.demo.is_enabled)?;
        let domains: Vec<&str> = self.btb.domains.iter().map(|d| d.code.as_str()).collect();
        self.social_security.validate(&domains)?;
        for dir in &self.registry.load_dirs {
            if !dir.is_dir() {
                return Err(ConfigError::Invalid {
                    key: "registry.load_dirs",
                    problem: format!("{} is not a directory", dir.display()),
                });
            }
        }
        Ok(())
    }

    /// The decoded secret key, or `None` when unset.
    pub fn secret_key_bytes(&self) -> Result<Option<Vec<u8>>, ConfigError> {
        use base64::Engine as _;
        if self.security.secret_key.is_empty() {
            return Ok(None);
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(self.security.secret_key.expose().trim())
            .map_err(|_| ConfigError::Invalid {
                key: "security.secret_key",
                problem: "must be base64".into(),
            })?;
        if bytes.len() < 32 {
            return Err(ConfigError::Invalid {
                key: "security.secret_key",
                problem: format!("must decode to at least 32 bytes, got {}", bytes.len()),
            });
        }
        Ok(Some(bytes))
    }

    /// The public base URL without a trailing slash, given the address actually bound.
    /// Unset, it is the listener itself, named `localhost` when it is a loopback address:
    /// one origin for every redirect and cookie, and a host name (passkeys need one, an IP
    /// address cannot be a WebAuthn relying party).
    pub fn public_url(&self, bound: SocketAddr) -> String {
        if !self.server.public_url.is_empty() {
            return self.server.public_url.trim_end_matches('/').to_string();
        }
        if bound.ip().is_loopback() {
            format!("http://localhost:{}", bound.port())
        } else {
            format!("http://{bound}")
        }
    }

    /// Whether the public URL is Poort's own listener (no proxy in front decides the host).
    pub fn is_public_url_derived(&self) -> bool {
        self.server.public_url.is_empty()
    }

    /// The settings with `server.side_ports = auto` applied: every side listener on port 0
    /// of its configured address (their public URLs are then derived from the bound ports).
    pub fn with_side_ports_applied(mut self) -> Self {
        if self.server.side_ports == SidePorts::Auto {
            self.eid.listen.set_port(0);
            self.itsme.mock.listen.set_port(0);
            self.eidas.mock.listen.set_port(0);
        }
        self
    }
}

fn describe_figment_error(e: figment::Error) -> String {
    e.into_iter()
        .map(|err| {
            let key = err.path.join(".");
            if key.is_empty() { err.kind.to_string() } else { format!("key `{key}`: {}", err.kind) }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests;
