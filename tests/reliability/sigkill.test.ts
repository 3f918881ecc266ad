import { inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
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
  type Remote,
  type RemoteKind,
  seeded,
  sleep,
  tagOf,
  until,
  WorkerProcess,
  workerCommand,
} from "./support";

/**
 * The delivery worker, a real child process on the PostgreSQL server, killed with SIGKILL at random
 * (seeded) moments while 100 approved updates go out to every channel over real HTTP, and restarted
 * after each kill until nothing is left to do. Every create request the stand-ins receive is answered
 * only after HANG_MS (the post is made first), so many kills land while a request is in flight: after
 * the attempt was marked dispatched and before its outcome was settled.
 *
 * What must hold afterwards: every delivery is `sent` (once, and the remote holds exactly that post) or
 * `unknown`; nothing is pending, sending, or lost; no remote holds two copies of a message; channels
 * without idempotency never received the same message twice (an interrupted attempt becomes `unknown`
 * instead of being re-sent); and every `unknown` delivery really had a dispatched attempt that was cut off.
 *
 * RELIABILITY_SEED replays a run.
 */

const SERVER = inject("dbDriver") === "postgres";
const SEED = Number(process.env.RELIABILITY_SEED ?? 20261203);
const UPDATES = 100;
const INCIDENTS = 10;
const HANG_MS = 150;
const MAX_KILLS = 14;
/** Idempotent: Mastodon, Bluesky, webhooks; the others cannot dedupe. */
const KINDS: RemoteKind[] = ["x", "facebook", "mastodon", "bluesky", "webhook", "slack"];

let t: TestDatabase;
let remotes: Map<number, Remote>;
let people: Newsroom;
let command: Awaited<ReturnType<typeof workerCommand>>;

describe.skipIf(!SERVER)(
  "SIGKILL at random points across 100 publishes (needs a PostgreSQL server: the worker is another process, and an embedded database belongs to one process)",
  () => {
    beforeAll(async () => {
      t = await freshDatabase();
      [remotes, people, command] = await Promise.all([
        connectRemotes(t, KINDS, {}, { latencyMs: HANG_MS }),
        newsroom(t),
        workerCommand(),
      ]);
    });
    afterAll(async () => {
      command?.cleanup();
      await closeRemotes(remotes?.values() ?? []);
      await t?.close();
    });

    it("ends every delivery sent exactly once or unknown, never lost, never posted twice", async () => {
      const db = t.database.db;
      const random = seeded(SEED);
      const incidents: number[] = [];
      for (let i = 0; i < INCIDENTS; i++) {
        incidents.push(await openIncident(db, t.org.id, people, `Outage ${i + 1}`));
      }
      // Approvals keep arriving while the worker is being killed, as they would in a crisis.
      const updateIds: number[] = [];
      let approving = true;
      const t0 = performance.now();
      const timings: Record<string, number> = {};
      // Four people approving at once, each on their own incidents.
      const LANES = 4;
      let left = LANES;
      const approvals = Promise.all(
        Array.from({ length: LANES }, async (_, lane) => {
          try {
            for (let i = lane; i < UPDATES; i += LANES) {
              updateIds[i] = await approveOne(db, t.org.id, people, incidents[i % INCIDENTS], `r${i}`);
            }
          } finally {
            if (--left === 0) {
              approving = false;
              timings.approvals = performance.now() - t0;
            }
          }
        }),
      );
      const unsettled = async () => {
        const [row] = await db
          .select({ n: sql<number>`count(*)::int` })
          .from(deliveries)
          .where(inArray(deliveries.state, ["pending", "sending"]));
        return row.n;
      };
      const env = {
        DATABASE_URL: t.url!,
        WORKER_TIMEOUT_MS: "3000",
        // A killed worker's claims are taken over after this; it also bounds how long that takes.
        WORKER_LEASE_MS: "1500",
        WORKER_POLL_MS: "200",
        WORKER_CONCURRENCY: "16",
      };
      let kills = 0;
      let inFlightKills = 0;
      for (;;) {
        const worker = await WorkerProcess.start(command, env);
        if (kills >= MAX_KILLS || (!approving && (await unsettled()) === 0)) {
          timings.kills = performance.now() - t0;
          await until(
            "every delivery to settle",
            async () => !approving && (await unsettled()) === 0,
            90_000,
          );
          expect((await worker.kill("SIGTERM")).code).toBe(0);
          break;
        }
        // Let it work for a while (so kills spread over the whole run), then kill it.
        const totalSends = () => [...remotes.values()].reduce((n, r) => n + r.sends().length, 0);
        const idle = async () => !approving && (await unsettled()) === 0;
        if (random() < 0.6) {
          // While a request is in flight: after some sends, at the next one still unanswered, within
          // its latency.
          const target = totalSends() + 1 + Math.floor(random() * 60);
          const landed = await until(
            "a request in flight",
            async () =>
              (totalSends() >= target && [...remotes.values()].some((r) => r.inFlight() > 0)) ||
              ((await idle()) ? "idle" : false),
            60_000,
          );
          if (landed === "idle") {
            await worker.kill("SIGTERM");
            continue;
          }
          await sleep(random() * HANG_MS * 0.8);
          inFlightKills++;
        } else {
          // Anywhere: starting up, claiming, settling, between passes.
          await sleep(50 + random() * 2500);
        }
        const exit = await worker.kill("SIGKILL");
        expect(exit.signal).toBe("SIGKILL");
        kills++;
      }
      await approvals;
      timings.total = performance.now() - t0;

      const rows = await deliveriesOf(db, { updateIds });
      const attempts = await allAttempts(db);
      expect(rows).toHaveLength(UPDATES * (remotes.size + 1)); // the status page too
      const states = rows.reduce<Record<string, number>>((acc, d) => {
        acc[d.state] = (acc[d.state] ?? 0) + 1;
        return acc;
      }, {});
      const cutAfterDispatch = [...attempts.values()]
        .flat()
        .filter((a) => a.outcome === "interrupted" && a.dispatchedAt !== null).length;
      const cutBeforeDispatch = [...attempts.values()]
        .flat()
        .filter((a) => a.outcome === "interrupted" && a.dispatchedAt === null).length;
      console.info(
        `[sigkill] seed ${SEED}: ${kills} kills (${inFlightKills} aimed at requests in flight), ` +
          `${rows.length} deliveries → ${JSON.stringify(states)}; attempts cut off after dispatch ${cutAfterDispatch}, before ${cutBeforeDispatch}; ` +
          `seconds: ${Object.entries(timings)
            .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`)
            .join(", ")}`,
      );

      // Every delivery settled as sent or unknown; no attempt left open.
      const offenders = rows
        .filter((d) => d.state !== "sent" && d.state !== "unknown")
        .map((d) => ({
          id: d.id,
          kind: d.channelKind,
          state: d.state,
          lastError: d.lastError,
          attempts: (attempts.get(d.id) ?? []).map(
            (a) => `${a.outcome}${a.dispatchedAt ? " (dispatched)" : ""}: ${a.error ?? ""}`,
          ),
        }));
      expect(offenders).toEqual([]);
      for (const list of attempts.values()) for (const a of list) expect(a.finishedAt).not.toBeNull();

      for (const d of rows) {
        const history = attempts.get(d.id) ?? [];
        if (d.state === "sent") {
          // Sent exactly once: one attempt settled it.
          expect(history.filter((a) => a.outcome === "sent")).toHaveLength(1);
        } else {
          // Unknown only where the remote cannot dedupe, and only after an attempt really was cut off
          // after its request may have left.
          const remote = remotes.get(d.channelId!);
          expect(remote?.idempotent).toBe(false);
          expect(history.some((a) => a.outcome === "interrupted" && a.dispatchedAt !== null)).toBe(true);
        }
      }

      // At the remotes: one post per message at most, and exactly the one a sent delivery names.
      const tagOfUpdate = new Map(updateIds.map((id, i) => [id, `r${i}`]));
      for (const [channelId, remote] of remotes) {
        const postsByTag = new Map<string, { id: string }[]>();
        for (const post of remote.posts()) {
          const tag = tagOf(post.text);
          if (tag) postsByTag.set(tag, [...(postsByTag.get(tag) ?? []), post]);
        }
        const duplicated = [...postsByTag].filter(([, posts]) => posts.length > 1).map(([tag]) => tag);
        expect(duplicated, `${remote.kind}: messages posted twice`).toEqual([]);
        if (!remote.idempotent) {
          // A channel that cannot dedupe never even received a message twice.
          const sends = new Map<string, number>();
          for (const text of remote.sends()) {
            const tag = tagOf(text);
            if (tag) sends.set(tag, (sends.get(tag) ?? 0) + 1);
          }
          expect(
            [...sends].filter(([, n]) => n > 1),
            `${remote.kind}: messages sent twice`,
          ).toEqual([]);
        }
        for (const d of rows.filter((r) => r.channelId === channelId)) {
          const posts = postsByTag.get(tagOfUpdate.get(d.updateId!)!) ?? [];
          if (d.state === "sent") expect(posts, `${remote.kind} delivery ${d.id}`).toHaveLength(1);
        }
      }
      // The run proves something only if kills did land between dispatch and settle.
      expect(kills).toBeGreaterThan(3);
      expect(cutAfterDispatch).toBeGreaterThan(0);
    }, 240_000);
  },
);

/** A request body as text, form-decoded where it is a form (Facebook), so its tag can be read. */
