import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { smsAdapter } from "~/channels/sms.server";
import { TwilioFake } from "../fakes/twilio";
import { contextFor, HANG_TIMEOUT_MS, outbound } from "./support";

const text = "Clarion Power: outage in the north, crews on site. Next update 14:00.";

let twilio: TwilioFake;
beforeEach(async () => {
  twilio = await new TwilioFake().start();
});
afterEach(() => twilio.close());

const config = (extra = {}) => ({
  baseUrl: twilio.baseUrl,
  accountSid: twilio.accountSid,
  from: "+447700900100",
  to: "+447700900201\n+447700900202",
  statusCallbackUrl: "https://console.example.test/hooks/twilio/status",
  ...extra,
});
const ctx = (timeoutMs = 2000, credentials: object = { authToken: twilio.authToken }, extra = {}) =>
  contextFor(smsAdapter, config(extra), credentials, timeoutMs);
const message = (overrides = {}, payload: unknown = { text }) =>
  outbound(payload, () => twilio.requests.length, overrides);

describe("SMS adapter against Twilio's Messages API", () => {
  it("texts each configured number, form-encoded, recording each part", async () => {
    const msg = message();
    const outcome = await smsAdapter.send(ctx(), msg);
    expect(twilio.messages).toEqual([
      expect.objectContaining({ to: "+447700900201", from: "+447700900100", body: text }),
      expect.objectContaining({ to: "+447700900202", from: "+447700900100", body: text }),
    ]);
    expect(twilio.messages[0].statusCallback).toBe("https://console.example.test/hooks/twilio/status");
    expect(outcome).toEqual({
      outcome: "sent",
      remoteId: twilio.messages.map((m) => m.sid).join(","),
      remoteUrl: null,
    });
    expect(msg.recorded.map((p) => p.remoteId)).toEqual(twilio.messages.map((m) => m.sid));
    expect(msg.dispatchedAt).toEqual([0, 1]);
    expect(twilio.requests[0].headers["content-type"]).toBe("application/x-www-form-urlencoded");
  });

  it("texts a subscriber alone, through a Messaging Service with an API key", async () => {
    const outcome = await smsAdapter.send(
      ctx(
        2000,
        { apiKeySid: twilio.apiKeySid, apiKeySecret: twilio.apiKeySecret },
        {
          from: undefined,
          messagingServiceSid: `MG${"a".repeat(32)}`,
        },
      ),
      message({ purpose: "notification", recipient: "+447700900333" }),
    );
    expect(twilio.messages).toEqual([
      expect.objectContaining({
        to: "+447700900333",
        from: null,
        messagingServiceSid: `MG${"a".repeat(32)}`,
      }),
    ]);
    expect(outcome).toMatchObject({ outcome: "sent", remoteId: twilio.messages[0].sid });
  });

  it("resumes after the numbers an earlier attempt already texted", async () => {
    const msg = message({ postedParts: [{ remoteId: "SMearlier", remoteUrl: null }] });
    const outcome = await smsAdapter.send(ctx(), msg);
    expect(twilio.messages.map((m) => m.to)).toEqual(["+447700900202"]);
    expect(outcome).toMatchObject({ outcome: "sent", remoteId: `SMearlier,${twilio.messages[0].sid}` });
  });

  it("fails with Twilio's reason for an unsubscribed recipient (21610) and an invalid number (21211)", async () => {
    twilio.unsubscribed.add("+447700900333");
    const stopped = await smsAdapter.send(ctx(), message({ recipient: "+447700900333" }));
    expect(stopped).toMatchObject({ outcome: "failed", httpStatus: 400 });
    expect(stopped.outcome === "failed" && stopped.reason).toMatch(
      /Twilio error 21610: the recipient replied STOP/,
    );

    // A number the adapter cannot judge (E.164-shaped) that Twilio refuses.
    twilio.trouble({
      kind: "reply",
      reply: {
        status: 400,
        body: { code: 21211, message: "Invalid 'To' Phone Number: +15005550001", status: 400 },
      },
    });
    const invalid = await smsAdapter.send(ctx(), message({ recipient: "+15005550001" }));
    expect(invalid.outcome === "failed" && invalid.reason).toMatch(/Invalid 'To' Phone Number.*21211/);
    expect(twilio.messages).toHaveLength(0);
  });

  it("refuses a number that is not E.164 without calling out", async () => {
    const outcome = await smsAdapter.send(ctx(), message({ recipient: "07700 900123" }));
    expect(outcome).toMatchObject({ outcome: "failed" });
    expect(twilio.requests).toHaveLength(0);
    expect(smsAdapter.configSchema.safeParse({ ...config(), to: "0770090" }).success).toBe(false);
  });

  it("reads blank optional settings from the form as not set", () => {
    const parsed = smsAdapter.configSchema.parse({
      ...config(),
      messagingServiceSid: "",
      statusCallbackUrl: " ",
    });
    expect(parsed).toMatchObject({ messagingServiceSid: undefined, statusCallbackUrl: undefined });
    const creds = smsAdapter.credentialsSchema.parse({ authToken: "t", apiKeySid: "", apiKeySecret: "" });
    expect(creds).toEqual({ authToken: "t", apiKeySid: undefined, apiKeySecret: undefined });
    expect(
      smsAdapter.credentialsSchema.safeParse({ authToken: "", apiKeySid: "", apiKeySecret: "" }).success,
    ).toBe(false);
    expect(
      smsAdapter.configSchema.safeParse({ ...config(), from: "", messagingServiceSid: "" }).success,
    ).toBe(false);
  });

  it("fails with a clear reason when credentials are refused (20003), never echoing the token", async () => {
    const outcome = await smsAdapter.send(ctx(2000, { authToken: "0".repeat(32) }), message());
    expect(outcome).toMatchObject({ outcome: "failed", httpStatus: 401 });
    expect(outcome.outcome === "failed" && outcome.reason).toMatch(
      /credentials were refused \(401\): Authenticate \(Twilio error 20003\)/,
    );
    expect(outcome.outcome === "failed" && outcome.reason).not.toContain("0".repeat(32));
  });

  it("retries 20429 after Retry-After and a 503, then texts once", async () => {
    twilio.trouble({ kind: "rateLimited", retryAfterSeconds: 2 });
    twilio.trouble({ kind: "unavailable" });
    const subscriber = { recipient: "+447700900333" };
    expect(await smsAdapter.send(ctx(), message(subscriber))).toMatchObject({
      outcome: "retry",
      retryAfterMs: 2000,
      channelWide: true,
    });
    expect(await smsAdapter.send(ctx(), message(subscriber))).toMatchObject({
      outcome: "retry",
      httpStatus: 503,
    });
    expect(twilio.messages).toHaveLength(0);
    expect((await smsAdapter.send(ctx(), message(subscriber))).outcome).toBe("sent");
    expect(twilio.messages).toHaveLength(1);
  });

  it("calls a hang unknown: Twilio may have queued the SMS", async () => {
    twilio.trouble({ kind: "hang" });
    const outcome = await smsAdapter.send(ctx(HANG_TIMEOUT_MS), message({ recipient: "+447700900333" }));
    expect(outcome.outcome).toBe("unknown");
    expect(twilio.messages).toHaveLength(1);
  });

  it("test() reads the account without texting, or texts `to` when asked", async () => {
    expect(await smsAdapter.test(ctx(), {})).toEqual({
      ok: true,
      message: "Signed in to Twilio account “Clarion Power” (active).",
    });
    expect(twilio.messages).toHaveLength(0);
    const withSms = await smsAdapter.test(ctx(), { to: "+447700900444" });
    expect(withSms.ok).toBe(true);
    expect(twilio.messages).toEqual([
      expect.objectContaining({ to: "+447700900444", body: expect.stringMatching(/test/) }),
    ]);
    const bad = await smsAdapter.test(ctx(2000, { authToken: "f".repeat(32) }), {});
    expect(bad.ok).toBe(false);
    expect(bad.message).toMatch(/20003/);
  });
});
