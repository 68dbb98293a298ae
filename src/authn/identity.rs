//! From what a method says to the identity Poort keeps: a national number must be known
//! to the register; a foreign eIDAS identity is matched to the BIS register by names and
//! birth date, or kept as a foreign identity with a stable subject until linked.

use super::{Authn, AuthnError, IdentityClaim};
use crate::registry::model::Person;
use crate::store::identities::{Identity, NewIdentity};

pub async fn resolve(state: &Authn, claim: &IdentityClaim) -> Result<Identity, AuthnError> {
    let store = state.store();
    match claim {
        IdentityClaim::National { number, .. } => {
            let person = state.registry().find_person(number).await?.ok_or(AuthnError::UnknownPerson)?;
            national_identity(state, &person, None).await
        }
        IdentityClaim::Foreign { eidas_identifier, given_names, surname, birth_date } => {
            if let Some(existing) = store.find_identity_by_eidas_identifier(eidas_identifier).await? {
                return Ok(existing);
            }
            if let Some(birth) = birth_date {
                let candidates = state.registry().persons_born_on(*birth).await?;
                let matches: Vec<&Person> =
                    candidates.iter().filter(|p| names_match(p, given_names, surname)).collect();
                if let [person] = matches.as_slice() {
                    tracing::info!(
                        identity.eidas_country = eidas_identifier.get(..2).unwrap_or("-"),
                        "foreign identity matched to the BIS register"
                    );
                    return national_identity(state, person, Some(eidas_identifier)).await;
                }
            }
            Ok(store
                .create_identity(&NewIdentity {
                    national_number: None,
                    eidas_identifier: Some(eidas_identifier.clone()),
                    given_names: given_names.clone(),
                    surname: surname.clone(),
                    birth_date: *birth_date,
                    language: None,
                })
                .await?)
        }
    }
}

async fn national_identity(
    state: &Authn,
    person: &Person,
    eidas_identifier: Option<&str>,
) -> Result<Identity, AuthnError> {
    let store = state.store();
    match store.find_identity_by_national_number(&person.number).await? {
        Some(identity) => {
            let is_stale = identity.given_names != person.first_names
                || identity.surname != person.last_name
                || (eidas_identifier.is_some() && identity.eidas_identifier.as_deref() != eidas_identifier);
            if is_stale {
                store
                    .update_identity_names(
                        &identity.id,
                        &person.first_names,
                        &person.last_name,
                        eidas_identifier,
                    )
                    .await?;
                return Ok(store.find_identity(&identity.id).await?.unwrap_or(identity));
            }
            Ok(identity)
        }
        None => Ok(store
            .create_identity(&NewIdentity {
                national_number: Some(person.number.clone()),
                eidas_identifier: eidas_identifier.map(str::to_string),
                given_names: person.first_names.clone(),
                surname: person.last_name.clone(),
                birth_date: Some(person.birth_date),
                language: Some(person.language),
            })
            .await?),
    }
}

/// Same surname and same first given name, ignoring case, accents and punctuation.
fn names_match(person: &Person, given_names: &str, surname: &str) -> bool {
    let first = |s: &str| fold(s.split_whitespace().next().unwrap_or_default());
    fold(&person.last_name) == fold(surname) && first(&person.first_names) == first(given_names)
}

fn fold(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            let c = match c {
                'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' | 'À' | 'Á' | 'Â' | 'Ä' | 'Ã' | 'Å' => 'a',
                'ç' | 'Ç' => 'c',
                'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
                'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'i',
                'ñ' | 'Ñ' => 'n',
                'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Ö' | 'Õ' | 'Ø' => 'o',
                'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'u',
                'ý' | 'ÿ' | 'Ý' => 'y',
                other => other,
            };
            c.is_alphanumeric().then(|| c.to_ascii_lowercase())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn names_are_compared_without_case_accents_or_punctuation() {
        assert_eq!(fold("de Vries"), fold("DE VRIES"));
        assert_eq!(fold("Lefèvre"), fold("Lefevre"));
        assert_eq!(fold("Dupont-Lefèvre"), fold("dupont lefevre"));
        assert_ne!(fold("Peeters"), fold("Peters"));
    }
}
