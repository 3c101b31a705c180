// The sandbox is one HTTP server made of parts (Admin API emulator, admin
// host, storefront, mail/SMS sinks). Each part is a SandboxHandler: it answers
// the requests it owns and returns true, or returns false to pass.
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:net";

export type SandboxHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
) => Promise<boolean> | boolean;

export interface SandboxConfig {
  /** Where the sandbox itself listens, e.g. http://127.0.0.1:4000 */
  origin: string;
  /** The Kizuna app's URL, e.g. http://localhost:3000 (webhooks go to `${appUrl}/webhooks`). */
  appUrl: string;
  /** The app's client id and secret: session tokens and webhooks are signed with the secret. */
  apiKey: string;
  apiSecret: string;
  /** The demo shop's myshopify domain. */
  shop: string;
  /** The Admin API version the sandbox serves. */
  apiVersion: string;
}

export async function readRequestBody(request: IncomingMessage, limit = 10 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

export function sendHtml(
  response: ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Length": Buffer.byteLength(html),
    ...headers,
  });
  response.end(html);
}

/** Escapes text for HTML: everything the sandbox shows that came from a request or a mail. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** A port nothing listens on right now, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port")),
      );
    });
  });
}
