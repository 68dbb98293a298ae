//! SQL of `identities`: the people Poort knows as subjects of tokens.

use sqlx::Row as _;
use sqlx::any::AnyRow;
use time::Date;

use super::registry::{date_from_text, date_to_text};
use super::{Store, StoreError, StoreResult, unix_now};
use crate::domain::{Language, NationalNumber};

/// A person as known to Poort (the stable subject behind every token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub id: String,
    pub national_number: Option<NationalNumber>,
    pub eidas_identifier: Option<String>,
    pub given_names: String,
    pub surname: String,
    pub birth_date: Option<Date>,
    pub email: Option<String>,
    pub language: Option<Language>,
}

impl Identity {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_names, self.surname)
    }
}

/// What a new identity starts with.
#[derive(Debug, Clone)]
pub struct NewIdentity {
    pub national_number: Option<NationalNumber>,
    pub eidas_identifier: Option<String>,
    pub given_names: String,
    pub surname: String,
    pub birth_date: Option<Date>,
    pub language: Option<Language>,
}

macro_rules! identity_select {
    () => {
        "SELECT id, national_number, eidas_identifier, given_names, surname, birth_date, email, language \
         FROM identities"
    };
}

/// Appends one audit event through `executor` (the writer pool or an open transaction).
pub(super) async fn insert_audit_event<'e, E>(
    executor: E,
    kind: &str,
    identity_id: Option<&str>,
    client_id: Option<&str>,
    detail: &serde_json::Value,
) -> StoreResult<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO audit_events (id, at, kind, identity_id, client_id, detail) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(crate::kernel::token::random_token(12))
    .bind(unix_now())
    .bind(kind.to_string())
    .bind(identity_id.map(str::to_string))
    .bind(client_id.map(str::to_string))
    .bind(detail.to_string())
    .execute(executor)
    .await?;
    Ok(())
}

impl Store {
    pub async fn find_identity(&self, id: &str) -> StoreResult<Option<Identity>> {
        let row = sqlx::query(concat!(identity_select!(), " WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| identity_from_row(&r)).transpose()
    }

    pub async fn find_identity_by_national_number(
        &self,
        n: &NationalNumber,
    ) -> StoreResult<Option<Identity>> {
        let row = sqlx::query(concat!(identity_select!(), " WHERE national_number = $1"))
            .bind(n.as_str().to_string())
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| identity_from_row(&r)).transpose()
    }

    pub async fn find_identity_by_eidas_identifier(&self, eidas: &str) -> StoreResult<Option<Identity>> {
        let row = sqlx::query(concat!(identity_select!(), " WHERE eidas_identifier = $1"))
            .bind(eidas.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| identity_from_row(&r)).transpose()
    }

    /// Creates an identity with a fresh random id.
    pub async fn create_identity(&self, new: &NewIdentity) -> StoreResult<Identity> {
        let id = crate::kernel::token::random_token(18);
        let now = unix_now();
        sqlx::query(
            "INSERT INTO identities (id, national_number, eidas_identifier, given_names, surname, birth_date, \
             email, language, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8, $8)",
        )
        .bind(id.clone())
        .bind(new.national_number.as_ref().map(|n| n.as_str().to_string()))
        .bind(new.eidas_identifier.clone())
        .bind(new.given_names.clone())
        .bind(new.surname.clone())
        .bind(new.birth_date.map(date_to_text))
        .bind(new.language.map(|l| l.code().to_string()))
        .bind(now)
        .execute(self.writer())
        .await?;
        self.find_identity(&id).await?.ok_or_else(|| StoreError::Corrupt("identity vanished".into()))
    }

    /// Refreshes names (from the register or a fresh authentication) and links an eIDAS identifier.
    pub async fn update_identity_names(
        &self,
        id: &str,
        given_names: &str,
        surname: &str,
        eidas_identifier: Option<&str>,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE identities SET given_names = $2, surname = $3, \
             eidas_identifier = COALESCE($4, eidas_identifier), updated_at = $5 WHERE id = $1",
        )
        .bind(id.to_string())
        .bind(given_names.to_string())
        .bind(surname.to_string())
        .bind(eidas_identifier.map(str::to_string))
        .bind(unix_now())
        .execute(self.writer())
        .await?;
        Ok(())
    }

    pub async fn update_identity_email(&self, id: &str, email: Option<&str>) -> StoreResult<()> {
        sqlx::query("UPDATE identities SET email = $2, updated_at = $3 WHERE id = $1")
            .bind(id.to_string())
            .bind(email.map(str::to_string))
            .bind(unix_now())
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// Appends an audit event. `detail` must never hold secrets or full numbers.
    pub async fn create_audit_event(
        &self,
        kind: &str,
        identity_id: Option<&str>,
        client_id: Option<&str>,
        detail: &serde_json::Value,
    ) -> StoreResult<()> {
        insert_audit_event(self.writer(), kind, identity_id, client_id, detail).await
    }

    /// The most recent audit events of a person, newest first.
    pub async fn find_audit_events_of_identity(
        &self,
        identity_id: &str,
        limit: i64,
    ) -> StoreResult<Vec<(i64, String, serde_json::Value)>> {
        let rows = sqlx::query(
            "SELECT at, kind, detail FROM audit_events WHERE identity_id = $1 ORDER BY at DESC LIMIT $2",
        )
        .bind(identity_id.to_string())
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let detail: String = r.try_get("detail")?;
                Ok((r.try_get("at")?, r.try_get("kind")?, serde_json::from_str(&detail).unwrap_or_default()))
            })
            .collect()
    }
}

fn identity_from_row(r: &AnyRow) -> StoreResult<Identity> {
    identity_from_columns(r, "")
}

/// The columns of an identity joined into another table's query (`identities i`), named
/// with the prefix `i_`; read them back with `identity_from_columns(row, "i_")`.
pub(super) const IDENTITY_JOIN_COLUMNS: &str = "i.id AS i_id, i.national_number AS i_national_number, \
     i.eidas_identifier AS i_eidas_identifier, i.given_names AS i_given_names, i.surname AS i_surname, \
     i.birth_date AS i_birth_date, i.email AS i_email, i.language AS i_language";

/// An identity from columns named `{prefix}id`, `{prefix}national_number`, ….
pub(super) fn identity_from_columns(r: &AnyRow, prefix: &str) -> StoreResult<Identity> {
    let col = |name: &str| format!("{prefix}{name}");
    let number: Option<String> = r.try_get(col("national_number").as_str())?;
    let language: Option<String> = r.try_get(col("language").as_str())?;
    let birth: Option<String> = r.try_get(col("birth_date").as_str())?;
    Ok(Identity {
        id: r.try_get(col("id").as_str())?,
        national_number: number
            .map(|n| NationalNumber::parse(&n))
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("national_number: {e}")))?,
        eidas_identifier: r.try_get(col("eidas_identifier").as_str())?,
        given_names: r.try_get(col("given_names").as_str())?,
        surname: r.try_get(col("surname").as_str())?,
        birth_date: birth.map(|b| date_from_text(&b)).transpose()?,
        email: r.try_get(col("email").as_str())?,
        language: language.and_then(|l| Language::parse(&l).ok()),
    })
}
