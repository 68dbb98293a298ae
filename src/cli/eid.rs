//! `poort eid init-ca | issue-card`: the DEMO eID PKI and its cards (demo mode only).

use std::path::PathBuf;

use anyhow::Context as _;

use super::{EidCommand, println_out};
use crate::config::Settings;

/// The DEMO eID PKI commands; refused unless demo mode is on.
pub(super) fn run(settings: &Settings, command: EidCommand) -> anyhow::Result<()> {
    use crate::authn::eid::cards;
    anyhow::ensure!(
        settings.demo.is_enabled,
        "`poort eid` manages the DEMO eID PKI and is refused outside demo mode (demo.is_enabled = false)"
    );
    let default_dir = || settings.eid.demo_pki_dir.clone().unwrap_or_else(|| PathBuf::from("data/eid-demo"));
    match command {
        EidCommand::InitCa { dir } => {
            let dir = dir.unwrap_or_else(default_dir);
            let pki = cards::init_ca(&dir)
                .with_context(|| format!("creating the demo PKI in {}", dir.display()))?;
            println_out(&format!(
                "DEMO eID PKI ready in {}\n  trust anchor: {}\n  citizen CA:   {}\n  CRL:          {}\n  TLS server:   {} (clients trust {})",
                pki.dir.display(),
                pki.root_cert_pem.display(),
                pki.citizen_cert_pem.display(),
                pki.crl_pem.display(),
                pki.server_cert_pem.display(),
                pki.tls_ca_cert_pem.display()
            ));
            Ok(())
        }
        EidCommand::IssueCard { nrn, given, surname, out, ec, revoked, dir } => {
            let number = crate::domain::NationalNumber::parse(&nrn)
                .map_err(|e| anyhow::anyhow!("--nrn: not a valid national number ({})", e.code()))?;
            let dir = dir.unwrap_or_else(default_dir);
            let pki =
                cards::init_ca(&dir).with_context(|| format!("opening the demo PKI in {}", dir.display()))?;
            let request = cards::CardRequest {
                national_number: number.as_str().to_string(),
                given_names: given,
                surname,
                key: if ec { cards::KeyType::EcP384 } else { cards::KeyType::Rsa2048 },
                is_revoked: revoked,
                not_after: None,
                profile: cards::CardProfile::Authentication,
            };
            let files = cards::issue_card(&pki, &request, &out)?;
            println_out(&format!(
                "DEMO eID card for {} issued in {}{}\n  {} (PKCS#12, password = demo PIN {})\n  {} + {} (certificate and key, PEM)",
                number.masked(),
                files.dir.display(),
                if revoked { " (revoked)" } else { "" },
                files.p12.display(),
                cards::DEMO_PIN,
                files.cert_pem.display(),
                files.key_pem.display()
            ));
            Ok(())
        }
    }
}
