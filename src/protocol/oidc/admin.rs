//! Administration of the OpenID Provider from the command line: `poort keys rotate` and
//! `poort client add|list|rotate-secret|remove`. Secrets are printed once, stored hashed.

use anyhow::{Context as _, bail};
use base64::Engine as _;

use crate::kernel::keys::KeyDeriver;
use crate::protocol::oidc::client::{
    AccessTokenFormat, AuthMethod, Client, ClientKind, GrantType, Lifetimes, SubjectType, hash_secret,
};
use crate::protocol::oidc::code::new_handle;
use crate::protocol::oidc::keys::Alg;
use crate::protocol::oidc::keystore::{self, KeyCipher};
use crate::protocol::oidc::settings::OidcSettings;
use crate::store::oidc_clients::ClientSource;
use crate::store::{Store, unix_now};

/// The pepper of client secrets: configured, or derived from the secret key.
fn pepper(settings: &OidcSettings, keys: &KeyDeriver) -> anyhow::Result<Vec<u8>> {
    if settings.client_secret_pepper.is_empty() {
        Ok(keys.derive("oidc-client-secret").to_vec())
    } else {
        Ok(base64::engine::general_purpose::STANDARD.decode(settings.client_secret_pepper.expose().trim())?)
    }
}

/// `poort keys rotate`: a fresh active key per algorithm; the old ones verify until the
/// overlap ends. Running nodes pick the new keys up within a minute.
pub async fn rotate_keys(
    settings: &OidcSettings,
    keys: &KeyDeriver,
    store: &Store,
) -> anyhow::Result<Vec<String>> {
    let cipher = KeyCipher::new(keys.derive("oidc-keys"));
    let mut out = Vec::new();
    for alg in &settings.signing_algs {
        let kid = keystore::rotate(store, &cipher, *alg, unix_now(), settings.key_overlap_secs).await?;
        out.push(format!("{}: {kid}", alg.as_str()));
    }
    Ok(out)
}

/// What `poort client add` takes.
#[derive(Debug, Clone)]
pub struct NewClient {
    pub id: String,
    pub name: String,
    pub redirect_uris: Vec<String>,
    pub is_public: bool,
    pub auth_method: Option<AuthMethod>,
    pub scopes: Vec<String>,
    pub grants: Vec<GrantType>,
    pub is_first_party: bool,
    /// BTB domain codes the client serves (`--domain`).
    pub domains: Vec<String>,
    /// Secured application codes the client is (`--application`).
    pub applications: Vec<String>,
    /// `false` (`--no-pkce`): a confidential client may leave PKCE out when it sends a nonce.
    pub is_pkce_required: bool,
}

/// `poort client add`: returns the secret (shown once) for confidential clients.
pub async fn add_client(
    settings: &OidcSettings,
    keys: &KeyDeriver,
    store: &Store,
    new: NewClient,
) -> anyhow::Result<Option<String>> {
    if store.find_oidc_client::<crate::protocol::oidc::client::Client>(&new.id).await?.is_some() {
        bail!("a client with id {} exists already", new.id);
    }
    for uri in &new.redirect_uris {
        url::Url::parse(uri).with_context(|| format!("redirect URI {uri}"))?;
    }
    let auth_method = new.auth_method.unwrap_or(if new.is_public {
        AuthMethod::None
    } else {
        AuthMethod::ClientSecretBasic
    });
    let has_secret = matches!(auth_method, AuthMethod::ClientSecretBasic | AuthMethod::ClientSecretPost);
    if new.is_public && auth_method != AuthMethod::None {
        bail!("a public client authenticates with `none`");
    }
    if !new.is_pkce_required && auth_method == AuthMethod::None {
        bail!("--no-pkce: a public client always needs PKCE (RFC 9700 §2.1.1)");
    }
    let secret = has_secret.then(new_handle);
    let scopes = if new.scopes.is_empty() { vec!["openid".into(), "profile".into()] } else { new.scopes };
    let client = Client {
        id: new.id,
        name: new.name,
        kind: if new.is_public { ClientKind::Public } else { ClientKind::Confidential },
        secret_hash: secret.as_deref().map(|s| hash_secret(&pepper(settings, keys).unwrap_or_default(), s)),
        secret: None,
        auth_method,
        jwks: None,
        jwks_uri: None,
        redirect_uris: new.redirect_uris,
        post_logout_redirect_uris: Vec::new(),
        backchannel_logout_uri: None,
        backchannel_logout_session_required: false,
        grant_types: if new.grants.is_empty() { vec![GrantType::AuthorizationCode] } else { new.grants },
        scopes: scopes.clone(),
        allowed_claims: crate::protocol::oidc::registration::claims_of_scopes(&scopes),
        subject_type: SubjectType::Public,
        id_token_alg: Alg::ES256,
        access_token_format: AccessTokenFormat::Jwt,
        claims_in_id_token: false,
        require_par: false,
        require_dpop: false,
        is_first_party: new.is_first_party,
        min_level: None,
        lifetimes: Lifetimes::default(),
        domains: new.domains,
        applications: new.applications,
        require_pkce: new.is_pkce_required,
        userinfo_alg: None,
        request_uris: Vec::new(),
        request_object_alg: None,
        sector_identifier_uri: None,
        display: Default::default(),
    };
    store.upsert_oidc_client(&client.id, &client, ClientSource::Cli, None).await?;
    Ok(secret)
}

/// `poort client list`: one line per client.
pub async fn list_clients(store: &Store) -> anyhow::Result<Vec<String>> {
    Ok(store
        .find_oidc_clients::<crate::protocol::oidc::client::Client>()
        .await?
        .into_iter()
        .map(|(c, source)| {
            format!(
                "{}\t{}\t{}\t{}\t{}",
                c.id,
                source,
                c.auth_method.as_str(),
                c.grant_types.iter().map(|g| g.as_str()).collect::<Vec<_>>().join(","),
                c.redirect_uris.join(" ")
            )
        })
        .collect())
}

/// `poort client rotate-secret`: a new secret (printed once); the old one stops working.
pub async fn rotate_secret(
    settings: &OidcSettings,
    keys: &KeyDeriver,
    store: &Store,
    id: &str,
) -> anyhow::Result<String> {
    let rows = store.find_oidc_clients::<crate::protocol::oidc::client::Client>().await?;
    let Some((mut client, source)) = rows.into_iter().find(|(c, _)| c.id == id) else {
        bail!("no client with id {id}");
    };
    if source == ClientSource::Config.code() {
        bail!("client {id} is declared in the configuration file: change its secret there");
    }
    if !matches!(client.auth_method, AuthMethod::ClientSecretBasic | AuthMethod::ClientSecretPost) {
        bail!("client {id} does not authenticate with a secret");
    }
    let secret = new_handle();
    client.secret_hash = Some(hash_secret(&pepper(settings, keys)?, &secret));
    let source = if source == "registration" { ClientSource::Registration } else { ClientSource::Cli };
    store.upsert_oidc_client(&client.id, &client, source, None).await?;
    Ok(secret)
}

/// `poort client remove`.
pub async fn remove_client(store: &Store, id: &str) -> anyhow::Result<()> {
    if !store.delete_oidc_client(id).await? {
        bail!("no client with id {id}");
    }
    Ok(())
}

/// Parses a grant name of the command line.
pub fn parse_grant(s: &str) -> Result<GrantType, String> {
    match s {
        "authorization_code" => Ok(GrantType::AuthorizationCode),
        "refresh_token" => Ok(GrantType::RefreshToken),
        "client_credentials" => Ok(GrantType::ClientCredentials),
        other => Err(format!("unknown grant type {other}")),
    }
}

/// Parses an authentication method of the command line.
pub fn parse_auth_method(s: &str) -> Result<AuthMethod, String> {
    match s {
        "client_secret_basic" => Ok(AuthMethod::ClientSecretBasic),
        "client_secret_post" => Ok(AuthMethod::ClientSecretPost),
        "private_key_jwt" => Ok(AuthMethod::PrivateKeyJwt),
        "none" => Ok(AuthMethod::None),
        other => Err(format!("unknown authentication method {other}")),
    }
}
