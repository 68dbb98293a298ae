// Passkeys (WebAuthn) for Poort: registration in My digital keys and login.
// No inline script (CSP script-src 'self'): the page passes the CSRF token, the login
// transaction and translated messages in data- attributes; the server sends the
// WebAuthn options as JSON and answers with JSON ({"redirect": …} or {"message": …}).
(function () {
  "use strict";

  function fromB64url(s) {
    var b64 = s.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) { b64 += "="; }
    var bin = atob(b64), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out.buffer;
  }

  function toB64url(buf) {
    var bytes = new Uint8Array(buf), bin = "";
    for (var i = 0; i < bytes.length; i++) { bin += String.fromCharCode(bytes[i]); }
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function post(url, csrf, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": csrf },
      body: body === undefined ? "" : JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (j) {
        if (!r.ok) { throw new Error(j.message || r.statusText); }
        return j;
      });
    });
  }

  function showError(root, message) {
    var box = root.querySelector(".notice-error");
    if (box) { box.textContent = message; box.hidden = false; }
  }

  function credentialJson(cred) {
    var r = cred.response, response = { clientDataJSON: toB64url(r.clientDataJSON) };
    if (r.attestationObject) { response.attestationObject = toB64url(r.attestationObject); }
    if (r.authenticatorData) { response.authenticatorData = toB64url(r.authenticatorData); }
    if (r.signature) { response.signature = toB64url(r.signature); }
    if (r.userHandle) { response.userHandle = toB64url(r.userHandle); }
    return {
      id: cred.id,
      rawId: toB64url(cred.rawId),
      type: cred.type,
      response: response,
      extensions: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {}
    };
  }

  function supported() {
    return !!(window.PublicKeyCredential && navigator.credentials);
  }

  function register(root) {
    var csrf = root.getAttribute("data-csrf");
    var button = root.querySelector("#passkey-add-button");
    var nameField = root.querySelector("#passkey-name");
    if (!button) { return; }
    button.hidden = false;
    if (nameField) { nameField.parentNode.hidden = false; }
    button.addEventListener("click", function () {
      if (!supported()) { showError(root, root.getAttribute("data-msg-unsupported")); return; }
      button.disabled = true;
      post("/my/keys/passkey/register/start", csrf, { name: nameField ? nameField.value : "" })
        .then(function (options) {
          var pk = options.publicKey;
          pk.challenge = fromB64url(pk.challenge);
          pk.user.id = fromB64url(pk.user.id);
          (pk.excludeCredentials || []).forEach(function (c) { c.id = fromB64url(c.id); });
          return navigator.credentials.create({ publicKey: pk });
        })
        .then(function (cred) {
          return post("/my/keys/passkey/register/finish", csrf, credentialJson(cred));
        })
        .then(function (done) { window.location.assign(done.redirect); })
        .catch(function (e) {
          button.disabled = false;
          showError(root, e && e.name === "NotAllowedError" ? root.getAttribute("data-msg-failed") : (e.message || root.getAttribute("data-msg-failed")));
        });
    });
  }

  function login(root) {
    var csrf = root.getAttribute("data-csrf");
    var tx = encodeURIComponent(root.getAttribute("data-tx"));
    var button = root.querySelector("#passkey-login-button");
    button.addEventListener("click", function () {
      if (!supported()) { showError(root, root.getAttribute("data-msg-unsupported")); return; }
      button.disabled = true;
      post("/login/passkey/start?tx=" + tx, csrf)
        .then(function (options) {
          var pk = options.publicKey;
          pk.challenge = fromB64url(pk.challenge);
          (pk.allowCredentials || []).forEach(function (c) { c.id = fromB64url(c.id); });
          return navigator.credentials.get({ publicKey: pk });
        })
        .then(function (cred) {
          return post("/login/passkey/finish?tx=" + tx, csrf, credentialJson(cred));
        })
        .then(function (done) { window.location.assign(done.redirect); })
        .catch(function (e) {
          button.disabled = false;
          showError(root, e && e.name === "NotAllowedError" ? root.getAttribute("data-msg-failed") : (e.message || root.getAttribute("data-msg-failed")));
        });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var reg = document.querySelector("[data-passkey-register]");
    if (reg) { register(reg); }
    var log = document.querySelector("[data-passkey-login]");
    if (log) { login(log); }
  });
})();
