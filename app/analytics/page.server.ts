// What the Analytics page and its CSV downloads read: the period from the
// query (last N days, or from–to in shop days), the figures, the self-help
// answers and the holdout switch. Every read is scoped to the verified shop.
import { z } from "zod";
import type { Db } from "../db.server.ts";
import { addDays, localDate } from "../delays/calendar.ts";
import { analyticsFigures, MAX_PERIOD_DAYS, type AnalyticsFigures, type Period } from "./figures.server.ts";
import { analyticsContext } from "./rollups.server.ts";
import { holdoutSettings, type HoldoutSettings } from "./holdout.server.ts";
import { listSelfHelpAnswers, type SelfHelpAnswerView } from "./self-help.server.ts";

import { PERIOD_CHOICES } from "./choices.ts";

const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine(
    (day) =>
      !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) === day,
  );

export type PeriodQuery =
  | { ok: true; period: Period; days: number; custom: boolean }
  | { ok: false; period: Period; days: number; custom: boolean };

/** The period a query asks for; a bad one falls back to the last 30 days with ok: false (the page says why, 400). */
export function readPeriod(params: URLSearchParams, today: string): PeriodQuery {
  const fallback = { period: { from: addDays(today, -29), to: today }, days: 30, custom: false };
  const from = params.get("from");
  const to = params.get("to");
  if (from !== null || to !== null) {
    const a = Day.safeParse(from);
    const b = Day.safeParse(to);
    if (!a.success || !b.success || a.data > b.data) return { ok: false, ...fallback };
    const days = Math.round((Date.parse(`${b.data}T00:00:00Z`) - Date.parse(`${a.data}T00:00:00Z`)) / 86_400_000) + 1;
    if (days > MAX_PERIOD_DAYS) return { ok: false, ...fallback };
    return { ok: true, period: { from: a.data, to: b.data }, days, custom: true };
  }
  const raw = params.get("days");
  if (raw === null) return { ok: true, ...fallback };
  const days = Number(raw);
  if (!(PERIOD_CHOICES as readonly number[]).includes(days)) return { ok: false, ...fallback };
  return { ok: true, period: { from: addDays(today, -(days - 1)), to: today }, days, custom: false };
}

export interface AnalyticsPageData {
  periodOk: boolean;
  days: number;
  custom: boolean;
  figures: AnalyticsFigures;
  answers: SelfHelpAnswerView[];
  holdout: HoldoutSettings;
  businessStart: string;
  businessEnd: string;
}

export async function analyticsPeriod(db: Db, shop: string, params: URLSearchParams, now = new Date()) {
  const ctx = await analyticsContext(db, shop);
  return readPeriod(params, localDate(now, ctx.timeZone));
}

export async function analyticsPage(
  db: Db,
  shop: string,
  params: URLSearchParams,
  now = new Date(),
): Promise<AnalyticsPageData> {
  const ctx = await analyticsContext(db, shop);
  const query = readPeriod(params, localDate(now, ctx.timeZone));
  const [figures, answers, holdout] = await Promise.all([
    analyticsFigures(db, shop, query.period, now),
    listSelfHelpAnswers(db, shop),
    holdoutSettings(db, shop),
  ]);
  return {
    periodOk: query.ok,
    days: query.days,
    custom: query.custom,
    figures,
    answers,
    holdout,
    businessStart: ctx.hours.start,
    businessEnd: ctx.hours.end,
  };
}

/** The holdout switch from the page (the share is clamped by the form's check: 0–50). */
export async function saveHoldout(db: Db, shop: string, on: boolean, percent: number): Promise<void> {
  await db.shopSettings.upsert({
    where: { shop },
    create: { shop, holdoutOn: on, holdoutPercent: percent },
    update: { holdoutOn: on, holdoutPercent: percent },
  });
}
