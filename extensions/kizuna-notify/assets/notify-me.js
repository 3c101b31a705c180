/* global document, window, fetch, URLSearchParams -- a storefront script: browser globals */
// Kizuna "Notify me when available" block.
// - Follows the selected variant: the theme's variant picker (`name="id"` in a
//   cart form), the `variant` URL parameter, and `variant:change` events.
// - Shows the form only while that variant is sold out.
// - Posts JSON to the app proxy without cookies; results go to an aria-live region.
(function () {
  "use strict";

  var PHONE = /^\+?[0-9 ()-]{7,20}$/;

  function init(root) {
    if (root.getAttribute("data-kizuna-ready")) return;
    root.setAttribute("data-kizuna-ready", "1");

    var panel = root.querySelector("[data-kizuna-panel]");
    var form = root.querySelector("form");
    var status = root.querySelector("[data-kizuna-status]");
    var button = form.querySelector('button[type="submit"]');
    var availability = parseVariants(root.getAttribute("data-variants"));
    var done = {};

    function message(name) {
      return root.getAttribute("data-msg-" + name) || "";
    }

    function selectedVariantId() {
      var picker = document.querySelector('form[action*="/cart/add"] [name="id"]');
      if (picker && picker.value) return String(picker.value);
      var fromUrl = new URLSearchParams(window.location.search).get("variant");
      if (fromUrl) return fromUrl;
      return form.elements.variant_id.value;
    }

    function sync(variantId) {
      var id = variantId ? String(variantId) : selectedVariantId();
      if (!(id in availability)) return;
      form.elements.variant_id.value = id;
      var soldOut = availability[id] === false;
      // A shopper who already signed up for this variant sees the confirmation instead of the form.
      panel.hidden = !soldOut || done[id] === true;
      if (!soldOut) status.textContent = "";
    }

    document.addEventListener("change", function () {
      // Themes update the URL and hidden inputs in their own change handlers: read after them.
      window.setTimeout(function () {
        sync();
      }, 0);
    });
    document.addEventListener("variant:change", function (event) {
      var variant = event.detail && event.detail.variant;
      sync(variant && variant.id);
    });
    window.addEventListener("popstate", function () {
      sync();
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors(form);
      var input = readForm(form);
      var problem = validate(input);
      if (problem) {
        // The message sits next to the field and is read out when focus lands there.
        status.textContent = "";
        showError(form, problem.field, message(problem.message));
        return;
      }
      submit(input.payload);
    });

    function submit(data) {
      button.disabled = true;
      form.setAttribute("aria-busy", "true");
      status.textContent = message("submitting");
      fetch(root.getAttribute("data-endpoint"), {
        method: "POST",
        credentials: "omit",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(data),
      })
        .then(function (response) {
          if (response.ok) {
            done[data.variantId] = true;
            panel.hidden = true;
            status.textContent = message("success");
            return;
          }
          if (response.status === 429) {
            status.textContent = message("error-rate-limited");
            return;
          }
          // The app answers 4xx with a message in the shopper's language (e.g. 409: in stock, buy now).
          return response.json().then(
            function (body) {
              var text = response.status < 500 && body && typeof body.message === "string" ? body.message : "";
              status.textContent = text || message("error-generic");
            },
            function () {
              status.textContent = message("error-generic");
            },
          );
        })
        .catch(function () {
          status.textContent = message("error-generic");
        })
        .then(function () {
          button.disabled = false;
          form.removeAttribute("aria-busy");
        });
    }

    sync();
  }

  function parseVariants(text) {
    var map = {};
    (text || "").split(",").forEach(function (pair) {
      var parts = pair.split(":");
      if (parts[0]) map[parts[0]] = parts[1] === "1";
    });
    return map;
  }

  function readForm(form) {
    var phone = form.elements.phone ? form.elements.phone.value.trim() : "";
    var consent = form.elements.sms_consent ? form.elements.sms_consent.checked : false;
    return {
      payload: {
        variantId: form.elements.variant_id.value,
        productId: form.elements.product_id.value,
        email: form.elements.email.value.trim(),
        phone: phone || null,
        smsConsent: Boolean(phone) && consent,
        locale: form.elements.locale.value,
      },
      consentChecked: consent,
    };
  }

  function validate(input) {
    var data = input.payload;
    var email = document.createElement("input");
    email.type = "email";
    email.value = data.email;
    if (!data.email || !email.checkValidity()) return { field: "email", message: "error-email" };
    if (data.phone && !PHONE.test(data.phone)) return { field: "phone", message: "error-phone" };
    // SMS needs an explicit opt-in: a number without the box ticked is not consent.
    if (data.phone && !input.consentChecked) return { field: "sms_consent", message: "error-consent" };
    return null;
  }

  function showError(form, field, text) {
    var input = form.elements[field];
    var error = form.querySelector('[data-error-for="' + field + '"]');
    if (error) {
      error.textContent = text;
      error.hidden = false;
    }
    if (input) {
      input.setAttribute("aria-invalid", "true");
      input.focus();
    }
  }

  function clearErrors(form) {
    Array.prototype.forEach.call(form.querySelectorAll("[data-error-for]"), function (error) {
      error.textContent = "";
      error.hidden = true;
    });
    Array.prototype.forEach.call(form.querySelectorAll('[aria-invalid="true"]'), function (input) {
      input.removeAttribute("aria-invalid");
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-kizuna-notify]"), init);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  // The theme editor re-renders sections: pick up new blocks.
  document.addEventListener("shopify:section:load", start);
})();
