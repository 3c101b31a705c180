// Who else has a conversation open: two staff members answering the same
// customer at once is the double answer the inbox must prevent. Each open page
// says "I am here (viewing | replying)" every few seconds; an entry not renewed
// within PRESENCE_TTL_MS is gone. One Redis hash per conversation, through the
// Redis connection the queues module already holds (app/jobs/queues.server.ts
// owns Redis), under the app's key space. Presence is a hint: with Redis away
// the page shows nobody and nothing fails.
import { appKeySpace, jobIdPart, noticeQueue, withTimeout } from "../jobs/queues.server.ts";

/** A page polls every ~10 s; an entry lives a little longer than two polls. */
export const PRESENCE_TTL_MS = 25_000;
const REDIS_TIMEOUT_MS = 500;

export type PresenceState = "viewing" | "replying";

export interface Presence {
  staffId: string;
  name: string;
  state: PresenceState;
  /** When the page last said so (ISO). */
  at: string;
}

/** The key of a conversation's presence hash. */
export function presenceKey(prefix: string, shop: string, conversationId: number): string {
  return `${prefix}:presence:${jobIdPart(shop)}:${conversationId}`;
}

// One round trip, atomic: this staff member's entry set (or removed), the hash's life renewed,
// everyone's entries read. The hash goes when nobody renews it.
const PRESENCE_SCRIPT = "kizunaPresence";
const PRESENCE_LUA = `
if ARGV[2] == "" then redis.call("HDEL", KEYS[1], ARGV[1]) else redis.call("HSET", KEYS[1], ARGV[1], ARGV[2]) end
redis.call("PEXPIRE", KEYS[1], ARGV[3])
return redis.call("HGETALL", KEYS[1])`;

const defined = new WeakSet<object>();

async function run(shop: string, conversationId: number, staffId: string, value: string): Promise<string[]> {
  const [queue, prefix] = await Promise.all([noticeQueue(), appKeySpace()]);
  const client = await queue.getBackend().client;
  if (!defined.has(client)) {
    client.defineCommand(PRESENCE_SCRIPT, { numberOfKeys: 1, lua: PRESENCE_LUA });
    defined.add(client);
  }
  const key = presenceKey(prefix, shop, conversationId);
  const reply: unknown = await client.runCommand(PRESENCE_SCRIPT, [key, staffId, value, PRESENCE_TTL_MS * 2]);
  return Array.isArray(reply) ? reply.map(String) : [];
}

function parse(staffId: string, value: string, now: number): Presence | null {
  try {
    const entry = JSON.parse(value) as Partial<Presence>;
    if (typeof entry.at !== "string" || now - Date.parse(entry.at) > PRESENCE_TTL_MS) return null;
    return {
      staffId,
      name: typeof entry.name === "string" ? entry.name : staffId,
      state: entry.state === "replying" ? "replying" : "viewing",
      at: entry.at,
    };
  } catch {
    return null;
  }
}

/**
 * Records that `staffId` has the conversation open, and returns everyone else who has it open
 * now. Never throws: without Redis nobody is shown.
 */
export async function notePresence(
  shop: string,
  conversationId: number,
  me: { staffId: string; name: string; state: PresenceState },
  now = new Date(),
): Promise<Presence[]> {
  try {
    return await withTimeout(
      run(
        shop,
        conversationId,
        me.staffId,
        JSON.stringify({ name: me.name, state: me.state, at: now.toISOString() }),
      ).then((entries) => othersIn(entries, me.staffId, now)),
      REDIS_TIMEOUT_MS,
      "presence",
    );
  } catch {
    return [];
  }
}

/** The page was left (best effort: the entry expires anyway). */
export async function leavePresence(shop: string, conversationId: number, staffId: string): Promise<void> {
  try {
    await withTimeout(run(shop, conversationId, staffId, ""), REDIS_TIMEOUT_MS, "presence");
  } catch {
    // expires by itself
  }
}

/** HGETALL's flat [field, value, …] as everyone but `staffId` still present. */
function othersIn(flat: string[], staffId: string, now: Date): Presence[] {
  const found: Presence[] = [];
  for (let index = 0; index + 1 < flat.length; index += 2) {
    if (flat[index] === staffId) continue;
    const entry = parse(flat[index]!, flat[index + 1]!, now.getTime());
    if (entry) found.push(entry);
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}
