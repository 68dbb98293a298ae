use super::*;
use proptest::prelude::*;
use time::macros::date;

use NationalNumberError as E;

#[test]
fn every_accepted_spelling_gives_the_same_number() {
    for input in ["85073003328", "850730 033 28", "85.07.30-033.28", " 85 07 30 033 28 "] {
        let number = NationalNumber::parse(input).unwrap();
        assert_eq!(number.as_str(), "85073003328", "{input}");
        assert_eq!(number.to_string(), "85.07.30-033.28", "{input}");
    }
}

#[test]
fn invalid_numbers_name_the_rule_that_failed() {
    let table: &[(&str, E)] = &[
        ("8507300332", E::Length { found: 10 }),
        ("850730033280", E::Length { found: 12 }),
        ("", E::Length { found: 0 }),
        ("85O73003328", E::Character { found: 'O' }),
        ("85/07/30 033 28", E::Character { found: '/' }),
        ("85073003329", E::CheckDigits),
        ("85131303328", E::Month { month: 13 }),
        ("85620103328", E::Month { month: 62 }),
        ("85073203328", E::Day { day: 32 }),
        ("85073000028", E::Serial { serial: 0 }),
        ("85073099928", E::Serial { serial: 999 }),
        // 30 February 1985, with correct check digits.
        ("85023003390", E::Date { year: 1985, month: 2, day: 30 }),
        // Born 2003: the number only validates with the 2-prefix, so the
        // plain rule's digits are wrong.
        ("03021716219", E::CheckDigits),
    ];
    for (input, expected) in table {
        assert_eq!(NationalNumber::parse(input).as_ref(), Err(expected), "{input}");
    }
}

#[test]
fn error_codes_are_stable_translation_keys() {
    assert_eq!(E::Length { found: 3 }.code(), "national_number.length");
    assert_eq!(E::CheckDigits.code(), "national_number.check_digits");
    assert_eq!(E::Month { month: 13 }.code(), "national_number.month");
    assert_eq!(E::Month { month: 13 }.to_string(), "month 13 is not a valid birth month");
    assert_eq!(E::CheckDigits.to_string(), "check digits do not match");
}

#[test]
fn a_person_born_in_2000_or_later_validates_with_the_2_prefix() {
    let number = NationalNumber::parse("03.02.17-162.16").unwrap();
    assert_eq!(number.birth_date(), Some(date!(2003 - 02 - 17)));
    assert_eq!(number.sex(), Some(Sex::Female));
    let first_day = NationalNumber::parse("01010100126").unwrap();
    assert_eq!(first_day.birth_date(), Some(date!(2001 - 01 - 01)));
}

#[test]
fn a_register_number_knows_birth_date_and_sex() {
    let number = NationalNumber::parse("85073003328").unwrap();
    assert_eq!(number.kind(), NumberKind::Register);
    assert_eq!(number.birth_date(), Some(date!(1985 - 07 - 30)));
    assert_eq!(number.sex(), Some(Sex::Male));
}

#[test]
fn a_bis_number_with_month_plus_40_knows_the_sex() {
    let number = NationalNumber::parse("80.42.29-002.35").unwrap();
    assert_eq!(number.kind(), NumberKind::Bis { is_sex_known: true });
    assert_eq!(number.sex(), Some(Sex::Female));
    assert_eq!(number.birth_date(), Some(date!(1980 - 02 - 29)));
}

#[test]
fn a_bis_number_with_month_plus_20_does_not_know_the_sex() {
    let number = NationalNumber::parse("99.32.31-500.97").unwrap();
    assert_eq!(number.kind(), NumberKind::Bis { is_sex_known: false });
    assert_eq!(number.sex(), None);
    assert_eq!(number.birth_date(), Some(date!(1999 - 12 - 31)));
}

#[test]
fn an_unknown_birth_month_and_day_are_allowed_but_give_no_birth_date() {
    // 1950, month and day unknown, serial 123.
    let check = 97 - 500_000_123 % 97;
    let number = NationalNumber::parse(&format!("500000123{check:02}")).unwrap();
    assert_eq!(number.birth_date(), None);
    assert_eq!(number.kind(), NumberKind::Register);
    assert_eq!(number.sex(), Some(Sex::Male));
}

#[test]
fn masked_and_debug_forms_hide_serial_and_check_digits() {
    let number = NationalNumber::parse("85073003328").unwrap();
    assert_eq!(number.masked(), "85.07.30-***.**");
    let debug = format!("{number:?}");
    assert_eq!(debug, "NationalNumber(85.07.30-***.**)");
    assert!(!debug.contains("033"));
}

#[test]
fn from_parts_computes_check_digits_for_each_kind() {
    let cases = [
        (date!(1978 - 03 - 14), 123, None, "78031412349"),
        (date!(2003 - 02 - 17), 162, None, "03021716216"),
        (date!(1970 - 09 - 05), 17, Some(BisKind::SexKnown), "70490501794"),
        (date!(1994 - 04 - 08), 5, Some(BisKind::SexUnknown), "94240800554"),
    ];
    for (birth, serial, bis, expected) in cases {
        let number = NationalNumber::from_parts(birth, serial, bis).unwrap();
        assert_eq!(number.as_str(), expected);
        assert_eq!(number.birth_date(), Some(birth));
    }
}

#[test]
fn from_parts_refuses_what_cannot_be_encoded() {
    assert_eq!(NationalNumber::from_parts(date!(1899 - 12 - 31), 1, None), Err(E::BirthYear { year: 1899 }));
    assert_eq!(NationalNumber::from_parts(date!(1985 - 07 - 30), 999, None), Err(E::Serial { serial: 999 }));
}

#[test]
fn serde_uses_the_canonical_digits_and_parses_on_the_way_in() {
    let number = NationalNumber::parse("85.07.30-033.28").unwrap();
    assert_eq!(serde_json::to_string(&number).unwrap(), "\"85073003328\"");
    let back: NationalNumber = serde_json::from_str("\"850730 033 28\"").unwrap();
    assert_eq!(back, number);
    assert!(serde_json::from_str::<NationalNumber>("\"85073003329\"").is_err());
    assert_eq!("85073003328".parse::<NationalNumber>().unwrap(), number);
}

fn valid_numbers() -> impl Strategy<Value = NationalNumber> {
    let bis = prop_oneof![Just(None), Just(Some(BisKind::SexUnknown)), Just(Some(BisKind::SexKnown))];
    (1900i32..=2099, 1u8..=12, 1u8..=28, 1u16..=998, bis).prop_map(|(year, month, day, serial, bis)| {
        let month = Month::try_from(month).unwrap();
        let birth = Date::from_calendar_date(year, month, day).unwrap();
        NationalNumber::from_parts(birth, serial, bis).unwrap()
    })
}

proptest! {
    #[test]
    fn display_and_canonical_forms_parse_back_to_the_same_number(number in valid_numbers()) {
        prop_assert_eq!(&NationalNumber::parse(&number.to_string()).unwrap(), &number);
        prop_assert_eq!(&NationalNumber::parse(number.as_str()).unwrap(), &number);
        prop_assert!(number.birth_date().is_some());
    }

    #[test]
    fn changing_one_check_digit_is_always_detected(number in valid_numbers(), delta in 1u64..=9) {
        let digits = number.as_str();
        let last = digits::value(&digits[10..11]);
        let changed = format!("{}{}", &digits[..10], (last + delta) % 10);
        // Either the check fails, or (rarely) the changed digits happen to be
        // valid for the other century, which moves the birth date 100 years.
        match NationalNumber::parse(&changed) {
            Err(E::CheckDigits) | Err(E::Date { .. }) => {}
            Ok(other) => prop_assert_ne!(other.birth_date(), number.birth_date()),
            Err(other) => prop_assert!(false, "unexpected error {other:?}"),
        }
    }
}
