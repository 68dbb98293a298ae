//! The demo data reproduces seed 001's Heracles set-up for the demo clinic, so a newcomer
//! browses it right after start (README: demo roles).

use crate::btb_support::*;
use crate::helpers::TestApp;
use poort::access::social_security::{SsRoleKind, roles_of};
use poort::domain::NationalNumber;

async fn roles(app: &TestApp, who: &str) -> Vec<poort::access::social_security::SsRole> {
    roles_of(app.state.store(), &NationalNumber::parse(who).expect("number")).await.expect("roles")
}

#[tokio::test]
async fn the_demo_clinic_has_its_mammography_unit_with_a_subdivision_two_sites_and_users_with_functions() {
    let app = TestApp::spawn().await;
    let emma = roles(&app, EMMA).await;
    assert_eq!(emma.len(), 1);
    assert_eq!(emma[0].kind, SsRoleKind::LocalAdmin);
    assert_eq!(emma[0].enterprise_name, "KLINIEK EN MATERNITEIT ST REMBERTUS");
    assert_eq!(emma[0].quality.name, "Mammografische eenheid kankerbevolkingsonderzoek");
    let sofie = roles(&app, SOFIE).await;
    assert_eq!(sofie[0].kind, SsRoleKind::SubdivisionAdmin);
    assert_eq!(sofie[0].subdivision.as_ref().map(|s| s.identifier.as_str()), Some("12817"));
    let camille = roles(&app, CAMILLE).await;
    assert_eq!(camille[0].site.as_ref().map(|s| s.name.as_str()), Some("Campus Torhout"));
    assert_eq!(camille[0].role_codes(), ["app:ehealthbox", "app:heracles", "function:chief_radiologist"]);
    let bram = roles(&app, BRAM).await;
    assert_eq!(bram[0].role_codes(), ["app:heracles", "function:lab_technician"]);
    let jan = roles(&app, JAN).await;
    assert_eq!(jan[0].site.as_ref().map(|s| s.name.as_str()), Some("Campus Brugge"));
    assert_eq!(jan[0].role_codes(), ["app:heracles", "function:administrative_staff"]);
    // Seeding again at the next start changes nothing.
    app.state.social_security().seed_demo().await.expect("seed");
    assert_eq!(roles(&app, CAMILLE).await.len(), 1);
}
