import {
  DEMO_BASE_RATE_PER_DAY,
  demoScenario,
  type IncidentScript,
  incidentEnd,
  simulate,
  US_SIM_REGIONS,
  vermontSmallOutage,
} from "~/domain/simulator";
import type { Db } from "~db/client.server";
import { intakeContext } from "./enrichment.server";
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
}

export function demoIncidents(state: Pick<FeedState, "outages" | "pastOutage">): IncidentScript[] {
  return [
    vermontSmallOutage(state.pastOutage, "demo-vermont-outage"),
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
  options: { stageOutage?: boolean; onCommitted?: (batch: CommittedBatch) => void | Promise<void> } = {},
): Promise<FeedResult> {
  const previous = await readJobState<FeedState>(db, orgId, JOB);
  const state: FeedState = previous ?? {
    fedUntil: now - DEMO_HISTORY_DAYS * DAY,
    outages: [],
    pastOutage: Math.floor((now - 9 * DAY) / 3600_000) * 3600_000 + 14 * 3600_000,
  };
  let stagedOutageAt: number | null = null;
  const lastEnd = state.outages.length
    ? Math.max(...demoScenario(state.outages.at(-1)!).map(incidentEnd))
    : null;
  if ((options.stageOutage ?? true) && (lastEnd === null || now - lastEnd > REPLAY_AFTER_MS)) {
    state.outages.push(now);
    stagedOutageAt = now;
  }
  const from = Math.max(state.fedUntil, now - DEMO_HISTORY_DAYS * DAY);
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
