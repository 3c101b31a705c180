// The web process (`npm run start`): Remix pages and the webhook fast path.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import express from "express";
import compression from "compression";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import { env, EnvError } from "../app/env.server.ts";
import { migrate } from "../app/database/migrate.server.ts";
import { webhookReceiver } from "../app/webhooks/receiver.server.ts";
import { webhookQueue } from "../app/jobs/queues.server.ts";
import { disconnectDb } from "../app/db.server.ts";
import { closeServer, createAppServer } from "./app-server.ts";

const BUILD = resolve(import.meta.dirname, "../build/server/index.js");

async function remixPages(mode: string) {
  if (!existsSync(BUILD)) throw new Error("No build found: run `npm run build` first.");
  const build = (await import(pathToFileURL(BUILD).href)) as ServerBuild;
  const app = express();
  app.disable("x-powered-by");
  app.use(compression());
  app.use("/assets", express.static("build/client/assets", { immutable: true, maxAge: "1y" }));
  app.use(express.static("build/client", { maxAge: "1h" }));
  app.all("*", createRequestHandler({ build, mode }));
  return app;
}

try {
  const config = env();
  await migrate(config.DATABASE_URL);
  const server = createAppServer(webhookReceiver(), await remixPages(config.NODE_ENV));
  await new Promise<void>((done) => server.listen(config.PORT, done));
  console.log(`web: listening on http://localhost:${config.PORT} (app URL ${config.SHOPIFY_APP_URL})`);
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      closeServer(server)
        .then(() => webhookReceiver().store.drain())
        .then(() => webhookReceiver().sink.close())
        .then(() => webhookQueue().close())
        .then(disconnectDb)
        .then(() => process.exit(0))
        .catch(() => process.exit(1));
    });
  }
} catch (error) {
  console.error(error instanceof EnvError ? error.message : error);
  process.exit(1);
}
