//! The command line: `poort serve | migrate | check-config | registry …`.

mod eid;
mod oidc;
mod saml;

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
pub use oidc::{ClientCommand, KeysCommand};

use crate::app::{Application, shutdown_signal};
use crate::config::{Settings, SidePorts};
use crate::store::Store;

#[derive(Debug, Parser)]
#[command(name = "poort", version, about = "Poort — federated identity broker for Belgian e-government")]
pub struct Cli {
    /// Configuration file (default: config/poort.toml when it exists).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Database URL, overriding the configuration (sqlite:… or postgres://…).
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the broker (the default command).
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080 (overrides server.listen).
        #[arg(long, value_name = "ADDR")]
        listen: Option<SocketAddr>,
        /// `auto`: every side listener (eID TLS, mock itsme, mock eIDAS node) on a free
        /// port, to run next to another Poort (overrides server.side_ports).
        #[arg(long, value_name = "configured|auto", value_parser = parse_side_ports)]
        side_ports: Option<SidePorts>,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Load and validate the configuration, print a summary, and exit.
    CheckConfig,
    /// Authentic sources: import data into the registry tables.
    #[command(subcommand)]
    Registry(RegistryCommand),
    /// OpenID Provider signing keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// OpenID Connect relying parties (clients) stored in the database.
    #[command(subcommand)]
    Client(ClientCommand),
    /// eID card login: the DEMO PKI and demo cards (demo mode only).
    #[command(subcommand)]
    Eid(EidCommand),
    /// The contact centre's back office (BTB exception procedure).
    #[command(subcommand)]
    Backoffice(crate::access::admin::BackofficeCommand),
    /// The access layer's audit trail.
    #[command(subcommand)]
    Audit(crate::access::admin::AuditCommand),
    /// The SAML identity provider: its metadata and service providers.
    #[command(subcommand)]
    Saml(saml::SamlCommand),
}

/// The DEMO eID PKI: never used outside demo mode.
#[derive(Debug, Subcommand)]
pub enum EidCommand {
    /// Create (or keep, if present) the DEMO Belgium Root CA, Citizen CA, CRL and the eID
    /// listener's TLS server certificate in DIR.
    InitCa {
        /// Default: `eid.demo_pki_dir`, else data/eid-demo.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Issue a DEMO eID card: card.pem, card.key, chain.pem and card.p12 (password: the
    /// demo PIN 1234) in OUT, usable by curl or a browser.
    IssueCard {
        /// National register number of the holder (any usual spelling).
        #[arg(long, value_name = "N")]
        nrn: String,
        #[arg(long, value_name = "G")]
        given: String,
        #[arg(long, value_name = "S")]
        surname: String,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// An ECDSA P-384 key (recent cards) instead of RSA-2048.
        #[arg(long)]
        ec: bool,
        /// Revoke the card right away (listed in the citizen CA's CRL).
        #[arg(long)]
        revoked: bool,
        /// The demo PKI directory (default: `eid.demo_pki_dir`, else data/eid-demo).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum RegistryCommand {
    /// Import enterprises from the official KBO open-data CSV files
    /// (enterprise.csv, denomination.csv, address.csv) in DIR.
    ImportKbo { dir: PathBuf },
    /// Import a directory in the Poort registry file format (docs/REGISTRY.md).
    Import { dir: PathBuf },
}

impl Cli {
    /// Loads the settings with the command-line overrides applied.
    pub fn settings(&self) -> anyhow::Result<Settings> {
        let mut settings = Settings::load(self.config.as_deref())?;
        if let Some(url) = &self.database_url {
            settings.database.url = url.clone();
        }
        if let Some(Command::Serve { listen, side_ports }) = &self.command {
            if let Some(addr) = listen {
                settings.server.listen = *addr;
            }
            if let Some(side_ports) = side_ports {
                settings.server.side_ports = *side_ports;
            }
        }
        settings.validate()?;
        Ok(settings)
    }
}

/// Runs the parsed command.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = cli.settings()?;
    crate::telemetry::init(&settings.log);
    crate::app::install_crypto_provider();
    match cli.command.unwrap_or(Command::Serve { listen: None, side_ports: None }) {
        Command::Serve { .. } => {
            let app = Application::build(settings).await?;
            app.run_until(shutdown_signal()).await
        }
        Command::Migrate => {
            let store = connect(&settings).await?;
            store.migrate().await.context("applying migrations")?;
            println_out("migrations applied");
            Ok(())
        }
        Command::CheckConfig => {
            println_out(&format!(
                "configuration is valid\n  listen: {}\n  public url: {}\n  database: {}\n  demo mode: {}\n  oidc clients in the file: {}",
                settings.server.listen,
                settings.public_url(settings.server.listen),
                redact_url(&settings.database.url),
                settings.demo.is_enabled,
                settings.oidc.clients.len()
            ));
            let ignored = crate::config::environment::ignored_variables();
            if !ignored.is_empty() {
                println_out(&format!(
                    "  ignored environment variables (not POORT_<SECTION>__<KEY>): {}",
                    ignored.join(", ")
                ));
            }
            Ok(())
        }
        Command::Eid(command) => eid::run(&settings, command),
        Command::Saml(command) => saml::run(&settings, command).await,
        Command::Backoffice(command) => {
            let store = connect(&settings).await?;
            store.migrate().await?;
            println_out(&crate::access::admin::run_backoffice(&store, command).await?);
            Ok(())
        }
        Command::Audit(crate::access::admin::AuditCommand::Verify) => {
            let store = connect(&settings).await?;
            store.migrate().await?;
            println_out(&crate::access::admin::verify_audit(&store).await?.map_err(anyhow::Error::msg)?);
            Ok(())
        }
        Command::Registry(RegistryCommand::ImportKbo { dir }) => {
            let store = connect(&settings).await?;
            store.migrate().await?;
            let summary = crate::store::registry_import::import_kbo_into(&store, &dir).await?;
            println_out(&format!(
                "imported {} enterprises from {} ({} rows skipped)",
                summary.enterprises,
                dir.display(),
                summary.skipped
            ));
            review_roles(&settings, &store).await
        }
        command @ (Command::Keys(_) | Command::Client(_)) => oidc::run(&settings, command).await,
        Command::Registry(RegistryCommand::Import { dir }) => {
            let store = connect(&settings).await?;
            store.migrate().await?;
            let summary = crate::store::registry_import::load_files_into(&store, &dir).await?;
            println_out(&format!(
                "imported {} persons and {} enterprises from {}",
                summary.persons,
                summary.enterprises,
                dir.display()
            ));
            review_roles(&settings, &store).await
        }
    }
}

fn parse_side_ports(value: &str) -> Result<SidePorts, String> {
    match value {
        "configured" => Ok(SidePorts::Configured),
        "auto" => Ok(SidePorts::Auto),
        _ => Err("expected `configured` or `auto`".into()),
    }
}

/// The BTB lifecycle after a register import: roles whose basis ended are suspended.
async fn review_roles(s: &Settings, store: &Store) -> anyhow::Result<()> {
    let url = s.public_url(s.server.listen);
    let r =
        crate::access::admin::review_after_import(store, &s.btb, &s.mail, s.demo.is_enabled, &url).await?;
    println_out(&format!("BTB roles reviewed: {}, suspended: {}", r.reviewed, r.suspended));
    Ok(())
}

async fn connect(settings: &Settings) -> anyhow::Result<Store> {
    Store::connect(&settings.database.url, settings.database.max_connections)
        .await
        .with_context(|| format!("connecting to {}", redact_url(&settings.database.url)))
}

/// Hides a password in a database URL before it is printed or logged.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

#[allow(clippy::print_stdout)]
fn println_out(text: &str) {
    println!("{text}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_password_is_never_printed() {
        assert_eq!(redact_url("postgres://poort:s3cret@db:5432/poort"), "postgres://poort:***@db:5432/poort");
        assert_eq!(redact_url("sqlite://data/poort.db"), "sqlite://data/poort.db");
    }

    #[test]
    fn serve_takes_listen_and_database_url() {
        let cli = Cli::try_parse_from([
            "poort",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            "sqlite::memory:",
        ])
        .expect("parses");
        assert!(matches!(cli.command, Some(Command::Serve { listen: Some(_), side_ports: None })));
        assert_eq!(cli.database_url.as_deref(), Some("sqlite::memory:"));
    }

    #[test]
    fn side_ports_auto_is_a_serve_flag_and_nothing_else_is_accepted() {
        let cli = Cli::try_parse_from(["poort", "serve", "--side-ports", "auto"]).expect("parses");
        assert!(matches!(cli.command, Some(Command::Serve { side_ports: Some(SidePorts::Auto), .. })));
        assert!(Cli::try_parse_from(["poort", "serve", "--side-ports", "random"]).is_err());
    }

    #[test]
    fn an_invalid_listen_address_is_refused_by_the_parser() {
        assert!(Cli::try_parse_from(["poort", "serve", "--listen", "nowhere"]).is_err());
    }
}
