//! The exception procedure and the back office: a request for Vereniging Hoge Venen (its
//! only representative, Thomas Lambert, has no eID), its ticket and PDF, the refusals, the
//! upload of the signed document, approval, rejection, and four eyes on a change of head.

use serde_json::json;

use crate::btb_support::*;
use crate::helpers::{TestApp, extract_hidden, text_of};

const THOMAS: &str = "75.10.30-059.07";

async fn csrf(b: &reqwest::Client, app: &TestApp, path: &str) -> String {
    let resp = b.get(app.url(path)).send().await.expect("GET");
    let status = resp.status();
    let html = resp.text().await.expect("body");
    extract_hidden(&html, "csrf").unwrap_or_else(|| panic!("csrf on {path} ({status}): {}", text_of(&html)))
}

async fn file_by_page(
    app: &TestApp,
    b: &reqwest::Client,
    rep: (&str, &str, &str),
    enterprise: &str,
) -> reqwest::Response {
    file_step(app, b, rep, enterprise, "confirm", "yes").await
}

async fn file_step(
    app: &TestApp,
    b: &reqwest::Client,
    rep: (&str, &str, &str),
    enterprise: &str,
    step: &str,
    terms: &str,
) -> reqwest::Response {
    let token = csrf(b, app, "/btb/exception").await;
    let form = [
        ("csrf", token.as_str()),
        ("rep_national_number", rep.0),
        ("rep_first_name", rep.1),
        ("rep_last_name", rep.2),
        ("enterprise", enterprise),
        ("enterprise_email", "info@hogevenen.example"),
        ("head", "self"),
        ("head_email", "lukas@hogevenen.example"),
        ("head_phone", "+32 87 11 22 33"),
        ("terms", terms),
        ("step", step),
    ];
    b.post(app.url("/btb/exception")).form(&form).send().await.expect("POST")
}

async fn upload(app: &TestApp, staff: &reqwest::Client, ticket: &str, bytes: Vec<u8>) -> u16 {
    let path = format!("/backoffice/requests/{ticket}");
    let token = csrf(staff, app, &path).await;
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name("signed.pdf")
        .mime_str("application/pdf")
        .expect("mime");
    let form = reqwest::multipart::Form::new().text("csrf", token).part("document", part);
    staff
        .post(app.url(&format!("{path}/document")))
        .multipart(form)
        .send()
        .await
        .expect("POST")
        .status()
        .as_u16()
}

async fn decide(
    app: &TestApp,
    staff: &reqwest::Client,
    ticket: &str,
    action: &str,
    reason: &str,
) -> (u16, String) {
    let path = format!("/backoffice/requests/{ticket}");
    // Any page's token serves this browser (a decided request's page has no form).
    let token = csrf(staff, app, "/btb/designate").await;
    let resp = staff
        .post(app.url(&format!("{path}/{action}")))
        .form(&[("csrf", token.as_str()), ("reason", reason)])
        .send()
        .await
        .expect("POST");
    (resp.status().as_u16(), text_of(&resp.text().await.expect("body")))
}

#[tokio::test]
async fn an_exception_request_gets_a_ticket_and_a_pdf_and_the_back_office_designates_the_head() {
    let app = btb_app().await;
    let store = app.state.store();
    poort::access::admin::grant_back_office(store, NATHALIE).await.expect("grant");
    poort::access::admin::grant_back_office(store, GEERT).await.expect("grant");
    let lukas = browser(&app, LUKAS, 400).await;
    // Refusals first: a representative with an eID, names that do not match the register.
    let resp = file_by_page(&app, &lukas, (JAN, "Jan", "Peeters"), IATREION).await;
    assert_eq!(resp.status(), 403);
    assert!(text_of(&resp.text().await.expect("body")).contains("gebruik de standaardprocedure"));
    let resp = file_by_page(&app, &lukas, (THOMAS, "Tom", "Lambert"), HOGE_VENEN).await;
    assert_eq!(resp.status(), 400);
    // The request, by the page: the confirmation repeats it with the terms, which must be ticked.
    let review = file_step(&app, &lukas, (THOMAS, "Thomas", "Lambert"), HOGE_VENEN, "review", "").await;
    assert_eq!(review.status(), 200);
    let body = text_of(&review.text().await.expect("body"));
    assert!(
        body.contains("Activeringsvoorwaarden")
            && body.contains("75.10.30-059.07")
            && body.contains("Lukas Schmitz"),
        "{body}"
    );
    let unticked = file_step(&app, &lukas, (THOMAS, "Thomas", "Lambert"), HOGE_VENEN, "confirm", "").await;
    assert_eq!(unticked.status(), 400);
    let resp = file_by_page(&app, &lukas, (THOMAS, "Thomas", "Lambert"), "0798123423").await;
    assert_eq!(resp.status(), 303);
    let to = crate::oidc_support::location(&resp);
    let ticket = to.rsplit('/').next().expect("ticket").to_string();
    assert_eq!(ticket.len(), 13, "a ticket in the seeds' style: {ticket}");
    let page = text_of(&lukas.get(app.url(&to)).send().await.expect("GET").text().await.expect("body"));
    assert!(page.contains(&ticket) && page.contains("48 uur"));
    let pdf = lukas.get(app.url(&format!("{to}/document.pdf"))).send().await.expect("GET");
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.expect("bytes");
    assert!(bytes.starts_with(b"%PDF-"));
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains(&ticket) && text.contains("Lambert") && text.contains("info@hogevenen.example"));
    // Someone else cannot read it.
    let jan = browser(&app, JAN, 450).await;
    assert_eq!(jan.get(app.url(&format!("{to}/document.pdf"))).send().await.expect("GET").status(), 404);
    // The back office: Jan is no member; a member needs Level450.
    assert_eq!(jan.get(app.url("/backoffice")).send().await.expect("GET").status(), 403);
    let weak = browser(&app, NATHALIE, 400).await;
    assert_eq!(weak.get(app.url("/backoffice")).send().await.expect("GET").status(), 403);
    let nathalie = browser(&app, NATHALIE, 450).await;
    let queue = text_of(
        &nathalie
            .get(app.url("/backoffice?enterprise=0798.123.423"))
            .send()
            .await
            .expect("GET")
            .text()
            .await
            .expect("body"),
    );
    assert!(queue.contains(&ticket));
    let (status, body) = decide(&app, &nathalie, &ticket, "approve", "").await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("ondertekende aanvraagdocument"));
    assert_eq!(upload(&app, &nathalie, &ticket, b"not a pdf".to_vec()).await, 400);
    let mut too_large = b"%PDF-".to_vec();
    too_large.resize(5 * 1024 * 1024 + 10, b' ');
    assert_eq!(upload(&app, &nathalie, &ticket, too_large).await, 413);
    assert_eq!(upload(&app, &nathalie, &ticket, bytes.to_vec()).await, 303);
    let (status, body) = decide(&app, &nathalie, &ticket, "approve", "").await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Goedgekeurd"));
    let reader = reader_token(&app).await;
    let (_, e) = api(&app, "GET", "/api/btb/v1/enterprises/0798123423", &reader, None).await;
    assert_eq!(e["head"]["name"], "Lukas Schmitz");
    assert!(!mails_to(&app, "lukas@hogevenen.example").await.is_empty(), "the head is mailed");

    // Changing the head through the exception procedure needs two members of staff.
    let token = person_token(&app, LUKAS, 400).await;
    let body = json!({
        "enterprise": "798123423",
        "representative": {"national_number": "75103005907", "first_name": "Thomas", "last_name": "Lambert"},
        "head": {"national_number": THOMAS, "email": "thomas@hogevenen.example", "phone": "+32 87 11 22 34"},
        "requester": {"email": "lukas@hogevenen.example", "phone": "+32 87 11 22 33"},
        "enterprise_email": "info@hogevenen.example",
        "terms_accepted": true
    });
    let (status, filed) = api(&app, "POST", "/api/btb/v1/exception-requests", &token, Some(body)).await;
    assert_eq!(status, 201, "{filed}");
    let second = filed["ticket"].as_str().expect("ticket").to_string();
    assert!(filed["document_url"].as_str().expect("url").ends_with("/document"));
    let doc = app
        .client
        .get(filed["document_url"].as_str().expect("url"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("GET");
    assert!(doc.bytes().await.expect("pdf").starts_with(b"%PDF-"));
    assert_eq!(upload(&app, &nathalie, &second, bytes.to_vec()).await, 303);
    let (status, body) = decide(&app, &nathalie, &second, "approve", "").await;
    assert_eq!(status, 200);
    assert!(body.contains("tweede medewerker moet goedkeuren"), "{body}");
    let (status, _) = decide(&app, &nathalie, &second, "approve", "").await;
    assert_eq!(status, 409, "the same member of staff cannot approve twice");
    let geert = browser(&app, GEERT, 500).await;
    let (status, _) = decide(&app, &geert, &second, "approve", "").await;
    assert_eq!(status, 200);
    let (_, e) = api(&app, "GET", "/api/btb/v1/enterprises/0798123423", &reader, None).await;
    assert_eq!(e["head"]["name"], "Thomas Lambert");

    // A rejection needs a reason and tells the requester.
    let resp = file_by_page(&app, &lukas, (THOMAS, "Thomas", "Lambert"), HOGE_VENEN).await;
    let third = crate::oidc_support::location(&resp).rsplit('/').next().expect("ticket").to_string();
    let (status, _) = decide(&app, &nathalie, &third, "reject", " ").await;
    assert_eq!(status, 400);
    let before = mails_to(&app, "lukas@hogevenen.example").await.len();
    let (status, _) = decide(&app, &nathalie, &third, "reject", "not signed by a representative").await;
    assert_eq!(status, 200);
    assert!(mails_to(&app, "lukas@hogevenen.example").await.len() > before);
    let (status, _) = decide(&app, &nathalie, &third, "approve", "").await;
    assert_eq!(status, 409, "a decided request stays decided");
    // The audit trail holds every decision, and its chain verifies.
    let report = poort::access::audit::verify(store).await.expect("verify");
    assert_eq!(report.problem, None);
}
