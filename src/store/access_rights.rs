//! The proofs the access layer's decisions hand to the store: every function that changes a
//! grant requires a [`Decision`] of the right kind, so a change without a decision does not
//! compile (docs/ARCHITECTURE.md, "access/ and BTB"). Only `access::…::capability` and
//! `access::btb::lifecycle` create them, through the deliberately long constructor
//! [`Decision::granted_by_access_rules`]; a test in `access` fails when it is called
//! anywhere else.

use std::marker::PhantomData;

use crate::domain::{EnterpriseNumber, NationalNumber};

/// Who acted, in which capacity, from where: the audit columns of every change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The person who acted; `None` for the register lifecycle or an operator command.
    pub person: Option<NationalNumber>,
    /// `legal_representative`, `head_access_manager`, `co_head_access_manager`,
    /// `access_manager`, `back_office`, `operator`, `register`.
    pub capacity: &'static str,
    /// `session:<sid>` (a browser session), `client:<id>` (an API client), `cli`.
    pub session_ref: Option<String>,
}

/// The kinds of decisions, one per kind of change.
pub mod kinds {
    /// Register an enterprise and designate its head access manager.
    #[derive(Debug)]
    pub struct Designate;
    /// Add or remove co-head access managers.
    #[derive(Debug)]
    pub struct ManageHeads;
    /// Add or remove the access managers of one domain, set its e-mail.
    #[derive(Debug)]
    pub struct ManageDomain;
    /// Decide exception-procedure requests (back office).
    #[derive(Debug)]
    pub struct DecideRequests;
    /// Suspend grants whose basis in the authentic sources ended.
    #[derive(Debug)]
    pub struct Lifecycle;
    /// Grant or revoke service-wide roles (the operator's command line).
    #[derive(Debug)]
    pub struct Operate;
    /// Activate a quality of social-security access management (the decision's domain is
    /// the quality's BTB domain, its place the quality code).
    #[derive(Debug)]
    pub struct SsActivate;
    /// Change a social-security place (the decision's place: a quality, subdivision or
    /// site id): appoint or remove its admins and users, add places below it.
    #[derive(Debug)]
    pub struct SsManage;
}

/// Proof that the access rules allowed `actor` a change of kind `K` on `enterprise` (and
/// `domain`, for domain changes).
#[derive(Debug)]
pub struct Decision<K> {
    actor: Actor,
    enterprise: Option<EnterpriseNumber>,
    domain: Option<String>,
    place: Option<String>,
    _kind: PhantomData<K>,
}

impl<K> Decision<K> {
    /// Only the access layer's decision functions call this (a test checks).
    pub(crate) fn granted_by_access_rules(
        actor: Actor,
        enterprise: Option<EnterpriseNumber>,
        domain: Option<String>,
    ) -> Self {
        Self { actor, enterprise, domain, place: None, _kind: PhantomData }
    }

    /// A decision about one place of social-security access management (a quality code
    /// when activating; else a quality, subdivision or site id).
    pub(crate) fn granted_by_access_rules_on_place(
        actor: Actor,
        enterprise: EnterpriseNumber,
        domain: String,
        place: String,
    ) -> Self {
        Self {
            actor,
            enterprise: Some(enterprise),
            domain: Some(domain),
            place: Some(place),
            _kind: PhantomData,
        }
    }

    /// The place the decision is about (social-security decisions only).
    pub fn place(&self) -> Option<&str> {
        self.place.as_deref()
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    pub fn enterprise(&self) -> Option<&EnterpriseNumber> {
        self.enterprise.as_ref()
    }

    pub fn domain(&self) -> Option<&str> {
        self.domain.as_deref()
    }
}
