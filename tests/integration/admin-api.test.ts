// AdminApi against a real local HTTP server that answers the way Shopify's
// Admin API does. Waits go through an injected sleep that only records them,
// so the tests are fast and assert the waits themselves, never wall-clock time.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AdminApi, AdminApiError, clearAdminApiState, isSafeToResend } from "../../app/shopify/admin-api.server.ts";
import { ReturnApproveRequestMutation } from "../../app/graphql/returns.ts";
import { RefundCreateMutation } from "../../app/graphql/refunds.ts";
import { ShopQuery } from "../../app/graphql/shop.ts";

interface Hit {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: { query?: string; variables?: Record<string, unknown> };
}

type Reply = (res: ServerResponse) => void;

let server: Server;
let origin: string;
let hits: Hit[] = [];
let replies: Reply[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (raw += chunk));
    req.on("end", () => {
      hits.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: JSON.parse(raw || "{}") });
      const reply = replies.shift();
      if (reply) reply(res);
      else json(500, { errors: "test server: no reply queued" })(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

beforeEach(() => {
  hits = [];
  replies = [];
  clearAdminApiState();
});

function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return (res) => {
    res.writeHead(status, { "Content-Type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };
}

function cost(requested: number, available: number, restoreRate = 100, maximum = 2000) {
  return {
    cost: {
      requestedQueryCost: requested,
      actualQueryCost: requested,
      throttleStatus: { maximumAvailable: maximum, currentlyAvailable: available, restoreRate },
    },
  };
}

const shopData = { shop: { name: "Kizuna Test Shop", myshopifyDomain: "kizuna-test.myshopify.com" } };
const ok = (available = 1990): Reply => json(200, { data: shopData, extensions: cost(10, available) });

function client(waits: number[], extra: { now?: () => number; maxRetries?: number } = {}): AdminApi {
  return new AdminApi({
    shop: "kizuna-test.myshopify.com",
    accessToken: "shpat_test_token",
    origin,
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...extra,
  });
}

describe("AdminApi", () => {
  it("posts the query with the access token to the versioned path and returns data and cost", async () => {
    replies.push(ok());
    const waits: number[] = [];
    const result = await client(waits).request<typeof shopData>(ShopQuery, { unused: 1 });

    expect(result.data.shop.name).toBe("Kizuna Test Shop");
    expect(result.cost?.throttleStatus.currentlyAvailable).toBe(1990);
    expect(hits).toHaveLength(1);
    expect(hits[0]?.method).toBe("POST");
    expect(hits[0]?.url).toBe("/admin/api/2026-07/graphql.json");
    expect(hits[0]?.headers["x-shopify-access-token"]).toBe("shpat_test_token");
    expect(hits[0]?.headers["content-type"]).toBe("application/json");
    expect(hits[0]?.body).toEqual({ query: ShopQuery, variables: { unused: 1 } });
    expect(waits).toEqual([]);
  });

  it("waits after a THROTTLED answer for the points it lacks, then succeeds", async () => {
    replies.push(
      json(200, {
        errors: [
          {
            message: "Throttled",
            extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" },
          },
        ],
        extensions: cost(300, 100, 50),
      }),
      ok(),
    );
    const waits: number[] = [];
    const result = await client(waits).request<typeof shopData>(ShopQuery);

    expect(result.data).toEqual(shopData);
    expect(hits).toHaveLength(2);
    // (300 requested - 100 available) / 50 points per second = 4 s.
    expect(waits).toEqual([4000]);
  });

  it("honours Retry-After on HTTP 429", async () => {
    replies.push(
      json(
        429,
        { errors: "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service." },
        { "Retry-After": "2.0" },
      ),
      ok(),
    );
    const waits: number[] = [];
    const result = await client(waits).request<typeof shopData>(ShopQuery);

    expect(result.data).toEqual(shopData);
    expect(hits).toHaveLength(2);
    expect(waits).toEqual([2000]);
  });

  it("gives up with a throttled error after too many throttle waits", async () => {
    for (let i = 0; i < 4; i++) replies.push(json(429, { errors: "Throttled" }, { "Retry-After": "1" }));
    const api = new AdminApi({
      shop: "kizuna-test.myshopify.com",
      accessToken: "t",
      origin,
      maxThrottleWaits: 3,
      sleep: async () => {},
    });

    const error = await api.request(ShopQuery).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdminApiError);
    expect((error as AdminApiError).kind).toBe("throttled");
    expect(hits).toHaveLength(4);
  });

  it("retries a 502 with backoff, then succeeds", async () => {
    replies.push((res) => {
      res.writeHead(502, { "Content-Type": "text/html" });
      res.end("<html>Bad Gateway</html>");
    }, ok());
    const waits: number[] = [];
    const result = await client(waits).request<typeof shopData>(ShopQuery);

    expect(result.data).toEqual(shopData);
    expect(hits).toHaveLength(2);
    expect(waits).toEqual([500]);
  });

  it("stops retrying 5xx after maxRetries with an http error", async () => {
    for (let i = 0; i < 3; i++) replies.push(json(503, { errors: "Service unavailable" }));
    const waits: number[] = [];
    const error = await client(waits, { maxRetries: 2 })
      .request(ShopQuery)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AdminApiError);
    expect(error).toMatchObject({ kind: "http", status: 503, messages: ["Service unavailable"] });
    expect(hits).toHaveLength(3);
    expect(waits).toEqual([500, 1000]);
  });

  it("does not resend a mutation without @idempotent after a 5xx, but does resend refundCreate", async () => {
    replies.push(json(502, { errors: "Bad Gateway" }));
    const waits: number[] = [];
    const error = await client(waits)
      .request(ReturnApproveRequestMutation, { input: { id: "gid://shopify/Return/1" } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "http", status: 502 });
    expect(hits).toHaveLength(1);
    expect(isSafeToResend(RefundCreateMutation)).toBe(true);
    expect(isSafeToResend(ReturnApproveRequestMutation)).toBe(false);
    expect(isSafeToResend(ShopQuery)).toBe(true);
  });

  it("retries network errors and reports kind network when they persist", async () => {
    // Port 1 on loopback refuses connections.
    const waits: number[] = [];
    const api = new AdminApi({
      shop: "kizuna-test.myshopify.com",
      accessToken: "t",
      origin: "http://127.0.0.1:1",
      maxRetries: 2,
      sleep: async (ms) => void waits.push(ms),
    });

    const error = await api.request(ShopQuery).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "network" });
    expect(waits).toEqual([500, 1000]);
  });

  it("throws a GraphQL validation error as AdminApiError without retrying", async () => {
    replies.push(
      json(200, {
        errors: [
          {
            message: "Field 'nmae' doesn't exist on type 'Shop'",
            locations: [{ line: 1, column: 10 }],
            path: ["query", "shop", "nmae"],
            extensions: { code: "undefinedField", typeName: "Shop", fieldName: "nmae" },
          },
        ],
      }),
      ok(),
    );
    const error = await client([])
      .request("{ shop { nmae } }")
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AdminApiError);
    expect(error).toMatchObject({ kind: "graphql", messages: ["Field 'nmae' doesn't exist on type 'Shop'"] });
    expect(hits).toHaveLength(1);
  });

  it("throws userErrors as AdminApiError without retrying", async () => {
    replies.push(
      json(200, {
        data: {
          returnClose: {
            return: null,
            userErrors: [{ field: ["id"], message: "Return does not exist", code: "NOT_FOUND" }],
          },
        },
        extensions: cost(10, 1990),
      }),
    );
    const error = await client([])
      .request('mutation { returnClose(id: "gid://shopify/Return/1") { userErrors { field message code } } }')
      .catch((e: unknown) => e);

    expect(error).toMatchObject({
      kind: "graphql",
      messages: ["id: Return does not exist"],
      userErrors: [{ field: ["id"], message: "Return does not exist", code: "NOT_FOUND" }],
    });
    expect(hits).toHaveLength(1);
  });

  it.each([401, 403])("answers HTTP %i with an http error, not retried", async (status) => {
    replies.push(
      json(status, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" }),
    );
    const error = await client([])
      .request(ShopQuery)
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ kind: "http", status });
    expect(hits).toHaveLength(1);
  });

  it("waits before a request the estimated bucket cannot afford", async () => {
    const clock = 1_000_000;
    const waits: number[] = [];
    // First answer: the query cost 300 and left 60 points, refilling 50 per second.
    replies.push(json(200, { data: shopData, extensions: cost(300, 60, 50, 1000) }), ok());
    const api = client(waits, { now: () => clock });

    await api.request(ShopQuery);
    expect(waits).toEqual([]);
    await api.request(ShopQuery);
    // (300 expected - 60 available) / 50 per second = 4.8 s before sending.
    expect(waits).toEqual([4800]);
    expect(hits).toHaveLength(2);
  });

  it("counts the refill since the last reading and shares the bucket between instances", async () => {
    let clock = 1_000_000;
    const waits: number[] = [];
    replies.push(json(200, { data: shopData, extensions: cost(300, 60, 50, 1000) }), ok());

    await client(waits, { now: () => clock }).request(ShopQuery);
    clock += 2000; // 2 s later the bucket holds 60 + 100 points.
    await client(waits, { now: () => clock }).request(ShopQuery);
    expect(waits).toEqual([2800]);
  });

  it("assumes a cost of 50 for a query it has not seen", async () => {
    const clock = 1_000_000;
    const waits: number[] = [];
    replies.push(json(200, { data: shopData, extensions: cost(300, 10, 100, 1000) }), ok());
    const api = client(waits, { now: () => clock });

    await api.request(ShopQuery);
    await api.request("query Other { shop { id } }");
    // (50 assumed - 10 available) / 100 per second = 0.4 s.
    expect(waits).toEqual([400]);
  });
});
