//! SQL of the passkey method: registered credentials and registrations in progress
//! (`passkey_credentials`, `passkey_registrations`).

use sqlx::Row as _;
use sqlx::any::AnyRow;

use super::{Store, StoreResult};

/// A registered passkey.
#[derive(Debug, Clone)]
pub struct PasskeyRecord {
    pub id: String,
    pub identity_id: String,
    pub credential_id: String,
    pub user_handle: String,
    pub passkey_json: String,
    pub name: String,
    pub sign_count: i64,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

const COLUMNS: &str =
    "id, identity_id, credential_id, user_handle, passkey_json, name, sign_count, created_at, last_used_at";

fn record(row: &AnyRow) -> StoreResult<PasskeyRecord> {
    Ok(PasskeyRecord {
        id: row.try_get("id")?,
        identity_id: row.try_get("identity_id")?,
        credential_id: row.try_get("credential_id")?,
        user_handle: row.try_get("user_handle")?,
        passkey_json: row.try_get("passkey_json")?,
        name: row.try_get("name")?,
        sign_count: row.try_get("sign_count")?,
        created_at: row.try_get("created_at")?,
        last_used_at: row.try_get("last_used_at")?,
    })
}

impl Store {
    pub async fn list_passkeys_of_identity(&self, identity_id: &str) -> StoreResult<Vec<PasskeyRecord>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM passkey_credentials WHERE identity_id = $1 ORDER BY created_at, id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(identity_id.to_string())
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(record).collect()
    }

    pub async fn find_passkey_by_credential_id(
        &self,
        credential_id: &str,
    ) -> StoreResult<Option<PasskeyRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM passkey_credentials WHERE credential_id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(credential_id.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(record).transpose()
    }

    /// Stores a new passkey; `Ok(false)` when the credential id is already registered.
    pub async fn create_passkey(&self, r: &PasskeyRecord) -> StoreResult<bool> {
        let result = sqlx::query(
            "INSERT INTO passkey_credentials (id, identity_id, credential_id, user_handle, passkey_json, \
             name, sign_count, created_at, last_used_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(r.id.clone())
        .bind(r.identity_id.clone())
        .bind(r.credential_id.clone())
        .bind(r.user_handle.clone())
        .bind(r.passkey_json.clone())
        .bind(r.name.clone())
        .bind(r.sign_count)
        .bind(r.created_at)
        .bind(r.last_used_at)
        .execute(self.writer())
        .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if e.as_database_error().is_some_and(|d| d.is_unique_violation()) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// After a login: the updated credential (counter, backup state) and the time of use.
    /// Only moves forward from the counter that was read (`Ok(false)` on a race).
    pub async fn update_passkey_use(
        &self,
        id: &str,
        previous_count: i64,
        passkey_json: &str,
        sign_count: i64,
        at: i64,
    ) -> StoreResult<bool> {
        let result = sqlx::query(
            "UPDATE passkey_credentials SET passkey_json = $1, sign_count = $2, last_used_at = $3 \
             WHERE id = $4 AND sign_count = $5",
        )
        .bind(passkey_json.to_string())
        .bind(sign_count)
        .bind(at)
        .bind(id.to_string())
        .bind(previous_count)
        .execute(self.writer())
        .await?;
        Ok(result.rows_affected() == 1)
    }

    pub async fn delete_passkey(&self, identity_id: &str, id: &str) -> StoreResult<bool> {
        let result = sqlx::query("DELETE FROM passkey_credentials WHERE id = $1 AND identity_id = $2")
            .bind(id.to_string())
            .bind(identity_id.to_string())
            .execute(self.writer())
            .await?;
        Ok(result.rows_affected() == 1)
    }

    /// Replaces the registration in progress of a browser session.
    pub async fn put_passkey_registration(
        &self,
        session_sid: &str,
        identity_id: &str,
        state_json: &str,
        name: &str,
        expires_at: i64,
    ) -> StoreResult<()> {
        sqlx::query("DELETE FROM passkey_registrations WHERE session_sid = $1 OR expires_at < $2")
            .bind(session_sid.to_string())
            .bind(super::unix_now())
            .execute(self.writer())
            .await?;
        sqlx::query(
            "INSERT INTO passkey_registrations (session_sid, identity_id, state_json, name, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(session_sid.to_string())
        .bind(identity_id.to_string())
        .bind(state_json.to_string())
        .bind(name.to_string())
        .bind(expires_at)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// Takes (reads and deletes: single use) the registration in progress of a session:
    /// `(identity_id, state_json, name, expires_at)`.
    pub async fn take_passkey_registration(
        &self,
        session_sid: &str,
    ) -> StoreResult<Option<(String, String, String, i64)>> {
        let row = sqlx::query(
            "SELECT identity_id, state_json, name, expires_at FROM passkey_registrations WHERE session_sid = $1",
        )
        .bind(session_sid.to_string())
        .fetch_optional(self.writer())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let deleted = sqlx::query("DELETE FROM passkey_registrations WHERE session_sid = $1")
            .bind(session_sid.to_string())
            .execute(self.writer())
            .await?;
        if deleted.rows_affected() != 1 {
            return Ok(None);
        }
        Ok(Some((
            row.try_get("identity_id")?,
            row.try_get("state_json")?,
            row.try_get("name")?,
            row.try_get("expires_at")?,
        )))
    }
}
