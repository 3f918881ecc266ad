import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emailAdapter, messageIdFor } from "~/channels/email.server";
import { SmtpFake } from "../fakes/smtp";
import { contextFor, HANG_TIMEOUT_MS, outbound } from "./support";

const payload = {
  subject: "Power outage in the north",
  html: "<h1>Power outage in the north</h1><p>Crews are on site. Next update at 14:00.</p>",
  text: "Power outage in the north\n\nCrews are on site. Next update at 14:00.",
};

let smtp: SmtpFake;
beforeEach(async () => {
  smtp = await new SmtpFake().start();
});
afterEach(() => smtp.close());

const ctx = (timeoutMs = 2000, credentials: object = { user: smtp.user, password: smtp.password }) =>
  contextFor(
    emailAdapter,
    {
      host: "127.0.0.1",
      port: String(smtp.port),
      security: "none",
      from: "status@clarion.example",
      fromName: "Clarion Status",
      to: "ops@clarion.example, exec@clarion.example",
    },
    credentials,
    timeoutMs,
  );
/** Messages whose data reached the server, accepted or left unanswered. */
const arrived = () => smtp.received.length + smtp.stalled.length;
const message = (overrides = {}, body: unknown = payload) => outbound(body, arrived, overrides);

describe("email adapter against a real SMTP server", () => {
  it("mails subject, HTML and text to the configured list with a Message-ID from the key", async () => {
    const msg = message();
    const outcome = await emailAdapter.send(ctx(), msg);
    const messageId = messageIdFor(msg.idempotencyKey, "status@clarion.example");
    expect(outcome).toEqual({ outcome: "sent", remoteId: messageId, remoteUrl: null });
    expect(messageId).toBe("<delivery-41-attempt-key.clarion@clarion.example>");
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail.user).toBe("clarion");
    expect(mail.envelope).toEqual({
      from: "status@clarion.example",
      to: ["ops@clarion.example", "exec@clarion.example"],
    });
    expect(mail.parsed.subject).toBe(payload.subject);
    expect(mail.parsed.html).toBe(payload.html);
    expect(mail.parsed.text?.trim()).toBe(payload.text);
    expect(mail.parsed.messageId).toBe(messageId);
    expect(mail.parsed.from?.value).toEqual([{ name: "Clarion Status", address: "status@clarion.example" }]);
    expect(mail.parsed.headers.has("list")).toBe(false);
    expect(msg.dispatchedAt).toEqual([0]); // marked before the data went out
  });

  it("threads a follow-up with In-Reply-To and References", async () => {
    const root = "<delivery-1.clarion@clarion.example>";
    const parent = "<delivery-2.clarion@clarion.example>";
    await emailAdapter.send(ctx(), message({ idempotencyKey: "delivery-3", thread: { root, parent } }));
    const { parsed } = smtp.received[0];
    expect(parsed.inReplyTo).toBe(parent);
    expect(parsed.references).toEqual([root, parent]);
  });

  it("mails a subscriber alone, with one-click List-Unsubscribe", async () => {
    const unsubscribeUrl = "https://status.example.test/status/unsubscribe?token=abc123";
    const outcome = await emailAdapter.send(
      ctx(),
      message({ purpose: "notification", recipient: "ana@example.org" }, { ...payload, unsubscribeUrl }),
    );
    expect(outcome.outcome).toBe("sent");
    const { parsed, envelope } = smtp.received[0];
    expect(envelope.to).toEqual(["ana@example.org"]);
    expect(parsed.to && !Array.isArray(parsed.to) && parsed.to.text).toBe("ana@example.org");
    expect(parsed.headers.get("list")).toMatchObject({ unsubscribe: { url: unsubscribeUrl } });
    const headers = smtp.received[0].raw.split("\r\n\r\n")[0].replace(/\r\n[ \t]+/g, " "); // unfolded
    expect(headers).toMatch(
      /^List-Unsubscribe: <https:\/\/status\.example\.test\/status\/unsubscribe\?token=abc123>$/m,
    );
    expect(headers).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
  });

  it("retries a temporary refusal (421 at the greeting, 451 after the data) without delivering", async () => {
    smtp.trouble({ at: "connect", code: 421, message: "4.3.2 Service shutting down" });
    const greeting = await emailAdapter.send(ctx(), message());
    expect(greeting).toMatchObject({ outcome: "retry" });
    expect(greeting.outcome === "retry" && greeting.reason).toMatch(/421/);

    smtp.trouble({ at: "data", code: 451, message: "4.3.0 Local error in processing" });
    const data = await emailAdapter.send(ctx(), message());
    expect(data).toMatchObject({ outcome: "retry" });
    expect(data.outcome === "retry" && data.reason).toMatch(
      /451 4\.3\.0 Local error in processing.*Nothing was delivered/,
    );
    expect(smtp.received).toHaveLength(0);

    expect((await emailAdapter.send(ctx(), message())).outcome).toBe("sent");
    expect(smtp.received).toHaveLength(1);
  });

  it("fails a permanent refusal (550) with the server's words", async () => {
    const unknownUser = await emailAdapter.send(ctx(), message({ recipient: "nobody@nowhere.example" }));
    expect(unknownUser).toMatchObject({ outcome: "failed" });
    expect(unknownUser.outcome === "failed" && unknownUser.reason).toMatch(
      /refused the message: .*550 5\.1\.1 No such user here/,
    );

    smtp.trouble({ at: "data", code: 550, message: "5.7.1 Message rejected as spam" });
    const spam = await emailAdapter.send(ctx(), message());
    expect(spam.outcome === "failed" && spam.reason).toMatch(/5\.7\.1 Message rejected as spam/);
    expect(smtp.received).toHaveLength(0);
  });

  it("fails refused credentials (535) clearly, never echoing the password", async () => {
    const outcome = await emailAdapter.send(
      ctx(2000, { user: smtp.user, password: "wrong-password" }),
      message(),
    );
    expect(outcome).toMatchObject({ outcome: "failed" });
    expect(outcome.outcome === "failed" && outcome.reason).toMatch(/refused the credentials \(535 5\.7\.8/);
    expect(outcome.outcome === "failed" && outcome.reason).not.toContain("wrong-password");

    // Credentials revoked on the server side for the next message; a 454 is only a hiccup.
    smtp.trouble({ at: "auth", code: 535, message: "5.7.8 Account disabled" });
    expect(await emailAdapter.send(ctx(), message())).toMatchObject({ outcome: "failed" });
    smtp.trouble({ at: "auth", code: 454, message: "4.7.0 Temporary authentication failure" });
    const hiccup = await emailAdapter.send(ctx(), message());
    expect(hiccup).toMatchObject({ outcome: "retry" });
    expect(hiccup.outcome === "retry" && hiccup.reason).toMatch(/454 4\.7\.0/);
    expect(smtp.received).toHaveLength(0);
  });

  it("calls silence after the data went out unknown, and the mail did arrive", async () => {
    smtp.trouble({ at: "stall" });
    const msg = message();
    const outcome = await emailAdapter.send(ctx(HANG_TIMEOUT_MS), msg);
    expect(outcome.outcome).toBe("unknown");
    expect(smtp.stalled).toHaveLength(1);
    expect(smtp.stalled[0].parsed.subject).toBe(payload.subject);
    expect(msg.dispatchedAt).toEqual([0]);
  });

  it("retries when the server cannot be reached: nothing left", async () => {
    const port = smtp.port;
    await smtp.close();
    const offline = contextFor(
      emailAdapter,
      {
        host: "127.0.0.1",
        port,
        security: "none",
        from: "status@clarion.example",
        to: "ops@clarion.example",
      },
      {},
    );
    const msg = message();
    const outcome = await emailAdapter.send(offline, msg);
    expect(outcome).toMatchObject({ outcome: "retry" });
    expect(msg.dispatchedAt).toEqual([]); // never connected: nothing to mark
    expect(outcome.outcome === "retry" && outcome.reason).toMatch(/could not be reached \(ECONNREFUSED\)/);
  });

  it("never falls back to plain text when STARTTLS is required and the server does not offer it", async () => {
    const starttls = contextFor(
      emailAdapter,
      { host: "127.0.0.1", port: smtp.port, from: "status@clarion.example", to: "ops@clarion.example" },
      { user: smtp.user, password: smtp.password },
    );
    expect(starttls.config.security).toBe("starttls"); // the default
    const msg = message();
    const outcome = await emailAdapter.send(starttls, msg);
    expect(outcome).toMatchObject({ outcome: "failed" });
    expect(outcome.outcome === "failed" && outcome.reason).toMatch(/STARTTLS.*Check the SMTP settings/);
    expect(msg.dispatchedAt).toEqual([]);
    expect(smtp.received).toHaveLength(0);
  });

  it("refuses a payload without a text part, and a bad subscriber address, before connecting", async () => {
    expect((await emailAdapter.send(ctx(), message({}, { subject: "x", html: "<p>x</p>" }))).outcome).toBe(
      "failed",
    );
    expect((await emailAdapter.send(ctx(), message({ recipient: "not an address" }))).outcome).toBe("failed");
    expect(smtp.received).toHaveLength(0);
  });

  it("test() signs in without mailing, mails `to` when asked, and reports refused credentials", async () => {
    expect(await emailAdapter.test(ctx(), {})).toEqual({
      ok: true,
      message: `Connected to 127.0.0.1:${smtp.port} as clarion.`,
    });
    expect(smtp.received).toHaveLength(0);

    const withMail = await emailAdapter.test(ctx(), { to: "admin@clarion.example" });
    expect(withMail.ok).toBe(true);
    expect(smtp.received[0].envelope.to).toEqual(["admin@clarion.example"]);
    expect(smtp.received[0].parsed.subject).toBe("[Test] Clarion email channel");

    const bad = await emailAdapter.test(ctx(2000, { user: smtp.user, password: "nope" }), {});
    expect(bad.ok).toBe(false);
    expect(bad.message).toMatch(/535/);
  });
});
