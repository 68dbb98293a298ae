//! `GET /demo/outbox`: the mails Poort "sent" in demo mode (a stand-in mailbox, clearly
//! labelled). 404 outside demo mode.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::startup::AppState;
use crate::web::error::{WebError, render};
use crate::web::page::PageCtx;

struct MailView {
    at: String,
    recipient: String,
    subject: String,
    body: String,
}

#[derive(Template)]
#[template(path = "password_outbox.html")]
struct OutboxPage {
    page: PageCtx,
    mails: Vec<MailView>,
}

pub(super) async fn show(page: PageCtx, State(state): State<AppState>) -> Result<Response, WebError> {
    if !state.settings().demo.is_enabled {
        return Err(WebError::not_found("error.not_found"));
    }
    let mails = state
        .store()
        .find_outbox_mails(50)
        .await?
        .into_iter()
        .map(|m| MailView {
            at: time::OffsetDateTime::from_unix_timestamp(m.at)
                .map(|t| t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default())
                .unwrap_or_default(),
            recipient: m.recipient,
            subject: m.subject,
            body: m.body,
        })
        .collect();
    render(&OutboxPage { page, mails })
}
