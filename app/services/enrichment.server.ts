import { and, asc, count, eq, isNull, max } from "drizzle-orm";
import type { AppServices } from "~/context";
import { createEnricher, type Enricher } from "~/domain/enrichment";
import type { Db } from "~db/client.server";
import { regions, topics } from "~db/schema";
import { sharedEnrichmentPool } from "./enrichment-pool.server";
import { publishEvent } from "./events.server";
import type { CommittedBatch, IntakeContext } from "./intake.server";

export type { Enricher, Enrichment } from "~/domain/enrichment";

const cache = new Map<number, Enricher>();

async function enrichmentVersion(db: Db, orgId: number): Promise<string> {
  const [r] = await db
    .select({ n: count(), at: max(regions.createdAt) })
    .from(regions)
    .where(eq(regions.orgId, orgId));
  const [t] = await db
    .select({ n: count(), at: max(topics.updatedAt) })
    .from(topics)
    .where(eq(topics.orgId, orgId));
  return `${r.n}:${r.at?.getTime() ?? 0}:${t.n}:${t.at?.getTime() ?? 0}`;
}

/** The organisation's enricher, rebuilt only when its regions or taxonomy changed. */
export async function loadEnricher(db: Db, orgId: number): Promise<Enricher> {
  const version = await enrichmentVersion(db, orgId);
  const cached = cache.get(orgId);
  if (cached && cached.version === version) return cached;
  const regionRows = await db
    .select({
      code: regions.code,
      name: regions.name,
      geometry: regions.geometry,
      bbox: regions.bbox,
      timeZones: regions.timeZones,
      population: regions.population,
    })
    .from(regions)
    .where(eq(regions.orgId, orgId));
  const topicRows = await db
    .select({ slug: topics.slug, label: topics.label, keywords: topics.keywords })
    .from(topics)
    .where(and(eq(topics.orgId, orgId), isNull(topics.archivedAt)))
    .orderBy(asc(topics.position));
  const enricher = createEnricher({ version, regions: regionRows, topics: topicRows });
  cache.set(orgId, enricher);
  return enricher;
}

export async function intakeContext(services: Pick<AppServices, "db" | "orgId">): Promise<IntakeContext> {
  return {
    db: services.db,
    orgId: services.orgId,
    enricher: await loadEnricher(services.db, services.orgId),
    pool: sharedEnrichmentPool(),
  };
}

/** After each committed intake batch: tell open rooms and the detector (via LISTEN/NOTIFY). */
export function publishIntake(services: Pick<AppServices, "database">) {
  return async (batch: CommittedBatch) => {
    await publishEvent(services.database, {
      type: "complaints",
      orgId: batch.orgId,
      inserted: batch.inserted,
      from: batch.buckets[0] ?? null,
      to: batch.buckets.at(-1) ?? null,
    });
  };
}
