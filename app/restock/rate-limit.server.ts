// A fixed-window counter in memory, for the storefront signup. In memory on
// purpose: it is an abuse brake, not an accounting rule — a few extra signups
// across web processes (each counts its own) or after a restart harm nobody,
// and the signup stays one DB write with no limiter table to sweep. The real
// guarantee (one row per shop + variant + email) is the database's unique key.
export interface FixedWindowLimiter {
  /** Counts one hit for `key`; ok false (with seconds to wait) once the window's limit is passed. */
  hit(key: string, now?: number): { ok: boolean; retryAfterS: number };
}

export function fixedWindowLimiter(limit: number, windowMs: number, maxKeys = 100_000): FixedWindowLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    hit(key, now = Date.now()) {
      const start = now - (now % windowMs);
      let entry = windows.get(key);
      if (!entry || entry.start !== start) {
        if (windows.size >= maxKeys) {
          // Keep memory bounded: drop windows that have ended.
          for (const [k, w] of windows) if (w.start !== start) windows.delete(k);
          if (windows.size >= maxKeys) windows.clear();
        }
        entry = { start, count: 0 };
        windows.set(key, entry);
      }
      entry.count += 1;
      return { ok: entry.count <= limit, retryAfterS: Math.ceil((start + windowMs - now) / 1000) };
    },
  };
}

export interface SignupLimiters {
  perIp: FixedWindowLimiter;
  perEmail: FixedWindowLimiter;
}

/** 20 signups per IP per 10 minutes; 5 per email per hour. */
export function defaultSignupLimiters(): SignupLimiters {
  return { perIp: fixedWindowLimiter(20, 10 * 60_000), perEmail: fixedWindowLimiter(5, 60 * 60_000) };
}
