//! The exception procedure (seed 000 §II, seed 003 §2.2.2, seed 001 steps 8–10): when no
//! legal representative has a Belgian eID or electronic foreigner card, any logged-in
//! person files a request naming the representative (national or BIS number, first name,
//! last name) and the enterprise, with the same head form; they get a ticket in the seeds'
//! style and a request document (PDF) to have signed and sent to the contact centre, which
//! answers within 48 hours. A request for an enterprise whose representative holds an eID
//! is refused: the standard procedure applies.

use serde::{Deserialize, Serialize};

use super::pdf::{Line, render};
use super::procedure::{DesignationForm, HeadChoice};
use super::rules::{Refusal, parse_email, parse_phone};
use super::{Btb, BtbError, Who, today};
use crate::domain::{EnterpriseNumber, Language, NationalNumber};
use crate::registry::model::EnterpriseStatus;
use crate::store::access_rights::Actor;
use crate::store::btb_requests::RequestRow;
use crate::web::i18n::Tr;

/// The legal representative named in a request.
#[derive(Debug, Clone, Default)]
pub struct RepresentativeForm {
    pub national_number: String,
    pub first_name: String,
    pub last_name: String,
}

/// The designation as a request keeps it (checked values).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestedDesignation {
    pub enterprise_email: String,
    pub head: String,
    pub head_is_requester: bool,
    pub head_email: String,
    pub head_phone: String,
    pub requester_email: String,
    pub requester_phone: String,
}

/// A ticket in the seeds' style (`22A001WC5AFGZ`): the year's two digits, `A`, three digits
/// and seven letters or digits.
pub fn new_ticket() -> String {
    use rand::Rng as _;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let year = time::OffsetDateTime::now_utc().year() % 100;
    let digits: u16 = rng.random_range(0..1000);
    let tail: String = (0..7).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect();
    format!("{year:02}A{digits:03}{tail}")
}

/// A checked request, ready to confirm and file.
#[derive(Debug, Clone)]
pub struct ExceptionPlan {
    pub enterprise: EnterpriseNumber,
    pub representative: NationalNumber,
    pub first_name: String,
    pub last_name: String,
    pub designation: RequestedDesignation,
}

impl Btb {
    /// Checks and files a request (the terms accepted); returns its ticket.
    pub async fn file_exception(
        &self,
        who: &Who,
        enterprise_input: &str,
        rep: &RepresentativeForm,
        form: &DesignationForm,
        terms_accepted: bool,
    ) -> Result<String, BtbError> {
        let plan = self.check_exception(who, enterprise_input, rep, form).await?;
        if !terms_accepted {
            return Err(Refusal::TermsNotAccepted.into());
        }
        self.file_plan(who, &plan).await
    }

    /// Checks a request against the register (nothing is written).
    pub async fn check_exception(
        &self,
        who: &Who,
        enterprise_input: &str,
        rep: &RepresentativeForm,
        form: &DesignationForm,
    ) -> Result<ExceptionPlan, BtbError> {
        let enterprise =
            EnterpriseNumber::parse(enterprise_input).map_err(|_| Refusal::BadEnterpriseNumber)?;
        let representative =
            NationalNumber::parse(&rep.national_number).map_err(|_| Refusal::BadNationalNumber)?;
        if rep.first_name.trim().is_empty() || rep.last_name.trim().is_empty() {
            return Err(Refusal::MissingName.into());
        }
        let record = self.registry().find_enterprise(&enterprise).await?.ok_or(Refusal::EnterpriseUnknown)?;
        if record.status != EnterpriseStatus::Active {
            return Err(Refusal::EnterpriseStopped.into());
        }
        // Any legal representative with a Belgian eID: the standard procedure applies.
        let representatives = self.registry().representatives_of(&enterprise).await?;
        for r in representatives.iter().filter(|r| r.is_valid_on(today())) {
            if self.registry().find_person(&r.person).await?.is_some_and(|p| p.has_belgian_eid) {
                return Err(Refusal::RepresentativeHasEid.into());
            }
        }
        if let Some(person) = self.registry().find_person(&representative).await? {
            let same = |a: &str, b: &str| a.trim().to_lowercase() == b.trim().to_lowercase();
            if !same(&person.first_names, &rep.first_name) || !same(&person.last_name, &rep.last_name) {
                return Err(Refusal::NamesDoNotMatch.into());
            }
            if !representatives.iter().any(|r| r.person == representative && r.is_valid_on(today())) {
                return Err(Refusal::NotLegalRepresentative.into());
            }
        }
        let enterprise_email = parse_email(&form.enterprise_email)?;
        let (head, head_is_requester) = match &form.head {
            HeadChoice::Myself => (who.person.clone(), true),
            HeadChoice::Other { national_number } => {
                let p = self.find_person(national_number).await?;
                let is_me = p.number == who.person;
                (p.number, is_me)
            }
        };
        if !self.belongs_to(&head, &enterprise).await? {
            return Err(Refusal::NotEmployeeOrRepresentative.into());
        }
        let head_email = parse_email(&form.head_email)?;
        let head_phone = parse_phone(&form.head_phone)?;
        let (requester_email, requester_phone) = if head_is_requester {
            (head_email.clone(), head_phone.clone())
        } else {
            (parse_email(&form.requester_email)?, parse_phone(&form.requester_phone)?)
        };
        let designation = RequestedDesignation {
            enterprise_email,
            head: head.as_str().to_string(),
            head_is_requester,
            head_email,
            head_phone,
            requester_email,
            requester_phone,
        };
        Ok(ExceptionPlan {
            enterprise,
            representative,
            first_name: rep.first_name.trim().to_string(),
            last_name: rep.last_name.trim().to_string(),
            designation,
        })
    }

    /// Files a checked request under a fresh ticket.
    async fn file_plan(&self, who: &Who, plan: &ExceptionPlan) -> Result<String, BtbError> {
        let (enterprise, representative) = (&plan.enterprise, &plan.representative);
        let form_json = serde_json::to_string(&plan.designation)
            .map_err(|e| crate::store::StoreError::Corrupt(e.to_string()))?;
        let actor = Actor {
            person: Some(who.person.clone()),
            capacity: "requester",
            session_ref: Some(who.session_ref.clone()),
        };
        for _ in 0..5 {
            let row = RequestRow {
                ticket: new_ticket(),
                enterprise_number: enterprise.as_str().to_string(),
                requester: who.person.as_str().to_string(),
                requester_language: who.language.code().to_string(),
                representative: representative.as_str().to_string(),
                representative_first_name: plan.first_name.clone(),
                representative_last_name: plan.last_name.clone(),
                form: form_json.clone(),
                status: "pending".into(),
                has_document: false,
                first_approver: None,
                decided_by: None,
                reason: None,
                created_at: 0,
            };
            if self.store().create_btb_request(&actor, &row).await? {
                tracing::info!(enterprise.number = %enterprise.as_str(), ticket = %row.ticket, "exception request filed");
                return Ok(row.ticket);
            }
        }
        Err(Refusal::Conflict.into())
    }

    /// A request, for its requester (or the back office: `is_staff`).
    pub async fn request_for(&self, who: &Who, ticket: &str, is_staff: bool) -> Result<RequestRow, BtbError> {
        let row = self.store().find_btb_request(ticket).await?.ok_or(Refusal::RequestUnknown)?;
        if !is_staff && row.requester != who.person.as_str() {
            return Err(Refusal::RequestUnknown.into());
        }
        Ok(row)
    }

    /// The request document (PDF) in `lang`.
    pub async fn request_document(&self, row: &RequestRow, lang: Language) -> Result<Vec<u8>, BtbError> {
        let tr = Tr::new(lang);
        let d: RequestedDesignation =
            serde_json::from_str(&row.form).map_err(|e| crate::store::StoreError::Corrupt(e.to_string()))?;
        let enterprise =
            EnterpriseNumber::parse(&row.enterprise_number).map_err(|_| Refusal::BadEnterpriseNumber)?;
        let record = self.registry().find_enterprise(&enterprise).await?;
        let name = record.as_ref().map(|e| e.names.display(lang).to_string()).unwrap_or_default();
        let head = NationalNumber::parse(&d.head).map_err(|_| Refusal::BadNationalNumber)?;
        let requester = NationalNumber::parse(&row.requester).map_err(|_| Refusal::BadNationalNumber)?;
        let representative =
            NationalNumber::parse(&row.representative).map_err(|_| Refusal::BadNationalNumber)?;
        let t = |k: &str| tr.t(k).to_string();
        let lines = vec![
            Line::Title(t("btb.exception.document_title")),
            Line::Field(t("btb.exception.ticket"), row.ticket.clone()),
            Line::Heading(t("btb.form.enterprise")),
            Line::Field(t("btb.field.enterprise_number"), enterprise.formatted()),
            Line::Field(t("btb.field.name"), name),
            Line::Field(t("btb.field.enterprise_email"), d.enterprise_email.clone()),
            Line::Heading(t("btb.role.legal_representative")),
            Line::Field(t("btb.field.national_number"), representative.formatted()),
            Line::Field(t("btb.exception.first_name"), row.representative_first_name.clone()),
            Line::Field(t("btb.exception.last_name"), row.representative_last_name.clone()),
            Line::Heading(t("btb.role.head_access_manager")),
            Line::Field(t("btb.field.name"), self.person_name(&head).await?),
            Line::Field(t("btb.field.national_number"), head.formatted()),
            Line::Field(t("btb.field.email"), d.head_email.clone()),
            Line::Field(t("btb.field.phone"), d.head_phone.clone()),
            Line::Heading(t("btb.exception.requester")),
            Line::Field(t("btb.field.name"), self.person_name(&requester).await?),
            Line::Field(t("btb.field.national_number"), requester.formatted()),
            Line::Field(t("btb.field.email"), d.requester_email.clone()),
            Line::Field(t("btb.field.phone"), d.requester_phone.clone()),
            Line::Heading(t("btb.terms.title")),
            Line::Text(t("btb.terms.correct")),
            Line::Text(format!("- {}", t("btb.terms.contact_data"))),
            Line::Text(format!("- {}", t("btb.terms.ebox"))),
            Line::Text(t("btb.terms.privacy")),
            Line::Text(t("btb.exception.sign_text")),
            Line::SignatureZone(t("btb.exception.signature")),
        ];
        Ok(render(&lines))
    }
}
