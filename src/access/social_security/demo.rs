//! Demo data (demo mode only, at every start, idempotent): the seed-001 Heracles set-up
//! for the demo clinic KLINIEK EN MATERNITEIT ST REMBERTUS (registered in BTB by
//! `btb::demo`): the quality "Mammografische eenheid kankerbevolkingsonderzoek" with Emma
//! Wouters as local admin, the subdivision "Mammografische eenheid Sint-Rembertus" (HCO
//! number 12817) with Sofie Claes as its admin, two sites (Campus Torhout, Campus Brugge)
//! and users with functions: Camille Martin (chief radiologist, Heracles and eHealthBox) and
//! Bram Mertens (lab technician, Heracles) at Torhout, Jan Peeters (administrative staff,
//! Heracles) at Brugge.

use super::capability::{demo_activation, demo_decision};
use super::manage::PersonForm;
use super::{SocialSecurity, SsError};
use crate::domain::{EnterpriseNumber, NationalNumber};
use crate::store::access_grants::GrantRole;
use crate::store::social_security::{Added, NewPlace, NewQuality, NewSsGrant, SsPath};

const CLINIC: &str = "0410561210";
const QUALITY: &str = "mammography_unit";

fn codes(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

impl SocialSecurity {
    /// Builds the clinic's mammography unit unless it exists.
    pub async fn seed_demo(&self) -> Result<(), SsError> {
        let Ok(clinic) = EnterpriseNumber::parse(CLINIC) else { return Ok(()) };
        let Some(setting) = self.settings().quality(QUALITY).cloned() else { return Ok(()) };
        if self.store().find_btb_enterprise(&clinic).await?.is_none()
            || self.store().find_ss_quality(&clinic, QUALITY).await?.is_some()
        {
            return Ok(());
        }
        let person = |nn: &str| NationalNumber::parse(nn).ok();
        let (Some(emma), Some(sofie), Some(camille), Some(bram), Some(jan)) = (
            person("03021716216"),
            person("90110224612"),
            person("94240800554"),
            person("86052707781"),
            person("78031412349"),
        ) else {
            return Ok(());
        };
        let name = |n: &NationalNumber| {
            let n = n.clone();
            async move {
                self.registry()
                    .find_person(&n)
                    .await
                    .map(|p| p.map(|p| (p.last_name, p.first_names)).unwrap_or_default())
            }
        };
        let apps = codes(&["ehealthbox", "heracles"]);
        let n = &setting.names;
        let emma_names = name(&emma).await?;
        let la_form = PersonForm { applications: apps.clone(), ..Default::default() };
        let activated = self
            .store()
            .create_ss_quality(
                &demo_activation(&clinic, &setting),
                &NewQuality {
                    code: QUALITY,
                    identifier: "",
                    enterprise_name: "KLINIEK EN MATERNITEIT ST REMBERTUS",
                    names: [&n.nl, &n.fr, &n.de, &n.en],
                    email: "mammografie@rembertus.example",
                    applications: &setting.applications,
                },
                &grant(&emma, GrantRole::LocalAdmin, &emma_names, &la_form),
            )
            .await?;
        let Added::Done(_) = activated else { return Ok(()) };
        let Some(quality) = self.store().find_ss_quality(&clinic, QUALITY).await? else { return Ok(()) };
        let at_quality = demo_decision(&quality, quality.id.as_str());
        let sofie_names = name(&sofie).await?;
        let sa_form = PersonForm { applications: apps.clone(), ..Default::default() };
        let Added::Done(sub) = self
            .store()
            .create_ss_subdivision(
                &at_quality,
                &NewPlace {
                    type_code: "mammography_unit",
                    identifier: "12817",
                    name: "Mammografische eenheid Sint-Rembertus",
                    email: "me@rembertus.example",
                    applications: &apps,
                },
                Some(&grant(&sofie, GrantRole::SubdivisionAdmin, &sofie_names, &sa_form)),
            )
            .await?
        else {
            return Ok(());
        };
        let at_sub = demo_decision(&quality, sub.as_str());
        let mut sites = Vec::new();
        for (site_name, hco) in [("Campus Torhout", "12818"), ("Campus Brugge", "12819")] {
            let place = NewPlace {
                type_code: "mammography_unit_site",
                identifier: hco,
                name: site_name,
                email: "",
                applications: &apps,
            };
            if let Added::Done(id) = self.store().create_ss_site(&at_sub, &quality.id, &place, None).await? {
                sites.push(id);
            }
        }
        let [torhout, brugge] = <[String; 2]>::try_from(sites)
            .map_err(|_| crate::store::StoreError::Corrupt("demo sites".into()))?;
        let users = [
            (&camille, &torhout, vec!["ehealthbox", "heracles"], vec!["chief_radiologist"]),
            (&bram, &torhout, vec!["heracles"], vec!["lab_technician"]),
            (&jan, &brugge, vec!["heracles"], vec!["administrative_staff"]),
        ];
        for (who, site, a, f) in users {
            let decision = demo_decision(&quality, site.as_str());
            let form = PersonForm { applications: codes(&a), functions: codes(&f), ..Default::default() };
            let names = name(who).await?;
            let path = SsPath {
                quality_id: quality.id.clone(),
                subdivision_id: Some(sub.clone()),
                site_id: Some(site.clone()),
            };
            self.store()
                .create_ss_grant(&decision, &path, &grant(who, GrantRole::SiteUser, &names, &form))
                .await?;
        }
        tracing::info!("demo: the clinic's mammography unit is set up (seed 001, Heracles)");
        Ok(())
    }
}

fn grant<'a>(
    holder: &'a NationalNumber,
    role: GrantRole,
    names: &'a (String, String),
    f: &'a PersonForm,
) -> NewSsGrant<'a> {
    NewSsGrant {
        holder,
        role,
        applications: &f.applications,
        functions: &f.functions,
        last_name: "",
        first_name: "",
        title: None,
        language: Some("nl"),
        email: None,
        local_email: None,
    }
    .with_names(names)
}
