// `npm run faults`: the fault suite (docs/decisions/0010-fault-suite.md). Real
// processes on loopback only; prints one table and exits non-zero when a
// figure that must be 0 is not.
//   npm run faults -- --events 2000        a quick run (default 10,000 events)
//   npm run faults -- --only sqlite,bad    some parts only (sqlite, postgresql, bad)
//   npm run faults -- --no-build --verbose reuse build/, show the processes' output
//   npm run faults -- --send-seconds 60    spread the deliveries over at least 60 s (the faults fall among them)
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { buildCommand, ROOT } from "../lib/processes.ts";
import { runBadInput, type BadInputFigures } from "./bad-input.ts";
import { tempRoot } from "./databases.ts";
import { buildEvents, SEEDED_SHOP } from "./events.ts";
import { runPipeline, type PipelineRunResult } from "./pipeline-run.ts";

interface Options {
  events: number;
  seed: number;
  only: Set<string>;
  build: boolean;
  reference: boolean;
  verbose: boolean;
  concurrency: number;
  sendSeconds: number;
  settleMs: number;
}

function parseArgs(argv: string[]): Options {
  const value = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const number = (name: string, fallback: number) => {
    const text = value(name);
    if (text === undefined) return fallback;
    const parsed = Number(text);
    if (!Number.isInteger(parsed) || parsed < 1)
      throw new Error(`--${name} wants a positive whole number, not ${text}`);
    return parsed;
  };
  const only = new Set((value("only") ?? "sqlite,postgresql,bad").split(",").map((part) => part.trim()));
  for (const part of only)
    if (!["sqlite", "postgresql", "bad"].includes(part)) throw new Error(`--only: unknown part ${part}`);
  return {
    events: number("events", 10_000),
    seed: number("seed", 10),
    only,
    build: !argv.includes("--no-build"),
    reference: !argv.includes("--no-reference"),
    verbose: argv.includes("--verbose"),
    concurrency: number("concurrency", 32),
    sendSeconds: number("send-seconds", 60),
    settleMs: number("settle-seconds", 240) * 1000,
  };
}

const log = (line: string) => console.log(line);

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
        .join("  "),
    )
    .join("\n");
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const started = Date.now();
  if (options.build) {
    log("▸ Building the app (npm run build): the processes run the production build, as the demo's do");
    const [command, args] = buildCommand();
    execFileSync(command, args, { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  }
  const root = tempRoot();
  const runTag = Date.now().toString(36);
  const set = buildEvents(options.events, options.seed, runTag);
  log(
    `▸ ${set.events.length} events (${set.seededEvents} of the seeded shop ${SEEDED_SHOP}, the rest Shopify's example payloads), ${set.deliveries.length} deliveries`,
  );
  const common = {
    set,
    root,
    concurrency: options.concurrency,
    sendSeconds: options.sendSeconds,
    settleMs: options.settleMs,
    log,
    echo: options.verbose,
  };
  const pipelines: { label: string; result: PipelineRunResult }[] = [];
  let bad: BadInputFigures | null = null;
  try {
    let expected = null;
    if (options.reference && (options.only.has("sqlite") || options.only.has("postgresql"))) {
      // Reactions owed: what the seeded shop's events cause when nothing fails.
      log("▸ The seeded shop's events without faults (what their reactions must produce)");
      const reference = await runPipeline({
        ...common,
        label: "reference",
        provider: "sqlite",
        webs: 1,
        workers: 1,
        deliveries: set.deliveries.filter((delivery) => delivery.webhook.shop === SEEDED_SHOP),
        faults: false,
        expected: null,
      });
      expected = reference.effects;
      log(
        `  ${[...expected.notices.values()].reduce((a, b) => a + b, 0)} notices, ${expected.delayCases.size} delay cases, ${expected.episodes.size} restock episodes (${reference.seconds.toFixed(0)} s)`,
      );
    }
    if (options.only.has("sqlite")) {
      log("▸ SQLite: 1 web, 1 worker; Redis stopped and restarted, worker killed twice, web killed once");
      const result = await runPipeline({
        ...common,
        label: "SQLite",
        provider: "sqlite",
        webs: 1,
        workers: 1,
        faults: true,
        expected,
      });
      pipelines.push({ label: "SQLite, 1 web + 1 worker", result });
    }
    if (options.only.has("postgresql")) {
      log("▸ PostgreSQL: 2 webs, 2 workers, one Redis; Redis stopped and restarted, workers killed twice, a web once");
      const result = await runPipeline({
        ...common,
        label: "PostgreSQL",
        provider: "postgresql",
        webs: 2,
        workers: 2,
        faults: true,
        expected,
      });
      pipelines.push({ label: "PostgreSQL, 2 webs + 2 workers", result });
    }
    if (options.only.has("bad")) {
      log("▸ Bad input against a running web (SQLite)");
      bad = await runBadInput({ root, log, echo: options.verbose });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }

  const failures: string[] = [];
  console.log("\nKizuna fault suite\n");
  if (pipelines.length) {
    const rows = [
      [
        "webhooks",
        "sent",
        "deliveries",
        "attempts",
        "acknowledged",
        "stored",
        "processed",
        "lost",
        "duplicated effects",
        "notices sent twice",
        "notices mailed",
        "seconds",
      ],
    ];
    for (const { label, result } of pipelines) {
      const f = result.figures;
      rows.push([
        label,
        String(f.events),
        String(f.deliveries),
        String(f.attempts),
        String(f.acknowledged),
        String(f.stored),
        String(f.processed),
        String(f.lostEvents + f.lostReactions),
        String(f.duplicated),
        String(f.sentTwice),
        String(f.mailed),
        result.seconds.toFixed(0),
      ]);
      if (f.lostEvents + f.lostReactions > 0)
        failures.push(`${label}: lost ${f.lostEvents} events, ${f.lostReactions} reactions`);
      if (f.duplicated > 0) failures.push(`${label}: ${f.duplicated} duplicated effects`);
      if (f.sentTwice > 0) failures.push(`${label}: ${f.sentTwice} notices sent twice`);
      if (f.acknowledged < f.events)
        failures.push(`${label}: ${f.events - f.acknowledged} events never acknowledged after 8 retries`);
    }
    console.log(table(rows));
    console.log(
      "(sent = events, each delivered 1–3 times; attempts include the sender's retries; lost = acknowledged events not processed + reactions owed that never ran)",
    );
    for (const { label, result } of pipelines) {
      const f = result.figures;
      for (const line of [
        ...result.faults.map((fault) => `fault: ${fault}`),
        `attempts answered: ${result.answers}`,
        ...f.lostDetail,
        ...f.duplicatedDetail,
        ...f.sentTwiceDetail,
      ])
        console.log(`  ${label}: ${line}`);
    }
  }
  if (bad) {
    console.log("");
    const rows = [["bad input", "tried", "answered 4xx", "3xx (to login)", "2xx", "5xx", "rows written"]];
    for (const group of [...bad.groups, { ...bad, name: "total" }])
      rows.push(
        [group.name, group.tried, group.fourxx, group.threexx, group.twoxx, group.fivexx, group.rowsWritten].map(
          String,
        ),
      );
    console.log(table(rows));
    console.log(
      `accepted text with <script> (a signed order update, markup in every customer text): ${bad.accepted.tried} stored; admin pages showing it escaped ${bad.accepted.escaped}, unescaped ${bad.accepted.unescaped}`,
    );
    for (const line of bad.detail) console.log(`  ${line}`);
    if (bad.fivexx > 0) failures.push(`bad input: ${bad.fivexx} answered 5xx`);
    if (bad.rowsWritten > 0) failures.push(`bad input: ${bad.rowsWritten} rows written by rejected requests`);
    if (bad.twoxx > 0) failures.push(`bad input: ${bad.twoxx} requests that must be refused answered 2xx`);
    if (bad.accepted.unescaped > 0)
      failures.push(`bad input: ${bad.accepted.unescaped} admin pages show customer text unescaped`);
    if (bad.accepted.tried > 0 && bad.accepted.escaped === 0)
      failures.push(
        "bad input: no admin page showed the order's customer text at all (the escaping check proved nothing)",
      );
  }
  console.log(`\nwall time ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (failures.length) {
    console.log(`\nFAILED:\n${failures.map((line) => `  ${line}`).join("\n")}`);
    process.exitCode = 1;
  }
}

try {
  await main();
} catch (error) {
  console.error(`faults: ${(error as Error).stack ?? error}`);
  process.exitCode = 1;
}
