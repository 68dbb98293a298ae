//! Tokens are a projection of (person, session, chosen profile) through the client's
//! configuration (docs/ARCHITECTURE.md, "Tokens are a projection").
//!
//! Data minimisation lives in one place: [`CLAIM_TABLE`] says which scope releases which
//! claim (in both the standard OIDC and the FAS vocabulary) and [`released`] applies the
//! rule: a claim is released iff
//! 1. the client's `allowed_claims` lists it (the ceiling; `egovNRN` only for clients allowed it),
//! 2. its scope was granted (what the user consented to), and
//! 3. for the id_token: the client has `claims_in_id_token`, or the `claims` parameter asked
//!    for it in `id_token` (OIDC Core §5.5). Userinfo always carries released claims (§5.4).
//!
//! The `claims` parameter (OIDC Core §5.5) asks for a claim by name, for userinfo or the
//! id_token, also beyond the granted scopes — never beyond `allowed_claims`; the consent page
//! lists the scopes of such claims ([`requested_scopes`]). Essential claims that cannot be
//! released are simply omitted (OIDC Core §5.5.1).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::domain::{CertificateFacts, NationalNumber, Place, Profile, Role};
use crate::protocol::oidc::authorize_request::ClaimsRequest;
use crate::protocol::oidc::client::{Client, SubjectType};
use crate::protocol::oidc::keys::Alg;

/// Who the tokens are about (from the register and the login).
#[derive(Debug, Clone)]
pub struct SubjectSource {
    /// Stable internal person id; never a national number.
    pub person_id: String,
    pub national_number: Option<NationalNumber>,
    pub given_names: String,
    pub surname: String,
    /// `nl`, `fr`, `de` or `en`.
    pub language: Option<String>,
    pub email: Option<String>,
    /// `YYYY-MM-DD` (OIDC Core §5.1 `birthdate`).
    pub birthdate: Option<String>,
    /// The eID authentication certificate of the login behind the grant (released with
    /// scope `certificateInfo`); `None` for every other digital key.
    pub certificate: Option<CertificateFacts>,
}

/// The login session (OIDC Core §2 `auth_time`, `acr`, `amr`; Back-Channel Logout `sid`).
#[derive(Debug, Clone)]
pub struct Session {
    pub sid: String,
    pub auth_time: i64,
    /// FAS urn, e.g. `urn:be:fedict:iam:fas:Level450`.
    pub acr: String,
    pub amr: Vec<String>,
}

pub struct TokenContext<'a> {
    pub issuer: &'a str,
    pub client: &'a Client,
    pub subject: &'a SubjectSource,
    pub session: &'a Session,
    /// The profile chosen at login (`Profile::Citizen`: no enterprise claims).
    pub profile: &'a Profile,
    pub scopes: &'a [String],
    pub claims: &'a ClaimsRequest,
    pub nonce: Option<&'a str>,
    pub now: i64,
    /// Server secret for pairwise subjects (OIDC Core §8.1 salt).
    pub pairwise_pepper: &'a [u8],
}

/// Source attribute of a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attr {
    GivenNames,
    Surname,
    FullName,
    Language,
    BirthDate,
    Email,
    NationalNumber,
    Fedid,
    Roles,
    EnterpriseNumber,
    EnterpriseName,
    ChosenProfile,
    CertSubject,
    CertIssuer,
    CertSerial,
}

/// (claim name, releasing scope, attribute). Standard OIDC Core §5.1 names first, then the
/// FAS vocabulary.
pub const CLAIM_TABLE: &[(&str, &str, Attr)] = &[
    ("given_name", "profile", Attr::GivenNames),
    ("family_name", "profile", Attr::Surname),
    ("name", "profile", Attr::FullName),
    ("locale", "profile", Attr::Language),
    ("birthdate", "profile", Attr::BirthDate),
    ("email", "email", Attr::Email),
    ("givenName", "profile", Attr::GivenNames),
    ("surname", "profile", Attr::Surname),
    ("prefLanguage", "profile", Attr::Language),
    ("fedid", "profile", Attr::Fedid),
    ("mail", "email", Attr::Email),
    ("egovNRN", "egovnrn", Attr::NationalNumber),
    ("roles", "roles", Attr::Roles),
    ("enterprise_number", "roles", Attr::EnterpriseNumber),
    ("enterprise_name", "roles", Attr::EnterpriseName),
    ("chosen_profile", "roles", Attr::ChosenProfile),
    ("cert_subject", "certificateInfo", Attr::CertSubject),
    ("cert_issuer", "certificateInfo", Attr::CertIssuer),
    ("cert_serial_number", "certificateInfo", Attr::CertSerial),
];

/// Where a claim set goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    IdToken,
    Userinfo,
}

/// The claim names released to `target` (the data-minimisation rule, module docs).
pub fn released(
    client: &Client,
    scopes: &[String],
    claims: &ClaimsRequest,
    target: Target,
) -> Vec<&'static str> {
    CLAIM_TABLE
        .iter()
        .filter(|(name, scope, _)| {
            let is_scope_granted = scopes.iter().any(|s| s == scope);
            // OIDC Core §5.5: the claims parameter asks for standard claims by name, beyond
            // the scopes (the consent page lists them: `requested_scopes`); the national
            // number, roles and certificate always need their own scope.
            let may_widen = is_scope_granted || NAMED_BY_CLAIMS_PARAMETER.contains(scope);
            client.may_receive(name)
                && match target {
                    Target::Userinfo => is_scope_granted || may_widen && claims.userinfo.contains_key(*name),
                    Target::IdToken => {
                        (is_scope_granted && client.claims_in_id_token)
                            || may_widen && claims.id_token.contains_key(*name)
                    }
                }
        })
        .map(|(name, _, _)| *name)
        .collect()
}

/// Scopes whose claims the `claims` parameter may ask for without the scope (OIDC Core §5.4
/// standard claims); every other scope must be granted.
const NAMED_BY_CLAIMS_PARAMETER: &[&str] = &["profile", "email"];

/// The scopes whose claims a request will release: the granted ones plus those of the claims
/// the `claims` parameter names and the client may receive (what the consent page lists).
pub fn requested_scopes(client: &Client, scopes: &[String], claims: &ClaimsRequest) -> Vec<String> {
    let mut out: Vec<String> = scopes.to_vec();
    for (name, scope, _) in CLAIM_TABLE {
        let is_asked = claims.userinfo.contains_key(*name) || claims.id_token.contains_key(*name);
        let is_widening = NAMED_BY_CLAIMS_PARAMETER.contains(scope);
        if is_asked && is_widening && client.may_receive(name) && !out.iter().any(|s| s == scope) {
            out.push((*scope).to_owned());
        }
    }
    out
}

/// Whether the consent page should name `scope`: a scope that releases claims only when the
/// client may receive one of them (it promises only what is released); every other scope
/// (`openid`, API scopes) always.
pub fn is_scope_promised(client: &Client, scope: &str) -> bool {
    let mut claims = CLAIM_TABLE.iter().filter(|(_, s, _)| *s == scope).peekable();
    claims.peek().is_none() || claims.any(|(name, _, _)| client.may_receive(name))
}

/// OIDC Core §8: `public` → person id; `pairwise` →
/// base64url(SHA-256(sector_identifier ‖ 0x00 ‖ person_id ‖ 0x00 ‖ pepper)); the 0x00
/// separators keep ("ab","c") and ("a","bc") apart.
pub fn subject_identifier(client: &Client, person_id: &str, pepper: &[u8]) -> String {
    match &client.subject_type {
        SubjectType::Public => person_id.to_owned(),
        SubjectType::Pairwise { sector_identifier } => {
            let mut h = Sha256::new();
            h.update(sector_identifier.as_bytes());
            h.update([0]);
            h.update(person_id.as_bytes());
            h.update([0]);
            h.update(pepper);
            URL_SAFE_NO_PAD.encode(h.finalize())
        }
    }
}

/// OIDC Core §3.1.3.6: base64url of the left half of the hash of the access token's ASCII
/// (SHA-256 for both ES256 and RS256).
pub fn at_hash(access_token: &str, alg: Alg) -> String {
    match alg {
        Alg::ES256 | Alg::RS256 => URL_SAFE_NO_PAD.encode(&Sha256::digest(access_token.as_bytes())[..16]),
    }
}

/// The `chosen_profile` claim (docs/RELYING_PARTIES.md, "Roles and profiles"): the profile's
/// kind, enterprise and places, and the roles released to this client.
pub fn chosen_profile(p: &Profile) -> Value {
    let place = |pl: Option<&Place>, id_name: &str| {
        pl.map(|pl| {
            let mut m = Map::new();
            m.insert(id_name.into(), json!(pl.id));
            m.insert("name".into(), json!(pl.name));
            if let Some(i) = &pl.identifier {
                m.insert("identifier".into(), json!(i));
            }
            Value::Object(m)
        })
    };
    json!({
        "kind": p.kind(),
        "enterprise": p.enterprise_ref().map(|(n, name)| json!({ "number": n.as_str(), "name": name })),
        "quality": place(p.quality(), "code"),
        "subdivision": place(p.subdivision(), "id"),
        "site": place(p.site(), "id"),
        "roles": p.roles().iter().map(Role::claim).collect::<Vec<_>>(),
        "acting_for": Value::Null,
    })
}

/// The value of a profile attribute of the (already released) profile `p`.
fn profile_value(p: &Profile, attr: Attr) -> Option<Value> {
    Some(match attr {
        Attr::Roles => {
            p.enterprise_ref()?;
            json!(p.roles().iter().map(|r| r.claim()).collect::<Vec<_>>())
        }
        Attr::EnterpriseNumber => json!(p.enterprise_ref()?.0.as_str()),
        Attr::EnterpriseName => json!(p.enterprise_ref()?.1),
        Attr::ChosenProfile => chosen_profile(p),
        _ => return None,
    })
}

/// The profile claims (`roles`, `enterprise_number`, `enterprise_name`, `chosen_profile`) the
/// client may receive with `scopes`: what introspection adds to an active token, so a
/// resource server sees the same roles as the id_token and userinfo.
pub fn profile_claims(client: &Client, scopes: &[String], profile: &Profile) -> Map<String, Value> {
    let released = profile.released_to(&client.audience());
    let mut m = Map::new();
    for (name, scope, attr) in CLAIM_TABLE {
        if client.may_receive(name)
            && scopes.iter().any(|s| s == scope)
            && let Some(v) = profile_value(&released, *attr)
        {
            m.insert((*name).to_owned(), v);
        }
    }
    m
}

fn attr_value(ctx: &TokenContext<'_>, sub: &str, attr: Attr) -> Option<Value> {
    let s = ctx.subject;
    let released = ctx.profile.released_to(&ctx.client.audience());
    let p = &released;
    let c = s.certificate.as_ref();
    Some(match attr {
        Attr::GivenNames => json!(s.given_names),
        Attr::Surname => json!(s.surname),
        Attr::FullName => json!(format!("{} {}", s.given_names, s.surname)),
        Attr::Language => json!(s.language.as_ref()?),
        Attr::BirthDate => json!(s.birthdate.as_ref()?),
        Attr::Email => json!(s.email.as_ref()?),
        Attr::NationalNumber => json!(s.national_number.as_ref()?.as_str()),
        Attr::Fedid => json!(sub),
        Attr::Roles | Attr::EnterpriseNumber | Attr::EnterpriseName | Attr::ChosenProfile => {
            profile_value(p, attr)?
        }
        Attr::CertSubject => json!(c?.subject),
        Attr::CertIssuer => json!(c?.issuer),
        Attr::CertSerial => json!(c?.serial_number),
    })
}

fn add_released(ctx: &TokenContext<'_>, sub: &str, target: Target, out: &mut Map<String, Value>) {
    for name in released(ctx.client, ctx.scopes, ctx.claims, target) {
        let attr = CLAIM_TABLE.iter().find(|(n, _, _)| *n == name).map(|(_, _, a)| *a);
        if let Some(v) = attr.and_then(|a| attr_value(ctx, sub, a)) {
            out.insert(name.to_owned(), v);
        }
    }
}

/// ID token claims (OIDC Core §2, §3.1.3.6). Sign with `typ: JWT` and `client.id_token_alg`.
pub fn id_token_claims(ctx: &TokenContext<'_>, access_token: Option<&str>) -> Map<String, Value> {
    let sub = subject_identifier(ctx.client, &ctx.subject.person_id, ctx.pairwise_pepper);
    let mut m = Map::new();
    m.insert("iss".into(), json!(ctx.issuer));
    m.insert("sub".into(), json!(sub));
    m.insert("aud".into(), json!(ctx.client.id));
    m.insert("exp".into(), json!(ctx.now + ctx.client.lifetimes.id_token));
    m.insert("iat".into(), json!(ctx.now));
    m.insert("auth_time".into(), json!(ctx.session.auth_time));
    m.insert("acr".into(), json!(ctx.session.acr));
    m.insert("amr".into(), json!(ctx.session.amr));
    m.insert("sid".into(), json!(ctx.session.sid));
    if let Some(n) = ctx.nonce {
        m.insert("nonce".into(), json!(n));
    }
    if let Some(at) = access_token {
        m.insert("at_hash".into(), json!(at_hash(at, ctx.client.id_token_alg)));
    }
    add_released(ctx, &sub, Target::IdToken, &mut m);
    m
}

/// RFC 9068 §2.2 JWT access token claims; sign with `typ: at+jwt` (RFC 9068 §2.1).
/// No personal attributes (they come from userinfo). `audience` defaults to the issuer
/// (our userinfo endpoint is the resource). `dpop_jkt` adds `cnf.jkt` (RFC 9449 §6).
pub fn access_token_claims(
    ctx: &TokenContext<'_>,
    jti: &str,
    audience: Option<&str>,
    dpop_jkt: Option<&str>,
) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("iss".into(), json!(ctx.issuer));
    m.insert(
        "sub".into(),
        json!(subject_identifier(ctx.client, &ctx.subject.person_id, ctx.pairwise_pepper)),
    );
    m.insert("aud".into(), json!(audience.unwrap_or(ctx.issuer)));
    m.insert("exp".into(), json!(ctx.now + ctx.client.lifetimes.access_token));
    m.insert("iat".into(), json!(ctx.now));
    m.insert("jti".into(), json!(jti));
    m.insert("client_id".into(), json!(ctx.client.id));
    m.insert("scope".into(), json!(ctx.scopes.join(" ")));
    m.insert("auth_time".into(), json!(ctx.session.auth_time));
    m.insert("acr".into(), json!(ctx.session.acr));
    m.insert("sid".into(), json!(ctx.session.sid));
    if let Some(jkt) = dpop_jkt {
        m.insert("cnf".into(), json!({ "jkt": jkt }));
    }
    m
}

/// Userinfo response (OIDC Core §5.3.2): `sub` plus released claims.
pub fn userinfo_claims(ctx: &TokenContext<'_>) -> Map<String, Value> {
    let sub = subject_identifier(ctx.client, &ctx.subject.person_id, ctx.pairwise_pepper);
    let mut m = Map::new();
    m.insert("sub".into(), json!(sub));
    add_released(ctx, &sub, Target::Userinfo, &mut m);
    m
}

#[cfg(test)]
mod tests;
