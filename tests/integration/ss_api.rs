//! Social-security access management over the API (issue 12): the seed-001 Heracles set-up
//! built for IATREION (the seed's own enterprise) call by call — designation, quality,
//! subdivision with an HCO number and an admin with username and password, two sites, users
//! with applications and functions — then each user's effective applications and
//! functions, `roles_of`, the explanation, the user list, the CSV export, refusals with
//! their status, removal and the audit trail.

use serde_json::{Value, json};

use crate::btb_support::*;
use crate::helpers::TestApp;

const E: &str = "/api/access/v1/enterprises/0474603083";
const Q: &str = "/api/access/v1/enterprises/0474603083/qualities/mammography_unit";

pub async fn ss_app() -> TestApp {
    btb_app().await
}

async fn token(app: &TestApp, person: &str) -> String {
    person_token_with(app, person, 400, "openid btb:manage access:manage").await
}

fn person(number: &str, apps: &[&str], functions: &[&str]) -> Value {
    json!({ "national_number": number, "language": "nl", "email": "x@iatreion.example", "applications": apps, "functions": functions })
}

/// Registers IATREION in BTB with Sofie Claes as its head (Jan Peeters designates her).
pub async fn register_iatreion(app: &TestApp) {
    let jan = person_token(app, JAN, 450).await;
    let body = json!({
        "head": {"national_number": "90110224612", "email": "sofie@iatreion.example", "phone": "+32 50 12 34 56"},
        "requester": {"email": "jan@iatreion.example", "phone": "+32 50 12 34 57"},
        "enterprise_email": "directie@iatreion.example",
        "terms_accepted": true,
    });
    let (status, _) =
        api(app, "POST", "/api/btb/v1/enterprises/0474603083/designation", &jan, Some(body)).await;
    assert_eq!(status, 201);
}

/// Registers IATREION with Sofie Claes as head and activates the mammography unit with
/// Bram Mertens as local admin; answers Sofie's and Bram's tokens.
pub async fn iatreion_with_quality(app: &TestApp) -> (String, String) {
    register_iatreion(app).await;
    let sofie = token(app, SOFIE).await;
    let activation = json!({
        "quality": "mammography_unit",
        "email": "me@iatreion.example",
        "admin": person(BRAM, &["heracles", "ehealthbox"], &[]),
    });
    let (status, answer) = api(app, "POST", &format!("{E}/qualities"), &sofie, Some(activation)).await;
    assert_eq!(status, 201, "{answer}");
    (sofie, token(app, BRAM).await)
}

fn users_named(tree: &Value) -> Vec<(String, Vec<String>, Vec<String>)> {
    let mut out = Vec::new();
    for sub in tree["subdivisions"].as_array().expect("subdivisions") {
        for site in sub["sites"].as_array().expect("sites") {
            for u in site["users"].as_array().expect("users") {
                let list = |k: &str| {
                    u[k].as_array()
                        .expect("list")
                        .iter()
                        .map(|v| v.as_str().expect("str").to_string())
                        .collect()
                };
                out.push((
                    format!(
                        "{} {}",
                        u["first_name"].as_str().unwrap_or(""),
                        u["last_name"].as_str().unwrap_or("")
                    ),
                    list("effective_applications"),
                    list("functions"),
                ));
            }
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn the_seed_001_set_up_is_built_over_the_api_and_each_user_gets_exactly_their_applications() {
    let app = ss_app().await;
    let (sofie, bram) = iatreion_with_quality(&app).await;

    // The local admin adds the subdivision (HCO 12817) and appoints Nathalie Lefèvre as its
    // admin with a username and password (seed 001 step 3, through the password module).
    let mut admin = person(NATHALIE, &["heracles", "ehealthbox"], &[]);
    admin["username"] = json!("nathalie2026");
    admin["username_confirm"] = json!("nathalie2026");
    admin["password"] = json!("Secret;pass12");
    admin["password_confirm"] = json!("Secret;pass12");
    let sub = json!({
        "type": "mammography_unit", "identifier": "12817", "name": "ME IATREION", "email": "me@iatreion.example",
        "applications": ["heracles", "ehealthbox"], "admin": admin,
    });
    let (status, answer) = api(&app, "POST", &format!("{Q}/subdivisions"), &bram, Some(sub.clone())).await;
    assert_eq!(status, 201, "{answer}");
    let sub_id = answer["id"].as_str().expect("id").to_string();
    let account = app.state.store().find_password_account_by_person("69012330870").await.expect("store");
    assert_eq!(account.map(|a| a.username).as_deref(), Some("nathalie2026"));
    // The same HCO number twice, a malformed one, a type the quality does not allow.
    let (status, answer) = api(&app, "POST", &format!("{Q}/subdivisions"), &bram, Some(sub.clone())).await;
    assert_eq!((status, answer["error"].as_str()), (409, Some("place_exists")));
    let mut bad = sub.clone();
    bad["identifier"] = json!("12a17");
    bad["admin"] = Value::Null;
    let (status, answer) = api(&app, "POST", &format!("{Q}/subdivisions"), &bram, Some(bad.clone())).await;
    assert_eq!((status, answer["error"].as_str()), (400, Some("bad_identifier")));
    bad["identifier"] = json!("12899");
    bad["type"] = json!("department");
    let (status, answer) = api(&app, "POST", &format!("{Q}/subdivisions"), &bram, Some(bad)).await;
    assert_eq!((status, answer["error"].as_str()), (400, Some("unknown_type")));

    // The subdivision admin adds two sites: campus A with Heracles and eHealthBox, campus B
    // with Heracles only.
    let nathalie = token(&app, NATHALIE).await;
    let mut site_ids = Vec::new();
    for (name, hco, apps) in
        [("Campus A", "12818", json!(["heracles", "ehealthbox"])), ("Campus B", "12819", json!(["heracles"]))]
    {
        let body =
            json!({ "type": "mammography_unit_site", "identifier": hco, "name": name, "applications": apps });
        let (status, answer) =
            api(&app, "POST", &format!("{Q}/subdivisions/{sub_id}/sites"), &nathalie, Some(body)).await;
        assert_eq!(status, 201, "{answer}");
        site_ids.push(answer["id"].as_str().expect("id").to_string());
    }
    let (a, b) = (&site_ids[0], &site_ids[1]);

    // Users with applications and functions (seed 001 steps 4 and 10).
    let users = [
        (a, CAMILLE, vec!["heracles", "ehealthbox"], vec!["chief_radiologist"]),
        (a, LUKAS, vec!["heracles"], vec!["lab_technician"]),
        (b, GEERT, vec!["heracles"], vec!["administrative_staff"]),
    ];
    for (site, who, apps, functions) in &users {
        let (status, answer) = api(
            &app,
            "POST",
            &format!("{Q}/subdivisions/{sub_id}/sites/{site}/users"),
            &nathalie,
            Some(person(who, apps, functions)),
        )
        .await;
        assert_eq!(status, 201, "{answer}");
    }
    // Refusals: an application not enabled on campus B, a function of another quality, a
    // function at subdivision level, the same user twice, a co-local admin by a
    // subdivision admin.
    let at_b = format!("{Q}/subdivisions/{sub_id}/sites/{b}/users");
    let cases = [
        (person(JAN, &["ehealthbox"], &[]), 403, "application_not_visible"),
        (person(JAN, &["dimona"], &[]), 403, "application_not_visible"),
        (person(JAN, &["solitaire"], &[]), 400, "unknown_application"),
        (person(JAN, &["heracles"], &["pilot"]), 400, "unknown_function"),
        (person(GEERT, &["heracles"], &[]), 409, "already_holds"),
        (person("00000000000", &["heracles"], &[]), 400, "bad_national_number"),
    ];
    for (body, want, code) in cases {
        let (status, answer) = api(&app, "POST", &at_b, &nathalie, Some(body)).await;
        assert_eq!((status, answer["error"].as_str()), (want, Some(code)));
    }
    let (status, answer) = api(
        &app,
        "POST",
        &format!("{Q}/subdivisions/{sub_id}/admins"),
        &bram,
        Some(person(JAN, &["heracles"], &["radiologist"])),
    )
    .await;
    assert_eq!((status, answer["error"].as_str()), (400, Some("functions_only_at_site")));
    let (status, answer) =
        api(&app, "POST", &format!("{Q}/co-local-admins"), &nathalie, Some(person(JAN, &[], &[]))).await;
    assert_eq!((status, answer["error"].as_str()), (403, Some("not_manager")));

    // The tree: each user's effective applications and functions.
    let (status, tree) = api(&app, "GET", &format!("{Q}/tree"), &sofie, None).await;
    assert_eq!(status, 200);
    assert_eq!(tree["local_admins"][0]["national_number"], "86052707781");
    assert_eq!(tree["subdivisions"][0]["identifier"], "12817");
    assert_eq!(tree["subdivisions"][0]["admins"][0]["username"], "nathalie2026");
    let s = |l: &[&str]| l.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        users_named(&tree),
        vec![
            ("Camille Martin".to_string(), s(&["ehealthbox", "heracles"]), s(&["chief_radiologist"])),
            ("Geert Maes".to_string(), s(&["heracles"]), s(&["administrative_staff"])),
            ("Lukas Schmitz".to_string(), s(&["heracles"]), s(&["lab_technician"])),
        ]
    );

    // roles_of: the profile module's one query.
    let camille = poort::domain::NationalNumber::parse(CAMILLE).expect("number");
    let roles = poort::access::social_security::roles_of(app.state.store(), &camille).await.expect("roles");
    let here: Vec<_> = roles.iter().filter(|r| r.enterprise.as_str() == "0474603083").collect();
    assert_eq!(here.len(), 1);
    assert_eq!(here[0].kind, poort::access::social_security::SsRoleKind::SiteUser);
    assert_eq!(here[0].enterprise_name, "IATREION");
    assert_eq!(here[0].quality.name, "Mammografische eenheid kankerbevolkingsonderzoek");
    assert_eq!(here[0].subdivision.as_ref().map(|s| s.identifier.as_str()), Some("12817"));
    assert_eq!(here[0].site.as_ref().map(|s| s.name.as_str()), Some("Campus A"));
    assert_eq!(here[0].role_codes(), ["app:ehealthbox", "app:heracles", "function:chief_radiologist"]);
    let bram_nn = poort::domain::NationalNumber::parse(BRAM).expect("number");
    let roles = poort::access::social_security::roles_of(app.state.store(), &bram_nn).await.expect("roles");
    let codes: Vec<String> =
        roles.iter().filter(|r| r.enterprise.as_str() == "0474603083").flat_map(|r| r.role_codes()).collect();
    assert_eq!(codes, ["ss:local_admin:mammography_unit"]);

    // Why Lukas has no eHealthBox: enabled at every level, not ticked for him.
    let lukas = tree["subdivisions"][0]["sites"][0]["users"]
        .as_array()
        .expect("users")
        .iter()
        .find(|u| u["last_name"] == "Schmitz")
        .expect("Lukas")["grant_id"]
        .as_str()
        .expect("id")
        .to_string();
    let (status, why) = api(&app, "GET", &format!("{Q}/users/{lukas}/explanation"), &bram, None).await;
    assert_eq!(status, 200);
    let ehealthbox = why["applications"]
        .as_array()
        .expect("list")
        .iter()
        .find(|a| a["application"] == "ehealthbox")
        .expect("ehealthbox");
    assert_eq!(ehealthbox["is_effective"], false);
    assert_eq!(
        ehealthbox["checks"],
        json!([
            ["allowed_by_quality", true],
            ["enabled_on_quality", true],
            ["enabled_on_subdivision", true],
            ["enabled_on_site", true],
            ["ticked_for_user", false]
        ])
    );

    // The user list: filters and paging.
    let (status, list) = api(&app, "GET", &format!("{Q}/users?type=USER"), &bram, None).await;
    assert_eq!((status, list["total"].as_i64()), (200, Some(3)));
    let (_, list) = api(&app, "GET", &format!("{Q}/users?last_name=mar"), &bram, None).await;
    assert_eq!(list["users"][0]["first_name"], "Camille");
    assert_eq!(list["total"], 1);
    let (_, list) = api(&app, "GET", &format!("{Q}/users?application=ehealthbox"), &bram, None).await;
    assert_eq!(list["total"], 3, "Bram, Nathalie and Camille have eHealthBox ticked: {list}");
    let (_, list) = api(&app, "GET", &format!("{Q}/users?username=nathalie"), &bram, None).await;
    assert_eq!((list["total"].as_i64(), list["users"][0]["type"].as_str()), (Some(1), Some("SB")));

    // The CSV export: UTF-8 with a header, every user.
    let resp =
        app.client.get(app.url(&format!("{Q}/users.csv"))).bearer_auth(&bram).send().await.expect("GET");
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"].to_str().expect("type").starts_with("text/csv"));
    let csv = resp.text().await.expect("body");
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("last_name,first_name,username,type,national_number"));
    assert_eq!(lines.len(), 1 + 5, "{csv}");
    assert!(csv.contains("Lefèvre,Nathalie,nathalie2026,SB,69012330870"), "{csv}");

    // Who may not see it: a user, a stranger, another enterprise's head.
    let geert = token(&app, GEERT).await;
    let (status, answer) = api(&app, "GET", &format!("{Q}/tree"), &geert, None).await;
    assert_eq!((status, answer["error"].as_str()), (403, Some("not_manager")));
    let marie = token(&app, MARIE).await;
    let (status, _) = api(&app, "GET", &format!("{Q}/users.csv"), &marie, None).await;
    assert_eq!(status, 403);
    let btb_only = person_token(&app, SOFIE, 400).await;
    let (status, answer) = api(&app, "GET", &format!("{Q}/tree"), &btb_only, None).await;
    assert_eq!((status, answer["error"].as_str()), (403, Some("insufficient_scope")));

    // Removal, then the trail.
    let (status, _) = api(&app, "DELETE", &format!("{Q}/users/{lukas}"), &nathalie, None).await;
    assert_eq!(status, 204);
    let (status, answer) = api(&app, "DELETE", &format!("{Q}/users/{lukas}"), &nathalie, None).await;
    assert_eq!((status, answer["error"].as_str()), (404, Some("not_holder")));
    let report = poort::access::audit::verify(app.state.store()).await.expect("verify");
    assert_eq!(report.problem, None);
    let kinds: Vec<String> = app
        .state
        .store()
        .find_access_audit_after(0, 1000)
        .await
        .expect("trail")
        .into_iter()
        .filter(|r| r.kind.starts_with("ss."))
        .map(|r| r.kind)
        .collect();
    assert!(kinds.contains(&"ss.quality_activated".to_string()));
    assert!(kinds.contains(&"ss.subdivision_added".to_string()));
    // Two sites of the demo clinic (seeded at start), two here.
    assert_eq!(kinds.iter().filter(|k| *k == "ss.site_added").count(), 4, "{kinds:?}");
    assert!(kinds.contains(&"ss.role_removed".to_string()));
}

#[tokio::test]
async fn a_quality_the_enterprise_may_not_activate_gets_the_seeds_refusal_and_the_catalogue_is_served() {
    let app = btb_app_with(|s| {
        if let Some(q) = s.social_security.qualities.iter_mut().find(|q| q.code == "residential_care") {
            q.recognised_enterprises = Some(vec!["0410561210".into()]);
        }
    })
    .await;
    let (sofie, _) = iatreion_with_quality(&app).await;
    let (status, answer) = api(
        &app,
        "POST",
        &format!("{E}/qualities"),
        &sofie,
        Some(json!({"quality": "residential_care", "email": "a@b.example", "admin": "myself"})),
    )
    .await;
    assert_eq!((status, answer["error"].as_str()), (403, Some("quality_not_allowed")));
    assert_eq!(answer["message"], "You may not activate this quality.");
    let (status, answer) = api(
        &app,
        "POST",
        &format!("{E}/qualities"),
        &sofie,
        Some(json!({"quality": "mammography_unit", "email": "a@b.example", "admin": "myself"})),
    )
    .await;
    assert_eq!((status, answer["error"].as_str()), (409, Some("already_active")));
    let (status, answer) = api(&app, "POST", &format!("{E}/qualities"), &sofie, Some(json!({"quality": "employer_rsz", "identifier": "1743295-64", "email": "a@b.example", "admin": "myself"}))).await;
    assert_eq!((status, answer["error"].as_str()), (400, Some("bad_identifier")));
    let (status, answer) = api(&app, "POST", &format!("{E}/qualities"), &sofie, Some(json!({"quality": "employer_rsz", "identifier": "1743295-63", "email": "a@b.example", "admin": "myself"}))).await;
    assert_eq!(status, 201, "{answer}");
    let (status, list) = api(&app, "GET", &format!("{E}/qualities"), &sofie, None).await;
    assert_eq!(status, 200);
    let qualities = list["qualities"].as_array().expect("list");
    let mut codes: Vec<&str> = qualities.iter().filter_map(|q| q["code"].as_str()).collect();
    codes.sort();
    assert_eq!(codes, ["employer_rsz", "mammography_unit"]);
    let rsz = qualities.iter().find(|q| q["code"] == "employer_rsz").expect("employer_rsz");
    assert_eq!(rsz["identifier"], "1743295-63");
    let (status, catalogue) = api(&app, "GET", "/api/access/v1/catalogue", &sofie, None).await;
    assert_eq!(status, 200);
    let mammo = catalogue["qualities"]
        .as_array()
        .expect("list")
        .iter()
        .find(|q| q["code"] == "mammography_unit")
        .expect("quality");
    assert_eq!(mammo["domain"], "health_care");
    assert_eq!(mammo["subdivision_types"][0]["identifier"], "hco_number");
    assert_eq!(
        mammo["functions"],
        json!(["chief_radiologist", "radiologist", "lab_technician", "administrative_staff"])
    );
    let doc: Value =
        app.client.get(app.url("/api/openapi.json")).send().await.expect("GET").json().await.expect("json");
    assert!(
        doc["paths"]["/api/access/v1/enterprises/{number}/qualities/{code}/users.csv"]["get"].is_object()
    );
}
