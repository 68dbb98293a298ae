//! Integration tests: the real application over real HTTP, on SQLite (default) and on
//! PostgreSQL (`TEST_DATABASE=postgres`). One test binary, one link.

mod helpers;

mod authn_spine;
mod cli;
mod itsme_id_token;
mod itsme_login;
mod itsme_protocol_flow;
mod itsme_protocol_support;
mod itsme_support;
mod itsme_third_party;
mod registry;
mod web_shell;
