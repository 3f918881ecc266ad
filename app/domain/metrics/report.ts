import type { IncidentMetrics } from "./incident";

/**
 * The post-incident comms report: the incident, its published updates, the timeline of spikes,
 * decisions, updates and replies, the metrics, and the volume chart's points. The page renders it and
 * `reportMarkdown` (markdown.ts) writes it down.
 */

export type TimelineCategory = "spike" | "decision" | "update" | "reply" | "note";

export interface ReportTimelineEntry {
  /** Stable within the report: `e<event id>`, `s<spike id>-began` / `-detected`. */
  id: string;
  at: number;
  category: TimelineCategory;
  message: string;
  actor: string | null;
}

export interface ReportUpdate {
  number: number;
  kind: string;
  title: string;
  body: string;
  publishedAt: number;
  nextUpdateAt: number | null;
  author: string | null;
  approver: string | null;
}

export interface ReportChartPoint {
  t: number;
  observed: number;
  /** Mean of the same bin in the earlier weeks with data; null without history. */
  expected: number | null;
}

export interface IncidentReport {
  incident: {
    id: number;
    title: string;
    severity: string;
    state: string;
    summary: string;
    regions: string[];
    topics: string[];
    commander: string | null;
    startedAt: number;
    openedAt: number;
    resolvedAt: number | null;
    cadenceMinutes: number;
  };
  metrics: IncidentMetrics;
  updates: ReportUpdate[];
  timeline: { entries: ReportTimelineEntry[]; total: number };
  chart: { stepMinutes: number; seasonalWeeks: number; points: ReportChartPoint[] };
}

const UPDATE_KINDS = new Set(["update_published", "update_approved", "update_withdrawn"]);

/** Which strand of the story an incident event belongs to. */
export function timelineCategory(kind: string): TimelineCategory | null {
  if (kind.startsWith("spike_") || kind === "regions_changed" || kind === "suggestion_dismissed")
    return "spike";
  if (UPDATE_KINDS.has(kind)) return "update";
  // Drafts, reviews and comments are the workings of an update, not the story: the report leaves them out.
  if (kind.startsWith("update_")) return null;
  if (kind === "reply_sent") return "reply";
  if (kind === "note") return "note";
  return "decision";
}

export const CATEGORY_LABELS: Record<TimelineCategory, string> = {
  spike: "Spike",
  decision: "Decision",
  update: "Update",
  reply: "Reply",
  note: "Note",
};
