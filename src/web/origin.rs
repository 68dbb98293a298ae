//! One public origin for every page: a browser that reached the main listener under another
//! host name (`127.0.0.1:8080` for `localhost:8080`) is sent to the public origin before it
//! gets a cookie, so every cookie, every redirect back from a digital key (itsme's callback,
//! the eID ticket, the eIDAS ACS) and the passkey relying party agree on one host.
//!
//! Only when the public URL is the listener itself: behind a proxy (`server.public_url`
//! set) the proxy decides the host, and a proxy that rewrites `Host` would otherwise loop.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use http::{Method, header};

/// The origin pages are served on.
#[derive(Debug, Clone)]
pub struct PublicOrigin {
    /// `http://localhost:8080`, without trailing slash.
    base: String,
    /// `localhost:8080` (the port omitted when it is the scheme's default).
    authority: String,
}

impl PublicOrigin {
    /// `None` when `public_url` is not an http(s) URL with a host.
    pub fn new(public_url: &str) -> Option<Self> {
        let url = url::Url::parse(public_url).ok()?;
        let host = url.host_str()?;
        let authority = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        };
        Some(Self { base: public_url.trim_end_matches('/').to_string(), authority })
    }

    /// Whether a request's authority (`Host`) names this origin; a default port written
    /// out (`localhost:80`) is the same origin.
    fn is_same(&self, authority: &str) -> bool {
        let authority = authority.strip_suffix(":80").unwrap_or(authority);
        let authority = authority.strip_suffix(":443").unwrap_or(authority);
        authority.eq_ignore_ascii_case(&self.authority)
    }
}

/// `GET`/`HEAD` of a page under another host: 307 to the same path and query on the
/// public origin. Other methods pass (a form is only ever posted from a page, which was
/// already moved); a request without a host (HTTP/1.0) passes too.
pub async fn to_public_origin(State(origin): State<PublicOrigin>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD) {
        let authority =
            req.uri().authority().map(|a| a.as_str().to_string()).or_else(|| {
                req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).map(str::to_string)
            });
        if authority.is_some_and(|a| !origin.is_same(&a)) {
            let path = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
            return Redirect::temporary(&format!("{}{path}", origin.base)).into_response();
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_authority_of_the_public_origin_is_compared_without_default_ports() {
        let origin = PublicOrigin::new("http://localhost:8080").expect("origin");
        assert!(origin.is_same("localhost:8080"));
        assert!(origin.is_same("LOCALHOST:8080"));
        assert!(!origin.is_same("127.0.0.1:8080"));
        assert!(!origin.is_same("localhost:8081"));
        let plain = PublicOrigin::new("https://poort.example.be/").expect("origin");
        assert!(plain.is_same("poort.example.be") && plain.is_same("poort.example.be:443"));
        assert!(PublicOrigin::new("not a url").is_none());
    }
}
