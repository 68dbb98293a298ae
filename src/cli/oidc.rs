//! `poort keys rotate` and `poort client …`: the OpenID Provider's signing keys and clients.

use clap::Subcommand;

use super::Command;
use crate::config::Settings;

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Make a fresh signing key active for every algorithm; old keys keep verifying
    /// until `oidc.key_overlap_secs` has passed.
    Rotate,
}

#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Register a client; prints its secret once.
    Add {
        id: String,
        #[arg(long)]
        name: Option<String>,
        /// Exact redirect URI (repeat for more).
        #[arg(long = "redirect-uri", required = true)]
        redirect_uris: Vec<String>,
        /// A public client (no secret, PKCE only).
        #[arg(long)]
        public: bool,
        /// client_secret_basic (default), client_secret_post, private_key_jwt or none.
        #[arg(long, value_parser = crate::protocol::oidc::admin::parse_auth_method)]
        auth_method: Option<crate::protocol::oidc::client::AuthMethod>,
        /// Allowed scope (repeat for more; default openid, profile).
        #[arg(long = "scope")]
        scopes: Vec<String>,
        /// Allowed grant (repeat; default authorization_code).
        #[arg(long = "grant", value_parser = crate::protocol::oidc::admin::parse_grant)]
        grants: Vec<crate::protocol::oidc::client::GrantType>,
        /// Skip the consent page for this client.
        #[arg(long)]
        first_party: bool,
        /// A BTB domain the client serves (repeat; it receives only the roles that concern
        /// its domains and applications).
        #[arg(long = "domain")]
        domains: Vec<String>,
        /// A secured application the client is (repeat).
        #[arg(long = "application")]
        applications: Vec<String>,
        /// Let this confidential client leave PKCE out when it sends a nonce (RFC 9700
        /// §2.1.1); refused for public clients.
        #[arg(long)]
        no_pkce: bool,
    },
    /// List clients: id, source, authentication, grants, redirect URIs.
    List,
    /// Give a client a new secret (printed once); the old one stops working.
    RotateSecret { id: String },
    /// Remove a client.
    Remove { id: String },
}

pub async fn run(settings: &Settings, command: Command) -> anyhow::Result<()> {
    use crate::protocol::oidc::admin;
    let store = super::connect(settings).await?;
    store.migrate().await?;
    match command {
        Command::Keys(KeysCommand::Rotate) => {
            for line in
                admin::rotate_keys(&settings.oidc, &crate::app::key_deriver(settings)?, &store).await?
            {
                super::println_out(&format!("new active key {line}"));
            }
        }
        Command::Client(ClientCommand::Add {
            id,
            name,
            redirect_uris,
            public,
            auth_method,
            scopes,
            grants,
            first_party,
            domains,
            applications,
            no_pkce,
        }) => {
            if let Some(d) = domains.iter().find(|d| !settings.btb.domains.iter().any(|k| &k.code == *d)) {
                anyhow::bail!("--domain {d}: not a configured domain (see [btb] domains)");
            }
            if let Some(a) = applications.iter().find(|a| !crate::protocol::oidc::registration::is_code(a)) {
                anyhow::bail!("--application {a}: not an application code (1-40 of a-z, 0-9 and _)");
            }
            let new = admin::NewClient {
                name: name.unwrap_or_else(|| id.clone()),
                id: id.clone(),
                redirect_uris,
                is_public: public,
                auth_method,
                scopes,
                grants,
                is_first_party: first_party,
                domains,
                applications,
                is_pkce_required: !no_pkce,
            };
            match admin::add_client(&settings.oidc, &crate::app::key_deriver(settings)?, &store, new).await? {
                Some(secret) => super::println_out(&format!(
                    "client {id} added\nclient_secret: {secret}\n(shown once; only a hash is stored)"
                )),
                None => super::println_out(&format!("client {id} added (no secret)")),
            }
        }
        Command::Client(ClientCommand::List) => {
            for line in admin::list_clients(&store).await? {
                super::println_out(&line);
            }
        }
        Command::Client(ClientCommand::RotateSecret { id }) => {
            let secret =
                admin::rotate_secret(&settings.oidc, &crate::app::key_deriver(settings)?, &store, &id)
                    .await?;
            super::println_out(&format!(
                "client_secret: {secret}\n(shown once; the old secret no longer works)"
            ));
        }
        Command::Client(ClientCommand::Remove { id }) => {
            admin::remove_client(&store, &id).await?;
            super::println_out(&format!("client {id} removed"));
        }
        _ => {}
    }
    store.close().await;
    Ok(())
}
