//! Importers: the registry files and the KBO open data, read by `registry`, written into the
//! registry tables in chunked transactions (a full KBO import is millions of rows: one
//! autocommit per row would take hours, one transaction for all would hold the write lock
//! for as long).

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context as _;

use super::Store;
use super::registry::{EnterpriseRecord, Source};
use crate::domain::EnterpriseNumber;
use crate::registry::model::{Employment, LegalRepresentative};

/// What an import did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ImportSummary {
    pub persons: usize,
    pub enterprises: usize,
    pub skipped: u64,
}

/// Loads a directory in the Poort registry file format (docs/REGISTRY.md). The files
/// are checked as a whole first (every problem reported with file, line and column);
/// nothing is written unless they are valid.
pub async fn load_files_into(store: &Store, dir: &Path) -> anyhow::Result<ImportSummary> {
    let dir_owned = dir.to_path_buf();
    let data = tokio::task::spawn_blocking(move || crate::registry::files::load_dir(&dir_owned))
        .await?
        .with_context(|| format!("reading registry files from {}", dir.display()))?;
    store.upsert_registry_persons(&data.persons).await?;
    // Relations grouped once by enterprise (not filtered per enterprise: that is quadratic).
    let mut representatives: HashMap<&EnterpriseNumber, Vec<&LegalRepresentative>> = HashMap::new();
    for r in &data.representatives {
        representatives.entry(&r.enterprise).or_default().push(r);
    }
    let mut employments: HashMap<&EnterpriseNumber, Vec<&Employment>> = HashMap::new();
    for e in &data.employments {
        employments.entry(&e.enterprise).or_default().push(e);
    }
    let records: Vec<EnterpriseRecord<'_>> = data
        .enterprises
        .iter()
        .map(|enterprise| EnterpriseRecord {
            enterprise,
            representatives: representatives.remove(&enterprise.number).unwrap_or_default(),
            employments: employments.remove(&enterprise.number).unwrap_or_default(),
        })
        .collect();
    store.upsert_registry_enterprises(&records, Source::Files, true).await?;
    Ok(ImportSummary { persons: data.persons.len(), enterprises: data.enterprises.len(), skipped: 0 })
}

/// Imports enterprises from the official KBO open-data files in `dir`.
pub async fn import_kbo_into(store: &Store, dir: &Path) -> anyhow::Result<ImportSummary> {
    let dir_owned = dir.to_path_buf();
    let import = tokio::task::spawn_blocking(move || crate::registry::kbo::read_dir(&dir_owned))
        .await?
        .with_context(|| format!("reading KBO open-data files from {}", dir.display()))?;
    let records: Vec<EnterpriseRecord<'_>> = import
        .enterprises
        .iter()
        .map(|enterprise| EnterpriseRecord {
            enterprise,
            representatives: Vec::new(),
            employments: Vec::new(),
        })
        .collect();
    store.upsert_registry_enterprises(&records, Source::Kbo, false).await?;
    Ok(ImportSummary {
        persons: 0,
        enterprises: import.enterprises.len(),
        skipped: import.skipped.iter().map(|s| s.count).sum(),
    })
}
