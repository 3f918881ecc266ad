import { randomBytes } from "node:crypto";
import { type FakeReply, type FakeRequest, HttpFake, header, parseJson, type Trouble } from "./http-fake";

/**
 * Microsoft Teams Workflows (Power Automate) webhook trigger, "Post to a channel when a webhook
 * request is received":
 * https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using
 * (Workflows accept Adaptive Cards only) and the Logic Apps request trigger it runs on
 * (https://learn.microsoft.com/en-us/azure/logic-apps/logic-apps-http-endpoint): POST
 * `/workflows/{id}/triggers/manual/paths/invoke?api-version=…&sp=…&sv=1.0&sig=…` answers 202 Accepted
 * with the run id in `x-ms-workflow-run-id`; errors are `{ "error": { "code", "message" } }` —
 * 401 for a wrong signature, 404 for a deleted workflow, 400 for a body that is not a card message,
 * 429 with Retry-After when throttled.
 */

export interface PostedCard {
  runId: string;
  body: Record<string, unknown>;
}

const error = (
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): FakeReply => ({
  status,
  headers,
  body: { error: { code, message } },
});

export class TeamsWorkflowFake {
  readonly posted: PostedCard[] = [];
  readonly workflowId = randomBytes(16).toString("hex");
  readonly signature = randomBytes(24).toString("base64url");
  private readonly http: HttpFake;
  private deleted = false;
  private runs = 0;

  constructor() {
    this.http = new HttpFake(
      (request) => this.handle(request),
      (trouble) => {
        switch (trouble.kind) {
          case "unavailable":
            return error(503, "ServiceUnavailable", "The service is temporarily unavailable.");
          case "rateLimited":
            return error(429, "WorkflowRequestsThrottled", "The request was throttled. Retry later.", {
              "retry-after": String(trouble.retryAfterSeconds),
            });
          case "unauthorized":
            return error(
              401,
              "DirectApiInvalidAuthorizationSignature",
              "The provided signature is not valid.",
            );
          case "reply":
            return trouble.reply;
        }
      },
    );
  }

  /** The URL Workflows hands out: it carries the signature, so it is the secret. */
  get webhookUrl(): string {
    return this.urlWith(this.signature);
  }
  urlWith(signature: string): string {
    const query = new URLSearchParams({
      "api-version": "1",
      sp: "/triggers/manual/run",
      sv: "1.0",
      sig: signature,
    });
    return `${this.http.url}/workflows/${this.workflowId}/triggers/manual/paths/invoke?${query}`;
  }
  get requests(): FakeRequest[] {
    return this.http.requests;
  }
  trouble(trouble: Trouble, times = 1): void {
    this.http.trouble(trouble, times);
  }
  /** The flow's owner deleted it (or it was turned off). */
  deleteWorkflow(): void {
    this.deleted = true;
  }
  async start(): Promise<this> {
    await this.http.start();
    return this;
  }
  close(): Promise<void> {
    return this.http.close();
  }

  private handle(request: FakeRequest): FakeReply {
    const match = /^\/workflows\/([0-9a-f]+)\/triggers\/manual\/paths\/invoke$/.exec(request.path);
    if (!match || match[1] !== this.workflowId || this.deleted)
      return error(404, "WorkflowNotFound", `The workflow '${match?.[1] ?? ""}' could not be found.`);
    if (request.method !== "POST")
      return error(
        405,
        "TriggerRequestMethodNotValid",
        `The HTTP method '${request.method}' is not allowed.`,
      );
    const sig = request.query.get("sig");
    if (!sig) return error(401, "DirectApiAuthorizationRequired", "The request must be authenticated.");
    if (sig !== this.signature)
      return error(401, "DirectApiInvalidAuthorizationSignature", "The provided signature is not valid.");
    if (!(header(request, "content-type") ?? "").startsWith("application/json"))
      return error(400, "InvalidRequestContent", "The request content must be JSON.");
    const body = parseJson(request.body);
    const problem = cardProblem(body);
    if (problem)
      return error(
        400,
        "TriggerInputSchemaMismatch",
        `The input body for trigger 'manual' of type 'Request' did not match its schema definition: ${problem}`,
      );
    const runId = `0858${String(++this.runs).padStart(6, "0")}${randomBytes(6).toString("hex")}`;
    this.posted.push({ runId, body: body as Record<string, unknown> });
    return { status: 202, headers: { "x-ms-workflow-run-id": runId } };
  }
}

/** What the Workflows template needs: a message whose attachments are Adaptive Cards. */
function cardProblem(body: unknown): string | null {
  if (!body || typeof body !== "object") return "the body is not a JSON object";
  const message = body as { type?: unknown; attachments?: unknown };
  if (message.type !== "message") return "'type' must be 'message'";
  if (!Array.isArray(message.attachments) || message.attachments.length === 0)
    return "'attachments' must hold at least one card";
  for (const attachment of message.attachments as Array<Record<string, unknown>>) {
    if (attachment.contentType !== "application/vnd.microsoft.card.adaptive")
      return "only Adaptive Card attachments are supported";
    const content = attachment.content as { type?: unknown } | undefined;
    if (content?.type !== "AdaptiveCard") return "an attachment's content must be an AdaptiveCard";
  }
  return null;
}
