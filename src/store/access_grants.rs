//! SQL of `access_grants` (every role a person holds on a place) and of what BTB keeps of a
//! registered enterprise (`btb_enterprises`, `btb_domain_emails`). Every change requires the
//! access layer's [`Decision`](super::access_rights::Decision) of its kind and appends its
//! audit row in the same transaction.
//!
//! Here the grant as stored; `find` holds the reads and `change` the inserts and ends.

mod change;
mod find;

pub(super) use change::{NewGrant, end_grants, insert_grant};

use super::{StoreError, StoreResult};
use crate::domain::{EnterpriseNumber, NationalNumber};

/// A role a grant gives. Stable codes: the next issues (profiles, tokens) build on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GrantRole {
    /// Head access manager (Hoofdtoegangsbeheerder, HTB): one per enterprise.
    HeadAccessManager,
    /// Co-head access manager (Co-hoofdtoegangsbeheerder).
    CoHeadAccessManager,
    /// Access manager (Toegangsbeheerder, TB) of one domain.
    AccessManager,
    /// Contact-centre staff deciding exception-procedure requests (service-wide).
    BackOffice,
    /// Local admin of a quality (Lokale beheerder; today: access manager of the quality).
    LocalAdmin,
    /// Co-local admin of a quality (Co-lokale beheerder).
    CoLocalAdmin,
    /// Admin of a subdivision, or of a site (Subafdelingsbeheerder).
    SubdivisionAdmin,
    /// A user at a site, with secured applications and functions (Gebruiker).
    SiteUser,
}

impl GrantRole {
    pub fn code(self) -> &'static str {
        match self {
            Self::HeadAccessManager => "head_access_manager",
            Self::CoHeadAccessManager => "co_head_access_manager",
            Self::AccessManager => "access_manager",
            Self::BackOffice => "back_office",
            Self::LocalAdmin => "local_admin",
            Self::CoLocalAdmin => "co_local_admin",
            Self::SubdivisionAdmin => "subdivision_admin",
            Self::SiteUser => "site_user",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [
            Self::HeadAccessManager,
            Self::CoHeadAccessManager,
            Self::AccessManager,
            Self::BackOffice,
            Self::LocalAdmin,
            Self::CoLocalAdmin,
            Self::SubdivisionAdmin,
            Self::SiteUser,
        ]
        .into_iter()
        .find(|r| r.code() == code)
    }
}

/// Whether a grant counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantStatus {
    Active,
    /// Its basis in the authentic sources ended (lifecycle); kept for the record.
    Suspended,
    /// Removed by someone, or replaced.
    Revoked,
}

impl GrantStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Suspended => "suspended",
            Self::Revoked => "revoked",
        }
    }

    fn parse(code: &str) -> StoreResult<Self> {
        match code {
            "active" => Ok(Self::Active),
            "suspended" => Ok(Self::Suspended),
            "revoked" => Ok(Self::Revoked),
            other => Err(StoreError::Corrupt(format!("grant status {other:?}"))),
        }
    }
}

/// One grant as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantRow {
    pub id: String,
    pub holder: NationalNumber,
    pub role: GrantRole,
    pub enterprise: Option<EnterpriseNumber>,
    /// `enterprise`, `domain`, `service`, `quality`, `subdivision`, `site`.
    pub scope_kind: String,
    /// The domain code for a domain grant, the place id for a quality, subdivision or site
    /// grant ('' otherwise).
    pub scope_id: String,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub granted_by: String,
    pub granted_capacity: String,
    pub valid_from: i64,
    pub valid_until: Option<i64>,
    pub status: GrantStatus,
    pub status_reason: Option<String>,
    pub created_at: i64,
}

pub(super) fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

pub(super) fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error().is_some_and(|d| d.is_unique_violation())
}
