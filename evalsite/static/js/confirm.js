// A form with data-confirm="问题" asks before it is sent (CSP forbids inline onsubmit= handlers).
document.addEventListener("submit", function (event) {
  var message = event.target && event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
}, true);
