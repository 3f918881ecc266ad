import { desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { twilioSignature } from "~/channels/twilio-inbound.server";
import type { RunningServer } from "~/server/http";
import { createApiToken } from "~/services/tokens.server";
import { SecretBox } from "~/utils/crypto.server";
import { channels, deliveries, subscribers } from "~db/schema";
import { freshDatabase, type TestDatabase } from "./support/db";
import { Page } from "./support/html";
import { Client, startTestServer } from "./support/server";
import { addChannels } from "./support/status";

let t: TestDatabase;
let server: RunningServer;
const SECRET = "x".repeat(40); // the test server's CLARION_SECRET

beforeAll(async () => {
  t = await freshDatabase();
  const ids = await addChannels(t);
  await t.database.db
    .update(channels)
    .set({
      credentialsEnc: new SecretBox(SECRET).seal(
        JSON.stringify({ accountSid: "AC1", authToken: "twilio-token" }),
      ),
    })
    .where(eq(channels.id, ids.sms));
  server = await startTestServer(t, {}, { workers: false });
});
afterAll(async () => {
  await server?.close();
  await t?.close();
});

async function lastPayload(address: string) {
  const [row] = await t.database.db
    .select({ payload: deliveries.payload })
    .from(deliveries)
    .innerJoin(subscribers, eq(subscribers.id, deliveries.subscriberId))
    .where(eq(subscribers.address, address))
    .orderBy(desc(deliveries.id))
    .limit(1);
  return row.payload as Record<string, string>;
}

describe("subscribing over HTTP, without JavaScript", () => {
  it("subscribe → confirmation link → confirm (POST) → management page → unsubscribe", async () => {
    const browser = new Client(server.url);
    const form = new Page(await (await browser.request("/status/subscribe")).text());
    expect(form.byAttr("name", "kind").map((el) => el.attribs.value)).toEqual(["email", "sms", "webhook"]);
    expect(form.byAttr("name", "regions").length).toBe(51);

    const body = new URLSearchParams({ intent: "subscribe", kind: "email", address: "rae@example.com" });
    body.append("regions", "CA");
    body.append("regions", "NV");
    const posted = await browser.request("/status/subscribe", {
      method: "POST",
      body,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(posted.status).toBe(303);
    expect(posted.headers.get("location")).toBe("/status/subscribe?sent=email");

    const payload = await lastPayload("rae@example.com");
    const confirmLink = /(http:\/\/[^\s]+\/status\/confirm\?token=[\w-]+)/.exec(payload.text)![1];
    expect(new URL(confirmLink).origin).toBe(server.url.replace("localhost", "127.0.0.1"));
    const link = new URL(confirmLink);
    // Opening the link confirms nothing (mail scanners open links); the button does.
    const opened = new Page(await (await browser.request(link.pathname + link.search)).text());
    expect(
      (await t.database.db.select().from(subscribers).where(eq(subscribers.address, "rae@example.com")))[0]
        .confirmedAt,
    ).toBeNull();
    const token = opened.byAttr("name", "token")[0].attribs.value;
    const confirmed = await browser.post("/status/confirm", { token });
    expect(confirmed.status).toBe(303);
    const manageUrl = confirmed.headers.get("location")!;
    expect(manageUrl).toMatch(/^\/status\/subscription\?token=[\w-]{43}&confirmed=1$/);

    const manage = new Page(await (await browser.request(manageUrl)).text());
    expect(manage.one("data-testid", "subscription-status").attribs["data-status"]).toBe("active");
    expect(manage.text(manage.one("data-testid", "subscription-status"))).toContain("r***@example.com");
    expect(manage.html).not.toContain("rae@example.com");
    const checked = manage
      .byAttr("name", "regions")
      .filter((el) => el.attribs.checked !== undefined)
      .map((el) => el.attribs.value);
    expect(checked).toEqual(["CA", "NV"]);

    const manageToken = new URL(manageUrl, server.url).searchParams.get("token")!;
    // The page's forms post to its own URL (with the token), as Remix forms do.
    const out = await browser.post(`/status/subscription?token=${manageToken}`, {
      token: manageToken,
      intent: "unsubscribe",
    });
    expect(out.status).toBe(200);
    const after = new Page(await out.text());
    expect(after.one("data-testid", "subscription-status").attribs["data-status"]).toBe("unsubscribed");
  });

  it("confirms by code, refuses bad input with 400, and a bad token is a 404", async () => {
    const browser = new Client(server.url);
    await browser.post("/status/subscribe", {
      intent: "subscribe",
      kind: "sms",
      address: "+1 (415) 555-0123",
    });
    const code = /code is (\d{6})/.exec((await lastPayload("+14155550123")).text)![1];
    const wrong = await browser.post("/status/subscribe", {
      intent: "confirm",
      kind: "sms",
      address: "+14155550123",
      code: code === "000000" ? "000001" : "000000",
    });
    expect(wrong.status).toBe(400);
    const right = await browser.post("/status/subscribe", {
      intent: "confirm",
      kind: "sms",
      address: "+14155550123",
      code,
    });
    expect(right.status).toBe(303);
    expect(right.headers.get("location")).toMatch(/^\/status\/subscription\?token=/);

    const invalid = await browser.post("/status/subscribe", {
      intent: "subscribe",
      kind: "email",
      address: "nope",
    });
    expect(invalid.status).toBe(400);
    const page = new Page(await invalid.text());
    expect(page.text(page.one("data-testid", "address-error"))).toMatch(/email address/);
    expect(
      (await browser.request("/status/subscription?token=forged-token-forged-token-forged")).status,
    ).toBe(404);
    expect(
      (await browser.post("/status/confirm", { token: "forged-token-forged-token-forged" })).status,
    ).toBe(404);
  });

  it("one-click unsubscribe (RFC 8058) from the email's unsubscribeUrl, without an Origin header", async () => {
    const browser = new Client(server.url);
    await browser.post("/status/subscribe", {
      intent: "subscribe",
      kind: "email",
      address: "click@example.com",
    });
    const confirm = /confirm\?token=([\w-]+)/.exec((await lastPayload("click@example.com")).text)![1];
    await browser.post("/status/confirm", { token: confirm });
    const unsubscribeUrl = new URL((await lastPayload("click@example.com")).unsubscribeUrl);
    const click = await browser.request(unsubscribeUrl.pathname + unsubscribeUrl.search);
    expect(click.status).toBe(303);
    expect(click.headers.get("location")).toMatch(/^\/status\/subscription\?token=[\w-]+&unsubscribe=1$/);
    const oneClick = await fetch(new URL(unsubscribeUrl.pathname + unsubscribeUrl.search, server.url), {
      method: "POST",
      body: "List-Unsubscribe=One-Click",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(oneClick.status).toBe(200);
    const [row] = await t.database.db
      .select()
      .from(subscribers)
      .where(eq(subscribers.address, "click@example.com"));
    expect(row.unsubscribedAt).not.toBeNull();
  });
});

describe("bounces and SMS replies", () => {
  it("the bounce API (token) makes a hard-bounced address inactive", async () => {
    await t.database.db.insert(subscribers).values({
      orgId: t.org.id,
      kind: "email",
      address: "gone@example.com",
      confirmedAt: new Date(),
      unsubscribeTokenHash: "g",
    });
    const { token } = await createApiToken(
      t.database.db,
      t.org.id,
      { name: "mail provider" },
      { kind: "system" },
    );
    const post = (body: unknown, auth = `Bearer ${token}`) =>
      fetch(`${server.url}/api/v1/subscribers/bounces`, {
        method: "POST",
        body: JSON.stringify(body),
        headers: { "Content-Type": "application/json", Authorization: auth },
      });
    expect((await post({ address: "gone@example.com", type: "hard" }, "Bearer nope")).status).toBe(401);
    expect((await post({ address: "gone@example.com", type: "maybe" })).status).toBe(400);
    const response = await post([
      { address: "gone@example.com", type: "hard" },
      { address: "unknown@example.com", type: "hard" },
    ]);
    expect(await response.json()).toEqual({ matched: 1 });
    const [row] = await t.database.db
      .select()
      .from(subscribers)
      .where(eq(subscribers.address, "gone@example.com"));
    expect(row.inactiveReason).toBe("bounced");
  });

  it("a Twilio-signed STOP makes the number inactive; an unsigned one is refused", async () => {
    const url = `${server.url}/api/v1/sms/inbound`;
    const params = { From: "+14155550123", To: "+18005550000", Body: "STOP", MessageSid: "SM1" };
    const send = (signature: string) =>
      fetch(url, {
        method: "POST",
        body: new URLSearchParams(params),
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature },
      });
    expect((await send("forged")).status).toBe(403);
    const [before] = await t.database.db
      .select()
      .from(subscribers)
      .where(eq(subscribers.address, "+14155550123"));
    expect(before.inactiveAt).toBeNull();
    const ok = await send(twilioSignature("twilio-token", url, params));
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/^text\/xml/);
    const [after] = await t.database.db
      .select()
      .from(subscribers)
      .where(eq(subscribers.address, "+14155550123"));
    expect(after.inactiveReason).toBe("sms_stop");
  });
});
