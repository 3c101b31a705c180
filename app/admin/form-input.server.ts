// What every admin action reads from a request, checked the same way: the
// body must be a small URL-encoded form (what Remix's <Form> and useSubmit
// send), and a row id must be one the database could hold. Anything else is a
// clear 4xx with a message before any query runs, never a 500 from deep inside.
import { z } from "zod";

/** Far above the largest admin form (settings JSON ≤ 50,000 characters, a template ≤ 21,000). */
export const MAX_FORM_BYTES = 256 * 1024;

/** The largest id an autoincrement Int column holds: INTEGER on PostgreSQL is 32-bit. */
export const MAX_ROW_ID = 2_147_483_647;

export type FormRead =
  { ok: true; fields: Record<string, string> } | { ok: false; status: 400 | 413 | 415; message: string };

/** The request's form fields (the last value of a repeated name), or why they cannot be read. */
export async function readAdminForm(request: Request): Promise<FormRead> {
  const type = (request.headers.get("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded")
    return { ok: false, status: 415, message: "This page accepts a form (application/x-www-form-urlencoded) only." };
  const tooLarge = { ok: false, status: 413, message: "The form is too large." } as const;
  // A declared length says it before any byte is read.
  if (Number(request.headers.get("Content-Length") ?? 0) > MAX_FORM_BYTES) return tooLarge;
  const body = await readAtMost(request, MAX_FORM_BYTES);
  if (body === null) return tooLarge;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    return { ok: false, status: 400, message: "The form is not valid UTF-8." };
  }
  return { ok: true, fields: Object.fromEntries(new URLSearchParams(text)) };
}

/** The body's bytes, or null once it passes `limit` (reading stops there: no body is held whole). */
async function readAtMost(request: Request, limit: number): Promise<Uint8Array | null> {
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      // Stop reading, but do not cancel: cancelling destroys the socket before the 413 can be
      // written. The server closes the connection after answering, so the rest is never read.
      reader.releaseLock();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * A row id as a form or URL gives it: digits only, 1 to MAX_ROW_ID. Number() alone would take
 * "1e20", "0x10", " 7" and "" (as 0), and an id out of the column's range fails inside the database.
 */
export function rowId(label: string) {
  const message = `${label}: not a valid id.`;
  return z
    .string({ required_error: `${label}: missing.`, invalid_type_error: message })
    .regex(/^[1-9][0-9]{0,9}$/, message)
    .transform(Number)
    .refine((id) => id <= MAX_ROW_ID, message);
}

/** A calendar date written YYYY-MM-DD that exists (no 2026-02-30). */
export function calendarDate(message: string) {
  return z
    .string({ required_error: message, invalid_type_error: message })
    .regex(/^\d{4}-\d{2}-\d{2}$/, message)
    .refine((value) => {
      const date = new Date(`${value}T00:00:00Z`);
      return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
    }, message);
}

/** The first problem zod found, as the message the admin shows. */
export function firstIssue(error: z.ZodError, fallback = "That request was not understood."): string {
  const issue = error.issues[0];
  // An unknown intent: zod's wording lists the schema's internals.
  if (!issue || issue.code === "invalid_union_discriminator") return fallback;
  return issue.message;
}
