/**
 * When people complain: the shape of a day in local time (quiet at night, a late-morning peak, an
 * afternoon lull, the highest peak in the evening), weekends later and flatter, and a weekly level (Monday
 * busiest, Saturday quietest). Every curve is normalised so that the mean over a week is 1: the simulator's
 * base rate stays the average complaints per day.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Relative complaint rate by local hour (0–23) on a weekday, before normalisation. */
const WEEKDAY_HOURS = [
  0.25, 0.16, 0.12, 0.1, 0.12, 0.22, 0.45, 0.75, 1.05, 1.3, 1.45, 1.5, 1.4, 1.3, 1.25, 1.25, 1.3, 1.4, 1.55,
  1.7, 1.75, 1.55, 1.05, 0.55,
];
/** Weekends: a later, slower morning and an evening that runs later. */
const WEEKEND_HOURS = [
  0.38, 0.27, 0.18, 0.12, 0.1, 0.12, 0.2, 0.36, 0.6, 0.9, 1.15, 1.3, 1.38, 1.35, 1.3, 1.3, 1.35, 1.45, 1.55,
  1.65, 1.65, 1.5, 1.1, 0.7,
];
/** Relative daily level, Sunday first (local day of week). */
const WEEK_DAYS = [0.86, 1.1, 1.07, 1.04, 1.02, 0.97, 0.8];

function normalise(values: number[]): number[] {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return values.map((v) => v / mean);
}

const WEEKDAY_CURVE = normalise(WEEKDAY_HOURS);
const WEEKEND_CURVE = normalise(WEEKEND_HOURS);
const WEEK_LEVEL = normalise(WEEK_DAYS);

/** 0 = Sunday … 6 = Saturday, for a "local epoch" time (UTC ms shifted by the zone offset). */
export function dayOfWeek(localMs: number): number {
  return (((Math.floor(localMs / DAY_MS) + 4) % 7) + 7) % 7;
}

export function isWeekend(localMs: number): boolean {
  const dow = dayOfWeek(localMs);
  return dow === 0 || dow === 6;
}

/** Local hour with fraction, 0 ≤ h < 24. */
export function hourOfDay(localMs: number): number {
  return (((localMs % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
}

/**
 * The rate multiplier at a local time: the day curve (interpolated between hour centres) times the weekly
 * level. Averages 1 over a week.
 */
export function rhythm(localMs: number): number {
  const dow = dayOfWeek(localMs);
  const curve = dow === 0 || dow === 6 ? WEEKEND_CURVE : WEEKDAY_CURVE;
  const h = hourOfDay(localMs) - 0.5;
  const lo = Math.floor(h);
  const frac = h - lo;
  const a = curve[(lo + 24) % 24];
  const b = curve[(lo + 25) % 24];
  return (a + (b - a) * frac) * WEEK_LEVEL[dow];
}

/**
 * UTC offset of an IANA zone, looked up once per UTC hour (US zones change offset only on the hour) and
 * cached for the current hour. Uses the runtime's time-zone database through `Intl`.
 */
export class ZoneClock {
  private readonly format: Intl.DateTimeFormat;
  private hour = Number.NaN;
  private offset = 0;

  constructor(timeZone: string) {
    this.format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
  }

  /** Milliseconds to add to a UTC time to get the wall-clock time in this zone. */
  offsetMs(utcMs: number): number {
    const hour = Math.floor(utcMs / HOUR_MS);
    if (hour !== this.hour) {
      this.hour = hour;
      this.offset = this.computeOffset(hour * HOUR_MS);
    }
    return this.offset;
  }

  toLocal(utcMs: number): number {
    return utcMs + this.offsetMs(utcMs);
  }

  private computeOffset(utcMs: number): number {
    let year = 0;
    let month = 0;
    let day = 0;
    let hour = 0;
    let minute = 0;
    for (const part of this.format.formatToParts(utcMs)) {
      if (part.type === "year") year = Number(part.value);
      else if (part.type === "month") month = Number(part.value);
      else if (part.type === "day") day = Number(part.value);
      else if (part.type === "hour") hour = Number(part.value) % 24;
      else if (part.type === "minute") minute = Number(part.value);
    }
    return Date.UTC(year, month - 1, day, hour, minute) - utcMs;
  }
}
