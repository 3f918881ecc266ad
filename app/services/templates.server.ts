import { and, asc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { templateProblems } from "~/domain/templates";
import { ConflictError, fieldErrors, NotFoundError, ValidationError } from "~/utils/errors";
import type { Db } from "~db/client.server";
import { templates, topics } from "~db/schema";
import { SEVERITIES, type Severity, UPDATE_KINDS } from "~db/schema/enums";
import { type Actor, audit } from "./audit.server";

/**
 * Update templates: reusable texts with placeholders, per kind and optionally per topic and severity.
 * The composer offers the best match for the incident first; placeholders are filled when the update is
 * published (so "{next_update}" is the real promised time, not the time of drafting).
 */

export type TemplateRow = typeof templates.$inferSelect;

export const templateInputSchema = z.object({
  id: z.coerce.number().int().positive().optional(),
  name: z.string({ message: "Name the template" }).trim().min(2, "Name the template").max(80),
  kind: z.enum(UPDATE_KINDS, { message: "Choose holding statement, update or resolution" }),
  topicSlug: z
    .string()
    .trim()
    .max(64)
    .transform((v) => v || null)
    .nullish(),
  severity: z
    .enum(SEVERITIES)
    .or(z.literal(""))
    .transform((v) => v || null)
    .nullish(),
  title: z.string().trim().max(140).default(""),
  body: z.string({ message: "Write the template" }).trim().min(10, "Write at least a sentence").max(5000),
});

/** Unknown placeholders are a typo that would reach the public: refuse them with the known list. */
export function placeholderErrors(fields: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, text] of Object.entries(fields)) {
    const problems = templateProblems(text);
    if (problems.length) out[field] = problems.map((p) => p.message).join(" ");
  }
  return out;
}

export async function listTemplates(db: Db, orgId: number): Promise<TemplateRow[]> {
  return db
    .select()
    .from(templates)
    .where(and(eq(templates.orgId, orgId), isNull(templates.archivedAt)))
    .orderBy(asc(templates.kind), asc(templates.name));
}

export async function saveTemplate(
  db: Db,
  orgId: number,
  input: z.input<typeof templateInputSchema>,
  actor: Actor,
): Promise<TemplateRow> {
  const parsed = templateInputSchema.safeParse(input);
  if (!parsed.success)
    throw new ValidationError("The template is not valid", fieldErrors(parsed.error.issues));
  const data = parsed.data;
  const problems = placeholderErrors({ title: data.title, body: data.body });
  if (Object.keys(problems).length)
    throw new ValidationError("The template has unknown placeholders", problems);
  return db.transaction(async (tx) => {
    if (data.topicSlug) {
      const [topic] = await tx
        .select({ slug: topics.slug })
        .from(topics)
        .where(and(eq(topics.orgId, orgId), eq(topics.slug, data.topicSlug)));
      if (!topic) throw new ValidationError("Unknown topic", { topicSlug: `No topic “${data.topicSlug}”` });
    }
    const [clash] = await tx
      .select({ id: templates.id })
      .from(templates)
      .where(and(eq(templates.orgId, orgId), eq(templates.name, data.name)));
    if (clash && clash.id !== data.id)
      throw new ValidationError("That name is taken", { name: "Another template has it" });
    const values = {
      name: data.name,
      kind: data.kind,
      topicSlug: data.topicSlug ?? null,
      severity: (data.severity ?? null) as Severity | null,
      title: data.title,
      body: data.body,
      archivedAt: null,
      updatedAt: new Date(),
    };
    let row: TemplateRow | undefined;
    if (data.id) {
      [row] = await tx
        .update(templates)
        .set(values)
        .where(and(eq(templates.id, data.id), eq(templates.orgId, orgId)))
        .returning();
      if (!row) throw new NotFoundError(`Template ${data.id} does not exist.`);
    } else {
      [row] = await tx
        .insert(templates)
        .values({ orgId, ...values })
        .returning();
    }
    await audit(tx, {
      orgId,
      actor,
      action: data.id ? "template.updated" : "template.created",
      targetType: "template",
      targetId: row.id,
      data: { name: row.name, kind: row.kind },
    });
    return row;
  });
}

export async function archiveTemplate(db: Db, orgId: number, id: number, actor: Actor): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(templates)
      .set({ archivedAt: new Date() })
      .where(and(eq(templates.id, id), eq(templates.orgId, orgId), isNull(templates.archivedAt)))
      .returning({ id: templates.id, name: templates.name });
    if (!row) throw new ConflictError(`Template ${id} does not exist or is already archived.`);
    await audit(tx, { orgId, actor, action: "template.archived", targetType: "template", targetId: id });
  });
}
