//! Outgoing mail (`[mail]`): one-time codes and lockout notices, sent over SMTP with
//! lettre. In demo mode every mail is also kept in the `dev_outbox` table and shown at
//! `/demo/outbox` (a readable stand-in for a mailbox, demo only); when `mail.host` is
//! empty in demo mode, the outbox is the only destination.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};

use crate::kernel::ConfigError;
use crate::store::{Store, StoreError, unix_now};

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MailTls {
    /// STARTTLS on the submission port (587), required.
    Starttls,
    /// Implicit TLS (465).
    Tls,
    /// Plain text: only for a local relay.
    None,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MailSettings {
    /// SMTP host; empty = no SMTP (outside demo mode: no codes by e-mail).
    pub host: String,
    pub port: u16,
    /// The From address, e.g. `Poort <no-reply@poort.example.be>`.
    pub from: String,
    pub tls: MailTls,
    pub username: String,
    /// Set it through `POORT_MAIL__PASSWORD`, not in the file.
    pub password: crate::kernel::Secret<String>,
    pub timeout_secs: u64,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            host: String::new(),
            port: 587,
            from: "Poort <no-reply@poort.example>".into(),
            tls: MailTls::Starttls,
            username: String::new(),
            password: Default::default(),
            timeout_secs: 10,
        }
    }
}

impl MailSettings {
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(ConfigError::Invalid { key: "mail.from", problem: "not a mail address".into() });
        }
        if self.username.is_empty() != self.password.is_empty() {
            return Err(ConfigError::Invalid {
                key: "mail.username",
                problem: "mail.username and mail.password go together".into(),
            });
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("no mail service is configured")]
    NotConfigured,
    #[error("bad address: {0}")]
    Address(String),
    #[error("SMTP: {0}")]
    Smtp(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Sends mail as configured. Cheap to clone.
#[derive(Clone)]
pub struct Mailer {
    settings: MailSettings,
    is_demo: bool,
    store: Store,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("host", &self.settings.host).field("is_demo", &self.is_demo).finish()
    }
}

impl Mailer {
    pub fn new(settings: &MailSettings, is_demo: bool, store: Store) -> Self {
        if is_demo {
            tracing::warn!("DEMO MODE: mails are kept in the dev outbox at /demo/outbox (mock mailbox)");
        }
        Self { settings: settings.clone(), is_demo, store }
    }

    /// Whether mail can be sent at all (SMTP configured, or the demo outbox).
    pub fn is_available(&self) -> bool {
        self.is_demo || !self.settings.host.is_empty()
    }

    /// Sends a plain-text mail. Never logs the body (it may hold a code).
    pub async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), MailError> {
        if !self.is_available() {
            return Err(MailError::NotConfigured);
        }
        if self.is_demo {
            self.store.create_outbox_mail(to, subject, body, unix_now()).await?;
        }
        if !self.settings.host.is_empty() {
            self.send_smtp(to, subject, body).await?;
        }
        tracing::info!(mail.subject = subject, "mail sent");
        Ok(())
    }

    async fn send_smtp(&self, to: &str, subject: &str, body: &str) -> Result<(), MailError> {
        let s = &self.settings;
        let message = Message::builder()
            .from(s.from.parse().map_err(|e| MailError::Address(format!("{e}")))?)
            .to(to.parse().map_err(|e| MailError::Address(format!("{e}")))?)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())
            .map_err(|e| MailError::Address(e.to_string()))?;
        let builder = match s.tls {
            MailTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host),
            MailTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.host),
            MailTls::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host)),
        }
        .map_err(|e| MailError::Smtp(e.to_string()))?;
        let mut builder = builder.port(s.port).timeout(Some(Duration::from_secs(s.timeout_secs)));
        if !s.username.is_empty() {
            builder = builder.credentials(Credentials::new(s.username.clone(), s.password.expose().clone()));
        }
        builder.build().send(message).await.map_err(|e| MailError::Smtp(e.to_string()))?;
        Ok(())
    }
}
