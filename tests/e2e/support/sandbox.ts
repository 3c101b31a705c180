// The sandbox for the browser tests: the whole of sandbox/server.ts (admin
// host, Admin API emulator with its token exchange, storefront, sinks), with
// the test's shop seeded and on the port the test chose.
import type { SandboxConfig } from "../../../sandbox/http.ts";
import { startSandbox } from "../../../sandbox/server.ts";

export interface TestSandbox {
  config: SandboxConfig;
  close(): Promise<void>;
}

export async function startTestSandbox(config: SandboxConfig, port: number): Promise<TestSandbox> {
  const { origin: _chosenByPort, ...base } = config;
  const running = await startSandbox(base, { port, storeTitle: "Kizuna E2E Store" });
  return { config: running.config, close: () => running.close() };
}
