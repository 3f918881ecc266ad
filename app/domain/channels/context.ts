import { formatRegionList, formatTime } from "~/domain/templates";
import type { UpdateKind } from "./kinds";
import type { ComposeLimits, StatusUpdateInput, VariantReport } from "./types";

/** What every channel formatter receives: the update and how to present it. */
export interface ComposeContext {
  input: StatusUpdateInput;
  timeZone: string;
  /** When given, a next-update time on a later day names the day ("9:00 AM PST tomorrow"). */
  now?: string;
  limits: ComposeLimits;
}

/** How an update's kind reads to the public (email subject prefix, Slack and Teams labels). */
export const KIND_LABELS: Record<UpdateKind, string> = {
  holding: "Incident",
  update: "Update",
  resolution: "Resolved",
};

export interface Fact {
  title: string;
  value: string;
}

export function updateLabel({ kind, updateNumber }: StatusUpdateInput): string {
  return kind === "update" && updateNumber > 1 ? `${KIND_LABELS.update} ${updateNumber}` : KIND_LABELS[kind];
}

export function nextUpdateTime(context: ComposeContext): string | null {
  const { nextUpdateAt, kind } = context.input;
  if (!nextUpdateAt || kind === "resolution") return null;
  return formatTime(nextUpdateAt, context.timeZone, { now: context.now });
}

/** Severity, regions and the next update time, as label/value pairs (Teams facts, email and Slack lines). */
export function updateFacts(context: ComposeContext): Fact[] {
  const { severity, regions } = context.input;
  const facts: Fact[] = [{ title: "Severity", value: severity }];
  if (regions.length > 0) facts.push({ title: "Regions", value: formatRegionList(regions) });
  const next = nextUpdateTime(context);
  if (next) facts.push({ title: "Next update", value: `by ${next}` });
  return facts;
}

/** "SEV2 · California and Nevada · Next update by 3:30 PM PST" */
export function contextLine(context: ComposeContext): string {
  return updateFacts(context)
    .map(({ title, value }) => (title === "Next update" ? `${title} ${value}` : value))
    .join(" · ");
}

/** A report for a channel without a practical limit: only emptiness makes it invalid. */
export function unlimitedReport(
  used: number,
  unit: VariantReport["unit"],
  notes: string[] = [],
): VariantReport {
  return used > 0
    ? { used, limit: null, unit, ok: true, notes }
    : { used, limit: null, unit, ok: false, notes: [...notes, "The text is empty"] };
}
