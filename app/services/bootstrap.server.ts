import { asc, eq, sql } from "drizzle-orm";
import { DEFAULT_TEMPLATES } from "~/domain/templates";
import type { Db } from "~db/client.server";
import { DEFAULT_TAXONOMY } from "~db/reference/taxonomy";
import { usStateRegions } from "~db/reference/us-regions";
import { channels, organisations, regions, templates, topics } from "~db/schema";

export interface Organisation {
  id: number;
  slug: string;
  name: string;
  isDemo: boolean;
}

/**
 * What every start and every CLI command does on any database: make sure the organisation, its
 * default regions and its default taxonomy exist. Idempotent, and never adds users or demo data.
 */
export async function ensureBaseline(db: Db, options: { orgName?: string } = {}): Promise<Organisation> {
  return db.transaction(async (tx) => {
    // Serialise concurrent first starts (two app processes, or the app and the CLI on a server).
    await tx.execute(sql`select pg_advisory_xact_lock(7231902)`);
    let org = await primaryOrganisation(tx);
    if (!org) {
      const [created] = await tx
        .insert(organisations)
        .values({ slug: "default", name: options.orgName ?? "Clarion" })
        .returning();
      org = created;
    }
    const [{ count: regionCount }] = await tx
      .select({ count: sql<number>`count(*)::int` })
      .from(regions)
      .where(eq(regions.orgId, org.id));
    if (regionCount === 0) {
      await tx.insert(regions).values(usStateRegions().map((r) => ({ ...r, orgId: org.id })));
    }
    const [{ count: topicCount }] = await tx
      .select({ count: sql<number>`count(*)::int` })
      .from(topics)
      .where(eq(topics.orgId, org.id));
    if (topicCount === 0) {
      await tx.insert(topics).values(
        DEFAULT_TAXONOMY.map((t, position) => ({
          orgId: org.id,
          slug: t.slug,
          label: t.label,
          description: t.description ?? "",
          keywords: t.keywords,
          severityHint: t.severityHint ?? null,
          position,
        })),
      );
    }
    // The public status page is always a channel; the default update texts are offered once.
    await tx
      .insert(channels)
      .values({ orgId: org.id, kind: "status_page", name: "Status page", config: {} })
      .onConflictDoNothing();
    const [{ count: templateCount }] = await tx
      .select({ count: sql<number>`count(*)::int` })
      .from(templates)
      .where(eq(templates.orgId, org.id));
    if (templateCount === 0) {
      await tx.insert(templates).values(
        DEFAULT_TEMPLATES.map((t) => ({
          orgId: org.id,
          name: t.name,
          kind: t.kind,
          topicSlug: t.topic,
          body: t.body,
        })),
      );
    }
    return { id: org.id, slug: org.slug, name: org.name, isDemo: org.isDemo };
  });
}

/** One organisation per install today; every query is still scoped by its id. */
export async function primaryOrganisation(db: Db) {
  const [org] = await db.select().from(organisations).orderBy(asc(organisations.id)).limit(1);
  return org ?? null;
}

export async function requirePrimaryOrganisation(db: Db): Promise<Organisation> {
  const org = await primaryOrganisation(db);
  if (!org) throw new Error("No organisation exists yet: the database has not been bootstrapped");
  return { id: org.id, slug: org.slug, name: org.name, isDemo: org.isDemo };
}

export async function organisationName(db: Db, orgId: number): Promise<string> {
  const [org] = await db
    .select({ name: organisations.name })
    .from(organisations)
    .where(eq(organisations.id, orgId));
  return org?.name ?? "";
}
