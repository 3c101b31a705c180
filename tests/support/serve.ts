// A test server made of sandbox handlers, tried in order, as sandbox/server.ts composes them.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { SandboxHandler } from "../../sandbox/http.ts";
import { composeHandlers } from "../../sandbox/server.ts";

export async function listen(server: Server): Promise<void> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
}

export async function serve(handlers: SandboxHandler[]): Promise<Server> {
  const server = composeHandlers(handlers);
  await listen(server);
  return server;
}

export function originOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
