//! Static assets compiled into the binary (the style sheet, the favicon, the self-submitting
//! form script), and the language switch.

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
use crate::web::middleware::{LANG_COOKIE, UI_LOCALES_COOKIE};
use crate::web::shell::WebShell;

const CSS: &str = include_str!("../../../static/poort.css");
const FAVICON: &[u8] = include_bytes!("../../../static/favicon.ico");
/// Submits a `form[data-autosubmit]` on load (the OpenID Connect `form_post` page).
const AUTOSUBMIT: &str = include_str!("../../../static/autosubmit.js");

pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/static/poort.css", get(css))
        .route("/static/autosubmit.js", get(autosubmit))
        .route("/favicon.ico", get(favicon))
        .route("/lang/{code}", get(switch_language))
}

/// A static file, cacheable for an hour.
fn asset(content_type: &'static str, body: &'static [u8]) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")], body)
        .into_response()
}

async fn css() -> Response {
    asset("text/css; charset=utf-8", CSS.as_bytes())
}

async fn autosubmit() -> Response {
    asset("text/javascript; charset=utf-8", AUTOSUBMIT.as_bytes())
}

async fn favicon() -> Response {
    asset("image/x-icon", FAVICON)
}

#[derive(Deserialize)]
struct Next {
    next: Option<String>,
}

/// `/lang/fr?next=/path`: remembers the language in a cookie and goes back. Only local
/// paths are accepted as `next` (no open redirect). The person's choice also ends an
/// application's `ui_locales` for the login under way.
async fn switch_language(
    Path(code): Path<String>,
    Query(q): Query<Next>,
    jar: CookieJar,
    axum::Extension(shell): axum::Extension<WebShell>,
) -> Result<(CookieJar, Redirect), WebError> {
    let lang = Language::parse(&code).map_err(|_| WebError::not_found("error.not_found"))?;
    let next = q.next.filter(|n| is_local_path(n)).unwrap_or_else(|| "/".into());
    let cookie = shell.cookies().lasting_cookie(LANG_COOKIE, lang.code().to_string(), 365);
    let jar = jar.add(cookie).remove(shell.cookies().removal(UI_LOCALES_COOKIE));
    Ok((jar, Redirect::to(&next)))
}
