//! The authenticator apps of accounts as the method sees them: the TOTP secret opened, while
//! the `password_totp` table only ever receives it sealed (`totp::SecretCipher`).

use super::{PasswordError, PasswordService};

/// An account's app with its secret in clear (base32), for checking or showing a code.
#[derive(Clone)]
pub struct TotpApp {
    pub secret_base32: String,
    pub is_confirmed: bool,
}

impl std::fmt::Debug for TotpApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TotpApp").field("is_confirmed", &self.is_confirmed).finish_non_exhaustive()
    }
}

impl PasswordService {
    /// The account's app, its secret opened.
    pub(crate) async fn find_app(&self, account_id: &str) -> Result<Option<TotpApp>, PasswordError> {
        let Some(record) = self.store.find_totp(account_id).await? else {
            return Ok(None);
        };
        let secret_base32 = self.totp_cipher.open(account_id, &record.stored_secret)?;
        Ok(Some(TotpApp { secret_base32, is_confirmed: record.is_confirmed }))
    }

    /// Replaces any app of the account with one for `secret_base32`, sealed.
    pub(crate) async fn store_app(
        &self,
        account_id: &str,
        secret_base32: &str,
        is_confirmed: bool,
        now: i64,
    ) -> Result<(), PasswordError> {
        let sealed = self.totp_cipher.seal(account_id, secret_base32)?;
        self.store.upsert_totp(account_id, &sealed, is_confirmed, now).await?;
        Ok(())
    }

    /// Seals every secret still stored in clear (written before secrets were sealed).
    /// Run at start; idempotent and safe on several nodes at once.
    pub async fn seal_clear_totp_secrets(&self) -> Result<usize, PasswordError> {
        let mut sealed = 0;
        for (account_id, clear) in self.store.find_unsealed_totp_secrets().await? {
            let value = self.totp_cipher.seal(&account_id, &clear)?;
            if self.store.update_totp_secret(&account_id, &clear, &value).await? {
                sealed += 1;
            }
        }
        if sealed > 0 {
            tracing::info!(password.totp_sealed = sealed, "sealed TOTP secrets stored in clear");
        }
        Ok(sealed)
    }
}
