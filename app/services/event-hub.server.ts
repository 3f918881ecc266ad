import { sql } from "drizzle-orm";
import { log } from "~/utils/log.server";
import type { Database } from "~db/client.server";
import { queryRows } from "~db/client.server";
import { type ClarionEvent, EVENTS_CHANNEL, parseEvent } from "./events.server";

type Listener = (event: ClarionEvent) => void;

/**
 * One LISTEN per app process, fanned out to every open SSE stream of that process. Where LISTEN is not
 * available (a transaction-pooling proxy, a failed listen), it polls a cheap "what changed" query every
 * few seconds instead and emits coarse `changed` events, so rooms still update.
 */
export class EventHub {
  private listeners = new Set<Listener>();
  private unlisten: (() => Promise<void>) | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private lastVersion = "";
  mode: "listen" | "poll" | "stopped" = "stopped";

  constructor(
    private readonly database: Database,
    private readonly orgId: number,
    private readonly pollMs = 5000,
  ) {}

  async start(): Promise<void> {
    try {
      this.unlisten = await this.database.listen(EVENTS_CHANNEL, (payload) => {
        const event = parseEvent(payload);
        if (event) this.emit(event);
      });
      this.mode = "listen";
    } catch (error) {
      log.warn(
        `LISTEN unavailable (${(error as Error).message}); live views will poll every ${this.pollMs / 1000}s`,
      );
      this.startPolling();
    }
  }

  startPolling(): void {
    this.mode = "poll";
    const tick = async () => {
      try {
        const [row] = await queryRows<{ v: string }>(
          this.database.db,
          sql`select concat_ws(':',
                (select max(id) from complaints where org_id = ${this.orgId}),
                (select max(id) from incident_events where org_id = ${this.orgId}),
                (select max(updated_at)::text from spike_clusters where org_id = ${this.orgId}),
                (select max(updated_at)::text from deliveries where org_id = ${this.orgId})) as v`,
        );
        if (this.lastVersion && row.v !== this.lastVersion) {
          this.emit({ type: "incident", orgId: this.orgId, incidentId: 0, kind: "changed" });
        }
        this.lastVersion = row.v;
      } catch (error) {
        log.debug(`event poll failed: ${(error as Error).message}`);
      }
      if (this.mode === "poll") this.pollTimer = setTimeout(tick, this.pollMs);
    };
    void tick();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }

  private emit(event: ClarionEvent) {
    if (event.orgId !== this.orgId) return;
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (error) {
        log.warn(`event listener failed: ${(error as Error).message}`);
      }
    }
  }

  async stop(): Promise<void> {
    this.mode = "stopped";
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.listeners.clear();
    await this.unlisten?.().catch(() => {});
  }
}
