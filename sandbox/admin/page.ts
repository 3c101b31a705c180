// The admin stand-in's page: a minimal Shopify admin (top bar with the store,
// left nav with the app and its NavMenu items, the app framed in the main
// area). The browser side lives in client/admin.js.
import { escapeHtml } from "../http.ts";

export interface AdminLink {
  label: string;
  href: string;
}

export interface AdminPageModel {
  shop: string;
  storeTitle: string;
  appName: string;
  /** `/admin/store/<name>/apps/<handle>`: the admin URL of the app's home. */
  appBase: string;
  appOrigin: string;
  frameSrc: string;
  /** Sandbox tools shown under the app (mail sink, storefront…), opened in a new tab. */
  links: AdminLink[];
}

/** JSON inside a <script> element: `<` escaped so no text can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

function initials(title: string): string {
  const words = title.split(/\s+/).filter(Boolean);
  return words
    .slice(0, 2)
    .map((word) => word[0]!.toUpperCase())
    .join("");
}

function sandboxLinks(links: AdminLink[]): string {
  if (links.length === 0) return "";
  const items = links
    .map(
      (link) =>
        `<li><a class="nav-item" href="${escapeHtml(link.href)}" target="_blank" rel="noopener">${escapeHtml(link.label)}</a></li>`,
    )
    .join("");
  return `<div class="nav-section">Sandbox</div><ul class="nav-list">${items}</ul>`;
}

export function renderAdminPage(model: AdminPageModel): string {
  const title = `${model.appName} · ${model.storeTitle}`;
  const clientConfig = { shop: model.shop, appBase: model.appBase, appOrigin: model.appOrigin, appName: model.appName };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>${STYLES}</style>
</head>
<body>
<header class="topbar">
  <div class="brand"><span class="brand-mark">S</span><span>Sandbox admin</span></div>
  <div class="search" aria-hidden="true">Search</div>
  <div class="store" data-testid="store-name"><span class="avatar">${escapeHtml(initials(model.storeTitle))}</span><span>${escapeHtml(model.storeTitle)}</span></div>
</header>
<div class="shell">
  <nav class="nav" aria-label="Admin">
    <div class="nav-section">Apps</div>
    <ul class="nav-list">
      <li><a class="nav-item app-item selected" id="app-home" href="${escapeHtml(model.appBase)}"><span class="app-icon" aria-hidden="true">${escapeHtml(model.appName.slice(0, 1))}</span>${escapeHtml(model.appName)}</a>
        <ul class="nav-sub" id="app-nav"></ul>
      </li>
    </ul>
    ${sandboxLinks(model.links)}
  </nav>
  <main class="main">
    <div class="loading" id="loading" hidden></div>
    <iframe id="app-frame" name="app-iframe" title="${escapeHtml(model.appName)}" src="${escapeHtml(model.frameSrc)}"></iframe>
  </main>
</div>
<div class="toasts" id="toasts" aria-live="polite"></div>
<script type="application/json" id="admin-config">${scriptJson(clientConfig)}</script>
<script src="/admin/admin.js"></script>
</body>
</html>`;
}

export function renderNotFound(message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found</title><style>${STYLES}</style></head>
<body><main class="not-found"><h1>Not found</h1><p>${escapeHtml(message)}</p><p><a href="/admin">Open the admin</a></p></main></body></html>`;
}

// Close to Shopify admin's look (Polaris tokens): dark top bar, grey nav, light main area.
const STYLES = `
*{box-sizing:border-box}
html,body{margin:0;height:100%;font-family:Inter,-apple-system,BlinkMacSystemFont,"San Francisco","Segoe UI",Roboto,"Helvetica Neue",sans-serif;font-size:13px;color:#303030;background:#f1f1f1}
.topbar{height:56px;background:#1a1a1a;color:#e3e3e3;display:flex;align-items:center;gap:16px;padding:0 12px 0 16px}
.brand{display:flex;align-items:center;gap:8px;font-weight:650;font-size:14px;color:#fff;width:228px}
.brand-mark{display:inline-grid;place-items:center;width:28px;height:28px;border-radius:8px;background:#95bf47;color:#1a1a1a;font-weight:800}
.search{flex:1;max-width:560px;margin:0 auto;height:34px;border-radius:10px;background:#303030;border:1px solid #4a4a4a;color:#8a8a8a;display:flex;align-items:center;padding:0 12px}
.store{display:flex;align-items:center;gap:8px;color:#e3e3e3;font-weight:550;padding:4px 8px;border-radius:10px}
.avatar{display:inline-grid;place-items:center;width:28px;height:28px;border-radius:8px;background:#36fba1;color:#1a1a1a;font-weight:700;font-size:12px}
.shell{display:flex;height:calc(100% - 56px)}
.nav{width:240px;flex:none;background:#ebebeb;padding:12px 8px;overflow:auto;border-right:1px solid #e3e3e3}
.nav-section{font-size:12px;font-weight:650;color:#616161;padding:16px 8px 6px}
.nav-list,.nav-sub{list-style:none;margin:0;padding:0}
.nav-item{display:flex;align-items:center;gap:8px;padding:6px 8px;border-radius:8px;color:#303030;text-decoration:none;font-weight:550}
.nav-item:hover{background:#f7f7f7}
.nav-item.selected{background:#fafafa;color:#1a1a1a;font-weight:650;box-shadow:0 1px 0 rgba(0,0,0,.07)}
.app-icon{display:inline-grid;place-items:center;width:20px;height:20px;border-radius:6px;background:#5c6ac4;color:#fff;font-size:11px;font-weight:700}
.nav-sub .nav-item{padding-left:36px;font-weight:450;color:#616161}
.nav-sub .nav-item.selected{color:#1a1a1a;font-weight:650;background:transparent;box-shadow:none}
.main{flex:1;position:relative;min-width:0}
.main iframe{display:block;width:100%;height:100%;border:0;background:#f1f1f1}
.loading{position:absolute;top:0;left:0;height:3px;width:40%;background:#303030;animation:load 1.2s ease-in-out infinite}
@keyframes load{from{left:-40%}to{left:100%}}
.toasts{position:fixed;left:50%;bottom:24px;transform:translateX(-50%);display:flex;flex-direction:column;gap:8px;align-items:center;z-index:10}
.toast{background:#1a1a1a;color:#fff;border-radius:12px;padding:12px 16px;font-size:13px;font-weight:550;box-shadow:0 8px 20px rgba(0,0,0,.2)}
.toast.error{background:#c70a24}
.not-found{max-width:560px;margin:64px auto;background:#fff;border-radius:12px;padding:24px;box-shadow:0 1px 0 rgba(0,0,0,.07)}
`;
