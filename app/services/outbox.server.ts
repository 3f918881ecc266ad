import { and, eq, gt, inArray, isNotNull, notExists, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { PostedPart, SendOutcome } from "~/channels/types";
import { backoffMs, RETRY_POLICY, type RetryPolicy } from "~/domain/delivery";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors";
import { type Db, queryRows } from "~db/client.server";
import { channels, deliveries, deliveryAttempts, incidentEvents } from "~db/schema";
import { type Actor, audit } from "./audit.server";
import { notifyOnCommit } from "./events.server";

/**
 * The delivery outbox (see DESIGN.md, "Delivery, in short"): deliveries are written in the transaction
 * that approves an update or sends a reply; workers claim them with FOR UPDATE SKIP LOCKED and a lease,
 * record each attempt before the request leaves, and settle it by the adapter's outcome. Verbs here are
 * the database half; `delivery-worker.server.ts` is the half that calls out.
 */

/** Wakes delivery workers (LISTEN) when something becomes due; they also poll, so a lost wake-up only delays. */
export const OUTBOX_CHANNEL = "clarion_outbox";

export async function wakeWorkersOnCommit(tx: Db): Promise<void> {
  await tx.execute(sql`select pg_notify(${OUTBOX_CHANNEL}, '')`);
}

export type DeliveryRow = typeof deliveries.$inferSelect;

export interface Claimed {
  delivery: DeliveryRow;
  attemptId: number;
  /**
   * An earlier attempt of this delivery was cut off after its request may have left, and nothing has
   * settled the delivery since.
   */
  interruptedAfterDispatch: boolean;
  /** An earlier attempt was cut off before anything left (safe to try again). */
  interruptedBeforeDispatch: boolean;
}

/**
 * Claim up to `limit` due deliveries for this worker. A delivery is due when its time has come, its
 * update is published (scheduled and held updates wait), publishing is not paused, its channel is not
 * rate-limited, and — for incident updates — no earlier published update of the same incident is still
 * waiting on the same channel (so follow-ups keep their order and can thread under the first post; one
 * scheduled for later, or held by the kill switch, holds nothing up until it is published). A `sending`
 * delivery whose lease ran out belonged to a worker that died: it is claimed again.
 */
export async function claimDeliveries(
  db: Db,
  options: { owner: string; limit: number; leaseMs: number },
): Promise<Claimed[]> {
  return db.transaction(async (tx) => {
    const claimed = await queryRows<{ id: number | string }>(
      tx,
      sql`
      with due as (
        select d.id from deliveries d
        join organisations o on o.id = d.org_id
        left join channels c on c.id = d.channel_id
        where d.next_attempt_at <= now()
          and (d.state = 'pending' or (d.state = 'sending' and d.lease_until < now()))
          and o.publishing_paused_at is null
          and (c.blocked_until is null or c.blocked_until <= now())
          and (d.update_id is null
               or exists (select 1 from status_updates u where u.id = d.update_id and u.state = 'published'))
          and not (d.update_id is not null and d.subscriber_id is null and exists (
            select 1 from deliveries e
            where e.channel_id = d.channel_id and e.incident_id = d.incident_id
              and e.update_id is not null and e.subscriber_id is null
              and e.id < d.id and e.state in ('pending', 'sending')
              -- a scheduled update not yet out does not hold back what is published now
              and exists (select 1 from status_updates p where p.id = e.update_id and p.state = 'published')))
        order by d.next_attempt_at, d.id
        limit ${options.limit}
        for update of d skip locked
      )
      update deliveries set
        state = 'sending',
        lease_until = now() + ${options.leaseMs} * interval '1 millisecond',
        lease_owner = ${options.owner},
        attempts = deliveries.attempts + 1,
        updated_at = now()
      from due where deliveries.id = due.id
      returning deliveries.id`,
    );
    if (claimed.length === 0) return [];
    const ids = claimed.map((r) => Number(r.id));
    const interrupted = await tx
      .update(deliveryAttempts)
      .set({
        finishedAt: new Date(),
        outcome: "interrupted",
        error: "The worker stopped during this attempt.",
      })
      .where(and(inArray(deliveryAttempts.deliveryId, ids), sql`${deliveryAttempts.finishedAt} is null`))
      .returning({ deliveryId: deliveryAttempts.deliveryId, dispatchedAt: deliveryAttempts.dispatchedAt });
    // An attempt cut off after its request may have left counts until a later attempt settles the
    // delivery (sent, failed, unknown, retry — a person's "send again" always follows one of those).
    // Looking only at the attempts this claim cuts off would forget it as soon as the claim that found
    // it was cut off in turn (a worker killed between claiming and settling), and the message would be
    // sent again on a channel that cannot dedupe.
    const later = alias(deliveryAttempts, "later");
    const cutAfterDispatch = await tx
      .selectDistinct({ deliveryId: deliveryAttempts.deliveryId })
      .from(deliveryAttempts)
      .where(
        and(
          inArray(deliveryAttempts.deliveryId, ids),
          eq(deliveryAttempts.outcome, "interrupted"),
          isNotNull(deliveryAttempts.dispatchedAt),
          notExists(
            tx
              .select({ id: later.id })
              .from(later)
              .where(
                and(
                  eq(later.deliveryId, deliveryAttempts.deliveryId),
                  gt(later.id, deliveryAttempts.id),
                  inArray(later.outcome, ["sent", "failed", "unknown", "retry"]),
                ),
              ),
          ),
        ),
      );
    const dispatchedBefore = new Set(cutAfterDispatch.map((r) => r.deliveryId));
    const rows = await tx.select().from(deliveries).where(inArray(deliveries.id, ids));
    const attempts = await tx
      .insert(deliveryAttempts)
      .values(
        rows.map((d) => ({
          deliveryId: d.id,
          attempt: d.attempts,
          idempotencyKey: d.idempotencyKey,
          worker: options.owner,
        })),
      )
      .returning({ id: deliveryAttempts.id, deliveryId: deliveryAttempts.deliveryId });
    const attemptOf = new Map(attempts.map((a) => [a.deliveryId, a.id]));
    return rows
      .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || a.id - b.id)
      .map((delivery) => {
        const cut = interrupted.filter((i) => i.deliveryId === delivery.id);
        const afterDispatch = dispatchedBefore.has(delivery.id);
        return {
          delivery,
          attemptId: attemptOf.get(delivery.id)!,
          interruptedAfterDispatch: afterDispatch,
          interruptedBeforeDispatch: cut.length > 0 && !afterDispatch,
        };
      });
  });
}

/**
 * Record that the request is about to leave. Refuses (returns false) when this worker no longer holds
 * the lease: another worker has taken the delivery over and this one must not send.
 *
 * `finished_at is null` is what makes this safe against a take-over in progress: a worker whose lease
 * ran out may get here while another worker's claim has taken the delivery but not yet committed. The
 * `exists` below then still sees the old owner (its snapshot predates that commit), and only this
 * row is re-read once the claim commits — the claim finishes the attempt ("interrupted") in the same
 * transaction, so the update finds nothing and the slow worker does not send beside the new one.
 */
export async function markDispatched(db: Db, claimed: Claimed, owner: string): Promise<boolean> {
  const rows = await queryRows(
    db,
    sql`update delivery_attempts set dispatched_at = now()
        where id = ${claimed.attemptId}
          and finished_at is null
          and exists (select 1 from deliveries
                      where id = ${claimed.delivery.id} and state = 'sending' and lease_owner = ${owner})
        returning id`,
  );
  return rows.length === 1;
}

/** Append a posted part of a thread, so a retry resumes after it. */
export async function recordPart(db: Db, deliveryId: number, owner: string, part: PostedPart): Promise<void> {
  await db.execute(
    sql`update deliveries
        set progress = jsonb_build_object('parts',
              coalesce(progress -> 'parts', '[]'::jsonb) || jsonb_build_array(${JSON.stringify(part)}::jsonb)),
            updated_at = now()
        where id = ${deliveryId} and lease_owner = ${owner}`,
  );
}

/**
 * Settle a claimed delivery by its outcome. Only the worker holding the lease can settle it; returns the
 * state written, or null when the lease was lost (another worker owns the delivery now).
 */
export async function settleDelivery(
  db: Db,
  claimed: Claimed,
  owner: string,
  outcome: SendOutcome,
  now = new Date(),
  random: () => number = Math.random,
  policy: RetryPolicy = RETRY_POLICY,
): Promise<DeliveryRow["state"] | null> {
  const { delivery } = claimed;
  return db.transaction(async (tx) => {
    let set: Partial<typeof deliveries.$inferInsert>;
    let error: string | null = null;
    switch (outcome.outcome) {
      case "sent":
        set = {
          state: "sent",
          remoteId: outcome.remoteId,
          remoteUrl: outcome.remoteUrl,
          sentAt: now,
          lastError: null,
        };
        break;
      case "failed":
      case "unknown":
        error = outcome.reason;
        set = { state: outcome.outcome, lastError: outcome.reason };
        break;
      case "retry": {
        error = outcome.reason;
        if (delivery.attempts >= policy.maxAttempts) {
          set = {
            state: "failed",
            lastError: `Gave up after ${delivery.attempts} attempts. Last error: ${outcome.reason}`,
          };
          break;
        }
        const wait = backoffMs(delivery.attempts, outcome.retryAfterMs, random, policy);
        set = { state: "pending", nextAttemptAt: new Date(now.getTime() + wait), lastError: outcome.reason };
        if (outcome.channelWide && outcome.retryAfterMs && delivery.channelId) {
          await tx
            .update(channels)
            .set({ blockedUntil: new Date(now.getTime() + outcome.retryAfterMs) })
            .where(eq(channels.id, delivery.channelId));
        }
        break;
      }
    }
    const updated = await tx
      .update(deliveries)
      .set({ ...set, leaseUntil: null, leaseOwner: null, updatedAt: now })
      .where(
        and(
          eq(deliveries.id, delivery.id),
          eq(deliveries.state, "sending"),
          eq(deliveries.leaseOwner, owner),
        ),
      )
      .returning({ state: deliveries.state });
    await tx
      .update(deliveryAttempts)
      .set({
        finishedAt: now,
        outcome: outcome.outcome,
        httpStatus: "httpStatus" in outcome ? (outcome.httpStatus ?? null) : null,
        error,
      })
      .where(eq(deliveryAttempts.id, claimed.attemptId));
    if (updated.length === 0) return null;
    await notifyOnCommit(tx, {
      type: "delivery",
      orgId: delivery.orgId,
      incidentId: delivery.incidentId,
      deliveryId: delivery.id,
      state: updated[0].state,
    });
    return updated[0].state;
  });
}

/** Give a lease back untouched (the worker is stopping before it sent anything). */
export async function releaseClaim(db: Db, claimed: Claimed, owner: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(deliveries)
      .set({
        state: "pending",
        leaseUntil: null,
        leaseOwner: null,
        attempts: sql`${deliveries.attempts} - 1`,
      })
      .where(and(eq(deliveries.id, claimed.delivery.id), eq(deliveries.leaseOwner, owner)));
    await tx.delete(deliveryAttempts).where(eq(deliveryAttempts.id, claimed.attemptId));
  });
}

/**
 * A person's decision on a delivery the worker could not settle by itself:
 * - `sent`: they found the post on the channel (optionally with its link);
 * - `resend`: they checked it is not there; it is queued again (an `unknown` or `failed` one);
 * - `cancel`: it should not go out at all (a queued, failed or unknown one).
 */
export async function resolveDelivery(
  db: Db,
  orgId: number,
  deliveryId: number,
  input: { action: "sent" | "resend" | "cancel"; remoteUrl?: string | null },
  actor: Actor,
): Promise<DeliveryRow> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.id, deliveryId), eq(deliveries.orgId, orgId)))
      .for("update");
    if (!row) throw new NotFoundError(`Delivery ${deliveryId} does not exist.`);
    const allowed: Record<typeof input.action, DeliveryRow["state"][]> = {
      sent: ["unknown", "failed"],
      resend: ["unknown", "failed"],
      cancel: ["pending", "unknown", "failed"],
    };
    if (!allowed[input.action].includes(row.state)) {
      throw new ConflictError(`This delivery is ${row.state}; it cannot be marked “${input.action}”.`);
    }
    let remoteUrl: string | null = null;
    if (input.action === "sent" && input.remoteUrl) {
      if (!/^https?:\/\/\S+$/.test(input.remoteUrl.trim())) {
        throw new ValidationError("The link is not a web address", {
          remoteUrl: "Paste the post's https:// link",
        });
      }
      remoteUrl = input.remoteUrl.trim();
    }
    const now = new Date();
    const set: Partial<typeof deliveries.$inferInsert> =
      input.action === "sent"
        ? { state: "sent", sentAt: now, remoteUrl, lastError: null }
        : input.action === "resend"
          ? { state: "pending", nextAttemptAt: now, lastError: null }
          : { state: "cancelled" };
    const [updated] = await tx
      .update(deliveries)
      .set({ ...set, resolvedByUserId: actor.userId ?? null, resolvedAt: now, updatedAt: now })
      .where(eq(deliveries.id, deliveryId))
      .returning();
    const verb = { sent: "marked sent", resend: "queued again", cancel: "cancelled" }[input.action];
    if (row.incidentId) {
      await tx.insert(incidentEvents).values({
        orgId,
        incidentId: row.incidentId,
        actorUserId: actor.userId ?? null,
        kind: "delivery_resolved",
        message: `Delivery #${deliveryId} (${row.channelKind ?? "reply"}) ${verb} by hand`,
        data: { deliveryId, from: row.state, action: input.action },
      });
    }
    await audit(tx, {
      orgId,
      actor,
      action: `delivery.${input.action}`,
      targetType: "delivery",
      targetId: deliveryId,
      data: { from: row.state },
    });
    await notifyOnCommit(tx, {
      type: "delivery",
      orgId,
      incidentId: row.incidentId,
      deliveryId,
      state: updated.state,
    });
    if (input.action === "resend") await wakeWorkersOnCommit(tx);
    return updated;
  });
}
