import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { adapterFor } from "~/channels/registry.server";
import type { AnyChannelAdapter, ChannelContext, ChannelTestResult } from "~/channels/types";
import { generateWebhookSecret } from "~/channels/webhook.server";
import type { SecretBox } from "~/utils/crypto.server";
import { ConflictError, fieldErrors, NotFoundError, ValidationError } from "~/utils/errors";
import type { Db } from "~db/client.server";
import { channels } from "~db/schema";
import { CHANNEL_KINDS, type ChannelKind } from "~db/schema/enums";
import { type Actor, audit } from "./audit.server";

/**
 * Outbound channels: their settings, their credentials (sealed with the app key, never returned), and the
 * "send test" button. Every other part of publishing reaches a channel through `openChannel`.
 */

export const DELIVERY_TIMEOUT_MS = 10_000;

export type ChannelRow = typeof channels.$inferSelect;

export interface ChannelSummary {
  id: number;
  kind: ChannelKind;
  name: string;
  enabled: boolean;
  /** Non-secret settings as stored (shown in the form). */
  config: Record<string, unknown>;
  /** Which secret fields hold a value (their values never leave the server). */
  credentialsSet: string[];
  lastTest: { at: string; ok: boolean; message: string } | null;
  blockedUntil: string | null;
}

function summarise(row: ChannelRow, box: SecretBox): ChannelSummary {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    enabled: row.enabled,
    config: row.config,
    credentialsSet: Object.entries(readCredentials(box, row))
      .filter(([, v]) => v !== "" && v !== undefined && v !== null)
      .map(([k]) => k),
    lastTest: row.lastTest ?? null,
    blockedUntil: row.blockedUntil?.toISOString() ?? null,
  };
}

function readCredentials(box: SecretBox, row: Pick<ChannelRow, "credentialsEnc">): Record<string, unknown> {
  if (!row.credentialsEnc) return {};
  try {
    return JSON.parse(box.open(row.credentialsEnc)) as Record<string, unknown>;
  } catch {
    // A key change makes old credentials unreadable: the channel then asks for them again.
    return {};
  }
}

export async function listChannels(db: Db, box: SecretBox, orgId: number): Promise<ChannelSummary[]> {
  const rows = await db.select().from(channels).where(eq(channels.orgId, orgId)).orderBy(asc(channels.id));
  return rows.map((r) => summarise(r, box));
}

export async function enabledChannels(db: Db, orgId: number): Promise<ChannelRow[]> {
  return db
    .select()
    .from(channels)
    .where(and(eq(channels.orgId, orgId), eq(channels.enabled, true)))
    .orderBy(asc(channels.id));
}

const channelInputSchema = z.object({
  id: z.coerce.number().int().positive().optional(),
  kind: z.enum(CHANNEL_KINDS, { message: `Kind must be one of: ${CHANNEL_KINDS.join(", ")}` }),
  name: z
    .string({ message: "Name the channel" })
    .trim()
    .min(1, "Name the channel")
    .max(80, "Keep the name under 80 characters"),
  enabled: z.boolean().default(true),
  config: z.record(z.string(), z.string()).default({}),
  /** Secret fields; a blank one keeps the stored value. */
  credentials: z.record(z.string(), z.string()).default({}),
});

export type ChannelInput = z.input<typeof channelInputSchema>;

/** Blank form fields mean "not set" for settings (so defaults apply) and "unchanged" for secrets. */
function withoutBlanks(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== ""));
}

export async function saveChannel(
  db: Db,
  box: SecretBox,
  orgId: number,
  input: ChannelInput,
  actor: Actor,
): Promise<ChannelSummary & { generatedSecret: string | null }> {
  const parsed = channelInputSchema.safeParse(input);
  if (!parsed.success)
    throw new ValidationError("The channel is not valid", fieldErrors(parsed.error.issues));
  const { id, kind, name, enabled } = parsed.data;
  const adapter = adapterFor(kind);
  if (!adapter) throw new ValidationError(`Clarion cannot post to ${kind} yet.`, { kind: "Not available" });
  const config = adapter.configSchema.safeParse(withoutBlanks(parsed.data.config));
  if (!config.success) {
    throw new ValidationError(
      `The ${adapter.label} settings are not valid`,
      prefixed("config", config.error),
    );
  }
  return db.transaction(async (tx) => {
    const existing = id
      ? (
          await tx
            .select()
            .from(channels)
            .where(and(eq(channels.id, id), eq(channels.orgId, orgId)))
        )[0]
      : undefined;
    if (id && !existing) throw new NotFoundError(`Channel ${id} does not exist.`);
    if (existing && existing.kind !== kind) throw new ConflictError("A channel's kind cannot change.");
    const merged: Record<string, unknown> = {
      ...(existing ? readCredentials(box, existing) : {}),
      ...withoutBlanks(parsed.data.credentials),
    };
    // Outgoing webhooks are signed with a secret we make (Standard Webhooks); it is shown once.
    let generatedSecret: string | null = null;
    if (kind === "webhook" && !merged.secret) {
      generatedSecret = generateWebhookSecret();
      merged.secret = generatedSecret;
    }
    const credentials = adapter.credentialsSchema.safeParse(merged);
    if (!credentials.success) {
      throw new ValidationError(
        `The ${adapter.label} credentials are not complete`,
        prefixed("credentials", credentials.error),
      );
    }
    const values = {
      orgId,
      kind,
      name,
      enabled,
      config: config.data as Record<string, unknown>,
      credentialsEnc: Object.keys(merged).length > 0 ? box.seal(JSON.stringify(credentials.data)) : null,
      updatedAt: new Date(),
    };
    const [clash] = await tx
      .select({ id: channels.id })
      .from(channels)
      .where(and(eq(channels.orgId, orgId), eq(channels.name, name)));
    if (clash && clash.id !== id)
      throw new ValidationError("That name is taken", { name: "Another channel has it" });
    const [row] = existing
      ? await tx.update(channels).set(values).where(eq(channels.id, existing.id)).returning()
      : await tx.insert(channels).values(values).returning();
    await audit(tx, {
      orgId,
      actor,
      action: existing ? "channel.updated" : "channel.created",
      targetType: "channel",
      targetId: row.id,
      // Which secrets changed, never their values.
      data: { kind, name, enabled, credentialsChanged: Object.keys(withoutBlanks(parsed.data.credentials)) },
    });
    return { ...summarise(row, box), generatedSecret };
  });
}

function prefixed(prefix: string, error: z.ZodError): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fieldErrors(error.issues)).map(([k, v]) => [k === "_form" ? prefix : `${prefix}.${k}`, v]),
  );
}

export async function setChannelEnabled(
  db: Db,
  orgId: number,
  id: number,
  enabled: boolean,
  actor: Actor,
): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(channels)
      .set({ enabled, updatedAt: new Date() })
      .where(and(eq(channels.id, id), eq(channels.orgId, orgId)))
      .returning({ id: channels.id, kind: channels.kind });
    if (!row) throw new NotFoundError(`Channel ${id} does not exist.`);
    await audit(tx, {
      orgId,
      actor,
      action: enabled ? "channel.enabled" : "channel.disabled",
      targetType: "channel",
      targetId: id,
      data: { kind: row.kind },
    });
  });
}

export interface OpenChannel {
  adapter: AnyChannelAdapter;
  ctx: ChannelContext<unknown, unknown>;
}

/** The adapter and a ready context for a stored channel, or the reason it cannot be used. */
export function openChannel(
  box: SecretBox,
  row: ChannelRow,
  options: { publicUrl: string; fetch?: typeof fetch; timeoutMs?: number; allowPrivateRecipients?: boolean },
): OpenChannel | { error: string } {
  const adapter = adapterFor(row.kind);
  if (!adapter) return { error: `Clarion cannot post to ${row.kind}.` };
  const config = adapter.configSchema.safeParse(row.config);
  if (!config.success)
    return { error: `The channel's settings are not valid: ${config.error.issues[0]?.message}` };
  const credentials = adapter.credentialsSchema.safeParse(readCredentials(box, row));
  if (!credentials.success) {
    return {
      error: "The channel's credentials are missing or unreadable: enter them again in Settings → Channels.",
    };
  }
  return {
    adapter,
    ctx: {
      config: config.data,
      credentials: credentials.data,
      fetch: options.fetch ?? fetch,
      timeoutMs: options.timeoutMs ?? DELIVERY_TIMEOUT_MS,
      publicUrl: options.publicUrl,
      allowPrivateRecipients: options.allowPrivateRecipients ?? false,
    },
  };
}

/** "Send test": checks the stored settings against the remote and records the answer. */
export async function testChannel(
  db: Db,
  box: SecretBox,
  orgId: number,
  id: number,
  options: { to?: string; publicUrl: string },
  actor: Actor,
): Promise<ChannelTestResult> {
  const [row] = await db
    .select()
    .from(channels)
    .where(and(eq(channels.id, id), eq(channels.orgId, orgId)));
  if (!row) throw new NotFoundError(`Channel ${id} does not exist.`);
  const opened = openChannel(box, row, { publicUrl: options.publicUrl });
  let result: ChannelTestResult;
  if ("error" in opened) result = { ok: false, message: opened.error };
  else {
    try {
      result = await opened.adapter.test(opened.ctx, { to: options.to?.trim() || undefined });
    } catch (error) {
      result = { ok: false, message: `The test could not run: ${(error as Error).message}` };
    }
  }
  await db.transaction(async (tx) => {
    await tx
      .update(channels)
      .set({
        lastTest: { at: new Date().toISOString(), ok: result.ok, message: result.message.slice(0, 500) },
      })
      .where(eq(channels.id, id));
    await audit(tx, {
      orgId,
      actor,
      action: "channel.tested",
      targetType: "channel",
      targetId: id,
      data: { ok: result.ok },
    });
  });
  return result;
}
