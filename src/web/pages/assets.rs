//! Static assets compiled into the binary, and the language switch.

use axum::Router;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use http::header;
use serde::Deserialize;

use crate::domain::Language;
use crate::startup::AppState;
use crate::web::error::WebError;
use crate::web::middleware::LANG_COOKIE;

const CSS: &str = include_str!("../../../static/poort.css");

pub fn router() -> Router<AppState> {
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
    state: axum::extract::State<AppState>,
) -> Result<(CookieJar, Redirect), WebError> {
    let lang = Language::parse(&code).map_err(|_| WebError::not_found("error.not_found"))?;
    let next = q.next.filter(|n| is_local_path(n)).unwrap_or_else(|| "/".into());
    let cookie = Cookie::build((LANG_COOKIE, lang.code()))
        .path("/")
        .max_age(time::Duration::days(365))
        .same_site(SameSite::Lax)
        .secure(state.is_cookie_secure())
        .http_only(true)
        .build();
    Ok((jar.add(cookie), Redirect::to(&next)))
}

/// A path on this site: starts with one `/`, no scheme, no backslash tricks.
pub fn is_local_path(p: &str) -> bool {
    p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') && !p.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn only_local_paths_are_followed_after_a_language_switch() {
        assert!(is_local_path("/"));
        assert!(is_local_path("/enterprises/0474603083?x=1"));
        assert!(!is_local_path("//evil.example/"));
        assert!(!is_local_path("https://evil.example/"));
        assert!(!is_local_path("/\\evil.example"));
        assert!(!is_local_path("/\nSet-Cookie: x"));
        assert!(!is_local_path(""));
    }
}
