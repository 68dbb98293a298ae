//! The profile a person acts in (docs/DOMAIN.md §8; docs/ARCHITECTURE.md, "profile/"):
//! which profiles a person has ([`build`], fed by the register, BTB and access management
//! in one database round trip), whether to ask them and what to offer a relying party
//! ([`choose`]), the chooser's pages ([`routes`]), and whether the profile a grant was issued
//! for still holds ([`ProfileService::current`]). No OIDC and no SAML inside: the OpenID
//! Provider (and later the SAML IdP) asks [`ProfileService::decide`], sends the browser to
//! `/profile/choose?tx=…` when the answer is to ask, and projects the chosen profile into
//! its tokens with `Profile::released_to(audience)`.

pub mod build;
pub mod choose;
pub mod labels;
pub mod routes;
pub mod settings;

use std::sync::Arc;

pub use choose::{ChoiceRequest, Decision, Offer, Refusal};
pub use settings::ProfileSettings;

use crate::access::btb::settings::DomainSetting;
use crate::access::social_security::SocialSecuritySettings;
use crate::domain::{Language, NationalNumber, Profile};
use crate::store::{Store, StoreResult, unix_now};

/// The profile module's service: the store, the domain names (labels) and `[profile]`.
#[derive(Clone, Debug)]
pub struct ProfileService {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: Store,
    domains: Vec<DomainSetting>,
    catalogue: SocialSecuritySettings,
    settings: ProfileSettings,
}

impl ProfileService {
    pub fn new(
        store: Store,
        domains: Vec<DomainSetting>,
        catalogue: SocialSecuritySettings,
        settings: ProfileSettings,
    ) -> Self {
        Self { inner: Arc::new(Inner { store, domains, catalogue, settings }) }
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn settings(&self) -> &ProfileSettings {
        &self.inner.settings
    }

    pub fn domains(&self) -> &[DomainSetting] {
        &self.inner.domains
    }

    /// Every profile of `person` today, citizen first: the register's ties and the BTB
    /// grants (one query) and the social-security roles (one query), sent together.
    pub async fn profiles_of(&self, person: &NationalNumber, lang: Language) -> StoreResult<Vec<Profile>> {
        let today = today();
        let (rows, ss) = tokio::try_join!(
            self.store().find_profile_sources(person, &today),
            crate::access::social_security::roles_of(self.store(), person),
        )?;
        let mut profiles = build::build(&rows, lang);
        build::add_social_security(&mut profiles, &ss, &self.inner.catalogue, lang);
        Ok(profiles)
    }

    /// Whether to ask, for a person who logged in as `identity_id` (`person` `None`: no
    /// national number, so only the citizen profile).
    pub async fn decide(
        &self,
        identity_id: &str,
        person: Option<&NationalNumber>,
        req: &ChoiceRequest<'_>,
        lang: Language,
    ) -> StoreResult<Decision> {
        let profiles = match person {
            Some(p) => self.profiles_of(p, lang).await?,
            None => vec![Profile::Citizen],
        };
        let remembered = if req.always_ask || !req.audience.is_general() || req.pinned.is_some() {
            self.store().find_profile_choice(identity_id, req.relying_party).await?
        } else {
            None
        };
        Ok(choose::decide(profiles, req, remembered.as_deref()))
    }

    /// Remembers the answer for the next login at the same relying party.
    pub async fn remember(
        &self,
        identity_id: &str,
        relying_party: &str,
        profile: &Profile,
    ) -> StoreResult<()> {
        self.store().upsert_profile_choice(identity_id, relying_party, &profile.key(), unix_now()).await
    }

    /// The profile `held` as it stands now, with today's roles (freshness at every refresh);
    /// `None` when the person no longer holds it (the role it rests on was removed). The
    /// citizen profile always holds and costs no query.
    pub async fn current(
        &self,
        person: Option<&NationalNumber>,
        held: &Profile,
    ) -> StoreResult<Option<Profile>> {
        if matches!(held, Profile::Citizen) {
            return Ok(Some(Profile::Citizen));
        }
        let Some(person) = person else { return Ok(None) };
        let key = held.key();
        let Some(mut now) =
            self.profiles_of(person, Language::Nl).await?.into_iter().find(|p| p.key() == key)
        else {
            return Ok(None);
        };
        // Keep the names the profile was chosen with (the person's language then).
        if let (Profile::Enterprise { name, .. } | Profile::Site { name, .. }, Some((_, old))) =
            (&mut now, held.enterprise_ref())
        {
            *name = old.to_string();
        }
        Ok(Some(now))
    }
}

/// Today's date (UTC), `YYYY-MM-DD`, as the register's validity columns hold it.
fn today() -> String {
    crate::store::registry::date_to_text(time::OffsetDateTime::now_utc().date())
}
