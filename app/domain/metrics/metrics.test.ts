import { describe, expect, it } from "vitest";
import { evaluateCadence } from "./cadence";
import { csvField, toCsv } from "./csv";
import { filterQuery, parseMetricsFilter } from "./filters";
import { inboundEffect, inboundWindows, seasonalWeeks, WEEK_MS } from "./inbound";
import { speed } from "./speed";
import { formatMinutes, median } from "./stats";
import { channelReliability } from "./summaries";
import { incidentLine, trends, workload } from "./trends";

const T = (hhmm: string) => Date.parse(`2026-11-02T${hhmm}:00Z`);

describe("stats", () => {
  it("takes the median of odd and even counts and ignores what is not a number", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([Number.NaN, 5])).toBe(5);
    expect(median([])).toBeNull();
  });

  it("formats minutes for people", () => {
    expect(formatMinutes(45)).toBe("45m");
    expect(formatMinutes(125)).toBe("2h 05m");
    expect(formatMinutes(-5)).toBe("−5m");
    expect(formatMinutes(1500)).toBe("1d 1h");
    expect(formatMinutes(null)).toBe("—");
  });
});

describe("speed", () => {
  it("counts from the first spike, and goes negative when the incident was opened before detection", () => {
    const s = speed({
      firstSpike: { startedAt: T("14:00"), detectedAt: T("14:30") },
      incidentStartedAt: T("14:00"),
      openedAt: T("14:20"),
      firstUpdateAt: T("14:45"),
      resolvedAt: null,
      now: T("16:00"),
    });
    expect(s).toMatchObject({
      spikeToOpenMinutes: 20,
      detectionToOpenMinutes: -10,
      timeToFirstUpdateMinutes: 45,
    });
    expect(s.silentMinutes).toBeNull();
  });

  it("without a spike, counts from the incident's start; a resolved incident is not silent", () => {
    const s = speed({
      firstSpike: null,
      incidentStartedAt: T("09:00"),
      openedAt: T("09:00"),
      firstUpdateAt: null,
      resolvedAt: T("10:00"),
      now: T("12:00"),
    });
    expect(s).toMatchObject({ reference: "incident_start", spikeToOpenMinutes: null, silentMinutes: null });
  });
});

describe("cadence", () => {
  const u = (number: number, at: string, next: string | null) => ({
    id: number,
    number,
    publishedAt: T(at),
    nextUpdateAt: next ? T(next) : null,
  });

  it("keeps a promise met to the minute, and judges updates in publication order", () => {
    const c = evaluateCadence(
      [u(2, "10:30", "11:00"), u(1, "10:00", "10:30")],
      { resolvedAt: null },
      T("10:45"),
    );
    expect(c.promises.map((p) => [p.number, p.status, p.lateMinutes])).toEqual([
      [1, "kept", 0],
      [2, "pending", null],
    ]);
    expect(c.keptShare).toBe(1);
  });

  it("a promise that lapsed before the incident was resolved without another update is missed", () => {
    const c = evaluateCadence([u(1, "10:00", "10:30")], { resolvedAt: T("11:10") }, T("12:00"));
    expect(c.promises[0]).toMatchObject({ status: "missed", lateMinutes: 40, followedAt: null });
    expect(c).toMatchObject({ judged: 1, missed: 1, overdue: 0, keptShare: 0 });
  });

  it("a promise overtaken by the resolution before it came due is not judged", () => {
    const c = evaluateCadence([u(1, "10:00", "10:30")], { resolvedAt: T("10:20") }, T("12:00"));
    expect(c.promises[0].status).toBe("superseded");
    expect(c).toMatchObject({ judged: 0, keptShare: null, worstLateMinutes: null });
  });

  it("an update that promised nothing (a resolution) makes no promise", () => {
    const c = evaluateCadence(
      [u(1, "10:00", "10:30"), u(2, "10:40", null)],
      { resolvedAt: T("10:40") },
      T("12:00"),
    );
    expect(c.promises).toHaveLength(1);
    expect(c.promises[0]).toMatchObject({ status: "missed", lateMinutes: 10, followedBy: 2 });
  });
});

describe("inbound before and after an update", () => {
  const side = (complaints: number, weekly: number[] = []) => ({
    complaints,
    weekly,
    sentiment: null,
    sentimentCount: 0,
  });
  const base = {
    updateId: 1,
    number: 1,
    publishedAt: T("14:07"),
    nextPublishedAt: null,
    windowMinutes: 30,
    now: T("18:00"),
  };

  it("uses whole 5-minute buckets and leaves out the one the update went out in", () => {
    expect(inboundWindows(T("14:07"), 30)).toEqual({
      before: { from: T("13:35"), to: T("14:05") },
      after: { from: T("14:10"), to: T("14:40") },
    });
    expect(inboundWindows(T("14:05"), 15).after).toEqual({ from: T("14:10"), to: T("14:25") });
  });

  it("takes only the earlier weeks that have data", () => {
    const start = T("14:00");
    expect(seasonalWeeks(start, null)).toEqual([]);
    expect(seasonalWeeks(start, start - 2 * WEEK_MS - 1)).toEqual([1, 2]);
    expect(seasonalWeeks(start, 0)).toEqual([1, 2, 3, 4]);
  });

  it("does not call a fall that the time of day explains: the usual drop is taken out", () => {
    // Raw: 100 → 80 (ratio 0.8). Usually 60 → 40 at this hour: the excess went 40 → 40, no change.
    const e = inboundEffect({ ...base, before: side(100, [60, 60]), after: side(80, [40, 40]) });
    expect(e).toMatchObject({
      ratio: 0.8,
      excessBefore: 40,
      excessAfter: 40,
      excessChange: 0,
      verdict: "unclear",
    });
    expect(e.z).toBe(0);
    // Without history the same counts are a plain comparison: still within chance (z = −20/√180 ≈ −1.49).
    const plain = inboundEffect({ ...base, before: side(100), after: side(80) });
    expect(plain).toMatchObject({ seasonalWeeks: 0, excessBefore: null, verdict: "unclear", z: -1.49 });
  });

  it("calls a rise, a fall, too few and a window still open", () => {
    expect(inboundEffect({ ...base, before: side(50), after: side(100) }).verdict).toBe("rose");
    expect(inboundEffect({ ...base, before: side(100), after: side(40) }).verdict).toBe("fell");
    expect(inboundEffect({ ...base, before: side(6), after: side(0) }).verdict).toBe("too_few");
    const open = inboundEffect({ ...base, now: T("14:30"), before: side(100), after: side(10) });
    expect(open).toMatchObject({ verdict: "open", ratio: null, z: null });
  });

  it("flags an after window the next update fell inside", () => {
    const e = inboundEffect({ ...base, nextPublishedAt: T("14:20"), before: side(10), after: side(10) });
    expect(e.overlapsNext).toBe(true);
  });
});

describe("delivery and coverage summaries", () => {
  it("rates a channel on settled deliveries only: pending and cancelled count for nothing", () => {
    const [r] = channelReliability([
      {
        purpose: "update",
        channel: "x",
        sent: 3,
        failed: 1,
        unknown: 0,
        pending: 5,
        cancelled: 2,
        medianLatencySeconds: 12.34,
      },
    ]);
    expect(r).toMatchObject({ total: 11, successRate: 0.75, medianLatencySeconds: 12.3 });
  });
});

describe("trends and workload", () => {
  const line = (
    id: number,
    startedAt: string,
    severity: string,
    first: string | null,
    complaints = 0,
    answered = 0,
  ) =>
    incidentLine(
      {
        id,
        title: `#${id}`,
        severity,
        state: "resolved",
        startedAt: Date.parse(startedAt),
        resolvedAt: Date.parse(startedAt) + 86_400_000,
        firstSpikeAt: null,
        updates: first
          ? [{ id: id * 10, number: 1, publishedAt: Date.parse(first), nextUpdateAt: null }]
          : [],
        complaints,
        answered,
        medianFirstReplySeconds: null,
      },
      Date.parse("2027-01-01T00:00:00Z"),
    );

  it("groups by UTC month and severity, pooling coverage over complaints", () => {
    const rows = trends([
      line(1, "2026-11-30T23:30:00Z", "SEV1", "2026-12-01T00:10:00Z", 10, 10),
      line(2, "2026-11-02T10:00:00Z", "SEV1", "2026-11-02T10:20:00Z", 90, 0),
      line(3, "2026-12-01T00:30:00Z", "SEV1", null),
    ]);
    expect(rows).toEqual([
      expect.objectContaining({
        month: "2026-11",
        severity: "SEV1",
        incidents: 2,
        medianTimeToFirstUpdateMinutes: 30,
        coverage: 0.1,
      }),
      expect.objectContaining({
        month: "2026-12",
        severity: "SEV1",
        incidents: 1,
        withoutUpdate: 1,
        medianTimeToFirstUpdateMinutes: null,
      }),
    ]);
  });

  it("merges replies and updates per person, busiest first", () => {
    const rows = workload(
      [{ userId: 1, name: "Sam", replies: 3, sends: 2, incidents: 1, medianReplySeconds: 600 }],
      [
        { userId: 1, name: "Sam", authored: 1, approved: 0 },
        { userId: 2, name: "Alex", authored: 0, approved: 2 },
      ],
    );
    expect(rows).toEqual([
      {
        userId: 1,
        name: "Sam",
        replies: 3,
        sends: 2,
        incidents: 1,
        medianReplyMinutes: 10,
        updatesAuthored: 1,
        updatesApproved: 0,
      },
      {
        userId: 2,
        name: "Alex",
        replies: 0,
        sends: 0,
        incidents: 0,
        medianReplyMinutes: null,
        updatesAuthored: 0,
        updatesApproved: 2,
      },
    ]);
  });
});

describe("CSV", () => {
  it("quotes commas, quotes and line breaks (RFC 4180) and ends records with CRLF", () => {
    expect(
      toCsv(
        ["a", "b"],
        [
          ["x,y", 'say "hi"'],
          ["two\nlines", null],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n"two\nlines",\r\n');
  });

  it("defuses text a spreadsheet would run as a formula, but leaves negative numbers alone", () => {
    expect(csvField('=HYPERLINK("http://evil")')).toBe('"\'=HYPERLINK(""http://evil"")"');
    expect(csvField("+1 555")).toBe("'+1 555");
    expect(csvField("@team")).toBe("'@team");
    expect(csvField(-5)).toBe("-5");
    expect(csvField(0.333)).toBe("0.333");
    expect(csvField(Number.NaN)).toBe("");
  });
});

describe("metrics filters", () => {
  const now = Date.parse("2026-11-15T12:00:00Z");
  const parse = (q: string) => parseMetricsFilter(new URLSearchParams(q), now);

  it("defaults to the last 365 days, whole UTC days, any region and severity", () => {
    const r = parse("");
    expect(r).toEqual({
      ok: true,
      filter: {
        from: Date.parse("2025-11-16T00:00:00Z"),
        to: Date.parse("2026-11-16T00:00:00Z"),
        fromDay: "2025-11-16",
        toDay: "2026-11-15",
        region: null,
        severity: null,
      },
    });
    if (r.ok) expect(filterQuery(r.filter)).toBe("from=2025-11-16&to=2026-11-15");
  });

  it("says what is wrong with each bad value", () => {
    const r = parse("from=2026-02-30&to=yesterday&severity=SEV9&region=C%20A");
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors).toEqual({
        from: "The start date is not a real date",
        to: "The end date must be a date written YYYY-MM-DD, e.g. 2026-11-02",
        severity: "Severity must be one of SEV1, SEV2, SEV3, SEV4",
        region: "A region is a code such as CA or NV",
      });
      expect(r.values.severity).toBe("SEV9");
    }
    expect(parse("from=2026-11-10&to=2026-11-01")).toMatchObject({
      ok: false,
      errors: { from: "The start date must be on or before the end date" },
    });
  });

  it("takes one day as a whole day, upper-cases the region, and ignores other parameters", () => {
    const r = parse("from=2026-11-02&to=2026-11-02&region=ca&table=channels");
    expect(r).toMatchObject({
      ok: true,
      filter: {
        from: Date.parse("2026-11-02T00:00:00Z"),
        to: Date.parse("2026-11-03T00:00:00Z"),
        region: "CA",
      },
    });
  });
});
