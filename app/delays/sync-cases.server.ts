// Turns what the rules found for a batch of orders into DelayCase rows: opens
// new cases (one bulk insert), updates a case whose reason changed, reopens a
// case the app had resolved when the problem comes back, and resolves open
// cases the rules no longer find (the parcel moved on or arrived). The unique
// key (shop, orderId, subject, rule) makes re-evaluation idempotent.
import { chunks, inChunks, MAX_IDS_PER_QUERY } from "../database/chunks.ts";
import type { Db } from "../db.server.ts";
import { Prisma } from "../generated/prisma-sqlite/client.ts";
import { prismaRunner, type SqlRunner } from "./facts.server.ts";
import type { CaseDraft } from "./rules.server.ts";

export type DelayCaseRow = Awaited<ReturnType<Db["delayCase"]["findFirstOrThrow"]>>;

export interface DelayChanges {
  opened: DelayCaseRow[];
  resolved: DelayCaseRow[];
}

export const noChanges = (): DelayChanges => ({ opened: [], resolved: [] });

const LIVE = ["open", "snoozed"];
const keyOf = (orderId: string, subject: string, rule: string) => `${orderId}\u0000${subject}\u0000${rule}`;

export function detailsOf(row: Pick<DelayCaseRow, "details">): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(row.details);
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** New cases per INSERT statement (one bound value each: the rows travel as one JSON array). */
const INSERT_ROWS = 2_000;

type InsertedKey = { id: number | bigint; orderId: string; subject: string; rule: string };

/**
 * New cases in one statement: INSERT … SELECT from a JSON array bound as one
 * value. Prisma's createManyAndReturn costs ~0.4 ms a row and a multi-row
 * VALUES list ~0.07 ms (each bound value costs more than the row), most of a
 * first scan that opens 100,000+ cases; this costs ~0.03 ms. Only the keys
 * come back (the rest is what was written). ON CONFLICT DO NOTHING: a case
 * another evaluation opened meanwhile is that evaluation's to report.
 */
function insertCases(
  db: Db,
  dialect: SqlRunner["dialect"],
  shop: string,
  cases: readonly { orderId: string; draft: CaseDraft }[],
  now: Date,
) {
  const values = cases.map(({ orderId, draft }) => ({
    orderId,
    subject: draft.subject,
    rule: draft.rule,
    reason: draft.reason,
    details: JSON.stringify(draft.details),
  }));
  const json = JSON.stringify(values.map((row) => [row.orderId, row.subject, row.rule, row.reason, row.details]));
  // What differs between the databases: how a JSON array becomes rows, and
  // PostgreSQL wants the time typed (a SELECT list does not take the column's type).
  const sqlite = dialect === "sqlite";
  const rows = sqlite
    ? Prisma.sql`json_each(${json}) AS "j"`
    : Prisma.sql`jsonb_array_elements(CAST(${json} AS jsonb)) AS "j"("value")`;
  const at = sqlite ? Prisma.sql`${now}` : Prisma.sql`CAST(${now} AS TIMESTAMP(3))`;
  // WHERE true: SQLite's parser needs it between INSERT … SELECT and ON CONFLICT.
  const query = db.$queryRaw<InsertedKey[]>`
    INSERT INTO "DelayCase" ("shop", "orderId", "subject", "rule", "reason", "details", "openedAt", "updatedAt")
    SELECT ${shop}, "j"."value" ->> 0, "j"."value" ->> 1, "j"."value" ->> 2, "j"."value" ->> 3, "j"."value" ->> 4, ${at}, ${at}
    FROM ${rows} WHERE true
    ON CONFLICT DO NOTHING RETURNING "id", "orderId", "subject", "rule"`;
  const byKey = new Map(values.map((row) => [keyOf(row.orderId, row.subject, row.rule), row]));
  /** The rows the statement inserted, from the keys it returned. */
  // Written out field by field: `{ ...value, id }` here cost ~13 µs a row (V8's slow path).
  const rowsOf = (inserted: InsertedKey[]): DelayCaseRow[] =>
    inserted.map((key) => {
      const value = byKey.get(keyOf(key.orderId, key.subject, key.rule))!;
      return {
        id: Number(key.id),
        shop,
        orderId: value.orderId,
        subject: value.subject,
        rule: value.rule,
        reason: value.reason,
        status: "open",
        openedAt: now,
        resolvedAt: null,
        snoozedUntil: null,
        notifiedAt: null,
        noticeId: null,
        details: value.details,
        updatedAt: now,
      };
    });
  return { query, rowsOf };
}

/**
 * Brings the cases of `orderIds` in line with `drafts` (the rules' findings for
 * exactly those orders). Orders absent from `drafts` have no problem now.
 */
export async function syncCases(
  db: Db,
  shop: string,
  orderIds: readonly string[],
  drafts: ReadonlyMap<string, CaseDraft[]>,
  now: Date,
  /** The orders' stored cases, when the caller read them already. */
  known?: readonly DelayCaseRow[],
): Promise<DelayChanges> {
  if (orderIds.length === 0) return noChanges();
  const wanted = new Set(orderIds);
  const existing = known
    ? known.filter((row) => wanted.has(row.orderId))
    : await inChunks(orderIds, (ids) => db.delayCase.findMany({ where: { shop, orderId: { in: ids } } }));
  const stored = new Map(existing.map((row) => [keyOf(row.orderId, row.subject, row.rule), row]));

  const toCreate: { orderId: string; draft: CaseDraft }[] = [];
  const toUpdate: { id: number; reason: string; details: string }[] = [];
  const toReopen: { id: number; reason: string; details: string }[] = [];
  const found = new Set<string>();
  for (const [orderId, list] of drafts) {
    for (const draft of list) {
      const key = keyOf(orderId, draft.subject, draft.rule);
      found.add(key);
      const row = stored.get(key);
      if (!row) {
        toCreate.push({ orderId, draft });
        continue;
      }
      const details = JSON.stringify(draft.details);
      if (LIVE.includes(row.status)) {
        if (row.reason !== draft.reason) toUpdate.push({ id: row.id, reason: draft.reason, details });
        continue;
      }
      // Resolved: a seller's "resolved" stands while the same problem persists.
      if (detailsOf(row).resolvedBy === "seller" && row.reason === draft.reason) continue;
      toReopen.push({ id: row.id, reason: draft.reason, details });
    }
  }
  const toResolve = existing.filter(
    (row) => LIVE.includes(row.status) && !found.has(keyOf(row.orderId, row.subject, row.rule)),
  );

  const changes = noChanges();
  if (toCreate.length + toUpdate.length + toReopen.length + toResolve.length === 0) return changes;
  // One transaction per batch: a single commit however many cases change.
  const creates = [];
  const dialect = toCreate.length > 0 ? (await prismaRunner(db)).dialect : "sqlite";
  for (let index = 0; index < toCreate.length; index += INSERT_ROWS)
    creates.push(insertCases(db, dialect, shop, toCreate.slice(index, index + INSERT_ROWS), now));
  const updates = [
    ...toUpdate.map((change) =>
      db.delayCase.update({ where: { id: change.id }, data: { reason: change.reason, details: change.details } }),
    ),
    ...toReopen.map((change) =>
      db.delayCase.update({
        where: { id: change.id },
        data: {
          status: "open",
          reason: change.reason,
          details: change.details,
          openedAt: now,
          resolvedAt: null,
          snoozedUntil: null,
          notifiedAt: null,
          noticeId: null,
        },
      }),
    ),
  ];
  const resolveIds = toResolve.map((row) => row.id);
  const resolves = chunks(resolveIds).map((ids) =>
    db.delayCase.updateMany({
      where: { id: { in: ids }, status: { in: LIVE } },
      data: { status: "resolved", resolvedAt: now },
    }),
  );
  const results = await db.$transaction([...creates.map((create) => create.query), ...updates, ...resolves]);
  creates.forEach((create, index) => changes.opened.push(...create.rowsOf(results[index] as InsertedKey[])));
  const reopened = new Set(toReopen.map((change) => change.id));
  const updated = results.slice(creates.length, creates.length + updates.length) as DelayCaseRow[];
  changes.opened.push(...updated.filter((row) => reopened.has(row.id)));
  changes.resolved = toResolve.map((row) => ({ ...row, status: "resolved", resolvedAt: now }));
  return changes;
}

/** Snoozes that ran out: back to open (the seller asked to look again then). */
export async function wakeSnoozed(db: Db, shop: string, now: Date, orderIds?: readonly string[]): Promise<number> {
  const { count } = await db.delayCase.updateMany({
    where: {
      shop,
      status: "snoozed",
      snoozedUntil: { lte: now },
      ...(orderIds ? { orderId: { in: orderIds.slice(0, MAX_IDS_PER_QUERY) } } : {}),
    },
    data: { status: "open", snoozedUntil: null },
  });
  return count;
}
