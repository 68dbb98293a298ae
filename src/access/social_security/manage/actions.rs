//! The actions: activate a quality, appoint an admin or a user, add a subdivision or a
//! site, end a role. Each takes the decision its capability function returned.

use super::appointee::new_grant;
use super::is_email;
use super::{AccountForm, AdminChoice, PersonForm, PlaceForm};
use crate::access::btb::Who;
use crate::access::social_security::rules::{Refusal, check_applications, grantable};
use crate::access::social_security::settings::{IdentifierKind, QualitySetting};
use crate::access::social_security::{SocialSecurity, SsError};
use crate::domain::Language;
use crate::store::access_grants::GrantRole;
use crate::store::access_rights::{Decision, kinds};
use crate::store::social_security::{Added, NewPlace, NewQuality, PlaceRow, QualityRow, SsGrantRow, SsPath};

impl SocialSecurity {
    /// Activates `quality` with its e-mail; `admin` is the local admin (or the actor).
    pub async fn activate(
        &self,
        decision: &Decision<kinds::SsActivate>,
        who: &Who,
        quality: &QualitySetting,
        identifier: &str,
        email: &str,
        admin: &AdminChoice,
    ) -> Result<String, SsError> {
        let enterprise = decision.enterprise().cloned().ok_or(Refusal::NotRegistered)?;
        if !quality.is_activatable_by(enterprise.as_str()) {
            return Err(Refusal::QualityNotAllowed.into());
        }
        if !is_email(email) {
            return Err(Refusal::BadEmail.into());
        }
        let identifier = quality.identifier.parse(identifier).ok_or(Refusal::BadIdentifier)?;
        let all: std::collections::BTreeSet<String> = quality.applications.iter().cloned().collect();
        let (person, form) = match admin {
            AdminChoice::Myself => (
                self.myself(who).await?,
                PersonForm { applications: quality.applications.clone(), ..Default::default() },
            ),
            AdminChoice::Person { person, account } => {
                (self.appointee(person, account.as_deref(), &all, None).await?, (**person).clone())
            }
        };
        let name = self
            .registry()
            .find_enterprise(&enterprise)
            .await?
            .map(|e| e.names.display(Language::Nl).to_string())
            .unwrap_or_default();
        let n = &quality.names;
        let new = NewQuality {
            code: &quality.code,
            identifier: &identifier,
            enterprise_name: &name,
            names: [&n.nl, &n.fr, &n.de, &n.en],
            email: email.trim(),
            applications: &quality.applications,
        };
        let grant = new_grant(&person, GrantRole::LocalAdmin, &form);
        match self.store().create_ss_quality(decision, &new, &grant).await? {
            Added::Done(id) => Ok(id),
            Added::Exists => Err(Refusal::AlreadyActive.into()),
        }
    }

    /// Appoints `role` at the decision's place (`path` ends there).
    pub async fn appoint(
        &self,
        decision: &Decision<kinds::SsManage>,
        quality: &QualityRow,
        (subdivision, site): (Option<&PlaceRow>, Option<&PlaceRow>),
        role: GrantRole,
        form: &PersonForm,
        account: Option<&AccountForm>,
    ) -> Result<String, SsError> {
        let setting = self.setting_of(quality)?;
        let mut levels: Vec<&[String]> = vec![&quality.applications];
        levels.extend(subdivision.map(|s| s.applications.as_slice()));
        levels.extend(site.map(|s| s.applications.as_slice()));
        let can = grantable(&setting.applications, &levels);
        let functions = (role == GrantRole::SiteUser).then_some(setting);
        let person = self.appointee(form, account, &can, functions).await?;
        let path = SsPath {
            quality_id: quality.id.clone(),
            subdivision_id: subdivision.map(|s| s.id.clone()),
            site_id: site.map(|s| s.id.clone()),
        };
        let grant = new_grant(&person, role, form);
        self.store().create_ss_grant(decision, &path, &grant).await?.ok_or(Refusal::AlreadyHolds.into())
    }

    /// Adds a subdivision (`subdivision` = None) or a site under `subdivision`.
    pub async fn add_place(
        &self,
        decision: &Decision<kinds::SsManage>,
        who: &Who,
        quality: &QualityRow,
        subdivision: Option<&PlaceRow>,
        form: &PlaceForm,
    ) -> Result<String, SsError> {
        let setting = self.setting_of(quality)?;
        let kind = match subdivision {
            None => setting.subdivision_type(&form.type_code),
            Some(_) => setting.site_type(&form.type_code),
        }
        .ok_or(Refusal::UnknownType)?;
        let identifier = if kind.identifier == IdentifierKind::None {
            String::new()
        } else {
            kind.identifier.parse(&form.identifier).ok_or(Refusal::BadIdentifier)?
        };
        if form.name.trim().is_empty() {
            return Err(Refusal::MissingName.into());
        }
        if !form.email.trim().is_empty() && !is_email(&form.email) {
            return Err(Refusal::BadEmail.into());
        }
        let mut levels: Vec<&[String]> = vec![&quality.applications];
        levels.extend(subdivision.map(|s| s.applications.as_slice()));
        let can = grantable(&setting.applications, &levels);
        check_applications(&form.applications, |a| self.settings().application(a).is_some(), &can)?;
        let place_can = form.applications.iter().cloned().collect();
        let (person, pform) = match &form.admin {
            None => (None, PersonForm::default()),
            Some(AdminChoice::Myself) => (
                Some(self.myself(who).await?),
                PersonForm { applications: form.applications.clone(), ..Default::default() },
            ),
            Some(AdminChoice::Person { person, account }) => (
                Some(self.appointee(person, account.as_deref(), &place_can, None).await?),
                (**person).clone(),
            ),
        };
        let grant = person.as_ref().map(|p| new_grant(p, GrantRole::SubdivisionAdmin, &pform));
        let place = NewPlace {
            type_code: &kind.code,
            identifier: &identifier,
            name: form.name.trim(),
            email: form.email.trim(),
            applications: &form.applications,
        };
        let added = match subdivision {
            None => self.store().create_ss_subdivision(decision, &place, grant.as_ref()).await?,
            Some(_) => self.store().create_ss_site(decision, &quality.id, &place, grant.as_ref()).await?,
        };
        match added {
            Added::Done(id) => Ok(id),
            Added::Exists => Err(Refusal::PlaceExists.into()),
        }
    }

    /// Ends a role held at the decision's place.
    pub async fn remove(
        &self,
        decision: &Decision<kinds::SsManage>,
        grant: &SsGrantRow,
    ) -> Result<(), SsError> {
        if self.store().end_ss_grant(decision, grant).await? {
            Ok(())
        } else {
            Err(Refusal::NotHolder.into())
        }
    }
}
