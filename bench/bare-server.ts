// The baseline for `npm run bench -- ingest`: a bare Node HTTP server that
// reads the body, checks Shopify's HMAC (timingSafeEqual) and answers 200 —
// the least any webhook receiver must do. Env: PORT, SHOPIFY_API_SECRET.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

const port = Number(process.env.PORT);
const secret = process.env.SHOPIFY_API_SECRET ?? "";
if (!Number.isInteger(port) || port <= 0 || secret === "") {
  console.error("bare-server: PORT and SHOPIFY_API_SECRET are required");
  process.exit(1);
}

function validHmac(body: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== "string") return false;
  const expected = createHmac("sha256", secret).update(body).digest();
  const given = Buffer.from(header, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function answer(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { "Content-Type": "text/plain", "Content-Length": Buffer.byteLength(message) });
  response.end(message);
}

function onRequest(request: IncomingMessage, response: ServerResponse): void {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    if (validHmac(body, request.headers["x-shopify-hmac-sha256"])) answer(response, 200, "ok");
    else answer(response, 401, "invalid HMAC signature");
  });
}

const server = createServer(onRequest);
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1", () => console.log(`bare: listening on http://127.0.0.1:${port}`));
process.once("SIGTERM", () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
