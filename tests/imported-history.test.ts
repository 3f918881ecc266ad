import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq, notInArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type GroundTruth,
  groundTruth,
  IMPORTED_SOURCES,
  type IncidentScript,
  simulate,
  US_SIM_REGIONS,
} from "~/domain/simulator";
import { requirePrimaryOrganisation } from "~/services/bootstrap.server";
import type { SpikeOut } from "~/services/detection.server";
import { openDatabase } from "~db/client.server";
import { topics } from "~db/schema";
import { cli, cliTarget } from "./support/cli";

/*
 * History imported after the fact, as an outside tester did: weeks of ordinary traffic from X, Mastodon
 * and helpdesk tickets (profile locations like "Fresno, CA"), then incidents of very different sizes, all
 * in the past. Imported with the real `import` command, then the real `detect` with no range: every
 * incident must come out as a detected spike of its topic, in its regions, soon after it began.
 * (Regression: `detect` without --from evaluated only the day before now and printed {"spikes":[]}.)
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Three topics keep the replay quick (every region × active topic is evaluated each bucket). */
const ACTIVE = ["outage", "billing", "degraded"];

// Past dates, fixed (so the traffic is the same every day the test runs): 20 days ending on a Monday.
const END = Date.parse("2026-10-26T00:00:00Z");
const FROM = END - 20 * DAY;
const WEEK3 = END - 6 * DAY;

const mix = { x: 0.6, mastodon: 0.15, zendesk: 0.25 };
const script = (
  id: string,
  topic: string,
  regions: string[],
  start: number,
  shape: [number, number, number],
  peakPerHour: number,
): IncidentScript => ({
  id,
  topic,
  regions,
  start,
  rampMinutes: shape[0],
  plateauMinutes: shape[1],
  decayMinutes: shape[2],
  peakPerHour,
  sources: mix,
});

const INCIDENTS: IncidentScript[] = [
  // ~1,500 complaints in five hours across three western states (Pacific evening).
  script("west-outage", "outage", ["CA", "NV", "OR"], WEEK3 + 2 * HOUR, [15, 210, 75], 360),
  // A few hundred over an afternoon in two south-central states.
  script("south-billing", "billing", ["TX", "OK"], WEEK3 + 1 * DAY + 16 * HOUR, [30, 150, 60], 70),
  // A regional slowdown in the north-east, late evening.
  script(
    "northeast-slowdown",
    "degraded",
    ["NY", "NJ", "PA"],
    WEEK3 + 2 * DAY + 23 * HOUR,
    [30, 120, 60],
    80,
  ),
  // A small outage in one state: a few dozen complaints in an hour and a half.
  script("colorado-outage", "outage", ["CO"], WEEK3 + 3 * DAY + 20 * HOUR, [10, 50, 30], 30),
];

describe("detect over imported history (past dates, several weeks, incidents of different sizes)", () => {
  let target: Awaited<ReturnType<typeof cliTarget>>;
  let truth: GroundTruth[];
  let spikes: SpikeOut[];
  let dir: string;

  beforeAll(async () => {
    target = await cliTarget();
    dir = mkdtempSync(join(tmpdir(), "clarion-history-"));
    // The first command creates the schema and the baseline; three topics stay active.
    expect((await cli(["spikes", "--json"], target.env)).code).toBe(0);
    const database = await openDatabase(
      target.env.DATABASE_URL
        ? { url: target.env.DATABASE_URL, max: 2 }
        : { dataDir: target.env.CLARION_DATA_DIR },
    );
    try {
      const org = await requirePrimaryOrganisation(database.db);
      await database.db
        .update(topics)
        .set({ archivedAt: new Date() })
        .where(and(eq(topics.orgId, org.id), notInArray(topics.slug, ACTIVE)));
    } finally {
      await database.close();
    }
    const lines: string[] = [];
    for (const record of simulate({
      from: FROM,
      to: END,
      seed: 11,
      regions: US_SIM_REGIONS,
      baseRatePerDay: 700,
      topics: ACTIVE,
      sources: IMPORTED_SOURCES,
      incidents: INCIDENTS,
      labels: false,
    }))
      lines.push(JSON.stringify(record));
    const file = join(dir, "history.ndjson");
    writeFileSync(file, `${lines.join("\n")}\n`);
    const imported = await cli(["import", file, "--json"], target.env);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ accepted: lines.length, rejected: 0 });
    truth = groundTruth(INCIDENTS, { from: FROM, to: END });

    // No --from: the replay starts at the first imported count (--to keeps the test's length fixed as
    // the calendar moves on; without it the replay would run on to the last closed bucket).
    const detected = await cli(["detect", "--to", new Date(END + HOUR).toISOString(), "--json"], target.env);
    expect(detected.stderr).toBe("");
    expect(detected.code).toBe(0);
    spikes = JSON.parse(detected.stdout).spikes;
  }, 900_000);
  afterAll(async () => {
    await target?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const matches = (s: SpikeOut, t: GroundTruth) =>
    s.level === "detected" &&
    s.topic === t.topic &&
    s.regions.some((r) => t.regions.includes(r)) &&
    Date.parse(s.startedAt) <= t.end &&
    (s.endedAt === null || Date.parse(s.endedAt) >= t.start);

  it.each(INCIDENTS.map((i) => [i.id]))("finds %s: its topic, in its regions, soon after it starts", (id) => {
    const t = truth.find((g) => g.id === id)!;
    const hits = spikes.filter((s) => matches(s, t));
    expect(hits.length, `no detected ${t.topic} spike in ${t.regions.join(",")}`).toBeGreaterThan(0);
    const first = Math.min(...hits.map((s) => Date.parse(s.detectedAt)));
    expect(first).toBeGreaterThan(t.start);
    // Within the hour: the small and slowly ramping ones take 35–50 minutes today (issue 9's target is
    // a median of 10 minutes over the scenario evaluation; see the detection README).
    expect(first - t.start).toBeLessThanOrEqual(60 * MINUTE);
    // Most of the spike's regions are the incident's.
    const regions = new Set(hits.flatMap((s) => s.regions));
    const inside = [...regions].filter((r) => t.regions.includes(r)).length;
    expect(inside / regions.size, `regions ${[...regions].join(",")}`).toBeGreaterThanOrEqual(0.5);
  });

  it("raises no detected spike outside the incidents once a week of history is in", () => {
    // In the first week every weekday is new to the detector (no weekly season yet: the first Monday
    // morning's billing rush is a nationwide billing spike today); from the second week on, nothing.
    const stray = spikes.filter(
      (s) =>
        s.level === "detected" &&
        Date.parse(s.detectedAt) >= FROM + 7 * DAY &&
        !truth.some((t) => matches(s, t)),
    );
    expect(stray.map((s) => `${s.topic} ${s.regions.join(",")} ${s.detectedAt}`)).toEqual([]);
  });
});
