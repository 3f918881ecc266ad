import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { deliverDue } from "~/services/delivery-worker.server";
import { type Claimed, claimDeliveries, markDispatched, resolveDelivery } from "~/services/outbox.server";
import { deliveries } from "~db/schema";
import { freshDatabase, type TestDatabase } from "../support/db";
import {
  approveOne,
  attemptsOf,
  box,
  closeRemotes,
  connectRemotes,
  newsroom,
  openIncident,
  PUBLIC_URL,
  type Remote,
  sleep,
  until,
} from "./support";

/**
 * A worker dying at a chosen point, step by step on the real database: the outbox verbs are called as
 * the worker calls them and the "dead" worker simply never calls the next one. Deterministic versions of
 * what the SIGKILL test finds at random (and the regression tests of what it found).
 */

let t: TestDatabase;
let remotes: Map<number, Remote>;
let x: { channelId: number; remote: Remote };
let incidentId: number;
let people: Awaited<ReturnType<typeof newsroom>>;
let n = 0;

beforeAll(async () => {
  t = await freshDatabase();
  remotes = await connectRemotes(t, ["x", "mastodon"]);
  const [channelId, remote] = [...remotes].find(([, r]) => r.kind === "x")!;
  x = { channelId, remote };
  people = await newsroom(t);
  incidentId = await openIncident(t.database.db, t.org.id, people, "Crash points");
});
afterAll(async () => {
  await closeRemotes(remotes?.values() ?? []);
  await t?.close();
});

/** Approve an update and return its X delivery's id. */
async function approvedForX(): Promise<number> {
  const updateId = await approveOne(t.database.db, t.org.id, people, incidentId, `c${++n}`);
  const rows = await t.database.db.select().from(deliveries).where(eq(deliveries.updateId, updateId));
  return rows.find((d) => d.channelId === x.channelId)!.id;
}

/** Claim as `owner` with a lease that is over almost at once (the owner is about to "die"). */
async function claimAs(owner: string, deliveryId: number): Promise<Claimed> {
  for (let i = 0; i < 50; i++) {
    const batch = await claimDeliveries(t.database.db, { owner, limit: 50, leaseMs: 1 });
    const mine = batch.find((c) => c.delivery.id === deliveryId);
    if (mine) return mine;
    await sleep(10); // an earlier claim's lease has not run out yet
  }
  throw new Error(`${owner} could not claim delivery ${deliveryId}`);
}

const postsTo = (remote: Remote) => remote.sends().length;

describe("a worker dying between the steps of a delivery", () => {
  it("dies after dispatch, and the worker that finds it dies before settling: still unknown, not re-sent", async () => {
    const id = await approvedForX();
    const first = await claimAs("worker-a", id);
    expect(await markDispatched(t.database.db, first, "worker-a")).toBe(true);
    // worker-a is killed here: its request may have reached X.

    const second = await claimAs("worker-b", id);
    expect(second.interruptedAfterDispatch).toBe(true);
    // worker-b is killed before it settles the delivery as unknown.

    await sleep(5);
    const before = postsTo(x.remote);
    await deliverDue({ db: t.database.db, box, publicUrl: PUBLIC_URL, owner: "worker-c" });
    const [row] = await t.database.db.select().from(deliveries).where(eq(deliveries.id, id));
    expect(row.state).toBe("unknown");
    expect(row.lastError).toMatch(/may have been posted/);
    expect(postsTo(x.remote)).toBe(before); // nothing was sent again
    const attempts = await attemptsOf(t.database.db, id);
    expect(attempts.map((a) => [a.worker, a.outcome, a.dispatchedAt !== null])).toEqual([
      ["worker-a", "interrupted", true],
      ["worker-b", "interrupted", false],
      ["worker-c", "unknown", false],
    ]);

    // A person checks X, finds nothing, and sends it again: it goes out once, not held as unknown.
    await resolveDelivery(t.database.db, t.org.id, id, { action: "resend" }, people.commander);
    await deliverDue({ db: t.database.db, box, publicUrl: PUBLIC_URL, owner: "worker-d" });
    const [again] = await t.database.db.select().from(deliveries).where(eq(deliveries.id, id));
    expect(again.state).toBe("sent");
    expect(postsTo(x.remote)).toBe(before + 1);
  });

  it("dies before dispatch: sent once by the next worker", async () => {
    const id = await approvedForX();
    const first = await claimAs("worker-a", id);
    expect(first.interruptedAfterDispatch).toBe(false);
    await sleep(5);
    const before = postsTo(x.remote);
    await deliverDue({ db: t.database.db, box, publicUrl: PUBLIC_URL, owner: "worker-b" });
    const [row] = await t.database.db.select().from(deliveries).where(eq(deliveries.id, id));
    expect(row.state).toBe("sent");
    expect(postsTo(x.remote)).toBe(before + 1);
  });
});

describe("a worker whose lease ran out while it was still about to send", () => {
  it.skipIf(inject("dbDriver") !== "postgres")(
    "cannot dispatch once another worker has taken the delivery over, however their statements interleave (server: needs concurrent connections)",
    async () => {
      const db = t.database.db;
      if (t.database.raw.kind !== "postgres") throw new Error("server only");
      const raw = t.database.raw.sql;
      const id = await approvedForX();
      const slow = await claimAs("worker-slow", id); // its lease is over at once: a slow worker
      await sleep(5);
      const waiting = async () => {
        const [row] = await raw<{ n: number }[]>`
          select count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'`;
        return row.n;
      };
      // Hold the slow worker's attempt row, so the take-over below stops half-way: the delivery is
      // already the new worker's, but not yet committed.
      const holder = await raw.reserve();
      await holder`begin`;
      await holder`select id from delivery_attempts where id = ${slow.attemptId} for update`;
      const takeOver = claimDeliveries(db, { owner: "worker-new", limit: 50, leaseMs: 1 });
      await until("the take-over to wait", async () => (await waiting()) >= 1);
      // Now the slow worker goes to send: its statement starts before the take-over commits.
      const dispatch = markDispatched(db, slow, "worker-slow");
      await until("the dispatch to wait", async () => (await waiting()) >= 2);
      await holder`commit`;
      holder.release();
      const [batch, slowMayDispatch] = await Promise.all([takeOver, dispatch]);
      const taken = batch.find((c) => c.delivery.id === id);
      expect(taken).toBeDefined();
      // The new worker sends unless the slow one's attempt was dispatched: never both.
      const newWillSend = !taken!.interruptedAfterDispatch;
      expect({ slowMayDispatch, newWillSend }).not.toEqual({ slowMayDispatch: true, newWillSend: true });
      expect(slowMayDispatch).toBe(false);
      // The new worker sends it, once.
      await sleep(5);
      const before = postsTo(x.remote);
      await deliverDue({ db, box, publicUrl: PUBLIC_URL, owner: "worker-new" });
      const [row] = await db.select().from(deliveries).where(eq(deliveries.id, id));
      expect(row.state).toBe("sent");
      expect(postsTo(x.remote)).toBe(before + 1);
    },
  );
});
