// The web process's HTTP server: fast paths for POST /webhooks (no Remix
// request/response conversion on the hot path — docs/decisions/0003) and for
// GET of the customer's order page (opened by every shopper of every notice —
// docs/decisions/0015), and everything else handed to `pages` (the Remix app).
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from "node:http";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import type { WebhookReceiver } from "../app/webhooks/receive-webhook.server.ts";
import { BodyTooLarge, readBody } from "./http.ts";

export function isWebhookRequest(request: IncomingMessage): boolean {
  const path = request.url?.split("?")[0];
  return request.method === "POST" && (path === "/webhooks" || path?.startsWith("/webhooks/") === true);
}

export interface WebhookPath {
  receiver: WebhookReceiver;
  /** Larger bodies answer 413 without being read. */
  maxBodyBytes: number;
}

export function webhookHandler({ receiver, maxBodyBytes }: WebhookPath, log: (error: unknown) => void = console.error) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    let status: number;
    let message: string;
    try {
      const body = await readBody(request, maxBodyBytes);
      ({ status, message } = await receiver.receive({
        body,
        header: (name) => {
          const value = request.headers[name];
          return Array.isArray(value) ? value[0] : value;
        },
      }));
    } catch (error) {
      if (error instanceof BodyTooLarge) [status, message] = [413, "body larger than 5 MB"];
      else {
        log(error);
        [status, message] = [500, "internal error"];
      }
    }
    const headers: Record<string, string | number> = {
      "Content-Type": "text/plain",
      "Content-Length": Buffer.byteLength(message),
    };
    // A refused body may still be arriving: close rather than read it all.
    if (status === 413) headers.Connection = "close";
    response.writeHead(status, headers);
    response.end(message);
  };
}

/** The order page as the app answers it (the same handler as its Remix route, app/routes/proxy.orders.$id.tsx). */
export type OrderPagePath = (request: Request, socketAddress: string | null, orderId: string) => Promise<Response>;

const ORDER_PAGE = /^\/proxy\/orders\/([^/?]+)(?:\?|$)/;

/** The order id of a GET of the order page, else null (every other request goes to Remix). */
export function orderPageRequest(request: IncomingMessage): string | null {
  if (request.method !== "GET") return null;
  const match = ORDER_PAGE.exec(request.url ?? "");
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
}

const gzipped = promisify(gzip);

export function orderPageHandler(answer: OrderPagePath, log = (error: unknown) => console.error(error)) {
  return async (request: IncomingMessage, response: ServerResponse, orderId: string): Promise<void> => {
    try {
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers))
        if (typeof value === "string") headers.set(name, value);
      const url = `http://${request.headers.host ?? "localhost"}${request.url ?? "/"}`;
      const answered = await answer(new Request(url, { headers }), request.socket.remoteAddress ?? null, orderId);
      let body = Buffer.from(await answered.arrayBuffer());
      const out: Record<string, string | number> = {};
      answered.headers.forEach((value, name) => (out[name] = value));
      // As the compression middleware of the Remix pages would: pages are text, worth it past ~1 KB.
      if (body.length > 1024 && /\bgzip\b/.test(String(request.headers["accept-encoding"] ?? ""))) {
        body = await gzipped(body);
        out["content-encoding"] = "gzip";
        out.vary = "Accept-Encoding";
      }
      out["content-length"] = body.length;
      response.writeHead(answered.status, out);
      response.end(body);
    } catch (error) {
      log(error);
      if (!response.headersSent) response.writeHead(500, { "Content-Type": "text/plain" });
      response.end("internal error");
    }
  };
}

const notFound: RequestListener = (_request, response) => {
  response.writeHead(404, { "Content-Type": "text/plain" });
  response.end("not found");
};

// The app's modules come in as values (webhooks), never as imports: the web
// process loads them from the Remix build, once (see app/web-process.server.ts).
export function createAppServer(
  webhooks: WebhookPath & { orderPage?: OrderPagePath },
  pages: RequestListener = notFound,
): Server {
  const onWebhook = webhookHandler(webhooks);
  const onOrderPage = webhooks.orderPage ? orderPageHandler(webhooks.orderPage) : null;
  const server = createServer((request, response) => {
    if (isWebhookRequest(request)) return void onWebhook(request, response);
    const orderId = onOrderPage ? orderPageRequest(request) : null;
    if (orderId !== null) void onOrderPage!(request, response, orderId);
    else pages(request, response);
  });
  server.keepAliveTimeout = 65_000;
  return server;
}

/** Stops accepting, lets requests in flight finish (their events get stored), closes idle keep-alives. */
export async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((done) => server.close(() => done()));
  const idle = setInterval(() => server.closeIdleConnections(), 100);
  server.closeIdleConnections();
  await closed;
  clearInterval(idle);
}
