// Question form: show only the settings that apply to the chosen type.
// Convenience only: without JavaScript every setting stays visible and the
// server ignores the ones the type does not use.
(function () {
  "use strict";
  var select = document.getElementById("type");
  if (!select) return;
  var parts = document.querySelectorAll("[data-types]");
  function update() {
    for (var i = 0; i < parts.length; i++) {
      var types = parts[i].getAttribute("data-types").split(" ");
      parts[i].hidden = types.indexOf(select.value) === -1;
    }
  }
  select.addEventListener("change", update);
  update();
})();
