// Pages and a JSON API over the mail sink:
//   GET    /mail                      list, newest first
//   GET    /mail/<id>                 one message: HTML part (sandboxed iframe), text part, headers
//   GET    /mail/<id>/raw             the source as received (text/plain)
//   POST   /mail/clear                the list page's "Clear" button
//   GET    /mail/api/messages[?to=]   JSON { received, messages } newest first, optionally by recipient
//   GET    /mail/api/messages/<id>    JSON of one message
//   DELETE /mail/api/messages         forget everything
// Everything a mail carries is shown escaped; its HTML only inside a sandboxed
// iframe under a no-script CSP.
import type { ServerResponse } from "node:http";
import { escapeHtml, sendHtml, sendJson, type SandboxHandler } from "../http.ts";
import { formatTime, inspectorPage, INSPECTOR_CSP } from "./layout.ts";
import type { MailSink, SinkMessage } from "./mail-sink.ts";

export function createMailPagesHandler(sink: MailSink): SandboxHandler {
  return async (request, response, url) => {
    const path = url.pathname.replace(/\/+$/, "") || "/";
    if (path !== "/mail" && !path.startsWith("/mail/")) return false;
    await route(sink, request.method ?? "GET", path, url, response);
    return true;
  };
}

async function route(sink: MailSink, method: string, path: string, url: URL, response: ServerResponse) {
  if (path === "/mail/api/messages") {
    if (method === "GET") await listJson(response, sink, url.searchParams.get("to"));
    else if (method === "DELETE") {
      const deleted = sink.received();
      sink.clear();
      sendJson(response, 200, { deleted });
    } else methodNotAllowed(response, "GET, DELETE");
    return;
  }
  const apiOne = /^\/mail\/api\/messages\/([^/]+)$/.exec(path);
  if (apiOne) {
    const message = await sink.message(apiOne[1] ?? "");
    if (message) sendJson(response, 200, message);
    else sendJson(response, 404, { error: "no such message" });
    return;
  }
  if (path === "/mail/clear" && method === "POST") {
    sink.clear();
    response.writeHead(303, { Location: "/mail" }).end();
    return;
  }
  if (method !== "GET" && method !== "HEAD") return methodNotAllowed(response, "GET");
  if (path === "/mail") return page(response, 200, "Mail", listPage(await sink.messages()));

  const detail = /^\/mail\/([^/]+)(\/raw)?$/.exec(path);
  const message = detail ? await sink.message(detail[1] ?? "") : undefined;
  if (!message) return page(response, 404, "Not found", notFound());
  if (detail?.[2]) {
    response.writeHead(200, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" });
    response.end(message.raw);
    return;
  }
  page(response, 200, message.subject || "(no subject)", detailPage(message));
}

function page(response: ServerResponse, status: number, title: string, body: string): void {
  sendHtml(response, status, inspectorPage(title, "mail", body), {
    "Content-Security-Policy": INSPECTOR_CSP,
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
  });
}

async function listJson(response: ServerResponse, sink: MailSink, to: string | null) {
  const wanted = to?.toLowerCase();
  const messages = (await sink.messages())
    .filter((message) => !wanted || recipients(message).some((address) => address.toLowerCase() === wanted))
    .reverse();
  sendJson(response, 200, { received: sink.received(), messages });
}

function recipients(message: SinkMessage): string[] {
  return [...message.envelope.to, ...message.to.split(",").map((part) => part.replace(/.*</, "").replace(/>.*/, ""))]
    .map((address) => address.trim())
    .filter(Boolean);
}

function methodNotAllowed(response: ServerResponse, allow: string): void {
  sendJson(response, 405, { error: `use ${allow}` }, { Allow: allow });
}

function listPage(messages: SinkMessage[]): string {
  const toolbar = `<div class="toolbar"><h1>Mail sink</h1>${
    messages.length
      ? `<form method="post" action="/mail/clear"><button class="secondary" type="submit">Clear all</button></form>`
      : ""
  }</div>`;
  if (messages.length === 0) {
    return `${toolbar}<div class="card empty"><p><strong>No mail yet</strong></p><p>Mail the app sends over SMTP appears here.</p></div>`;
  }
  const rows = [...messages]
    .reverse()
    .map(
      (message) => `<tr>
<td>${escapeHtml(message.to || message.envelope.to.join(", "))}</td>
<td><a href="/mail/${encodeURIComponent(message.id)}">${escapeHtml(message.subject || "(no subject)")}</a></td>
<td class="time"><time datetime="${escapeHtml(message.receivedAt)}">${escapeHtml(formatTime(message.receivedAt))}</time></td>
</tr>`,
    )
    .join("\n");
  return `${toolbar}<div class="card"><table>
<thead><tr><th scope="col">To</th><th scope="col">Subject</th><th scope="col">Received</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>`;
}

function detailPage(message: SinkMessage): string {
  const summary: [string, string][] = [
    ["From", message.from],
    ["To", message.to],
    ...(message.cc ? ([["Cc", message.cc]] as [string, string][]) : []),
    ["Envelope", `${message.envelope.from ?? "<>"} → ${message.envelope.to.join(", ")}`],
    ["Received", formatTime(message.receivedAt)],
  ];
  const summaryRows = summary
    .map(([name, value]) => `<tr><th scope="row">${name}</th><td>${escapeHtml(value)}</td></tr>`)
    .join("\n");
  const headerRows = Object.entries(message.headers)
    .map(([name, value]) => `<tr><th scope="row">${escapeHtml(name)}</th><td><pre>${escapeHtml(value)}</pre></td></tr>`)
    .join("\n");
  const html = message.html
    ? // sandbox="" : no scripts, no forms, no same-origin access; srcdoc is escaped as an attribute value.
      `<iframe title="HTML part" sandbox="" referrerpolicy="no-referrer" srcdoc="${escapeHtml(message.html)}"></iframe>`
    : `<p class="muted">No HTML part.</p>`;
  const attachments = message.attachments.length
    ? `<div class="card"><h2>Attachments</h2><ul>${message.attachments
        .map(
          (item) =>
            `<li>${escapeHtml(item.filename ?? "(unnamed)")} <span class="muted">${escapeHtml(item.contentType)}, ${item.size} bytes</span></li>`,
        )
        .join("")}</ul></div>`
    : "";
  return `<p><a href="/mail">← All mail</a></p>
<h1>${escapeHtml(message.subject || "(no subject)")}</h1>
<div class="card"><table><tbody>${summaryRows}
<tr><th scope="row">Unsubscribe</th><td>${unsubscribeBadge(message)}</td></tr>
</tbody></table></div>
<div class="card"><h2>HTML part</h2>${html}</div>
<div class="card"><h2>Text part</h2>${message.text ? `<pre>${escapeHtml(message.text)}</pre>` : `<p class="muted">No text part.</p>`}</div>
${attachments}
<div class="card"><h2>Headers</h2><table><tbody>${headerRows}</tbody></table>
<p><a href="/mail/${encodeURIComponent(message.id)}/raw">View source</a></p></div>`;
}

/** RFC 8058 one-click needs both headers; show at a glance whether a notice has them. */
function unsubscribeBadge(message: SinkMessage): string {
  const link = message.headers["list-unsubscribe"];
  if (!link) return `<span class="badge">none</span>`;
  const oneClick = /List-Unsubscribe=One-Click/i.test(message.headers["list-unsubscribe-post"] ?? "");
  return `${oneClick ? `<span class="badge ok">one-click (RFC 8058)</span>` : `<span class="badge warn">link only</span>`} <span class="muted">${escapeHtml(link)}</span>`;
}

function notFound(): string {
  return `<p><a href="/mail">← All mail</a></p><div class="card empty"><p><strong>No such message</strong></p><p>It may have been cleared.</p></div>`;
}
