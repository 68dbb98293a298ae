//! Authorization request parsing and validation (RFC 6749 §4.1.1, OIDC Core §3.1.2.1,
//! RFC 7636, RFC 9101 JAR, RFC 9126 PAR, RFC 9207).
//!
//! Two kinds of failure (RFC 6749 §4.1.2.1): with an unknown client or a missing/unregistered
//! `redirect_uri` the user sees an error page and is NEVER redirected
//! ([`AuthorizeError::Untrusted`]); every later error goes back to the client's redirect URI
//! ([`AuthorizeError::Redirect`], rendered with [`error_redirect_url`] or as `form_post`).

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::domain::EnterpriseNumber;
use jsonwebtoken::jwk::JwkSet;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::protocol::oidc::client::Client;
use crate::protocol::oidc::error::{ErrorCode, OAuthError};
use crate::protocol::oidc::jwt;
use crate::protocol::oidc::pkce;
use crate::protocol::oidc::replay::{ReplayGuard, ReplayNamespace};

/// RFC 9126 §2.2 prefix of PAR handles.
pub const PAR_PREFIX: &str = "urn:ietf:params:oauth:request_uri:";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseMode {
    Query,
    FormPost,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Prompt {
    None,
    Login,
    Consent,
    SelectAccount,
}

/// OIDC Core §5.5.1 individual claim request. `null` — the specification's own default
/// form, `{"id_token":{"given_name":null}}` — asks for the claim in the default manner (a
/// voluntary claim) and reads as the empty request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Option<ClaimRequestMembers>")]
pub struct ClaimRequest {
    pub essential: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
}

/// The members of a claim request object (OIDC Core §5.5.1); absent members are absent.
#[derive(Debug, Default, Deserialize)]
struct ClaimRequestMembers {
    #[serde(default)]
    essential: bool,
    #[serde(default)]
    value: Option<String>,
    #[serde(default)]
    values: Option<Vec<String>>,
}

impl From<Option<ClaimRequestMembers>> for ClaimRequest {
    fn from(members: Option<ClaimRequestMembers>) -> Self {
        let m = members.unwrap_or_default();
        Self { essential: m.essential, value: m.value, values: m.values }
    }
}

/// OIDC Core §5.5 `claims` parameter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimsRequest {
    #[serde(default)]
    pub userinfo: BTreeMap<String, ClaimRequest>,
    #[serde(default)]
    pub id_token: BTreeMap<String, ClaimRequest>,
}

/// A validated authorization request; stored in the login transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizationRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    /// `None` only for a confidential client allowed to leave PKCE out, with a nonce
    /// (`pkce::challenge_of`).
    pub code_challenge: Option<String>,
    pub response_mode: ResponseMode,
    pub prompt: BTreeSet<Prompt>,
    pub max_age: Option<u64>,
    pub login_hint: Option<String>,
    pub id_token_hint: Option<String>,
    pub ui_locales: Vec<String>,
    /// Minimum FAS level (200..=500) from `acr_values`, the `claims` `acr` request and the
    /// client's `min_level`, whichever is highest. `None`: any level.
    pub required_level: Option<u16>,
    pub claims: ClaimsRequest,
    /// RFC 9449 §10.
    pub dpop_jkt: Option<String>,
    /// True when the request came through PAR.
    pub pushed: bool,
    /// The enterprise the client asks the person to act for (docs/RELYING_PARTIES.md,
    /// "Pinning an enterprise"): the `enterprise_number` parameter, or a `claims` request for
    /// `enterprise_number` with a `value`. Only narrows the person's own profiles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_number: Option<EnterpriseNumber>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthorizeError {
    /// Show an error page; never redirect.
    #[error("untrusted authorization request: {0}")]
    Untrusted(OAuthError),
    /// Send the error to the client (RFC 6749 §4.1.2.1).
    #[error("authorization error: {error}")]
    Redirect { error: OAuthError, redirect_uri: String, state: Option<String>, response_mode: ResponseMode },
}

impl AuthorizeError {
    pub fn error(&self) -> &OAuthError {
        match self {
            Self::Untrusted(e) | Self::Redirect { error: e, .. } => e,
        }
    }
}

/// RFC 6749 §4.1.2.1 + RFC 9207 §2: `redirect_uri?error=…&state=…&iss=…`.
pub fn error_redirect_url(err: &OAuthError, redirect_uri: &str, state: Option<&str>, issuer: &str) -> String {
    let params = err.redirect_params(state, issuer);
    let mut out = String::from(redirect_uri);
    out.push(if redirect_uri.contains('?') { '&' } else { '?' });
    out.push_str(&form_urlencoded::Serializer::new(String::new()).extend_pairs(params).finish());
    out
}

/// The most parameters one request may carry.
pub const MAX_PARAMETERS: usize = 64;

/// The longest value a parameter may have (in bytes): signed objects may be long, what is
/// echoed or stored per login is kept short (attack review finding 4: 30 KB states and
/// nonces made every unauthenticated request a large database row).
pub fn max_length(name: &str) -> usize {
    match name {
        "request" | "client_assertion" | "claims" | "id_token_hint" | "logout_token" => 32 * 1024,
        "state" => 2048,
        "nonce" | "login_hint" => 512,
        "code_verifier" | "code_challenge" => 128,
        _ => 4096,
    }
}

/// RFC 6749 §3.1: parameters sent more than once are refused; so are too many parameters
/// and over-long values, each with a message naming the parameter and its limit. Builds the
/// map the validators take from raw (query or form) pairs.
pub fn params_from_pairs(
    pairs: impl IntoIterator<Item = (String, String)>,
) -> Result<HashMap<String, String>, OAuthError> {
    let mut out = HashMap::new();
    for (k, v) in pairs {
        if out.len() >= MAX_PARAMETERS {
            return Err(OAuthError::invalid_request(format!(
                "at most {MAX_PARAMETERS} parameters are accepted"
            )));
        }
        let limit = max_length(&k);
        if v.len() > limit || k.len() > 64 {
            let name: String = k.chars().take(64).collect();
            return Err(OAuthError::invalid_request(format!("{name} is too long (at most {limit} bytes)")));
        }
        if out.insert(k, v).is_some() {
            return Err(OAuthError::invalid_request("a parameter was sent more than once"));
        }
    }
    Ok(out)
}

/// Maps an `acr` value to a FAS level: `urn:be:fedict:iam:fas:LevelNNN` or eIDAS LoA
/// (low ≥200, substantial ≥300, high ≥450; docs/RELYING_PARTIES.md, "Levels of assurance").
pub fn acr_to_level(acr: &str) -> Option<u16> {
    if let Some(n) = acr.strip_prefix("urn:be:fedict:iam:fas:Level") {
        return n.parse().ok().filter(|l| [100, 200, 300, 400, 450, 500].contains(l));
    }
    match acr {
        "http://eidas.europa.eu/LoA/low" => Some(200),
        "http://eidas.europa.eu/LoA/substantial" => Some(300),
        "http://eidas.europa.eu/LoA/high" => Some(450),
        _ => None,
    }
}

/// What the validator needs besides the parameters.
pub struct AuthorizeContext<'a> {
    pub issuer: &'a str,
    /// Scopes Poort knows (discovery's `scopes_supported`).
    pub supported_scopes: &'a [&'a str],
    /// The client's keys for request objects (`client.jwks` or fetched `jwks_uri`).
    pub client_keys: Option<&'a JwkSet>,
    pub now: i64,
    /// Records request-object `jti`s: a request object is used once (RFC 9101 §10.8).
    pub replay: &'a RefCell<dyn ReplayGuard + 'a>,
}

/// The longest a request object may stay valid (its `exp` from now).
pub const REQUEST_OBJECT_MAX_LIFETIME: i64 = 3600;

/// Validates a front-channel authorization request. `client` is the lookup of the
/// `client_id` parameter. A `request_uri` is refused here: PAR handles are resolved with
/// `par::resolve`, and request objects by reference are fetched by the endpoint and passed
/// as `request` (`request_uri` module).
pub fn validate(
    params: &HashMap<String, String>,
    client: Option<&Client>,
    ctx: &AuthorizeContext<'_>,
) -> Result<AuthorizationRequest, AuthorizeError> {
    let untrusted = |d: &str| AuthorizeError::Untrusted(OAuthError::invalid_request(d));
    let client_id = params.get("client_id").ok_or_else(|| untrusted("client_id is required"))?;
    let client = client.filter(|c| &c.id == client_id).ok_or_else(|| untrusted("unknown client"))?;
    let query_redirect = params.get("redirect_uri").filter(|r| client.has_redirect_uri(r));
    let redirect_err = |error: OAuthError, redirect_uri: &str| AuthorizeError::Redirect {
        error,
        redirect_uri: redirect_uri.to_owned(),
        state: params.get("state").cloned(),
        response_mode: ResponseMode::Query,
    };
    // A request_uri by reference arrives here already fetched (as `request`, see
    // `endpoints::authorize`); one still here was not resolved.
    if params.contains_key("request_uri") {
        let e = OAuthError::new(ErrorCode::InvalidRequestUri, "request_uri could not be used");
        return Err(match query_redirect {
            Some(r) => redirect_err(e, r),
            None => AuthorizeError::Untrusted(e),
        });
    }
    if client.require_par {
        let e = OAuthError::invalid_request("this client must use pushed authorization requests");
        return Err(match query_redirect {
            Some(r) => redirect_err(e, r),
            None => AuthorizeError::Untrusted(e),
        });
    }
    let merged = match params.get("request") {
        None => params.clone(),
        Some(jar) => match request_object(jar, client, ctx) {
            // RFC 9101 §6.3: only the request object's parameters are used; the query's
            // (OIDC Core §6.1 has clients repeat response_type and client_id there) are not
            // merged in. client_id must match (checked in request_object).
            Ok(from_jar) => from_jar,
            Err(e) => {
                return Err(match query_redirect {
                    Some(r) => redirect_err(e, r),
                    None => AuthorizeError::Untrusted(e),
                });
            }
        },
    };
    validate_params(&merged, client, ctx, false)
}

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

/// RFC 9101 §6: verifies a request object and returns its claims as parameters.
/// Errors are `invalid_request_object`.
pub(crate) fn request_object(
    jar: &str,
    client: &Client,
    ctx: &AuthorizeContext<'_>,
) -> Result<HashMap<String, String>, OAuthError> {
    let fail = |d: &str| OAuthError::new(ErrorCode::InvalidRequestObject, d);
    let keys = ctx.client_keys.ok_or_else(|| fail("the client has no keys for request objects"))?;
    let header = jwt::peek_header(jar).map_err(|_| fail("malformed request object"))?;
    // OIDC Registration §2 `request_object_signing_alg`: only that algorithm, when registered.
    if client.request_object_alg.as_deref().is_some_and(|a| format!("{:?}", header.alg) != a) {
        return Err(fail("request object alg is not the one registered"));
    }
    let key = jwt::client_key(keys, &header).map_err(|_| fail("no usable key for the request object"))?;
    let (_, claims) = jwt::verify_signature(jar, &key, header.alg)
        .map_err(|_| fail("request object signature does not verify"))?;
    // RFC 9101 §10.8 / RFC 9700: iss = client_id, aud = our issuer.
    if jwt::str_claim(&claims, "iss").ok() != Some(client.id.as_str()) {
        return Err(fail("request object iss must be the client_id"));
    }
    if jwt::aud_contains_any(&claims, &[ctx.issuer]).is_err() {
        return Err(fail("request object aud must be the issuer"));
    }
    // RFC 9101 §10.8, RFC 9700 §2.1: a request object is short-lived and used once.
    let exp = claims.get("exp").and_then(Value::as_i64).ok_or_else(|| fail("request object needs exp"))?;
    if jwt::check_times(&claims, ctx.now).is_err() {
        return Err(fail("request object expired"));
    }
    if exp > ctx.now + REQUEST_OBJECT_MAX_LIFETIME {
        return Err(fail("request object exp is too far in the future"));
    }
    let jti = jwt::str_claim(&claims, "jti").map_err(|_| fail("request object needs jti"))?;
    if jti.is_empty() || jti.len() > 256 {
        return Err(fail("request object jti is not valid"));
    }
    if !ctx.replay.borrow_mut().first_use(ReplayNamespace::RequestObject, &client.id, jti, exp) {
        return Err(fail("request object was already used"));
    }
    if claims.get("client_id").and_then(Value::as_str).is_some_and(|c| c != client.id) {
        return Err(fail("request object client_id does not match"));
    }
    let mut out = HashMap::new();
    for (k, v) in claims {
        if matches!(k.as_str(), "iss" | "aud" | "exp" | "iat" | "nbf" | "jti") {
            continue;
        }
        let s = match v {
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            other => other.to_string(), // e.g. the `claims` object, re-parsed later
        };
        out.insert(k, s);
    }
    out.insert("client_id".into(), client.id.clone());
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests;
