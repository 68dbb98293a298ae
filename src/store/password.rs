//! SQL of the username/password method: accounts, TOTP apps, e-mail codes, token cards,
//! brute-force counters and the demo outbox (`password_*`, `dev_outbox`).

use sqlx::Row as _;
use sqlx::any::AnyRow;

use super::{Store, StoreResult, flag};

/// A username/password account.
#[derive(Debug, Clone)]
pub struct PasswordAccount {
    pub id: String,
    pub national_number: String,
    pub username: String,
    pub password_hash: String,
    pub email: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A TOTP app, confirmed or still enrolling.
#[derive(Debug, Clone)]
pub struct TotpRecord {
    /// As stored: sealed (`v1:…`, see `authn::password::totp::SecretCipher`), or a clear
    /// base32 secret written before secrets were sealed.
    pub stored_secret: String,
    pub is_confirmed: bool,
    pub last_used_step: i64,
}

/// The active token card of an account.
#[derive(Debug, Clone)]
pub struct TokenCard {
    pub id: String,
    pub serial: String,
    pub created_at: i64,
}

const ACCOUNT_COLUMNS: &str = "id, national_number, username, password_hash, email, created_at, updated_at";

fn account(row: &AnyRow) -> StoreResult<PasswordAccount> {
    Ok(PasswordAccount {
        id: row.try_get("id")?,
        national_number: row.try_get("national_number")?,
        username: row.try_get("username")?,
        password_hash: row.try_get("password_hash")?,
        email: row.try_get("email")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error().is_some_and(|d| d.is_unique_violation())
}

impl Store {
    pub async fn find_password_account_by_username(
        &self,
        username: &str,
    ) -> StoreResult<Option<PasswordAccount>> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM password_accounts WHERE username = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(username.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(account).transpose()
    }

    pub async fn find_password_account_by_person(
        &self,
        national_number: &str,
    ) -> StoreResult<Option<PasswordAccount>> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM password_accounts WHERE national_number = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(national_number.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(account).transpose()
    }

    /// Creates an account; `Ok(false)` when the username (or the person) already has one.
    pub async fn create_password_account(&self, a: &PasswordAccount) -> StoreResult<bool> {
        let result = sqlx::query(
            "INSERT INTO password_accounts (id, national_number, username, password_hash, email, created_at, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(a.id.clone())
        .bind(a.national_number.clone())
        .bind(a.username.clone())
        .bind(a.password_hash.clone())
        .bind(a.email.clone())
        .bind(a.created_at)
        .bind(a.updated_at)
        .execute(self.writer())
        .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if is_unique_violation(&e) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn update_password_hash(&self, account_id: &str, hash: &str, now: i64) -> StoreResult<()> {
        sqlx::query("UPDATE password_accounts SET password_hash = $2, updated_at = $3 WHERE id = $1")
            .bind(account_id.to_string())
            .bind(hash.to_string())
            .bind(now)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    pub async fn update_password_email(
        &self,
        account_id: &str,
        email: Option<&str>,
        now: i64,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE password_accounts SET email = $2, updated_at = $3 WHERE id = $1")
            .bind(account_id.to_string())
            .bind(email.map(str::to_string))
            .bind(now)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    // ---- TOTP apps -------------------------------------------------------------------

    pub async fn find_totp(&self, account_id: &str) -> StoreResult<Option<TotpRecord>> {
        let row = sqlx::query(
            "SELECT secret_base32, is_confirmed, last_used_step FROM password_totp WHERE account_id = $1",
        )
        .bind(account_id.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(TotpRecord {
                stored_secret: r.try_get("secret_base32")?,
                is_confirmed: r.try_get::<i64, _>("is_confirmed")? == 1,
                last_used_step: r.try_get("last_used_step")?,
            })
        })
        .transpose()
    }

    /// `(account_id, stored secret)` of every app whose secret is not sealed (`v1:`).
    pub async fn find_unsealed_totp_secrets(&self) -> StoreResult<Vec<(String, String)>> {
        let rows = sqlx::query(
            "SELECT account_id, secret_base32 FROM password_totp WHERE secret_base32 NOT LIKE 'v1:%'",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| Ok((r.try_get("account_id")?, r.try_get("secret_base32")?))).collect()
    }

    /// Replaces a stored secret by its sealed form, only if it is still `old` (another
    /// node may have sealed it, or the person enrolled a new app, in the meantime).
    pub async fn update_totp_secret(&self, account_id: &str, old: &str, sealed: &str) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE password_totp SET secret_base32 = $3 WHERE account_id = $1 AND secret_base32 = $2",
        )
        .bind(account_id.to_string())
        .bind(old.to_string())
        .bind(sealed.to_string())
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Replaces any app of the account with a new one (unconfirmed unless `is_confirmed`).
    /// `sealed_secret` is the secret as stored (sealed by the caller).
    pub async fn upsert_totp(
        &self,
        account_id: &str,
        sealed_secret: &str,
        is_confirmed: bool,
        now: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO password_totp (account_id, secret_base32, is_confirmed, last_used_step, created_at) \
             VALUES ($1, $2, $3, 0, $4) ON CONFLICT (account_id) DO UPDATE SET \
             secret_base32 = excluded.secret_base32, is_confirmed = excluded.is_confirmed, \
             last_used_step = 0, created_at = excluded.created_at",
        )
        .bind(account_id.to_string())
        .bind(sealed_secret.to_string())
        .bind(flag(is_confirmed))
        .bind(now)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// Records `step` as used if it is later than every step used before. Atomic, so a
    /// code replayed on another node at the same moment is refused too (RFC 6238 §5.2).
    /// `require_confirmed = false` is for the enrolment confirmation.
    pub async fn use_totp_step(
        &self,
        account_id: &str,
        step: i64,
        require_confirmed: bool,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE password_totp SET last_used_step = $2, is_confirmed = 1 \
             WHERE account_id = $1 AND last_used_step < $2 AND is_confirmed >= $3",
        )
        .bind(account_id.to_string())
        .bind(step)
        .bind(flag(require_confirmed))
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn delete_totp(&self, account_id: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM password_totp WHERE account_id = $1")
            .bind(account_id.to_string())
            .execute(self.writer())
            .await?;
        Ok(())
    }

    // ---- codes by e-mail --------------------------------------------------------------

    pub async fn create_email_code(
        &self,
        account_id: &str,
        tx_id: &str,
        code_hmac: &str,
        now: i64,
        expires_at: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO password_email_codes (id, account_id, tx_id, code_hmac, expires_at, used_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, NULL, $6)",
        )
        .bind(uuid::Uuid::new_v4().simple().to_string())
        .bind(account_id.to_string())
        .bind(tx_id.to_string())
        .bind(code_hmac.to_string())
        .bind(expires_at)
        .bind(now)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// How many codes were sent for this transaction (a cap against mail bombing).
    pub async fn count_email_codes(&self, account_id: &str, tx_id: &str) -> StoreResult<i64> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM password_email_codes WHERE account_id = $1 AND tx_id = $2",
        )
        .bind(account_id.to_string())
        .bind(tx_id.to_string())
        .fetch_one(self.pool())
        .await?;
        Ok(row.try_get("n")?)
    }

    /// Marks a matching, unexpired, unused code as used. True if there was one.
    pub async fn consume_email_code(
        &self,
        account_id: &str,
        tx_id: &str,
        code_hmac: &str,
        now: i64,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE password_email_codes SET used_at = $4 WHERE account_id = $1 AND tx_id = $2 \
             AND code_hmac = $3 AND used_at IS NULL AND expires_at > $4",
        )
        .bind(account_id.to_string())
        .bind(tx_id.to_string())
        .bind(code_hmac.to_string())
        .bind(now)
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() >= 1)
    }

    // ---- token cards ------------------------------------------------------------------

    /// Stores a new card (codes as HMACs, positions 1..) and revokes the previous ones.
    pub async fn create_token_card(
        &self,
        account_id: &str,
        card: &TokenCard,
        code_hmacs: &[String],
    ) -> StoreResult<()> {
        let mut tx = self.writer().begin().await?;
        sqlx::query(
            "UPDATE password_token_cards SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL",
        )
        .bind(account_id.to_string())
        .bind(card.created_at)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO password_token_cards (id, account_id, serial, created_at, revoked_at) \
             VALUES ($1, $2, $3, $4, NULL)",
        )
        .bind(card.id.clone())
        .bind(account_id.to_string())
        .bind(card.serial.clone())
        .bind(card.created_at)
        .execute(&mut *tx)
        .await?;
        for (i, code_hmac) in code_hmacs.iter().enumerate() {
            sqlx::query("INSERT INTO password_token_codes (card_id, position, code_hmac, used_at) VALUES ($1, $2, $3, NULL)")
                .bind(card.id.clone())
                .bind(i64::try_from(i + 1).unwrap_or(i64::MAX))
                .bind(code_hmac.clone())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn find_active_token_card(&self, account_id: &str) -> StoreResult<Option<TokenCard>> {
        let row = sqlx::query(
            "SELECT id, serial, created_at FROM password_token_cards WHERE account_id = $1 AND revoked_at IS NULL \
             ORDER BY created_at DESC",
        )
        .bind(account_id.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(TokenCard {
                id: r.try_get("id")?,
                serial: r.try_get("serial")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .transpose()
    }

    pub async fn find_unused_token_positions(&self, card_id: &str) -> StoreResult<Vec<i64>> {
        let rows = sqlx::query(
            "SELECT position FROM password_token_codes WHERE card_id = $1 AND used_at IS NULL ORDER BY position",
        )
        .bind(card_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| Ok(r.try_get("position")?)).collect()
    }

    /// Marks code `position` used if it matches and was not used. True if it did.
    pub async fn consume_token_code(
        &self,
        card_id: &str,
        position: i64,
        code_hmac: &str,
        now: i64,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE password_token_codes SET used_at = $4 WHERE card_id = $1 AND position = $2 \
             AND code_hmac = $3 AND used_at IS NULL",
        )
        .bind(card_id.to_string())
        .bind(position)
        .bind(code_hmac.to_string())
        .bind(now)
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
