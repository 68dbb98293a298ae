//! Issue 13: the profile a person acts in, and the roles two different clients receive for
//! it. Three clients: one bound to the Finance domain, one to Health care, one general.
//! The demo people hold every BTB role kind (legal representative, head, co-head, access
//! manager of one domain); their tokens are checked claim by claim, in the id_token, at
//! userinfo and at introspection; the chooser's per-client memory; and a role removed
//! between two refreshes.

use serde_json::{Value, json};

use crate::btb_support::*;
use crate::helpers::{TestApp, extract_hidden, text_of};
use crate::oidc_support::{VERIFIER, authorize_path, basic, claims_of, client, location, query_param};

const FIN: &str = "rp-fin";
const CARE: &str = "rp-care";
const GENERAL: &str = "rp-general";
const HERACLES: &str = "rp-heracles";
const SECRET: &str = "profile-rp-secret";
const REDIRECT: &str = "http://127.0.0.1:9/profile-cb";

fn rp(id: &str, binding: &str) -> poort::protocol::oidc::client::Client {
    client(&format!(
        r#"
        id = "{id}"
        name = "{id} application"
        kind = "confidential"
        secret = "{SECRET}"
        auth_method = "client_secret_basic"
        redirect_uris = ["{REDIRECT}"]
        grant_types = ["authorization_code", "refresh_token"]
        scopes = ["openid", "profile", "roles"]
        allowed_claims = ["given_name", "roles", "enterprise_number", "enterprise_name", "chosen_profile"]
        claims_in_id_token = true
        is_first_party = true
        {binding}
        "#
    ))
}

/// The app, with the clinic registered (Marie head, Emma access manager of health care),
/// IATREION registered (Sofie head, Bram co-head, Nathalie access manager of finance) and
/// Nathalie also access manager of finance at the clinic.
async fn app() -> TestApp {
    let app = btb_app_with(|s| {
        s.oidc.clients.extend([
            rp(FIN, r#"domains = ["finance"]"#),
            rp(CARE, r#"domains = ["health_care"]"#),
            rp(GENERAL, ""),
            rp(HERACLES, r#"applications = ["heracles"]"#),
        ])
    })
    .await;
    app.state.btb().seed_demo().await.expect("the demo clinic");
    let jan = person_token(&app, JAN, 450).await;
    let body = json!({
        "head": {"national_number": "90110224612", "email": "sofie@iatreion.example", "phone": "+32 50 12 34 56"},
        "requester": {"email": "jan@iatreion.example", "phone": "+32 50 12 34 57"},
        "enterprise_email": "directie@iatreion.example",
        "terms_accepted": true
    });
    let (status, answer) =
        api(&app, "POST", "/api/btb/v1/enterprises/0474603083/designation", &jan, Some(body)).await;
    assert_eq!(status, 201, "{answer}");
    let sofie = person_token(&app, SOFIE, 400).await;
    let iatreion = "/api/btb/v1/enterprises/0474603083";
    let bram = json!({"national_number": BRAM});
    assert_eq!(api(&app, "POST", &format!("{iatreion}/co-heads"), &sofie, Some(bram)).await.0, 201);
    let nathalie = json!({"national_number": NATHALIE});
    let path = format!("{iatreion}/domains/finance/access-managers");
    assert_eq!(api(&app, "POST", &path, &sofie, Some(nathalie.clone())).await.0, 201);
    let marie = person_token(&app, MARIE, 400).await;
    let path = "/api/btb/v1/enterprises/0410561210/domains/finance/access-managers";
    assert_eq!(api(&app, "POST", path, &marie, Some(nathalie)).await.0, 201);
    app
}

/// What a login gave the client.
struct Issued {
    id_token: Value,
    userinfo: Value,
    introspection: Value,
    refresh_token: String,
    access_token: String,
    /// The chooser's text, when it was shown.
    chooser: Option<String>,
}

/// A login of `person` at `client_id` in `browser` (a fresh one when `None`), answering the
/// chooser with `choose` when it appears (it must appear exactly when `choose` is given).
async fn log_in(
    app: &TestApp,
    browser: Option<&reqwest::Client>,
    client_id: &str,
    person: &str,
    extra: &[(&str, &str)],
    choose: Option<&str>,
) -> Issued {
    let own = TestApp::spawn_client();
    let b = browser.unwrap_or(&own);
    let resp = b
        .get(app.url(&authorize_path(client_id, REDIRECT, "openid profile roles", extra)))
        .send()
        .await
        .expect("GET");
    let mut to = location(&resp);
    if let Some(tx) = to.strip_prefix("/login?tx=") {
        let tx = tx.split('&').next().expect("tx").to_string();
        login(app, b, &tx, person, 450).await;
        to = format!("/authorize/resume?tx={tx}");
    }
    let mut chooser = None;
    for _ in 0..6 {
        if to.starts_with(REDIRECT) {
            break;
        }
        if to.starts_with("/profile/choose") {
            let page = b.get(app.url(&to)).header("accept-language", "en").send().await.expect("GET");
            let html = page.text().await.expect("page");
            let key = choose
                .unwrap_or_else(|| panic!("{person} at {client_id}: unexpected chooser: {}", text_of(&html)));
            let csrf = extract_hidden(&html, "csrf").expect("csrf");
            let tx = extract_hidden(&html, "tx").expect("tx");
            chooser = Some(html);
            let resp = b
                .post(app.url("/profile/choose"))
                .form(&[("csrf", csrf.as_str()), ("tx", tx.as_str()), ("profile", key)])
                .send()
                .await
                .expect("POST");
            assert_eq!(resp.status(), 303, "the choice is taken");
            to = location(&resp);
            continue;
        }
        let resp = b.get(app.url(&to)).send().await.expect("GET");
        assert!(
            resp.status().is_redirection(),
            "{person} at {client_id}: {}",
            resp.text().await.unwrap_or_default()
        );
        to = location(&resp);
    }
    assert_eq!(
        chooser.is_some(),
        choose.is_some(),
        "{person} at {client_id}: the chooser appears iff expected"
    );
    let code = query_param(&to, "code").unwrap_or_else(|| panic!("{person} at {client_id}: no code in {to}"));
    let tokens = token(
        app,
        client_id,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    issued(app, client_id, &tokens, chooser).await
}

async fn token(app: &TestApp, client_id: &str, form: &[(&str, &str)]) -> Value {
    let resp = app
        .client
        .post(app.url("/token"))
        .header("authorization", basic(client_id, SECRET))
        .form(form)
        .send()
        .await
        .expect("POST");
    let status = resp.status().as_u16();
    let mut body: Value = resp.json().await.expect("json");
    body["status"] = json!(status);
    body
}

async fn issued(app: &TestApp, client_id: &str, tokens: &Value, chooser: Option<String>) -> Issued {
    assert_eq!(tokens["status"], 200, "{tokens}");
    let access_token = tokens["access_token"].as_str().expect("access token").to_string();
    let userinfo: Value = app
        .client
        .get(app.url("/userinfo"))
        .bearer_auth(&access_token)
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("json");
    let introspection: Value = app
        .client
        .post(app.url("/introspect"))
        .header("authorization", basic(client_id, SECRET))
        .form(&[("token", access_token.as_str())])
        .send()
        .await
        .expect("POST")
        .json()
        .await
        .expect("json");
    Issued {
        id_token: claims_of(tokens["id_token"].as_str().expect("id_token")),
        userinfo,
        introspection,
        refresh_token: tokens["refresh_token"].as_str().expect("refresh token").to_string(),
        access_token,
        chooser,
    }
}

/// The profile claims of a claim set.
fn profile_of(claims: &Value) -> Value {
    json!({
        "roles": claims["roles"],
        "enterprise_number": claims["enterprise_number"],
        "enterprise_name": claims["enterprise_name"],
        "chosen_profile": claims["chosen_profile"],
    })
}

/// The same profile claims in the id_token, at userinfo and at introspection; returned.
fn consistent(i: &Issued) -> Value {
    let p = profile_of(&i.id_token);
    assert_eq!(profile_of(&i.userinfo), p, "userinfo says what the id_token says");
    assert_eq!(profile_of(&i.introspection), p, "introspection says what the id_token says");
    p
}

fn enterprise(roles: &[&str], number: &str, name: &str) -> Value {
    json!({
        "roles": roles,
        "enterprise_number": number,
        "enterprise_name": name,
        "chosen_profile": {
            "kind": "enterprise",
            "enterprise": {"number": number, "name": name},
            "quality": null, "subdivision": null, "site": null,
            "roles": roles,
            "acting_for": null
        }
    })
}

fn citizen() -> Value {
    json!({
        "roles": null, "enterprise_number": null, "enterprise_name": null,
        "chosen_profile": {"kind": "citizen", "enterprise": null, "quality": null, "subdivision": null, "site": null, "roles": [], "acting_for": null}
    })
}

/// The transaction id in a `…?tx=…` location.
fn tx_of(location: &str) -> String {
    location.split("tx=").nth(1).and_then(|t| t.split('&').next()).expect("a transaction").to_string()
}

const CLINIC_NAME: &str = "KLINIEK EN MATERNITEIT ST REMBERTUS";

#[tokio::test]
async fn each_btb_profile_kind_reaches_two_clients_claim_by_claim() {
    let app = app().await;
    let jan_general = log_in(&app, None, GENERAL, JAN, &[], None).await;
    assert_eq!(
        consistent(&jan_general),
        citizen(),
        "a general client gets the citizen profile without asking"
    );
    let jan_chosen =
        log_in(&app, None, GENERAL, JAN, &[("prompt", "select_account")], Some("0474603083")).await;
    assert_eq!(consistent(&jan_chosen), enterprise(&["legal:manager"], "0474603083", "IATREION"));
    let jan_fin = log_in(&app, None, FIN, JAN, &[], None).await;
    assert_eq!(
        consistent(&jan_fin),
        enterprise(&["legal:manager"], "0474603083", "IATREION"),
        "one profile: taken"
    );

    let marie = ["btb:head_access_manager", "legal:chair_of_the_board"];
    for rp in [CARE, FIN] {
        let m = log_in(&app, None, rp, MARIE, &[], None).await;
        assert_eq!(consistent(&m), enterprise(&marie, "0410561210", CLINIC_NAME), "the head at {rp}");
    }
    let sofie = log_in(&app, None, FIN, SOFIE, &[], None).await;
    assert_eq!(
        consistent(&sofie),
        enterprise(&["btb:head_access_manager", "employment:employee"], "0474603083", "IATREION")
    );
    let bram = log_in(&app, None, FIN, BRAM, &[], None).await;
    assert_eq!(
        consistent(&bram),
        enterprise(&["btb:co_head_access_manager", "employment:employee"], "0474603083", "IATREION")
    );
    // Emma, access manager of health care: the two clients see different roles.
    // Emma is also local admin of the clinic's mammography unit (a health-care quality): two
    // profiles give the health-care client something, so it asks.
    let emma_care = log_in(&app, None, CARE, EMMA, &[], Some("0410561210")).await;
    assert_eq!(
        consistent(&emma_care),
        enterprise(&["btb:access_manager:health_care", "employment:employee"], "0410561210", CLINIC_NAME)
    );
    let emma_fin = log_in(&app, None, FIN, EMMA, &[], None).await;
    assert_eq!(
        consistent(&emma_fin),
        enterprise(&["employment:employee"], "0410561210", CLINIC_NAME),
        "the Finance client does not learn she manages health care"
    );
    assert_eq!(emma_care.id_token["given_name"], "Emma", "the profile scope's claims are there too");
}

#[tokio::test]
async fn the_chooser_remembers_per_client_and_one_clients_choice_never_reaches_another() {
    let app = app().await;
    let browser = TestApp::spawn_client();
    // Nathalie manages finance at two enterprises: the Finance client asks.
    let first = log_in(&app, Some(&browser), FIN, NATHALIE, &[], Some("0410561210")).await;
    let html = first.chooser.as_deref().expect("the chooser");
    assert!(html.contains("In which capacity do you want to log in?"), "{}", text_of(html));
    assert!(
        text_of(html).contains("IATREION (0474.603.083) – Finance – access manager"),
        "{}",
        text_of(html)
    );
    assert!(html.contains("name=\"profile\" value=\"citizen\""), "the citizen profile is offered too");
    assert!(!html.contains("(chosen last time)"), "nothing to remember yet");
    assert_eq!(consistent(&first), enterprise(&["btb:access_manager:finance"], "0410561210", CLINIC_NAME));
    // Single sign-on: the general client gets the citizen profile, not the Finance choice.
    let general = log_in(&app, Some(&browser), GENERAL, NATHALIE, &[], None).await;
    assert_eq!(consistent(&general), citizen(), "no choice leaks from one client to another");
    // The health-care client: no profile of hers gives it anything.
    let care = log_in(&app, Some(&browser), CARE, NATHALIE, &[], None).await;
    assert_eq!(consistent(&care), citizen());
    // Back at Finance: asked again, last choice pre-selected; she now picks IATREION.
    let second = log_in(&app, Some(&browser), FIN, NATHALIE, &[], Some("0474603083")).await;
    let html = second.chooser.as_deref().expect("the chooser");
    let preselected =
        html.split("autofocus").next().and_then(|h| h.rsplit("value=\"").next()).unwrap_or_default();
    assert!(preselected.starts_with("0410561210"), "the clinic is pre-selected: {html}");
    assert_eq!(consistent(&second), enterprise(&["btb:access_manager:finance"], "0474603083", "IATREION"));
    // The first grant still carries the clinic: a refresh keeps the profile it was issued for.
    let refreshed =
        token(&app, FIN, &[("grant_type", "refresh_token"), ("refresh_token", &first.refresh_token)]).await;
    assert_eq!(
        profile_of(&claims_of(refreshed["id_token"].as_str().expect("id_token")))["enterprise_number"],
        "0410561210"
    );
    // A pin narrows to one enterprise: taken without asking.
    let pinned =
        log_in(&app, Some(&browser), FIN, NATHALIE, &[("enterprise_number", "0474.603.083")], None).await;
    assert_eq!(consistent(&pinned)["enterprise_number"], "0474603083");
    let claims_pin = r#"{"id_token":{"enterprise_number":{"value":"0410561210"}}}"#;
    let pinned = log_in(&app, Some(&browser), FIN, NATHALIE, &[("claims", claims_pin)], None).await;
    assert_eq!(consistent(&pinned)["enterprise_number"], "0410561210");
}

#[tokio::test]
async fn a_pin_or_a_forged_answer_never_grants_a_profile_the_person_does_not_hold() {
    let app = app().await;
    // Emma pins IATREION, where she holds nothing: access_denied to the client.
    let b = TestApp::spawn_client();
    let path = authorize_path(CARE, REDIRECT, "openid roles", &[("enterprise_number", "0474603083")]);
    let resp = b.get(app.url(&path)).send().await.expect("GET");
    let tx = location(&resp).trim_start_matches("/login?tx=").to_string();
    login(&app, &b, &tx, EMMA, 450).await;
    let resp = b.get(app.url(&format!("/authorize/resume?tx={tx}"))).send().await.expect("GET");
    let to = location(&resp);
    assert!(to.starts_with(REDIRECT), "{to}");
    assert_eq!(query_param(&to, "error").as_deref(), Some("access_denied"));
    assert!(query_param(&to, "error_description").is_some_and(|d| d.contains("no profile")), "{to}");
    // A malformed pin is refused at the authorization endpoint.
    let path = authorize_path(CARE, REDIRECT, "openid roles", &[("enterprise_number", "0474603084")]);
    let resp = b.get(app.url(&path)).send().await.expect("GET");
    assert_eq!(query_param(&location(&resp), "error").as_deref(), Some("invalid_request"));
    // A forged answer to the chooser: a profile not offered is refused; nothing is issued.
    let path = authorize_path(GENERAL, REDIRECT, "openid roles", &[("prompt", "select_account")]);
    let resp = b.get(app.url(&path)).send().await.expect("GET");
    let tx = tx_of(&location(&resp));
    let resp = b.get(app.url(&format!("/authorize/resume?tx={tx}"))).send().await.expect("GET");
    let chooser = location(&resp);
    assert!(chooser.starts_with("/profile/choose"), "{chooser}");
    let html = b.get(app.url(&chooser)).send().await.expect("GET").text().await.expect("page");
    let csrf = extract_hidden(&html, "csrf").expect("csrf");
    for forged in ["0474603083", "site:x", ""] {
        let resp = b
            .post(app.url("/profile/choose"))
            .form(&[("csrf", csrf.as_str()), ("tx", tx.as_str()), ("profile", forged)])
            .send()
            .await
            .expect("POST");
        assert_eq!(resp.status(), 400, "{forged:?} was not offered");
    }
    // prompt=none with a choice to make: account_selection_required.
    let path = authorize_path(FIN, REDIRECT, "openid roles", &[]);
    let nb = TestApp::spawn_client();
    let resp = nb.get(app.url(&path)).send().await.expect("GET");
    let tx = location(&resp).trim_start_matches("/login?tx=").to_string();
    login(&app, &nb, &tx, NATHALIE, 450).await;
    let resp = nb.get(app.url(&format!("/authorize/resume?tx={tx}"))).send().await.expect("GET");
    assert!(location(&resp).starts_with("/profile/choose"));
    let path = authorize_path(FIN, REDIRECT, "openid roles", &[("prompt", "none")]);
    let resp = nb.get(app.url(&path)).send().await.expect("GET");
    let mut to = location(&resp);
    for _ in 0..3 {
        if to.starts_with(REDIRECT) {
            break;
        }
        to = location(&nb.get(app.url(&to)).send().await.expect("GET"));
    }
    assert_eq!(query_param(&to, "error").as_deref(), Some("account_selection_required"), "{to}");
}

#[tokio::test]
async fn a_role_removed_between_two_refreshes_is_gone_and_a_lost_profile_ends_the_grant() {
    let app = app().await;
    let emma = log_in(&app, None, CARE, EMMA, &[], Some("0410561210")).await;
    let nathalie = log_in(&app, None, FIN, NATHALIE, &[], Some("0410561210")).await;
    let refresh = |rt: String, client: &'static str| {
        let app = &app;
        async move { token(app, client, &[("grant_type", "refresh_token"), ("refresh_token", &rt)]).await }
    };
    let again = refresh(emma.refresh_token.clone(), CARE).await;
    assert_eq!(
        profile_of(&claims_of(again["id_token"].as_str().expect("id_token")))["roles"],
        json!(["btb:access_manager:health_care", "employment:employee"])
    );
    // Marie removes Emma as access manager of health care and Nathalie of finance.
    let marie = person_token(&app, MARIE, 400).await;
    let base = "/api/btb/v1/enterprises/0410561210/domains";
    assert_eq!(
        api(&app, "DELETE", &format!("{base}/health_care/access-managers/03021716216"), &marie, None).await.0,
        204
    );
    assert_eq!(
        api(&app, "DELETE", &format!("{base}/finance/access-managers/69012330870"), &marie, None).await.0,
        204
    );
    // Emma's profile still holds (she is an employee there), without the role.
    let after = refresh(again["refresh_token"].as_str().expect("rt").to_string(), CARE).await;
    assert_eq!(after["status"], 200, "{after}");
    let fresh = issued(&app, CARE, &after, None).await;
    assert_eq!(consistent(&fresh), enterprise(&["employment:employee"], "0410561210", CLINIC_NAME));
    // Nathalie's clinic profile rested on that one role: the refresh fails and the grant ends.
    let lost = refresh(nathalie.refresh_token.clone(), FIN).await;
    assert_eq!(
        (lost["status"].as_u64(), lost["error"].as_str()),
        (Some(400), Some("invalid_grant")),
        "{lost}"
    );
    let i: Value = app
        .client
        .post(app.url("/introspect"))
        .header("authorization", basic(FIN, SECRET))
        .form(&[("token", nathalie.access_token.as_str())])
        .send()
        .await
        .expect("POST")
        .json()
        .await
        .expect("json");
    assert_eq!(i["active"], false, "the grant of the lost profile is revoked: {i}");
}

/// The examples in docs/RELYING_PARTIES.md ("Examples from real tokens"), by name.
fn documented(name: &str) -> Value {
    let doc = std::fs::read_to_string(crate::helpers::repo_path("docs/RELYING_PARTIES.md")).expect("the doc");
    let marker = format!("<!-- example: {name} -->");
    let after = doc.split(&marker).nth(1).unwrap_or_else(|| panic!("no example {name} in the doc"));
    let block = after.split("```json").nth(1).and_then(|b| b.split("```").next()).expect("a json block");
    serde_json::from_str(block).unwrap_or_else(|e| panic!("example {name}: {e}"))
}

#[tokio::test]
async fn the_documented_examples_are_what_clients_receive() {
    let app = app().await;
    let cases = [
        ("jan-general", GENERAL, JAN, None),
        ("jan-finance", FIN, JAN, None),
        ("marie-health-care", CARE, MARIE, None),
        ("bram-finance", FIN, BRAM, None),
        ("emma-health-care", CARE, EMMA, Some("0410561210")),
        ("emma-finance", FIN, EMMA, None),
        ("emma-local-admin", CARE, EMMA, Some("quality:0410561210:mammography_unit")),
        ("camille-heracles", HERACLES, CAMILLE, None),
    ];
    for (name, rp, person, choose) in cases {
        let issued = log_in(&app, None, rp, person, &[], choose).await;
        let mut got = consistent(&issued);
        for place in ["subdivision", "site"] {
            if got["chosen_profile"][place].is_object() {
                got["chosen_profile"][place]["id"] = json!("…");
            }
        }
        assert_eq!(got, documented(name), "the documented example {name}");
    }
}

#[tokio::test]
async fn social_security_profiles_reach_the_clients_of_their_quality_and_applications() {
    let app = app().await;
    // Emma, local admin (Lokale beheerder) of the mammography unit, chooses that profile.
    let emma = log_in(&app, None, CARE, EMMA, &[], Some("quality:0410561210:mammography_unit")).await;
    let html = emma.chooser.as_deref().expect("the chooser");
    assert!(text_of(html).contains("local admin"), "{}", text_of(html));
    let p = consistent(&emma);
    assert_eq!(p["roles"], json!(["ss:local_admin:mammography_unit"]));
    assert_eq!(p["chosen_profile"]["kind"], "enterprise");
    assert_eq!(p["chosen_profile"]["quality"]["code"], "mammography_unit");
    // Sofie, admin of the subdivision (HCO 12817), at the Heracles client: her IATREION
    // head role gives Heracles nothing, so the subdivision profile is taken.
    let sofie = log_in(&app, None, HERACLES, SOFIE, &[], None).await;
    let p = consistent(&sofie);
    let roles = p["roles"].as_array().expect("roles");
    assert!(
        roles.len() == 1 && roles[0].as_str().is_some_and(|r| r.starts_with("ss:subdivision_admin:")),
        "{p}"
    );
    assert_eq!(p["chosen_profile"]["subdivision"]["identifier"], "12817");
    // Camille, chief radiologist at Campus Torhout with Heracles and eHealthBox: the
    // Heracles client sees Heracles and her function, not eHealthBox.
    let camille = log_in(&app, None, HERACLES, CAMILLE, &[], None).await;
    let p = consistent(&camille);
    assert_eq!(p["roles"], json!(["app:heracles", "function:chief_radiologist"]));
    assert_eq!(p["chosen_profile"]["kind"], "site");
    assert!(p["chosen_profile"]["site"]["name"].as_str().is_some_and(|n| n.contains("Torhout")), "{p}");
    // The general client with the chooser: every role of the site profile.
    let general =
        log_in(&app, None, GENERAL, CAMILLE, &[("prompt", "select_account")], Some(&site_key(&camille)))
            .await;
    let p = consistent(&general);
    assert_eq!(p["roles"], json!(["app:ehealthbox", "app:heracles", "function:chief_radiologist"]));
}

/// The `site:<id>` key of the site profile a login received.
fn site_key(i: &Issued) -> String {
    format!("site:{}", i.id_token["chosen_profile"]["site"]["id"].as_str().expect("a site"))
}

#[tokio::test]
async fn my_profiles_lists_the_remembered_choices_and_forgets_one_only_with_its_form() {
    let app = app().await;
    let anonymous = TestApp::spawn_client();
    let resp = anonymous.get(app.url("/my/profiles")).send().await.expect("GET");
    assert!(location(&resp).starts_with("/login"), "log in first");
    let browser = TestApp::spawn_client();
    log_in(&app, Some(&browser), FIN, NATHALIE, &[], Some("0410561210")).await;
    let page = |b: &reqwest::Client| {
        let b = b.clone();
        let url = app.url("/my/profiles");
        async move {
            b.get(url).header("accept-language", "en").send().await.expect("GET").text().await.expect("page")
        }
    };
    let html = page(&browser).await;
    assert!(
        html.contains(FIN) && text_of(&html).contains("KLINIEK EN MATERNITEIT ST REMBERTUS"),
        "{}",
        text_of(&html)
    );
    let refused = browser
        .post(app.url("/my/profiles/forget"))
        .form(&[("relying_party", FIN)])
        .send()
        .await
        .expect("POST");
    assert_eq!(refused.status(), 403, "the form needs its CSRF token");
    assert!(page(&browser).await.contains(FIN), "nothing forgotten");
    let csrf = extract_hidden(&html, "csrf").expect("csrf");
    let done = browser
        .post(app.url("/my/profiles/forget"))
        .form(&[("csrf", csrf.as_str()), ("relying_party", FIN)])
        .send()
        .await
        .expect("POST");
    assert_eq!(done.status(), 303);
    let html = page(&browser).await;
    assert!(!html.contains(&format!("<code>{FIN}</code>")), "forgotten: {}", text_of(&html));
    // Forgotten: the next login at Finance asks with nothing pre-selected.
    let again = log_in(&app, Some(&browser), FIN, NATHALIE, &[], Some("0474603083")).await;
    assert!(!again.chooser.as_deref().unwrap_or_default().contains("(chosen last time)"));
}
