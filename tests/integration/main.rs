//! Integration tests: the real application over real HTTP, on SQLite (default) and on
//! PostgreSQL (`TEST_DATABASE=postgres`). One test binary, one link.

mod btb_support;
mod helpers;
mod oidc_support;

mod authn_spine;
mod btb_api;
mod btb_cli;
mod btb_exception;
mod btb_lifecycle;
mod btb_pages;
mod btb_roles;
mod cli;
mod code_flow_methods;
mod eid_cards;
mod eid_cli;
mod eid_login;
mod eid_refusals;
mod eid_support;
mod eidas_login;
mod eidas_refusals;
mod housekeeping;
mod itsme_id_token;
mod itsme_login;
mod itsme_protocol_flow;
mod itsme_protocol_support;
mod itsme_support;
mod itsme_third_party;
mod oidc_cli;
mod oidc_endpoints;
mod oidc_flow;
mod passkey_login;
mod passkey_support;
mod password_helpers;
mod password_keys;
mod password_login;
mod password_refusals;
mod registry;
mod web_shell;
