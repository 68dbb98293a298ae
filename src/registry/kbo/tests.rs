use std::fs;
use std::path::{Path, PathBuf};

use time::macros::date;

use super::*;
use crate::domain::{EnterpriseNumber, Language};
use crate::registry::model::EnterpriseStatus;

fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("config/demo/kbo-sample")
}

fn find<'a>(import: &'a KboImport, number: &str) -> &'a Enterprise {
    let number = EnterpriseNumber::parse(number).unwrap();
    import.enterprises.iter().find(|e| e.number == number).unwrap()
}

/// The sample directory with `file` replaced by `content`.
fn dir_with(file: &str, content: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in [ENTERPRISE_FILE, DENOMINATION_FILE, ADDRESS_FILE] {
        fs::copy(sample_dir().join(name), dir.path().join(name)).unwrap();
    }
    fs::write(dir.path().join(file), content).unwrap();
    dir
}

#[test]
fn the_sample_gives_the_demo_enterprises_with_name_form_address_and_start_date() {
    let import = read_dir(&sample_dir()).unwrap();
    assert_eq!(import.enterprises.len(), 7);

    let iatreion = find(&import, "0474.603.083");
    assert_eq!(iatreion.names.get(Language::Nl), Some("IATREION"));
    // JuridicalForm 015 (BVBA) is read as JuridicalFormCAC 610 (BV).
    assert_eq!(iatreion.legal_form, "BV");
    assert_eq!(iatreion.status, EnterpriseStatus::Active);
    assert_eq!(iatreion.start_date, Some(date!(2001 - 03 - 22)));
    let address = iatreion.address.as_ref().unwrap();
    assert_eq!(address.street, "Koningin Astridlaan");
    assert_eq!(address.box_number.as_deref(), Some("2"));
    assert_eq!(address.country, "BE");

    let clinic = find(&import, "0410.561.210");
    assert_eq!(clinic.names.display(Language::Fr), "KLINIEK EN MATERNITEIT ST REMBERTUS");
    assert_eq!(clinic.legal_form, "VZW");
    assert_eq!(clinic.address.as_ref().unwrap().municipality, "Torhout");
}

#[test]
fn names_in_several_languages_are_kept_per_language() {
    let import = read_dir(&sample_dir()).unwrap();
    let association = find(&import, "0798.123.423");
    assert_eq!(association.names.get(Language::Nl), Some("Vereniging Hoge Venen"));
    assert_eq!(association.names.get(Language::Fr), Some("Association des Hautes Fagnes"));
    assert_eq!(association.names.get(Language::De), Some("Vereinigung Hohes Venn"));
    let english = find(&import, "0456.123.494");
    assert_eq!(english.names.display(Language::Nl), "Northsea Analytics");
    let unknown_language = find(&import, "1002.345.639");
    assert_eq!(unknown_language.names.get(Language::Nl), Some("Agentschap Zorgdata Demo"));
    assert_eq!(unknown_language.legal_form, "Openbare instelling");
}

#[test]
fn a_stopped_enterprise_and_a_foreign_address_are_read() {
    let import = read_dir(&sample_dir()).unwrap();
    assert_eq!(find(&import, "0412.345.614").status, EnterpriseStatus::Stopped);
    let foreign = find(&import, "0456.123.494").address.as_ref().unwrap();
    assert_eq!(foreign.country, "Nederland");
    assert_eq!(foreign.postal_code, "4811 AA");
}

#[test]
fn a_struck_off_address_is_skipped_and_the_current_one_kept() {
    let import = read_dir(&sample_dir()).unwrap();
    let brussels = find(&import, "0421.765.403").address.as_ref().unwrap();
    assert_eq!(brussels.street, "Wetstraat");
    assert_eq!(import.skipped_for(SkipReason::StruckOff), 1);
}

#[test]
fn establishment_units_branches_and_other_names_are_skipped_and_counted() {
    let import = read_dir(&sample_dir()).unwrap();
    assert_eq!(import.skipped_for(SkipReason::EstablishmentUnit), 2);
    assert_eq!(import.skipped_for(SkipReason::BranchOffice), 1);
    assert_eq!(import.skipped_for(SkipReason::NotALegalName), 2);
    assert_eq!(import.skipped_for(SkipReason::NotRegisteredOffice), 0);
    assert!(import.skipped.iter().all(|s| s.count > 0));
}

#[test]
fn an_enterprise_without_a_legal_name_is_left_out_and_counted() {
    let dir = dir_with(
        DENOMINATION_FILE,
        "\"EntityNumber\",\"Language\",\"TypeOfDenomination\",\"Denomination\"\n\
         \"0474.603.083\",\"2\",\"001\",\"IATREION\"\n",
    );
    let import = read_dir(dir.path()).unwrap();
    assert_eq!(import.enterprises.len(), 1);
    assert_eq!(import.skipped_for(SkipReason::NoLegalName), 6);
}

#[test]
fn bad_rows_are_reported_with_file_line_and_column() {
    let dir = dir_with(
        ENTERPRISE_FILE,
        "\"EnterpriseNumber\",\"Status\",\"JuridicalSituation\",\"TypeOfEnterprise\",\"JuridicalForm\",\"JuridicalFormCAC\",\"StartDate\"\n\
         \"0474.603.083\",\"AC\",\"000\",\"2\",\"015\",\"610\",22-03-2001\n\
         \"0474.603.084\",\"XX\",\"000\",\"2\",\"610\",,2001-03-22\n",
    );
    let problems: Vec<String> =
        read_dir(dir.path()).unwrap_err().problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        [
            "enterprise.csv line 3, column EnterpriseNumber: check digits do not match",
            "enterprise.csv line 3, column Status: 'XX' is not a known status (AC or ST)",
            "enterprise.csv line 3, column StartDate: '2001-03-22' is not a date in the form DD-MM-YYYY",
        ]
    );
}

#[test]
fn a_missing_column_and_a_bad_language_code_are_reported() {
    let dir = dir_with(
        DENOMINATION_FILE,
        "\"EntityNumber\",\"Language\",\"TypeOfDenomination\",\"Denomination\"\n\
         \"0474.603.083\",\"7\",\"001\",\"IATREION\"\n\
         \"2.123.456.790\",\"2\",\"003\",\"Sint-Rembertziekenhuis\"\n",
    );
    fs::write(dir.path().join(ADDRESS_FILE), "\"EntityNumber\",\"TypeOfAddress\"\n").unwrap();
    let problems: Vec<String> =
        read_dir(dir.path()).unwrap_err().problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems[0],
        "denomination.csv line 2, column Language: '7' is not a KBO language code (0 to 4)"
    );
    assert_eq!(problems[1], "denomination.csv line 3, column EntityNumber: check digits do not match");
    assert_eq!(problems[2], "address.csv line 1, column CountryNL: the column is missing");
}
