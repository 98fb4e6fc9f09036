/* Xiuhua's small page helpers: no framework, each feature switched on by a data attribute.
 * - data-show-when="field=value" on a fieldset: shown only while that choice is picked.
 * - data-geolocate on a button: fills the form's latitude/longitude (+ accuracy) from the device.
 * - data-draft="key" on a form: keeps the typed text on this device until it is submitted, and
 *   holds the submission while the device is offline.
 * - <meta name="xh-search-label">: the label of viewflow's list search (its component writes
 *   "Search..." in English) in the page's language.
 * - registers the service worker that makes the site installable.
 * The server validates everything again; these only guide.
 */
(function () {
  "use strict";

  function showWhen(root) {
    root.querySelectorAll("fieldset[data-show-when]").forEach(function (group) {
      var rule = group.getAttribute("data-show-when").split("=");
      var form = group.closest("form");
      if (!form) return;
      function update() {
        var picked = form.querySelector('[name$="' + rule[0] + '"]:checked') || form.querySelector('select[name$="' + rule[0] + '"]');
        var on = picked && picked.value === rule[1];
        group.hidden = !on;
        group.querySelectorAll("input, select, textarea").forEach(function (el) { el.disabled = !on; });
      }
      form.addEventListener("change", update);
      update();
    });
  }

  function geolocate(root) {
    root.querySelectorAll("[data-geolocate]").forEach(function (button) {
      if (button.dataset.bound) return;
      button.dataset.bound = "1";
      var form = button.closest("form");
      var status = form.querySelector("[data-geolocate-status]");
      if (!("geolocation" in navigator)) { button.hidden = true; return; }
      button.addEventListener("click", function () {
        if (status) status.textContent = button.dataset.waiting || "";
        navigator.geolocation.getCurrentPosition(function (pos) {
          var lat = form.querySelector('input[name$="latitude"]');
          var lng = form.querySelector('input[name$="longitude"]');
          var acc = form.querySelector('input[name$="location_accuracy"]');
          if (lat) lat.value = pos.coords.latitude.toFixed(6);
          if (lng) lng.value = pos.coords.longitude.toFixed(6);
          if (acc) acc.value = Math.round(pos.coords.accuracy);
          if (status) status.textContent = (button.dataset.accuracy || "±{m} m").replace("{m}", Math.round(pos.coords.accuracy));
          form.dispatchEvent(new Event("input"));
        }, function (err) {
          if (status) status.textContent = button.dataset.failed || err.message;
        }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
      });
    });
  }

  function drafts(root) {
    root.querySelectorAll("form[data-draft]").forEach(function (form) {
      if (form.dataset.bound) return;
      form.dataset.bound = "1";
      var key = "xiuhua-draft:" + form.getAttribute("data-draft");
      var note = form.querySelector("[data-draft-status]");
      function fields() {
        return Array.prototype.filter.call(form.elements, function (el) {
          return el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "file" && el.type !== "submit" && el.type !== "hidden";
        });
      }
      function save() {
        var data = {};
        fields().forEach(function (el) {
          if (el.type === "radio" || el.type === "checkbox") { if (el.checked) data[el.name] = el.value; }
          else data[el.name] = el.value;
        });
        try { localStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* storage full or blocked */ }
      }
      var stored = null;
      try { stored = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { stored = null; }
      if (stored && !form.querySelector(".errornote")) {
        fields().forEach(function (el) {
          if (!(el.name in stored)) return;
          if (el.type === "radio" || el.type === "checkbox") el.checked = stored[el.name] === el.value;
          else if (!el.value || el.tagName === "TEXTAREA") el.value = stored[el.name];
        });
        if (note) note.textContent = note.dataset.restored || "";
      }
      form.addEventListener("input", save);
      form.addEventListener("change", save);
      form.addEventListener("submit", function (event) {
        if (!navigator.onLine) {
          event.preventDefault();
          save();
          if (note) note.textContent = note.dataset.offline || "";
          window.addEventListener("online", function () {
            if (note) note.textContent = note.dataset.online || "";
          }, { once: true });
          return;
        }
        try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
      });
    });
  }

  function searchLabel(root) {
    var meta = document.querySelector('meta[name="xh-search-label"]');
    if (!meta || !window.customElements) return;
    window.customElements.whenDefined("vf-page-search").then(function () {
      root.querySelectorAll("vf-page-search #id_page_search_label").forEach(function (label) {
        label.textContent = meta.getAttribute("content");
      });
    });
  }

  function init() {
    searchLabel(document);
    showWhen(document);
    geolocate(document);
    drafts(document);
  }

  if ("serviceWorker" in navigator && window.isSecureContext) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/public/app/sw.js", { scope: "/" }).catch(function () { /* not installable here */ });
    });
  }
  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("turbo:load", init);
})();
