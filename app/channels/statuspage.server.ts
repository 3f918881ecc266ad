import { z } from "zod";
import { INCIDENT_STATES } from "~db/schema/enums";
import { baseUrl, listOf, payloadInvalid } from "./common.server";
import { callRemote, type HttpOptions } from "./http.server";
import type { ChannelAdapter, ChannelContext, SendOutcome } from "./types";

/**
 * Atlassian Statuspage REST API v1 (https://developer.statuspage.io/): the first update of an
 * incident creates a Statuspage incident, follow-ups PATCH that incident with the new status and
 * body (each becomes an incident update there). `Authorization: OAuth <api key>`. Errors are
 * `{ "error": "…" }` or `{ "error": ["…"] }`; rate limiting is 420 (or 429) with Retry-After.
 */

const IMPACTS = ["none", "minor", "major", "critical"] as const;

const configSchema = z.object({
  baseUrl: baseUrl("https://api.statuspage.io/v1"),
  pageId: z.string().regex(/^[a-z0-9]+$/i, "A Statuspage page id is letters and digits"),
  /** Components every incident affects unless the update names its own. */
  componentIds: listOf(z.string().regex(/^[a-z0-9]+$/i)).default([]),
});
const credentialsSchema = z.object({ apiKey: z.string().min(1) });

const payloadSchema = z.object({
  name: z.string().min(1),
  body: z.string().min(1),
  status: z.enum(INCIDENT_STATES),
  impactOverride: z.enum(IMPACTS).optional(),
  componentIds: z.array(z.string()).optional(),
  /** Component id → its status for this update (operational, degraded_performance, …). */
  components: z.record(z.string(), z.string()).optional(),
});

type Config = z.infer<typeof configSchema>;
type Credentials = z.infer<typeof credentialsSchema>;

interface Incident {
  id: string;
  shortlink?: string | null;
  incident_updates?: Array<{ id: string; created_at?: string }>;
}

function options(
  ctx: ChannelContext<Config, Credentials>,
  beforeDispatch?: () => Promise<void>,
): HttpOptions {
  return {
    fetch: ctx.fetch,
    timeoutMs: ctx.timeoutMs,
    idempotent: false,
    beforeDispatch,
    rateLimitStatuses: [420],
    describeError: (status, body) => {
      const error = (body as { error?: unknown } | null)?.error;
      const text = Array.isArray(error) ? error.join("; ") : typeof error === "string" ? error : null;
      if (status === 404)
        return `${text ?? "not found"} — check the page id, or whether the incident was deleted`;
      return text;
    },
  };
}

function headers(ctx: ChannelContext<Config, Credentials>): Record<string, string> {
  return { authorization: `OAuth ${ctx.credentials.apiKey}` };
}

/** The remote id of a post: the incident, and for follow-ups the incident update it added. */
function remoteIdOf(incident: Incident, followUp: boolean): string {
  const latest = [...(incident.incident_updates ?? [])].sort((a, b) =>
    (b.created_at ?? "").localeCompare(a.created_at ?? ""),
  )[0];
  return followUp && latest ? `${incident.id}/${latest.id}` : incident.id;
}

export const statuspageAdapter: ChannelAdapter<Config, Credentials> = {
  kind: "statuspage",
  label: "Atlassian Statuspage",
  idempotent: false,
  threads: true,
  configSchema,
  credentialsSchema,
  configFields: [
    {
      name: "pageId",
      label: "Page id",
      type: "text",
      required: true,
      help: "From the page's API info (manage.statuspage.io → API info).",
    },
    {
      name: "componentIds",
      label: "Affected component ids",
      type: "textarea",
      required: false,
      help: "One per line; used when an update names no components.",
    },
    {
      name: "baseUrl",
      label: "API base URL",
      type: "url",
      required: false,
      defaultValue: "https://api.statuspage.io/v1",
    },
  ],
  credentialFields: [{ name: "apiKey", label: "API key", type: "secret", required: true }],

  async send(ctx, message): Promise<SendOutcome> {
    const parsed = payloadSchema.safeParse(message.payload);
    if (!parsed.success) return payloadInvalid("Statuspage", parsed.error);
    const payload = parsed.data;
    const page = `${ctx.config.baseUrl}/pages/${encodeURIComponent(ctx.config.pageId)}`;
    const incidentId = message.thread?.root.split("/")[0];
    const componentIds = payload.componentIds ?? ctx.config.componentIds;
    const incident = incidentId
      ? {
          status: payload.status,
          body: payload.body,
          ...(payload.components && { components: payload.components }),
        }
      : {
          name: payload.name,
          status: payload.status,
          body: payload.body,
          ...(payload.impactOverride && { impact_override: payload.impactOverride }),
          ...(componentIds.length > 0 && { component_ids: componentIds }),
          ...(payload.components && { components: payload.components }),
        };
    const result = await callRemote(
      {
        method: incidentId ? "PATCH" : "POST",
        url: incidentId ? `${page}/incidents/${encodeURIComponent(incidentId)}` : `${page}/incidents`,
        headers: headers(ctx),
        json: { incident },
      },
      options(ctx, () => message.markDispatched()),
    );
    if (!result.ok) return result.outcome;
    const body = result.body as Incident | null;
    if (!body?.id) {
      // Accepted, but we cannot say which incident it is: a person must look.
      return {
        outcome: "unknown",
        reason: `Statuspage answered ${result.status} without an incident id; check the page before sending again.`,
        httpStatus: result.status,
      };
    }
    return {
      outcome: "sent",
      remoteId: remoteIdOf(body, Boolean(incidentId)),
      remoteUrl: body.shortlink ?? null,
      httpStatus: result.status,
    };
  },

  async test(ctx) {
    const result = await callRemote(
      {
        method: "GET",
        url: `${ctx.config.baseUrl}/pages/${encodeURIComponent(ctx.config.pageId)}`,
        headers: headers(ctx),
      },
      options(ctx),
    );
    if (!result.ok) return { ok: false, message: result.outcome.reason };
    const page = result.body as { name?: string; url?: string | null; subdomain?: string } | null;
    const where = page?.url || (page?.subdomain ? `${page.subdomain}.statuspage.io` : null);
    return {
      ok: true,
      message: `Connected to the page “${page?.name ?? ctx.config.pageId}”${where ? ` (${where})` : ""}.`,
    };
  },
};
