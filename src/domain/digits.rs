//! Shared helpers: strip allowed separators and compute mod-97 check digits.

/// The outcome of reading the digits out of a typed identifier.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Digits {
    /// Only digits and allowed separators: the digits, in order.
    Ok(String),
    /// The first character that is neither a digit nor an allowed separator.
    Forbidden(char),
}

/// Keeps the ASCII digits of `input`, skipping the `separators`; any other
/// character is reported.
pub(crate) fn collect(input: &str, separators: &[char]) -> Digits {
    let mut out = String::with_capacity(input.len());
    for c in input.trim().chars() {
        if c.is_ascii_digit() {
            out.push(c);
        } else if !separators.contains(&c) {
            return Digits::Forbidden(c);
        }
    }
    Digits::Ok(out)
}

/// Parses an ASCII digit string that is known to be short enough for `u64`.
pub(crate) fn value(digits: &str) -> u64 {
    digits.bytes().fold(0u64, |acc, b| acc * 10 + u64::from(b - b'0'))
}

/// `97 - (n mod 97)`: the check of the national number, the enterprise number
/// and the establishment number. Always in `1..=97`.
pub(crate) fn mod97_complement(n: u64) -> u64 {
    97 - n % 97
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_are_skipped_and_other_characters_reported() {
        assert_eq!(collect(" 85.07 30-0", &['.', ' ', '-']), Digits::Ok("8507300".into()));
        assert_eq!(collect("85/07", &['.']), Digits::Forbidden('/'));
    }

    #[test]
    fn the_complement_is_never_zero() {
        assert_eq!(mod97_complement(97), 97);
        assert_eq!(mod97_complement(850730033), 28);
    }
}
