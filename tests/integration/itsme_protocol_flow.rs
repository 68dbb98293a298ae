//! The whole upstream flow over real HTTP against the mock itsme, and its refusals.
use crate::itsme_protocol_support as common;

use common::{NRN, start_mock};
use josekit::jwk::JwkSet;
use poort::authn::itsme::upstream::{
    ITSME_ACR_ADVANCED, Provider, StartParams, UpstreamError, discover, finish, start,
};

fn level(level: u16) -> StartParams {
    StartParams { requested_level: level, login_hint: None, ui_locale: Some("nl".into()), state_prefix: None }
}

#[tokio::test]
async fn a_full_itsme_login_yields_the_national_number() {
    let h = start_mock().await;
    let cfg = h.itsme_config();
    let provider = discover(&h.http, &cfg).await.expect("discover");
    let (url, pending) = start(&provider, &cfg, &level(450)).expect("start");
    // The parameters travel in a signed request object, not in the query.
    assert!(url.query_pairs().any(|(k, _)| k == "request"));
    assert!(!url.query_pairs().any(|(k, _)| k == "nonce" || k == "state"));
    let callback = h.login(&url, "confirm").await;
    let id = finish(&h.http, &provider, &cfg, &pending, &callback).await.expect("finish");
    assert_eq!(id.national_number.as_ref().map(|n| n.as_str()), Some(NRN));
    assert_eq!(id.given_names, "Jan Pieter");
    assert_eq!(id.surname, "Peeters");
    assert_eq!(id.birth_date, Some(time::macros::date!(1985 - 07 - 30)));
    assert_eq!(id.email.as_deref(), Some("jan.peeters@example.be"));
    assert_eq!(id.acr, ITSME_ACR_ADVANCED);
    assert_eq!(id.level, 450);
}

#[tokio::test]
async fn a_generic_provider_with_client_secret_basic_and_no_encryption_works() {
    let h = start_mock().await;
    let cfg = h.generic_config();
    let provider = discover(&h.http, &cfg).await.expect("discover");
    let (url, pending) = start(&provider, &cfg, &level(450)).expect("start");
    assert!(url.query_pairs().any(|(k, v)| k == "code_challenge_method" && v == "S256"));
    let callback = h.login(&url, "confirm").await;
    let id = finish(&h.http, &provider, &cfg, &pending, &callback).await.expect("finish");
    assert_eq!(id.national_number.as_ref().map(|n| n.as_str()), Some(NRN));
}

#[tokio::test]
async fn a_state_mismatch_is_refused() {
    let h = start_mock().await;
    let cfg = h.itsme_config();
    let provider = discover(&h.http, &cfg).await.expect("discover");
    let (url, pending) = start(&provider, &cfg, &level(450)).expect("start");
    let mut callback = h.login(&url, "confirm").await;
    callback.state = Some("someone-elses-state".into());
    let err = finish(&h.http, &provider, &cfg, &pending, &callback).await.unwrap_err();
    assert_eq!(err, UpstreamError::StateMismatch);
}

#[tokio::test]
async fn a_nonce_mismatch_is_refused() {
    let h = start_mock().await;
    let cfg = h.itsme_config();
    let provider = discover(&h.http, &cfg).await.expect("discover");
    let (url, mut pending) = start(&provider, &cfg, &level(450)).expect("start");
    let callback = h.login(&url, "confirm").await;
    pending.nonce = "a-different-nonce".into();
    let err = finish(&h.http, &provider, &cfg, &pending, &callback).await.unwrap_err();
    assert_eq!(err, UpstreamError::NonceMismatch);
}

#[tokio::test]
async fn a_user_who_cancels_gets_a_specific_error() {
    let h = start_mock().await;
    let cfg = h.itsme_config();
    let provider = discover(&h.http, &cfg).await.expect("discover");
    let (url, pending) = start(&provider, &cfg, &level(450)).expect("start");
    let callback = h.login(&url, "cancel").await;
    assert_eq!(callback.error.as_deref(), Some("access_denied"));
    let err = finish(&h.http, &provider, &cfg, &pending, &callback).await.unwrap_err();
    assert_eq!(err, UpstreamError::UserCancelled);
    assert_eq!(err.code(), "user_cancelled");
}

#[tokio::test]
async fn an_unknown_acr_is_refused() {
    let h = start_mock().await;
    let mut cfg = h.itsme_config();
    // Ask nothing, so the mock answers acr_basic, which this configuration does not know.
    cfg.acr_values.clear();
    cfg.acr_map.retain(|acr, _| acr == ITSME_ACR_ADVANCED);
    let provider = discover(&h.http, &cfg).await.expect("discover");
    let (url, pending) = start(&provider, &cfg, &level(450)).expect("start");
    let callback = h.login(&url, "confirm").await;
    let err = finish(&h.http, &provider, &cfg, &pending, &callback).await.unwrap_err();
    assert_eq!(err, UpstreamError::UnknownAcr);
}

#[tokio::test]
async fn a_level_above_what_itsme_gives_cannot_be_started() {
    let h = start_mock().await;
    let cfg = h.itsme_config();
    let provider = discover(&h.http, &cfg).await.expect("discover");
    assert_eq!(start(&provider, &cfg, &level(500)).unwrap_err(), UpstreamError::LevelUnreachable);
}

#[tokio::test]
async fn a_replayed_code_is_refused() {
    let h = start_mock().await;
    let cfg = h.itsme_config();
    let provider = discover(&h.http, &cfg).await.expect("discover");
    let (url, pending) = start(&provider, &cfg, &level(450)).expect("start");
    let callback = h.login(&url, "confirm").await;
    finish(&h.http, &provider, &cfg, &pending, &callback).await.expect("first use");
    let err = finish(&h.http, &provider, &cfg, &pending, &callback).await.unwrap_err();
    assert_eq!(err, UpstreamError::CodeRejected);
}

#[tokio::test]
async fn a_client_assertion_signed_with_the_wrong_key_is_refused() {
    let h = start_mock().await;
    let mut cfg = h.itsme_config();
    cfg.use_request_object = false;
    cfg.signing_key_pem = Some(common::keys().other_signing_pem.clone());
    let provider = discover(&h.http, &cfg).await.expect("discover");
    let (url, pending) = start(&provider, &cfg, &level(450)).expect("start");
    let callback = h.login(&url, "confirm").await;
    let err = finish(&h.http, &provider, &cfg, &pending, &callback).await.unwrap_err();
    assert_eq!(err, UpstreamError::ClientAuthRejected);
}

#[tokio::test]
async fn a_request_object_signed_with_the_wrong_key_is_refused_by_the_mock() {
    let h = start_mock().await;
    let mut cfg = h.itsme_config();
    cfg.signing_key_pem = Some(common::keys().other_signing_pem.clone());
    let provider = discover(&h.http, &cfg).await.expect("discover");
    let (url, _pending) = start(&provider, &cfg, &level(450)).expect("start");
    let (status, page) = h.open(&url).await;
    assert_eq!(status, 400);
    assert!(page.contains("DEMO — mock itsme, not the real service"));
    assert!(!page.contains("<script"));
}

#[tokio::test]
async fn a_callback_with_another_issuer_is_refused() {
    let h = start_mock().await;
    let cfg = h.itsme_config();
    let provider = discover(&h.http, &cfg).await.expect("discover");
    let (url, pending) = start(&provider, &cfg, &level(450)).expect("start");
    let mut callback = h.login(&url, "confirm").await;
    callback.iss = Some("https://evil.example".into());
    let err = finish(&h.http, &provider, &cfg, &pending, &callback).await.unwrap_err();
    assert_eq!(err, UpstreamError::CallbackIssuerMismatch);
}

#[tokio::test]
async fn a_stale_pending_login_is_refused() {
    let h = start_mock().await;
    let cfg = h.itsme_config();
    let provider = discover(&h.http, &cfg).await.expect("discover");
    let (url, mut pending) = start(&provider, &cfg, &level(450)).expect("start");
    let callback = h.login(&url, "confirm").await;
    pending.created_at -= 3600;
    let err = finish(&h.http, &provider, &cfg, &pending, &callback).await.unwrap_err();
    assert_eq!(err, UpstreamError::LoginExpired);
}

#[tokio::test]
async fn discovery_refuses_a_configured_issuer_that_differs_from_the_document() {
    let h = start_mock().await;
    let mut cfg = h.itsme_config();
    cfg.issuer = format!("{}/", h.issuer);
    let err = discover(&h.http, &cfg).await.unwrap_err();
    assert_eq!(err.code(), "discovery");
}

#[tokio::test]
async fn an_unknown_signing_key_makes_poort_fetch_the_key_set_again() {
    let h = start_mock().await;
    let cfg = h.itsme_config();
    let discovered = discover(&h.http, &cfg).await.expect("discover");
    // A cached provider whose key set predates the provider's current key (rotation).
    let keys = cfg.load_keys().expect("keys");
    let provider = Provider::from_parts(discovered.metadata.clone(), JwkSet::new(), keys);
    let (url, pending) = start(&provider, &cfg, &level(450)).expect("start");
    let callback = h.login(&url, "confirm").await;
    let id = finish(&h.http, &provider, &cfg, &pending, &callback).await.expect("finish");
    assert_eq!(id.level, 450);
    assert_eq!(provider.jwks().keys().len(), 1);
}

#[tokio::test]
async fn the_mock_never_redirects_to_an_unregistered_redirect_uri() {
    let h = start_mock().await;
    let mut cfg = h.generic_config();
    cfg.redirect_uri = "https://attacker.example/cb".into();
    let provider = discover(&h.http, &cfg).await.expect("discover");
    let (url, _pending) = start(&provider, &cfg, &level(450)).expect("start");
    let (status, page) = h.open(&url).await;
    assert_eq!(status, 400);
    assert!(page.contains("redirect_uri is not registered"));
    assert!(page.contains("DEMO — mock itsme, not the real service"));
}
