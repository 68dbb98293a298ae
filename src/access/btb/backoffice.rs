//! The contact centre's back office (beyond the pages people see): a queue of exception
//! requests (search by ticket and enterprise number), a request's detail, the upload of the
//! signed document (PDF only, size-limited, stored), and approve or reject with a reason.
//! Changing the head of an already registered enterprise needs a second member of staff's
//! approval (four eyes — beyond CSAM). The outcome is mailed to the requester and the head.

use base64::Engine as _;

use super::capability::designation_by_back_office;
use super::exception::RequestedDesignation;
use super::{Btb, BtbError, Refusal};
use crate::domain::{EnterpriseNumber, Language, NationalNumber};
use crate::store::access_rights::{Decision, kinds};
use crate::store::btb::{Designated, HeadDesignation};
use crate::store::btb_requests::RequestRow;

/// What an approval did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approval {
    /// The head is designated.
    Designated,
    /// A change of head: waiting for a second member of staff.
    AwaitingSecond,
}

fn corrupt(e: impl std::fmt::Display) -> BtbError {
    crate::store::StoreError::Corrupt(e.to_string()).into()
}

impl Btb {
    /// The queue: undecided requests first when `only_open`, filtered by ticket and number.
    pub async fn queue(
        &self,
        _decision: &Decision<kinds::DecideRequests>,
        ticket: &str,
        enterprise: &str,
        only_open: bool,
    ) -> Result<Vec<RequestRow>, BtbError> {
        let enterprise = match enterprise.trim() {
            "" => String::new(),
            raw => {
                EnterpriseNumber::parse(raw).map_err(|_| Refusal::BadEnterpriseNumber)?.as_str().to_string()
            }
        };
        let statuses: &[&str] = if only_open { &["pending", "approved_once"] } else { &[] };
        Ok(self.store().find_btb_requests(statuses, ticket.trim(), &enterprise, 200).await?)
    }

    /// Stores the signed document: a PDF (`%PDF-`), at most `btb.upload_max_bytes`.
    pub async fn upload_document(
        &self,
        decision: &Decision<kinds::DecideRequests>,
        ticket: &str,
        bytes: &[u8],
    ) -> Result<(), BtbError> {
        if bytes.is_empty() {
            return Err(Refusal::DocumentMissing.into());
        }
        if bytes.len() > self.settings().upload_max_bytes {
            return Err(Refusal::DocumentTooLarge.into());
        }
        if !bytes.starts_with(b"%PDF-") {
            return Err(Refusal::NotPdf.into());
        }
        self.store().find_btb_request(ticket).await?.ok_or(Refusal::RequestUnknown)?;
        let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
        if !self.store().set_btb_request_document(decision, ticket, &encoded).await? {
            return Err(Refusal::RequestNotPending.into());
        }
        Ok(())
    }

    /// The signed document as uploaded.
    pub async fn signed_document(&self, ticket: &str) -> Result<Vec<u8>, BtbError> {
        let stored = self.store().find_btb_request_document(ticket).await?.ok_or(Refusal::DocumentMissing)?;
        base64::engine::general_purpose::STANDARD.decode(stored).map_err(corrupt)
    }

    /// Approves a request: designates the head, or records the first of two approvals when
    /// the enterprise already has a head.
    pub async fn approve(
        &self,
        decision: &Decision<kinds::DecideRequests>,
        ticket: &str,
    ) -> Result<Approval, BtbError> {
        let row = self.store().find_btb_request(ticket).await?.ok_or(Refusal::RequestUnknown)?;
        if !matches!(row.status.as_str(), "pending" | "approved_once") {
            return Err(Refusal::RequestNotPending.into());
        }
        if !row.has_document {
            return Err(Refusal::DocumentMissing.into());
        }
        let enterprise = EnterpriseNumber::parse(&row.enterprise_number).map_err(corrupt)?;
        let current = self.current_head(&enterprise).await?;
        let me = decision.actor().person.as_ref().map(|p| p.as_str().to_string());
        if current.is_some() {
            match row.status.as_str() {
                "pending" => {
                    if !self.store().approve_btb_request_once(decision, ticket).await? {
                        return Err(Refusal::Conflict.into());
                    }
                    return Ok(Approval::AwaitingSecond);
                }
                _ if row.first_approver == me => return Err(Refusal::SameApprover.into()),
                _ => {}
            }
        }
        let d: RequestedDesignation = serde_json::from_str(&row.form).map_err(corrupt)?;
        let head = NationalNumber::parse(&d.head).map_err(corrupt)?;
        if !self.belongs_to(&head, &enterprise).await? {
            return Err(Refusal::NotEmployeeOrRepresentative.into());
        }
        let designation = HeadDesignation {
            head: &head,
            head_email: &d.head_email,
            head_phone: &d.head_phone,
            enterprise_email: &d.enterprise_email,
            procedure: "exception",
            replaces: current.as_ref().map(|c| c.grant.id.as_str()),
            detail: serde_json::json!({ "ticket": ticket, "first_approver": row.first_approver }),
        };
        let designate = designation_by_back_office(decision, &enterprise);
        match self.store().designate_head(&designate, &designation).await? {
            Designated::Done { .. } => {}
            Designated::Conflict => return Err(Refusal::Conflict.into()),
        }
        self.store().finish_btb_request(decision, ticket).await?;
        let head_lang = self.language_of(&head).await;
        let requester_lang = Language::parse(&row.requester_language).unwrap_or(Language::Nl);
        let name = self.enterprise_name(&enterprise, head_lang).await;
        let number = enterprise.formatted();
        let head_name = self.person_name(&head).await?;
        let args = [
            ("enterprise", name.as_str()),
            ("number", number.as_str()),
            ("head", head_name.as_str()),
            ("ticket", ticket),
        ];
        self.send_mail(&d.head_email, head_lang, "designated", &args).await;
        if !d.head_is_requester {
            self.send_mail(&d.requester_email, requester_lang, "exception_approved", &args).await;
        }
        Ok(Approval::Designated)
    }

    /// Rejects a request with a reason; the requester is mailed.
    pub async fn reject(
        &self,
        decision: &Decision<kinds::DecideRequests>,
        ticket: &str,
        reason: &str,
    ) -> Result<(), BtbError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Refusal::ReasonMissing.into());
        }
        let row = self.store().find_btb_request(ticket).await?.ok_or(Refusal::RequestUnknown)?;
        if !self.store().reject_btb_request(decision, ticket, reason).await? {
            return Err(Refusal::RequestNotPending.into());
        }
        let d: RequestedDesignation = serde_json::from_str(&row.form).map_err(corrupt)?;
        let lang = Language::parse(&row.requester_language).unwrap_or(Language::Nl);
        let enterprise = EnterpriseNumber::parse(&row.enterprise_number).map_err(corrupt)?;
        let name = self.enterprise_name(&enterprise, lang).await;
        let number = enterprise.formatted();
        let args = [
            ("enterprise", name.as_str()),
            ("number", number.as_str()),
            ("ticket", ticket),
            ("reason", reason),
        ];
        self.send_mail(&d.requester_email, lang, "exception_rejected", &args).await;
        if !d.head_is_requester {
            let head_lang = NationalNumber::parse(&d.head).ok();
            let head_lang = match head_lang {
                Some(h) => self.language_of(&h).await,
                None => lang,
            };
            self.send_mail(&d.head_email, head_lang, "exception_rejected", &args).await;
        }
        Ok(())
    }
}
