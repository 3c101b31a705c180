// Form fields whose refusal the admin reads, worded in the request's language:
// the same checks as app/admin/form-input.server.ts's rowId.
import type { TFunction } from "i18next";
import { z } from "zod";
import { MAX_ROW_ID } from "../admin/form-input.server.ts";

/** A row id as a form gives it: digits only, 1 to MAX_ROW_ID (see rowId). */
export function rowIdField(t: TFunction, label: string) {
  const message = t("errors.invalidId", { label });
  return z
    .string({ required_error: t("errors.missingId", { label }), invalid_type_error: message })
    .regex(/^[1-9][0-9]{0,9}$/, message)
    .transform(Number)
    .refine((id) => id <= MAX_ROW_ID, message);
}
