//! Integration tests: the real application over real HTTP, on SQLite (default) and on
//! PostgreSQL (`TEST_DATABASE=postgres`). One test binary, one link.

mod fuzz_corpus;
mod helpers;
mod oidc_support;

mod authn_spine;
mod cli;
mod code_flow_methods;
mod eid_cards;
mod eid_certificate;
mod eid_cli;
mod eid_login;
mod eid_refusals;
mod eid_support;
mod eidas_login;
mod eidas_refusals;
mod hardening_limits;
mod hardening_logout;
mod hardening_misc;
mod hardening_outbound;
mod hardening_session;
mod housekeeping;
mod itsme_id_token;
mod itsme_login;
mod itsme_protocol_flow;
mod itsme_protocol_support;
mod itsme_support;
mod itsme_third_party;
mod oidc_cli;
mod oidc_compat;
mod oidc_endpoints;
mod oidc_flow;
mod oidc_registration;
mod oidc_ui_locales;
mod page_crawl;
mod passkey_login;
mod passkey_support;
mod password_helpers;
mod password_keys;
mod password_login;
mod password_refusals;
mod public_origin;
mod registry;
mod two_nodes;
mod web_shell;
