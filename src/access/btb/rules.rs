//! The rules of BTB as plain functions on plain facts, tested without a database or HTTP:
//! who may take which action on which enterprise (docs/DOMAIN.md §5–6, seed 000 §I–IV), and
//! the checks of the values a form or a JSON body brings. Every refusal has its own code and
//! translated message (`btb.refusal.<code>`).

use http::StatusCode;

use crate::access::grants::Standing;
use crate::domain::AuthLevel;

/// Why an action is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the login is not strong enough")]
    LevelTooLow,
    #[error("malformed enterprise number")]
    BadEnterpriseNumber,
    #[error("malformed national number")]
    BadNationalNumber,
    #[error("malformed e-mail address")]
    BadEmail,
    #[error("malformed phone number")]
    BadPhone,
    #[error("a name is missing")]
    MissingName,
    #[error("the enterprise is unknown to the register")]
    EnterpriseUnknown,
    #[error("the enterprise is stopped")]
    EnterpriseStopped,
    #[error("not a legal representative of the enterprise")]
    NotLegalRepresentative,
    #[error("the legal function has ended")]
    FunctionEnded,
    #[error("already head access manager")]
    AlreadyHead,
    #[error("the person is unknown to the register")]
    PersonUnknown,
    #[error("neither an employee nor a legal representative")]
    NotEmployeeOrRepresentative,
    #[error("the activation terms were not accepted")]
    TermsNotAccepted,
    #[error("the enterprise is not registered")]
    NotRegistered,
    #[error("no role that allows this")]
    NotManager,
    #[error("unknown domain")]
    UnknownDomain,
    #[error("the person already holds this role")]
    AlreadyHolds,
    #[error("the person does not hold this role")]
    NotHolder,
    #[error("another change came first")]
    Conflict,
    #[error("not a member of the back office")]
    NotBackOffice,
    #[error("a legal representative has a Belgian eID")]
    RepresentativeHasEid,
    #[error("the names do not match the register")]
    NamesDoNotMatch,
    #[error("the request is not pending")]
    RequestNotPending,
    #[error("the same staff member cannot approve twice")]
    SameApprover,
    #[error("the signed document is missing")]
    DocumentMissing,
    #[error("not a PDF document")]
    NotPdf,
    #[error("the document is too large")]
    DocumentTooLarge,
    #[error("a reason is needed")]
    ReasonMissing,
    #[error("unknown request")]
    RequestUnknown,
}

impl Refusal {
    /// Every refusal (tests walk them).
    pub const ALL: [Refusal; 30] = [
        Self::LevelTooLow,
        Self::BadEnterpriseNumber,
        Self::BadNationalNumber,
        Self::BadEmail,
        Self::BadPhone,
        Self::MissingName,
        Self::EnterpriseUnknown,
        Self::EnterpriseStopped,
        Self::NotLegalRepresentative,
        Self::FunctionEnded,
        Self::AlreadyHead,
        Self::PersonUnknown,
        Self::NotEmployeeOrRepresentative,
        Self::TermsNotAccepted,
        Self::NotRegistered,
        Self::NotManager,
        Self::UnknownDomain,
        Self::AlreadyHolds,
        Self::NotHolder,
        Self::Conflict,
        Self::NotBackOffice,
        Self::RepresentativeHasEid,
        Self::NamesDoNotMatch,
        Self::RequestNotPending,
        Self::SameApprover,
        Self::DocumentMissing,
        Self::NotPdf,
        Self::DocumentTooLarge,
        Self::ReasonMissing,
        Self::RequestUnknown,
    ];

    /// The stable code (JSON `error`, i18n key `btb.refusal.<code>`).
    pub fn code(self) -> &'static str {
        match self {
            Self::LevelTooLow => "level_too_low",
            Self::BadEnterpriseNumber => "bad_enterprise_number",
            Self::BadNationalNumber => "bad_national_number",
            Self::BadEmail => "bad_email",
            Self::BadPhone => "bad_phone",
            Self::MissingName => "missing_name",
            Self::EnterpriseUnknown => "enterprise_unknown",
            Self::EnterpriseStopped => "enterprise_stopped",
            Self::NotLegalRepresentative => "not_legal_representative",
            Self::FunctionEnded => "function_ended",
            Self::AlreadyHead => "already_head",
            Self::PersonUnknown => "person_unknown",
            Self::NotEmployeeOrRepresentative => "not_employee_or_representative",
            Self::TermsNotAccepted => "terms_not_accepted",
            Self::NotRegistered => "not_registered",
            Self::NotManager => "not_manager",
            Self::UnknownDomain => "unknown_domain",
            Self::AlreadyHolds => "already_holds",
            Self::NotHolder => "not_holder",
            Self::Conflict => "conflict",
            Self::NotBackOffice => "not_back_office",
            Self::RepresentativeHasEid => "representative_has_eid",
            Self::NamesDoNotMatch => "names_do_not_match",
            Self::RequestNotPending => "request_not_pending",
            Self::SameApprover => "same_approver",
            Self::DocumentMissing => "document_missing",
            Self::NotPdf => "not_pdf",
            Self::DocumentTooLarge => "document_too_large",
            Self::ReasonMissing => "reason_missing",
            Self::RequestUnknown => "request_unknown",
        }
    }

    /// The i18n key of the message (`btb.refusal.<code>`).
    pub fn message_key(self) -> &'static str {
        match self {
            Self::LevelTooLow => concat!("btb.refusal.", "level_too_low"),
            Self::BadEnterpriseNumber => concat!("btb.refusal.", "bad_enterprise_number"),
            Self::BadNationalNumber => concat!("btb.refusal.", "bad_national_number"),
            Self::BadEmail => concat!("btb.refusal.", "bad_email"),
            Self::BadPhone => concat!("btb.refusal.", "bad_phone"),
            Self::MissingName => concat!("btb.refusal.", "missing_name"),
            Self::EnterpriseUnknown => concat!("btb.refusal.", "enterprise_unknown"),
            Self::EnterpriseStopped => concat!("btb.refusal.", "enterprise_stopped"),
            Self::NotLegalRepresentative => concat!("btb.refusal.", "not_legal_representative"),
            Self::FunctionEnded => concat!("btb.refusal.", "function_ended"),
            Self::AlreadyHead => concat!("btb.refusal.", "already_head"),
            Self::PersonUnknown => concat!("btb.refusal.", "person_unknown"),
            Self::NotEmployeeOrRepresentative => concat!("btb.refusal.", "not_employee_or_representative"),
            Self::TermsNotAccepted => concat!("btb.refusal.", "terms_not_accepted"),
            Self::NotRegistered => concat!("btb.refusal.", "not_registered"),
            Self::NotManager => concat!("btb.refusal.", "not_manager"),
            Self::UnknownDomain => concat!("btb.refusal.", "unknown_domain"),
            Self::AlreadyHolds => concat!("btb.refusal.", "already_holds"),
            Self::NotHolder => concat!("btb.refusal.", "not_holder"),
            Self::Conflict => concat!("btb.refusal.", "conflict"),
            Self::NotBackOffice => concat!("btb.refusal.", "not_back_office"),
            Self::RepresentativeHasEid => concat!("btb.refusal.", "representative_has_eid"),
            Self::NamesDoNotMatch => concat!("btb.refusal.", "names_do_not_match"),
            Self::RequestNotPending => concat!("btb.refusal.", "request_not_pending"),
            Self::SameApprover => concat!("btb.refusal.", "same_approver"),
            Self::DocumentMissing => concat!("btb.refusal.", "document_missing"),
            Self::NotPdf => concat!("btb.refusal.", "not_pdf"),
            Self::DocumentTooLarge => concat!("btb.refusal.", "document_too_large"),
            Self::ReasonMissing => concat!("btb.refusal.", "reason_missing"),
            Self::RequestUnknown => concat!("btb.refusal.", "request_unknown"),
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            Self::BadEnterpriseNumber
            | Self::BadNationalNumber
            | Self::BadEmail
            | Self::BadPhone
            | Self::MissingName
            | Self::TermsNotAccepted
            | Self::NotEmployeeOrRepresentative
            | Self::NamesDoNotMatch
            | Self::DocumentMissing
            | Self::NotPdf
            | Self::ReasonMissing => StatusCode::BAD_REQUEST,
            Self::DocumentTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::EnterpriseUnknown
            | Self::PersonUnknown
            | Self::NotRegistered
            | Self::UnknownDomain
            | Self::NotHolder
            | Self::RequestUnknown => StatusCode::NOT_FOUND,
            Self::AlreadyHead
            | Self::AlreadyHolds
            | Self::Conflict
            | Self::EnterpriseStopped
            | Self::RequestNotPending
            | Self::SameApprover => StatusCode::CONFLICT,
            Self::LevelTooLow
            | Self::NotLegalRepresentative
            | Self::FunctionEnded
            | Self::NotManager
            | Self::NotBackOffice
            | Self::RepresentativeHasEid => StatusCode::FORBIDDEN,
        }
    }
}

/// In which capacity someone acts (the audit trail's `capacity`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capacity {
    LegalRepresentative,
    HeadAccessManager,
    CoHeadAccessManager,
    AccessManager,
    BackOffice,
}

impl Capacity {
    pub fn code(self) -> &'static str {
        match self {
            Self::LegalRepresentative => "legal_representative",
            Self::HeadAccessManager => "head_access_manager",
            Self::CoHeadAccessManager => "co_head_access_manager",
            Self::AccessManager => "access_manager",
            Self::BackOffice => "back_office",
        }
    }
}

/// Whether the person represents the enterprise in the register today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Representation {
    Current,
    /// They did, but every legal function has ended.
    Ended,
    None,
}

/// What the register and the grants say about the actor and the enterprise.
#[derive(Debug, Clone)]
pub struct Facts {
    pub level: AuthLevel,
    pub representation: Representation,
    pub standing: Standing,
    pub is_back_office: bool,
    pub enterprise: EnterpriseState,
}

/// The enterprise as the register and BTB know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnterpriseState {
    pub exists: bool,
    pub is_active: bool,
    pub is_registered: bool,
}

/// The actions of BTB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action<'a> {
    /// The standard procedure: register the enterprise, designate the head.
    Designate,
    /// See the enterprise's BTB page (a head sees everything, an access manager their domains).
    View,
    /// Add or remove co-heads.
    ManageHeads,
    /// Add or remove the access managers of a domain, set its e-mail (a known domain code).
    ManageDomain(&'a str),
    /// Read the enterprise's audit trail.
    ReadAudit,
    /// Work the back-office queue.
    DecideRequests,
}

/// Decides whether the actor may take `action`; the capacity that allows it, or why not.
/// `required` is the level the action needs.
pub fn decide(facts: &Facts, action: Action<'_>, required: AuthLevel) -> Result<Capacity, Refusal> {
    if !facts.level.satisfies(required) {
        return Err(Refusal::LevelTooLow);
    }
    let s = &facts.standing;
    let e = facts.enterprise;
    match action {
        Action::DecideRequests => {
            facts.is_back_office.then_some(Capacity::BackOffice).ok_or(Refusal::NotBackOffice)
        }
        Action::Designate => {
            if !e.exists {
                return Err(Refusal::EnterpriseUnknown);
            }
            if !e.is_active {
                return Err(Refusal::EnterpriseStopped);
            }
            match facts.representation {
                Representation::Current => Ok(Capacity::LegalRepresentative),
                Representation::Ended => Err(Refusal::FunctionEnded),
                Representation::None => Err(Refusal::NotLegalRepresentative),
            }
        }
        Action::View | Action::ManageHeads | Action::ManageDomain(_) | Action::ReadAudit => {
            if !e.exists {
                return Err(Refusal::EnterpriseUnknown);
            }
            if !e.is_registered {
                return Err(Refusal::NotRegistered);
            }
            if !e.is_active {
                return Err(Refusal::EnterpriseStopped);
            }
            let head = if s.is_head {
                Some(Capacity::HeadAccessManager)
            } else if s.is_co_head {
                Some(Capacity::CoHeadAccessManager)
            } else {
                None
            };
            match action {
                Action::View => head
                    .or((!s.domains.is_empty()).then_some(Capacity::AccessManager))
                    .ok_or(Refusal::NotManager),
                Action::ManageDomain(code) => head
                    .or(s.domains.contains(code).then_some(Capacity::AccessManager))
                    .ok_or(Refusal::NotManager),
                _ => head.ok_or(Refusal::NotManager),
            }
        }
    }
}

/// Parses an e-mail address: one `@`, something on each side, a dot in the domain, no
/// spaces, at most 254 characters. Trimmed.
pub fn parse_email(input: &str) -> Result<String, Refusal> {
    let email = input.trim();
    let Some((local, domain)) = email.split_once('@') else { return Err(Refusal::BadEmail) };
    let is_ok = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>' || c == '"');
    if is_ok { Ok(email.to_string()) } else { Err(Refusal::BadEmail) }
}

/// Parses a phone number: digits with optional `+`, spaces, `.`, `/`, `-`, `(`, `)`;
/// 8 to 15 digits.
pub fn parse_phone(input: &str) -> Result<String, Refusal> {
    let phone = input.trim();
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let is_ok = (8..=15).contains(&digits)
        && phone.len() <= 30
        && phone.chars().all(|c| c.is_ascii_digit() || " +./-()".contains(c))
        && phone.chars().filter(|c| *c == '+').count() <= 1;
    if is_ok { Ok(phone.to_string()) } else { Err(Refusal::BadPhone) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e_mails_and_phones_are_parsed_with_their_own_refusals() {
        assert_eq!(parse_email(" directie@onderneming.be "), Ok("directie@onderneming.be".into()));
        for bad in ["", "a", "a@b", "@b.be", "a b@c.be", "a@b.be@c.be", "a@.be", "<a@b.be>"] {
            assert_eq!(parse_email(bad), Err(Refusal::BadEmail), "{bad}");
        }
        assert_eq!(parse_phone("+32 2 511 51 51"), Ok("+32 2 511 51 51".into()));
        assert_eq!(parse_phone("02/511.51.51"), Ok("02/511.51.51".into()));
        for bad in ["", "12345", "02 511 51 51 ext 2", "++32 2 511 51 51", "1234567890123456"] {
            assert_eq!(parse_phone(bad), Err(Refusal::BadPhone), "{bad}");
        }
    }

    #[test]
    fn every_refusal_has_a_code_and_an_http_status_below_500() {
        let all = [
            Refusal::LevelTooLow,
            Refusal::BadEnterpriseNumber,
            Refusal::NotRegistered,
            Refusal::Conflict,
            Refusal::DocumentTooLarge,
        ];
        for r in all {
            assert!(r.status().is_client_error(), "{r:?}");
            assert!(!r.code().is_empty());
        }
    }
}
