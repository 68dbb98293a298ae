//! The actions (activate a quality, appoint admins and users, add subdivisions and sites,
//! remove a role) and the reads (a quality's tree, its user list, why an application is
//! effective). Each action takes the capability its decision function returned.

use serde::{Deserialize, Serialize};

use super::rules::{self, Check, Refusal, check_applications, grantable};
use super::settings::{IdentifierKind, QualitySetting};
use super::{SocialSecurity, SsError};
use crate::access::btb::Who;
use crate::authn::password::keys::KeyRefusal;
use crate::domain::{EnterpriseNumber, Language, NationalNumber};
use crate::store::access_grants::GrantRole;
use crate::store::access_rights::{Decision, kinds};
use crate::store::social_security::{
    Added, NewPlace, NewQuality, NewSsGrant, PlaceRow, QualityRow, SsGrantRow, SsPath, UserFilter, join_codes,
};

/// A person to appoint: the seed's record (the register gives the names).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PersonForm {
    pub national_number: String,
    pub title: String,
    pub language: String,
    pub email: String,
    pub local_email: String,
    pub applications: Vec<String>,
    pub functions: Vec<String>,
}

/// A new password account for an appointed admin (seed 001: username twice, password twice).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AccountForm {
    pub username: String,
    pub username_confirm: String,
    pub password: String,
    pub password_confirm: String,
}

/// Who administers a new quality, subdivision or site.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdminChoice {
    /// "I manage it myself."
    Myself,
    /// Appoint someone (and, optionally, give them a username and password).
    Person { person: Box<PersonForm>, account: Option<Box<AccountForm>> },
}

/// A subdivision or site to add.
#[derive(Debug, Clone, Deserialize)]
pub struct PlaceForm {
    #[serde(rename = "type")]
    pub type_code: String,
    #[serde(default)]
    pub identifier: String,
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub applications: Vec<String>,
    pub admin: Option<AdminChoice>,
}

fn is_email(s: &str) -> bool {
    let s = s.trim();
    s.len() <= 254
        && s.split_once('@').is_some_and(|(a, d)| !a.is_empty() && d.contains('.') && !s.contains(' '))
}

fn opt(s: &str) -> Option<&str> {
    let s = s.trim();
    (!s.is_empty()).then_some(s)
}

/// A checked person record.
struct Person {
    number: NationalNumber,
    last_name: String,
    first_name: String,
}

impl SocialSecurity {
    /// The setting of an activated quality (a quality dropped from the catalogue is unknown).
    pub fn setting_of(&self, quality: &QualityRow) -> Result<&QualitySetting, SsError> {
        self.settings().quality(&quality.code).ok_or(SsError::Refused(Refusal::UnknownQuality))
    }

    /// An activated quality of `enterprise`.
    pub async fn quality(&self, enterprise: &EnterpriseNumber, code: &str) -> Result<QualityRow, SsError> {
        if self.settings().quality(code).is_none() {
            return Err(Refusal::UnknownQuality.into());
        }
        self.store().find_ss_quality(enterprise, code).await?.ok_or(Refusal::NotActivated.into())
    }

    /// A subdivision and (when `site` is given) a site of `quality`.
    pub async fn places(
        &self,
        quality: &QualityRow,
        subdivision: &str,
        site: Option<&str>,
    ) -> Result<(PlaceRow, Option<PlaceRow>), SsError> {
        let sub = self
            .store()
            .find_ss_subdivisions(&quality.id)
            .await?
            .into_iter()
            .find(|s| s.id == subdivision)
            .ok_or(Refusal::UnknownPlace)?;
        let Some(site) = site else { return Ok((sub, None)) };
        let site = self
            .store()
            .find_ss_sites(&quality.id)
            .await?
            .into_iter()
            .find(|s| s.id == site && s.subdivision_id.as_deref() == Some(sub.id.as_str()))
            .ok_or(Refusal::UnknownPlace)?;
        Ok((sub, Some(site)))
    }

    async fn person(&self, raw: &str) -> Result<Person, SsError> {
        let number = NationalNumber::parse(raw).map_err(|_| Refusal::BadNationalNumber)?;
        let p = self.registry().find_person(&number).await?.ok_or(Refusal::PersonUnknown)?;
        Ok(Person { number, last_name: p.last_name, first_name: p.first_names })
    }

    /// Checks a person form; creates their password account when asked.
    async fn appointee(
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

    async fn myself(&self, who: &Who) -> Result<Person, SsError> {
        self.person(who.person.as_str()).await
    }

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

    /// A grant of the quality (live or suspended).
    pub async fn grant(&self, quality: &QualityRow, id: &str) -> Result<SsGrantRow, SsError> {
        self.store().find_ss_grant(&quality.id, id).await?.ok_or(Refusal::NotHolder.into())
    }

    /// The places of a grant: its subdivision and site rows.
    pub async fn places_of(
        &self,
        quality: &QualityRow,
        grant: &SsGrantRow,
    ) -> Result<(Option<PlaceRow>, Option<PlaceRow>), SsError> {
        match &grant.subdivision_id {
            None => Ok((None, None)),
            Some(sd) => {
                let (s, t) = self.places(quality, sd, grant.site_id.as_deref()).await?;
                Ok((Some(s), t))
            }
        }
    }
}

fn new_grant<'a>(p: &'a Person, role: GrantRole, f: &'a PersonForm) -> NewSsGrant<'a> {
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

/// One check of [`SocialSecurity::explain`].
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub application: String,
    pub is_effective: bool,
    /// (check code, holds).
    pub checks: Vec<(&'static str, bool)>,
}

impl SocialSecurity {
    /// The whole tree of a quality (the right proves the reader may see it).
    pub async fn tree(&self, right: &super::capability::ViewRight) -> Result<Tree, SsError> {
        let q = right.quality();
        let mut subs = self.store().find_ss_subdivisions(&q.id).await?;
        let mut sites = self.store().find_ss_sites(&q.id).await?;
        let mut grants = self.store().find_ss_grants_of_quality(&q.id).await?;
        if let Some(w) = right.within() {
            // A subdivision admin: their subdivision and its sites, or their site only.
            let is_site = sites.iter().any(|t| t.id == w);
            sites.retain(|t| t.id == w || t.subdivision_id.as_deref() == Some(w));
            subs.retain(|s| {
                s.id == w || sites.iter().any(|t| t.subdivision_id.as_deref() == Some(s.id.as_str()))
            });
            grants.retain(|g| right.covers(g) && !(is_site && g.site_id.is_none()));
        }
        let at_quality = |role| {
            grants
                .iter()
                .filter(|g| g.role == role && g.subdivision_id.is_none())
                .map(|g| user_view(g, q, None, None))
                .collect()
        };
        let subdivisions = subs
            .iter()
            .map(|s| {
                let here = |g: &&SsGrantRow| g.subdivision_id.as_deref() == Some(s.id.as_str());
                SubdivisionView {
                    id: s.id.clone(),
                    type_code: s.type_code.clone(),
                    identifier: s.identifier.clone(),
                    name: s.name.clone(),
                    email: s.email.clone(),
                    applications: s.applications.clone(),
                    admins: grants
                        .iter()
                        .filter(here)
                        .filter(|g| g.site_id.is_none())
                        .map(|g| user_view(g, q, Some(s), None))
                        .collect(),
                    sites: sites
                        .iter()
                        .filter(|t| t.subdivision_id.as_deref() == Some(s.id.as_str()))
                        .map(|t| {
                            let at = |role: GrantRole| -> Vec<UserView> {
                                grants
                                    .iter()
                                    .filter(|g| g.site_id.as_deref() == Some(t.id.as_str()) && g.role == role)
                                    .map(|g| user_view(g, q, Some(s), Some(t)))
                                    .collect()
                            };
                            SiteView {
                                id: t.id.clone(),
                                type_code: t.type_code.clone(),
                                identifier: t.identifier.clone(),
                                name: t.name.clone(),
                                email: t.email.clone(),
                                applications: t.applications.clone(),
                                admins: at(GrantRole::SubdivisionAdmin),
                                users: at(GrantRole::SiteUser),
                            }
                        })
                        .collect(),
                }
            })
            .collect();
        Ok(Tree {
            enterprise: q.enterprise.as_str().to_string(),
            quality: q.code.clone(),
            quality_id: q.id.clone(),
            identifier: q.identifier.clone(),
            email: q.email.clone(),
            applications: q.applications.clone(),
            local_admins: at_quality(GrantRole::LocalAdmin),
            co_local_admins: at_quality(GrantRole::CoLocalAdmin),
            subdivisions,
        })
    }

    /// A page of the user list (page from 1) and the number of matches.
    pub async fn users(
        &self,
        right: &super::capability::ViewRight,
        filter: &UserFilter,
        page: i64,
    ) -> Result<(Vec<UserView>, i64), SsError> {
        let size = self.settings().page_size;
        let filter = within(right, filter);
        let (rows, total) =
            self.store().find_ss_users(&right.quality().id, &filter, (page.max(1) - 1) * size, size).await?;
        Ok((self.user_views(right, &rows).await?, total))
    }

    /// `limit` users of the list from `offset`, without the count (the export).
    pub(super) async fn users_slice(
        &self,
        right: &super::capability::ViewRight,
        filter: &UserFilter,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<UserView>, SsError> {
        let filter = within(right, filter);
        let rows = self.store().find_ss_users_slice(&right.quality().id, &filter, offset, limit).await?;
        self.user_views(right, &rows).await
    }

    async fn user_views(
        &self,
        right: &super::capability::ViewRight,
        rows: &[SsGrantRow],
    ) -> Result<Vec<UserView>, SsError> {
        let q = right.quality();
        let subs = self.store().find_ss_subdivisions(&q.id).await?;
        let sites = self.store().find_ss_sites(&q.id).await?;
        Ok(rows
            .iter()
            .map(|g| {
                let s = g.subdivision_id.as_ref().and_then(|id| subs.iter().find(|s| &s.id == id));
                let t = g.site_id.as_ref().and_then(|id| sites.iter().find(|t| &t.id == id));
                user_view(g, q, s, t)
            })
            .collect())
    }

    /// Why each application of the quality is, or is not, effective for `grant` (the
    /// seed-001 troubleshooting list, automated).
    pub async fn explain(
        &self,
        right: &super::capability::ViewRight,
        grant: &SsGrantRow,
    ) -> Result<Vec<Explanation>, SsError> {
        if !right.covers(grant) {
            return Err(Refusal::NotHolder.into());
        }
        let q = right.quality();
        let setting = self.setting_of(q)?;
        let (sub, site) = self.places_of(q, grant).await?;
        Ok(self
            .settings()
            .applications
            .iter()
            .filter(|a| setting.allows_application(&a.code) || grant.applications.contains(&a.code))
            .map(|a| {
                let checks = rules::explain(
                    &a.code,
                    &setting.applications,
                    &q.applications,
                    sub.as_ref().map(|s| s.applications.as_slice()),
                    site.as_ref().map(|s| s.applications.as_slice()),
                    &grant.applications,
                );
                Explanation {
                    application: a.code.clone(),
                    is_effective: checks.iter().all(|(_, ok)| *ok),
                    checks: checks.iter().map(|(c, ok): &(Check, bool)| (c.code(), *ok)).collect(),
                }
            })
            .collect())
    }
}

/// The codes of a form's application list, as stored.
pub fn normalized(codes: &[String]) -> String {
    join_codes(codes)
}

/// `filter` limited to the part of the quality `right` covers.
fn within(right: &super::capability::ViewRight, filter: &UserFilter) -> UserFilter {
    UserFilter { place: right.within().unwrap_or_default().to_string(), ..filter.clone() }
}
