import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "~/server/http";
import { createIncident } from "~/services/incidents.server";
import { sendReplies } from "~/services/replies.server";
import { approveUpdate, createUpdate, submitUpdate } from "~/services/updates.server";
import { complaints, incidents, organisations } from "~db/schema";
import { freshDatabase, type TestDatabase } from "./support/db";
import { Client, createUser, startTestServer } from "./support/server";

/** The metrics routes over HTTP: who may read them, the CSV and Markdown downloads, and bad parameters. */

let t: TestDatabase;
let server: RunningServer;
let incidentId: number;
let foreignIncidentId: number;
const ROLES = ["admin", "commander", "comms", "approver", "support", "viewer"] as const;
// A title that would break a CSV row, run as a spreadsheet formula, and inject HTML into Markdown.
const TITLE = '=Power, "west" <b>outage</b> | part 2';

beforeAll(async () => {
  t = await freshDatabase();
  server = await startTestServer(t, {}, { workers: false });
  const users = Object.fromEntries(await Promise.all(ROLES.map(async (r) => [r, await createUser(t, r)])));
  const actor = (role: (typeof ROLES)[number]) => ({ kind: "user" as const, userId: users[role].id, role });
  const db = t.database.db;
  incidentId = (
    await createIncident(
      db,
      t.org.id,
      { title: TITLE, severity: "SEV2", regions: ["CA"], topics: ["outage"] },
      actor("commander"),
    )
  ).id;
  const [c] = await db
    .insert(complaints)
    .values({
      orgId: t.org.id,
      source: "x",
      externalId: "http-1",
      text: "no power",
      createdAt: new Date(),
      regionCode: "CA",
      topicSlug: "outage",
      incidentId,
      raw: {},
    })
    .returning();
  await sendReplies(
    db,
    t.org.id,
    incidentId,
    { body: "We are on it.", complaintIds: [c.id] },
    actor("support"),
  );
  const u = await createUpdate(
    db,
    t.org.id,
    incidentId,
    { kind: "holding", body: "We know the west has no power." },
    actor("comms"),
  );
  await submitUpdate(db, t.org.id, u.id, actor("comms"));
  await approveUpdate(db, t.org.id, u.id, { version: u.version }, actor("approver"), {
    publicUrl: server.url,
  });
  // Another organisation's incident, on the same server and database.
  const [other] = await db.insert(organisations).values({ slug: "elsewhere", name: "Elsewhere" }).returning();
  [{ id: foreignIncidentId }] = await db
    .insert(incidents)
    .values({ orgId: other.id, title: "Their secret incident", regions: ["CA"] })
    .returning({ id: incidents.id });
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

describe("who may read the metrics", () => {
  it("sends a signed-out visitor to sign in from every metrics route", async () => {
    const anonymous = new Client(server.url);
    for (const path of [
      "/metrics",
      "/metrics.csv",
      `/incidents/${incidentId}/report`,
      `/incidents/${incidentId}/report.md`,
      `/incidents/${incidentId}/metrics`,
    ]) {
      const res = await anonymous.request(path);
      expect(res.status, path).toBe(302);
      expect(res.headers.get("location"), path).toMatch(/^\/signin/);
    }
  });

  it("lets every role of the organisation read them", async () => {
    for (const role of ROLES) {
      const client = await as(role);
      expect((await client.request(`/incidents/${incidentId}/report`)).status, role).toBe(200);
      expect((await client.request("/metrics.csv")).status, role).toBe(200);
    }
  });

  it("answers 404 for another organisation's incident and for what is not an incident id", async () => {
    const viewer = await as("viewer");
    for (const path of [
      `/incidents/${foreignIncidentId}/report`,
      `/incidents/${foreignIncidentId}/report.md`,
      `/incidents/${foreignIncidentId}/metrics`,
      "/incidents/abc/report.md",
      "/incidents/1e3/metrics",
    ]) {
      const res = await viewer.request(path);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toContain("Their secret incident");
    }
    const csv = await (await viewer.request("/metrics.csv")).text();
    expect(csv).not.toContain("Their secret incident");
  });
});

describe("CSV export", () => {
  it("is a download with one escaped row per incident", async () => {
    const res = await (await as("viewer")).request("/metrics.csv?table=incidents&region=ca");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get("content-disposition")).toMatch(
      /^attachment; filename="clarion-incidents-\d{4}-\d\d-\d\d_\d{4}-\d\d-\d\d-CA\.csv"$/,
    );
    const body = await res.text();
    const lines = body.split("\r\n");
    expect(lines[0]).toBe(
      "incident_id,title,severity,state,started_at,resolved_at,updates_published,time_to_first_update_min,promises_judged,promises_kept,cadence_kept_share,complaints,answered,coverage_share,median_first_reply_min",
    );
    expect(
      lines[1].startsWith(`${incidentId},"'=Power, ""west"" <b>outage</b> | part 2",SEV2,investigating,`),
    ).toBe(true);
    // One update published, one complaint, answered.
    expect(lines[1]).toMatch(/,1,[\d.]+,0,0,,1,1,1,[\d.]+$/);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe("");
  });

  it("exports the other tables with the same filters", async () => {
    const viewer = await as("viewer");
    const channels = await (await viewer.request("/metrics.csv?table=channels")).text();
    expect(channels.split("\r\n")[0]).toBe(
      "purpose,channel,sent,failed,unknown,pending,cancelled,success_share,median_seconds_to_send",
    );
    expect(channels).toContain("update,status_page,0,0,0,1,0,,");
    const workload = await (await viewer.request("/metrics.csv?table=workload")).text();
    expect(workload).toMatch(/\r\n\d+,Support,1,1,1,[\d.]+,0,0\r\n/);
    const trends = await (await viewer.request("/metrics.csv?table=trends&severity=SEV1")).text();
    expect(trends.split("\r\n")).toHaveLength(2); // the header only: no SEV1 incident
  });

  it("refuses bad parameters with 400 and says which and why", async () => {
    const viewer = await as("viewer");
    const cases: [string, string][] = [
      ["severity=SEV9", "severity: Severity must be one of SEV1, SEV2, SEV3, SEV4"],
      ["from=2026-02-30", "from: The start date is not a real date"],
      ["from=2026-11-10&to=2026-11-01", "from: The start date must be on or before the end date"],
      ["region=ZZ", "region: There is no region “ZZ”"],
      ["table=passwords", "table: choose one of incidents, trends, channels, workload"],
    ];
    for (const [query, message] of cases) {
      const res = await viewer.request(`/metrics.csv?${query}`);
      expect(res.status, query).toBe(400);
      expect(await res.text(), query).toContain(message);
    }
  });
});

describe("Markdown report", () => {
  it("is a download with every section and the people's words escaped", async () => {
    const res = await (await as("viewer")).request(`/incidents/${incidentId}/report.md`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="incident-${incidentId}-comms-report.md"`,
    );
    const md = await res.text();
    expect(md.split("\n")[0]).toBe(
      `# Post-incident comms report: #${incidentId} =Power, "west" \\<b\\>outage\\</b\\> \\| part 2`,
    );
    for (const heading of [
      "## How fast we spoke",
      "## Promises kept: 0 of 0",
      "## Did we answer people? 100% of 1 complaints answered",
      "## Did updates reduce inbound? (30 min before / 30 min after each update, in the affected cells)",
      "## Where each copy landed",
      "## Published updates",
      "## Timeline",
    ]) {
      expect(md).toContain(heading);
    }
    expect(md).toContain("> We know the west has no power.");
    expect(md).toContain("| Channel posts | status\\_page | 0 | 0 | 0 | 1 | — | — |");
  });

  it("takes the window as a parameter and refuses one it does not offer", async () => {
    const viewer = await as("viewer");
    const md = await (await viewer.request(`/incidents/${incidentId}/report.md?window=60`)).text();
    expect(md).toContain("(60 min before / 60 min after each update");
    const bad = await viewer.request(`/incidents/${incidentId}/report.md?window=45`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("The window is 15, 30, 60 minutes, not “45”.");
  });
});

describe("pages", () => {
  it("renders the report and the metrics page, and explains bad filters", async () => {
    const viewer = await as("viewer");
    const report = await (await viewer.request(`/incidents/${incidentId}/report`)).text();
    expect(report).toContain('data-testid="incident-report"');
    expect(report).toContain("&lt;b&gt;outage&lt;/b&gt;");
    const page = await viewer.request("/metrics");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-testid="incidents-table"');
    const bad = await viewer.request("/metrics?from=2026-13-01&severity=SEV0");
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain("The start date is not a real date");
    expect(html).toContain("Severity must be one of SEV1, SEV2, SEV3, SEV4");
  });

  it("serves the room's metrics panel its numbers as JSON", async () => {
    const res = await (await as("viewer")).request(`/incidents/${incidentId}/metrics`);
    expect(res.status).toBe(200);
    const m = await res.json();
    expect(m.coverage.overall).toMatchObject({ complaints: 1, answered: 1, coverage: 1 });
    expect(m.cadence.promises).toHaveLength(1);
    expect(m.speed.reference).toBe("incident_start");
  });
});
