import { sql } from "drizzle-orm";
import { log } from "~/utils/log.server";
import type { Database, Db } from "~db/client.server";

/**
 * Live events fan out through Postgres LISTEN/NOTIFY, so every app process (and every open incident
 * room, via SSE) hears what any process changed. Payloads are small pointers, never data: listeners
 * re-read what they show, through their own permission checks.
 */
export const EVENTS_CHANNEL = "clarion_events";

export type ClarionEvent =
  | { type: "complaints"; orgId: number; inserted: number; from: number | null; to: number | null }
  | { type: "spikes"; orgId: number; clusterIds: number[] }
  | { type: "incident"; orgId: number; incidentId: number; kind: string }
  | { type: "delivery"; orgId: number; incidentId: number | null; deliveryId: number; state: string };

export async function publishEvent(database: Pick<Database, "notify">, event: ClarionEvent): Promise<void> {
  try {
    await database.notify(EVENTS_CHANNEL, JSON.stringify(event));
  } catch (error) {
    // The change is committed; a lost notification only delays live views until their next poll.
    log.warn(`could not publish ${event.type} event: ${(error as Error).message}`);
  }
}

export function parseEvent(payload: string): ClarionEvent | null {
  try {
    const value = JSON.parse(payload) as ClarionEvent;
    return value && typeof value === "object" && typeof value.type === "string" ? value : null;
  } catch {
    return null;
  }
}

/**
 * Queue an event inside the transaction that makes the change: Postgres delivers a NOTIFY only at
 * commit, so listeners never hear of a change that rolled back.
 */
export async function notifyOnCommit(tx: Db, event: ClarionEvent): Promise<void> {
  await tx.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify(event)})`);
}
