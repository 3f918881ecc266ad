import { and, asc, eq, isNull, notInArray, sql } from "drizzle-orm";
import { z } from "zod";
import { keywordProblem } from "~/domain/topics";
import { ValidationError } from "~/utils/errors";
import type { Db } from "~db/client.server";
import { topics } from "~db/schema";
import { SEVERITIES } from "~db/schema/enums";
import { type Actor, audit } from "./audit.server";

export const FALLBACK_TOPIC = "other";

const entrySchema = z.looseObject({
  slug: z
    .string({ message: "slug is required" })
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,47}$/, "slug must be lowercase letters, digits and dashes (e.g. app-login)"),
  label: z.string({ message: "label is required" }).trim().min(1, "label must not be empty").max(80),
  description: z.string().max(500).optional(),
  keywords: z
    .array(
      z
        .string({
          error: (issue) => (issue.code === "invalid_type" ? "keywords must be strings" : undefined),
        })
        .trim()
        .min(1, "keywords must not be empty")
        .max(500, "a keyword is at most 500 characters")
        .superRefine((keyword, ctx) => {
          const problem = keywordProblem(keyword);
          if (problem) ctx.addIssue({ code: "custom", message: `“${keyword}”: ${problem}` });
        }),
      { message: "keywords must be an array of strings" },
    )
    .max(500, "at most 500 keywords per topic")
    .default([]),
  severityHint: z.enum(SEVERITIES).nullish(),
});

export const taxonomySchema = z
  .array(entrySchema, { message: "The taxonomy must be a JSON array of topics" })
  .min(1, "The taxonomy needs at least one topic")
  .max(200, "At most 200 topics")
  .superRefine((entries, ctx) => {
    const seen = new Set<string>();
    entries.forEach((e, i) => {
      if (seen.has(e.slug))
        ctx.addIssue({ code: "custom", path: [i, "slug"], message: `slug "${e.slug}" appears twice` });
      seen.add(e.slug);
    });
  });

export type TaxonomyEntryInput = z.input<typeof entrySchema>;
export interface TaxonomyEntryOut {
  slug: string;
  label: string;
  description: string;
  keywords: string[];
  severityHint: string | null;
}

export async function exportTaxonomy(db: Db, orgId: number): Promise<TaxonomyEntryOut[]> {
  const rows = await db
    .select()
    .from(topics)
    .where(and(eq(topics.orgId, orgId), isNull(topics.archivedAt)))
    .orderBy(asc(topics.position), asc(topics.slug));
  return rows.map((r) => ({
    slug: r.slug,
    label: r.label,
    description: r.description,
    keywords: r.keywords,
    severityHint: r.severityHint ?? null,
  }));
}

function describeIssues(issues: { path: PropertyKey[]; message: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const [index, ...rest] = issue.path;
    const key =
      typeof index === "number" ? `topic ${index + 1}${rest.length ? ` ${rest.join(".")}` : ""}` : "taxonomy";
    out[key] ??= issue.message;
  }
  return out;
}

/**
 * Replace the taxonomy: topics in the file are created or updated (in file order), topics missing from it
 * are archived (their complaints and counts keep them), and `other` always remains as the fallback.
 */
export async function importTaxonomy(
  db: Db,
  orgId: number,
  input: unknown,
  actor: Actor,
): Promise<TaxonomyEntryOut[]> {
  const parsed = taxonomySchema.safeParse(input);
  if (!parsed.success)
    throw new ValidationError("The taxonomy is not valid", describeIssues(parsed.error.issues));
  const entries = [...parsed.data];
  if (!entries.some((e) => e.slug === FALLBACK_TOPIC)) {
    entries.push({ slug: FALLBACK_TOPIC, label: "Other", keywords: [] });
  }
  await db.transaction(async (tx) => {
    const now = new Date();
    for (const [position, e] of entries.entries()) {
      await tx
        .insert(topics)
        .values({
          orgId,
          slug: e.slug,
          label: e.label,
          description: e.description ?? "",
          keywords: e.keywords,
          severityHint: e.severityHint ?? null,
          position,
          updatedAt: now,
        })
        .onConflictDoUpdate({
          target: [topics.orgId, topics.slug],
          set: {
            label: e.label,
            description: e.description ?? "",
            keywords: e.keywords,
            severityHint: e.severityHint ?? null,
            position,
            archivedAt: null,
            updatedAt: now,
          },
        });
    }
    await tx
      .update(topics)
      .set({ archivedAt: now, updatedAt: now })
      .where(
        and(
          eq(topics.orgId, orgId),
          isNull(topics.archivedAt),
          notInArray(
            topics.slug,
            entries.map((e) => e.slug),
          ),
        ),
      );
    await audit(tx, {
      orgId,
      actor,
      action: "taxonomy.imported",
      data: { topics: entries.map((e) => e.slug) },
    });
  });
  return exportTaxonomy(db, orgId);
}

/** Edit one topic's label and keywords (the settings page). */
export async function updateTopic(
  db: Db,
  orgId: number,
  slug: string,
  input: { label: unknown; keywords: unknown },
  actor: Actor,
): Promise<void> {
  const parsed = entrySchema.pick({ label: true, keywords: true }).safeParse(input);
  if (!parsed.success)
    throw new ValidationError("The topic is not valid", describeIssues(parsed.error.issues));
  await db.transaction(async (tx) => {
    const updated = await tx
      .update(topics)
      .set({ label: parsed.data.label, keywords: parsed.data.keywords, updatedAt: sql`now()` })
      .where(and(eq(topics.orgId, orgId), eq(topics.slug, slug), isNull(topics.archivedAt)))
      .returning({ slug: topics.slug });
    if (updated.length === 0)
      throw new ValidationError("No such topic", { slug: `No active topic "${slug}"` });
    await audit(tx, {
      orgId,
      actor,
      action: "taxonomy.topic_updated",
      targetType: "topic",
      targetId: slug,
      data: parsed.data,
    });
  });
}
