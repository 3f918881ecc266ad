import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { type FakeReply, type FakeRequest, HttpFake, header, type Trouble } from "./http-fake";

/**
 * A webhook receiver that does what Standard Webhooks 1.0 tells consumers to do
 * (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md,
 * "Verifying signatures"): verify `webhook-signature` over `id.timestamp.body` with the same
 * library and the shared `whsec_` secret (rejecting stale timestamps), then use `webhook-id` as an
 * idempotency key so a retried delivery is acknowledged without being processed twice.
 * `gone()` makes it answer 410 Gone, the spec's "stop sending me webhooks".
 */

export interface ReceivedEvent {
  id: string;
  timestamp: number;
  event: Record<string, unknown>;
  path: string;
}

export class WebhookReceiverFake {
  /** Events processed, once per webhook-id. */
  readonly events: ReceivedEvent[] = [];
  /** Deliveries of an id already processed (acknowledged, not processed again). */
  duplicates = 0;
  /** Requests whose signature did not verify. */
  rejected = 0;
  private readonly http: HttpFake;
  private readonly seen = new Set<string>();
  private isGone = false;

  constructor(private readonly secret: string) {
    this.http = new HttpFake(
      (request) => this.handle(request),
      (trouble) => {
        switch (trouble.kind) {
          case "unavailable":
            return { status: 503, body: "Service Unavailable" };
          case "rateLimited":
            return {
              status: 429,
              headers: { "retry-after": String(trouble.retryAfterSeconds) },
              body: "Too Many Requests",
            };
          case "unauthorized":
            return { status: 401, body: "Unauthorized" };
          case "reply":
            return trouble.reply;
        }
      },
    );
  }

  get url(): string {
    return `${this.http.url}/hooks/clarion`;
  }
  get requests(): FakeRequest[] {
    return this.http.requests;
  }
  trouble(trouble: Trouble, times = 1): void {
    this.http.trouble(trouble, times);
  }
  async start(): Promise<this> {
    await this.http.start();
    return this;
  }
  close(): Promise<void> {
    return this.http.close();
  }
  gone(): void {
    this.isGone = true;
  }

  private handle(request: FakeRequest): FakeReply {
    if (request.method !== "POST") return { status: 405, body: "Method Not Allowed" };
    if (this.isGone) return { status: 410, body: "Gone" };
    const headers = {
      "webhook-id": header(request, "webhook-id") ?? "",
      "webhook-timestamp": header(request, "webhook-timestamp") ?? "",
      "webhook-signature": header(request, "webhook-signature") ?? "",
    };
    let event: unknown;
    try {
      event = new Webhook(this.secret).verify(request.body, headers);
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      this.rejected++;
      return { status: 401, body: { error: error.message } };
    }
    const id = headers["webhook-id"];
    if (this.seen.has(id)) {
      this.duplicates++;
      return { status: 200, body: { received: true, duplicate: true } };
    }
    this.seen.add(id);
    this.events.push({
      id,
      timestamp: Number(headers["webhook-timestamp"]),
      event: event as Record<string, unknown>,
      path: request.path,
    });
    return { status: 200, body: { received: true } };
  }
}
