//! One module per page or small group of pages.

pub mod assets;
pub mod enterprise;
pub mod health;
pub mod home;
pub mod outbox;
