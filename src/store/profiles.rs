//! What the profile module needs to know of a person, in one round trip: their legal
//! functions and employments in the register's imported tables, and the live roles Poort
//! granted them (BTB, social-security access management), each with the enterprise's names.
//! One `UNION ALL` query, on the indexes `registry_representatives`' and
//! `registry_employments`' primary keys (national number first) and `access_grants_by_holder`.
//! Also the last profile each person chose per relying party (`profile_choices`).

use sqlx::Row as _;

use super::{Store, StoreResult};
use crate::domain::{EnterpriseNumber, NationalNumber};

/// Where a [`SourceRow`] comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// A legal function in the register (`role` is its code).
    Legal,
    /// An employment in the register.
    Employment,
    /// A live grant (`role` is its role code, `scope_id` its place).
    Grant,
}

/// One fact about the person, with the enterprise it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRow {
    pub kind: SourceKind,
    pub enterprise: EnterpriseNumber,
    /// The enterprise's names (nl, fr, de, en) as the register knows them.
    pub names: [Option<String>; 4],
    pub role: String,
    pub scope_id: String,
}

impl Store {
    /// Every fact about `person` the profiles are built from, valid on `today`
    /// (`YYYY-MM-DD`), in one query.
    pub async fn find_profile_sources(
        &self,
        person: &NationalNumber,
        today: &str,
    ) -> StoreResult<Vec<SourceRow>> {
        const NAMES: &str = "e.name_nl, e.name_fr, e.name_de, e.name_en";
        let sql = format!(
            "SELECT 'legal' AS source, r.enterprise_number AS enterprise_number, {NAMES}, \
                    r.function_code AS role, '' AS scope_id \
               FROM registry_representatives r \
               LEFT JOIN registry_enterprises e ON e.enterprise_number = r.enterprise_number \
              WHERE r.national_number = $1 AND r.valid_from <= $2 AND (r.valid_until IS NULL OR r.valid_until >= $2) \
             UNION ALL \
             SELECT 'employment', m.enterprise_number, {NAMES}, 'employee', '' \
               FROM registry_employments m \
               LEFT JOIN registry_enterprises e ON e.enterprise_number = m.enterprise_number \
              WHERE m.national_number = $1 AND m.valid_from <= $2 AND (m.valid_until IS NULL OR m.valid_until >= $2) \
             UNION ALL \
             SELECT 'grant', g.enterprise_number, {NAMES}, g.role, g.scope_id \
               FROM access_grants g \
               LEFT JOIN registry_enterprises e ON e.enterprise_number = g.enterprise_number \
              WHERE g.holder = $1 AND g.status = 'active' AND g.enterprise_number IS NOT NULL"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(person.as_str().to_string())
            .bind(today.to_string())
            .fetch_all(self.pool())
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let source: String = r.try_get("source")?;
            let kind = match source.as_str() {
                "legal" => SourceKind::Legal,
                "employment" => SourceKind::Employment,
                _ => SourceKind::Grant,
            };
            let number: String = r.try_get("enterprise_number")?;
            let enterprise = EnterpriseNumber::parse(&number)
                .map_err(|e| super::StoreError::Corrupt(format!("enterprise number {number:?}: {e}")))?;
            out.push(SourceRow {
                kind,
                enterprise,
                names: [
                    r.try_get("name_nl")?,
                    r.try_get("name_fr")?,
                    r.try_get("name_de")?,
                    r.try_get("name_en")?,
                ],
                role: r.try_get("role")?,
                scope_id: r.try_get("scope_id")?,
            });
        }
        Ok(out)
    }

    /// The key of the profile `identity_id` last chose for `relying_party`.
    pub async fn find_profile_choice(
        &self,
        identity_id: &str,
        relying_party: &str,
    ) -> StoreResult<Option<String>> {
        let row = sqlx::query(
            "SELECT profile_key FROM profile_choices WHERE identity_id = $1 AND relying_party = $2",
        )
        .bind(identity_id.to_string())
        .bind(relying_party.to_string())
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| r.try_get("profile_key")).transpose()?)
    }

    /// Remembers the profile chosen for a relying party (replacing the previous choice).
    pub async fn upsert_profile_choice(
        &self,
        identity_id: &str,
        relying_party: &str,
        profile_key: &str,
        now: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO profile_choices (identity_id, relying_party, profile_key, chosen_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (identity_id, relying_party) DO UPDATE SET profile_key = $3, chosen_at = $4",
        )
        .bind(identity_id.to_string())
        .bind(relying_party.to_string())
        .bind(profile_key.to_string())
        .bind(now)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// Every remembered choice of a person: (relying party, profile key, chosen at).
    pub async fn find_profile_choices_of(
        &self,
        identity_id: &str,
    ) -> StoreResult<Vec<(String, String, i64)>> {
        let rows = sqlx::query(
            "SELECT relying_party, profile_key, chosen_at FROM profile_choices WHERE identity_id = $1 \
             ORDER BY relying_party",
        )
        .bind(identity_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("relying_party")?, r.try_get("profile_key")?, r.try_get("chosen_at")?)))
            .collect()
    }

    /// Forgets a remembered choice (the chooser is asked afresh next time).
    pub async fn delete_profile_choice(&self, identity_id: &str, relying_party: &str) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM profile_choices WHERE identity_id = $1 AND relying_party = $2")
            .bind(identity_id.to_string())
            .bind(relying_party.to_string())
            .execute(self.writer())
            .await?;
        Ok(done.rows_affected() > 0)
    }
}
