import type { LoaderFunctionArgs } from "@remix-run/node";
import { and, eq, inArray, isNull } from "drizzle-orm";
import { toSpikeOut } from "~/services/detection.server";
import { getIncident } from "~/services/incidents.server";
import { apiError, handleApi } from "~/utils/api.server";
import { requireApiToken } from "~/utils/auth.server";
import { channels, deliveries } from "~db/schema";

/** GET /api/v1/incidents/:id — the incident with its team, linked spikes, status updates and deliveries. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  return handleApi(request, async () => {
    const caller = await requireApiToken(request, context);
    const id = Number(params.id);
    if (!Number.isSafeInteger(id) || id <= 0) return apiError(404, `There is no incident ${params.id}.`);
    const { db } = caller.services;
    const { row, assignments, linked, updates, nextUpdateDueAt } = await getIncident(db, caller.orgId, id);
    const updateIds = updates.map((u) => u.id);
    const sent = updateIds.length
      ? await db
          .select({ delivery: deliveries, channelKind: channels.kind, channelName: channels.name })
          .from(deliveries)
          .leftJoin(channels, eq(channels.id, deliveries.channelId))
          .where(
            and(
              eq(deliveries.orgId, caller.orgId),
              inArray(deliveries.updateId, updateIds),
              isNull(deliveries.subscriberId),
            ),
          )
      : [];
    return Response.json({
      id: row.id,
      title: row.title,
      state: row.state,
      severity: row.severity,
      summary: row.summary,
      regions: row.regions,
      topics: row.topics,
      componentIds: row.componentIds,
      startedAt: row.startedAt.toISOString(),
      identifiedAt: row.identifiedAt?.toISOString() ?? null,
      monitoringAt: row.monitoringAt?.toISOString() ?? null,
      resolvedAt: row.resolvedAt?.toISOString() ?? null,
      cadenceMinutes: row.cadenceMinutes,
      nextUpdateDueAt,
      team: assignments.map((a) => ({ role: a.role, userId: a.userId, name: a.name })),
      spikes: linked.map(toSpikeOut),
      updates: updates.map((u) => ({
        id: u.id,
        number: u.number,
        kind: u.kind,
        state: u.state,
        title: u.title,
        body: u.body,
        nextUpdateAt: u.nextUpdateAt?.toISOString() ?? null,
        createdAt: u.createdAt.toISOString(),
        approvedAt: u.approvedAt?.toISOString() ?? null,
        publishedAt: u.publishedAt?.toISOString() ?? null,
        deliveries: sent
          .filter((d) => d.delivery.updateId === u.id)
          .map((d) => ({
            id: d.delivery.id,
            channel: d.channelName,
            kind: d.delivery.channelKind ?? d.channelKind,
            state: d.delivery.state,
            attempts: d.delivery.attempts,
            remoteUrl: d.delivery.remoteUrl,
            lastError: d.delivery.lastError,
            sentAt: d.delivery.sentAt?.toISOString() ?? null,
          })),
      })),
    });
  });
}
