//! Plain identifiers of the Belgian e-government world, parsed once at the edge.
//!
//! Every identifier is a newtype with a private field and a `parse` constructor
//! that checks the format and the check digits and says which rule failed
//! (parse, don't validate). Past the edge, code only handles valid values.
//! Nothing here does I/O. Besides identifiers: levels of assurance, the authentication
//! context of a login, and the profile a person acts in.

mod auth_context;
mod digits;
mod enterprise_number;
mod hco_number;
mod language;
mod loa;
mod national_number;
mod profile;
mod rsz_number;

pub use auth_context::{AuthContext, CertificateFacts};
pub use enterprise_number::{
    EnterpriseNumber, EnterpriseNumberError, EstablishmentNumber, EstablishmentNumberError,
};
pub use hco_number::{HcoNumber, HcoNumberError};
pub use language::{Language, LanguageError};
pub use national_number::{BisKind, NationalNumber, NationalNumberError, NumberKind, Sex};
pub use profile::{Audience, Concern, Place, Profile, Role};
pub use rsz_number::{RszNumber, RszNumberError};

/// Implements `FromStr`, `TryFrom<&str>`, and serde as the canonical string
/// (deserialisation goes through `parse`) for an identifier newtype.
macro_rules! string_identifier {
    ($ty:ty, $err:ty) => {
        impl ::std::str::FromStr for $ty {
            type Err = $err;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl TryFrom<&str> for $ty {
            type Error = $err;
            fn try_from(s: &str) -> Result<Self, Self::Error> {
                Self::parse(s)
            }
        }

        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = <::std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Self::parse(&raw).map_err(::serde::de::Error::custom)
            }
        }
    };
}
pub use loa::{AuthLevel, AuthLevelError};
pub(crate) use string_identifier;
