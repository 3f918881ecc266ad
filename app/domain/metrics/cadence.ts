import { minutesBetween, share } from "./stats";

/**
 * Did we keep our promises? Every published update that promised a next one ("next update by 14:30",
 * stored as `nextUpdateAt` when it went out) is judged by when the next update actually went out:
 *
 * - `kept`: the next update went out at or before the promised time;
 * - `missed`: it went out later (by `lateMinutes`), or never did and the incident was resolved after the
 *   promised time had passed (late by the time until the resolution);
 * - `overdue`: the incident is open, the promised time has passed and nothing has gone out yet — a live
 *   miss, late by the time until `now`;
 * - `pending`: the incident is open and the promised time has not come yet (not judged);
 * - `superseded`: the incident was resolved before the promised time, with no update after (not judged).
 */

export interface PublishedUpdate {
  id: number;
  number: number;
  publishedAt: number;
  /** The promised time of the next update, or null when the update promised none (a resolution). */
  nextUpdateAt: number | null;
}

export type PromiseStatus = "kept" | "missed" | "overdue" | "pending" | "superseded";

export interface PromiseOutcome {
  updateId: number;
  number: number;
  publishedAt: number;
  promisedAt: number;
  /** When the next update went out, and its number; null when none did. */
  followedAt: number | null;
  followedBy: number | null;
  /** Minutes after the promised time (negative: that much early); null while pending or superseded. */
  lateMinutes: number | null;
  status: PromiseStatus;
}

export interface Cadence {
  promises: PromiseOutcome[];
  /** Promises that can be judged: kept + missed + overdue. */
  judged: number;
  kept: number;
  /** Missed, live misses included. */
  missed: number;
  overdue: number;
  keptShare: number | null;
  /** The latest any promise was kept or missed by, in minutes (null when none is judged). */
  worstLateMinutes: number | null;
}

export function evaluateCadence(
  updates: readonly PublishedUpdate[],
  incident: { resolvedAt: number | null },
  now: number,
): Cadence {
  const ordered = [...updates].sort((a, b) => a.publishedAt - b.publishedAt || a.number - b.number);
  const promises: PromiseOutcome[] = [];
  ordered.forEach((u, i) => {
    if (u.nextUpdateAt === null) return;
    const next = ordered[i + 1] ?? null;
    const base = {
      updateId: u.id,
      number: u.number,
      publishedAt: u.publishedAt,
      promisedAt: u.nextUpdateAt,
      followedAt: next?.publishedAt ?? null,
      followedBy: next?.number ?? null,
    };
    if (next) {
      const late = minutesBetween(u.nextUpdateAt, next.publishedAt);
      promises.push({
        ...base,
        lateMinutes: late,
        status: next.publishedAt <= u.nextUpdateAt ? "kept" : "missed",
      });
    } else if (incident.resolvedAt !== null) {
      const lapsed = incident.resolvedAt > u.nextUpdateAt;
      promises.push({
        ...base,
        lateMinutes: lapsed ? minutesBetween(u.nextUpdateAt, incident.resolvedAt) : null,
        status: lapsed ? "missed" : "superseded",
      });
    } else {
      const passed = now > u.nextUpdateAt;
      promises.push({
        ...base,
        lateMinutes: passed ? minutesBetween(u.nextUpdateAt, now) : null,
        status: passed ? "overdue" : "pending",
      });
    }
  });
  const count = (s: PromiseStatus) => promises.filter((p) => p.status === s).length;
  const kept = count("kept");
  const overdue = count("overdue");
  const missed = count("missed") + overdue;
  const lates = promises.map((p) => p.lateMinutes).filter((m): m is number => m !== null);
  return {
    promises,
    judged: kept + missed,
    kept,
    missed,
    overdue,
    keptShare: share(kept, kept + missed),
    worstLateMinutes: lates.length ? Math.max(...lates) : null,
  };
}
