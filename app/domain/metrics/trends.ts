import { evaluateCadence, type PublishedUpdate } from "./cadence";
import { median, minutesBetween, round, share } from "./stats";

/**
 * Across incidents: one summary line per incident, then trends by month (of the incident's start, UTC)
 * and severity. Medians are over incidents; cadence and coverage are pooled (all promises kept ÷ all
 * judged, all complaints answered ÷ all complaints), so a big incident weighs as much as its promises
 * and complaints do.
 */

export interface IncidentFacts {
  id: number;
  title: string;
  severity: string;
  state: string;
  startedAt: number;
  resolvedAt: number | null;
  /** Earliest linked spike's start, if any. */
  firstSpikeAt: number | null;
  updates: PublishedUpdate[];
  complaints: number;
  answered: number;
  medianFirstReplySeconds: number | null;
}

export interface IncidentLine {
  id: number;
  title: string;
  severity: string;
  state: string;
  month: string;
  startedAt: number;
  resolvedAt: number | null;
  updates: number;
  /** From the first signal (first spike, else the incident's start) to the first published update. */
  timeToFirstUpdateMinutes: number | null;
  promisesJudged: number;
  promisesKept: number;
  cadenceKept: number | null;
  complaints: number;
  answered: number;
  coverage: number | null;
  medianFirstReplyMinutes: number | null;
}

export function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

export function incidentLine(f: IncidentFacts, now: number): IncidentLine {
  const cadence = evaluateCadence(f.updates, { resolvedAt: f.resolvedAt }, now);
  const first = f.updates.length ? Math.min(...f.updates.map((u) => u.publishedAt)) : null;
  const signal = f.firstSpikeAt === null ? f.startedAt : Math.min(f.firstSpikeAt, f.startedAt);
  return {
    id: f.id,
    title: f.title,
    severity: f.severity,
    state: f.state,
    month: monthOf(f.startedAt),
    startedAt: f.startedAt,
    resolvedAt: f.resolvedAt,
    updates: f.updates.length,
    timeToFirstUpdateMinutes: minutesBetween(signal, first),
    promisesJudged: cadence.judged,
    promisesKept: cadence.kept,
    cadenceKept: round(cadence.keptShare, 3),
    complaints: f.complaints,
    answered: f.answered,
    coverage: round(share(f.answered, f.complaints), 3),
    medianFirstReplyMinutes:
      f.medianFirstReplySeconds === null ? null : round(f.medianFirstReplySeconds / 60, 1),
  };
}

export interface TrendRow {
  month: string;
  severity: string;
  incidents: number;
  /** Median over the incidents that published anything. */
  medianTimeToFirstUpdateMinutes: number | null;
  withoutUpdate: number;
  promisesJudged: number;
  cadenceKept: number | null;
  complaints: number;
  coverage: number | null;
}

export function trends(lines: readonly IncidentLine[]): TrendRow[] {
  const groups = new Map<string, IncidentLine[]>();
  for (const l of lines) {
    const key = `${l.month}|${l.severity}`;
    groups.set(key, [...(groups.get(key) ?? []), l]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, group]) => {
      const [month, severity] = key.split("|");
      const firsts = group.map((l) => l.timeToFirstUpdateMinutes).filter((m): m is number => m !== null);
      const judged = group.reduce((s, l) => s + l.promisesJudged, 0);
      const kept = group.reduce((s, l) => s + l.promisesKept, 0);
      const complaints = group.reduce((s, l) => s + l.complaints, 0);
      const answered = group.reduce((s, l) => s + l.answered, 0);
      return {
        month,
        severity,
        incidents: group.length,
        medianTimeToFirstUpdateMinutes: round(median(firsts), 1),
        withoutUpdate: group.length - firsts.length,
        promisesJudged: judged,
        cadenceKept: round(share(kept, judged), 3),
        complaints,
        coverage: round(share(answered, complaints), 3),
      };
    });
}

/** The whole period in one line (all months and severities pooled the same way). */
export function overall(lines: readonly IncidentLine[]): Omit<TrendRow, "month" | "severity"> {
  const [row] = trends(lines.map((l) => ({ ...l, month: "all", severity: "all" })));
  return row
    ? { ...row }
    : {
        incidents: 0,
        medianTimeToFirstUpdateMinutes: null,
        withoutUpdate: 0,
        promisesJudged: 0,
        cadenceKept: null,
        complaints: 0,
        coverage: null,
      };
}

// ——— Reply workload by team member ———

export interface WorkloadFacts {
  userId: number | null;
  name: string | null;
  replies: number;
  /** Sends: a reply to everyone in a spike counts once. */
  sends: number;
  incidents: number;
  medianReplySeconds: number | null;
  updatesAuthored: number;
  updatesApproved: number;
}

export interface WorkloadRow extends Omit<WorkloadFacts, "medianReplySeconds"> {
  name: string;
  medianReplyMinutes: number | null;
}

export function workload(
  replyRows: readonly Omit<WorkloadFacts, "updatesAuthored" | "updatesApproved">[],
  updateRows: readonly { userId: number | null; name: string | null; authored: number; approved: number }[],
): WorkloadRow[] {
  const byUser = new Map<string, WorkloadFacts>();
  const keyOf = (id: number | null) => (id === null ? "none" : String(id));
  for (const r of replyRows) byUser.set(keyOf(r.userId), { ...r, updatesAuthored: 0, updatesApproved: 0 });
  for (const u of updateRows) {
    const row = byUser.get(keyOf(u.userId)) ?? {
      userId: u.userId,
      name: u.name,
      replies: 0,
      sends: 0,
      incidents: 0,
      medianReplySeconds: null,
      updatesAuthored: 0,
      updatesApproved: 0,
    };
    row.updatesAuthored += u.authored;
    row.updatesApproved += u.approved;
    byUser.set(keyOf(u.userId), row);
  }
  return [...byUser.values()]
    .map(({ medianReplySeconds, ...r }) => ({
      ...r,
      name: r.name ?? (r.userId === null ? "(system or removed user)" : `user #${r.userId}`),
      medianReplyMinutes: medianReplySeconds === null ? null : round(medianReplySeconds / 60, 1),
    }))
    .sort(
      (a, b) =>
        b.replies - a.replies || b.updatesAuthored - a.updatesAuthored || a.name.localeCompare(b.name),
    );
}

/** Trend rows pivoted for a chart: one object per month, one key per severity holding `value(row)`. */
export function pivotByMonth(
  rows: readonly TrendRow[],
  value: (r: TrendRow) => number | null,
): { data: Record<string, number | string | null>[]; severities: string[] } {
  const severities = [...new Set(rows.map((r) => r.severity))].sort();
  const months = [...new Set(rows.map((r) => r.month))].sort();
  const data = months.map((month) => {
    const point: Record<string, number | string | null> = { month };
    for (const s of severities) {
      const row = rows.find((r) => r.month === month && r.severity === s);
      point[s] = row ? value(row) : null;
    }
    return point;
  });
  return { data, severities };
}
