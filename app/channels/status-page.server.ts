import { z } from "zod";
import type { ChannelAdapter } from "./types";

const payloadSchema = z.object({ incidentId: z.number().int().positive(), updateNumber: z.number().int() });

/**
 * The built-in public status page. It reads published updates straight from the database, so posting
 * is the worker marking the update published in the same transaction that settles this delivery: it
 * cannot happen twice, and "sending" it only names where it can be read.
 */
export const statusPageAdapter: ChannelAdapter<Record<string, never>, Record<string, never>> = {
  kind: "status_page",
  label: "Status page",
  idempotent: true,
  threads: false,
  configSchema: z.object({}).strict(),
  credentialsSchema: z.object({}).strict(),
  configFields: [],
  credentialFields: [],
  async send(ctx, message) {
    const payload = payloadSchema.safeParse(message.payload);
    if (!payload.success) return { outcome: "failed", reason: "The status page entry names no incident." };
    const url = new URL(`/status/incidents/${payload.data.incidentId}`, ctx.publicUrl);
    url.hash = `update-${payload.data.updateNumber}`;
    return {
      outcome: "sent",
      remoteId: `${payload.data.incidentId}#${payload.data.updateNumber}`,
      remoteUrl: url.href,
    };
  },
  async test(ctx) {
    return { ok: true, message: `Published updates appear at ${new URL("/status", ctx.publicUrl).href}.` };
  },
};
