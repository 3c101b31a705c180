// The plain page frame shared by the sandbox's inspection pages (mail, SMS).
// Callers pass body HTML they built with escapeHtml; only the title is escaped here.
import { escapeHtml } from "../http.ts";

/**
 * No scripts at all on these pages; images allowed because mails link them.
 * A srcdoc iframe inherits this policy, so it also governs the mail's HTML.
 */
export const INSPECTOR_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data: http: https:; form-action 'self'; base-uri 'none'; frame-ancestors 'self'";

const STYLE = `
  :root { color-scheme: light; font-family: -apple-system, "Segoe UI", "Hiragino Sans", "Noto Sans JP", sans-serif; }
  body { margin: 0; background: #f1f2f4; color: #303030; font-size: 14px; }
  header { background: #1a1a1a; color: #fff; padding: 12px 24px; display: flex; gap: 24px; align-items: baseline; }
  header strong { font-size: 15px; }
  header a { color: #c9c9c9; text-decoration: none; }
  header a[aria-current="page"] { color: #fff; text-decoration: underline; }
  main { max-width: 1100px; margin: 24px auto; padding: 0 24px; }
  h1 { font-size: 20px; margin: 0 0 16px; }
  h2 { font-size: 15px; margin: 0 0 12px; }
  .card { background: #fff; border-radius: 12px; box-shadow: 0 1px 0 rgba(0,0,0,.07), 0 0 0 1px rgba(0,0,0,.05); padding: 16px 20px; margin-bottom: 16px; overflow-wrap: anywhere; }
  table { width: 100%; border-collapse: collapse; }
  th, td { text-align: left; padding: 8px 8px; border-bottom: 1px solid #ebebeb; vertical-align: top; }
  th { color: #616161; font-weight: 600; white-space: nowrap; }
  td.time { white-space: nowrap; color: #616161; }
  a { color: #005bd3; }
  td.text { white-space: pre-wrap; }
  pre { white-space: pre-wrap; margin: 0; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; }
  iframe { width: 100%; height: 560px; border: 1px solid #ebebeb; border-radius: 8px; background: #fff; }
  .empty { text-align: center; color: #616161; padding: 40px 0; }
  .toolbar { display: flex; justify-content: space-between; align-items: center; margin-bottom: 16px; }
  .toolbar h1 { margin: 0; }
  .badge { display: inline-block; border-radius: 8px; padding: 1px 8px; background: #e3e3e3; font-size: 12px; }
  .badge.ok { background: #cdfee1; color: #0c5132; }
  .badge.warn { background: #ffeb78; color: #4f4700; }
  .muted { color: #616161; }
  button { font: inherit; border: 0; border-radius: 8px; padding: 6px 12px; background: #303030; color: #fff; cursor: pointer; }
  button.secondary { background: #fff; color: #303030; box-shadow: inset 0 0 0 1px #c9c9c9; }
  form.inline { display: flex; gap: 8px; flex-wrap: wrap; align-items: end; }
  label { display: grid; gap: 4px; font-weight: 500; }
  input { font: inherit; padding: 6px 8px; border: 1px solid #8a8a8a; border-radius: 8px; }
`;

export type InspectorSection = "mail" | "sms" | "stock";

export function inspectorPage(title: string, section: InspectorSection, body: string): string {
  const link = (name: InspectorSection, label: string) =>
    `<a href="/${name}"${name === section ? ' aria-current="page"' : ""}>${label}</a>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Kizuna sandbox</title>
<style>${STYLE}</style>
</head>
<body>
<header><strong>Kizuna sandbox</strong><nav>${link("mail", "Mail")} &nbsp; ${link("sms", "SMS")} &nbsp; ${link("stock", "Stock")}</nav></header>
<main>
${body}
</main>
</body>
</html>`;
}

/** 2026-11-03 14:05:09 in the sandbox's local time: easy to scan in a list. */
export function formatTime(iso: string): string {
  return new Date(iso).toLocaleString("sv-SE");
}
