/**
 * npm run bench:room — the incident room's loader (`loadRoom`, what `/incidents/:id` calls after the
 * permission check) over eight weeks of an organisation's complaints: 5,000,000 by default on the server
 * at DATABASE_URL (BENCH_COMPLAINTS to change), of which ~2% (100,000) belong to a big open western outage.
 *
 * 1. Seeds with set-based SQL (bench/support/room-seed.ts) and prints how long each part took.
 * 2. Times `loadRoom` after a warm-up for a mix of what people do in the room — the default view, a region,
 *    a topic, unanswered only, a text search, deep keyset pages, and a two-day-old incident — p50 / p95 /
 *    p99 / max per variant and overall. Searches that match nothing, and one- or two-character searches
 *    (no trigram for the index to look up), are timed on their own after the mix.
 * 3. Baseline in the same run: the room's volume-by-topic and coverage computed straight from complaints
 *    (as the planner would run them with every index in place), and the ratio to the loader.
 * 4. EXPLAIN (ANALYZE, BUFFERS) of every query the loader sent, per variant: the heaviest ones, and any
 *    that scans a big table or reads thousands of its rows.
 * 5. The searches again with the trigram index dropped (migration 0006's), in the same run and load.
 *
 * BENCH_KEEP=1 keeps the seeded database for inspection (drop it by hand afterwards).
 *
 * Progress on stderr; last line on stdout, one JSON object:
 * `{"bench":"room","p95Ms":…,"p50Ms":…,"searchP95Ms":…,"noMatchSearchP95Ms":…,"complaints":…,"db":"postgres",…}`.
 */
import { cpus, loadavg } from "node:os";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { complaintStream, loadRoom, parseStreamFilter } from "~/services/room.server";
import type { Db } from "~db/client.server";
import * as schema from "~db/schema";
import { benchDatabase } from "./support/database";
import { type Conn, connections, seedRoom } from "./support/room-seed";

const SERVER = Boolean(process.env.DATABASE_URL);
const COMPLAINTS = Number(process.env.BENCH_COMPLAINTS ?? (SERVER ? 5_000_000 : 200_000));
const MIN_TIMED = 200;
const say = (s: string) => process.stderr.write(`${s}\n`);

interface Variant {
  name: string;
  incident: "big" | "longRunning";
  /** Query strings, used in turn (as the room's URL would carry them). */
  queries: string[];
}

async function main() {
  if (!SERVER) {
    say(
      `DATABASE_URL is not set: running on in-memory PGlite with ${COMPLAINTS.toLocaleString()} complaints ` +
        "(the contract's figure is 5,000,000 on a PostgreSQL server; set DATABASE_URL for that).",
    );
  }
  const bench = await benchDatabase();
  const { database, org } = bench;
  try {
    say(`seeding ${COMPLAINTS.toLocaleString()} complaints → ${bench.label} …`);
    const t0 = performance.now();
    const seed = await seedRoom(database, org.id, COMPLAINTS, say);
    const seedMs = performance.now() - t0;
    say(
      `seeded ${seed.complaints.toLocaleString()} complaints (${seed.incidentComplaints.toLocaleString()} in the open western outage), ` +
        `${seed.counts.toLocaleString()} count rows in ${(seedMs / 1000).toFixed(1)} s`,
    );
    await printSizes(database);

    const db = database.db;
    const ids = { big: seed.big.id, longRunning: seed.longRunning.id };
    // Cursors a few pages into the default stream, as a person scrolling would reach them.
    // Walking the pages must give exactly the incident's complaints, newest first (a check, not a timing).
    const cursors: string[] = [];
    const walked: number[] = [];
    let cursor: string | null = null;
    for (let page = 1; page <= 20; page++) {
      const out = await complaintStream(
        db,
        org.id,
        ids.big,
        parseStreamFilter(new URLSearchParams(cursor ? { cursor } : {})),
      );
      walked.push(...out.rows.map((r) => r.id));
      cursor = out.nextCursor;
      if (!cursor) break;
      if (page === 5 || page === 20) cursors.push(cursor);
    }
    await checkKeyset(database, org.id, ids.big, walked);
    const variants: Variant[] = [
      { name: "default", incident: "big", queries: [""] },
      { name: "region", incident: "big", queries: ["region=NV", "region=OR", "region=AZ", "region=CA"] },
      { name: "topic", incident: "big", queries: ["topic=outage", "topic=safety"] },
      { name: "unanswered", incident: "big", queries: ["answered=no", "answered=no&region=NV"] },
      {
        name: "search",
        incident: "big",
        // Words and places the outage's complaints use, from common ("power") to rare ("Vegas", ~0.5%).
        queries: ["q=power", "q=ETA", "q=Phoenix", "q=Fresno", "q=transformer", "q=Vegas"],
      },
      { name: "deep page", incident: "big", queries: cursors.map((c) => `cursor=${c}`) },
      { name: "2-day incident", incident: "longRunning", queries: [""] },
    ];
    // Not in the mix, timed on their own so they stay visible rather than averaged away: searches that
    // match nothing in the incident (answered from the trigram index, migration 0006), and one and
    // two-character searches, which have no trigram to look up and read the incident's complaints
    // newest first until a page is full (all of them when nothing matches).
    const worst: Variant[] = [
      { name: "search, no match", incident: "big", queries: ["q=qwertyuiop", "q=xylophone", "q=zanzibar"] },
      { name: "search, 2 chars", incident: "big", queries: ["q=zq", "q=qx"] },
    ];
    const run = (v: Variant, k: number) =>
      loadRoom(
        db,
        org.id,
        ids[v.incident],
        parseStreamFilter(new URLSearchParams(v.queries[k % v.queries.length])),
        seed.now,
      );

    const first = await run(variants[0], 0);
    say(
      `default room: ${first.stream.rows.length} stream rows, ${first.queue.length} in the reply queue, ${first.map.points.length} map points, ` +
        `${first.chart.series.length} chart buckets, ${first.timeline.length} timeline events, ${first.coverage.length} coverage rows, ` +
        `${first.linked.length} linked / ${first.suggestions.length} suggested spikes; ${(JSON.stringify(first).length / 1024).toFixed(0)} KB as JSON`,
    );
    say("warming up …");
    for (let k = 0; k < 4; k++) for (const v of variants) await run(v, k);

    const rounds = Math.max(40, Math.ceil(MIN_TIMED / variants.length));
    say(`timing ${rounds} rounds × ${variants.length} variants (round-robin) …`);
    const loadBefore = loadavg()[0];
    const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
    for (let k = 0; k < rounds; k++) {
      for (const v of variants) {
        const s = performance.now();
        await run(v, k);
        times.get(v.name)!.push(performance.now() - s);
      }
    }
    const load = loadavg()[0];
    const all = [...times.values()].flat();
    const worstTimes = new Map<string, number[]>(worst.map((v) => [v.name, []]));
    for (let k = 0; k < 24; k++) {
      for (const v of worst) {
        const s = performance.now();
        await run(v, k);
        worstTimes.get(v.name)!.push(performance.now() - s);
      }
    }
    say("");
    say(
      `${"variant".padEnd(16)}${"n".padStart(5)}${"p50".padStart(9)}${"p95".padStart(9)}${"p99".padStart(9)}${"max".padStart(9)}  ms`,
    );
    for (const [name, xs] of [...times, ["overall", all] as [string, number[]]]) {
      const s = stats(xs);
      say(
        `${name.padEnd(16)}${String(xs.length).padStart(5)}${fmt(s.p50)}${fmt(s.p95)}${fmt(s.p99)}${fmt(s.max)}`,
      );
    }
    for (const [name, xs] of worstTimes) {
      const w = stats(xs);
      say(
        `${name.padEnd(16)}${String(xs.length).padStart(5)}${fmt(w.p50)}${fmt(w.p95)}${fmt(w.p99)}${fmt(w.max)}  (not in the mix)`,
      );
    }
    say(
      `load average while timing: ${loadBefore.toFixed(1)} → ${load.toFixed(1)} on ${cpus().length} cores (other processes share this machine)`,
    );
    const overall = stats(all);
    const defaultP50 = stats(times.get("default")!).p50;
    const search = stats(times.get("search")!);
    const noMatch = stats(worstTimes.get("search, no match")!);
    const short = stats(worstTimes.get("search, 2 chars")!);

    // ── Baseline: the same aggregations computed straight from complaints ──
    const baseline = await measureBaseline(database, org.id, seed);
    const ratio = Math.round((baseline.ms / defaultP50) * 10) / 10;
    say(
      `\nbaseline: volume by topic + coverage from complaints = ${baseline.ms.toFixed(1)} ms (median of 5; ${baseline.rows.toLocaleString()} complaint rows read), ` +
        `${ratio}× the whole default room (p50 ${defaultP50.toFixed(1)} ms); with index scans off: ${baseline.fullScanMs.toFixed(0)} ms`,
    );

    // ── EXPLAIN (ANALYZE, BUFFERS) of what the loader sends ──
    const findings = await explainLoader(database, org.id, ids, [...variants, ...worst], seed.now);

    // ── The same searches without the trigram index, in the same run (as the room was before 0006) ──
    const searches = [variants.find((v) => v.name === "search")!, worst[0]];
    const without = await withoutTrigramIndex(database, async () => {
      const out = new Map<string, number[]>(searches.map((v) => [v.name, []]));
      for (let k = 0; k < 24; k++) {
        for (const v of searches) {
          const s = performance.now();
          await run(v, k);
          out.get(v.name)!.push(performance.now() - s);
        }
      }
      return out;
    });
    say("\nthe same searches without complaints_incident_text_trgm_idx (dropped for this comparison):");
    for (const [name, xs] of without) {
      const w = stats(xs);
      say(
        `${name.padEnd(16)}${String(xs.length).padStart(5)}${fmt(w.p50)}${fmt(w.p95)}${fmt(w.p99)}${fmt(w.max)}  (with the index: p50 ${stats(name === "search" ? times.get("search")! : worstTimes.get(name)!).p50.toFixed(1)})`,
      );
    }
    const noIndexSearch = stats(without.get("search")!);
    const noIndexNoMatch = stats(without.get("search, no match")!);
    say(`load average now: ${loadavg()[0].toFixed(1)}`);

    console.log(
      JSON.stringify({
        bench: "room",
        p95Ms: round1(overall.p95),
        p50Ms: round1(overall.p50),
        p99Ms: round1(overall.p99),
        maxMs: round1(overall.max),
        complaints: seed.complaints,
        incidentComplaints: seed.incidentComplaints,
        calls: all.length,
        seedSec: Math.round(seedMs / 100) / 10,
        baselineMs: round1(baseline.ms),
        baselineRatio: ratio,
        searchP50Ms: round1(search.p50),
        searchP95Ms: round1(search.p95),
        noMatchSearchP50Ms: round1(noMatch.p50),
        noMatchSearchP95Ms: round1(noMatch.p95),
        shortSearchP50Ms: round1(short.p50),
        searchNoTrigramP50Ms: round1(noIndexSearch.p50),
        noMatchSearchNoTrigramP50Ms: round1(noIndexNoMatch.p50),
        bigScans: findings,
        loadAvg: Math.round(load * 10) / 10,
        db: bench.label,
      }),
    );
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    if (process.env.BENCH_KEEP === "1") {
      // For looking into plans afterwards; drop it by hand (`drop database … with (force)`). The
      // server's admin connection stays open, hence the explicit exit.
      say(`kept the benchmark database: ${database.location}`);
      await database.close();
      process.exit(process.exitCode ?? 0);
    }
    await bench.drop();
  }
}

/** Runs `fn` with the trigram index dropped (this throwaway database only); it is not put back. */
async function withoutTrigramIndex<T>(
  database: Awaited<ReturnType<typeof benchDatabase>>["database"],
  fn: () => Promise<T>,
): Promise<T> {
  const { conns, release } = await connections(database, 1);
  try {
    await conns[0].query("drop index complaints_incident_text_trgm_idx");
  } finally {
    release();
  }
  return fn();
}

async function checkKeyset(
  database: Awaited<ReturnType<typeof benchDatabase>>["database"],
  orgId: number,
  incidentId: number,
  walked: number[],
) {
  const { conns, release } = await connections(database, 1);
  try {
    const expected = await conns[0].query<{ id: number | string }>(
      `select id from complaints where org_id = $1 and incident_id = $2 order by created_at desc, id desc limit $3`,
      [orgId, incidentId, walked.length],
    );
    const same = expected.length === walked.length && expected.every((r, i) => Number(r.id) === walked[i]);
    if (!same)
      throw new Error("keyset pages of the complaint stream differ from the incident's complaints in order");
    say(
      `keyset pages: ${walked.length} complaints over ${Math.ceil(walked.length / 50)} pages, in order, none missed or repeated`,
    );
  } finally {
    release();
  }
}

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  return { p50: q(0.5), p95: q(0.95), p99: q(0.99), max: s[s.length - 1] };
}
const fmt = (x: number) => x.toFixed(1).padStart(9);
const round1 = (x: number) => Math.round(x * 10) / 10;

async function printSizes(database: Awaited<ReturnType<typeof benchDatabase>>["database"]) {
  const { conns, release } = await connections(database, 1);
  try {
    const rows = await conns[0].query<{ t: string; size: string }>(
      `select relname as t, pg_size_pretty(pg_total_relation_size(oid)) as size from pg_class
       where relname in ('complaints', 'complaint_counts') order by relname`,
    );
    say(`sizes (with indexes): ${rows.map((r) => `${r.t} ${r.size}`).join(", ")}`);
  } finally {
    release();
  }
}

/** The room's volume-by-topic (same five weekly windows) and per-region coverage, from complaints. */
async function measureBaseline(
  database: Awaited<ReturnType<typeof benchDatabase>>["database"],
  orgId: number,
  seed: Awaited<ReturnType<typeof seedRoom>>,
) {
  const WEEK = 7 * 86_400_000;
  const to = seed.now;
  const from = Math.max(seed.big.startedAt - 3 * 3600_000, to - 48 * 3600_000);
  const windows = [0, 1, 2, 3, 4]
    .map(
      (w) =>
        `created_at between to_timestamp(${(from - w * WEEK) / 1000}) and to_timestamp(${(to - w * WEEK) / 1000})`,
    )
    .join(" or ");
  const volume = `select date_bin('5 minutes', created_at, timestamptz 'epoch') as at, topic_slug, count(*)::int as n
    from complaints where org_id = ${orgId} and region_code = any(array[${seed.big.regions.map((r) => `'${r}'`).join(",")}])
      and (${windows}) group by 1, 2`;
  const coverage = `select coalesce(region_code, 'unknown') as region, count(*)::int as n, count(answered_at)::int as answered
    from complaints where org_id = ${orgId} and incident_id = ${seed.big.id} group by 1`;
  const { conns, release } = await connections(database, 1);
  const c = conns[0];
  try {
    const time = async (q: string) => {
      const s = performance.now();
      await c.query(q);
      return performance.now() - s;
    };
    await time(volume);
    await time(coverage);
    const runs: number[] = [];
    for (let k = 0; k < 5; k++) runs.push((await time(volume)) + (await time(coverage)));
    runs.sort((a, b) => a - b);
    let rows = 0;
    for (const q of [volume, coverage]) {
      const plan = await explain(c, q);
      say(`baseline plan: ${describe(plan.nodes)} (${plan.ms.toFixed(1)} ms)`);
      rows += plan.nodes.filter((n) => n.relation === "complaints").reduce((s, n) => s + n.rows, 0);
    }
    // What it costs if the planner cannot use an index: the "scan complaints" room.
    await c.query("set enable_indexscan = off");
    await c.query("set enable_bitmapscan = off");
    await c.query("set enable_indexonlyscan = off");
    const fullScanMs = (await time(volume)) + (await time(coverage));
    await c.query("reset enable_indexscan");
    await c.query("reset enable_bitmapscan");
    await c.query("reset enable_indexonlyscan");
    return { ms: runs[2], rows, fullScanMs };
  } finally {
    release();
  }
}

interface PlanNode {
  type: string;
  relation?: string;
  index?: string;
  rows: number;
  removed: number;
  hit: number;
  read: number;
}

async function explain(c: Conn, query: string, params: unknown[] = []) {
  const [row] = await c.query<Record<string, unknown>>(
    `explain (analyze, buffers, format json) ${query}`,
    params,
  );
  const value = Object.values(row)[0];
  const [doc] = (typeof value === "string" ? JSON.parse(value) : value) as {
    Plan: Record<string, unknown>;
    "Execution Time": number;
  }[];
  const nodes: PlanNode[] = [];
  const walk = (n: Record<string, unknown>) => {
    const loops = Number(n["Actual Loops"] ?? 1);
    nodes.push({
      type: String(n["Node Type"]),
      relation: n["Relation Name"] as string | undefined,
      index: n["Index Name"] as string | undefined,
      rows: Number(n["Actual Rows"] ?? 0) * loops,
      removed:
        (Number(n["Rows Removed by Filter"] ?? 0) + Number(n["Rows Removed by Index Recheck"] ?? 0)) * loops,
      hit: Number(n["Shared Hit Blocks"] ?? 0),
      read: Number(n["Shared Read Blocks"] ?? 0),
    });
    for (const child of (n.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
  };
  walk(doc.Plan);
  // A node's buffers include its children's: the root's are the query's.
  return { ms: doc["Execution Time"], nodes, buffers: nodes[0].hit + nodes[0].read };
}

function describe(nodes: PlanNode[]): string {
  const scans = nodes.filter((n) => n.relation);
  return scans
    .map(
      (n) =>
        `${n.type} ${n.relation}${n.index ? ` using ${n.index}` : ""} → ${n.rows} rows${n.removed ? ` (${n.removed} filtered out)` : ""}`,
    )
    .join("; ");
}

/**
 * What the room must never do: read a big table whole, read thousands of complaints for one page (the
 * most it shows is 1,000 map points), or read many more count rows than it keeps.
 */
function heavy(n: PlanNode): boolean {
  if (n.relation !== "complaints" && n.relation !== "complaint_counts") return false;
  if (n.type === "Seq Scan") return true;
  if (n.relation === "complaints") return n.rows + n.removed > 5000;
  return n.removed > Math.max(1000, n.rows);
}

async function explainLoader(
  database: Awaited<ReturnType<typeof benchDatabase>>["database"],
  orgId: number,
  ids: { big: number; longRunning: number },
  variants: Variant[],
  now: number,
): Promise<number> {
  const captured: { query: string; params: unknown[] }[] = [];
  const logger = { logQuery: (query: string, params: unknown[]) => captured.push({ query, params }) };
  const raw = database.raw;
  const logged = (raw.kind === "postgres"
    ? drizzlePostgres(raw.sql, { schema, casing: "snake_case", logger })
    : drizzlePglite(raw.pg, { schema, casing: "snake_case", logger })) as unknown as Db;
  const { conns, release } = await connections(database, 1);
  let flagged = 0;
  try {
    say("\nEXPLAIN (ANALYZE, BUFFERS) of the loader's queries — heaviest first:");
    for (const v of variants) {
      for (const q of v.queries) {
        captured.length = 0;
        await loadRoom(logged, orgId, ids[v.incident], parseStreamFilter(new URLSearchParams(q)), now);
        const plans = [];
        for (const c of captured) plans.push({ ...c, ...(await explain(conns[0], c.query, c.params)) });
        plans.sort((a, b) => b.ms - a.ms);
        const total = plans.reduce((s, p) => s + p.ms, 0);
        say(
          `  ${v.name}${q ? ` [${q.length > 40 ? `${q.slice(0, 40)}…` : q}]` : ""}: ${plans.length} queries, ${total.toFixed(1)} ms of execution in all`,
        );
        for (const p of plans) {
          const bad = p.nodes.some(heavy);
          if (bad) flagged++;
          if (!bad && plans.indexOf(p) >= 2) continue;
          const text = p.query.replace(/\s+/g, " ").slice(0, 90);
          say(
            `    ${bad ? "!!" : "  "} ${p.ms.toFixed(2).padStart(7)} ms  ${p.buffers} buffers  ${describe(p.nodes)}`,
          );
          say(`               ${text}…`);
        }
      }
    }
    say(
      flagged
        ? `${flagged} loader queries read a big table broadly (marked !!)`
        : "no loader query scans complaints or counts",
    );
  } finally {
    release();
  }
  return flagged;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
