import { describe, expect, it } from "vitest";
import { INCIDENT_STATES } from "~db/schema/enums";
import { canTransition, formatElapsed, nextUpdateDue, replyUrgency, transitionVerb } from "./incidents";

describe("incident lifecycle", () => {
  it("allows every change of state but none to the same state", () => {
    for (const from of INCIDENT_STATES) {
      for (const to of INCIDENT_STATES) expect(canTransition(from, to)).toBe(from !== to);
    }
  });

  it("names reopening and resolving", () => {
    expect(transitionVerb("resolved", "investigating")).toBe("reopened");
    expect(transitionVerb("monitoring", "resolved")).toBe("resolved");
    expect(transitionVerb("investigating", "identified")).toBe("moved to identified");
  });
});

describe("update cadence", () => {
  const start = Date.parse("2026-11-02T14:00:00Z");
  it("is due a cadence after the start when nothing has been published", () => {
    expect(
      nextUpdateDue({ state: "investigating", startedAt: start, lastPublishedAt: null, cadenceMinutes: 30 }),
    ).toBe(start + 30 * 60_000);
  });
  it("counts from the last published update, honouring its own promise", () => {
    const last = start + 50 * 60_000;
    expect(
      nextUpdateDue({
        state: "identified",
        startedAt: start,
        lastPublishedAt: last,
        cadenceMinutes: 30,
        promisedMinutes: 15,
      }),
    ).toBe(last + 15 * 60_000);
  });
  it("is never due once resolved", () => {
    expect(
      nextUpdateDue({ state: "resolved", startedAt: start, lastPublishedAt: null, cadenceMinutes: 30 }),
    ).toBeNull();
  });
});

describe("elapsed time and reply urgency", () => {
  it("formats elapsed time compactly", () => {
    expect(formatElapsed(45 * 60_000)).toBe("45m");
    expect(formatElapsed(125 * 60_000)).toBe("2h 05m");
    expect(formatElapsed((3 * 24 + 4) * 3600_000)).toBe("3d 4h");
    expect(formatElapsed(-5)).toBe("0m");
  });
  it("puts overdue people first, then reach", () => {
    const overdueSmall = replyUrgency({ followers: 10, ageMinutes: 61 });
    const freshBig = replyUrgency({ followers: 1_000_000, ageMinutes: 5 });
    const freshSmall = replyUrgency({ followers: 10, ageMinutes: 5 });
    expect(overdueSmall).toBeGreaterThan(freshBig);
    expect(freshBig).toBeGreaterThan(freshSmall);
  });
});
