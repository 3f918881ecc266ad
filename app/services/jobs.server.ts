import { and, eq } from "drizzle-orm";
import type { Database, Db } from "~db/client.server";
import { jobState } from "~db/schema";

/**
 * Run a background job in at most one process at a time. On a server several app processes may run the
 * same loops; a session advisory lock (on a connection reserved for the job's duration) makes all but one
 * skip the turn. The embedded database belongs to one process, so it needs no lock.
 */
export async function withJobLock<T>(
  database: Database,
  job: string,
  fn: () => Promise<T>,
): Promise<T | null> {
  if (database.raw.kind !== "postgres") return fn();
  const key = lockKey(job);
  const reserved = await database.raw.sql.reserve();
  try {
    const [row] = await reserved`select pg_try_advisory_lock(${key}) as got`;
    if (!row.got) return null;
    try {
      return await fn();
    } finally {
      await reserved`select pg_advisory_unlock(${key})`;
    }
  } finally {
    reserved.release();
  }
}

function lockKey(job: string): number {
  let h = 0x12345;
  for (let i = 0; i < job.length; i++) h = Math.imul(h ^ job.charCodeAt(i), 0x01000193);
  return h | 0;
}

export async function readJobState<T extends Record<string, unknown>>(
  db: Db,
  orgId: number,
  job: string,
): Promise<T | null> {
  const [row] = await db
    .select()
    .from(jobState)
    .where(and(eq(jobState.orgId, orgId), eq(jobState.job, job)));
  return (row?.state as T | undefined) ?? null;
}

export async function writeJobState(
  db: Db,
  orgId: number,
  job: string,
  state: Record<string, unknown>,
): Promise<void> {
  await db
    .insert(jobState)
    .values({ orgId, job, state })
    .onConflictDoUpdate({ target: [jobState.orgId, jobState.job], set: { state, updatedAt: new Date() } });
}
