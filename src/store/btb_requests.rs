//! SQL of BTB's exception-procedure requests (`btb_exception_requests`). Filing is no
//! change of a grant (an audit row says who filed it); every decision of the back office
//! requires its `Decision<DecideRequests>`, moves the status with a compare-and-set and
//! appends its audit row.

use sqlx::Row as _;
use sqlx::any::AnyRow;

use super::access_audit::{AuditEntry, append};
use super::access_rights::{Actor, Decision, kinds};
use super::{Store, StoreResult, unix_now};
use crate::domain::{EnterpriseNumber, NationalNumber};

/// One request as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRow {
    pub ticket: String,
    pub enterprise_number: String,
    pub requester: String,
    pub requester_language: String,
    pub representative: String,
    pub representative_first_name: String,
    pub representative_last_name: String,
    /// The designation form, JSON (the access layer's type).
    pub form: String,
    pub status: String,
    pub has_document: bool,
    pub first_approver: Option<String>,
    pub decided_by: Option<String>,
    pub reason: Option<String>,
    pub created_at: i64,
}

macro_rules! request_select {
    () => {
        "SELECT ticket, enterprise_number, requester, requester_language, representative, representative_first_name, \
         representative_last_name, form, status, document_uploaded_at, first_approver, decided_by, reason, created_at \
         FROM btb_exception_requests"
    };
}

fn request_from(r: &AnyRow) -> StoreResult<RequestRow> {
    Ok(RequestRow {
        ticket: r.try_get("ticket")?,
        enterprise_number: r.try_get("enterprise_number")?,
        requester: r.try_get("requester")?,
        requester_language: r.try_get("requester_language")?,
        representative: r.try_get("representative")?,
        representative_first_name: r.try_get("representative_first_name")?,
        representative_last_name: r.try_get("representative_last_name")?,
        form: r.try_get("form")?,
        status: r.try_get("status")?,
        has_document: r.try_get::<Option<i64>, _>("document_uploaded_at")?.is_some(),
        first_approver: r.try_get("first_approver")?,
        decided_by: r.try_get("decided_by")?,
        reason: r.try_get("reason")?,
        created_at: r.try_get("created_at")?,
    })
}

impl Store {
    /// Files a request; `false` when the ticket exists (draw another).
    pub async fn create_btb_request(&self, actor: &Actor, r: &RequestRow) -> StoreResult<bool> {
        let mut tx = self.writer().begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO btb_exception_requests (ticket, enterprise_number, requester, requester_language, representative, \
             representative_first_name, representative_last_name, form, status, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9) ON CONFLICT (ticket) DO NOTHING",
        )
        .bind(r.ticket.clone())
        .bind(r.enterprise_number.clone())
        .bind(r.requester.clone())
        .bind(r.requester_language.clone())
        .bind(r.representative.clone())
        .bind(r.representative_first_name.clone())
        .bind(r.representative_last_name.clone())
        .bind(r.form.clone())
        .bind(unix_now())
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        let enterprise = EnterpriseNumber::parse(&r.enterprise_number).ok();
        let entry = AuditEntry {
            kind: "btb.exception_filed",
            enterprise: enterprise.as_ref(),
            domain: None,
            subject: None,
            detail: serde_json::json!({ "ticket": r.ticket }),
        };
        append(&mut tx, actor, &entry).await?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn find_btb_request(&self, ticket: &str) -> StoreResult<Option<RequestRow>> {
        let row = sqlx::query(concat!(request_select!(), " WHERE ticket = $1"))
            .bind(ticket.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| request_from(&r)).transpose()
    }

    /// Requests by status (empty: every status), ticket and enterprise filters, newest first.
    pub async fn find_btb_requests(
        &self,
        statuses: &[&str],
        ticket: &str,
        enterprise: &str,
        limit: i64,
    ) -> StoreResult<Vec<RequestRow>> {
        let rows = sqlx::query(concat!(
            request_select!(),
            " WHERE ($1 = '' OR ticket = $1) AND ($2 = '' OR enterprise_number = $2) ORDER BY created_at DESC LIMIT $3"
        ))
        .bind(ticket.to_string())
        .bind(enterprise.to_string())
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        let all: Vec<RequestRow> = rows.iter().map(request_from).collect::<StoreResult<_>>()?;
        Ok(all.into_iter().filter(|r| statuses.is_empty() || statuses.contains(&r.status.as_str())).collect())
    }

    /// The signed document, base64.
    pub async fn find_btb_request_document(&self, ticket: &str) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT document FROM btb_exception_requests WHERE ticket = $1")
            .bind(ticket.to_string())
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|r| r.try_get::<Option<String>, _>("document")).transpose()?.flatten())
    }

    /// Stores the signed document of an undecided request; `false` when decided meanwhile.
    pub async fn set_btb_request_document(
        &self,
        decision: &Decision<kinds::DecideRequests>,
        ticket: &str,
        base64: &str,
    ) -> StoreResult<bool> {
        let sql = "UPDATE btb_exception_requests SET document = $1, document_uploaded_at = $2 \
                   WHERE ticket = $3 AND status IN ('pending', 'approved_once') RETURNING enterprise_number";
        let query = sqlx::query(sql).bind(base64.to_string()).bind(unix_now()).bind(ticket.to_string());
        self.move_request(decision, ticket, query, "btb.exception_document_uploaded").await
    }

    /// Records a first approval (a change of head waits for a second member of staff).
    pub async fn approve_btb_request_once(
        &self,
        decision: &Decision<kinds::DecideRequests>,
        ticket: &str,
    ) -> StoreResult<bool> {
        let sql = "UPDATE btb_exception_requests SET status = 'approved_once', first_approver = $1 \
                   WHERE ticket = $2 AND status = 'pending' RETURNING enterprise_number";
        let query = sqlx::query(sql).bind(actor_number(decision)).bind(ticket.to_string());
        self.move_request(decision, ticket, query, "btb.exception_approved_once").await
    }

    /// Marks a request approved (after the designation was written).
    pub async fn finish_btb_request(
        &self,
        decision: &Decision<kinds::DecideRequests>,
        ticket: &str,
    ) -> StoreResult<bool> {
        let sql = "UPDATE btb_exception_requests SET status = 'approved', decided_by = $1, decided_at = $2 \
                   WHERE ticket = $3 AND status IN ('pending', 'approved_once') RETURNING enterprise_number";
        let query = sqlx::query(sql).bind(actor_number(decision)).bind(unix_now()).bind(ticket.to_string());
        self.move_request(decision, ticket, query, "btb.exception_approved").await
    }

    /// Rejects an undecided request with a reason.
    pub async fn reject_btb_request(
        &self,
        decision: &Decision<kinds::DecideRequests>,
        ticket: &str,
        reason: &str,
    ) -> StoreResult<bool> {
        let sql = "UPDATE btb_exception_requests SET status = 'rejected', decided_by = $1, decided_at = $2, reason = $3 \
                   WHERE ticket = $4 AND status IN ('pending', 'approved_once') RETURNING enterprise_number";
        let query = sqlx::query(sql)
            .bind(actor_number(decision))
            .bind(unix_now())
            .bind(reason.to_string())
            .bind(ticket.to_string());
        self.move_request(decision, ticket, query, "btb.exception_rejected").await
    }

    /// Runs a compare-and-set of a request (`query` returns its enterprise number when it
    /// moved) and appends the audit row, in one transaction.
    async fn move_request<'q>(
        &self,
        decision: &Decision<kinds::DecideRequests>,
        ticket: &str,
        query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
        kind: &str,
    ) -> StoreResult<bool> {
        let mut tx = self.writer().begin().await?;
        let Some(row) = query.fetch_optional(&mut *tx).await? else {
            tx.rollback().await?;
            return Ok(false);
        };
        let enterprise: String = row.try_get("enterprise_number")?;
        let enterprise = EnterpriseNumber::parse(&enterprise).ok();
        let entry = AuditEntry {
            kind,
            enterprise: enterprise.as_ref(),
            domain: None,
            subject: None::<&NationalNumber>,
            detail: serde_json::json!({ "ticket": ticket }),
        };
        append(&mut tx, decision.actor(), &entry).await?;
        tx.commit().await?;
        Ok(true)
    }
}

fn actor_number(decision: &Decision<kinds::DecideRequests>) -> Option<String> {
    decision.actor().person.as_ref().map(|p| p.as_str().to_string())
}
