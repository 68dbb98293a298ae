//! The checks of a login: password (with throttling and equal timing for unknown users),
//! then one second factor. Plain values in, plain values out; `routes` does HTTP.

use std::net::IpAddr;

use super::policy::normalize_username;
use super::{Factor, PasswordError, PasswordService, codes, throttle, totp};
use crate::store::password::PasswordAccount;
use crate::store::unix_now;

/// The answer to a username + password (or a second-factor code).
#[derive(Debug)]
pub enum Check<T> {
    Accepted(T),
    /// Wrong password, unknown username or wrong code: one answer for all.
    Refused,
    /// Too many failures: try again after this many seconds (nothing was checked).
    Throttled {
        retry_after: i64,
    },
}

/// The challenge of a token-card login: which card, which code number.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct CardChallenge {
    pub card_id: String,
    pub serial: String,
    pub position: i64,
}

impl PasswordService {
    fn keys(username: &str, addr: IpAddr) -> [String; 2] {
        [throttle::account_key(&normalize_username(username)), throttle::address_key(addr)]
    }

    async fn throttled(&self, keys: &[String; 2], now: i64) -> Result<Option<i64>, PasswordError> {
        let refs = [keys[0].as_str(), keys[1].as_str()];
        Ok(throttle::retry_after(&self.store, &refs, now).await?)
    }

    /// Counts a failure on the account and the address; notifies the owner once per
    /// series when the account passes `notify_after_failures`.
    async fn fail(
        &self,
        keys: &[String; 2],
        account: Option<&PasswordAccount>,
        now: i64,
    ) -> Result<(), PasswordError> {
        let t = &self.settings.throttle;
        let failures = throttle::record_failure(&self.store, t, &keys[0], t.free_failures, now).await?;
        throttle::record_failure(&self.store, t, &keys[1], t.address_free_failures, now).await?;
        if failures >= t.notify_after_failures
            && let Some(email) = account.and_then(|a| a.email.clone())
            && self.store.mark_throttle_notified(&keys[0], now).await?
        {
            // In the background: the answer must not take longer for real accounts.
            let mailer = self.mailer.clone();
            let failures_text = failures.to_string();
            tokio::spawn(async move {
                let body = format!(
                    "Poort: {failures_text} failed login attempts were made on your account.\n\
                     Logins are delayed for a while. If this was not you, change your password in \
                     My digital keys after logging in with your eID or itsme.\n\n\
                     Poort: {failures_text} mislukte aanmeldpogingen op uw account. Als u dit niet was, \
                     wijzig uw wachtwoord in Mijn digitale sleutels."
                );
                if let Err(e) =
                    mailer.send(&email, "Poort: failed login attempts / mislukte aanmeldingen", &body).await
                {
                    tracing::warn!(error = %e, "lockout notice not sent");
                }
            });
        }
        tracing::info!(password.failures = failures, "password login refused");
        Ok(())
    }

    /// Step 1: username and password.
    pub async fn check_password(
        &self,
        username: &str,
        password: &str,
        addr: IpAddr,
    ) -> Result<Check<PasswordAccount>, PasswordError> {
        let now = unix_now();
        let keys = Self::keys(username, addr);
        if let Some(retry_after) = self.throttled(&keys, now).await? {
            tracing::warn!(password.retry_after = retry_after, "password login throttled");
            return Ok(Check::Throttled { retry_after });
        }
        let account = self.store.find_password_account_by_username(&normalize_username(username)).await?;
        let is_match = self
            .hasher
            .verify(password.to_string(), account.as_ref().map(|a| a.password_hash.clone()))
            .await?;
        match account {
            Some(account) if is_match => {
                self.store.delete_throttle(&keys[0]).await?;
                Ok(Check::Accepted(account))
            }
            account => {
                self.fail(&keys, account.as_ref(), now).await?;
                Ok(Check::Refused)
            }
        }
    }

    /// The second factors a person can use now, strongest first.
    pub async fn factors(&self, account: &PasswordAccount) -> Result<Vec<Factor>, PasswordError> {
        let mut factors = Vec::new();
        if self.store.find_totp(&account.id).await?.is_some_and(|t| t.is_confirmed) {
            factors.push(Factor::App);
        }
        if account.email.is_some() && self.mailer.is_available() {
            factors.push(Factor::Email);
        }
        if let Some(card) = self.store.find_active_token_card(&account.id).await?
            && !self.store.find_unused_token_positions(&card.id).await?.is_empty()
        {
            factors.push(Factor::Card);
        }
        Ok(factors)
    }

    /// Sends a fresh code for this transaction. `false` when the cap of 5 codes per
    /// transaction is reached (no mail bombing).
    pub async fn send_email_code(
        &self,
        account: &PasswordAccount,
        tx_id: &str,
    ) -> Result<bool, PasswordError> {
        let Some(email) = account.email.as_deref() else {
            return Ok(false);
        };
        if self.store.count_email_codes(&account.id, tx_id).await? >= 5 {
            return Ok(false);
        }
        let now = unix_now();
        let code = codes::new_code();
        let hmac = codes::code_hmac(&self.code_key, &account.id, &code);
        self.store
            .create_email_code(&account.id, tx_id, &hmac, now, now + self.settings.email_code_ttl_secs)
            .await?;
        let minutes = self.settings.email_code_ttl_secs / 60;
        let body = format!(
            "Your Poort security code / Uw Poort-beveiligingscode: {code}\n\n\
             Valid for {minutes} minutes, once. / Geldig gedurende {minutes} minuten, één keer.\n\
             Never give this code to anyone. / Geef deze code nooit aan iemand."
        );
        self.mailer.send(email, "Poort security code / beveiligingscode", &body).await?;
        Ok(true)
    }

    /// Picks the token-card code to ask for.
    pub async fn card_challenge(
        &self,
        account: &PasswordAccount,
    ) -> Result<Option<CardChallenge>, PasswordError> {
        let Some(card) = self.store.find_active_token_card(&account.id).await? else {
            return Ok(None);
        };
        let unused = self.store.find_unused_token_positions(&card.id).await?;
        Ok(codes::pick_position(&unused).map(|position| CardChallenge {
            card_id: card.id,
            serial: card.serial,
            position,
        }))
    }

    /// Step 2: the code of one factor. A refusal counts as a failure on the account.
    pub async fn check_factor(
        &self,
        account: &PasswordAccount,
        factor: Factor,
        tx_id: &str,
        challenge: Option<&CardChallenge>,
        code: &str,
        addr: IpAddr,
    ) -> Result<Check<Factor>, PasswordError> {
        let now = unix_now();
        let keys = Self::keys(&account.username, addr);
        if let Some(retry_after) = self.throttled(&keys, now).await? {
            tracing::warn!(password.retry_after = retry_after, "password login throttled");
            return Ok(Check::Throttled { retry_after });
        }
        let code = code.trim();
        let is_ok = match factor {
            Factor::App => match self.find_app(&account.id).await? {
                Some(app) if app.is_confirmed => match totp::check(&app.secret_base32, code, now) {
                    Some(step) => self.store.use_totp_step(&account.id, step, true).await?,
                    None => false,
                },
                _ => false,
            },
            Factor::Email => {
                let hmac = codes::code_hmac(&self.code_key, &account.id, code);
                self.store.consume_email_code(&account.id, tx_id, &hmac, now).await?
            }
            Factor::Card => match challenge {
                Some(c) => {
                    let hmac = codes::code_hmac(&self.code_key, &c.card_id, code);
                    self.store.consume_token_code(&c.card_id, c.position, &hmac, now).await?
                }
                None => false,
            },
        };
        if is_ok {
            self.store.delete_throttle(&keys[0]).await?;
            Ok(Check::Accepted(factor))
        } else {
            self.fail(&keys, Some(account), now).await?;
            Ok(Check::Refused)
        }
    }
}
