//! The rules of social-security access management as plain functions on plain facts,
//! tested without a database or HTTP (docs/DOMAIN.md §7, issue 12 item 6): who may take
//! which action on which place of an enterprise's tree, which applications may be granted
//! there, and which are effective. Every refusal has a stable code, a status and a
//! translated message (`ss.refusal.<code>`).

use std::collections::BTreeSet;

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
    #[error("malformed identifier")]
    BadIdentifier,
    #[error("a name is missing")]
    MissingName,
    #[error("the usernames or passwords differ")]
    ConfirmationDiffers,
    #[error("the username or password breaks a rule")]
    AccountRule,
    #[error("the username is taken")]
    UsernameTaken,
    #[error("the enterprise is not registered")]
    NotRegistered,
    #[error("no role that allows this")]
    NotManager,
    #[error("unknown quality")]
    UnknownQuality,
    #[error("the quality may not be activated for this enterprise")]
    QualityNotAllowed,
    #[error("the quality is active already")]
    AlreadyActive,
    #[error("the quality is not activated")]
    NotActivated,
    #[error("unknown subdivision or site")]
    UnknownPlace,
    #[error("a type the quality does not allow")]
    UnknownType,
    #[error("a subdivision or site with this identifier exists")]
    PlaceExists,
    #[error("unknown application")]
    UnknownApplication,
    #[error("an application not enabled above")]
    ApplicationNotVisible,
    #[error("unknown function")]
    UnknownFunction,
    #[error("functions are held at a site only")]
    FunctionsOnlyAtSite,
    #[error("the person is unknown to the register")]
    PersonUnknown,
    #[error("the person already holds this role here")]
    AlreadyHolds,
    #[error("no such role")]
    NotHolder,
}

impl Refusal {
    pub const ALL: [Refusal; 25] = [
        Self::LevelTooLow,
        Self::BadEnterpriseNumber,
        Self::BadNationalNumber,
        Self::BadEmail,
        Self::BadIdentifier,
        Self::MissingName,
        Self::ConfirmationDiffers,
        Self::AccountRule,
        Self::UsernameTaken,
        Self::NotRegistered,
        Self::NotManager,
        Self::UnknownQuality,
        Self::QualityNotAllowed,
        Self::AlreadyActive,
        Self::NotActivated,
        Self::UnknownPlace,
        Self::UnknownType,
        Self::PlaceExists,
        Self::UnknownApplication,
        Self::ApplicationNotVisible,
        Self::UnknownFunction,
        Self::FunctionsOnlyAtSite,
        Self::PersonUnknown,
        Self::AlreadyHolds,
        Self::NotHolder,
    ];

    /// The stable code (JSON `error`; i18n key `ss.refusal.<code>`).
    pub fn code(self) -> &'static str {
        self.codes().0
    }

    /// The i18n key of the message.
    pub fn message_key(self) -> &'static str {
        self.codes().1
    }

    fn codes(self) -> (&'static str, &'static str) {
        macro_rules! c {
            ($code:literal) => {
                ($code, concat!("ss.refusal.", $code))
            };
        }
        match self {
            Self::LevelTooLow => c!("level_too_low"),
            Self::BadEnterpriseNumber => c!("bad_enterprise_number"),
            Self::BadNationalNumber => c!("bad_national_number"),
            Self::BadEmail => c!("bad_email"),
            Self::BadIdentifier => c!("bad_identifier"),
            Self::MissingName => c!("missing_name"),
            Self::ConfirmationDiffers => c!("confirmation_differs"),
            Self::AccountRule => c!("account_rule"),
            Self::UsernameTaken => c!("username_taken"),
            Self::NotRegistered => c!("not_registered"),
            Self::NotManager => c!("not_manager"),
            Self::UnknownQuality => c!("unknown_quality"),
            Self::QualityNotAllowed => c!("quality_not_allowed"),
            Self::AlreadyActive => c!("already_active"),
            Self::NotActivated => c!("not_activated"),
            Self::UnknownPlace => c!("unknown_place"),
            Self::UnknownType => c!("unknown_type"),
            Self::PlaceExists => c!("place_exists"),
            Self::UnknownApplication => c!("unknown_application"),
            Self::ApplicationNotVisible => c!("application_not_visible"),
            Self::UnknownFunction => c!("unknown_function"),
            Self::FunctionsOnlyAtSite => c!("functions_only_at_site"),
            Self::PersonUnknown => c!("person_unknown"),
            Self::AlreadyHolds => c!("already_holds"),
            Self::NotHolder => c!("not_holder"),
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            Self::LevelTooLow | Self::NotManager | Self::QualityNotAllowed | Self::ApplicationNotVisible => {
                StatusCode::FORBIDDEN
            }
            Self::NotRegistered
            | Self::UnknownQuality
            | Self::NotActivated
            | Self::UnknownPlace
            | Self::PersonUnknown
            | Self::NotHolder => StatusCode::NOT_FOUND,
            Self::AlreadyActive | Self::PlaceExists | Self::AlreadyHolds | Self::UsernameTaken => {
                StatusCode::CONFLICT
            }
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

/// The capacity an actor acts in (the audit's `capacity`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capacity {
    HeadAccessManager,
    CoHeadAccessManager,
    AccessManager,
    LocalAdmin,
    CoLocalAdmin,
    SubdivisionAdmin,
}

impl Capacity {
    pub fn code(self) -> &'static str {
        match self {
            Self::HeadAccessManager => "head_access_manager",
            Self::CoHeadAccessManager => "co_head_access_manager",
            Self::AccessManager => "access_manager",
            Self::LocalAdmin => "local_admin",
            Self::CoLocalAdmin => "co_local_admin",
            Self::SubdivisionAdmin => "subdivision_admin",
        }
    }
}

/// A place of the tree, by the ids of its path (the domain is the quality's BTB domain).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place<'a> {
    pub domain: &'a str,
    /// `None`: the enterprise's domain itself (activating a quality).
    pub quality: Option<&'a str>,
    pub subdivision: Option<&'a str>,
    pub site: Option<&'a str>,
}

/// What an actor wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Activate a quality of the place's domain.
    ActivateQuality,
    /// Change the local admin of a quality.
    AppointLocalAdmin,
    /// Appoint or remove co-local admins, add subdivisions (at a quality).
    ManageQuality,
    /// Appoint or remove subdivision admins, add sites (at a subdivision).
    ManageSubdivision,
    /// Appoint or remove site admins and users (at a site).
    ManageSite,
    /// See the place and everything below it.
    View,
}

/// The actor's standing on the enterprise: BTB roles and live social-security grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub level: AuthLevel,
    pub is_registered: bool,
    pub standing: Standing,
    /// Quality ids the actor is local admin of.
    pub local_admin_of: BTreeSet<String>,
    pub co_local_admin_of: BTreeSet<String>,
    /// Subdivision or site ids the actor administers.
    pub subdivision_admin_of: BTreeSet<String>,
}

impl Facts {
    /// No role yet.
    pub fn new(level: AuthLevel, is_registered: bool) -> Self {
        Self {
            level,
            is_registered,
            standing: Standing::default(),
            local_admin_of: BTreeSet::new(),
            co_local_admin_of: BTreeSet::new(),
            subdivision_admin_of: BTreeSet::new(),
        }
    }
}

/// The capacity in which the facts allow `action` on `place`, or why not.
pub fn decide(
    facts: &Facts,
    action: Action,
    place: Place<'_>,
    required: AuthLevel,
) -> Result<Capacity, Refusal> {
    if !facts.is_registered {
        return Err(Refusal::NotRegistered);
    }
    let has = |set: &BTreeSet<String>, id: Option<&str>| id.is_some_and(|i| set.contains(i));
    let s = &facts.standing;
    // From the broadest role down: the capacity recorded is the broadest one held.
    let capacity = if s.is_head {
        Some(Capacity::HeadAccessManager)
    } else if s.is_co_head {
        Some(Capacity::CoHeadAccessManager)
    } else if s.domains.contains(place.domain) {
        Some(Capacity::AccessManager)
    } else if matches!(action, Action::ActivateQuality | Action::AppointLocalAdmin) {
        None
    } else if has(&facts.local_admin_of, place.quality) {
        Some(Capacity::LocalAdmin)
    } else if has(&facts.co_local_admin_of, place.quality) {
        Some(Capacity::CoLocalAdmin)
    } else if (has(&facts.subdivision_admin_of, place.subdivision)
        && !matches!(action, Action::ManageQuality))
        || (has(&facts.subdivision_admin_of, place.site)
            && matches!(action, Action::ManageSite | Action::View))
    {
        Some(Capacity::SubdivisionAdmin)
    } else {
        None
    };
    let capacity = capacity.ok_or(Refusal::NotManager)?;
    if facts.level < required {
        return Err(Refusal::LevelTooLow);
    }
    Ok(capacity)
}

/// The applications that may be granted at a place: those the quality allows and every
/// place down to it enables (nobody grants what they cannot see).
pub fn grantable(allowed: &[String], path: &[&[String]]) -> BTreeSet<String> {
    allowed.iter().filter(|a| path.iter().all(|level| level.contains(a))).cloned().collect()
}

/// Checks a requested set of applications against what may be granted.
pub fn check_applications(
    requested: &[String],
    known: impl Fn(&str) -> bool,
    grantable: &BTreeSet<String>,
) -> Result<(), Refusal> {
    if let Some(_unknown) = requested.iter().find(|a| !known(a)) {
        return Err(Refusal::UnknownApplication);
    }
    if requested.iter().any(|a| !grantable.contains(a)) {
        return Err(Refusal::ApplicationNotVisible);
    }
    Ok(())
}

/// One step of the seed-001 troubleshooting list for one application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// The catalogue lets the quality use it.
    AllowedByQuality,
    EnabledOnQuality,
    EnabledOnSubdivision,
    EnabledOnSite,
    TickedForUser,
}

impl Check {
    pub fn code(self) -> &'static str {
        match self {
            Self::AllowedByQuality => "allowed_by_quality",
            Self::EnabledOnQuality => "enabled_on_quality",
            Self::EnabledOnSubdivision => "enabled_on_subdivision",
            Self::EnabledOnSite => "enabled_on_site",
            Self::TickedForUser => "ticked_for_user",
        }
    }
}

/// Why an application is or is not effective: each check and whether it holds. The
/// application is effective when every check holds.
pub fn explain(
    application: &str,
    allowed: &[String],
    quality: &[String],
    subdivision: Option<&[String]>,
    site: Option<&[String]>,
    user: &[String],
) -> Vec<(Check, bool)> {
    let has = |list: &[String]| list.iter().any(|a| a == application);
    let mut checks = vec![(Check::AllowedByQuality, has(allowed)), (Check::EnabledOnQuality, has(quality))];
    if let Some(s) = subdivision {
        checks.push((Check::EnabledOnSubdivision, has(s)));
    }
    if let Some(s) = site {
        checks.push((Check::EnabledOnSite, has(s)));
    }
    checks.push((Check::TickedForUser, has(user)));
    checks
}

/// The effective applications: ticked for the user and enabled at every level above.
pub fn effective(levels: &[&[String]], user: &[String]) -> Vec<String> {
    let mut v: Vec<String> = user.iter().filter(|a| levels.iter().all(|l| l.contains(a))).cloned().collect();
    v.sort();
    v.dedup();
    v
}
