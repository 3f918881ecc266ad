import { z } from "zod";
import { headerSafeId, httpUrl, payloadInvalid, TEST_BOOKKEEPING, testResultOf } from "./common.server";
import { callRemote } from "./http.server";
import type { ChannelAdapter, ChannelContext, SendOutcome } from "./types";

/**
 * Microsoft Teams through a Workflows (Power Automate) webhook: the "Post to a channel when a
 * webhook request is received" flow's HTTP trigger
 * (https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using).
 * The body is a message activity holding Adaptive Card attachments; the trigger answers 202 Accepted
 * and runs the flow. Its URL carries a signature (`sig=`), so the whole URL is a secret.
 */

const ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive";

const configSchema = z.object({}).strict();
const credentialsSchema = z.object({ webhookUrl: httpUrl });

/** The envelope only: what a card may hold is the workflow's to judge (it answers 400 with why). */
const cardSchema = z.looseObject({
  type: z.literal("message"),
  attachments: z.array(z.looseObject({ contentType: z.string(), content: z.unknown() })).min(1),
});
const payloadSchema = z.object({ card: cardSchema });

type Config = z.infer<typeof configSchema>;
type Credentials = z.infer<typeof credentialsSchema>;

async function post(
  ctx: ChannelContext<Config, Credentials>,
  card: unknown,
  fallbackId: string,
  beforeDispatch: () => Promise<void>,
): Promise<SendOutcome> {
  const result = await callRemote(
    { method: "POST", url: ctx.credentials.webhookUrl, json: card },
    {
      fetch: ctx.fetch,
      timeoutMs: ctx.timeoutMs,
      idempotent: false,
      beforeDispatch,
      describeError: (status, body, text) => {
        const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
        const detail = error?.message ?? (text.trim().slice(0, 200) || null);
        if (status === 404)
          return `the workflow was not found — it was deleted or turned off; create a new Workflows webhook${detail ? ` (${detail})` : ""}`;
        return detail;
      },
    },
  );
  if (!result.ok) return result.outcome;
  // Workflows name the run they started; that is the only handle on what was posted.
  const runId = result.headers.get("x-ms-workflow-run-id");
  return {
    outcome: "sent",
    remoteId: runId ? `run:${runId}` : `teams:${fallbackId}`,
    remoteUrl: null,
    httpStatus: result.status,
  };
}

export const teamsAdapter: ChannelAdapter<Config, Credentials> = {
  kind: "teams",
  label: "Microsoft Teams (Workflows webhook)",
  idempotent: false,
  threads: false,
  configSchema,
  credentialsSchema,
  configFields: [],
  credentialFields: [
    {
      name: "webhookUrl",
      label: "Workflow webhook URL",
      type: "secret",
      required: true,
      help: "In the Teams channel: Workflows → “Post to a channel when a webhook request is received”, then copy its URL.",
    },
  ],

  async send(ctx, message) {
    const payload = payloadSchema.safeParse(message.payload);
    if (!payload.success) return payloadInvalid("Teams", payload.error);
    return post(ctx, payload.data.card, headerSafeId(message.idempotencyKey), () => message.markDispatched());
  },

  async test(ctx) {
    const card = {
      type: "message",
      attachments: [
        {
          contentType: ADAPTIVE_CARD,
          content: {
            $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
            type: "AdaptiveCard",
            version: "1.4",
            body: [
              { type: "TextBlock", text: "Clarion test message", weight: "Bolder", size: "Medium" },
              { type: "TextBlock", text: "This channel is connected. Ignore this card.", wrap: true },
            ],
          },
        },
      ],
    };
    const outcome = await post(ctx, card, "test", TEST_BOOKKEEPING.markDispatched);
    return testResultOf(
      outcome,
      () => "The workflow accepted a test card; it appears in the channel shortly.",
    );
  },
};
