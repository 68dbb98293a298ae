//! Mock itsme provider for demo mode: a real OpenID provider over HTTP that behaves like
//! itsme (private_key_jwt, request objects, PKCE S256, signed-then-encrypted id_token and
//! userinfo, itsme claim names). Every page says it is a demo. Never enabled outside demo mode.
mod authorize;
mod config;
mod pages;
mod store;
mod token;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use josekit::jwk::{Jwk, JwkSet};

pub use config::{DemoIdentity, MockClient, MockClientAuth, MockConfig};
use store::TtlMap;

use crate::authn::itsme::jose::SigningKey;

/// Why the mock could not start.
#[derive(Debug, thiserror::Error)]
pub enum MockError {
    #[error("mock itsme configuration: {0}")]
    Config(String),
}

/// A registered client with its parsed keys.
#[derive(Debug)]
struct Client {
    cfg: MockClient,
    /// Keys for client assertions and request objects.
    signing_keys: JwkSet,
    /// RSA key id tokens and userinfo are encrypted to, if any.
    encryption_key: Option<Jwk>,
}

/// A login waiting for the tester's choice on the "phone" page.
#[derive(Debug, Clone)]
struct Interaction {
    client_id: String,
    redirect_uri: String,
    state: Option<String>,
    nonce: String,
    code_challenge: String,
    acr: String,
}

/// An issued authorization code.
#[derive(Debug, Clone)]
struct CodeGrant {
    client_id: String,
    redirect_uri: String,
    nonce: String,
    code_challenge: String,
    acr: String,
    identity: usize,
}

/// An issued access token (for userinfo).
#[derive(Debug, Clone)]
struct AccessGrant {
    client_id: String,
    identity: usize,
}

/// The running mock provider.
#[derive(Debug)]
pub struct MockProvider {
    cfg: MockConfig,
    key: SigningKey,
    clients: HashMap<String, Client>,
    identities: Vec<(DemoIdentity, time::Date)>,
    interactions: TtlMap<Interaction>,
    codes: TtlMap<CodeGrant>,
    tokens: TtlMap<AccessGrant>,
    used_jtis: TtlMap<()>,
}

impl MockProvider {
    /// Loads the configuration; generates an ES256 signing key when none is configured.
    pub fn new(cfg: MockConfig) -> Result<Arc<Self>, MockError> {
        let err = |m: &str| MockError::Config(m.to_owned());
        url::Url::parse(&cfg.issuer).map_err(|_| err("issuer is not a URL"))?;
        let key = match &cfg.signing_key_pem {
            Some(pem) => SigningKey::from_pem(pem).map_err(|e| err(e.0))?,
            None => SigningKey::generate_es256().map_err(|e| err(e.0))?.0,
        };
        let mut clients = HashMap::new();
        for c in &cfg.clients {
            let (signing_keys, encryption_key) = c.split_keys().map_err(|m| err(&m))?;
            clients.insert(c.client_id.clone(), Client { cfg: c.clone(), signing_keys, encryption_key });
        }
        let identities = cfg
            .identities
            .iter()
            .map(|i| i.checked().map(|d| (i.clone(), d)).map_err(|m| err(&m)))
            .collect::<Result<Vec<_>, _>>()?;
        let max = cfg.max_entries;
        Ok(Arc::new(Self {
            cfg,
            key,
            clients,
            identities,
            interactions: TtlMap::new(max),
            codes: TtlMap::new(max),
            tokens: TtlMap::new(max),
            used_jtis: TtlMap::new(max),
        }))
    }

    /// The issuer identifier.
    pub fn issuer(&self) -> &str {
        &self.cfg.issuer
    }

    /// The public signing key (also published at `/jwks`).
    pub fn public_jwk(&self) -> &Jwk {
        self.key.public_jwk()
    }

    fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.cfg.issuer.trim_end_matches('/'))
    }
}

/// The mock's routes, to be served on their own port (issuer = that origin).
pub fn router(provider: Arc<MockProvider>) -> Router {
    Router::new()
        .route("/.well-known/openid-configuration", get(token::discovery))
        .route("/jwks", get(token::jwks))
        .route("/authorize", get(authorize::show))
        .route("/authorize/decision", post(authorize::decide))
        .route("/token", post(token::token))
        .route("/userinfo", get(token::userinfo).post(token::userinfo))
        .with_state(provider)
}
