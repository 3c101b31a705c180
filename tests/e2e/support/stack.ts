// The sandbox and the app (web + worker, production build) on free ports, for
// one test file: its own shop, its own app secret.
import { randomBytes } from "node:crypto";
import type { SandboxConfig } from "../../../sandbox/http.ts";
import { freePort } from "../../support/redis-server.ts";
import { ensureBuild, startApp, type RunningApp } from "./app.ts";
import { startTestSandbox, type TestSandbox } from "./sandbox.ts";

export interface TestStack {
  config: SandboxConfig;
  sandbox: TestSandbox;
  app: RunningApp;
  close(): Promise<void>;
}

/**
 * `mail`: the app sends its email to the sandbox's mail sink. `databaseUrl`: a database of the
 * test's own (PostgreSQL); `webs`: how many web processes (default 1), all behind the same database and Redis;
 * `env`: more settings for the app (e.g. the inbox's inbound mail).
 */
export async function startStack(
  shop: string,
  options: { mail?: boolean; databaseUrl?: string; webs?: number; env?: Record<string, string> } = {},
): Promise<TestStack> {
  ensureBuild();
  const [webPort, sandboxPort] = [await freePort(), await freePort()];
  const config: SandboxConfig = {
    origin: `http://127.0.0.1:${sandboxPort}`,
    appUrl: `http://127.0.0.1:${webPort}`,
    apiKey: "kizuna-test-client-id",
    apiSecret: `kizuna-test-${randomBytes(8).toString("hex")}`,
    shop,
    apiVersion: "2026-07",
  };
  const sandbox = await startTestSandbox(config, sandboxPort);
  try {
    const extraWebPorts: number[] = [];
    for (let index = 1; index < (options.webs ?? 1); index++) extraWebPorts.push(await freePort());
    const app = await startApp(
      config,
      { ...(options.mail ? { SMTP_URL: sandbox.mail.url } : {}), ...options.env },
      {
        ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
        extraWebPorts,
      },
    );
    return {
      config,
      sandbox,
      app,
      async close() {
        await app.stop();
        await sandbox.close();
      },
    };
  } catch (error) {
    await sandbox.close();
    throw error;
  }
}
