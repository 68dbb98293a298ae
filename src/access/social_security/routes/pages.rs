//! The handlers: extract, call the service, render or redirect.
//!
//! `enterprise_page` holds the enterprise's page and the activation of a quality,
//! `quality_page` the quality's page, its CSV export and a user's page, `actions` the
//! changes to the tree; here the form reading and the helpers they share.

use super::SsPages;
use crate::access::social_security::Refusal;
use crate::access::social_security::manage::{AccountForm, AdminChoice, PersonForm};
use crate::domain::{EnterpriseNumber, Language};
use crate::web::error::WebError;

macro_rules! who_or_login {
    ($state:expr, $jar:expr, $page:expr, $next:expr) => {
        match who(&$state, &$jar, &$page, &$next).await? {
            Ok(w) => w,
            Err(redirect) => return Ok(redirect),
        }
    };
}

mod actions;
mod enterprise_page;
mod quality_page;

pub(super) use actions::{
    add_co_local_admin, add_site, add_subdivision, add_user, change_local_admin, remove,
};
pub(super) use enterprise_page::{activate, enterprise};
pub(super) use quality_page::{quality, user, users_csv};

fn number(raw: &str) -> Result<EnterpriseNumber, WebError> {
    EnterpriseNumber::parse(raw).map_err(|_| {
        WebError::from(crate::access::social_security::SsError::from(Refusal::BadEnterpriseNumber))
    })
}

/// A form's fields, repeated ones (check boxes) included.
struct Fields(Vec<(String, String)>);

impl Fields {
    fn get(&self, name: &str) -> String {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_string()).unwrap_or_default()
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.trim().to_string()).collect()
    }

    /// The person part of a form (fields with `prefix`).
    fn person(&self, prefix: &str) -> PersonForm {
        let f = |n: &str| self.get(&format!("{prefix}{n}"));
        PersonForm {
            national_number: f("national_number"),
            title: f("title"),
            language: f("language"),
            email: f("email"),
            local_email: f("local_email"),
            applications: self.all(&format!("{prefix}applications")),
            functions: self.all(&format!("{prefix}functions")),
        }
    }

    fn account(&self) -> Option<AccountForm> {
        let a = AccountForm {
            username: self.get("username"),
            username_confirm: self.get("username_confirm"),
            password: self
                .0
                .iter()
                .find(|(k, _)| k == "password")
                .map(|(_, v)| v.clone())
                .unwrap_or_default(),
            password_confirm: self
                .0
                .iter()
                .find(|(k, _)| k == "password_confirm")
                .map(|(_, v)| v.clone())
                .unwrap_or_default(),
        };
        (!a.username.is_empty()).then_some(a)
    }

    /// "myself", "appoint" (the `admin_` fields) or nobody.
    fn admin(&self) -> Option<AdminChoice> {
        match self.get("manage").as_str() {
            "myself" => Some(AdminChoice::Myself),
            "appoint" => Some(AdminChoice::Person {
                person: Box::new(self.person("admin_")),
                account: self.account().map(Box::new),
            }),
            _ => None,
        }
    }
}

/// An option of a select or check box list.
struct Choice {
    code: String,
    name: String,
}

fn applications(state: &SsPages, codes: &[String], lang: Language) -> Vec<Choice> {
    codes
        .iter()
        .map(|c| Choice {
            code: c.clone(),
            name: state
                .ss
                .settings()
                .application(c)
                .map(|a| a.names.get(lang).to_string())
                .unwrap_or_else(|| c.clone()),
        })
        .collect()
}
