// Ops CLI: `npm run ops -- <command>`. Looks at the webhook pipeline and the
// mirror from outside the app, for operators and for checking a deployment.
import { parseArgs } from "node:util";
import { createDb, type Db } from "../app/db.server.ts";
import { migrate } from "../app/database/migrate.server.ts";
import { inboundEnv, storageEnv, EnvError } from "../app/env.server.ts";
import { instancePrefix } from "../app/jobs/instance.server.ts";
import { createWebhookQueue, producerConnection } from "../app/jobs/queues.server.ts";
import { EVENT_STATUSES, eventCounts, mirrorCounts } from "../app/shops/shop-overview.server.ts";
import { replayShopEvent } from "../app/webhooks/sweep-events.server.ts";
import { listReturns, RETURN_HEADINGS, returnCells, UnknownShopError } from "./ops/returns.ts";
import { conversationsText, listShopConversations, shopInboxAddress } from "./ops/conversations.ts";

const USAGE = `usage: npm run ops -- <command> [options]

commands:
  events [--status S] [--shop DOMAIN] [--limit N] [--json]   list webhook events (S: ${EVENT_STATUSES.join(", ")})
  replay <event-id>                                          queue a stored event again (ids from 'events')
  shops [--json]                                             list shops with their event counts
  mirror <shop> [--json]                                     row counts per mirror table for one shop
  returns <shop> [--json]                                    a shop's returns, newest first: order, status, verdict, refunded
  conversations <shop> [--json]                              a shop's inbox: contact, channel, status, each message's direction and text
  inbox-address <shop> [--json]                              the shop's inbound address (forward mail and Etsy notifications here)`;

class UsageError extends Error {}

type Print = (value: unknown, text: () => string) => void;

async function events(db: Db, args: string[], print: Print) {
  const { values } = parseArgs({
    args,
    options: {
      status: { type: "string" },
      shop: { type: "string" },
      limit: { type: "string", default: "50" },
      json: { type: "boolean" },
    },
  });
  if (values.status && !(EVENT_STATUSES as readonly string[]).includes(values.status)) {
    throw new UsageError(`unknown status "${values.status}" (one of ${EVENT_STATUSES.join(", ")})`);
  }
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError("--limit takes a positive whole number");
  const rows = await db.webhookEvent.findMany({
    where: { ...(values.status ? { status: values.status } : {}), ...(values.shop ? { shop: values.shop } : {}) },
    select: {
      id: true,
      shop: true,
      topic: true,
      eventId: true,
      status: true,
      attempts: true,
      lastError: true,
      receivedAt: true,
      processedAt: true,
      reaction: true,
      reactionError: true,
    },
    orderBy: { id: "desc" },
    take: limit,
  });
  print(rows, () =>
    rows.length === 0
      ? "no events"
      : table(
          ["id", "shop", "topic", "status", "tries", "received", "error", "reaction"],
          rows.map((r) => [
            String(r.id),
            r.shop,
            r.topic,
            r.status,
            String(r.attempts),
            r.receivedAt.toISOString(),
            r.lastError ?? "",
            [r.reaction, r.reactionError].filter(Boolean).join(": "),
          ]),
        ),
  );
}

async function replay(db: Db, args: string[], print: Print) {
  const id = Number(args[0]);
  if (!Number.isInteger(id) || id < 1) throw new UsageError("replay needs an event id (a number from 'events')");
  const config = storageEnv();
  // The app's key space for this database (its instance key), as web and worker use it.
  const queue = createWebhookQueue(producerConnection(config.REDIS_URL), await instancePrefix(db, config.REDIS_PREFIX));
  try {
    const replayed = await replayShopEvent(db, queue, null, id);
    if (!replayed) throw new UsageError(`no event with id ${id}`);
    print({ replayed: id, key: replayed.key }, () => `event ${id} (${replayed.key}) queued again`);
  } finally {
    await queue.close();
  }
}

async function shops(db: Db, args: string[], print: Print) {
  const { values } = parseArgs({ args, options: { json: { type: "boolean" } } });
  void values;
  const list = await db.shop.findMany({ orderBy: { domain: "asc" } });
  const domains = new Set(list.map((shop) => shop.domain));
  // Shops that sent webhooks before any install record exist too.
  for (const row of await db.webhookEvent.findMany({ distinct: ["shop"], select: { shop: true } }))
    domains.add(row.shop);
  const rows = await Promise.all(
    [...domains].sort().map(async (domain) => {
      const shop = list.find((item) => item.domain === domain);
      return { domain, installed: shop ? !shop.uninstalledAt : null, events: await eventCounts(db, domain) };
    }),
  );
  print(rows, () =>
    rows.length === 0
      ? "no shops"
      : table(
          ["shop", "installed", ...EVENT_STATUSES],
          rows.map((r) => [
            r.domain,
            r.installed === null ? "?" : r.installed ? "yes" : "no",
            ...EVENT_STATUSES.map((s) => String(r.events[s])),
          ]),
        ),
  );
}

async function mirror(db: Db, args: string[], print: Print) {
  const { values, positionals } = parseArgs({ args, options: { json: { type: "boolean" } }, allowPositionals: true });
  void values;
  const shop = positionals[0];
  if (!shop) throw new UsageError("mirror needs a shop domain (see 'shops')");
  const counts = await mirrorCounts(db, shop);
  print({ shop, ...counts }, () =>
    table(
      ["table", "rows"],
      Object.entries(counts).map(([name, count]) => [name, String(count)]),
    ),
  );
}

async function returns(db: Db, args: string[], print: Print) {
  const { positionals } = parseArgs({ args, options: { json: { type: "boolean" } }, allowPositionals: true });
  const shop = positionals[0];
  if (!shop) throw new UsageError("returns needs a shop domain (see 'shops')");
  const rows = await listReturns(db, shop);
  print(rows, () => (rows.length === 0 ? `no returns for ${shop}` : table(RETURN_HEADINGS, rows.map(returnCells))));
}

async function conversations(db: Db, args: string[], print: Print) {
  const { positionals } = parseArgs({ args, options: { json: { type: "boolean" } }, allowPositionals: true });
  const shop = positionals[0];
  if (!shop) throw new UsageError("conversations needs a shop domain (see 'shops')");
  const rows = await listShopConversations(db, shop);
  print(rows, () => (rows.length === 0 ? `no conversations for ${shop}` : conversationsText(rows)));
}

async function inboxAddressCommand(db: Db, args: string[], print: Print) {
  const { positionals } = parseArgs({ args, options: { json: { type: "boolean" } }, allowPositionals: true });
  const shop = positionals[0];
  if (!shop) throw new UsageError("inbox-address needs a shop domain (see 'shops')");
  const address = await shopInboxAddress(db, shop, inboundEnv().domain);
  print({ shop, address }, () => address);
}

function table(headings: string[], rows: string[][]): string {
  const widths = headings.map((heading, i) => Math.max(heading.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(headings), ...rows.map(line)].join("\n");
}

const COMMANDS: Record<string, (db: Db, args: string[], print: Print) => Promise<void>> = {
  events,
  replay,
  shops,
  mirror,
  returns,
  conversations,
  "inbox-address": inboxAddressCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    console.error(name && name !== "help" ? `unknown command "${name}"\n\n${USAGE}` : USAGE);
    return name && name !== "help" ? 2 : 0;
  }
  const json = args.includes("--json");
  const print: Print = (value, text) => console.log(json ? JSON.stringify(value, null, 2) : text());
  const config = storageEnv();
  await migrate(config.DATABASE_URL);
  const db = createDb(config.DATABASE_URL);
  try {
    await command(db, args, print);
    return 0;
  } catch (error) {
    // Asked about something that is not there: not a usage mistake, but no answer either.
    if (error instanceof UnknownShopError) {
      console.error(`ops: ${error.message}`);
      return 1;
    }
    if (
      error instanceof UsageError ||
      error instanceof EnvError ||
      (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
    ) {
      console.error(`ops: ${(error as Error).message}`);
      return 2;
    }
    throw error;
  } finally {
    await db.$disconnect();
  }
}

process.exitCode = await main(process.argv.slice(2));
