//! `GET /saml/metadata`: the identity provider's metadata; `?signed=true` signs it.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};
use serde::Deserialize;

use crate::protocol::saml::metadata::idp_metadata;
use crate::protocol::saml::state::SamlState;

#[derive(Deserialize)]
pub struct MetadataQuery {
    #[serde(default)]
    signed: bool,
}

pub async fn get(State(state): State<SamlState>, Query(q): Query<MetadataQuery>) -> Response {
    let idp = state.idp.clone();
    let now = time::OffsetDateTime::now_utc();
    // xmlsec signing is CPU work: off the async runtime.
    match tokio::task::spawn_blocking(move || idp_metadata(&idp, q.signed, now)).await {
        Ok(Ok(xml)) => ([(header::CONTENT_TYPE, "application/samlmetadata+xml")], xml).into_response(),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "SAML metadata could not be signed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "SAML metadata task failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
