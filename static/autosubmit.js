// Submits the form marked `data-autosubmit` as soon as the page is read: the OpenID
// Connect `form_post` answer to an application (OAuth 2.0 Form Post Response Mode §2).
// A static file because the CSP allows no inline script (script-src 'self'); without
// JavaScript the form's own button does the same.
(function () {
  "use strict";
  function submit() {
    var form = document.querySelector("form[data-autosubmit]");
    if (form && !form.hasAttribute("data-submitted")) {
      form.setAttribute("data-submitted", "");
      form.submit();
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", submit);
  } else {
    submit();
  }
})();
