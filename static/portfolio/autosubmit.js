// A <select data-autosubmit> submits its form when changed (the CSP forbids inline onchange=).
document.addEventListener("change", function (event) {
  var field = event.target.closest("[data-autosubmit]");
  if (field && field.form) field.form.submit();
});
