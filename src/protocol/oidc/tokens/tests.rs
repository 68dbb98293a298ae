//! Tests of `tokens`.

use super::*;
use crate::protocol::oidc::authorize_request::ClaimRequest;
use crate::protocol::oidc::client::tests::test_client;

fn subject() -> SubjectSource {
    SubjectSource {
        person_id: "p-42".into(),
        national_number: Some(NationalNumber::parse("78031412349").unwrap()),
        given_names: "Jan Piet".into(),
        surname: "Peeters".into(),
        language: Some("nl".into()),
        email: Some("jan@example.be".into()),
        birthdate: Some("1985-07-30".into()),
        certificate: None,
    }
}

fn session() -> Session {
    Session {
        sid: "s1".into(),
        auth_time: 900,
        acr: "urn:be:fedict:iam:fas:Level500".into(),
        amr: vec!["sc".into(), "pin".into(), "hwk".into()],
    }
}

fn profile() -> Profile {
    Profile::enterprise(
        crate::domain::EnterpriseNumber::parse("0123456749").unwrap(),
        "Acme",
        vec![crate::domain::Role::new("Financien", "TAX_VIEW")],
    )
}

fn names(m: &Map<String, Value>) -> Vec<&str> {
    let protocol = ["iss", "sub", "aud", "exp", "iat", "auth_time", "acr", "amr", "sid", "nonce", "at_hash"];
    let mut v: Vec<&str> = m.keys().map(String::as_str).filter(|k| !protocol.contains(k)).collect();
    v.sort_unstable();
    v
}

/// A context over the given values: issuer `https://i`, no profile, no nonce, `now` 1000,
/// an empty pairwise pepper; tests change what they need with struct update syntax.
fn ctx<'a>(
    client: &'a Client,
    subject: &'a SubjectSource,
    session: &'a Session,
    scopes: &'a [String],
    claims: &'a ClaimsRequest,
) -> TokenContext<'a> {
    TokenContext {
        issuer: "https://i",
        client,
        subject,
        session,
        profile: &Profile::Citizen,
        scopes,
        claims,
        nonce: None,
        now: 1000,
        pairwise_pepper: b"",
    }
}

/// The data-minimisation table: per (scopes, allowed_claims, claims_in_id_token, claims
/// parameter) exactly which claims reach userinfo and the id_token.
#[test]
fn the_claims_table_releases_exactly_what_scope_and_permission_allow() {
    type Row = (
        &'static str,
        &'static [&'static str],
        bool,
        &'static [&'static str],
        &'static [&'static str],
        &'static [&'static str],
    );
    let rows: &[Row] = &[
        // scopes, allowed_claims, claims_in_id_token, claims.id_token, userinfo, id_token
        ("openid", &["given_name", "egovNRN"], false, &[], &[], &[]),
        ("openid profile", &["given_name", "family_name"], false, &[], &["family_name", "given_name"], &[]),
        (
            "openid profile",
            &["given_name", "family_name"],
            true,
            &[],
            &["family_name", "given_name"],
            &["family_name", "given_name"],
        ),
        (
            "openid profile",
            &["given_name", "family_name"],
            false,
            &["given_name"],
            &["family_name", "given_name"],
            &["given_name"],
        ),
        (
            "openid profile",
            &["givenName", "surname", "prefLanguage", "fedid"],
            false,
            &[],
            &["fedid", "givenName", "prefLanguage", "surname"],
            &[],
        ),
        (
            "openid profile",
            &["name", "locale", "birthdate"],
            false,
            &[],
            &["birthdate", "locale", "name"],
            &[],
        ),
        // egovNRN only with both the scope and the permission.
        ("openid egovnrn", &["given_name"], true, &["egovNRN"], &[], &[]),
        ("openid profile", &["egovNRN"], true, &["egovNRN"], &[], &[]),
        ("openid egovnrn", &["egovNRN"], false, &[], &["egovNRN"], &[]),
        ("openid email", &["email", "mail"], false, &[], &["email", "mail"], &[]),
        (
            "openid roles",
            &["roles", "enterprise_number", "enterprise_name"],
            false,
            &[],
            &["enterprise_name", "enterprise_number", "roles"],
            &[],
        ),
        // The claims parameter names a standard claim beyond the scopes (OIDC Core §5.5),
        // within allowed_claims; the national number still needs its scope (row above).
        ("openid", &["name", "given_name"], false, &["name"], &[], &["name"]),
        // certificateInfo with no certificate in the session: nothing.
        ("openid certificateInfo", &["cert_subject"], false, &[], &[], &[]),
    ];
    let (subj, sess, prof) = (subject(), session(), profile());
    for (i, (scopes, allowed, in_id, id_req, want_ui, want_id)) in rows.iter().enumerate() {
        let mut client = test_client();
        client.allowed_claims = allowed.iter().map(|s| (*s).to_owned()).collect();
        client.claims_in_id_token = *in_id;
        let scopes: Vec<String> = scopes.split(' ').map(str::to_owned).collect();
        let mut claims = ClaimsRequest::default();
        for c in *id_req {
            claims.id_token.insert((*c).to_owned(), ClaimRequest::default());
        }
        let ctx = TokenContext {
            profile: &prof,
            pairwise_pepper: b"pp",
            ..ctx(&client, &subj, &sess, &scopes, &claims)
        };
        assert_eq!(names(&userinfo_claims(&ctx)), *want_ui, "row {i} userinfo");
        assert_eq!(names(&id_token_claims(&ctx, None)), *want_id, "row {i} id_token");
    }
}

#[test]
fn a_userinfo_claims_request_releases_a_standard_claim_beyond_the_scopes_and_the_consent_lists_it() {
    let mut client = test_client();
    client.allowed_claims = vec!["name".into(), "egovNRN".into()];
    let mut claims = ClaimsRequest::default();
    claims.userinfo.insert("name".into(), ClaimRequest { essential: true, ..Default::default() });
    claims.userinfo.insert("egovNRN".into(), ClaimRequest::default());
    let scopes = vec!["openid".to_string()];
    assert_eq!(released(&client, &scopes, &claims, Target::Userinfo), vec!["name"]);
    assert_eq!(released(&client, &scopes, &claims, Target::IdToken), Vec::<&str>::new());
    assert_eq!(requested_scopes(&client, &scopes, &claims), vec!["openid", "profile"]);
}

#[test]
fn the_consent_page_names_a_claim_scope_only_when_one_of_its_claims_is_released() {
    let mut client = test_client();
    client.allowed_claims = vec!["given_name".into()];
    assert!(is_scope_promised(&client, "openid"));
    assert!(is_scope_promised(&client, "profile"));
    assert!(!is_scope_promised(&client, "email"), "no e-mail claim may be released");
    assert!(!is_scope_promised(&client, "egovnrn"));
    assert!(is_scope_promised(&client, "btb:manage"), "an API scope is always named");
}

#[test]
fn the_national_number_is_released_as_eleven_digits() {
    let mut client = test_client();
    client.allowed_claims = vec!["egovNRN".into()];
    let (subj, sess) = (subject(), session());
    let scopes = vec!["openid".to_owned(), "egovnrn".to_owned()];
    let claims = ClaimsRequest::default();
    let ctx = ctx(&client, &subj, &sess, &scopes, &claims);
    assert_eq!(userinfo_claims(&ctx)["egovNRN"], "78031412349");
}

#[test]
fn a_pairwise_subject_differs_between_sectors_and_is_stable() {
    let mut a = test_client();
    a.subject_type = SubjectType::Pairwise { sector_identifier: "a.example".into() };
    let mut b = test_client();
    b.subject_type = SubjectType::Pairwise { sector_identifier: "b.example".into() };
    let sa = subject_identifier(&a, "p-42", b"pepper");
    assert_eq!(sa, subject_identifier(&a, "p-42", b"pepper"));
    assert_ne!(sa, subject_identifier(&b, "p-42", b"pepper"));
    assert_ne!(sa, subject_identifier(&a, "p-43", b"pepper"));
    assert_ne!(sa, "p-42");
    assert_eq!(subject_identifier(&test_client(), "p-42", b"pepper"), "p-42");
}

#[test]
fn the_id_token_carries_protocol_claims_and_at_hash() {
    let client = test_client();
    let (subj, sess) = (subject(), session());
    let scopes = vec!["openid".to_owned()];
    let claims = ClaimsRequest::default();
    let ctx = TokenContext { nonce: Some("n1"), ..ctx(&client, &subj, &sess, &scopes, &claims) };
    let m = id_token_claims(&ctx, Some("dummy.access.token"));
    assert_eq!(
        (m["aud"].as_str(), m["nonce"].as_str(), m["sid"].as_str()),
        (Some("rp-1"), Some("n1"), Some("s1"))
    );
    assert_eq!(m["exp"], 1000 + client.lifetimes.id_token);
    assert_eq!(m["at_hash"].as_str().unwrap().len(), 22);
    assert_eq!(m["acr"], "urn:be:fedict:iam:fas:Level500");
}

#[test]
fn the_access_token_follows_rfc_9068_and_binds_dpop() {
    let client = test_client();
    let (subj, sess) = (subject(), session());
    let scopes = vec!["openid".to_owned(), "profile".to_owned()];
    let claims = ClaimsRequest::default();
    let ctx = ctx(&client, &subj, &sess, &scopes, &claims);
    let m = access_token_claims(&ctx, "j1", None, Some("thumb"));
    for k in ["iss", "sub", "aud", "exp", "iat", "jti", "client_id", "scope"] {
        assert!(m.contains_key(k), "{k}");
    }
    assert_eq!(m["scope"], "openid profile");
    assert_eq!(m["cnf"]["jkt"], "thumb");
    assert!(!m.contains_key("given_name"));
}
