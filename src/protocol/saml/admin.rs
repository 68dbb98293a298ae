//! Administration of the SAML identity provider from the command line: `poort saml
//! metadata [--signed]` and `poort saml sp add --metadata FILE_OR_URL | list | remove`.
//! A metadata URL is fetched only by this operator command, through the guarded outbound
//! client (size and time limits, no private addresses outside demo mode).

use anyhow::{Context as _, bail};

use super::response::is_attribute;
use super::sp::{ServiceProvider, SpSettings, from_metadata};
use crate::kernel::outbound::Outbound;
use crate::store::Store;

/// Reads a service provider's metadata from a file or an https URL and registers it
/// (replacing an earlier registration of the same entity ID).
pub async fn add_sp(
    store: &Store,
    outbound: &Outbound,
    source: &str,
    max_bytes: usize,
    settings: SpSettings,
) -> anyhow::Result<ServiceProvider> {
    if let Some(a) = settings.attributes.iter().find(|a| !is_attribute(a)) {
        bail!("--attribute {a}: not an attribute Poort releases (see docs/RELYING_PARTIES.md)");
    }
    let xml = if source.starts_with("https://") || source.starts_with("http://") {
        let fetched = outbound
            .get_limited(source, max_bytes)
            .await
            .map_err(|e| anyhow::anyhow!("--metadata {source}: not fetched: {e}"))?;
        if !fetched.status.is_success() {
            bail!("--metadata {source}: the server answered {}", fetched.status);
        }
        String::from_utf8(fetched.body).context("--metadata: not UTF-8")?
    } else {
        let len = std::fs::metadata(source).with_context(|| format!("--metadata {source}"))?.len();
        if usize::try_from(len).unwrap_or(usize::MAX) > max_bytes {
            bail!("--metadata {source}: larger than saml.metadata_max_bytes ({max_bytes} bytes)");
        }
        std::fs::read_to_string(source).with_context(|| format!("--metadata {source}"))?
    };
    let sp = from_metadata(&xml, settings).map_err(|e| anyhow::anyhow!("--metadata {source}: {e}"))?;
    if let Err(e) = sp.encryption() {
        bail!("--encrypt-assertion: {e}");
    }
    store.upsert_saml_sp(&sp.entity_id, &sp).await?;
    Ok(sp)
}

/// One line per service provider.
pub async fn list_sps(store: &Store) -> anyhow::Result<Vec<String>> {
    let sps: Vec<ServiceProvider> = store.find_saml_sps().await?;
    Ok(sps
        .iter()
        .map(|sp| {
            let s = &sp.settings;
            format!(
                "{}  name={:?} nameid={:?} signed_requests={} sign={}{} encrypt={} level={} acs={}",
                sp.entity_id,
                sp.name,
                s.name_id_format,
                if sp.must_sign_requests() { "required" } else { "optional" },
                if s.sign_response { "response" } else { "" },
                if s.sign_assertion || sp.wants_assertions_signed { "+assertion" } else { "" },
                match sp.encryption() {
                    Ok(Some(e)) => e.algorithms.data.rsplit('#').next().unwrap_or_default().to_string(),
                    Ok(None) => "no".to_string(),
                    Err(_) => "impossible".to_string(),
                },
                s.required_level.map_or("-".to_string(), |l| l.to_string()),
                sp.acs.iter().map(|e| e.location.as_str()).collect::<Vec<_>>().join(",")
            )
        })
        .collect())
}

pub async fn remove_sp(store: &Store, entity_id: &str) -> anyhow::Result<()> {
    if !store.delete_saml_sp(entity_id).await? {
        bail!("no service provider {entity_id}");
    }
    Ok(())
}
