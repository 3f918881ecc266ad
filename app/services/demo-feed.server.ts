import { and, asc, eq, gte, isNull } from "drizzle-orm";
import {
  appLoginFailure,
  DEMO_BASE_RATE_PER_DAY,
  demoScenario,
  type IncidentScript,
  incidentEnd,
  simulate,
  US_SIM_REGIONS,
  vermontSmallOutage,
} from "~/domain/simulator";
import type { Db } from "~db/client.server";
import { spikeClusters, users } from "~db/schema";
import type { PastIncidentPlan } from "./demo-history.server";
import { intakeContext } from "./enrichment.server";
import { createIncident } from "./incidents.server";
import { type CommittedBatch, type ImportSummary, ingest } from "./intake.server";
import { readJobState, writeJobState } from "./jobs.server";

/**
 * The demo organisation's live feed: simulated complaint traffic (every source, realistic rhythm and
 * phrasing) played through the real intake path up to "now", with a scripted western power outage that
 * starts a few minutes after the console starts, so a new user watches it come alive. The simulator is
 * deterministic per window, so replaying a window stores nothing twice.
 */
export const DEMO_SEED = 20_261_127;
export const DEMO_HISTORY_DAYS = 28;
/** A new scripted outage is staged when the last one ended this long ago (a restarted demo replays it). */
const REPLAY_AFTER_MS = 12 * 3600_000;
const JOB = "demo-feed";
const DAY = 86_400_000;

interface FeedState extends Record<string, unknown> {
  fedUntil: number;
  /** Start times of the scripted outages staged so far. */
  outages: number[];
  /** Start of a small historical outage, so the history has something to look back on. */
  pastOutage: number;
  /**
   * Start of the nationwide app-login failure in the history, the demo's past incident with its comms
   * (demo-history.server.ts). Absent in demos created before it existed.
   */
  pastLogin?: number;
  /** The staged outage the demo incident was opened for. */
  incidentFor?: number;
}

/** Demo users' email domain (db/seed.ts). */
const DEMO_DOMAIN = "northwind.example";

export function demoIncidents(
  state: Pick<FeedState, "outages" | "pastOutage" | "pastLogin">,
): IncidentScript[] {
  return [
    vermontSmallOutage(state.pastOutage, "demo-vermont-outage"),
    ...(state.pastLogin ? [appLoginFailure(state.pastLogin, "demo-past-app-login")] : []),
    ...state.outages.flatMap((at) => demoScenario(at)),
  ];
}

export interface FeedResult {
  from: number;
  to: number;
  summary: ImportSummary;
  stagedOutageAt: number | null;
}

/** Feed the demo up to `now`: history on the first run, then whatever time has passed since. */
export async function runDemoFeed(
  db: Db,
  orgId: number,
  now: number,
  options: {
    stageOutage?: boolean;
    historyDays?: number;
    onCommitted?: (batch: CommittedBatch) => void | Promise<void>;
  } = {},
): Promise<FeedResult> {
  const historyDays = options.historyDays ?? DEMO_HISTORY_DAYS;
  const previous = await readJobState<FeedState>(db, orgId, JOB);
  const state: FeedState = previous ?? {
    fedUntil: now - historyDays * DAY,
    outages: [],
    pastOutage: Math.floor((now - 9 * DAY) / 3600_000) * 3600_000 + 14 * 3600_000,
    // Mid-afternoon on the US east coast, 16 days back (inside any history of 17 days or more).
    pastLogin: historyDays >= 17 ? Math.floor((now - 16 * DAY) / DAY) * DAY + 19 * 3600_000 : undefined,
  };
  let stagedOutageAt: number | null = null;
  const lastEnd = state.outages.length
    ? Math.max(...demoScenario(state.outages.at(-1)!).map(incidentEnd))
    : null;
  if ((options.stageOutage ?? true) && (lastEnd === null || now - lastEnd > REPLAY_AFTER_MS)) {
    state.outages.push(now);
    stagedOutageAt = now;
  }
  const from = Math.max(state.fedUntil, now - historyDays * DAY);
  const to = Math.floor(now / 1000) * 1000;
  let summary: ImportSummary = { accepted: 0, duplicates: 0, rejected: 0, errors: [] };
  if (to > from) {
    const records = simulate({
      from,
      to,
      seed: DEMO_SEED,
      regions: US_SIM_REGIONS,
      baseRatePerDay: DEMO_BASE_RATE_PER_DAY,
      incidents: demoIncidents(state),
      labels: false,
    });
    summary = await ingest(await intakeContext({ db, orgId }), iterate(records), {
      onCommitted: options.onCommitted,
    });
  }
  await writeJobState(db, orgId, JOB, { ...state, fedUntil: Math.max(to, state.fedUntil) });
  return { from, to, summary, stagedOutageAt };
}

function* iterate(records: Iterable<unknown>) {
  let index = 0;
  for (const value of records) yield { index: index++, value };
}

/**
 * The demo's incident: once the detector has a cluster for the scripted western outage, the demo
 * commander opens an incident from it (as a commander would), so a new user can follow the story from
 * the first spike into the incident room. Done once per staged outage.
 */
export async function ensureDemoIncident(db: Db, orgId: number): Promise<number | null> {
  const state = await readJobState<FeedState>(db, orgId, JOB);
  if (!state?.outages.length) return null;
  const outageAt = state.outages.at(-1)!;
  if (state.incidentFor === outageAt) return null;
  const western = new Set(["CA", "NV", "OR", "AZ"]);
  const [cluster] = await db
    .select()
    .from(spikeClusters)
    .where(
      and(
        eq(spikeClusters.orgId, orgId),
        eq(spikeClusters.topicSlug, "outage"),
        eq(spikeClusters.level, "detected"),
        isNull(spikeClusters.incidentId),
        gte(spikeClusters.startedAt, new Date(outageAt - 30 * 60_000)),
      ),
    )
    .orderBy(asc(spikeClusters.detectedAt))
    .limit(1);
  if (!cluster?.regions.some((r) => western.has(r))) return null;
  const [commander] = await db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.email, `commander@${DEMO_DOMAIN}`));
  const incident = await createIncident(
    db,
    orgId,
    {
      title: "Power outage across the western service area",
      severity: "SEV2",
      summary: "Customers across the western states report losing power at once. Crews are being dispatched.",
      fromClusterId: cluster.id,
      commanderUserId: commander?.id ?? null,
      cadenceMinutes: 30,
    },
    { kind: commander ? "user" : "system", userId: commander?.id ?? null },
  );
  await writeJobState(db, orgId, JOB, { ...state, incidentFor: outageAt });
  return incident.id;
}

/**
 * When the demo's past incident (the app-login failure in its history) can be written up: its start,
 * and whether detection has gone past it (the live incident has been opened by then).
 */
export async function demoPastIncidentPlan(db: Db, orgId: number): Promise<PastIncidentPlan | null> {
  const state = await readJobState<FeedState>(db, orgId, JOB);
  if (!state?.pastLogin) return null;
  return { startedAt: state.pastLogin, detectionCaughtUp: state.incidentFor !== undefined };
}
