// The customer's order pages as plain HTML: no Polaris and no React on the
// storefront, one small inline stylesheet, mobile first (readable at 375 px,
// tap targets of 48 px), working without JavaScript. Every value that reaches
// the page goes through `h` (escaped); messages are escaped too, since their
// parameters carry customer and seller text. No server imports: pure strings.

export function h(value: string | number | null | undefined): string {
  return String(value ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** Only absolute http(s) URLs without spaces, quotes or angle brackets are linked. */
export function safeUrl(value: string | null | undefined): string | null {
  return value && /^https?:\/\/[^\s"'<>]+$/i.test(value) ? value : null;
}

const STYLE = `
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font:16px/1.6 -apple-system,BlinkMacSystemFont,"Segoe UI","Hiragino Sans","Noto Sans JP",Meiryo,sans-serif;color:#1a1a1a;background:#f6f6f4}
main{max-width:40rem;margin:0 auto;padding:16px}
header.shop{background:#fff;border-bottom:1px solid #e3e3e3;padding:12px 16px;font-weight:600}
header.shop a{color:inherit;text-decoration:none}
h1{font-size:1.4rem;line-height:1.3;margin:8px 0 4px}
h2{font-size:1.1rem;margin:0 0 8px}
p{margin:0 0 12px}
.card{background:#fff;border:1px solid #e3e3e3;border-radius:12px;padding:16px;margin:16px 0}
.muted{color:#5c5c5c;font-size:.95rem}
.status{display:inline-block;border-radius:999px;padding:2px 12px;font-size:.9rem;background:#eef3ff;color:#1d3d8f}
.status.warn{background:#fff4e0;color:#7a4a00}.status.ok{background:#e7f6ec;color:#155d2c}.status.bad{background:#fdecec;color:#8e1f0b}
.notice{border-left:4px solid #1d6b3a;background:#eef8f1;padding:12px 16px;border-radius:8px;margin:16px 0}
.notice.error{border-color:#b3261e;background:#fdecec}
ol.timeline{list-style:none;margin:0;padding:0}
ol.timeline li{position:relative;padding:0 0 16px 24px;border-left:2px solid #d9d9d9;margin-left:6px}
ol.timeline li:last-child{border-left-color:transparent}
ol.timeline li::before{content:"";position:absolute;left:-7px;top:6px;width:12px;height:12px;border-radius:50%;background:#8a8a8a}
ol.timeline li.key::before{background:#1d6b3a}ol.timeline li.warn::before{background:#c77700}
ol.timeline time{display:block;font-size:.85rem;color:#5c5c5c}
ol.timeline .detail{display:block;font-size:.95rem;color:#3d3d3d;overflow-wrap:anywhere}
ul.items{list-style:none;padding:0;margin:0}ul.items li{display:flex;justify-content:space-between;gap:12px;padding:8px 0;border-bottom:1px solid #eee}
ul.items li:last-child{border-bottom:0}
a{color:#1d4fd8}
.button,button{display:block;width:100%;min-height:48px;font:inherit;font-weight:600;border-radius:10px;border:0;padding:12px 16px;background:#1a1a1a;color:#fff;text-align:center;text-decoration:none;cursor:pointer;margin:8px 0}
.button.secondary,button.secondary{background:#fff;color:#1a1a1a;border:1px solid #8a8a8a}
label{display:block;font-weight:600;margin:12px 0 4px}
input[type=text],input[type=email],select,textarea{display:block;width:100%;min-height:48px;font:inherit;padding:10px 12px;border:1px solid #8a8a8a;border-radius:8px;background:#fff}
textarea{min-height:96px}
input[type=file]{display:block;width:100%;min-height:48px;padding:8px 0}
fieldset{border:1px solid #e3e3e3;border-radius:10px;padding:8px 12px 12px;margin:12px 0}
legend{font-weight:600;padding:0 4px}
.choice{display:flex;align-items:center;gap:10px;min-height:48px;font-weight:400;margin:0}
.choice input{width:22px;height:22px}
.verdict{border-radius:10px;padding:12px 16px;margin:16px 0;background:#eef3ff}
.verdict.approve{background:#e7f6ec}.verdict.decline,.verdict.incomplete{background:#fff4e0}
.verdict ul{margin:4px 0 0;padding-left:20px}
dl.amounts{display:grid;grid-template-columns:1fr auto;gap:2px 12px;margin:8px 0 0}dl.amounts dd{margin:0;text-align:right}
.help details{border-top:1px solid #eee;padding:4px 0}.help details:first-of-type{border-top:0}
.help summary{min-height:44px;display:flex;align-items:center;cursor:pointer;font-weight:600}
.help .text{white-space:pre-wrap;overflow-wrap:anywhere;margin:4px 0 8px}
ol.messages{list-style:none;margin:0 0 12px;padding:0}ol.messages li{border-radius:10px;padding:10px 12px;margin:0 0 8px;background:#f3f3f3}
ol.messages li.shop{background:#eef3ff}ol.messages .who{display:block;font-size:.85rem;color:#5c5c5c}
ol.messages .text{white-space:pre-wrap;overflow-wrap:anywhere}
footer{max-width:40rem;margin:0 auto;padding:16px;font-size:.85rem;color:#5c5c5c}
@media (min-width:48rem){main{padding:24px}h1{font-size:1.6rem}}
`;

export interface LayoutInput {
  locale: "ja" | "en";
  title: string;
  shopName: string;
  /** Link of the shop's name in the header (the storefront's home). */
  homeHref?: string;
  body: string;
  /** A script for this page, run with the page's nonce. */
  script?: string;
  nonce: string;
  /** Reload after this many seconds (a cancellation in progress). */
  refreshSeconds?: number;
}

export function layout(input: LayoutInput): string {
  const refresh = input.refreshSeconds ? `<meta http-equiv="refresh" content="${input.refreshSeconds}">` : "";
  const script = input.script ? `<script nonce="${h(input.nonce)}">${input.script}</script>` : "";
  return `<!doctype html>
<html lang="${input.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
${refresh}<title>${h(input.title)} – ${h(input.shopName)}</title>
<style>${STYLE}</style>
</head>
<body>
<header class="shop"><a href="${h(input.homeHref ?? "/")}">${h(input.shopName)}</a></header>
<main>
${input.body}
</main>
${script}
</body>
</html>`;
}

/** Security headers of every customer page: no caching (tokens and personal data), a tight CSP. */
export function pageHeaders(nonce: string, locale: "ja" | "en"): Record<string, string> {
  return {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Language": locale,
    "Cache-Control": "private, no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; img-src 'self' data: blob:; form-action 'self'; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'`,
  };
}

export interface FieldOption {
  value: string;
  label: string;
  selected?: boolean;
  disabled?: boolean;
}

export function select(name: string, id: string, options: FieldOption[], attrs = ""): string {
  const items = options
    .map(
      (option) =>
        `<option value="${h(option.value)}"${option.selected ? " selected" : ""}${option.disabled ? " disabled" : ""}>${h(option.label)}</option>`,
    )
    .join("");
  return `<select name="${h(name)}" id="${h(id)}"${attrs}>${items}</select>`;
}

export interface TimelineView {
  at: string;
  /** Shown as the entry's time, already formatted. */
  when: string;
  title: string;
  detail?: string | null;
  link?: { href: string; label: string } | null;
  tone?: "key" | "warn" | null;
}

export function timeline(entries: TimelineView[]): string {
  const items = entries
    .map((entry) => {
      const link = entry.link
        ? ` <a href="${h(entry.link.href)}" rel="noopener noreferrer" target="_blank">${h(entry.link.label)}</a>`
        : "";
      const detail = entry.detail ? `<span class="detail">${h(entry.detail)}</span>` : "";
      return `<li${entry.tone ? ` class="${entry.tone}"` : ""}><time datetime="${h(entry.at)}">${h(entry.when)}</time><strong>${h(entry.title)}</strong>${link}${detail}</li>`;
    })
    .join("\n");
  return `<ol class="timeline">\n${items}\n</ol>`;
}
