// The contacts-prevented holdout (ADR 0016). Off by default; when the seller
// turns it on, a fixed share of new delay cases — chosen by a hash of the
// shop and the case id, so the choice is the same on every run and worker —
// gets no proactive delay notice for a day. The choice is recorded
// (DelayHoldout) and counted in the analytics; after the day, a case still
// open is told as usual.
import { createHash } from "node:crypto";
import type { Db } from "../db.server.ts";
import { HOLDOUT_MAX_PERCENT } from "./choices.ts";

export const HOLDOUT_HOURS = 24;
export { HOLDOUT_MAX_PERCENT };

export interface HoldoutSettings {
  on: boolean;
  /** 0…HOLDOUT_MAX_PERCENT. */
  percent: number;
}

export async function holdoutSettings(db: Db, shop: string): Promise<HoldoutSettings> {
  const row = await db.shopSettings.findUnique({
    where: { shop },
    select: { holdoutOn: true, holdoutPercent: true },
  });
  return { on: row?.holdoutOn ?? false, percent: clampPercent(row?.holdoutPercent ?? 10) };
}

export function clampPercent(value: number): number {
  return Number.isFinite(value) ? Math.min(HOLDOUT_MAX_PERCENT, Math.max(0, Math.round(value))) : 0;
}

/** The case's place in 0…9999, from its shop and id: uniform, and the same everywhere. */
export function holdoutSlot(shop: string, caseId: number): number {
  return createHash("sha256").update(`${shop}\u0000${caseId}`).digest().readUInt32BE(0) % 10_000;
}

export function isHeldOut(shop: string, caseId: number, settings: HoldoutSettings): boolean {
  return settings.on && holdoutSlot(shop, caseId) < settings.percent * 100;
}

/**
 * Called for each newly opened case before its delay notice: true when the
 * holdout takes it (recorded once; the notice waits until the day is over).
 */
export async function holdOutCase(
  db: Db,
  caseRow: { id: number; shop: string },
  settings: HoldoutSettings,
  now: Date,
): Promise<boolean> {
  const existing = await db.delayHoldout.findUnique({
    where: { shop_caseId: { shop: caseRow.shop, caseId: caseRow.id } },
  });
  if (existing) return existing.releasedAt === null;
  if (!isHeldOut(caseRow.shop, caseRow.id, settings)) return false;
  await db.delayHoldout.upsert({
    where: { shop_caseId: { shop: caseRow.shop, caseId: caseRow.id } },
    create: {
      shop: caseRow.shop,
      caseId: caseRow.id,
      heldOutAt: now,
      until: new Date(now.getTime() + HOLDOUT_HOURS * 3_600_000),
    },
    update: {},
  });
  return true;
}

/** Held-out cases whose day is over (`shop`, or every shop): each is marked released, and handed to `tell` when still open and untold. */
export async function releaseHeldOutCases<
  T extends { id: number; shop: string; status: string; notifiedAt: Date | null },
>(
  db: Db,
  shop: string | null,
  now: Date,
  loadCase: (shop: string, caseId: number) => Promise<T | null>,
  tell: (caseRow: T) => Promise<void>,
): Promise<number> {
  const due = await db.delayHoldout.findMany({
    where: { releasedAt: null, until: { lte: now }, ...(shop ? { shop } : {}) },
    take: 1_000,
  });
  let told = 0;
  for (const row of due) {
    const claimed = await db.delayHoldout.updateMany({
      where: { shop: row.shop, caseId: row.caseId, releasedAt: null },
      data: { releasedAt: now },
    });
    if (claimed.count === 0) continue; // another worker took it
    const caseRow = await loadCase(row.shop, row.caseId);
    if (!caseRow || caseRow.status !== "open" || caseRow.notifiedAt) continue;
    await tell(caseRow);
    told++;
  }
  return told;
}
