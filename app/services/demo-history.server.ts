import { and, asc, eq, gt, gte, inArray, isNull, lte, ne, sql } from "drizzle-orm";
import type { Db } from "~db/client.server";
import {
  complaintCounts,
  complaints,
  deliveries,
  incidentCoverage,
  incidentEvents,
  incidents,
  replies,
  spikeClusters,
  statusUpdates,
  users,
} from "~db/schema";
import { type Role, UNKNOWN_REGION } from "~db/schema/enums";
import { createIncident, stampIncidentComplaints } from "./incidents.server";
import { readJobState, writeJobState } from "./jobs.server";
import { sendReplies } from "./replies.server";
import {
  approveUpdate,
  createUpdate,
  submitUpdate,
  type UpdateActor,
  type UpdateInput,
} from "./updates.server";

/**
 * The demo's past incident: the nationwide app-login failure in the simulated history (16 days back),
 * communicated the way a team would have — opened from its spike, a holding statement and three updates
 * through the real services (one promise missed), replies to people who complained — so the comms report,
 * `/metrics` and the status page's history have a finished story with numbers from the first start.
 * The live western outage is left for the user to communicate.
 *
 * The services stamp "now"; each step is moved back to its moment in the story afterwards, inside one
 * transaction, so the delivery worker never sees a step half-done.
 */

const MIN = 60_000;
const JOB = "demo-history";
const DEMO_DOMAIN = "northwind.example";

interface HistoryState extends Record<string, unknown> {
  incidentId: number;
}

/** What the demo feed knows of its past incident: when it started (null for demos made before it). */
export interface PastIncidentPlan {
  startedAt: number;
  /** True once detection has run past the incident (it opens from its spike if one was found). */
  detectionCaughtUp: boolean;
}

export async function ensureDemoPastIncident(
  db: Db,
  orgId: number,
  plan: PastIncidentPlan,
  publicUrl: string,
): Promise<number | null> {
  if (await readJobState<HistoryState>(db, orgId, JOB)) return null;
  const T = plan.startedAt;
  const [cluster] = await db
    .select()
    .from(spikeClusters)
    .where(
      and(
        eq(spikeClusters.orgId, orgId),
        eq(spikeClusters.topicSlug, "app-login"),
        eq(spikeClusters.level, "detected"),
        isNull(spikeClusters.incidentId),
        gte(spikeClusters.startedAt, new Date(T - 30 * MIN)),
        lte(spikeClusters.startedAt, new Date(T + 120 * MIN)),
      ),
    )
    .orderBy(asc(spikeClusters.detectedAt))
    .limit(1);
  if (!cluster && !plan.detectionCaughtUp) return null;
  const people = await demoPeople(db);
  if (!people) return null;

  const incidentId = await db.transaction(async (tx) => {
    const openedAt = cluster ? cluster.detectedAt.getTime() + 12 * MIN : T + 25 * MIN;
    const end = openedAt + 170 * MIN; // the resolution
    let mark = await lastEventId(tx);
    const moveEvents = async (at: number) => {
      await tx
        .update(incidentEvents)
        .set({ at: new Date(at) })
        .where(and(gt(incidentEvents.id, mark), eq(incidentEvents.orgId, orgId)));
      mark = await lastEventId(tx);
    };

    const incident = await createIncident(
      tx,
      orgId,
      {
        title: "App and website sign-in failing nationwide",
        severity: "SEV2",
        summary:
          "Customers everywhere cannot sign in to the app or the website; the login service is failing.",
        fromClusterId: cluster?.id ?? null,
        topics: ["app-login"],
        regions: cluster ? [] : await regionsWithComplaints(tx, orgId, T, T + 3 * 3600_000),
        commanderUserId: people.commander.userId,
        cadenceMinutes: 30,
      },
      people.commander,
    );
    await tx
      .update(incidents)
      .set({ startedAt: new Date(cluster?.startedAt.getTime() ?? T), createdAt: new Date(openedAt) })
      .where(eq(incidents.id, incident.id));
    await moveEvents(openedAt);
    // Opened "now", the incident took in every later app-login complaint (or, without a spike, none of
    // its own, having started "now"): it owns those of its hours only.
    await stampIncidentComplaints(tx, orgId, incident.id);
    await tx
      .update(complaints)
      .set({ incidentId: null })
      .where(and(eq(complaints.incidentId, incident.id), gt(complaints.createdAt, new Date(end))));
    await recountCoverage(tx, incident.id);

    const publish = async (at: number, input: UpdateInput) => {
      const u = await createUpdate(tx, orgId, incident.id, input, people.comms);
      await submitUpdate(tx, orgId, u.id, people.comms);
      await approveUpdate(tx, orgId, u.id, { version: u.version }, people.approver, {
        publicUrl,
        now: new Date(at),
      });
      await tx
        .update(statusUpdates)
        .set({ createdAt: new Date(at - 6 * MIN), submittedAt: new Date(at - 4 * MIN) })
        .where(eq(statusUpdates.id, u.id));
      // The status page took it at once (the built-in channel is the only one the demo has).
      await tx
        .update(deliveries)
        .set({ state: "sent", attempts: 1, sentAt: new Date(at + 3_000), updatedAt: new Date(at + 3_000) })
        .where(and(eq(deliveries.updateId, u.id), eq(deliveries.state, "pending")));
      await moveEvents(at);
    };
    await publish(openedAt + 10 * MIN, {
      kind: "holding",
      body: "We know many of you cannot sign in to the app or the website right now. Our engineers are on it. Next update {next_update}.",
      nextUpdateMinutes: 30,
    });
    await publish(openedAt + 38 * MIN, {
      kind: "update",
      incidentState: "identified",
      body: "We found the cause: a failed change to our login service. We are rolling it back now. Next update {next_update}.",
      nextUpdateMinutes: 30,
    });
    // Promised within 30 minutes; went out 18 minutes late (what the cadence metric flags).
    await publish(openedAt + 86 * MIN, {
      kind: "update",
      incidentState: "monitoring",
      body: "The rollback is complete and most people can sign in again. We are watching closely. Next update {next_update}.",
      nextUpdateMinutes: 90,
    });
    await publish(end, {
      kind: "resolution",
      incidentState: "resolved",
      body: "Sign-in to the app and the website works normally again. We are sorry for the disruption and are reviewing how this change got through.",
    });

    await answerSome(tx, orgId, incident.id, people.support);
    return incident.id;
  });
  await writeJobState(db, orgId, JOB, { incidentId } satisfies HistoryState);
  return incidentId;
}

/**
 * Support answers most of the people who wrote on the social networks, 8–45 minutes after they posted
 * (the demo has no network channels now; these replies were delivered back then).
 */
async function answerSome(tx: Db, orgId: number, incidentId: number, support: UpdateActor) {
  const posts = await tx
    .select({ id: complaints.id, createdAt: complaints.createdAt, source: complaints.source })
    .from(complaints)
    .where(
      and(
        eq(complaints.incidentId, incidentId),
        inArray(complaints.source, ["x", "facebook", "mastodon", "bluesky"]),
      ),
    )
    .orderBy(asc(complaints.createdAt))
    .limit(120);
  const answered = posts.filter((_, i) => i % 4 !== 3);
  for (const [i, post] of answered.entries()) {
    await sendReplies(
      tx,
      orgId,
      incidentId,
      {
        body: "Sorry, sign-in is failing for many people right now. We are fixing it; updates on our status page.",
        complaintIds: [post.id],
      },
      support,
    );
    const at = new Date(post.createdAt.getTime() + (8 + ((i * 7) % 38)) * MIN);
    const [reply] = await tx
      .update(replies)
      .set({ createdAt: at })
      .where(eq(replies.complaintId, post.id))
      .returning({ id: replies.id });
    await tx.update(complaints).set({ answeredAt: at }).where(eq(complaints.id, post.id));
    await tx
      .update(deliveries)
      .set({
        state: "sent",
        attempts: 1,
        channelKind: post.source as "x",
        remoteId: `demo-reply-${reply.id}`,
        sentAt: new Date(at.getTime() + 2_000),
        updatedAt: new Date(at.getTime() + 2_000),
      })
      .where(eq(deliveries.replyId, reply.id));
  }
}

/** Regions with app-login complaints in the incident's hours (when no spike says where it was). */
async function regionsWithComplaints(tx: Db, orgId: number, from: number, to: number): Promise<string[]> {
  const rows = await tx
    .selectDistinct({ region: complaintCounts.regionCode })
    .from(complaintCounts)
    .where(
      and(
        eq(complaintCounts.orgId, orgId),
        eq(complaintCounts.topicSlug, "app-login"),
        gte(complaintCounts.bucketStart, new Date(from)),
        lte(complaintCounts.bucketStart, new Date(to)),
        ne(complaintCounts.regionCode, UNKNOWN_REGION),
      ),
    );
  return rows.map((r) => r.region).sort();
}

async function recountCoverage(tx: Db, incidentId: number) {
  await tx.delete(incidentCoverage).where(eq(incidentCoverage.incidentId, incidentId));
  await tx.execute(sql`
    insert into incident_coverage (incident_id, region_code, complaints, answered)
    select ${incidentId}, coalesce(region_code, 'unknown'), count(*)::int, count(answered_at)::int
    from complaints where incident_id = ${incidentId}
    group by 2`);
}

async function lastEventId(tx: Db): Promise<number> {
  const [row] = await tx
    .select({ id: sql<number>`coalesce(max(${incidentEvents.id}), 0)::bigint` })
    .from(incidentEvents);
  return Number(row.id);
}

async function demoPeople(db: Db) {
  const rows = await db
    .select({ id: users.id, email: users.email, role: users.role })
    .from(users)
    .where(
      inArray(
        users.email,
        ["commander", "comms", "approver", "support"].map((r) => `${r}@${DEMO_DOMAIN}`),
      ),
    );
  const as = (name: string): UpdateActor | null => {
    const u = rows.find((r) => r.email === `${name}@${DEMO_DOMAIN}`);
    return u ? { kind: "user", userId: u.id, role: u.role as Role } : null;
  };
  const commander = as("commander");
  const comms = as("comms");
  const approver = as("approver");
  const support = as("support");
  if (!commander || !comms || !approver || !support) return null;
  return { commander, comms, approver, support };
}
