import { t } from "~/locales";
import type { ComponentStatus, IncidentState, UpdateKind } from "~db/schema/enums";

/**
 * What the public status page says, derived only from what was published: each incident's public state,
 * title and regions come from its published updates (never from the incident record, which the team
 * edits before telling anyone), components from those updates' component statuses and from maintenance
 * in progress. Pure: the service reads the rows, these functions decide.
 */

export type RegionState = "operational" | "maintenance" | "monitoring" | "identified" | "investigating";

/** Worse is higher. An incident still being investigated is worse news than one being monitored. */
export const REGION_STATE_RANK: Record<RegionState, number> = {
  operational: 0,
  maintenance: 1,
  monitoring: 2,
  identified: 3,
  investigating: 4,
};

export const COMPONENT_STATUS_RANK: Record<ComponentStatus, number> = {
  operational: 0,
  maintenance: 1,
  degraded: 2,
  partial_outage: 3,
  major_outage: 4,
};

export interface PublishedUpdate {
  number: number;
  kind: UpdateKind;
  title: string;
  body: string;
  incidentState: IncidentState | null;
  regions: string[];
  componentStatuses: Record<string, string>;
  nextUpdateAt: Date | null;
  publishedAt: Date;
}

export interface PublicIncident {
  id: number;
  title: string;
  state: IncidentState;
  regions: string[];
  /** Component id → status, as the latest update announced. */
  componentStatuses: Record<string, ComponentStatus>;
  startedAt: Date;
  resolvedAt: Date | null;
  nextUpdateAt: Date | null;
  /** Newest first. */
  updates: PublishedUpdate[];
}

function isComponentStatus(value: string): value is ComponentStatus {
  return value in COMPONENT_STATUS_RANK;
}

/** An incident as the public knows it, from its published updates (at least one). */
export function toPublicIncident(id: number, published: PublishedUpdate[]): PublicIncident {
  if (published.length === 0) throw new RangeError("an incident without published updates is not public");
  const updates = [...published].sort(
    (a, b) => b.publishedAt.getTime() - a.publishedAt.getTime() || b.number - a.number,
  );
  const latest = updates[0];
  const state: IncidentState =
    latest.kind === "resolution" ? "resolved" : (latest.incidentState ?? "investigating");
  const statuses: Record<string, ComponentStatus> = {};
  for (const [componentId, status] of Object.entries(latest.componentStatuses ?? {})) {
    if (isComponentStatus(status)) statuses[componentId] = state === "resolved" ? "operational" : status;
  }
  return {
    id,
    title: updates.find((u) => u.title.trim() !== "")?.title.trim() ?? t("incidents.heading"),
    state,
    regions: [...(updates.find((u) => u.regions.length > 0)?.regions ?? [])].sort(),
    componentStatuses: statuses,
    startedAt: updates[updates.length - 1].publishedAt,
    resolvedAt: state === "resolved" ? latest.publishedAt : null,
    nextUpdateAt: state === "resolved" ? null : latest.nextUpdateAt,
    updates,
  };
}

export interface MaintenanceLike {
  id: number;
  title: string;
  regions: string[];
  componentIds: number[];
  state: "scheduled" | "in_progress" | "completed" | "cancelled";
}

export interface RegionStatus {
  code: string;
  name: string;
  state: RegionState;
  /** Open incidents and maintenance in progress that touch the region. */
  incidentIds: number[];
}

/** Every region with its worst state: open incidents by their public state, then maintenance. */
export function regionStatuses(
  regions: { code: string; name: string }[],
  open: PublicIncident[],
  maintenance: MaintenanceLike[],
): RegionStatus[] {
  const byCode = new Map<string, RegionStatus>(
    regions.map((r) => [r.code, { code: r.code, name: r.name, state: "operational", incidentIds: [] }]),
  );
  const raise = (code: string, state: RegionState, incidentId: number | null) => {
    const region = byCode.get(code);
    if (!region) return;
    if (REGION_STATE_RANK[state] > REGION_STATE_RANK[region.state]) region.state = state;
    if (incidentId !== null && !region.incidentIds.includes(incidentId)) region.incidentIds.push(incidentId);
  };
  for (const incident of open) {
    if (incident.state === "resolved") continue;
    for (const code of incident.regions) raise(code, incident.state, incident.id);
  }
  for (const m of maintenance) {
    if (m.state === "in_progress") for (const code of m.regions) raise(code, "maintenance", null);
  }
  return [...byCode.values()];
}

export interface ComponentRow {
  id: number;
  name: string;
  description: string;
}

/** Each component's worst announced status across open incidents, or maintenance while in progress. */
export function componentStatuses(
  components: ComponentRow[],
  open: PublicIncident[],
  maintenance: MaintenanceLike[],
): (ComponentRow & { status: ComponentStatus })[] {
  return components.map((c) => {
    let status: ComponentStatus = "operational";
    const raise = (s: ComponentStatus) => {
      if (COMPONENT_STATUS_RANK[s] > COMPONENT_STATUS_RANK[status]) status = s;
    };
    for (const incident of open) {
      if (incident.state === "resolved") continue;
      const announced = incident.componentStatuses[String(c.id)];
      if (announced) raise(announced);
    }
    for (const m of maintenance)
      if (m.state === "in_progress" && m.componentIds.includes(c.id)) raise("maintenance");
    return { ...c, status };
  });
}

export type BannerLevel = ComponentStatus;

/** The overall banner: the worst component status, and at least "degraded" while an incident is open. */
export function overallLevel(
  components: { status: ComponentStatus }[],
  openIncidents: number,
  maintenanceInProgress: number,
): BannerLevel {
  let level: ComponentStatus = "operational";
  for (const c of components)
    if (COMPONENT_STATUS_RANK[c.status] > COMPONENT_STATUS_RANK[level]) level = c.status;
  if (openIncidents > 0 && COMPONENT_STATUS_RANK[level] < COMPONENT_STATUS_RANK.degraded) level = "degraded";
  if (level === "operational" && maintenanceInProgress > 0) level = "maintenance";
  return level;
}

export interface HistoryDay {
  /** YYYY-MM-DD (UTC). */
  date: string;
  incidents: { id: number; title: string; state: IncidentState }[];
  maintenance: { id: number; title: string }[];
}

const DAY = 86_400_000;

export function utcDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * The past `days` days (UTC) that had an incident start or a maintenance window, newest first. Open
 * incidents are listed above, so history holds resolved incidents and completed maintenance.
 */
export function historyByDay(
  incidents: PublicIncident[],
  maintenance: (MaintenanceLike & { startsAt: Date })[],
  now: Date,
  days = 90,
): HistoryDay[] {
  const from = Date.parse(utcDate(now)) - (days - 1) * DAY;
  const out = new Map<string, HistoryDay>();
  const dayOf = (at: Date) => {
    const key = utcDate(at);
    let day = out.get(key);
    if (!day) {
      day = { date: key, incidents: [], maintenance: [] };
      out.set(key, day);
    }
    return day;
  };
  for (const i of incidents) {
    if (i.state !== "resolved" || i.startedAt.getTime() < from) continue;
    dayOf(i.startedAt).incidents.push({ id: i.id, title: i.title, state: i.state });
  }
  for (const m of maintenance) {
    if (m.state !== "completed" || m.startsAt.getTime() < from || m.startsAt > now) continue;
    dayOf(m.startsAt).maintenance.push({ id: m.id, title: m.title });
  }
  return [...out.values()].sort((a, b) => b.date.localeCompare(a.date));
}

/** Does a subscriber with these choices hear about something that touches these regions and components? */
export function subscriberMatches(
  subscriber: { regions: string[]; componentIds: number[] },
  about: { regions: string[]; componentIds: number[] },
): boolean {
  if (subscriber.regions.length === 0 && subscriber.componentIds.length === 0) return true;
  return (
    subscriber.regions.some((r) => about.regions.includes(r)) ||
    subscriber.componentIds.some((c) => about.componentIds.includes(c))
  );
}

const UTC_FORMAT = new Intl.DateTimeFormat("en-US", {
  timeZone: "UTC",
  month: "short",
  day: "numeric",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** "Dec 3, 2026, 14:05 UTC": the same on the server and in the browser (no time-zone surprises). */
export function formatUtc(at: Date | string): string {
  return `${UTC_FORMAT.format(typeof at === "string" ? new Date(at) : at)} UTC`;
}
