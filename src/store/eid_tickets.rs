//! SQL of the eID hand-over tickets (`eid_tickets`): single-use, short-lived, stored as a
//! hash. The ticket logic is in `authn::eid::ticket`.

use sqlx::Row as _;

use super::{Store, StoreResult};

/// A ticket row as stored (the ticket value itself is never stored).
#[derive(Clone)]
pub struct EidTicketRow {
    pub tx_id: String,
    pub national_number: String,
    pub given_names: String,
    pub surname: String,
    pub certificate_sha256: String,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

impl std::fmt::Debug for EidTicketRow {
    // Never prints the national number or names (they end up in logs).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EidTicketRow")
            .field("tx_id", &self.tx_id)
            .field("expires_at", &self.expires_at)
            .field("used_at", &self.used_at)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Stores a new ticket under `ticket_hash`; also forgets tickets expired an hour ago.
    pub async fn create_eid_ticket(&self, ticket_hash: &str, row: &EidTicketRow, now: i64) -> StoreResult<()> {
        sqlx::query("DELETE FROM eid_tickets WHERE expires_at < $1")
            .bind(now - 3600)
            .execute(self.pool())
            .await?;
        sqlx::query(
            "INSERT INTO eid_tickets (ticket_hash, tx_id, national_number, given_names, surname, \
             certificate_sha256, created_at, expires_at, used_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL)",
        )
        .bind(ticket_hash.to_string())
        .bind(row.tx_id.clone())
        .bind(row.national_number.clone())
        .bind(row.given_names.clone())
        .bind(row.surname.clone())
        .bind(row.certificate_sha256.clone())
        .bind(now)
        .bind(row.expires_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn find_eid_ticket(&self, ticket_hash: &str) -> StoreResult<Option<EidTicketRow>> {
        let row = sqlx::query(
            "SELECT tx_id, national_number, given_names, surname, certificate_sha256, expires_at, used_at \
             FROM eid_tickets WHERE ticket_hash = $1",
        )
        .bind(ticket_hash.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(EidTicketRow {
                tx_id: r.try_get("tx_id")?,
                national_number: r.try_get("national_number")?,
                given_names: r.try_get("given_names")?,
                surname: r.try_get("surname")?,
                certificate_sha256: r.try_get("certificate_sha256")?,
                expires_at: r.try_get("expires_at")?,
                used_at: r.try_get("used_at")?,
            })
        })
        .transpose()
    }

    /// Marks an unused ticket as used; false when it was already used (the loser of a race).
    pub async fn update_eid_ticket_used(&self, ticket_hash: &str, now: i64) -> StoreResult<bool> {
        let done = sqlx::query("UPDATE eid_tickets SET used_at = $1 WHERE ticket_hash = $2 AND used_at IS NULL")
            .bind(now)
            .bind(ticket_hash.to_string())
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Status and expiry of a login transaction, for the eID TLS listener, which cannot
    /// present the transaction's browser-binding cookie (another origin); the binding is
    /// checked when the ticket is redeemed on the main listener.
    pub async fn find_login_transaction_status_for_eid(&self, tx_id: &str) -> StoreResult<Option<(String, i64)>> {
        let row = sqlx::query("SELECT status, expires_at FROM login_transactions WHERE id = $1")
            .bind(tx_id.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| Ok((r.try_get("status")?, r.try_get("expires_at")?))).transpose()
    }
}
