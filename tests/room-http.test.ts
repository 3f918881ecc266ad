import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "~/server/http";
import { SYSTEM } from "~/services/audit.server";
import { intakeContext } from "~/services/enrichment.server";
import { createIncident } from "~/services/incidents.server";
import { ingest } from "~/services/intake.server";
import { createApiToken } from "~/services/tokens.server";
import { spikeClusters } from "~db/schema";
import { freshDatabase, type TestDatabase } from "./support/db";
import { Client, createUser, startTestServer } from "./support/server";

let t: TestDatabase;
let server: RunningServer;
let incidentId: number;
let spareClusterId: number;
const ROLES = ["admin", "commander", "comms", "approver", "support", "viewer"] as const;

async function makeCluster(regions: string[]) {
  const now = Date.now();
  const [row] = await t.database.db
    .insert(spikeClusters)
    .values({
      orgId: t.org.id,
      key: `http:${regions.join()}:${now}:${Math.random()}`,
      topicSlug: "outage",
      regions,
      level: "detected",
      startedAt: new Date(now - 3600_000),
      detectedAt: new Date(now - 3300_000),
      peakAt: new Date(now - 1800_000),
      observed: 30,
      expected: 1,
      score: 9,
    })
    .returning();
  return row;
}

beforeAll(async () => {
  t = await freshDatabase();
  server = await startTestServer(t);
  for (const role of ROLES) await createUser(t, role);
  const ctx = await intakeContext({ db: t.database.db, orgId: t.org.id });
  await ingest(
    ctx,
    Array.from({ length: 60 }, (_, i) => ({
      index: i,
      value: {
        source: "x",
        externalId: `h${i}`,
        text: `power out here in Sacramento, CA #${i}`,
        createdAt: new Date(Date.now() - (50 - (i % 40)) * 60_000).toISOString(),
        author: { handle: `@p${i}`, followers: i * 10 },
      },
    })),
  );
  const c = await makeCluster(["CA", "NV"]);
  const incident = await createIncident(
    t.database.db,
    t.org.id,
    { title: "West outage", severity: "SEV2", fromClusterId: c.id },
    SYSTEM,
  );
  incidentId = incident.id;
  spareClusterId = (await makeCluster(["OR"])).id;
});
afterAll(async () => {
  await server?.close();
  await t?.close();
});

async function as(role: (typeof ROLES)[number]) {
  const client = new Client(server.url);
  await client.signIn(`${role}@test.example`);
  return client;
}

describe("the incident room over HTTP", () => {
  it("shows every role the room, and 404 for an unknown incident", async () => {
    for (const role of ROLES) {
      const res = await (await as(role)).request(`/incidents/${incidentId}`);
      expect(res.status, role).toBe(200);
      const html = await res.text();
      expect(html).toContain("West outage");
      expect(html).toContain("Outage map");
    }
    const viewer = await as("viewer");
    expect((await viewer.request("/incidents/999999")).status).toBe(404);
    expect((await viewer.request("/incidents/abc")).status).toBe(404);
  });

  it("enforces the role of every room action", async () => {
    const expectations: [role: (typeof ROLES)[number], fields: Record<string, string>, allowed: boolean][] = [
      ["viewer", { intent: "state", state: "identified" }, false],
      ["support", { intent: "state", state: "identified" }, false],
      ["comms", { intent: "state", state: "identified" }, false],
      ["approver", { intent: "state", state: "identified" }, false],
      ["commander", { intent: "state", state: "identified" }, true],
      ["viewer", { intent: "note", note: "hello" }, false],
      ["support", { intent: "note", note: "hello" }, false],
      ["comms", { intent: "note", note: "from comms" }, true],
      ["viewer", { intent: "reply", complaintId: "1", body: "hi there" }, false],
      ["approver", { intent: "reply", complaintId: "1", body: "hi there" }, false],
      ["viewer", { intent: "dismiss", clusterId: String(spareClusterId), reason: "nope" }, false],
      ["comms", { intent: "link", clusterId: String(spareClusterId) }, false],
      ["admin", { intent: "severity", severity: "SEV1" }, true],
    ];
    for (const [role, fields, allowed] of expectations) {
      const res = await (await as(role)).post(`/incidents/${incidentId}`, fields);
      expect(res.status, `${role} ${fields.intent}`).toBe(allowed ? 200 : 403);
    }
  });

  it("lets support reply from the queue, marking the complaint answered", async () => {
    const support = await as("support");
    const page = await (await support.request(`/incidents/${incidentId}`)).text();
    const match = /name="complaintId" value="(\d+)"/.exec(page);
    expect(match).not.toBeNull();
    const res = await support.post(`/incidents/${incidentId}`, {
      intent: "reply",
      complaintId: match![1],
      body: "Crews are on their way.",
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Replied to 1 person");
  });

  it("answers bad room input with 400 and a message, not 500", async () => {
    const commander = await as("commander");
    const bad = await commander.post(`/incidents/${incidentId}`, { intent: "state", state: "exploded" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("State must be one of");
    const unknown = await commander.post(`/incidents/${incidentId}`, { intent: "launch-missiles" });
    expect(unknown.status).toBe(400);
    // Only the room's own verbs: not whatever an object inherits.
    const inherited = await commander.post(`/incidents/${incidentId}`, { intent: "constructor" });
    expect(inherited.status).toBe(400);
    const noReason = await commander.post(`/incidents/${incidentId}`, {
      intent: "dismiss",
      clusterId: String(spareClusterId),
      reason: "",
    });
    expect(noReason.status).toBe(400);
  });

  it("pages the complaint stream with a keyset cursor and filters", async () => {
    const viewer = await as("viewer");
    const first = await (await viewer.request(`/incidents/${incidentId}/complaints`)).json();
    expect(first.rows).toHaveLength(50);
    expect(first.nextCursor).toMatch(/^\d+_\d+$/);
    const second = await (
      await viewer.request(`/incidents/${incidentId}/complaints?cursor=${first.nextCursor}`)
    ).json();
    expect(second.rows.length).toBeGreaterThan(0);
    const ids = new Set([...first.rows, ...second.rows].map((r: { id: number }) => r.id));
    expect(ids.size).toBe(first.rows.length + second.rows.length);
    const answered = await (await viewer.request(`/incidents/${incidentId}/complaints?answered=yes`)).json();
    expect(answered.rows).toHaveLength(1);
    expect((await new Client(server.url).request(`/incidents/${incidentId}/complaints`)).status).toBe(302);
  });

  it("opens an incident from the spikes board and dismisses spikes there by role", async () => {
    const viewer = await as("viewer");
    expect(
      (await viewer.post("/spikes", { intent: "open", clusterId: String(spareClusterId), title: "Oregon" }))
        .status,
    ).toBe(403);
    const board = await (await viewer.request("/spikes")).text();
    expect(board).toContain(`#${spareClusterId}`);
    const commander = await as("commander");
    const opened = await commander.post("/spikes", {
      intent: "open",
      clusterId: String(spareClusterId),
      title: "Oregon outage",
      severity: "SEV3",
    });
    expect(opened.status).toBe(302);
    expect(opened.headers.get("location")).toMatch(/^\/incidents\/\d+$/);
    const [linked] = await t.database.db
      .select()
      .from(spikeClusters)
      .where(eq(spikeClusters.id, spareClusterId));
    expect(linked.incidentId).not.toBeNull();
    const another = await makeCluster(["TX"]);
    const support = await as("support");
    expect(
      (
        await support.post("/spikes", {
          intent: "dismiss",
          clusterId: String(another.id),
          reason: "Hail storm chatter",
        })
      ).status,
    ).toBe(200);
  });
});

describe("incidents API", () => {
  let token: string;
  beforeAll(async () => {
    token = (await createApiToken(t.database.db, t.org.id, { name: "api" }, SYSTEM)).token;
  });
  const get = (path: string, auth = true) =>
    fetch(`${server.url}${path}`, { headers: auth ? { Authorization: `Bearer ${token}` } : {} });

  it("lists incidents and returns one with its team, spikes and updates", async () => {
    expect((await get("/api/v1/incidents", false)).status).toBe(401);
    const list = await (await get("/api/v1/incidents?state=open")).json();
    expect(list.incidents.map((i: { id: number }) => i.id)).toContain(incidentId);
    const one = await (await get(`/api/v1/incidents/${incidentId}`)).json();
    expect(one).toMatchObject({ id: incidentId, title: "West outage", regions: ["CA", "NV"], updates: [] });
    expect(one.spikes[0]).toMatchObject({ topic: "outage", regions: ["CA", "NV"], incidentId });
    expect((await get("/api/v1/incidents/424242")).status).toBe(404);
    expect((await get("/api/v1/incidents?state=weird")).status).toBe(400);
  });
});

describe("live events", () => {
  it("pushes a change made by one user to another user's open stream", async () => {
    const watcher = await as("viewer");
    const controller = new AbortController();
    const res = await fetch(`${server.url}/events`, {
      headers: { Cookie: watcher.cookieHeader() },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    const seen = (async () => {
      while (!text.includes(`"incidentId":${incidentId}`)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
      return text;
    })();
    await new Promise((r) => setTimeout(r, 200));
    const commander = await as("commander");
    await commander.post(`/incidents/${incidentId}`, { intent: "note", note: "Crews on site" });
    const received = await seen;
    controller.abort();
    expect(received).toContain("event: incident");
    expect(received).toContain(`"kind":"note"`);
    expect((await new Client(server.url).request("/events")).status).toBe(302);
  });
});
