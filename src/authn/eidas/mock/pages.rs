//! The mock node's pages (askama, auto-escaped). Every page shows the DEMO banner; none
//! carries script (the CSP forbids it): the answer form has a visible Continue button.

use askama::Template;

#[derive(Template)]
#[template(
    ext = "html",
    source = r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>eIDAS (DEMO)</title></head><body>
<p role="alert"><strong>DEMO — mock eIDAS node, not a real one</strong></p>
<h1>eIDAS (DEMO — mock of a European eIDAS node)</h1>
<p>Requested level of assurance: {{ requested_loa }}</p>
<form method="post" action="{{ choose_path }}">
<input type="hidden" name="session" value="{{ session }}">
<label>Country <select name="country">{% for (c, selected) in countries %}<option value="{{ c }}"{% if selected %} selected{% endif %}>{{ c }}</option>{% endfor %}</select></label>
<label>Identity <select name="identity">{% for (i, who) in identities %}<option value="{{ i }}">{{ who.country }} — {{ who.given_name }} {{ who.family_name }} ({{ who.person_identifier }})</option>{% endfor %}</select></label>
<label>Level of assurance <select name="loa">{% for (l, selected) in loas %}<option value="{{ l }}"{% if selected %} selected{% endif %}>{{ l }}</option>{% endfor %}</select></label>
<button type="submit" name="action" value="login">Log in</button>
<button type="submit" name="action" value="cancel">Cancel</button>
</form></body></html>"#
)]
pub(super) struct ChooserPage<'a> {
    pub choose_path: &'a str,
    pub session: &'a str,
    pub requested_loa: &'a str,
    /// (country code, preselected)
    pub countries: Vec<(String, bool)>,
    pub identities: Vec<(usize, &'a super::DemoIdentity)>,
    /// (LoA name, preselected)
    pub loas: Vec<(&'static str, bool)>,
}

#[derive(Template)]
#[template(
    ext = "html",
    source = r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>eIDAS (DEMO)</title></head><body>
<p role="alert"><strong>DEMO — mock eIDAS node, not a real one</strong></p>
<h1>eIDAS (DEMO — mock of a European eIDAS node)</h1>
<p>{{ message }}</p>
<form method="post" action="{{ acs_url }}">
<input type="hidden" name="SAMLResponse" value="{{ saml_response }}">
<input type="hidden" name="RelayState" value="{{ relay_state }}">
<button type="submit">Continue</button>
</form></body></html>"#
)]
pub(super) struct ResponsePage<'a> {
    pub message: &'a str,
    pub acs_url: &'a str,
    pub saml_response: &'a str,
    pub relay_state: &'a str,
}

#[derive(Template)]
#[template(
    ext = "html",
    source = r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>eIDAS (DEMO)</title></head><body>
<p role="alert"><strong>DEMO — mock eIDAS node, not a real one</strong></p>
<h1>eIDAS (DEMO — mock of a European eIDAS node)</h1>
<p>The request was refused: {{ reason }}</p></body></html>"#
)]
pub(super) struct ErrorPage<'a> {
    pub reason: &'a str,
}
