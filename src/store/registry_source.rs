//! [`StoredRegistry`]: the [`Registry`] read interface over Poort's copy of the authentic
//! sources in the `registry_*` tables.

use async_trait::async_trait;
use time::Date;

use super::{Store, StoreError};
use crate::domain::{EnterpriseNumber, NationalNumber};
use crate::registry::model::{Employment, Enterprise, LegalRepresentative, Person};
use crate::registry::{Registry, RegistryError};

fn storage(e: StoreError) -> RegistryError {
    RegistryError::Storage(Box::new(e))
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
        self.store.find_registry_person(number).await.map_err(storage)
    }

    async fn find_enterprise(&self, number: &EnterpriseNumber) -> Result<Option<Enterprise>, RegistryError> {
        self.store.find_registry_enterprise(number).await.map_err(storage)
    }

    async fn representatives_of(
        &self,
        enterprise: &EnterpriseNumber,
    ) -> Result<Vec<LegalRepresentative>, RegistryError> {
        self.store.find_registry_representatives_of_enterprise(enterprise).await.map_err(storage)
    }

    async fn representations_of(
        &self,
        person: &NationalNumber,
    ) -> Result<Vec<LegalRepresentative>, RegistryError> {
        self.store.find_registry_representations_of_person(person).await.map_err(storage)
    }

    async fn employments_of(&self, person: &NationalNumber) -> Result<Vec<Employment>, RegistryError> {
        self.store.find_registry_employments_of_person(person).await.map_err(storage)
    }

    async fn persons_born_on(&self, birth_date: Date) -> Result<Vec<Person>, RegistryError> {
        self.store.find_registry_persons_by_birth_date(birth_date).await.map_err(storage)
    }
}
