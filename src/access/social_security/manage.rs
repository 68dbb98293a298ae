//! The actions (activate a quality, appoint admins and users, add subdivisions and sites,
//! remove a role) and the reads (a quality's tree, its user list, why an application is
//! effective). Each action takes the capability its decision function returned.
//!
//! `forms` holds what the actions take, `appointee` the checks of a person to appoint,
//! `actions` the changes, `lookup` the quality, place and grant lookups, `views` what the
//! reads return and `reads` the reads.

mod actions;
mod appointee;
mod forms;
mod lookup;
mod reads;
mod views;

pub use forms::{AccountForm, AdminChoice, PersonForm, PlaceForm, normalized};
pub use views::{
    Explanation, SiteView, SubdivisionView, Tree, UserView, roles_of_type, user_type, user_view,
};

fn is_email(s: &str) -> bool {
    let s = s.trim();
    s.len() <= 254
        && s.split_once('@').is_some_and(|(a, d)| !a.is_empty() && d.contains('.') && !s.contains(' '))
}
