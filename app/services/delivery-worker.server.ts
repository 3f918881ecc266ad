import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { and, asc, desc, eq, isNotNull, isNull, ne } from "drizzle-orm";
import type { OutboundMessage, SendOutcome, ThreadRef } from "~/channels/types";
import type { RetryPolicy } from "~/domain/delivery";
import type { SecretBox } from "~/utils/crypto.server";
import { log } from "~/utils/log.server";
import type { Database, Db } from "~db/client.server";
import { channels, complaints, deliveries, replies, sources, subscribers } from "~db/schema";
import type { ChannelKind } from "~db/schema/enums";
import { type ChannelRow, DELIVERY_TIMEOUT_MS, openChannel } from "./channels.server";
import {
  type Claimed,
  claimDeliveries,
  markDispatched,
  OUTBOX_CHANNEL,
  recordPart,
  settleDelivery,
} from "./outbox.server";
import { recordBounce } from "./subscriber-signals.server";
import { publishDueUpdates } from "./updates.server";

/**
 * The delivery worker: claims due deliveries, hands each to its channel's adapter, and settles it by the
 * outcome. Runs in every app process by default and as `npm run worker` on its own; any number run side by
 * side (SKIP LOCKED), and a worker killed at any instant loses nothing (leases) and double-posts nothing
 * (attempts are recorded before the request leaves).
 */

export interface DeliveryWorkerOptions {
  db: Db;
  box: SecretBox;
  publicUrl: string;
  /** Unique per worker; written on leases and attempts. */
  owner?: string;
  batchSize?: number;
  concurrency?: number;
  timeoutMs?: number;
  /**
   * How long a claim is held before another worker may take it over (a worker that died). Default: a
   * minute, or six request timeouts when that is longer (a thread of several parts).
   */
  leaseMs?: number;
  /** Backoff and give-up for retried deliveries (default RETRY_POLICY; tests shorten the waits). */
  retryPolicy?: RetryPolicy;
  fetch?: typeof fetch;
  /**
   * Let subscribers' webhooks reach loopback and private addresses (the publish benchmark's local
   * receivers). Off in the console and `npm run worker`: a public form must not aim us inward.
   */
  allowPrivateRecipients?: boolean;
}

export interface PassResult {
  claimed: number;
  settled: Partial<Record<SendOutcome["outcome"], number>>;
}

export function workerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
}

class LeaseLost extends Error {}

/** Social networks a complaint can be answered on, by the mapper of the source it came through. */
const REPLYABLE: readonly ChannelKind[] = ["x", "mastodon", "bluesky", "facebook"];

/**
 * One pass: publish what is due, then claim and deliver until nothing is due. Returns what happened
 * (tests and `npm run worker` print it).
 */
export async function deliverDue(options: DeliveryWorkerOptions): Promise<PassResult> {
  const owner = options.owner ?? workerId();
  const batchSize = options.batchSize ?? 20;
  const concurrency = options.concurrency ?? 8;
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const result: PassResult = { claimed: 0, settled: {} };
  await publishDueUpdates(options.db, { publicUrl: options.publicUrl });
  for (;;) {
    const batch = await claimDeliveries(options.db, {
      owner,
      limit: batchSize,
      // Long enough for a thread of several parts, each with its own timeout.
      leaseMs: options.leaseMs ?? Math.max(60_000, timeoutMs * 6),
    });
    if (batch.length === 0) return result;
    result.claimed += batch.length;
    const channelCache = new Map<number, ChannelRow | null>();
    let next = 0;
    const lanes = Array.from({ length: Math.min(concurrency, batch.length) }, async () => {
      while (next < batch.length) {
        const claimed = batch[next++];
        const outcome = await deliverOne(options, owner, timeoutMs, claimed, channelCache);
        if (outcome) result.settled[outcome] = (result.settled[outcome] ?? 0) + 1;
      }
    });
    await Promise.all(lanes);
  }
}

async function deliverOne(
  options: DeliveryWorkerOptions,
  owner: string,
  timeoutMs: number,
  claimed: Claimed,
  cache: Map<number, ChannelRow | null>,
): Promise<SendOutcome["outcome"] | null> {
  const { db } = options;
  const { delivery } = claimed;
  const settle = async (outcome: SendOutcome) => {
    const state = await settleDelivery(
      db,
      claimed,
      owner,
      outcome,
      new Date(),
      Math.random,
      options.retryPolicy,
    );
    if (state === null)
      log.warn(`delivery ${delivery.id}: lease lost before settling; another worker owns it`);
    return state === null ? null : outcome.outcome;
  };
  try {
    const target = await resolveTarget(db, claimed, cache);
    if ("error" in target) return settle({ outcome: "failed", reason: target.error });
    const opened = openChannel(options.box, target.channel, {
      publicUrl: options.publicUrl,
      fetch: options.fetch,
      timeoutMs,
      allowPrivateRecipients: options.allowPrivateRecipients,
    });
    if ("error" in opened) return settle({ outcome: "failed", reason: opened.error });
    const { adapter, ctx } = opened;
    if (claimed.interruptedAfterDispatch && !adapter.idempotent) {
      return settle({
        outcome: "unknown",
        reason: `The worker stopped while sending to ${adapter.label}: it may have been posted. Check the channel, then mark it sent or send it again.`,
      });
    }
    let dispatched = false;
    const message: OutboundMessage = {
      purpose: delivery.replyId ? "reply" : delivery.subscriberId ? "notification" : "update",
      payload: target.payload,
      idempotencyKey: delivery.idempotencyKey,
      thread:
        adapter.threads && !delivery.subscriberId && delivery.updateId ? await threadOf(db, delivery) : null,
      replyTo: target.replyTo,
      recipient: target.recipient,
      postedParts: delivery.progress?.parts ?? [],
      async recordPart(part) {
        await recordPart(db, delivery.id, owner, part);
      },
      async markDispatched() {
        if (!(await markDispatched(db, claimed, owner))) throw new LeaseLost();
        dispatched = true;
      },
    };
    let outcome: SendOutcome;
    try {
      outcome = await adapter.send(ctx, message);
    } catch (error) {
      if (error instanceof LeaseLost) throw error;
      log.error(`delivery ${delivery.id} (${adapter.kind}): adapter error: ${(error as Error).message}`);
      const reason = `Clarion's ${adapter.label} adapter failed: ${(error as Error).message}`;
      outcome =
        dispatched && !adapter.idempotent ? { outcome: "unknown", reason } : { outcome: "retry", reason };
    }
    const state = await settle(outcome);
    if (
      outcome.outcome === "failed" &&
      outcome.recipientRejected &&
      delivery.subscriberId &&
      target.recipient
    ) {
      // A hard bounce or an opted-out number: the subscriber stops getting messages (and is told why on
      // the management page), rather than bouncing on every update.
      const kind = target.channel.kind === "sms" ? "sms" : target.channel.kind === "email" ? "email" : null;
      if (kind) await recordBounce(db, delivery.orgId, { kind, address: target.recipient, type: "hard" });
    }
    return state;
  } catch (error) {
    if (error instanceof LeaseLost) {
      log.warn(`delivery ${delivery.id}: lease lost before sending; left to the worker that owns it`);
      return null;
    }
    // A database error: the lease runs out and another pass retries (the attempt shows it was not sent).
    log.error(`delivery ${delivery.id}: ${(error as Error).stack ?? error}`);
    return null;
  }
}

interface Target {
  channel: ChannelRow;
  payload: unknown;
  replyTo: OutboundMessage["replyTo"];
  recipient: string | null;
}

async function resolveTarget(
  db: Db,
  claimed: Claimed,
  cache: Map<number, ChannelRow | null>,
): Promise<Target | { error: string }> {
  const { delivery } = claimed;
  if (delivery.replyId) return replyTarget(db, delivery);
  if (!delivery.channelId) return { error: "The channel of this delivery was removed." };
  if (!cache.has(delivery.channelId)) {
    const [row] = await db.select().from(channels).where(eq(channels.id, delivery.channelId));
    cache.set(delivery.channelId, row ?? null);
  }
  const channel = cache.get(delivery.channelId);
  if (!channel) return { error: "The channel of this delivery was removed." };
  if (!channel.enabled)
    return {
      error: `“${channel.name}” was switched off before this went out; switch it on, then send it again.`,
    };
  let recipient: string | null = null;
  if (delivery.subscriberId) {
    const [subscriber] = await db
      .select({ address: subscribers.address, unsubscribedAt: subscribers.unsubscribedAt })
      .from(subscribers)
      .where(eq(subscribers.id, delivery.subscriberId));
    if (!subscriber || subscriber.unsubscribedAt)
      return { error: "The subscriber unsubscribed before this went out." };
    recipient = subscriber.address;
  }
  return { channel, payload: delivery.payload, replyTo: null, recipient };
}

/** A reply leaves through the network its complaint came from, answering that post. */
async function replyTarget(db: Db, delivery: Claimed["delivery"]): Promise<Target | { error: string }> {
  const [row] = await db
    .select({
      body: replies.body,
      source: complaints.source,
      mapper: sources.mapper,
      externalId: complaints.externalId,
      url: complaints.url,
      authorHandle: complaints.authorHandle,
    })
    .from(replies)
    .innerJoin(complaints, eq(complaints.id, replies.complaintId))
    .leftJoin(sources, eq(sources.id, complaints.sourceId))
    .where(eq(replies.id, delivery.replyId!));
  if (!row) return { error: "The reply or its complaint was deleted." };
  const kind = (row.mapper ?? row.source) as ChannelKind;
  if (!REPLYABLE.includes(kind)) {
    return {
      error: `Complaints from “${row.source}” cannot be answered from Clarion: answer them in ${row.source}.`,
    };
  }
  if (!row.externalId)
    return { error: "The complaint has no id on its network, so there is nothing to answer." };
  const [channel] = await db
    .select()
    .from(channels)
    .where(and(eq(channels.orgId, delivery.orgId), eq(channels.kind, kind), eq(channels.enabled, true)))
    .orderBy(asc(channels.id))
    .limit(1);
  if (!channel) {
    return {
      error: `No ${kind} channel is connected to answer from: connect one in Settings → Channels, then send it again.`,
    };
  }
  if (delivery.channelId !== channel.id) {
    await db
      .update(deliveries)
      .set({ channelId: channel.id, channelKind: kind })
      .where(eq(deliveries.id, delivery.id));
  }
  return {
    channel,
    payload: { parts: [row.body], message: row.body, text: row.body },
    replyTo: { externalId: row.externalId, url: row.url, authorHandle: row.authorHandle },
    recipient: null,
  };
}

/** The incident's earlier posts on this channel: the first (root) and the last part of the latest. */
async function threadOf(db: Db, delivery: Claimed["delivery"]): Promise<ThreadRef | null> {
  if (!delivery.incidentId || !delivery.channelId) return null;
  const scope = and(
    eq(deliveries.incidentId, delivery.incidentId),
    eq(deliveries.channelId, delivery.channelId),
    eq(deliveries.state, "sent"),
    isNotNull(deliveries.updateId),
    isNull(deliveries.subscriberId),
    isNotNull(deliveries.remoteId),
    ne(deliveries.id, delivery.id),
  );
  const [first] = await db.select().from(deliveries).where(scope).orderBy(asc(deliveries.id)).limit(1);
  if (!first) return null;
  const [latest] = await db.select().from(deliveries).where(scope).orderBy(desc(deliveries.id)).limit(1);
  const parts = latest.progress?.parts ?? [];
  return { root: first.remoteId!, parent: parts.at(-1)?.remoteId ?? latest.remoteId! };
}

export interface RunningWorker {
  stop(): Promise<void>;
  /** Run a pass now (after an approval in this process, say). */
  kick(): void;
}

/**
 * Keep delivering: a pass whenever a wake-up arrives (LISTEN on the outbox channel) and at least every
 * `pollMs`, so retries come due without a wake-up and a lost notification only delays.
 */
export async function startDeliveryWorker(
  database: Database,
  options: Omit<DeliveryWorkerOptions, "db"> & { pollMs?: number; onPass?: (r: PassResult) => void },
): Promise<RunningWorker> {
  const owner = options.owner ?? workerId();
  let stopped = false;
  let wake: (() => void) | null = null;
  let pending = false;
  const kick = () => {
    pending = true;
    wake?.();
  };
  const unlisten = await database.listen(OUTBOX_CHANNEL, kick).catch((error) => {
    log.warn(`delivery worker: no wake-ups (${(error as Error).message}); polling only`);
    return async () => {};
  });
  const loop = (async () => {
    while (!stopped) {
      pending = false;
      try {
        const pass = await deliverDue({ ...options, db: database.db, owner });
        if (pass.claimed > 0) options.onPass?.(pass);
      } catch (error) {
        log.error(`delivery worker pass failed: ${(error as Error).stack ?? error}`);
      }
      if (stopped || pending) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.pollMs ?? 2_000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  })();
  return {
    kick,
    async stop() {
      stopped = true;
      wake?.();
      await loop;
      await unlisten();
    },
  };
}
