import { and, asc, desc, eq, gt, inArray, isNull, lte, max, or, sql } from "drizzle-orm";
import { z } from "zod";
import { STATE_LABELS } from "~/domain/incidents";
import { approvalPolicyFrom, refusal, stateAfter, type UpdateVerb } from "~/domain/updates";
import { ConflictError, ForbiddenError, fieldErrors, NotFoundError, ValidationError } from "~/utils/errors";
import type { Db } from "~db/client.server";
import {
  channels,
  components,
  deliveries,
  incidentEvents,
  incidents,
  organisations,
  statusUpdates,
  updateComments,
  updateVariants,
  users,
} from "~db/schema";
import {
  CHANNEL_KINDS,
  COMPONENT_STATUSES,
  INCIDENT_STATES,
  type Role,
  SEVERITIES,
  UPDATE_KINDS,
  VARIANT_MODES,
} from "~db/schema/enums";
import { type Actor, audit } from "./audit.server";
import { enabledChannels } from "./channels.server";
import { notifyOnCommit } from "./events.server";
import { wakeWorkersOnCommit } from "./outbox.server";
import { queueSubscriberNotifications, type SubscriberLinks } from "./subscriptions.server";
import { placeholderErrors } from "./templates.server";
import { freezePayloads } from "./update-payloads.server";

/**
 * Status updates: written once, tailored per channel, approved by someone else, then published to every
 * enabled channel through the outbox. Each verb checks the approval rules (domain/updates.ts), runs in
 * one transaction with its comment, timeline event and audit entry, and tells live views on commit.
 */

export type UpdateRow = typeof statusUpdates.$inferSelect;

export interface UpdateActor extends Actor {
  userId: number | null;
  role: Role;
}

const variantSchema = z.object({
  channelKind: z.enum(CHANNEL_KINDS),
  body: z
    .string()
    .trim()
    .max(10_000, "Keep a channel's text under 10,000 characters")
    .transform((v) => v || null)
    .nullish(),
  mode: z.enum(VARIANT_MODES).default("shorten"),
});

export const updateInputSchema = z.object({
  kind: z.enum(UPDATE_KINDS, { message: "Choose holding statement, update or resolution" }),
  title: z.string().trim().max(140, "Keep the headline under 140 characters").default(""),
  body: z
    .string({ message: "Write the update" })
    .trim()
    .min(10, "Write at least a sentence")
    .max(5_000, "Keep the update under 5,000 characters"),
  templateId: z.coerce.number().int().positive().nullish(),
  regions: z.array(z.string().trim().min(1).max(16)).max(200).optional(),
  incidentState: z.enum(INCIDENT_STATES).nullish(),
  componentStatuses: z.record(z.string().regex(/^\d+$/), z.enum(COMPONENT_STATUSES)).default({}),
  nextUpdateMinutes: z.coerce
    .number()
    .int()
    .min(5, "Promise the next update in 5 minutes or more")
    .max(1440, "Promise the next update within a day")
    .nullish(),
  scheduledAt: z.coerce.date({ message: "The scheduled time is not a date" }).nullish(),
  eta: z
    .string()
    .trim()
    .max(80, "Keep the ETA short, e.g. “by 6 PM”")
    .transform((v) => v || null)
    .nullish(),
  variants: z.array(variantSchema).max(CHANNEL_KINDS.length).default([]),
});

export type UpdateInput = z.input<typeof updateInputSchema>;

function parseInput(input: unknown) {
  const parsed = updateInputSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError("The update is not valid", fieldErrors(parsed.error.issues));
  const unknown = placeholderErrors({ title: parsed.data.title, body: parsed.data.body });
  for (const v of parsed.data.variants) {
    if (v.body) Object.assign(unknown, placeholderErrors({ [`variants.${v.channelKind}`]: v.body }));
  }
  if (Object.keys(unknown).length) throw new ValidationError("The update has unknown placeholders", unknown);
  if (parsed.data.kind === "resolution" && !parsed.data.incidentState) parsed.data.incidentState = "resolved";
  return parsed.data;
}

async function loadForChange(tx: Db, orgId: number, updateId: number) {
  const [update] = await tx
    .select()
    .from(statusUpdates)
    .where(and(eq(statusUpdates.id, updateId), eq(statusUpdates.orgId, orgId)))
    .for("update");
  if (!update) throw new NotFoundError(`Update ${updateId} does not exist.`);
  const [incident] = await tx.select().from(incidents).where(eq(incidents.id, update.incidentId));
  const [org] = await tx.select().from(organisations).where(eq(organisations.id, orgId));
  return { update, incident, org };
}

function check(verb: UpdateVerb, ctx: Awaited<ReturnType<typeof loadForChange>>, actor: UpdateActor) {
  const why = refusal({
    verb,
    state: ctx.update.state,
    role: actor.role,
    userId: actor.userId,
    authorUserId: ctx.update.authorUserId,
    severity: ctx.incident.severity,
    policy: approvalPolicyFrom(ctx.org.settings.approvalPolicy),
  });
  if (why)
    throw verb === "approve" || verb === "request_changes" ? new ForbiddenError(why) : new ConflictError(why);
}

async function writeVariants(tx: Db, updateId: number, variants: z.infer<typeof variantSchema>[]) {
  await tx.delete(updateVariants).where(eq(updateVariants.updateId, updateId));
  const kept = variants.filter((v) => v.body || v.mode !== "shorten");
  if (kept.length === 0) return;
  await tx.insert(updateVariants).values(
    kept.map((v) => ({
      updateId,
      channelKind: v.channelKind,
      body: v.body ?? null,
      mode: v.mode,
      edited: Boolean(v.body),
    })),
  );
}

async function note(
  tx: Db,
  update: UpdateRow,
  actor: UpdateActor,
  kind: typeof updateComments.$inferInsert.kind,
  body: string,
  event: { kind: string; message: string } | null,
) {
  await tx.insert(updateComments).values({
    orgId: update.orgId,
    updateId: update.id,
    version: update.version,
    kind,
    body,
    authorUserId: actor.userId,
  });
  if (event) {
    await tx.insert(incidentEvents).values({
      orgId: update.orgId,
      incidentId: update.incidentId,
      actorUserId: actor.userId,
      kind: event.kind,
      message: event.message,
      data: { updateId: update.id, version: update.version },
    });
  }
  await audit(tx, {
    orgId: update.orgId,
    actor,
    action: `update.${kind}`,
    targetType: "status_update",
    targetId: update.id,
    data: { version: update.version, incidentId: update.incidentId },
  });
  await notifyOnCommit(tx, {
    type: "incident",
    orgId: update.orgId,
    incidentId: update.incidentId,
    kind: `update_${kind}`,
  });
}

const KIND_LABEL = { holding: "Holding statement", update: "Update", resolution: "Resolution" } as const;

export async function createUpdate(
  db: Db,
  orgId: number,
  incidentId: number,
  input: UpdateInput,
  actor: UpdateActor,
): Promise<UpdateRow> {
  const data = parseInput(input);
  return db.transaction(async (tx) => {
    const [incident] = await tx
      .select()
      .from(incidents)
      .where(and(eq(incidents.id, incidentId), eq(incidents.orgId, orgId)))
      .for("update");
    if (!incident) throw new NotFoundError(`Incident ${incidentId} does not exist.`);
    const why = refusal({
      verb: "edit",
      state: "draft",
      role: actor.role,
      userId: actor.userId,
      authorUserId: actor.userId,
      severity: incident.severity,
      policy: approvalPolicyFrom(null),
    });
    if (why) throw new ForbiddenError(why);
    const [{ last }] = await tx
      .select({ last: max(statusUpdates.number) })
      .from(statusUpdates)
      .where(eq(statusUpdates.incidentId, incidentId));
    const [row] = await tx
      .insert(statusUpdates)
      .values({
        orgId,
        incidentId,
        number: (last ?? 0) + 1,
        kind: data.kind,
        title: data.title || incident.title,
        body: data.body,
        templateId: data.templateId ?? null,
        regions: data.regions ?? incident.regions,
        incidentState: data.incidentState ?? null,
        componentStatuses: data.componentStatuses,
        nextUpdateMinutes:
          data.kind === "resolution" ? null : (data.nextUpdateMinutes ?? incident.cadenceMinutes),
        scheduledAt: data.scheduledAt ?? null,
        eta: data.eta ?? null,
        authorUserId: actor.userId,
      })
      .returning();
    await writeVariants(tx, row.id, data.variants);
    await note(tx, row, actor, "comment", "", {
      kind: "update_drafted",
      message: `${KIND_LABEL[row.kind]} #${row.number} drafted`,
    });
    return row;
  });
}

/** Edit a draft, or an update in review (which returns it to draft: the reviewer read another text). */
export async function editUpdate(
  db: Db,
  orgId: number,
  updateId: number,
  input: UpdateInput,
  actor: UpdateActor,
): Promise<UpdateRow> {
  const data = parseInput(input);
  return db.transaction(async (tx) => {
    const ctx = await loadForChange(tx, orgId, updateId);
    check("edit", ctx, actor);
    const [row] = await tx
      .update(statusUpdates)
      .set({
        kind: data.kind,
        title: data.title || ctx.incident.title,
        body: data.body,
        templateId: data.templateId ?? null,
        regions: data.regions ?? ctx.update.regions,
        incidentState: data.incidentState ?? null,
        componentStatuses: data.componentStatuses,
        nextUpdateMinutes:
          data.kind === "resolution" ? null : (data.nextUpdateMinutes ?? ctx.incident.cadenceMinutes),
        scheduledAt: data.scheduledAt ?? null,
        eta: data.eta ?? null,
        state: stateAfter("edit", ctx.update.state),
        version: ctx.update.version + 1,
        submittedAt: null,
        updatedAt: new Date(),
      })
      .where(eq(statusUpdates.id, updateId))
      .returning();
    await writeVariants(tx, updateId, data.variants);
    if (ctx.update.state === "in_review") {
      await note(tx, row, actor, "comment", "Edited while in review: back to draft.", null);
    }
    return row;
  });
}

export async function submitUpdate(db: Db, orgId: number, updateId: number, actor: UpdateActor) {
  return db.transaction(async (tx) => {
    const ctx = await loadForChange(tx, orgId, updateId);
    check("submit", ctx, actor);
    const [row] = await tx
      .update(statusUpdates)
      .set({ state: "in_review", submittedAt: new Date(), updatedAt: new Date() })
      .where(eq(statusUpdates.id, updateId))
      .returning();
    await note(tx, row, actor, "submitted", "", {
      kind: "update_submitted",
      message: `${KIND_LABEL[row.kind]} #${row.number} sent for approval`,
    });
    return row;
  });
}

const commentSchema = z.string({ message: "Write a comment" }).trim().min(1, "Write a comment").max(2000);

export async function commentOnUpdate(
  db: Db,
  orgId: number,
  updateId: number,
  body: unknown,
  actor: UpdateActor,
) {
  const text = commentSchema.safeParse(body);
  if (!text.success)
    throw new ValidationError("The comment is not valid", { comment: text.error.issues[0].message });
  return db.transaction(async (tx) => {
    const ctx = await loadForChange(tx, orgId, updateId);
    check("comment", ctx, actor);
    await note(tx, ctx.update, actor, "comment", text.data, null);
  });
}

export async function requestChanges(
  db: Db,
  orgId: number,
  updateId: number,
  body: unknown,
  actor: UpdateActor,
) {
  const text = commentSchema.safeParse(body);
  if (!text.success) {
    throw new ValidationError("Say what should change", {
      comment: "Say what should change before sending it back",
    });
  }
  return db.transaction(async (tx) => {
    const ctx = await loadForChange(tx, orgId, updateId);
    check("request_changes", ctx, actor);
    const [row] = await tx
      .update(statusUpdates)
      .set({ state: "draft", reviewNote: text.data, updatedAt: new Date() })
      .where(eq(statusUpdates.id, updateId))
      .returning();
    await note(tx, row, actor, "changes_requested", text.data, {
      kind: "update_changes_requested",
      message: `Changes requested on ${KIND_LABEL[row.kind].toLowerCase()} #${row.number}: “${text.data.slice(0, 120)}”`,
    });
    return row;
  });
}

export async function withdrawUpdate(db: Db, orgId: number, updateId: number, actor: UpdateActor) {
  return db.transaction(async (tx) => {
    const ctx = await loadForChange(tx, orgId, updateId);
    check("withdraw", ctx, actor);
    const [row] = await tx
      .update(statusUpdates)
      .set({ state: "withdrawn", updatedAt: new Date() })
      .where(eq(statusUpdates.id, updateId))
      .returning();
    // An approved update not yet published has queued deliveries: none of them may go out now.
    await tx
      .update(deliveries)
      .set({
        state: "cancelled",
        lastError: "The update was withdrawn before it went out.",
        updatedAt: new Date(),
      })
      .where(and(eq(deliveries.updateId, updateId), eq(deliveries.state, "pending")));
    await note(tx, row, actor, "withdrawn", "", {
      kind: "update_withdrawn",
      message: `${KIND_LABEL[row.kind]} #${row.number} withdrawn`,
    });
    return row;
  });
}

/**
 * Approve exactly the version the approver read, freeze every enabled channel's message, and write one
 * delivery per channel in the same transaction. Unless it is scheduled or publishing is paused, the update
 * is published at once and the workers are woken.
 */
export async function approveUpdate(
  db: Db,
  orgId: number,
  updateId: number,
  input: { version: unknown; comment?: unknown },
  actor: UpdateActor,
  options: { publicUrl: string; now?: Date; subscriberLinks?: SubscriberLinks },
): Promise<{ update: UpdateRow; deliveries: number; published: boolean }> {
  const version = z.coerce.number().int().positive().safeParse(input.version);
  if (!version.success)
    throw new ValidationError("Approve a specific version", { version: "Missing version" });
  const comment = typeof input.comment === "string" ? input.comment.trim().slice(0, 2000) : "";
  const now = options.now ?? new Date();
  return db.transaction(async (tx) => {
    const ctx = await loadForChange(tx, orgId, updateId);
    check("approve", ctx, actor);
    if (ctx.update.version !== version.data) {
      throw new ConflictError(
        `The update was edited since you read it (version ${ctx.update.version}, you read ${version.data}). Read it again before approving.`,
      );
    }
    const channelRows = await enabledChannels(tx, orgId);
    const overrides = await tx.select().from(updateVariants).where(eq(updateVariants.updateId, updateId));
    const frozen = await freezePayloads(tx, {
      update: ctx.update,
      incident: ctx.incident,
      orgName: ctx.org.name,
      publicUrl: options.publicUrl,
      channels: channelRows,
      overrides,
      now,
    });
    if (frozen.problems.length > 0) {
      throw new ValidationError("Some channels' messages cannot be sent as they are", {
        variants: frozen.problems.join(" "),
      });
    }
    const [row] = await tx
      .update(statusUpdates)
      .set({
        state: "approved",
        approvedByUserId: actor.userId,
        approvedAt: now,
        approvedVersion: ctx.update.version,
        reviewNote: null,
        updatedAt: now,
      })
      .where(eq(statusUpdates.id, updateId))
      .returning();
    if (frozen.payloads.length > 0) {
      await tx.insert(deliveries).values(
        frozen.payloads.map((p) => ({
          orgId,
          incidentId: row.incidentId,
          updateId,
          channelId: p.channelId,
          channelKind: p.channelKind,
          payload: p.payload,
          idempotencyKey: `update:${updateId}:channel:${p.channelId}`,
          nextAttemptAt: row.scheduledAt && row.scheduledAt > now ? row.scheduledAt : now,
        })),
      );
    }
    await note(tx, row, actor, "approved", comment, {
      kind: "update_approved",
      message: `${KIND_LABEL[row.kind]} #${row.number} approved${row.scheduledAt && row.scheduledAt > now ? ` for ${row.scheduledAt.toISOString()}` : ""}`,
    });
    const published =
      (await publishDueUpdates(tx, {
        now,
        updateId,
        publicUrl: options.publicUrl,
        subscriberLinks: options.subscriberLinks,
      })) > 0;
    return { update: row, deliveries: frozen.payloads.length, published };
  });
}

/**
 * Publish approved updates whose time has come (at approval, at their scheduled time, or when the kill
 * switch is released): they appear on the status page, the incident takes their state and promise, and
 * their deliveries become claimable. Idempotent; run by approval and by every worker pass.
 */
export async function publishDueUpdates(
  db: Db,
  options: {
    publicUrl: string;
    now?: Date;
    updateId?: number;
    /** Links in subscriber notifications; the process-wide configuration by default. */
    subscriberLinks?: SubscriberLinks;
  },
): Promise<number> {
  const now = options.now ?? new Date();
  const due = await db
    .select({ update: statusUpdates })
    .from(statusUpdates)
    .innerJoin(organisations, eq(organisations.id, statusUpdates.orgId))
    .where(
      and(
        eq(statusUpdates.state, "approved"),
        isNull(organisations.publishingPausedAt),
        or(isNull(statusUpdates.scheduledAt), lte(statusUpdates.scheduledAt, now)),
        options.updateId ? eq(statusUpdates.id, options.updateId) : undefined,
      ),
    )
    .orderBy(asc(statusUpdates.approvedAt))
    .limit(100);
  let published = 0;
  for (const { update } of due) {
    if (await publishOne(db, update, now, options.publicUrl, options.subscriberLinks)) published++;
  }
  return published;
}

async function publishOne(
  db: Db,
  update: UpdateRow,
  now: Date,
  publicUrl: string,
  links: SubscriberLinks | undefined,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const nextUpdateAt = update.nextUpdateMinutes
      ? new Date(now.getTime() + update.nextUpdateMinutes * 60_000)
      : null;
    const claimed = await tx
      .update(statusUpdates)
      .set({
        state: "published",
        publishedAt: now,
        publishedByUserId: update.approvedByUserId,
        nextUpdateAt,
        updatedAt: now,
      })
      .where(and(eq(statusUpdates.id, update.id), eq(statusUpdates.state, "approved")))
      .returning({ id: statusUpdates.id });
    if (claimed.length === 0) return false; // another process published it first
    const [incident] = await tx
      .select()
      .from(incidents)
      .where(eq(incidents.id, update.incidentId))
      .for("update");
    await fillAtPublication(tx, { ...update, publishedAt: now }, incident, publicUrl, now);
    // Subscribers of the update's regions and components hear it through the same outbox.
    await queueSubscriberNotifications(tx, update.orgId, update.id, links);
    const set: Partial<typeof incidents.$inferInsert> = { nextUpdateDueAt: nextUpdateAt, updatedAt: now };
    const to = update.incidentState;
    if (to && to !== incident.state) {
      set.state = to;
      if (to === "identified" && !incident.identifiedAt) set.identifiedAt = now;
      if (to === "monitoring" && !incident.monitoringAt) set.monitoringAt = now;
      if (to === "resolved") set.resolvedAt = now;
      if (incident.state === "resolved") set.resolvedAt = null;
    }
    if (to === "resolved") set.nextUpdateDueAt = null;
    await tx.update(incidents).set(set).where(eq(incidents.id, incident.id));
    const componentIds = Object.keys(update.componentStatuses).map(Number);
    for (const id of componentIds) {
      await tx
        .update(components)
        .set({ status: update.componentStatuses[String(id)] as (typeof COMPONENT_STATUSES)[number] })
        .where(and(eq(components.id, id), eq(components.orgId, update.orgId)));
    }
    // Deliveries written at approval for a later time become due now.
    await tx
      .update(deliveries)
      .set({ nextAttemptAt: now })
      .where(
        and(
          eq(deliveries.updateId, update.id),
          eq(deliveries.state, "pending"),
          gt(deliveries.nextAttemptAt, now),
        ),
      );
    const moved = to && to !== incident.state ? ` · incident ${STATE_LABELS[to].toLowerCase()}` : "";
    await tx.insert(incidentEvents).values({
      orgId: update.orgId,
      incidentId: update.incidentId,
      at: now,
      actorUserId: update.approvedByUserId,
      kind: "update_published",
      message: `${KIND_LABEL[update.kind]} #${update.number} published${moved}${nextUpdateAt ? ` · next update promised by ${nextUpdateAt.toISOString().slice(11, 16)} UTC` : ""}`,
      data: {
        updateId: update.id,
        nextUpdateAt: nextUpdateAt?.toISOString() ?? null,
        incidentState: to ?? null,
      },
    });
    await audit(tx, {
      orgId: update.orgId,
      actor: { kind: "system" },
      action: "update.published",
      targetType: "status_update",
      targetId: update.id,
      data: { incidentId: update.incidentId },
    });
    await notifyOnCommit(tx, {
      type: "incident",
      orgId: update.orgId,
      incidentId: update.incidentId,
      kind: "update_published",
    });
    await wakeWorkersOnCommit(tx);
    return true;
  });
}

/**
 * Placeholders say the truth as of publication: "{next_update}" counts from when the update goes out, not
 * from its approval (a scheduled update, or one held by the kill switch). The approved text and overrides
 * are unchanged; only the queued messages are composed again, and the published text is kept for the
 * status page. A channel whose message would no longer fit keeps the one checked at approval.
 */
async function fillAtPublication(
  tx: Db,
  update: UpdateRow,
  incident: typeof incidents.$inferSelect,
  publicUrl: string,
  now: Date,
) {
  const queued = await tx
    .select({ id: deliveries.id, channelId: deliveries.channelId })
    .from(deliveries)
    .where(
      and(
        eq(deliveries.updateId, update.id),
        eq(deliveries.state, "pending"),
        isNull(deliveries.subscriberId),
      ),
    );
  const channelIds = queued.map((d) => d.channelId).filter((id): id is number => id !== null);
  const [channelRows, overrides, [org]] = await Promise.all([
    channelIds.length ? tx.select().from(channels).where(inArray(channels.id, channelIds)) : [],
    tx.select().from(updateVariants).where(eq(updateVariants.updateId, update.id)),
    tx.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, update.orgId)),
  ]);
  const frozen = await freezePayloads(tx, {
    update,
    incident,
    orgName: org.name,
    publicUrl,
    channels: channelRows,
    overrides,
    now,
  });
  await tx
    .update(statusUpdates)
    .set({ publishedTitle: frozen.text.title, publishedBody: frozen.text.body })
    .where(eq(statusUpdates.id, update.id));
  for (const d of queued) {
    const fresh = frozen.payloads.find((p) => p.channelId === d.channelId);
    if (fresh?.ok) await tx.update(deliveries).set({ payload: fresh.payload }).where(eq(deliveries.id, d.id));
  }
}

// ——— The kill switch ———

export async function pausePublishing(db: Db, orgId: number, reason: unknown, actor: UpdateActor) {
  const why = z.string().trim().min(3, "Say why publishing is paused").max(500).safeParse(reason);
  if (!why.success) throw new ValidationError("Say why", { reason: why.error.issues[0].message });
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(organisations)
      .set({
        publishingPausedAt: new Date(),
        publishingPausedByUserId: actor.userId,
        publishingPauseReason: why.data,
      })
      .where(and(eq(organisations.id, orgId), isNull(organisations.publishingPausedAt)))
      .returning({ id: organisations.id });
    if (!row) throw new ConflictError("Publishing is already paused.");
    const held = await heldCounts(tx, orgId);
    await audit(tx, { orgId, actor, action: "publishing.paused", data: { reason: why.data, ...held } });
    await notifyOnCommit(tx, { type: "incident", orgId, incidentId: 0, kind: "publishing_paused" });
    return held;
  });
}

export async function resumePublishing(db: Db, orgId: number, actor: UpdateActor) {
  return db.transaction(async (tx) => {
    const held = await heldCounts(tx, orgId);
    const [row] = await tx
      .update(organisations)
      .set({ publishingPausedAt: null, publishingPausedByUserId: null, publishingPauseReason: null })
      .where(and(eq(organisations.id, orgId), sql`${organisations.publishingPausedAt} is not null`))
      .returning({ id: organisations.id });
    if (!row) throw new ConflictError("Publishing is not paused.");
    await audit(tx, { orgId, actor, action: "publishing.resumed", data: held });
    await notifyOnCommit(tx, { type: "incident", orgId, incidentId: 0, kind: "publishing_resumed" });
    await wakeWorkersOnCommit(tx);
    return held;
  });
}

/** What the kill switch holds: queued deliveries and approved updates not yet published. */
async function heldCounts(db: Db, orgId: number) {
  const [d] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(deliveries)
    .where(and(eq(deliveries.orgId, orgId), inArray(deliveries.state, ["pending", "sending"])));
  const [u] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(statusUpdates)
    .where(and(eq(statusUpdates.orgId, orgId), eq(statusUpdates.state, "approved")));
  return { deliveries: d.n, updates: u.n };
}

export async function publishingStatus(db: Db, orgId: number) {
  const [org] = await db
    .select({
      pausedAt: organisations.publishingPausedAt,
      reason: organisations.publishingPauseReason,
      byName: users.name,
    })
    .from(organisations)
    .leftJoin(users, eq(users.id, organisations.publishingPausedByUserId))
    .where(eq(organisations.id, orgId));
  const held = org.pausedAt ? await heldCounts(db, orgId) : { deliveries: 0, updates: 0 };
  return {
    paused: org.pausedAt !== null,
    pausedAt: org.pausedAt?.toISOString() ?? null,
    reason: org.reason,
    byName: org.byName,
    held,
  };
}

// ——— Reading ———

/** An incident's updates, newest first, with their approval conversation and deliveries (the room). */
export async function updatesForIncident(db: Db, orgId: number, incidentId: number) {
  const rows = await db
    .select()
    .from(statusUpdates)
    .where(and(eq(statusUpdates.orgId, orgId), eq(statusUpdates.incidentId, incidentId)))
    .orderBy(desc(statusUpdates.number));
  const ids = rows.map((r) => r.id);
  const [comments, sends, variants, people] = await Promise.all([
    ids.length
      ? db
          .select({
            id: updateComments.id,
            updateId: updateComments.updateId,
            kind: updateComments.kind,
            body: updateComments.body,
            version: updateComments.version,
            createdAt: updateComments.createdAt,
            authorName: users.name,
          })
          .from(updateComments)
          .leftJoin(users, eq(users.id, updateComments.authorUserId))
          .where(inArray(updateComments.updateId, ids))
          .orderBy(asc(updateComments.createdAt))
      : [],
    ids.length
      ? db
          .select({
            id: deliveries.id,
            updateId: deliveries.updateId,
            channelId: deliveries.channelId,
            channelKind: deliveries.channelKind,
            state: deliveries.state,
            attempts: deliveries.attempts,
            nextAttemptAt: deliveries.nextAttemptAt,
            remoteUrl: deliveries.remoteUrl,
            lastError: deliveries.lastError,
            sentAt: deliveries.sentAt,
          })
          .from(deliveries)
          .where(and(inArray(deliveries.updateId, ids), isNull(deliveries.subscriberId)))
          .orderBy(asc(deliveries.id))
      : [],
    ids.length ? db.select().from(updateVariants).where(inArray(updateVariants.updateId, ids)) : [],
    db.select({ id: users.id, name: users.name }).from(users).where(eq(users.orgId, orgId)),
  ]);
  const nameOf = new Map(people.map((p) => [p.id, p.name]));
  return rows.map((u) => ({
    id: u.id,
    number: u.number,
    kind: u.kind,
    state: u.state,
    title: u.title,
    body: u.body,
    publishedTitle: u.publishedTitle,
    publishedBody: u.publishedBody,
    version: u.version,
    regions: u.regions,
    incidentState: u.incidentState,
    nextUpdateMinutes: u.nextUpdateMinutes,
    nextUpdateAt: u.nextUpdateAt?.toISOString() ?? null,
    scheduledAt: u.scheduledAt?.toISOString() ?? null,
    authorUserId: u.authorUserId,
    authorName: u.authorUserId ? (nameOf.get(u.authorUserId) ?? null) : null,
    approvedByName: u.approvedByUserId ? (nameOf.get(u.approvedByUserId) ?? null) : null,
    reviewNote: u.reviewNote,
    createdAt: u.createdAt.toISOString(),
    publishedAt: u.publishedAt?.toISOString() ?? null,
    comments: comments
      .filter((c) => c.updateId === u.id)
      .map((c) => ({ ...c, createdAt: c.createdAt.toISOString() })),
    deliveries: sends
      .filter((d) => d.updateId === u.id)
      .map((d) => ({
        ...d,
        nextAttemptAt: d.nextAttemptAt.toISOString(),
        sentAt: d.sentAt?.toISOString() ?? null,
      })),
    variants: variants
      .filter((v) => v.updateId === u.id)
      .map((v) => ({ channelKind: v.channelKind, body: v.body, mode: v.mode })),
  }));
}

export type IncidentUpdate = Awaited<ReturnType<typeof updatesForIncident>>[number];

// ——— Approval policy ———

export async function approvalPolicy(db: Db, orgId: number) {
  const [org] = await db
    .select({ settings: organisations.settings })
    .from(organisations)
    .where(eq(organisations.id, orgId));
  return approvalPolicyFrom(org?.settings.approvalPolicy);
}

/** Per severity: must the approver be someone other than the author? Audited. */
export async function setApprovalPolicy(
  db: Db,
  orgId: number,
  distinctBySeverity: Partial<Record<(typeof SEVERITIES)[number], boolean>>,
  actor: Actor,
) {
  return db.transaction(async (tx) => {
    const [org] = await tx.select().from(organisations).where(eq(organisations.id, orgId)).for("update");
    const policy = approvalPolicyFrom(org.settings.approvalPolicy);
    for (const severity of SEVERITIES) {
      const value = distinctBySeverity[severity];
      if (typeof value === "boolean") policy[severity] = { distinctApprover: value };
    }
    await tx
      .update(organisations)
      .set({ settings: { ...org.settings, approvalPolicy: policy } })
      .where(eq(organisations.id, orgId));
    await audit(tx, { orgId, actor, action: "publishing.approval_policy_changed", data: policy });
    return policy;
  });
}
