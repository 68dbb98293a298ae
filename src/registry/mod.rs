//! The authentic sources Poort reads but does not own: the National Register and BIS
//! register (persons), the KBO (enterprises, legal representatives) and employment.
//!
//! Everything else reads them through [`Registry`]. The implementation shipped,
//! `store::registry_source::StoredRegistry`, reads Poort's own copy in the database, filled by
//! the importers in `store::registry_import` from the readers here (the registry file
//! format for the demo and tests, the official KBO open-data files). A deployment with live access to the real sources implements the trait
//! against them; nothing in the access layer changes.

pub mod files;
mod integrity;
pub mod kbo;
mod legal_function;
pub mod model;
mod problem;
mod table;

pub use problem::{FileError, FileProblem};

use async_trait::async_trait;
use time::Date;

use crate::domain::{EnterpriseNumber, NationalNumber};
use model::{Employment, Enterprise, LegalRepresentative, Person};

/// A failure to read an authentic source.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// Poort's copy of the sources (the database) failed.
    #[error("registry storage: {0}")]
    Storage(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("registry source unavailable: {0}")]
    Unavailable(String),
}

/// Read access to the authentic sources.
#[async_trait]
pub trait Registry: Send + Sync {
    async fn find_person(&self, number: &NationalNumber) -> Result<Option<Person>, RegistryError>;
    async fn find_enterprise(&self, number: &EnterpriseNumber) -> Result<Option<Enterprise>, RegistryError>;
    /// Every legal function ever recorded for the enterprise (filter with
    /// [`LegalRepresentative::is_valid_on`]).
    async fn representatives_of(
        &self,
        enterprise: &EnterpriseNumber,
    ) -> Result<Vec<LegalRepresentative>, RegistryError>;
    /// Every legal function the person holds or held.
    async fn representations_of(
        &self,
        person: &NationalNumber,
    ) -> Result<Vec<LegalRepresentative>, RegistryError>;
    async fn employments_of(&self, person: &NationalNumber) -> Result<Vec<Employment>, RegistryError>;
    /// Persons born on `birth_date` (for matching foreign identities to the BIS register).
    async fn persons_born_on(&self, birth_date: Date) -> Result<Vec<Person>, RegistryError>;

    /// Whether the person is a legal representative of the enterprise on `date`.
    async fn is_legal_representative(
        &self,
        person: &NationalNumber,
        enterprise: &EnterpriseNumber,
        date: Date,
    ) -> Result<bool, RegistryError> {
        Ok(self
            .representations_of(person)
            .await?
            .iter()
            .any(|r| &r.enterprise == enterprise && r.is_valid_on(date)))
    }

    /// Whether the person is employed by the enterprise on `date`.
    async fn is_employee(
        &self,
        person: &NationalNumber,
        enterprise: &EnterpriseNumber,
        date: Date,
    ) -> Result<bool, RegistryError> {
        Ok(self
            .employments_of(person)
            .await?
            .iter()
            .any(|e| &e.enterprise == enterprise && e.is_valid_on(date)))
    }
}
