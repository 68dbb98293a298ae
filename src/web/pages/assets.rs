//! Static assets compiled into the binary, and the language switch.

use axum::Router;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::cookie::CookieJar;
use http::header;
use serde::Deserialize;

use crate::domain::Language;
use crate::kernel::paths::is_local_path;
use crate::web::error::WebError;
use crate::web::middleware::LANG_COOKIE;
use crate::web::shell::WebShell;

const CSS: &str = include_str!("../../../static/poort.css");

pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/static/poort.css", get(css)).route("/lang/{code}", get(switch_language))
}

async fn css() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        CSS,
    )
        .into_response()
}

#[derive(Deserialize)]
struct Next {
    next: Option<String>,
}

/// `/lang/fr?next=/path`: remembers the language in a cookie and goes back. Only local
/// paths are accepted as `next` (no open redirect).
async fn switch_language(
    Path(code): Path<String>,
    Query(q): Query<Next>,
    jar: CookieJar,
    axum::Extension(shell): axum::Extension<WebShell>,
) -> Result<(CookieJar, Redirect), WebError> {
    let lang = Language::parse(&code).map_err(|_| WebError::not_found("error.not_found"))?;
    let next = q.next.filter(|n| is_local_path(n)).unwrap_or_else(|| "/".into());
    let cookie = shell.cookies().lasting_cookie(LANG_COOKIE, lang.code().to_string(), 365);
    Ok((jar.add(cookie), Redirect::to(&next)))
}
