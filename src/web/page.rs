//! What every page template receives: the translator, the CSRF token, the current path
//! (for the language switch) and whether demo mode is on.

use axum::extract::FromRequestParts;
use http::request::Parts;

use crate::domain::Language;
use crate::web::i18n::{LANGUAGES, Tr};
use crate::web::request::{CsrfToken, RequestLang};
use crate::web::shell::WebShell;

/// The common context of every page.
#[derive(Debug, Clone)]
pub struct PageCtx {
    pub tr: Tr,
    pub csrf: String,
    pub path: String,
    pub is_demo: bool,
}

/// One entry of the language switch.
#[derive(Debug, Clone)]
pub struct LangLink {
    pub code: &'static str,
    pub label: &'static str,
    pub href: String,
    pub is_current: bool,
}

impl PageCtx {
    pub fn t(&self, key: &str) -> &'static str {
        self.tr.t(key)
    }

    pub fn lang(&self) -> Language {
        self.tr.lang
    }

    pub fn lang_code(&self) -> &'static str {
        self.tr.lang.code()
    }

    pub fn languages(&self) -> Vec<LangLink> {
        let next: String = form_urlencoded::byte_serialize(self.path.as_bytes()).collect();
        LANGUAGES
            .iter()
            .map(|lang| LangLink {
                code: lang.code(),
                label: match lang {
                    Language::Nl => "NL",
                    Language::Fr => "FR",
                    Language::De => "DE",
                    Language::En => "EN",
                },
                href: format!("/lang/{}?next={next}", lang.code()),
                is_current: *lang == self.tr.lang,
            })
            .collect()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PageCtx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let is_demo = parts.extensions.get::<WebShell>().is_some_and(WebShell::is_demo);
        Ok(Self::from_parts(parts, is_demo))
    }
}

impl PageCtx {
    /// Builds the context from what the middleware put in the request.
    pub fn from_parts(parts: &Parts, is_demo: bool) -> Self {
        let lang = parts.extensions.get::<RequestLang>().map(|l| l.0).unwrap_or(Language::Nl);
        let csrf = parts.extensions.get::<CsrfToken>().map(|c| c.0.clone()).unwrap_or_default();
        let path = parts.uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into());
        Self { tr: Tr::new(lang), csrf, path, is_demo }
    }
}
