import { and, asc, eq, inArray, isNotNull, sql } from "drizzle-orm";
import type { FeatureCollection } from "geojson";
import { type RegionGeometry, simplifyRegions } from "~/domain/geo-simplify";
import {
  componentStatuses,
  historyByDay,
  type MaintenanceLike,
  overallLevel,
  type PublicIncident,
  type PublishedUpdate,
  regionStatuses,
  toPublicIncident,
} from "~/domain/status/public-status";
import { NotFoundError } from "~/utils/errors";
import { type Db, queryRows } from "~db/client.server";
import { components, maintenanceWindows, organisations, regions, statusUpdates } from "~db/schema";

/**
 * What the public may see, and nothing else: published updates (state `published`), the incidents they
 * speak about as those updates describe them, maintenance windows, components and regions. No incident
 * record field, draft, note, complaint or subscriber is read here.
 *
 * Fast under load: `statusVersion` is one cheap query over indexes; pages derive their ETag from it
 * and answer 304 without building anything, and the built page data is kept per version.
 */

const DAY = 86_400_000;
export const HISTORY_DAYS = 90;

/** Changes whenever anything the public pages show changes (and at each UTC midnight, for history). */
export async function statusVersion(db: Db, orgId: number, now = new Date()): Promise<string> {
  const [row] = await queryRows<Record<string, string | null>>(
    db,
    sql`select
          (select count(*) || ':' || coalesce(max(greatest(published_at, updated_at))::text, '')
             from status_updates where org_id = ${orgId} and published_at is not null) as updates,
          (select count(*) || ':' || coalesce(max(updated_at)::text, '')
             from maintenance_windows where org_id = ${orgId}) as maintenance,
          (select coalesce(md5(string_agg(id || name || description || position, ',' order by id)), '')
             from components where org_id = ${orgId}) as components,
          (select count(*) || ':' || coalesce(max(created_at)::text, '') from regions where org_id = ${orgId}) as regions,
          (select name from organisations where id = ${orgId}) as org`,
  );
  return [
    row.updates,
    row.maintenance,
    row.components,
    row.regions,
    row.org,
    now.toISOString().slice(0, 10),
  ].join("|");
}

type UpdateRow = PublishedUpdate & { incidentId: number; id: number };

/** Published updates of incidents still open publicly or updated in the last 90 days. */
async function publishedUpdates(db: Db, orgId: number, now: Date, incidentId?: number): Promise<UpdateRow[]> {
  const from = new Date(now.getTime() - HISTORY_DAYS * DAY).toISOString();
  const rows = await db
    .select({
      id: statusUpdates.id,
      incidentId: statusUpdates.incidentId,
      number: statusUpdates.number,
      kind: statusUpdates.kind,
      // The text as published (placeholders filled at publication), else as approved.
      title: sql<string>`coalesce(${statusUpdates.publishedTitle}, ${statusUpdates.title})`,
      body: sql<string>`coalesce(${statusUpdates.publishedBody}, ${statusUpdates.body})`,
      incidentState: statusUpdates.incidentState,
      regions: statusUpdates.regions,
      componentStatuses: statusUpdates.componentStatuses,
      nextUpdateAt: statusUpdates.nextUpdateAt,
      publishedAt: statusUpdates.publishedAt,
    })
    .from(statusUpdates)
    .where(
      and(
        eq(statusUpdates.orgId, orgId),
        eq(statusUpdates.state, "published"),
        isNotNull(statusUpdates.publishedAt),
        incidentId === undefined
          ? sql`${statusUpdates.incidentId} in (
              select incident_id from status_updates
              where org_id = ${orgId} and state = 'published' and published_at is not null
              group by incident_id
              having max(published_at) >= ${from}::timestamptz
                or not bool_or(kind = 'resolution' or incident_state = 'resolved'))`
          : eq(statusUpdates.incidentId, incidentId),
      ),
    )
    .orderBy(asc(statusUpdates.incidentId), asc(statusUpdates.publishedAt));
  return rows.map((r) => ({ ...r, publishedAt: r.publishedAt as Date }));
}

function groupIncidents(rows: UpdateRow[]): PublicIncident[] {
  const byIncident = new Map<number, UpdateRow[]>();
  for (const r of rows) byIncident.set(r.incidentId, [...(byIncident.get(r.incidentId) ?? []), r]);
  return [...byIncident.entries()].map(([id, updates]) => toPublicIncident(id, updates));
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function incidentOut(i: PublicIncident) {
  return {
    id: i.id,
    title: i.title,
    state: i.state,
    regions: i.regions,
    startedAt: i.startedAt.toISOString(),
    resolvedAt: iso(i.resolvedAt),
    nextUpdateAt: iso(i.nextUpdateAt),
    updates: i.updates.map((u) => ({
      number: u.number,
      kind: u.kind,
      title: u.title,
      body: u.body,
      state: u.kind === "resolution" ? "resolved" : (u.incidentState ?? "investigating"),
      publishedAt: u.publishedAt.toISOString(),
    })),
  };
}
export type PublicIncidentOut = ReturnType<typeof incidentOut>;

async function orgName(db: Db, orgId: number): Promise<string> {
  const [org] = await db
    .select({ name: organisations.name })
    .from(organisations)
    .where(eq(organisations.id, orgId));
  return org?.name ?? "";
}

async function regionNames(db: Db, orgId: number) {
  return db
    .select({ code: regions.code, name: regions.name })
    .from(regions)
    .where(eq(regions.orgId, orgId))
    .orderBy(asc(regions.name));
}

async function maintenanceRows(db: Db, orgId: number, now: Date) {
  const from = new Date(now.getTime() - HISTORY_DAYS * DAY);
  return db
    .select({
      id: maintenanceWindows.id,
      title: maintenanceWindows.title,
      description: maintenanceWindows.description,
      regions: maintenanceWindows.regions,
      componentIds: maintenanceWindows.componentIds,
      state: maintenanceWindows.state,
      startsAt: maintenanceWindows.startsAt,
      endsAt: maintenanceWindows.endsAt,
      createdAt: maintenanceWindows.createdAt,
    })
    .from(maintenanceWindows)
    .where(
      and(
        eq(maintenanceWindows.orgId, orgId),
        inArray(maintenanceWindows.state, ["scheduled", "in_progress", "completed"]),
        sql`${maintenanceWindows.endsAt} >= ${from.toISOString()}::timestamptz`,
      ),
    )
    .orderBy(asc(maintenanceWindows.startsAt));
}

async function buildStatus(db: Db, orgId: number, now: Date) {
  const [org, updates, regionList, componentList, maintenance] = await Promise.all([
    orgName(db, orgId),
    publishedUpdates(db, orgId, now),
    regionNames(db, orgId),
    db
      .select({ id: components.id, name: components.name, description: components.description })
      .from(components)
      .where(eq(components.orgId, orgId))
      .orderBy(asc(components.position), asc(components.name)),
    maintenanceRows(db, orgId, now),
  ]);
  const incidents = groupIncidents(updates);
  const open = incidents
    .filter((i) => i.state !== "resolved")
    .sort((a, b) => b.updates[0].publishedAt.getTime() - a.updates[0].publishedAt.getTime());
  const live: MaintenanceLike[] = maintenance;
  const componentOut = componentStatuses(componentList, open, live);
  const inProgress = maintenance.filter((m) => m.state === "in_progress");
  return {
    org,
    level: overallLevel(componentOut, open.length, inProgress.length),
    regions: regionStatuses(regionList, open, live),
    components: componentOut,
    open: open.map(incidentOut),
    maintenance: maintenance
      .filter((m) => m.state !== "completed")
      .map(({ createdAt: _, ...m }) => ({
        ...m,
        startsAt: m.startsAt.toISOString(),
        endsAt: m.endsAt.toISOString(),
      })),
    history: historyByDay(incidents, maintenance, now, HISTORY_DAYS),
  };
}
export type PublicStatus = Awaited<ReturnType<typeof buildStatus>>;

const cache = new Map<number, { version: string; status: PublicStatus }>();

/** The status page's data for `version` (from `statusVersion`), built once per version per process. */
export async function publicStatus(
  db: Db,
  orgId: number,
  version: string,
  now = new Date(),
): Promise<PublicStatus> {
  const hit = cache.get(orgId);
  if (hit?.version === version) return hit.status;
  const status = await buildStatus(db, orgId, now);
  cache.set(orgId, { version, status });
  return status;
}

/** One incident's public page: 404 unless at least one of its updates is published. */
export async function publicIncident(db: Db, orgId: number, incidentId: number, now = new Date()) {
  if (!Number.isSafeInteger(incidentId) || incidentId <= 0) throw new NotFoundError("No such incident");
  const updates = await publishedUpdates(db, orgId, now, incidentId);
  if (updates.length === 0) throw new NotFoundError("No such incident");
  const [org, regionList] = await Promise.all([orgName(db, orgId), regionNames(db, orgId)]);
  const incident = incidentOut(toPublicIncident(incidentId, updates));
  const names = new Map(regionList.map((r) => [r.code, r.name]));
  return { org, incident, regionNames: incident.regions.map((c) => names.get(c) ?? c) };
}

/** Feed entries: published updates (newest first) and maintenance notices of the last 90 days. */
export async function feedEntries(db: Db, orgId: number, now = new Date(), limit = 50) {
  const [org, updates, maintenance] = await Promise.all([
    orgName(db, orgId),
    publishedUpdates(db, orgId, now),
    maintenanceRows(db, orgId, now),
  ]);
  const titles = new Map(groupIncidents(updates).map((i) => [i.id, i.title]));
  const entries = [
    ...updates.map((u) => ({
      type: "update" as const,
      incidentId: u.incidentId,
      number: u.number,
      kind: u.kind,
      state: u.kind === "resolution" ? "resolved" : (u.incidentState ?? "investigating"),
      incidentTitle: titles.get(u.incidentId) ?? "",
      title: u.title,
      body: u.body,
      at: u.publishedAt,
    })),
    // A maintenance notice is news when it is announced, not when the work starts.
    ...maintenance.map((m) => ({ type: "maintenance" as const, ...m, at: m.createdAt })),
  ];
  entries.sort((a, b) => b.at.getTime() - a.at.getTime());
  return { org, entries: entries.slice(0, limit) };
}

const shapes = new Map<
  number,
  { version: string; fc: FeatureCollection<RegionGeometry, { code: string; name: string }> }
>();

/** Region outlines for the status map, simplified (~5 km) and kept per process. */
export async function publicRegionShapes(db: Db, orgId: number) {
  const [v] = await queryRows<{ version: string }>(
    db,
    sql`select count(*) || ':' || coalesce(max(created_at)::text, '') as version from regions where org_id = ${orgId}`,
  );
  const hit = shapes.get(orgId);
  if (hit?.version === v.version) return { version: v.version, fc: hit.fc };
  const rows = await db
    .select({ code: regions.code, name: regions.name, geometry: regions.geometry })
    .from(regions)
    .where(eq(regions.orgId, orgId));
  const fc = simplifyRegions(
    {
      type: "FeatureCollection",
      features: rows
        .filter((r) => r.geometry.type === "Polygon" || r.geometry.type === "MultiPolygon")
        .map((r) => ({
          type: "Feature" as const,
          properties: { code: r.code, name: r.name },
          geometry: r.geometry as RegionGeometry,
        })),
    },
    { tolerance: 0.05, decimals: 2 },
  );
  shapes.set(orgId, { version: v.version, fc });
  return { version: v.version, fc };
}
