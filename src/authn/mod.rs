//! Authentication: the login transaction, browser sessions and one folder per method.
pub mod itsme;
