import { and, eq, inArray } from "drizzle-orm";
import type { ComposeChannelKind } from "~/domain/channels";
import { rankTemplates } from "~/domain/updates";
import { NotFoundError } from "~/utils/errors";
import type { Db } from "~db/client.server";
import { incidents, organisations, regions, topics } from "~db/schema";
import { enabledChannels } from "./channels.server";
import { listTemplates } from "./templates.server";
import { incidentPublicUrl } from "./update-payloads.server";
import { publishingStatus, updatesForIncident } from "./updates.server";

/**
 * What the room's status-update panel needs: the incident's updates with their approval conversation and
 * deliveries, the templates that fit it, the channels a new update will go to (with what the composer
 * needs to preview each exactly), and the kill switch.
 */
export async function loadComms(db: Db, orgId: number, incidentId: number, publicUrl: string) {
  const [incident] = await db
    .select()
    .from(incidents)
    .where(and(eq(incidents.id, incidentId), eq(incidents.orgId, orgId)));
  if (!incident) throw new NotFoundError(`Incident ${incidentId} does not exist.`);
  const [updates, templateRows, channelRows, publishing, [org], regionRows, topicRows] = await Promise.all([
    updatesForIncident(db, orgId, incidentId),
    listTemplates(db, orgId),
    enabledChannels(db, orgId),
    publishingStatus(db, orgId),
    db.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, orgId)),
    incident.regions.length
      ? db
          .select({ code: regions.code, name: regions.name, timeZones: regions.timeZones })
          .from(regions)
          .where(and(eq(regions.orgId, orgId), inArray(regions.code, incident.regions)))
      : [],
    incident.topics.length
      ? db
          .select({ label: topics.label })
          .from(topics)
          .where(and(eq(topics.orgId, orgId), inArray(topics.slug, incident.topics)))
      : [],
  ]);
  const byCode = new Map(regionRows.map((r) => [r.code, r]));
  const ordered = incident.regions.map((c) => byCode.get(c)).filter((r) => r !== undefined);
  const lastPublished = updates.find((u) => u.state === "published");
  return {
    renderedAt: new Date().toISOString(),
    updates,
    templates: rankTemplates(templateRows, {
      kind: lastPublished ? (incident.state === "monitoring" ? "resolution" : "update") : "holding",
      topics: incident.topics,
      severity: incident.severity,
    }).map((t) => ({ id: t.id, name: t.name, kind: t.kind, title: t.title, body: t.body })),
    channels: channelRows.map((c) => ({ id: c.id, kind: c.kind as ComposeChannelKind, name: c.name })),
    publishing,
    compose: {
      orgName: org?.name ?? "",
      publicUrl,
      incidentUrl: incidentPublicUrl(publicUrl, incident.id),
      regionNames: ordered.map((r) => r.name),
      timeZone: ordered[0]?.timeZones[0] ?? "UTC",
      topicLabels: topicRows.map((t) => t.label),
      incident: {
        id: incident.id,
        title: incident.title,
        severity: incident.severity,
        state: incident.state,
        regions: incident.regions,
        cadenceMinutes: incident.cadenceMinutes,
      },
      nextNumber: (updates[0]?.number ?? 0) + 1,
    },
  };
}

export type RoomComms = Awaited<ReturnType<typeof loadComms>>;
