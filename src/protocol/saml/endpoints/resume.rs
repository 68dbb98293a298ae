//! `GET /saml/sso/resume?tx=…`: the authenticated transaction comes back to the identity
//! provider, which asks the profile module which profile the person acts in (taking it, or
//! sending the browser to the chooser, which comes back here), finishes the transaction
//! exactly once, and posts the signed Response to the service provider's ACS.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use time::OffsetDateTime;

use super::sso::refused;
use crate::authn::AuthnError;
use crate::authn::transaction::{self, Protocol, TxStatus};
use crate::domain::Profile;
use crate::kernel::saml::xml::new_id;
use crate::profile::{ChoiceRequest, Decision};
use crate::protocol::saml::authn_request::{RequestError, class_ref};
use crate::protocol::saml::request::SamlRequest;
use crate::protocol::saml::response::{self, Assertion, Person, attribute_values};
use crate::protocol::saml::sp::{NameIdFormat, ServiceProvider};
use crate::protocol::saml::state::SamlState;
use crate::store::saml::SamlParticipant;
use crate::web::error::WebError;
use crate::web::form_post::form_post;
use crate::web::page::PageCtx;

pub async fn resume(
    State(state): State<SamlState>,
    page: PageCtx,
    jar: CookieJar,
    Query(q): Query<super::TxQuery>,
) -> Response {
    match answer(&state, page, &jar, &q.tx).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

/// Posts `xml` (a Response) to the ACS with the RelayState.
fn post_to_acs(page: PageCtx, request: &SamlRequest, xml: &str) -> Response {
    let mut fields = vec![("SAMLResponse".to_string(), STANDARD.encode(xml))];
    if let Some(r) = &request.relay_state {
        fields.push(("RelayState".to_string(), r.clone()));
    }
    form_post(page, &request.acs_url, fields)
}

/// A signed error Response to the ACS (the request was trusted enough to know where).
pub fn send_failure(
    state: &SamlState,
    page: PageCtx,
    sp: &ServiceProvider,
    request: &SamlRequest,
    top: &str,
    second: &str,
    message: &str,
) -> Response {
    tracing::info!(saml.sp = %sp.entity_id, saml.status = second, "SAML request answered with an error status");
    match response::failure(
        &state.idp,
        state.idp.signing_key_for(sp),
        request,
        top,
        second,
        message,
        OffsetDateTime::now_utc(),
    ) {
        Ok(xml) => post_to_acs(page, request, &xml),
        Err(e) => {
            tracing::error!(error = %e, "a SAML error response could not be signed");
            http::StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

async fn answer(
    state: &SamlState,
    page: PageCtx,
    jar: &CookieJar,
    tx_id: &str,
) -> Result<Response, WebError> {
    let tx = transaction::load(state, jar, tx_id).await?;
    if tx.protocol != Protocol::Saml {
        return Ok(refused(&RequestError::Invalid("not a SAML login")));
    }
    match tx.status {
        TxStatus::Authenticated => {}
        TxStatus::Pending => return Ok(Redirect::to(&tx.login_url()).into_response()),
        TxStatus::Completed | TxStatus::Failed => return Err(AuthnError::AlreadyUsed.into()),
    }
    let request: SamlRequest = tx.request()?;
    let Some(sp) = state.store().find_saml_sp::<ServiceProvider>(&request.sp_entity_id).await? else {
        return Ok(refused(&RequestError::UnknownSp));
    };
    let Some(auth) = tx.authentication.clone() else {
        return Ok(refused(&RequestError::Invalid("the login has no authentication")));
    };
    let level = auth.context.level;
    let fail = |second: &str, message: &str| {
        send_failure(state, page.clone(), &sp, &request, "Responder", second, message)
    };
    if !level.satisfies(tx.required_level) {
        finish_once(state, &tx.id).await?;
        return Ok(fail("NoAuthnContext", "the level reached is too low"));
    }
    let Some(class_ref) = class_ref(request.requested.as_ref(), level) else {
        finish_once(state, &tx.id).await?;
        return Ok(fail("NoAuthnContext", "the level reached meets none of the requested contexts"));
    };
    let Some(identity) = state.store().find_identity(&auth.identity_id).await? else {
        return Err(AuthnError::AlreadyUsed.into());
    };
    let profile = match tx.profile.clone() {
        Some(p) => p,
        None => {
            let audience = sp.audience();
            let req = ChoiceRequest {
                relying_party: &sp.entity_id,
                relying_party_name: &sp.name,
                audience: &audience,
                always_ask: sp.settings.always_choose_profile,
                pinned: None,
            };
            match state
                .profiles
                .decide(&auth.identity_id, identity.national_number.as_ref(), &req, page.lang())
                .await?
            {
                Decision::Take(p) => {
                    transaction::set_profile(state, &tx.id, &p).await?;
                    p
                }
                Decision::Ask(offer) if !request.is_passive => {
                    let to = crate::profile::routes::offer(state, &tx.id, &offer).await?;
                    return Ok(Redirect::to(&to).into_response());
                }
                Decision::Ask(_) => {
                    finish_once(state, &tx.id).await?;
                    return Ok(fail("NoPassive", "the person must choose a profile"));
                }
                Decision::Refuse(r) => {
                    finish_once(state, &tx.id).await?;
                    return Ok(fail("RequestDenied", r.description()));
                }
            }
        }
    };
    let released: Profile = profile.released_to(&sp.audience());
    let name_id = match request.name_id_format {
        NameIdFormat::Transient => new_id(),
        NameIdFormat::Persistent => state.idp.persistent_id(&sp.entity_id, &identity.id),
        NameIdFormat::Email => match identity.email.clone() {
            Some(mail) => mail,
            None => {
                finish_once(state, &tx.id).await?;
                return Ok(send_failure(
                    state,
                    page,
                    &sp,
                    &request,
                    "Requester",
                    "InvalidNameIDPolicy",
                    "the person has no e-mail address",
                ));
            }
        },
    };
    let person = Person {
        fedid: &identity.id,
        national_number: identity.national_number.as_ref(),
        given_names: &identity.given_names,
        surname: &identity.surname,
        email: identity.email.as_deref(),
        language: identity.language,
    };
    let attributes = attribute_values(&person, &released, &sp.settings.attributes);
    let encryption = match sp.encryption() {
        Ok(e) => e,
        Err(e) => {
            // Registration checks this; metadata replaced since then can still lack it.
            tracing::error!(saml.sp = %sp.entity_id, error = %e, "SAML assertion encryption impossible");
            finish_once(state, &tx.id).await?;
            return Ok(fail("RequestDenied", "the assertion cannot be encrypted for this application"));
        }
    };
    // The session index names this session at this SP without revealing its sid.
    let session_index = state.idp.persistent_id(&sp.entity_id, &auth.session_sid);
    let assertion = Assertion {
        sp_entity_id: &sp.entity_id,
        acs_url: &request.acs_url,
        in_response_to: request.request_id.as_deref(),
        name_id: &name_id,
        name_id_format: request.name_id_format.uri(),
        class_ref: &class_ref,
        auth_instant: OffsetDateTime::from_unix_timestamp(auth.context.auth_time)
            .unwrap_or_else(|_| OffsetDateTime::now_utc()),
        session_index: &session_index,
        attributes: &attributes,
        sign_assertion: sp.settings.sign_assertion || sp.wants_assertions_signed,
        sign_response: sp.settings.sign_response,
        key: state.idp.signing_key_for(&sp),
        encryption: encryption.as_ref(),
        now: OffsetDateTime::now_utc(),
    };
    let xml = response::success(&state.idp, &assertion).map_err(|e| {
        tracing::error!(error = %e, "a SAML response could not be signed");
        WebError::Internal(anyhow::anyhow!("SAML response signing: {e}"))
    })?;
    finish_once(state, &tx.id).await?;
    let participant = SamlParticipant {
        sp_entity_id: sp.entity_id.clone(),
        name_id: name_id.clone(),
        name_id_format: request.name_id_format.uri().to_string(),
        session_index,
    };
    state.store().upsert_saml_participant(&auth.session_sid, &participant).await?;
    tracing::info!(saml.sp = %sp.entity_id, auth.level = %level, profile.kind = released.kind(), "SAML assertion issued");
    Ok(post_to_acs(page, &request, &xml))
}

/// Completes the transaction; a second answer to the same transaction is refused.
async fn finish_once(state: &SamlState, tx_id: &str) -> Result<(), WebError> {
    if transaction::finish(state, tx_id).await? { Ok(()) } else { Err(AuthnError::AlreadyUsed.into()) }
}
