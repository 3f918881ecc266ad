import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generateWebhookSecret, webhookAdapter, webhookId } from "~/channels/webhook.server";
import { WebhookReceiverFake } from "../fakes/webhook-receiver";
import { contextFor, HANG_TIMEOUT_MS, outbound } from "./support";

const event = {
  type: "incident.updated",
  timestamp: "2026-11-20T10:00:00Z",
  data: { incidentId: 7, title: "Power outage in the north", body: "Crews are on site." },
};

let receiver: WebhookReceiverFake;
let secret: string;
beforeEach(async () => {
  secret = generateWebhookSecret();
  receiver = await new WebhookReceiverFake(secret).start();
});
afterEach(() => receiver.close());

const ctx = (timeoutMs = 2000, key = secret) =>
  contextFor(webhookAdapter, { url: receiver.url }, { secret: key }, timeoutMs);
const message = (overrides = {}) => outbound({ event }, () => receiver.requests.length, overrides);

describe("webhook adapter against a Standard Webhooks receiver", () => {
  it("posts the event signed, with the idempotency key as webhook-id", async () => {
    const msg = message();
    const outcome = await webhookAdapter.send(ctx(), msg);
    expect(outcome).toMatchObject({ outcome: "sent", remoteId: webhookId(msg.idempotencyKey) });
    expect(receiver.events).toHaveLength(1);
    expect(receiver.events[0].event).toEqual(event);
    expect(receiver.events[0].id).toBe("msg_delivery-41-attempt-key");
    expect(receiver.requests[0].headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(msg.dispatchedAt).toEqual([0]);
  });

  it("is refused by a receiver holding another secret (the signature really is checked)", async () => {
    const outcome = await webhookAdapter.send(ctx(2000, generateWebhookSecret()), message());
    expect(outcome).toMatchObject({ outcome: "failed", httpStatus: 401 });
    expect(receiver.rejected).toBe(1);
    expect(receiver.events).toHaveLength(0);
  });

  it("keeps webhook-id free of dots whatever the key looks like", () => {
    expect(webhookId("a.b c")).toMatch(/^msg_[A-Za-z0-9_-]+$/);
    expect(webhookId("a.b c")).toBe(webhookId("a.b c"));
    expect(webhookId("a.b c")).not.toBe(webhookId("a.b d"));
  });

  it("delivers to a subscriber's own URL when the message names one", async () => {
    const outcome = await webhookAdapter.send(
      { ...ctx(), allowPrivateRecipients: true },
      message({ purpose: "notification", recipient: `${receiver.url}/subscriber-9` }),
    );
    expect(outcome.outcome).toBe("sent");
    expect(receiver.events[0].path).toBe("/hooks/clarion/subscriber-9");
  });

  it("never calls a subscriber's URL that resolves to a loopback, private or metadata address", async () => {
    // The receiver listens on loopback: by default a subscriber may not reach it, by literal or by name.
    const literal = await webhookAdapter.send(
      ctx(),
      message({ purpose: "notification", recipient: `${receiver.url}/subscriber-9` }),
    );
    expect(literal).toMatchObject({ outcome: "failed" });
    expect((literal as { reason: string }).reason).toMatch(/127\.0\.0\.1 \(loopback\), not a public address/);
    for (const [address, range] of [
      ["10.0.0.7", "private"],
      ["169.254.169.254", "linkLocal"],
      ["::ffff:192.168.1.1", "private"],
      ["fd12::1", "uniqueLocal"],
    ]) {
      const outcome = await webhookAdapter.send(
        { ...ctx(), resolveHost: async () => ["93.184.216.34", address] },
        message({ purpose: "notification", recipient: "https://hooks.example.org/status" }),
      );
      expect(outcome).toMatchObject({ outcome: "failed" });
      expect((outcome as { reason: string }).reason).toContain(`(${range})`);
    }
    expect(receiver.requests).toHaveLength(0);
  });

  it("calls a subscriber's URL whose every address is public", async () => {
    const called: string[] = [];
    const outcome = await webhookAdapter.send(
      {
        ...ctx(),
        resolveHost: async () => ["93.184.216.34", "2606:2800:220:1::1"],
        fetch: async (input) => {
          called.push(String(input));
          return new Response(null, { status: 204 });
        },
      },
      message({ purpose: "notification", recipient: "https://hooks.example.org/status" }),
    );
    expect(outcome.outcome).toBe("sent");
    expect(called).toEqual(["https://hooks.example.org/status"]);
  });

  it("retries after a hang and the receiver processes the event once", async () => {
    receiver.trouble({ kind: "hang" });
    const first = await webhookAdapter.send(ctx(HANG_TIMEOUT_MS), message());
    expect(first.outcome).toBe("retry");
    expect(receiver.events).toHaveLength(1); // it did arrive and was processed

    const second = await webhookAdapter.send(ctx(), message());
    expect(second.outcome).toBe("sent");
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.duplicates).toBe(1);
    expect(receiver.events).toHaveLength(1);
  });

  it("honours Retry-After on 429 and retries 503", async () => {
    receiver.trouble({ kind: "rateLimited", retryAfterSeconds: 7 });
    receiver.trouble({ kind: "unavailable" });
    expect(await webhookAdapter.send(ctx(), message())).toMatchObject({
      outcome: "retry",
      retryAfterMs: 7000,
      httpStatus: 429,
    });
    expect(await webhookAdapter.send(ctx(), message())).toMatchObject({ outcome: "retry", httpStatus: 503 });
    expect(await webhookAdapter.send(ctx(), message())).toMatchObject({ outcome: "sent" });
    expect(receiver.events).toHaveLength(1);
  });

  it("fails for good on 410 Gone", async () => {
    receiver.gone();
    const outcome = await webhookAdapter.send(ctx(), message());
    expect(outcome).toMatchObject({ outcome: "failed", httpStatus: 410 });
    expect(outcome.outcome === "failed" && outcome.reason).toMatch(/410 Gone/);
  });

  it("fails a payload without an event type before calling out", async () => {
    const outcome = await webhookAdapter.send(
      ctx(),
      outbound({ event: { data: 1 } }, () => 0),
    );
    expect(outcome.outcome).toBe("failed");
    expect(receiver.requests).toHaveLength(0);
  });

  it("test() sends a signed ping, and reports a refused secret", async () => {
    const good = await webhookAdapter.test(ctx(), {});
    expect(good.ok).toBe(true);
    expect(receiver.events[0].event.type).toBe("ping");

    const bad = await webhookAdapter.test(ctx(2000, generateWebhookSecret()), {});
    expect(bad).toMatchObject({ ok: false });
    expect(bad.message).toMatch(/401/);
    expect(bad.message).not.toContain("whsec_");
  });

  it("rejects a secret that is not a whsec_ secret", () => {
    expect(webhookAdapter.credentialsSchema.safeParse({ secret: "hunter2" }).success).toBe(false);
    expect(webhookAdapter.credentialsSchema.safeParse({ secret: "whsec_c2hvcnQ=" }).success).toBe(false);
  });
});
