// Print buttons (the CSP forbids inline handlers): [data-print] prints the page; with a value,
// body gets the class print-<value> while printing, so the page's print CSS can print that part alone.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (!button) return;
  event.preventDefault();
  var part = button.getAttribute("data-print");
  if (part) {
    document.body.classList.add("print-" + part);
    window.addEventListener("afterprint", function () { document.body.classList.remove("print-" + part); }, { once: true });
  }
  window.print();
});
