// Turns what the rules found for a batch of orders into DelayCase rows: opens
// new cases (one bulk insert), updates a case whose reason changed, reopens a
// case the app had resolved when the problem comes back, and resolves open
// cases the rules no longer find (the parcel moved on or arrived). The unique
// key (shop, orderId, subject, rule) makes re-evaluation idempotent.
import type { Db } from "../db.server.ts";
import { inChunks, MAX_IDS_PER_QUERY } from "./chunks.ts";
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
  // createMany binds 7 values per row: 100 rows per statement stay under SQLite's limit.
  for (let index = 0; index < toCreate.length; index += 100)
    creates.push(
      db.delayCase.createManyAndReturn({
        data: toCreate.slice(index, index + 100).map(({ orderId, draft }) => ({
          shop,
          orderId,
          subject: draft.subject,
          rule: draft.rule,
          reason: draft.reason,
          details: JSON.stringify(draft.details),
          openedAt: now,
        })),
      }),
    );
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
  const resolves = [];
  for (let index = 0; index < resolveIds.length; index += MAX_IDS_PER_QUERY)
    resolves.push(
      db.delayCase.updateMany({
        where: { id: { in: resolveIds.slice(index, index + MAX_IDS_PER_QUERY) }, status: { in: LIVE } },
        data: { status: "resolved", resolvedAt: now },
      }),
    );
  const results = await db.$transaction([...creates, ...updates, ...resolves]);
  for (const created of results.slice(0, creates.length) as DelayCaseRow[][]) changes.opened.push(...created);
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
