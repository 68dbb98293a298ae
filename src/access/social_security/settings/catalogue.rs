//! The catalogue the seeds show (qualities, their place types, secured applications and
//! functions, names in NL/FR/DE/EN): `[social_security]` when the configuration gives none.

use super::*;

fn app(code: &str, nl: &str, fr: &str, de: &str, en: &str) -> ApplicationSetting {
    ApplicationSetting { code: code.into(), names: names(nl, fr, de, en) }
}

fn function(code: &str, nl: &str, fr: &str, de: &str, en: &str) -> FunctionSetting {
    FunctionSetting { code: code.into(), names: names(nl, fr, de, en) }
}

fn place(code: &str, identifier: IdentifierKind, nl: &str, fr: &str, de: &str, en: &str) -> PlaceType {
    PlaceType { code: code.into(), names: names(nl, fr, de, en), identifier }
}

fn codes(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// The catalogue the seeds show.
pub fn default_catalogue() -> SocialSecuritySettings {
    let health_apps = codes(&["ehealthbox", "ehealth_certificate_manager", "ebmpracticenet", "heracles"]);
    SocialSecuritySettings {
        applications: vec![
            app("heracles", "Heracles", "Heracles", "Heracles", "Heracles"),
            app("ehealthbox", "eHealthBox", "eHealthBox", "eHealthBox", "eHealthBox"),
            app(
                "ehealth_certificate_manager",
                "eHealth Platform Certificate Manager",
                "eHealth Platform Certificate Manager",
                "eHealth Platform Certificate Manager",
                "eHealth Platform Certificate Manager",
            ),
            app("ebmpracticenet", "EBMPracticeNet", "EBMPracticeNet", "EBMPracticeNet", "EBMPracticeNet"),
            app("dimona", "Dimona", "Dimona", "Dimona", "Dimona"),
            app("dmfa", "DmfA", "DmfA", "DmfA", "DmfA"),
        ],
        functions: vec![
            function(
                "chief_radiologist",
                "Hoofdradioloog",
                "Radiologue en chef",
                "Chefradiologe",
                "Chief radiologist",
            ),
            function("radiologist", "Radioloog", "Radiologue", "Radiologe", "Radiologist"),
            function(
                "lab_technician",
                "Laborant",
                "Technologue de laboratoire",
                "Laborant",
                "Lab technician",
            ),
            function(
                "administrative_staff",
                "Administratief medewerker",
                "Personnel administratif",
                "Verwaltungspersonal",
                "Administrative staff",
            ),
        ],
        qualities: vec![
            QualitySetting {
                code: "employer_rsz".into(),
                names: names("Werkgever RSZ", "Employeur ONSS", "Arbeitgeber LSS", "Employer NSSO"),
                domain: "social_security".into(),
                identifier: IdentifierKind::RszNumber,
                subdivision_types: vec![place(
                    "establishment_unit",
                    IdentifierKind::None,
                    "Vestigingseenheid",
                    "Unité d'établissement",
                    "Niederlassungseinheit",
                    "Establishment unit",
                )],
                site_types: vec![],
                applications: codes(&["dimona", "dmfa"]),
                functions: vec![],
                recognised_enterprises: None,
            },
            QualitySetting {
                code: "mammography_unit".into(),
                names: names(
                    "Mammografische eenheid kankerbevolkingsonderzoek",
                    "Unité de mammographie dépistage du cancer",
                    "Mammographieeinheit Krebsfrüherkennung",
                    "Mammography unit for cancer screening",
                ),
                domain: "health_care".into(),
                identifier: IdentifierKind::EnterpriseNumber,
                subdivision_types: vec![place(
                    "mammography_unit",
                    IdentifierKind::HcoNumber,
                    "Mammografische eenheid",
                    "Unité de mammographie",
                    "Mammographieeinheit",
                    "Mammography unit",
                )],
                site_types: vec![place(
                    "mammography_unit_site",
                    IdentifierKind::HcoNumber,
                    "Mammografische eenheid site",
                    "Site d'unité de mammographie",
                    "Standort der Mammographieeinheit",
                    "Mammography unit site",
                )],
                applications: health_apps.clone(),
                functions: codes(&[
                    "chief_radiologist",
                    "radiologist",
                    "lab_technician",
                    "administrative_staff",
                ]),
                recognised_enterprises: None,
            },
            QualitySetting {
                code: "health_care_institution".into(),
                names: names(
                    "Instelling gelinkt aan de gezondheidszorg",
                    "Institution liée aux soins de santé",
                    "Einrichtung im Gesundheitswesen",
                    "Institution linked to health care",
                ),
                domain: "health_care".into(),
                identifier: IdentifierKind::EnterpriseNumber,
                subdivision_types: vec![place(
                    "department",
                    IdentifierKind::HcoNumber,
                    "Afdeling",
                    "Département",
                    "Abteilung",
                    "Department",
                )],
                site_types: vec![place("site", IdentifierKind::None, "Site", "Site", "Standort", "Site")],
                applications: health_apps.clone(),
                functions: vec![],
                recognised_enterprises: None,
            },
            QualitySetting {
                code: "residential_care".into(),
                names: names(
                    "Residentiële zorginstelling",
                    "Institution de soins résidentiels",
                    "Stationäre Pflegeeinrichtung",
                    "Residential care institution",
                ),
                domain: "health_care".into(),
                identifier: IdentifierKind::EnterpriseNumber,
                subdivision_types: vec![place(
                    "residential_care",
                    IdentifierKind::HcoNumber,
                    "Residentiële zorginstelling",
                    "Institution de soins résidentiels",
                    "Stationäre Pflegeeinrichtung",
                    "Residential care institution",
                )],
                site_types: vec![place("site", IdentifierKind::None, "Site", "Site", "Standort", "Site")],
                applications: codes(&["ehealthbox", "ehealth_certificate_manager"]),
                functions: vec![],
                recognised_enterprises: None,
            },
        ],
        page_size: 50,
    }
}
