//! Integration tests: the real application over real HTTP, on SQLite (default) and on
//! PostgreSQL (`TEST_DATABASE=postgres`). One test binary, one link.

mod helpers;
mod oidc_support;

mod authn_spine;
mod cli;
mod oidc_endpoints;
mod oidc_flow;
mod registry;
mod web_shell;
