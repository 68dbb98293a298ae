//! Local-path checks: a `next` or `return_to` taken from a request may only point at this
//! site (no open redirect).

/// A path on this site: starts with one `/`, no scheme, no backslash tricks.
pub fn is_local_path(p: &str) -> bool {
    p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') && !p.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn only_local_paths_are_followed() {
        assert!(is_local_path("/"));
        assert!(is_local_path("/enterprises/0474603083?x=1"));
        assert!(!is_local_path("//evil.example/"));
        assert!(!is_local_path("https://evil.example/"));
        assert!(!is_local_path("/\\evil.example"));
        assert!(!is_local_path("/\nSet-Cookie: x"));
        assert!(!is_local_path(""));
    }
}
