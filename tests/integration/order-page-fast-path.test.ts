// The web process answers GET of the customer's order page without Remix
// (server/app-server.ts): only that request takes the fast path, the answer
// keeps the page's status and headers, a large page is gzipped for a client
// that accepts it, and a failing handler answers 500 without taking the
// server down.
import { request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeServer, createAppServer, type OrderPagePath } from "../../server/app-server.ts";
import type { WebhookReceiver } from "../../app/webhooks/receive-webhook.server.ts";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(port: number, path: string, headers: Record<string, string> = {}, method = "GET"): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the order page's fast path", () => {
  let server: Server;
  let port: number;
  const seen: { orderId: string; url: string; language: string | null; address: string | null }[] = [];
  const page = "<p>" + "あ".repeat(2000) + "</p>";

  const orderPage: OrderPagePath = async (request, socketAddress, orderId) => {
    seen.push({ orderId, url: request.url, language: request.headers.get("accept-language"), address: socketAddress });
    if (orderId === "500") throw new Error("the database went away");
    return new Response(orderId === "404" ? "not found" : page, {
      status: orderId === "404" ? 404 : 200,
      headers: { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": "default-src 'none'" },
    });
  };

  beforeAll(async () => {
    const receiver = { receive: () => Promise.resolve({ status: 200, message: "ok" }) } as unknown as WebhookReceiver;
    server = createAppServer({ receiver, maxBodyBytes: 1024, orderPage }, (_request, response) => {
      response.writeHead(299, { "Content-Type": "text/plain" });
      response.end("remix");
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => closeServer(server));

  it("answers GET /proxy/orders/<id> itself, with the page's status, headers and query", async () => {
    const answer = await get(port, "/proxy/orders/1001?t=abc&signature=x", { "accept-language": "ja" });
    expect(answer.status).toBe(200);
    expect(answer.headers["content-security-policy"]).toBe("default-src 'none'");
    expect(answer.body.toString("utf8")).toBe(page);
    expect(seen.at(-1)).toMatchObject({ orderId: "1001", language: "ja", address: "127.0.0.1" });
    expect(new URL(seen.at(-1)!.url).search).toBe("?t=abc&signature=x");
    expect((await get(port, "/proxy/orders/404")).status).toBe(404);
  });

  it("leaves every other request to Remix: POST, HEAD, the return and cancel forms, the look-up", async () => {
    const before = seen.length;
    for (const [path, method] of [
      ["/proxy/orders/1001", "HEAD"],
      ["/proxy/orders/1001/return", "GET"],
      ["/proxy/orders/1001/cancel", "GET"],
      ["/proxy/orders", "GET"],
      ["/proxy/orders/", "GET"],
      ["/app/orders/1001", "GET"],
    ] as const)
      expect((await get(port, path, {}, method)).status, `${method} ${path}`).toBe(299);
    expect(seen.length).toBe(before);
  });

  it("gzips a page for a client that accepts it, and only then", async () => {
    const zipped = await get(port, "/proxy/orders/1002", { "accept-encoding": "gzip, br" });
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(zipped.headers.vary).toBe("Accept-Encoding");
    expect(gunzipSync(zipped.body).toString("utf8")).toBe(page);
    const plain = await get(port, "/proxy/orders/1002");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(Number(plain.headers["content-length"])).toBe(Buffer.byteLength(page));
  });

  it("answers 500 when the page fails, and keeps serving", async () => {
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (error: unknown) => errors.push(error);
    try {
      expect((await get(port, "/proxy/orders/500")).status).toBe(500);
    } finally {
      console.error = original;
    }
    expect(String(errors[0])).toContain("the database went away");
    expect((await get(port, "/proxy/orders/1003")).status).toBe(200);
  });
});
