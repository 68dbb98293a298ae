//! One typed configuration: defaults → TOML file → `POORT_…` environment variables.
//!
//! Environment variables use `__` between section and key, for example
//! `POORT_SERVER__LISTEN=0.0.0.0:8080` or `POORT_DATABASE__URL=postgres://…`.
//! Unknown keys are errors, so a typo never silently falls back to a default.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
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
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerSettings {
    /// Address of the main HTTP listener.
    pub listen: SocketAddr,
    /// The public base URL (issuer). Empty: `http://` + the bound listen address.
    pub public_url: String,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Seconds a request may take before it is answered with 503.
    pub request_timeout_secs: u64,
    /// Reverse proxies (CIDRs) whose `X-Forwarded-For` is believed; empty: the TCP peer
    /// is the client (see `web::client_addr`).
    pub trusted_proxies: Vec<crate::web::client_addr::Cidr>,
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
            max_body_bytes: 64 * 1024,
            request_timeout_secs: 30,
            trusted_proxies: Vec::new(),
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
        figment = figment.merge(Env::prefixed("POORT_").split("__"));
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
        if self.server.max_body_bytes < 1024 {
            return Err(ConfigError::Invalid {
                key: "server.max_body_bytes",
                problem: "must be at least 1024".into(),
            });
        }
        self.session.validate()?;
        self.housekeeping.validate()?;
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
    pub fn public_url(&self, bound: SocketAddr) -> String {
        if self.server.public_url.is_empty() {
            format!("http://{bound}")
        } else {
            self.server.public_url.trim_end_matches('/').to_string()
        }
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
mod tests {
    use super::*;
    use std::io::Write;

    fn load_text(text: &str) -> Result<Settings, ConfigError> {
        let mut file = tempfile::NamedTempFile::new().expect("temp file");
        file.write_all(text.as_bytes()).expect("write");
        Settings::load(Some(file.path()))
    }

    #[test]
    fn an_unknown_key_is_an_error_that_names_it() {
        let err = load_text("[server]\nlisten = \"127.0.0.1:1\"\nlistne = 3\n").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("listne"), "{msg}");
    }

    #[test]
    fn a_bad_listen_address_names_the_key() {
        let err = load_text("[demo]\nis_enabled = true\n[server]\nlisten = \"nowhere\"\n").unwrap_err();
        assert!(err.to_string().contains("server.listen"), "{err}");
    }

    #[test]
    fn outside_demo_mode_a_secret_key_is_required() {
        let err = load_text("").unwrap_err();
        assert!(err.to_string().contains("security.secret_key"), "{err}");
    }

    #[test]
    fn the_demo_key_is_refused_outside_demo_mode() {
        let err = load_text(&format!("[security]\nsecret_key = \"{DEMO_SECRET_KEY}\"\n")).unwrap_err();
        assert!(err.to_string().contains("refused outside demo mode"), "{err}");
    }

    #[test]
    fn a_short_secret_key_is_refused() {
        let err = load_text("[security]\nsecret_key = \"c2hvcnQ=\"\n").unwrap_err();
        assert!(err.to_string().contains("at least 32 bytes"), "{err}");
    }

    #[test]
    fn a_database_url_of_another_kind_is_refused() {
        let err = load_text("[demo]\nis_enabled = true\n[database]\nurl = \"mysql://x\"\n").unwrap_err();
        assert!(err.to_string().contains("database.url"), "{err}");
    }

    #[test]
    fn a_complete_file_loads() {
        let s = load_text(
            "[demo]\nis_enabled = true\n[server]\nlisten = \"127.0.0.1:9999\"\npublic_url = \"https://poort.example\"\n",
        )
        .expect("valid");
        assert_eq!(s.server.listen.port(), 9999);
        assert_eq!(s.public_url(s.server.listen), "https://poort.example");
    }
}
