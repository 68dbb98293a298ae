//! SQL of the demo outbox (`dev_outbox`): mails kept for `/demo/outbox`, demo mode only.

use sqlx::Row as _;

use super::{Store, StoreResult};

/// One mail in the demo outbox.
#[derive(Debug, Clone)]
pub struct OutboxMail {
    pub id: String,
    pub at: i64,
    pub recipient: String,
    pub subject: String,
    pub body: String,
}

impl Store {
    pub async fn create_outbox_mail(
        &self,
        recipient: &str,
        subject: &str,
        body: &str,
        now: i64,
    ) -> StoreResult<()> {
        sqlx::query("INSERT INTO dev_outbox (id, at, recipient, subject, body) VALUES ($1, $2, $3, $4, $5)")
            .bind(uuid::Uuid::new_v4().simple().to_string())
            .bind(now)
            .bind(recipient.to_string())
            .bind(subject.to_string())
            .bind(body.to_string())
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// The latest mails first.
    pub async fn find_outbox_mails(&self, limit: i64) -> StoreResult<Vec<OutboxMail>> {
        let rows = sqlx::query(
            "SELECT id, at, recipient, subject, body FROM dev_outbox ORDER BY at DESC, id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(OutboxMail {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    recipient: r.try_get("recipient")?,
                    subject: r.try_get("subject")?,
                    body: r.try_get("body")?,
                })
            })
            .collect()
    }
}
