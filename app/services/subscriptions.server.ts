import { createHmac } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { maintenancePayloads, type Payloads, TOKEN, updatePayloads } from "~/domain/status/notifications";
import { sha256 } from "~/utils/crypto.server";
import { ConflictError, NotFoundError } from "~/utils/errors";
import { type Db, queryRows } from "~db/client.server";
import { channels, incidents, maintenanceWindows, organisations, statusUpdates } from "~db/schema";
import { SUBSCRIBER_KINDS, type SubscriberKind } from "~db/schema/enums";
import { pgArray } from "./intake.server";

/**
 * Subscribers hear about published updates and maintenance through the delivery outbox: one `deliveries`
 * row per matching subscriber, on the organisation's enabled channel of the subscriber's kind, with the
 * message frozen in `payload` (their own management and unsubscribe links in it). Set-based: one read of
 * the matching subscribers, then one INSERT … SELECT per 5,000 of them, whatever their number. The worker
 * paces sending per channel; this only queues.
 *
 * Tokens. A subscriber's management token is an HMAC of its id and creation time under the app secret:
 * the database keeps only its SHA-256 (to find the subscriber from a link), yet every message can carry
 * the link. The secret and the public address come from `configureSubscriberLinks` at start.
 */

export interface SubscriberLinks {
  /** The app secret (CLARION_SECRET or the generated key): tokens are derived from it. */
  secret: string;
  /** Absolute base of the links in messages, e.g. https://status.example.com. */
  publicUrl: string;
}

// Kept on globalThis under a registered symbol: the server's own modules and the Remix build's bundled
// copy of this module are two instances in one process, and both must see the configuration.
const KEY = Symbol.for("clarion.subscriberLinks");
const registry = globalThis as unknown as Record<symbol, SubscriberLinks | undefined>;

/** Called by every process that queues subscriber messages (the web server, a separate worker). */
export function configureSubscriberLinks(links: SubscriberLinks): void {
  registry[KEY] = { secret: links.secret, publicUrl: links.publicUrl.replace(/\/$/, "") };
}

export function subscriberLinks(): SubscriberLinks {
  const configured = registry[KEY];
  if (!configured)
    throw new Error("Subscriber links are not configured: call configureSubscriberLinks() at start");
  return configured;
}

/** The management token of subscriber `id` created at `createdAt` (stable; never stored). */
export function subscriberToken(secret: string, id: number, createdAt: Date): string {
  return createHmac("sha256", `clarion-subscriber-token:${secret}`)
    .update(`${id}:${createdAt.getTime()}`)
    .digest("base64url");
}

export const tokenHash = sha256;

/** At most this many rows per INSERT … SELECT (each row carries a few hundred bytes of parameters). */
const CHUNK = 5000;

interface FanOut {
  orgId: number;
  about: { regions: string[]; componentIds: number[] };
  /** Built only when someone is to be notified (the links need the configured secret and address). */
  payloads: (links: SubscriberLinks) => Payloads;
  /** `update:12:subscriber:` — the subscriber id completes the idempotency key. */
  keyPrefix: string;
  incidentId: number | null;
  updateId: number | null;
  maintenanceId: number | null;
}

/** The organisation's enabled channel per subscriber kind (the lowest id when there are several). */
export async function subscriberChannels(db: Db, orgId: number): Promise<Map<SubscriberKind, number>> {
  const rows = await db
    .select({ id: channels.id, kind: channels.kind })
    .from(channels)
    .where(and(eq(channels.orgId, orgId), eq(channels.enabled, true)))
    .orderBy(channels.id);
  const out = new Map<SubscriberKind, number>();
  for (const row of rows) {
    const kind = row.kind as SubscriberKind;
    if ((SUBSCRIBER_KINDS as readonly string[]).includes(kind) && !out.has(kind)) out.set(kind, row.id);
  }
  return out;
}

async function fanOut(tx: Db, f: FanOut, linksOf: () => SubscriberLinks): Promise<number> {
  const channelOf = await subscriberChannels(tx, f.orgId);
  if (channelOf.size === 0) return 0;
  const kinds = [...channelOf.keys()];
  const matching = await queryRows<{ id: number; kind: SubscriberKind; created_ms: string }>(
    tx,
    sql`select s.id, s.kind, floor(extract(epoch from s.created_at) * 1000)::bigint::text as created_ms
        from subscribers s
        where s.org_id = ${f.orgId} and s.kind = any(${pgArray(kinds, "text")})
          and s.confirmed_at is not null and s.unsubscribed_at is null and s.inactive_at is null
          and ((cardinality(s.regions) = 0 and cardinality(s.component_ids) = 0)
               or s.regions && ${pgArray(f.about.regions, "text")}
               or s.component_ids && ${pgArray(f.about.componentIds, "int")})
          and not exists (select 1 from deliveries d where d.idempotency_key = ${f.keyPrefix}::text || s.id)
        order by s.id`,
  );
  if (matching.length === 0) return 0;
  const links = linksOf();
  const built = f.payloads(links);
  const payloads = JSON.stringify(
    Object.fromEntries(
      kinds.map((k) => [k, { channelId: channelOf.get(k), payload: JSON.stringify(built[k]) }]),
    ),
  );
  let queued = 0;
  for (let i = 0; i < matching.length; i += CHUNK) {
    const chunk = matching.slice(i, i + CHUNK);
    const tokens = chunk.map((s) =>
      subscriberToken(links.secret, Number(s.id), new Date(Number(s.created_ms))),
    );
    const inserted = await queryRows<{ id: number }>(
      tx,
      sql`insert into deliveries (org_id, incident_id, update_id, maintenance_id, subscriber_id, channel_id,
                                  channel_kind, payload, idempotency_key)
          select ${f.orgId}, ${f.incidentId}::int, ${f.updateId}::int, ${f.maintenanceId}::int, x.sid,
                 (p.value ->> 'channelId')::int, x.kind,
                 replace(p.value ->> 'payload', ${TOKEN}::text, x.token)::jsonb, ${f.keyPrefix}::text || x.sid
          from unnest(${pgArray(
            chunk.map((s) => s.id),
            "int",
          )}, ${pgArray(
            chunk.map((s) => s.kind),
            "text",
          )}, ${pgArray(tokens, "text")}) as x(sid, kind, token)
          join jsonb_each(${payloads}::jsonb) as p(kind, value) on p.kind = x.kind
          on conflict do nothing
          returning id`,
    );
    queued += inserted.length;
  }
  return queued;
}

/**
 * Queue a published update for every matching, confirmed, active subscriber: those with no choices, or
 * whose regions meet the update's regions, or whose components are among the update's component
 * statuses. Idempotent (`update:<id>:subscriber:<id>`): calling it again queues only new subscribers.
 * Returns how many deliveries it queued. Call it inside the publishing transaction.
 */
export async function queueSubscriberNotifications(
  tx: Db,
  orgId: number,
  updateId: number,
  links?: SubscriberLinks,
): Promise<number> {
  const [row] = await tx
    .select({ update: statusUpdates, incidentTitle: incidents.title, org: organisations.name })
    .from(statusUpdates)
    .innerJoin(incidents, eq(incidents.id, statusUpdates.incidentId))
    .innerJoin(organisations, eq(organisations.id, statusUpdates.orgId))
    .where(and(eq(statusUpdates.id, updateId), eq(statusUpdates.orgId, orgId)));
  if (!row) throw new NotFoundError(`Update ${updateId} does not exist.`);
  const u = row.update;
  if (u.state !== "published" && u.state !== "approved") {
    throw new ConflictError(
      `Update ${updateId} is ${u.state}: only a published update notifies subscribers.`,
    );
  }
  const state = u.kind === "resolution" ? "resolved" : (u.incidentState ?? "investigating");
  const componentIds = Object.keys(u.componentStatuses ?? {})
    .filter((k) => /^\d+$/.test(k))
    .map(Number);
  return fanOut(
    tx,
    {
      orgId,
      about: { regions: u.regions, componentIds },
      payloads: (links) =>
        updatePayloads({
          org: row.org,
          publicUrl: links.publicUrl,
          incidentId: u.incidentId,
          incidentTitle: u.publishedTitle || u.title || row.incidentTitle,
          incidentState: state,
          regions: u.regions,
          update: {
            id: u.id,
            number: u.number,
            kind: u.kind,
            title: u.publishedTitle ?? u.title,
            body: u.publishedBody ?? u.body,
            publishedAt: u.publishedAt ?? new Date(),
            nextUpdateAt: u.nextUpdateAt,
          },
        }),
      keyPrefix: `update:${u.id}:subscriber:`,
      incidentId: u.incidentId,
      updateId: u.id,
      maintenanceId: null,
    },
    () => links ?? subscriberLinks(),
  );
}

/**
 * Queue the notice of a maintenance window for its matching subscribers (same rules as updates).
 * Idempotent (`maintenance:<id>:subscriber:<id>`). The maintenance loop calls it before the start.
 */
export async function queueMaintenanceNotifications(
  tx: Db,
  orgId: number,
  maintenanceId: number,
  links?: SubscriberLinks,
): Promise<number> {
  const [row] = await tx
    .select({ m: maintenanceWindows, org: organisations.name })
    .from(maintenanceWindows)
    .innerJoin(organisations, eq(organisations.id, maintenanceWindows.orgId))
    .where(and(eq(maintenanceWindows.id, maintenanceId), eq(maintenanceWindows.orgId, orgId)));
  if (!row) throw new NotFoundError(`Maintenance ${maintenanceId} does not exist.`);
  if (row.m.state === "cancelled" || row.m.state === "completed") return 0;
  return fanOut(
    tx,
    {
      orgId,
      about: { regions: row.m.regions, componentIds: row.m.componentIds },
      payloads: (links) =>
        maintenancePayloads({ org: row.org, publicUrl: links.publicUrl, maintenance: row.m }),
      keyPrefix: `maintenance:${row.m.id}:subscriber:`,
      incidentId: null,
      updateId: null,
      maintenanceId: row.m.id,
    },
    () => links ?? subscriberLinks(),
  );
}
