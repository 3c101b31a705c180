// What a database error means, read from Prisma's error codes (never from its
// message text, which differs by database and by version).

/**
 * A unique constraint refused the write: another request created the row first.
 * A model query reports P2002; a raw query (`$executeRaw`) reports P2010 with
 * the driver adapter's kind "UniqueConstraintViolation", on SQLite and PostgreSQL alike.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, meta } = error as { code?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } };
  if (code === "P2002") return true;
  return code === "P2010" && meta?.driverAdapterError?.cause?.kind === "UniqueConstraintViolation";
}
