//! Username and password rules (docs/DOMAIN.md §7) as a configurable policy.
//!
//! Usernames: letters a-z and digits only, 8 to 30 characters, unique, never changed.
//! Passwords: at least 10 characters, no spaces, case-sensitive, at least 2 non-letters,
//! special characters only from `;,:=?./*$%><&@#'(!{})_-`. The seed caps passwords at 15
//! characters; that is poor practice, so the default maximum is 128 (OWASP ASVS V2.1.2
//! asks to allow at least 64) and it is configurable.

use crate::authn::password::settings::PasswordSettings;

/// A rule a username or password breaks. Each names its translation key, so the page
/// says which rule failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyViolation {
    #[error("username length must be {min} to {max}")]
    UsernameLength { min: usize, max: usize },
    #[error("username may only hold a-z and 0-9")]
    UsernameCharacters,
    #[error("password is too short (min {min})")]
    PasswordTooShort { min: usize },
    #[error("password is too long (max {max})")]
    PasswordTooLong { max: usize },
    #[error("password contains a space")]
    PasswordSpace,
    #[error("password needs {min} non-letters")]
    PasswordNonLetters { min: usize },
    #[error("password contains a character that is not allowed")]
    PasswordCharacter,
    #[error("the two passwords differ")]
    PasswordMismatch,
    #[error("password contains the username")]
    PasswordContainsUsername,
}

impl PolicyViolation {
    /// The catalogue key of the message.
    pub fn key(&self) -> &'static str {
        match self {
            Self::UsernameLength { .. } => "password.rule.username_length",
            Self::UsernameCharacters => "password.rule.username_characters",
            Self::PasswordTooShort { .. } => "password.rule.too_short",
            Self::PasswordTooLong { .. } => "password.rule.too_long",
            Self::PasswordSpace => "password.rule.space",
            Self::PasswordNonLetters { .. } => "password.rule.non_letters",
            Self::PasswordCharacter => "password.rule.character",
            Self::PasswordMismatch => "password.rule.mismatch",
            Self::PasswordContainsUsername => "password.rule.contains_username",
        }
    }

    /// Placeholder values for the message (`{min}`, `{max}`, `{chars}`).
    pub fn args(&self, policy: &Policy) -> Vec<(&'static str, String)> {
        match self {
            Self::UsernameLength { min, max } => vec![("min", min.to_string()), ("max", max.to_string())],
            Self::PasswordTooShort { min } | Self::PasswordNonLetters { min } => {
                vec![("min", min.to_string())]
            }
            Self::PasswordTooLong { max } => vec![("max", max.to_string())],
            Self::PasswordCharacter => vec![("chars", policy.special_chars.clone())],
            _ => Vec::new(),
        }
    }
}

/// The rules in force, built from `[password]`.
#[derive(Debug, Clone)]
pub struct Policy {
    pub username_min: usize,
    pub username_max: usize,
    pub password_min: usize,
    pub password_max: usize,
    pub min_non_letters: usize,
    pub special_chars: String,
}

impl Policy {
    pub fn from_settings(s: &PasswordSettings) -> Self {
        Self {
            username_min: s.username_min_length,
            username_max: s.username_max_length,
            password_min: s.password_min_length,
            password_max: s.password_max_length,
            min_non_letters: s.password_min_non_letters,
            special_chars: s.password_special_chars.clone(),
        }
    }

    /// Checks a new username (uniqueness is the store's unique index).
    pub fn check_username(&self, username: &str) -> Result<(), PolicyViolation> {
        let length = username.chars().count();
        if !username.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()) {
            return Err(PolicyViolation::UsernameCharacters);
        }
        if length < self.username_min || length > self.username_max {
            return Err(PolicyViolation::UsernameLength { min: self.username_min, max: self.username_max });
        }
        Ok(())
    }

    /// Checks a new password, in the order a person fixes them.
    pub fn check_password(
        &self,
        password: &str,
        confirmation: &str,
        username: &str,
    ) -> Result<(), PolicyViolation> {
        let length = password.chars().count();
        if length < self.password_min {
            return Err(PolicyViolation::PasswordTooShort { min: self.password_min });
        }
        if length > self.password_max {
            return Err(PolicyViolation::PasswordTooLong { max: self.password_max });
        }
        if password.chars().any(char::is_whitespace) {
            return Err(PolicyViolation::PasswordSpace);
        }
        let is_allowed = |c: char| c.is_ascii_alphanumeric() || self.special_chars.contains(c);
        if !password.chars().all(is_allowed) {
            return Err(PolicyViolation::PasswordCharacter);
        }
        if password.chars().filter(|c| !c.is_ascii_alphabetic()).count() < self.min_non_letters {
            return Err(PolicyViolation::PasswordNonLetters { min: self.min_non_letters });
        }
        if !username.is_empty() && password.to_lowercase().contains(username) {
            return Err(PolicyViolation::PasswordContainsUsername);
        }
        if password != confirmation {
            return Err(PolicyViolation::PasswordMismatch);
        }
        Ok(())
    }
}

/// How a typed username is compared: trimmed and lower-cased (usernames are a-z0-9).
pub fn normalize_username(input: &str) -> String {
    input.trim().to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy::from_settings(&PasswordSettings::default())
    }

    #[test]
    fn a_username_of_lowercase_letters_and_digits_within_bounds_is_accepted() {
        assert_eq!(policy().check_username("janpeeters"), Ok(()));
        assert_eq!(policy().check_username("a1b2c3d4"), Ok(()));
    }

    #[test]
    fn each_username_rule_is_named() {
        let p = policy();
        assert_eq!(p.check_username("jan"), Err(PolicyViolation::UsernameLength { min: 8, max: 30 }));
        assert_eq!(
            p.check_username(&"a".repeat(31)),
            Err(PolicyViolation::UsernameLength { min: 8, max: 30 })
        );
        assert_eq!(p.check_username("Janpeeters"), Err(PolicyViolation::UsernameCharacters));
        assert_eq!(p.check_username("jan peeters"), Err(PolicyViolation::UsernameCharacters));
        assert_eq!(p.check_username("jan.peeters"), Err(PolicyViolation::UsernameCharacters));
    }

    #[test]
    fn each_password_rule_is_named() {
        let p = policy();
        let check = |pw: &str| p.check_password(pw, pw, "janpeeters");
        assert_eq!(check("Poort-demo-2026"), Ok(()));
        assert_eq!(check("Ab1-"), Err(PolicyViolation::PasswordTooShort { min: 10 }));
        assert_eq!(
            check(&format!("{}1-", "a".repeat(127))),
            Err(PolicyViolation::PasswordTooLong { max: 128 })
        );
        assert_eq!(check("Poort demo 2026"), Err(PolicyViolation::PasswordSpace));
        assert_eq!(check("Poort~demo~2026"), Err(PolicyViolation::PasswordCharacter));
        assert_eq!(check("Poortdemoxx1"), Err(PolicyViolation::PasswordNonLetters { min: 2 }));
        assert_eq!(check("janpeeters-12"), Err(PolicyViolation::PasswordContainsUsername));
        assert_eq!(
            p.check_password("Poort-demo-2026", "Poort-demo-2027", ""),
            Err(PolicyViolation::PasswordMismatch)
        );
    }

    #[test]
    fn a_long_password_beyond_the_seeds_fifteen_characters_is_accepted() {
        let pw = "correct-horse-battery-staple-42";
        assert_eq!(policy().check_password(pw, pw, "janpeeters"), Ok(()));
    }

    #[test]
    fn every_special_character_of_the_seed_is_allowed() {
        let pw = format!("Abcdefgh{}", super::super::settings::SEED_SPECIAL_CHARS);
        assert_eq!(policy().check_password(&pw, &pw, ""), Ok(()));
    }
}
