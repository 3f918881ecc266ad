import type { IncidentState, Severity } from "~db/schema/enums";

/**
 * Incident lifecycle rules (pure). States move investigating → identified → monitoring → resolved; a
 * commander may step back (monitoring → identified when a fix did not hold) and may reopen a resolved
 * incident. Staying in the same state is not a change.
 */
const ALLOWED: Record<IncidentState, IncidentState[]> = {
  investigating: ["identified", "monitoring", "resolved"],
  identified: ["investigating", "monitoring", "resolved"],
  monitoring: ["investigating", "identified", "resolved"],
  resolved: ["investigating", "identified", "monitoring"],
};

export function canTransition(from: IncidentState, to: IncidentState): boolean {
  return ALLOWED[from].includes(to);
}

export function transitionVerb(from: IncidentState, to: IncidentState): string {
  if (from === "resolved") return "reopened";
  if (to === "resolved") return "resolved";
  return `moved to ${to}`;
}

export const STATE_LABELS: Record<IncidentState, string> = {
  investigating: "Investigating",
  identified: "Identified",
  monitoring: "Monitoring",
  resolved: "Resolved",
};

export const SEVERITY_LABELS: Record<Severity, string> = {
  SEV1: "SEV1 · critical",
  SEV2: "SEV2 · major",
  SEV3: "SEV3 · minor",
  SEV4: "SEV4 · low",
};

/**
 * When the next public update is due: the promised cadence after the last published update, or after
 * the start when nothing has been said yet (silence is visible). Null once resolved.
 */
export function nextUpdateDue(input: {
  state: IncidentState;
  startedAt: number;
  lastPublishedAt: number | null;
  cadenceMinutes: number;
  promisedMinutes?: number | null;
}): number | null {
  if (input.state === "resolved") return null;
  const from = input.lastPublishedAt ?? input.startedAt;
  return from + (input.promisedMinutes ?? input.cadenceMinutes) * 60_000;
}

/** A short, human elapsed time: "2h 05m", "45m", "3d 4h". */
export function formatElapsed(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${String(mins).padStart(2, "0")}m`;
  return `${mins}m`;
}

/** Reply-queue priority: people with more reach first, and anyone past the SLA before anyone who is not. */
export const REPLY_SLA_MINUTES = 60;

export function replyUrgency(input: { followers: number | null; ageMinutes: number }): number {
  const reach = Math.log10(1 + Math.max(0, input.followers ?? 0));
  const overdue = input.ageMinutes >= REPLY_SLA_MINUTES ? 10 : 0;
  return overdue + reach + input.ageMinutes / REPLY_SLA_MINUTES;
}
