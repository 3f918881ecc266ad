/**
 * Seeds a benchmark database with what an organisation looks like after eight busy weeks: millions of
 * complaints across the 50 states + DC by population, their 5-minute counts, spike clusters and spikes,
 * a few past incidents and, live now, one big western outage with its complaints, timeline, status
 * updates and coverage. Set-based SQL (INSERT … SELECT over generate_series), not the intake path: the
 * room benchmark measures the loader, not intake.
 *
 * Complaint texts are real-looking ones from the simulator (a pool per topic, joined in by number); the
 * places are the simulator's real cities with their ZIPs. Rows go in time order, ids rising with time,
 * incident rows interleaved with the background traffic of the same hours, as they would arrive.
 */

import { CITIES, type IncidentScript, simulate, US_SIM_REGIONS } from "~/domain/simulator";
import { VAGUE_LOCATIONS } from "~/domain/simulator/places";
import { Rng } from "~/domain/simulator/prng";
import {
  appLoginFailure,
  doubleBilling,
  southCentralSlowdown,
  westernPowerOutage,
} from "~/domain/simulator/scenarios";
import type { Database } from "~db/client.server";
import { US_STATES } from "~db/reference/us-states";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A raw SQL connection (postgres.js reserved connection, or PGlite). */
export interface Conn {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

/** `n` connections for raw SQL; on PGlite they are all the one in-process database. */
export async function connections(
  database: Database,
  n: number,
): Promise<{ conns: Conn[]; release(): void }> {
  const raw = database.raw;
  if (raw.kind === "pglite") {
    const conn: Conn = {
      query: async <T>(text: string, params?: unknown[]) => (await raw.pg.query<T>(text, params)).rows,
    };
    return { conns: Array.from({ length: n }, () => conn), release() {} };
  }
  const reserved = await Promise.all(Array.from({ length: n }, () => raw.sql.reserve()));
  return {
    conns: reserved.map((r) => ({
      query: async <T>(text: string, params?: unknown[]) =>
        (await r.unsafe(text, (params ?? []) as never[])) as unknown as T[],
    })),
    release() {
      for (const r of reserved) r.release();
    },
  };
}

const TOPICS = [
  "outage",
  "degraded",
  "billing",
  "app-login",
  "install",
  "support",
  "safety",
  "other",
] as const;
type Topic = (typeof TOPICS)[number];
/** The simulator's background mix. */
const BACKGROUND_TOPICS: Record<Topic, number> = {
  support: 0.24,
  billing: 0.21,
  other: 0.18,
  degraded: 0.15,
  outage: 0.08,
  "app-login": 0.07,
  install: 0.05,
  safety: 0.02,
};

interface Burst {
  key: string;
  regions: string[];
  topics: Partial<Record<Topic, number>>;
  /** Kumaraswamy(2, 5) over [start, start + span): a fast rise, a peak at a third, a long tail. */
  start: number;
  span: number;
  /** Complaints generated before `now`. */
  size: number;
  /** Filled in: total over the whole span, so that `size` fall before now. */
  total?: number;
  extBase: number;
  /** The simulator's script for this kind of incident: its phrasings make the burst's texts. */
  script: IncidentScript;
}

export interface SeededIncident {
  id: number;
  key: string;
  title: string;
  regions: string[];
  topics: string[];
  startedAt: number;
  resolvedAt: number | null;
}

export interface SeedResult {
  now: number;
  complaints: number;
  counts: number;
  big: SeededIncident;
  longRunning: SeededIncident;
  incidents: SeededIncident[];
  incidentComplaints: number;
  timings: Record<string, number>;
}

const lit = (s: string | null) => (s === null ? "null" : `'${s.replace(/'/g, "''")}'`);
const arr = (xs: string[]) => `array[${xs.map(lit).join(",")}]::text[]`;

/** Kumaraswamy(a=2, b=5) CDF and its SQL inverse. */
const cdf = (x: number) => (x <= 0 ? 0 : x >= 1 ? 1 : 1 - (1 - x * x) ** 5);
const invCdfSql = (u: string) => `sqrt(1 - power(1 - ${u}, 0.2))`;

export async function seedRoom(
  database: Database,
  orgId: number,
  total: number,
  say: (s: string) => void,
): Promise<SeedResult> {
  const timings: Record<string, number> = {};
  const lap = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const out = await fn();
    timings[name] = performance.now() - t0;
    say(`  ${name}: ${(timings[name] / 1000).toFixed(1)} s`);
    return out;
  };
  const pg = database.raw.kind === "postgres";
  const { conns, release } = await connections(database, pg ? 2 : 1);
  const [c0] = conns;
  try {
    const now = Math.floor(Date.now() / (5 * MINUTE)) * 5 * MINUTE;
    const from = now - 56 * DAY;
    const rng = new Rng(20261102);
    for (const c of conns) {
      await c.query("set work_mem = '256MB'");
      if (pg) await c.query("set maintenance_work_mem = '512MB'");
      if (pg) await c.query("set synchronous_commit = off");
    }

    // ── People, incidents, clusters and spikes (small; rows through SQL with literal values) ──
    const people = await lap("people, incidents, spikes", () =>
      seedPeopleAndIncidents(c0, orgId, now, total, rng),
    );
    const { big, longRunning, incidents, bursts, clusterCase, userIds } = people;

    // ── Reference tables the generator joins to: places, topic slots, text pool ──
    const slots = await lap("text pool and places", () => seedReference(c0, bursts));

    // ── Complaints: background over 8 weeks + the incidents' bursts, in time order ──
    const burstTotal = bursts.reduce((s, b) => s + b.size, 0);
    const background = Math.max(0, total - burstTotal);
    const saved = await c0.query<{ name: string; def: string }>(
      `select indexname as name, indexdef as def from pg_indexes
       where schemaname = current_schema() and tablename = 'complaints' and indexname <> 'complaints_pkey'`,
    );
    await lap("complaints and their counts", async () => {
      // Bulk load: secondary indexes are rebuilt afterwards from their own definitions (the migrations'),
      // foreign keys are not checked row by row (every value comes from the tables they reference).
      for (const ix of saved) await c0.query(`drop index "${ix.name}"`);
      for (const c of conns) await c.query("set session_replication_role = replica");
      const chunks = Math.max(1, Math.ceil(total / 100_000));
      const stampCase = stampSql(incidents);
      const tAt = (i: number) => backgroundTime(i / Math.max(1, background), from, now);
      const chunkSql = (c: number): string | null => {
        const lo = Math.floor((c * background) / chunks) + 1;
        const hi = Math.floor(((c + 1) * background) / chunks);
        const t0 = c === 0 ? from : tAt(lo - 1);
        const t1 = c === chunks - 1 ? now : tAt(hi);
        const parts: string[] = [];
        if (hi >= lo) {
          const time = backgroundTimeSql(background, from, now);
          parts.push(generator({ kind: "all", lo, hi, time, extBase: 0, slots }));
        }
        for (const b of bursts) {
          const j0 = burstIndex(b, t0);
          const j1 = c === chunks - 1 ? b.size : burstIndex(b, t1);
          if (j1 > j0) {
            const time = burstTimeSql(b);
            parts.push(generator({ kind: b.key, lo: j0 + 1, hi: j1, time, extBase: b.extBase, slots }));
          }
        }
        return parts.length ? insertSql(orgId, now, parts, stampCase, clusterCase) : null;
      };
      // Chunks of ~100,000 rows in time order, two at a time on a server (neighbouring hours side by side).
      let next = 0;
      let done = 0;
      await Promise.all(
        conns.map(async (conn) => {
          for (let c = next++; c < chunks; c = next++) {
            const query = chunkSql(c);
            if (query) await conn.query(query);
            if (++done % 10 === 0 || done === chunks) say(`    … ${done}/${chunks} chunks`);
          }
        }),
      );
      for (const c of conns) await c.query("set session_replication_role = origin");
      return done;
    });
    await lap("complaint indexes", async () => {
      // Two at a time on a server (two connections; 2 cores), biggest first.
      const queue = [...saved];
      await Promise.all(
        conns.map(async (c) => {
          for (let ix = queue.shift(); ix; ix = queue.shift()) await c.query(ix.def);
        }),
      );
    });

    await lap("coverage, timeline, updates", async () => {
      await c0.query(
        `insert into incident_coverage (incident_id, region_code, complaints, answered)
         select incident_id, coalesce(region_code, 'unknown'), count(*), count(answered_at)
         from complaints where org_id = $1 and incident_id is not null group by 1, 2`,
        [orgId],
      );
      await seedTimelines(c0, orgId, incidents, userIds, now, rng);
    });
    await c0.query("drop table bench_places, bench_topic_slots, bench_text_pool");
    await lap("vacuum analyze", async () => {
      await c0.query(pg ? "vacuum (analyze) complaints, complaint_counts" : "vacuum analyze");
      await c0.query("analyze");
    });

    const [{ complaints, inc, counts, counted }] = await c0.query<{
      complaints: number;
      inc: number;
      counts: number;
      counted: number;
    }>(
      `select (select count(*)::int from complaints) as complaints,
              (select count(*)::int from complaints where org_id = $1 and incident_id = $2) as inc,
              (select count(*)::int from complaint_counts) as counts,
              (select sum(raw_count)::int from complaint_counts where org_id = $1) as counted`,
      [orgId, big.id],
    );
    if (counted !== complaints)
      throw new Error(`the counts add up to ${counted} complaints, not ${complaints}`);
    return { now, complaints, counts, big, longRunning, incidents, incidentComplaints: inc, timings };
  } finally {
    release();
  }
}

const COLUMNS =
  "org_id, source, external_id, text, author_handle, author_name, author_followers, created_at, received_at, lat, lon, location, postal_code, url, region_code, region_method, region_confidence, topic_slug, topic_score, sentiment, fingerprint, counted, incident_id, cluster_id, answered_at, raw";

/** Background time: uniform in i, warped into a daily and weekly rhythm (peaks US midday, weekdays). */
const DAILY = 0.5;
const WEEKLY = 0.15;
function warp(u: number, days: number, phase: number): number {
  const w = (k: number, a: number, p: number) =>
    (a / (2 * Math.PI * k)) * (Math.sin(2 * Math.PI * k * u + p) - Math.sin(p));
  return u - w(days, DAILY, phase) - w(days / 7, WEEKLY, 0);
}
function dailyPhase(from: number): number {
  // Peak where the time of day is 19:00 UTC (noon Pacific, 3 p.m. Eastern).
  const fromTod = (from % DAY) / DAY;
  return -2 * Math.PI * (19 / 24 - fromTod);
}
function backgroundTime(u: number, from: number, now: number): number {
  return from + (now - from) * warp(u, (now - from) / DAY, dailyPhase(from));
}
function backgroundTimeSql(n: number, from: number, now: number): string {
  const days = (now - from) / DAY;
  const p = dailyPhase(from);
  const u = `((g.i - 0.5 + (g.jit - 0.5) * 0.9) / ${n})`;
  const w = (k: number, a: number, ph: number) =>
    `(${a / (2 * Math.PI * k)} * (sin(${2 * Math.PI * k} * ${u} + ${ph}) - ${Math.sin(ph)}))`;
  return `date_trunc('second', to_timestamp(${from / 1000} + ${(now - from) / 1000} * (${u} - ${w(days, DAILY, p)} - ${w(days / 7, WEEKLY, 0)})))`;
}
function burstIndex(b: Burst, t: number): number {
  return Math.min(b.size, Math.max(0, Math.floor(b.total! * cdf((t - b.start) / b.span) + 0.5)));
}
function burstTimeSql(b: Burst): string {
  const u = `((g.i - 0.5) / ${b.total})`;
  return `date_trunc('second', to_timestamp(${b.start / 1000} + ${b.span / 1000} * ${invCdfSql(u)} + g.jit))`;
}

const FIRST = [
  "Dana",
  "Sam",
  "Alex",
  "Jordan",
  "Chris",
  "Pat",
  "Lee",
  "Kim",
  "Maria",
  "Jose",
  "Wei",
  "Priya",
  "Aisha",
  "Tom",
  "Linda",
  "Mike",
  "Sarah",
  "Kevin",
  "Emily",
  "Carlos",
  "Nina",
  "Omar",
  "Grace",
  "Hector",
  "Tara",
  "Ben",
  "Rosa",
  "Derek",
  "Mei",
  "Luis",
];
const LAST = [
  "Nguyen",
  "Smith",
  "Garcia",
  "Johnson",
  "Lee",
  "Brown",
  "Martinez",
  "Davis",
  "Lopez",
  "Wilson",
  "Patel",
  "Kim",
  "Clark",
  "Lewis",
  "Walker",
  "Young",
  "Hall",
  "Allen",
  "Wright",
  "Scott",
  "Torres",
  "Hill",
  "Green",
  "Adams",
];

/**
 * One generator of complaint rows `lo..hi`: randoms per row (a subquery that is not flattened, its
 * columns being volatile), then a place slot, a topic slot and a text joined in by number, then columns.
 */
function generator(o: {
  kind: string;
  lo: number;
  hi: number;
  time: string;
  extBase: number;
  slots: Map<string, number>;
}): string {
  const gauss = (a: string, b: string) => `(sqrt(-2 * ln(1 - ${a})) * cos(2 * pi() * ${b}))`;
  const social = `tp.source in ('x', 'mastodon', 'bluesky')`;
  const first = `(${arr(FIRST)})[1 + (g.who % ${FIRST.length})]`;
  const last = `(${arr(LAST)})[1 + ((g.who / ${FIRST.length}) % ${LAST.length})]`;
  return `select ${o.time} as created_at, g.r_ans, g.r_delay,
      tp.source,
      (${1_900_000_000_000_000_000n} + ${o.extBase} + g.i)::text as external_id,
      tp.text,
      case when ${social} then '@' || lower(${first}) || lower(left(${last}, 1 + g.who % 4)) || (g.who % 1000) end as author_handle,
      case when not ${social} then ${first} || ' ' || ${last} end as author_name,
      case when ${social} then least(3000000, floor(exp(4.2 + 1.6 * ${gauss("g.r5", "g.r6")})))::int end as author_followers,
      g.r7 * 40 as receive_delay,
      case when p.lat is not null and g.r8 < 0.14 then round((p.lat + (g.r9 - 0.5) * 0.3)::numeric, 5)::float8 end as lat,
      case when p.lat is not null and g.r8 < 0.14 then round((p.lon + (g.r7 - 0.5) * 0.3)::numeric, 5)::float8 end as lon,
      case when p.region is null then p.city when g.r8 >= 0.14 and g.r8 < 0.5 then p.city || ', ' || p.region end as location,
      case when p.region is not null and g.r8 >= 0.5 and g.r8 < 0.68 then p.zip end as postal_code,
      p.region as region_code,
      case when p.region is null then 'none' when g.r8 < 0.14 then 'geo' when g.r8 < 0.5 then 'place'
           when g.r8 < 0.68 then 'postal' else 'timezone' end as region_method,
      case when p.region is null then 0 when g.r8 < 0.14 then 0.98 when g.r8 < 0.5 then 0.8
           when g.r8 < 0.68 then 0.92 else 0.35 end as region_confidence,
      ts.slug as topic_slug,
      round((0.45 + g.r9 * 0.55)::numeric, 3)::real as topic_score,
      round(greatest(-1, least(1, -0.4 + 0.35 * ${gauss("g.r10", "g.r11")}))::numeric, 3)::real as sentiment,
      left(md5(tp.text || g.i::text || '${o.kind}'), 20) as fingerprint,
      g.r12 < 0.93 as counted
    from (
      select i, random() as jit, (random() * 2147483646)::int as who,
        random() as r1, random() as r2, random() as r3, random() as r5, random() as r6, random() as r7,
        random() as r8, random() as r9, random() as r10, random() as r11, random() as r12,
        random() as r_ans, random() as r_delay
      from generate_series(${o.lo}, ${o.hi}) i
      offset 0
    ) g
    join bench_places p on p.kind = '${o.kind}' and p.slot = 1 + floor(g.r1 * ${o.slots.get(o.kind)})::int
    join bench_topic_slots ts on ts.kind = '${o.kind}' and ts.slot = 1 + floor(g.r2 * 1000)::int
    join bench_text_pool tp on tp.pool = ts.pool and tp.topic = ts.slug and tp.n = 1 + floor(g.r3 * ts.pool_len)::int`;
}

/** One chunk: the generators' rows in time order, stamped, answered in part, with URL and raw payload. */
function insertSql(
  orgId: number,
  now: number,
  parts: string[],
  stampCase: string,
  clusterCase: string,
): string {
  const rows = parts.map((p) => `(${p})`).join(" union all ");
  const nowTs = `to_timestamp(${now / 1000})`;
  // The chunk's complaints, then their 5-minute counts from what was stored (as intake keeps them: a
  // bucket on a chunk boundary is added to). Counts go in key order, so two chunks side by side that share
  // a boundary bucket lock its rows in the same order and never deadlock.
  return `with stored as (insert into complaints (${COLUMNS})
    select ${orgId}, y.source, y.external_id, y.text, y.author_handle, y.author_name, y.author_followers, y.created_at,
      y.created_at + make_interval(secs => y.receive_delay), y.lat, y.lon, y.location, y.postal_code,
      case y.source when 'x' then 'https://x.com/' || substr(y.author_handle, 2) || '/status/' || y.external_id
        when 'mastodon' then 'https://mastodon.social/' || y.author_handle || '/' || y.external_id
        when 'bluesky' then 'https://bsky.app/profile/' || substr(y.author_handle, 2) || '.bsky.social' end,
      y.region_code, y.region_method, y.region_confidence, y.topic_slug, y.topic_score, y.sentiment, y.fingerprint,
      y.counted, y.incident_id, ${clusterCase},
      case when y.incident_id is not null and y.r_ans < 0.16
             and y.created_at + interval '1 minute' * (4 + y.r_delay * 150) < ${nowTs}
           then y.created_at + interval '1 minute' * (4 + y.r_delay * 150)
           when y.incident_id is null and y.r_ans < 0.12
             and y.created_at + interval '1 minute' * (20 + y.r_delay * 900) < ${nowTs}
           then y.created_at + interval '1 minute' * (20 + y.r_delay * 900) end,
      jsonb_strip_nulls(jsonb_build_object('source', y.source, 'externalId', y.external_id, 'text', y.text,
        'createdAt', to_char(y.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        'author', jsonb_strip_nulls(jsonb_build_object('handle', y.author_handle, 'name', y.author_name,
          'followers', y.author_followers)),
        'lat', y.lat, 'lon', y.lon, 'location', y.location, 'postalCode', y.postal_code))
    from (select x.*, ${stampCase} as incident_id from (${rows}) x offset 0) y
    order by y.created_at
    returning org_id, region_code, topic_slug, created_at, counted)
  insert into complaint_counts (org_id, region_code, topic_slug, bucket_start, count, raw_count)
  select org_id, coalesce(region_code, 'unknown'), topic_slug, date_bin('5 minutes', created_at, timestamptz 'epoch'),
    count(*) filter (where counted), count(*)
  from stored group by 1, 2, 3, 4 order by 4, 2, 3
  on conflict (org_id, region_code, topic_slug, bucket_start) do update
    set count = complaint_counts.count + excluded.count, raw_count = complaint_counts.raw_count + excluded.raw_count`;
}

/** incident_id as stampIncidentComplaints would have set it while each incident was open. */
function stampSql(incidents: SeededIncident[]): string {
  const whens = incidents.map(
    (i) =>
      `when x.region_code = any(${arr(i.regions)}) and x.topic_slug = any(${arr(i.topics)})
         and x.created_at >= to_timestamp(${(i.startedAt - 30 * MINUTE) / 1000})
         ${i.resolvedAt ? `and x.created_at <= to_timestamp(${i.resolvedAt / 1000})` : ""} then ${i.id}`,
  );
  return `case ${whens.join(" ")} end`;
}

async function seedReference(c: Conn, bursts: Burst[]): Promise<Map<string, number>> {
  // Text pools: two simulated days of background with labels, up to 600 distinct texts per topic with
  // their source; and per burst, what its incident script's complaints say (its places, its phrasings).
  await c.query("create table bench_text_pool (pool text, topic text, n int, source text, text text)");
  await c.query("create table bench_topic_slots (kind text, slot int, slug text, pool text, pool_len int)");
  await c.query(
    "create table bench_places (kind text, slot int, region text, city text, lat float8, lon float8, zip text)",
  );
  const poolLen = new Map<string, number>();
  const addPool = async (pool: string, topic: string, texts: Map<string, string>) => {
    const rows = [...texts].map(
      ([text, source], i) => `(${lit(pool)}, ${lit(topic)}, ${i + 1}, ${lit(source)}, ${lit(text)})`,
    );
    poolLen.set(`${pool}|${topic}`, rows.length);
    for (let i = 0; i < rows.length; i += 500) {
      await c.query(`insert into bench_text_pool values ${rows.slice(i, i + 500).join(",")}`);
    }
  };
  const from = Date.parse("2026-10-05T00:00:00Z");
  const byTopic = new Map<string, Map<string, string>>();
  for (const r of simulate({
    from,
    to: from + 2 * DAY,
    seed: 11,
    regions: US_SIM_REGIONS,
    baseRatePerDay: 15_000,
    incidents: [],
  })) {
    const topic = r._truth?.topic ?? "other";
    const texts = byTopic.get(topic) ?? new Map<string, string>();
    if (texts.size < 600 && r.text) texts.set(String(r.text), String(r.source));
    byTopic.set(topic, texts);
  }
  for (const [topic, texts] of byTopic) await addPool("all", topic, texts);
  for (const b of bursts) {
    const texts = new Map<string, string>();
    const at = b.script.start;
    const records = simulate({
      from: at,
      to: at + 12 * HOUR,
      seed: 12,
      regions: US_SIM_REGIONS,
      baseRatePerDay: 10,
      incidents: [b.script],
    });
    for (const r of records) {
      if (r._truth?.incidentId === b.script.id && r.text && texts.size < 800)
        texts.set(String(r.text), String(r.source));
    }
    await addPool(b.key, b.script.topic, texts);
  }

  const population = new Map(US_STATES.map((s) => [s.code, s.population]));
  const placeSlots = (kind: string, regions: string[], slots: number, unresolved: number) => {
    const pop = regions.reduce((s, r) => s + (population.get(r) ?? 0), 0);
    const out: string[] = [];
    const push = (
      region: string | null,
      city: string,
      lat: number | null,
      lon: number | null,
      zip: string | null,
    ) =>
      out.push(
        `(${lit(kind)}, ${out.length + 1}, ${lit(region)}, ${lit(city)}, ${lat ?? "null"}, ${lon ?? "null"}, ${lit(zip)})`,
      );
    for (const r of regions) {
      const cities = CITIES[r] ?? [];
      const n = Math.max(1, Math.round((slots * (population.get(r) ?? 0)) / pop));
      // Within a state, bigger cities first: weight 1 / rank.
      const weights = cities.map((_, k) => 1 / (k + 1));
      const sum = weights.reduce((s, w) => s + w, 0);
      for (let k = 0; k < cities.length; k++) {
        const city = cities[k];
        const m = Math.max(1, Math.round((n * weights[k]) / sum));
        for (let j = 0; j < m; j++) push(r, city.name, city.lat, city.lon, city.zip);
      }
    }
    const vague = Math.round(out.length * unresolved);
    for (let j = 0; j < vague; j++) push(null, VAGUE_LOCATIONS[j % VAGUE_LOCATIONS.length], null, null, null);
    return out;
  };
  const topicSlots = (kind: string, weights: Partial<Record<Topic, number>>) => {
    const total = Object.values(weights).reduce((sum, w) => sum + (w ?? 0), 0);
    const slugs = Object.keys(weights);
    const out: string[] = [];
    const push = (slug: string) => {
      const pool = poolLen.has(`${kind}|${slug}`) ? kind : "all";
      out.push(
        `(${lit(kind)}, ${out.length + 1}, ${lit(slug)}, ${lit(pool)}, ${poolLen.get(`${pool}|${slug}`) ?? 1})`,
      );
    };
    for (const slug of slugs) {
      const n = Math.round((1000 * (weights[slug as Topic] ?? 0)) / total);
      for (let j = 0; j < n && out.length < 1000; j++) push(slug);
    }
    while (out.length < 1000) push(slugs[slugs.length - 1]);
    return out;
  };
  const places = [
    ...placeSlots(
      "all",
      US_STATES.map((s) => s.code),
      6000,
      0.04,
    ),
    ...bursts.flatMap((b) => placeSlots(b.key, b.regions, 2000, 0)),
  ];
  for (let i = 0; i < places.length; i += 1000)
    await c.query(`insert into bench_places values ${places.slice(i, i + 1000).join(",")}`);
  const slots = [
    ...topicSlots("all", BACKGROUND_TOPICS),
    ...bursts.flatMap((b) => topicSlots(b.key, b.topics)),
  ];
  for (let i = 0; i < slots.length; i += 1000)
    await c.query(`insert into bench_topic_slots values ${slots.slice(i, i + 1000).join(",")}`);
  await c.query("analyze bench_text_pool");
  await c.query("analyze bench_topic_slots");
  await c.query("analyze bench_places");
  const counts = await c.query<{ kind: string; n: number }>(
    "select kind, count(*)::int as n from bench_places group by kind",
  );
  return new Map(counts.map((r) => [r.kind, r.n]));
}

interface IncidentPlan {
  key: string;
  title: string;
  severity: string;
  state: "investigating" | "identified" | "monitoring" | "resolved";
  regions: string[];
  topic: Topic;
  extraTopics?: Topic[];
  startedAt: number;
  resolvedAt: number | null;
  /** Share of all complaints its burst adds. */
  share: number;
  burstMix: Partial<Record<Topic, number>>;
  burstSpan: number;
  /** The simulator's script whose phrasings the burst's texts of its main topic use. */
  script: (at: number) => IncidentScript;
}

async function seedPeopleAndIncidents(c: Conn, orgId: number, now: number, total: number, rng: Rng) {
  const userRows = [
    ["Morgan Reyes", "commander"],
    ["Avery Chen", "commander"],
    ["Jamie Okafor", "comms"],
    ["Riley Novak", "approver"],
    ["Casey Lindqvist", "support"],
    ["Drew Patel", "support"],
    ["Quinn Alvarez", "viewer"],
    ["Robin Hart", "admin"],
  ];
  const users = await c.query<{ id: number; role: string }>(
    `insert into users (org_id, email, name, role, password_hash) values ${userRows
      .map(
        ([name, role], i) =>
          `(${orgId}, ${lit(`bench${i}@clarion.example`)}, ${lit(name)}, ${lit(role)}, 'bench-no-login')`,
      )
      .join(",")} returning id, role`,
  );
  const userIds = users.map((u) => u.id);
  const byRole = (role: string) => users.find((u) => u.role === role)!.id;

  const r5 = (t: number) => Math.floor(t / (5 * MINUTE)) * 5 * MINUTE;
  const bigStart = r5(now - 8 * HOUR);
  const plans: IncidentPlan[] = [
    {
      key: "western",
      title: "Western outage: CA, NV, OR, AZ",
      severity: "SEV1",
      state: "identified",
      regions: ["AZ", "CA", "NV", "OR"],
      topic: "outage",
      extraTopics: ["safety"],
      startedAt: bigStart,
      resolvedAt: null,
      share: 0.021,
      burstMix: { outage: 0.9, safety: 0.045, degraded: 0.03, support: 0.025 },
      burstSpan: (now - bigStart + 10 * MINUTE) * 1.6,
      script: (at) => westernPowerOutage(at),
    },
    {
      key: "southeast-slow",
      title: "Slow speeds after maintenance in Florida and Georgia",
      severity: "SEV3",
      state: "monitoring",
      regions: ["FL", "GA"],
      topic: "degraded",
      startedAt: r5(now - 40 * HOUR),
      resolvedAt: null,
      share: 0.002,
      burstMix: { degraded: 0.85, support: 0.1, outage: 0.05 },
      burstSpan: 60 * HOUR,
      script: (at) => southCentralSlowdown(at),
    },
    {
      key: "autopay",
      title: "Autopay charged twice",
      severity: "SEV3",
      state: "resolved",
      regions: ["CT", "NJ", "NY", "PA"],
      topic: "billing",
      startedAt: r5(now - 20 * DAY),
      resolvedAt: r5(now - 20 * DAY + 30 * HOUR),
      share: 0.003,
      burstMix: { billing: 0.9, support: 0.1 },
      burstSpan: 30 * HOUR,
      script: (at) => doubleBilling(at),
    },
    {
      key: "fiber-cut",
      title: "Fiber cut between Dallas and Oklahoma City",
      severity: "SEV2",
      state: "resolved",
      regions: ["OK", "TX"],
      topic: "outage",
      startedAt: r5(now - 11 * DAY),
      resolvedAt: r5(now - 11 * DAY + 9 * HOUR),
      share: 0.004,
      burstMix: { outage: 0.85, degraded: 0.1, support: 0.05 },
      burstSpan: 9 * HOUR,
      // An outage in the topic's everyday words (no western phrasing).
      script: (at) => ({ ...westernPowerOutage(at), phrasing: undefined }),
    },
    {
      key: "app-login",
      title: "App sign-in failures",
      severity: "SEV2",
      state: "resolved",
      regions: ["CA", "FL", "GA", "IL", "MI", "NC", "NJ", "NY", "OH", "PA", "TX", "VA"],
      topic: "app-login",
      startedAt: r5(now - 6 * DAY),
      resolvedAt: r5(now - 6 * DAY + 5 * HOUR),
      share: 0.002,
      burstMix: { "app-login": 0.9, support: 0.1 },
      burstSpan: 5 * HOUR,
      script: (at) => appLoginFailure(at),
    },
  ];

  const incidents: SeededIncident[] = [];
  const bursts: Burst[] = [];
  const clusterWhens: string[] = [];
  let extBase = 100_000_000;
  for (const plan of plans) {
    const topics = [plan.topic, ...(plan.extraTopics ?? [])];
    const cadence = plan.severity === "SEV1" ? 30 : 60;
    const [row] = await c.query<{ id: number }>(
      `insert into incidents (org_id, title, state, severity, summary, commander_user_id, regions, topics, started_at,
         identified_at, monitoring_at, resolved_at, cadence_minutes, next_update_due_at, created_by_user_id, created_at, updated_at)
       values (${orgId}, ${lit(plan.title)}, ${lit(plan.state)}, ${lit(plan.severity)},
         ${lit(`${plan.title}. Crews and the network operations centre are on it.`)}, ${byRole("commander")},
         ${arr(plan.regions)}, ${arr(topics)}, to_timestamp(${plan.startedAt / 1000}),
         ${plan.state !== "investigating" ? `to_timestamp(${(plan.startedAt + 50 * MINUTE) / 1000})` : "null"},
         ${plan.state === "monitoring" || plan.state === "resolved" ? `to_timestamp(${(plan.startedAt + 3 * HOUR) / 1000})` : "null"},
         ${plan.resolvedAt ? `to_timestamp(${plan.resolvedAt / 1000})` : "null"}, ${cadence},
         ${plan.resolvedAt ? "null" : `to_timestamp(${(now + 20 * MINUTE) / 1000})`}, ${byRole("commander")},
         to_timestamp(${plan.startedAt / 1000}), to_timestamp(${(plan.resolvedAt ?? now - 5 * MINUTE) / 1000}))
       returning id`,
    );
    const incident: SeededIncident = {
      id: row.id,
      key: plan.key,
      title: plan.title,
      regions: plan.regions,
      topics,
      startedAt: plan.startedAt,
      resolvedAt: plan.resolvedAt,
    };
    incidents.push(incident);
    const roles: [string, number][] = [
      ["commander", byRole("commander")],
      ["comms", byRole("comms")],
      ["approver", byRole("approver")],
      ["support_lead", byRole("support")],
    ];
    await c.query(
      `insert into incident_assignments (incident_id, role, user_id) values ${roles.map(([r, u]) => `(${row.id}, ${lit(r)}, ${u})`).join(",")}`,
    );

    // The burst: starts a few minutes before the incident was opened from its spike.
    const start = plan.startedAt - 10 * MINUTE;
    const size = Math.round(total * plan.share);
    const script = {
      ...plan.script(Date.parse("2026-10-05T18:00:00Z")),
      id: plan.key,
      regions: plan.regions,
    };
    const burst: Burst = {
      key: plan.key,
      regions: plan.regions,
      topics: plan.burstMix,
      start,
      span: plan.burstSpan,
      size,
      extBase,
      script,
    };
    burst.total = Math.round(size / Math.max(1e-6, cdf((now - start) / plan.burstSpan)));
    bursts.push(burst);
    extBase += 100_000_000;

    // Linked cluster (one per topic) with a member spike per region; open while the incident is.
    const ended = plan.resolvedAt;
    for (const topic of topics) {
      const regions =
        topic === plan.topic
          ? plan.regions
          : plan.regions.filter((r) => r === "CA" || plan.regions.length === 1);
      const detected = topic === plan.topic ? plan.startedAt : plan.startedAt + 70 * MINUTE;
      const clusterId = await insertCluster(c, orgId, {
        key: `inc:${plan.key}:${topic}`,
        topic,
        regions,
        level: "detected",
        startedAt: detected - 15 * MINUTE,
        detectedAt: detected,
        endedAt: ended,
        observed: Math.round((size * (plan.burstMix[topic] ?? 0.05)) / 8),
        score: 18 + rng.int(40),
        incidentId: row.id,
      });
      clusterWhens.push(
        `when y.incident_id = ${row.id} and y.topic_slug = ${lit(topic)} and y.region_code = any(${arr(regions)}) then ${clusterId}`,
      );
    }
  }
  const big = incidents[0];
  // Suggestions for the big incident: neighbouring outage, and a degraded cluster next door.
  await insertCluster(c, orgId, {
    key: "suggest:UT:outage",
    topic: "outage",
    regions: ["UT"],
    level: "detected",
    startedAt: now - 95 * MINUTE,
    detectedAt: now - 80 * MINUTE,
    endedAt: null,
    observed: 64,
    expected: 6,
    score: 11.5,
    suggestedIncidentId: big.id,
  });
  await insertCluster(c, orgId, {
    key: "suggest:WA-ID:degraded",
    topic: "degraded",
    regions: ["ID", "WA"],
    level: "possible",
    startedAt: now - 50 * MINUTE,
    detectedAt: now - 40 * MINUTE,
    endedAt: null,
    observed: 41,
    expected: 12,
    score: 5.2,
    suggestedIncidentId: big.id,
  });
  // History: three clusters a day on average over the eight weeks, ended, some dismissed.
  const neighbours = new Map(
    (
      await c.query<{ code: string; neighbours: string[] }>(
        `select code, neighbours from regions where org_id = ${orgId}`,
      )
    ).map((r) => [r.code, r.neighbours]),
  );
  const codes = US_STATES.map((s) => s.code);
  const weights = US_STATES.map((s) => s.population);
  const cum: number[] = [];
  weights.reduce((s, w, i) => {
    cum[i] = s + w;
    return cum[i];
  }, 0);
  for (let k = 0; k < 165; k++) {
    const x = rng.next() * cum[cum.length - 1];
    const code = codes[cum.findIndex((w) => w >= x)];
    const extra = (neighbours.get(code) ?? []).filter(() => rng.chance(0.25)).slice(0, 2);
    const startedAt = now - 56 * DAY + Math.floor(rng.next() * 54 * DAY);
    const topic = TOPICS[rng.int(TOPICS.length)];
    await insertCluster(c, orgId, {
      key: `hist:${k}`,
      topic,
      regions: [code, ...extra].sort(),
      level: rng.chance(0.6) ? "detected" : "possible",
      startedAt,
      detectedAt: startedAt + (5 + rng.int(20)) * MINUTE,
      endedAt: startedAt + (40 + rng.int(300)) * MINUTE,
      observed: 12 + rng.int(80),
      expected: 2 + rng.int(10),
      score: 4 + rng.next() * 20,
      dismissed: rng.chance(0.3) ? "Seasonal chatter" : null,
    });
  }
  const clusterCase = `case ${clusterWhens.join(" ")} end`;
  return {
    big,
    longRunning: incidents[1],
    incidents,
    bursts,
    clusterCase,
    userIds,
  };
}

async function insertCluster(
  c: Conn,
  orgId: number,
  x: {
    key: string;
    topic: string;
    regions: string[];
    level: "possible" | "detected";
    startedAt: number;
    detectedAt: number;
    endedAt: number | null;
    observed: number;
    expected?: number;
    score: number;
    incidentId?: number;
    suggestedIncidentId?: number;
    dismissed?: string | null;
  },
): Promise<number> {
  const ts = (t: number | null) => (t === null ? "null" : `to_timestamp(${t / 1000})`);
  const expected = x.expected ?? Math.max(1, Math.round(x.observed / 9));
  const [row] = await c.query<{ id: number }>(
    `insert into spike_clusters (org_id, key, topic_slug, regions, level, started_at, detected_at, peak_at, ended_at,
       observed, expected, score, incident_id, suggested_incident_id, dismissed_at, dismiss_reason, created_at, updated_at)
     values (${orgId}, ${lit(x.key)}, ${lit(x.topic)}, ${arr(x.regions)}, ${lit(x.level)}, ${ts(x.startedAt)},
       ${ts(x.detectedAt)}, ${ts(x.detectedAt + 20 * MINUTE)}, ${ts(x.endedAt)}, ${x.observed}, ${expected}, ${x.score},
       ${x.incidentId ?? "null"}, ${x.suggestedIncidentId ?? "null"}, ${x.dismissed ? ts(x.detectedAt + HOUR) : "null"},
       ${lit(x.dismissed ?? null)}, ${ts(x.detectedAt)}, ${ts(x.endedAt ?? x.detectedAt)})
     returning id`,
  );
  const members = x.regions.map(
    (r, k) =>
      `(${orgId}, ${row.id}, ${lit(`${r}|${x.topic}|${new Date(x.startedAt).toISOString()}|${x.key}`)}, ${lit(r)}, ${lit(x.topic)},
        ${lit(x.level)}, ${ts(x.startedAt + k * 5 * MINUTE)}, ${ts(x.detectedAt + k * 5 * MINUTE)}, ${ts(x.detectedAt + 20 * MINUTE)},
        ${ts(x.endedAt)}, ${Math.max(1, Math.round(x.observed / x.regions.length))}, ${Math.max(1, expected / x.regions.length)},
        ${Math.round(x.score * (1 - k * 0.15) * 10) / 10})`,
  );
  await c.query(
    `insert into spikes (org_id, cluster_id, key, region_code, topic_slug, level, started_at, detected_at, peak_at, ended_at,
       observed, expected, score) values ${members.join(",")}`,
  );
  return row.id;
}

/** About 300 timeline events and six status updates for the big incident; a handful for the others. */
async function seedTimelines(
  c: Conn,
  orgId: number,
  incidents: SeededIncident[],
  userIds: number[],
  now: number,
  rng: Rng,
) {
  const ts = (t: number) => `to_timestamp(${t / 1000})`;
  for (const [n, incident] of incidents.entries()) {
    const end = incident.resolvedAt ?? now - 2 * MINUTE;
    const events: [number, string, string][] = [
      [incident.startedAt, "created", `Incident opened: ${incident.title}`],
      [
        incident.startedAt + MINUTE,
        "spike_linked",
        `Linked spike: ${incident.topics[0]} in ${incident.regions.join(", ")}`,
      ],
      [incident.startedAt + 3 * MINUTE, "assigned", "Jamie Okafor is comms"],
      [incident.startedAt + 4 * MINUTE, "assigned", "Riley Novak is approver"],
      [incident.startedAt + 5 * MINUTE, "assigned", "Casey Lindqvist is support lead"],
      [
        incident.startedAt + 50 * MINUTE,
        "state_changed",
        "Moved to identified: substation and feeder faults after the storm",
      ],
    ];
    if (incident.topics.length > 1) {
      events.push([
        incident.startedAt + 71 * MINUTE,
        "spike_linked",
        `Linked spike: ${incident.topics[1]} in CA`,
      ]);
    }
    if (incident.resolvedAt) events.push([incident.resolvedAt, "state_changed", "Moved to resolved"]);
    const updates: [number, string, string, string][] = [];
    const cadence = n === 0 ? 75 : 240;
    for (let t = incident.startedAt + 15 * MINUTE, k = 0; t < end; t += cadence * MINUTE, k++) {
      const kind =
        k === 0 ? "holding" : incident.resolvedAt && t + cadence * MINUTE >= end ? "resolution" : "update";
      updates.push([t, kind, "published", updateBody(incident, kind, k)]);
      events.push([t + MINUTE, "update_published", `Published ${kind} update`]);
    }
    if (!incident.resolvedAt)
      updates.push([
        now - 10 * MINUTE,
        "update",
        "in_review",
        updateBody(incident, "update", updates.length),
      ]);
    // Filler: the commander's notes and the support team's reply batches.
    const filler = n === 0 ? 300 - events.length : 6;
    for (let k = 0; k < filler; k++) {
      const at = incident.startedAt + Math.floor(rng.next() * (end - incident.startedAt));
      if (rng.chance(0.25)) {
        events.push([at, "note", rng.pick(NOTES)]);
      } else {
        const count = 1 + rng.int(40);
        events.push([at, "reply_sent", `Replied to ${count === 1 ? "1 person" : `${count} people`}`]);
      }
    }
    const eventRows = events.map(
      ([at, kind, message]) =>
        `(${orgId}, ${incident.id}, ${ts(at)}, ${userIds[rng.int(userIds.length)]}, ${lit(kind)}, ${lit(message)}, '{}'::jsonb)`,
    );
    await c.query(
      `insert into incident_events (org_id, incident_id, at, actor_user_id, kind, message, data) values ${eventRows.join(",")}`,
    );
    // Numbered 1, 2, 3 … within the incident, as the composer numbers them (unique per incident).
    const updateRows = updates.map(
      ([at, kind, state, body], number) =>
        `(${orgId}, ${incident.id}, ${number + 1}, ${lit(kind)}, ${lit(state)}, ${lit(body)}, ${n === 0 ? 30 : 60}, ${userIds[2]},
          ${state === "published" ? `${userIds[3]}, ${ts(at - 2 * MINUTE)}, ${userIds[2]}, ${ts(at)}` : "null, null, null, null"},
          ${ts(at - 6 * MINUTE)}, ${ts(at)})`,
    );
    if (updateRows.length) {
      await c.query(
        `insert into status_updates (org_id, incident_id, number, kind, state, body, next_update_minutes, author_user_id,
           approved_by_user_id, approved_at, published_by_user_id, published_at, created_at, updated_at)
         values ${updateRows.join(",")}`,
      );
    }
  }
}

const NOTES = [
  "Crews dispatched to the Fresno substation",
  "Feeder 12 back, 4,000 customers restored",
  "Mutual aid crews arriving from Utah",
  "ETA for Reno customers pushed to 9 pm",
  "Call centre wait times above 20 minutes",
  "Downed lines reported on I-5 frontage road, fire department on scene",
  "Vendor confirms the SCADA alarm storm is cleared",
  "Phoenix metro mostly restored",
];

function updateBody(incident: SeededIncident, kind: string, k: number): string {
  const where = incident.regions.join(", ");
  if (kind === "holding") {
    return `We're aware of problems affecting customers in ${where} and are working to restore service. Next update within 30 minutes.`;
  }
  if (kind === "resolution")
    return `Service is restored in ${where}. Thank you for your patience, and sorry for the disruption.`;
  return `Update ${k}: crews are restoring service across ${where}. Most customers should be back within a few hours. Next update soon.`;
}
