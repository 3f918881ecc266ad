import { inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { pausePublishing, resumePublishing } from "~/services/updates.server";
import { deliveries } from "~db/schema";
import { freshDatabase, type TestDatabase } from "../support/db";
import {
  allAttempts,
  approveOne,
  closeRemotes,
  connectRemotes,
  deliveriesOf,
  type Newsroom,
  newsroom,
  openIncident,
  REMOTE_KINDS,
  type Remote,
  tagOf,
  until,
  WorkerProcess,
  workerCommand,
} from "./support";

/**
 * Two delivery workers, two processes on the same PostgreSQL server, released at the same instant on a
 * backlog of 330 deliveries (30 updates to 11 channels held by the kill switch, then resumed — one NOTIFY wakes both):
 * SKIP LOCKED must hand each delivery to exactly one of them. Checked in the database (one attempt per
 * delivery, settled sent) and at the remotes (each message received once), and both workers must have
 * done part of the work, or the test would prove nothing.
 */

const SERVER = inject("dbDriver") === "postgres";
const UPDATES = 30;
const INCIDENTS = 20;

let t: TestDatabase;
let remotes: Map<number, Remote>;
let people: Newsroom;
let command: Awaited<ReturnType<typeof workerCommand>>;

describe.skipIf(!SERVER)(
  "two workers at once (needs a PostgreSQL server: two processes cannot share an embedded database)",
  () => {
    beforeAll(async () => {
      t = await freshDatabase();
      // A little latency at every remote, so the two workers' deliveries overlap in time.
      [remotes, people, command] = await Promise.all([
        connectRemotes(t, REMOTE_KINDS, {}, { latencyMs: 20 }),
        newsroom(t),
        workerCommand(),
      ]);
    });
    afterAll(async () => {
      command?.cleanup();
      await closeRemotes(remotes?.values() ?? []);
      await t?.close();
    });

    it("never lets two workers claim the same delivery", async () => {
      const db = t.database.db;
      await pausePublishing(db, t.org.id, "Holding everything for the two-worker test", people.commander);
      const incidents: number[] = [];
      for (let i = 0; i < INCIDENTS; i++)
        incidents.push(await openIncident(db, t.org.id, people, `Area ${i}`));
      const updateIds: number[] = [];
      for (let i = 0; i < UPDATES; i++) {
        updateIds.push(await approveOne(db, t.org.id, people, incidents[i % INCIDENTS], `w${i}`));
      }
      const env = { DATABASE_URL: t.url!, WORKER_TIMEOUT_MS: "5000", WORKER_POLL_MS: "500" };
      const workers = await Promise.all([
        WorkerProcess.start(command, { ...env, WORKER_OWNER: "worker-one" }),
        WorkerProcess.start(command, { ...env, WORKER_OWNER: "worker-two" }),
      ]);
      await resumePublishing(db, t.org.id, people.commander);
      await until(
        "every delivery to settle",
        async () => {
          const [row] = await db
            .select({ n: sql<number>`count(*)::int` })
            .from(deliveries)
            .where(inArray(deliveries.state, ["pending", "sending"]));
          return row.n === 0;
        },
        120_000,
      );
      for (const worker of workers) expect((await worker.kill("SIGTERM")).code).toBe(0);

      const rows = await deliveriesOf(db, { updateIds });
      expect(rows).toHaveLength(UPDATES * (remotes.size + 1));
      const attempts = await allAttempts(db);
      const byWorker: Record<string, number> = {};
      for (const d of rows) {
        expect(d.state, `delivery ${d.id} (${d.channelKind}): ${d.lastError}`).toBe("sent");
        const history = attempts.get(d.id) ?? [];
        // Claimed once: one attempt, by one worker, that sent it.
        expect(history.map((a) => a.outcome)).toEqual(["sent"]);
        byWorker[history[0].worker!] = (byWorker[history[0].worker!] ?? 0) + 1;
      }
      const claimedByPasses = workers.map((w) => w.passes.reduce((sum, p) => sum + (p.claimed ?? 0), 0));
      console.info(
        `[two workers] ${rows.length} deliveries, sent by ${JSON.stringify(byWorker)}; claims reported by the processes: ${claimedByPasses.join(" + ")}`,
      );
      expect(Object.keys(byWorker).sort()).toEqual(["worker-one", "worker-two"]);
      expect(Math.min(...Object.values(byWorker))).toBeGreaterThan(rows.length / 10);
      expect(claimedByPasses[0] + claimedByPasses[1]).toBe(rows.length);

      // Each remote received each message once.
      for (const remote of remotes.values()) {
        const received = new Map<string, number>();
        for (const text of remote.sends()) {
          const tag = tagOf(text);
          if (tag) received.set(tag, (received.get(tag) ?? 0) + 1);
        }
        expect(received.size, remote.kind).toBe(UPDATES);
        expect(
          [...received].filter(([, n]) => n !== 1),
          remote.kind,
        ).toEqual([]);
        expect(remote.posts()).toHaveLength(UPDATES);
      }
    }, 240_000);
  },
);
