//! The operator's commands of the access layer: `poort backoffice grant|revoke|list` (the
//! contact centre's staff role, a service-wide grant used with a Level450+ key) and
//! `poort audit verify` (the hash chain of the audit trail).

use crate::access::btb::capability::operator_decision;
use crate::access::grants::GrantRole;
use crate::domain::NationalNumber;
use crate::store::Store;

#[derive(Debug, clap::Subcommand)]
pub enum BackofficeCommand {
    /// Give a person the back-office role (used with a Level450+ key).
    Grant { national_number: String },
    /// Take the role away.
    Revoke { national_number: String },
    /// List the members.
    List,
}

#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain: exits non-zero naming the first edited or missing row.
    Verify,
}

/// Runs `poort backoffice …`; the answer for the operator.
pub async fn run_backoffice(store: &Store, command: BackofficeCommand) -> Result<String, AdminError> {
    match command {
        BackofficeCommand::Grant { national_number } => grant_back_office(store, &national_number).await,
        BackofficeCommand::Revoke { national_number } => revoke_back_office(store, &national_number).await,
        BackofficeCommand::List => list_back_office(store).await,
    }
}

/// Why an operator command failed.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("{0}")]
    BadNumber(String),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

fn number(input: &str) -> Result<NationalNumber, AdminError> {
    NationalNumber::parse(input)
        .map_err(|e| AdminError::BadNumber(format!("{input:?} is not a national number: {e}")))
}

/// Grants the back-office role; the answer for the operator.
pub async fn grant_back_office(store: &Store, input: &str) -> Result<String, AdminError> {
    let person = number(input)?;
    let done = store.grant_service_role(&operator_decision(), &person, GrantRole::BackOffice).await?;
    Ok(if done {
        format!("{} is now a member of the back office", person.masked())
    } else {
        format!("{} already is a member of the back office", person.masked())
    })
}

/// Revokes the back-office role.
pub async fn revoke_back_office(store: &Store, input: &str) -> Result<String, AdminError> {
    let person = number(input)?;
    let done = store.revoke_service_role(&operator_decision(), &person, GrantRole::BackOffice).await?;
    Ok(if done {
        format!("{} is no longer a member of the back office", person.masked())
    } else {
        format!("{} was not a member of the back office", person.masked())
    })
}

/// The members of the back office (national numbers in full: the operator needs them).
pub async fn list_back_office(store: &Store) -> Result<String, AdminError> {
    let rows = store.find_live_service_grants(GrantRole::BackOffice).await?;
    if rows.is_empty() {
        return Ok("the back office has no members".into());
    }
    Ok(rows
        .iter()
        .map(|g| format!("{}  since {}", g.holder.formatted(), g.valid_from))
        .collect::<Vec<_>>()
        .join("\n"))
}

/// Checks the audit trail's chain: `Ok(text)` when intact, `Err(text)` naming the first problem.
pub async fn verify_audit(store: &Store) -> Result<Result<String, String>, AdminError> {
    let report = crate::access::audit::verify(store).await?;
    Ok(match report.problem {
        None => Ok(format!("audit trail intact: {} rows", report.rows)),
        Some(p) => Err(format!("audit trail BROKEN after {} good rows: {p}", report.rows)),
    })
}

/// After a register import: suspends the roles whose basis ended and mails the remaining
/// managers (the same review the start-up load runs).
pub async fn review_after_import(
    store: &Store,
    btb: &crate::access::btb::BtbSettings,
    mail: &crate::mail::MailSettings,
    is_demo: bool,
    public_url: &str,
) -> Result<crate::access::btb::lifecycle::LifecycleReport, crate::access::btb::BtbError> {
    let registry = std::sync::Arc::new(crate::store::registry_source::StoredRegistry::new(store.clone()));
    let mailer = crate::mail::Mailer::new(mail, is_demo, store.clone());
    let service =
        crate::access::btb::Btb::new(store.clone(), registry, mailer, btb.clone(), public_url.to_string());
    service.review_lifecycle().await
}
