// `npm run bench -- inbox`: the inbox (DESIGN.md "Performance targets": inbound
// mail parsed, threaded and stored at ≥ 40% of `mailparser` alone; the list
// and a conversation at 100,000 conversations / 1,000,000 messages p99 < 100 ms
// on both databases). For each database (SQLite, then PostgreSQL), in one run:
//   1. a fresh database, migrated, with one shop's inbox seeded by SQL
//      (bench/inbox-seed.ts): N conversations, M messages, contacts,
//      identities, Shopify and Etsy orders, notices, delays, returns;
//   2. inbound mail: realistic RFC 822 mail (bench/inbox-mail.ts) through the
//      worker's SMTP receiver (the worker process started as `npm run worker`
//      starts it, INBOUND_SMTP_PORT set, on that database), sent by nodemailer
//      over several connections: messages/s parsed, threaded and stored —
//      beside mailparser's simpleParser alone on the same bytes in this
//      process (before and after, the mean); then the rows are counted (every
//      mail stored exactly once, the duplicate deliveries too) and the
//      threading checked;
//   3. the inbox pages' loaders in this process on that database: the list
//      (default filter; a status + channel filter with a search) and one
//      conversation with its customer panel at random: p50/p99 over a few
//      hundred calls each, one at a time.
import { availableParallelism, loadavg } from "node:os";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { simpleParser } from "mailparser";
import nodemailer from "nodemailer";
import type { DbProvider } from "../app/db.server.ts";
import { baseEnv, ROOT } from "../scripts/lib/processes.ts";
import { seededRandom } from "../sandbox/random.ts";
import { flag, hasFlag, numberFlag } from "./lib/args.ts";
import { Cleanup } from "./lib/cleanup.ts";
import { cpuSeconds, freePort, spawnChild, systemCpu } from "./lib/children.ts";
import { formatSummary, summariseProfile } from "./lib/cpu-profile.ts";
import { freshDatabase, postgresBackendPids, REDIS_URL, redisCleanup } from "./lib/resources.ts";
import { generateMails, withDuplicates, type BenchMail } from "./inbox-mail.ts";
import {
  INBOUND_DOMAIN,
  inboxShape,
  seedInbox,
  seededContactEmail,
  SHOP,
  type InboxShape,
  type Seeded,
} from "./inbox-seed.ts";

export const description =
  "inbox: inbound mail through the SMTP receiver vs mailparser alone; the list and a conversation with its customer panel at 100,000 conversations / 1,000,000 messages (SQLite, PostgreSQL)";

export const usage = `npm run bench -- inbox [--conversations 100000] [--messages 1000000] [--mails 2000] [--warmup-mails 200]
       [--connections 8] [--calls 300] [--databases sqlite,postgresql] [--built] [--profile DIR] [--skip-mail] [--skip-reads]
       [--proposed-indexes]
  --conversations  conversations seeded (default 100,000; contacts: half that)
  --messages       messages seeded over them (default 1,000,000)
  --mails          inbound mails measured (default 2,000; every 50th is delivered twice), after --warmup-mails (default 200)
  --connections    concurrent SMTP connections of the sender (default 8)
  --calls          calls of each inbox read, one at a time, after 20 warm-up calls (default 300)
  --databases      sqlite, postgresql or both (default both)
  --built          run the production build's worker (build/worker/index.js) instead of server/worker.ts under tsx
  --worker FILE    run this worker entry instead (e.g. a patched copy's server/worker.ts, to measure a change first)
  --profile        a folder: the worker writes a CPU profile there, summarised after the run
  --skip-mail / --skip-reads  leave out one half
  --proposed-indexes  add the indexes this benchmark proposes (PROPOSED_INDEXES) to the bench database after migrating,
                 to measure them before they are in the schema`;

/** Indexes not in prisma/schema.prisma yet that the inbox's reads want (see the closing note). */
export const PROPOSED_INDEXES = [
  // The list's counts (per status, unread) from the index alone, not the whole table.
  `CREATE INDEX "bench_Conversation_shop_status_unread_idx" ON "Conversation" ("shop", "status", "unread")`,
  // A status filter's "the rest, latest first" phase in index order.
  `CREATE INDEX "bench_Conversation_shop_status_lastMessageAt_idx" ON "Conversation" ("shop", "status", "lastMessageAt")`,
  // The customer panel's orders by the contact's email or phone (guest and Etsy orders have no customer id).
  `CREATE INDEX "bench_Order_shop_email_idx" ON "Order" ("shop", "email")`,
  `CREATE INDEX "bench_Order_shop_phone_idx" ON "Order" ("shop", "phone")`,
];

const TARGETS = { mailRatio: 0.4, p99Ms: 100 } as const;
const INBOUND_SECRET = "kizuna-bench-inbound-secret-0123456789abcdef";
const DUPLICATE_EVERY = 50;
const WARMUP_CALLS = 20;

interface Options {
  conversations: number;
  messages: number;
  mails: number;
  warmupMails: number;
  connections: number;
  calls: number;
  databases: DbProvider[];
  built: boolean;
  workerEntry: string | null;
  profileDir: string | null;
  mail: boolean;
  reads: boolean;
  proposedIndexes: boolean;
}

function parseOptions(args: readonly string[]): Options {
  const databases = (flag(args, "databases") ?? "sqlite,postgresql").split(",").map((name) => name.trim());
  for (const name of databases)
    if (name !== "sqlite" && name !== "postgresql")
      throw new Error(`--databases: unknown database ${JSON.stringify(name)} (sqlite, postgresql)`);
  return {
    conversations: Math.round(numberFlag(args, "conversations", 100_000)),
    messages: Math.round(numberFlag(args, "messages", 1_000_000)),
    mails: Math.round(numberFlag(args, "mails", 2_000)),
    warmupMails: Math.round(numberFlag(args, "warmup-mails", 200)),
    connections: Math.round(numberFlag(args, "connections", 8)),
    calls: Math.round(numberFlag(args, "calls", 300)),
    databases: databases as DbProvider[],
    built: hasFlag(args, "built"),
    workerEntry: flag(args, "worker") ? resolve(flag(args, "worker")!) : null,
    profileDir: flag(args, "profile") ? resolve(flag(args, "profile")!) : null,
    mail: !hasFlag(args, "skip-mail"),
    reads: !hasFlag(args, "skip-reads"),
    proposedIndexes: hasFlag(args, "proposed-indexes"),
  };
}

// ─── inbound mail ───────────────────────────────────────────────────────────

interface ParseBaseline {
  name: string;
  perS: number;
  ms: number;
  /** Mails per second of this process's CPU time (the machine is shared: wall time carries others' work). */
  perCpuS: number;
}

/** simpleParser over the mails, one after another (mailparser is CPU work: concurrency would not help). */
async function parseRate(
  mails: readonly BenchMail[],
  parse: (raw: Buffer) => Promise<unknown>,
  name: string,
): Promise<ParseBaseline> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (const mail of mails) await parse(mail.raw);
  const used = process.cpuUsage(cpu);
  const ms = performance.now() - started;
  const cpuS = (used.user + used.system) / 1e6;
  return { name, perS: (mails.length / ms) * 1000, ms, perCpuS: mails.length / Math.max(1e-6, cpuS) };
}

interface MailCheck {
  sent: number;
  unique: number;
  accepted: number;
  refused: number;
  refusals: string[];
  /** Unique Message-IDs with exactly one stored row / none / more than one. */
  storedOnce: number;
  missing: number;
  storedTwice: number;
  originals: number;
  threaded: { checked: number; right: number; wrong: string[] };
  newConversations: { checked: number; opened: number };
}

interface MailResult {
  baselines: ParseBaseline[];
  /** simpleParser with its default options, mean of before and after. */
  baselinePerS: number;
  baselinePerCpuS: number;
  receiver: {
    perS: number;
    ms: number;
    workerCpuS: number;
    postgresCpuS: number;
    machineCores: number;
    /** Deliveries per CPU second of the worker and its PostgreSQL backends. */
    perCpuS: number;
  };
  ratio: number;
  /** The same ratio in CPU time (receiver's mails per CPU second over the parser's). */
  cpuRatio: number;
  check: MailCheck;
  shapes: Record<string, number>;
  profile?: string;
}

async function sendAll(port: number, mails: readonly BenchMail[], connections: number) {
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: connections,
    maxMessages: Infinity,
    // A stored mail is answered 250; a failure 451 (the receiver's "try again"): counted, not retried.
    socketTimeout: 120_000,
  });
  let accepted = 0;
  const refusals: string[] = [];
  try {
    await Promise.all(
      mails.map((mail) =>
        transport
          .sendMail({ envelope: mail.envelope, raw: mail.raw })
          .then(() => void accepted++)
          .catch((error: unknown) => void refusals.push(`${mail.messageId}: ${(error as Error).message}`)),
      ),
    );
  } finally {
    transport.close();
  }
  return { accepted, refusals };
}

async function measureMail(
  provider: DbProvider,
  url: string,
  shape: InboxShape,
  options: Options,
  cleanup: Cleanup,
  reader: RowReader,
): Promise<MailResult> {
  const now = Date.now();
  const warmup = generateMails(shape, options.warmupMails, "warm", 7, now);
  const measured = generateMails(shape, options.mails, "bench", 42, now);
  const sending = withDuplicates(measured, DUPLICATE_EVERY);
  const shapes: Record<string, number> = {};
  for (const mail of measured) shapes[mail.shape] = (shapes[mail.shape] ?? 0) + 1;
  const bytes = measured.reduce((sum, mail) => sum + mail.raw.length, 0);
  console.log(
    `  inbound: ${measured.length.toLocaleString("en")} mails (${Math.round(bytes / measured.length).toLocaleString("en")} bytes on average, ` +
      `${sending.length - measured.length} delivered twice), ${options.connections} SMTP connections, after ${warmup.length} warm-up mails`,
  );

  // mailparser alone, on the same bytes, before the receiver runs (and again after it).
  const baselines: ParseBaseline[] = [];
  const readOptions = {
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    skipImageLinks: true,
    keepDeliveryStatus: true,
  };
  const { readMail } = await import("../app/inbox/mail/read-mail.server.ts");
  await parseRate(warmup, (raw) => simpleParser(raw), "warm-up");
  await parseRate(warmup, (raw) => readMail(raw), "warm-up");
  baselines.push(await parseRate(measured, (raw) => simpleParser(raw), "simpleParser (defaults), before"));
  baselines.push(
    await parseRate(measured, (raw) => simpleParser(raw, readOptions), "simpleParser (readMail's options)"),
  );
  baselines.push(await parseRate(measured, (raw) => readMail(raw), "readMail (parse + trim + sanitize)"));

  const port = await freePort();
  const redisPrefix = redisCleanup(cleanup);
  const entry = options.workerEntry ?? (options.built ? "build/worker/index.js" : "server/worker.ts");
  const nodeArgs = options.profileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.profileDir}`] : [];
  const worker = spawnChild("worker", entry, {
    env: baseEnv({
      DATABASE_URL: url,
      REDIS_URL,
      REDIS_PREFIX: redisPrefix,
      INBOUND_SMTP_PORT: String(port),
      INBOUND_DOMAIN,
      INBOUND_EMAIL_SECRET: INBOUND_SECRET,
      SHOPIFY_API_KEY: "kizuna-bench-client-id",
      SHOPIFY_API_SECRET: "kizuna-bench-secret",
      SHOPIFY_APP_URL: "http://127.0.0.1:3999",
      WORKER_CONCURRENCY: "2",
    }),
    nodeArgs,
  });
  cleanup.defer("stop the worker", () => worker.stop(10_000).then(() => undefined));
  await worker.waitFor(/inbound SMTP listening on port/, 120_000);

  const warm = await sendAll(port, warmup, options.connections);
  if (warm.accepted !== warmup.length) {
    console.log(
      `  warm-up: ${warmup.length - warm.accepted} mails refused, e.g. ${warm.refusals[0] ?? ""}; the worker said:`,
    );
    for (const line of worker.lines.filter((l) => !/^\s*at /.test(l)).slice(-12))
      console.log(`    ${line.slice(0, 300)}`);
  }

  const pgPids = provider === "postgresql" ? await postgresBackendPids(url) : [];
  const pgCpu = () => pgPids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  const workerPid = worker.process.pid;
  const before = { at: performance.now(), worker: cpuSeconds(workerPid), postgres: pgCpu(), machine: systemCpu() };
  const sent = await sendAll(port, sending, options.connections);
  const after = { at: performance.now(), worker: cpuSeconds(workerPid), postgres: pgCpu(), machine: systemCpu() };
  const ms = after.at - before.at;
  const machineCores =
    ((after.machine.busy - before.machine.busy) / Math.max(1, after.machine.total - before.machine.total)) *
    availableParallelism();

  const code = await worker.stop(20_000);
  let profile: string | undefined;
  if (options.profileDir) {
    const { readdirSync, statSync } = await import("node:fs");
    const newest = readdirSync(options.profileDir)
      .filter((name) => name.endsWith(".cpuprofile"))
      .map((name) => join(options.profileDir!, name))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
    if (newest) profile = `${newest}\n${formatSummary(summariseProfile(newest, ROOT))}`;
  }
  if (code !== 0 && code !== null) console.log(`  the worker exited with ${code}`);

  baselines.push(await parseRate(measured, (raw) => simpleParser(raw), "simpleParser (defaults), after"));
  const defaults = baselines.filter((b) => b.name.startsWith("simpleParser (defaults)"));
  const baselinePerS = defaults.reduce((sum, b) => sum + b.perS, 0) / defaults.length;
  const baselinePerCpuS = defaults.reduce((sum, b) => sum + b.perCpuS, 0) / defaults.length;
  const perS = (sending.length / ms) * 1000;
  const receiverCpuS = after.worker - before.worker + (after.postgres - before.postgres);
  const perCpuS = sending.length / Math.max(1e-6, receiverCpuS);

  const check = await checkStored(reader, [...warmup, ...measured], measured, sending.length, sent);
  return {
    baselines,
    baselinePerS,
    baselinePerCpuS,
    receiver: {
      perS,
      ms,
      workerCpuS: after.worker - before.worker,
      postgresCpuS: after.postgres - before.postgres,
      machineCores,
      perCpuS,
    },
    ratio: perS / baselinePerS,
    cpuRatio: perCpuS / baselinePerCpuS,
    check,
    shapes,
    ...(profile ? { profile } : {}),
  };
}

// ─── counting what was stored ───────────────────────────────────────────────

/** A few driver-level reads for the checks (not measured). */
interface RowReader {
  all(sql: string, params: readonly (string | number)[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

async function rowReader(provider: DbProvider, url: string): Promise<RowReader> {
  if (provider === "sqlite") {
    const { default: Database } = await import("better-sqlite3");
    const { sqlitePath } = await import("../app/db.server.ts");
    const sqlite = new Database(sqlitePath(url));
    return {
      all: (sql, params) => {
        const statement = sqlite.prepare(sql.replace(/\$\d+/g, "?"));
        if (!statement.reader) return Promise.resolve(void statement.run(...params)).then(() => []);
        return Promise.resolve(statement.all(...params) as Record<string, unknown>[]);
      },
      close: () => Promise.resolve(void sqlite.close()),
    };
  }
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    all: async (sql, params) => (await client.query(sql, [...params])).rows as Record<string, unknown>[],
    close: () => client.end(),
  };
}

async function checkStored(
  reader: RowReader,
  all: readonly BenchMail[],
  measured: readonly BenchMail[],
  sentCount: number,
  sent: { accepted: number; refusals: string[] },
): Promise<MailCheck> {
  const rows = new Map<string, { count: number; conversationId: number; messageId: number }>();
  const ids = all.map((mail) => mail.messageId);
  for (let start = 0; start < ids.length; start += 500) {
    const chunk = ids.slice(start, start + 500);
    const found = await reader.all(
      `SELECT "providerMessageId" AS pid, COUNT(*) AS n, MIN("conversationId") AS conversation, MIN(id) AS id
       FROM "Message" WHERE shop = $1 AND channel = 'email' AND "providerMessageId" IN (${chunk.map((_, i) => `$${i + 2}`).join(", ")})
       GROUP BY "providerMessageId"`,
      [SHOP, ...chunk],
    );
    for (const row of found)
      rows.set(String(row.pid), {
        count: Number(row.n),
        conversationId: Number(row.conversation),
        messageId: Number(row.id),
      });
  }
  let storedOnce = 0;
  let missing = 0;
  let storedTwice = 0;
  for (const mail of measured) {
    const row = rows.get(mail.messageId);
    if (!row) missing++;
    else if (row.count === 1) storedOnce++;
    else storedTwice++;
  }
  const messageIds = measured.map((mail) => rows.get(mail.messageId)?.messageId).filter((id) => id !== undefined);
  let originals = 0;
  for (let start = 0; start < messageIds.length; start += 500) {
    const chunk = messageIds.slice(start, start + 500);
    const [row] = await reader.all(
      `SELECT COUNT(*) AS n FROM "MessageOriginal" WHERE shop = $1 AND "messageId" IN (${chunk.map((_, i) => `$${i + 2}`).join(", ")})`,
      [SHOP, ...chunk],
    );
    originals += Number(row?.n ?? 0);
  }
  const threaded = { checked: 0, right: 0, wrong: [] as string[] };
  const newConversations = { checked: 0, opened: 0 };
  const firstOfConversation = new Map<number, string>();
  for (const mail of all) {
    const row = rows.get(mail.messageId);
    if (row && !firstOfConversation.has(row.conversationId))
      firstOfConversation.set(row.conversationId, mail.messageId);
  }
  for (const mail of measured) {
    const row = rows.get(mail.messageId);
    if (!row) continue;
    const expect = mail.expect;
    if ("newConversation" in expect) {
      if (mail.shape === "Outlook HTML-only") continue;
      newConversations.checked++;
      if (firstOfConversation.get(row.conversationId) === mail.messageId) newConversations.opened++;
      continue;
    }
    const want = "conversationId" in expect ? expect.conversationId : rows.get(expect.sameAsMessageId)?.conversationId;
    threaded.checked++;
    if (want === row.conversationId) threaded.right++;
    else if (threaded.wrong.length < 5)
      threaded.wrong.push(`${mail.shape} ${mail.messageId}: in ${row.conversationId}, expected ${want ?? "?"}`);
  }
  return {
    sent: sentCount,
    unique: measured.length,
    accepted: sent.accepted,
    refused: sent.refusals.length,
    refusals: sent.refusals.slice(0, 5),
    storedOnce,
    missing,
    storedTwice,
    originals,
    threaded,
    newConversations,
  };
}

// ─── the inbox pages' reads ─────────────────────────────────────────────────

interface ReadStats {
  name: string;
  calls: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  /** Rows or messages the calls returned, on average (a read that finds nothing is not a fast read). */
  meanRows: number;
  /** This process's CPU per call (Prisma, and SQLite itself; PostgreSQL's own work is in its backends). */
  cpuMsPerCall: number;
}

function stats(name: string, samples: number[], rows: number[], cpuMs: number): ReadStats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return {
    name,
    calls: samples.length,
    p50Ms: at(0.5),
    p90Ms: at(0.9),
    p99Ms: at(0.99),
    maxMs: sorted.at(-1) ?? 0,
    meanMs: samples.reduce((sum, value) => sum + value, 0) / Math.max(1, samples.length),
    meanRows: rows.reduce((sum, value) => sum + value, 0) / Math.max(1, rows.length),
    cpuMsPerCall: cpuMs / Math.max(1, samples.length),
  };
}

async function timed<T>(
  name: string,
  calls: number,
  call: (index: number) => Promise<T>,
  count: (result: T) => number,
): Promise<ReadStats> {
  for (let i = 0; i < WARMUP_CALLS; i++) await call(-1 - i);
  const samples: number[] = [];
  const rows: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    const result = await call(i);
    samples.push(performance.now() - started);
    rows.push(count(result));
  }
  const used = process.cpuUsage(cpu);
  return stats(name, samples, rows, (used.user + used.system) / 1000);
}

async function measureReads(url: string, shape: InboxShape, options: Options): Promise<ReadStats[]> {
  const { createDb } = await import("../app/db.server.ts");
  const { inboxListPage, conversationPage, ListQuery } = await import("../app/inbox/inbox-pages.server.ts");
  const { listConversations, readConversation } = await import("../app/inbox/conversations.server.ts");
  const { getShopProfile } = await import("../app/shops/shop-overview.server.ts");
  const db = createDb(url);
  try {
    const rand = seededRandom(1234);
    const statuses = ["open", "waiting", "snoozed", "resolved"] as const;
    const channels = ["email", "sms", "order_page", "etsy"] as const;
    const searchOf = () => {
      const k = Math.floor(rand() * shape.contacts);
      // An address, a name's part or an order number, as a seller types them.
      const roll = rand();
      return roll < 0.5 ? seededContactEmail(k) : roll < 0.8 ? `#${1001 + k - (k % 2)}` : `shopper${k}`;
    };
    const conversationId = () => 1 + Math.floor(rand() * shape.conversations);
    const results: ReadStats[] = [];
    // The list page's loader: inboxListPage (listConversations and the filter choices) beside the shop's profile.
    results.push(
      await timed(
        "list: default (loader)",
        options.calls,
        async () => {
          const [page] = await Promise.all([inboxListPage(db, SHOP, ListQuery.parse({})), getShopProfile(db, SHOP)]);
          return page;
        },
        (page) => page.rows.length,
      ),
    );
    results.push(
      await timed(
        "list: status+channel+search (loader)",
        options.calls,
        async () => {
          const query = ListQuery.parse({
            status: statuses[Math.floor(rand() * statuses.length)],
            channel: channels[Math.floor(rand() * channels.length)],
            q: searchOf(),
          });
          const [page] = await Promise.all([inboxListPage(db, SHOP, query), getShopProfile(db, SHOP)]);
          return page;
        },
        (page) => page.rows.length,
      ),
    );
    results.push(
      await timed(
        "list: status+channel filter only",
        options.calls,
        async () => {
          const query = ListQuery.parse({
            status: statuses[Math.floor(rand() * statuses.length)],
            channel: channels[Math.floor(rand() * channels.length)],
          });
          return listConversations(db, SHOP, {
            status: query.status === "all" ? null : query.status,
            channel: query.channel === "all" ? null : query.channel,
          });
        },
        (list) => list.items.length,
      ),
    );
    results.push(
      await timed(
        "conversation + panel (loader)",
        options.calls,
        async () => conversationPage(db, SHOP, conversationId()),
        (page) => page?.messages.length ?? 0,
      ),
    );
    results.push(
      await timed(
        "  of which readConversation",
        options.calls,
        async () => readConversation(db, SHOP, conversationId()),
        (detail) => detail?.messages.length ?? 0,
      ),
    );
    return results;
  } finally {
    await db.$disconnect();
  }
}

// ─── one database ───────────────────────────────────────────────────────────

interface DatabaseResult {
  provider: DbProvider;
  seeded?: Seeded;
  loadAverage: number[];
  mail?: MailResult;
  reads: ReadStats[];
  error?: string;
}

async function measureDatabase(provider: DbProvider, options: Options): Promise<DatabaseResult> {
  const cleanup = new Cleanup();
  const removeHandlers = cleanup.onSignals();
  const result: DatabaseResult = { provider, loadAverage: loadavg(), reads: [] };
  try {
    const url = await freshDatabase(provider, cleanup);
    const { migrate } = await import("../app/database/migrate.server.ts");
    await migrate(url);
    const shape = inboxShape(options.conversations, options.messages);
    console.log(
      `▸ ${provider}: seeding ${shape.conversations.toLocaleString("en")} conversations, ${shape.messages.toLocaleString("en")} messages…`,
    );
    const seeded = await seedInbox(provider, url, shape, Math.floor(Date.now() / 1000));
    result.seeded = seeded;
    const c = seeded.counts;
    console.log(
      `  ${c.conversations.toLocaleString("en")} conversations, ${c.messages.toLocaleString("en")} messages, ` +
        `${c.contacts.toLocaleString("en")} contacts (${c.identities.toLocaleString("en")} identities), ` +
        `${c.orders.toLocaleString("en")} orders, ${c.notices.toLocaleString("en")} notices, ${c.delayCases} delay cases, ` +
        `${c.returns} returns, ${c.moneyActions} refunds in ${seeded.seconds.toFixed(1)} s`,
    );
    const reader = await rowReader(provider, url);
    cleanup.defer("close the check reader", () => reader.close());
    if (options.proposedIndexes) {
      for (const sql of PROPOSED_INDEXES) await reader.all(sql, []);
      if (provider === "postgresql") await reader.all("ANALYZE", []);
      console.log(`  with the ${PROPOSED_INDEXES.length} proposed indexes (not in the schema)`);
    }
    if (options.mail) result.mail = await measureMail(provider, url, shape, options, cleanup, reader);
    if (options.reads) {
      console.log(`  reads: ${options.calls} calls each, one at a time, after ${WARMUP_CALLS} warm-up calls`);
      result.reads = await measureReads(url, shape, options);
    }
    return result;
  } catch (error) {
    console.error(`  ${provider} failed: ${(error as Error).stack ?? String(error)}`);
    return { ...result, error: (error as Error).message };
  } finally {
    await cleanup.runAll();
    removeHandlers();
  }
}

// ─── report ──────────────────────────────────────────────────────────────────

const int = (value: number) => Math.round(value).toLocaleString("en-US");

function row(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
}

interface Criterion {
  database: string;
  name: string;
  actual: string;
  pass: boolean;
}

function criteriaOf(results: readonly DatabaseResult[], options: Options): Criterion[] {
  return results.flatMap((result) => {
    const out: Criterion[] = [];
    const mail = result.mail;
    if (options.mail) {
      out.push({
        database: result.provider,
        name: `mail ≥ ${TARGETS.mailRatio * 100}% of mailparser`,
        actual: mail ? `${(mail.ratio * 100).toFixed(1)}%` : "no result",
        pass: mail !== undefined && mail.ratio >= TARGETS.mailRatio,
      });
      const check = mail?.check;
      out.push({
        database: result.provider,
        name: "every mail stored once",
        actual: check
          ? `${check.storedOnce}/${check.unique} once, ${check.missing} missing, ${check.storedTwice} twice, ${check.refused} refused`
          : "no result",
        pass: check !== undefined && check.storedOnce === check.unique && check.refused === 0,
      });
      out.push({
        database: result.provider,
        name: "replies threaded",
        actual: check ? `${check.threaded.right}/${check.threaded.checked}` : "no result",
        pass: check !== undefined && check.threaded.right === check.threaded.checked,
      });
    }
    if (options.reads)
      for (const name of [
        "list: default (loader)",
        "list: status+channel+search (loader)",
        "conversation + panel (loader)",
      ]) {
        const read = result.reads.find((r) => r.name === name);
        out.push({
          database: result.provider,
          name: `${name.replace(" (loader)", "")} p99 < ${TARGETS.p99Ms} ms`,
          actual: read ? `${read.p99Ms.toFixed(1)} ms` : "no result",
          pass: read !== undefined && read.p99Ms < TARGETS.p99Ms,
        });
      }
    return out;
  });
}

function printReport(results: readonly DatabaseResult[], criteria: readonly Criterion[], options: Options): void {
  const shape = inboxShape(options.conversations, options.messages);
  console.log(
    `\nInbox — ${int(shape.conversations)} conversations, ${int(shape.messages)} messages seeded; inbound mail through the worker's ` +
      `SMTP receiver (${options.workerEntry ?? (options.built ? "build/worker/index.js" : "server/worker.ts")}) from nodemailer over ${options.connections} connections, ` +
      `vs mailparser's simpleParser alone in one process on the same bytes (mean of before and after); reads: the pages' loaders ` +
      `in this process, one call at a time, ${options.calls} calls each` +
      `${options.proposedIndexes ? "; WITH the proposed indexes (--proposed-indexes)" : ""}. ` +
      `"CPU": mails per CPU second (the parser's process; the worker and its PostgreSQL backends), or this ` +
      `process's CPU per read call (SQLite's work included, PostgreSQL's not) — on a shared machine wall time carries others' work.\n`,
  );
  const widths = [10, 44, 8, 10, 8, 8, 8, 8, 10];
  console.log(row(["database", "what", "per s", "CPU", "p50 ms", "p99 ms", "max ms", "rows", "vs parser"], widths));
  for (const result of results) {
    if (result.error !== undefined && !result.mail && result.reads.length === 0) {
      console.log(
        row([result.provider, "FAILED", "", "", "", "", "", "", ""], widths) + `  ${result.error.split("\n")[0]}`,
      );
      continue;
    }
    const mail = result.mail;
    if (mail) {
      for (const baseline of mail.baselines)
        console.log(
          row(
            [
              result.provider,
              baseline.name,
              int(baseline.perS),
              int(baseline.perCpuS),
              "—",
              "—",
              "—",
              "—",
              `${((baseline.perS / mail.baselinePerS) * 100).toFixed(0)}%`,
            ],
            widths,
          ),
        );
      console.log(
        row(
          [
            result.provider,
            "SMTP receiver: parse, thread, store",
            int(mail.receiver.perS),
            int(mail.receiver.perCpuS),
            "—",
            "—",
            "—",
            int(mail.check.sent),
            `${(mail.ratio * 100).toFixed(1)}%`,
          ],
          widths,
        ) + `  (CPU: ${(mail.cpuRatio * 100).toFixed(1)}%)`,
      );
    }
    for (const read of result.reads)
      console.log(
        row(
          [
            result.provider,
            read.name,
            (1000 / Math.max(0.001, read.meanMs)).toFixed(0),
            `${read.cpuMsPerCall.toFixed(1)} ms`,
            read.p50Ms.toFixed(1),
            read.p99Ms.toFixed(1),
            read.maxMs.toFixed(0),
            read.meanRows.toFixed(1),
            "—",
          ],
          widths,
        ),
      );
  }

  for (const result of results) {
    const mail = result.mail;
    if (!mail) continue;
    const r = mail.receiver;
    const check = mail.check;
    console.log(
      `\n  ${result.provider} inbound: ${int(check.sent)} deliveries in ${(r.ms / 1000).toFixed(1)} s; worker CPU ${r.workerCpuS.toFixed(1)} s ` +
        `(${((r.workerCpuS * 1000) / check.sent).toFixed(2)} ms a mail)` +
        (result.provider === "postgresql" ? `, PostgreSQL CPU ${r.postgresCpuS.toFixed(1)} s` : "") +
        `, machine ${r.machineCores.toFixed(2)} of ${availableParallelism()} cores busy`,
    );
    console.log(
      `    stored: ${check.storedOnce} of ${check.unique} distinct mails exactly once, ${check.missing} missing, ${check.storedTwice} more than once; ` +
        `${check.originals} originals kept; ${check.accepted} deliveries answered 250, ${check.refused} refused` +
        (check.refusals.length ? ` (${check.refusals.join("; ")})` : ""),
    );
    console.log(
      `    threading: ${check.threaded.right}/${check.threaded.checked} replies in the conversation they answer` +
        (check.threaded.wrong.length ? ` — wrong: ${check.threaded.wrong.join("; ")}` : "") +
        `; ${check.newConversations.opened}/${check.newConversations.checked} new mails opened a conversation`,
    );
    if (check.missing > 0 || check.storedTwice > 0 || check.refused > 0)
      console.log(
        `    MAIL LOST OR DOUBLED: ${check.missing} missing, ${check.storedTwice} stored twice, ${check.refused} refused`,
      );
    console.log(
      `    shapes: ${Object.entries(mail.shapes)
        .map(([name, n]) => `${name} ${n}`)
        .join(", ")}`,
    );
    if (mail.profile) console.log(`  worker profile ${mail.profile}`);
  }
  for (const result of results)
    console.log(
      `  ${result.provider}: load average at its start ${result.loadAverage.map((value) => value.toFixed(2)).join(" ")}`,
    );

  console.log('\nTargets (DESIGN.md "Performance targets"):');
  for (const criterion of criteria)
    console.log(
      `  ${(criterion.pass ? "PASS" : "below target").padEnd(13)} ${criterion.database.padEnd(11)} ${criterion.name.padEnd(42)} ${criterion.actual}`,
    );
}

export async function run(args: readonly string[]): Promise<void> {
  const options = parseOptions(args);
  // The pages' loaders run in this process: the configuration they read (the order page link, the inbound domain).
  process.env.SHOPIFY_API_KEY ??= "kizuna-bench-client-id";
  process.env.SHOPIFY_API_SECRET ??= "kizuna-bench-secret";
  process.env.SHOPIFY_APP_URL ??= "http://127.0.0.1:3999";
  process.env.INBOUND_DOMAIN ??= INBOUND_DOMAIN;
  const results: DatabaseResult[] = [];
  for (const provider of options.databases) results.push(await measureDatabase(provider, options));
  const criteria = criteriaOf(results, options);
  printReport(results, criteria, options);
  const dir = join(ROOT, "bench/results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `inbox-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ benchmark: "inbox", at: new Date().toISOString(), node: process.version, cores: availableParallelism(), options, targets: TARGETS, results, criteria }, null, 2)}\n`,
  );
  console.log(`\nResults: ${file}`);
  const failed = results.filter((result) => result.error !== undefined);
  if (failed.length > 0)
    throw new Error(`inbox benchmark did not complete: ${failed.map((result) => result.provider).join(", ")}`);
}
