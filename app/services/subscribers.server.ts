import { randomInt } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import {
  choicesSchema,
  confirmCodeSchema,
  maskAddress,
  normaliseAddress,
  SUBSCRIBE_LIMITS,
  subscribeSchema,
} from "~/domain/status/inputs";
import { confirmationPayload, manageLinkPayload, withToken } from "~/domain/status/notifications";
import { t } from "~/locales";
import { randomToken, safeEqual, sha256 } from "~/utils/crypto.server";
import { fieldErrors, NotFoundError, ValidationError } from "~/utils/errors";
import { type Db, queryRows } from "~db/client.server";
import { components, deliveries, organisations, regions, subscribers } from "~db/schema";
import type { SubscriberKind } from "~db/schema/enums";
import { enforceRateLimits } from "./rate-limit.server";
import { type SubscriberLinks, subscriberChannels, subscriberToken, tokenHash } from "./subscriptions.server";

/**
 * The public side of subscriptions: subscribe (double opt-in by link or code), confirm, manage by token,
 * unsubscribe, and the signals that make a subscriber inactive (bounces, SMS STOP). Confirmation and
 * "already subscribed" messages go through the delivery outbox like everything else. Answers never
 * reveal whether an address was already subscribed.
 */

export interface PublicContext {
  db: Db;
  orgId: number;
  links: SubscriberLinks;
}

const CONFIRM_TTL_MS = 24 * 3600_000;
const MAX_CODE_ATTEMPTS = 5;

type SubscriberRow = typeof subscribers.$inferSelect;

function codeHash(links: SubscriberLinks, id: number, code: string): string {
  return sha256(`${links.secret}:confirm-code:${id}:${code}`);
}

export function confirmUrl(publicUrl: string, token: string): string {
  return `${new URL("/status/confirm", publicUrl).href}?token=${token}`;
}

export function managementToken(
  links: SubscriberLinks,
  row: Pick<SubscriberRow, "id" | "createdAt">,
): string {
  return subscriberToken(links.secret, row.id, row.createdAt);
}

async function orgName(db: Db, orgId: number): Promise<string> {
  const [org] = await db
    .select({ name: organisations.name })
    .from(organisations)
    .where(eq(organisations.id, orgId));
  return org?.name ?? "";
}

/** Subscriber kinds the organisation can deliver to now (an enabled channel of that kind). */
export async function availableKinds(db: Db, orgId: number): Promise<SubscriberKind[]> {
  return [...(await subscriberChannels(db, orgId)).keys()].sort();
}

async function checkChoices(db: Db, orgId: number, regionCodes: string[], componentIds: number[]) {
  if (regionCodes.length) {
    const known = await db
      .select({ code: regions.code })
      .from(regions)
      .where(and(eq(regions.orgId, orgId), inArray(regions.code, regionCodes)));
    if (known.length !== new Set(regionCodes).size)
      throw new ValidationError(t("report.invalid"), { regions: "Choose regions from the list" });
  }
  if (componentIds.length) {
    const known = await db
      .select({ id: components.id })
      .from(components)
      .where(and(eq(components.orgId, orgId), inArray(components.id, componentIds)));
    if (known.length !== new Set(componentIds).size)
      throw new ValidationError(t("report.invalid"), { components: "Choose services from the list" });
  }
}

/** Queue one message to one subscriber (confirmation, management link) through the outbox. */
async function queueToSubscriber(
  tx: Db,
  ctx: PublicContext,
  row: SubscriberRow,
  channelId: number,
  payload: Record<string, unknown>,
  purpose: string,
) {
  await tx.insert(deliveries).values({
    orgId: ctx.orgId,
    subscriberId: row.id,
    channelId,
    channelKind: row.kind,
    payload: withToken(payload, managementToken(ctx.links, row)),
    idempotencyKey: `subscriber:${row.id}:${purpose}:${Date.now()}:${randomInt(1e9)}`,
  });
}

/**
 * Subscribe `input` (the form: kind, address, regions[], components[]). A new or unconfirmed address
 * gets a confirmation message (link and 6-digit code, 24 hours); a confirmed one gets its management
 * link instead, and nothing about it changes. Rate-limited per IP and per address.
 */
export async function subscribe(
  ctx: PublicContext,
  input: unknown,
  meta: { ip: string | null; now?: Date },
): Promise<{ kind: SubscriberKind; masked: string }> {
  const now = meta.now ?? new Date();
  const parsed = subscribeSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(t("report.invalid"), fieldErrors(parsed.error.issues));
  const { kind, address, regions: regionCodes, components: componentIds } = parsed.data;
  const channelOf = await subscriberChannels(ctx.db, ctx.orgId);
  const channelId = channelOf.get(kind);
  if (!channelId) throw new ValidationError(t("subscribe.unavailable"), { kind: t("subscribe.unavailable") });
  await checkChoices(ctx.db, ctx.orgId, regionCodes, componentIds);
  await enforceRateLimits(
    ctx.db,
    [
      { key: `subscribe:ip:${sha256(meta.ip ?? "unknown").slice(0, 24)}`, limit: SUBSCRIBE_LIMITS.perIp },
      {
        key: `subscribe:address:${sha256(`${kind}:${address}`).slice(0, 24)}`,
        limit: SUBSCRIBE_LIMITS.perAddress,
      },
    ],
    SUBSCRIBE_LIMITS.windowSeconds,
    (s) => t("subscribe.tooMany", { minutes: Math.ceil(s / 60) }),
    now,
  );
  const org = await orgName(ctx.db, ctx.orgId);
  await ctx.db.transaction(async (tx) => {
    let [row] = await tx
      .select()
      .from(subscribers)
      .where(
        and(eq(subscribers.orgId, ctx.orgId), eq(subscribers.kind, kind), eq(subscribers.address, address)),
      )
      .for("update");
    if (row?.confirmedAt && !row.unsubscribedAt && !row.inactiveAt) {
      await queueToSubscriber(
        tx,
        ctx,
        row,
        channelId,
        manageLinkPayload(kind, org, ctx.links.publicUrl),
        "manage",
      );
      return;
    }
    if (!row) {
      const [{ id }] = await queryRows<{ id: number }>(
        tx,
        sql`select nextval(pg_get_serial_sequence('subscribers', 'id'))::int as id`,
      );
      const createdAt = new Date(now.getTime());
      const token = subscriberToken(ctx.links.secret, id, createdAt);
      [row] = await tx
        .insert(subscribers)
        .overridingSystemValue()
        .values({
          id,
          orgId: ctx.orgId,
          kind,
          address,
          regions: regionCodes,
          componentIds,
          unsubscribeTokenHash: tokenHash(token),
          createdAt,
          updatedAt: now,
        })
        .returning();
    }
    const confirmToken = randomToken("", 32);
    const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
    [row] = await tx
      .update(subscribers)
      .set({
        regions: regionCodes,
        componentIds,
        confirmTokenHash: sha256(confirmToken),
        confirmCodeHash: codeHash(ctx.links, row.id, code),
        confirmAttempts: 0,
        confirmSentAt: now,
        // An address that had unsubscribed is pending again: the confirmation must reach it (the delivery
        // worker drops messages to unsubscribed addresses), and nothing else will until it confirms.
        ...(row.unsubscribedAt ? { unsubscribedAt: null, confirmedAt: null } : {}),
        updatedAt: now,
      })
      .where(eq(subscribers.id, row.id))
      .returning();
    const payload = confirmationPayload(kind, {
      org,
      publicUrl: ctx.links.publicUrl,
      confirmUrl: confirmUrl(ctx.links.publicUrl, confirmToken),
      code,
    });
    await queueToSubscriber(tx, ctx, row, channelId, payload, "confirm");
  });
  return { kind, masked: maskAddress(kind, address) };
}

async function markConfirmed(db: Db, row: SubscriberRow, now: Date): Promise<SubscriberRow> {
  const [updated] = await db
    .update(subscribers)
    .set({
      confirmedAt: now,
      confirmTokenHash: null,
      confirmCodeHash: null,
      confirmAttempts: 0,
      unsubscribedAt: null,
      inactiveAt: null,
      inactiveReason: null,
      bounceCount: 0,
      updatedAt: now,
    })
    .where(eq(subscribers.id, row.id))
    .returning();
  return updated;
}

const fresh = (row: SubscriberRow, now: Date) =>
  row.confirmSentAt !== null && now.getTime() - row.confirmSentAt.getTime() <= CONFIRM_TTL_MS;

/** Confirm by the link's token; answers the management token (to show the management page). */
export async function confirmByToken(ctx: PublicContext, token: unknown, now = new Date()): Promise<string> {
  if (typeof token !== "string" || !/^[A-Za-z0-9_-]{20,100}$/.test(token))
    throw new NotFoundError(t("confirm.invalid"));
  const [row] = await ctx.db
    .select()
    .from(subscribers)
    .where(and(eq(subscribers.orgId, ctx.orgId), eq(subscribers.confirmTokenHash, sha256(token))));
  if (!row || !fresh(row, now)) throw new NotFoundError(t("confirm.invalid"));
  return managementToken(ctx.links, await markConfirmed(ctx.db, row, now));
}

/** Confirm by the 6-digit code (kind + address + code); five wrong codes void it. */
export async function confirmByCode(ctx: PublicContext, input: unknown, now = new Date()): Promise<string> {
  const parsed = confirmCodeSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(t("report.invalid"), fieldErrors(parsed.error.issues));
  const address = normaliseAddress(parsed.data.kind, parsed.data.address);
  const [row] = address
    ? await ctx.db
        .select()
        .from(subscribers)
        .where(
          and(
            eq(subscribers.orgId, ctx.orgId),
            eq(subscribers.kind, parsed.data.kind),
            eq(subscribers.address, address),
          ),
        )
    : [];
  if (!row?.confirmCodeHash || !fresh(row, now) || row.confirmAttempts >= MAX_CODE_ATTEMPTS) {
    throw new ValidationError(t("confirm.invalid"), { code: t("confirm.invalid") });
  }
  if (!safeEqual(row.confirmCodeHash, codeHash(ctx.links, row.id, parsed.data.code))) {
    await ctx.db
      .update(subscribers)
      .set({ confirmAttempts: sql`${subscribers.confirmAttempts} + 1` })
      .where(eq(subscribers.id, row.id));
    throw new ValidationError(t("confirm.invalid"), { code: t("confirm.invalid") });
  }
  return managementToken(ctx.links, await markConfirmed(ctx.db, row, now));
}

export type SubscriptionStatus = "pending" | "active" | "unsubscribed" | "inactive";

export interface SubscriptionView {
  kind: SubscriberKind;
  masked: string;
  regions: string[];
  componentIds: number[];
  status: SubscriptionStatus;
}

async function byToken(ctx: PublicContext, token: unknown): Promise<SubscriberRow> {
  if (typeof token !== "string" || !/^[A-Za-z0-9_-]{20,100}$/.test(token))
    throw new NotFoundError(t("manage.invalid"));
  const [row] = await ctx.db
    .select()
    .from(subscribers)
    .where(and(eq(subscribers.orgId, ctx.orgId), eq(subscribers.unsubscribeTokenHash, tokenHash(token))));
  if (!row) throw new NotFoundError(t("manage.invalid"));
  return row;
}

function view(row: SubscriberRow): SubscriptionView {
  const status: SubscriptionStatus = row.unsubscribedAt
    ? "unsubscribed"
    : row.inactiveAt
      ? "inactive"
      : row.confirmedAt
        ? "active"
        : "pending";
  return {
    kind: row.kind,
    masked: maskAddress(row.kind, row.address),
    regions: row.regions,
    componentIds: row.componentIds,
    status,
  };
}

export async function getSubscription(ctx: PublicContext, token: unknown): Promise<SubscriptionView> {
  return view(await byToken(ctx, token));
}

/** Save new choices; a confirmed address that had unsubscribed or gone inactive is resumed. */
export async function updateChoices(
  ctx: PublicContext,
  token: unknown,
  input: unknown,
  now = new Date(),
): Promise<SubscriptionView> {
  const row = await byToken(ctx, token);
  const parsed = choicesSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(t("report.invalid"), fieldErrors(parsed.error.issues));
  await checkChoices(ctx.db, ctx.orgId, parsed.data.regions, parsed.data.components);
  const resume = row.confirmedAt !== null;
  const [updated] = await ctx.db
    .update(subscribers)
    .set({
      regions: parsed.data.regions,
      componentIds: parsed.data.components,
      ...(resume ? { unsubscribedAt: null, inactiveAt: null, inactiveReason: null, bounceCount: 0 } : {}),
      updatedAt: now,
    })
    .where(eq(subscribers.id, row.id))
    .returning();
  return view(updated);
}

/** Stop every message, including any still queued. */
export async function stopSubscriber(
  db: Db,
  ids: number[],
  change: Partial<typeof subscribers.$inferInsert>,
): Promise<void> {
  if (ids.length === 0) return;
  await db.transaction(async (tx) => {
    await tx.update(subscribers).set(change).where(inArray(subscribers.id, ids));
    await tx
      .update(deliveries)
      .set({
        state: "cancelled",
        updatedAt: new Date(),
        lastError: "The subscriber stopped receiving messages.",
      })
      .where(and(inArray(deliveries.subscriberId, ids), eq(deliveries.state, "pending")));
  });
}

export async function unsubscribe(
  ctx: PublicContext,
  token: unknown,
  now = new Date(),
): Promise<SubscriptionView> {
  const row = await byToken(ctx, token);
  if (!row.unsubscribedAt) await stopSubscriber(ctx.db, [row.id], { unsubscribedAt: now, updatedAt: now });
  return { ...view(row), status: "unsubscribed" };
}

/** What the subscribe and management forms offer: kinds with a channel, regions, components. */
export async function subscribeOptions(db: Db, orgId: number) {
  const [kinds, regionList, componentList] = await Promise.all([
    availableKinds(db, orgId),
    db
      .select({ code: regions.code, name: regions.name })
      .from(regions)
      .where(eq(regions.orgId, orgId))
      .orderBy(regions.name),
    db
      .select({ id: components.id, name: components.name })
      .from(components)
      .where(eq(components.orgId, orgId))
      .orderBy(components.position, components.name),
  ]);
  return { kinds, regions: regionList, components: componentList };
}
