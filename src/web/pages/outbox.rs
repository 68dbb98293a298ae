//! `GET /demo/outbox`: the mails Poort "sent" in demo mode (a stand-in mailbox, clearly
//! labelled). Mounted by the composition root in demo mode only.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

use crate::store::Store;
use crate::web::error::{WebError, render};
use crate::web::page::PageCtx;

struct MailView {
    at: String,
    recipient: String,
    subject: String,
    body: String,
}

#[derive(Template)]
#[template(path = "outbox.html")]
struct OutboxPage {
    page: PageCtx,
    mails: Vec<MailView>,
}

/// The demo outbox, reading the `dev_outbox` table.
pub fn router() -> Router<Store> {
    Router::new().route("/demo/outbox", get(show))
}

async fn show(page: PageCtx, State(store): State<Store>) -> Result<Response, WebError> {
    let mails = store
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
