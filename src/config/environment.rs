//! Which environment variables are configuration: `POORT_<SECTION>__<KEY>` where SECTION
//! names a section of [`Settings`] (`SERVER`, `DATABASE`, `EID`, …) and `__` separates
//! every further level (`POORT_ITSME__MOCK__LISTEN`). Any other variable that merely starts
//! with `POORT_` (`POORT_BIN`, `POORT_VERSION`, set by scripts and container platforms) is
//! not ours and is ignored. Inside a known section an unknown key is still an error.

use std::sync::LazyLock;

use figment::providers::Env;

use super::Settings;

/// The prefix of every configuration variable.
pub const PREFIX: &str = "POORT_";
/// The separator between section, key and sub-key.
pub const SEPARATOR: &str = "__";

/// The top-level sections, read from [`Settings`] itself (its serialised default), so a new
/// section needs no second list here.
static SECTIONS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let defaults = serde_json::to_value(Settings::default()).unwrap_or_default();
    defaults.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default()
});

/// Whether a variable name, without the prefix, is `<SECTION>__<KEY…>` for a known section.
pub fn is_configuration(name_without_prefix: &str) -> bool {
    match name_without_prefix.split_once(SEPARATOR) {
        Some((section, rest)) => !rest.is_empty() && SECTIONS.iter().any(|s| s.eq_ignore_ascii_case(section)),
        None => false,
    }
}

/// The figment provider of the configuration variables.
pub fn provider() -> Env {
    Env::prefixed(PREFIX).filter(|key| is_configuration(key.as_str())).split(SEPARATOR)
}

/// Names (never values) of `POORT_*` variables in this process's environment that are not
/// configuration and therefore ignored, for `poort check-config`.
pub fn ignored_variables() -> Vec<String> {
    let mut names: Vec<String> = std::env::vars_os()
        .filter_map(|(name, _)| name.into_string().ok())
        .filter(|name| {
            name.get(..PREFIX.len()).is_some_and(|p| p.eq_ignore_ascii_case(PREFIX))
                && !is_configuration(&name[PREFIX.len()..])
        })
        .collect();
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_section_and_key_variables_are_configuration() {
        for name in
            ["SERVER__LISTEN", "server__listen", "ITSME__MOCK__LISTEN", "DATABASE__URL", "EID__LISTNE"]
        {
            assert!(is_configuration(name), "{name}");
        }
        for name in ["BIN", "VERSION", "SERVER", "SERVER__", "SERVERS__LISTEN", "BIN__PATH", "SERVER_LISTEN"]
        {
            assert!(!is_configuration(name), "{name}");
        }
    }

    #[test]
    fn the_sections_are_read_from_the_settings_struct() {
        for section in ["server", "database", "log", "security", "eid", "itsme", "eidas", "passkey", "oidc"] {
            assert!(SECTIONS.iter().any(|s| s == section), "{section} in {:?}", *SECTIONS);
        }
    }
}
