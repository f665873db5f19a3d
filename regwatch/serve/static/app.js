// Progressive enhancement of the date and substance form: it works without this script (the Show button);
// with it, picking a date or a substance shows it at once. First-party, loaded under script-src 'self'.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form.controls");
  if (!form) {
    return;
  }
  form.addEventListener("change", function (event) {
    var field = event.target;
    if (field && field.name === "as_of" && !field.value) {
      return; // a date being typed: wait until it is whole
    }
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit();
    } else {
      form.submit();
    }
  });
});
