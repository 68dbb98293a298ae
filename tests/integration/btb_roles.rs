//! Every role × every BTB action × own / other enterprise, over HTTP (the API with each
//! person's `btb:manage` token, the back office's page): exactly the allowed cells succeed.
//! The same table as `access::btb::rules_table`, on the real application.

use serde_json::json;

use crate::btb_support::*;
use crate::helpers::TestApp;

const THOMAS: &str = "75.10.30-059.07";
const CLINIC_N: &str = "0410561210";
const IATREION_N: &str = "0474603083";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    LegalRepresentative,
    Head,
    CoHead,
    ManagerOfFinance,
    ManagerOfHealthCare,
    Employee,
    Stranger,
    BackOffice,
    SuspendedHead,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    View,
    AddCoHead,
    AddManagerFinance,
    AddManagerHealthCare,
    SetFinanceEmail,
    BackOfficeQueue,
    Designate,
}

/// Who plays the role, and on which enterprise they hold it ("own") and not ("other").
fn cast(role: Role) -> (&'static str, &'static str, &'static str) {
    match role {
        Role::LegalRepresentative => (MARIE, CLINIC_N, IATREION_N),
        Role::Head => (CAMILLE, CLINIC_N, IATREION_N),
        Role::CoHead => (EMMA, CLINIC_N, IATREION_N),
        Role::ManagerOfFinance => (NATHALIE, CLINIC_N, IATREION_N),
        Role::ManagerOfHealthCare => (LUKAS, CLINIC_N, IATREION_N),
        Role::Employee => (BRAM, IATREION_N, CLINIC_N),
        Role::Stranger => (THOMAS, CLINIC_N, IATREION_N),
        Role::BackOffice => (GEERT, CLINIC_N, IATREION_N),
        Role::SuspendedHead => (SOFIE, IATREION_N, CLINIC_N),
    }
}

fn allowed(role: Role, act: Act, own: bool) -> bool {
    use Act::*;
    match (role, act) {
        (Role::BackOffice, BackOfficeQueue) => true,
        _ if !own => false,
        (Role::LegalRepresentative, Designate) => true,
        (
            Role::Head | Role::CoHead,
            View | AddCoHead | AddManagerFinance | AddManagerHealthCare | SetFinanceEmail,
        ) => true,
        (Role::ManagerOfFinance, View | AddManagerFinance | SetFinanceEmail) => true,
        (Role::ManagerOfHealthCare, View | AddManagerHealthCare) => true,
        _ => false,
    }
}

/// Runs one cell; `true` when it succeeded. Successful additions are undone at once, so
/// every cell starts from the same state.
async fn run(app: &TestApp, token: &str, browser: &reqwest::Client, act: Act, enterprise: &str) -> bool {
    let base = format!("/api/btb/v1/enterprises/{enterprise}");
    // A co-head must belong to the enterprise: its legal representative.
    let co_head = if enterprise == CLINIC_N { "70490501794" } else { "78031412349" };
    let (status, body) = match act {
        Act::View => api(app, "GET", &base, token, None).await,
        Act::AddCoHead => {
            let r = api(
                app,
                "POST",
                &format!("{base}/co-heads"),
                token,
                Some(json!({"national_number": co_head})),
            )
            .await;
            if r.0 == 201 {
                let (undo, _) = api(app, "DELETE", &format!("{base}/co-heads/{co_head}"), token, None).await;
                assert_eq!(undo, 204);
            }
            r
        }
        Act::AddManagerFinance | Act::AddManagerHealthCare => {
            let domain = if act == Act::AddManagerFinance { "finance" } else { "health_care" };
            let path = format!("{base}/domains/{domain}/access-managers");
            let r = api(app, "POST", &path, token, Some(json!({"national_number": "86052707781"}))).await;
            if r.0 == 201 {
                let (undo, _) = api(app, "DELETE", &format!("{path}/86052707781"), token, None).await;
                assert_eq!(undo, 204);
            }
            r
        }
        Act::SetFinanceEmail => {
            api(
                app,
                "PUT",
                &format!("{base}/domains/finance/email"),
                token,
                Some(json!({"email": "f@example.be"})),
            )
            .await
        }
        Act::BackOfficeQueue => {
            let resp = browser.get(app.url("/backoffice")).send().await.expect("GET");
            (resp.status().as_u16(), serde_json::Value::Null)
        }
        Act::Designate => {
            let body = json!({"head": "self", "enterprise_email": "d@example.be", "terms_accepted": true});
            api(app, "POST", &format!("{base}/designation"), token, Some(body)).await
        }
    };
    assert!(status < 500, "{act:?} on {enterprise}: {status} {body}");
    (200..300).contains(&status)
}

#[tokio::test]
async fn exactly_the_allowed_cells_of_every_role_action_and_enterprise_succeed_over_http() {
    let app = btb_app().await;
    let store = app.state.store();
    // The cast. The clinic: Marie (its legal representative, head in the demo data)
    // designates Camille head and so holds no role any more; Camille makes Emma co-head,
    // Nathalie finance manager and Lukas health-care manager. IATREION: registered with
    // Sofie head, whose employment then ends (suspended). Geert: the back office.
    let marie = person_token(&app, MARIE, 450).await;
    let base = format!("/api/btb/v1/enterprises/{CLINIC_N}");
    let body = json!({"head": {"national_number": CAMILLE, "email": "c@rembertus.example", "phone": "+32 50 12 34 56"},
        "requester": {"email": "m@rembertus.example", "phone": "+32 50 12 34 57"}, "enterprise_email": "d@rembertus.example", "terms_accepted": true});
    assert_eq!(api(&app, "POST", &format!("{base}/designation"), &marie, Some(body)).await.0, 201);
    let camille = person_token(&app, CAMILLE, 450).await;
    assert_eq!(
        api(&app, "POST", &format!("{base}/co-heads"), &camille, Some(json!({"national_number": EMMA})))
            .await
            .0,
        201
    );
    let (s, _) = api(
        &app,
        "POST",
        &format!("{base}/domains/finance/access-managers"),
        &camille,
        Some(json!({"national_number": NATHALIE})),
    )
    .await;
    assert_eq!(s, 201);
    let (s, _) = api(
        &app,
        "POST",
        &format!("{base}/domains/health_care/access-managers"),
        &camille,
        Some(json!({"national_number": LUKAS})),
    )
    .await;
    assert_eq!(s, 201);
    let jan = person_token(&app, JAN, 450).await;
    let body = json!({"head": {"national_number": SOFIE, "email": "s@iatreion.example", "phone": "+32 50 12 34 56"},
        "requester": {"email": "j@iatreion.example", "phone": "+32 50 12 34 57"}, "enterprise_email": "d@iatreion.example", "terms_accepted": true});
    assert_eq!(
        api(&app, "POST", &format!("/api/btb/v1/enterprises/{IATREION_N}/designation"), &jan, Some(body))
            .await
            .0,
        201
    );
    let dir = tempfile::tempdir().expect("tmp");
    for name in ["persons.csv", "enterprises.csv", "representatives.csv", "employments.csv"] {
        let text =
            std::fs::read_to_string(crate::helpers::repo_path(&format!("config/demo/registry/{name}")))
                .expect("read");
        let text = text.replace(
            "90.11.02-246.12,0474.603.083,2015-09-01,",
            "90.11.02-246.12,0474.603.083,2015-09-01,2021-12-31",
        );
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    poort::store::registry_import::load_files_into(store, dir.path()).await.expect("import");
    assert_eq!(
        app.state.btb().review_lifecycle().await.expect("review").suspended,
        1,
        "Sofie's role is suspended"
    );
    poort::access::admin::grant_back_office(store, GEERT).await.expect("grant");

    let roles = [
        Role::LegalRepresentative,
        Role::Head,
        Role::CoHead,
        Role::ManagerOfFinance,
        Role::ManagerOfHealthCare,
        Role::Employee,
        Role::Stranger,
        Role::BackOffice,
        Role::SuspendedHead,
    ];
    let mut players = Vec::new();
    for role in roles {
        let (person, _, _) = cast(role);
        players.push((role, person_token(&app, person, 450).await, browser(&app, person, 450).await));
    }
    // Designation last: the one allowed cell changes the clinic's head.
    let acts = [
        Act::View,
        Act::AddCoHead,
        Act::AddManagerFinance,
        Act::AddManagerHealthCare,
        Act::SetFinanceEmail,
        Act::BackOfficeQueue,
        Act::Designate,
    ];
    let mut cells = 0;
    let mut wrong = Vec::new();
    for act in acts {
        for (role, token, browser) in &players {
            let (_, own, other) = cast(*role);
            for (enterprise, is_own) in [(own, true), (other, false)] {
                let succeeded = run(&app, token, browser, act, enterprise).await;
                if succeeded != allowed(*role, act, is_own) {
                    wrong.push(format!("{role:?} {act:?} own={is_own}: succeeded={succeeded}"));
                }
                cells += 1;
            }
        }
    }
    assert!(wrong.is_empty(), "cells that did not behave: {wrong:#?}");
    assert_eq!(cells, 9 * 7 * 2);
}
