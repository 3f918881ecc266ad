/**
 * Same LOCAL time of week, in UTC instants, across daylight-saving changes.
 *
 * "Monday 09:00 in America/New_York" is 14:00 UTC in winter and 13:00 UTC in summer, so a weekly
 * lookback of a fixed 7 × 24 h would compare 09:00 with 08:00 (or 10:00) for every week across a
 * change. These helpers do the calendar arithmetic on the local wall-clock time (via Intl) and map
 * back to UTC. Pure: time is an input, and the only state is a cache of Intl formatters.
 *
 * Local times that do not exist (the hour skipped in spring) resolve to the instant just after the gap
 * (02:30 → 03:30 local); local times that occur twice (the hour repeated in autumn) resolve to the
 * first occurrence (the daylight-time one).
 */

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

const HOUR = 60 * MINUTE;
/**
 * Offsets by zone and UTC hour (index = floor(instant / 1 h)): the offset in force all through that
 * hour, or NaN when it changes inside it (then the instant is asked of Intl directly). A replay asks for
 * the same few hours thousands of times; Intl answers each in microseconds.
 */
const hourOffsets = new Map<string, Map<number, number>>();
const MAX_CACHED_HOURS = 200_000;

/** The local wall-clock time of an instant, encoded as if it were UTC (ms). */
function wallClock(instant: number, timeZone: string): number {
  if (timeZone === "UTC" || timeZone === "Etc/UTC") return instant;
  let hours = hourOffsets.get(timeZone);
  if (!hours) {
    hours = new Map();
    hourOffsets.set(timeZone, hours);
  }
  const hour = Math.floor(instant / HOUR);
  let offset = hours.get(hour);
  if (offset === undefined) {
    const start = hour * HOUR;
    const first = intlWallClock(start, timeZone) - start;
    const last = intlWallClock(start + HOUR - 1000, timeZone) - (start + HOUR - 1000);
    offset = first === last ? first : Number.NaN;
    if (hours.size >= MAX_CACHED_HOURS) hours.clear();
    hours.set(hour, offset);
  }
  return Number.isNaN(offset) ? intlWallClock(instant, timeZone) : instant + offset;
}

/** `wallClock` from Intl itself (whole seconds from the formatter, milliseconds carried over). */
function intlWallClock(instant: number, timeZone: string): number {
  const parts = formatter(timeZone).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return wall + (instant % 1000 >= 0 ? instant % 1000 : 1000 + (instant % 1000));
}

/** UTC offset (local − UTC, in ms) in force at an instant. */
export function utcOffsetMs(instant: number, timeZone: string): number {
  return wallClock(instant, timeZone) - instant;
}

/**
 * The UTC instant at which the local wall clock in `timeZone` shows `wall` (encoded as UTC ms).
 * Non-existent local times move forward across the gap; repeated ones take the earlier instant.
 */
export function instantOfWallClock(wall: number, timeZone: string): number {
  if (timeZone === "UTC" || timeZone === "Etc/UTC") return wall;
  // Candidate instants use the offsets in force a day either side; real offsets change at most
  // twice a year, so one of them is right unless the wall time falls in a gap.
  const offsetBefore = utcOffsetMs(wall - DAY, timeZone);
  const offsetAfter = utcOffsetMs(wall + DAY, timeZone);
  const candidates = [wall - offsetBefore, wall - offsetAfter].sort((a, b) => a - b);
  for (const t of candidates) {
    if (wallClock(t, timeZone) === wall) return t; // earliest valid: the first of a repeated hour
  }
  // In a gap (spring forward): the wall time is skipped. Take the instant the same distance past
  // the start of the gap, i.e. interpret it with the offset from before the change.
  return wall - Math.min(offsetBefore, offsetAfter);
}

/**
 * The UTC instants showing the same local wall-clock time as `bucketStart`, 1, 2, … `weeks` weeks
 * earlier (index 0 = one week ago). Across a DST change these are 7 × 24 h ± 1 h apart, not 7 × 24 h.
 */
export function sameLocalTimeOfWeek(bucketStart: number, timeZone: string, weeks: number): number[] {
  const wall = wallClock(bucketStart, timeZone);
  const out: number[] = [];
  for (let w = 1; w <= weeks; w++) out.push(instantOfWallClock(wall - w * 7 * DAY, timeZone));
  return out;
}

/**
 * The bucket starts the caller reads to build `CellInput.seasonal` for one bucket: for each of the
 * past `weeks` weeks (index 0 = one week ago), the buckets at offsets −halfWidth … +halfWidth around
 * the same local time of week. Offsets step in real (UTC) bucket lengths from that anchor.
 */
export function seasonalBucketStarts(
  bucketStart: number,
  timeZone: string,
  weeks: number,
  halfWidth: number,
  bucketMinutes: number,
): number[][] {
  const step = bucketMinutes * MINUTE;
  return sameLocalTimeOfWeek(bucketStart, timeZone, weeks).map((anchor) => {
    const row: number[] = [];
    for (let j = -halfWidth; j <= halfWidth; j++) row.push(anchor + j * step);
    return row;
  });
}
