//! Starting the eID TLS listener with the application (and, in demo mode, its DEMO PKI).

use std::net::SocketAddr;

use anyhow::Context as _;

use super::cards;
use super::listener::EidListener;
use super::settings::EidSettings;

/// Where the eID listener is reachable (the bound address, port 0 resolved).
#[derive(Debug, Clone)]
pub struct EidEndpoint {
    /// `https://host:port`, without trailing slash.
    pub public_url: String,
    pub address: SocketAddr,
}

/// Binds the eID TLS listener; in demo mode creates the DEMO PKI under
/// `eid.demo_pki_dir` first when it is missing. The DEMO PKI and the card reading run off
/// the async runtime (key generation and file I/O block).
pub async fn bind(eid: &EidSettings, is_demo: bool) -> anyhow::Result<(EidListener, EidEndpoint)> {
    let demo = match &eid.demo_pki_dir {
        Some(dir) if is_demo => {
            let dir = dir.clone();
            let pki = tokio::task::spawn_blocking(move || {
                cards::init_ca(&dir).with_context(|| format!("eid.demo_pki_dir: {}", dir.display()))
            })
            .await??;
            tracing::warn!(
                eid.demo_pki_dir = %pki.dir.display(),
                "DEMO eID PKI in use: cards from `poort eid issue-card` are trusted. Never in production."
            );
            Some(pki)
        }
        Some(_) => anyhow::bail!("configuration key `eid.demo_pki_dir`: refused outside demo mode"),
        None => None,
    };
    let config = eid.listener_config(demo.as_ref());
    let listener = EidListener::bind(&config).await.context("starting the eID TLS listener ([eid])")?;
    let address = listener.local_addr();
    let public_url = if eid.public_url.is_empty() {
        format!("https://{address}")
    } else {
        eid.public_url.trim_end_matches('/').to_string()
    };
    tracing::info!(eid.address = %address, eid.public_url = %public_url, "eID TLS listener is listening");
    Ok((listener, EidEndpoint { public_url, address }))
}
