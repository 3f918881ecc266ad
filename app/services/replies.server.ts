import { randomUUID } from "node:crypto";
import { and, eq, gte, inArray, isNull, lte, sql } from "drizzle-orm";
import { z } from "zod";
import { fieldErrors, NotFoundError, ValidationError } from "~/utils/errors";
import type { Db } from "~db/client.server";
import {
  complaints,
  deliveries,
  incidentCoverage,
  incidentEvents,
  incidents,
  replies,
  spikeClusters,
} from "~db/schema";
import { type Actor, audit } from "./audit.server";
import { notifyOnCommit } from "./events.server";

/**
 * The two-way conversation: a reply to one person, or to everyone in a spike cluster at once. Each reply
 * leaves through the channel its complaint came from, as a delivery row in the outbox (the same durable
 * path as status updates; until that channel is connected the delivery waits as `pending`). Replied
 * complaints count as answered, per region.
 */

export const MAX_CLUSTER_REPLY = 5000;

const replySchema = z
  .object({
    body: z
      .string({ message: "Write the reply" })
      .trim()
      .min(2, "Write the reply")
      .max(2000, "Keep replies under 2,000 characters"),
    complaintIds: z.array(z.coerce.number().int().positive()).max(MAX_CLUSTER_REPLY).default([]),
    clusterId: z.coerce.number().int().positive().nullish(),
  })
  .refine((v) => v.complaintIds.length > 0 || v.clusterId, {
    message: "Choose who to reply to",
    path: ["complaintIds"],
  });

export interface ReplyResult {
  replied: number;
  alreadyAnswered: number;
  batchId: string | null;
}

export async function sendReplies(
  db: Db,
  orgId: number,
  incidentId: number,
  input: { body: unknown; complaintIds?: unknown; clusterId?: unknown },
  actor: Actor,
): Promise<ReplyResult> {
  const parsed = replySchema.safeParse(input);
  if (!parsed.success) throw new ValidationError("The reply is not valid", fieldErrors(parsed.error.issues));
  const { body, complaintIds, clusterId } = parsed.data;
  return db.transaction(async (tx) => {
    const [incident] = await tx
      .select()
      .from(incidents)
      .where(and(eq(incidents.id, incidentId), eq(incidents.orgId, orgId)));
    if (!incident) throw new NotFoundError(`Incident ${incidentId} does not exist.`);
    let targets: { id: number; source: string; region: string | null; answeredAt: Date | null }[];
    const columns = {
      id: complaints.id,
      source: complaints.source,
      region: complaints.regionCode,
      answeredAt: complaints.answeredAt,
    };
    if (clusterId) {
      const [cluster] = await tx
        .select()
        .from(spikeClusters)
        .where(and(eq(spikeClusters.id, clusterId), eq(spikeClusters.orgId, orgId)));
      if (!cluster) throw new NotFoundError(`Spike ${clusterId} does not exist.`);
      // Everyone in the cluster: this incident's complaints of its topic, regions and time, not yet answered.
      targets = await tx
        .select(columns)
        .from(complaints)
        .where(
          and(
            eq(complaints.orgId, orgId),
            eq(complaints.incidentId, incidentId),
            isNull(complaints.answeredAt),
            eq(complaints.topicSlug, cluster.topicSlug),
            inArray(complaints.regionCode, cluster.regions),
            gte(complaints.createdAt, new Date(cluster.startedAt.getTime() - 30 * 60_000)),
            cluster.endedAt ? lte(complaints.createdAt, cluster.endedAt) : undefined,
          ),
        )
        .limit(MAX_CLUSTER_REPLY);
    } else {
      targets = await tx
        .select(columns)
        .from(complaints)
        .where(
          and(
            eq(complaints.orgId, orgId),
            eq(complaints.incidentId, incidentId),
            inArray(complaints.id, complaintIds),
          ),
        );
      if (targets.length !== new Set(complaintIds).size) {
        throw new NotFoundError("Some of those complaints are not in this incident.");
      }
    }
    const open = targets.filter((t) => !t.answeredAt);
    if (open.length === 0) return { replied: 0, alreadyAnswered: targets.length, batchId: null };
    const batchId = open.length > 1 ? randomUUID() : null;
    const created = await tx
      .insert(replies)
      .values(
        open.map((t) => ({
          orgId,
          incidentId,
          complaintId: t.id,
          clusterId: clusterId ?? null,
          batchId,
          body,
          via: t.source,
          authorUserId: actor.userId ?? null,
        })),
      )
      .returning({ id: replies.id });
    await tx.insert(deliveries).values(
      created.map((r) => ({
        orgId,
        replyId: r.id,
        idempotencyKey: `reply:${r.id}`,
        state: "pending" as const,
      })),
    );
    const now = new Date();
    await tx
      .update(complaints)
      .set({ answeredAt: now })
      .where(
        inArray(
          complaints.id,
          open.map((t) => t.id),
        ),
      );
    const byRegion = new Map<string, number>();
    for (const t of open) byRegion.set(t.region ?? "unknown", (byRegion.get(t.region ?? "unknown") ?? 0) + 1);
    for (const [region, n] of [...byRegion.entries()].sort()) {
      await tx
        .insert(incidentCoverage)
        .values({ incidentId, regionCode: region, complaints: 0, answered: n })
        .onConflictDoUpdate({
          target: [incidentCoverage.incidentId, incidentCoverage.regionCode],
          set: { answered: sql`${incidentCoverage.answered} + ${n}` },
        });
    }
    const who = clusterId
      ? `everyone in spike #${clusterId} (${open.length})`
      : open.length === 1
        ? "1 person"
        : `${open.length} people`;
    await tx.insert(incidentEvents).values({
      orgId,
      incidentId,
      actorUserId: actor.userId ?? null,
      kind: "reply_sent",
      message: `Replied to ${who}: “${body.length > 120 ? `${body.slice(0, 117)}…` : body}”`,
      data: { count: open.length, clusterId: clusterId ?? null, batchId },
    });
    await notifyOnCommit(tx, { type: "incident", orgId, incidentId, kind: "reply_sent" });
    await audit(tx, {
      orgId,
      actor,
      action: "incident.reply_sent",
      targetType: "incident",
      targetId: incidentId,
      data: { count: open.length, clusterId: clusterId ?? null },
    });
    return { replied: open.length, alreadyAnswered: targets.length - open.length, batchId };
  });
}
