// POST /inbound/email — one inbound mail as raw RFC 822 (the body), as inbound
// mail providers forward it. `Authorization: Bearer <INBOUND_EMAIL_SECRET>`
// (401 otherwise); 413 over 25 MB (never read whole first); 400 when it is no
// mail; 404 when no recipient is a shop's or conversation's address. Optional
// `?to=<address>` gives the envelope recipient when the provider knows it.
import type { ActionFunctionArgs } from "@remix-run/node";
import { db } from "../db.server.ts";
import { env } from "../env.server.ts";
import { bearerMatches, readBytesWithin } from "../inbox/inbound-request.server.ts";
import { MAX_INBOUND_MAIL_BYTES, receiveRawMail } from "../inbox/channels/email-inbound.server.ts";

function text(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8", ...headers } });
}

export async function loader() {
  return text(405, "Use POST.");
}

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return text(405, "Use POST.");
  const secret = env().INBOUND_EMAIL_SECRET;
  if (!secret) return text(404, "Inbound email is not configured.");
  if (!bearerMatches(request.headers.get("Authorization"), secret))
    return text(401, "Invalid or missing bearer token.", { "WWW-Authenticate": "Bearer" });
  const raw = await readBytesWithin(request, MAX_INBOUND_MAIL_BYTES);
  if (raw === null) return text(413, "Mail larger than 25 MB.", { Connection: "close" });
  const recipients = new URL(request.url).searchParams.getAll("to").slice(0, 20);
  const result = await receiveRawMail(db(), raw, { recipients });
  switch (result.status) {
    case "unreadable":
      return text(400, "The body is not an RFC 822 mail.");
    case "unknown_address":
      return text(404, "No shop has that address.");
    case "dropped":
      return Response.json({ conversationId: null, duplicate: false, dropped: true, kind: result.kind });
    case "stored":
      return Response.json({
        conversationId: result.conversationId,
        messageId: result.messageId,
        duplicate: result.duplicate,
        opened: result.opened,
      });
  }
}
