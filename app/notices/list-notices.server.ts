// Recent notices and the dead-letter list for the admin.
import type { Db } from "../db.server.ts";

export interface NoticeRowView {
  id: number;
  kind: string;
  channel: string;
  locale: string;
  recipient: string | null;
  recipientName: string | null;
  orderId: string | null;
  status: string;
  statusReason: string | null;
  subject: string | null;
  attempts: number;
  sendAfter: string | null;
  sentAt: string | null;
  createdAt: string;
}

type Row = Awaited<ReturnType<Db["notice"]["findMany"]>>[number];

function view(row: Row): NoticeRowView {
  return {
    id: row.id,
    kind: row.kind,
    channel: row.channel,
    locale: row.locale,
    recipient: row.recipient,
    recipientName: row.recipientName,
    orderId: row.orderId,
    status: row.status,
    statusReason: row.statusReason,
    subject: row.subject,
    attempts: row.attempts,
    sendAfter: row.sendAfter?.toISOString() ?? null,
    sentAt: row.sentAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

export const NOTICES_PAGE_SIZE = 50;

/** One page of the shop's notices, newest first (optionally of one status), the dead-letter list, and counts by status. */
export async function listNotices(
  db: Db,
  shop: string,
  options: { page?: number; pageSize?: number; status?: string } = {},
) {
  const size = options.pageSize ?? NOTICES_PAGE_SIZE;
  const page = Math.max(1, options.page ?? 1);
  const [recent, dead, counts] = await Promise.all([
    db.notice.findMany({
      where: { shop, ...(options.status ? { status: options.status } : {}) },
      orderBy: { id: "desc" },
      skip: (page - 1) * size,
      take: size + 1,
    }),
    db.notice.findMany({
      where: { shop, status: { in: ["dead", "failed"] } },
      orderBy: { updatedAt: "desc" },
      take: 100,
    }),
    db.notice.groupBy({ by: ["status"], where: { shop }, _count: { _all: true } }),
  ]);
  return {
    recent: recent.slice(0, size).map(view),
    page,
    hasNext: recent.length > size,
    /** The dead-letter list, and failed sends still waiting for a retry. */
    dead: dead.map(view),
    counts: Object.fromEntries(counts.map((c) => [c.status, c._count._all])) as Record<string, number>,
  };
}
