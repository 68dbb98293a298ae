//! Lifecycle from the authentic sources (beyond CSAM; its service sheet plans it): when the
//! register ends a person's legal function or employment, or stops the enterprise, the
//! roles that rest on it are suspended at once. A head or co-head rests on being an
//! employee or a legal representative; every role rests on the enterprise being active. A
//! suspended head leaves the enterprise without one until a representative designates a
//! new one. The enterprise's remaining managers are mailed; the audit trail says why.
//! Run after every register import (`poort registry import`, `import-kbo`, the start-up load).

use std::collections::BTreeMap;

use super::capability::lifecycle_decision;
use super::{Btb, BtbError, today};
use crate::access::grants::{GrantRole, GrantRow};
use crate::domain::EnterpriseNumber;
use crate::registry::model::EnterpriseStatus;

/// What a review did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LifecycleReport {
    /// Grants reviewed.
    pub reviewed: usize,
    /// Grants suspended now.
    pub suspended: usize,
}

impl Btb {
    /// Why `grant` no longer rests on the register, if it does not.
    async fn ended_basis(
        &self,
        grant: &GrantRow,
        enterprise: &EnterpriseNumber,
        is_stopped: bool,
    ) -> Result<Option<&'static str>, BtbError> {
        if is_stopped {
            return Ok(Some("enterprise_stopped"));
        }
        if !matches!(grant.role, GrantRole::HeadAccessManager | GrantRole::CoHeadAccessManager) {
            return Ok(None);
        }
        if self.belongs_to(&grant.holder, enterprise).await? {
            return Ok(None);
        }
        let had_function = self
            .registry()
            .representations_of(&grant.holder)
            .await?
            .iter()
            .any(|r| &r.enterprise == enterprise);
        let had_job = self
            .registry()
            .employments_of(&grant.holder)
            .await?
            .iter()
            .any(|e| &e.enterprise == enterprise && !e.is_valid_on(today()));
        Ok(Some(if had_function {
            "legal_function_ended"
        } else if had_job {
            "employment_ended"
        } else {
            "not_employee_or_representative"
        }))
    }

    /// Reviews every live grant on an enterprise against the register and suspends those
    /// whose basis ended; mails the remaining managers of each enterprise concerned.
    pub async fn review_lifecycle(&self) -> Result<LifecycleReport, BtbError> {
        let live = self.store().find_live_enterprise_access_grants().await?;
        let mut by_enterprise: BTreeMap<EnterpriseNumber, Vec<GrantRow>> = BTreeMap::new();
        for g in live {
            if let Some(e) = g.enterprise.clone() {
                by_enterprise.entry(e).or_default().push(g);
            }
        }
        let mut report = LifecycleReport::default();
        let decision = lifecycle_decision();
        for (enterprise, grants) in by_enterprise {
            report.reviewed += grants.len();
            let record = self.registry().find_enterprise(&enterprise).await?;
            let is_stopped = record.as_ref().is_none_or(|e| e.status == EnterpriseStatus::Stopped);
            let mut ended = Vec::new();
            for g in &grants {
                if let Some(reason) = self.ended_basis(g, &enterprise, is_stopped).await? {
                    ended.push((g, reason));
                }
            }
            if ended.is_empty() {
                continue;
            }
            let done = self.store().suspend_access_grants(&decision, &ended).await?;
            report.suspended += done.len();
            for (g, reason) in &ended {
                tracing::warn!(enterprise.number = %enterprise.as_str(), person = %g.holder.masked(), role = g.role.code(), reason, "role suspended: its basis in the register ended");
            }
            let names: Vec<String> = {
                let mut names = Vec::new();
                for (g, _) in &ended {
                    names.push(self.person_name(&g.holder).await?);
                }
                names
            };
            self.notify_managers(&enterprise, "suspended", &names.join(", ")).await?;
            let head_left = self.current_head(&enterprise).await?.is_none();
            if head_left && let Some(reg) = self.store().find_btb_enterprise(&enterprise).await? {
                let lang = crate::domain::Language::Nl;
                let name = self.enterprise_name(&enterprise, lang).await;
                let number = enterprise.formatted();
                self.send_mail(
                    &reg.email,
                    lang,
                    "no_head",
                    &[("enterprise", &name), ("number", &number), ("person", &names.join(", "))],
                )
                .await;
            }
        }
        if report.suspended > 0 {
            tracing::info!(
                lifecycle.reviewed = report.reviewed,
                lifecycle.suspended = report.suspended,
                "lifecycle review done"
            );
        }
        Ok(report)
    }
}

/// The review as a background job (every `every`): a function or an employment that ends
/// on a date, without a new import, is caught within that time.
pub fn job(btb: &Btb, every: std::time::Duration) -> crate::kernel::jobs::Job {
    let btb = btb.clone();
    crate::kernel::jobs::Job::new("BTB lifecycle review", every, move || {
        let btb = btb.clone();
        async move {
            btb.review_lifecycle().await?;
            Ok(())
        }
    })
}
