//! Small XML helpers: namespaces, escaping, identifiers, instants, a strict parser and
//! namespace-aware DOM navigation (libxml, the parser xmlsec itself uses).

use libxml::parser::{Parser, ParserOptions};
use libxml::tree::{Document, Node};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

pub const NS_SAMLP: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
pub const NS_SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
pub const NS_DS: &str = "http://www.w3.org/2000/09/xmldsig#";
pub const NS_MD: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
/// eIDAS SAML extensions namespace (eIDAS SAML Message Format v1.2 §2.2).
pub const NS_EIDAS: &str = "http://eidas.europa.eu/saml-extensions";
/// Natural-person attribute types namespace (eIDAS SAML Attribute Profile v1.2 §2.2).
pub const NS_EIDAS_NATURAL: &str = "http://eidas.europa.eu/attributes/naturalperson";
pub const NAME_FORMAT_URI: &str = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri";
pub const NAMEID_ENTITY: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity";
pub const NAMEID_PERSISTENT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
pub const BINDING_POST: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
pub const CM_BEARER: &str = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
pub const STATUS_PREFIX: &str = "urn:oasis:names:tc:SAML:2.0:status:";

/// The largest SAML message we accept (decoded), against memory exhaustion.
pub const MAX_MESSAGE_BYTES: usize = 256 * 1024;

/// Escapes text for XML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

/// A fresh SAML identifier with 128 random bits. It starts with `_` because an `ID` is an
/// `xs:ID` (NCName) and must not start with a digit (SAML core §1.3.4).
pub fn new_id() -> String {
    let bytes: [u8; 16] = rand::random();
    let mut id = String::with_capacity(33);
    id.push('_');
    for b in bytes {
        id.push_str(&format!("{b:02x}"));
    }
    id
}

/// `xs:dateTime` in UTC without fractional seconds (SAML core §1.3.3).
pub fn instant(t: OffsetDateTime) -> String {
    let fmt = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    t.to_offset(time::UtcOffset::UTC).format(&fmt).unwrap_or_default()
}

/// Parses an `xs:dateTime` (SAML requires UTC, `Z`, optional fractional seconds).
pub fn parse_instant(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s.trim(), &Rfc3339).ok()
}

/// Parses XML strictly: no recovery, no network, no DTD (refused before parsing, so neither
/// entity expansion nor external entities can happen).
pub fn parse_strict(xml: &str) -> Option<Document> {
    if xml.len() > MAX_MESSAGE_BYTES || xml.contains("<!DOCTYPE") || xml.contains("<!ENTITY") {
        return None;
    }
    let options = ParserOptions { recover: false, no_net: true, ..ParserOptions::default() };
    Parser::default().parse_string_with_options(xml, options).ok()
}

/// True when `node` is the element `{ns}name`.
pub fn is(node: &Node, ns: &str, name: &str) -> bool {
    node.get_name() == name && node.get_namespace().is_some_and(|n| n.get_href() == ns)
}

/// The child elements `{ns}name` of `node`, in document order.
pub fn children(node: &Node, ns: &str, name: &str) -> Vec<Node> {
    node.get_child_elements().into_iter().filter(|c| is(c, ns, name)).collect()
}

/// The only child element `{ns}name`; `None` when absent or repeated.
pub fn only_child(node: &Node, ns: &str, name: &str) -> Option<Node> {
    let mut found = children(node, ns, name);
    if found.len() == 1 { found.pop() } else { None }
}

/// Every descendant element `{ns}name` (including `node` itself).
pub fn descendants(node: &Node, ns: &str, name: &str) -> Vec<Node> {
    let mut out = Vec::new();
    let mut stack = vec![node.clone()];
    while let Some(n) = stack.pop() {
        if is(&n, ns, name) {
            out.push(n.clone());
        }
        stack.extend(n.get_child_elements());
    }
    out
}

/// The trimmed text content of an element.
pub fn text(node: &Node) -> String {
    node.get_content().trim().to_string()
}

/// Removes an XML declaration so a signed fragment can be embedded in another document.
pub fn strip_declaration(xml: &str) -> &str {
    let trimmed = xml.trim_start();
    match trimmed.strip_prefix("<?xml") {
        Some(rest) => rest.find("?>").map_or(trimmed, |i| rest[i + 2..].trim_start()),
        None => trimmed,
    }
}
