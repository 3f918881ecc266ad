/**
 * npm run bench:publish — an approved update to every channel kind, end to end, on local stand-ins of
 * every remote (started in this process, real HTTP and SMTP on loopback, no added latency: what is
 * measured is Clarion's own overhead).
 *
 * 1. One channel per kind, saved through saveChannel (credentials sealed as in production). BENCH_REPS
 *    (default 30) updates are approved one after the other on one incident, each while the in-process
 *    worker (startDeliveryWorker, defaults: LISTEN wake-ups, concurrency 8) is running; the latency of a
 *    delivery is from the start of the approveUpdate call to the moment its outcome was settled as sent.
 *    p50 / p95 (target < 1 s) / p99 / max overall, and p95 per kind.
 * 2. Throughput: BENCH_DELIVERIES (default 1,000) subscriber-like deliveries of a published update to
 *    webhook subscribers, drained by deliverDue with the default concurrency; baseline in the same run:
 *    the same number of deliveries of another update to the same subscribers with concurrency 1. Ratio =
 *    throughput / baseline.
 *
 * A throwaway database on the server at DATABASE_URL (dropped afterwards), else embedded PGlite in memory.
 * Progress on stderr; last line on stdout, one JSON object:
 * `{"bench":"publish","p95Ms":…,"p50Ms":…,"deliveriesPerSec":…,"channels":…,"db":"postgres"|"pglite",…}`.
 */
import { randomBytes } from "node:crypto";
import { loadavg } from "node:os";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { SYSTEM } from "~/services/audit.server";
import { saveChannel } from "~/services/channels.server";
import { deliverDue, startDeliveryWorker } from "~/services/delivery-worker.server";
import { createIncident } from "~/services/incidents.server";
import { approveUpdate, createUpdate, submitUpdate } from "~/services/updates.server";
import { upsertUser } from "~/services/users.server";
import { SecretBox } from "~/utils/crypto.server";
import { configureLog } from "~/utils/log.server";
import type { Db } from "~db/client.server";
import { channels, deliveries, subscribers } from "~db/schema";
import { REMOTE_KINDS, type Remote, startRemote } from "../tests/fakes/fleet";
import { benchDatabase, rate } from "./support/database";

const REPS = Number(process.env.BENCH_REPS ?? 30);
const WARM_UP = 3;
const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 1_000);
const PUBLIC_URL = "https://status.example.com";
const say = (s: string) => process.stderr.write(`${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Person = { kind: "user"; userId: number; role: "comms" | "approver" | "commander" | "admin" };

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main() {
  configureLog({ LOG_LEVEL: "warn" });
  const load0 = loadavg();
  const bench = await benchDatabase();
  const { database, org } = bench;
  const db = database.db;
  const box = new SecretBox(randomBytes(32).toString("hex"));
  const remotes: Remote[] = [];
  try {
    say(`database: ${bench.label}; load average ${load0.map((l) => l.toFixed(2)).join(" ")}`);
    const person = async (role: Person["role"]): Promise<Person> => {
      const { user } = await upsertUser(
        db,
        org.id,
        { email: `${role}@bench.example`, password: "bench password, long enough", role },
        SYSTEM,
      );
      return { kind: "user", userId: user.id, role };
    };
    const [comms, approver, commander, admin] = [
      await person("comms"),
      await person("approver"),
      await person("commander"),
      await person("admin"),
    ];
    for (const kind of REMOTE_KINDS) {
      const remote = await startRemote(kind);
      remotes.push(remote);
      await saveChannel(db, box, org.id, remote.channel, admin);
    }
    const enabled = await db
      .select({ id: channels.id, kind: channels.kind })
      .from(channels)
      .where(and(eq(channels.orgId, org.id), eq(channels.enabled, true)))
      .orderBy(asc(channels.id));
    const kinds = [...new Set(enabled.map((c) => c.kind))];
    say(`channels: ${kinds.join(", ")} (${kinds.length} kinds, stand-ins on loopback)`);
    const incident = await createIncident(
      db,
      org.id,
      { title: "Benchmark outage", severity: "SEV2", regions: ["CA", "NV"], topics: ["outage"] },
      commander,
    );

    // ——— 1. approval → sent, every channel kind ———
    const worker = await startDeliveryWorker(database, { box, publicUrl: PUBLIC_URL });
    const samples: { kind: string; ms: number }[] = [];
    const updateIds: number[] = [];
    say(
      `approving ${REPS} updates one after the other (+${WARM_UP} warm-up), the in-process worker delivering …`,
    );
    try {
      for (let rep = -WARM_UP; rep < REPS; rep++) {
        const draft = await createUpdate(
          db,
          org.id,
          incident.id,
          {
            kind: rep === -WARM_UP ? "holding" : "update",
            title: "",
            body: `Update ${rep + WARM_UP + 1}: crews are restoring power in {regions}. Next update {next_update}.`,
            nextUpdateMinutes: 30,
          },
          comms,
        );
        const submitted = await submitUpdate(db, org.id, draft.id, comms);
        const approvedAt = Date.now();
        await approveUpdate(db, org.id, submitted.id, { version: submitted.version }, approver, {
          publicUrl: PUBLIC_URL,
        });
        const rows = await settled(db, submitted.id, 60_000);
        const notSent = rows.filter((d) => d.state !== "sent");
        if (notSent.length > 0) {
          throw new Error(
            `update ${submitted.id}: ${notSent.map((d) => `${d.channelKind} ${d.state}: ${d.lastError}`).join("; ")}`,
          );
        }
        const lat = rows.map((d) => ({ kind: d.channelKind ?? "?", ms: d.sentAt!.getTime() - approvedAt }));
        const slowest = lat.reduce((a, b) => (b.ms > a.ms ? b : a));
        if (rep < 0) {
          say(
            `  warm-up ${rep + WARM_UP + 1}: ${rows.length} deliveries, slowest ${slowest.kind} ${slowest.ms} ms`,
          );
          continue;
        }
        samples.push(...lat);
        updateIds.push(submitted.id);
        say(
          `  update ${rep + 1}/${REPS}: ${rows.length} deliveries sent, slowest ${slowest.kind} ${slowest.ms} ms`,
        );
      }
    } finally {
      await worker.stop();
    }
    const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
    const p50 = percentile(sorted, 50);
    const p95 = percentile(sorted, 95);
    const p99 = percentile(sorted, 99);
    say("");
    say(
      `approval → sent over ${sorted.length} deliveries (${REPS} updates × ${kinds.length} kinds): ` +
        `p50 ${p50} ms, p95 ${p95} ms (target < 1000), p99 ${p99} ms, max ${sorted.at(-1)} ms`,
    );
    const perKind = kinds.map((kind) => {
      const ms = samples
        .filter((s) => s.kind === kind)
        .map((s) => s.ms)
        .sort((a, b) => a - b);
      return `${kind} ${percentile(ms, 95)}`;
    });
    say(`  p95 per kind (ms): ${perKind.join(", ")}`);

    // ——— 2. throughput: subscriber-like webhook deliveries ———
    const hook = enabled.find((c) => c.kind === "webhook")!;
    const hookUrl = (remotes.find((r) => r.kind === "webhook")!.channel.config as { url: string }).url;
    say("");
    say(`adding ${DELIVERIES.toLocaleString()} webhook subscribers …`);
    const subs: number[] = [];
    for (let i = 0; i < DELIVERIES; i += 500) {
      const rows = await db
        .insert(subscribers)
        .values(
          Array.from({ length: Math.min(500, DELIVERIES - i) }, (_, k) => ({
            orgId: org.id,
            kind: "webhook" as const,
            address: `${hookUrl}?subscriber=${i + k}`,
            confirmedAt: new Date(),
            unsubscribeTokenHash: randomBytes(16).toString("hex"),
          })),
        )
        .returning({ id: subscribers.id });
      subs.push(...rows.map((r) => r.id));
    }
    const run = async (label: string, updateId: number, concurrency: number | undefined) => {
      const [template] = await db
        .select()
        .from(deliveries)
        .where(and(eq(deliveries.updateId, updateId), eq(deliveries.channelId, hook.id)));
      for (let i = 0; i < subs.length; i += 500) {
        await db.insert(deliveries).values(
          subs.slice(i, i + 500).map((subscriberId) => ({
            orgId: org.id,
            incidentId: template.incidentId,
            updateId,
            subscriberId,
            channelId: hook.id,
            channelKind: "webhook" as const,
            payload: template.payload,
            idempotencyKey: `update:${updateId}:subscriber:${subscriberId}`,
          })),
        );
      }
      const t0 = performance.now();
      const pass = await deliverDue({
        db,
        box,
        publicUrl: PUBLIC_URL,
        concurrency,
        allowPrivateRecipients: true, // the subscribers' receiver is on loopback
      });
      const ms = performance.now() - t0;
      const [row] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(deliveries)
        .where(
          and(
            eq(deliveries.updateId, updateId),
            inArray(deliveries.subscriberId, subs),
            eq(deliveries.state, "sent"),
          ),
        );
      if (row.n !== subs.length)
        throw new Error(`${label}: ${row.n} of ${subs.length} sent (${JSON.stringify(pass)})`);
      const perSec = rate(subs.length, ms);
      say(
        `  ${label}: ${subs.length.toLocaleString()} deliveries in ${(ms / 1000).toFixed(2)} s → ${perSec.toLocaleString()}/s`,
      );
      return perSec;
    };
    say("throughput through deliverDue:");
    const deliveriesPerSec = await run("default concurrency (8)", updateIds[0], undefined);
    const baselinePerSec = await run("baseline, concurrency 1", updateIds[1], 1);
    const ratio = Number((deliveriesPerSec / baselinePerSec).toFixed(2));
    say(`  ratio ${ratio} (default concurrency / one at a time)`);
    const load1 = loadavg();
    say(`load average at the end ${load1.map((l) => l.toFixed(2)).join(" ")}`);
    process.stdout.write(
      `${JSON.stringify({
        bench: "publish",
        p95Ms: p95,
        p50Ms: p50,
        p99Ms: p99,
        maxMs: sorted.at(-1),
        samples: sorted.length,
        deliveriesPerSec,
        baselinePerSec,
        ratio,
        deliveries: subs.length,
        channels: kinds.length,
        db: bench.label,
        load: Number(load1[0].toFixed(2)),
      })}\n`,
    );
  } finally {
    await Promise.all(remotes.map((r) => r.close()));
    await bench.drop();
  }
}

/** The update's deliveries once none is waiting any more (pending or sending). */
async function settled(db: Db, updateId: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await db.select().from(deliveries).where(eq(deliveries.updateId, updateId));
    if (rows.length > 0 && rows.every((d) => d.state !== "pending" && d.state !== "sending")) return rows;
    if (Date.now() > deadline)
      throw new Error(`update ${updateId}: deliveries still waiting after ${timeoutMs} ms`);
    await sleep(5);
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`bench:publish failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
