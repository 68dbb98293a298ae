//! The exception procedure over the API: a person files a request and reads its document.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde::Deserialize;

use super::manage::{Contact, HeadBody};
use super::{ApiError, ApiJson, ApiState, Caller};
use crate::access::btb::BtbError;
use crate::access::btb::exception::RepresentativeForm;
use crate::access::btb::procedure::{DesignationForm, HeadChoice};

#[derive(Debug, Deserialize)]
pub(super) struct RepresentativeBody {
    national_number: String,
    first_name: String,
    last_name: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct RequestBody {
    enterprise: String,
    representative: RepresentativeBody,
    head: HeadBody,
    enterprise_email: String,
    #[serde(default)]
    terms_accepted: bool,
    requester: Option<Contact>,
}

/// `POST /api/btb/v1/exception-requests` → `{"ticket", "document_url"}`.
pub(super) async fn file(
    State(state): State<ApiState>,
    caller: Caller,
    ApiJson(body): ApiJson<RequestBody>,
) -> Result<Response, ApiError> {
    let lang = caller.lang;
    let who = caller.manager()?;
    let requester = body.requester.unwrap_or(Contact { email: String::new(), phone: String::new() });
    let form = match body.head {
        HeadBody::Keyword(k) if k == "self" => DesignationForm {
            enterprise_email: body.enterprise_email.clone(),
            head: HeadChoice::Myself,
            head_email: requester.email.clone(),
            head_phone: requester.phone.clone(),
            requester_email: String::new(),
            requester_phone: String::new(),
            is_phone_optional: false,
        },
        HeadBody::Keyword(_) => {
            return Err(ApiError::new(StatusCode::BAD_REQUEST, "bad_request", "btb.api.bad_body", lang));
        }
        HeadBody::Person { national_number, email, phone } => DesignationForm {
            enterprise_email: body.enterprise_email.clone(),
            head: HeadChoice::Other { national_number },
            head_email: email,
            head_phone: phone,
            requester_email: requester.email.clone(),
            requester_phone: requester.phone.clone(),
            is_phone_optional: false,
        },
    };
    let rep = RepresentativeForm {
        national_number: body.representative.national_number,
        first_name: body.representative.first_name,
        last_name: body.representative.last_name,
    };
    let ticket = state
        .btb
        .file_exception(&who, &body.enterprise, &rep, &form, body.terms_accepted)
        .await
        .map_err(|e: BtbError| ApiError::from_btb(e, lang))?;
    let document_url = format!("{}/api/btb/v1/exception-requests/{ticket}/document", state.btb.public_url());
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "ticket": ticket, "document_url": document_url })))
        .into_response())
}

/// `GET /api/btb/v1/exception-requests/{ticket}/document`: the PDF, for its requester.
pub(super) async fn document(
    State(state): State<ApiState>,
    caller: Caller,
    Path(ticket): Path<String>,
) -> Result<Response, ApiError> {
    let lang = caller.lang;
    let who = caller.manager()?;
    let fail = |e: BtbError| ApiError::from_btb(e, lang);
    let row = state.btb.request_for(&who, &ticket, false).await.map_err(fail)?;
    let bytes = state.btb.request_document(&row, lang).await.map_err(fail)?;
    let mut response = (StatusCode::OK, bytes).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    Ok(response)
}
