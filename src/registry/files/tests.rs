use std::fs;
use std::path::{Path, PathBuf};

use time::macros::date;

use super::*;
use crate::domain::{EnterpriseNumber, Language, NationalNumber, NumberKind};
use crate::registry::model::{EnterpriseStatus, LegalFunction};

fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("config/demo/registry")
}

fn nn(s: &str) -> NationalNumber {
    NationalNumber::parse(s).unwrap()
}

fn en(s: &str) -> EnterpriseNumber {
    EnterpriseNumber::parse(s).unwrap()
}

/// A registry directory with valid files, then `file` replaced by `content`.
fn dir_with(file: &str, content: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in [PERSONS_FILE, ENTERPRISES_FILE, REPRESENTATIVES_FILE, EMPLOYMENTS_FILE] {
        fs::copy(demo_dir().join(name), dir.path().join(name)).unwrap();
    }
    fs::write(dir.path().join(file), content).unwrap();
    dir
}

fn problems(dir: &tempfile::TempDir) -> Vec<String> {
    load_dir(dir.path()).unwrap_err().problems.iter().map(ToString::to_string).collect()
}

#[test]
fn the_demo_registry_loads_and_validates() {
    let data = load_dir(&demo_dir()).unwrap();
    assert!((10..=14).contains(&data.persons.len()));
    assert_eq!(data.validate(), Ok(()));
}

#[test]
fn jan_peeters_is_the_manager_of_iatreion_today() {
    let data = load_dir(&demo_dir()).unwrap();
    let jan = data.person(&nn("78.03.14-123.49")).unwrap();
    assert_eq!(jan.full_name(), "Jan Peeters");
    assert_eq!(jan.language, Language::Nl);
    assert!(jan.has_belgian_eid);
    let iatreion = en("0474.603.083");
    let today = date!(2025 - 01 - 01);
    let representatives: Vec<_> = data.representatives_on(&iatreion, today).collect();
    assert_eq!(representatives.len(), 1);
    assert_eq!(representatives[0].person, jan.number);
    assert_eq!(representatives[0].function, LegalFunction::Manager);
    assert_eq!(data.enterprise(&iatreion).unwrap().names.display(Language::Fr), "IATREION");
}

#[test]
fn iatreion_has_an_employee_who_can_become_head_access_manager() {
    let data = load_dir(&demo_dir()).unwrap();
    let iatreion = en("0474603083");
    let employees: Vec<_> = data.employees_on(&iatreion, date!(2025 - 01 - 01)).collect();
    assert!(employees.iter().any(|e| e.person == nn("90.11.02-246.12")));
}

#[test]
fn the_clinic_has_a_french_speaking_and_a_foreign_representative_and_a_former_one() {
    let data = load_dir(&demo_dir()).unwrap();
    let clinic = en("0410.561.210");
    let today = date!(2025 - 01 - 01);
    let current: Vec<_> =
        data.representatives_on(&clinic, today).map(|r| data.person(&r.person).unwrap()).collect();
    assert!(current.iter().any(|p| p.language == Language::Fr && p.has_belgian_eid));
    let foreign = current.iter().find(|p| p.nationality != "BE").expect("a foreign representative");
    assert!(matches!(foreign.number.kind(), NumberKind::Bis { .. }));
    assert!(!foreign.has_belgian_eid);
    let former = nn("58.12.01-211.91");
    assert!(current.iter().all(|p| p.number != former));
    assert!(data.representatives.iter().any(|r| r.person == former && r.is_valid_on(date!(2020 - 01 - 01))));
}

#[test]
fn the_third_enterprise_can_only_use_the_exception_procedure() {
    let data = load_dir(&demo_dir()).unwrap();
    let association = en("0798.123.423");
    let representatives: Vec<_> = data.representatives_on(&association, date!(2025 - 01 - 01)).collect();
    assert_eq!(representatives.len(), 1);
    assert!(!data.person(&representatives[0].person).unwrap().has_belgian_eid);
    let names = &data.enterprise(&association).unwrap().names;
    assert_eq!(names.display(Language::De), "Vereinigung Hohes Venn");
    assert_eq!(data.enterprise(&association).unwrap().status, EnterpriseStatus::Active);
}

#[test]
fn the_demo_has_a_post_2000_person_a_german_speaker_and_a_plain_citizen() {
    let data = load_dir(&demo_dir()).unwrap();
    assert!(data.persons.iter().any(|p| p.birth_date.year() >= 2000));
    assert!(data.persons.iter().any(|p| p.language == Language::De));
    let citizen = nn("69.01.23-308.70");
    assert!(data.person(&citizen).is_some());
    assert!(data.representatives.iter().all(|r| r.person != citizen));
    assert!(data.employments.iter().all(|e| e.person != citizen));
    let kinds: Vec<_> = data.persons.iter().map(|p| p.number.kind()).collect();
    assert!(kinds.contains(&NumberKind::Bis { is_sex_known: true }));
    assert!(kinds.contains(&NumberKind::Bis { is_sex_known: false }));
}

#[test]
fn a_bad_national_number_is_reported_with_file_line_and_column() {
    let dir = dir_with(
        PERSONS_FILE,
        "number,first_names,last_name,birth_date,language,has_belgian_eid,nationality\n\
         78.03.14-123.49,Jan,Peeters,1978-03-14,nl,yes,BE\n\
         90.11.02-246.12,Sofie,Claes,1990-11-02,nl,yes,BE\n\
         85.07.30-033.29,Piet,Fout,1985-07-30,nl,yes,BE\n",
    );
    let problems = problems(&dir);
    assert!(
        problems.contains(&"persons.csv line 4, column number: check digits do not match".to_owned()),
        "{problems:?}"
    );
}

#[test]
fn every_bad_value_of_a_file_is_reported_not_only_the_first() {
    let dir = dir_with(
        PERSONS_FILE,
        "number,first_names,last_name,birth_date,language,has_belgian_eid,nationality\n\
         85131303328,,Peeters,1978-13-14,it,maybe,Belgium\n\
         85073003328,Jan,Peeters,1985-07-30,nl,yes,BE\n\
         12345,Jan,Peeters,30-07-1985,nl,yes,BE\n",
    );
    let problems = problems(&dir);
    let expected = [
        "persons.csv line 2, column number: month 13 is not a valid birth month",
        "persons.csv line 2, column first_names: a value is required",
        "persons.csv line 2, column birth_date: '1978-13-14' is not a date in the form YYYY-MM-DD",
        "persons.csv line 2, column language: 'it' is not a supported language (nl, fr, de or en)",
        "persons.csv line 2, column has_belgian_eid: 'maybe' is not yes or no",
        "persons.csv line 2, column nationality: 'Belgium' is not an ISO 3166-1 alpha-2 country code such as BE",
        "persons.csv line 4, column number: the national number must have 11 digits, not 5",
        "persons.csv line 4, column birth_date: '30-07-1985' is not a date in the form YYYY-MM-DD",
    ];
    assert_eq!(problems, expected);
}

#[test]
fn a_missing_or_unknown_column_is_reported_on_the_header_line() {
    let dir = dir_with(EMPLOYMENTS_FILE, "person,enterprise,valid_from,until\n");
    assert_eq!(
        problems(&dir),
        [
            "employments.csv line 1, column valid_until: the column is missing",
            "employments.csv line 1, column until: the column is unknown",
        ]
    );
}

#[test]
fn a_line_with_too_many_fields_is_reported_and_the_rest_still_read() {
    let dir = dir_with(
        EMPLOYMENTS_FILE,
        "person,enterprise,valid_from,valid_until\n\
         90.11.02-246.12,0474.603.083,2015-09-01,,extra\n\
         90.11.02-246.12,0474.603.084,2015-09-01,\n",
    );
    assert_eq!(
        problems(&dir),
        [
            "employments.csv line 2: expected 4 fields, found 5",
            "employments.csv line 3, column enterprise: check digits do not match",
        ]
    );
}

#[test]
fn a_missing_file_is_reported_by_name() {
    let persons = fs::read_to_string(demo_dir().join(PERSONS_FILE)).unwrap();
    let dir = dir_with(PERSONS_FILE, &persons);
    fs::remove_file(dir.path().join(REPRESENTATIVES_FILE)).unwrap();
    let problems = problems(&dir);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("representatives.csv: the file cannot be read"));
}

#[test]
fn a_representative_of_an_unknown_enterprise_is_reported_on_its_line() {
    let dir = dir_with(
        REPRESENTATIVES_FILE,
        "person,enterprise,function,valid_from,valid_until\n\
         78.03.14-123.49,0474.603.083,Zaakvoerder,2004-02-01,\n\
         78.03.14-123.49,0412.345.614,Bestuurder,2004-02-01,2003-01-01\n",
    );
    assert_eq!(
        problems(&dir),
        [
            "representatives.csv line 3, column enterprise: the enterprise is not in the register",
            "representatives.csv line 3, column valid_until: the end date is before the start date",
        ]
    );
}
