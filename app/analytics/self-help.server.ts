// Self-help answers: the seller's short answers to common questions, per topic
// and language (ja/en). The customer's order page shows the ones that match
// (selfHelpAnswersFor); the Analytics page lists them with how often each was read.
import { z } from "zod";
import type { Db } from "../db.server.ts";

import { SELF_HELP_LOCALES, SELF_HELP_TOPICS } from "./choices.ts";

export { SELF_HELP_LOCALES, SELF_HELP_TOPICS };

export const SelfHelpInput = z.object({
  topic: z.enum(SELF_HELP_TOPICS),
  locale: z.enum(SELF_HELP_LOCALES),
  title: z.string().trim().min(1).max(120),
  body: z.string().trim().min(1).max(4000),
});
export type SelfHelpInput = z.infer<typeof SelfHelpInput>;

export interface SelfHelpAnswerView {
  id: number;
  topic: string;
  locale: string;
  title: string;
  body: string;
  reads: number;
  updatedAt: string;
}

const view = (row: {
  id: number;
  topic: string;
  locale: string;
  title: string;
  body: string;
  reads: number;
  updatedAt: Date;
}): SelfHelpAnswerView => ({ ...row, updatedAt: row.updatedAt.toISOString() });

export async function listSelfHelpAnswers(db: Db, shop: string): Promise<SelfHelpAnswerView[]> {
  const rows = await db.selfHelpAnswer.findMany({ where: { shop }, orderBy: [{ topic: "asc" }, { locale: "asc" }] });
  return rows.map(view);
}

/** One answer per topic and language: saving again replaces it. */
export async function saveSelfHelpAnswer(db: Db, shop: string, input: SelfHelpInput): Promise<SelfHelpAnswerView> {
  const row = await db.selfHelpAnswer.upsert({
    where: { shop_topic_locale: { shop, topic: input.topic, locale: input.locale } },
    create: { shop, ...input },
    update: { title: input.title, body: input.body },
  });
  return view(row);
}

/** False when the shop has no such answer (another shop's id included). */
export async function deleteSelfHelpAnswer(db: Db, shop: string, id: number): Promise<boolean> {
  const removed = await db.selfHelpAnswer.deleteMany({ where: { shop, id } });
  return removed.count > 0;
}

/**
 * The answers a customer should see, for the lead's order page and notices:
 * the shop's answers for `topics` in the customer's language, else in the other
 * language when that topic has none in theirs. Text is the seller's: escape it when shown.
 */
export async function selfHelpAnswersFor(
  db: Db,
  shop: string,
  locale: string,
  topics: readonly string[],
): Promise<SelfHelpAnswerView[]> {
  if (topics.length === 0) return [];
  const rows = await db.selfHelpAnswer.findMany({ where: { shop, topic: { in: [...topics] } } });
  const language = locale.toLowerCase().startsWith("ja") ? "ja" : "en";
  const chosen: SelfHelpAnswerView[] = [];
  for (const topic of topics) {
    const row = rows.find((r) => r.topic === topic && r.locale === language) ?? rows.find((r) => r.topic === topic);
    if (row && !chosen.some((answer) => answer.id === row.id)) chosen.push(view(row));
  }
  return chosen;
}

/** A customer opened an answer (the order page calls this): counted, nothing about them kept. */
export async function recordSelfHelpRead(db: Db, shop: string, id: number): Promise<boolean> {
  const updated = await db.selfHelpAnswer.updateMany({ where: { shop, id }, data: { reads: { increment: 1 } } });
  return updated.count > 0;
}
