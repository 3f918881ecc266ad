import { describe, expect, it } from "vitest";
import { instantOfWallClock, sameLocalTimeOfWeek, seasonalBucketStarts, utcOffsetMs } from "./seasonal";

const HOUR = 3600_000;
const WEEK = 7 * 24 * HOUR;
const utc = (s: string) => Date.parse(s);

describe("sameLocalTimeOfWeek", () => {
  it("is exactly a week back in UTC", () => {
    const t = utc("2026-03-09T13:00:00Z");
    expect(sameLocalTimeOfWeek(t, "UTC", 3)).toEqual([t - WEEK, t - 2 * WEEK, t - 3 * WEEK]);
  });

  it("keeps 09:00 local across the spring-forward change (New York, 8 March 2026)", () => {
    const monday9 = utc("2026-03-09T13:00:00Z"); // 09:00 EDT
    const [w1, w2] = sameLocalTimeOfWeek(monday9, "America/New_York", 2);
    expect(w1).toBe(utc("2026-03-02T14:00:00Z")); // 09:00 EST, 7 days + 1 hour earlier
    expect(w2).toBe(utc("2026-02-23T14:00:00Z"));
    expect(monday9 - w1).toBe(WEEK - HOUR);
  });

  it("keeps 09:00 local across the fall-back change (New York, 1 November 2026)", () => {
    const monday9 = utc("2026-11-02T14:00:00Z"); // 09:00 EST
    const [w1] = sameLocalTimeOfWeek(monday9, "America/New_York", 1);
    expect(w1).toBe(utc("2026-10-26T13:00:00Z")); // 09:00 EDT
    expect(monday9 - w1).toBe(WEEK + HOUR);
  });

  it("works in the southern hemisphere (Sydney, DST ends 5 April 2026)", () => {
    const t = utc("2026-04-06T23:00:00Z"); // Tue 7 April 09:00 AEST (+10)
    const [w1] = sameLocalTimeOfWeek(t, "Australia/Sydney", 1);
    expect(w1).toBe(utc("2026-03-30T22:00:00Z")); // Tue 31 March 09:00 AEDT (+11)
  });

  it("moves a skipped local time forward across the gap", () => {
    const t = utc("2026-03-15T06:30:00Z"); // Sun 15 March 02:30 EDT
    const [w1] = sameLocalTimeOfWeek(t, "America/New_York", 1);
    // Sun 8 March 02:30 does not exist in New York: taken as 03:30 EDT = 07:30 UTC.
    expect(w1).toBe(utc("2026-03-08T07:30:00Z"));
  });

  it("takes the first of a repeated local time", () => {
    const t = utc("2026-11-08T06:30:00Z"); // Sun 8 November 01:30 EST
    const [w1] = sameLocalTimeOfWeek(t, "America/New_York", 1);
    expect(w1).toBe(utc("2026-11-01T05:30:00Z")); // the 01:30 EDT one, before the clocks go back
  });
});

describe("helpers", () => {
  it("reads UTC offsets and inverts wall-clock times", () => {
    expect(utcOffsetMs(utc("2026-01-15T12:00:00Z"), "America/Los_Angeles")).toBe(-8 * HOUR);
    expect(utcOffsetMs(utc("2026-07-15T12:00:00Z"), "America/Los_Angeles")).toBe(-7 * HOUR);
    expect(instantOfWallClock(utc("2026-07-15T09:00:00Z"), "America/Los_Angeles")).toBe(
      utc("2026-07-15T16:00:00Z"),
    );
  });

  it("lists the buckets of each week's window around the anchor", () => {
    const t = utc("2026-03-09T13:00:00Z");
    const rows = seasonalBucketStarts(t, "America/New_York", 2, 2, 5);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveLength(5);
    expect(rows[0][2]).toBe(utc("2026-03-02T14:00:00Z"));
    expect(rows[0][0]).toBe(utc("2026-03-02T13:50:00Z"));
    expect(rows[0][4]).toBe(utc("2026-03-02T14:10:00Z"));
  });
});

describe("utcOffsetMs (cached per hour) agrees with Intl at every minute around changes", () => {
  const intlOffset = (instant: number, timeZone: string) => {
    const parts = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    }).formatToParts(new Date(instant));
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
    const whole = Math.floor(instant / 1000) * 1000;
    return (
      Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second")) - whole
    );
  };
  it.each([
    ["America/New_York", "2026-03-08T00:00:00Z"],
    ["America/Los_Angeles", "2026-11-01T06:00:00Z"],
    ["Australia/Lord_Howe", "2026-04-04T12:00:00Z"], // a 30-minute change
    ["Asia/Kathmandu", "2026-06-01T00:00:00Z"], // +05:45, no change
    ["Europe/London", "2026-10-25T00:00:00Z"],
  ])("%s", (zone, from) => {
    const start = Date.parse(from);
    for (let t = start; t < start + 6 * 3600_000; t += 60_000 + 7) {
      expect(utcOffsetMs(t, zone)).toBe(intlOffset(t, zone));
    }
  });
});
