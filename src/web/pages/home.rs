//! The home page: the services that exist (each card a link: My digital keys, My sessions)
//! and the enterprise look-up.

use askama::Template;
use axum::Router;
use axum::response::Response;
use axum::routing::get;

use crate::web::error::{WebError, render};
use crate::web::page::PageCtx;

pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/", get(home))
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: PageCtx,
}

async fn home(page: PageCtx) -> Result<Response, WebError> {
    render(&HomePage { page })
}
