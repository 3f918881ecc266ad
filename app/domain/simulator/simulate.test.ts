import { describe, expect, it } from "vitest";
import { parseComplaintRecord } from "~/domain/intake/record";
import { groundTruth, type IncidentScript, incidentEnd, intensity } from "./incidents";
import { CITIES } from "./places";
import { US_SIM_REGIONS } from "./regions";
import { RETWEET_STORM_TEXT, SCENARIOS, westernPowerOutage } from "./scenarios";
import { type SimulateOptions, simulate } from "./simulate";
import { type SimRecord, SOURCES } from "./types";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MIN = 60_000;
/** Monday 2026-11-02 00:00 UTC. */
const MONDAY = Date.parse("2026-11-02T00:00:00Z");

function run(options: Partial<SimulateOptions> = {}): SimRecord[] {
  return [
    ...simulate({
      from: MONDAY,
      to: MONDAY + 7 * DAY,
      seed: 42,
      regions: US_SIM_REGIONS,
      baseRatePerDay: 1500,
      incidents: [],
      ...options,
    }),
  ];
}

const time = (r: SimRecord) => Date.parse(r.createdAt);
const truth = (r: SimRecord) => r._truth!;

/** Local hour and weekday of a record in its true region's zone, computed independently with Intl. */
const ZONE_OF = new Map(US_SIM_REGIONS.map((r) => [r.code, r.timeZone]));
const formats = new Map<string, Intl.DateTimeFormat>();
function localClock(r: SimRecord): { hour: number; weekend: boolean } {
  const zone = ZONE_OF.get(truth(r).region)!;
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      hour: "numeric",
      weekday: "short",
    });
    formats.set(zone, format);
  }
  const parts = format.formatToParts(time(r));
  const hour = Number(parts.find((p) => p.type === "hour")!.value) % 24;
  const weekday = parts.find((p) => p.type === "weekday")!.value;
  return { hour, weekend: weekday === "Sat" || weekday === "Sun" };
}

// One plain week and four plain weeks, shared by the background tests.
const WEEK = run();
const MONTH = run({ to: MONDAY + 28 * DAY, seed: 7 });

describe("determinism", () => {
  it("produces the same records for a seed and different ones for another seed", () => {
    const options = { to: MONDAY + DAY, incidents: [westernPowerOutage(MONDAY + 20 * HOUR)] };
    const a = run(options);
    expect(run(options)).toEqual(a);
    const b = run({ ...options, seed: 43 });
    expect(b.map((r) => r.text)).not.toEqual(a.map((r) => r.text));
  });

  it("makes any window the same as that part of a larger window", () => {
    const incidents = [westernPowerOutage(MONDAY + 20 * HOUR)];
    const whole = run({ to: MONDAY + 2 * DAY, incidents });
    const from = MONDAY + 20 * HOUR + 7 * MIN + 13_000; // not on a slice boundary
    const to = MONDAY + 30 * HOUR + 2 * MIN;
    const part = run({ from, to, incidents });
    expect(part.length).toBeGreaterThan(100);
    expect(part).toEqual(whole.filter((r) => time(r) >= from && time(r) < to));
  });

  it("leaves the background untouched when incidents are added", () => {
    const quiet = run({ to: MONDAY + DAY });
    const busy = run({ to: MONDAY + DAY, incidents: SCENARIOS["mixed-fortnight"](MONDAY - DAY) });
    expect(busy.length).toBeGreaterThan(quiet.length + 500);
    expect(busy.filter((r) => truth(r).incidentId === null)).toEqual(quiet);
  });
});

describe("records", () => {
  const records = run({ incidents: SCENARIOS["mixed-fortnight"](MONDAY - DAY) });

  it("are all valid complaint records, in createdAt order, inside the window", () => {
    expect(records.length).toBeGreaterThan(10_000);
    const rejected = records.map((r) => parseComplaintRecord(r)).filter((p) => !p.ok);
    expect(rejected).toEqual([]);
    for (let i = 1; i < records.length; i++)
      expect(time(records[i])).toBeGreaterThanOrEqual(time(records[i - 1]));
    expect(time(records[0])).toBeGreaterThanOrEqual(MONDAY);
    expect(time(records.at(-1)!)).toBeLessThan(MONDAY + 7 * DAY);
    for (const r of records) expect(r.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it("come from every source, with one externalId per record per source", () => {
    const sources = new Set(records.map((r) => r.source));
    expect([...sources].sort()).toEqual([...SOURCES].sort());
    const keys = new Set(records.map((r) => `${r.source}|${r.externalId}`));
    expect(keys.size).toBe(records.length);
  });

  it("carry a ground-truth label that `labels: false` leaves out", () => {
    for (const r of records) {
      expect(r._truth).toMatchObject({ topic: expect.any(String), region: expect.any(String) });
      expect(ZONE_OF.has(r._truth!.region)).toBe(true);
    }
    expect(run({ to: MONDAY + HOUR * 6, labels: false }).some((r) => "_truth" in r)).toBe(false);
  });
});

describe("source shapes", () => {
  const by = (source: string) => WEEK.filter((r) => r.source === source);

  it("gives X posts snowflake ids that encode their time, handles, followers and status URLs", () => {
    for (const r of by("x")) {
      expect(r.externalId).toMatch(/^\d{18,19}$/);
      const ms = Number(BigInt(r.externalId as string) >> 22n) + 1288834974657;
      expect(ms - time(r)).toBeGreaterThanOrEqual(0);
      expect(ms - time(r)).toBeLessThan(1000);
      expect(r.author?.handle).toMatch(/^@\w{1,15}$/);
      expect(Number.isInteger(r.author?.followers)).toBe(true);
      expect(r.url).toBe(`https://x.com/${r.author!.handle!.slice(1)}/status/${r.externalId}`);
    }
  });

  it("gives Mastodon posts numeric ids with their time, user@instance handles and instance URLs", () => {
    for (const r of by("mastodon")) {
      expect(r.externalId).toMatch(/^\d{17,18}$/);
      const ms = Number(BigInt(r.externalId as string) >> 16n);
      expect(ms - time(r)).toBeGreaterThanOrEqual(0);
      expect(ms - time(r)).toBeLessThan(1000);
      const [, user, instance] = r.author!.handle!.match(/^@(\w+)@([\w.-]+)$/)!;
      expect(r.url).toBe(`https://${instance}/@${user}/${r.externalId}`);
    }
  });

  it("gives Bluesky posts at:// URIs with TID record keys that encode their time", () => {
    const alphabet = "234567abcdefghijklmnopqrstuvwxyz";
    for (const r of by("bluesky")) {
      const match = (r.externalId as string).match(
        /^at:\/\/(did:plc:[a-z2-7]{24})\/app\.bsky\.feed\.post\/([2-7a-z]{13})$/,
      );
      expect(match, r.externalId as string).not.toBeNull();
      const rkey = match![2];
      let value = 0n;
      for (const ch of rkey) value = value * 32n + BigInt(alphabet.indexOf(ch));
      const ms = Number(value >> 10n) / 1000;
      expect(ms - time(r)).toBeGreaterThanOrEqual(0);
      expect(ms - time(r)).toBeLessThan(1000);
      expect(r.url).toBe(`https://bsky.app/profile/${r.author!.handle!.slice(1)}/post/${rkey}`);
    }
  });

  it("gives tickets and call notes ticket numbers, names and no followers", () => {
    for (const r of by("zendesk")) {
      expect(r.externalId).toMatch(/^\d+$/);
      expect(r.author?.followers).toBeUndefined();
      expect(r.author?.handle).toBeUndefined();
      expect(r.url).toBe(`https://kestrelpower.zendesk.com/agent/tickets/${r.externalId}`);
      expect(r.text).toContain("\n\n");
    }
    const calls = by("callcentre");
    for (const r of calls) {
      expect(r.externalId).toMatch(/^CC-\d{8}-\d{3}-\d{4,}$/);
      expect(r.author?.followers).toBeUndefined();
      expect(r.url).toBeUndefined();
      expect(r.text.length).toBeLessThan(140);
    }
    const terse = calls.filter((r) => /\b(Cust|CX|Caller|adv|rpts|acct|tkt|supv|ETR)\b/i.test(r.text));
    expect(terse.length / calls.length).toBeGreaterThan(0.7);
  });

  it("gives forms UUIDs and, mostly, a ZIP code", () => {
    const forms = by("form");
    for (const r of forms)
      expect(r.externalId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(forms.filter((r) => r.postalCode).length / forms.length).toBeGreaterThan(0.6);
  });
});

describe("where complaints say they are from", () => {
  const share = (f: (r: SimRecord) => boolean) => WEEK.filter(f).length / WEEK.length;

  it("mixes coordinates, profile locations, ZIP codes and nothing at all", () => {
    expect(share((r) => r.lat != null)).toBeGreaterThan(0.01);
    expect(share((r) => r.lat != null)).toBeLessThan(0.1);
    expect(share((r) => r.location != null)).toBeGreaterThan(0.1);
    expect(share((r) => r.postalCode != null)).toBeGreaterThan(0.1);
    expect(share((r) => r.lat == null && r.location == null && r.postalCode == null)).toBeGreaterThan(0.25);
    const locations = new Set(WEEK.map((r) => r.location));
    expect(locations).toContain("somewhere cold");
    expect([...locations].some((l) => l && /^[A-Z][\w .']+, [A-Z]{2}$/.test(l))).toBe(true);
  });

  it("puts coordinates and ZIP codes near real cities of the author's region", () => {
    for (const r of WEEK) {
      const cities = CITIES[truth(r).region];
      if (r.postalCode != null) expect(cities.map((c) => c.zip)).toContain(r.postalCode);
      if (r.lat != null) {
        const near = cities.some(
          (c) => Math.abs(c.lat - r.lat!) <= 0.021 && Math.abs(c.lon - r.lon!) <= 0.03,
        );
        expect(near, `${r.lat},${r.lon} in ${truth(r).region}`).toBe(true);
      }
    }
  });

  it("names real places in the text", () => {
    const named = WEEK.filter((r) => CITIES[truth(r).region].some((c) => r.text.includes(c.name)));
    expect(named.length / WEEK.length).toBeGreaterThan(0.05);
    expect(
      WEEK.some(
        (r) =>
          /#[A-Z][a-z]+/.test(r.text) &&
          CITIES[truth(r).region].some((c) => r.text.includes(`#${c.name.replace(/[^A-Za-z]/g, "")}`)),
      ),
    ).toBe(true);
  });
});

describe("phrasing", () => {
  const texts = WEEK.map((r) => r.text);
  const share = (f: (t: string) => boolean) => texts.filter(f).length / texts.length;

  it("varies: mentions, hashtags, emoji, questions, shouting, lower case", () => {
    expect(share((t) => t.includes("@KestrelCares"))).toBeGreaterThan(0.05);
    expect(share((t) => /#[a-z]+/i.test(t))).toBeGreaterThan(0.05);
    expect(share((t) => /\p{Extended_Pictographic}/u.test(t))).toBeGreaterThan(0.05);
    expect(share((t) => t.includes("?"))).toBeGreaterThan(0.1);
    expect(share((t) => t.length > 15 && t === t.toUpperCase() && /[A-Z]{4}/.test(t))).toBeGreaterThan(0.005);
    expect(share((t) => t === t.toLowerCase())).toBeGreaterThan(0.1);
  });

  it("rarely repeats a text word for word (repeats would look like amplification)", () => {
    const normalised = texts.map((t) =>
      t
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, " ")
        .trim(),
    );
    expect(new Set(normalised).size / normalised.length).toBeGreaterThan(0.9);
  });

  it("mostly talks about support, billing, degraded service and other things, sometimes outages", () => {
    const count = (topic: string) => WEEK.filter((r) => truth(r).topic === topic).length / WEEK.length;
    expect(count("support") + count("billing") + count("degraded") + count("other")).toBeGreaterThan(0.7);
    expect(count("outage")).toBeGreaterThan(0.03);
    expect(count("outage")).toBeLessThan(0.15);
  });

  it("restricts the background to the topics asked for", () => {
    const records = run({ to: MONDAY + DAY, topics: ["billing", "support"] });
    expect(new Set(records.map((r) => truth(r).topic))).toEqual(new Set(["billing", "support"]));
  });
});

describe("background volume and rhythm", () => {
  const regionCount = (records: SimRecord[], code: string) =>
    records.filter((r) => truth(r).region === code).length;

  it("averages the base rate per day and scales regions by population", () => {
    expect(MONTH.length / 28).toBeGreaterThan(1500 * 0.85);
    expect(MONTH.length / 28).toBeLessThan(1500 * 1.15);
    const ca = regionCount(WEEK, "CA");
    const wy = regionCount(WEEK, "WY");
    expect(ca).toBeGreaterThan(20 * wy);
    expect(wy).toBeGreaterThan(0);
    // The ten largest states each get their population share, within the noise.
    const total = US_SIM_REGIONS.reduce((s, r) => s + r.population, 0);
    for (const region of [...US_SIM_REGIONS].sort((a, b) => b.population - a.population).slice(0, 10)) {
      const ratio = regionCount(MONTH, region.code) / ((MONTH.length * region.population) / total);
      expect(ratio, region.code).toBeGreaterThan(0.75);
      expect(ratio, region.code).toBeLessThan(1.25);
    }
  });

  it("is quiet at night and busiest in the evening, in each region's local time", () => {
    const byHour = new Array(24).fill(0);
    for (const r of MONTH) byHour[localClock(r).hour]++;
    const night = byHour[2] + byHour[3] + byHour[4];
    const evening = byHour[19] + byHour[20] + byHour[21];
    const lateMorning = byHour[10] + byHour[11] + byHour[12];
    expect(night * 5).toBeLessThan(evening);
    expect(night * 5).toBeLessThan(lateMorning);
    expect(byHour[15]).toBeLessThan(byHour[20]); // afternoon lull below the evening peak
    // The same shape within one zone.
    const caByHour = new Array(24).fill(0);
    for (const r of MONTH.filter((r) => truth(r).region === "CA")) caByHour[localClock(r).hour]++;
    expect(caByHour[3] * 4).toBeLessThan(caByHour[20]);
  });

  it("differs on weekends: fewer complaints and a later morning", () => {
    const days = new Map<string, { n: number; weekend: boolean }>();
    let weekendMorning = 0;
    let weekendTotal = 0;
    let weekdayMorning = 0;
    let weekdayTotal = 0;
    for (const r of MONTH) {
      const { hour, weekend } = localClock(r);
      const key = r.createdAt.slice(0, 10);
      const day = days.get(key) ?? {
        n: 0,
        weekend: [0, 6].includes(new Date(`${key}T12:00:00Z`).getUTCDay()),
      };
      day.n++;
      days.set(key, day);
      if (weekend) {
        weekendTotal++;
        if (hour >= 6 && hour < 9) weekendMorning++;
      } else {
        weekdayTotal++;
        if (hour >= 6 && hour < 9) weekdayMorning++;
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const weekendDays = [...days.values()].filter((d) => d.weekend).map((d) => d.n);
    const weekdayDays = [...days.values()].filter((d) => !d.weekend).map((d) => d.n);
    expect(mean(weekendDays)).toBeLessThan(0.92 * mean(weekdayDays));
    expect(weekendMorning / weekendTotal).toBeLessThan(0.8 * (weekdayMorning / weekdayTotal));
  });

  it("is overdispersed: daily and hourly counts vary far more than Poisson", () => {
    const daily = new Array(28).fill(0);
    const caHourly = new Array(28 * 24).fill(0);
    for (const r of MONTH) {
      daily[Math.floor((time(r) - MONDAY) / DAY)]++;
      if (truth(r).region === "CA") caHourly[Math.floor((time(r) - MONDAY) / HOUR)]++;
    }
    const dispersion = (xs: number[]) => {
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1) / m;
    };
    // Weekdays only (UTC Monday–Friday), so weekends do not make the spread.
    const weekdays = daily.filter((_, d) => d % 7 < 5);
    // Pacific 10:00–20:00 on weekdays, where the day curve is nearly flat.
    const busyHours = caHourly.filter((_, h) => {
      const local = (h - 8 + 24) % 24;
      return Math.floor(h / 24) % 7 < 5 && local >= 10 && local < 20;
    });
    expect(dispersion(weekdays)).toBeGreaterThan(3);
    expect(dispersion(busyHours)).toBeGreaterThan(1.5);
  });
});

describe("incidents", () => {
  const onlyIncident = (records: SimRecord[], id: string) =>
    records.filter((r) => truth(r).incidentId === id);

  it("land in the scripted regions and time, split by population, about as many as expected", () => {
    const script = westernPowerOutage(MONDAY + 2 * DAY + 3 * HOUR);
    const records = onlyIncident(run({ incidents: [script] }), script.id);
    const [truthRow] = groundTruth([script]);
    expect(records.length).toBeGreaterThan(truthRow.expectedComplaints * 0.85);
    expect(records.length).toBeLessThan(truthRow.expectedComplaints * 1.15);
    for (const r of records) {
      expect(script.regions).toContain(truth(r).region);
      expect(truth(r).topic).toBe("outage");
      expect(time(r)).toBeGreaterThanOrEqual(script.start);
      expect(time(r)).toBeLessThan(incidentEnd(script));
    }
    const caShare = records.filter((r) => truth(r).region === "CA").length / records.length;
    expect(caShare).toBeGreaterThan(0.65); // CA is 73% of the four states' population
    expect(caShare).toBeLessThan(0.81);
    expect(records.filter((r) => truth(r).region === "NV").length).toBeGreaterThan(10);
  });

  it("follow the ramp, plateau and decay", () => {
    const script: IncidentScript = {
      id: "ramp",
      topic: "outage",
      regions: ["CA", "NV"],
      start: MONDAY + DAY + 5 * HOUR + 2 * MIN + 30_000,
      rampMinutes: 20,
      plateauMinutes: 40,
      decayMinutes: 40,
      peakPerHour: 3000,
    };
    const records = onlyIncident(run({ incidents: [script] }), "ramp");
    const count = (fromMin: number, toMin: number) =>
      records.filter((r) => time(r) >= script.start + fromMin * MIN && time(r) < script.start + toMin * MIN)
        .length;
    // Expected per 10 minutes: 500 at the peak; 125 and 375 in the ramp's halves; 437.5 and 62.5 in the
    // decay's first and last quarters.
    const quarters = [count(0, 10), count(10, 20), count(20, 30), count(60, 70), count(90, 100)];
    expect(quarters[0]).toBeLessThan(quarters[1]);
    expect(quarters[1]).toBeLessThan(quarters[2]);
    expect(quarters[3]).toBeLessThan(quarters[2]);
    expect(quarters[4]).toBeLessThan(quarters[3]);
    const expected = [125, 375, 500, 437.5, 62.5];
    quarters.forEach((n, i) => {
      expect(Math.abs(n - expected[i])).toBeLessThan(4 * Math.sqrt(expected[i]));
    });
    // Per minute the counts track the shape.
    for (let m = 0; m < 100; m += 5) {
      const n = count(m, m + 5);
      const mean = (3000 / 60) * 5 * intensity(script, script.start + (m + 2.5) * MIN);
      expect(Math.abs(n - mean)).toBeLessThan(4 * Math.sqrt(mean) + 3);
    }
  });

  it("make a tiny Vermont outage of about a dozen complaints", () => {
    const counts = [1, 2, 3, 4, 5, 6].map((seed) => {
      const [script] = SCENARIOS["vermont-small-outage"](MONDAY + 3 * DAY + 23 * HOUR);
      const records = onlyIncident(
        run({ seed, from: MONDAY + 3 * DAY, to: MONDAY + 5 * DAY, incidents: [script] }),
        script.id,
      );
      for (const r of records) expect(truth(r).region).toBe("VT");
      return records.length;
    });
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    expect(mean).toBeGreaterThan(8);
    expect(mean).toBeLessThan(16);
  });

  it("make a retweet storm: many records sharing one original text, pointing at one original", () => {
    const [storm] = SCENARIOS["ny-retweet-storm"](MONDAY + 4 * DAY + 22 * HOUR);
    const records = onlyIncident(run({ incidents: [storm] }), storm.id);
    expect(records).toHaveLength(storm.amplification!.reposts + 1);
    const [original, ...reposts] = records;
    expect(original).toMatchObject({
      source: "x",
      text: RETWEET_STORM_TEXT,
      author: { handle: "@bklyn_bea" },
    });
    expect(time(original)).toBe(storm.start);
    expect(original.repostOf).toBeUndefined();
    for (const r of records) {
      expect(truth(r)).toMatchObject({ region: "NY", amplification: true });
      expect(time(r)).toBeLessThan(incidentEnd(storm));
    }
    expect(reposts.every((r) => r.text.includes(RETWEET_STORM_TEXT))).toBe(true);
    expect(reposts.filter((r) => r.text.startsWith("RT @bklyn_bea: ")).length).toBeGreaterThan(200);
    expect(reposts.filter((r) => r.text === RETWEET_STORM_TEXT).length).toBeGreaterThan(100);
    const pointing = reposts.filter((r) => r.repostOf !== undefined);
    expect(pointing.length / reposts.length).toBeGreaterThan(0.6);
    expect(new Set(pointing.map((r) => r.repostOf))).toEqual(new Set([original.externalId]));
    expect(new Set(reposts.map((r) => r.author?.handle)).size).toBeGreaterThan(0.9 * reposts.length);
    // It storms: most reposts in the first hour and a half.
    const early = reposts.filter((r) => time(r) < storm.start + 90 * MIN).length;
    expect(early / reposts.length).toBeGreaterThan(0.5);
  });

  it("match their ground truth over a mixed fortnight", () => {
    const at = MONDAY;
    const incidents = SCENARIOS["mixed-fortnight"](at);
    const records = run({ to: at + 14 * DAY, incidents });
    const truths = groundTruth(incidents, { from: at, to: at + 14 * DAY });
    expect(truths.map((t) => t.id)).toEqual(incidents.map((s) => s.id));
    for (const t of truths) {
      const own = onlyIncident(records, t.id);
      // Poisson spread (4 sd) plus the day and hour noise does not apply to incidents: counts stay close.
      const slack = 4 * Math.sqrt(t.expectedComplaints) + 0.05 * t.expectedComplaints;
      expect(own.length, t.id).toBeGreaterThan(t.expectedComplaints - slack);
      expect(own.length, t.id).toBeLessThan(t.expectedComplaints + slack);
      for (const r of own) {
        expect(time(r)).toBeGreaterThanOrEqual(t.start);
        expect(time(r)).toBeLessThan(t.end);
        expect(t.regions).toContain(truth(r).region);
        expect(truth(r).topic).toBe(t.topic);
        expect(truth(r).amplification).toBe(t.kind === "amplification");
      }
    }
    expect(truths.filter((t) => t.kind === "amplification").map((t) => t.id)).toEqual(["ny-retweet-storm"]);
  });

  it("refuse scripts that name regions or topics the simulation does not have", () => {
    const script = westernPowerOutage(MONDAY);
    const regions = US_SIM_REGIONS.filter((r) => r.code !== "NV");
    expect(() => run({ regions, incidents: [script] })).toThrow(/region "NV"/);
    expect(() => run({ topics: ["weather"] })).toThrow(/topic "weather"/);
    expect(() => run({ from: MONDAY + DAY, to: MONDAY })).toThrow(/from ≤ to/);
  });
});
