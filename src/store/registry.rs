//! SQL of the authentic-source tables (`registry_*`).

use sqlx::Row as _;
use sqlx::any::AnyRow;
use time::Date;

use super::{Store, StoreError, StoreResult, flag, unix_now};
use crate::domain::{EnterpriseNumber, Language, NationalNumber};
use crate::registry::model::{
    Address, Employment, Enterprise, EnterpriseStatus, LegalFunction, LegalRepresentative, Names, Person,
};

const DATE_FORMAT: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

pub(crate) fn date_to_text(d: Date) -> String {
    d.format(DATE_FORMAT).unwrap_or_default()
}

pub(crate) fn date_from_text(s: &str) -> StoreResult<Date> {
    Date::parse(s, DATE_FORMAT).map_err(|e| StoreError::Corrupt(format!("date {s:?}: {e}")))
}

fn opt_date(s: Option<String>) -> StoreResult<Option<Date>> {
    s.map(|s| date_from_text(&s)).transpose()
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

macro_rules! person_select {
    () => {
        "SELECT national_number, first_names, last_name, birth_date, language, has_belgian_eid, nationality \
         FROM registry_persons"
    };
}
macro_rules! representative_select {
    () => {
        "SELECT national_number, enterprise_number, function_code, valid_from, valid_until \
         FROM registry_representatives"
    };
}

/// Where an enterprise record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Files,
    Kbo,
}

impl Source {
    fn code(self) -> &'static str {
        match self {
            Source::Files => "files",
            Source::Kbo => "kbo",
        }
    }
}

/// How many records one import transaction writes.
pub const IMPORT_CHUNK: usize = 500;

/// An enterprise with the full truth of its relations, as an import writes it.
#[derive(Debug)]
pub struct EnterpriseRecord<'a> {
    pub enterprise: &'a Enterprise,
    pub representatives: Vec<&'a LegalRepresentative>,
    pub employments: Vec<&'a Employment>,
}

impl Store {
    /// Inserts or replaces persons, [`IMPORT_CHUNK`] per transaction.
    pub async fn upsert_registry_persons(&self, persons: &[Person]) -> StoreResult<()> {
        for chunk in persons.chunks(IMPORT_CHUNK) {
            let mut tx = self.writer().begin().await?;
            for p in chunk {
                upsert_person(&mut *tx, p).await?;
            }
            tx.commit().await?;
        }
        Ok(())
    }

    /// Inserts or replaces enterprises and, for those that carry them, replaces their legal
    /// representatives and employments (an import is the full truth for the enterprises it
    /// covers); [`IMPORT_CHUNK`] enterprises per transaction.
    pub async fn upsert_registry_enterprises(
        &self,
        records: &[EnterpriseRecord<'_>],
        source: Source,
        with_relations: bool,
    ) -> StoreResult<()> {
        for chunk in records.chunks(IMPORT_CHUNK) {
            let mut tx = self.writer().begin().await?;
            for r in chunk {
                upsert_enterprise(&mut *tx, r.enterprise, source).await?;
                if with_relations {
                    replace_relations(&mut tx, &r.enterprise.number, &r.representatives, &r.employments)
                        .await?;
                }
            }
            tx.commit().await?;
        }
        Ok(())
    }

    pub async fn find_registry_person(&self, number: &NationalNumber) -> StoreResult<Option<Person>> {
        let row = sqlx::query(concat!(person_select!(), " WHERE national_number = $1"))
            .bind(number.as_str().to_string())
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| person_from_row(&r)).transpose()
    }

    /// Persons with this birth date whose names match (case-insensitive), for matching
    /// a foreign eIDAS identity to the BIS register.
    pub async fn find_registry_persons_by_birth_date(&self, birth_date: Date) -> StoreResult<Vec<Person>> {
        let rows = sqlx::query(concat!(person_select!(), " WHERE birth_date = $1 ORDER BY national_number"))
            .bind(date_to_text(birth_date))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(person_from_row).collect()
    }

    pub async fn find_registry_enterprise(
        &self,
        number: &EnterpriseNumber,
    ) -> StoreResult<Option<Enterprise>> {
        let row = sqlx::query(
            "SELECT enterprise_number, name_nl, name_fr, name_de, name_en, legal_form, status, street, \
             house_number, box_number, postal_code, municipality, country, start_date \
             FROM registry_enterprises WHERE enterprise_number = $1",
        )
        .bind(number.as_str().to_string())
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| enterprise_from_row(&r)).transpose()
    }

    pub async fn find_registry_representatives_of_enterprise(
        &self,
        enterprise: &EnterpriseNumber,
    ) -> StoreResult<Vec<LegalRepresentative>> {
        let rows = sqlx::query(concat!(
            representative_select!(),
            " WHERE enterprise_number = $1 ORDER BY valid_from"
        ))
        .bind(enterprise.as_str().to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(representative_from_row).collect()
    }

    pub async fn find_registry_representations_of_person(
        &self,
        person: &NationalNumber,
    ) -> StoreResult<Vec<LegalRepresentative>> {
        let rows =
            sqlx::query(concat!(representative_select!(), " WHERE national_number = $1 ORDER BY valid_from"))
                .bind(person.as_str().to_string())
                .fetch_all(self.pool())
                .await?;
        rows.iter().map(representative_from_row).collect()
    }

    pub async fn find_registry_employments_of_person(
        &self,
        person: &NationalNumber,
    ) -> StoreResult<Vec<Employment>> {
        let rows = sqlx::query(
            "SELECT national_number, enterprise_number, valid_from, valid_until FROM registry_employments \
             WHERE national_number = $1 ORDER BY valid_from",
        )
        .bind(person.as_str().to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(employment_from_row).collect()
    }
}

fn person_from_row(r: &AnyRow) -> StoreResult<Person> {
    let number: String = r.try_get("national_number")?;
    let language: String = r.try_get("language")?;
    Ok(Person {
        number: NationalNumber::parse(&number).map_err(|e| corrupt("national_number", e))?,
        first_names: r.try_get("first_names")?,
        last_name: r.try_get("last_name")?,
        birth_date: date_from_text(&r.try_get::<String, _>("birth_date")?)?,
        language: Language::parse(&language).map_err(|e| corrupt("language", e))?,
        has_belgian_eid: r.try_get::<i64, _>("has_belgian_eid")? != 0,
        nationality: r.try_get("nationality")?,
    })
}

fn enterprise_from_row(r: &AnyRow) -> StoreResult<Enterprise> {
    let number: String = r.try_get("enterprise_number")?;
    let names = Names::from_options(
        r.try_get("name_nl")?,
        r.try_get("name_fr")?,
        r.try_get("name_de")?,
        r.try_get("name_en")?,
    )
    .map_err(|e| corrupt("names", e))?;
    let status: String = r.try_get("status")?;
    let street: Option<String> = r.try_get("street")?;
    let address = match street {
        Some(street) => Some(Address {
            street,
            house_number: r.try_get::<Option<String>, _>("house_number")?.unwrap_or_default(),
            box_number: r.try_get("box_number")?,
            postal_code: r.try_get::<Option<String>, _>("postal_code")?.unwrap_or_default(),
            municipality: r.try_get::<Option<String>, _>("municipality")?.unwrap_or_default(),
            country: r.try_get::<Option<String>, _>("country")?.unwrap_or_default(),
        }),
        None => None,
    };
    Ok(Enterprise {
        number: EnterpriseNumber::parse(&number).map_err(|e| corrupt("enterprise_number", e))?,
        names,
        legal_form: r.try_get("legal_form")?,
        status: if status == "active" { EnterpriseStatus::Active } else { EnterpriseStatus::Stopped },
        address,
        start_date: opt_date(r.try_get("start_date")?)?,
    })
}

fn representative_from_row(r: &AnyRow) -> StoreResult<LegalRepresentative> {
    let person: String = r.try_get("national_number")?;
    let enterprise: String = r.try_get("enterprise_number")?;
    let function: String = r.try_get("function_code")?;
    Ok(LegalRepresentative {
        person: NationalNumber::parse(&person).map_err(|e| corrupt("national_number", e))?,
        enterprise: EnterpriseNumber::parse(&enterprise).map_err(|e| corrupt("enterprise_number", e))?,
        function: LegalFunction::parse(&function),
        valid_from: date_from_text(&r.try_get::<String, _>("valid_from")?)?,
        valid_until: opt_date(r.try_get("valid_until")?)?,
    })
}

fn employment_from_row(r: &AnyRow) -> StoreResult<Employment> {
    let person: String = r.try_get("national_number")?;
    let enterprise: String = r.try_get("enterprise_number")?;
    Ok(Employment {
        person: NationalNumber::parse(&person).map_err(|e| corrupt("national_number", e))?,
        enterprise: EnterpriseNumber::parse(&enterprise).map_err(|e| corrupt("enterprise_number", e))?,
        valid_from: date_from_text(&r.try_get::<String, _>("valid_from")?)?,
        valid_until: opt_date(r.try_get("valid_until")?)?,
    })
}

/// Inserts or replaces a person through `executor`.
async fn upsert_person<'e, E>(executor: E, p: &Person) -> StoreResult<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO registry_persons (national_number, first_names, last_name, birth_date, language, \
             has_belgian_eid, nationality, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (national_number) DO UPDATE SET first_names = excluded.first_names, \
             last_name = excluded.last_name, birth_date = excluded.birth_date, language = excluded.language, \
             has_belgian_eid = excluded.has_belgian_eid, nationality = excluded.nationality, \
             updated_at = excluded.updated_at",
    )
    .bind(p.number.as_str().to_string())
    .bind(p.first_names.clone())
    .bind(p.last_name.clone())
    .bind(date_to_text(p.birth_date))
    .bind(p.language.code())
    .bind(flag(p.has_belgian_eid))
    .bind(p.nationality.clone())
    .bind(unix_now())
    .execute(executor)
    .await?;
    Ok(())
}

/// Inserts or replaces an enterprise through `executor`.
async fn upsert_enterprise<'e, E>(executor: E, e: &Enterprise, source: Source) -> StoreResult<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let a = e.address.as_ref();
    sqlx::query(
            "INSERT INTO registry_enterprises (enterprise_number, name_nl, name_fr, name_de, name_en, legal_form, \
             status, street, house_number, box_number, postal_code, municipality, country, start_date, source, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
             ON CONFLICT (enterprise_number) DO UPDATE SET name_nl = excluded.name_nl, name_fr = excluded.name_fr, \
             name_de = excluded.name_de, name_en = excluded.name_en, legal_form = excluded.legal_form, \
             status = excluded.status, street = excluded.street, house_number = excluded.house_number, \
             box_number = excluded.box_number, postal_code = excluded.postal_code, \
             municipality = excluded.municipality, country = excluded.country, start_date = excluded.start_date, \
             source = excluded.source, updated_at = excluded.updated_at",
        )
        .bind(e.number.as_str().to_string())
        .bind(e.names.get(Language::Nl).map(str::to_string))
        .bind(e.names.get(Language::Fr).map(str::to_string))
        .bind(e.names.get(Language::De).map(str::to_string))
        .bind(e.names.get(Language::En).map(str::to_string))
        .bind(e.legal_form.clone())
        .bind(e.status.code())
        .bind(a.map(|a| a.street.clone()))
        .bind(a.map(|a| a.house_number.clone()))
        .bind(a.and_then(|a| a.box_number.clone()))
        .bind(a.map(|a| a.postal_code.clone()))
        .bind(a.map(|a| a.municipality.clone()))
        .bind(a.map(|a| a.country.clone()))
        .bind(e.start_date.map(date_to_text))
        .bind(source.code())
        .bind(unix_now())
        .execute(executor)
        .await?;
    Ok(())
}

/// Replaces the legal representatives and employments of `enterprise` by the given ones,
/// inside the caller's transaction.
async fn replace_relations(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    enterprise: &EnterpriseNumber,
    representatives: &[&LegalRepresentative],
    employments: &[&Employment],
) -> StoreResult<()> {
    let number = enterprise.as_str().to_string();
    sqlx::query("DELETE FROM registry_representatives WHERE enterprise_number = $1")
        .bind(number.clone())
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM registry_employments WHERE enterprise_number = $1")
        .bind(number.clone())
        .execute(&mut **tx)
        .await?;
    for r in representatives {
        sqlx::query(
            "INSERT INTO registry_representatives (national_number, enterprise_number, function_code, \
                 valid_from, valid_until) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(r.person.as_str().to_string())
        .bind(number.clone())
        .bind(r.function.code().to_string())
        .bind(date_to_text(r.valid_from))
        .bind(r.valid_until.map(date_to_text))
        .execute(&mut **tx)
        .await?;
    }
    for e in employments {
        sqlx::query(
            "INSERT INTO registry_employments (national_number, enterprise_number, valid_from, valid_until) \
                 VALUES ($1, $2, $3, $4)",
        )
        .bind(e.person.as_str().to_string())
        .bind(number.clone())
        .bind(date_to_text(e.valid_from))
        .bind(e.valid_until.map(date_to_text))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
