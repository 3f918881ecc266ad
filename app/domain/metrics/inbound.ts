import { MINUTE_MS, round, share } from "./stats";

/**
 * Did an update reduce inbound? Complaints in the incident's affected cells (its regions × topics, from
 * the 5-minute counts detection reads) in a window before the update against the same window after it,
 * with the same cells' usual volume for those times of the week (the mean of the same windows in up to
 * four earlier weeks that have data) taken out, and a plain test of whether the change is more than
 * chance. docs/decisions/015-comms-metrics.md says why it is measured this way.
 *
 * Windows are whole 5-minute buckets and leave out the bucket the update went out in (partly before,
 * partly after it): for an update at 14:07 and 30 minutes, before is [13:35, 14:05) and after is
 * [14:10, 14:40).
 */

export const BUCKET_MS = 5 * MINUTE_MS;
export const WEEK_MS = 7 * 86_400_000;
export const INBOUND_WINDOW_MINUTES = 30;
export const INBOUND_WINDOW_CHOICES = [15, 30, 60] as const;
export const SEASONAL_WEEKS = 4;
/** Fewer complaints than this in both windows together: too few to tell a change from chance. */
export const MIN_COMPLAINTS_TO_JUDGE = 10;
/** Two-sided 95%: a change beyond this many standard errors is called a change. */
export const Z_CRITICAL = 1.96;

export interface TimeWindow {
  /** Inclusive start, ms. */
  from: number;
  /** Exclusive end, ms. */
  to: number;
}

export function inboundWindows(publishedAt: number, windowMinutes: number) {
  const bucket = Math.floor(publishedAt / BUCKET_MS) * BUCKET_MS;
  const width = windowMinutes * MINUTE_MS;
  return {
    before: { from: bucket - width, to: bucket },
    after: { from: bucket + BUCKET_MS, to: bucket + BUCKET_MS + width },
  };
}

/**
 * The earlier weeks (1…SEASONAL_WEEKS) whose shifted windows lie after the first stored count: weeks
 * before the organisation had any data would read as zero and drag the expectation down.
 */
export function seasonalWeeks(earliest: number, historyStart: number | null): number[] {
  if (historyStart === null) return [];
  const weeks: number[] = [];
  for (let k = 1; k <= SEASONAL_WEEKS; k++) if (earliest - k * WEEK_MS >= historyStart) weeks.push(k);
  return weeks;
}

export type InboundVerdict = "fell" | "rose" | "unclear" | "too_few" | "open";

export interface InboundSide extends TimeWindow {
  complaints: number;
  /** The same cells' mean for this window in the earlier weeks; null without history. */
  expected: number | null;
  /** Mean sentiment (−1 … +1) of the complaints in the window, and how many had one. */
  sentiment: number | null;
  sentimentCount: number;
}

export interface InboundEffect {
  updateId: number;
  number: number;
  publishedAt: number;
  windowMinutes: number;
  before: InboundSide;
  after: InboundSide;
  /** After ÷ before, raw; null when nothing came in before or the after window is still open. */
  ratio: number | null;
  /** Weeks of history the expectation is the mean of (0: no seasonal correction). */
  seasonalWeeks: number;
  /** Complaints above the usual, before and after; the relative change of that excess. */
  excessBefore: number | null;
  excessAfter: number | null;
  excessChange: number | null;
  /** (after − before − (expected after − expected before)) / √(before + after). */
  z: number | null;
  verdict: InboundVerdict;
  /** The next update went out inside the after window: the two updates' effects are mixed. */
  overlapsNext: boolean;
  /** After − before mean sentiment. */
  sentimentChange: number | null;
}

export interface InboundInput {
  updateId: number;
  number: number;
  publishedAt: number;
  nextPublishedAt: number | null;
  windowMinutes: number;
  before: { complaints: number; weekly: number[]; sentiment: number | null; sentimentCount: number };
  after: { complaints: number; weekly: number[]; sentiment: number | null; sentimentCount: number };
  now: number;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);

export function inboundEffect(input: InboundInput): InboundEffect {
  const w = inboundWindows(input.publishedAt, input.windowMinutes);
  const a = input.before.complaints;
  const b = input.after.complaints;
  const eBefore = mean(input.before.weekly);
  const eAfter = mean(input.after.weekly);
  const weeks = Math.min(input.before.weekly.length, input.after.weekly.length);
  const seasonal = weeks > 0 && eBefore !== null && eAfter !== null;
  const open = w.after.to > input.now;
  const excessBefore = seasonal ? a - eBefore : null;
  const excessAfter = seasonal ? b - eAfter : null;
  let z: number | null = null;
  let verdict: InboundVerdict;
  if (open) verdict = "open";
  else if (a + b < MIN_COMPLAINTS_TO_JUDGE) verdict = "too_few";
  else {
    const drift = seasonal ? eAfter - eBefore : 0;
    z = (b - a - drift) / Math.sqrt(a + b);
    verdict = z <= -Z_CRITICAL ? "fell" : z >= Z_CRITICAL ? "rose" : "unclear";
  }
  const side = (win: TimeWindow, s: InboundInput["before"], expected: number | null): InboundSide => ({
    ...win,
    complaints: s.complaints,
    expected: seasonal ? round(expected, 1) : null,
    sentiment: round(s.sentiment, 2),
    sentimentCount: s.sentimentCount,
  });
  const sBefore = input.before.sentiment;
  const sAfter = input.after.sentiment;
  return {
    updateId: input.updateId,
    number: input.number,
    publishedAt: input.publishedAt,
    windowMinutes: input.windowMinutes,
    before: side(w.before, input.before, eBefore),
    after: side(w.after, input.after, eAfter),
    ratio: open ? null : round(share(b, a), 2),
    seasonalWeeks: seasonal ? weeks : 0,
    excessBefore: round(excessBefore, 1),
    excessAfter: open ? null : round(excessAfter, 1),
    excessChange:
      !open && excessBefore !== null && excessAfter !== null && excessBefore > 0
        ? round((excessAfter - excessBefore) / excessBefore, 2)
        : null,
    z: round(z, 2),
    verdict,
    overlapsNext:
      input.nextPublishedAt !== null &&
      input.nextPublishedAt > input.publishedAt &&
      input.nextPublishedAt < w.after.to,
    sentimentChange: !open && sBefore !== null && sAfter !== null ? round(sAfter - sBefore, 2) : null,
  };
}

export const VERDICT_LABELS: Record<InboundVerdict, string> = {
  fell: "fell",
  rose: "rose",
  unclear: "no clear change",
  too_few: "too few complaints to tell",
  open: "window still open",
};

/** The `window` query parameter: one of the choices, default 30; anything else is a clear refusal. */
export function parseWindowMinutes(
  value: string | null,
): { ok: true; minutes: number } | { ok: false; error: string } {
  if (value === null || value.trim() === "") return { ok: true, minutes: INBOUND_WINDOW_MINUTES };
  const n = Number(value);
  return (INBOUND_WINDOW_CHOICES as readonly number[]).includes(n)
    ? { ok: true, minutes: n }
    : {
        ok: false,
        error: `The window is ${INBOUND_WINDOW_CHOICES.join(", ")} minutes, not “${value.slice(0, 20)}”.`,
      };
}
