// The web process (`npm run start`, built to build/web/index.js): Remix pages
// and the webhook fast path. It imports no app module itself: the app (the
// environment, migrations, the webhook receiver) comes from the Remix server
// build, so each app module — the Prisma client among them — is loaded once.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import express from "express";
import compression from "compression";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import type * as AppEntry from "../app/entry.server.tsx";
import { PROJECT_ROOT } from "../app/project-root.server.ts";
import { closeServer, createAppServer } from "./app-server.ts";

const BUILD = join(PROJECT_ROOT, "build/server/index.js");
const CLIENT = join(PROJECT_ROOT, "build/client");

type App = Pick<typeof AppEntry, "startWebProcess" | "EnvError">;

async function loadBuild(): Promise<{ build: ServerBuild; app: App }> {
  if (!existsSync(BUILD)) throw new Error("No build found: run `npm run build` first.");
  const build = (await import(pathToFileURL(BUILD).href)) as ServerBuild;
  return { build, app: build.entry.module as unknown as App };
}

/**
 * A 413 is answered before the body was read: close the connection after it,
 * so the rest of the body is never read and the socket does not linger in keep-alive.
 */
const closeAfterRefusedBody: express.RequestHandler = (_request, response, next) => {
  const writeHead = response.writeHead.bind(response) as (...args: unknown[]) => typeof response;
  response.writeHead = ((statusCode: number, ...rest: unknown[]) => {
    if (statusCode === 413) response.shouldKeepAlive = false;
    return writeHead(statusCode, ...rest);
  }) as typeof response.writeHead;
  next();
};

function remixPages(build: ServerBuild, mode: string) {
  const pages = express();
  pages.disable("x-powered-by");
  pages.use(closeAfterRefusedBody);
  pages.use(compression());
  pages.use("/assets", express.static(join(CLIENT, "assets"), { immutable: true, maxAge: "1y" }));
  pages.use(express.static(CLIENT, { maxAge: "1h" }));
  // Browsers ask for /favicon.ico on their own: the icon, not a "no route matches" error in the log.
  pages.get("/favicon.ico", (_request, response) => {
    response.type("image/svg+xml").sendFile(join(CLIENT, "favicon.svg"), { maxAge: "1d" });
  });
  pages.all(
    "*",
    createRequestHandler({
      build,
      mode,
      // The TCP peer, for limits keyed on the client (app/storefront/client-address.server.ts):
      // a Remix request carries no socket of its own.
      getLoadContext: (request) => ({ socketAddress: request.socket.remoteAddress ?? null }),
    }),
  );
  return pages;
}

let app: App | undefined;
try {
  const loaded = await loadBuild();
  app = loaded.app;
  const web = await app.startWebProcess();
  const server = createAppServer(web, remixPages(loaded.build, web.config.NODE_ENV));
  await new Promise<void>((done) => server.listen(web.config.PORT, done));
  console.log(`web: listening on http://localhost:${web.config.PORT} (app URL ${web.config.SHOPIFY_APP_URL})`);
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      closeServer(server)
        .then(() => web.stop())
        .then(() => process.exit(0))
        .catch(() => process.exit(1));
    });
  }
} catch (error) {
  console.error(app && error instanceof app.EnvError ? error.message : error);
  process.exit(1);
}
