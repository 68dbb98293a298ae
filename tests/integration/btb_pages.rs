//! BTB through the pages: the standard procedure walked by Jan Peeters for IATREION, its
//! refusals, the enterprise's BTB page (co-heads, access managers, domain e-mails, the
//! audit trail), and "Your entities".

use crate::btb_support::*;
use crate::helpers::{extract_hidden, text_of};

async fn page(b: &reqwest::Client, app: &crate::helpers::TestApp, path: &str) -> (u16, String) {
    let resp = b.get(app.url(path)).send().await.expect("GET");
    (resp.status().as_u16(), text_of(&resp.text().await.expect("body")))
}

async fn post(
    b: &reqwest::Client,
    app: &crate::helpers::TestApp,
    path: &str,
    csrf_from: &str,
    form: &[(&str, &str)],
) -> (u16, String, String) {
    let html = b.get(app.url(csrf_from)).send().await.expect("GET").text().await.expect("body");
    let csrf = extract_hidden(&html, "csrf").expect("csrf");
    let mut fields = vec![("csrf", csrf.as_str())];
    fields.extend_from_slice(form);
    let resp = b.post(app.url(path)).form(&fields).send().await.expect("POST");
    let status = resp.status().as_u16();
    let location =
        resp.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    (status, text_of(&resp.text().await.unwrap_or_default()), location)
}

#[tokio::test]
async fn a_legal_representative_walks_the_standard_procedure_and_designates_an_employee() {
    let app = btb_app().await;
    let jan = browser(&app, JAN, 400).await;
    // Your entities: a representative of an unregistered enterprise may register it.
    let (status, body) = page(&jan, &app, "/my/entities").await;
    assert_eq!(status, 200);
    assert!(body.contains("IATREION") && body.contains("Deze onderneming registreren"), "{body}");
    // Step 1: the number, in an old 9-digit spelling.
    let (status, _, location) =
        post(&jan, &app, "/btb/designate", "/btb/designate", &[("enterprise", "474.603.083")]).await;
    assert_eq!(status, 303);
    assert_eq!(location, "/btb/designate/0474603083");
    let (status, body) = page(&jan, &app, &location).await;
    assert_eq!(status, 200);
    assert!(
        body.contains("IATREION") && body.contains("Koningin Astridlaan"),
        "the register's data are shown"
    );
    let form = [
        ("enterprise_email", "directie@iatreion.example"),
        ("head", "other"),
        ("head_national_number", "90110224612"),
        ("head_email", "sofie.claes@iatreion.example"),
        ("head_phone", "+32 50 12 34 56"),
        ("requester_email", "jan.peeters@iatreion.example"),
        ("requester_phone", "050 12 34 57"),
    ];
    // Step 2: review → the confirmation repeats everything with the terms.
    let mut review = form.to_vec();
    review.push(("step", "review"));
    let (status, body, _) = post(&jan, &app, &location, &location, &review).await;
    assert_eq!(status, 200);
    assert!(
        body.contains("Sofie Claes")
            && body.contains("Activeringsvoorwaarden")
            && body.contains("Ja, ik bevestig")
    );
    // Confirm without ticking the box: refused with its own message.
    let mut confirm = form.to_vec();
    confirm.push(("step", "confirm"));
    let (status, body, _) = post(&jan, &app, &location, &location, &confirm).await;
    assert_eq!(status, 400);
    assert!(body.contains("Vink \"Ja, ik bevestig\" aan"), "{body}");
    confirm.push(("terms", "yes"));
    let (status, body, _) = post(&jan, &app, &location, &location, &confirm).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Hoofdtoegangsbeheerder aangesteld!"));
    // The head and the requester are mailed, in their language.
    assert_eq!(mails_to(&app, "sofie.claes@iatreion.example").await.len(), 1);
    assert_eq!(mails_to(&app, "jan.peeters@iatreion.example").await.len(), 1);
    // Sofie sees her enterprise and its page; Jan (not head) does not get the page.
    let sofie = browser(&app, SOFIE, 400).await;
    let (status, body) = page(&sofie, &app, "/my/entities").await;
    assert_eq!(status, 200);
    assert!(body.contains("Hoofdtoegangsbeheerder"), "{body}");
    let (status, body) = page(&sofie, &app, "/btb/enterprises/0474603083").await;
    assert_eq!(status, 200);
    assert!(
        body.contains("Sofie Claes")
            && body.contains("Gezondheidszorg")
            && body.contains("btb.head_designated")
    );
    let (status, _) = page(&jan, &app, "/btb/enterprises/0474603083").await;
    assert_eq!(status, 403);
    // Jan, still a representative, sees the current head named when he starts again.
    let (_, body) = page(&jan, &app, "/btb/designate/0474603083").await;
    assert!(body.contains("Deze onderneming is al geregistreerd") && body.contains("Sofie Claes"));
}

#[tokio::test]
async fn every_refusal_of_the_standard_procedure_has_its_own_message() {
    let app = btb_app().await;
    let jan = browser(&app, JAN, 400).await;
    let cases = [
        ("12345", 400, "Dit is geen geldig ondernemingsnummer"),
        ("0474.603.084", 400, "Dit is geen geldig ondernemingsnummer"),
        ("0410.561.210", 403, "niet gekend als wettelijk vertegenwoordiger"),
    ];
    for (number, status, text) in cases {
        let (got, body, _) =
            post(&jan, &app, "/btb/designate", "/btb/designate", &[("enterprise", number)]).await;
        assert_eq!(got, status, "{number}");
        assert!(body.contains(text), "{number}: {body}");
    }
    let geert = browser(&app, GEERT, 450).await;
    let (status, body, _) =
        post(&geert, &app, "/btb/designate", "/btb/designate", &[("enterprise", CLINIC)]).await;
    assert_eq!(status, 403);
    assert!(body.contains("functie in deze onderneming is beëindigd"), "{body}");
    // A candidate who is neither employee nor representative; a malformed number, e-mail, phone.
    let path = "/btb/designate/0474603083";
    let base = [
        ("enterprise_email", "directie@iatreion.example"),
        ("head_email", "x@iatreion.example"),
        ("head_phone", "+32 50 12 34 56"),
        ("requester_email", "jan@iatreion.example"),
        ("requester_phone", "+32 50 12 34 57"),
        ("step", "review"),
        ("head", "other"),
    ];
    for (field, value, status, text) in [
        ("head_national_number", NATHALIE, 400, "geen personeelslid en geen wettelijk vertegenwoordiger"),
        ("head_national_number", "90.11.02-246.13", 400, "geen geldig rijksregister"),
        ("head_national_number", "85.07.30-033.28", 404, "niet gekend in het Rijksregister"),
    ] {
        let mut form = base.to_vec();
        form.push((field, value));
        let (got, body, _) = post(&jan, &app, path, path, &form).await;
        assert_eq!(got, status, "{value}");
        assert!(body.contains(text), "{value}: {body}");
    }
    let mut form = base.to_vec();
    form.push(("head_national_number", SOFIE));
    form[0] = ("enterprise_email", "not-an-address");
    let (got, body, _) = post(&jan, &app, path, path, &form).await;
    assert_eq!(got, 400);
    assert!(body.contains("geen geldig e-mailadres"));
    // A weak login is sent to log in again at the required level.
    let weak = browser(&app, JAN, 300).await;
    let (status, _, _) =
        post(&weak, &app, "/btb/designate", "/btb/designate", &[("enterprise", IATREION)]).await;
    assert_eq!(status, 403);
    // Not logged in: to the login page at the required level.
    let anonymous = crate::helpers::TestApp::spawn_client();
    let resp = anonymous.get(app.url("/btb/designate")).send().await.expect("GET");
    assert_eq!(resp.status(), 303);
    assert!(crate::oidc_support::location(&resp).contains("level=400"));
}

#[tokio::test]
async fn the_head_manages_co_heads_access_managers_and_domain_emails_on_the_page() {
    let app = btb_app().await;
    let marie = browser(&app, MARIE, 450).await;
    let path = "/btb/enterprises/0410561210";
    let (status, body) = page(&marie, &app, path).await;
    assert_eq!(status, 200);
    assert!(
        body.contains("Emma Wouters") && body.contains("zorg@rembertus.example"),
        "the demo data: {body}"
    );
    // Add a co-head: the name is shown before confirming.
    let (status, body, _) = post(
        &marie,
        &app,
        &format!("{path}/co-heads"),
        path,
        &[("national_number", "94240800554"), ("step", "lookup")],
    )
    .await;
    assert_eq!((status, body.contains("Camille Martin")), (200, true), "{body}");
    let (status, _, location) = post(
        &marie,
        &app,
        &format!("{path}/co-heads"),
        path,
        &[("national_number", CAMILLE), ("step", "add"), ("email", "camille@rembertus.example")],
    )
    .await;
    assert_eq!(status, 303);
    assert!(location.starts_with(path));
    // A stranger cannot be co-head.
    let (status, body, _) = post(
        &marie,
        &app,
        &format!("{path}/co-heads"),
        path,
        &[("national_number", NATHALIE), ("step", "add")],
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains("geen personeelslid"));
    // Any person of the register can be access manager of a domain.
    let (status, _, _) = post(
        &marie,
        &app,
        &format!("{path}/domains/finance/access-managers"),
        path,
        &[("national_number", NATHALIE), ("step", "add")],
    )
    .await;
    assert_eq!(status, 303);
    let (status, _, _) = post(
        &marie,
        &app,
        &format!("{path}/domains/finance/access-managers"),
        path,
        &[("national_number", NATHALIE), ("step", "add")],
    )
    .await;
    assert_eq!(status, 409, "already holds");
    let (status, _, _) = post(
        &marie,
        &app,
        &format!("{path}/domains/finance/email"),
        path,
        &[("email", "finance@rembertus.example")],
    )
    .await;
    assert_eq!(status, 303);
    let (status, _, _) = post(
        &marie,
        &app,
        &format!("{path}/domains/nowhere/email"),
        path,
        &[("email", "x@rembertus.example")],
    )
    .await;
    assert_eq!(status, 404);
    let (_, body) = page(&marie, &app, path).await;
    assert!(
        body.contains("Camille Martin")
            && body.contains("Nathalie Lefèvre")
            && body.contains("finance@rembertus.example")
    );
    // Emma, access manager of health care only, sees only that domain and no heads.
    let emma = browser(&app, EMMA, 400).await;
    let (status, body) = page(&emma, &app, path).await;
    assert_eq!(status, 200);
    assert!(
        body.contains("Gezondheidszorg") && !body.contains("Financiën") && !body.contains("Camille Martin")
    );
    let (status, _, _) = post(&emma, &app, &format!("{path}/domains/finance/email/remove"), path, &[]).await;
    assert_eq!(status, 403);
    // The co-head can remove the other access manager and the e-mail.
    let camille = browser(&app, CAMILLE, 400).await;
    let (status, _, _) = post(
        &camille,
        &app,
        &format!("{path}/domains/finance/access-managers/remove"),
        path,
        &[("national_number", NATHALIE)],
    )
    .await;
    assert_eq!(status, 303);
    let (status, _, _) =
        post(&camille, &app, &format!("{path}/domains/finance/email/remove"), path, &[]).await;
    assert_eq!(status, 303);
    let (status, _, _) =
        post(&marie, &app, &format!("{path}/co-heads/remove"), path, &[("national_number", CAMILLE)]).await;
    assert_eq!(status, 303);
    let (_, body) = page(&marie, &app, path).await;
    assert!(!body.contains("Camille Martin") && !body.contains("Nathalie Lefèvre"));
    assert!(body.contains("btb.co_head_removed") && body.contains("btb.access_manager_removed"), "the trail");
}
