//! The enterprise's BTB page (seed 000 §IV): its head and co-heads, then every domain with
//! its access managers and contact e-mail. Heads and co-heads are access managers of every
//! domain and keep that right after delegating; an access manager sees and manages only
//! their own domains (and never the heads). Managing access does not give access to an
//! application: an access manager who uses one must be given it as a user.

use super::capability::{AuditRight, ViewRight, Visibility};
use super::rules::{Refusal, parse_email};
use super::{Btb, BtbError};
use crate::access::grants::GrantRole;
use crate::domain::{EnterpriseNumber, Language, NationalNumber};
use crate::store::access_audit::AuditRow;
use crate::store::access_rights::{Decision, kinds};

/// A person holding a role, as the page and the web service show them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Manager {
    pub national_number: String,
    pub name: String,
    pub email: Option<String>,
    /// The number as screens write it.
    #[serde(skip)]
    pub formatted_number: String,
}

/// One domain on the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainView {
    pub code: String,
    pub name: String,
    pub managers: Vec<Manager>,
    pub email: Option<String>,
}

/// What may be seen of an enterprise's BTB record.
#[derive(Debug, Clone)]
pub struct EnterpriseView {
    pub number: EnterpriseNumber,
    pub name: String,
    pub address: String,
    pub email: String,
    pub is_ebox_enabled: bool,
    pub registered_at: i64,
    /// `None` for an access manager (they never see the heads) or when there is none.
    pub head: Option<Manager>,
    pub co_heads: Vec<Manager>,
    pub shows_heads: bool,
    pub domains: Vec<DomainView>,
}

impl Btb {
    async fn manager(&self, person: &NationalNumber, email: Option<String>) -> Result<Manager, BtbError> {
        Ok(Manager {
            national_number: person.as_str().to_string(),
            name: self.person_name(person).await?,
            email,
            formatted_number: person.formatted(),
        })
    }

    /// The enterprise's record, as far as `right` lets its holder see it.
    pub async fn view(&self, right: &ViewRight, lang: Language) -> Result<EnterpriseView, BtbError> {
        let number = right.enterprise();
        let registration = self.store().find_btb_enterprise(number).await?.ok_or(Refusal::NotRegistered)?;
        let record = self.registry().find_enterprise(number).await?.ok_or(Refusal::EnterpriseUnknown)?;
        let grants = self.store().find_live_access_grants_of_enterprise(number).await?;
        let emails = self.store().find_btb_domain_emails(number).await?;
        let shows_heads = *right.visibility() == Visibility::All;
        let mut head = None;
        let mut co_heads = Vec::new();
        if shows_heads {
            for g in &grants {
                match g.role {
                    GrantRole::HeadAccessManager => {
                        head = Some(self.manager(&g.holder, g.contact_email.clone()).await?)
                    }
                    GrantRole::CoHeadAccessManager => {
                        co_heads.push(self.manager(&g.holder, g.contact_email.clone()).await?);
                    }
                    _ => {}
                }
            }
        }
        let mut domains = Vec::new();
        for d in &self.settings().domains {
            let visible = match right.visibility() {
                Visibility::All => true,
                Visibility::Domains(codes) => codes.contains(&d.code),
            };
            if !visible {
                continue;
            }
            let mut managers = Vec::new();
            for g in grants.iter().filter(|g| g.role == GrantRole::AccessManager && g.scope_id == d.code) {
                managers.push(self.manager(&g.holder, None).await?);
            }
            let email = emails.iter().find(|(c, _)| c == &d.code).map(|(_, e)| e.clone());
            domains.push(DomainView {
                code: d.code.clone(),
                name: d.name(lang).to_string(),
                managers,
                email,
            });
        }
        let address = record
            .address
            .as_ref()
            .map(|a| {
                let boxed = a.box_number.as_ref().map(|b| format!(" bus {b}")).unwrap_or_default();
                format!("{} {}{boxed}, {} {}", a.street, a.house_number, a.postal_code, a.municipality)
            })
            .unwrap_or_default();
        Ok(EnterpriseView {
            number: number.clone(),
            name: record.names.display(lang).to_string(),
            address,
            email: registration.email,
            is_ebox_enabled: registration.is_ebox_enabled,
            registered_at: registration.registered_at,
            head,
            co_heads,
            shows_heads,
            domains,
        })
    }

    /// The enterprise's audit trail, newest first.
    pub async fn audit_trail(&self, right: &AuditRight, limit: i64) -> Result<Vec<AuditRow>, BtbError> {
        Ok(self.store().find_access_audit_of_enterprise(right.enterprise(), limit).await?)
    }

    /// Adds a co-head: an employee or a legal representative of the enterprise, not its head.
    pub async fn add_co_head(
        &self,
        decision: &Decision<kinds::ManageHeads>,
        national_number: &str,
        email: Option<&str>,
    ) -> Result<String, BtbError> {
        let enterprise = decision.enterprise().ok_or(Refusal::NotRegistered)?;
        let person = self.find_person(national_number).await?;
        if !self.belongs_to(&person.number, enterprise).await? {
            return Err(Refusal::NotEmployeeOrRepresentative.into());
        }
        let email = email.filter(|e| !e.trim().is_empty()).map(parse_email).transpose()?;
        if self.current_head(enterprise).await?.is_some_and(|h| h.grant.holder == person.number) {
            return Err(Refusal::AlreadyHead.into());
        }
        if !self.store().add_co_head(decision, &person.number, email.as_deref()).await? {
            return Err(Refusal::AlreadyHolds.into());
        }
        self.notify_managers(enterprise, "co_head_added", &person.full_name()).await?;
        Ok(person.full_name())
    }

    pub async fn remove_co_head(
        &self,
        decision: &Decision<kinds::ManageHeads>,
        national_number: &str,
    ) -> Result<(), BtbError> {
        let person = NationalNumber::parse(national_number).map_err(|_| Refusal::BadNationalNumber)?;
        if !self.store().remove_co_head(decision, &person).await? {
            return Err(Refusal::NotHolder.into());
        }
        Ok(())
    }

    /// Adds an access manager to the decision's domain: any person of the register.
    pub async fn add_access_manager(
        &self,
        decision: &Decision<kinds::ManageDomain>,
        national_number: &str,
    ) -> Result<String, BtbError> {
        let person = self.find_person(national_number).await?;
        if !self.store().add_access_manager(decision, &person.number).await? {
            return Err(Refusal::AlreadyHolds.into());
        }
        Ok(person.full_name())
    }

    pub async fn remove_access_manager(
        &self,
        decision: &Decision<kinds::ManageDomain>,
        national_number: &str,
    ) -> Result<(), BtbError> {
        let person = NationalNumber::parse(national_number).map_err(|_| Refusal::BadNationalNumber)?;
        if !self.store().remove_access_manager(decision, &person).await? {
            return Err(Refusal::NotHolder.into());
        }
        Ok(())
    }

    pub async fn set_domain_email(
        &self,
        decision: &Decision<kinds::ManageDomain>,
        email: &str,
    ) -> Result<(), BtbError> {
        let email = parse_email(email)?;
        self.store().set_btb_domain_email(decision, &email).await?;
        Ok(())
    }

    pub async fn remove_domain_email(
        &self,
        decision: &Decision<kinds::ManageDomain>,
    ) -> Result<(), BtbError> {
        if !self.store().delete_btb_domain_email(decision).await? {
            return Err(Refusal::NotHolder.into());
        }
        Ok(())
    }

    /// Mails the head and co-heads of `enterprise` (`btb.mail.<kind>`, `{person}` = `about`).
    pub async fn notify_managers(
        &self,
        enterprise: &EnterpriseNumber,
        kind: &str,
        about: &str,
    ) -> Result<(), BtbError> {
        let grants = self.store().find_live_access_grants_of_enterprise(enterprise).await?;
        let number = enterprise.formatted();
        for g in grants
            .iter()
            .filter(|g| matches!(g.role, GrantRole::HeadAccessManager | GrantRole::CoHeadAccessManager))
        {
            let Some(to) = &g.contact_email else { continue };
            let lang = self.language_of(&g.holder).await;
            let name = self.enterprise_name(enterprise, lang).await;
            self.send_mail(to, lang, kind, &[("enterprise", &name), ("number", &number), ("person", about)])
                .await;
        }
        Ok(())
    }
}
