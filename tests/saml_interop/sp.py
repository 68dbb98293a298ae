"""SAML interop test: pysaml2 (software Poort did not write) as a service provider of a live
Poort, over both bindings, with xmlsec1 verifying the signatures and decrypting.

  python sp.py metadata WORKDIR          write the SPs' keys and metadata (sp-a.xml … sp-d.xml)
  python sp.py run WORKDIR BASE_URL      the logins, the negative cases, encryption, ECDSA and
                                         single logout from one SP through the other

SP a and b sign their requests; c has an encryption key (registered with --encrypt-assertion);
d lists ECDSA-SHA256 among its alg:SigningMethods.

The browser is a requests.Session that follows Poort's redirects and logs in with the
demo-only test login (Jan Peeters, Level450).
"""

import base64
import datetime
import html
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAMEID_FORMAT_PERSISTENT
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

JAN = "78.03.14-123.49"
SPS = {
    "a": "http://localhost:18081/sp-a",
    "b": "http://localhost:18082/sp-b",
    "c": "http://localhost:18083/sp-c",
    "d": "http://localhost:18084/sp-d",
}
ECDSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"


def keypair(work: Path, name: str):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"pysaml2 interop {name}")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    (work / f"{name}-key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    (work / f"{name}-cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def config(work: Path, name: str, idp_metadata: str | None) -> SPConfig:
    entity = SPS[name]
    conf = {
        "entityid": entity,
        "key_file": str(work / f"{name}-key.pem"),
        "cert_file": str(work / f"{name}-cert.pem"),
        "xmlsec_binary": shutil.which("xmlsec1"),
        "allow_unknown_attributes": True,
        "service": {
            "sp": {
                "endpoints": {
                    "assertion_consumer_service": [(f"{entity}/acs", BINDING_HTTP_POST)],
                    "single_logout_service": [(f"{entity}/slo", BINDING_HTTP_REDIRECT)],
                },
                "authn_requests_signed": True,
                "logout_requests_signed": True,
                "logout_responses_signed": True,
                "want_response_signed": True,
                "want_assertions_signed": True,
                "allow_unsolicited": False,
                "name_id_format": NAMEID_FORMAT_PERSISTENT,
            }
        },
        "metadata": {"local": [idp_metadata]} if idp_metadata else {},
    }
    if name == "c":
        conf["encryption_keypairs"] = [{"key_file": str(work / "c-key.pem"), "cert_file": str(work / "c-cert.pem")}]
    c = SPConfig()
    c.load(conf)
    return c


def write_metadata(work: Path):
    for name in SPS:
        keypair(work, name)
        xml = str(entity_descriptor(config(work, name, None)))
        if name == "d":
            # SAML V2.0 Metadata Profile for Algorithm Support: d accepts ECDSA-SHA256.
            xml = re.sub(
                r"(<ns\d+:SPSSODescriptor|<md:SPSSODescriptor)",
                '<md:Extensions xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">'
                f'<alg:SigningMethod xmlns:alg="urn:oasis:names:tc:SAML:metadata:algsupport" Algorithm="{ECDSA_SHA256}"/>'
                "</md:Extensions>\\1",
                xml,
                count=1,
            )
            assert ECDSA_SHA256 in xml, xml
        if name == "c":
            assert 'use="encryption"' in xml, xml
        (work / f"sp-{name}.xml").write_text(xml)
    print("metadata written:", ", ".join(f"sp-{n}.xml" for n in SPS))


class Browser:
    """A browser through Poort: follows redirects, logs in with the test login."""

    def __init__(self, base: str):
        self.base = base
        self.s = requests.Session()

    def absolute(self, url: str) -> str:
        return url if url.startswith("http") else self.base + url

    def follow(self, resp: requests.Response) -> tuple[str, str, str | None]:
        for _ in range(12):
            if resp.status_code in (302, 303):
                to = resp.headers["location"]
                m = re.match(r"/login\?tx=([^&]+)", to)
                if m:
                    tx = m.group(1)
                    page = self.s.get(self.absolute(to)).text
                    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
                    r = self.s.post(
                        self.absolute("/demo/test-login"),
                        data={"csrf": html.unescape(csrf), "tx": tx, "national_number": JAN, "level": "450"},
                        allow_redirects=False,
                    )
                    assert r.status_code == 303, f"test login: {r.status_code}"
                    resp = self.s.get(self.absolute(f"/saml/sso/resume?tx={tx}"), allow_redirects=False)
                    continue
                resp = self.s.get(self.absolute(to), allow_redirects=False)
                continue
            assert resp.status_code == 200, f"{resp.status_code}: {resp.text[:400]}"
            page = resp.text
            action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page).group(1))
            saml_response = html.unescape(re.search(r'name="SAMLResponse" value="([^"]+)"', page).group(1))
            relay = re.search(r'name="RelayState" value="([^"]*)"', page)
            return action, saml_response, html.unescape(relay.group(1)) if relay else None
        raise AssertionError("too many redirects")


def login(base: str, client: Saml2Client, binding: str, relay: str, browser: "Browser | None" = None):
    """An SP-initiated login over `binding`; returns (request id, ACS action, SAMLResponse, RelayState)."""
    browser = browser or Browser(base)
    sso = base + "/saml/sso"
    if binding == BINDING_HTTP_REDIRECT:
        reqid, info = client.prepare_for_authenticate(
            entityid=base + "/saml/metadata",
            relay_state=relay,
            binding=BINDING_HTTP_REDIRECT,
            sign=True,
            sigalg=SIG_RSA_SHA256,
            digest_alg=DIGEST_SHA256,
        )
        location = dict(info["headers"])["Location"]
        first = browser.s.get(location, allow_redirects=False)
    else:
        reqid, request = client.create_authn_request(
            sso, binding=BINDING_HTTP_POST, sign=True, sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256
        )
        form = {"SAMLRequest": base64.b64encode(str(request).encode()).decode(), "RelayState": relay}
        first = browser.s.post(sso, data=form, allow_redirects=False)
    action, saml_response, relay_back = browser.follow(first)
    return reqid, action, saml_response, relay_back


def expect_refused(what: str, fn):
    """pysaml2 refuses by raising, or by returning no response (it logs why)."""
    try:
        result = fn()
    except Exception as e:  # pysaml2 raises many kinds; any refusal counts
        print(f"ok: {what} refused ({type(e).__name__})")
        return
    if result is None:
        print(f"ok: {what} refused (no response accepted)")
        return
    if getattr(result, "assertion", None) is None or not getattr(result, "ava", None):
        print(f"ok: {what} refused (the response gave no assertion and no attributes)")
        return
    raise AssertionError(f"{what} was accepted: {result.ava}")


def run(work: Path, base: str):
    md = work / "idp.xml"
    md.write_text(requests.get(base + "/saml/metadata", timeout=10).text)
    a = Saml2Client(config(work, "a", str(md)))
    b = Saml2Client(config(work, "b", str(md)))
    for binding in (BINDING_HTTP_REDIRECT, BINDING_HTTP_POST):
        reqid, action, saml_response, relay = login(base, a, binding, "relay-" + binding[-4:])
        assert action == SPS["a"] + "/acs", action
        assert relay == "relay-" + binding[-4:], relay
        resp = a.parse_authn_request_response(saml_response, BINDING_HTTP_POST, outstanding={reqid: "/"})
        assert resp is not None, "pysaml2 accepted nothing"
        ava = resp.ava
        assert ava.get("givenName") == ["Jan"], ava
        assert ava.get("surname") == ["Peeters"], ava
        assert ava.get("profileKind") == ["citizen"] or ava.get("urn:be:poort:attr:profileKind") == ["citizen"], ava
        assert "egovNRN" not in ava, "the national number was not asked for"
        assert resp.name_id.format == NAMEID_FORMAT_PERSISTENT, resp.name_id
        assert resp.authn_info()[0][0] == "urn:be:fedict:iam:fas:Level450", resp.authn_info()
        print(f"ok: {binding.rsplit(':', 1)[-1]} login verified by pysaml2 (NameID {resp.name_id.text[:8]}…, {sorted(ava)})")
        persistent = resp.name_id.text

    # Negative cases, each on a fresh valid response.
    reqid, _, saml_response, _ = login(base, a, BINDING_HTTP_REDIRECT, "neg")
    xml = base64.b64decode(saml_response).decode()
    assert persistent in xml
    tampered = xml.replace(">Jan<", ">Eve<")
    assert tampered != xml
    expect_refused(
        "a tampered response",
        lambda: a.parse_authn_request_response(
            base64.b64encode(tampered.encode()).decode(), BINDING_HTTP_POST, outstanding={reqid: "/"}
        ),
    )
    # The IdP's certificate replaced by another one in the SP's copy of the metadata.
    other = (work / "b-cert.pem").read_text()
    other_b64 = "".join(l for l in other.splitlines() if "CERTIFICATE" not in l)
    idp_md = md.read_text()
    wrong = re.sub(r"<ds:X509Certificate>[^<]+</ds:X509Certificate>", f"<ds:X509Certificate>{other_b64}</ds:X509Certificate>", idp_md)
    (work / "idp-wrong-key.xml").write_text(wrong)
    a_wrong = Saml2Client(config(work, "a", str(work / "idp-wrong-key.xml")))
    reqid, _, saml_response, _ = login(base, a, BINDING_HTTP_REDIRECT, "neg2")
    expect_refused(
        "a response checked with the wrong key",
        lambda: a_wrong.parse_authn_request_response(saml_response, BINDING_HTTP_POST, outstanding={reqid: "/"}),
    )
    # A response made for SP b, presented to SP a.
    reqid_b, _, saml_response_b, _ = login(base, b, BINDING_HTTP_REDIRECT, "neg3")
    expect_refused(
        "a response for another audience",
        lambda: a.parse_authn_request_response(saml_response_b, BINDING_HTTP_POST, outstanding={reqid_b: "/"}),
    )
    # A valid one for b is accepted by b (the negative above is about the audience only).
    assert b.parse_authn_request_response(saml_response_b, BINDING_HTTP_POST, outstanding={reqid_b: "/"}) is not None

    encrypted(base, work, md)
    ecdsa(base, work, md)
    single_logout(base, work, md)
    print("saml interop: every case passed")


def encrypted(base: str, work: Path, md: Path):
    """SP c has an encryption key: the assertion comes encrypted, and pysaml2 (xmlsec1) decrypts it."""
    c = Saml2Client(config(work, "c", str(md)))
    reqid, _, saml_response, _ = login(base, c, BINDING_HTTP_POST, "enc")
    xml = base64.b64decode(saml_response).decode()
    assert "EncryptedAssertion" in xml and "Peeters" not in xml, "the assertion travels encrypted"
    resp = c.parse_authn_request_response(saml_response, BINDING_HTTP_POST, outstanding={reqid: "/"})
    assert resp is not None and resp.ava.get("surname") == ["Peeters"], getattr(resp, "ava", None)
    print(f"ok: an encrypted assertion decrypted and verified by pysaml2 ({sorted(resp.ava)})")
    # SP a has no encryption key: it cannot read c's response.
    a = Saml2Client(config(work, "a", str(md)))
    expect_refused(
        "an encrypted assertion without the key",
        lambda: a.parse_authn_request_response(saml_response, BINDING_HTTP_POST, outstanding={reqid: "/"}),
    )


def ecdsa(base: str, work: Path, md: Path):
    """SP d lists ECDSA-SHA256: the response is signed with it, and xmlsec1 verifies it."""
    d = Saml2Client(config(work, "d", str(md)))
    reqid, _, saml_response, _ = login(base, d, BINDING_HTTP_REDIRECT, "ec")
    xml = base64.b64decode(saml_response).decode()
    assert ECDSA_SHA256 in xml and "rsa-sha256" not in xml, "signed with ECDSA only"
    resp = d.parse_authn_request_response(saml_response, BINDING_HTTP_POST, outstanding={reqid: "/"})
    assert resp is not None and resp.ava.get("givenName") == ["Jan"], getattr(resp, "ava", None)
    print("ok: an ECDSA-signed response verified by pysaml2")


def single_logout(base: str, work: Path, md: Path):
    """a and b logged in through one browser; a logs out: Poort sends the browser to b with its
    LogoutRequest (b answers), then gives a its LogoutResponse."""
    a = Saml2Client(config(work, "a", str(md)))
    b = Saml2Client(config(work, "b", str(md)))
    browser = Browser(base)
    names = {}
    for name, client in (("a", a), ("b", b)):
        reqid, _, saml_response, _ = login(base, client, BINDING_HTTP_REDIRECT, "slo-" + name, browser)
        resp = client.parse_authn_request_response(saml_response, BINDING_HTTP_POST, outstanding={reqid: "/"})
        assert resp is not None
        names[name] = resp.name_id
    out = a.global_logout(names["a"], sign=True, sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256)
    (binding, info), = out.values()
    assert binding == BINDING_HTTP_REDIRECT, binding
    r = browser.s.get(dict(info["headers"])["Location"], allow_redirects=False)
    told_b = False
    for _ in range(10):
        assert r.status_code in (302, 303), f"{r.status_code}: {r.text[:400]}"
        to = r.headers["location"]
        query = dict(parse_qsl(urlsplit(to).query))
        if to.startswith(SPS["b"] + "/slo"):
            answer = b.handle_logout_request(
                query["SAMLRequest"],
                names["b"],
                BINDING_HTTP_REDIRECT,
                sign=True,
                sign_alg=SIG_RSA_SHA256,
                digest_alg=DIGEST_SHA256,
                relay_state=query.get("RelayState"),
                sigalg=query.get("SigAlg"),
                signature=query.get("Signature"),
            )
            told_b = True
            r = browser.s.get(dict(answer["headers"])["Location"], allow_redirects=False)
            continue
        if to.startswith(SPS["a"] + "/slo"):
            assert told_b, "b was told before a got its answer"
            resp = a.parse_logout_request_response(query["SAMLResponse"], BINDING_HTTP_REDIRECT)
            assert resp is not None and resp.status_ok(), resp
            print("ok: single logout from a told b through the browser; a got Success (pysaml2 on both)")
            return
        r = browser.s.get(browser.absolute(to), allow_redirects=False)
    raise AssertionError("the logout did not come back to a")


if __name__ == "__main__":
    command, work = sys.argv[1], Path(sys.argv[2])
    if command == "metadata":
        write_metadata(work)
    elif command == "run":
        run(work, sys.argv[3].rstrip("/"))
    else:
        sys.exit(f"unknown command {command}")
