import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "~/server/http";
import { createIncident } from "~/services/incidents.server";
import { auditEntries, channels, statusUpdates } from "~db/schema";
import { FakeMastodon } from "./fakes/mastodon";
import { freshDatabase, type TestDatabase } from "./support/db";
import { Client, createUser, startTestServer } from "./support/server";

/** Settings → Channels and the room's publishing verbs, over real HTTP with the permission checks. */

let t: TestDatabase;
let server: RunningServer;
let mastodon: FakeMastodon;
let incidentId: number;

beforeAll(async () => {
  t = await freshDatabase();
  mastodon = await FakeMastodon.start();
  server = await startTestServer(t, {}, { workers: false });
  for (const role of ["admin", "comms", "approver", "viewer", "commander"] as const)
    await createUser(t, role);
  const [admin] = await t.database.db.query.users.findMany({ where: (u, { eq }) => eq(u.role, "admin") });
  incidentId = (
    await createIncident(
      t.database.db,
      t.org.id,
      { title: "Login failures", severity: "SEV3", regions: ["NY"], topics: ["app-login"] },
      { kind: "user", userId: admin.id },
    )
  ).id;
});
afterAll(async () => {
  await server?.close();
  await mastodon?.close();
  await t?.close();
});

async function as(role: string) {
  const c = new Client(server.url);
  await c.signIn(`${role}@test.example`);
  return c;
}

describe("settings: channels", () => {
  it("connects a channel with its token sealed, never shows the token again, and tests it against the remote", async () => {
    const admin = await as("admin");
    const saved = await admin.post("/settings/channels", {
      intent: "save",
      kind: "mastodon",
      name: "Our Mastodon",
      enabled: "on",
      "config.baseUrl": mastodon.url,
      "credentials.accessToken": mastodon.token,
    });
    expect(saved.status).toBe(200);
    const [row] = await t.database.db.select().from(channels).where(eq(channels.name, "Our Mastodon"));
    expect(row.credentialsEnc).toBeTruthy();
    expect(row.credentialsEnc).not.toContain(mastodon.token);
    const page = await (await admin.request("/settings/channels")).text();
    expect(page).toContain("Our Mastodon");
    expect(page).not.toContain(mastodon.token);

    const tested = await (
      await admin.post("/settings/channels", { intent: "test", id: String(row.id) })
    ).text();
    expect(tested).toMatch(/Test passed/);
    const [after] = await t.database.db.select().from(channels).where(eq(channels.id, row.id));
    expect(after.lastTest).toMatchObject({ ok: true });
    const audit = await t.database.db
      .select()
      .from(auditEntries)
      .where(eq(auditEntries.targetId, String(row.id)));
    expect(JSON.stringify(audit)).not.toContain(mastodon.token);
  });

  it("keeps a stored secret when the form leaves it blank, and reports a wrong one as a failed test", async () => {
    const admin = await as("admin");
    const [row] = await t.database.db.select().from(channels).where(eq(channels.name, "Our Mastodon"));
    await admin.post("/settings/channels", {
      intent: "save",
      id: String(row.id),
      kind: "mastodon",
      name: "Our Mastodon",
      enabled: "on",
      "config.baseUrl": mastodon.url,
      "credentials.accessToken": "",
    });
    expect(
      await (await admin.post("/settings/channels", { intent: "test", id: String(row.id) })).text(),
    ).toMatch(/Test passed/);
    await admin.post("/settings/channels", {
      intent: "save",
      id: String(row.id),
      kind: "mastodon",
      name: "Our Mastodon",
      enabled: "on",
      "config.baseUrl": mastodon.url,
      "credentials.accessToken": "wrong-token",
    });
    expect(
      await (await admin.post("/settings/channels", { intent: "test", id: String(row.id) })).text(),
    ).toMatch(/Test failed/);
  });

  it("answers a bad setting with the field's message, and refuses non-admins", async () => {
    const admin = await as("admin");
    const bad = await admin.post("/settings/channels", {
      intent: "save",
      kind: "mastodon",
      name: "Broken",
      "config.baseUrl": "not a url",
      "credentials.accessToken": "x",
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/settings are not valid/);
    const comms = await as("comms");
    expect((await comms.request("/settings/channels")).status).toBe(403);
    expect(
      (await comms.post("/settings/channels", { intent: "toggle", id: "1", enabled: "false" })).status,
    ).toBe(403);
  });
});

describe("the room's publishing verbs", () => {
  it("drafts, refuses self-approval and viewers, approves, and pauses/resumes by permission", async () => {
    const comms = await as("comms");
    const draft = await comms.post(`/incidents/${incidentId}/updates`, {
      intent: "save",
      after: "submit",
      kind: "holding",
      body: "We know some of you in {regions} cannot sign in. Next update {next_update}.",
      nextUpdateMinutes: "30",
    });
    expect(draft.status).toBe(200);
    const [update] = await t.database.db
      .select()
      .from(statusUpdates)
      .where(eq(statusUpdates.incidentId, incidentId));
    expect(update.state).toBe("in_review");

    const viewer = await as("viewer");
    expect(
      (
        await viewer.post(`/incidents/${incidentId}/updates`, {
          intent: "approve",
          updateId: String(update.id),
          version: "1",
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await comms.post(`/incidents/${incidentId}/updates`, {
          intent: "approve",
          updateId: String(update.id),
          version: "1",
        })
      ).status,
    ).toBe(403);

    const bad = await comms.post(`/incidents/${incidentId}/updates`, {
      intent: "save",
      kind: "holding",
      body: "Typo {regoins} here today.",
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/regoins/);

    const approver = await as("approver");
    const approved = await approver.post(`/incidents/${incidentId}/updates`, {
      intent: "approve",
      updateId: String(update.id),
      version: String(update.version),
    });
    expect(approved.status).toBe(200);
    expect(await approved.text()).toMatch(/Approved and published/);

    expect(
      (await comms.post(`/incidents/${incidentId}/updates`, { intent: "pause", reason: "legal" })).status,
    ).toBe(403);
    const paused = await approver.post(`/incidents/${incidentId}/updates`, {
      intent: "pause",
      reason: "Legal review",
    });
    expect(paused.status).toBe(200);
    const room = await (await comms.request(`/incidents/${incidentId}`)).text();
    expect(room).toContain("Publishing is paused");
    const commander = await as("commander");
    expect((await commander.post(`/incidents/${incidentId}/updates`, { intent: "resume" })).status).toBe(200);
  });

  it("refuses cross-site posts", async () => {
    const comms = await as("comms");
    const res = await comms.post(
      `/incidents/${incidentId}/updates`,
      { intent: "save", kind: "holding", body: "From another site entirely." },
      { origin: "https://evil.example" },
    );
    expect(res.status).toBe(403);
  });
});
