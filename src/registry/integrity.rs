//! The whole register as plain data, and its referential-integrity check.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use time::Date;

use super::model::{Employment, Enterprise, LegalRepresentative, Person};
use crate::domain::{EnterpriseNumber, NationalNumber};

/// Everything the authentic sources say, as loaded from files or a database.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryData {
    pub persons: Vec<Person>,
    pub enterprises: Vec<Enterprise>,
    pub representatives: Vec<LegalRepresentative>,
    pub employments: Vec<Employment>,
}

/// Which list of [`RegistryData`] a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    Person,
    Enterprise,
    Representative,
    Employment,
}

/// A broken rule that spans records.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntegrityRule {
    #[error("this national number appears more than once")]
    DuplicatePerson,
    #[error("this enterprise number appears more than once")]
    DuplicateEnterprise,
    #[error("the birth date does not match the national number")]
    BirthDateMismatch,
    #[error("the person is not in the register")]
    UnknownPerson,
    #[error("the enterprise is not in the register")]
    UnknownEnterprise,
    #[error("the end date is before the start date")]
    EndsBeforeStart,
}

impl IntegrityRule {
    /// Stable key for translations.
    pub fn code(&self) -> &'static str {
        match self {
            Self::DuplicatePerson => "registry.duplicate_person",
            Self::DuplicateEnterprise => "registry.duplicate_enterprise",
            Self::BirthDateMismatch => "registry.birth_date_mismatch",
            Self::UnknownPerson => "registry.unknown_person",
            Self::UnknownEnterprise => "registry.unknown_enterprise",
            Self::EndsBeforeStart => "registry.ends_before_start",
        }
    }

    /// The field the rule is about, named as in the Poort registry files.
    pub fn field(&self) -> &'static str {
        match self {
            Self::DuplicatePerson | Self::DuplicateEnterprise => "number",
            Self::BirthDateMismatch => "birth_date",
            Self::UnknownPerson => "person",
            Self::UnknownEnterprise => "enterprise",
            Self::EndsBeforeStart => "valid_until",
        }
    }
}

/// One integrity problem: which record (by position in its list) broke which rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind:?} record {index}, field {field}: {rule}", field = rule.field())]
pub struct IntegrityProblem {
    pub kind: RecordKind,
    /// Zero-based position in the list of that kind.
    pub index: usize,
    pub rule: IntegrityRule,
}

impl RegistryData {
    /// Checks that numbers are unique, birth dates agree with national
    /// numbers, every representative and employment points at a known person
    /// and enterprise, and periods do not end before they start. Returns every
    /// problem found, in record order.
    pub fn validate(&self) -> Result<(), Vec<IntegrityProblem>> {
        let mut problems = Vec::new();
        let mut push = |kind, index, rule| problems.push(IntegrityProblem { kind, index, rule });

        let mut persons = HashSet::new();
        for (index, person) in self.persons.iter().enumerate() {
            if !persons.insert(&person.number) {
                push(RecordKind::Person, index, IntegrityRule::DuplicatePerson);
            }
            if person.number.birth_date().is_some_and(|d| d != person.birth_date) {
                push(RecordKind::Person, index, IntegrityRule::BirthDateMismatch);
            }
        }
        let mut enterprises = HashSet::new();
        for (index, enterprise) in self.enterprises.iter().enumerate() {
            if !enterprises.insert(&enterprise.number) {
                push(RecordKind::Enterprise, index, IntegrityRule::DuplicateEnterprise);
            }
        }
        let links = self
            .representatives
            .iter()
            .map(|r| (RecordKind::Representative, &r.person, &r.enterprise, r.valid_from, r.valid_until))
            .enumerate()
            .chain(
                self.employments
                    .iter()
                    .map(|e| (RecordKind::Employment, &e.person, &e.enterprise, e.valid_from, e.valid_until))
                    .enumerate(),
            );
        for (index, (kind, person, enterprise, from, until)) in links {
            if !persons.contains(person) {
                push(kind, index, IntegrityRule::UnknownPerson);
            }
            if !enterprises.contains(enterprise) {
                push(kind, index, IntegrityRule::UnknownEnterprise);
            }
            if until.is_some_and(|until| until < from) {
                push(kind, index, IntegrityRule::EndsBeforeStart);
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }

    /// The person with this number.
    pub fn person(&self, number: &NationalNumber) -> Option<&Person> {
        self.persons.iter().find(|p| &p.number == number)
    }

    /// The enterprise with this number.
    pub fn enterprise(&self, number: &EnterpriseNumber) -> Option<&Enterprise> {
        self.enterprises.iter().find(|e| &e.number == number)
    }

    /// The legal representatives of `enterprise` on `date`.
    pub fn representatives_on<'a>(
        &'a self,
        enterprise: &'a EnterpriseNumber,
        date: Date,
    ) -> impl Iterator<Item = &'a LegalRepresentative> + 'a {
        self.representatives.iter().filter(move |r| &r.enterprise == enterprise && r.is_valid_on(date))
    }

    /// The employments at `enterprise` on `date`.
    pub fn employees_on<'a>(
        &'a self,
        enterprise: &'a EnterpriseNumber,
        date: Date,
    ) -> impl Iterator<Item = &'a Employment> + 'a {
        self.employments.iter().filter(move |e| &e.enterprise == enterprise && e.is_valid_on(date))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Language;
    use crate::registry::model::{EnterpriseStatus, LegalFunction, Names};
    use time::macros::date;

    fn person(number: &str, birth: Date) -> Person {
        Person {
            number: NationalNumber::parse(number).unwrap(),
            first_names: "Jan".into(),
            last_name: "Peeters".into(),
            birth_date: birth,
            language: Language::Nl,
            has_belgian_eid: true,
            nationality: "BE".into(),
        }
    }

    fn enterprise(number: &str) -> Enterprise {
        Enterprise {
            number: EnterpriseNumber::parse(number).unwrap(),
            names: Names::new(Language::Nl, "IATREION").unwrap(),
            legal_form: "BV".into(),
            status: EnterpriseStatus::Active,
            address: None,
            start_date: None,
        }
    }

    fn data() -> RegistryData {
        RegistryData {
            persons: vec![person("78031412349", date!(1978 - 03 - 14))],
            enterprises: vec![enterprise("0474603083")],
            representatives: vec![LegalRepresentative {
                person: NationalNumber::parse("78031412349").unwrap(),
                enterprise: EnterpriseNumber::parse("0474603083").unwrap(),
                function: LegalFunction::Manager,
                valid_from: date!(2004 - 01 - 01),
                valid_until: None,
            }],
            employments: vec![],
        }
    }

    #[test]
    fn consistent_data_validates() {
        assert_eq!(data().validate(), Ok(()));
        let data = data();
        let iatreion = EnterpriseNumber::parse("0474603083").unwrap();
        assert_eq!(data.representatives_on(&iatreion, date!(2024 - 01 - 01)).count(), 1);
        assert_eq!(data.representatives_on(&iatreion, date!(2003 - 01 - 01)).count(), 0);
    }

    #[test]
    fn every_problem_is_reported_not_only_the_first() {
        let mut data = data();
        data.persons.push(person("78031412349", date!(1978 - 03 - 15)));
        data.enterprises.push(enterprise("0474.603.083"));
        data.employments.push(Employment {
            person: NationalNumber::parse("85073003328").unwrap(),
            enterprise: EnterpriseNumber::parse("0410561210").unwrap(),
            valid_from: date!(2020 - 01 - 01),
            valid_until: Some(date!(2019 - 12 - 31)),
        });
        let rules: Vec<_> =
            data.validate().unwrap_err().into_iter().map(|p| (p.kind, p.index, p.rule)).collect();
        assert_eq!(
            rules,
            vec![
                (RecordKind::Person, 1, IntegrityRule::DuplicatePerson),
                (RecordKind::Person, 1, IntegrityRule::BirthDateMismatch),
                (RecordKind::Enterprise, 1, IntegrityRule::DuplicateEnterprise),
                (RecordKind::Employment, 0, IntegrityRule::UnknownPerson),
                (RecordKind::Employment, 0, IntegrityRule::UnknownEnterprise),
                (RecordKind::Employment, 0, IntegrityRule::EndsBeforeStart),
            ]
        );
    }
}
