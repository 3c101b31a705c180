// GET /sms: every text the app sent and every simulated reply, newest first,
// with a form that plays a customer texting back (e.g. STOP / 停止).
import { escapeHtml } from "../http.ts";
import { formatTime, inspectorPage } from "../mail/layout.ts";
import type { SmsMessage } from "./sms-sink.ts";

const DIRECTION_LABEL: Record<SmsMessage["direction"], string> = {
  "outbound-api": "sent by app",
  "outbound-reply": "reply (TwiML)",
  inbound: "from customer",
};

export function smsPage(messages: SmsMessage[], optedOut: string[], inboundUrl: string | undefined): string {
  const lastRecipient = messages.find((message) => message.direction === "outbound-api")?.to ?? "";
  const body = `<div class="toolbar"><h1>SMS sink</h1>${
    messages.length
      ? `<form method="post" action="/sms/clear"><button class="secondary" type="submit">Clear all</button></form>`
      : ""
  }</div>
${replyForm(lastRecipient, inboundUrl)}
${optedOut.length ? `<div class="card"><h2>Opted out (STOP)</h2><p>${optedOut.map(escapeHtml).join(", ")}</p></div>` : ""}
${messages.length ? messageTable(messages) : `<div class="card empty"><p><strong>No text messages yet</strong></p><p>Messages the app sends through the SMS provider appear here.</p></div>`}`;
  return inspectorPage("SMS", "sms", body);
}

function replyForm(lastRecipient: string, inboundUrl: string | undefined): string {
  const target = inboundUrl
    ? `<p class="muted">Posted, signed like Twilio, to ${escapeHtml(inboundUrl)}</p>`
    : `<p class="muted">No app webhook is configured: the reply is only recorded here.</p>`;
  return `<div class="card"><h2>Simulate a customer reply</h2>
<form class="inline" method="post" action="/sms/api/inbound">
<label for="sms-from">From<input id="sms-from" name="from" type="tel" required value="${escapeHtml(lastRecipient)}" placeholder="+819012345678"></label>
<label for="sms-body">Message<input id="sms-body" name="body" type="text" required value="STOP"></label>
<button type="submit">Send reply</button>
</form>${target}</div>`;
}

function messageTable(messages: SmsMessage[]): string {
  const rows = messages
    .map(
      (message) => `<tr>
<td class="time"><time datetime="${escapeHtml(message.dateCreated)}">${escapeHtml(formatTime(message.dateCreated))}</time></td>
<td><span class="badge${message.direction === "inbound" ? " warn" : ""}">${DIRECTION_LABEL[message.direction]}</span></td>
<td>${escapeHtml(message.from ?? message.messagingServiceSid ?? "")} → ${escapeHtml(message.to)}</td>
<td class="text">${escapeHtml(message.body)}</td>
<td>${escapeHtml(message.status)}${deliveryNote(message)}<br><span class="muted">${message.numSegments} segment${message.numSegments === 1 ? "" : "s"}</span></td>
</tr>`,
    )
    .join("\n");
  return `<div class="card"><table>
<thead><tr><th scope="col">Time</th><th scope="col">Direction</th><th scope="col">From → To</th><th scope="col">Body</th><th scope="col">Status</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>`;
}

function deliveryNote(message: SmsMessage): string {
  const delivery = message.delivery;
  if (!delivery) return "";
  const outcome =
    delivery.status === null ? `failed: ${delivery.error ?? "no answer"}` : `app answered ${delivery.status}`;
  return `<br><span class="muted">${escapeHtml(outcome)}</span>`;
}
