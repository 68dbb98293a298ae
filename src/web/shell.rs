//! [`WebShell`]: what the web kit knows about the site it serves — the CSRF key, how cookies
//! are set, demo mode, the trusted proxies. The composition root builds one and puts it in
//! every request's extensions, so the kit's extractors ([`PageCtx`](super::page::PageCtx),
//! [`CsrfForm`](super::csrf::CsrfForm), [`ClientAddr`](super::client_addr::ClientAddr)) work
//! with any feature's router state.

use std::borrow::Cow;
use std::sync::Arc;

use axum_extra::extract::cookie::{Cookie, SameSite};

use super::client_addr::Cidr;
use super::csrf::CsrfKey;

/// How Poort sets its cookies: HttpOnly, SameSite=Lax, path `/`, no `Domain`; over https
/// also `Secure` and the `__Host-` name prefix (RFC 6265bis §4.1.3.2: the browser then
/// refuses the cookie from a sibling domain or over plain http).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CookiePolicy {
    pub is_secure: bool,
}

impl CookiePolicy {
    /// The name a cookie called `base` carries on this site (`__Host-base` over https).
    pub fn name(&self, base: &'static str) -> Cow<'static, str> {
        if self.is_secure { Cow::Owned(format!("__Host-{base}")) } else { Cow::Borrowed(base) }
    }

    /// The value of the cookie `base` in this jar.
    pub fn value_in(
        &self,
        jar: &axum_extra::extract::cookie::CookieJar,
        base: &'static str,
    ) -> Option<String> {
        jar.get(&self.name(base)).map(|c| c.value().to_string())
    }

    /// A cookie for this site, valid for the browser session.
    pub fn cookie(&self, name: &'static str, value: String) -> Cookie<'static> {
        Cookie::build((self.name(name), value))
            .path("/")
            .http_only(true)
            .secure(self.is_secure)
            .same_site(SameSite::Lax)
            .build()
    }

    /// A cookie kept for `days`.
    pub fn lasting_cookie(&self, name: &'static str, value: String, days: i64) -> Cookie<'static> {
        let mut c = self.cookie(name, value);
        c.set_max_age(time::Duration::days(days));
        c
    }

    /// What removes the cookie `name` from the browser.
    pub fn removal(&self, name: &'static str) -> Cookie<'static> {
        Cookie::build(self.name(name)).path("/").build()
    }
}

/// The site as the web kit sees it. Cheap to clone.
#[derive(Debug, Clone)]
pub struct WebShell(Arc<ShellInner>);

#[derive(Debug)]
struct ShellInner {
    csrf: CsrfKey,
    cookies: CookiePolicy,
    public_url: String,
    is_demo: bool,
    trusted_proxies: Vec<Cidr>,
}

impl WebShell {
    pub fn new(
        csrf: CsrfKey,
        cookies: CookiePolicy,
        public_url: String,
        is_demo: bool,
        trusted_proxies: Vec<Cidr>,
    ) -> Self {
        Self(Arc::new(ShellInner { csrf, cookies, public_url, is_demo, trusted_proxies }))
    }

    pub fn csrf(&self) -> &CsrfKey {
        &self.0.csrf
    }

    pub fn cookies(&self) -> CookiePolicy {
        self.0.cookies
    }

    /// The public base URL, without trailing slash.
    pub fn public_url(&self) -> &str {
        &self.0.public_url
    }

    pub fn is_https(&self) -> bool {
        self.0.public_url.starts_with("https://")
    }

    pub fn is_demo(&self) -> bool {
        self.0.is_demo
    }

    pub fn trusted_proxies(&self) -> &[Cidr] {
        &self.0.trusted_proxies
    }
}
