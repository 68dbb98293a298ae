//! Authentication: one folder per login method.

pub mod eid;
