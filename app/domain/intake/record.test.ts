import { describe, expect, it } from "vitest";
import { simulate, US_SIM_REGIONS } from "../simulator";
import { complaintRecordSchema, fastParseComplaintRecord, parseComplaintRecord } from "./record";

/** A value's full shape, key order and `undefined` values included (toEqual ignores both). */
function shape(value: unknown): unknown {
  if (value === undefined) return "<undefined>";
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(shape);
  return Object.entries(value).map(([k, v]) => [k, shape(v)]);
}

function zod(value: unknown) {
  const result = complaintRecordSchema.safeParse(value);
  return result.success ? result.data : null;
}

/** Deterministic pseudo-random choice (mulberry32). */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ABSENT = Symbol("absent");
const text = (n: number) => "t".repeat(n);
const VARIANTS: Record<string, unknown[]> = {
  source: ["x", " x ", "", "   ", 5, null, ABSENT, "s".repeat(64), "s".repeat(65), ` ${"s".repeat(64)} `],
  externalId: [
    ABSENT,
    undefined,
    null,
    "1900",
    " 19 ",
    "",
    "  ",
    42,
    -0,
    1.5,
    2 ** 53,
    true,
    {},
    "e".repeat(200),
    "e".repeat(201),
  ],
  text: [
    "Power out on Elm St",
    "  padded  ",
    "",
    " ",
    7,
    null,
    ABSENT,
    text(20_000),
    text(20_001),
    ` ${text(20_000)} `,
  ],
  createdAt: [
    "2026-11-02T14:05:00Z",
    "2026-11-02T14:05:00.123-08:00",
    "2026-11-02T14:05:00+0530",
    "2026-02-29T10:00:00Z",
    "2024-02-29T10:00:00Z",
    "2026-11-02 14:05:00Z",
    "2026-11-02T14:05:00",
    "2026-11-02T24:00:00Z",
    "2026-11-02t14:05:00z",
    1_790_000_000_000,
    null,
    ABSENT,
  ],
  author: [
    ABSENT,
    undefined,
    null,
    {},
    { handle: " @dana ", name: "Dana", followers: 312 },
    { handle: "", name: "   ", followers: null },
    { handle: undefined, followers: undefined, extra: { deep: [1] } },
    { handle: 5 },
    { followers: -1 },
    { followers: 1.5 },
    { followers: "12" },
    { handle: "h".repeat(200) },
    { handle: ` ${"h".repeat(199)} ` },
    { handle: "h".repeat(201) },
    { timeZone: "America/Phoenix", handle: "@a" },
    "dana",
    ["dana"],
  ],
  lat: [ABSENT, undefined, null, 36.74, -90, 90, 90.0001, "north", Number.NaN, Number.POSITIVE_INFINITY],
  lon: [ABSENT, undefined, null, -119.78, 180, -180.5, "west"],
  location: [ABSENT, undefined, null, "Fresno, CA", "  ", "l".repeat(300), "l".repeat(301), 5],
  postalCode: [ABSENT, null, "93701", " 93701 ", 8901, 89.01, "", "1".repeat(20), "1".repeat(21), false],
  url: [ABSENT, null, "https://x.com/d/status/1", "u".repeat(2000), "u".repeat(2001), {}],
  repostOf: [ABSENT, null, "17", 17, "", "r".repeat(300), "r".repeat(301), []],
  timeZone: [ABSENT, "America/Boise", 5],
  lang: [ABSENT, "en", { nested: true }],
};

function generate(seed: number, count: number): Record<string, unknown>[] {
  const next = random(seed);
  const keys = Object.keys(VARIANTS);
  return Array.from({ length: count }, () => {
    // Mostly valid values, so that many combinations are records the fast path takes.
    const record: Record<string, unknown> = {};
    const order = next() < 0.3 ? [...keys].reverse() : keys;
    for (const key of order) {
      const options = VARIANTS[key];
      const value = next() < 0.6 ? options[0] : options[Math.floor(next() * options.length)];
      if (value !== ABSENT) record[key] = value;
    }
    return record;
  });
}

describe("parseComplaintRecord's fast path", () => {
  it("gives zod's output exactly (values, keys, key order) for every record it accepts", () => {
    let accepted = 0;
    for (const record of generate(7, 30_000)) {
      const fast = fastParseComplaintRecord(record);
      if (fast === null) continue;
      accepted++;
      const expected = zod(record);
      expect(expected, JSON.stringify(record)?.slice(0, 200)).not.toBeNull();
      expect(shape(fast)).toEqual(shape(expected));
    }
    // Not a vacuous test: a good share of the combinations are plainly valid.
    expect(accepted).toBeGreaterThan(3_000);
  });

  it("leaves to zod every record zod rejects, so messages are zod's", () => {
    let rejected = 0;
    for (const record of generate(11, 30_000)) {
      if (zod(record) !== null) continue;
      rejected++;
      expect(fastParseComplaintRecord(record), JSON.stringify(record)?.slice(0, 200)).toBeNull();
      const result = parseComplaintRecord(record);
      expect(result.ok).toBe(false);
    }
    expect(rejected).toBeGreaterThan(3_000);
  });

  it("takes simulated traffic of every source, matching zod", () => {
    const records = [
      ...simulate({
        from: Date.parse("2026-10-01T00:00:00Z"),
        to: Date.parse("2026-10-02T00:00:00Z"),
        seed: 3,
        regions: US_SIM_REGIONS,
        baseRatePerDay: 3000,
        incidents: [],
        labels: false,
      }),
    ].map((r) => JSON.parse(JSON.stringify(r)) as Record<string, unknown>);
    expect(records.length).toBeGreaterThan(1000);
    for (const record of records) {
      const fast = fastParseComplaintRecord(record);
      expect(fast).not.toBeNull();
      expect(shape(fast)).toEqual(shape(zod(record)));
    }
  });

  it("still words rejections as before", () => {
    expect(parseComplaintRecord({ source: "x", text: "", createdAt: "bad", lat: "n" })).toEqual({
      ok: false,
      message:
        "text is required and must not be empty; createdAt must be an ISO 8601 date-time with a zone, e.g. 2026-11-02T14:05:00Z; lat must be a number",
    });
    expect(parseComplaintRecord([1])).toEqual({ ok: false, message: "is not a JSON object" });
    expect(
      parseComplaintRecord({
        source: "x",
        text: "t",
        createdAt: "2026-11-02T14:05:00Z",
        externalId: 2 ** 53,
      }),
    ).toMatchObject({ ok: false });
  });
});
