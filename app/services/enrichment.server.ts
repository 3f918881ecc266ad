import { and, asc, count, eq, isNull, max } from "drizzle-orm";
import type { AppServices } from "~/context";
import type { ComplaintRecord } from "~/domain/intake/record";
import { buildRegionIndex, type RegionCandidate, type RegionIndex, resolveRegion } from "~/domain/regions";
import { buildClassifier, sentimentScore, type TopicClassifier } from "~/domain/topics";
import type { Db } from "~db/client.server";
import { regions, topics } from "~db/schema";
import type { RegionMethod } from "~db/schema/enums";
import { publishEvent } from "./events.server";
import type { CommittedBatch, IntakeContext } from "./intake.server";

/** What enrichment decides for one complaint (stored beside it and exported with it). */
export interface Enrichment {
  regionCode: string | null;
  regionMethod: RegionMethod;
  regionConfidence: number;
  topicSlug: string;
  topicScore: number;
  sentiment: number;
  /** Unplaced, but naming an ambiguous city: the regions it may be in (placed later from context). */
  regionCandidates?: RegionCandidate[];
}

export interface Enricher {
  /** Changes when the organisation's regions or taxonomy change, so cached enrichers are rebuilt. */
  version: string;
  enrich(record: ComplaintRecord): Enrichment;
}

/** A zone or offset the record carries (unknown fields kept from the source): a weak region hint. */
function timeHints(record: ComplaintRecord): { timeZone: string | null; utcOffsetMinutes: number | null } {
  const r = record as Record<string, unknown>;
  const author = (record.author ?? {}) as Record<string, unknown>;
  const zone = [r.timeZone, r.timezone, author.timeZone, author.timezone].find(
    (v) => typeof v === "string",
  ) as string | undefined;
  // An explicit non-UTC offset in createdAt ("…-08:00") says where the sender's clock is; "Z" says nothing.
  const m = /([+-])(\d{2}):?(\d{2})$/.exec(record.createdAt);
  const offset = m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : null;
  return { timeZone: zone ?? null, utcOffsetMinutes: offset === 0 ? null : offset };
}

export function createEnricher(version: string, index: RegionIndex, classifier: TopicClassifier): Enricher {
  return {
    version,
    enrich(record) {
      const hints = timeHints(record);
      const region = resolveRegion(
        {
          text: record.text,
          lat: record.lat ?? null,
          lon: record.lon ?? null,
          postalCode: record.postalCode,
          location: record.location,
          timeZone: hints.timeZone,
          utcOffsetMinutes: hints.utcOffsetMinutes,
        },
        index,
      );
      const topic = classifier.classify(record.text);
      return {
        regionCode: region.region,
        regionMethod: region.method,
        regionConfidence: region.confidence,
        topicSlug: topic.topic,
        topicScore: topic.score,
        sentiment: sentimentScore(record.text),
        ...(region.candidates ? { regionCandidates: region.candidates } : {}),
      };
    },
  };
}

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
  const enricher = createEnricher(version, buildRegionIndex(regionRows), buildClassifier(topicRows));
  cache.set(orgId, enricher);
  return enricher;
}

export async function intakeContext(services: Pick<AppServices, "db" | "orgId">): Promise<IntakeContext> {
  return {
    db: services.db,
    orgId: services.orgId,
    enricher: await loadEnricher(services.db, services.orgId),
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
