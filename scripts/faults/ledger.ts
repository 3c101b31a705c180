// What a fault run left behind, read from the database and the SMTP sink
// (never from the app's own counters): which acknowledged events were
// processed, which effects exist twice, which notices were mailed twice.
import type { Db } from "../../app/db.server.ts";
import type { MailSink } from "../../sandbox/mail/mail-sink.ts";
import { sleep } from "../lib/wait.ts";
import { eventKey } from "./events.ts";
import type { WebhookToSend } from "../../sandbox/webhooks/send-webhook.ts";

export interface Effects {
  /**
   * Notices per kind, order and recipient (what reactions and scans decided to
   * tell customers). Not the dedupe key: some carry the moment a case opened,
   * which differs between two runs.
   */
  notices: Map<string, number>;
  /** Delay cases: order/subject/rule. */
  delayCases: Set<string>;
  /** Restock episodes per variant. */
  episodes: Set<string>;
}

function tally(keys: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

/** The case a delay notice is about, from its dedupe key (`delay:<order>:<subject>:<rule>:<opened>`, app/delays/notify.server.ts). */
function delayCaseOf(shop: string, kind: string, dedupeKey: string): string | null {
  if (kind !== "delay" && kind !== "delay_resolved") return null;
  const [, order, subject, rule] = dedupeKey.split(":");
  return order && subject && rule ? `${shop} ${order}/${subject}/${rule}` : null;
}

/**
 * What the run leaves that must not be lost. A delay case that opened and was resolved again
 * within the run (an older carrier scan processed before a newer one) depends on the order the
 * shuffled, redelivered events happened to be processed in, so two correct runs differ there:
 * only cases still open at the end count, and delay notices only of those cases.
 */
export async function effectsOf(db: Db, shops: string[]): Promise<Effects> {
  const where = { shop: { in: shops } };
  const [notices, cases, episodes] = await Promise.all([
    db.notice.findMany({
      where,
      select: { shop: true, kind: true, orderId: true, recipient: true, dedupeKey: true },
    }),
    db.delayCase.findMany({
      where: { ...where, status: { not: "resolved" } },
      select: { shop: true, orderId: true, subject: true, rule: true },
    }),
    db.restockEpisode.findMany({ where, select: { shop: true, variantId: true } }),
  ]);
  const open = new Set(cases.map((row) => `${row.shop} ${row.orderId}/${row.subject}/${row.rule}`));
  return {
    notices: tally(
      notices
        .filter((row) => {
          const about = delayCaseOf(row.shop, row.kind, row.dedupeKey);
          return about === null || open.has(about);
        })
        .map((row) => `${row.shop} ${row.kind} order ${row.orderId ?? "-"} to ${row.recipient ?? "-"}`),
    ),
    delayCases: new Set(cases.map((row) => `${row.shop} ${row.orderId}/${row.subject}/${row.rule}`)),
    episodes: new Set(episodes.map((row) => `${row.shop} ${row.variantId}`)),
  };
}

/**
 * Waits until the workers have nothing left for these shops: no event still
 * received/enqueued and no notice queued or sending, for `quietMs` in a row.
 * Returns false when `timeoutMs` passes first (what is left then counts as lost).
 */
export async function settle(db: Db, shops: string[], timeoutMs: number, quietMs = 4_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let quietSince: number | null = null;
  while (Date.now() < deadline) {
    const [events, notices] = await Promise.all([
      db.webhookEvent.count({ where: { shop: { in: shops }, status: { in: ["received", "enqueued"] } } }),
      db.notice.count({ where: { shop: { in: shops }, status: { in: ["queued", "sending"] } } }),
    ]);
    if (events === 0 && notices === 0) {
      quietSince ??= Date.now();
      if (Date.now() - quietSince >= quietMs) return true;
    } else quietSince = null;
    await sleep(500);
  }
  return false;
}

export interface PipelineFigures {
  events: number;
  deliveries: number;
  attempts: number;
  acknowledged: number;
  stored: number;
  processed: number;
  /** Acknowledged events not processed (with their statuses), plus reactions owed that never ran. */
  lostEvents: number;
  lostReactions: number;
  lostDetail: string[];
  duplicated: number;
  duplicatedDetail: string[];
  sentTwice: number;
  sentTwiceDetail: string[];
  noticesSent: number;
  mailed: number;
}

const NOTICE_MESSAGE_ID = /^<notice-(\d+)\./;

export async function pipelineFigures(input: {
  db: Db;
  shops: string[];
  events: WebhookToSend[];
  deliveries: number;
  attempts: number;
  acknowledged: Set<string>;
  sink: MailSink;
  /** Effects a run without faults produced for the same events (reactions owed). */
  expected: Effects | null;
}): Promise<PipelineFigures> {
  const { db, shops } = input;
  const sentKeys = new Set(input.events.map(eventKey));
  const rows = await db.webhookEvent.findMany({
    where: { shop: { in: shops } },
    select: { shop: true, topic: true, eventId: true, status: true, lastError: true },
  });
  const byKey = new Map<string, typeof rows>();
  for (const row of rows) {
    const key = eventKey(row);
    if (!sentKeys.has(key)) continue;
    byKey.set(key, [...(byKey.get(key) ?? []), row]);
  }
  const lostDetail: string[] = [];
  let processed = 0;
  let lostEvents = 0;
  const lostByStatus = new Map<string, number>();
  for (const key of input.acknowledged) {
    const found = byKey.get(key) ?? [];
    if (found.some((row) => row.status === "processed")) {
      processed += 1;
      continue;
    }
    lostEvents += 1;
    const status = found[0]
      ? `${found[0].status}${found[0].lastError ? ` (${found[0].lastError})` : ""}`
      : "not stored";
    lostByStatus.set(status, (lostByStatus.get(status) ?? 0) + 1);
    if (lostDetail.length < 5) lostDetail.push(`acknowledged, ${status}: ${key}`);
  }
  for (const [status, count] of lostByStatus) lostDetail.push(`${count} acknowledged events ${status}`);

  let lostReactions = 0;
  if (input.expected) {
    const actual = await effectsOf(db, shops);
    const missingNotices = [...input.expected.notices].filter(([key, n]) => (actual.notices.get(key) ?? 0) < n);
    const noticeShortfall = missingNotices.reduce((sum, [key, n]) => sum + n - (actual.notices.get(key) ?? 0), 0);
    lostReactions += noticeShortfall;
    if (missingNotices[0])
      lostDetail.push(`${noticeShortfall} notice(s) of the run without faults missing, e.g. ${missingNotices[0][0]}`);
    for (const [what, wanted, got] of [
      ["delay case", input.expected.delayCases, actual.delayCases],
      ["restock episode", input.expected.episodes, actual.episodes],
    ] as const) {
      const missing = [...wanted].filter((key) => !got.has(key));
      lostReactions += missing.length;
      if (missing.length)
        lostDetail.push(`${missing.length} ${what}(s) of the run without faults missing, e.g. ${missing[0]}`);
    }
  }

  const duplicatedDetail: string[] = [];
  let duplicated = 0;
  const count = (what: string, groups: { n: number; label: string }[]) => {
    const extra = groups.filter((group) => group.n > 1);
    for (const group of extra) duplicated += group.n - 1;
    if (extra[0])
      duplicatedDetail.push(`${extra.length} ${what} more than once, e.g. ${extra[0].label} ×${extra[0].n}`);
  };
  count(
    "events stored",
    [...byKey.entries()].map(([key, found]) => ({ n: found.length, label: key })),
  );
  const where = { shop: { in: shops } };
  const notices = await db.notice.groupBy({ by: ["shop", "dedupeKey"], where, _count: { _all: true } });
  count(
    "notice keys",
    notices.map((group) => ({ n: group._count._all, label: group.dedupeKey })),
  );
  const cases = await db.delayCase.groupBy({
    by: ["shop", "orderId", "subject", "rule"],
    where,
    _count: { _all: true },
  });
  count(
    "delay cases",
    cases.map((group) => ({ n: group._count._all, label: `${group.orderId}/${group.subject}/${group.rule}` })),
  );
  const episodes = await db.restockEpisode.groupBy({
    by: ["shop", "variantId", "status"],
    where: { ...where, status: "running" },
    _count: { _all: true },
  });
  count(
    "running restock episodes per variant",
    episodes.map((group) => ({ n: group._count._all, label: group.variantId })),
  );

  // Notices sent twice: messages in the SMTP sink per notice (Message-ID names
  // it), cross-checked with the Notice table's dedupe key.
  const messages = await input.sink.messages();
  const perNotice = new Map<number, number>();
  for (const message of messages) {
    const id = NOTICE_MESSAGE_ID.exec(message.messageId ?? "")?.[1];
    if (id) perNotice.set(Number(id), (perNotice.get(Number(id)) ?? 0) + 1);
  }
  const noticeRows = await db.notice.findMany({
    where: { ...where, id: { in: [...perNotice.keys()] } },
    select: { id: true, dedupeKey: true, status: true },
  });
  const keyOf = new Map(noticeRows.map((row) => [row.id, row.dedupeKey]));
  const perKey = new Map<string, number>();
  for (const [id, n] of perNotice) {
    const key = keyOf.get(id) ?? `notice ${id} (no row)`;
    perKey.set(key, (perKey.get(key) ?? 0) + n);
  }
  const twice = [...perKey.entries()].filter(([, n]) => n > 1);
  const sentTwiceDetail = twice.slice(0, 3).map(([key, n]) => `${key} mailed ×${n}`);
  const noticesSent = await db.notice.count({ where: { ...where, status: "sent" } });
  const mailedUnsent = noticeRows.filter((row) => row.status !== "sent").length;
  if (mailedUnsent)
    sentTwiceDetail.push(`${mailedUnsent} mailed notices not marked sent (a retry may mail them again)`);

  return {
    events: input.events.length,
    deliveries: input.deliveries,
    attempts: input.attempts,
    acknowledged: input.acknowledged.size,
    stored: byKey.size,
    processed,
    lostEvents,
    lostReactions,
    lostDetail,
    duplicated,
    duplicatedDetail,
    sentTwice: twice.length,
    sentTwiceDetail,
    noticesSent,
    mailed: messages.length,
  };
}
