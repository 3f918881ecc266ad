import { randomBytes } from "node:crypto";
import { and, asc, eq, lt } from "drizzle-orm";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { z } from "zod";
import type { SecretBox } from "~/utils/crypto.server";
import {
  ConflictError,
  fieldErrors,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
} from "~/utils/errors";
import type { Db } from "~db/client.server";
import { sources, webhookReceipts } from "~db/schema";
import { SOURCE_MAPPERS } from "~db/schema/enums";
import { type Actor, audit } from "./audit.server";

export const sourceInputSchema = z.object({
  name: z
    .string({ message: "Give the source a name" })
    .trim()
    .toLowerCase()
    .regex(
      /^[a-z0-9][a-z0-9_.-]{0,63}$/,
      "Use lowercase letters, digits, dots, dashes or underscores (e.g. x, zendesk)",
    ),
  mapper: z.enum(SOURCE_MAPPERS, { message: `Payload format must be one of: ${SOURCE_MAPPERS.join(", ")}` }),
});

/** A Standard Webhooks secret: `whsec_` + base64 of 24 random bytes. */
function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

export interface SourceSummary {
  id: number;
  name: string;
  mapper: string;
  enabled: boolean;
  acceptedCount: number;
  duplicateCount: number;
  rejectedCount: number;
  lastReceivedAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  createdAt: string;
}

function summarise(row: typeof sources.$inferSelect): SourceSummary {
  return {
    id: row.id,
    name: row.name,
    mapper: row.mapper,
    enabled: row.enabled,
    acceptedCount: row.acceptedCount,
    duplicateCount: row.duplicateCount,
    rejectedCount: row.rejectedCount,
    lastReceivedAt: row.lastReceivedAt?.toISOString() ?? null,
    lastError: row.lastError,
    lastErrorAt: row.lastErrorAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Create an inbound source; its signing secret is returned this once and stored encrypted. */
export async function createSource(
  db: Db,
  box: SecretBox,
  orgId: number,
  input: { name: unknown; mapper: unknown },
  actor: Actor,
): Promise<{ source: SourceSummary; secret: string }> {
  const parsed = sourceInputSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError("The source is not valid", fieldErrors(parsed.error.issues));
  const secret = newWebhookSecret();
  return db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ id: sources.id })
      .from(sources)
      .where(and(eq(sources.orgId, orgId), eq(sources.name, parsed.data.name)));
    if (existing) throw new ValidationError("That name is taken", { name: "A source with this name exists" });
    const [row] = await tx
      .insert(sources)
      .values({
        orgId,
        name: parsed.data.name,
        mapper: parsed.data.mapper,
        webhookSecretEnc: box.seal(secret),
      })
      .returning();
    await audit(tx, {
      orgId,
      actor,
      action: "source.created",
      targetType: "source",
      targetId: row.id,
      data: parsed.data,
    });
    return { source: summarise(row), secret };
  });
}

export async function listSources(db: Db, orgId: number): Promise<SourceSummary[]> {
  const rows = await db.select().from(sources).where(eq(sources.orgId, orgId)).orderBy(asc(sources.name));
  return rows.map(summarise);
}

export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

/**
 * Check a webhook delivery per the Standard Webhooks spec (HMAC-SHA256 over id.timestamp.body, timestamp
 * within 5 minutes), then claim its webhook-id so a replay is refused. Returns the source.
 */
export async function acceptWebhook(
  db: Db,
  box: SecretBox,
  orgId: number,
  sourceId: number,
  body: string,
  headers: Headers,
): Promise<typeof sources.$inferSelect> {
  const [source] = await db
    .select()
    .from(sources)
    .where(and(eq(sources.id, sourceId), eq(sources.orgId, orgId)));
  if (!source?.enabled)
    throw new NotFoundError(`Unknown source ${sourceId}: create it under Settings → Sources.`);
  if (!source.webhookSecretEnc)
    throw new UnauthorizedError("This source has no signing secret; rotate it in Settings.");
  const needed = ["webhook-id", "webhook-timestamp", "webhook-signature"] as const;
  const missing = needed.filter((h) => !headers.get(h));
  if (missing.length > 0) {
    throw new UnauthorizedError(
      `Unsigned webhook: missing ${missing.join(", ")} (see standardwebhooks.com).`,
    );
  }
  try {
    new Webhook(box.open(source.webhookSecretEnc)).verify(
      body,
      {
        "webhook-id": headers.get("webhook-id")!,
        "webhook-timestamp": headers.get("webhook-timestamp")!,
        "webhook-signature": headers.get("webhook-signature")!,
      },
      { jsonParse: false },
    );
  } catch (error) {
    if (error instanceof WebhookVerificationError) {
      const stale = /timestamp/i.test(error.message);
      throw new UnauthorizedError(
        stale
          ? "Webhook timestamp is outside the 5-minute tolerance: check the sender's clock or replay window."
          : "Webhook signature does not match this source's secret.",
      );
    }
    throw error;
  }
  const webhookId = headers.get("webhook-id")!.slice(0, 200);
  const claimed = await db
    .insert(webhookReceipts)
    .values({ sourceId, webhookId })
    .onConflictDoNothing()
    .returning({ id: webhookReceipts.webhookId });
  if (claimed.length === 0)
    throw new ConflictError(`Webhook ${webhookId} was already received; replays are refused.`);
  return source;
}

/** Let the sender retry a delivery we failed to process (server error after the signature check). */
export async function releaseWebhook(db: Db, sourceId: number, webhookId: string): Promise<void> {
  await db
    .delete(webhookReceipts)
    .where(
      and(eq(webhookReceipts.sourceId, sourceId), eq(webhookReceipts.webhookId, webhookId.slice(0, 200))),
    );
}

/** Receipts older than twice the tolerance can no longer be replayed (their timestamps are stale). */
export async function pruneWebhookReceipts(db: Db, now = new Date()): Promise<void> {
  await db
    .delete(webhookReceipts)
    .where(lt(webhookReceipts.receivedAt, new Date(now.getTime() - 2 * WEBHOOK_TOLERANCE_SECONDS * 1000)));
}

export async function recordSourceError(
  db: Db,
  orgId: number,
  sourceId: number,
  message: string,
): Promise<void> {
  await db
    .update(sources)
    .set({ lastError: message.slice(0, 500), lastErrorAt: new Date() })
    .where(and(eq(sources.id, sourceId), eq(sources.orgId, orgId)));
}
