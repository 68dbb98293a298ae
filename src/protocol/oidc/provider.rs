//! The running OpenID Provider: issuer, the key set cached from the database, the peppers,
//! the HTTP client for back-channel calls, and its background work.

use std::sync::{Arc, RwLock};

use anyhow::Context as _;
use base64::Engine as _;

use crate::kernel::keys::KeyDeriver;
use crate::kernel::outbound::Outbound;
use crate::protocol::oidc::client::{AuthMethod, Client, ClientKind, GrantType, hash_secret};
use crate::protocol::oidc::keys::KeySet;
use crate::protocol::oidc::keystore::{self, KeyCipher, KeyStoreError};
use crate::protocol::oidc::settings::OidcSettings;
use crate::store::oidc_clients::ClientSource;
use crate::store::{Store, unix_now};

/// The id of the demo relying party Poort serves itself at `/demo-rp` (demo mode only).
pub const DEMO_RP_CLIENT_ID: &str = "poort-demo-rp";

pub struct Provider {
    issuer: String,
    settings: OidcSettings,
    keys: RwLock<Arc<KeySet>>,
    cipher: KeyCipher,
    secret_pepper: Vec<u8>,
    pairwise_pepper: [u8; 32],
    demo_rp_secret: Option<String>,
    outbound: Outbound,
    jwks: super::client_keys::JwksCache,
    request_objects: super::request_uri::RequestUriCache,
    /// When the key set was last reloaded because a token named an unknown `kid`.
    last_kid_reload: std::sync::Mutex<i64>,
    /// Clients read recently: the token endpoint authenticates a client on every
    /// request, so it is read from memory, at most `CLIENT_CACHE_TTL` old. Changes made
    /// on another node or by the CLI are seen within that time.
    client_cache: std::sync::Mutex<
        std::collections::HashMap<String, (std::time::Instant, std::sync::Arc<super::client::Client>)>,
    >,
}

/// How long a client read from the database is used before it is read again.
pub const CLIENT_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(5);

impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider").field("issuer", &self.issuer).finish_non_exhaustive()
    }
}

impl Provider {
    /// The client `id`, from memory when read less than [`CLIENT_CACHE_TTL`] ago, else
    /// from the database. Unknown ids are not remembered, so a new registration is seen
    /// at once.
    pub async fn client(
        &self,
        store: &crate::store::Store,
        id: &str,
    ) -> crate::store::StoreResult<Option<std::sync::Arc<super::client::Client>>> {
        let now = std::time::Instant::now();
        if let Ok(cache) = self.client_cache.lock()
            && let Some((at, client)) = cache.get(id)
            && now.duration_since(*at) < CLIENT_CACHE_TTL
        {
            return Ok(Some(client.clone()));
        }
        let client = store
            .find_oidc_client::<crate::protocol::oidc::client::Client>(id)
            .await?
            .map(std::sync::Arc::new);
        if let (Some(c), Ok(mut cache)) = (&client, self.client_cache.lock()) {
            if cache.len() > 10_000 {
                cache.retain(|_, (at, _)| now.duration_since(*at) < CLIENT_CACHE_TTL);
            }
            cache.insert(id.to_string(), (now, c.clone()));
        }
        Ok(client)
    }

    /// Makes sure keys exist and are fresh, loads them, and syncs the configured clients.
    pub async fn start(
        settings: &OidcSettings,
        store: &Store,
        keys: &KeyDeriver,
        public_url: &str,
        is_demo: bool,
        outbound: Outbound,
    ) -> anyhow::Result<Self> {
        let issuer = if settings.issuer.is_empty() {
            public_url.trim_end_matches('/').to_string()
        } else {
            settings.issuer.trim_end_matches('/').to_string()
        };
        let secret_pepper = if settings.client_secret_pepper.is_empty() {
            keys.derive("oidc-client-secret").to_vec()
        } else {
            base64::engine::general_purpose::STANDARD.decode(settings.client_secret_pepper.expose().trim())?
        };
        let cipher = KeyCipher::new(keys.derive("oidc-keys"));
        let now = unix_now();
        keystore::ensure_fresh(
            store,
            &cipher,
            &settings.signing_algs,
            settings.key_rotation_days,
            now,
            settings.key_overlap_secs,
        )
        .await
        .context("preparing the OpenID Provider signing keys")?;
        let set = keystore::load(store, &cipher, now, settings.key_overlap_secs).await?;
        let demo_rp_secret = is_demo
            .then(|| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(keys.derive("oidc-demo-rp")));
        let provider = Self {
            issuer,
            settings: settings.clone(),
            keys: RwLock::new(Arc::new(set)),
            cipher,
            secret_pepper,
            pairwise_pepper: keys.derive("oidc-pairwise"),
            demo_rp_secret,
            outbound,
            jwks: Default::default(),
            request_objects: Default::default(),
            client_cache: std::sync::Mutex::new(std::collections::HashMap::new()),
            last_kid_reload: std::sync::Mutex::new(0),
        };
        provider.sync_configured_clients(store, public_url).await?;
        grant_registered_clients_their_claims(store).await?;
        Ok(provider)
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// `issuer` + `/path`.
    pub fn endpoint(&self, path: &str) -> String {
        format!("{}/{}", self.issuer, path.trim_start_matches('/'))
    }

    pub fn settings(&self) -> &OidcSettings {
        &self.settings
    }

    /// The current key set (cheap: an `Arc`).
    pub fn keys(&self) -> Arc<KeySet> {
        self.keys.read().map(|k| Arc::clone(&k)).unwrap_or_else(|poisoned| Arc::clone(&poisoned.into_inner()))
    }

    pub fn client_secret_pepper(&self) -> &[u8] {
        &self.secret_pepper
    }

    pub fn pairwise_pepper(&self) -> &[u8] {
        &self.pairwise_pepper
    }

    /// The guarded client of every request the provider makes (client keys, back-channel
    /// logout).
    pub fn outbound(&self) -> &Outbound {
        &self.outbound
    }

    /// The cached key sets of clients registered with a `jwks_uri`.
    pub fn jwks_cache(&self) -> &super::client_keys::JwksCache {
        &self.jwks
    }

    /// Request objects recently fetched from clients' `request_uri`s (OIDC Core §6.2).
    pub fn request_objects(&self) -> &super::request_uri::RequestUriCache {
        &self.request_objects
    }

    /// The demo relying party's secret (derived, never configured), demo mode only.
    pub fn demo_rp_secret(&self) -> Option<&str> {
        self.demo_rp_secret.as_deref()
    }

    /// Reloads the key set from the database (other nodes may have rotated).
    pub async fn reload_keys(&self, store: &Store) -> Result<(), KeyStoreError> {
        let set = keystore::load(store, &self.cipher, unix_now(), self.settings.key_overlap_secs).await?;
        if let Ok(mut guard) = self.keys.write() {
            *guard = Arc::new(set);
        }
        Ok(())
    }

    /// The key set, reloaded first when `token` names a key this node does not know yet
    /// (another node or `poort keys rotate` may have just rotated). At most one such
    /// reload every 10 seconds, so forged `kid`s cannot hammer the database.
    pub async fn keys_for(&self, store: &Store, token: &str) -> Arc<KeySet> {
        let keys = self.keys();
        let kid = crate::protocol::oidc::jwt::peek_header(token).ok().and_then(|h| h.kid);
        let Some(kid) = kid else { return keys };
        let is_known =
            keys.active.iter().any(|k| k.kid == kid) || keys.retired.iter().any(|r| r.key.kid == kid);
        if is_known {
            return keys;
        }
        let now = unix_now();
        let is_due = match self.last_kid_reload.lock() {
            Ok(mut last) if now - *last >= 10 => {
                *last = now;
                true
            }
            _ => false,
        };
        if is_due && let Err(e) = self.reload_keys(store).await {
            tracing::warn!(error = %e, "reloading signing keys for an unknown kid failed");
        }
        self.keys()
    }

    /// Rotates every configured algorithm now (`poort keys rotate`) and reloads.
    pub async fn rotate_keys(&self, store: &Store) -> Result<Vec<String>, KeyStoreError> {
        let mut kids = Vec::new();
        for alg in &self.settings.signing_algs {
            kids.push(
                keystore::rotate(store, &self.cipher, *alg, unix_now(), self.settings.key_overlap_secs)
                    .await?,
            );
        }
        self.reload_keys(store).await?;
        Ok(kids)
    }

    /// The age-based rotation check, then a reload.
    pub async fn refresh_keys(&self, store: &Store) -> Result<(), KeyStoreError> {
        keystore::ensure_fresh(
            store,
            &self.cipher,
            &self.settings.signing_algs,
            self.settings.key_rotation_days,
            unix_now(),
            self.settings.key_overlap_secs,
        )
        .await?;
        self.reload_keys(store).await
    }

    /// Writes `[[oidc.clients]]` (secrets hashed) and, in demo mode, the demo relying party
    /// into the database; removes config clients no longer configured.
    async fn sync_configured_clients(&self, store: &Store, public_url: &str) -> anyhow::Result<()> {
        let mut ids = Vec::new();
        for configured in &self.settings.clients {
            let mut client = configured.clone();
            if let Some(secret) = client.secret.take() {
                client.secret_hash = Some(hash_secret(&self.secret_pepper, &secret.0));
            }
            store.upsert_oidc_client(&client.id, &client, ClientSource::Config, None).await?;
            ids.push(client.id.clone());
        }
        if let Some(secret) = &self.demo_rp_secret {
            let client = demo_rp_client(public_url, hash_secret(&self.secret_pepper, secret));
            store.upsert_oidc_client(&client.id, &client, ClientSource::Config, None).await?;
            ids.push(client.id);
        }
        let removed = store.delete_oidc_config_clients_except(&ids).await?;
        tracing::info!(oidc.clients = ids.len(), oidc.clients_removed = removed, "configured clients synced");
        Ok(())
    }
}

/// Clients registered dynamically before registration gave them the claims of their scopes
/// (they received only `sub`, whatever the person consented to) get them now. Idempotent:
/// a client with any allowed claim is left alone.
async fn grant_registered_clients_their_claims(store: &Store) -> anyhow::Result<()> {
    let source = ClientSource::Registration.code();
    for (mut client, from) in store.find_oidc_clients::<Client>().await? {
        let claims = crate::protocol::oidc::registration::claims_of_scopes(&client.scopes);
        if from != source || !client.allowed_claims.is_empty() || claims.is_empty() {
            continue;
        }
        client.allowed_claims = claims;
        store.upsert_oidc_client(&client.id, &client, ClientSource::Registration, None).await?;
        tracing::info!(client.id = %client.id, "a registered client now receives the claims of its scopes");
    }
    Ok(())
}

/// The demo relying party at `{public_url}/demo-rp`: a first-party confidential client.
fn demo_rp_client(public_url: &str, secret_hash: String) -> Client {
    Client {
        id: DEMO_RP_CLIENT_ID.into(),
        name: "Poort demo relying party".into(),
        kind: ClientKind::Confidential,
        secret_hash: Some(secret_hash),
        secret: None,
        auth_method: AuthMethod::ClientSecretBasic,
        jwks: None,
        jwks_uri: None,
        redirect_uris: vec![format!("{public_url}/demo-rp/callback")],
        post_logout_redirect_uris: vec![format!("{public_url}/demo-rp")],
        backchannel_logout_uri: None,
        backchannel_logout_session_required: false,
        grant_types: vec![GrantType::AuthorizationCode, GrantType::RefreshToken],
        scopes: [
            "openid",
            "profile",
            "email",
            "egovnrn",
            "roles",
            "certificateInfo",
            "btb:manage",
            "access:manage",
        ]
        .map(String::from)
        .to_vec(),
        allowed_claims: [
            "given_name",
            "family_name",
            "name",
            "locale",
            "birthdate",
            "email",
            "egovNRN",
            "roles",
            "enterprise_number",
            "enterprise_name",
            "chosen_profile",
            "cert_subject",
            "cert_issuer",
            "cert_serial_number",
        ]
        .map(String::from)
        .to_vec(),
        subject_type: crate::protocol::oidc::client::SubjectType::Public,
        id_token_alg: crate::protocol::oidc::keys::Alg::ES256,
        access_token_format: crate::protocol::oidc::client::AccessTokenFormat::Jwt,
        claims_in_id_token: true,
        require_par: false,
        require_dpop: false,
        is_first_party: true,
        min_level: None,
        lifetimes: Default::default(),
        domains: Vec::new(),
        applications: Vec::new(),
        require_pkce: true,
        userinfo_alg: None,
        request_uris: Vec::new(),
        request_object_alg: None,
        sector_identifier_uri: None,
        display: Default::default(),
    }
}
