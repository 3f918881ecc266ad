import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backoffMs, RETRY_POLICY, type RetryPolicy } from "~/domain/delivery";
import { deliverDue } from "~/services/delivery-worker.server";
import { channels, deliveries } from "~db/schema";
import { freshDatabase, type TestDatabase } from "../support/db";
import {
  approveOne,
  attemptsOf,
  box,
  closeRemotes,
  connectRemotes,
  type DeliveryRow,
  type Newsroom,
  newsroom,
  openIncident,
  PUBLIC_URL,
  type Remote,
  tagOf,
} from "./support";

/**
 * A channel in trouble for a while — 503s, then a 429 with Retry-After — on the real database with the
 * in-process worker and every stand-in over real HTTP: the troubled channel is retried on the policy's
 * schedule and delivered once; the other channels deliver in the same pass as if nothing happened. Time
 * is never measured: the waits the outbox chose are read from what it recorded, and they are passed by
 * moving the recorded instants back (`advanceClock`), not by waiting.
 */

let t: TestDatabase;
let remotes: Map<number, Remote>;
let people: Newsroom;
let n = 0;

beforeAll(async () => {
  t = await freshDatabase();
  [remotes, people] = await Promise.all([connectRemotes(t), newsroom(t)]);
});
afterAll(async () => {
  await closeRemotes(remotes?.values() ?? []);
  await t?.close();
});

const remote = (kind: Remote["kind"]) => [...remotes].find(([, r]) => r.kind === kind)!;
const creates = (r: Remote) => r.sends().length;
const postsTagged = (r: Remote, tag: string) => r.posts().filter((p) => tagOf(p.text) === tag).length;

function pass(retryPolicy: RetryPolicy = RETRY_POLICY) {
  return deliverDue({ db: t.database.db, box, publicUrl: PUBLIC_URL, owner: "in-process", retryPolicy });
}

async function publish(incidentId: number) {
  const tag = `t${++n}`;
  const updateId = await approveOne(t.database.db, t.org.id, people, incidentId, tag);
  return { tag, updateId };
}

async function deliveriesOfUpdate(updateId: number): Promise<Map<number | null, DeliveryRow>> {
  const rows = await t.database.db.select().from(deliveries).where(eq(deliveries.updateId, updateId));
  return new Map(rows.map((d) => [d.channelId, d]));
}

/** The clock moves on by `ms` for the outbox: every instant it waits for comes `ms` sooner. */
async function advanceClock(ms: number) {
  const by = sql`${ms} * interval '1 millisecond'`;
  await t.database.db
    .update(deliveries)
    .set({ nextAttemptAt: sql`${deliveries.nextAttemptAt} - ${by}` })
    .where(eq(deliveries.state, "pending"));
  await t.database.db
    .update(channels)
    .set({ blockedUntil: sql`${channels.blockedUntil} - ${by}` })
    .where(sql`${channels.blockedUntil} is not null`);
}

describe("a channel answering 503 for a while", () => {
  it("is retried on the backoff schedule and delivered once; the others deliver in the first pass", async () => {
    const incidentId = await openIncident(t.database.db, t.org.id, people, "Mastodon down");
    const [mastodonId, mastodon] = remote("mastodon");
    // A healthy update first: from now on Mastodon's answers carry its rate-limit window (X-RateLimit-*),
    // the 503s below included.
    await publish(incidentId);
    await pass();
    const before = creates(mastodon);
    mastodon.trouble!({ status: 503, times: 3 });
    const { tag, updateId } = await publish(incidentId);

    await pass(RETRY_POLICY);
    const first = await deliveriesOfUpdate(updateId);
    for (const [channelId, d] of first) {
      if (channelId === mastodonId) continue;
      expect(d, `${d.channelKind} is not held up by Mastodon`).toMatchObject({ state: "sent", attempts: 1 });
    }
    // Each 503 schedules the next try on the default policy (equal jitter: the k-th wait lies in
    // [step/2, step], step = 2 s × 2^(k-1)); nothing is tried before that instant, however many passes
    // run; once the clock reaches it, one more try.
    const waits: number[] = [];
    for (let k = 1; k <= 3; k++) {
      const d = (await deliveriesOfUpdate(updateId)).get(mastodonId)!;
      expect(d).toMatchObject({ state: "pending", attempts: k });
      expect(d.lastError).toMatch(/503/);
      const last = (await attemptsOf(t.database.db, d.id)).at(-1)!;
      const wait = d.nextAttemptAt.getTime() - last.finishedAt!.getTime();
      expect(wait).toBeGreaterThanOrEqual(backoffMs(k, undefined, () => 0));
      expect(wait).toBeLessThanOrEqual(backoffMs(k, undefined, () => 1));
      waits.push(wait);
      await pass(RETRY_POLICY);
      expect(creates(mastodon) - before, "not retried early").toBe(k);
      await advanceClock(wait);
      await pass(RETRY_POLICY);
    }
    const final = (await deliveriesOfUpdate(updateId)).get(mastodonId)!;
    expect(final).toMatchObject({ state: "sent", attempts: 4 });
    const history = await attemptsOf(t.database.db, final.id);
    expect(history.map((a) => [a.outcome, a.httpStatus])).toEqual([
      ["retry", 503],
      ["retry", 503],
      ["retry", 503],
      ["sent", null],
    ]);
    expect(waits[2]).toBeGreaterThanOrEqual(waits[0]); // grows (its ranges do not overlap)
    expect(creates(mastodon) - before).toBe(4);
    expect(postsTagged(mastodon, tag)).toBe(1);
  });

  it("gives up after the policy's last attempt with the remote's last answer (the retryPolicy seam)", async () => {
    const incidentId = await openIncident(t.database.db, t.org.id, people, "Mastodon gone");
    const [mastodonId, mastodon] = remote("mastodon");
    mastodon.trouble!({ status: 503, times: 3 });
    const { tag, updateId } = await publish(incidentId);
    const policy: RetryPolicy = { baseMs: 60_000, capMs: 60_000, maxAttempts: 3 };
    for (let k = 0; k < 3; k++) {
      await pass(policy);
      await advanceClock(60_000);
    }
    const d = (await deliveriesOfUpdate(updateId)).get(mastodonId)!;
    expect(d).toMatchObject({ state: "failed", attempts: 3 });
    expect(d.lastError).toMatch(/^Gave up after 3 attempts\. Last error: The remote answered 503/);
    expect(postsTagged(mastodon, tag)).toBe(0);
  });
});

describe("a channel answering 429 with Retry-After", () => {
  it("holds the whole channel until Retry-After, then delivers each message once; the others are unaffected", async () => {
    const incidentA = await openIncident(t.database.db, t.org.id, people, "X limited A");
    const incidentB = await openIncident(t.database.db, t.org.id, people, "X limited B");
    const [xId, x] = remote("x");
    const before = creates(x);
    x.trouble!({ status: 429, headers: { "retry-after": "120" }, times: 1 });
    const a = await publish(incidentA);
    await pass();
    const afterFirst = await deliveriesOfUpdate(a.updateId);
    const held = afterFirst.get(xId)!;
    expect(held).toMatchObject({ state: "pending", attempts: 1 });
    expect(held.lastError).toMatch(/Rate limited/);
    const [attempt] = await attemptsOf(t.database.db, held.id);
    expect(attempt).toMatchObject({ outcome: "retry", httpStatus: 429 });
    // Retry-After (120 s) beats the policy's few-ms backoff, for the message and for the channel.
    expect(held.nextAttemptAt.getTime() - attempt.finishedAt!.getTime()).toBe(120_000);
    const [channel] = await t.database.db.select().from(channels).where(eq(channels.id, xId));
    expect(channel.blockedUntil!.getTime() - attempt.finishedAt!.getTime()).toBe(120_000);
    for (const [channelId, d] of afterFirst) if (channelId !== xId) expect(d.state).toBe("sent");

    // A second update meanwhile, on another incident: everything but X goes out at once; X is not
    // even tried (the limit is the account's), so no request is wasted on it.
    const b = await publish(incidentB);
    await pass();
    await pass();
    const second = await deliveriesOfUpdate(b.updateId);
    for (const [channelId, d] of second) {
      if (channelId === xId) expect(d).toMatchObject({ state: "pending", attempts: 0 });
      else expect(d).toMatchObject({ state: "sent", attempts: 1 });
    }
    expect(creates(x) - before).toBe(1);

    // Two minutes pass.
    await advanceClock(120_000);
    await pass();
    for (const { tag, updateId } of [a, b]) {
      const d = (await deliveriesOfUpdate(updateId)).get(xId)!;
      expect(d.state).toBe("sent");
      expect(postsTagged(x, tag)).toBe(1);
    }
    expect(creates(x) - before).toBe(3); // the refused one, then each message once
  });
});
