import { and, eq, lt, sql } from "drizzle-orm";
import { RateLimitedError } from "~/utils/errors";
import type { Db } from "~db/client.server";
import { rateLimits } from "~db/schema";

function windowStart(now: Date, windowSeconds: number): Date {
  const ms = windowSeconds * 1000;
  return new Date(Math.floor(now.getTime() / ms) * ms);
}

/** Count one event against `key` in the current fixed window; returns the count including it. */
export async function hitRateLimit(
  db: Db,
  key: string,
  windowSeconds: number,
  now = new Date(),
): Promise<number> {
  const start = windowStart(now, windowSeconds);
  const [row] = await db
    .insert(rateLimits)
    .values({ key, windowStart: start, count: 1 })
    .onConflictDoUpdate({
      target: [rateLimits.key, rateLimits.windowStart],
      set: { count: sql`${rateLimits.count} + 1` },
    })
    .returning({ count: rateLimits.count });
  return row.count;
}

export async function peekRateLimit(
  db: Db,
  key: string,
  windowSeconds: number,
  now = new Date(),
): Promise<number> {
  const [row] = await db
    .select({ count: rateLimits.count })
    .from(rateLimits)
    .where(and(eq(rateLimits.key, key), eq(rateLimits.windowStart, windowStart(now, windowSeconds))));
  return row?.count ?? 0;
}

/** Seconds until the current window ends (for Retry-After). */
export function secondsLeftInWindow(windowSeconds: number, now = new Date()): number {
  const ms = windowSeconds * 1000;
  return Math.ceil((ms - (now.getTime() % ms)) / 1000);
}

export async function pruneRateLimits(db: Db, olderThan: Date): Promise<void> {
  await db.delete(rateLimits).where(lt(rateLimits.windowStart, olderThan));
}

/**
 * Count one event against each key and refuse (RateLimitedError, with Retry-After seconds) when any is
 * over its limit. Keys should not hold personal data in the clear: hash addresses and IPs first.
 */
export async function enforceRateLimits(
  db: Db,
  checks: { key: string; limit: number }[],
  windowSeconds: number,
  message: (retryAfterSeconds: number) => string,
  now = new Date(),
): Promise<void> {
  for (const check of checks) {
    const count = await hitRateLimit(db, check.key, windowSeconds, now);
    if (count > check.limit) {
      const retryAfter = secondsLeftInWindow(windowSeconds, now);
      throw new RateLimitedError(message(retryAfter), retryAfter);
    }
  }
}
