// The App Bridge stand-in: what Shopify's app-bridge.js provides to an embedded
// app, for the sandbox. The app loads it inside the admin stand-in's iframe
// (sandbox mode only) as <script src=".../admin/app-bridge.js" data-api-key>.
// It defines `window.shopify` (idToken, config, toast, loading), the
// <ui-nav-menu> element of @shopify/app-bridge-react's NavMenu, adds
// `Authorization: Bearer <session token>` to the app's same-origin fetches
// (Remix data requests and form submissions need it), and answers the
// library's bounce page. Everything goes through postMessage with the admin
// page, which is served from the same origin as this script.
/* global window, document, Request, Headers, URLSearchParams, CustomEvent, MutationObserver, HTMLElement,
   customElements, sessionStorage, history, location, atob, setTimeout */
"use strict";
(() => {
  const script = document.currentScript;
  const adminOrigin = new URL(script.src).origin;
  const framed = window.parent !== window;
  const params = new URLSearchParams(location.search);

  // shop/host/locale come with the document URL; client-side navigations drop
  // them, so they are kept for this tab's later documents.
  // (Storage can be blocked in a third-party frame: then only the URL counts.)
  function remembered(update) {
    try {
      if (update) sessionStorage.setItem("kizuna-app-bridge", JSON.stringify(update));
      return JSON.parse(sessionStorage.getItem("kizuna-app-bridge") || "{}");
    } catch {
      return {};
    }
  }
  const saved = remembered();
  const config = Object.freeze({
    apiKey: script.dataset.apiKey || "",
    shop: params.get("shop") || saved.shop || "",
    host: params.get("host") || saved.host || "",
    locale: params.get("locale") || saved.locale || "en",
  });
  remembered(config);

  function post(message) {
    if (framed) window.parent.postMessage(message, adminOrigin);
  }

  // --- session tokens: asked of the admin, kept until shortly before they expire
  const pending = new Map();
  let nextId = 1;
  let cached = null;

  function expiryOf(token) {
    const payload = token.split(".")[1] || "";
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    return JSON.parse(json).exp * 1000;
  }

  function askAdmin() {
    return new Promise((resolve, reject) => {
      if (!framed) return reject(new Error("App Bridge: the app is not inside the admin"));
      const id = nextId++;
      pending.set(id, { resolve, reject });
      post({ type: "kizuna:id-token", id });
      setTimeout(() => {
        if (pending.delete(id)) reject(new Error("App Bridge: the admin did not send a session token"));
      }, 10000);
    });
  }

  async function idToken(fresh) {
    if (!fresh && cached && cached.expiresAt - 10000 > Date.now()) return cached.token;
    const token = await askAdmin();
    cached = { token, expiresAt: expiryOf(token) };
    return token;
  }

  // --- fetch: same-origin requests carry the session token, as with App Bridge
  const nativeFetch = window.fetch.bind(window);

  async function withToken(request, fresh) {
    const headers = new Headers(request.headers);
    headers.set("Authorization", `Bearer ${await idToken(fresh)}`);
    return new Request(request, { headers });
  }

  window.fetch = async function fetchWithSessionToken(input, init) {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    if (!framed || url.origin !== location.origin) return nativeFetch(input, init);
    const request = new Request(input, init);
    const spare = request.clone();
    let response = await nativeFetch(await withToken(request, false));
    // The library asks for one retry with a new token when it refused the old one.
    if (response.status === 401 && response.headers.get("X-Shopify-Retry-Invalid-Session-Request") === "1") {
      response = await nativeFetch(await withToken(spare, true));
    }
    const reauthorize = response.headers.get("X-Shopify-API-Request-Failure-Reauthorize-Url");
    if (reauthorize) window.open(reauthorize, "_top");
    return response;
  };

  // --- navigation: report where the app is; navigate when the admin's nav is clicked
  function reportLocation() {
    post({ type: "kizuna:location", path: location.pathname + location.search });
  }

  for (const method of ["pushState", "replaceState"]) {
    const original = history[method];
    history[method] = function (...args) {
      const result = original.apply(this, args);
      reportLocation();
      return result;
    };
  }
  window.addEventListener("popstate", reportLocation);

  // The app's AppProvider listens for `shopify:navigate` on a link and routes to its href.
  function navigate(path) {
    const link = document.createElement("a");
    link.setAttribute("href", path);
    link.hidden = true;
    document.body.append(link);
    link.dispatchEvent(new CustomEvent("shopify:navigate", { bubbles: true }));
    link.remove();
  }

  // --- <ui-nav-menu>: its links become the admin's nav items for the app
  const navMenus = new Set();

  function reportNav() {
    const items = [];
    for (const menu of navMenus) {
      for (const link of menu.querySelectorAll("a[href]")) {
        items.push({
          label: (link.textContent || "").trim(),
          href: link.getAttribute("href"),
          home: link.getAttribute("rel") === "home",
        });
      }
    }
    post({ type: "kizuna:nav", items });
  }

  class NavMenu extends HTMLElement {
    connectedCallback() {
      navMenus.add(this);
      this.observer = new MutationObserver(reportNav);
      this.observer.observe(this, { childList: true, subtree: true, attributes: true, characterData: true });
      reportNav();
    }

    disconnectedCallback() {
      navMenus.delete(this);
      this.observer.disconnect();
      reportNav();
    }
  }
  if (!customElements.get("ui-nav-menu")) customElements.define("ui-nav-menu", NavMenu);

  // App Bridge's elements are configuration, never shown inside the app.
  const style = document.createElement("style");
  style.textContent = "ui-nav-menu,ui-title-bar,ui-save-bar,ui-modal{display:none!important}";
  document.head.append(style);

  // --- messages from the admin page
  window.addEventListener("message", (event) => {
    if (event.origin !== adminOrigin || event.source !== window.parent) return;
    const message = event.data || {};
    if (message.type === "kizuna:id-token") {
      const waiting = pending.get(message.id);
      pending.delete(message.id);
      if (waiting && message.token) waiting.resolve(message.token);
      else if (waiting) waiting.reject(new Error(`App Bridge: no session token (${message.error})`));
    } else if (message.type === "kizuna:navigate") {
      navigate(String(message.path));
    } else if (message.type === "kizuna:hello") {
      reportLocation();
      reportNav();
    }
  });

  // --- window.shopify
  let toastId = 0;
  window.shopify = {
    config,
    idToken: () => idToken(false),
    toast: {
      show(message, options = {}) {
        post({
          type: "kizuna:toast",
          message: String(message),
          isError: Boolean(options.isError),
          duration: options.duration,
        });
        return `toast-${++toastId}`;
      },
      hide() {},
    },
    loading(on = true) {
      post({ type: "kizuna:loading", on: Boolean(on) });
    },
  };

  // --- outside the admin, or on the library's bounce page
  const EMBED_PARAMS = ["embedded", "shop", "host", "id_token", "locale", "hmac", "session", "timestamp"];

  /** Shopify opens an embedded app outside its admin inside the admin instead. */
  function openInAdmin(url) {
    for (const name of [...EMBED_PARAMS, "shopify-reload"]) url.searchParams.delete(name);
    const target = new URL("/admin", adminOrigin);
    if (config.shop) target.searchParams.set("shop", config.shop);
    target.searchParams.set("path", url.pathname + url.search);
    window.top.location.replace(target.href);
  }

  // The bounce page reloads the page it came from with a fresh session token.
  const reload = params.get("shopify-reload");
  if (reload) {
    const target = new URL(reload, location.href);
    if (target.origin !== location.origin) return;
    if (!framed) return openInAdmin(target);
    idToken(true)
      .then((token) => {
        target.searchParams.set("id_token", token);
        location.replace(target.href);
      })
      .catch((error) => console.error(error));
    return;
  }
  if (!framed) return openInAdmin(new URL(location.href));
  reportLocation();
  reportNav();
})();
