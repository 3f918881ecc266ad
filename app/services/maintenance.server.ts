import { and, asc, desc, eq, inArray, isNull, lte, sql } from "drizzle-orm";
import { z } from "zod";
import { fieldErrors, NotFoundError, ValidationError } from "~/utils/errors";
import type { Db } from "~db/client.server";
import { components, maintenanceWindows, regions } from "~db/schema";
import { type Actor, audit } from "./audit.server";
import { queueMaintenanceNotifications, type SubscriberLinks, subscriberLinks } from "./subscriptions.server";

/**
 * Maintenance windows: scheduled by admins and commanders; subscribers of their regions or components
 * hear of them `notifyMinutesBefore` the start (through the outbox); `runMaintenance` (a background loop)
 * opens them at the start and completes them at the end. The status page reads their state.
 */

/** "2026-11-10T02:00" (a datetime-local field, taken as UTC) or a full ISO date-time. */
const when = (label: string) =>
  z
    .string({ message: `Enter the ${label} time` })
    .trim()
    .min(1, `Enter the ${label} time`)
    .transform((v, ctx) => {
      const ms = Date.parse(/Z$|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
      if (Number.isNaN(ms)) {
        ctx.addIssue({ code: "custom", message: `Enter the ${label} time as YYYY-MM-DDTHH:MM (UTC)` });
        return z.NEVER;
      }
      return new Date(ms);
    });

const list = <T extends z.ZodType>(item: T) =>
  z
    .union([item, z.array(item)])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

export const maintenanceSchema = z
  .object({
    title: z
      .string({ message: "Give the maintenance a title" })
      .trim()
      .min(3, "Give the maintenance a title (3+ characters)")
      .max(200),
    description: z.string().trim().max(2000).optional().default(""),
    regions: list(z.string().trim().toUpperCase().min(1).max(16)),
    components: list(z.coerce.number().int().positive()),
    startsAt: when("start"),
    endsAt: when("end"),
    notifyMinutesBefore: z.coerce
      .number()
      .int()
      .min(0, "0 or more minutes")
      .max(10080, "At most a week (10080 minutes)")
      .default(60),
  })
  .refine((m) => m.endsAt > m.startsAt, { path: ["endsAt"], message: "The end must be after the start" });

export async function createMaintenance(
  db: Db,
  orgId: number,
  input: unknown,
  actor: Actor,
  now = new Date(),
) {
  const parsed = maintenanceSchema.safeParse(input);
  if (!parsed.success)
    throw new ValidationError("The maintenance window is not valid", fieldErrors(parsed.error.issues));
  const m = parsed.data;
  if (m.endsAt <= now)
    throw new ValidationError("The maintenance window is not valid", { endsAt: "The end is in the past" });
  return db.transaction(async (tx) => {
    if (m.regions.length) {
      const known = await tx
        .select({ code: regions.code })
        .from(regions)
        .where(and(eq(regions.orgId, orgId), inArray(regions.code, m.regions)));
      if (known.length !== new Set(m.regions).size)
        throw new ValidationError("Unknown regions", { regions: "Choose regions from the list" });
    }
    if (m.components.length) {
      const known = await tx
        .select({ id: components.id })
        .from(components)
        .where(and(eq(components.orgId, orgId), inArray(components.id, m.components)));
      if (known.length !== new Set(m.components).size)
        throw new ValidationError("Unknown services", { components: "Choose services from the list" });
    }
    const [row] = await tx
      .insert(maintenanceWindows)
      .values({
        orgId,
        title: m.title,
        description: m.description,
        regions: [...new Set(m.regions)].sort(),
        componentIds: [...new Set(m.components)],
        startsAt: m.startsAt,
        endsAt: m.endsAt,
        notifyMinutesBefore: m.notifyMinutesBefore,
        createdByUserId: actor.userId ?? null,
      })
      .returning();
    await audit(tx, {
      orgId,
      actor,
      action: "maintenance.scheduled",
      targetType: "maintenance",
      targetId: row.id,
      data: { title: row.title },
    });
    return row;
  });
}

/** Cancel a window that has not started, or end one in progress now. */
export async function cancelMaintenance(db: Db, orgId: number, id: number, actor: Actor, now = new Date()) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(maintenanceWindows)
      .where(and(eq(maintenanceWindows.id, id), eq(maintenanceWindows.orgId, orgId)))
      .for("update");
    if (!row || row.state === "completed" || row.state === "cancelled")
      throw new NotFoundError("No such open maintenance window.");
    const change =
      row.state === "in_progress"
        ? { state: "completed" as const, completedAt: now, endsAt: now }
        : { state: "cancelled" as const, cancelledAt: now };
    const [updated] = await tx
      .update(maintenanceWindows)
      .set({ ...change, updatedAt: now })
      .where(eq(maintenanceWindows.id, id))
      .returning();
    await audit(tx, {
      orgId,
      actor,
      action: `maintenance.${updated.state}`,
      targetType: "maintenance",
      targetId: id,
    });
    return updated;
  });
}

export async function listMaintenance(db: Db, orgId: number, limit = 50) {
  return db
    .select()
    .from(maintenanceWindows)
    .where(eq(maintenanceWindows.orgId, orgId))
    .orderBy(desc(maintenanceWindows.startsAt))
    .limit(limit);
}

/**
 * One turn of the maintenance loop, for `now`: notify subscribers of windows whose notice time has come
 * (once: `notifiedAt`), open windows that have started, complete windows that have ended. Each window
 * moves in its own transaction, so a failure leaves the others done and is retried next turn.
 */
export async function runMaintenance(
  db: Db,
  orgId: number,
  now = new Date(),
  links: SubscriberLinks = subscriberLinks(),
): Promise<{ notified: number; queued: number; opened: number; completed: number }> {
  const at = now.toISOString();
  const due = await db
    .select({ id: maintenanceWindows.id })
    .from(maintenanceWindows)
    .where(
      and(
        eq(maintenanceWindows.orgId, orgId),
        eq(maintenanceWindows.state, "scheduled"),
        isNull(maintenanceWindows.notifiedAt),
        sql`${maintenanceWindows.startsAt} - make_interval(mins => ${maintenanceWindows.notifyMinutesBefore}) <= ${at}::timestamptz`,
        sql`${maintenanceWindows.endsAt} > ${at}::timestamptz`,
      ),
    )
    .orderBy(asc(maintenanceWindows.startsAt));
  let queued = 0;
  for (const { id } of due) {
    queued += await db.transaction(async (tx) => {
      const n = await queueMaintenanceNotifications(tx, orgId, id, links);
      await tx
        .update(maintenanceWindows)
        .set({ notifiedAt: now, updatedAt: now })
        .where(eq(maintenanceWindows.id, id));
      return n;
    });
  }
  const completed = await db
    .update(maintenanceWindows)
    .set({ state: "completed", completedAt: now, updatedAt: now })
    .where(
      and(
        eq(maintenanceWindows.orgId, orgId),
        inArray(maintenanceWindows.state, ["scheduled", "in_progress"]),
        lte(maintenanceWindows.endsAt, now),
      ),
    )
    .returning({ id: maintenanceWindows.id });
  const opened = await db
    .update(maintenanceWindows)
    .set({ state: "in_progress", startedAt: now, updatedAt: now })
    .where(
      and(
        eq(maintenanceWindows.orgId, orgId),
        eq(maintenanceWindows.state, "scheduled"),
        lte(maintenanceWindows.startsAt, now),
      ),
    )
    .returning({ id: maintenanceWindows.id });
  return { notified: due.length, queued, opened: opened.length, completed: completed.length };
}
