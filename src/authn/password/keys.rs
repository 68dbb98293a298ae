//! Managing one's own keys ("My digital keys"): create the account, change the password,
//! set the e-mail address, enrol or remove an authenticator app, order a token card.
//! Callers check first that the person logged in strongly enough (Level450+).

use super::policy::{PolicyViolation, normalize_username};
use super::{PasswordError, PasswordService, codes, totp};
use crate::store::password::{PasswordAccount, TokenCard};
use crate::store::unix_now;

/// A change refused for a reason the person can fix. `key()` names the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyRefusal {
    Policy(PolicyViolation),
    UsernameTaken,
    BadEmail,
    WrongCode,
}

impl KeyRefusal {
    pub fn key(&self) -> &'static str {
        match self {
            KeyRefusal::Policy(v) => v.key(),
            KeyRefusal::UsernameTaken => "password.rule.username_taken",
            KeyRefusal::BadEmail => "password.rule.email",
            KeyRefusal::WrongCode => "password.keys.wrong_code",
        }
    }
}

/// What enrolling an app shows: the secret (to type) and its QR code.
#[derive(Debug, Clone)]
pub struct Enrolment {
    pub secret_base32: String,
    pub otpauth_url: String,
    pub qr_data_uri: String,
}

/// A card just ordered: shown once, then only HMACs remain.
#[derive(Debug, Clone)]
pub struct NewCard {
    pub serial: String,
    pub codes: Vec<String>,
}

fn check_email(email: &str) -> Result<Option<String>, KeyRefusal> {
    let email = email.trim();
    if email.is_empty() {
        return Ok(None);
    }
    email.parse::<lettre::Address>().map(|_| Some(email.to_string())).map_err(|_| KeyRefusal::BadEmail)
}

impl PasswordService {
    pub async fn account_of(&self, national_number: &str) -> Result<Option<PasswordAccount>, PasswordError> {
        Ok(self.store.find_password_account_by_person(national_number).await?)
    }

    /// Creates the account of a person who has none. The username can never change.
    pub async fn create_account(
        &self,
        national_number: &str,
        username: &str,
        password: &str,
        confirmation: &str,
        email: &str,
    ) -> Result<Result<PasswordAccount, KeyRefusal>, PasswordError> {
        let username = username.trim();
        if let Err(v) = self.policy.check_username(username) {
            return Ok(Err(KeyRefusal::Policy(v)));
        }
        if let Err(v) = self.policy.check_password(password, confirmation, username) {
            return Ok(Err(KeyRefusal::Policy(v)));
        }
        let email = match check_email(email) {
            Ok(email) => email,
            Err(refusal) => return Ok(Err(refusal)),
        };
        if self.store.find_password_account_by_username(username).await?.is_some() {
            return Ok(Err(KeyRefusal::UsernameTaken));
        }
        let now = unix_now();
        let account = PasswordAccount {
            id: uuid::Uuid::new_v4().simple().to_string(),
            national_number: national_number.to_string(),
            username: normalize_username(username),
            password_hash: self.hasher.hash(password.to_string()).await?,
            email,
            created_at: now,
            updated_at: now,
        };
        if !self.store.create_password_account(&account).await? {
            return Ok(Err(KeyRefusal::UsernameTaken));
        }
        tracing::info!(person.nrn_masked = %mask(national_number), "password account created");
        Ok(Ok(account))
    }

    pub async fn change_password(
        &self,
        account: &PasswordAccount,
        password: &str,
        confirmation: &str,
    ) -> Result<Result<(), KeyRefusal>, PasswordError> {
        if let Err(v) = self.policy.check_password(password, confirmation, &account.username) {
            return Ok(Err(KeyRefusal::Policy(v)));
        }
        let hash = self.hasher.hash(password.to_string()).await?;
        self.store.update_password_hash(&account.id, &hash, unix_now()).await?;
        Ok(Ok(()))
    }

    pub async fn set_email(
        &self,
        account: &PasswordAccount,
        email: &str,
    ) -> Result<Result<(), KeyRefusal>, PasswordError> {
        match check_email(email) {
            Ok(email) => {
                self.store.update_password_email(&account.id, email.as_deref(), unix_now()).await?;
                Ok(Ok(()))
            }
            Err(refusal) => Ok(Err(refusal)),
        }
    }

    /// Starts (or restarts) enrolling an app: a new unconfirmed secret replaces any app.
    pub async fn start_app_enrolment(&self, account: &PasswordAccount) -> Result<(), PasswordError> {
        self.store_app(&account.id, &totp::new_secret(), false, unix_now()).await?;
        Ok(())
    }

    /// The pending enrolment, if one is under way.
    pub async fn app_enrolment(&self, account: &PasswordAccount) -> Result<Option<Enrolment>, PasswordError> {
        let Some(app) = self.find_app(&account.id).await?.filter(|a| !a.is_confirmed) else {
            return Ok(None);
        };
        let url = totp::otpauth_url(&app.secret_base32, &account.username, &self.settings.totp_issuer)?;
        let qr = totp::qr_svg_data_uri(&url)?;
        Ok(Some(Enrolment { secret_base32: app.secret_base32, otpauth_url: url, qr_data_uri: qr }))
    }

    /// Confirms the pending app with its first code (which is then used up).
    pub async fn confirm_app(
        &self,
        account: &PasswordAccount,
        code: &str,
    ) -> Result<Result<(), KeyRefusal>, PasswordError> {
        let Some(app) = self.find_app(&account.id).await?.filter(|a| !a.is_confirmed) else {
            return Ok(Err(KeyRefusal::WrongCode));
        };
        match totp::check(&app.secret_base32, code, unix_now()) {
            Some(step) if self.store.use_totp_step(&account.id, step, false).await? => Ok(Ok(())),
            _ => Ok(Err(KeyRefusal::WrongCode)),
        }
    }

    pub async fn has_app(&self, account: &PasswordAccount) -> Result<bool, PasswordError> {
        Ok(self.store.find_totp(&account.id).await?.is_some_and(|a| a.is_confirmed))
    }

    pub async fn remove_app(&self, account: &PasswordAccount) -> Result<(), PasswordError> {
        Ok(self.store.delete_totp(&account.id).await?)
    }

    /// Orders a new card (revoking the old one) and returns its codes, to show once.
    pub async fn order_token_card(&self, account: &PasswordAccount) -> Result<NewCard, PasswordError> {
        self.store_card(account, codes::new_token_card()).await
    }

    pub(crate) async fn store_card(
        &self,
        account: &PasswordAccount,
        card_codes: Vec<String>,
    ) -> Result<NewCard, PasswordError> {
        let card = TokenCard {
            id: uuid::Uuid::new_v4().simple().to_string(),
            serial: codes::new_serial(),
            created_at: unix_now(),
        };
        let hmacs: Vec<String> =
            card_codes.iter().map(|c| codes::code_hmac(&self.code_key, &card.id, c)).collect();
        self.store.create_token_card(&account.id, &card, &hmacs).await?;
        Ok(NewCard { serial: card.serial, codes: card_codes })
    }

    /// The serial and number of unused codes of the active card.
    pub async fn token_card_status(
        &self,
        account: &PasswordAccount,
    ) -> Result<Option<(String, usize)>, PasswordError> {
        let Some(card) = self.store.find_active_token_card(&account.id).await? else {
            return Ok(None);
        };
        let unused = self.store.find_unused_token_positions(&card.id).await?.len();
        Ok(Some((card.serial, unused)))
    }
}

/// `780314*****` style masking for logs.
fn mask(national_number: &str) -> String {
    crate::domain::NationalNumber::parse(national_number).map(|n| n.masked()).unwrap_or_else(|_| "?".into())
}
