import { and, asc, count, desc, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import { z } from "zod";
import { canTransition, nextUpdateDue, STATE_LABELS, transitionVerb } from "~/domain/incidents";
import { ConflictError, fieldErrors, NotFoundError, ValidationError } from "~/utils/errors";
import type { Db } from "~db/client.server";
import { queryRows } from "~db/client.server";
import {
  components,
  incidentAssignments,
  incidentCoverage,
  incidentEvents,
  incidents,
  regions,
  spikeClusters,
  statusUpdates,
  topics,
  users,
} from "~db/schema";
import {
  INCIDENT_ROLES,
  INCIDENT_STATES,
  type IncidentRole,
  type IncidentState,
  SEVERITIES,
} from "~db/schema/enums";
import { type Actor, audit } from "./audit.server";
import { notifyOnCommit } from "./events.server";
import { readJobState, writeJobState } from "./jobs.server";

/**
 * Incident records and their timeline. Every verb validates its input, runs in one transaction, writes a
 * timeline event and an audit entry beside the change, and returns what changed; routes map errors.
 */

type Tx = Db;

async function loadIncident(tx: Tx, orgId: number, id: number) {
  const [row] = await tx
    .select()
    .from(incidents)
    .where(and(eq(incidents.id, id), eq(incidents.orgId, orgId)));
  if (!row) throw new NotFoundError(`Incident ${id} does not exist.`);
  return row;
}

async function record(
  tx: Tx,
  incident: { id: number; orgId: number },
  actor: Actor,
  kind: string,
  message: string,
  data: Record<string, unknown> = {},
) {
  await tx.insert(incidentEvents).values({
    orgId: incident.orgId,
    incidentId: incident.id,
    actorUserId: actor.userId ?? null,
    kind,
    message,
    data,
  });
  await audit(tx, {
    orgId: incident.orgId,
    actor,
    action: `incident.${kind}`,
    targetType: "incident",
    targetId: incident.id,
    data,
  });
  await tx.update(incidents).set({ updatedAt: new Date() }).where(eq(incidents.id, incident.id));
  await notifyOnCommit(tx, { type: "incident", orgId: incident.orgId, incidentId: incident.id, kind });
}

const regionCodes = z.array(z.string().trim().min(1).max(16)).max(200);

export const createIncidentSchema = z.object({
  title: z
    .string({ message: "Give the incident a title" })
    .trim()
    .min(3, "Give the incident a title (3+ characters)")
    .max(200),
  severity: z.enum(SEVERITIES, { message: "Choose a severity (SEV1–SEV4)" }).default("SEV3"),
  summary: z.string().trim().max(5000).default(""),
  regions: regionCodes.default([]),
  topics: z.array(z.string().trim().min(1).max(48)).max(50).default([]),
  componentIds: z.array(z.coerce.number().int().positive()).max(100).default([]),
  commanderUserId: z.coerce.number().int().positive().nullish(),
  cadenceMinutes: z.coerce.number().int().min(5, "Cadence is at least 5 minutes").max(1440).default(30),
  fromClusterId: z.coerce.number().int().positive().nullish(),
});

export type CreateIncidentInput = z.input<typeof createIncidentSchema>;

export async function createIncident(db: Db, orgId: number, input: CreateIncidentInput, actor: Actor) {
  const parsed = createIncidentSchema.safeParse(input);
  if (!parsed.success)
    throw new ValidationError("The incident is not valid", fieldErrors(parsed.error.issues));
  const data = parsed.data;
  const incident = await db.transaction(async (tx) => {
    let startedAt = new Date();
    let regionsList = data.regions;
    let topicList = data.topics;
    let cluster: typeof spikeClusters.$inferSelect | undefined;
    if (data.fromClusterId) {
      [cluster] = await tx
        .select()
        .from(spikeClusters)
        .where(and(eq(spikeClusters.id, data.fromClusterId), eq(spikeClusters.orgId, orgId)));
      if (!cluster) throw new NotFoundError(`Spike ${data.fromClusterId} does not exist.`);
      if (cluster.incidentId)
        throw new ConflictError(`Spike ${cluster.id} is already linked to incident ${cluster.incidentId}.`);
      startedAt = cluster.startedAt;
      regionsList = [...new Set([...regionsList, ...cluster.regions])].sort();
      topicList = [...new Set([...topicList, cluster.topicSlug])];
    }
    await checkRegionsAndTopics(tx, orgId, regionsList, topicList);
    if (data.commanderUserId) await checkUser(tx, orgId, data.commanderUserId);
    const commander = data.commanderUserId ?? (actor.kind === "user" ? (actor.userId ?? null) : null);
    const [row] = await tx
      .insert(incidents)
      .values({
        orgId,
        title: data.title,
        severity: data.severity,
        summary: data.summary,
        regions: regionsList,
        topics: topicList,
        componentIds: data.componentIds,
        commanderUserId: commander,
        cadenceMinutes: data.cadenceMinutes,
        startedAt,
        nextUpdateDueAt: new Date(startedAt.getTime() + data.cadenceMinutes * 60_000),
        createdByUserId: actor.userId ?? null,
      })
      .returning();
    if (commander)
      await tx
        .insert(incidentAssignments)
        .values({ incidentId: row.id, role: "commander", userId: commander });
    await record(tx, row, actor, "created", `Incident opened: ${row.title} (${row.severity})`, {
      severity: row.severity,
      regions: regionsList,
      fromClusterId: cluster?.id ?? null,
    });
    if (cluster) {
      await tx
        .update(spikeClusters)
        .set({ incidentId: row.id, suggestedIncidentId: null, updatedAt: new Date() })
        .where(eq(spikeClusters.id, cluster.id));
      await record(
        tx,
        row,
        actor,
        "spike_linked",
        `Linked spike #${cluster.id}: ${cluster.topicSlug} in ${cluster.regions.join(", ")}`,
        {
          clusterId: cluster.id,
        },
      );
    }
    return row;
  });
  await stampIncidentComplaints(db, orgId, incident.id);
  return incident;
}

async function checkRegionsAndTopics(tx: Tx, orgId: number, regionList: string[], topicList: string[]) {
  if (regionList.length) {
    const known = await tx
      .select({ code: regions.code })
      .from(regions)
      .where(and(eq(regions.orgId, orgId), inArray(regions.code, regionList)));
    const missing = regionList.filter((r) => !known.some((k) => k.code === r));
    if (missing.length)
      throw new ValidationError("Unknown regions", { regions: `No such region: ${missing.join(", ")}` });
  }
  if (topicList.length) {
    const known = await tx
      .select({ slug: topics.slug })
      .from(topics)
      .where(and(eq(topics.orgId, orgId), inArray(topics.slug, topicList)));
    const missing = topicList.filter((t) => !known.some((k) => k.slug === t));
    if (missing.length)
      throw new ValidationError("Unknown topics", { topics: `No such topic: ${missing.join(", ")}` });
  }
}

async function checkUser(tx: Tx, orgId: number, userId: number) {
  const [u] = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.orgId, orgId)));
  if (!u) throw new ValidationError("Unknown person", { userId: "Choose someone from your organisation" });
}

export const changeStateSchema = z.object({
  state: z.enum(INCIDENT_STATES, { message: `State must be one of: ${INCIDENT_STATES.join(", ")}` }),
  note: z.string().trim().max(2000).optional(),
});

export async function changeState(
  db: Db,
  orgId: number,
  id: number,
  input: { state: unknown; note?: unknown },
  actor: Actor,
) {
  const parsed = changeStateSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError("The change is not valid", fieldErrors(parsed.error.issues));
  const { state: to, note } = parsed.data;
  return db.transaction(async (tx) => {
    const row = await loadIncident(tx, orgId, id);
    if (!canTransition(row.state, to))
      throw new ConflictError(`The incident is already ${STATE_LABELS[to].toLowerCase()}.`);
    const now = new Date();
    const stamps: Partial<typeof incidents.$inferInsert> = { state: to };
    if (to === "identified" && !row.identifiedAt) stamps.identifiedAt = now;
    if (to === "monitoring" && !row.monitoringAt) stamps.monitoringAt = now;
    if (to === "resolved") {
      stamps.resolvedAt = now;
      stamps.nextUpdateDueAt = null;
    }
    if (row.state === "resolved") {
      stamps.resolvedAt = null;
      stamps.nextUpdateDueAt = new Date(now.getTime() + row.cadenceMinutes * 60_000);
    }
    await tx.update(incidents).set(stamps).where(eq(incidents.id, id));
    await record(
      tx,
      row,
      actor,
      "state_changed",
      `${capitalise(transitionVerb(row.state, to))}${note ? `: ${note}` : ""}`,
      {
        from: row.state,
        to,
        note: note ?? null,
      },
    );
    return { from: row.state, to };
  });
}

function capitalise(s: string) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export async function changeSeverity(
  db: Db,
  orgId: number,
  id: number,
  input: { severity: unknown },
  actor: Actor,
) {
  const parsed = z
    .object({ severity: z.enum(SEVERITIES, { message: "Choose a severity (SEV1–SEV4)" }) })
    .safeParse(input);
  if (!parsed.success) throw new ValidationError("The change is not valid", fieldErrors(parsed.error.issues));
  return db.transaction(async (tx) => {
    const row = await loadIncident(tx, orgId, id);
    if (row.severity === parsed.data.severity) return;
    await tx.update(incidents).set({ severity: parsed.data.severity }).where(eq(incidents.id, id));
    await record(tx, row, actor, "severity_changed", `Severity ${row.severity} → ${parsed.data.severity}`, {
      from: row.severity,
      to: parsed.data.severity,
    });
  });
}

export async function assignRole(
  db: Db,
  orgId: number,
  id: number,
  input: { role: unknown; userId: unknown },
  actor: Actor,
) {
  const parsed = z
    .object({
      role: z.enum(INCIDENT_ROLES, { message: `Role must be one of: ${INCIDENT_ROLES.join(", ")}` }),
      userId: z.coerce.number({ message: "Choose a person" }).int().positive("Choose a person"),
    })
    .safeParse(input);
  if (!parsed.success)
    throw new ValidationError("The assignment is not valid", fieldErrors(parsed.error.issues));
  const { role, userId } = parsed.data;
  return db.transaction(async (tx) => {
    const row = await loadIncident(tx, orgId, id);
    const [person] = await tx
      .select()
      .from(users)
      .where(and(eq(users.id, userId), eq(users.orgId, orgId)));
    if (!person)
      throw new ValidationError("Unknown person", { userId: "Choose someone from your organisation" });
    if (role === "commander") {
      await tx
        .delete(incidentAssignments)
        .where(and(eq(incidentAssignments.incidentId, id), eq(incidentAssignments.role, "commander")));
      await tx.update(incidents).set({ commanderUserId: userId }).where(eq(incidents.id, id));
    }
    await tx.insert(incidentAssignments).values({ incidentId: id, role, userId }).onConflictDoNothing();
    await record(tx, row, actor, "assigned", `${person.name} is ${ROLE_NAMES[role]}`, { role, userId });
  });
}

const ROLE_NAMES: Record<IncidentRole, string> = {
  commander: "incident commander",
  comms: "comms lead",
  approver: "approver",
  support_lead: "support lead",
};

export async function setRegions(
  db: Db,
  orgId: number,
  id: number,
  input: { regions: unknown },
  actor: Actor,
) {
  const parsed = z.object({ regions: regionCodes }).safeParse(input);
  if (!parsed.success)
    throw new ValidationError("The regions are not valid", fieldErrors(parsed.error.issues));
  const next = [...new Set(parsed.data.regions)].sort();
  await db.transaction(async (tx) => {
    const row = await loadIncident(tx, orgId, id);
    await checkRegionsAndTopics(tx, orgId, next, []);
    if (next.join() === row.regions.join()) return;
    await tx.update(incidents).set({ regions: next }).where(eq(incidents.id, id));
    await record(tx, row, actor, "regions_changed", `Affected regions: ${next.join(", ") || "none"}`, {
      from: row.regions,
      to: next,
    });
  });
  await stampIncidentComplaints(db, orgId, id);
}

export async function setDetails(
  db: Db,
  orgId: number,
  id: number,
  input: { title?: unknown; summary?: unknown; cadenceMinutes?: unknown; componentIds?: unknown },
  actor: Actor,
) {
  const parsed = z
    .object({
      title: z.string().trim().min(3, "Give the incident a title (3+ characters)").max(200).optional(),
      summary: z.string().trim().max(5000).optional(),
      cadenceMinutes: z.coerce.number().int().min(5, "Cadence is at least 5 minutes").max(1440).optional(),
      componentIds: z.array(z.coerce.number().int().positive()).max(100).optional(),
    })
    .safeParse(input);
  if (!parsed.success) throw new ValidationError("The change is not valid", fieldErrors(parsed.error.issues));
  const changes = parsed.data;
  return db.transaction(async (tx) => {
    const row = await loadIncident(tx, orgId, id);
    if (changes.componentIds?.length) {
      const known = await tx
        .select({ id: components.id })
        .from(components)
        .where(and(eq(components.orgId, orgId), inArray(components.id, changes.componentIds)));
      if (known.length !== new Set(changes.componentIds).size) {
        throw new ValidationError("Unknown components", {
          componentIds: "Choose components of your status page",
        });
      }
    }
    const set: Partial<typeof incidents.$inferInsert> = {};
    const said: string[] = [];
    if (changes.title !== undefined && changes.title !== row.title) {
      set.title = changes.title;
      said.push(`title “${changes.title}”`);
    }
    if (changes.summary !== undefined && changes.summary !== row.summary) {
      set.summary = changes.summary;
      said.push("summary updated");
    }
    if (changes.cadenceMinutes !== undefined && changes.cadenceMinutes !== row.cadenceMinutes) {
      set.cadenceMinutes = changes.cadenceMinutes;
      said.push(`update cadence every ${changes.cadenceMinutes} min`);
    }
    if (changes.componentIds !== undefined && changes.componentIds.join() !== row.componentIds.join()) {
      set.componentIds = changes.componentIds;
      said.push("components changed");
    }
    if (said.length === 0) return;
    await tx.update(incidents).set(set).where(eq(incidents.id, id));
    await record(tx, row, actor, "details_changed", capitalise(said.join("; ")), changes);
  });
}

export async function addNote(db: Db, orgId: number, id: number, input: { note: unknown }, actor: Actor) {
  const parsed = z
    .object({ note: z.string({ message: "Write a note" }).trim().min(1, "Write a note").max(5000) })
    .safeParse(input);
  if (!parsed.success) throw new ValidationError("The note is not valid", fieldErrors(parsed.error.issues));
  await db.transaction(async (tx) => {
    const row = await loadIncident(tx, orgId, id);
    await record(tx, row, actor, "note", parsed.data.note);
  });
}

/** Link a spike cluster: its regions and topic join the incident's. */
export async function linkCluster(db: Db, orgId: number, id: number, clusterId: number, actor: Actor) {
  await db.transaction(async (tx) => {
    const row = await loadIncident(tx, orgId, id);
    const [cluster] = await tx
      .select()
      .from(spikeClusters)
      .where(and(eq(spikeClusters.id, clusterId), eq(spikeClusters.orgId, orgId)));
    if (!cluster) throw new NotFoundError(`Spike ${clusterId} does not exist.`);
    if (cluster.incidentId === id) return;
    if (cluster.incidentId)
      throw new ConflictError(`Spike ${clusterId} is already linked to incident ${cluster.incidentId}.`);
    await tx
      .update(spikeClusters)
      .set({
        incidentId: id,
        suggestedIncidentId: null,
        dismissedAt: null,
        dismissReason: null,
        updatedAt: new Date(),
      })
      .where(eq(spikeClusters.id, clusterId));
    const nextRegions = [...new Set([...row.regions, ...cluster.regions])].sort();
    const nextTopics = [...new Set([...row.topics, cluster.topicSlug])];
    await tx.update(incidents).set({ regions: nextRegions, topics: nextTopics }).where(eq(incidents.id, id));
    await record(
      tx,
      row,
      actor,
      "spike_linked",
      `Linked spike #${cluster.id}: ${cluster.topicSlug} in ${cluster.regions.join(", ")}`,
      {
        clusterId,
      },
    );
  });
  await stampIncidentComplaints(db, orgId, id);
}

export async function unlinkCluster(db: Db, orgId: number, id: number, clusterId: number, actor: Actor) {
  await db.transaction(async (tx) => {
    const row = await loadIncident(tx, orgId, id);
    const [cluster] = await tx
      .update(spikeClusters)
      .set({ incidentId: null, updatedAt: new Date() })
      .where(
        and(
          eq(spikeClusters.id, clusterId),
          eq(spikeClusters.orgId, orgId),
          eq(spikeClusters.incidentId, id),
        ),
      )
      .returning();
    if (!cluster) throw new NotFoundError(`Spike ${clusterId} is not linked to this incident.`);
    await record(
      tx,
      row,
      actor,
      "spike_unlinked",
      `Unlinked spike #${cluster.id} (${cluster.topicSlug} in ${cluster.regions.join(", ")})`,
      {
        clusterId,
      },
    );
  });
}

/** Dismiss a spike (from the board) or a suggestion (in a room) with a reason, which is audited. */
export async function dismissCluster(
  db: Db,
  orgId: number,
  clusterId: number,
  input: { reason: unknown; incidentId?: number | null },
  actor: Actor,
) {
  const parsed = z
    .object({ reason: z.string({ message: "Say why" }).trim().min(3, "Say why (3+ characters)").max(500) })
    .safeParse(input);
  if (!parsed.success)
    throw new ValidationError("The dismissal is not valid", fieldErrors(parsed.error.issues));
  await db.transaction(async (tx) => {
    const [cluster] = await tx
      .select()
      .from(spikeClusters)
      .where(and(eq(spikeClusters.id, clusterId), eq(spikeClusters.orgId, orgId)));
    if (!cluster) throw new NotFoundError(`Spike ${clusterId} does not exist.`);
    if (cluster.incidentId)
      throw new ConflictError(
        `Spike ${clusterId} is linked to incident ${cluster.incidentId}; unlink it first.`,
      );
    await tx
      .update(spikeClusters)
      .set({
        dismissedAt: new Date(),
        dismissedByUserId: actor.userId ?? null,
        dismissReason: parsed.data.reason,
        suggestedIncidentId: null,
      })
      .where(eq(spikeClusters.id, clusterId));
    if (input.incidentId) {
      const row = await loadIncident(tx, orgId, input.incidentId);
      await record(
        tx,
        row,
        actor,
        "suggestion_dismissed",
        `Dismissed suggested spike #${clusterId}: ${parsed.data.reason}`,
        {
          clusterId,
          reason: parsed.data.reason,
        },
      );
    } else {
      await audit(tx, {
        orgId,
        actor,
        action: "spike.dismissed",
        targetType: "spike",
        targetId: clusterId,
        data: { reason: parsed.data.reason },
      });
    }
  });
}

/**
 * Place complaints in an incident: those of its regions (and topics, if it has any) since shortly
 * before it started, not yet in another incident. Runs after every change of scope and, for new
 * complaints, from the background loop; per-region coverage counters follow.
 */
export async function stampIncidentComplaints(db: Db, orgId: number, incidentId?: number): Promise<number> {
  const JOB = "incident-complaints";
  const state = (await readJobState<{ lastId: number }>(db, orgId, JOB)) ?? { lastId: 0 };
  const [{ maxId }] = await queryRows<{ maxId: number | null }>(
    db,
    sql`select max(id)::bigint as "maxId" from complaints where org_id = ${orgId}`,
  );
  const upto = Number(maxId ?? 0);
  const stamped = await queryRows<{ incident_id: number; region_code: string | null }>(
    db,
    sql`update complaints c set incident_id = i.id
        from incidents i
        where c.org_id = ${orgId} and i.org_id = ${orgId} and i.state <> 'resolved'
          and c.incident_id is null
          and ${incidentId ? sql`i.id = ${incidentId}` : sql`c.id > ${state.lastId} and c.id <= ${upto}`}
          and c.region_code = any(i.regions)
          and (cardinality(i.topics) = 0 or c.topic_slug = any(i.topics))
          and c.created_at >= i.started_at - interval '30 minutes'
        returning c.incident_id, c.region_code`,
  );
  const tally = new Map<string, { incidentId: number; region: string; n: number }>();
  for (const s of stamped) {
    const key = `${s.incident_id}|${s.region_code}`;
    const t = tally.get(key) ?? { incidentId: s.incident_id, region: s.region_code ?? "unknown", n: 0 };
    t.n++;
    tally.set(key, t);
  }
  for (const t of [...tally.values()].sort(
    (a, b) => a.incidentId - b.incidentId || a.region.localeCompare(b.region),
  )) {
    await db
      .insert(incidentCoverage)
      .values({ incidentId: t.incidentId, regionCode: t.region, complaints: t.n })
      .onConflictDoUpdate({
        target: [incidentCoverage.incidentId, incidentCoverage.regionCode],
        set: { complaints: sql`${incidentCoverage.complaints} + ${t.n}` },
      });
  }
  if (!incidentId) await writeJobState(db, orgId, JOB, { lastId: upto });
  return stamped.length;
}

export async function countOpenIncidents(db: Db, orgId: number): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(incidents)
    .where(and(eq(incidents.orgId, orgId), ne(incidents.state, "resolved")));
  return row.n;
}

export interface IncidentSummary {
  id: number;
  title: string;
  state: IncidentState;
  severity: string;
  regions: string[];
  topics: string[];
  commander: { id: number; name: string } | null;
  startedAt: string;
  resolvedAt: string | null;
  nextUpdateDueAt: string | null;
  updatedAt: string;
}

export async function listIncidents(
  db: Db,
  orgId: number,
  options: { open?: boolean; limit?: number } = {},
): Promise<IncidentSummary[]> {
  const rows = await db
    .select({ incident: incidents, commanderName: users.name })
    .from(incidents)
    .leftJoin(users, eq(users.id, incidents.commanderUserId))
    .where(and(eq(incidents.orgId, orgId), options.open ? ne(incidents.state, "resolved") : undefined))
    .orderBy(desc(incidents.startedAt))
    .limit(options.limit ?? 200);
  const due = await nextDueMap(
    db,
    orgId,
    rows.map((r) => r.incident),
  );
  return rows.map(({ incident: i, commanderName }) => ({
    id: i.id,
    title: i.title,
    state: i.state,
    severity: i.severity,
    regions: i.regions,
    topics: i.topics,
    commander: i.commanderUserId && commanderName ? { id: i.commanderUserId, name: commanderName } : null,
    startedAt: i.startedAt.toISOString(),
    resolvedAt: i.resolvedAt?.toISOString() ?? null,
    nextUpdateDueAt: due.get(i.id) ?? null,
    updatedAt: i.updatedAt.toISOString(),
  }));
}

/** Next update due per incident, from its last published update and that update's own promise. */
async function nextDueMap(
  db: Db,
  orgId: number,
  list: (typeof incidents.$inferSelect)[],
): Promise<Map<number, string | null>> {
  const out = new Map<number, string | null>();
  if (list.length === 0) return out;
  const last = await db
    .select({
      incidentId: statusUpdates.incidentId,
      publishedAt: sql<Date>`max(${statusUpdates.publishedAt})`,
    })
    .from(statusUpdates)
    .where(
      and(
        eq(statusUpdates.orgId, orgId),
        inArray(
          statusUpdates.incidentId,
          list.map((i) => i.id),
        ),
        sql`${statusUpdates.publishedAt} is not null`,
      ),
    )
    .groupBy(statusUpdates.incidentId);
  const lastBy = new Map(last.map((l) => [l.incidentId, new Date(l.publishedAt).getTime()]));
  for (const i of list) {
    const due = nextUpdateDue({
      state: i.state,
      startedAt: i.startedAt.getTime(),
      lastPublishedAt: lastBy.get(i.id) ?? null,
      cadenceMinutes: i.cadenceMinutes,
    });
    out.set(i.id, due === null ? null : new Date(due).toISOString());
  }
  return out;
}

/** One incident with its people, linked spikes, updates and deliveries (GET /api/v1/incidents/:id). */
export async function getIncident(db: Db, orgId: number, id: number) {
  const row = await loadIncident(db, orgId, id);
  const [assignments, linked, updates, due] = await Promise.all([
    db
      .select({ role: incidentAssignments.role, userId: users.id, name: users.name, email: users.email })
      .from(incidentAssignments)
      .innerJoin(users, eq(users.id, incidentAssignments.userId))
      .where(eq(incidentAssignments.incidentId, id))
      .orderBy(asc(incidentAssignments.role)),
    db
      .select()
      .from(spikeClusters)
      .where(and(eq(spikeClusters.orgId, orgId), eq(spikeClusters.incidentId, id)))
      .orderBy(asc(spikeClusters.detectedAt)),
    db
      .select()
      .from(statusUpdates)
      .where(and(eq(statusUpdates.orgId, orgId), eq(statusUpdates.incidentId, id)))
      .orderBy(asc(statusUpdates.createdAt)),
    nextDueMap(db, orgId, [row]),
  ]);
  return { row, assignments, linked, updates, nextUpdateDueAt: due.get(id) ?? null };
}

export async function timeline(db: Db, orgId: number, id: number, limit = 200) {
  return db
    .select({
      id: incidentEvents.id,
      at: incidentEvents.at,
      kind: incidentEvents.kind,
      message: incidentEvents.message,
      actorName: users.name,
    })
    .from(incidentEvents)
    .leftJoin(users, eq(users.id, incidentEvents.actorUserId))
    .where(and(eq(incidentEvents.orgId, orgId), eq(incidentEvents.incidentId, id)))
    .orderBy(desc(incidentEvents.at), desc(incidentEvents.id))
    .limit(limit);
}

export async function suggestedClusters(db: Db, orgId: number, id: number) {
  return db
    .select()
    .from(spikeClusters)
    .where(
      and(
        eq(spikeClusters.orgId, orgId),
        eq(spikeClusters.suggestedIncidentId, id),
        isNull(spikeClusters.incidentId),
        isNull(spikeClusters.dismissedAt),
      ),
    )
    .orderBy(desc(spikeClusters.detectedAt));
}

/**
 * Linked spikes that spread: when a cluster linked to an open incident gains regions, the incident's
 * affected area grows with it (noted on the timeline) and the new regions' complaints join it.
 */
export async function followLinkedClusters(db: Db, orgId: number, clusterIds: number[]): Promise<number[]> {
  if (clusterIds.length === 0) return [];
  const linked = await db
    .select({
      id: spikeClusters.id,
      regions: spikeClusters.regions,
      topic: spikeClusters.topicSlug,
      incidentId: spikeClusters.incidentId,
    })
    .from(spikeClusters)
    .where(
      and(
        eq(spikeClusters.orgId, orgId),
        inArray(spikeClusters.id, clusterIds),
        sql`${spikeClusters.incidentId} is not null`,
      ),
    );
  const grown: number[] = [];
  for (const c of linked) {
    const changed = await db.transaction(async (tx) => {
      const row = await loadIncident(tx, orgId, c.incidentId!);
      if (row.state === "resolved") return false;
      const added = c.regions.filter((r) => !row.regions.includes(r));
      if (added.length === 0) return false;
      await tx
        .update(incidents)
        .set({ regions: [...row.regions, ...added].sort(), topics: [...new Set([...row.topics, c.topic])] })
        .where(eq(incidents.id, row.id));
      await record(
        tx,
        row,
        { kind: "system" },
        "regions_changed",
        `Spike #${c.id} spread to ${added.join(", ")}`,
        {
          clusterId: c.id,
          added,
        },
      );
      return true;
    });
    if (changed) {
      grown.push(c.incidentId!);
      await stampIncidentComplaints(db, orgId, c.incidentId!);
    }
  }
  return grown;
}
