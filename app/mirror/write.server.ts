// How projections write: inside one transaction per event, and never letting
// an older Shopify version overwrite a newer one (webhooks arrive out of order
// and are retried for hours; see DESIGN.md "Contracts that must hold").
import { isUniqueViolation } from "../database/errors.ts";
import type { Db } from "../db.server.ts";
import type { Prisma } from "../generated/prisma-sqlite/client.ts";

/** The client a projection writes with: always a transaction. */
export type Tx = Prisma.TransactionClient;

/**
 * Rows whose stored version is not newer than `version`. A row without a
 * version is older than any version; a write without one only replaces a row
 * that has none either (unknown never beats known).
 */
export type VersionGuard =
  { OR: [{ shopifyUpdatedAt: null }, { shopifyUpdatedAt: { lte: Date } }] } | { shopifyUpdatedAt: null };

export function notNewerThan(version: Date | null): VersionGuard {
  return version === null
    ? { shopifyUpdatedAt: null }
    : { OR: [{ shopifyUpdatedAt: null }, { shopifyUpdatedAt: { lte: version } }] };
}

export interface VersionedWrite {
  /** Conditional update of the row where its version is not newer (see notNewerThan); resolves the row count. */
  update(): PromiseLike<{ count: number }>;
  /** Whether the row exists at all; a row that exists but was not updated is newer than this write. */
  exists(): PromiseLike<boolean>;
  create(): PromiseLike<unknown>;
}

/**
 * Writes a versioned row unless the stored one is newer. Returns whether it
 * wrote. The conditional update is atomic in the database, so two workers
 * racing cannot let the older one win; two racing creates end in a unique
 * violation, which `inTransaction` answers by running the projection again
 * (the second run sees the row and takes the update path).
 */
export async function keepNewest(write: VersionedWrite): Promise<boolean> {
  if ((await write.update()).count > 0) return true;
  if (await write.exists()) return false;
  await write.create();
  return true;
}

export interface TransactionOptions {
  /** How long the whole transaction may take (compliance deletes can be large). */
  timeoutMs?: number;
}

const ATTEMPTS = 3;

/**
 * Runs `work` in one interactive transaction: all of it lands or none of it.
 * A unique violation means another worker created the same row first; the
 * transaction is rolled back and re-run against what that worker wrote.
 */
export async function inTransaction<T>(
  db: Db,
  work: (tx: Tx) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction(work, { maxWait: 10_000, timeout: options.timeoutMs ?? 15_000 });
    } catch (error) {
      if (attempt >= ATTEMPTS || !isUniqueViolation(error)) throw error;
    }
  }
}
