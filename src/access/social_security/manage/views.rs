//! What the reads return: a user (a grant with its effective applications), the tree of a
//! quality with its subdivisions and sites, and the explanation of an application; the
//! seed's user types.

use serde::Serialize;

use crate::access::social_security::rules;
use crate::store::access_grants::GrantRole;
use crate::store::social_security::{PlaceRow, QualityRow, SsGrantRow};

/// The seed's user type: LB (local or co-local admin), SB (subdivision or site admin), USER.
pub fn user_type(role: GrantRole) -> &'static str {
    match role {
        GrantRole::LocalAdmin | GrantRole::CoLocalAdmin => "LB",
        GrantRole::SubdivisionAdmin => "SB",
        _ => "USER",
    }
}

/// The roles of a user type.
pub fn roles_of_type(t: &str) -> Vec<GrantRole> {
    match t.to_ascii_uppercase().as_str() {
        "LB" => vec![GrantRole::LocalAdmin, GrantRole::CoLocalAdmin],
        "SB" => vec![GrantRole::SubdivisionAdmin],
        "USER" => vec![GrantRole::SiteUser],
        _ => Vec::new(),
    }
}

/// A user in the tree or the list.
#[derive(Debug, Clone, Serialize)]
pub struct UserView {
    pub grant_id: String,
    pub national_number: String,
    pub last_name: String,
    pub first_name: String,
    pub username: Option<String>,
    pub role: &'static str,
    #[serde(rename = "type")]
    pub user_type: &'static str,
    pub status: &'static str,
    pub email: Option<String>,
    pub applications: Vec<String>,
    pub functions: Vec<String>,
    pub effective_applications: Vec<String>,
}

/// A site in the tree.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub id: String,
    #[serde(rename = "type")]
    pub type_code: String,
    pub identifier: String,
    pub name: String,
    pub email: String,
    pub applications: Vec<String>,
    pub admins: Vec<UserView>,
    pub users: Vec<UserView>,
}

/// A subdivision in the tree.
#[derive(Debug, Clone, Serialize)]
pub struct SubdivisionView {
    pub id: String,
    #[serde(rename = "type")]
    pub type_code: String,
    pub identifier: String,
    pub name: String,
    pub email: String,
    pub applications: Vec<String>,
    pub admins: Vec<UserView>,
    pub sites: Vec<SiteView>,
}

/// A quality's whole tree.
#[derive(Debug, Clone, Serialize)]
pub struct Tree {
    pub enterprise: String,
    pub quality: String,
    pub quality_id: String,
    pub identifier: String,
    pub email: String,
    pub applications: Vec<String>,
    pub local_admins: Vec<UserView>,
    pub co_local_admins: Vec<UserView>,
    pub subdivisions: Vec<SubdivisionView>,
}

/// A grant as shown, with its effective applications.
pub fn user_view(
    g: &SsGrantRow,
    quality: &QualityRow,
    sub: Option<&PlaceRow>,
    site: Option<&PlaceRow>,
) -> UserView {
    let mut levels: Vec<&[String]> = vec![&quality.applications];
    levels.extend(sub.map(|s| s.applications.as_slice()));
    levels.extend(site.map(|s| s.applications.as_slice()));
    UserView {
        grant_id: g.grant_id.clone(),
        national_number: g.holder.as_str().to_string(),
        last_name: g.last_name.clone(),
        first_name: g.first_name.clone(),
        username: g.username.clone(),
        role: g.role.code(),
        user_type: user_type(g.role),
        status: g.status.code(),
        email: g.email.clone(),
        applications: g.applications.clone(),
        functions: g.functions.clone(),
        effective_applications: rules::effective(&levels, &g.applications),
    }
}

/// One check of [`SocialSecurity::explain`](crate::access::social_security::SocialSecurity::explain).
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub application: String,
    pub is_effective: bool,
    /// (check code, holds).
    pub checks: Vec<(&'static str, bool)>,
}
