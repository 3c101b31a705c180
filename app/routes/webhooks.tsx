// POST /webhooks — every topic, compliance included (see shopify.app.toml).
// In production server/index.ts answers this path before Remix; this route
// serves the same receiver under the Vite dev server (`shopify app dev`).
import type { ActionFunctionArgs } from "@remix-run/node";
import { MAX_BODY_BYTES } from "../webhooks/receive-webhook.server.ts";
import { webhookReceiver } from "../webhooks/receiver.server.ts";

export async function action({ request }: ActionFunctionArgs) {
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) {
    return new Response("body larger than 5 MB", { status: 413 });
  }
  const body = Buffer.from(await request.arrayBuffer());
  const receipt = await webhookReceiver().receive({ body, header: (name) => request.headers.get(name) });
  return new Response(receipt.message, { status: receipt.status, headers: { "Content-Type": "text/plain" } });
}

export function loader() {
  return new Response("POST only", { status: 405, headers: { Allow: "POST" } });
}
