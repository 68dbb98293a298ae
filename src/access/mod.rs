//! Who may act for whom (docs/ARCHITECTURE.md, "access/ and BTB"): the grants every role
//! shares ([`grants`]), the hash-chained audit trail ([`audit`]), the port through which the
//! management API learns who holds a bearer token ([`tokens`]), and the management of
//! access managers, BTB ([`btb`]), and social-security access management
//! ([`social_security`]: qualities, subdivisions, sites, their admins and users). Decisions are taken in one place per feature and
//! returned as capabilities the store's writes require (HOUSE_STYLE habit 3).

pub mod admin;
pub mod audit;
pub mod btb;
pub mod grants;
pub mod social_security;
pub mod tokens;
