//! The translation catalogue: every visible string, in Dutch, French, German and English.
//!
//! Catalogues live in `templates/i18n/<lang>/<area>.toml` as nested tables and are
//! compiled into the binary. A test checks that all four have exactly the same keys and
//! that every key a template uses exists.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::domain::Language;

/// One catalogue file per area and language, so areas can grow without touching each
/// other's files. Keys are namespaced by their first segment (`oidc.…`, `eid.…`).
macro_rules! catalogue {
    ($lang:literal) => {
        [
            include_str!(concat!("../../templates/i18n/", $lang, "/core.toml")),
            include_str!(concat!("../../templates/i18n/", $lang, "/authn.toml")),
            include_str!(concat!("../../templates/i18n/", $lang, "/password.toml")),
            include_str!(concat!("../../templates/i18n/", $lang, "/eid.toml")),
            include_str!(concat!("../../templates/i18n/", $lang, "/itsme.toml")),
            include_str!(concat!("../../templates/i18n/", $lang, "/eidas.toml")),
            include_str!(concat!("../../templates/i18n/", $lang, "/oidc.toml")),
            include_str!(concat!("../../templates/i18n/", $lang, "/passkey.toml")),
            include_str!(concat!("../../templates/i18n/", $lang, "/btb.toml")),
            include_str!(concat!("../../templates/i18n/", $lang, "/profile.toml")),
            include_str!(concat!("../../templates/i18n/", $lang, "/ss.toml")),
            include_str!(concat!("../../templates/i18n/", $lang, "/saml.toml")),
        ]
    };
}

const SOURCES: [(Language, [&str; 12]); 4] = [
    (Language::Nl, catalogue!("nl")),
    (Language::Fr, catalogue!("fr")),
    (Language::De, catalogue!("de")),
    (Language::En, catalogue!("en")),
];

/// The languages offered, in the order the language switch shows them.
pub const LANGUAGES: [Language; 4] = [Language::Nl, Language::Fr, Language::De, Language::En];

type Catalogue = HashMap<String, &'static str>;

static CATALOGUES: LazyLock<HashMap<Language, Catalogue>> = LazyLock::new(|| {
    SOURCES
        .iter()
        .map(|(lang, files)| {
            let mut flat = HashMap::new();
            for text in files {
                let table: toml::Table = toml::from_str(text)
                    .unwrap_or_else(|e| panic!("a {} catalogue file is not valid TOML: {e}", lang.code()));
                flatten("", &table, &mut flat);
            }
            (*lang, flat)
        })
        .collect()
});

fn flatten(prefix: &str, table: &toml::Table, out: &mut Catalogue) {
    for (key, value) in table {
        let full = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        match value {
            toml::Value::Table(inner) => flatten(&full, inner, out),
            toml::Value::String(s) => {
                out.insert(full, Box::leak(s.clone().into_boxed_str()));
            }
            other => panic!("catalogue key {full} must be a string, found {}", other.type_str()),
        }
    }
}

/// A translator for one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tr {
    pub lang: Language,
}

impl Tr {
    pub fn new(lang: Language) -> Self {
        Self { lang }
    }

    /// The text for `key`; falls back to English, then to the key itself (and a test makes
    /// sure that never happens for keys in templates).
    pub fn t(&self, key: &str) -> &'static str {
        lookup(self.lang, key).or_else(|| lookup(Language::En, key)).unwrap_or_else(|| {
            tracing::warn!(i18n.key = key, "missing translation");
            Box::leak(key.to_string().into_boxed_str())
        })
    }

    /// The text for `key` with `{name}` placeholders replaced.
    pub fn fmt(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut text = self.t(key).to_string();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }
}

fn lookup(lang: Language, key: &str) -> Option<&'static str> {
    CATALOGUES.get(&lang).and_then(|c| c.get(key)).copied()
}

/// Parses an `Accept-Language` header and returns the best offered language.
pub fn negotiate(accept_language: &str) -> Option<Language> {
    let mut ranked: Vec<(f32, usize, Language)> = accept_language
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next()?.trim();
            let quality = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let lang = Language::parse(tag).ok()?;
            (quality > 0.0).then_some((quality, i, lang))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.first().map(|(_, _, lang)| *lang)
}

/// All keys of a language's catalogue (for tests and tooling).
pub fn keys(lang: Language) -> Vec<String> {
    let mut keys: Vec<String> =
        CATALOGUES.get(&lang).map(|c| c.keys().cloned().collect()).unwrap_or_default();
    keys.sort();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_four_catalogues_have_the_same_keys() {
        let english = keys(Language::En);
        assert!(english.len() > 20, "the catalogue looks empty");
        for lang in LANGUAGES {
            let these = keys(lang);
            let missing: Vec<_> = english.iter().filter(|k| !these.contains(k)).collect();
            let extra: Vec<_> = these.iter().filter(|k| !english.contains(k)).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{}: missing {missing:?}, extra {extra:?}",
                lang.code()
            );
        }
    }

    #[test]
    fn every_key_used_in_templates_and_code_exists() {
        let english = keys(Language::En);
        let mut used = Vec::new();
        for dir in ["templates", "src"] {
            collect_used_keys(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir).as_path(),
                &mut used,
            );
        }
        assert!(!used.is_empty(), "found no translation calls");
        let missing: Vec<_> = used.iter().filter(|k| !english.contains(k)).collect();
        assert!(missing.is_empty(), "keys used but not in the catalogue: {missing:?}");
    }

    /// Finds every string literal shaped like a catalogue key (`"section.key"` whose
    /// section exists in the catalogue) in templates and code.
    fn collect_used_keys(dir: &std::path::Path, out: &mut Vec<String>) {
        let sections: std::collections::HashSet<String> =
            keys(Language::En).iter().filter_map(|k| k.split('.').next().map(str::to_string)).collect();
        for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                collect_used_keys(&path, out);
                continue;
            }
            let is_source = matches!(path.extension().and_then(|e| e.to_str()), Some("html" | "rs"));
            if !is_source || path.ends_with("i18n.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("read");
            for literal in text.split('"').skip(1).step_by(2) {
                let is_key_shaped = literal.contains('.')
                    && literal.split('.').all(|seg| {
                        !seg.is_empty()
                            && seg.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                    });
                let section = literal.split('.').next().unwrap_or_default();
                let last = literal.rsplit('.').next().unwrap_or_default();
                let is_file_name = matches!(
                    last,
                    "html" | "csv" | "toml" | "rs" | "pem" | "json" | "md" | "txt" | "key" | "p12" | "db"
                );
                if is_key_shaped && !is_file_name && sections.contains(section) {
                    out.push(literal.to_string());
                }
            }
        }
    }

    #[test]
    fn accept_language_picks_the_best_offered_language() {
        assert_eq!(negotiate("fr-BE,fr;q=0.9,en;q=0.8"), Some(Language::Fr));
        assert_eq!(negotiate("es, de;q=0.5, en;q=0.7"), Some(Language::En));
        assert_eq!(negotiate("es, it"), None);
        assert_eq!(negotiate("nl;q=0, de"), Some(Language::De));
        assert_eq!(negotiate(""), None);
    }

    #[test]
    fn placeholders_are_filled() {
        let tr = Tr::new(Language::En);
        assert_eq!(
            tr.fmt("error.unknown_enterprise", &[("number", "0474.603.083")]),
            "No enterprise with number 0474.603.083 is known to the register."
        );
    }
}
