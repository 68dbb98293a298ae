//! Importers: the registry files and the KBO open data, read by `registry`, written into the
//! registry tables.

use std::path::Path;

use anyhow::Context as _;

use super::Store;
use super::registry::Source;

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
    let data = crate::registry::files::load_dir(dir)
        .with_context(|| format!("reading registry files from {}", dir.display()))?;
    for person in &data.persons {
        store.upsert_registry_person(person).await?;
    }
    for enterprise in &data.enterprises {
        store.upsert_registry_enterprise(enterprise, Source::Files).await?;
        let reps: Vec<_> =
            data.representatives.iter().filter(|r| r.enterprise == enterprise.number).collect();
        let emps: Vec<_> = data.employments.iter().filter(|e| e.enterprise == enterprise.number).collect();
        store.replace_registry_relations(&enterprise.number, &reps, &emps).await?;
    }
    Ok(ImportSummary { persons: data.persons.len(), enterprises: data.enterprises.len(), skipped: 0 })
}

/// Imports enterprises from the official KBO open-data files in `dir`.
pub async fn import_kbo_into(store: &Store, dir: &Path) -> anyhow::Result<ImportSummary> {
    let import = crate::registry::kbo::read_dir(dir)
        .with_context(|| format!("reading KBO open-data files from {}", dir.display()))?;
    for enterprise in &import.enterprises {
        store.upsert_registry_enterprise(enterprise, Source::Kbo).await?;
    }
    Ok(ImportSummary {
        persons: 0,
        enterprises: import.enterprises.len(),
        skipped: import.skipped.iter().map(|s| s.count).sum(),
    })
}
