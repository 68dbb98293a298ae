//! The reads: a quality's tree, a page or a slice of its user list, and why each
//! application is, or is not, effective for a grant. Each takes the right to view.

use super::{Explanation, SiteView, SubdivisionView, Tree, UserView, user_view};
use crate::access::social_security::capability::ViewRight;
use crate::access::social_security::rules::{self, Check, Refusal};
use crate::access::social_security::{SocialSecurity, SsError};
use crate::store::access_grants::GrantRole;
use crate::store::social_security::{SsGrantRow, UserFilter};

impl SocialSecurity {
    /// The whole tree of a quality (the right proves the reader may see it).
    pub async fn tree(&self, right: &ViewRight) -> Result<Tree, SsError> {
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
        right: &ViewRight,
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
    pub(in crate::access::social_security) async fn users_slice(
        &self,
        right: &ViewRight,
        filter: &UserFilter,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<UserView>, SsError> {
        let filter = within(right, filter);
        let rows = self.store().find_ss_users_slice(&right.quality().id, &filter, offset, limit).await?;
        self.user_views(right, &rows).await
    }

    async fn user_views(&self, right: &ViewRight, rows: &[SsGrantRow]) -> Result<Vec<UserView>, SsError> {
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
    pub async fn explain(&self, right: &ViewRight, grant: &SsGrantRow) -> Result<Vec<Explanation>, SsError> {
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

/// `filter` limited to the part of the quality `right` covers.
fn within(right: &ViewRight, filter: &UserFilter) -> UserFilter {
    UserFilter { place: right.within().unwrap_or_default().to_string(), ..filter.clone() }
}
