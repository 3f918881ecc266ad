import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "~/server/http";
import { freshDatabase, type TestDatabase } from "./support/db";
import { Client, createUser, startTestServer } from "./support/server";

let t: TestDatabase;
let server: RunningServer;
beforeAll(async () => {
  t = await freshDatabase();
  server = await startTestServer(t, {}, { workers: false });
  for (const role of ["admin", "support", "viewer"] as const) await createUser(t, role);
});
afterAll(async () => {
  await server?.close();
  await t?.close();
});

async function as(role: string) {
  const c = new Client(server.url);
  await c.signIn(`${role}@test.example`);
  return c;
}

describe("settings: sources", () => {
  it("lets an admin create a source, shows its secret once, then its counts and last error", async () => {
    const admin = await as("admin");
    const created = await admin.post("/settings/sources", { name: "Zendesk", mapper: "zendesk" });
    expect(created.status).toBe(200);
    const html = await created.text();
    const secret = /(whsec_[A-Za-z0-9+/=]+)/.exec(html)?.[1];
    const endpoint = /\/api\/v1\/sources\/(\d+)\/webhook/.exec(html)?.[1];
    expect(secret).toBeDefined();
    expect(endpoint).toBeDefined();
    const again = await (await admin.request("/settings/sources")).text();
    expect(again).toContain("zendesk");
    expect(again).not.toContain(secret!);

    const body = JSON.stringify({
      ticket: {
        id: 4001,
        subject: "No power",
        description: "Power has been out since 6am at my house",
        created_at: "2026-11-02T14:05:00Z",
      },
    });
    const id = "msg_settings_1";
    const at = new Date();
    const res = await fetch(`${server.url}/api/v1/sources/${endpoint}/webhook`, {
      method: "POST",
      body,
      headers: {
        "Content-Type": "application/json",
        "webhook-id": id,
        "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
        "webhook-signature": new Webhook(secret!).sign(id, at, body),
      },
    });
    expect(res.status).toBe(200);
    const bad = JSON.stringify({ ticket: { id: 4002 } });
    const id2 = "msg_settings_2";
    await fetch(`${server.url}/api/v1/sources/${endpoint}/webhook`, {
      method: "POST",
      body: bad,
      headers: {
        "Content-Type": "application/json",
        "webhook-id": id2,
        "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
        "webhook-signature": new Webhook(secret!).sign(id2, at, bad),
      },
    });
    const page = await (await admin.request("/settings/sources")).text();
    expect(page).toMatch(/<td class="num">1<\/td>/);
    expect(page).toContain("item 0");
  });

  it("refuses bad names and other roles", async () => {
    const admin = await as("admin");
    const bad = await admin.post("/settings/sources", { name: "Not OK!", mapper: "x" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("lowercase letters");
    const support = await as("support");
    expect((await support.request("/settings/sources")).status).toBe(403);
    expect((await support.post("/settings/sources", { name: "x2", mapper: "x" })).status).toBe(403);
  });
});

describe("settings: topics", () => {
  it("lets support edit a topic's keywords and add a topic; viewers may only read", async () => {
    const support = await as("support");
    const edit = await support.post("/settings/taxonomy", {
      slug: "billing",
      label: "Billing & payments",
      keywords: "bill\ncharged twice\nrefund",
    });
    expect(edit.status).toBe(200);
    expect(await edit.text()).toContain("saved");
    const add = await support.post("/settings/taxonomy", {
      intent: "add-topic",
      slug: "water-quality",
      label: "Water quality",
      keywords: "brown water, boil notice",
    });
    expect(add.status).toBe(200);
    const page = await (await support.request("/settings/taxonomy")).text();
    expect(page).toContain("Billing &amp; payments");
    expect(page).toContain("water-quality");
    const bad = await support.post("/settings/taxonomy", {
      intent: "add-topic",
      slug: "Bad Slug",
      label: "x",
    });
    expect(bad.status).toBe(400);
    const viewer = await as("viewer");
    expect((await viewer.request("/settings/taxonomy")).status).toBe(200);
    expect(
      (await viewer.post("/settings/taxonomy", { slug: "billing", label: "Hacked", keywords: "x" })).status,
    ).toBe(403);
  });
});
