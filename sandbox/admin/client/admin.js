// The admin stand-in's page script (parent of the app's iframe). It answers the
// App Bridge stand-in (client/app-bridge.js) over postMessage: session tokens,
// the app's nav menu, its location (kept in the browser's URL), toasts and the
// loading bar. Only messages from the app's iframe and origin are accepted.
/* global window, document, fetch, location, history, setTimeout, Element */
"use strict";
(() => {
  const config = JSON.parse(document.getElementById("admin-config").textContent);
  const frame = document.getElementById("app-frame");
  const appNav = document.getElementById("app-nav");
  const appHome = document.getElementById("app-home");
  const toasts = document.getElementById("toasts");
  const loading = document.getElementById("loading");
  // Set once the app in the frame reports where it is: it can navigate by itself from then on.
  let appReady = false;

  // Query parameters Shopify adds to the app's URL; they are not part of the admin URL.
  const EMBED_PARAMS = ["embedded", "shop", "host", "id_token", "locale", "hmac", "session", "timestamp"];

  /** The admin URL for an app path (`/app/x?y` → `<appBase>/x?y`), or null outside the app. */
  function adminPath(appPath) {
    const url = new URL(appPath, config.appOrigin);
    if (url.origin !== config.appOrigin || !/^\/app(\/|$)/.test(url.pathname)) return null;
    for (const name of EMBED_PARAMS) url.searchParams.delete(name);
    const rest = url.pathname.slice("/app".length).replace(/\/$/, "");
    return `${config.appBase}${rest}${url.search}`;
  }

  function reply(message) {
    frame.contentWindow.postMessage(message, config.appOrigin);
  }

  async function sendToken(id) {
    try {
      const response = await fetch(`/admin/session-token?shop=${encodeURIComponent(config.shop)}`);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const { token } = await response.json();
      reply({ type: "kizuna:id-token", id, token });
    } catch (error) {
      reply({ type: "kizuna:id-token", id, error: String(error) });
    }
  }

  function renderNav(items) {
    appNav.replaceChildren();
    for (const item of items) {
      if (item.home) continue;
      const href = adminPath(item.href);
      if (!href) continue;
      const link = document.createElement("a");
      link.className = "nav-item";
      link.href = href;
      link.dataset.appHref = item.href;
      link.textContent = item.label;
      const li = document.createElement("li");
      li.append(link);
      appNav.append(li);
    }
    const home = items.find((item) => item.home);
    if (home) appHome.dataset.appHref = home.href;
    highlight();
  }

  // An item is selected on its page and on pages below it (`/returns` on `/returns/12`).
  function highlight() {
    const here = location.pathname;
    for (const link of appNav.querySelectorAll("a")) {
      const path = new URL(link.href).pathname;
      link.classList.toggle("selected", here === path || here.startsWith(`${path}/`));
    }
  }

  function showLocation(path) {
    const admin = adminPath(path);
    if (!admin) return;
    appReady = true;
    if (admin !== location.pathname + location.search) history.replaceState(null, "", admin);
    highlight();
  }

  function showToast({ message, isError, duration }) {
    const toast = document.createElement("div");
    toast.className = isError ? "toast error" : "toast";
    toast.setAttribute("role", "status");
    toast.textContent = String(message);
    toasts.append(toast);
    setTimeout(() => toast.remove(), Math.min(Number(duration) || 5000, 30000));
  }

  window.addEventListener("message", (event) => {
    if (event.origin !== config.appOrigin || event.source !== frame.contentWindow) return;
    const message = event.data ?? {};
    switch (message.type) {
      case "kizuna:id-token":
        void sendToken(message.id);
        break;
      case "kizuna:nav":
        renderNav(Array.isArray(message.items) ? message.items : []);
        break;
      case "kizuna:location":
        showLocation(String(message.path));
        break;
      case "kizuna:toast":
        showToast(message);
        break;
      case "kizuna:loading":
        loading.hidden = !message.on;
        break;
    }
  });

  // A nav click navigates inside the app (client-side, like Shopify's admin);
  // before the app is ready the link loads the admin page itself.
  document.querySelector(".nav").addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("a[data-app-href]") : null;
    if (!link || !appReady || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    reply({ type: "kizuna:navigate", path: link.dataset.appHref });
  });

  // A new document in the frame (a reload, the bounce page) is not ready until it reports again.
  frame.addEventListener("load", () => {
    appReady = false;
    reply({ type: "kizuna:hello" });
  });
})();
