//! SQL of the SAML identity provider: the registered service providers
//! (`saml_service_providers`, the IdP's model kept as JSON), the AuthnRequest IDs already
//! answered (`saml_seen_requests`), the service providers of each browser session
//! (`saml_session_participants`, for single logout) and the logouts being told to them
//! through the browser (`saml_logouts`).

use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::Row as _;

use super::{Store, StoreError, StoreResult, unix_now};

fn decode<T: DeserializeOwned>(json: &str) -> StoreResult<T> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("SAML service provider: {e}")))
}

/// A service provider a session received an assertion at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamlParticipant {
    pub sp_entity_id: String,
    pub name_id: String,
    pub name_id_format: String,
    pub session_index: String,
}

impl Store {
    pub async fn find_saml_sp<T: DeserializeOwned>(&self, entity_id: &str) -> StoreResult<Option<T>> {
        let row = sqlx::query("SELECT metadata FROM saml_service_providers WHERE entity_id = $1")
            .bind(entity_id.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| decode(&r.try_get::<String, _>("metadata")?)).transpose()
    }

    /// Every service provider, ordered by entity id.
    pub async fn find_saml_sps<T: DeserializeOwned>(&self) -> StoreResult<Vec<T>> {
        let rows = sqlx::query("SELECT metadata FROM saml_service_providers ORDER BY entity_id")
            .fetch_all(self.pool())
            .await?;
        rows.into_iter().map(|r| decode(&r.try_get::<String, _>("metadata")?)).collect()
    }

    /// Inserts or replaces a service provider.
    pub async fn upsert_saml_sp<T: Serialize>(&self, entity_id: &str, sp: &T) -> StoreResult<()> {
        let json = serde_json::to_string(sp)
            .map_err(|e| StoreError::Corrupt(format!("SAML service provider: {e}")))?;
        sqlx::query(
            "INSERT INTO saml_service_providers (entity_id, metadata, created_at, updated_at) \
             VALUES ($1, $2, $3, $3) ON CONFLICT (entity_id) DO UPDATE SET metadata = excluded.metadata, \
             updated_at = excluded.updated_at",
        )
        .bind(entity_id.to_string())
        .bind(json)
        .bind(unix_now())
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// Removes a service provider; `false` when there was none.
    pub async fn delete_saml_sp(&self, entity_id: &str) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM saml_service_providers WHERE entity_id = $1")
            .bind(entity_id.to_string())
            .execute(self.writer())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records an AuthnRequest ID; `false` when this service provider already sent it (a
    /// replay). Atomic on both databases, so two nodes cannot both answer it.
    pub async fn create_seen_saml_request(
        &self,
        sp_entity_id: &str,
        request_id: &str,
        expires_at: i64,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO saml_seen_requests (sp_entity_id, request_id, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (sp_entity_id, request_id) DO NOTHING",
        )
        .bind(sp_entity_id.to_string())
        .bind(request_id.to_string())
        .bind(expires_at)
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Remembers that session `sid` received an assertion at `p.sp_entity_id` (the latest
    /// NameID and SessionIndex win).
    pub async fn upsert_saml_participant(&self, sid: &str, p: &SamlParticipant) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO saml_session_participants \
               (session_id, sp_entity_id, name_id, name_id_format, session_index, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (session_id, sp_entity_id) DO UPDATE SET \
             name_id = excluded.name_id, name_id_format = excluded.name_id_format, \
             session_index = excluded.session_index, created_at = excluded.created_at",
        )
        .bind(sid.to_string())
        .bind(p.sp_entity_id.clone())
        .bind(p.name_id.clone())
        .bind(p.name_id_format.clone())
        .bind(p.session_index.clone())
        .bind(unix_now())
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// The service providers of session `sid`, ordered by entity id.
    pub async fn find_saml_participants(&self, sid: &str) -> StoreResult<Vec<SamlParticipant>> {
        let rows = sqlx::query(
            "SELECT sp_entity_id, name_id, name_id_format, session_index FROM saml_session_participants \
             WHERE session_id = $1 ORDER BY sp_entity_id",
        )
        .bind(sid.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(SamlParticipant {
                    sp_entity_id: r.try_get("sp_entity_id")?,
                    name_id: r.try_get("name_id")?,
                    name_id_format: r.try_get("name_id_format")?,
                    session_index: r.try_get("session_index")?,
                })
            })
            .collect()
    }

    /// The session that gave `name_id` to `sp_entity_id`, with the SessionIndex it was given.
    pub async fn find_saml_participant_session(
        &self,
        sp_entity_id: &str,
        name_id: &str,
    ) -> StoreResult<Vec<(String, String)>> {
        let rows = sqlx::query(
            "SELECT session_id, session_index FROM saml_session_participants \
             WHERE sp_entity_id = $1 AND name_id = $2",
        )
        .bind(sp_entity_id.to_string())
        .bind(name_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(|r| Ok((r.try_get("session_id")?, r.try_get("session_index")?))).collect()
    }

    /// Forgets the service providers of session `sid` (after its logout).
    pub async fn delete_saml_participants(&self, sid: &str) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM saml_session_participants WHERE session_id = $1")
            .bind(sid.to_string())
            .execute(self.writer())
            .await?;
        Ok(done.rows_affected())
    }

    /// Records a front-channel logout's state (the IdP's JSON) under `id`.
    pub async fn create_saml_logout(&self, id: &str, state: &str, expires_at: i64) -> StoreResult<()> {
        sqlx::query("INSERT INTO saml_logouts (id, state, expires_at) VALUES ($1, $2, $3)")
            .bind(id.to_string())
            .bind(state.to_string())
            .bind(expires_at)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// The state of logout `id`, unless it expired.
    pub async fn find_saml_logout(&self, id: &str) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT state FROM saml_logouts WHERE id = $1 AND expires_at >= $2")
            .bind(id.to_string())
            .bind(unix_now())
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|r| r.try_get::<String, _>("state")).transpose()?)
    }

    /// Replaces the state of logout `id` if it is still `expected` (a compare-and-set, so a
    /// step answered twice, or on two nodes, advances it once). `false`: it changed.
    pub async fn update_saml_logout(&self, id: &str, expected: &str, state: &str) -> StoreResult<bool> {
        let done = sqlx::query("UPDATE saml_logouts SET state = $3 WHERE id = $1 AND state = $2")
            .bind(id.to_string())
            .bind(expected.to_string())
            .bind(state.to_string())
            .execute(self.writer())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Forgets logout `id` (it is finished).
    pub async fn delete_saml_logout(&self, id: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM saml_logouts WHERE id = $1")
            .bind(id.to_string())
            .execute(self.writer())
            .await?;
        Ok(())
    }
}
