import {
  expectedComplaints,
  type IncidentScript,
  incidentEnd,
  intensity,
  validateIncidents,
} from "./incidents";
import { type Persona, type PersonaPool, persona, personaPool, pickAuthor } from "./personas";
import { complaintText, repostText } from "./phrasing";
import { cumulative, hashKey, hashString, Rng } from "./prng";
import { hourOfDay, isWeekend, rhythm, ZoneClock } from "./rhythm";
import { compileAll, type FillContext, type Template } from "./text";
import {
  type CompanyProfile,
  DEFAULT_COMPANY,
  type SimRecord,
  type SimRegion,
  SOURCES,
  type SourceName,
  TOPICS,
  type TopicSlug,
} from "./types";

export interface SimulateOptions {
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  seed: number;
  regions: SimRegion[];
  /** Mean background complaints per day across all regions (the weekly average; days vary). */
  baseRatePerDay: number;
  incidents: IncidentScript[];
  /** Restrict the background topic mix to these default slugs (incidents keep their own topic). */
  topics?: string[];
  /**
   * Restrict the background source mix to these sources (their usual weights, renormalised); incidents
   * without their own `sources` are restricted the same way. Default: every source.
   */
  sources?: readonly SourceName[];
  /** Who is being complained about (names, handles, page and helpdesk ids). */
  company?: CompanyProfile;
  /** Add the `_truth` label to each record (default true). */
  labels?: boolean;
}

const SECOND_MS = 1000;
const MINUTE_MS = 60_000;
const SLICE_MS = 5 * MINUTE_MS;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const SLICES_PER_DAY = DAY_MS / SLICE_MS;

/** Overdispersion: Gamma multipliers (mean 1) on a whole day nationally, a day per region, an hour per region. */
const NATIONAL_DAY_CV = 0.12;
const REGION_DAY_CV = 0.2;
const REGION_HOUR_CV = 0.35;

/** Background topic mix, weekdays; weekends have less billing and installation traffic. */
const TOPIC_WEIGHTS: Record<TopicSlug, number> = {
  support: 0.24,
  billing: 0.21,
  other: 0.18,
  degraded: 0.15,
  outage: 0.08,
  "app-login": 0.07,
  install: 0.05,
  safety: 0.02,
};
const WEEKEND_TOPIC_FACTOR: Partial<Record<TopicSlug, number>> = { billing: 0.7, install: 0.6 };

/** Source mix by topic: x, facebook, mastodon, bluesky, zendesk, callcentre, form. */
const SOURCE_WEIGHTS: Record<TopicSlug | "default", number[]> = {
  default: [0.28, 0.16, 0.04, 0.07, 0.15, 0.17, 0.13],
  outage: [0.32, 0.15, 0.04, 0.08, 0.06, 0.23, 0.12],
  degraded: [0.3, 0.15, 0.05, 0.08, 0.14, 0.16, 0.12],
  billing: [0.18, 0.12, 0.03, 0.05, 0.27, 0.25, 0.1],
  "app-login": [0.3, 0.14, 0.04, 0.07, 0.2, 0.15, 0.1],
  install: [0.22, 0.14, 0.03, 0.05, 0.22, 0.22, 0.12],
  support: [0.3, 0.17, 0.04, 0.07, 0.18, 0.12, 0.12],
  safety: [0.2, 0.1, 0.03, 0.07, 0.05, 0.45, 0.1],
  other: [0.3, 0.2, 0.05, 0.08, 0.15, 0.12, 0.1],
};
const CALLCENTRE = SOURCES.indexOf("callcentre");
/** Call centres are staffed around the clock but most calls come 7:00–21:00 local. */
const CALLCENTRE_OPEN_FACTOR = 1.3;
const CALLCENTRE_NIGHT_FACTOR = 0.35;

/** Id spaces per record kind, so background records keep their ids whatever incidents are added. */
const STREAM_BACKGROUND = 0;
const STREAM_INCIDENT = 1;
const STREAM_AMPLIFICATION = 2;
const STREAM_ORIGINAL = 3;

const X_EPOCH = 1288834974657;
const BASE32_SORTABLE = "234567abcdefghijklmnopqrstuvwxyz";

const KIND_BACKGROUND = 0;
const KIND_INCIDENT = 1;
const KIND_ORIGINAL = 2;
const KIND_REPOST = 3;

interface Draft {
  t: number;
  region: number;
  topic: TopicSlug;
  source: number;
  author: number;
  /** Index into the compiled incidents, or -1. */
  incident: number;
  kind: number;
  /** Seed of this record's own random stream (text, ids' sub-millisecond parts, location details). */
  key: number;
  /** Repost style (amplification only). */
  style?: "rt" | "quote" | "same";
}

interface RegionState {
  region: SimRegion;
  key: number;
  perSlice: number;
  clock: ZoneClock;
  pool: PersonaPool;
  day: number;
  dayNoise: number;
  hour: number;
  hourNoise: number;
}

interface CompiledIncident {
  script: IncidentScript;
  key: number;
  topic: TopicSlug;
  end: number;
  regions: number[];
  regionWeights: Float64Array;
  sourceWeights: Float64Array;
  phrasing: Template[] | null;
  original: { draft: Draft; externalId: string; handle: string; persona: Persona } | null;
  reposts: Draft[];
  repostCursor: number;
}

interface Context {
  seed: number;
  company: CompanyProfile;
  labels: boolean;
  regions: RegionState[];
  topicWeekday: Float64Array;
  topicWeekend: Float64Array;
  topicList: TopicSlug[];
  sourceTables: Map<TopicSlug, [Float64Array, Float64Array]>;
  /** The sources traffic may come from (`SimulateOptions.sources`), or null for all. */
  allowedSources: readonly SourceName[] | null;
  incidents: CompiledIncident[];
}

/**
 * Simulated complaint records between `from` and `to`, in `createdAt` order (see index.ts). Time runs in
 * 5-minute slices aligned to the epoch; each slice is generated from the seed and its own index alone, so
 * a window is exactly the matching part of any larger window (a live feed can resume anywhere).
 */
export function* simulate(options: SimulateOptions): Generator<SimRecord> {
  const ctx = buildContext(options);
  const { from, to } = options;
  const counters = new Int32Array(SOURCES.length * 4);
  for (let slice = Math.floor(from / SLICE_MS); slice * SLICE_MS < to; slice++) {
    const drafts = draftSlice(ctx, slice);
    drafts.sort((a, b) => a.t - b.t);
    counters.fill(0);
    for (const draft of drafts) {
      const stream = streamOf(draft.kind);
      const counter = stream === STREAM_ORIGINAL ? 0 : counters[draft.source * 4 + stream]++;
      if (draft.t >= from && draft.t < to) yield finish(ctx, draft, slice, stream, counter);
    }
  }
}

function streamOf(kind: number): number {
  if (kind === KIND_BACKGROUND) return STREAM_BACKGROUND;
  if (kind === KIND_INCIDENT) return STREAM_INCIDENT;
  if (kind === KIND_REPOST) return STREAM_AMPLIFICATION;
  return STREAM_ORIGINAL;
}

function buildContext(options: SimulateOptions): Context {
  const { from, to, seed, regions, baseRatePerDay, incidents } = options;
  if (!Number.isFinite(from) || !Number.isFinite(to) || to < from) {
    throw new Error("simulate: from and to must be epoch milliseconds with from ≤ to");
  }
  if (!Number.isFinite(baseRatePerDay) || baseRatePerDay < 0) {
    throw new Error("simulate: baseRatePerDay must be a number ≥ 0");
  }
  if (regions.length === 0) throw new Error("simulate: regions must not be empty");
  const codes = new Set(regions.map((r) => r.code));
  if (codes.size !== regions.length) throw new Error("simulate: region codes must be unique");
  validateIncidents(incidents, codes);
  const totalPopulation = regions.reduce((sum, r) => sum + Math.max(0, r.population), 0);
  if (!(totalPopulation > 0)) throw new Error("simulate: regions must have a positive total population");

  const topicList = (options.topics ?? [...TOPICS]) as TopicSlug[];
  for (const topic of topicList) {
    if (!TOPICS.includes(topic))
      throw new Error(`simulate: topic "${topic}" is not one of ${TOPICS.join(", ")}`);
  }
  if (topicList.length === 0) throw new Error("simulate: topics must not be empty");

  const clocks = new Map<string, ZoneClock>();
  const regionStates: RegionState[] = regions.map((region) => {
    let clock = clocks.get(region.timeZone);
    if (!clock) {
      clock = new ZoneClock(region.timeZone);
      clocks.set(region.timeZone, clock);
    }
    const key = hashString(region.code);
    return {
      region,
      key,
      perSlice: (baseRatePerDay * Math.max(0, region.population)) / totalPopulation / SLICES_PER_DAY,
      clock,
      pool: personaPool(region.code, region.name, region.population, key),
      day: Number.NaN,
      dayNoise: 1,
      hour: Number.NaN,
      hourNoise: 1,
    };
  });
  const indexOfRegion = new Map(regions.map((r, i) => [r.code, i]));

  const sourceTables = new Map<TopicSlug, [Float64Array, Float64Array]>();
  for (const topic of TOPICS) {
    const weights = (SOURCE_WEIGHTS[topic] ?? SOURCE_WEIGHTS.default).map((w, i) =>
      options.sources && !options.sources.includes(SOURCES[i]) ? 0 : w,
    );
    const open = weights.map((w, i) => (i === CALLCENTRE ? w * CALLCENTRE_OPEN_FACTOR : w));
    const night = weights.map((w, i) => (i === CALLCENTRE ? w * CALLCENTRE_NIGHT_FACTOR : w));
    sourceTables.set(topic, [cumulative(night), cumulative(open)]);
  }

  const ctx: Context = {
    seed: seed >>> 0,
    company: options.company ?? DEFAULT_COMPANY,
    labels: options.labels ?? true,
    regions: regionStates,
    topicList,
    topicWeekday: cumulative(topicList.map((t) => TOPIC_WEIGHTS[t])),
    topicWeekend: cumulative(topicList.map((t) => TOPIC_WEIGHTS[t] * (WEEKEND_TOPIC_FACTOR[t] ?? 1))),
    sourceTables,
    allowedSources: options.sources ?? null,
    incidents: [],
  };
  ctx.incidents = incidents.map((script, index) => compileIncident(ctx, script, index, indexOfRegion));
  return ctx;
}

function compileIncident(
  ctx: Context,
  script: IncidentScript,
  index: number,
  indexOfRegion: Map<string, number>,
): CompiledIncident {
  const topic = script.topic as TopicSlug;
  const key = hashString(script.id);
  const regions = script.regions.map((code) => indexOfRegion.get(code)!);
  const regionWeights = cumulative(regions.map((r) => Math.max(1, ctx.regions[r].region.population)));
  const defaults = SOURCE_WEIGHTS[topic] ?? SOURCE_WEIGHTS.default;
  const sourceWeights = cumulative(
    SOURCES.map((s, i) =>
      script.sources
        ? (script.sources[s] ?? 0)
        : ctx.allowedSources && !ctx.allowedSources.includes(s)
          ? 0
          : defaults[i],
    ),
  );
  const compiled: CompiledIncident = {
    script,
    key,
    topic,
    end: incidentEnd(script),
    regions,
    regionWeights,
    sourceWeights,
    phrasing: script.phrasing?.length ? compileAll(script.phrasing) : null,
    original: null,
    reposts: [],
    repostCursor: -1,
  };
  const amp = script.amplification;
  if (amp) {
    const rng = new Rng(hashKey(ctx.seed, key, 0xa11));
    const originalT = Math.ceil(script.start / SECOND_MS) * SECOND_MS;
    const home = ctx.regions[regions[0]];
    const author = pickAuthor(rng, home.pool, 0);
    const who = persona(ctx.seed, home.pool, author);
    if (amp.author) {
      who.xUser = amp.author.handle.replace(/^@/, "");
      who.displayName = amp.author.name;
      who.followers = amp.author.followers;
    } else {
      who.followers = Math.max(who.followers, 20_000 + rng.int(60_000));
    }
    const draft: Draft = {
      t: originalT,
      region: regions[0],
      topic,
      source: SOURCES.indexOf("x"),
      author,
      incident: index,
      kind: KIND_ORIGINAL,
      key: hashKey(ctx.seed, key, 0x0419),
    };
    const ms = originalT + (key % 1000);
    const low22 = (((STREAM_ORIGINAL << 8) | (key & 0xff)) << 12) | ((key >>> 8) & 0xfff);
    compiled.original = { draft, externalId: snowflake(ms, low22), handle: `@${who.xUser}`, persona: who };
    const end = compiled.end;
    const span = end - script.start;
    for (let k = 0; k < amp.reposts; k++) {
      let t = 0;
      do t = script.start + rng.next() * span;
      while (rng.next() >= intensity(script, t));
      t = Math.max(Math.floor(t / SECOND_MS) * SECOND_MS, originalT + SECOND_MS);
      if (t >= end) t = originalT + SECOND_MS;
      const u = rng.next();
      compiled.reposts.push({
        t,
        region: regions[rng.weighted(regionWeights)],
        topic,
        source: SOURCES.indexOf("x"),
        author: 0,
        incident: index,
        kind: KIND_REPOST,
        key: hashKey(ctx.seed, key, 0x4e90, k),
        style: u < 0.5 ? "rt" : u < 0.8 ? "same" : "quote",
      });
    }
    for (const repost of compiled.reposts) {
      repost.author = pickAuthor(new Rng(repost.key), ctx.regions[repost.region].pool, 0);
    }
    compiled.reposts.sort((a, b) => a.t - b.t);
  }
  return compiled;
}

function draftSlice(ctx: Context, slice: number): Draft[] {
  const drafts: Draft[] = [];
  const sliceStart = slice * SLICE_MS;
  const mid = sliceStart + SLICE_MS / 2;
  const rng = new Rng(hashKey(ctx.seed, slice, 0xb6));
  let index = 0;
  for (let r = 0; r < ctx.regions.length; r++) {
    const state = ctx.regions[r];
    if (state.perSlice === 0) continue;
    const local = state.clock.toLocal(mid);
    const lambda = state.perSlice * rhythm(local) * dayNoise(ctx, state, local) * hourNoise(ctx, state, mid);
    const n = rng.poisson(lambda);
    if (n === 0) continue;
    const topics = isWeekend(local) ? ctx.topicWeekend : ctx.topicWeekday;
    const hour = hourOfDay(local);
    const open = hour >= 7 && hour < 21 ? 1 : 0;
    for (let i = 0; i < n; i++) {
      const topic = ctx.topicList[rng.weighted(topics)];
      drafts.push({
        t: sliceStart + rng.int(SLICE_MS / SECOND_MS) * SECOND_MS,
        region: r,
        topic,
        source: rng.weighted(ctx.sourceTables.get(topic)![open]),
        author: pickAuthor(rng, state.pool, 0.2),
        incident: -1,
        kind: KIND_BACKGROUND,
        key: hashKey(ctx.seed, slice, index++, 0x7e),
      });
    }
  }
  ctx.incidents.forEach((incident, i) => {
    draftIncident(ctx, incident, i, sliceStart, drafts);
  });
  return drafts;
}

/** Day-level noise, per local calendar day: a national factor shared by all regions times a regional one. */
function dayNoise(ctx: Context, state: RegionState, local: number): number {
  const day = Math.floor(local / DAY_MS);
  if (day !== state.day) {
    state.day = day;
    const national = new Rng(hashKey(ctx.seed, day, 0xd1)).noise(NATIONAL_DAY_CV);
    state.dayNoise = national * new Rng(hashKey(ctx.seed, day, 0xd2, state.key)).noise(REGION_DAY_CV);
  }
  return state.dayNoise;
}

function hourNoise(ctx: Context, state: RegionState, utc: number): number {
  const hour = Math.floor(utc / HOUR_MS);
  if (hour !== state.hour) {
    state.hour = hour;
    state.hourNoise = new Rng(hashKey(ctx.seed, hour, 0xb1, state.key)).noise(REGION_HOUR_CV);
  }
  return state.hourNoise;
}

function draftIncident(
  ctx: Context,
  incident: CompiledIncident,
  index: number,
  sliceStart: number,
  drafts: Draft[],
): void {
  const { script } = incident;
  const sliceEnd = sliceStart + SLICE_MS;
  if (script.start >= sliceEnd || incident.end <= sliceStart) return;

  if (script.peakPerHour > 0) {
    for (let m = sliceStart; m < sliceEnd; m += MINUTE_MS) {
      const lo = Math.max(m, script.start);
      const hi = Math.min(m + MINUTE_MS, incident.end);
      if (hi <= lo) continue;
      const minute = m / MINUTE_MS;
      const rng = new Rng(hashKey(ctx.seed, incident.key, minute, -1));
      const lambda = (script.peakPerHour / 60) * intensity(script, (lo + hi) / 2) * ((hi - lo) / MINUTE_MS);
      const n = rng.poisson(lambda);
      const earliest = Math.ceil(script.start / SECOND_MS) * SECOND_MS;
      for (let i = 0; i < n; i++) {
        const t = Math.max(Math.floor((lo + rng.next() * (hi - lo)) / SECOND_MS) * SECOND_MS, earliest);
        if (t >= incident.end) continue;
        const region = incident.regions[rng.weighted(incident.regionWeights)];
        drafts.push({
          t,
          region,
          topic: incident.topic,
          source: rng.weighted(incident.sourceWeights),
          author: pickAuthor(rng, ctx.regions[region].pool, 0.03),
          incident: index,
          kind: KIND_INCIDENT,
          key: hashKey(ctx.seed, incident.key, minute, i + 1),
        });
      }
    }
  }

  if (incident.original) {
    const { draft } = incident.original;
    if (draft.t >= sliceStart && draft.t < sliceEnd) drafts.push(draft);
    const reposts = incident.reposts;
    if (incident.repostCursor < 0 || reposts[incident.repostCursor]?.t < sliceStart) {
      let lo = 0;
      let hi = reposts.length;
      while (lo < hi) {
        const midIndex = (lo + hi) >> 1;
        if (reposts[midIndex].t < sliceStart) lo = midIndex + 1;
        else hi = midIndex;
      }
      incident.repostCursor = lo;
    }
    while (incident.repostCursor < reposts.length && reposts[incident.repostCursor].t < sliceEnd) {
      drafts.push(reposts[incident.repostCursor++]);
    }
  }
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, "0"));
let isoDay = Number.NaN;
let isoDayPrefix = "";

/** `2026-11-02T14:05:00Z` for a whole-second time (the date part formatted once per day). */
function isoSeconds(t: number): string {
  const day = Math.floor(t / DAY_MS);
  if (day !== isoDay) {
    isoDay = day;
    isoDayPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
  }
  const seconds = Math.floor((t - day * DAY_MS) / SECOND_MS);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor(seconds / 60) % 60;
  return `${isoDayPrefix}${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[seconds % 60]}Z`;
}

function snowflake(ms: number, low22: number): string {
  return ((BigInt(ms - X_EPOCH) << 22n) | BigInt(low22)).toString();
}

/** A Bluesky record key (TID): 53-bit microseconds and a 10-bit clock id, 13 sortable base32 chars. */
function tid(micros: number, clockId: number): string {
  let value = (BigInt(micros) << 10n) | BigInt(clockId & 0x3ff);
  let out = "";
  for (let i = 0; i < 13; i++) {
    out = BASE32_SORTABLE[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

function jitter(rng: Rng, lat: number, lon: number): { lat: number; lon: number } {
  const radius = 0.02 * Math.sqrt(rng.next());
  const angle = rng.next() * 2 * Math.PI;
  const dLat = radius * Math.cos(angle);
  const dLon = (radius * Math.sin(angle)) / Math.cos((lat * Math.PI) / 180);
  return { lat: Math.round((lat + dLat) * 1e5) / 1e5, lon: Math.round((lon + dLon) * 1e5) / 1e5 };
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, "0").slice(-width);
}

function finish(ctx: Context, draft: Draft, slice: number, stream: number, counter: number): SimRecord {
  const state = ctx.regions[draft.region];
  const pool = state.pool;
  const incident = draft.incident >= 0 ? ctx.incidents[draft.incident] : null;
  const who =
    draft.kind === KIND_ORIGINAL && incident?.original
      ? incident.original.persona
      : persona(ctx.seed, pool, draft.author);
  const rng = new Rng(draft.key);
  const source: SourceName = SOURCES[draft.source];
  const fillContext: FillContext = {
    rng,
    company: ctx.company,
    source,
    city: who.city,
    regionCode: state.region.code,
    regionName: state.region.name,
    firstName: who.firstName,
  };

  let text: string;
  let repostOf: string | undefined;
  if (draft.kind === KIND_ORIGINAL && incident?.script.amplification) {
    text = incident.script.amplification.originalText;
  } else if (draft.kind === KIND_REPOST && incident?.original && incident.script.amplification) {
    const style = draft.style ?? "same";
    text = repostText(
      style,
      incident.script.amplification.originalText,
      incident.original.handle,
      fillContext,
    );
    if (style !== "rt" || rng.chance(0.6)) repostOf = incident.original.externalId;
  } else {
    text = complaintText(draft.topic, fillContext, incident?.phrasing ?? null);
  }

  const record: SimRecord = { source, externalId: "", text, createdAt: isoSeconds(draft.t) };
  const ms = draft.t + rng.int(1000);
  const salt = hashKey(ctx.seed, slice, draft.source) & 0xff;
  switch (source) {
    case "x": {
      // Snowflake: ms since the X epoch, then a 10-bit worker (id stream + salted counter high bits) and
      // a 12-bit sequence. Originals of amplification have their id fixed when the script is compiled.
      const worker = (stream << 8) | (((counter >>> 12) + salt) & 0xff);
      const id =
        draft.kind === KIND_ORIGINAL && incident?.original
          ? incident.original.externalId
          : snowflake(ms, (worker << 12) | (counter & 0xfff));
      record.externalId = id;
      record.author = { handle: `@${who.xUser}`, name: who.displayName, followers: who.followers };
      record.url = `https://x.com/${who.xUser}/status/${id}`;
      break;
    }
    case "mastodon": {
      const id = ((BigInt(ms) << 16n) | BigInt((stream << 14) | (counter & 0x3fff))).toString();
      record.externalId = id;
      record.author = {
        handle: `@${who.mastodonUser}@${who.mastodonInstance}`,
        name: who.displayName,
        followers: Math.round(who.followers / 4),
      };
      record.url = `https://${who.mastodonInstance}/@${who.mastodonUser}/${id}`;
      break;
    }
    case "bluesky": {
      const rkey = tid(
        ms * 1000 + (counter % 1000),
        (stream << 8) | ((Math.floor(counter / 1000) + salt) & 0xff),
      );
      record.externalId = `at://${who.did}/app.bsky.feed.post/${rkey}`;
      record.author = {
        handle: `@${who.blueskyHandle}`,
        name: who.displayName,
        followers: Math.round(who.followers / 3),
      };
      record.url = `https://bsky.app/profile/${who.blueskyHandle}/post/${rkey}`;
      break;
    }
    case "facebook": {
      const postId = 1_000_000_000_000_000 + Math.floor(draft.t / DAY_MS) * 7919;
      const commentId = 1_000_000_000_000_000 + slice * 262_144 + stream * 65_536 + (counter & 0xffff);
      record.externalId = `${postId}_${commentId}`;
      record.author = { name: who.displayName.replace(/ [^\w.'-]+$/u, "") };
      record.url = `https://www.facebook.com/${ctx.company.facebookPageId}/posts/${postId}?comment_id=${commentId}`;
      break;
    }
    case "zendesk": {
      const base = slice * 2000 + stream * 1000;
      const ticket = counter < 1000 ? String(base + counter) : `${base + 999}${counter}`;
      record.externalId = ticket;
      record.author = { name: `${who.firstName} ${who.lastName}` };
      record.url = `https://${ctx.company.zendeskSubdomain}.zendesk.com/agent/tickets/${ticket}`;
      break;
    }
    case "callcentre": {
      const date = isoSeconds(draft.t).slice(0, 10).replace(/-/g, "");
      const sliceOfDay = ((slice % SLICES_PER_DAY) + SLICES_PER_DAY) % SLICES_PER_DAY;
      record.externalId = `CC-${date}-${pad(sliceOfDay, 3)}-${stream}${pad(counter, 3)}`;
      record.author = { name: `${who.firstName} ${who.lastName}` };
      break;
    }
    case "form": {
      const h = hashKey(ctx.seed, slice, counter, stream);
      const tail = (slice * 4 + stream) * 65_536 + (counter & 0xffff);
      record.externalId = `${hex(h, 8)}-${hex(h >>> 7, 4)}-4${hex(h >>> 3, 3)}-${hex(8 + (h & 3), 1)}${hex(h >>> 11, 3)}-${hex(tail, 12)}`;
      if (rng.chance(0.6)) record.author = { name: who.displayName };
      break;
    }
  }
  addLocation(record, rng, source, who, state);
  if (repostOf) record.repostOf = repostOf;
  if (ctx.labels) {
    record._truth = {
      topic: draft.topic,
      region: state.region.code,
      incidentId: incident ? incident.script.id : null,
      amplification: draft.kind === KIND_ORIGINAL || draft.kind === KIND_REPOST,
    };
  }
  return record;
}

/**
 * Where the record says it is from. Social posts carry what the author's profile says and, for the few who
 * geotag, coordinates near their city; tickets and call notes often carry the account's ZIP; web forms
 * usually ask for a ZIP and sometimes get the browser's position.
 */
function addLocation(
  record: SimRecord,
  rng: Rng,
  source: SourceName,
  who: Persona,
  state: RegionState,
): void {
  const city = who.city;
  switch (source) {
    case "x":
    case "bluesky":
    case "mastodon":
      if (city && who.geotags && rng.chance(0.8)) Object.assign(record, jitter(rng, city.lat, city.lon));
      if (who.profileLocation) record.location = who.profileLocation;
      break;
    case "facebook":
      if (who.profileLocation && rng.chance(0.2)) record.location = who.profileLocation;
      break;
    case "zendesk":
      if (city && rng.chance(0.35)) record.postalCode = city.zip;
      if (city && rng.chance(0.1)) record.location = `${city.name}, ${state.region.code}`;
      break;
    case "callcentre":
      if (city && rng.chance(0.65)) record.postalCode = city.zip;
      break;
    case "form":
      if (city && rng.chance(0.75)) record.postalCode = city.zip;
      if (city && rng.chance(0.3))
        record.location = rng.chance(0.5) ? city.name : `${city.name}, ${state.region.code}`;
      if (city && rng.chance(0.1)) Object.assign(record, jitter(rng, city.lat, city.lon));
      break;
  }
}

/** Mean records a simulation will produce (background plus incidents), for progress bars and sizing. */
export function expectedRecords(
  options: Pick<SimulateOptions, "from" | "to" | "baseRatePerDay" | "incidents">,
): number {
  const days = (options.to - options.from) / DAY_MS;
  let total = options.baseRatePerDay * days;
  for (const script of options.incidents) {
    if (script.start < options.to && incidentEnd(script) > options.from) {
      total += expectedComplaints(script) + (script.amplification ? script.amplification.reposts + 1 : 0);
    }
  }
  return Math.round(total);
}
