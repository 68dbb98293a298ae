//! [`Secret`]: configuration values that must never reach a log line or an error message
//! (the secret key, the mail password, peppers, client secrets).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value whose `Debug` and `Display` print `[redacted]`. Read it with [`Secret::expose`].
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The secret itself: call it only where the value is used, never to log it.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl Secret<String> {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<T> From<T> for Secret<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret<String> {
    fn from(value: &str) -> Self {
        Self(value.to_string())
    }
}

impl<T> std::fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<T> std::fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<T: Serialize> Serialize for Secret<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Secret<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn a_secret_is_never_printed() {
        let s = Secret::new("hunter2-is-the-password".to_string());
        assert_eq!(format!("{s:?}"), "[redacted]");
        assert_eq!(format!("{s}"), "[redacted]");
        #[derive(Debug)]
        struct Holder {
            #[allow(dead_code)]
            key: Secret<String>,
        }
        let shown = format!("{:?}", Holder { key: s.clone() });
        assert!(!shown.contains("hunter2"), "{shown}");
        assert_eq!(s.expose(), "hunter2-is-the-password");
    }

    #[test]
    fn a_secret_reads_and_writes_as_its_value() {
        let s: Secret<String> = serde_json::from_str("\"abc\"").expect("json");
        assert_eq!(s.expose(), "abc");
        assert_eq!(serde_json::to_string(&s).expect("json"), "\"abc\"");
    }
}
