// The sandbox for the browser tests: the whole of sandbox/server.ts (admin
// host, Admin API emulator with its token exchange, storefront, stock page,
// mail and SMS sinks), with the test's shop seeded and on the port the test chose.
import type { SandboxConfig } from "../../../sandbox/http.ts";
import { startSandbox, type RunningSandbox } from "../../../sandbox/server.ts";

export type TestSandbox = Pick<RunningSandbox, "config" | "store" | "mail" | "seed" | "close">;

export async function startTestSandbox(config: SandboxConfig, port: number): Promise<TestSandbox> {
  const { origin: _chosenByPort, ...base } = config;
  return startSandbox(base, { port, storeTitle: "Kizuna E2E Store" });
}
