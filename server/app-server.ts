// The web process's HTTP server: a fast path for POST /webhooks (no Remix
// request/response conversion on the hot path — docs/decisions/0003) and
// everything else handed to `pages` (the Remix app).
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from "node:http";
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

const notFound: RequestListener = (_request, response) => {
  response.writeHead(404, { "Content-Type": "text/plain" });
  response.end("not found");
};

// The app's modules come in as values (webhooks), never as imports: the web
// process loads them from the Remix build, once (see app/web-process.server.ts).
export function createAppServer(webhooks: WebhookPath, pages: RequestListener = notFound): Server {
  const onWebhook = webhookHandler(webhooks);
  const server = createServer((request, response) => {
    if (isWebhookRequest(request)) void onWebhook(request, response);
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
