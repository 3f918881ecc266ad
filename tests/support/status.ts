import { and, eq, sql } from "drizzle-orm";
import { SYSTEM } from "~/services/audit.server";
import { createIncident } from "~/services/incidents.server";
import type { SubscriberLinks } from "~/services/subscriptions.server";
import { channels, components, deliveries, statusUpdates } from "~db/schema";
import type { ChannelKind, IncidentState, UpdateKind } from "~db/schema/enums";
import type { TestDatabase } from "./db";

/** Fixtures of the public status page: channels, incidents with published (or not) updates, components. */

export const LINKS: SubscriberLinks = { secret: "s".repeat(40), publicUrl: "https://status.example.com" };

export async function addChannels(t: TestDatabase, kinds: ChannelKind[] = ["email", "sms", "webhook"]) {
  const rows = await t.database.db
    .insert(channels)
    .values(kinds.map((kind) => ({ orgId: t.org.id, kind, name: `${kind} channel` })))
    .returning();
  return Object.fromEntries(rows.map((r) => [r.kind, r.id])) as Record<ChannelKind, number>;
}

export async function addComponent(t: TestDatabase, name: string, position = 0) {
  const [row] = await t.database.db
    .insert(components)
    .values({ orgId: t.org.id, name, description: `${name} service`, position })
    .returning();
  return row;
}

export async function openIncident(t: TestDatabase, title: string, regions: string[], startedAt?: Date) {
  const incident = await createIncident(
    t.database.db,
    t.org.id,
    { title, severity: "SEV2", regions, summary: "internal notes: substation 7 tripped" },
    SYSTEM,
  );
  if (startedAt) {
    await t.database.db.execute(
      sql`update incidents set started_at = ${startedAt.toISOString()}::timestamptz where id = ${incident.id}`,
    );
  }
  return incident;
}

export interface UpdateFixture {
  kind?: UpdateKind;
  title?: string;
  body?: string;
  regions?: string[];
  incidentState?: IncidentState | null;
  componentStatuses?: Record<string, string>;
  /** Null: a draft, never published. */
  publishedAt?: Date | null;
  nextUpdateAt?: Date | null;
  state?: "draft" | "in_review" | "approved" | "published";
}

let numbers = new Map<number, number>();

export async function addUpdate(t: TestDatabase, incidentId: number, f: UpdateFixture = {}) {
  const number = (numbers.get(incidentId) ?? 0) + 1;
  numbers.set(incidentId, number);
  const published = f.publishedAt === undefined ? new Date() : f.publishedAt;
  const [row] = await t.database.db
    .insert(statusUpdates)
    .values({
      orgId: t.org.id,
      incidentId,
      number,
      kind: f.kind ?? "holding",
      state: f.state ?? (published ? "published" : "draft"),
      title: f.title ?? "Power outage in the west",
      body: f.body ?? "We are investigating reports of power outages.",
      regions: f.regions ?? ["CA"],
      incidentState: f.incidentState === undefined ? "investigating" : f.incidentState,
      componentStatuses: f.componentStatuses ?? {},
      nextUpdateAt: f.nextUpdateAt ?? null,
      publishedAt: published,
    })
    .returning();
  return row;
}

export function resetUpdateNumbers() {
  numbers = new Map();
}

export async function subscriberDeliveries(t: TestDatabase, subscriberId: number) {
  return t.database.db
    .select()
    .from(deliveries)
    .where(and(eq(deliveries.orgId, t.org.id), eq(deliveries.subscriberId, subscriberId)))
    .orderBy(deliveries.id);
}
