//! The checks after the client is known, shared by the front channel and PAR: redirect
//! URI, response type and mode, scopes, PKCE, prompt, `max_age`, the `claims` parameter,
//! the level of assurance asked for and the enterprise pinned.

use std::collections::{BTreeSet, HashMap};

use super::{
    AuthorizationRequest, AuthorizeContext, AuthorizeError, ClaimsRequest, Prompt, ResponseMode, acr_to_level,
};
use crate::domain::EnterpriseNumber;
use crate::protocol::oidc::client::Client;
use crate::protocol::oidc::error::{ErrorCode, OAuthError};
use crate::protocol::oidc::pkce;

/// Shared by the front channel and PAR: all checks after the client is known.
pub(crate) fn validate_params(
    p: &HashMap<String, String>,
    client: &Client,
    ctx: &AuthorizeContext<'_>,
    pushed: bool,
) -> Result<AuthorizationRequest, AuthorizeError> {
    // OIDC Core §3.1.2.1: redirect_uri is required and must match exactly.
    let redirect_uri = p
        .get("redirect_uri")
        .filter(|r| client.has_redirect_uri(r))
        .ok_or_else(|| {
            AuthorizeError::Untrusted(OAuthError::invalid_request(
                "redirect_uri is missing or not registered",
            ))
        })?
        .clone();
    let state = p.get("state").cloned();
    let response_mode = match p.get("response_mode").map(String::as_str) {
        None | Some("query") => ResponseMode::Query,
        Some("form_post") => ResponseMode::FormPost,
        Some(_) => ResponseMode::Query,
    };
    let fail = |error: OAuthError| AuthorizeError::Redirect {
        error,
        redirect_uri: redirect_uri.clone(),
        state: state.clone(),
        response_mode,
    };
    let bad = |d: &str| fail(OAuthError::invalid_request(d));
    if !matches!(p.get("response_mode").map(String::as_str), None | Some("query" | "form_post")) {
        return Err(bad("unsupported response_mode"));
    }
    match p.get("response_type").map(String::as_str) {
        Some("code") => {}
        None => return Err(bad("response_type is required")),
        Some(_) => {
            return Err(fail(OAuthError::new(ErrorCode::UnsupportedResponseType, "only code is supported")));
        }
    }
    if p.contains_key("registration") {
        return Err(fail(OAuthError::new(
            ErrorCode::RegistrationNotSupported,
            "registration parameter not supported",
        )));
    }
    // OIDC Core §3.1.2.1: scope values Poort does not understand (`offline_access` from
    // many client libraries) are ignored; a known scope the client may not use is refused.
    let mut scopes: Vec<String> = Vec::new();
    for scope in p.get("scope").map(String::as_str).unwrap_or_default().split(' ') {
        if ctx.supported_scopes.contains(&scope) && !scopes.iter().any(|s| s == scope) {
            scopes.push(scope.to_owned());
        }
    }
    if !scopes.iter().any(|s| s == "openid") {
        return Err(fail(OAuthError::invalid_scope("the openid scope is required")));
    }
    if scopes.iter().any(|s| !client.scopes.contains(s)) {
        return Err(fail(OAuthError::invalid_scope("a requested scope is not allowed for this client")));
    }
    let code_challenge = pkce::challenge_of(
        client,
        p.get("code_challenge").map(String::as_str),
        p.get("code_challenge_method").map(String::as_str),
        p.get("nonce").map(String::as_str),
    )
    .map_err(fail)?;
    let mut prompt = BTreeSet::new();
    for v in p
        .get("prompt")
        .map(|s| s.split(' ').filter(|x| !x.is_empty()).collect::<Vec<_>>())
        .unwrap_or_default()
    {
        prompt.insert(match v {
            "none" => Prompt::None,
            "login" => Prompt::Login,
            "consent" => Prompt::Consent,
            "select_account" => Prompt::SelectAccount,
            _ => return Err(bad("unsupported prompt value")),
        });
    }
    // OIDC Core §3.1.2.1: none with any other value is an error.
    if prompt.contains(&Prompt::None) && prompt.len() > 1 {
        return Err(bad("prompt=none cannot be combined with other values"));
    }
    let max_age = match p.get("max_age") {
        None => None,
        Some(m) => Some(m.parse::<u64>().map_err(|_| bad("max_age must be a non-negative integer"))?),
    };
    let claims: ClaimsRequest = match p.get("claims") {
        None => ClaimsRequest::default(),
        Some(c) => serde_json::from_str(c).map_err(|_| bad("claims is not a valid claims request"))?,
    };
    let mut levels: Vec<u16> = Vec::new();
    // OIDC Core §3.1.2.1: `acr_values` asks for `acr` as a voluntary claim: values Poort
    // does not know are ignored; of the known ones the weakest is the requirement.
    if let Some(acr) = p.get("acr_values") {
        let known: Vec<u16> = acr.split(' ').filter_map(acr_to_level).collect();
        levels.extend(known.iter().min());
    }
    // OIDC Core §5.5.1.1: an essential `acr` claim request is binding.
    if let Some(acr) = claims.id_token.get("acr").filter(|c| c.essential) {
        let wanted: Vec<&String> = acr.value.iter().chain(acr.values.iter().flatten()).collect();
        let known: Vec<u16> = wanted.iter().filter_map(|a| acr_to_level(a)).collect();
        if !wanted.is_empty() && known.is_empty() {
            return Err(bad("no supported acr value"));
        }
        levels.extend(known.iter().min());
    }
    levels.extend(client.min_level);
    let enterprise_number = pinned_enterprise(p.get("enterprise_number"), &claims).map_err(bad)?;
    let ui_locales = p
        .get("ui_locales")
        .map(|s| s.split(' ').filter(|x| !x.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default();
    Ok(AuthorizationRequest {
        client_id: client.id.clone(),
        redirect_uri: redirect_uri.clone(),
        scopes,
        state: state.clone(),
        nonce: p.get("nonce").cloned(),
        code_challenge,
        response_mode,
        prompt,
        max_age,
        login_hint: p.get("login_hint").cloned(),
        id_token_hint: p.get("id_token_hint").cloned(),
        ui_locales,
        required_level: levels.into_iter().max(),
        claims,
        dpop_jkt: p.get("dpop_jkt").cloned(),
        pushed,
        enterprise_number,
    })
}

/// The enterprise a request pins: the `enterprise_number` parameter, else the `value` of an
/// `enterprise_number` claim request (id_token or userinfo). Both given and different, or
/// not a valid enterprise number: refused.
fn pinned_enterprise(
    param: Option<&String>,
    claims: &ClaimsRequest,
) -> Result<Option<EnterpriseNumber>, &'static str> {
    let parse = |s: &str| {
        EnterpriseNumber::parse(s).map_err(|_| "enterprise_number is not a valid enterprise number")
    };
    let from_param = param.map(|s| parse(s)).transpose()?;
    let claimed = [&claims.id_token, &claims.userinfo]
        .into_iter()
        .filter_map(|m| m.get("enterprise_number").and_then(|c| c.value.as_deref()))
        .map(parse)
        .collect::<Result<Vec<_>, _>>()?;
    let mut all = from_param.into_iter().chain(claimed);
    let first = all.next();
    if let Some(f) = &first
        && all.any(|other| &other != f)
    {
        return Err("enterprise_number is asked for with two different values");
    }
    Ok(first)
}
