//! The profile pages (every form carries `csrf`; nothing needs JavaScript):
//!
//! | route | what |
//! | --- | --- |
//! | `GET /profile/choose?tx=…[&q=…]` | the chooser: the profiles offered, grouped by kind, the last choice pre-selected; `q` filters |
//! | `POST /profile/choose` | the answer (`tx`, `profile`): must be one of the offered profiles; remembered per relying party |
//! | `GET /my/profiles` | the profile last chosen per application |
//! | `POST /my/profiles/forget` | forget one (`relying_party`): the chooser is asked next time |

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;

use super::labels::{Group, label};
use super::{Offer, ProfileService};
use crate::authn::transaction::{self, TxStatus};
use crate::authn::{Authn, AuthnError, session};
use crate::domain::Profile;
use crate::store::login_transactions::StoredJson;
use crate::web::csrf::CsrfForm;
use crate::web::error::{WebError, render};
use crate::web::page::PageCtx;

/// The pages' state: the login layer (transactions, sessions) and the profile service.
#[derive(Clone, Debug)]
pub struct ProfileState {
    pub authn: Authn,
    pub profiles: ProfileService,
}

pub fn router() -> Router<ProfileState> {
    Router::new()
        .route("/profile/choose", get(show).post(choose))
        .route("/my/profiles", get(my_profiles))
        .route("/my/profiles/forget", post(forget))
}

/// Stores `offer` with the transaction and returns where the browser goes to answer it.
pub async fn offer(authn: &Authn, tx_id: &str, offer: &Offer) -> Result<String, AuthnError> {
    transaction::set_profile_offer(authn, tx_id, &StoredJson::new(offer)?).await?;
    Ok(format!("/profile/choose?tx={tx_id}"))
}

#[derive(Deserialize)]
struct ShowQuery {
    tx: String,
    #[serde(default)]
    q: String,
}

struct OptionView {
    key: String,
    label: String,
    is_preselected: bool,
}

struct GroupView {
    title_key: &'static str,
    options: Vec<OptionView>,
}

#[derive(Template)]
#[template(path = "profile_choose.html")]
struct ChoosePage {
    page: PageCtx,
    tx_id: String,
    client_name: String,
    groups: Vec<GroupView>,
    /// Show the filter box (long lists, or a filter in use).
    has_filter: bool,
    filter: String,
    /// How many profiles the filter hid.
    hidden: usize,
}

/// The transaction and its offer; a transaction that is not waiting for a choice is an
/// error page.
async fn load_offer(
    state: &ProfileState,
    jar: &CookieJar,
    tx_id: &str,
) -> Result<(transaction::LoginTransaction, Offer), WebError> {
    let tx = transaction::load(&state.authn, jar, tx_id).await?;
    if tx.status != TxStatus::Authenticated || tx.profile.is_some() {
        return Err(AuthnError::AlreadyUsed.into());
    }
    let offer: Offer = tx
        .profile_offer
        .as_ref()
        .ok_or_else(|| WebError::bad_request("profile.no_offer"))?
        .parse()
        .map_err(WebError::from)?;
    Ok((tx, offer))
}

async fn show(
    State(state): State<ProfileState>,
    page: PageCtx,
    jar: CookieJar,
    Query(q): Query<ShowQuery>,
) -> Result<Response, WebError> {
    let (tx, offer) = load_offer(&state, &jar, &q.tx).await?;
    let domains = state.profiles.domains();
    let needle = q.q.trim().to_lowercase();
    let mut groups: Vec<GroupView> = Vec::new();
    let mut hidden = 0;
    let mut sorted: Vec<&Profile> = offer.options.iter().collect();
    sorted.sort_by_key(|p| Group::of(p));
    for p in sorted {
        let text = label(p, page.tr, domains);
        if !needle.is_empty() && !matches!(p, Profile::Citizen) && !text.to_lowercase().contains(&needle) {
            hidden += 1;
            continue;
        }
        let key = p.key();
        let view = OptionView {
            is_preselected: offer.preselected.as_deref() == Some(key.as_str()),
            key,
            label: text,
        };
        let title_key = Group::of(p).title_key();
        match groups.last_mut() {
            Some(g) if g.title_key == title_key => g.options.push(view),
            _ => groups.push(GroupView { title_key, options: vec![view] }),
        }
    }
    let has_filter = offer.options.len() >= state.profiles.settings().filter_from || !needle.is_empty();
    render(&ChoosePage {
        page,
        tx_id: tx.id,
        client_name: offer.relying_party_name,
        groups,
        has_filter,
        filter: q.q,
        hidden,
    })
}

#[derive(Deserialize)]
struct ChooseForm {
    tx: String,
    profile: String,
}

/// The answer: one of the offered profiles (anything else is refused, whatever the form
/// says), remembered for this relying party, then back to the protocol.
async fn choose(
    State(state): State<ProfileState>,
    jar: CookieJar,
    CsrfForm(form): CsrfForm<ChooseForm>,
) -> Result<Response, WebError> {
    let (tx, offer) = load_offer(&state, &jar, &form.tx).await?;
    let chosen = offer.pick(&form.profile).ok_or_else(|| WebError::bad_request("profile.not_offered"))?;
    let auth = tx.authentication.as_ref().ok_or(AuthnError::AlreadyUsed)?;
    transaction::set_profile(&state.authn, &tx.id, chosen).await?;
    state.profiles.remember(&auth.identity_id, &offer.relying_party, chosen).await?;
    Ok(Redirect::to(&tx.resume_path()).into_response())
}

struct ChoiceView {
    relying_party: String,
    profile: String,
}

#[derive(Template)]
#[template(path = "profile_mine.html")]
struct MinePage {
    page: PageCtx,
    choices: Vec<ChoiceView>,
}

async fn my_profiles(
    State(state): State<ProfileState>,
    page: PageCtx,
    jar: CookieJar,
) -> Result<Response, WebError> {
    let Some(s) = session::current(&state.authn, &jar).await? else {
        return Ok(Redirect::to("/login?next=/my/profiles").into_response());
    };
    let person = state.profiles.store().find_identity(&s.identity_id).await?.and_then(|i| i.national_number);
    let held = match &person {
        Some(p) => state.profiles.profiles_of(p, page.lang()).await?,
        None => vec![Profile::Citizen],
    };
    let choices = state
        .profiles
        .store()
        .find_profile_choices_of(&s.identity_id)
        .await?
        .into_iter()
        .map(|(relying_party, key, _)| {
            let profile = held.iter().find(|p| p.key() == key).map_or_else(
                || page.t("profile.no_longer_held").to_string(),
                |p| label(p, page.tr, state.profiles.domains()),
            );
            ChoiceView { relying_party, profile }
        })
        .collect();
    render(&MinePage { page, choices })
}

#[derive(Deserialize)]
struct ForgetForm {
    relying_party: String,
}

async fn forget(
    State(state): State<ProfileState>,
    jar: CookieJar,
    CsrfForm(form): CsrfForm<ForgetForm>,
) -> Result<Response, WebError> {
    let Some(s) = session::current(&state.authn, &jar).await? else {
        return Ok(Redirect::to("/login?next=/my/profiles").into_response());
    };
    state.profiles.store().delete_profile_choice(&s.identity_id, &form.relying_party).await?;
    Ok(Redirect::to("/my/profiles").into_response())
}
