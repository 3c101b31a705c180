// The inbound-SMS webhook over real HTTP refuses an oversized body with 413
// without reading it: by Content-Length before the first byte, and a body
// without one (chunked) no further than the limit. The test's server counts
// the bytes the route pulls from the connection.
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type * as InboundRoute from "../../app/routes/notices.sms-inbound.tsx";
import { MAX_INBOUND_SMS_BYTES } from "../../app/notices/inbound-sms.server.ts";
import { createTestDatabase, type TestDatabase } from "../support/databases.ts";

const CHUNK = 16 * 1024;
const BODY = 4 * 1024 * 1024;

describe("inbound SMS body limit [sqlite]", () => {
  let database: TestDatabase;
  let inbound: typeof InboundRoute;
  let server: Server;
  let origin: string;
  let pulled = 0;

  /** The Node request as a Web Request whose body is pulled chunk by chunk (and counted). */
  function webRequest(incoming: IncomingMessage): Request {
    const iterator = incoming[Symbol.asyncIterator]();
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          const { done, value } = (await iterator.next()) as { done: boolean; value: Buffer };
          if (done) return controller.close();
          pulled += value.length;
          controller.enqueue(new Uint8Array(value));
        },
        // Left unread: the answer closes the connection.
        cancel: () => undefined,
      },
      { highWaterMark: 0 },
    );
    const headers = new Headers();
    for (const [name, value] of Object.entries(incoming.headers))
      if (typeof value === "string") headers.set(name, value);
    return new Request(new URL(incoming.url ?? "/", origin), {
      method: incoming.method,
      headers,
      body,
      duplex: "half",
    } as RequestInit);
  }

  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    vi.stubEnv("DATABASE_URL", database.url);
    vi.stubEnv("SHOPIFY_API_KEY", "key");
    vi.stubEnv("SHOPIFY_API_SECRET", "secret");
    vi.stubEnv("SHOPIFY_APP_URL", "https://kizuna.example.com");
    vi.stubEnv("SMS_API_URL", "http://127.0.0.1:9/sms");
    vi.stubEnv("SMS_ACCOUNT_SID", "ACsandbox");
    vi.stubEnv("SMS_AUTH_TOKEN", "sms-token");
    vi.stubEnv("SMS_FROM", "+15005550006");
    inbound = await import("../../app/routes/notices.sms-inbound.tsx");
    server = createServer((incoming, response) => {
      void (async () => {
        const answer = await inbound.action({ request: webRequest(incoming), params: {}, context: {} });
        response.writeHead(answer.status, { Connection: "close" });
        response.end(await answer.text());
      })();
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((done) => server?.close(done));
    const { disconnectDb } = await import("../../app/db.server.ts");
    await disconnectDb();
    vi.unstubAllEnvs();
    await database?.drop();
  });

  /** POSTs BODY bytes in chunks (as long as the server reads); resolves with the status. */
  function post(headers: Record<string, string | number>): Promise<number> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(`${origin}/notices/sms-inbound`, { method: "POST", headers }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      outgoing.on("error", () => undefined); // the server may close while we still write
      let sent = 0;
      const write = () => {
        while (sent < BODY) {
          sent += CHUNK;
          if (!outgoing.write(Buffer.alloc(CHUNK, 0x61))) return void outgoing.once("drain", write);
        }
        outgoing.end();
      };
      write();
      setTimeout(() => reject(new Error("no answer")), 30_000).unref();
    });
  }

  it("answers 413 by Content-Length without reading the body", async () => {
    pulled = 0;
    const status = await post({ "Content-Type": "application/x-www-form-urlencoded", "Content-Length": BODY });
    expect(status).toBe(413);
    expect(pulled).toBe(0);
  });

  it("stops reading a chunked body once it passes the limit, and answers 413", async () => {
    pulled = 0;
    const status = await post({ "Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": "chunked" });
    expect(status).toBe(413);
    expect(pulled).toBeGreaterThan(MAX_INBOUND_SMS_BYTES);
    expect(pulled).toBeLessThanOrEqual(MAX_INBOUND_SMS_BYTES + 2 * CHUNK);
  });
});
