//! The command line: `poort serve | migrate | check-config | registry …`.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use crate::config::Settings;
use crate::startup::{Application, shutdown_signal};
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
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Load and validate the configuration, print a summary, and exit.
    CheckConfig,
    /// Authentic sources: import data into the registry tables.
    #[command(subcommand)]
    Registry(RegistryCommand),
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
        if let Some(Command::Serve { listen: Some(addr) }) = &self.command {
            settings.server.listen = *addr;
        }
        settings.validate()?;
        Ok(settings)
    }
}

/// Runs the parsed command.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = cli.settings()?;
    crate::telemetry::init(&settings.log);
    match cli.command.unwrap_or(Command::Serve { listen: None }) {
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
                "configuration is valid\n  listen: {}\n  public url: {}\n  database: {}\n  demo mode: {}",
                settings.server.listen,
                settings.public_url(settings.server.listen),
                redact_url(&settings.database.url),
                settings.demo.is_enabled
            ));
            Ok(())
        }
        Command::Registry(RegistryCommand::ImportKbo { dir }) => {
            let store = connect(&settings).await?;
            store.migrate().await?;
            let summary = crate::registry::import::import_kbo_into(&store, &dir).await?;
            println_out(&format!(
                "imported {} enterprises from {} ({} rows skipped)",
                summary.enterprises,
                dir.display(),
                summary.skipped
            ));
            Ok(())
        }
        Command::Registry(RegistryCommand::Import { dir }) => {
            let store = connect(&settings).await?;
            store.migrate().await?;
            let summary = crate::registry::import::load_files_into(&store, &dir).await?;
            println_out(&format!(
                "imported {} persons and {} enterprises from {}",
                summary.persons,
                summary.enterprises,
                dir.display()
            ));
            Ok(())
        }
    }
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
        assert!(matches!(cli.command, Some(Command::Serve { listen: Some(_) })));
        assert_eq!(cli.database_url.as_deref(), Some("sqlite::memory:"));
    }

    #[test]
    fn an_invalid_listen_address_is_refused_by_the_parser() {
        assert!(Cli::try_parse_from(["poort", "serve", "--listen", "nowhere"]).is_err());
    }
}
