//! `poort saml …`: the SAML identity provider's metadata and its service providers.

use clap::Subcommand;

use crate::config::Settings;
use crate::protocol::saml::sp::{NameIdFormat, SpSettings};

#[derive(Debug, Subcommand)]
pub enum SamlCommand {
    /// Print the identity provider's metadata.
    Metadata {
        /// Sign it (with validUntil and cacheDuration).
        #[arg(long)]
        signed: bool,
    },
    /// The registered service providers.
    #[command(subcommand)]
    Sp(SpCommand),
}

#[derive(Debug, Subcommand)]
pub enum SpCommand {
    /// Register a service provider from its metadata (replaces an earlier registration).
    Add {
        /// A metadata file, or an https URL fetched now (size and time limited).
        #[arg(long, value_name = "FILE_OR_URL")]
        metadata: String,
        /// An attribute to release (repeat; default: every attribute but egovNRN).
        #[arg(long = "attribute")]
        attributes: Vec<String>,
        /// transient (default), persistent (pairwise, stable) or email.
        #[arg(long, value_parser = NameIdFormat::parse)]
        name_id_format: Option<NameIdFormat>,
        /// Do not sign the Response (the Assertion is then always signed).
        #[arg(long)]
        no_sign_response: bool,
        /// Sign the Assertion too (always when the metadata asks for it).
        #[arg(long)]
        sign_assertion: bool,
        /// Encrypt the assertion to the certificate of its metadata (AES-GCM, RSA-OAEP).
        #[arg(long)]
        encrypt_assertion: bool,
        /// The lowest FAS level accepted (200, 300, 400, 450, 500).
        #[arg(long)]
        level: Option<u16>,
        /// A BTB domain the application serves (repeat).
        #[arg(long = "domain")]
        domains: Vec<String>,
        /// A secured application code it is (repeat).
        #[arg(long = "application")]
        applications: Vec<String>,
        /// Refuse its unsigned AuthnRequests even if its metadata does not promise signing.
        #[arg(long)]
        require_signed_requests: bool,
        /// Allow unsolicited responses (GET /saml/idp-initiated?sp=ENTITY_ID).
        #[arg(long)]
        allow_idp_initiated: bool,
        /// Show the profile chooser at every login.
        #[arg(long)]
        always_choose_profile: bool,
    },
    /// List the service providers.
    List,
    /// Remove a service provider.
    Remove { entity_id: String },
}

pub async fn run(settings: &Settings, command: SamlCommand) -> anyhow::Result<()> {
    let store = super::connect(settings).await?;
    store.migrate().await?;
    let out = match command {
        SamlCommand::Metadata { signed } => {
            let keys = crate::app::key_deriver(settings)?;
            let url = settings.public_url(settings.server.listen);
            let saml =
                crate::protocol::saml::SamlSettings { is_demo_sp_enabled: false, ..settings.saml.clone() };
            let Some(idp) =
                crate::protocol::saml::Idp::start(&saml, &url, settings.demo.is_enabled, &keys, &store)
                    .await?
            else {
                anyhow::bail!("[saml] is_enabled: the SAML identity provider is off");
            };
            crate::protocol::saml::metadata::idp_metadata(&idp, signed, time::OffsetDateTime::now_utc())
                .map_err(anyhow::Error::msg)?
        }
        SamlCommand::Sp(SpCommand::Add {
            metadata,
            attributes,
            name_id_format,
            no_sign_response,
            sign_assertion,
            encrypt_assertion,
            level,
            domains,
            applications,
            require_signed_requests,
            allow_idp_initiated,
            always_choose_profile,
        }) => {
            if let Some(d) = domains.iter().find(|d| !settings.btb.domains.iter().any(|k| &k.code == *d)) {
                anyhow::bail!("--domain {d}: not a configured domain (see [btb] domains)");
            }
            if let Some(l) = level.filter(|l| crate::domain::AuthLevel::new(*l).is_err()) {
                anyhow::bail!("--level {l}: not a FAS level (200, 300, 400, 450 or 500)");
            }
            let sp_settings = SpSettings {
                attributes,
                name_id_format: name_id_format.unwrap_or(NameIdFormat::Transient),
                sign_response: !no_sign_response,
                sign_assertion: sign_assertion || no_sign_response,
                encrypt_assertion,
                required_level: level,
                domains,
                applications,
                allows_idp_initiated: allow_idp_initiated,
                requires_signed_requests: require_signed_requests,
                always_choose_profile,
            };
            let outbound = crate::kernel::outbound::Outbound::new(
                settings.outbound.policy(settings.demo.is_enabled),
                None,
                "Poort SAML metadata",
            )?;
            let sp = crate::protocol::saml::admin::add_sp(
                &store,
                &outbound,
                &metadata,
                settings.saml.metadata_max_bytes,
                sp_settings,
            )
            .await?;
            format!("service provider {} added ({} assertion consumer services)", sp.entity_id, sp.acs.len())
        }
        SamlCommand::Sp(SpCommand::List) => crate::protocol::saml::admin::list_sps(&store).await?.join("\n"),
        SamlCommand::Sp(SpCommand::Remove { entity_id }) => {
            crate::protocol::saml::admin::remove_sp(&store, &entity_id).await?;
            format!("service provider {entity_id} removed")
        }
    };
    store.close().await;
    super::println_out(&out);
    Ok(())
}
