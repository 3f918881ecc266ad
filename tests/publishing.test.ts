import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverDue } from "~/services/delivery-worker.server";
import { createIncident } from "~/services/incidents.server";
import { sendReplies } from "~/services/replies.server";
import {
  approveUpdate,
  createUpdate,
  editUpdate,
  pausePublishing,
  publishDueUpdates,
  publishingStatus,
  requestChanges,
  resumePublishing,
  submitUpdate,
  type UpdateInput,
  updatesForIncident,
  withdrawUpdate,
} from "~/services/updates.server";
import { SecretBox } from "~/utils/crypto.server";
import { ConflictError, ForbiddenError, ValidationError } from "~/utils/errors";
import {
  auditEntries,
  channels,
  complaints,
  deliveries,
  deliveryAttempts,
  incidentEvents,
  incidents,
  replies,
  statusUpdates,
  updateComments,
} from "~db/schema";
import { freshDatabase, type TestDatabase } from "./support/db";
import { createUser } from "./support/server";

let t: TestDatabase;
const box = new SecretBox("p".repeat(40));
const PUBLIC_URL = "https://status.example.com";
type Person = { kind: "user"; userId: number; role: "comms" | "approver" | "commander" | "admin" | "viewer" };
let comms: Person;
let approver: Person;
let commander: Person;
let incidentId: number;

function person(user: { id: number; role: string }): Person {
  return { kind: "user", userId: user.id, role: user.role as Person["role"] };
}

const draft = (over: Record<string, unknown> = {}): UpdateInput => ({
  kind: "holding",
  title: "",
  body: "We know customers in {regions} have no power. Next update {next_update}.",
  nextUpdateMinutes: 30,
  ...over,
});

beforeAll(async () => {
  t = await freshDatabase();
  comms = person(await createUser(t, "comms"));
  approver = person(await createUser(t, "approver"));
  commander = person(await createUser(t, "commander"));
  const incident = await createIncident(
    t.database.db,
    t.org.id,
    { title: "Power outage in the west", severity: "SEV2", regions: ["CA", "NV"], topics: ["outage"] },
    commander,
  );
  incidentId = incident.id;
});
afterAll(() => t.close());

async function reviewed(body?: Record<string, unknown>) {
  const u = await createUpdate(t.database.db, t.org.id, incidentId, draft(body), comms);
  return submitUpdate(t.database.db, t.org.id, u.id, comms);
}

describe("drafting and approval", () => {
  it("numbers updates within the incident and records the draft on the timeline", async () => {
    const a = await createUpdate(t.database.db, t.org.id, incidentId, draft(), comms);
    const b = await createUpdate(t.database.db, t.org.id, incidentId, draft({ kind: "update" }), comms);
    expect(b.number).toBe(a.number + 1);
    expect(a.state).toBe("draft");
    expect(a.regions).toEqual(["CA", "NV"]);
    expect(a.title).toBe("Power outage in the west");
    const events = await t.database.db
      .select()
      .from(incidentEvents)
      .where(and(eq(incidentEvents.incidentId, incidentId), eq(incidentEvents.kind, "update_drafted")));
    expect(events.length).toBeGreaterThanOrEqual(2);
  });

  it("refuses unknown placeholders and says which", async () => {
    await expect(
      createUpdate(
        t.database.db,
        t.org.id,
        incidentId,
        draft({ body: "Out in {region} since noon, sorry." }),
        comms,
      ),
    ).rejects.toThrow(ValidationError);
    try {
      await createUpdate(
        t.database.db,
        t.org.id,
        incidentId,
        draft({ body: "Out in {region} since noon." }),
        comms,
      );
    } catch (error) {
      expect(JSON.stringify((error as ValidationError).fields)).toMatch(/region/);
    }
  });

  it("never lets the author approve their own update at a severity that needs a second person", async () => {
    const admin = person(await createUser(t, "admin"));
    const u = await createUpdate(t.database.db, t.org.id, incidentId, draft(), admin);
    await submitUpdate(t.database.db, t.org.id, u.id, admin);
    await expect(
      approveUpdate(t.database.db, t.org.id, u.id, { version: 1 }, admin, { publicUrl: PUBLIC_URL }),
    ).rejects.toThrow(/someone other than its author/);
    const [row] = await t.database.db.select().from(statusUpdates).where(eq(statusUpdates.id, u.id));
    expect(row.state).toBe("in_review");
    expect(await t.database.db.select().from(deliveries).where(eq(deliveries.updateId, u.id))).toHaveLength(
      0,
    );
  });

  it("refuses comms approving and approvers approving a version they did not read", async () => {
    const u = await reviewed();
    await expect(
      approveUpdate(t.database.db, t.org.id, u.id, { version: 1 }, comms, { publicUrl: PUBLIC_URL }),
    ).rejects.toThrow(ForbiddenError);
    await editUpdate(
      t.database.db,
      t.org.id,
      u.id,
      draft({ body: "A changed text about {regions}, sorry." }),
      comms,
    );
    await expect(
      approveUpdate(t.database.db, t.org.id, u.id, { version: 1 }, approver, { publicUrl: PUBLIC_URL }),
    ).rejects.toThrow(/draft/);
    await submitUpdate(t.database.db, t.org.id, u.id, comms);
    await expect(
      approveUpdate(t.database.db, t.org.id, u.id, { version: 1 }, approver, { publicUrl: PUBLIC_URL }),
    ).rejects.toThrow(/edited since you read it/);
  });

  it("sends an update back with a required comment, and an edit in review returns it to draft", async () => {
    const u = await reviewed();
    await expect(requestChanges(t.database.db, t.org.id, u.id, "  ", approver)).rejects.toThrow(
      ValidationError,
    );
    const back = await requestChanges(
      t.database.db,
      t.org.id,
      u.id,
      "Say when the next update is.",
      approver,
    );
    expect(back.state).toBe("draft");
    expect(back.reviewNote).toBe("Say when the next update is.");
    const comments = await t.database.db
      .select()
      .from(updateComments)
      .where(eq(updateComments.updateId, u.id));
    expect(comments.map((c) => c.kind)).toEqual(expect.arrayContaining(["submitted", "changes_requested"]));
    const again = await submitUpdate(t.database.db, t.org.id, u.id, comms);
    const edited = await editUpdate(
      t.database.db,
      t.org.id,
      again.id,
      draft({ body: "Edited in review, {regions}." }),
      comms,
    );
    expect(edited.state).toBe("draft");
    expect(edited.version).toBe(again.version + 1);
  });
});

describe("approval publishes through the outbox", () => {
  it("writes one delivery per enabled channel with the frozen message, publishes, and moves the incident", async () => {
    await t.database.db
      .insert(channels)
      .values({ orgId: t.org.id, kind: "slack", name: "Ops Slack (off)", enabled: false, config: {} });
    const u = await reviewed({
      incidentState: "identified",
      body: "Crews are on the way to {regions}. Next update {next_update}.",
    });
    const now = new Date("2026-11-02T20:00:00Z");
    const result = await approveUpdate(
      t.database.db,
      t.org.id,
      u.id,
      { version: u.version, comment: "Legal OK" },
      approver,
      { publicUrl: PUBLIC_URL, now },
    );
    expect(result.published).toBe(true);
    const rows = await t.database.db.select().from(deliveries).where(eq(deliveries.updateId, u.id));
    // The status page only: the Slack channel is switched off.
    expect(rows.map((r) => r.channelKind)).toEqual(["status_page"]);
    expect(rows[0].idempotencyKey).toBe(`update:${u.id}:channel:${rows[0].channelId}`);
    const [published] = await t.database.db.select().from(statusUpdates).where(eq(statusUpdates.id, u.id));
    expect(published.state).toBe("published");
    expect(published.publishedAt?.toISOString()).toBe(now.toISOString());
    expect(published.nextUpdateAt?.toISOString()).toBe("2026-11-02T20:30:00.000Z");
    const [incident] = await t.database.db.select().from(incidents).where(eq(incidents.id, incidentId));
    expect(incident.state).toBe("identified");
    expect(incident.nextUpdateDueAt?.toISOString()).toBe("2026-11-02T20:30:00.000Z");
    const audit = await t.database.db
      .select()
      .from(auditEntries)
      .where(eq(auditEntries.targetId, String(u.id)));
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(["update.submitted", "update.approved", "update.published"]),
    );

    const pass = await deliverDue({ db: t.database.db, box, publicUrl: PUBLIC_URL, owner: "test-worker" });
    expect(pass.settled.sent).toBeGreaterThanOrEqual(1);
    const [sent] = await t.database.db.select().from(deliveries).where(eq(deliveries.id, rows[0].id));
    expect(sent.state).toBe("sent");
    expect(sent.remoteUrl).toBe(`${PUBLIC_URL}/status/incidents/${incidentId}#update-${u.number}`);
    const attempts = await t.database.db
      .select()
      .from(deliveryAttempts)
      .where(eq(deliveryAttempts.deliveryId, sent.id));
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({
      outcome: "sent",
      idempotencyKey: sent.idempotencyKey,
      worker: "test-worker",
    });
    expect(attempts[0].dispatchedAt).toBeNull(); // the status page calls out to nothing
  });

  it("fills placeholders as of publication: regions by name and the promised time in the region's zone", async () => {
    const [hook] = await t.database.db
      .insert(channels)
      .values({ orgId: t.org.id, kind: "statuspage", name: "Atlassian (payload only)", config: {} })
      .returning();
    const u = await reviewed({ body: "Customers in {regions} are affected. Next update {next_update}." });
    await approveUpdate(t.database.db, t.org.id, u.id, { version: u.version }, approver, {
      publicUrl: PUBLIC_URL,
      now: new Date("2026-11-02T20:00:00Z"),
    });
    const [row] = await t.database.db
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.updateId, u.id), eq(deliveries.channelId, hook.id)));
    expect(row.payload).toMatchObject({
      body: expect.stringContaining(
        "Customers in California and Nevada are affected. Next update by 12:30 PM PST.",
      ),
      status: expect.any(String),
    });
    await t.database.db.delete(channels).where(eq(channels.id, hook.id));
  });

  it("holds a scheduled update until its time, and a withdrawn one never goes out", async () => {
    const later = new Date(Date.now() + 3600_000);
    const u = await reviewed({ scheduledAt: later.toISOString() });
    const result = await approveUpdate(t.database.db, t.org.id, u.id, { version: u.version }, approver, {
      publicUrl: PUBLIC_URL,
    });
    expect(result.published).toBe(false);
    await deliverDue({ db: t.database.db, box, publicUrl: PUBLIC_URL });
    const held = await t.database.db.select().from(deliveries).where(eq(deliveries.updateId, u.id));
    expect(held.every((d) => d.state === "pending")).toBe(true);
    await withdrawUpdate(t.database.db, t.org.id, u.id, comms);
    const after = await t.database.db.select().from(deliveries).where(eq(deliveries.updateId, u.id));
    expect(after.every((d) => d.state === "cancelled")).toBe(true);
    await expect(withdrawUpdate(t.database.db, t.org.id, u.id, comms)).rejects.toThrow(ConflictError);
  });
});

describe("publication time", () => {
  it("fills placeholders when a scheduled update goes out, not when it was approved, and keeps the published text", async () => {
    const [hook] = await t.database.db
      .insert(channels)
      .values({ orgId: t.org.id, kind: "statuspage", name: "Atlassian (scheduled)", config: {} })
      .returning();
    const approvedAt = new Date("2026-11-03T18:00:00Z");
    const goesOut = new Date("2026-11-03T20:00:00Z");
    const u = await reviewed({ scheduledAt: goesOut.toISOString(), body: "Next update {next_update}." });
    await approveUpdate(t.database.db, t.org.id, u.id, { version: u.version }, approver, {
      publicUrl: PUBLIC_URL,
      now: approvedAt,
    });
    expect(
      await publishDueUpdates(t.database.db, {
        publicUrl: PUBLIC_URL,
        now: new Date("2026-11-03T19:00:00Z"),
      }),
    ).toBe(0);
    expect(
      await publishDueUpdates(t.database.db, { publicUrl: PUBLIC_URL, now: goesOut }),
    ).toBeGreaterThanOrEqual(1);
    const [row] = await t.database.db
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.updateId, u.id), eq(deliveries.channelId, hook.id)));
    // Published at 20:00 UTC (12:00 PST) with a 30-minute promise: 12:30 PM PST, not 10:30 AM.
    expect(row.payload).toMatchObject({ body: expect.stringContaining("Next update by 12:30 PM PST.") });
    const [published] = await t.database.db.select().from(statusUpdates).where(eq(statusUpdates.id, u.id));
    expect(published.publishedBody).toBe("Next update by 12:30 PM PST.");
    expect(published.body).toBe("Next update {next_update}.");
    await t.database.db.delete(channels).where(eq(channels.id, hook.id));
  });
});

describe("the kill switch", () => {
  it("holds approvals and queued deliveries until publishing is resumed on purpose", async () => {
    const held = await pausePublishing(t.database.db, t.org.id, "Legal review of all statements", commander);
    expect(held).toMatchObject({ deliveries: expect.any(Number), updates: expect.any(Number) });
    await expect(pausePublishing(t.database.db, t.org.id, "again", commander)).rejects.toThrow(ConflictError);

    const u = await reviewed();
    const result = await approveUpdate(t.database.db, t.org.id, u.id, { version: u.version }, approver, {
      publicUrl: PUBLIC_URL,
    });
    expect(result.published).toBe(false);
    const pass = await deliverDue({ db: t.database.db, box, publicUrl: PUBLIC_URL });
    expect(pass.claimed).toBe(0);
    const status = await publishingStatus(t.database.db, t.org.id);
    expect(status).toMatchObject({ paused: true, reason: "Legal review of all statements" });
    expect(status.held.updates).toBeGreaterThanOrEqual(1);

    const released = await resumePublishing(t.database.db, t.org.id, commander);
    expect(released.updates).toBeGreaterThanOrEqual(1);
    await deliverDue({ db: t.database.db, box, publicUrl: PUBLIC_URL });
    const [row] = await t.database.db.select().from(statusUpdates).where(eq(statusUpdates.id, u.id));
    expect(row.state).toBe("published");
    const sent = await t.database.db.select().from(deliveries).where(eq(deliveries.updateId, u.id));
    expect(sent.map((d) => d.state)).toEqual(["sent"]);
    await expect(resumePublishing(t.database.db, t.org.id, commander)).rejects.toThrow(ConflictError);
  });
});

describe("reading the updates for the room", () => {
  it("lists updates newest first with their conversation and deliveries", async () => {
    const list = await updatesForIncident(t.database.db, t.org.id, incidentId);
    expect(list[0].number).toBeGreaterThan(list.at(-1)!.number);
    const published = list.find((u) => u.state === "published")!;
    expect(published.deliveries[0]).toMatchObject({ channelKind: "status_page", state: "sent" });
    expect(published.comments.some((c) => c.kind === "approved")).toBe(true);
    expect(published.approvedByName).toBeTruthy();
  });
});

describe("replies through the outbox", () => {
  it("fails a reply whose network has no connected channel, with a reason a person can act on", async () => {
    const [c] = await t.database.db
      .insert(complaints)
      .values({
        orgId: t.org.id,
        source: "x",
        externalId: "reply-target-1",
        text: "Power out in Fresno since 6am",
        createdAt: new Date(),
        regionCode: "CA",
        topicSlug: "outage",
        incidentId,
        raw: {},
      })
      .returning();
    const sent = await sendReplies(
      t.database.db,
      t.org.id,
      incidentId,
      { body: "Crews are on the way.", complaintIds: [c.id] },
      commander,
    );
    expect(sent.replied).toBe(1);
    await deliverDue({ db: t.database.db, box, publicUrl: PUBLIC_URL });
    const [reply] = await t.database.db.select().from(replies).where(eq(replies.complaintId, c.id));
    const [d] = await t.database.db.select().from(deliveries).where(eq(deliveries.replyId, reply.id));
    expect(d.state).toBe("failed");
    expect(d.lastError).toMatch(/No x channel is connected to answer from/);
  });
});
