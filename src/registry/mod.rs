//! The authentic sources Poort reads but does not own: the National Register and BIS
//! register (persons), the KBO (enterprises, legal representatives) and employment.
//!
//! Everything else reads them through [`Registry`]. The implementation shipped,
//! [`StoredRegistry`], reads Poort's own copy in the database, filled by importers
//! (the registry file format for the demo and tests, the official KBO open-data
//! files). A deployment with live access to the real sources implements the trait
//! against them; nothing in the access layer changes.

pub mod files;
pub mod import;
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
use crate::store::{Store, StoreError};
use model::{Employment, Enterprise, LegalRepresentative, Person};

/// A failure to read an authentic source.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("registry storage: {0}")]
    Store(#[from] StoreError),
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

/// The registry as stored in Poort's database.
#[derive(Debug, Clone)]
pub struct StoredRegistry {
    store: Store,
}

impl StoredRegistry {
    pub fn new(store: Store) -> Self {
        Self { store }
    }
}

#[async_trait]
impl Registry for StoredRegistry {
    async fn find_person(&self, number: &NationalNumber) -> Result<Option<Person>, RegistryError> {
        Ok(self.store.find_registry_person(number).await?)
    }

    async fn find_enterprise(&self, number: &EnterpriseNumber) -> Result<Option<Enterprise>, RegistryError> {
        Ok(self.store.find_registry_enterprise(number).await?)
    }

    async fn representatives_of(
        &self,
        enterprise: &EnterpriseNumber,
    ) -> Result<Vec<LegalRepresentative>, RegistryError> {
        Ok(self.store.find_registry_representatives_of_enterprise(enterprise).await?)
    }

    async fn representations_of(
        &self,
        person: &NationalNumber,
    ) -> Result<Vec<LegalRepresentative>, RegistryError> {
        Ok(self.store.find_registry_representations_of_person(person).await?)
    }

    async fn employments_of(&self, person: &NationalNumber) -> Result<Vec<Employment>, RegistryError> {
        Ok(self.store.find_registry_employments_of_person(person).await?)
    }

    async fn persons_born_on(&self, birth_date: Date) -> Result<Vec<Person>, RegistryError> {
        Ok(self.store.find_registry_persons_by_birth_date(birth_date).await?)
    }
}
