//! Who is appointed: a person form checked against the register and the grantable
//! applications (and their password account created when asked), and the grant it becomes.

use super::is_email;
use super::{AccountForm, PersonForm};
use crate::access::btb::Who;
use crate::access::social_security::rules::{Refusal, check_applications};
use crate::access::social_security::settings::QualitySetting;
use crate::access::social_security::{SocialSecurity, SsError};
use crate::authn::password::keys::KeyRefusal;
use crate::domain::{Language, NationalNumber};
use crate::store::access_grants::GrantRole;
use crate::store::social_security::NewSsGrant;

fn opt(s: &str) -> Option<&str> {
    let s = s.trim();
    (!s.is_empty()).then_some(s)
}

/// A checked person record.
pub(super) struct Person {
    number: NationalNumber,
    last_name: String,
    first_name: String,
}

impl SocialSecurity {
    async fn person(&self, raw: &str) -> Result<Person, SsError> {
        let number = NationalNumber::parse(raw).map_err(|_| Refusal::BadNationalNumber)?;
        let p = self.registry().find_person(&number).await?.ok_or(Refusal::PersonUnknown)?;
        Ok(Person { number, last_name: p.last_name, first_name: p.first_names })
    }

    /// Checks a person form; creates their password account when asked.
    pub(super) async fn appointee(
        &self,
        form: &PersonForm,
        account: Option<&AccountForm>,
        grantable: &std::collections::BTreeSet<String>,
        functions_allowed: Option<&QualitySetting>,
    ) -> Result<Person, SsError> {
        let person = self.person(&form.national_number).await?;
        if !form.email.trim().is_empty() && !is_email(&form.email)
            || !form.local_email.trim().is_empty() && !is_email(&form.local_email)
        {
            return Err(Refusal::BadEmail.into());
        }
        if !form.language.is_empty() && Language::parse(&form.language).is_err() {
            return Err(Refusal::MissingName.into());
        }
        check_applications(&form.applications, |a| self.settings().application(a).is_some(), grantable)?;
        match functions_allowed {
            Some(q) if form.functions.iter().any(|f| !q.allows_function(f)) => {
                return Err(Refusal::UnknownFunction.into());
            }
            None if !form.functions.is_empty() => return Err(Refusal::FunctionsOnlyAtSite.into()),
            _ => {}
        }
        if let Some(a) = account {
            if a.username != a.username_confirm || a.password != a.password_confirm {
                return Err(Refusal::ConfirmationDiffers.into());
            }
            if !is_email(&form.email) {
                return Err(Refusal::BadEmail.into());
            }
            if self.store().find_password_account_by_person(person.number.as_str()).await?.is_none() {
                let created = self
                    .password()
                    .create_account(
                        person.number.as_str(),
                        &a.username,
                        &a.password,
                        &a.password_confirm,
                        &form.email,
                    )
                    .await?;
                match created {
                    Ok(_) => {}
                    Err(KeyRefusal::UsernameTaken) => return Err(Refusal::UsernameTaken.into()),
                    Err(KeyRefusal::BadEmail) => return Err(Refusal::BadEmail.into()),
                    Err(_) => return Err(Refusal::AccountRule.into()),
                }
            }
        }
        Ok(person)
    }

    pub(super) async fn myself(&self, who: &Who) -> Result<Person, SsError> {
        self.person(who.person.as_str()).await
    }
}

pub(super) fn new_grant<'a>(p: &'a Person, role: GrantRole, f: &'a PersonForm) -> NewSsGrant<'a> {
    NewSsGrant {
        holder: &p.number,
        role,
        applications: &f.applications,
        functions: &f.functions,
        last_name: &p.last_name,
        first_name: &p.first_name,
        title: opt(&f.title),
        language: opt(&f.language),
        email: opt(&f.email),
        local_email: opt(&f.local_email),
    }
}
