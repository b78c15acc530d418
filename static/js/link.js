// The personal link carries its token in the address's fragment (/me/open/#token), which the
// browser never sends: here it goes into the form, and out of the address bar and history.
(function () {
  "use strict";
  var form = document.querySelector("[data-link-form]");
  var token = window.location.hash.replace(/^#/, "");
  if (!form || !token) return;
  form.querySelector("input[name='token']").value = token;
  form.hidden = false;
  var missing = document.querySelector("[data-link-missing]");
  if (missing) missing.hidden = true;
  window.history.replaceState(null, "", window.location.pathname);
})();
