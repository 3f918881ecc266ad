import { randomBytes } from "node:crypto";
import { basicAuth, type FakeReply, type FakeRequest, HttpFake, header, type Trouble } from "./http-fake";

/**
 * Twilio Programmable Messaging, the calls Clarion makes:
 * - `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`
 *   (https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource):
 *   form-encoded To, From or MessagingServiceSid, Body, StatusCallback; 201 with the message resource;
 * - `GET /2010-04-01/Accounts/{AccountSid}.json` (https://www.twilio.com/docs/iam/api/account);
 * HTTP Basic with AccountSid:AuthToken or ApiKeySid:ApiKeySecret (https://www.twilio.com/docs/iam/api).
 * Errors are `{code, message, more_info, status}` (https://www.twilio.com/docs/usage/twilios-response,
 * codes at https://www.twilio.com/docs/api/errors): 20003 (401), 20404 (404), 20429 (429),
 * 21211 invalid To, 21602 no Body, 21603/21604 missing From/To, 21610 unsubscribed, 21617 too long.
 */

export interface TwilioMessage {
  sid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  statusCallback: string | null;
}

const hex = (bytes: number) => randomBytes(bytes).toString("hex");

export class TwilioFake {
  readonly messages: TwilioMessage[] = [];
  readonly accountSid = `AC${hex(16)}`;
  readonly authToken = hex(16);
  readonly apiKeySid = `SK${hex(16)}`;
  readonly apiKeySecret = hex(16);
  /** Numbers that replied STOP to this account. */
  readonly unsubscribed = new Set<string>();
  private readonly http: HttpFake;

  constructor() {
    this.http = new HttpFake(
      (request) => this.handle(request),
      (trouble) => {
        switch (trouble.kind) {
          case "unavailable":
            return this.error(503, 20503, "Service Unavailable");
          case "rateLimited":
            return this.error(429, 20429, "Too Many Requests", {
              "retry-after": String(trouble.retryAfterSeconds),
            });
          case "unauthorized":
            return this.error(401, 20003, "Authenticate");
          case "reply":
            return trouble.reply;
        }
      },
    );
  }

  get baseUrl(): string {
    return this.http.url;
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

  private error(status: number, code: number, message: string, headers?: Record<string, string>): FakeReply {
    return {
      status,
      headers,
      body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
    };
  }

  private handle(request: FakeRequest): FakeReply {
    const creds = basicAuth(request);
    const authorised =
      creds &&
      ((creds.user === this.accountSid && creds.password === this.authToken) ||
        (creds.user === this.apiKeySid && creds.password === this.apiKeySecret));
    if (!authorised) return this.error(401, 20003, "Authenticate");
    const match = /^\/2010-04-01\/Accounts\/([^/.]+)(\.json|\/Messages\.json)$/.exec(request.path);
    if (!match || match[1] !== this.accountSid)
      return this.error(404, 20404, `The requested resource ${request.path} was not found`);
    if (match[2] === ".json" && request.method === "GET") {
      return {
        status: 200,
        body: {
          sid: this.accountSid,
          friendly_name: "Clarion Power",
          status: "active",
          type: "Full",
          uri: `/2010-04-01/Accounts/${this.accountSid}.json`,
        },
      };
    }
    if (match[2] === "/Messages.json" && request.method === "POST") return this.create(request);
    return this.error(405, 20004, "Method not allowed");
  }

  private create(request: FakeRequest): FakeReply {
    if (!(header(request, "content-type") ?? "").startsWith("application/x-www-form-urlencoded"))
      return this.error(
        400,
        20001,
        "Unable to parse the request body: expected application/x-www-form-urlencoded",
      );
    const form = new URLSearchParams(request.body);
    const to = form.get("To");
    const from = form.get("From");
    const service = form.get("MessagingServiceSid");
    const body = form.get("Body") ?? "";
    if (!to) return this.error(400, 21604, "A 'To' phone number is required.");
    if (!/^\+[1-9]\d{1,14}$/.test(to)) return this.error(400, 21211, `Invalid 'To' Phone Number: ${to}`);
    if (!from && !service) return this.error(400, 21603, "A 'From' phone number is required.");
    if (service && !/^MG[0-9a-f]{32}$/i.test(service))
      return this.error(400, 21701, `The Messaging Service Sid ${service} is invalid.`);
    if (!body && !form.get("MediaUrl")) return this.error(400, 21602, "Message body is required.");
    if (body.length > 1600)
      return this.error(400, 21617, "The concatenated message body exceeds the 1600 character limit.");
    if (this.unsubscribed.has(to)) return this.error(400, 21610, "Attempt to send to unsubscribed recipient");
    const sid = `SM${hex(16)}`;
    const message: TwilioMessage = {
      sid,
      to,
      from,
      messagingServiceSid: service,
      body,
      statusCallback: form.get("StatusCallback"),
    };
    this.messages.push(message);
    const now = new Date().toUTCString().replace("GMT", "+0000");
    return {
      status: 201,
      body: {
        sid,
        account_sid: this.accountSid,
        to,
        from,
        messaging_service_sid: service,
        body,
        // A Messaging Service picks the sender later: the message starts as accepted, not queued.
        status: service && !from ? "accepted" : "queued",
        num_segments: String(Math.max(1, Math.ceil(body.length / 153))),
        num_media: "0",
        direction: "outbound-api",
        api_version: "2010-04-01",
        date_created: now,
        date_updated: now,
        date_sent: null,
        price: null,
        error_code: null,
        error_message: null,
        uri: `/2010-04-01/Accounts/${this.accountSid}/Messages/${sid}.json`,
      },
    };
  }
}
