//! SQL of the relying parties (`oidc_clients`): the client model (the OpenID Provider's
//! `Client`, which the store does not need to know) is kept as JSON; one that no longer
//! parses is corrupt.

use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::Row as _;

use super::{Store, StoreError, StoreResult, unix_now};

/// Where a client was declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientSource {
    /// `[[oidc.clients]]` in the configuration; synced at start.
    Config,
    /// `poort client add`.
    Cli,
    /// Dynamic registration (RFC 7591).
    Registration,
}

impl ClientSource {
    pub fn code(self) -> &'static str {
        match self {
            Self::Config => "config",
            Self::Cli => "cli",
            Self::Registration => "registration",
        }
    }
}

fn decode<C: DeserializeOwned>(metadata: &str) -> StoreResult<C> {
    serde_json::from_str(metadata).map_err(|e| StoreError::Corrupt(format!("client metadata: {e}")))
}

fn encode<C: Serialize>(client: &C) -> StoreResult<String> {
    serde_json::to_string(client).map_err(|e| StoreError::Corrupt(format!("client metadata: {e}")))
}

impl Store {
    pub async fn find_oidc_client<C: DeserializeOwned>(&self, id: &str) -> StoreResult<Option<C>> {
        let row = sqlx::query("SELECT metadata FROM oidc_clients WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| decode(&r.try_get::<String, _>("metadata")?)).transpose()
    }

    /// Every client with where it came from, ordered by id.
    pub async fn find_oidc_clients<C: DeserializeOwned>(&self) -> StoreResult<Vec<(C, String)>> {
        let rows = sqlx::query("SELECT metadata, source FROM oidc_clients ORDER BY id")
            .fetch_all(self.pool())
            .await?;
        rows.into_iter()
            .map(|r| Ok((decode(&r.try_get::<String, _>("metadata")?)?, r.try_get("source")?)))
            .collect()
    }

    /// Inserts or replaces a client.
    pub async fn upsert_oidc_client<C: Serialize>(
        &self,
        id: &str,
        client: &C,
        source: ClientSource,
        registration_token: Option<&str>,
    ) -> StoreResult<()> {
        let now = unix_now();
        sqlx::query(
            "INSERT INTO oidc_clients (id, source, metadata, registration_token, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (id) DO UPDATE SET source = excluded.source, \
             metadata = excluded.metadata, updated_at = excluded.updated_at",
        )
        .bind(id.to_string())
        .bind(source.code())
        .bind(encode(client)?)
        .bind(registration_token.map(str::to_string))
        .bind(now)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    pub async fn delete_oidc_client(&self, id: &str) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM oidc_clients WHERE id = $1")
            .bind(id.to_string())
            .execute(self.writer())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Removes clients that came from the configuration but are no longer in it.
    pub async fn delete_oidc_config_clients_except(&self, keep: &[String]) -> StoreResult<u64> {
        let rows =
            sqlx::query("SELECT id FROM oidc_clients WHERE source = 'config'").fetch_all(self.pool()).await?;
        let mut removed = 0;
        for row in rows {
            let id: String = row.try_get("id")?;
            if !keep.contains(&id) && self.delete_oidc_client(&id).await? {
                removed += 1;
            }
        }
        Ok(removed)
    }
}
