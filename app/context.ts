import type { EventHub } from "~/services/event-hub.server";
import type { SecretBox } from "~/utils/crypto.server";
import type { Env } from "~/utils/env.server";
import type { Database, Db } from "~db/client.server";

/** What the server hands every loader and action (see app/server/main.ts). */
export interface AppServices {
  env: Env;
  database: Database;
  db: Db;
  secretBox: SecretBox;
  orgId: number;
  /** This process's live event fan-out (LISTEN/NOTIFY, or polling). */
  events: EventHub;
  /** The console's public address (CLARION_PUBLIC_URL, else where it listens): links in messages. */
  publicUrl(): string;
  /** Wake this process's delivery worker now (after an approval or a resend). */
  kickDelivery(): void;
}

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** Null while the database is unreachable: requests then answer 503. */
    services: AppServices | null;
    /** Why the database is unavailable, for the 503 page. */
    unavailableReason: string | null;
    clientIp: string | null;
  }
  interface Future {
    v3_singleFetch: true;
  }
}
