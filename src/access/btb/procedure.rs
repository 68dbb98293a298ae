//! The standard procedure (seed 000 §I, seed 003 §2.2.1): a legal representative valid
//! today enters the enterprise number; the register is checked; the form takes the
//! enterprise's general e-mail and the head (myself, or another person who is an employee
//! or a legal representative), with the requester's own contact when it is another
//! person; a confirmation repeats everything with the activation terms; then the
//! enterprise is registered (e-Box Enterprise activated) and the head designated.

use super::capability::EnterpriseFacts;
use super::rules::{Refusal, parse_email, parse_phone};
use super::{Btb, BtbError, Who, today};
use crate::access::grants::{GrantRole, GrantRow};
use crate::domain::{EnterpriseNumber, NationalNumber};
use crate::registry::model::Person;
use crate::store::access_rights::{Decision, kinds};
use crate::store::btb::{Designated, HeadDesignation};

/// Who the head will be, as entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadChoice {
    Myself,
    Other { national_number: String },
}

/// The form, as entered (any spelling; nothing checked yet).
#[derive(Debug, Clone)]
pub struct DesignationForm {
    pub enterprise_email: String,
    pub head: HeadChoice,
    pub head_email: String,
    pub head_phone: String,
    pub requester_email: String,
    pub requester_phone: String,
    /// The API's `"head": "self"` may leave the head's phone out.
    pub is_phone_optional: bool,
}

/// The current head of an enterprise, with their name from the register.
#[derive(Debug, Clone)]
pub struct CurrentHead {
    pub grant: GrantRow,
    pub name: String,
}

/// A checked designation, ready to confirm.
#[derive(Debug, Clone)]
pub struct DesignationPlan {
    pub enterprise: EnterpriseNumber,
    pub enterprise_email: String,
    pub head: Person,
    pub is_self: bool,
    pub head_email: String,
    pub head_phone: String,
    /// The requester's contact, when the head is another person.
    pub requester: Option<(String, String)>,
    /// The grant id of the head this replaces, as seen now.
    pub replaces: Option<String>,
}

/// What a designation did.
#[derive(Debug, Clone)]
pub struct DesignationDone {
    pub head_name: String,
    pub head_email: String,
    pub replaced: Option<NationalNumber>,
}

impl Btb {
    /// The current head of `enterprise`, if any.
    pub async fn current_head(&self, enterprise: &EnterpriseNumber) -> Result<Option<CurrentHead>, BtbError> {
        let grants = self.store().find_live_access_grants_of_enterprise(enterprise).await?;
        let Some(grant) = grants.into_iter().find(|g| g.role == GrantRole::HeadAccessManager) else {
            return Ok(None);
        };
        let name = self.person_name(&grant.holder).await?;
        Ok(Some(CurrentHead { grant, name }))
    }

    /// A person's name from the register (the masked number when unknown).
    pub async fn person_name(&self, person: &NationalNumber) -> Result<String, BtbError> {
        Ok(self
            .registry()
            .find_person(person)
            .await?
            .map(|p| p.full_name())
            .unwrap_or_else(|| person.masked()))
    }

    /// A person of the register, or the refusal for the number entered.
    pub async fn find_person(&self, input: &str) -> Result<Person, BtbError> {
        let number = NationalNumber::parse(input).map_err(|_| Refusal::BadNationalNumber)?;
        Ok(self.registry().find_person(&number).await?.ok_or(Refusal::PersonUnknown)?)
    }

    /// Whether `person` is an employee or a legal representative of `enterprise` today.
    pub async fn belongs_to(
        &self,
        person: &NationalNumber,
        enterprise: &EnterpriseNumber,
    ) -> Result<bool, BtbError> {
        let registry = self.registry();
        Ok(registry.is_employee(person, enterprise, today()).await?
            || registry.is_legal_representative(person, enterprise, today()).await?)
    }

    /// Checks the form against the register: e-mails, phones, the head's eligibility, and
    /// that a head does not designate themselves again.
    pub async fn check_designation(
        &self,
        who: &Who,
        enterprise: &EnterpriseNumber,
        about: &EnterpriseFacts,
        form: &DesignationForm,
    ) -> Result<DesignationPlan, BtbError> {
        let enterprise_email = parse_email(&form.enterprise_email)?;
        let current = self.current_head(enterprise).await?;
        let (head, is_self) = match &form.head {
            HeadChoice::Myself => {
                let me = self.registry().find_person(&who.person).await?.ok_or(Refusal::PersonUnknown)?;
                (me, true)
            }
            HeadChoice::Other { national_number } => {
                let person = self.find_person(national_number).await?;
                let is_self = person.number == who.person;
                if !is_self && !self.belongs_to(&person.number, enterprise).await? {
                    return Err(Refusal::NotEmployeeOrRepresentative.into());
                }
                (person, is_self)
            }
        };
        if current.as_ref().is_some_and(|c| c.grant.holder == head.number)
            || (is_self && about.standing.is_head)
        {
            return Err(Refusal::AlreadyHead.into());
        }
        let head_email = parse_email(&form.head_email)?;
        let head_phone = if form.is_phone_optional && is_self && form.head_phone.trim().is_empty() {
            String::new()
        } else {
            parse_phone(&form.head_phone)?
        };
        let requester = if is_self {
            None
        } else {
            Some((parse_email(&form.requester_email)?, parse_phone(&form.requester_phone)?))
        };
        Ok(DesignationPlan {
            enterprise: enterprise.clone(),
            enterprise_email,
            head,
            is_self,
            head_email,
            head_phone,
            requester,
            replaces: current.map(|c| c.grant.id),
        })
    }

    /// Registers the enterprise and designates the head; mails the head and, when it is
    /// another person, the requester. `terms_accepted` is the "Yes, I confirm" box.
    pub async fn designate(
        &self,
        decision: &Decision<kinds::Designate>,
        plan: &DesignationPlan,
        terms_accepted: bool,
        procedure: &str,
        requester_lang: crate::domain::Language,
    ) -> Result<DesignationDone, BtbError> {
        if !terms_accepted {
            return Err(Refusal::TermsNotAccepted.into());
        }
        let designation = HeadDesignation {
            head: &plan.head.number,
            head_email: &plan.head_email,
            head_phone: &plan.head_phone,
            enterprise_email: &plan.enterprise_email,
            procedure,
            replaces: plan.replaces.as_deref(),
            detail: serde_json::json!({ "is_self": plan.is_self }),
        };
        let replaced = match self.store().designate_head(decision, &designation).await? {
            Designated::Done { replaced, .. } => replaced,
            Designated::Conflict => return Err(Refusal::Conflict.into()),
        };
        tracing::info!(enterprise.number = %plan.enterprise.as_str(), head = %plan.head.number.masked(), procedure, "head access manager designated");
        let name = self.enterprise_name(&plan.enterprise, plan.head.language).await;
        let number = plan.enterprise.formatted();
        let head_name = plan.head.full_name();
        let args = [("enterprise", name.as_str()), ("number", number.as_str()), ("head", head_name.as_str())];
        self.send_mail(&plan.head_email, plan.head.language, "designated", &args).await;
        if let Some((email, _)) = &plan.requester {
            self.send_mail(email, requester_lang, "designated_requester", &args).await;
        }
        Ok(DesignationDone {
            head_name: plan.head.full_name(),
            head_email: plan.head_email.clone(),
            replaced,
        })
    }

    /// The enterprise's name for a reader of `lang` (its number when unknown).
    pub async fn enterprise_name(
        &self,
        enterprise: &EnterpriseNumber,
        lang: crate::domain::Language,
    ) -> String {
        match self.registry().find_enterprise(enterprise).await {
            Ok(Some(e)) => e.names.display(lang).to_string(),
            _ => enterprise.formatted(),
        }
    }
}
