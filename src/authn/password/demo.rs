//! Demo accounts (`[[password.demo_accounts]]`), created at start in demo mode only.
//! Idempotent: an existing username is left alone, so restarts keep changes — except an
//! authenticator app whose secret is too short to be used any more (the 80-bit demo secret
//! of older demo databases), which gets the configured demo secret again.

use super::{PasswordError, PasswordService, codes, totp};
use crate::store::password::PasswordAccount;
use crate::store::unix_now;

impl PasswordService {
    pub async fn seed_demo_accounts(&self) -> Result<usize, PasswordError> {
        let mut created = 0;
        for demo in &self.settings.demo_accounts {
            if let Some(existing) = self.store.find_password_account_by_username(&demo.username).await? {
                self.renew_short_demo_secret(&existing.id, demo.totp_secret.as_deref()).await?;
                continue;
            }
            let national_number = crate::domain::NationalNumber::parse(&demo.national_number)
                .map(|n| n.as_str().to_string())
                .unwrap_or_else(|_| demo.national_number.clone());
            let now = unix_now();
            let account = PasswordAccount {
                id: uuid::Uuid::new_v4().simple().to_string(),
                national_number,
                username: demo.username.clone(),
                password_hash: self.hasher.hash(demo.password.clone()).await?,
                email: demo.email.clone(),
                created_at: now,
                updated_at: now,
            };
            if !self.store.create_password_account(&account).await? {
                continue; // another node seeded it at the same moment
            }
            if let Some(secret) = &demo.totp_secret {
                self.store_app(&account.id, secret, true, now).await?;
            }
            if demo.has_demo_token_card {
                self.store_card(&account, codes::demo_token_card()).await?;
            }
            created += 1;
        }
        if created > 0 {
            tracing::warn!(password.demo_accounts = created, "DEMO MODE: demo password accounts created");
        }
        Ok(created)
    }

    /// Replaces an existing demo account's app secret below 128 bits with `configured`.
    async fn renew_short_demo_secret(
        &self,
        account_id: &str,
        configured: Option<&str>,
    ) -> Result<(), PasswordError> {
        let (Some(configured), Some(app)) = (configured, self.find_app(account_id).await?) else {
            return Ok(());
        };
        let is_short = totp::secret_bits(&app.secret_base32).is_none_or(|bits| bits < totp::MIN_SECRET_BITS);
        if is_short {
            self.store_app(account_id, configured, true, unix_now()).await?;
            tracing::warn!(
                "DEMO MODE: a demo account's TOTP secret under 128 bits was replaced by the configured one"
            );
        }
        Ok(())
    }
}
