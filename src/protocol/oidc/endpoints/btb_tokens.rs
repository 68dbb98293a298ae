//! The OpenID Provider's side of `access::tokens::AccessTokenVerifier`: the management API
//! of BTB learns who holds a bearer or DPoP access token through the same checks as
//! userinfo (JWT or opaque, revoked grants and tokens, DPoP binding), and, for a person's
//! token, the national number and level of the login behind its grant.

use async_trait::async_trait;

use crate::access::tokens::{AccessTokenVerifier, PresentedToken, TokenHolder, TokenPerson, TokenRefusal};
use crate::protocol::oidc::OidcState;
use crate::protocol::oidc::authorize_request::AuthorizationRequest;
use crate::protocol::oidc::endpoints::{bearer, dpop_proof};
use crate::protocol::oidc::grant::GrantAuth;

/// Checks access tokens for the access layer's APIs.
#[derive(Clone, Debug)]
pub struct ProviderTokens {
    pub state: OidcState,
}

#[async_trait]
impl AccessTokenVerifier for ProviderTokens {
    async fn verify(&self, presented: &PresentedToken) -> Result<TokenHolder, TokenRefusal> {
        let Some((scheme, token)) = presented.authorization.split_once(' ') else {
            return Err(TokenRefusal::Missing);
        };
        let is_dpop = scheme.eq_ignore_ascii_case("dpop");
        if !is_dpop && !scheme.eq_ignore_ascii_case("bearer") {
            return Err(TokenRefusal::Missing);
        }
        let token = token.trim();
        let facts = bearer::resolve(&self.state, token)
            .await
            .map_err(|_| TokenRefusal::Internal)?
            .ok_or(TokenRefusal::Invalid)?;
        // RFC 9449 §7.1: a bound token needs the DPoP scheme and a proof with its key and `ath`.
        match (&facts.jkt, is_dpop) {
            (Some(jkt), true) => {
                let mut headers = http::HeaderMap::new();
                if let Some(p) = presented.dpop.as_deref().and_then(|p| http::HeaderValue::from_str(p).ok()) {
                    headers.insert("dpop", p);
                }
                let htu = self.state.oidc().endpoint(&presented.path);
                match dpop_proof::check(
                    &self.state,
                    &headers,
                    &presented.method,
                    &htu,
                    Some(token),
                    Some(jkt),
                )
                .await
                {
                    Ok(Some(_)) => {}
                    Ok(None) => return Err(TokenRefusal::Dpop("a DPoP proof is required")),
                    Err(_) => return Err(TokenRefusal::Dpop("the DPoP proof is not valid")),
                }
            }
            (Some(_), false) => return Err(TokenRefusal::Dpop("this token must be used with DPoP")),
            (None, true) => return Err(TokenRefusal::Invalid),
            (None, false) => {}
        }
        let person = match &facts.grant_id {
            None => None,
            Some(grant_id) => {
                let store = self.state.store();
                let grant = store
                    .find_oidc_grant::<AuthorizationRequest, GrantAuth>(grant_id)
                    .await
                    .map_err(|_| TokenRefusal::Internal)?
                    .ok_or(TokenRefusal::Invalid)?;
                let identity =
                    store.find_identity(&grant.identity_id).await.map_err(|_| TokenRefusal::Internal)?;
                identity.and_then(|i| i.national_number).map(|national_number| TokenPerson {
                    national_number,
                    sid: grant.sid.clone(),
                    level: grant.auth.context.level,
                })
            }
        };
        Ok(TokenHolder { client_id: facts.client_id, scopes: facts.scope, person })
    }
}
