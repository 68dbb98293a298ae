//! Social-security access management through the pages (issue 12): the seed-001 set-up for
//! IATREION built form by form in a browser without JavaScript — activate the quality with
//! a local admin, add the subdivision (HCO 12817) with an admin given a username and
//! password, two sites, users with applications and functions — then the list with its
//! filters, the user page's explanation, the CSV export, a refusal and "delete selected".

use poort::access::social_security::roles_of;
use poort::domain::NationalNumber;

use crate::btb_support::*;
use crate::helpers::{TestApp, extract_hidden};
use crate::ss_api::{register_iatreion, ss_app};

const BASE: &str = "/access/enterprises/0474603083/qualities/mammography_unit";

async fn post(
    app: &TestApp,
    b: &reqwest::Client,
    csrf: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut form = vec![("csrf", csrf)];
    form.extend_from_slice(fields);
    b.post(app.url(path)).form(&form).send().await.expect("POST")
}

async fn roles(app: &TestApp, who: &str) -> Vec<poort::access::social_security::SsRole> {
    roles_of(app.state.store(), &NationalNumber::parse(who).expect("number"))
        .await
        .expect("roles")
        .into_iter()
        .filter(|r| r.enterprise.as_str() == "0474603083")
        .collect()
}

#[tokio::test]
async fn the_seed_001_set_up_is_built_through_the_pages() {
    let app = ss_app().await;
    register_iatreion(&app).await;
    let sofie = browser(&app, SOFIE, 400).await;
    let page = sofie.get(app.url("/access/enterprises/0474603083")).send().await.expect("GET");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("body");
    assert!(
        html.contains("Mammografische eenheid kankerbevolkingsonderzoek")
            || html.contains("Mammography unit")
    );
    let csrf = extract_hidden(&html, "csrf").expect("csrf");

    // Activate with a local admin (seed 001 steps 7-10).
    let resp = post(
        &app,
        &sofie,
        &csrf,
        "/access/enterprises/0474603083/qualities",
        &[
            ("quality", "mammography_unit"),
            ("identifier", ""),
            ("email", "me@iatreion.example"),
            ("manage", "appoint"),
            ("admin_national_number", BRAM),
            ("admin_language", "nl"),
            ("admin_email", "bram@iatreion.example"),
            ("admin_applications", "heracles"),
            ("admin_applications", "ehealthbox"),
        ],
    )
    .await;
    assert_eq!(resp.status(), 303);
    assert_eq!(roles(&app, BRAM).await[0].role_codes(), ["ss:local_admin:mammography_unit"]);

    // The subdivision with its admin's username and password (step 3).
    let resp = post(
        &app,
        &sofie,
        &csrf,
        &format!("{BASE}/subdivisions"),
        &[
            ("type", "mammography_unit"),
            ("identifier", "12817"),
            ("name", "ME IATREION"),
            ("email", "me@iatreion.example"),
            ("applications", "heracles"),
            ("applications", "ehealthbox"),
            ("manage", "appoint"),
            ("admin_national_number", NATHALIE),
            ("admin_language", "fr"),
            ("admin_email", "nathalie@iatreion.example"),
            ("username", "nathalie2026"),
            ("username_confirm", "nathalie2026"),
            ("password", "Secret;pass12"),
            ("password_confirm", "Secret;pass12"),
        ],
    )
    .await;
    assert_eq!(resp.status(), 303);
    let account = app.state.store().find_password_account_by_person("69012330870").await.expect("store");
    assert_eq!(account.map(|a| a.username).as_deref(), Some("nathalie2026"));
    let iatreion = poort::domain::EnterpriseNumber::parse("0474603083").expect("number");
    let quality =
        app.state.store().find_ss_quality(&iatreion, "mammography_unit").await.expect("q").expect("active");
    let sub = app.state.store().find_ss_subdivisions(&quality.id).await.expect("subs").remove(0).id;

    // Two sites (step 6), as the subdivision's admin in a browser of her own.
    let nathalie = browser(&app, NATHALIE, 400).await;
    let html = nathalie.get(app.url(BASE)).send().await.expect("GET").text().await.expect("body");
    let csrf_n = extract_hidden(&html, "csrf").expect("csrf");
    for (name, hco, apps) in
        [("Campus A", "12818", vec!["heracles", "ehealthbox"]), ("Campus B", "12819", vec!["heracles"])]
    {
        let mut fields =
            vec![("type", "mammography_unit_site"), ("identifier", hco), ("name", name), ("manage", "none")];
        fields.extend(apps.iter().map(|a| ("applications", *a)));
        let resp = post(&app, &nathalie, &csrf_n, &format!("{BASE}/subdivisions/{sub}/sites"), &fields).await;
        assert_eq!(resp.status(), 303);
    }
    let sites = app.state.store().find_ss_sites(&quality.id).await.expect("sites");
    let (a, b) = (&sites[0].id, &sites[1].id);
    assert_eq!(sites[0].name, "Campus A");

    // Users with applications and functions (steps 4 and 10).
    for (site, who, apps, function) in [
        (a, CAMILLE, vec!["heracles", "ehealthbox"], "chief_radiologist"),
        (a, LUKAS, vec!["heracles"], "lab_technician"),
        (b, GEERT, vec!["heracles"], "administrative_staff"),
    ] {
        let mut fields = vec![("national_number", who), ("functions", function)];
        fields.extend(apps.iter().map(|a| ("applications", *a)));
        let resp =
            post(&app, &nathalie, &csrf_n, &format!("{BASE}/subdivisions/{sub}/sites/{site}/users"), &fields)
                .await;
        assert_eq!(resp.status(), 303);
    }
    assert_eq!(
        roles(&app, CAMILLE).await[0].role_codes(),
        ["app:ehealthbox", "app:heracles", "function:chief_radiologist"]
    );
    assert_eq!(roles(&app, LUKAS).await[0].role_codes(), ["app:heracles", "function:lab_technician"]);
    assert_eq!(roles(&app, GEERT).await[0].role_codes(), ["app:heracles", "function:administrative_staff"]);
    // A refusal: eHealthBox is not enabled on campus B.
    let resp = post(
        &app,
        &nathalie,
        &csrf_n,
        &format!("{BASE}/subdivisions/{sub}/sites/{b}/users"),
        &[("national_number", JAN), ("applications", "ehealthbox")],
    )
    .await;
    assert_eq!(resp.status(), 403);

    // The list with a filter, the user page's explanation, the CSV export.
    let html = sofie
        .get(app.url(&format!("{BASE}?type=USER")))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert_eq!(html.matches("name=\"grant\"").count(), 3, "three users");
    let lukas = app
        .state
        .store()
        .find_ss_grants_of_quality(&quality.id)
        .await
        .expect("grants")
        .into_iter()
        .find(|g| g.last_name == "Schmitz")
        .expect("Lukas")
        .grant_id;
    let html = sofie
        .get(app.url(&format!("{BASE}/users/{lukas}")))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(html.contains('✗') && html.contains('✓'), "the troubleshooting list");
    let resp = sofie.get(app.url(&format!("{BASE}/users.csv"))).send().await.expect("GET");
    assert_eq!(resp.status(), 200);
    let csv = resp.text().await.expect("csv");
    assert_eq!(csv.lines().count(), 1 + 5, "{csv}");

    // Delete selected.
    let resp = post(&app, &sofie, &csrf, &format!("{BASE}/users/remove"), &[("grant", lukas.as_str())]).await;
    assert_eq!(resp.status(), 303);
    assert!(roles(&app, LUKAS).await.is_empty());
    // A site user may not open the page.
    let geert = browser(&app, GEERT, 400).await;
    assert_eq!(geert.get(app.url(BASE)).send().await.expect("GET").status(), 403);
}
