import { and, eq, inArray } from "drizzle-orm";
import type { ComposeChannelKind, ComposedVariants, VariantOverride, VariantReport } from "~/domain/channels";
import { CHANNEL_LABELS, composeUpdate } from "~/domain/update-compose";
import type { Db } from "~db/client.server";
import { type incidents, regions, type statusUpdates, topics, type updateVariants } from "~db/schema";
import type { ChannelKind } from "~db/schema/enums";
import type { ChannelRow } from "./channels.server";

/**
 * The bridge between the composer's variants (domain/channels) and what each adapter sends: one place
 * that turns a stored update into every channel's frozen payload, and into the live previews.
 */

type UpdateRow = typeof statusUpdates.$inferSelect;
type IncidentRow = typeof incidents.$inferSelect;
type VariantRow = typeof updateVariants.$inferSelect;

export interface ComposeSource {
  update: Pick<
    UpdateRow,
    | "id"
    | "kind"
    | "title"
    | "body"
    | "number"
    | "regions"
    | "incidentState"
    | "nextUpdateMinutes"
    | "publishedAt"
    | "eta"
  >;
  incident: Pick<IncidentRow, "id" | "title" | "severity" | "state" | "topics">;
  orgName: string;
  publicUrl: string;
  now: Date;
}

export function incidentPublicUrl(publicUrl: string, incidentId: number): string {
  return new URL(`/status/incidents/${incidentId}`, publicUrl).href;
}

/** Region display names (most affected first, as stored) and the zone for times in messages. */
async function regionContext(db: Db, orgId: number, codes: string[]) {
  if (codes.length === 0) return { names: [] as string[], timeZone: "UTC" };
  const rows = await db
    .select({ code: regions.code, name: regions.name, timeZones: regions.timeZones })
    .from(regions)
    .where(and(eq(regions.orgId, orgId), inArray(regions.code, codes)));
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const known = codes.map((c) => byCode.get(c)).filter((r): r is (typeof rows)[number] => Boolean(r));
  return { names: known.map((r) => r.name), timeZone: known[0]?.timeZones[0] ?? "UTC" };
}

export function overridesFrom(rows: Pick<VariantRow, "channelKind" | "body" | "mode">[]) {
  const out: Partial<Record<ComposeChannelKind, VariantOverride>> = {};
  for (const row of rows) out[row.channelKind] = { text: row.body ?? undefined, mode: row.mode };
  return out;
}

/**
 * Compose every requested channel's variant for a stored update, its placeholders filled as of its
 * publication (`now` until it is published). Problems are placeholders left without a value.
 */
export async function composeFor(
  db: Db,
  orgId: number,
  source: ComposeSource,
  kinds: ComposeChannelKind[],
  overrides: Partial<Record<ComposeChannelKind, VariantOverride>>,
): Promise<{ variants: ComposedVariants; problems: string[]; title: string; body: string }> {
  const { names, timeZone } = await regionContext(db, orgId, source.update.regions);
  const topicLabels = source.incident.topics.length
    ? (
        await db
          .select({ label: topics.label })
          .from(topics)
          .where(and(eq(topics.orgId, orgId), inArray(topics.slug, source.incident.topics)))
      ).map((t) => t.label)
    : [];
  return composeUpdate(
    { ...source.update, incidentState: source.update.incidentState },
    {
      orgName: source.orgName,
      incidentUrl: incidentPublicUrl(source.publicUrl, source.incident.id),
      regionNames: names,
      timeZone,
      topicLabels,
      incident: source.incident,
    },
    { kinds, overrides, publishedAt: source.update.publishedAt ?? source.now, updateId: source.update.id },
  );
}

const UNIT_WORDS: Record<string, string> = {
  weighted: "weighted characters",
  characters: "characters",
  graphemes: "characters",
  segments: "SMS segments",
  bytes: "bytes",
};

/** Why a variant cannot be sent as it is, for the person approving it. */
export function variantProblem(kind: ComposeChannelKind, report: VariantReport): string | null {
  if (report.ok) return null;
  const size = report.limit === null ? `${report.used}` : `${report.used} / ${report.limit}`;
  const notes = report.notes.length ? ` ${report.notes.join(" ")}` : "";
  return `${CHANNEL_LABELS[kind]}: ${size} ${UNIT_WORDS[report.unit] ?? report.unit}.${notes}`;
}

/** The adapter payload of one channel kind, from its variant (the shapes each adapter validates). */
export function payloadOf(
  kind: ChannelKind,
  variants: ComposedVariants,
  source: ComposeSource,
): Record<string, unknown> {
  switch (kind) {
    case "x":
    case "mastodon":
      return { parts: variants[kind]!.parts };
    case "bluesky":
      return { parts: variants.bluesky!.posts.map((p) => ({ text: p.text, facets: p.facets })) };
    case "facebook":
      return { message: variants.facebook!.message, link: variants.facebook!.link };
    case "sms":
      return { text: variants.sms!.text };
    case "slack":
      return { text: variants.slack!.text, blocks: variants.slack!.blocks };
    case "teams":
      return { card: variants.teams!.payload };
    case "email":
      return { subject: variants.email!.subject, html: variants.email!.html, text: variants.email!.text };
    case "webhook":
      return { event: variants.webhook!.event };
    case "status_page":
      return { incidentId: source.incident.id, updateNumber: source.update.number };
    case "statuspage":
      return {
        name: variants.statuspage!.title,
        body: variants.statuspage!.body,
        status:
          source.update.incidentState ??
          (source.update.kind === "resolution" ? "resolved" : source.incident.state),
      };
  }
}

/**
 * Freeze the message of every enabled channel for an approval. Problems (a person's override that is
 * too long for its channel) stop the approval with a message saying which channel and by how much.
 */
export async function freezePayloads(
  db: Db,
  input: Omit<ComposeSource, "incident"> & {
    incident: IncidentRow;
    channels: ChannelRow[];
    overrides: VariantRow[];
  },
): Promise<{
  payloads: { channelId: number; channelKind: ChannelKind; payload: Record<string, unknown>; ok: boolean }[];
  problems: string[];
  /** The update's own headline and text with placeholders filled (the status page shows these). */
  text: { title: string; body: string };
}> {
  const kinds = [...new Set(input.channels.map((c) => c.kind))];
  const composed = await composeFor(db, input.incident.orgId, input, kinds, overridesFrom(input.overrides));
  const variants = composed.variants;
  const problems = [
    ...composed.problems,
    ...kinds
      .map((k) => variantProblem(k, variants[k] as VariantReport))
      .filter((p): p is string => p !== null),
  ];
  return {
    problems,
    text: { title: composed.title, body: composed.body },
    payloads: input.channels.map((c) => ({
      channelId: c.id,
      channelKind: c.kind,
      payload: payloadOf(c.kind, variants, input),
      ok: (variants[c.kind] as VariantReport).ok,
    })),
  };
}
