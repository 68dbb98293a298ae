//! Lookups the pages and the API share: an activated quality and its setting, a
//! subdivision and site of it, a grant and the places it sits at.

use crate::access::social_security::rules::Refusal;
use crate::access::social_security::settings::QualitySetting;
use crate::access::social_security::{SocialSecurity, SsError};
use crate::domain::EnterpriseNumber;
use crate::store::social_security::{PlaceRow, QualityRow, SsGrantRow};

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
