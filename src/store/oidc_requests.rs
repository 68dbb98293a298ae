//! SQL of the OpenID Provider's pushed authorization requests (`oidc_par_requests`, RFC 9126)
//! and single-use identifiers (`oidc_used_jtis`: client assertions, DPoP proofs, request
//! objects). Expired rows are removed by `Store::purge_oidc_state`.

use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::Row as _;

use super::oidc_grants::{json_col, json_text};
use super::{Store, StoreResult};

impl Store {
    /// Stores a pushed authorization request (RFC 9126).
    pub async fn create_oidc_par_request<R: Serialize>(
        &self,
        request_key: &str,
        client_id: &str,
        request: &R,
        expires_at: i64,
    ) -> StoreResult<()> {
        sqlx::query("INSERT INTO oidc_par_requests (request_key, client_id, request, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(request_key.to_string())
            .bind(client_id.to_string())
            .bind(json_text(request)?)
            .bind(expires_at)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// Takes a pushed request out of the table: single use (RFC 9126 §4). `None` when
    /// unknown or already taken.
    pub async fn take_oidc_par_request<R: DeserializeOwned>(
        &self,
        request_key: &str,
    ) -> StoreResult<Option<(R, i64)>> {
        let row = sqlx::query("SELECT request, expires_at FROM oidc_par_requests WHERE request_key = $1")
            .bind(request_key.to_string())
            .fetch_optional(self.writer())
            .await?;
        let Some(row) = row else { return Ok(None) };
        let done = sqlx::query("DELETE FROM oidc_par_requests WHERE request_key = $1")
            .bind(request_key.to_string())
            .execute(self.writer())
            .await?;
        if done.rows_affected() != 1 {
            return Ok(None);
        }
        Ok(Some((json_col(&row, "request")?, row.try_get("expires_at")?)))
    }

    /// Records a single-use identifier; `true` the first time only (one INSERT).
    pub async fn create_oidc_used_jti(
        &self,
        namespace: &str,
        issuer: &str,
        jti: &str,
        expires_at: i64,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO oidc_used_jtis (namespace, issuer, jti, expires_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (namespace, issuer, jti) DO NOTHING",
        )
        .bind(namespace.to_string())
        .bind(issuer.to_string())
        .bind(jti.to_string())
        .bind(expires_at)
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn find_oidc_used_jti(&self, namespace: &str, issuer: &str, jti: &str) -> StoreResult<bool> {
        let row = sqlx::query(
            "SELECT 1 AS one FROM oidc_used_jtis WHERE namespace = $1 AND issuer = $2 AND jti = $3",
        )
        .bind(namespace.to_string())
        .bind(issuer.to_string())
        .bind(jti.to_string())
        .fetch_optional(self.pool())
        .await?;
        Ok(row.is_some())
    }
}
