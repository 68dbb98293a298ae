//! Issuing tokens: the access token (RFC 9068 JWT or opaque handle), the id_token and the
//! refresh token of a grant, and the token response (RFC 6749 §5.1).

use serde_json::{Value, json};

use crate::domain::Profile;
use crate::protocol::oidc::OidcState;
use crate::protocol::oidc::access_token::AT_TYP;
use crate::protocol::oidc::authorize_request::AuthorizationRequest;
use crate::protocol::oidc::client::{AccessTokenFormat, Client, GrantType};
use crate::protocol::oidc::code::{new_handle, storage_key};
use crate::protocol::oidc::endpoints::server_error;
use crate::protocol::oidc::error::OAuthError;
use crate::protocol::oidc::grant::Grant;
use crate::protocol::oidc::keys::{Alg, KeyError};
use crate::protocol::oidc::tokens::{self, Session, SubjectSource, TokenContext};
use crate::store::identities::Identity;
use crate::store::oidc_grants::{TokenKind, TokenRow};

/// Signs a JWT access token, or makes an opaque one with its row (not yet written).
/// `grant_id` is put in the JWT so revoking the grant revokes the token.
pub fn access_token(
    state: &OidcState,
    client: &Client,
    mut claims: Value,
    row_grant_id: &str,
    grant_claim: Option<&str>,
    jkt: Option<&str>,
    now: i64,
) -> Result<(String, Vec<TokenRow>), KeyError> {
    let exp = claims["exp"].as_i64().unwrap_or(now);
    match client.access_token_format {
        AccessTokenFormat::Jwt => {
            if let Some(obj) = claims.as_object_mut() {
                if let Some(g) = grant_claim {
                    obj.insert("grant_id".into(), json!(g));
                }
                if let Some(j) = jkt {
                    obj.insert("cnf".into(), json!({ "jkt": j }));
                }
            }
            let token = state.oidc().keys().sign(&claims, Alg::ES256, AT_TYP)?;
            Ok((token, Vec::new()))
        }
        AccessTokenFormat::Opaque => {
            let token = new_handle();
            let row = TokenRow {
                token_key: storage_key(&token),
                kind: TokenKind::Access,
                grant_id: row_grant_id.to_string(),
                client_id: client.id.clone(),
                subject: claims["sub"].as_str().map(str::to_string),
                scope: claims["scope"].as_str().unwrap_or_default().to_string(),
                dpop_jkt: jkt.map(str::to_string),
                issued_at: now,
                expires_at: exp,
                rotated_at: None,
                revoked_at: None,
            };
            Ok((token, vec![row]))
        }
    }
}

/// RFC 6749 §5.1 (+ RFC 9449 §5 `token_type: DPoP`).
pub fn response(
    access_token: &str,
    expires_in: i64,
    scopes: &[String],
    is_dpop: bool,
    id_token: Option<String>,
    refresh_token: Option<String>,
) -> Value {
    let mut body = json!({
        "access_token": access_token,
        "token_type": if is_dpop { "DPoP" } else { "Bearer" },
        "expires_in": expires_in,
        "scope": scopes.join(" "),
    });
    if let Some(obj) = body.as_object_mut() {
        if let Some(t) = id_token {
            obj.insert("id_token".into(), json!(t));
        }
        if let Some(t) = refresh_token {
            obj.insert("refresh_token".into(), json!(t));
        }
    }
    body
}

/// The person, session and profile behind a grant, as the token projection needs them.
pub struct GrantSubject {
    pub subject: SubjectSource,
    pub session: Session,
    pub profile: Profile,
    pub request: AuthorizationRequest,
}

/// Reads the person's identity behind a grant.
pub async fn grant_subject(state: &OidcState, grant: &Grant) -> Result<GrantSubject, OAuthError> {
    let identity = state.store().find_identity(&grant.identity_id).await.map_err(server_error)?;
    subject_of(grant, identity)
}

/// The token projection's view of a grant and its identity (`None` when the person is no
/// longer known: `invalid_grant`).
pub fn subject_of(grant: &Grant, identity: Option<Identity>) -> Result<GrantSubject, OAuthError> {
    let identity =
        identity.ok_or_else(|| OAuthError::invalid_grant("the person of this grant is no longer known"))?;
    let subject = SubjectSource {
        person_id: identity.id,
        national_number: identity.national_number,
        given_names: identity.given_names,
        surname: identity.surname,
        language: identity.language.map(|l| l.code().to_string()),
        email: identity.email,
        birthdate: identity.birth_date.map(crate::store::registry::date_to_text),
        certificate: grant.auth.context.certificate.clone(),
    };
    let context = &grant.auth.context;
    let session = Session {
        sid: grant.sid.clone(),
        auth_time: context.auth_time,
        acr: context.level.fas_urn(),
        amr: context.amr.clone(),
    };
    Ok(GrantSubject { subject, session, profile: grant.auth.profile.clone(), request: grant.request.clone() })
}

/// Tokens of a person grant: access token, id_token (when `openid` was granted; with the
/// request's `nonce`, if `gs.request` still has one) and a refresh token when the client
/// may refresh. Returns the response and the rows to write (in one INSERT).
pub fn person_tokens(
    state: &OidcState,
    client: &Client,
    grant: &Grant,
    gs: &GrantSubject,
    scopes: &[String],
    jkt: Option<&str>,
    now: i64,
) -> Result<(Value, Vec<TokenRow>), OAuthError> {
    let provider = state.oidc();
    let ctx = TokenContext {
        issuer: provider.issuer(),
        client,
        subject: &gs.subject,
        session: &gs.session,
        profile: &gs.profile,
        scopes,
        claims: &gs.request.claims,
        nonce: gs.request.nonce.as_deref(),
        now,
        pairwise_pepper: provider.pairwise_pepper(),
    };
    let jti = new_handle();
    let at_claims = Value::Object(tokens::access_token_claims(&ctx, &jti, None, None));
    let (access, mut rows) =
        access_token(state, client, at_claims, &grant.id, Some(&grant.id), jkt, now).map_err(server_error)?;
    let id_token = if scopes.iter().any(|s| s == "openid") {
        let claims = tokens::id_token_claims(&ctx, Some(&access));
        Some(provider.keys().sign(&claims, client.id_token_alg, "JWT").map_err(server_error)?)
    } else {
        None
    };
    let refresh = client.may_use_grant(GrantType::RefreshToken).then(new_handle);
    if let Some(r) = &refresh {
        rows.push(TokenRow {
            token_key: storage_key(r),
            kind: TokenKind::Refresh,
            grant_id: grant.id.clone(),
            client_id: client.id.clone(),
            subject: Some(grant.identity_id.clone()),
            scope: scopes.join(" "),
            dpop_jkt: jkt.map(str::to_string),
            issued_at: now,
            expires_at: (now + client.lifetimes.refresh_token).min(grant.expires_at),
            rotated_at: None,
            revoked_at: None,
        });
    }
    let body = response(&access, client.lifetimes.access_token, scopes, jkt.is_some(), id_token, refresh);
    Ok((body, rows))
}
