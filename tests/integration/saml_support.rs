//! A test service provider of the SAML identity provider: its own RSA key and metadata,
//! AuthnRequests over both bindings (signed or not), a browser that logs in through Poort
//! until the Response is posted to the ACS, and the checks a service provider makes on
//! that Response (signature with the IdP's published certificate, then the values of the
//! signed part only).

use std::io::Write as _;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use poort::kernel::saml::signing::{SIG_RSA_SHA256, SigningKey, verify_and_reduce_any};
use poort::kernel::saml::xml::{NS_SAML, NS_SAMLP, children, descendants, instant, is, parse_strict, text};
use poort::protocol::saml::sp::{ServiceProvider, SpSettings, from_metadata};

use crate::btb_support::login;
use crate::helpers::{TestApp, extract_hidden};
use crate::oidc_support::location;

/// The app with the identity provider on (demo keys in memory, the demo SP off).
pub async fn saml_app() -> TestApp {
    TestApp::spawn_with(|s| {
        s.saml.is_enabled = true;
        s.saml.is_demo_sp_enabled = false;
    })
    .await
}

pub struct TestSp {
    pub entity_id: String,
    pub acs: String,
    pub key: SigningKey,
}

impl TestSp {
    pub fn new(name: &str) -> Self {
        let (k, c) = poort::kernel::devpki::self_signed_rsa(name).expect("key");
        Self {
            entity_id: format!("https://{name}.sp.example/metadata"),
            acs: format!("https://{name}.sp.example/acs"),
            key: SigningKey::from_pem(&k, &c).expect("pem"),
        }
    }

    pub fn metadata(&self, signs_requests: bool) -> String {
        format!(
            r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{e}">
<md:SPSSODescriptor AuthnRequestsSigned="{signs_requests}" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{slo}"/>
<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{slo}-post"/>
<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{acs}" index="0" isDefault="true"/>
</md:SPSSODescriptor>
<md:Organization><md:OrganizationName xml:lang="en">Test</md:OrganizationName><md:OrganizationDisplayName xml:lang="en">Test SP {e}</md:OrganizationDisplayName><md:OrganizationURL xml:lang="en">https://sp.example</md:OrganizationURL></md:Organization>
</md:EntityDescriptor>"#,
            e = self.entity_id,
            cert = self.key.cert_b64(),
            acs = self.acs,
            slo = self.acs.replace("/acs", "/slo"),
        )
    }

    /// Registers this SP in `app`'s database with `settings`.
    pub async fn register(
        &self,
        app: &TestApp,
        signs_requests: bool,
        settings: SpSettings,
    ) -> ServiceProvider {
        let sp = from_metadata(&self.metadata(signs_requests), settings).expect("metadata");
        app.state.store().upsert_saml_sp(&sp.entity_id, &sp).await.expect("registered");
        sp
    }

    /// An AuthnRequest to `app` with `attrs` on the root and `body` after the Issuer.
    pub fn request(&self, app: &TestApp, id: &str, attrs: &str, body: &str) -> String {
        format!(
            r#"<samlp:AuthnRequest xmlns:samlp="{NS_SAMLP}" xmlns:saml="{NS_SAML}" ID="{id}" Version="2.0" IssueInstant="{now}" Destination="{dest}" {attrs}><saml:Issuer>{issuer}</saml:Issuer>{body}</samlp:AuthnRequest>"#,
            now = instant(time::OffsetDateTime::now_utc()),
            dest = app.url("/saml/sso"),
            issuer = self.entity_id,
        )
    }

    /// The request with an enveloped signature right after its Issuer.
    pub fn signed(&self, xml: &str, id: &str) -> String {
        let with_template =
            xml.replacen("</saml:Issuer>", &format!("</saml:Issuer>{}", self.key.template(id)), 1);
        self.key.sign(&with_template).expect("signed")
    }

    /// `GET /saml/sso?…` for the Redirect binding; signed with `sign_with` (and `sig_alg`).
    pub fn redirect_path(
        &self,
        xml: &str,
        relay: Option<&str>,
        sign_with: Option<(&SigningKey, &str)>,
    ) -> String {
        let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(xml.as_bytes()).expect("deflate");
        let b64 = STANDARD.encode(enc.finish().expect("deflate"));
        let e = |v: &str| form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>();
        let mut query = format!("SAMLRequest={}", e(&b64));
        if let Some(r) = relay {
            query.push_str(&format!("&RelayState={}", e(r)));
        }
        if let Some((key, alg)) = sign_with {
            query.push_str(&format!("&SigAlg={}", e(alg)));
            let sig = key.sign_octets(query.as_bytes()).expect("sign");
            query.push_str(&format!("&Signature={}", e(&STANDARD.encode(sig))));
        }
        format!("/saml/sso?{query}")
    }

    /// A signed Redirect-binding request with RSA-SHA256.
    pub fn signed_redirect(&self, xml: &str, relay: Option<&str>) -> String {
        self.redirect_path(xml, relay, Some((&self.key, SIG_RSA_SHA256)))
    }
}

/// What the browser posted to the ACS.
#[derive(Debug)]
pub struct Posted {
    pub action: String,
    pub xml: String,
    pub relay_state: Option<String>,
}

fn unescape(s: &str) -> String {
    s.replace("&#x2b;", "+")
        .replace("&#43;", "+")
        .replace("&#x2f;", "/")
        .replace("&#47;", "/")
        .replace("&#x3d;", "=")
        .replace("&#61;", "=")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The auto-submitting form of a page, if it is one: its action and its fields.
pub fn posted(html: &str) -> Option<Posted> {
    let start = html.find("<form method=\"post\" action=\"")? + "<form method=\"post\" action=\"".len();
    let action = unescape(&html[start..start + html[start..].find('"')?]);
    let b64 = unescape(&extract_hidden(html, "SAMLResponse")?);
    let xml = String::from_utf8(STANDARD.decode(b64).ok()?).ok()?;
    Some(Posted { action, xml, relay_state: extract_hidden(html, "RelayState").map(|r| unescape(&r)) })
}

/// Follows a browser from `path` through Poort: the test login as `person` at `level` when
/// the login page comes, the chooser answered with `choose` when it comes, until the page
/// that posts the Response. Panics on anything else.
pub async fn sso(
    app: &TestApp,
    b: &reqwest::Client,
    path: &str,
    person: &str,
    level: u16,
    choose: Option<&str>,
) -> Posted {
    let mut resp = b.get(app.url(path)).send().await.expect("GET");
    for _ in 0..12 {
        if resp.status().is_redirection() {
            let to = location(&resp);
            if let Some(tx) = to.strip_prefix("/login?tx=") {
                let tx = tx.split('&').next().expect("tx").to_string();
                login(app, b, &tx, person, level).await;
                resp = b.get(app.url(&format!("/saml/sso/resume?tx={tx}"))).send().await.expect("GET");
                continue;
            }
            // Our own pages redirect by path; the demo SP sends the browser to the absolute
            // single sign-on URL.
            let url = if to.starts_with("http") { to } else { app.url(&to) };
            resp = b.get(url).header("accept-language", "en").send().await.expect("GET");
            continue;
        }
        let status = resp.status();
        let html = resp.text().await.expect("page");
        if html.contains("action=\"/profile/choose\"") {
            let key =
                choose.unwrap_or_else(|| panic!("unexpected chooser: {}", crate::helpers::text_of(&html)));
            let csrf = extract_hidden(&html, "csrf").expect("csrf");
            let tx = extract_hidden(&html, "tx").expect("tx");
            resp = b
                .post(app.url("/profile/choose"))
                .form(&[("csrf", csrf.as_str()), ("tx", tx.as_str()), ("profile", key)])
                .send()
                .await
                .expect("POST");
            continue;
        }
        return posted(&html)
            .unwrap_or_else(|| panic!("{status}: not a SAML form post: {}", crate::helpers::text_of(&html)));
    }
    panic!("too many steps from {path}");
}

/// What a service provider reads from a verified Response.
#[derive(Debug)]
pub struct Verified {
    pub in_response_to: Option<String>,
    pub status: String,
    pub name_id: String,
    pub name_id_format: String,
    pub audience: String,
    pub recipient: String,
    pub confirmation_in_response_to: Option<String>,
    pub class_ref: String,
    pub session_index: String,
    pub has_not_on_or_after: bool,
    pub attributes: Vec<(String, Vec<String>)>,
    pub is_assertion_signed: bool,
}

impl Verified {
    pub fn attribute(&self, friendly: &str) -> Option<&[String]> {
        self.attributes.iter().find(|(n, _)| n == friendly).map(|(_, v)| v.as_slice())
    }
}

/// The IdP's signing certificates (DER): RSA and ECDSA.
pub fn idp_certs(app: &TestApp) -> Vec<Vec<u8>> {
    let idp = app.state.saml().expect("the IdP is on");
    idp.signing_certificates().iter().map(|c| STANDARD.decode(c).expect("b64")).collect()
}

/// The top-level status of a Response (e.g. `Success`, `Responder/NoPassive`).
pub fn status_of(xml: &str) -> String {
    let doc = parse_strict(xml).expect("xml");
    let root = doc.get_root_element().expect("root");
    descendants(&root, NS_SAMLP, "StatusCode")
        .iter()
        .filter_map(|c| c.get_attribute("Value"))
        .map(|v| v.trim_start_matches("urn:oasis:names:tc:SAML:2.0:status:").to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// Verifies the Response's signatures with the IdP's certificates and reads the signed part.
pub fn verify(app: &TestApp, xml: &str) -> Verified {
    let status = status_of(xml);
    let reduced = verify_and_reduce_any(xml, &idp_certs(app)).expect("the signatures verify");
    let doc = parse_strict(&reduced).expect("xml");
    let root = doc.get_root_element().expect("root");
    assert!(is(&root, NS_SAMLP, "Response"), "the Response itself is signed");
    let full = parse_strict(xml).expect("xml");
    let is_assertion_signed = descendants(&full.get_root_element().expect("root"), NS_SAML, "Assertion")
        .first()
        .is_some_and(|a| !descendants(a, "http://www.w3.org/2000/09/xmldsig#", "Signature").is_empty());
    let one = |name: &str| descendants(&root, NS_SAML, name).into_iter().next();
    let name_id = one("NameID").expect("NameID");
    let data = one("SubjectConfirmationData").expect("SubjectConfirmationData");
    let statement = one("AuthnStatement").expect("AuthnStatement");
    let attributes = descendants(&root, NS_SAML, "Attribute")
        .iter()
        .map(|a| {
            (
                a.get_attribute("FriendlyName").expect("FriendlyName"),
                children(a, NS_SAML, "AttributeValue").iter().map(text).collect(),
            )
        })
        .collect();
    Verified {
        in_response_to: root.get_attribute("InResponseTo"),
        status,
        name_id: text(&name_id),
        name_id_format: name_id.get_attribute("Format").unwrap_or_default(),
        audience: one("Audience").map(|a| text(&a)).unwrap_or_default(),
        recipient: data.get_attribute("Recipient").unwrap_or_default(),
        confirmation_in_response_to: data.get_attribute("InResponseTo"),
        class_ref: one("AuthnContextClassRef").map(|c| text(&c)).unwrap_or_default(),
        session_index: statement.get_attribute("SessionIndex").unwrap_or_default(),
        has_not_on_or_after: data.get_attribute("NotOnOrAfter").is_some(),
        attributes,
        is_assertion_signed,
    }
}

/// A refusal page: 400, the reason in the body, never a 500.
pub async fn refused(resp: reqwest::Response, reason: &str) {
    let status = resp.status().as_u16();
    let body = resp.text().await.expect("body");
    assert_eq!(status, 400, "{}", crate::helpers::text_of(&body));
    assert!(body.contains(reason), "{reason:?} not in: {}", crate::helpers::text_of(&body));
}
