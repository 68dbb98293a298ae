//! The BTB API: a person's `btb:manage` token acts as that person through the same
//! capability checks as the pages; the web service's `btb:read` token reads the
//! registration, the managers, a person's roles and the cursor-paged changes.

use serde_json::json;

use crate::btb_support::*;

#[tokio::test]
async fn a_designation_and_every_management_call_work_over_the_api() {
    let app = btb_app().await;
    let jan = person_token(&app, JAN, 450).await;
    let body = json!({
        "head": {"national_number": "90110224612", "email": "sofie@iatreion.example", "phone": "+32 50 12 34 56"},
        "requester": {"email": "jan@iatreion.example", "phone": "+32 50 12 34 57"},
        "enterprise_email": "directie@iatreion.example",
        "terms_accepted": true
    });
    let (status, answer) =
        api(&app, "POST", "/api/btb/v1/enterprises/474603083/designation", &jan, Some(body.clone())).await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(answer["head"]["national_number"], "90110224612");
    // Sofie, now head, appoints a co-head and an access manager, and sets a domain e-mail.
    let sofie = person_token(&app, SOFIE, 400).await;
    let base = "/api/btb/v1/enterprises/0474.603.083";
    let (status, answer) =
        api(&app, "POST", &format!("{base}/co-heads"), &sofie, Some(json!({"national_number": BRAM}))).await;
    assert_eq!((status, answer["name"].as_str()), (201, Some("Bram Mertens")));
    let (status, _) =
        api(&app, "POST", &format!("{base}/co-heads"), &sofie, Some(json!({"national_number": BRAM}))).await;
    assert_eq!(status, 409);
    let (status, _) = api(
        &app,
        "POST",
        &format!("{base}/domains/finance/access-managers"),
        &sofie,
        Some(json!({"national_number": NATHALIE})),
    )
    .await;
    assert_eq!(status, 201);
    let (status, answer) = api(
        &app,
        "PUT",
        &format!("{base}/domains/finance/email"),
        &sofie,
        Some(json!({"email": "fin@iatreion.example"})),
    )
    .await;
    assert_eq!((status, answer["email"].as_str()), (200, Some("fin@iatreion.example")));
    // The web service sees it all.
    let reader = reader_token(&app).await;
    let (status, e) = api(&app, "GET", "/api/btb/v1/enterprises/0474603083", &reader, None).await;
    assert_eq!(status, 200, "{e}");
    assert_eq!(e["head"]["name"], "Sofie Claes");
    assert_eq!(e["co_heads"][0]["national_number"], "86052707781");
    let finance = e["domains"]
        .as_array()
        .expect("domains")
        .iter()
        .find(|d| d["code"] == "finance")
        .expect("finance")
        .clone();
    assert_eq!(finance["email"], "fin@iatreion.example");
    assert_eq!(finance["access_managers"][0]["name"], "Nathalie Lefèvre");
    let (status, roles) = api(&app, "GET", "/api/btb/v1/persons/69.01.23-308.70/roles", &reader, None).await;
    assert_eq!(status, 200);
    assert_eq!(roles["enterprises"][0]["roles"], json!(["btb:access_manager:finance"]));
    let (_, roles) = api(&app, "GET", "/api/btb/v1/persons/86052707781/roles", &reader, None).await;
    assert_eq!(roles["enterprises"][0]["roles"], json!(["btb:co_head_access_manager"]));
    // Removals.
    let (status, _) =
        api(&app, "DELETE", &format!("{base}/domains/finance/access-managers/69012330870"), &sofie, None)
            .await;
    assert_eq!(status, 204);
    let (status, _) =
        api(&app, "DELETE", &format!("{base}/domains/finance/access-managers/69012330870"), &sofie, None)
            .await;
    assert_eq!(status, 404);
    let (status, _) = api(&app, "DELETE", &format!("{base}/domains/finance/email"), &sofie, None).await;
    assert_eq!(status, 204);
    let (status, _) = api(&app, "DELETE", &format!("{base}/co-heads/86.05.27-077.81"), &sofie, None).await;
    assert_eq!(status, 204);
    // The change feed, paged by cursor: nothing is read twice.
    let (status, page1) = api(&app, "GET", "/api/btb/v1/changes?limit=3", &reader, None).await;
    assert_eq!(status, 200);
    let next = page1["next"].as_str().expect("next").to_string();
    let (_, page2) =
        api(&app, "GET", &format!("/api/btb/v1/changes?after={next}&limit=1000"), &reader, None).await;
    let kinds: Vec<&str> = page1["changes"]
        .as_array()
        .into_iter()
        .chain(page2["changes"].as_array())
        .flatten()
        .filter_map(|c| c["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"btb.head_designated") && kinds.contains(&"btb.co_head_removed"), "{kinds:?}");
    let cursors: Vec<i64> = page2["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| c["cursor"].as_str().expect("c").parse().expect("n"))
        .collect();
    assert!(cursors.iter().all(|c| *c > next.parse::<i64>().expect("n")));
    let (_, empty) = api(
        &app,
        "GET",
        &format!("/api/btb/v1/changes?after={}", page2["next"].as_str().expect("n")),
        &reader,
        None,
    )
    .await;
    assert_eq!(empty["changes"], json!([]));
}

#[tokio::test]
async fn api_refusals_are_json_with_their_status_and_never_a_500() {
    let app = btb_app().await;
    let reader = reader_token(&app).await;
    let emma = person_token(&app, EMMA, 400).await;
    let jan = person_token(&app, JAN, 400).await;
    type Case<'a> = (&'a str, &'a str, &'a str, Option<serde_json::Value>, u16, &'a str);
    let cases: Vec<Case<'_>> = vec![
        ("GET", "/api/btb/v1/enterprises/0474603083", reader.as_str(), None, 404, "not_registered"),
        ("GET", "/api/btb/v1/enterprises/0474603084", reader.as_str(), None, 400, "bad_enterprise_number"),
        ("GET", "/api/btb/v1/enterprises/0410561210", "forged", None, 401, "invalid_token"),
        ("GET", "/api/btb/v1/persons/123/roles", reader.as_str(), None, 400, "bad_national_number"),
        ("GET", "/api/btb/v1/changes?after=abc", reader.as_str(), None, 400, "bad_cursor"),
        ("GET", "/api/btb/v1/changes", emma.as_str(), None, 403, "insufficient_scope"),
        (
            "POST",
            "/api/btb/v1/enterprises/0410561210/co-heads",
            reader.as_str(),
            Some(json!({"national_number": BRAM})),
            403,
            "insufficient_scope",
        ),
        (
            "POST",
            "/api/btb/v1/enterprises/0410561210/co-heads",
            emma.as_str(),
            Some(json!({"national_number": BRAM})),
            403,
            "not_manager",
        ),
        (
            "POST",
            "/api/btb/v1/enterprises/0410561210/domains/finance/access-managers",
            emma.as_str(),
            Some(json!({"national_number": BRAM})),
            403,
            "not_manager",
        ),
        (
            "POST",
            "/api/btb/v1/enterprises/0410561210/domains/health_care/access-managers",
            emma.as_str(),
            Some(json!({"national_number": "123"})),
            400,
            "bad_national_number",
        ),
        (
            "POST",
            "/api/btb/v1/enterprises/0410561210/domains/nowhere/access-managers",
            emma.as_str(),
            Some(json!({"national_number": BRAM})),
            404,
            "unknown_domain",
        ),
        (
            "PUT",
            "/api/btb/v1/enterprises/0410561210/domains/health_care/email",
            emma.as_str(),
            Some(json!({"mail": "x"})),
            400,
            "bad_request",
        ),
        (
            "PUT",
            "/api/btb/v1/enterprises/0410561210/domains/health_care/email",
            emma.as_str(),
            Some(json!({"email": "x"})),
            400,
            "bad_email",
        ),
        (
            "POST",
            "/api/btb/v1/enterprises/0410561210/designation",
            jan.as_str(),
            Some(json!({"head": "self", "enterprise_email": "a@b.be", "terms_accepted": true})),
            403,
            "not_legal_representative",
        ),
        (
            "POST",
            "/api/btb/v1/enterprises/0474603083/designation",
            jan.as_str(),
            Some(json!({"head": "self", "enterprise_email": "a@b.be", "terms_accepted": false})),
            400,
            "terms_not_accepted",
        ),
        (
            "POST",
            "/api/btb/v1/enterprises/0474603083/designation",
            jan.as_str(),
            Some(
                json!({"head": {"national_number": NATHALIE, "email": "n@b.be", "phone": "+32 2 511 51 51"}, "requester": {"email": "j@b.be", "phone": "+32 2 511 51 52"}, "enterprise_email": "a@b.be", "terms_accepted": true}),
            ),
            400,
            "not_employee_or_representative",
        ),
        ("PATCH", "/api/btb/v1/enterprises/0410561210", reader.as_str(), None, 405, "method_not_allowed"),
    ];
    for (method, path, token, body, status, code) in cases {
        let (got, answer) = api(&app, method, path, token, body).await;
        assert_eq!((got, answer["error"].as_str()), (status, Some(code)), "{method} {path}: {answer}");
        assert!(answer["message"].as_str().is_some_and(|m| !m.is_empty()), "{method} {path}: a message");
    }
    // Messages follow Accept-Language.
    let resp = app
        .client
        .get(app.url("/api/btb/v1/enterprises/0474603083"))
        .bearer_auth(&reader)
        .header("accept-language", "fr-BE")
        .send()
        .await
        .expect("GET");
    let body: serde_json::Value = resp.json().await.expect("json");
    assert!(body["message"].as_str().expect("message").contains("n'est pas enregistrée"));
    // The domains list answers any valid token.
    let (status, d) = api(&app, "GET", "/api/btb/v1/domains", &reader, None).await;
    assert_eq!(status, 200);
    assert!(
        d["domains"]
            .as_array()
            .expect("domains")
            .iter()
            .any(|d| d["code"] == "health_care" && d["names"]["nl"] == "Gezondheidszorg")
    );
}

#[tokio::test]
async fn two_concurrent_designations_end_with_exactly_one_head() {
    let app = btb_app().await;
    let jan = person_token(&app, JAN, 450).await;
    let designate = |head: &'static str, email: &'static str| {
        let body = json!({
            "head": {"national_number": head, "email": email, "phone": "+32 50 12 34 56"},
            "requester": {"email": "jan@iatreion.example", "phone": "+32 50 12 34 57"},
            "enterprise_email": "directie@iatreion.example",
            "terms_accepted": true
        });
        let (app, jan) = (&app, jan.clone());
        async move { api(app, "POST", "/api/btb/v1/enterprises/0474603083/designation", &jan, Some(body)).await }
    };
    let (a, b) =
        tokio::join!(designate(SOFIE, "sofie@iatreion.example"), designate(BRAM, "bram@iatreion.example"));
    let statuses = [a.0, b.0];
    assert!(statuses.contains(&201), "{a:?} {b:?}");
    assert!(statuses.iter().all(|s| *s == 201 || *s == 409), "{a:?} {b:?}");
    let reader = reader_token(&app).await;
    let (_, e) = api(&app, "GET", "/api/btb/v1/enterprises/0474603083", &reader, None).await;
    assert!(e["head"]["name"].is_string());
    let grants = app
        .state
        .store()
        .find_live_access_grants_of_enterprise(&poort::domain::EnterpriseNumber::parse(IATREION).expect("n"))
        .await
        .expect("grants");
    let heads =
        grants.iter().filter(|g| g.role == poort::access::grants::GrantRole::HeadAccessManager).count();
    assert_eq!(heads, 1, "exactly one head access manager");
    // Changing the head keeps every access manager: the clinic's Emma stays after Marie is replaced.
    let marie = person_token(&app, MARIE, 450).await;
    let (status, _) = api(
        &app,
        "POST",
        "/api/btb/v1/enterprises/0410561210/co-heads",
        &marie,
        Some(json!({"national_number": CAMILLE})),
    )
    .await;
    assert_eq!(status, 201);
    let (_, before) = api(&app, "GET", "/api/btb/v1/enterprises/0410561210", &reader, None).await;
    assert_eq!(before["head"]["name"], "Marie Dubois");
    // The database refuses a second live head even when code would try.
    let second = sqlx_insert_head(&app).await;
    assert!(second.is_err(), "the partial unique index refuses a second active head");
}

async fn sqlx_insert_head(app: &crate::helpers::TestApp) -> Result<(), String> {
    let url = app.state.settings().database.url.clone();
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&url).await.map_err(|e| e.to_string())?;
    sqlx::query(
        "INSERT INTO access_grants (id, holder, role, enterprise_number, scope_kind, scope_id, granted_by, \
         granted_capacity, valid_from, status, created_at) VALUES ('x', '94242800554', 'head_access_manager', \
         '0410561210', 'enterprise', '', 'test', 'test', 0, 'active', 0)",
    )
    .execute(&pool)
    .await
    .map(|_| ())
    .map_err(|e| e.to_string())
}

#[tokio::test]
async fn every_api_path_is_routed_answers_401_without_a_token_and_is_in_the_openapi_document() {
    let app = btb_app().await;
    let doc: serde_json::Value = app.get("/api/openapi.json").await.json().await.expect("json");
    assert_eq!(doc["openapi"], "3.1.0");
    for (path, methods) in poort::access::btb::api::PATHS {
        let concrete = path
            .replace("{number}", "0410561210")
            .replace("{national_number}", "65062108414")
            .replace("{code}", "health_care")
            .replace("{ticket}", "26A000AAAAAAA");
        for m in *methods {
            assert!(doc["paths"][*path][*m].is_object(), "{m} {path} documented");
            let method = reqwest::Method::from_bytes(m.to_uppercase().as_bytes()).expect("method");
            let resp = app
                .client
                .request(method, app.url(&concrete))
                .json(&json!({}))
                .send()
                .await
                .expect("request");
            assert_eq!(resp.status(), 401, "{m} {concrete} is routed and needs a token");
            assert!(resp.headers().contains_key("www-authenticate"));
            let body: serde_json::Value = resp.json().await.expect("json");
            assert_eq!(body["error"], "invalid_token");
        }
    }
}
